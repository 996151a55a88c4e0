/**
 * The CPU convolution routines (src/backend/cpu/conv.ts: conv2dForward, conv2dWeightGrad,
 * conv2dInputGrad) on both of their paths, the wasm implicit GEMM and the system BLAS over
 * materialized column blocks (where a BLAS is installed: blas.ts), against the composed im2col
 * convolution they replace (the routines taken away) and against float64 references: outputs,
 * input/weight/bias gradients and second-order gradients, over channel counts around the
 * 8-wide panels, K blocks, wide rows, column blocks of a few output rows, dilation, padding,
 * conv1d, float64 (composed) and non-finite inputs (the dropped wide columns must not leak into
 * kept values).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Routines } from '../../../src/backend/backend.js';
import { systemBlas, useSystemBlas } from '../../../src/backend/cpu/blas.js';
import { cpuBackend } from '../../../src/backend/cpu/index.js';
import * as torch from '../../../src/index.js';
import type { ConvOptions } from '../../../src/ops/conv.js';

const F = torch.nn.functional;
const routines = cpuBackend.routines as Partial<Routines>;
const vals = (t: torch.Tensor) => Array.from(t.toArraySync() as Float32Array | Float64Array);

/** System BLAS products run so far (0 where none is in use). */
const blasCalls = () => systemBlas()?.calls.n ?? 0;

/**
 * Runs f with the conv routines counted (calls, and the system BLAS products the forward and
 * weight gradient ran) or taken away (composed reference).
 */
function withRoutines<T>(
  on: boolean,
  f: () => T,
): { r: T; fwd: number; wgrad: number; igrad: number; blas: number } {
  const fwd0 = routines.conv2dForward!;
  const w0 = routines.conv2dWeightGrad!;
  const i0 = routines.conv2dInputGrad!;
  const n = { fwd: 0, wgrad: 0, igrad: 0, blas: 0 };
  const r0 = routines as Record<string, unknown>;
  const counted = <A extends unknown[]>(g: (...a: A) => boolean, a: A) => {
    const b = blasCalls();
    const r = g(...a);
    n.blas += blasCalls() - b;
    return r;
  };
  if (on) {
    r0.conv2dForward = (...a: Parameters<typeof fwd0>) => {
      n.fwd++;
      return counted(fwd0, a);
    };
    r0.conv2dWeightGrad = (...a: Parameters<typeof w0>) => {
      n.wgrad++;
      return counted(w0, a);
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

/** The case's convolution and gradients; the same (float32) values for either dtype. */
function grads(c: Case, dtype: 'float32' | 'float64' = 'float32', poison?: (x: Float32Array) => void) {
  torch.manualSeed(7);
  const draw = (shape: number[], poison?: (x: Float32Array) => void) => {
    const data = torch.randn(shape).toArraySync() as Float32Array;
    poison?.(data);
    return torch.tensor(data, { dtype }).reshape(shape);
  };
  const x = draw(c.x, poison).requiresGrad_(c.xGrad ?? true);
  const w = draw(c.w).requiresGrad_();
  const b = c.bias === false ? null : draw([c.w[0]]).requiresGrad_();
  const y = c.x.length === 3 ? F.conv1d(x, w, b, c.o) : F.conv2d(x, w, b, c.o);
  const gy = draw([...y.shape]);
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
  // K = 72, OW = 256: a sample's columns (295k floats) pass the BLAS path's 256k-float block,
  // so they go in blocks of 14 + 2 output rows
  { x: [2, 8, 18, 258], w: [3, 8, 3, 3] },
  { x: [2, 5, 9, 11], w: [6, 5, 2, 3], o: { padding: [2, 1], dilation: [3, 2] } },
];

const name = (c: Case) => `x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${JSON.stringify(c.o ?? {})}`;
const found = systemBlas();

for (const path of ['system BLAS', 'wasm implicit GEMM'] as const)
  describe.skipIf(path === 'system BLAS' && !found)(`CPU conv2d routines: ${path}`, () => {
    beforeAll(() => useSystemBlas(path === 'system BLAS'));
    afterAll(() => useSystemBlas(true));

    for (const c of cases)
      it(`matches the composed conv and float64: ${name(c)}`, () => {
        const fast = withRoutines(true, () => grads(c));
        const ref = withRoutines(false, () => grads(c));
        const ref64 = withRoutines(false, () => grads(c, 'float64'));
        expect(fast.fwd).toBe(1);
        expect(fast.wgrad).toBe(1);
        expect(fast.igrad).toBe(c.xGrad === false ? 0 : 1);
        // The BLAS path: one product per sample and block of rows at least, forward and weight
        // gradient; the wasm path none.
        if (path === 'system BLAS') expect(fast.blas).toBeGreaterThanOrEqual(2 * c.x[0]);
        else expect(fast.blas).toBe(0);
        expect(fast.r.length).toBe(ref.r.length);
        expect(fast.r.length).toBe(ref64.r.length);
        for (let i = 0; i < fast.r.length; i++) {
          close(fast.r[i], ref.r[i], 2e-6);
          close(fast.r[i], ref64.r[i], 2e-6);
        }
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

describe.skipIf(!found)('CPU conv2d routines: the system BLAS path against the wasm path', () => {
  afterAll(() => useSystemBlas(true));
  for (const c of cases)
    it(name(c), () => {
      useSystemBlas(true);
      const blas = withRoutines(true, () => grads(c));
      useSystemBlas(false);
      const wasm = withRoutines(true, () => grads(c));
      expect(blas.blas).toBeGreaterThan(0);
      expect(wasm.blas).toBe(0);
      for (let i = 0; i < blas.r.length; i++) close(blas.r[i], wasm.r[i], 2e-6);
    });
});
