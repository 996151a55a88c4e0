/** Fused routines on WebGPU against plain-JS references (f64) of their composed definitions. */
import { expect, it } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { resetStats, setMatmulVariant, stats } from '../../../src/backend/webgpu/index.js';
import { programOf } from '../../helpers/update-programs.js';
import { describeGpu, expectClose, fill, gpu, outPair, pair, randn, rng } from './helpers.js';

const gv = (data: Float32Array | Int32Array, shape: number[], strides?: number[], offset = 0): View =>
  pair(data, data instanceof Int32Array ? 'int32' : 'float32', shape, strides, offset).gpu;

describeGpu('webgpu routines.logSoftmaxNll', () => {
  it('loss and softmax match logsumexp - x[t], with ignoreIndex, strides and special rows', async () => {
    const r = rng(2);
    const [N, C] = [9, 13];
    const x = fill('float32', N * C + 3, () => randn(r) * 3) as Float32Array;
    x[3 + 1 * C + 4] = 80; // large logit: needs the max shift
    for (let j = 0; j < C; j++) x[3 + 2 * C + j] = -1e30; // a row of equal huge negatives
    const t = new Int32Array([0, 4, 12, -100, 5, 6, 7, 8, 1]);
    const logits = gv(x, [N, C], [C, 1], 3);
    const target = gv(t, [N]);
    const loss = outPair('float32', [N]).gpu;
    const probs = outPair('float32', [N, C]).gpu;
    gpu().routines!.logSoftmaxNll!(logits, target, -100, loss, probs);
    const L = await gpu().read(loss);
    const Pr = await gpu().read(probs);
    const wantL: number[] = [];
    const wantP: number[] = [];
    for (let n = 0; n < N; n++) {
      const row = Array.from(x.subarray(3 + n * C, 3 + (n + 1) * C));
      const m = Math.max(...row);
      const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
      wantL.push(t[n] === -100 ? 0 : Math.log(s) + m - row[t[n]]);
      for (const v of row) wantP.push(Math.exp(v - m) / s);
    }
    expectClose(L, wantL, { ulps: 8, atol: 2e-6 }, 'loss');
    expectClose(Pr, wantP, { ulps: 8, atol: 1e-7 }, 'probs');
  });

  it('one dispatch for the whole batch', async () => {
    const [N, C] = [64, 10];
    const r = rng(3);
    const logits = gv(fill('float32', N * C, () => randn(r)) as Float32Array, [N, C]);
    const target = gv(fill('int32', N, () => Math.floor(r() * C)) as Int32Array, [N]);
    const loss = outPair('float32', [N]).gpu;
    const probs = outPair('float32', [N, C]).gpu;
    await gpu().synchronize();
    resetStats();
    gpu().routines!.logSoftmaxNll!(logits, target, -100, loss, probs);
    expect(stats().dispatches).toBe(1);
  });
});

/** torch.optim's single-tensor formulas in f64, the reference for the fused kernel. */
function refStep(kind: string, p: number[], g: number[], st: number[][], h: Record<string, number>): void {
  for (let i = 0; i < p.length; i++) {
    let d = h.maximize ? -g[i] : g[i];
    if (kind === 'sgd') {
      if (h.weightDecay) d += h.weightDecay * p[i];
      if (h.momentum) {
        const b = h.step === 1 ? d : h.momentum * st[0][i] + (1 - h.dampening) * d;
        st[0][i] = b;
        d = h.nesterov ? d + h.momentum * b : b;
      }
      p[i] -= h.lr * d;
    } else {
      if (h.weightDecay) {
        if (kind === 'adam') d += h.weightDecay * p[i];
        else p[i] *= 1 - h.lr * h.weightDecay;
      }
      st[0][i] += (1 - h.beta1) * (d - st[0][i]);
      st[1][i] = st[1][i] * h.beta2 + (1 - h.beta2) * d * d;
      const v = h.amsgrad ? (st[2][i] = Math.max(st[2][i], st[1][i])) : st[1][i];
      const denom = Math.sqrt(v) / Math.sqrt(1 - h.beta2 ** h.step) + h.eps;
      p[i] -= (h.lr / (1 - h.beta1 ** h.step)) * (st[0][i] / denom);
    }
  }
}

describeGpu('webgpu routines.updateInPlace (optimizer programs)', () => {
  const configs: [string, Record<string, number>][] = [
    ['sgd', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: 0, maximize: 0 }],
    ['sgd', { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: 0, maximize: 1 }],
    ['sgd', { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: 1, maximize: 0 }],
    ['adam', { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: 0 }],
    ['adam', { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: 1, maximize: 1 }],
    ['adamw', { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: 0 }],
  ];
  for (const [kind, hyper] of configs)
    it(`${kind} ${JSON.stringify(hyper)}: 3 steps over 20 params in few dispatches`, async () => {
      const r = rng(11);
      const sizes = Array.from({ length: 20 }, (_, i) => (i === 7 ? 0 : 1 + Math.floor(r() * 300)));
      const nState = kind === 'sgd' ? (hyper.momentum ? 1 : 0) : hyper.amsgrad ? 3 : 2;
      const P = sizes.map((n) => Array.from({ length: n }, () => Math.fround(randn(r))));
      const S = sizes.map((n) => Array.from({ length: nState }, () => new Array<number>(n).fill(0)));
      // Params live at an offset inside bigger buffers, as views of flat storages would.
      const pv = P.map((p) => gv(new Float32Array([9, ...p]), [p.length], [1], 1));
      const sv = S.map((st) => st.map((s) => gv(new Float32Array(s), [s.length])));
      for (let step = 1; step <= 3; step++) {
        const G = sizes.map((n) => Array.from({ length: n }, () => Math.fround(randn(r))));
        const gvs = G.map((g) => gv(new Float32Array(g), [g.length]));
        const h = { ...hyper, step };
        await gpu().synchronize();
        resetStats();
        gpu().routines!.updateInPlace!(
          programOf(kind, h),
          pv.map((p, i) => [p, gvs[i], ...sv[i]]),
        );
        const perParam = 2 + nState;
        expect(stats().dispatches).toBeLessThanOrEqual(Math.ceil(20 / Math.floor(16 / perParam)));
        for (let i = 0; i < P.length; i++) refStep(kind, P[i], G[i], S[i], h);
      }
      // f64 reference vs f32 device: O(1) operands cancel in the momentum/moment updates, so
      // the bound is absolute, ~10 f32 roundings of values near 1 over 3 steps.
      for (let i = 0; i < sizes.length; i++) {
        expectClose(await gpu().read(pv[i]), P[i], { ulps: 64, atol: 1e-6 }, `param ${i}`);
        for (let k = 0; k < nState; k++)
          expectClose(await gpu().read(sv[i][k]), S[i][k], { ulps: 64, atol: 1e-6 }, `state ${i}.${k}`);
      }
    });
});

describeGpu('webgpu routines.linearGrads and logSoftmaxNllReduced', () => {
  for (const variant of ['register', 'tiled'] as const)
    it(`linearGrads: dW = g^T x and db = column sums of g, strided g (${variant} kernel)`, async () => {
      setMatmulVariant(variant);
      try {
        const r = rng(7);
        for (const [M, O, I] of [
          [64, 10, 128],
          [5, 3, 7],
          [1, 1, 1],
          [70, 66, 9],
          [603, 5, 9], // K = 603: several K blocks of partial sums and a K tail
        ]) {
          // g stored transposed ([O, M] in memory, viewed as [M, O]) from offset 2.
          const gd = fill('float32', O * M + 2, () => randn(r)) as Float32Array;
          const xd = fill('float32', M * I, () => randn(r)) as Float32Array;
          const g = gv(gd, [M, O], [1, M], 2);
          const x = gv(xd, [M, I]);
          const dW = outPair('float32', [O, I]).gpu;
          const db = outPair('float32', [O]).gpu;
          gpu().routines!.linearGrads!(g, x, dW, db);
          const G = (m: number, o: number) => gd[2 + o * M + m];
          const wantW: number[] = [];
          const wantB: number[] = [];
          for (let o = 0; o < O; o++) {
            let sb = 0;
            for (let m = 0; m < M; m++) sb += G(m, o);
            wantB.push(sb);
            for (let i = 0; i < I; i++) {
              let s = 0;
              for (let m = 0; m < M; m++) s += G(m, o) * xd[m * I + i];
              wantW.push(s);
            }
          }
          expectClose(await gpu().read(dW), wantW, { ulps: 64, atol: 1e-4 }, `dW ${M}x${O}x${I}`);
          expectClose(await gpu().read(db), wantB, { ulps: 64, atol: 1e-4 }, `db ${M}x${O}x${I}`);
        }
      } finally {
        setMatmulVariant('auto');
      }
    });

  it('logSoftmaxNllReduced: mean over non-ignored rows and its 1/count, sum, all ignored -> NaN', async () => {
    const r = rng(9);
    const [N, C] = [7, 5];
    const x = fill('float32', N * C, () => randn(r) * 2) as Float32Array;
    const t = new Int32Array([0, 4, -100, 3, 2, -100, 1]);
    const rowLoss = (n: number) => {
      const row = Array.from(x.subarray(n * C, (n + 1) * C));
      const m = Math.max(...row);
      return Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m - row[t[n]];
    };
    let s = 0;
    for (let n = 0; n < N; n++) if (t[n] !== -100) s += rowLoss(n);
    for (const [reduction, want] of [
      ['mean', [s / 5, 1 / 5]],
      ['sum', [s, 1]],
    ] as const) {
      const out = outPair('float32', [2]).gpu;
      const probs = outPair('float32', [N, C]).gpu;
      gpu().routines!.logSoftmaxNllReduced!(gv(x, [N, C]), gv(t, [N]), -100, reduction, out, probs);
      expectClose(await gpu().read(out), want, { ulps: 16, atol: 1e-6 }, reduction);
    }
    const out = outPair('float32', [2]).gpu;
    const probs = outPair('float32', [N, C]).gpu;
    gpu().routines!.logSoftmaxNllReduced!(
      gv(x, [N, C]),
      gv(new Int32Array(N).fill(-100), [N]),
      -100,
      'mean',
      out,
      probs,
    );
    expect(Number.isNaN((await gpu().read(out))[0])).toBe(true);
  });

  it('logSoftmaxNllReduced past one workgroup (row kernel, then the fold): loss, 1/count, probs', async () => {
    const r = rng(10);
    const [N, C] = [520, 512]; // N * C > ONE_GROUP_MAX (1 << 18)
    const x = fill('float32', N * C, () => randn(r) * 2) as Float32Array;
    const t = fill('int32', N, () => Math.floor(r() * C)) as Int32Array;
    for (let n = 0; n < N; n += 7) t[n] = -100;
    let s = 0;
    let count = 0;
    const wantP: number[] = [];
    for (let n = 0; n < N; n++) {
      const row = Array.from(x.subarray(n * C, (n + 1) * C));
      const m = Math.max(...row);
      const e = row.reduce((a, v) => a + Math.exp(v - m), 0);
      for (const v of row) wantP.push(Math.exp(v - m) / e);
      if (t[n] === -100) continue;
      s += Math.log(e) + m - row[t[n]];
      count++;
    }
    const out = outPair('float32', [2]).gpu;
    const probs = outPair('float32', [N, C]).gpu;
    gpu().routines!.logSoftmaxNllReduced!(gv(x, [N, C]), gv(t, [N]), -100, 'mean', out, probs);
    expectClose(await gpu().read(out), [s / count, 1 / count], { ulps: 64, atol: 1e-6 }, 'mean');
    expectClose(await gpu().read(probs), wantP, { ulps: 8, atol: 1e-7 }, 'probs');
  });
});
