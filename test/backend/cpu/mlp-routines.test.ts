/**
 * The CPU routines an MLP training step takes (perfmlp): logSoftmaxNllReduced and linearGrads
 * against closed-form sums, and F.linear / F.crossEntropy through them against the composed ops
 * (the reference path: float64, where no routine runs), values and gradients.
 */
import { describe, expect, it } from 'vitest';
import type { Routines, View } from '../../../src/backend/backend.js';
import { cpuBackend } from '../../../src/backend/cpu/index.js';
import * as torch from '../../../src/index.js';
import { linear } from '../../../src/ops/matmul.js';

const F = torch.nn.functional;
const R = cpuBackend.routines!;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
/** A float32 CPU tensor's storage viewed with any shape/strides/offset. */
const view = (t: torch.Tensor, shape: number[], strides: number[], offset = 0): View => ({
  storage: t.storage,
  dtype: t.dtype,
  shape,
  strides,
  offset,
});
const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
  expect(got.length, what).toBe(want.length);
  // The worst element only (one expect: the large products have 400k elements).
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) - tol * (1 + Math.abs(want[i]));
    if (!(e <= excess)) [worst, excess] = [i, Number.isNaN(e) ? Infinity : e];
  }
  expect(worst, `${what} [${worst}]: ${got[worst]} vs ${want[worst]}`).toBe(-1);
};

describe('CPU routines.linearGrads', () => {
  it('dW = g^T x and db = column sums of g, g strided (stored transposed, offset 2)', async () => {
    const r = rng(7);
    for (const [M, O, I] of [
      [64, 10, 128],
      [5, 3, 7],
      [1, 1, 1],
      [70, 66, 9],
      [64, 512, 784], // the quickstart's first layer: a threaded product
    ]) {
      const gd = Array.from({ length: O * M + 2 }, r);
      const xd = Array.from({ length: M * I }, r);
      const gt = torch.tensor(gd);
      const xt = torch.tensor(xd);
      const dW = torch.empty([O, I]);
      const db = torch.empty([O]);
      R.linearGrads!(view(gt, [M, O], [1, M], 2), view(xt, [M, I], [I, 1]), dW, db);
      const G = (m: number, o: number) => Math.fround(gd[2 + o * M + m]);
      const wantW: number[] = [];
      const wantB: number[] = [];
      for (let o = 0; o < O; o++) {
        let sb = 0;
        for (let m = 0; m < M; m++) sb += G(m, o);
        wantB.push(sb);
        for (let i = 0; i < I; i++) {
          let s = 0;
          for (let m = 0; m < M; m++) s += G(m, o) * Math.fround(xd[m * I + i]);
          wantW.push(s);
        }
      }
      close((await dW.flatten().tolist()) as number[], wantW, 1e-4, `dW ${M}x${O}x${I}`);
      close((await db.tolist()) as number[], wantB, 1e-4, `db ${M}x${O}x${I}`);
    }
  });
});

describe('CPU routines.logSoftmaxNllReduced', () => {
  it("mean over the rows not ignored and its 1/count, 'sum', all ignored -> NaN", async () => {
    const r = rng(9);
    const [N, C] = [7, 5];
    const xd = Array.from({ length: N * C }, () => r() * 4).map(Math.fround);
    const td = [0, 4, -100, 3, 2, -100, 1];
    const x = torch.tensor(xd).view(N, C);
    const rowLoss = (n: number) => {
      const row = xd.slice(n * C, (n + 1) * C);
      const m = Math.max(...row);
      return Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m - row[td[n]];
    };
    let s = 0;
    for (let n = 0; n < N; n++) if (td[n] !== -100) s += rowLoss(n);
    for (const [reduction, want] of [
      ['mean', [s / 5, 1 / 5]],
      ['sum', [s, 1]],
    ] as const) {
      for (const dtype of ['int64', 'int32'] as const) {
        const out = torch.empty([2]);
        const probs = torch.empty([N, C]);
        R.logSoftmaxNllReduced!(x, torch.tensor(td, { dtype }), -100, reduction, out, probs);
        close((await out.tolist()) as number[], want, 1e-6, `${reduction} ${dtype}`);
        const p = (await probs.flatten().tolist()) as number[];
        for (let n = 0; n < N; n++) {
          const row = xd.slice(n * C, (n + 1) * C);
          const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
          close(
            p.slice(n * C, (n + 1) * C),
            row.map((v) => Math.exp(v - lse)),
            1e-6,
            `softmax row ${n}`,
          );
        }
      }
    }
    const out = torch.empty([2]);
    R.logSoftmaxNllReduced!(
      x,
      torch.full([N], -100, { dtype: 'int64' }),
      -100,
      'mean',
      out,
      torch.empty([N, C]),
    );
    expect(Number.isNaN(((await out.tolist()) as number[])[0])).toBe(true);
    expect(() =>
      R.logSoftmaxNllReduced!(
        x,
        torch.tensor([0, 1, 2, 3, 5, 0, 0]),
        -100,
        'sum',
        torch.empty([2]),
        torch.empty([N, C]),
      ),
    ).toThrow(/Target 5 is out of bounds/);
  });
});

describe('CPU routines.logSoftmaxNllReducedBackward', () => {
  it('(probs - onehot) * g * scale, 0 in ignored rows, int64 and int32 targets', async () => {
    const r = rng(4);
    const [N, C] = [6, 4];
    const pd = Array.from({ length: N * C }, () => (r() + 1) / 2).map(Math.fround);
    const td = [3, -100, 0, 2, 1, 3];
    for (const dtype of ['int64', 'int32'] as const) {
      const grad = torch.empty([N, C]);
      const g = torch.tensor(1.5);
      const scale = torch.tensor([0.25, 0.25]);
      R.logSoftmaxNllReducedBackward!(
        torch.tensor(pd).view(N, C),
        torch.tensor(td, { dtype }),
        -100,
        g,
        view(scale, [1, 1], [0, 0], 1),
        grad,
      );
      const want = pd.map((p, i) => {
        const [n, c] = [Math.floor(i / C), i % C];
        return td[n] === -100 ? 0 : (p - (c === td[n] ? 1 : 0)) * 1.5 * 0.25;
      });
      close((await grad.flatten().tolist()) as number[], want, 1e-6, dtype);
    }
  });
});

describe('an MLP step through the routines equals the composed float64 ops', () => {
  for (const [name, relu] of [
    ['linear, relu, linear, cross-entropy mean', false],
    ['fused linear+relu epilogue', true],
  ] as const)
    it(name, async () => {
      const gen = new torch.Generator(3);
      const W1 = torch.randn([32, 20], { generator: gen });
      const b1 = torch.randn([32], { generator: gen });
      const W2 = torch.randn([6, 32], { generator: gen });
      const b2 = torch.randn([6], { generator: gen });
      const x = torch.randn([9, 20], { generator: gen });
      const y = torch.tensor([0, 5, 2, -100, 1, 1, 3, 4, 0]);
      const run = (dtype: 'float32' | 'float64') => {
        const ps = [W1, b1, W2, b2].map((p) => p.to({ dtype }).detach().requiresGrad_());
        const [w1, c1, w2, c2] = ps;
        const xx = x.to({ dtype });
        const h = relu ? linear(xx, w1, c1, 'relu') : torch.relu(F.linear(xx, w1, c1));
        const loss = F.crossEntropy(F.linear(h, w2, c2), y);
        loss.backward();
        return [loss, ...ps.map((p) => p.grad!)];
      };
      const got = run('float32');
      const want = run('float64');
      for (let i = 0; i < got.length; i++)
        close(
          (await got[i].flatten().tolist()) as number[],
          (await want[i].flatten().tolist()) as number[],
          2e-5,
          `output ${i}`,
        );
    });

  it('with the three routines removed (the composed float32 ops) the step gives the same values', async () => {
    const routines = cpuBackend.routines as Partial<Routines>;
    const names = ['linearGrads', 'logSoftmaxNllReduced', 'logSoftmaxNllReducedBackward'] as const;
    const step = async () => {
      const gen = new torch.Generator(11);
      const W1 = torch.randn([16, 12], { generator: gen }).requiresGrad_();
      const b1 = torch.randn([16], { generator: gen }).requiresGrad_();
      const W2 = torch.randn([5, 16], { generator: gen }).requiresGrad_();
      const x = torch.randn([10, 12], { generator: gen });
      const y = torch.tensor([0, 4, 2, -100, 1, 1, 3, 4, 0, 2]);
      const loss = F.crossEntropy(F.linear(torch.relu(F.linear(x, W1, b1)), W2), y);
      loss.backward();
      return Promise.all(
        [loss, W1.grad!, b1.grad!, W2.grad!].map(async (t) => (await t.flatten().tolist()) as number[]),
      );
    };
    for (const n of names) expect(routines[n], n).toBeTypeOf('function');
    const fast = await step();
    const saved = names.map((n) => routines[n]);
    for (const n of names) delete routines[n];
    let ref: number[][];
    try {
      ref = await step();
    } finally {
      names.forEach((n, i) => {
        (routines as Record<string, unknown>)[n] = saved[i];
      });
    }
    for (let i = 0; i < fast.length; i++) close(fast[i], ref[i], 1e-5, `output ${i}`);
  });

  it('F.crossEntropy sum and none, and a linear whose input needs no grad, match float64', async () => {
    const gen = new torch.Generator(5);
    const x = torch.randn([8, 5], { generator: gen });
    const W = torch.randn([4, 5], { generator: gen });
    const y = torch.tensor([0, 3, 2, 1, -100, 1, 3, 0]);
    for (const reduction of ['sum', 'none'] as const) {
      const run = (dtype: 'float32' | 'float64') => {
        const w = W.to({ dtype }).detach().requiresGrad_();
        const l = F.crossEntropy(F.linear(x.to({ dtype }), w), y, { reduction });
        l.sum().backward();
        return [l, w.grad!];
      };
      const got = run('float32');
      const want = run('float64');
      for (let i = 0; i < 2; i++)
        close(
          (await got[i].flatten().tolist()) as number[],
          (await want[i].flatten().tolist()) as number[],
          2e-5,
          `${reduction} ${i}`,
        );
    }
  });
});
