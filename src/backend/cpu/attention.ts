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
 * scale + mask. Only keys j < lim(i) are meaningful (causal: j <= i); callers read no further.
 */
function blockScores(
  g: Geo,
  q: View,
  k: View,
  mask: View | null,
  scale: number,
  n: number,
  i0: number,
  bq: number,
  sEff: number,
  causal: boolean,
  sc: Float32Array,
): void {
  const { L, S, D } = g;
  const Q = dataOf(q) as Float32Array;
  const K = dataOf(k) as Float32Array;
  sgemm(bq, sEff, D, Q, q.offset + (n * L + i0) * D, D, 1, K, k.offset + n * S * D, 1, D, sc, 0, S);
  if (mask) {
    const M = dataOf(mask) as Float32Array;
    const ms = mask.strides[2];
    for (let r = 0; r < bq; r++) {
      const i = i0 + r;
      const row = r * S;
      const mo = mask.offset + n * mask.strides[0] + i * mask.strides[1];
      const lim = causal ? Math.min(sEff, i + 1) : sEff;
      for (let j = 0; j < lim; j++) sc[row + j] = sc[row + j] * scale + M[mo + j * ms];
    }
  } else
    for (let r = 0; r < bq; r++) {
      const row = r * S;
      const lim = causal ? Math.min(sEff, i0 + r + 1) : sEff;
      for (let j = row; j < row + lim; j++) sc[j] *= scale;
    }
}

/**
 * Row r of sc (scores of query i over keys < lim, the rest unused) to probabilities in place,
 * exp(s - lse) with the saved lse (backward), or the softmax, returning its lse (forward); keys lim..sEff become 0. A row with no finite score: p = 0 (then 0/0 = NaN in the
 * forward, as the composed definition).
 */
function rowSoftmax(
  sc: Float32Array,
  row: number,
  lim: number,
  sEff: number,
  fwd: boolean,
  lse: number,
): number {
  let mx = lse;
  if (fwd) {
    mx = Number.NEGATIVE_INFINITY;
    for (let j = row; j < row + lim; j++) if (sc[j] > mx) mx = sc[j];
  }
  let l = 0;
  if (mx === Number.NEGATIVE_INFINITY) for (let j = row; j < row + lim; j++) sc[j] = 0;
  else
    for (let j = row; j < row + lim; j++) {
      const p = Math.exp(sc[j] - mx);
      sc[j] = p;
      l += p;
    }
  sc.fill(0, row + lim, row + sEff);
  if (!fwd) return lse;
  const inv = 1 / l;
  for (let j = row; j < row + lim; j++) sc[j] *= inv;
  return mx + Math.log(l);
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
  const LS = dataOf(lse) as Float32Array;
  for (let n = 0; n < N; n++)
    for (let i0 = 0; i0 < L; i0 += BQ) {
      const bq = Math.min(BQ, L - i0);
      const sEff = causal ? Math.min(S, i0 + bq) : S;
      blockScores(g, q, k, mask, scale, n, i0, bq, sEff, causal, sc);
      for (let r = 0; r < bq; r++) {
        const lim = causal ? Math.min(sEff, i0 + r + 1) : sEff;
        LS[lse.offset + n * L + i0 + r] = rowSoftmax(sc, r * S, lim, sEff, true, 0);
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
  const LS = dataOf(lse) as Float32Array;
  const DL = dataOf(delta) as Float32Array;
  // dk, dv accumulate over query blocks (keys past a causal block's last row get nothing).
  (dataOf(dk) as Float32Array).fill(0, dk.offset, dk.offset + N * S * D);
  (dataOf(dv) as Float32Array).fill(0, dv.offset, dv.offset + N * S * Dv);
  const acc = { accumulate: true };
  for (let n = 0; n < N; n++) {
    for (let i0 = 0; i0 < L; i0 += BQ) {
      const bq = Math.min(BQ, L - i0);
      const sEff = causal ? Math.min(S, i0 + bq) : S;
      blockScores(g, q, k, mask, scale, n, i0, bq, sEff, causal, P);
      for (let r = 0; r < bq; r++) {
        const lim = causal ? Math.min(sEff, i0 + r + 1) : sEff;
        rowSoftmax(P, r * S, lim, sEff, false, LS[lse.offset + n * L + i0 + r]);
      }
      const G = dataOf(dOut) as Float32Array;
      const V = dataOf(v) as Float32Array;
      const gOff = dOut.offset + (n * L + i0) * Dv;
      // dP = dO V^T, then dS = P (dP - delta) * scale, in place (0 where P is 0: masked keys).
      sgemm(bq, sEff, Dv, G, gOff, Dv, 1, V, v.offset + n * S * Dv, 1, Dv, dS, 0, S);
      for (let r = 0; r < bq; r++) {
        const d = DL[delta.offset + n * L + i0 + r];
        const row = r * S;
        const lim = causal ? Math.min(sEff, i0 + r + 1) : sEff;
        for (let j = row; j < row + lim; j++) dS[j] = P[j] * (dS[j] - d) * scale;
        dS.fill(0, row + lim, row + sEff);
      }
      const K = dataOf(k) as Float32Array;
      const Q = dataOf(q) as Float32Array;
      const DQ = dataOf(dq) as Float32Array;
      sgemm(bq, D, sEff, dS, 0, S, 1, K, k.offset + n * S * D, D, 1, DQ, dq.offset + (n * L + i0) * D, D);
      // dk += dS^T q, dv += P^T dO over this block's keys.
      const DK = dataOf(dk) as Float32Array;
      sgemm(
        sEff,
        D,
        bq,
        dS,
        0,
        1,
        S,
        Q,
        q.offset + (n * L + i0) * D,
        D,
        1,
        DK,
        dk.offset + n * S * D,
        D,
        acc,
      );
      const DV = dataOf(dv) as Float32Array;
      sgemm(sEff, Dv, bq, P, 0, 1, S, G, gOff, Dv, 1, DV, dv.offset + n * S * Dv, Dv, acc);
    }
  }
}
