/**
 * routines.attention / attentionBackward on the CPU: the same algorithm as the WebGPU kernels
 * (backend/webgpu/kernels/attention.ts), in JS over the heap's float32 arrays. Forward: per
 * query row an online softmax over the keys (no L x S buffer; a row's scores live in one
 * S-long scratch row, reused). Backward: P recomputed per row from the saved lse; dq per query
 * row, dk and dv accumulated in place. Reference: ops/attention.ts sdpaComposed.
 */
import { isContiguousView, type View } from '../backend.js';
import { dataOf } from './index.js';

function check(name: string, views: readonly View[]) {
  for (const v of views)
    if (v.dtype !== 'float32' || !isContiguousView(v))
      throw new TypeError(
        `cpu ${name}: expects contiguous float32 q, k, v, out (got ${v.dtype} [${v.shape}])`,
      );
}

/** Row i's scaled, masked scores into `s` (length S); returns the row max. */
function scores(
  Q: Float32Array,
  qo: number,
  K: Float32Array,
  ko: number,
  D: number,
  S: number,
  scale: number,
  M: Float32Array | null,
  mo: number,
  ms: number,
  causal: boolean,
  i: number,
  s: Float64Array,
): number {
  let mx = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < S; j++) {
    let acc = 0;
    const kb = ko + j * D;
    for (let d = 0; d < D; d++) acc += Q[qo + d] * K[kb + d];
    let v = Math.fround(acc * scale);
    if (M) v += M[mo + j * ms];
    if (causal && j > i) v = Number.NEGATIVE_INFINITY;
    s[j] = v;
    if (v > mx) mx = v;
  }
  return mx;
}

export function attention(
  q: View,
  k: View,
  v: View,
  mask: View | null,
  causal: boolean,
  scale: number,
  out: View,
  lse: View,
): void {
  check('attention', [q, k, v, out, lse]);
  const [N, L, D] = q.shape;
  const S = k.shape[1];
  const Dv = v.shape[2];
  const Q = dataOf(q) as Float32Array;
  const K = dataOf(k) as Float32Array;
  const V = dataOf(v) as Float32Array;
  const O = dataOf(out) as Float32Array;
  const LS = dataOf(lse) as Float32Array;
  const M = mask ? (dataOf(mask) as Float32Array) : null;
  const s = new Float64Array(S);
  const acc = new Float64Array(Dv);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < L; i++) {
      const mo = mask ? mask.offset + n * mask.strides[0] + i * mask.strides[1] : 0;
      const mx = scores(
        Q,
        q.offset + (n * L + i) * D,
        K,
        k.offset + n * S * D,
        D,
        S,
        scale,
        M,
        mo,
        mask?.strides[2] ?? 0,
        causal,
        i,
        s,
      );
      acc.fill(0);
      let l = 0;
      if (mx !== Number.NEGATIVE_INFINITY)
        for (let j = 0; j < S; j++) {
          if (s[j] === Number.NEGATIVE_INFINITY) continue;
          const p = Math.exp(s[j] - mx);
          l += p;
          const vb = v.offset + (n * S + j) * Dv;
          for (let d = 0; d < Dv; d++) acc[d] += p * V[vb + d];
        }
      const ob = out.offset + (n * L + i) * Dv;
      for (let d = 0; d < Dv; d++) O[ob + d] = acc[d] / l;
      LS[lse.offset + n * L + i] = mx + Math.log(l);
    }
}

export function attentionBackward(
  q: View,
  k: View,
  v: View,
  mask: View | null,
  causal: boolean,
  scale: number,
  dOut: View,
  lse: View,
  delta: View,
  dq: View,
  dk: View,
  dv: View,
): void {
  check('attentionBackward', [q, k, v, dOut, dq, dk, dv]);
  const [N, L, D] = q.shape;
  const S = k.shape[1];
  const Dv = v.shape[2];
  const Q = dataOf(q) as Float32Array;
  const K = dataOf(k) as Float32Array;
  const V = dataOf(v) as Float32Array;
  const G = dataOf(dOut) as Float32Array;
  const LS = dataOf(lse) as Float32Array;
  const DL = dataOf(delta) as Float32Array;
  const DQ = dataOf(dq) as Float32Array;
  const DK = dataOf(dk) as Float32Array;
  const DV = dataOf(dv) as Float32Array;
  const M = mask ? (dataOf(mask) as Float32Array) : null;
  const ls0 = lse.strides.length === 2 ? lse.strides : [L, 1];
  const dl0 = delta.strides.length === 2 ? delta.strides : [L, 1];
  const s = new Float64Array(S);
  const dka = new Float64Array(S * D);
  const dva = new Float64Array(S * Dv);
  const dqa = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    dka.fill(0);
    dva.fill(0);
    for (let i = 0; i < L; i++) {
      const qo = q.offset + (n * L + i) * D;
      const go = dOut.offset + (n * L + i) * Dv;
      const mo = mask ? mask.offset + n * mask.strides[0] + i * mask.strides[1] : 0;
      scores(Q, qo, K, k.offset + n * S * D, D, S, scale, M, mo, mask?.strides[2] ?? 0, causal, i, s);
      const lsei = LS[lse.offset + n * ls0[0] + i * ls0[1]];
      const deli = DL[delta.offset + n * dl0[0] + i * dl0[1]];
      dqa.fill(0);
      for (let j = 0; j < S; j++) {
        if (s[j] === Number.NEGATIVE_INFINITY) continue;
        const p = Math.exp(s[j] - lsei);
        const vb = v.offset + (n * S + j) * Dv;
        let dp = 0;
        for (let d = 0; d < Dv; d++) {
          dp += G[go + d] * V[vb + d];
          dva[j * Dv + d] += p * G[go + d];
        }
        const ds = p * (dp - deli);
        const kb = k.offset + (n * S + j) * D;
        for (let d = 0; d < D; d++) {
          dqa[d] += ds * K[kb + d];
          dka[j * D + d] += ds * Q[qo + d];
        }
      }
      const qb = dq.offset + (n * L + i) * D;
      for (let d = 0; d < D; d++) DQ[qb + d] = dqa[d] * scale;
    }
    const kb = dk.offset + n * S * D;
    for (let e = 0; e < S * D; e++) DK[kb + e] = dka[e] * scale;
    const vb = dv.offset + n * S * Dv;
    for (let e = 0; e < S * Dv; e++) DV[vb + e] = dva[e];
  }
}
