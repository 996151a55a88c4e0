/**
 * perflstm's CPU paths against their references: the batched matmul with a broadcast B folded
 * into one product (cpu/index.ts matmul) against per-batch float64 products, over layouts that
 * fold and layouts that must not; the wasm LSTM step routines (cpu/lstm.ts) against the
 * elementwise step expressions they replace (routines taken away) and against float64.
 */
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/backend/cpu/index.js';
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

describe('cpu LSTM step routines', () => {
  const R = cpuBackend.routines as Record<string, unknown>;
  function run(
    opts: { H: number; layers: number; bidirectional: boolean; batchFirst: boolean },
    dtype: 'float32' | 'float64',
    routines: boolean,
  ): Tensor[] {
    const saved = [R.lstmCell, R.lstmCellBackward];
    if (!routines) {
      delete R.lstmCell;
      delete R.lstmCellBackward;
    }
    try {
      torch.manualSeed(11);
      const lstm = new torch.nn.LSTM(6, opts.H, {
        numLayers: opts.layers,
        bidirectional: opts.bidirectional,
        batchFirst: opts.batchFirst,
      }).to(dtype);
      const D = opts.bidirectional ? 2 : 1;
      const x = torch
        .randn(opts.batchFirst ? [3, 5, 6] : [5, 3, 6])
        .to(dtype)
        .requiresGrad_();
      const h0 = torch
        .randn([opts.layers * D, 3, opts.H])
        .to(dtype)
        .requiresGrad_();
      const c0 = torch
        .randn([opts.layers * D, 3, opts.H])
        .to(dtype)
        .requiresGrad_();
      const [out, [hN, cN]] = lstm(x, [h0, c0]) as [Tensor, [Tensor, Tensor]];
      // every output reaches the loss, with weights so that no gradient is uniform
      const wo = torch.randn(out.shape).to(dtype);
      out.mul(wo).sum().add(hN.sin().sum()).add(cN.mul(0.5).sum()).backward();
      return [out, hN, cN, x.grad!, h0.grad!, c0.grad!, ...lstm.parameters().map((p) => p.grad!)];
    } finally {
      R.lstmCell = saved[0];
      R.lstmCellBackward = saved[1];
    }
  }
  for (const H of [8, 7, 1])
    for (const [layers, bidirectional, batchFirst] of [
      [1, false, false],
      [2, true, true],
    ] as const)
      it(`H ${H}, ${layers} layer(s)${bidirectional ? ', bidirectional' : ''}: = elementwise steps and float64`, () => {
        const o = { H, layers, bidirectional, batchFirst };
        const got = run(o, 'float32', true);
        const ref = run(o, 'float32', false);
        const f64 = run(o, 'float64', true);
        expect(got.length).toBe(ref.length);
        for (let i = 0; i < got.length; i++) {
          close(got[i], ref[i], 2e-6, `output/grad ${i} vs elementwise`);
          close(got[i], f64[i], 2e-5, `output/grad ${i} vs float64`);
        }
      });

  it('the routine is what runs: an unmasked float32 LSTM step takes it', () => {
    let calls = 0;
    const cell = R.lstmCell as (...a: unknown[]) => boolean;
    const back = R.lstmCellBackward as (...a: unknown[]) => boolean;
    R.lstmCell = (...a: unknown[]) => {
      calls++;
      return cell(...a);
    };
    R.lstmCellBackward = (...a: unknown[]) => {
      calls += 100;
      return back(...a);
    };
    try {
      const lstm = new torch.nn.LSTM(4, 8);
      const [out] = lstm(torch.randn([5, 2, 4])) as [Tensor, unknown];
      out.sum().backward();
    } finally {
      R.lstmCell = cell;
      R.lstmCellBackward = back;
    }
    expect(calls).toBe(5 + 500);
  });
});

describe('cpu 2x2 max_pool2d in wasm SIMD', () => {
  const R = cpuBackend.routines as Record<string, unknown>;
  const vals = (t: Tensor) => Array.from(t.flatten().toArraySync() as ArrayLike<number>).map(String);
  for (const shape of [
    [2, 3, 10, 22], // OW 11: two groups of 4 and a tail of 3
    [1, 2, 8, 8],
    [3, 1, 4, 9], // one channel, an odd input width
  ])
    it(`[${shape}]: values, indices and gradients = the composed passes (ties, NaN, -inf)`, () => {
      const run = () => {
        torch.manualSeed(9);
        const x = torch.randint(0, 3, shape).float();
        const flat = x.view([-1]);
        for (const [i, v] of [
          [1, Number.NaN],
          [shape[3] + 2, Number.NaN], // second row of a window
          [7, Number.NEGATIVE_INFINITY],
          [2 * shape[3] + 5, Number.NaN],
          [2 * shape[3] + 4, Number.NaN], // two NaN in a window: the first wins
        ] as const)
          flat.index(i).fill_(v);
        x.requiresGrad_();
        const [v, i] = torch.nn.functional.maxPool2d(x, 2, { returnIndices: true }) as unknown as [
          Tensor,
          Tensor,
        ];
        v.mul(torch.arange(0, v.numel()).float().reshape(v.shape)).sum().backward();
        return [vals(v), vals(i), vals(x.grad!)];
      };
      const fast = run();
      const saved = [R.maxPool2dDisjoint, R.maxPool2dDisjointBackward];
      delete R.maxPool2dDisjoint;
      delete R.maxPool2dDisjointBackward;
      let ref: string[][];
      try {
        ref = run();
      } finally {
        R.maxPool2dDisjoint = saved[0];
        R.maxPool2dDisjointBackward = saved[1];
      }
      expect(fast[0]).toEqual(ref[0]);
      expect(fast[1]).toEqual(ref[1]);
      expect(fast[2]).toEqual(ref[2]);
    });
});

describe('cpu scatter_add along rows (embedding backward)', () => {
  it('repeated and out-of-order row indices accumulate as a per-element loop, float32 and float64', () => {
    const J = 9;
    const Cn = 5;
    const rows = [3, 0, 3, 7, 1, 3, 0, 6, 2];
    for (const dtype of ['float32', 'float64'] as const) {
      torch.manualSeed(4);
      const src = torch.randn([J, Cn]).to(dtype);
      const idx = torch.tensor(rows).reshape([J, 1]).expand([J, Cn]);
      const got = torch.zeros([8, Cn]).to(dtype).scatterAdd(0, idx, src);
      const s = Array.from(src.flatten().toArraySync() as ArrayLike<number>);
      const want = new Float64Array(8 * Cn);
      for (let j = 0; j < J; j++) for (let c = 0; c < Cn; c++) want[rows[j] * Cn + c] += s[j * Cn + c];
      const g = Array.from(got.flatten().toArraySync() as ArrayLike<number>);
      for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - want[i])).toBeLessThan(1e-6);
      // embedding's weight gradient takes the same path
      const emb = new torch.nn.Embedding(8, Cn).to(dtype);
      emb(torch.tensor(rows)).mul(src).sum().backward();
      const eg = Array.from(emb.weight.grad!.flatten().toArraySync() as ArrayLike<number>);
      for (let i = 0; i < eg.length; i++) expect(Math.abs(eg[i] - want[i])).toBeLessThan(1e-6);
    }
    expect(() => torch.zeros([4, 2]).scatterAdd(0, torch.tensor([[5, 5]]), torch.ones([1, 2]))).toThrow(
      /out of bounds/,
    );
  });
});
