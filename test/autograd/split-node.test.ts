/**
 * split / chunk / unbind record one node (PyTorch's SplitBackward0, SplitWithSizesBackward0,
 * UnbindBackward0) whose backward concatenates the pieces' gradients. The reference is the
 * per-piece path they replaced: one narrow/select view per piece, each with its own node. Both
 * are compositions of copies, so the gradients must agree (up to the old path's `+ 0`).
 * Also checks that the engine's freeing of intermediate gradients never changes what a user
 * can see: retained gradients, captured ones, createGraph, leaf accumulation across backwards.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf, values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const close = async (a: Tensor | null, b: Tensor | null, tol = 1e-6) => {
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  expect(a!.shape).toEqual(b!.shape);
  const av = await values(a!);
  const bv = await values(b!);
  const err = Math.max(0, ...av.map((v, i) => Math.abs(v - bv[i])));
  expect(err).toBeLessThanOrEqual(tol);
};

/** The pieces the old way: one narrow (or select) view per piece. */
const narrowPieces = (x: Tensor, sizes: number[], dim: number): Tensor[] => {
  let off = 0;
  return sizes.map((s) => {
    const p = x.narrow(dim, off, s);
    off += s;
    return p;
  });
};
const selectPieces = (x: Tensor, dim: number): Tensor[] =>
  Array.from({ length: x.shape[dim] }, (_, i) => x.select(dim, i));

/** loss = sum_i w_i · f(piece_i) over the used pieces (null weight: piece unused). */
const lossOf = (pieces: Tensor[], ws: (Tensor | null)[]): Tensor => {
  let loss: Tensor | null = null;
  pieces.forEach((p, i) => {
    const w = ws[i];
    if (!w) return;
    const term = p.mul(p).mul(w).sum();
    loss = loss ? loss.add(term) : term;
  });
  return loss!;
};

for (const device of testDevices())
  describe(`split/chunk/unbind as one node on ${device}`, () => {
    const cases: { name: string; pieces: (x: Tensor) => Tensor[]; ref: (x: Tensor) => Tensor[] }[] = [
      { name: 'split(size)', pieces: (x) => x.split(3, 1), ref: (x) => narrowPieces(x, [3, 3, 1], 1) },
      {
        name: 'split(sizes)',
        pieces: (x) => torch.split(x, [2, 0, 4, 1], 1),
        ref: (x) => narrowPieces(x, [2, 0, 4, 1], 1),
      },
      { name: 'chunk', pieces: (x) => x.chunk(2, -1), ref: (x) => narrowPieces(x, [3, 2], 2) },
      { name: 'unbind', pieces: (x) => x.unbind(0), ref: (x) => selectPieces(x, 0) },
    ];

    for (const c of cases)
      it(`${c.name}: gradients equal the per-piece path's, with some pieces unused`, async () => {
        const x0 = leaf([3, 7, 5], device, 3);
        const n = c.pieces(x0).length;
        for (const used of [Array(n).fill(true), Array.from({ length: n }, (_, i) => i % 2 === 1)]) {
          const ws = Array.from({ length: n }, (_, i) =>
            used[i] ? leaf([...c.ref(x0)[i].shape], device, 10 + i).detach() : null,
          );
          const a = x0.detach().requiresGrad_(true);
          lossOf(c.pieces(a), ws).backward();
          const b = x0.detach().requiresGrad_(true);
          lossOf(c.ref(b), ws).backward();
          await close(a.grad, b.grad);
          // Unused pieces get exactly zero gradient.
          if (c.name === 'split(size)' && !used[0])
            expect((await values(a.grad!.narrow(1, 0, 3))).every((v) => v === 0)).toBe(true);
        }
      });

    it('grad_fn names and one node for all pieces; pieces stay views of the input', async () => {
      const x = leaf([4, 6], device);
      const ps = x.split(2, 1);
      expect(ps[0].gradFn!.displayName).toBe('SplitBackward0');
      expect(ps.every((p) => p.gradFn === ps[0].gradFn)).toBe(true);
      expect(ps.map((p) => p.outputNr)).toEqual([0, 1, 2]);
      expect(torch.split(x, [1, 5], 1)[0].gradFn!.displayName).toBe('SplitWithSizesBackward0');
      expect(x.unbind(1)[0].gradFn!.displayName).toBe('UnbindBackward0');
      expect(x.chunk(3, 1)[0].gradFn!.displayName).toBe('SplitBackward0');
      const y = x.detach().clone();
      const [a, b] = y.split([2, 4], 1);
      expect(a.storage).toBe(y.storage);
      expect(b.offset).toBe(y.offset + 2);
      y.mul_(2);
      expect(await values(b)).toEqual(await values(x.detach().narrow(1, 2, 4).mul(2)));
      const u = y.unbind(1)[5];
      expect(u.shape).toEqual([4]);
      expect(await values(u)).toEqual(await values(y.select(1, 5)));
    });

    it('double backward through split equals the per-piece path and passes gradcheck', async () => {
      const x0 = leaf([2, 6], device, 5);
      const grads: Tensor[] = [];
      for (const pieces of [(x: Tensor) => x.split(2, 1), (x: Tensor) => narrowPieces(x, [2, 2, 2], 1)]) {
        const x = x0.detach().requiresGrad_(true);
        const [p, , r] = pieces(x); // the middle piece unused
        const loss = p.mul(p).mul(r).sum();
        const [g] = torch.autograd.grad([loss], [x], { createGraph: true });
        g!.mul(g!).sum().backward();
        grads.push(x.grad!);
      }
      await close(grads[0], grads[1], 1e-5);
      await expectGradcheck(
        (x) => x.split([1, 3, 2], 1)[2].mul(x.split(2, 1)[0].sum()),
        [leaf([3, 6], device, 7)],
      );
      await expectGradcheck(
        (x) => torch.stack(x.unbind(1).reverse(), 0).mul(x.sum()),
        [leaf([2, 3], device, 8)],
      );
    });

    it('in place on a piece keeps the base history (as the per-piece path did)', async () => {
      const grads: Tensor[] = [];
      for (const pieces of [(y: Tensor) => y.split(2, 0), (y: Tensor) => narrowPieces(y, [2, 2], 0)]) {
        const x = torch.tensor([1, 2, 3, 4], { dtype: 'float32' }).to(device).requiresGrad_(true);
        const y = x.mul(1);
        const [a, b] = pieces(y);
        a.mul_(x.narrow(0, 2, 2)); // y = [x0 x2, x1 x3, x2, x3]
        expect(await values(b)).toEqual([3, 4]);
        expect(await values(y)).toEqual([3, 8, 3, 4]);
        y.mul(torch.tensor([1, 10, 100, 1000]).to(device))
          .sum()
          .backward();
        grads.push(x.grad!);
      }
      // d/dx: [x2, 10 x3, x0 + 100, 10 x1 + 1000]
      expect(await values(grads[0])).toEqual([3, 40, 101, 1020]);
      expect(await values(grads[1])).toEqual([3, 40, 101, 1020]);
    });

    it('freed engine gradients never show: retainGrad, createGraph, captures, accumulation', async () => {
      const x = leaf([2, 4], device, 2);
      const h = x.mul(3);
      h.retainGrad();
      const [a, b] = h.split(2, 1);
      a.retainGrad();
      const loss = a.mul(a).sum().add(b.mul(2).sum());
      loss.backward({ retainGraph: true });
      const xv = await values(x.detach());
      const hv = xv.map((v) => 3 * v);
      // dL/dh = [2 h (first two cols), 2 (last two)]; dL/dx = 3 dL/dh.
      const dh = hv.map((v, i) => (i % 4 < 2 ? 2 * v : 2));
      expect(await values(h.grad!)).toEqual(dh.map((v) => Math.fround(v)));
      expect(await values(a.grad!)).toEqual(dh.filter((_, i) => i % 4 < 2).map((v) => Math.fround(v)));
      const g1 = await values(x.grad!);
      await close(
        x.grad,
        torch
          .tensor(dh.map((v) => 3 * v))
          .view([2, 4])
          .to(device),
        1e-5,
      );
      // A second backward accumulates into every .grad; the first step's tensors stay valid.
      loss.backward();
      await close(
        x.grad,
        torch
          .tensor(g1.map((v) => 2 * v))
          .view([2, 4])
          .to(device),
        1e-5,
      );
      await close(
        h.grad,
        torch
          .tensor(dh.map((v) => 2 * v))
          .view([2, 4])
          .to(device),
        1e-5,
      );
      // autograd.grad captures (of a piece and of the input) and createGraph results stay usable.
      const y = leaf([2, 4], device, 4);
      const [p, q] = y.mul(1).split(2, 1);
      const l2 = p.mul(q).sum();
      const [gp, gy] = torch.autograd.grad([l2], [p, y], { createGraph: true });
      await close(gp, q, 0);
      gy!.sum().backward();
      // d/dy sum(dl2/dy) = d/dy (sum q + sum p) = 1 everywhere.
      expect(await values(y.grad!)).toEqual(Array(8).fill(1));
    });
  });
