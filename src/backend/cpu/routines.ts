/** Fused CPU paths (see backend.ts `Routines`). Each has a composed reference in ops/. */
import type { Routines, View } from '../backend.js';
import { isContiguousView, numelOf } from '../backend.js';
import { optimizerHyper } from '../routines.js';
import { attention, attentionBackward } from './attention.js'; // attention (helper attn)
import { heapModule, wasmKernels } from './heap.js';
import { type CpuStorage, heapIndex } from './index.js';
import { HYPER, type OptimVariant, optimFn } from './wasm/optim-kernel.js';

const arr = (v: View) => (v.storage as CpuStorage).data;

type UpdateFn = (p: number, g: number, s0: number, s1: number, s2: number, n: number, ...h: number[]) => void;
const updates = new Map<string, UpdateFn>(); // a handful of variants: bounded by the flags

function variantOf(kind: string, h: Record<string, number>): OptimVariant {
  const on = (k: string) => !!h[k];
  if (kind === 'sgd') {
    const momentum = (h.momentum ?? 0) !== 0;
    return {
      kind,
      maximize: on('maximize'),
      weightDecay: on('weightDecay'),
      momentum,
      first: momentum && h.step === 1,
      nesterov: momentum && on('nesterov'),
    };
  }
  if (kind === 'adam' || kind === 'adamw') {
    optimizerHyper(kind, h, 'cpu'); // validates step
    return {
      kind,
      maximize: on('maximize'),
      weightDecay: on('weightDecay'),
      amsgrad: on('amsgrad'),
      lerpLow: Math.fround(1 - (h.beta1 ?? 0.9)) < 0.5,
    };
  }
  throw new RangeError(`cpu optimizerStep: unknown kind '${kind}' (expected sgd, adam or adamw)`);
}

const hyperOf = (kind: string, h: Record<string, number>): number[] => optimizerHyper(kind, h, 'cpu');

/** The same update in JS (float32 at every step via Math.fround): arrays off the heap, or no wasm. */
function updateJs(o: OptimVariant, hy: number[], xs: Float32Array[], n: number, po: number[]): void {
  const r = Math.fround;
  const H = hy.map(r);
  const [P, G, S0, S1, S2] = xs;
  const [op, og, o0, o1, o2] = po;
  for (let i = 0; i < n; i++) {
    let p = P[op + i];
    let g = o.maximize ? -G[og + i] : G[og + i];
    if (o.kind === 'sgd') {
      if (o.weightDecay) g = r(g + r(H[3] * p));
      if (o.momentum) {
        const b = o.first ? g : r(r(S0[o0 + i] * H[1]) + r(H[2] * g));
        S0[o0 + i] = b;
        g = o.nesterov ? r(g + r(H[1] * b)) : b;
      }
      P[op + i] = r(p - r(H[0] * g));
      continue;
    }
    if (o.weightDecay) {
      if (o.kind === 'adam') g = r(g + r(H[6] * p));
      else p = r(p * H[9]);
    }
    let m = S0[o0 + i];
    const d = r(g - m);
    m = o.lerpLow ? r(m + r(H[1] * d)) : r(g - r(d * H[2]));
    S0[o0 + i] = m;
    let v = r(r(S1[o1 + i] * H[3]) + r(r(H[4] * g) * g));
    S1[o1 + i] = v;
    if (o.amsgrad) {
      const w = S2[o2 + i];
      v = v !== v || w !== w ? Number.NaN : Math.max(w, v);
      S2[o2 + i] = v;
    }
    const denom = r(r(r(Math.sqrt(v)) / H[8]) + H[5]);
    P[op + i] = r(p + r(-H[7] * r(m / denom)));
  }
}

export const cpuRoutines: Partial<Routines> = {
  /** One pass per row: max, sum of exp, loss = lse - x[t], and the softmax for the backward. */
  logSoftmaxNll(logits, target, ignoreIndex, loss, probs) {
    const [N, C] = logits.shape;
    const [rs, cs] = logits.strides;
    const x = arr(logits);
    const t = arr(target);
    const l = arr(loss);
    const p = arr(probs);
    for (let n = 0; n < N; n++) {
      const base = logits.offset + n * rs;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        const v = x[base + c * cs];
        if (v > m || v !== v) m = v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c * cs] - m);
      const lse = m + Math.log(s);
      const po = probs.offset + n * C;
      for (let c = 0; c < C; c++) p[po + c] = Math.exp(x[base + c * cs] - lse);
      const k = t[target.offset + n * target.strides[0]];
      if (k === ignoreIndex) l[loss.offset + n] = 0;
      else {
        if (k < 0 || k >= C)
          throw new RangeError(`cross_entropy: Target ${k} is out of bounds (number of classes ${C}).`);
        l[loss.offset + n] = lse - x[base + k * cs];
      }
    }
  },

  /**
   * SGD / Adam / AdamW over every parameter (backend.ts contract; formulas of the WebGPU
   * kernel): one wasm SIMD pass per parameter in the heap, the same float32 arithmetic in JS
   * for parameters off it.
   */
  optimizerStep(kind, params, grads, state, hyper) {
    const o = variantOf(kind, hyper);
    const hy = hyperOf(kind, hyper);
    const roles = o.kind === 'sgd' ? (o.momentum ? 3 : 2) : o.amsgrad ? 5 : 4;
    if (grads.length !== params.length || state.length !== params.length)
      throw new RangeError(
        `cpu optimizerStep: ${params.length} params, ${grads.length} grads, ${state.length} states`,
      );
    const key = JSON.stringify(o);
    let fn = updates.get(key);
    if (!fn && wasmKernels.enabled)
      updates.set(key, (fn = heapModule<{ update: UpdateFn }>({ update: optimFn(o) }).update));
    while (hy.length < HYPER) hy.push(0);
    for (let i = 0; i < params.length; i++) {
      const vs = [params[i], grads[i], ...state[i]].slice(0, roles);
      if (vs.length < roles)
        throw new RangeError(
          `cpu optimizerStep: ${kind} needs ${roles - 2} state tensors per param, got ${state[i].length}`,
        );
      const n = numelOf(params[i].shape);
      for (const v of vs)
        if (!isContiguousView(v) || numelOf(v.shape) !== n || v.dtype !== 'float32')
          throw new TypeError(
            `cpu optimizerStep: param ${i}: tensors must be contiguous float32 of ${n} elements`,
          );
      if (n === 0) continue;
      const at = vs.map((v) => heapIndex(v) + v.offset);
      if (fn && wasmKernels.enabled && vs.every((v) => heapIndex(v) >= 0))
        fn(4 * at[0], 4 * at[1], 4 * (at[2] ?? 0), 4 * (at[3] ?? 0), 4 * (at[4] ?? 0), n, ...hy);
      else
        updateJs(
          o,
          hy,
          vs.map((v) => arr(v) as Float32Array),
          n,
          vs.map((v) => v.offset),
        );
    }
  },
  // ── attention (helper attn) ──
  attention,
  attentionBackward,
};
