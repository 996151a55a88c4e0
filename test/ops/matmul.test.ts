/** Matrix products: PyTorch's values, gradchecks over the 1-D/batched/broadcast forms, errors. */

import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { linear as linearOp } from '../../src/ops/matmul.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  expectConformance,
  expectGradcheck,
  expectSameAsCpu,
  leaf,
  ncLeaf,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const forms: [string, number[], number[]][] = [
  ['1d @ 1d', [5], [5]],
  ['1d @ 2d', [5], [5, 3]],
  ['2d @ 1d', [4, 5], [5]],
  ['2d @ 2d', [4, 5], [5, 3]],
  ['3d @ 2d', [2, 4, 5], [5, 3]],
  ['batch broadcast [2,1,4,5] @ [3,5,2]', [2, 1, 4, 5], [3, 5, 2]],
  ['1d @ 3d', [5], [2, 5, 3]],
];

for (const device of testDevices())
  describe(`matmul on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('matmul')) it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      for (const [name, sa, sb] of forms)
        it(name, () =>
          expectGradcheck((a, b) => torch.matmul(a, b), [leaf(sa, device, 51), leaf(sb, device, 52)]),
        );
      it('non-contiguous operands on both sides', () =>
        expectGradcheck(
          (a, b) => torch.matmul(a, b),
          [ncLeaf([2, 4, 5], device, 53), ncLeaf([5, 3], device, 54)],
        ));
      it('mm, bmm, dot, outer', () =>
        expectGradcheck(
          (a, b, c, v) =>
            torch.stack([
              torch.mm(a, b).sum(),
              torch.bmm(c, c.transpose(1, 2)).sum(),
              torch.dot(v, v),
              torch.outer(v, v).sum(),
            ]),
          [
            leaf([3, 4], device, 55),
            leaf([4, 2], device, 56),
            leaf([2, 3, 4], device, 57),
            leaf([6], device, 58),
          ],
        ));
      it('linear with bias over a 3-d input, without bias, and with the fused ReLU epilogue', () =>
        expectGradcheck(
          (x, w, b) =>
            torch.stack([
              torch.linear(x, w, b).sum(),
              torch.linear(x, w).mul(x.sum()).sum(),
              linearOp(x, w, b, 'relu').pow(2).sum(),
            ]),
          [leaf([2, 3, 4], device, 59), ncLeaf([5, 4], device, 60), leaf([5], device, 61, { shift: 0.3 })],
        ));
    });

    it('linear(relu) equals relu(linear)', async () => {
      const g = new torch.Generator(3);
      const [x, w, b] = [
        torch.randn([7, 9], { generator: g }),
        torch.randn([4, 9], { generator: g }),
        torch.randn([4], { generator: g }),
      ].map((t) => t.to(device)) as [Tensor, Tensor, Tensor];
      const fused = await linearOp(x, w, b, 'relu').toArray();
      const ref = await torch.relu(torch.add(torch.matmul(x, w.T), b)).toArray();
      for (let i = 0; i < ref.length; i++) expect(fused[i]).toBeCloseTo(ref[i], 5);
    });

    if (device !== 'cpu')
      it('agrees with the CPU at an MLP size', () =>
        expectSameAsCpu(
          (a, b) => torch.matmul(a, b),
          [
            [64, 784],
            [784, 128],
          ],
          device,
          { atol: 1e-4, rtol: 1e-4 },
        ));

    describe('errors', () => {
      const z = (s: number[]) => torch.zeros(s, { device });
      it('shape mismatch names both shapes', () => {
        expect(() => torch.matmul(z([2, 3]), z([4, 5]))).toThrow(
          /mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)/,
        );
        expect(() => torch.matmul(z([2, 2, 3]), z([2, 4, 5]))).toThrow(/\[2, 2, 3\] and \[2, 4, 5\]/);
        expect(() => torch.matmul(z([3]), z([4]))).toThrow(/inconsistent tensor size/);
        expect(() => torch.matmul(z([2, 2, 3]), z([3, 3, 5]))).toThrow(/not broadcastable/);
        expect(() => torch.linear(z([2, 3]), z([5, 4]))).toThrow(
          /mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)/,
        );
      });
      it('rank and dtype errors', () => {
        expect(() => torch.matmul(z([]), z([3]))).toThrow(
          /both arguments to matmul need to be at least 1D, but they are 0D and 1D/,
        );
        expect(() => torch.mm(z([2, 2, 2]), z([2, 2]))).toThrow(/mm: expected 2D tensors, got 3D and 2D/);
        expect(() => torch.bmm(z([2, 2, 2]), z([3, 2, 2]))).toThrow(/bmm: batch sizes differ/);
        expect(() =>
          torch.matmul(torch.tensor([[1, 2]]).to(device), torch.tensor([[1], [2]]).to(device)),
        ).toThrow(/matmul: expected floating point operands of one dtype, got int64 and int64/);
      });
    });
  });
