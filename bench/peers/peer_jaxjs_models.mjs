// jax-js peers of issue 18's models (bench/webgpu-models.ts), each training step one jit():
// valueAndGrad of the loss plus the optimizer update, the idiomatic JAX step. Synthetic batches
// (4 made once on the host, cycled), as the torchts side. Each step ends by reading the loss.
//
//   node peer_jaxjs_models.mjs <wasm|webgpu> <simplenet|mlp|cnn|gpt|lstm> [steps=5] [warmup=2]
//
// Prints `RESULT {json}`: median wall and CPU seconds per step (CPU = the whole process, so
// lavapipe's worker threads count), the compile+first-step time, the last loss.
// jax-js 0.1.25 has no lax.scan / fori_loop: the LSTM's 35 time steps are unrolled in the traced
// function (jit traces the JS loop), which is how a JAX user without scan writes it.
import { performance } from 'node:perf_hooks';
import * as C from './common.mjs';

const device = process.argv[2] ?? 'wasm';
const model = process.argv[3] ?? 'mlp';
const STEPS = Number(process.argv[4] ?? 5);
const WARMUP = Number(process.argv[5] ?? 2);
let gpuDesc = '';
if (device === 'webgpu') {
  const w = await import('./webgpu-node-setup.mjs');
  gpuDesc = await w.adapterInfo();
}
const jax = await import('@jax-js/jax');
const { numpy: np, nn, lax, tree, jit, valueAndGrad, random } = jax;
const avail = await jax.init(device);
if (!avail.includes(device)) throw new Error(`jax-js device ${device} not available (init returned ${JSON.stringify(avail)})`);
jax.defaultDevice(device);

const rnd = C.mulberry32(1234);
const hostF = (n, lo = 0, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rnd());
const hostI = (n, k) => Int32Array.from({ length: n }, () => Math.floor(rnd() * k));
/** PyTorch's default Linear/Conv init bound 1/sqrt(fanIn), uniform. */
const param = (shape, fanIn) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return np.array(hostF(n, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn))).reshape(shape);
};
const linear = (x, w, b) => np.dot(x, w).add(b); // w [in, out]
/** Mean cross-entropy of logits [N, K] against int32 labels [N]. */
const crossEntropy = (logits, y, K) => {
  const N = logits.shape[0];
  return nn.logSoftmax(logits).mul(nn.oneHot(y, K)).sum().mul(-1 / N);
};

// ---- optimizers: functions of (params, grads, state) -> [params, state], all jnp ops ----
const sgd = (lr) => ({
  init: () => ({}),
  update: (p, g, s) => [tree.map((w, gw) => w.sub(gw.mul(lr)), p, g), s],
});
// torch.optim.Adadelta defaults: rho 0.9, eps 1e-6.
const adadelta = (lr, rho = 0.9, eps = 1e-6) => ({
  init: (p) => ({ sq: tree.map((w) => np.zerosLike(w), tree.ref(p)), acc: tree.map((w) => np.zerosLike(w), tree.ref(p)) }),
  update: (p, g, s) => {
    const np2 = {}, sq2 = {}, acc2 = {};
    for (const k of Object.keys(p)) {
      const gk = g[k];
      const sq = s.sq[k].mul(rho).add(gk.ref.mul(gk.ref).mul(1 - rho));
      const delta = np.sqrt(s.acc[k].ref.add(eps)).div(np.sqrt(sq.ref.add(eps))).mul(gk);
      acc2[k] = s.acc[k].mul(rho).add(delta.ref.mul(delta.ref).mul(1 - rho));
      sq2[k] = sq;
      np2[k] = p[k].sub(delta.mul(lr));
    }
    return [np2, { sq: sq2, acc: acc2 }];
  },
});
// torch.optim.AdamW defaults: betas (0.9, 0.999), eps 1e-8, weight_decay 0.01; `t` (step) is an
// argument of the jitted step so it compiles once.
const adamw = (lr, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01) => ({
  init: (p) => ({ m: tree.map((w) => np.zerosLike(w), tree.ref(p)), v: tree.map((w) => np.zerosLike(w), tree.ref(p)) }),
  update: (p, g, s, t) => {
    const np2 = {}, m2 = {}, v2 = {};
    const bc1 = np.power(b1, t.ref).mul(-1).add(1);
    const bc2 = np.sqrt(np.power(b2, t).mul(-1).add(1));
    const ks = Object.keys(p);
    ks.forEach((k, i) => {
      const last = i === ks.length - 1;
      const gk = g[k];
      const m = s.m[k].mul(b1).add(gk.ref.mul(1 - b1));
      const v = s.v[k].mul(b2).add(gk.ref.mul(gk).mul(1 - b2));
      const denom = np.sqrt(v.ref).div(last ? bc2 : bc2.ref).add(eps);
      const upd = m.ref.div(last ? bc1 : bc1.ref).div(denom).mul(lr);
      np2[k] = p[k].mul(1 - lr * wd).sub(upd);
      m2[k] = m;
      v2[k] = v;
    });
    return [np2, { m: m2, v: v2 }];
  },
});

// ---- models: init params, loss(params, x, y, key) (consumes all), batch maker ----
function buildModel(name) {
  switch (name) {
    case 'simplenet':
    case 'mlp': {
      const dims = name === 'mlp' ? [784, 512, 512, 10] : [784, 128, 10];
      const p = {};
      for (let i = 0; i + 1 < dims.length; i++) {
        p[`w${i}`] = param([dims[i], dims[i + 1]], dims[i]);
        p[`b${i}`] = param([dims[i + 1]], dims[i]);
      }
      const L = dims.length - 1;
      return {
        describe: name === 'mlp' ? 'quickstart MLP 784-512-512-10, batch 64, SGD' : 'SimpleNet 784-128-10, batch 64, SGD',
        params: p,
        opt: sgd(name === 'mlp' ? 1e-3 : 0.01),
        batch: () => [np.array(hostF(64 * 784)).reshape([64, 784]), np.array(hostI(64, 10), { dtype: np.int32 })],
        loss: (p, x, y) => {
          let h = x;
          for (let i = 0; i < L; i++) {
            h = linear(h, p[`w${i}`], p[`b${i}`]);
            if (i < L - 1) h = nn.relu(h);
          }
          return crossEntropy(h, y, 10);
        },
      };
    }
    case 'cnn': {
      // pytorch/examples mnist/main.py Net: conv 1->32 3x3, relu, conv 32->64 3x3, relu,
      // max_pool 2, dropout 0.25, fc 9216->128, relu, dropout 0.5, fc 128->10, log_softmax, nll.
      const B = 64;
      const p = {
        c1w: param([32, 1, 3, 3], 9), c1b: param([32], 9),
        c2w: param([64, 32, 3, 3], 288), c2b: param([64], 288),
        f1w: param([9216, 128], 9216), f1b: param([128], 9216),
        f2w: param([128, 10], 128), f2b: param([10], 128),
      };
      const dropout = (x, key, rate) => np.where(random.bernoulli(key, 1 - rate, x.shape), x.mul(1 / (1 - rate)), 0);
      return {
        describe: `mnist/main.py Net, batch ${B}, Adadelta`,
        params: p,
        opt: adadelta(1.0),
        needsKey: true,
        batch: () => [np.array(hostF(B * 784)).reshape([B, 1, 28, 28]), np.array(hostI(B, 10), { dtype: np.int32 })],
        loss: (p, x, y, key) => {
          const [k1, k2] = random.split(key, 2);
          let h = nn.relu(lax.conv(x, p.c1w, [1, 1], 'VALID').add(p.c1b.reshape([1, 32, 1, 1])));
          h = nn.relu(lax.conv(h, p.c2w, [1, 1], 'VALID').add(p.c2b.reshape([1, 64, 1, 1])));
          h = lax.reduceWindow(h, (w) => np.max(w), [2, 2], [2, 2]); // [B, 64, 12, 12]
          h = dropout(h, k1, 0.25).reshape([B, 9216]);
          h = dropout(nn.relu(linear(h, p.f1w, p.f1b)), k2, 0.5);
          const lp = nn.logSoftmax(linear(h, p.f2w, p.f2b));
          return lp.mul(nn.oneHot(y, 10)).sum().mul(-1 / B); // nll_loss, mean
        },
      };
    }
    case 'gpt': {
      const V = 65, T = 32, E = 64, H = 4, NL = 2, B = 16;
      const p = { wte: param([V, E], 1), wpe: param([T, E], 1), lnfg: np.ones([E]), lnfb: np.zeros([E]), headw: param([E, V], E), headb: param([V], E) };
      for (let l = 0; l < NL; l++) {
        Object.assign(p, {
          [`ln1g${l}`]: np.ones([E]), [`ln1b${l}`]: np.zeros([E]),
          [`qkvw${l}`]: param([E, 3 * E], E), [`qkvb${l}`]: param([3 * E], E),
          [`projw${l}`]: param([E, E], E), [`projb${l}`]: param([E], E),
          [`ln2g${l}`]: np.ones([E]), [`ln2b${l}`]: np.zeros([E]),
          [`fcw${l}`]: param([E, 4 * E], E), [`fcb${l}`]: param([4 * E], E),
          [`mlpw${l}`]: param([4 * E, E], 4 * E), [`mlpb${l}`]: param([E], 4 * E),
        });
      }
      const ln = (x, g, b) => nn.standardize(x, -1, { epsilon: 1e-5 }).mul(g).add(b);
      return {
        describe: `nanoGPT-style, ${NL} layers, n_embd ${E}, ${H} heads, block ${T}, batch ${B}, AdamW`,
        params: p,
        opt: adamw(1e-3),
        batch: () => [np.array(hostI(B * T, V), { dtype: np.int32 }).reshape([B, T]), np.array(hostI(B * T, V), { dtype: np.int32 })],
        loss: (p, idx, y) => {
          let x = np.take(p.wte, idx, 0).add(p.wpe); // [B, T, E]
          for (let l = 0; l < NL; l++) {
            const a = linear(ln(x.ref, p[`ln1g${l}`], p[`ln1b${l}`]), p[`qkvw${l}`], p[`qkvb${l}`]);
            const [q, k, v] = np.split(a, 3, -1).map((t) => np.transpose(t.reshape([B, T, H, E / H]), [0, 2, 1, 3]));
            // nn.dotProductAttention is einsum-based and einsum needs Node 22's iterator helpers:
            // the same causal softmax(q k^T / sqrt(hs)) v with matmuls (nanoGPT's fallback path).
            const s = np.matmul(q, np.transpose(k, [0, 1, 3, 2])).mul(1 / Math.sqrt(E / H));
            const pr = nn.softmax(np.where(np.tri(T, T, 0, { dtype: np.bool }), s, -Infinity), -1);
            const att = np.transpose(np.matmul(pr, v), [0, 2, 1, 3]).reshape([B, T, E]);
            x = x.add(linear(att, p[`projw${l}`], p[`projb${l}`]));
            const m = nn.gelu(linear(ln(x.ref, p[`ln2g${l}`], p[`ln2b${l}`]), p[`fcw${l}`], p[`fcb${l}`]), { approximate: false });
            x = x.add(linear(m, p[`mlpw${l}`], p[`mlpb${l}`]));
          }
          const logits = linear(ln(x, p.lnfg, p.lnfb), p.headw, p.headb).reshape([B * T, V]);
          return crossEntropy(logits, y, V);
        },
      };
    }
    case 'lstm': {
      // word_language_model at bench/lstm.ts's sizes: Embedding 10000x200, LSTM 2x200, Linear 200->10000.
      const V = 10000, E = 200, Hd = 200, NL = 2, T = 35, B = 20;
      const p = { enc: param([V, E], 1), encb: np.zeros([E]), decw: param([Hd, V], Hd), decb: param([V], Hd) };
      for (let l = 0; l < NL; l++) {
        const inp = l === 0 ? E : Hd;
        Object.assign(p, { [`wih${l}`]: param([inp, 4 * Hd], Hd), [`whh${l}`]: param([Hd, 4 * Hd], Hd), [`b${l}`]: param([4 * Hd], Hd) });
      }
      return {
        describe: `LSTM LM vocab ${V}, ${NL}x${Hd}, seq ${T}, batch ${B}, SGD (time loop unrolled: no lax.scan in jax-js)`,
        params: p,
        opt: sgd(0.1),
        // Token ids flat, time-major ([T*B]): jax-js's jit wants take's indices and its gradient's
        // scatter inputs as materialized arrays, not views.
        batch: () => [np.array(hostI(T * B, V), { dtype: np.int32 }), np.array(hostI(T * B, V), { dtype: np.int32 })],
        loss: (p, idx, y) => {
          // + encb, a zero [E] parameter: without an elementwise op between them, jit refuses the
          // embedding's gradient (take's scatter) fed straight from the product below ("routine
          // primitive scatter input is not imm"). Costs one [T*B, E] add.
          let xs = np.take(p.enc, idx, 0).add(p.encb); // [T*B, E]
          for (let l = 0; l < NL; l++) {
            // The input projection of all time steps as one product (b_ih + b_hh folded in one
            // bias). 2-d, so the embedding's gradient reaches take's scatter as a plain product
            // (jax-js's jit refuses a scatter over a fused expression).
            const xw = np.unstack(np.dot(xs, p[`wih${l}`]).add(p[`b${l}`]).reshape([T, B, 4 * Hd]), 0); // T x [B, 4H]
            const whh = p[`whh${l}`];
            let h = np.zeros([B, Hd]);
            let c = np.zeros([B, Hd]);
            const hs = [];
            for (let t = 0; t < T; t++) {
              const gates = xw[t].add(np.dot(h, t === T - 1 ? whh : whh.ref));
              const [i, f, g, o] = np.split(gates, 4, -1);
              c = nn.sigmoid(f).mul(c).add(nn.sigmoid(i).mul(np.tanh(g)));
              h = nn.sigmoid(o).mul(np.tanh(c.ref));
              hs.push(h.ref);
            }
            h.dispose();
            c.dispose();
            xs = np.stack(hs, 0).reshape([T * B, Hd]);
          }
          const logits = linear(xs, p.decw, p.decb);
          return crossEntropy(logits, y, V);
        },
      };
    }
    default:
      throw new Error(`unknown model ${name}`);
  }
}

const m = buildModel(model);
const vg = valueAndGrad(m.loss);
const step = jit((p, s, x, y, key, t) => {
  let l, g;
  if (m.needsKey) {
    const [k1, k2] = random.split(key, 2);
    [l, g] = vg(tree.ref(p), x, y, k1);
    t.dispose();
    const [p2, s2] = m.opt.update(p, g, s);
    return [l, p2, s2, k2];
  }
  key.dispose();
  [l, g] = vg(tree.ref(p), x, y);
  const [p2, s2] = m.opt.update(p, g, s, t);
  return [l, p2, s2, np.zeros([2], { dtype: np.uint32 })];
});

let params = m.params;
let state = m.opt.init(params);
let key = random.key(0);
const batches = Array.from({ length: 4 }, () => m.batch());
await jax.blockUntilReady([params, state, batches]);
const wall = [], cpu = [];
let lastLoss = NaN, firstStep = 0;
for (let i = 0; i < WARMUP + STEPS; i++) {
  const [x, y] = batches[i % 4];
  const t0 = performance.now(), c0 = process.cpuUsage();
  let l;
  [l, params, state, key] = step(params, state, x.ref, y.ref, key, np.array([i + 1], { dtype: np.float32 }).reshape([]));
  lastLoss = (await l.data())[0];
  const dt = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  if (i === 0) firstStep = dt;
  if (i >= WARMUP) {
    wall.push(dt);
    cpu.push((cu.user + cu.system) / 1e6);
  }
  if (!Number.isFinite(lastLoss)) throw new Error(`non-finite loss ${lastLoss} at step ${i}`);
}
const notes = [];
if (device === 'webgpu') notes.push(`adapter: ${gpuDesc}`);
if (device === 'wasm') notes.push(`Worker ${typeof Worker === 'undefined' ? 'absent in Node => single-threaded wasm' : 'present'}`);
console.log(`RESULT ${JSON.stringify({
  peer: 'jax-js jit(train step)', version: C.pkgVersion('@jax-js/jax'), backend: device, model, describe: m.describe,
  s_per_step: +C.median(wall).toFixed(5), cpu_s_per_step: +C.median(cpu).toFixed(5), first_step_s: +firstStep.toFixed(3),
  steps: STEPS, warmup: WARMUP, loss: +lastLoss.toFixed(4), notes: notes.join('; '),
})}`);
process.exit(0);
