/**
 * routines.attention / attentionBackward on the CPU, blocked by query rows: for BQ rows at a
 * time the scores against all keys come from the SIMD GEMM (gemm.ts) into a BQ x S scratch,
 * the softmax runs over those rows in JS, and a second GEMM multiplies by V. Memory is
 * O(BQ * S) instead of the composed path's L * S per (batch, head), at GEMM speed.
 * Backward per row block from the saved lse: P recomputed, dP = dO V^T (GEMM), dS = P (dP -
 * delta) * scale, then dq = dS K, dk += dS^T q, dv += P^T dO (GEMMs). Causal blocks stop at
 * their last row's key. Reference: ops/attention.ts sdpaComposed; the same math as the WebGPU
 * kernels (backend/webgpu/kernels/attention.ts), which stream keys instead.
 */
import { isContiguousView, type View } from '../backend.js';
import { sgemm } from './gemm.js';
import { dataOf } from './storage.js';

/** Query rows per block. */
const BQ = 64;

function check(name: string, views: readonly View[]) {
  for (const v of views)
    if (v.dtype !== 'float32' || !isContiguousView(v))
      throw new TypeError(
        `cpu ${name}: expects contiguous float32 q, k, v, out (got ${v.dtype} [${v.shape}])`,
      );
}

interface Geo {
  N: number;
  L: number;
  S: number;
  D: number;
  Dv: number;
}
const geo = (q: View, k: View, v: View): Geo => ({
  N: q.shape[0],
  L: q.shape[1],
  S: k.shape[1],
  D: q.shape[2],
  Dv: v.shape[2],
});

/**
 * Scores of rows i0..i0+bq of batch n against keys 0..sEff into sc (row stride S): q k^T *
 * scale + mask, -inf where causal hides the key.
 */
function blockScores(
  g: Geo,
  q: View,
  k: View,
  mask: View | null,
  causal: boolean,
  scale: number,
  n: number,
  i0: number,
  bq: number,
  sEff: number,
  sc: Float32Array,
): void {
  const { L, S, D } = g;
  const Q = dataOf(q) as Float32Array;
  const K = dataOf(k) as Float32Array;
  sgemm(bq, sEff, D, Q, q.offset + (n * L + i0) * D, D, 1, K, k.offset + n * S * D, 1, D, sc, 0, S);
  const M = mask ? (dataOf(mask) as Float32Array) : null;
  for (let r = 0; r < bq; r++) {
    const i = i0 + r;
    const row = r * S;
    const mo = mask ? mask.offset + n * mask.strides[0] + i * mask.strides[1] : 0;
    const ms = mask ? mask.strides[2] : 0;
    for (let j = 0; j < sEff; j++) {
      let s = sc[row + j] * scale;
      if (M) s += M[mo + j * ms];
      if (causal && j > i) s = Number.NEGATIVE_INFINITY;
      sc[row + j] = s;
    }
  }
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
  const g = geo(q, k, v);
  const { N, L, S, Dv } = g;
  const sc = new Float32Array(Math.min(BQ, L) * S);
  for (let n = 0; n < N; n++)
    for (let i0 = 0; i0 < L; i0 += BQ) {
      const bq = Math.min(BQ, L - i0);
      const sEff = causal ? Math.min(S, i0 + bq) : S;
      blockScores(g, q, k, mask, causal, scale, n, i0, bq, sEff, sc);
      const LS = dataOf(lse) as Float32Array;
      for (let r = 0; r < bq; r++) {
        const row = r * S;
        let mx = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < sEff; j++) if (sc[row + j] > mx) mx = sc[row + j];
        let l = 0;
        for (let j = 0; j < sEff; j++) {
          const p = sc[row + j] === Number.NEGATIVE_INFINITY ? 0 : Math.exp(sc[row + j] - mx);
          sc[row + j] = p;
          l += p;
        }
        // A fully masked row: l = 0, 0/0 = NaN as the composed definition gives.
        for (let j = 0; j < sEff; j++) sc[row + j] /= l;
        LS[lse.offset + n * L + i0 + r] = mx + Math.log(l);
      }
      const V = dataOf(v) as Float32Array;
      const O = dataOf(out) as Float32Array;
      sgemm(
        bq,
        Dv,
        sEff,
        sc,
        0,
        S,
        1,
        V,
        v.offset + n * S * Dv,
        Dv,
        1,
        O,
        out.offset + (n * L + i0) * Dv,
        Dv,
      );
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
  check('attentionBackward', [q, k, v, dOut, dq, dk, dv, lse, delta]);
  const g = geo(q, k, v);
  const { N, L, S, D, Dv } = g;
  const rows = Math.min(BQ, L);
  const P = new Float32Array(rows * S);
  const dS = new Float32Array(rows * S);
  const tk = new Float32Array(S * D);
  const tv = new Float32Array(S * Dv);
  const ak = new Float64Array(S * D);
  const av = new Float64Array(S * Dv);
  for (let n = 0; n < N; n++) {
    ak.fill(0);
    av.fill(0);
    for (let i0 = 0; i0 < L; i0 += BQ) {
      const bq = Math.min(BQ, L - i0);
      const sEff = causal ? Math.min(S, i0 + bq) : S;
      blockScores(g, q, k, mask, causal, scale, n, i0, bq, sEff, P);
      const LS = dataOf(lse) as Float32Array;
      const DL = dataOf(delta) as Float32Array;
      for (let r = 0; r < bq; r++) {
        const l = LS[lse.offset + n * L + i0 + r];
        for (let j = 0; j < sEff; j++) {
          const s = P[r * S + j];
          P[r * S + j] = s === Number.NEGATIVE_INFINITY ? 0 : Math.exp(s - l);
        }
      }
      const G = dataOf(dOut) as Float32Array;
      const V = dataOf(v) as Float32Array;
      const gOff = dOut.offset + (n * L + i0) * Dv;
      // dP = dO V^T, then dS = P (dP - delta) * scale, in place.
      sgemm(bq, sEff, Dv, G, gOff, Dv, 1, V, v.offset + n * S * Dv, 1, Dv, dS, 0, S);
      for (let r = 0; r < bq; r++) {
        const d = DL[delta.offset + n * L + i0 + r];
        for (let j = 0; j < sEff; j++) dS[r * S + j] = P[r * S + j] * (dS[r * S + j] - d) * scale;
      }
      const K = dataOf(k) as Float32Array;
      const Q = dataOf(q) as Float32Array;
      const DQ = dataOf(dq) as Float32Array;
      sgemm(bq, D, sEff, dS, 0, S, 1, K, k.offset + n * S * D, D, 1, DQ, dq.offset + (n * L + i0) * D, D);
      // dk += dS^T q, dv += P^T dO over this block's keys.
      sgemm(sEff, D, bq, dS, 0, 1, S, Q, q.offset + (n * L + i0) * D, D, 1, tk, 0, D);
      sgemm(sEff, Dv, bq, P, 0, 1, S, G, gOff, Dv, 1, tv, 0, Dv);
      for (let e = 0; e < sEff * D; e++) ak[e] += tk[e];
      for (let e = 0; e < sEff * Dv; e++) av[e] += tv[e];
    }
    const DK = dataOf(dk) as Float32Array;
    const DV = dataOf(dv) as Float32Array;
    for (let e = 0; e < S * D; e++) DK[dk.offset + n * S * D + e] = ak[e];
    for (let e = 0; e < S * Dv; e++) DV[dv.offset + n * S * Dv + e] = av[e];
  }
}
