/**
 * The CPU implicit-GEMM convolution (src/backend/cpu/conv.ts: conv2dForward, conv2dWeightGrad,
 * conv2dInputGrad)
 * against the composed im2col convolution it replaces (the routines taken away): outputs,
 * input/weight/bias gradients and second-order gradients, over channel counts around the
 * 8-wide panels, K blocks, wide rows, dilation, padding, conv1d, float64 (composed) and
 * non-finite inputs (the dropped wide columns must not leak into kept values).
 */
import { describe, expect, it } from 'vitest';
import type { Routines } from '../../../src/backend/backend.js';
import { cpuBackend } from '../../../src/backend/cpu/index.js';
import * as torch from '../../../src/index.js';
import type { ConvOptions } from '../../../src/ops/conv.js';

const F = torch.nn.functional;
const routines = cpuBackend.routines as Partial<Routines>;
const vals = (t: torch.Tensor) => Array.from(t.toArraySync() as Float32Array | Float64Array);

/** Runs f with the conv routines counted (calls) or taken away (composed reference). */
function withRoutines<T>(on: boolean, f: () => T): { r: T; fwd: number; wgrad: number; igrad: number } {
  const fwd0 = routines.conv2dForward!;
  const w0 = routines.conv2dWeightGrad!;
  const i0 = routines.conv2dInputGrad!;
  const n = { fwd: 0, wgrad: 0, igrad: 0 };
  const r0 = routines as Record<string, unknown>;
  if (on) {
    r0.conv2dForward = (...a: Parameters<typeof fwd0>) => {
      n.fwd++;
      return fwd0(...a);
    };
    r0.conv2dWeightGrad = (...a: Parameters<typeof w0>) => {
      n.wgrad++;
      return w0(...a);
    };
    r0.conv2dInputGrad = (...a: Parameters<typeof i0>) => {
      n.igrad++;
      return i0(...a);
    };
  } else {
    delete r0.conv2dForward;
    delete r0.conv2dWeightGrad;
    delete r0.conv2dInputGrad;
  }
  try {
    return { r: f(), ...n };
  } finally {
    r0.conv2dForward = fwd0;
    r0.conv2dWeightGrad = w0;
    r0.conv2dInputGrad = i0;
  }
}

function close(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (const v of b) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(b[i])) expect(a[i]).toBe(b[i]);
    else expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * scale);
  }
}

interface Case {
  x: number[];
  w: number[];
  o?: ConvOptions;
  bias?: boolean;
  xGrad?: boolean;
}

function grads(c: Case, dtype: 'float32' | 'float64' = 'float32', poison?: (x: Float32Array) => void) {
  torch.manualSeed(7);
  const data = torch.randn(c.x, { dtype }).toArraySync() as Float32Array;
  if (poison) poison(data);
  const x = torch
    .tensor(data, { dtype })
    .reshape(c.x)
    .requiresGrad_(c.xGrad ?? true);
  const w = torch.randn(c.w, { dtype, requiresGrad: true });
  const b = c.bias === false ? null : torch.randn([c.w[0]], { dtype, requiresGrad: true });
  const y = c.x.length === 3 ? F.conv1d(x, w, b, c.o) : F.conv2d(x, w, b, c.o);
  const gy = torch.randn(y.shape, { dtype });
  y.mul(gy).sum().backward();
  return [y, x.grad, w.grad, b?.grad].filter((t): t is torch.Tensor => !!t).map(vals);
}

const cases: Case[] = [
  { x: [2, 3, 7, 9], w: [5, 3, 3, 3] },
  { x: [4, 1, 28, 28], w: [32, 1, 3, 3], xGrad: false }, // mnist conv1: C < 8, input needs no grad
  { x: [3, 32, 12, 12], w: [64, 32, 3, 3] }, // mnist conv2's shape: full channel panels
  { x: [2, 12, 9, 8], w: [10, 12, 3, 3], bias: false }, // 12 = one full panel + 4
  { x: [2, 4, 8, 10], w: [6, 4, 3, 2], o: { padding: [1, 2], dilation: [2, 1] } },
  { x: [5, 3, 6, 6], w: [7, 3, 1, 1], o: { padding: 'same' } },
  { x: [2, 2, 3, 300], w: [3, 2, 2, 5] }, // output rows wider than a K block
  { x: [3, 40, 5, 5], w: [9, 40, 3, 3], o: { padding: 1 } }, // K = 360: two K blocks
  { x: [2, 3, 17], w: [4, 3, 5], o: { padding: 2, dilation: 1 } }, // conv1d via the 2-d path
  { x: [1, 3, 6, 6], w: [2, 3, 4, 4], o: { dilation: 2, padding: 'same' } }, // asymmetric 'same'
];

describe('CPU implicit-GEMM conv2d', () => {
  for (const c of cases)
    it(`matches the composed conv: x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${JSON.stringify(c.o ?? {})}`, () => {
      const fast = withRoutines(true, () => grads(c));
      const ref = withRoutines(false, () => grads(c));
      expect(fast.fwd).toBe(1);
      expect(fast.wgrad).toBe(1);
      expect(fast.igrad).toBe(c.xGrad === false ? 0 : 1);
      expect(fast.r.length).toBe(ref.r.length);
      for (let i = 0; i < fast.r.length; i++) close(fast.r[i], ref.r[i], 2e-6);
    });

  it('takes the composed path for float64, stride > 1 and groups', () => {
    const f64 = withRoutines(true, () => grads({ x: [2, 3, 6, 6], w: [4, 3, 3, 3] }, 'float64'));
    expect(f64.fwd).toBe(0);
    const strided = withRoutines(true, () => grads({ x: [2, 3, 7, 7], w: [4, 3, 3, 3], o: { stride: 2 } }));
    expect(strided.fwd).toBe(0);
    const grouped = withRoutines(true, () => grads({ x: [2, 4, 6, 6], w: [4, 2, 3, 3], o: { groups: 2 } }));
    expect(grouped.fwd).toBe(0);
  });

  it('keeps Inf and NaN where the composed conv puts them (dropped wide columns do not leak)', () => {
    const c: Case = { x: [2, 3, 6, 7], w: [4, 3, 3, 3] };
    const poison = (x: Float32Array) => {
      x[6] = Number.POSITIVE_INFINITY; // last column of row 0: inside wrapped columns for j < 2
      x[3 * 42 + 2 * 7] = Number.NaN; // sample 1, first column of row 2
    };
    const fast = withRoutines(true, () => grads(c, 'float32', poison));
    const ref = withRoutines(false, () => grads(c, 'float32', poison));
    for (let i = 0; i < fast.r.length; i++) close(fast.r[i], ref.r[i], 2e-6);
    expect(fast.r[0].some((v) => Number.isNaN(v))).toBe(true);
  });

  it('second-order gradients through the fast path match the composed ones', () => {
    const run = () => {
      torch.manualSeed(3);
      const x = torch.randn([2, 3, 6, 5], { requiresGrad: true });
      const w = torch.randn([4, 3, 3, 2], { requiresGrad: true });
      const y = F.conv2d(x, w, null, { padding: 1 });
      const [gx, gw] = torch.autograd.grad(y.pow(2).sum(), [x, w], { createGraph: true });
      gx!.pow(2).sum().add(gw!.pow(2).sum()).backward();
      return [vals(gx!), vals(gw!), vals(x.grad!), vals(w.grad!)];
    };
    const fast = withRoutines(true, run);
    const ref = withRoutines(false, run);
    expect(fast.fwd).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < fast.r.length; i++) close(fast.r[i], ref.r[i], 1e-5);
  });
});
