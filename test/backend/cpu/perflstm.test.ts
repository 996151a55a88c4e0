/**
 * perflstm's CPU paths against their references: the batched matmul with a broadcast B folded
 * into one product (cpu/index.ts matmul) against per-batch float64 products, over layouts that
 * fold and layouts that must not.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

function close(a: Tensor, b: Tensor, tol: number, what: string): void {
  const x = Array.from(a.double().flatten().toArraySync() as ArrayLike<number>);
  const y = Array.from(b.double().flatten().toArraySync() as ArrayLike<number>);
  expect(x.length, what).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  expect(worst, what).toBeLessThan(tol);
}

/** a @ b one batch index at a time in float64 (no broadcast in the product itself). */
function reference(a: Tensor, b: Tensor): Tensor {
  const [T] = a.shape;
  const outs: Tensor[] = [];
  for (let t = 0; t < T; t++) outs.push(torch.matmul(a.select(0, t).double(), b.double()));
  return torch.stack(outs, 0);
}

describe('cpu matmul with a broadcast B', () => {
  const cases: [string, () => Tensor][] = [
    ['contiguous [7, 5, 9]', () => torch.randn([7, 5, 9])],
    ['rows of a wider buffer [7, 5, 9] of [7, 5, 13]', () => torch.randn([7, 5, 13]).narrow(2, 2, 9)],
    [
      'batch-major transposed [5, 7, 9] -> [7, 5, 9] (does not fold)',
      () => torch.randn([5, 7, 9]).transpose(0, 1),
    ],
    ['one row per batch [7, 1, 9]', () => torch.randn([7, 1, 9])],
    ['a gap between batches [7, 5, 9] of [7, 6, 9]', () => torch.randn([7, 6, 9]).narrow(1, 0, 5)],
  ];
  for (const [name, make] of cases)
    it(`${name} @ [9, 11] (and its transpose view) = per-batch float64`, () => {
      torch.manualSeed(3);
      const a = make();
      const w = torch.randn([11, 9]);
      close(torch.matmul(a, w.t()), reference(a, w.t()), 1e-5, 'a @ w^T');
      const w2 = torch.randn([9, 11]);
      close(torch.matmul(a, w2), reference(a, w2), 1e-5, 'a @ w');
      // gradients through linear on [T, B, E] (the RNN input projection)
      const x = a.clone().requiresGrad_();
      const wl = w.clone().requiresGrad_();
      torch.nn.functional.linear(x, wl).sin().sum().backward();
      const x64 = a.double().requiresGrad_();
      const w64 = w.double().requiresGrad_();
      torch.nn.functional.linear(x64, w64).sin().sum().backward();
      close(x.grad!, x64.grad!, 1e-5, 'dx');
      close(wl.grad!, w64.grad!, 1e-5, 'dw');
    });
});
