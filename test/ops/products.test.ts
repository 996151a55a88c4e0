/** Products and shape ops composed from views and matmul: einsum's forms, gradchecks, index factories. */

import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf, values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

async function expectClose(got: Tensor, want: Tensor): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  const [g, w] = [await values(got), await values(want)];
  for (const [i, v] of g.entries())
    expect(Math.abs(v - w[i])).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(w[i]));
}

// [equation, operand shapes, the same thing written with other ops]
const einsumForms: [string, number[][], (...xs: Tensor[]) => Tensor][] = [
  [
    'ij,jk->ik',
    [
      [3, 4],
      [4, 2],
    ],
    (a, b) => torch.matmul(a, b),
  ],
  [
    'ij,jk',
    [
      [3, 4],
      [4, 2],
    ],
    (a, b) => torch.matmul(a, b),
  ],
  ['ji', [[3, 4]], (a) => a.t()],
  ['ii', [[3, 3]], (a) => torch.trace(a)],
  ['ii->i', [[3, 3]], (a) => torch.diagonal(a)],
  [
    'bij,bjk->bik',
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    (a, b) => torch.bmm(a, b),
  ],
  [
    '...ij,...jk->...ik',
    [
      [2, 1, 3, 4],
      [5, 4, 2],
    ],
    (a, b) => torch.matmul(a, b),
  ],
  ['i,j->ij', [[3], [4]], (a, b) => torch.outer(a, b)],
  ['i,i->', [[5], [5]], (a, b) => torch.dot(a, b)],
  [
    'ij,jk,kl->il',
    [
      [2, 3],
      [3, 4],
      [4, 2],
    ],
    (a, b, c) => torch.matmul(torch.matmul(a, b), c),
  ],
  [
    'bi,bi->b',
    [
      [3, 4],
      [3, 4],
    ],
    (a, b) => torch.sum(torch.mul(a, b), 1),
  ],
  ['i...->...', [[3, 2, 2]], (a) => torch.sum(a, 0)],
];

for (const device of testDevices())
  describe(`products on ${device}`, () => {
    describe('einsum', () => {
      for (const [eq, shapes, ref] of einsumForms) {
        const ins = () => shapes.map((s, i) => leaf(s, device, 30 + i));
        it(`${eq}: values`, async () => {
          const xs = ins();
          await expectClose(torch.einsum(eq, xs), ref(...xs));
        });
        it(`${eq}: gradcheck`, () => expectGradcheck((...xs) => torch.einsum(eq, xs), ins()));
      }
      it('rejects a subscript count that does not match the operand', () =>
        expect(() => torch.einsum('ijk', [leaf([2, 2], device)])).toThrow(/number of subscripts/));
    });

    it('kron, tensordot, addmm, diag_embed, roll, rot90: gradcheck', async () => {
      await expectGradcheck((a, b) => torch.kron(a, b), [leaf([2, 3], device, 1), leaf([3, 2], device, 2)]);
      await expectGradcheck(
        (a, b) =>
          torch.tensordot(a, b, [
            [0, 2],
            [1, 0],
          ]),
        [leaf([2, 3, 4], device, 3), leaf([4, 2, 5], device, 4)],
      );
      await expectGradcheck(
        (c, a, b) => torch.addmm(c, a, b, { beta: 0.5, alpha: 2 }),
        [leaf([3], device, 5), leaf([2, 4], device, 6), leaf([4, 3], device, 7)],
      );
      await expectGradcheck((a) => torch.diagEmbed(a, 1, 0, 2), [leaf([2, 3], device, 8)]);
      await expectGradcheck((a) => torch.roll(a, [1, -2], [0, 1]), [leaf([3, 4], device, 9)]);
      await expectGradcheck((a) => torch.rot90(a, 3, [1, 2]), [leaf([2, 3, 4], device, 10)]);
    });

    it('meshgrid xy and ij', async () => {
      const x = torch.tensor([1, 2, 3]).to(device);
      const y = torch.tensor([4, 5]).to(device);
      const [gx, gy] = torch.meshgrid([x, y], { indexing: 'xy' });
      expect(gx.shape).toEqual([2, 3]);
      expect(await values(gx)).toEqual([1, 2, 3, 1, 2, 3]);
      expect(await values(gy)).toEqual([4, 4, 4, 5, 5, 5]);
      const [ix] = torch.meshgrid([x, y]);
      expect(await values(ix)).toEqual([1, 1, 2, 2, 3, 3]);
    });

    it('tril_indices / triu_indices', async () => {
      const l = torch.trilIndices(3, 3, { device });
      expect(l.shape).toEqual([2, 6]);
      expect(await values(l)).toEqual([0, 1, 1, 2, 2, 2, 0, 0, 1, 0, 1, 2]);
      const u = torch.triuIndices(3, 4, 1, { device });
      expect(await values(u)).toEqual([0, 0, 0, 1, 1, 2, 1, 2, 3, 2, 3, 3]);
      expect(torch.trilIndices(0, 3).shape).toEqual([2, 0]);
    });

    it('movedim with lists, tensor_split, hsplit', async () => {
      const x = leaf([2, 3, 4], device);
      expect(torch.movedim(x, [0, 1], [2, 0]).shape).toEqual([3, 4, 2]);
      expect(x.moveaxis(-1, 0).shape).toEqual([4, 2, 3]);
      expect(torch.tensorSplit(x, 3, -1).map((t) => t.shape[2])).toEqual([2, 1, 1]);
      expect(torch.tensorSplit(x, [1, 5], 2).map((t) => t.shape[2])).toEqual([1, 3, 0]);
      expect(() => torch.hsplit(x, 2)).toThrow(/not divisible/);
    });
  });
