/**
 * The CPU fast paths of issue 18 against the composed ops they replace: the elementwise wasm
 * kernel over rank > 2 operands (im2col's permuted copy, fold's strided adds, the bias add
 * that permutes) against the JS loop, and the disjoint max_pool2d routine (values, indices,
 * gradients; NaN and ties) against the composed passes with the routine taken away, SIMD
 * exp/erf against Math.exp and the JS path, the wasm philox fill against the JS stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Routines } from '../../../src/backend/backend.js';
import { elementwiseWasm } from '../../../src/backend/cpu/ewise-wasm.js';
import { setWasmKernels } from '../../../src/backend/cpu/heap.js';
import { cpuBackend, heapAddr } from '../../../src/backend/cpu/index.js';
import { E } from '../../../src/backend/expr.js';
import { philoxFill } from '../../../src/backend/philox.js';
import * as torch from '../../../src/index.js';

const F = torch.nn.functional;
const vals = (t: torch.Tensor) => Array.from(t.toArraySync() as Float32Array | Int32Array);

afterEach(() => {
  setWasmKernels(true);
});

describe('elementwise wasm over rank > 2', () => {
  it('takes the wasm path for a permuted copy and agrees with the JS loop', () => {
    torch.manualSeed(1);
    const x = torch.randn([3, 5, 7, 9]);
    const p = x.permute([1, 0, 3, 2]); // inner dim stride 9: not wasm; copy via [.., 2, 3] order
    const w = x.permute([2, 0, 1, 3]); // inner dim contiguous, outer dims permuted
    const out = torch.empty([7, 3, 5, 9]);
    expect(elementwiseWasm(E.input(0), [w], out, heapAddr)).toBe(true);
    setWasmKernels(false);
    const ref = w.contiguous();
    setWasmKernels(true);
    expect(vals(out)).toEqual(vals(ref));
    expect(vals(p.contiguous().permute([1, 0, 3, 2]))).toEqual(vals(x));
  });

  it('strided in-place adds and broadcasts over 5 dims match the JS loop', () => {
    torch.manualSeed(2);
    const a = torch.randn([2, 3, 4, 5, 6]);
    const b = torch.randn([3, 1, 5, 6]);
    const run = () => {
      const t = a.clone();
      const view = t.transpose(0, 1); // [3, 2, 4, 5, 6]
      view.add_(b.unsqueeze(1).mul(2)); // [3, 1, 1, 5, 6] broadcast
      return vals(t);
    };
    const fast = run();
    setWasmKernels(false);
    const ref = run();
    expect(fast).toEqual(ref);
  });

  it('conv2d forward and gradients are the same with and without the wasm path', () => {
    torch.manualSeed(3);
    const run = () => {
      torch.manualSeed(4);
      const x = torch.randn([4, 3, 11, 10], { requiresGrad: true });
      const w = torch.randn([6, 3, 3, 3], { requiresGrad: true });
      const b = torch.randn([6], { requiresGrad: true });
      const y = F.conv2d(x, w, b, { stride: 1, padding: 1 });
      y.mul(y).sum().backward();
      return [vals(y), vals(x.grad!), vals(w.grad!), vals(b.grad!)];
    };
    const fast = run();
    setWasmKernels(false);
    const ref = run();
    // float32 sums in another order (the implicit-GEMM conv): error relative to the tensor's scale.
    for (let i = 0; i < 4; i++) {
      const scale = Math.max(1, ...ref[i].map(Math.abs));
      fast[i].forEach((v, j) => {
        expect(Math.abs(v - ref[i][j])).toBeLessThanOrEqual(1e-5 * scale);
      });
    }
  });
});

describe('maxPool2dDisjoint routine', () => {
  const routines = cpuBackend.routines as Partial<Routines>;
  const withoutRoutine = <T>(f: () => T): T => {
    const fwd = routines.maxPool2dDisjoint;
    const bwd = routines.maxPool2dDisjointBackward;
    delete routines.maxPool2dDisjoint;
    delete routines.maxPool2dDisjointBackward;
    try {
      return f();
    } finally {
      routines.maxPool2dDisjoint = fwd;
      routines.maxPool2dDisjointBackward = bwd;
    }
  };

  const cases: [string, number[], number | number[], number | number[] | undefined][] = [
    ['2x2 tiles', [2, 3, 8, 6], 2, undefined],
    ['3x2 kernel, odd size (uncovered edge)', [2, 2, 10, 7], [3, 2], undefined],
    ['stride beyond kernel (gaps)', [1, 3, 9, 9], 2, 3],
  ];
  for (const [name, shape, k, s] of cases)
    it(`${name}: values, indices and gradients match the composed passes`, () => {
      const run = () => {
        torch.manualSeed(5);
        // few distinct values: ties; a NaN and a -inf planted
        const base = torch.randint(0, 4, shape).float();
        base.view([-1]).index(3).fill_(Number.NaN);
        base.view([-1]).index(10).fill_(Number.NEGATIVE_INFINITY);
        // a non-contiguous input: the routine reads any strides
        const x = base.transpose(2, 3).contiguous().transpose(2, 3).requiresGrad_();
        const [v, i] = F.maxPool2d(x, k, { stride: s, returnIndices: true });
        const g = torch.arange(0, v.numel()).float().reshape(v.shape);
        v.mul(g).sum().backward();
        return [vals(v), vals(i), vals(x.grad!)];
      };
      const fast = run();
      const ref = withoutRoutine(run);
      expect(fast[0].map(String)).toEqual(ref[0].map(String)); // NaN compares by text
      expect(fast[1]).toEqual(ref[1]);
      expect(fast[2].map(String)).toEqual(ref[2].map(String));
    });

  it('is taken for the mnist CNN pooling, not for padded or dilated windows', () => {
    let calls = 0;
    const fwd = routines.maxPool2dDisjoint!;
    routines.maxPool2dDisjoint = (...a) => {
      calls++;
      fwd(...a);
    };
    try {
      const x = torch.randn([2, 4, 24, 24]);
      F.maxPool2d(x, 2);
      expect(calls).toBe(1);
      F.maxPool2d(x, 2, { padding: 1 });
      F.maxPool2d(x, 2, { dilation: 2 });
      F.maxPool2d(x, 3, { stride: 2 });
      expect(calls).toBe(1);
    } finally {
      routines.maxPool2dDisjoint = fwd;
    }
  });
});

describe('SIMD exp, tanh and erf', () => {
  const xs: number[] = [];
  for (let v = -110; v <= 95; v += 0.0137) xs.push(v);
  xs.push(0, -0, 1e-8, -1e-8, 88.72, 88.7228, 88.73, -87.3, -87.4, -103.9, -104);
  xs.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN);
  const x = torch.tensor(xs);

  it('runs in wasm and stays within 1 ulp of Math.exp (0 below the float32 range, Inf above)', () => {
    const out = torch.empty([xs.length]);
    expect(elementwiseWasm(E.exp(E.input(0)), [x], out, heapAddr)).toBe(true);
    const got = vals(out);
    xs.forEach((v, i) => {
      const want = Math.fround(Math.exp(Math.fround(v)));
      if (Number.isNaN(want)) expect(got[i]).toBeNaN();
      else if (!Number.isFinite(want)) expect(got[i]).toBe(want);
      else if (want < 1e-37) expect(got[i]).toBeLessThan(1e-37);
      else expect(Math.abs(got[i] - want) / want).toBeLessThanOrEqual(2 ** -23);
    });
  });

  it('tanh runs in wasm within 1 ulp of Math.tanh, +-1 at +-Inf', () => {
    const ts: number[] = [];
    for (let v = -20; v <= 20; v += 0.00731) ts.push(v);
    ts.push(0, 1e-8, -1e-8, 1e-30, 0.6249, 0.6251, -0.6251, 50, -50);
    ts.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN);
    const t = torch.tensor(ts);
    const out = torch.empty([ts.length]);
    expect(elementwiseWasm(E.tanh(E.input(0)), [t], out, heapAddr)).toBe(true);
    const got = vals(out);
    ts.forEach((v, i) => {
      const want = Math.fround(Math.tanh(Math.fround(v)));
      if (Number.isNaN(want)) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
    });
  });

  it('erf runs in wasm within 3e-7 of the JS path; gelu and its gradient agree', () => {
    const out = torch.empty([xs.length]);
    expect(elementwiseWasm(E.erf(E.input(0)), [x], out, heapAddr)).toBe(true);
    setWasmKernels(false);
    const ref = vals(x.erf());
    const run = () => {
      const v = torch.linspace(-9, 9, 1001).requiresGrad_();
      const y = F.gelu(v);
      y.sum().backward();
      return [vals(y), vals(v.grad!)];
    };
    const [gy, gg] = run();
    setWasmKernels(true);
    const got = vals(out);
    xs.forEach((_, i) => {
      if (Number.isNaN(ref[i])) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(3e-7);
    });
    expect(got[xs.length - 3]).toBe(1);
    expect(got[xs.length - 2]).toBe(-1);
    const [fy, fg] = run();
    fy.forEach((v, i) => {
      expect(Math.abs(v - gy[i])).toBeLessThanOrEqual(3e-6 * Math.max(1, Math.abs(gy[i])));
      expect(Math.abs(fg[i] - gg[i])).toBeLessThanOrEqual(3e-6);
    });
  });
});

describe('wasm philox uniform fill', () => {
  it('is the JS reference stream bit for bit, across the 32-bit counter carry and any range', () => {
    for (const seed of [
      [0, 0],
      [12345, 678],
      [0xffffffff, 0xfffffffe],
    ] as [number, number][])
      for (const offset of [0, 7, 2 ** 32 - 5, 3 * 2 ** 32 + 1])
        for (const [a, b] of [
          [0, 1],
          [-3, 5.5],
          [1e-3, 2e-3],
        ]) {
          const out = torch.empty([1031]);
          cpuBackend.random('uniform', out, seed, offset, a, b);
          expect(heapAddr(out)).toBeGreaterThanOrEqual(0); // the wasm path
          const ref = new Float32Array(1031);
          philoxFill('uniform', ref, seed, offset, a, b);
          expect(vals(out)).toEqual(Array.from(ref));
        }
  });
});
