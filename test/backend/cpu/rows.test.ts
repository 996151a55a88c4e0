/**
 * The CPU's row routines (cpu/rows.ts): fused LayerNorm forward/backward against the composed
 * definition (setFusedLayerNorm(false), and float64, which always composes), and the reduced
 * cross-entropy forward/backward (cpu/routines.ts) against the float64 composed path. Values and gradients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setWasmKernels } from '../../../src/backend/cpu/heap.js';
import * as torch from '../../../src/index.js';
import { setFusedLayerNorm } from '../../../src/ops/norm.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

const F = torch.nn.functional;

function close(a: Tensor, b: Tensor, tol: number, what: string): void {
  const x = Array.from(a.double().flatten().toArraySync() as ArrayLike<number>);
  const y = Array.from(b.double().flatten().toArraySync() as ArrayLike<number>);
  expect(x.length, what).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  expect(worst, what).toBeLessThan(tol);
}

interface Case {
  shape: number[];
  ns: number[];
  affine: 'both' | 'weight' | 'bias' | 'none';
}

function lnRun(c: Case, fused: boolean, dtype: 'float32' | 'float64') {
  setFusedLayerNorm(fused);
  torch.manualSeed(1);
  const x = torch.randn(c.shape).mul(3).add(1).to(dtype).requiresGrad_();
  const w = torch.randn(c.ns).to(dtype).requiresGrad_();
  const b = torch.randn(c.ns).to(dtype).requiresGrad_();
  const r = torch.randn(c.shape).to(dtype);
  const y = F.layerNorm(x, c.ns, {
    weight: c.affine === 'both' || c.affine === 'weight' ? w : null,
    bias: c.affine === 'both' || c.affine === 'bias' ? b : null,
    eps: 1e-5,
  });
  y.mul(r).sum().backward();
  return { y, dx: x.grad!, dw: w.grad, db: b.grad };
}

describe('cpu fused layerNorm', () => {
  afterEach(() => setFusedLayerNorm(true));
  const cases: Case[] = [
    { shape: [4, 8, 64], ns: [64], affine: 'both' },
    { shape: [3, 200], ns: [200], affine: 'weight' },
    { shape: [2, 3, 4, 5], ns: [4, 5], affine: 'bias' },
    { shape: [7, 33], ns: [33], affine: 'none' },
    { shape: [5], ns: [5], affine: 'both' },
  ];
  for (const c of cases)
    it(`[${c.shape}] over [${c.ns}], affine ${c.affine}: = composed (float32) and float64`, () => {
      const f = lnRun(c, true, 'float32');
      const comp = lnRun(c, false, 'float32');
      const f64 = lnRun(c, true, 'float64');
      expect(f64.y.dtype).toBe('float64');
      for (const k of ['y', 'dx', 'dw', 'db'] as const) {
        const got = f[k];
        if (!comp[k]) {
          expect(got, k).toBeNull();
          continue;
        }
        close(got!, comp[k]!, 2e-5, `${k} vs composed`);
        close(got!, f64[k]!, 2e-5, `${k} vs float64`);
      }
    });

  it('a non-contiguous input and gradient; double backward equals the composed one', () => {
    const grads = (fused: boolean) => {
      setFusedLayerNorm(fused);
      torch.manualSeed(3);
      const x = torch.randn([6, 3, 16]).requiresGrad_();
      const w = torch.randn([16]).requiresGrad_();
      const y = F.layerNorm(x.transpose(0, 1), [16], { weight: w });
      const gx = torch.autograd.grad(y.pow(3).sum(), [x], { createGraph: true })[0]!;
      gx.pow(2).sum().backward();
      return [y, gx, x.grad!, w.grad!];
    };
    const f = grads(true);
    const c = grads(false);
    for (let i = 0; i < f.length; i++) close(f[i], c[i], 1e-4, `grad ${i}`);
  });
  // --- perfgpt3 ---
  it('the wasm SIMD rows (D % 4 = 0, weight and bias) = the JS rows: values, dx, dw, db', () => {
    const run = (wasm: boolean, shape: number[], wGrad: boolean) => {
      setWasmKernels(wasm);
      try {
        torch.manualSeed(5);
        const D = shape[shape.length - 1];
        const x = torch.randn(shape).mul(4).add(-7).requiresGrad_(); // mean far from 0
        const w = torch.randn([D]).requiresGrad_(wGrad);
        const b = torch.randn([D]).requiresGrad_(wGrad);
        const r = torch.randn(shape);
        const y = F.layerNorm(x, [D], { weight: w, bias: b, eps: 1e-5 });
        y.mul(r).sum().backward();
        return [y, x.grad!, w.grad, b.grad].map((t) =>
          t ? Array.from(t.toArraySync() as Float32Array) : null,
        );
      } finally {
        setWasmKernels(true);
      }
    };
    for (const [shape, wGrad] of [
      [[512, 64], true],
      [[3, 5, 8], true],
      [[2, 4], false],
      [[1, 260], true],
    ] as [number[], boolean][]) {
      const got = run(true, shape, wGrad);
      const want = run(false, shape, wGrad);
      for (let k = 0; k < 4; k++) {
        if (!want[k]) {
          expect(got[k], `${shape} ${k}`).toBeNull();
          continue;
        }
        const scale = Math.max(1, ...want[k]!.map(Math.abs));
        const worst = Math.max(...want[k]!.map((v, i) => Math.abs(v - got[k]![i])));
        expect(worst / scale, `[${shape}] output ${k}`).toBeLessThan(2e-6);
      }
    }
  });
});

describe('cpu reduced cross-entropy', () => {
  for (const reduction of ['mean', 'sum'] as const)
    for (const ignore of [-100, 2])
      it(`${reduction}, ignoreIndex ${ignore}: loss and gradient = float64 composed`, () => {
        torch.manualSeed(5);
        const base = torch.randn([37, 11]).mul(4);
        const t = torch.randint(0, 11, [37]);
        const run = (dtype: 'float32' | 'float64', transposed: boolean) => {
          const x = (transposed ? base.t().contiguous().to(dtype) : base.to(dtype).clone()).requiresGrad_();
          const loss = F.crossEntropy(transposed ? x.t() : x, t, { ignoreIndex: ignore, reduction });
          loss.mul(1.5).backward();
          return { loss, dx: transposed ? x.grad!.t() : x.grad! };
        };
        const want = run('float64', false);
        for (const tr of [false, true]) {
          const got = run('float32', tr);
          expect(got.loss.dtype).toBe('float32');
          close(got.loss, want.loss, 1e-6, 'loss');
          close(got.dx, want.dx, 1e-6, 'dx');
        }
      });

  it('every target ignored: a mean over zero rows is NaN (as PyTorch)', () => {
    const x = torch.randn([3, 4]).requiresGrad_();
    const loss = F.crossEntropy(x, torch.tensor([1, 1, 1]), { ignoreIndex: 1 });
    expect(Number.isNaN(loss.itemSync())).toBe(true);
  });

  // --- perflstm ---
  it('wasm SIMD softmax rows = the JS loop: odd widths, -Inf, NaN and huge logits, ignored rows', () => {
    torch.manualSeed(7);
    for (const [N, C] of [
      [5, 1],
      [6, 3],
      [9, 1003],
      [4, 10000],
    ]) {
      const data = Array.from(
        torch
          .randn([N * C])
          .mul(6)
          .toArraySync() as ArrayLike<number>,
      );
      data[0] = Number.NEGATIVE_INFINITY;
      if (N > 3) data[3 * C + C - 1] = 80; // exp(80 - max) overflows nothing: the max is subtracted
      if (N > 4 && C > 2) data[4 * C + 1] = Number.NaN;
      if (N > 6) data[6 * C + C - 1] = Number.NaN; // the last element: the scalar tail for C = 1003
      if (N > 7) data[7 * C] = Number.NaN; // the first: max's vector loop
      const target = Array.from({ length: N }, (_, n) => (n * 7) % C);
      if (N > 5) target[5] = -100;
      const run = (wasm: boolean) => {
        const was = setWasmKernels(wasm);
        try {
          const x = torch.tensor(data).reshape([N, C]).requiresGrad_();
          const loss = F.crossEntropy(x, torch.tensor(target));
          loss.mul(0.7).backward();
          const none = F.crossEntropy(x.detach(), torch.tensor(target), { reduction: 'none' });
          return { loss, dx: x.grad!, none };
        } finally {
          setWasmKernels(was);
        }
      };
      const a = run(true);
      const b = run(false);
      for (const k of ['loss', 'dx', 'none'] as const) {
        const x = Array.from(a[k].flatten().toArraySync() as ArrayLike<number>);
        const y = Array.from(b[k].flatten().toArraySync() as ArrayLike<number>);
        expect(x.length).toBe(y.length);
        for (let i = 0; i < x.length; i++) {
          if (Number.isNaN(y[i])) expect(x[i], `${k}[${i}] of [${N}, ${C}]`).toBeNaN();
          else if (!Number.isFinite(y[i])) expect(x[i], `${k}[${i}] of [${N}, ${C}]`).toBe(y[i]);
          else
            expect(Math.abs(x[i] - y[i]), `${k}[${i}] of [${N}, ${C}]`).toBeLessThan(
              3e-6 * (1 + Math.abs(y[i])),
            );
        }
      }
    }
  });

  it('an out-of-range target is an error naming it', () => {
    const x = torch.randn([3, 4]);
    expect(() => F.crossEntropy(x, torch.tensor([0, 7, 1]))).toThrow(/Target 7 is out of bounds/);
  });
});
