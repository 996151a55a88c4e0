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
import { isContiguousView, type Routines, type View } from '../backend.js';
import { sgemm } from './gemm.js';
import { wasmEngine } from './gemm-wasm.js';
import { heap, heapModule } from './heap.js';
import { dataOf, heapAddr } from './storage.js';
import { attentionRowsFns } from './wasm/attention-rows.js';

/** Query rows per block. */
const BQ = 64;

/** Inputs: float32 [B, H, X, Y] with unit last stride; outputs: contiguous float32. */
function check(name: string, ins: readonly View[], outs: readonly View[]) {
  for (const v of ins)
    if (v.dtype !== 'float32' || v.shape.length !== 4 || (v.strides[3] !== 1 && v.shape[3] > 1))
      throw new TypeError(
        `cpu ${name}: expects float32 [B, H, X, Y] q, k, v with a contiguous last dim (got ${v.dtype} [${v.shape}] strides [${v.strides}])`,
      );
  for (const v of outs)
    if (v.dtype !== 'float32' || !isContiguousView(v))
      throw new TypeError(`cpu ${name}: expects contiguous float32 outputs (got ${v.dtype} [${v.shape}])`);
}

/** Element offset of head n's first row in a [B, H, X, Y] view. */
const headOff = (v: View, n: number): number =>
  v.offset + Math.floor(n / v.shape[1]) * v.strides[0] + (n % v.shape[1]) * v.strides[1];

interface Geo {
  N: number;
  L: number;
  S: number;
  D: number;
  Dv: number;
}
const geo = (q: View, k: View, v: View): Geo => ({
  N: q.shape[0] * q.shape[1],
  L: q.shape[2],
  S: k.shape[2],
  D: q.shape[3],
  Dv: v.shape[3],
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
  const { S, D } = g;
  const Q = dataOf(q) as Float32Array;
  const K = dataOf(k) as Float32Array;
  const qs = q.strides[2];
  sgemm(bq, sEff, D, Q, headOff(q, n) + i0 * qs, qs, 1, K, headOff(k, n), 1, k.strides[2], sc, 0, S);
  for (let r = 0; r < bq; r++) scaleRow(sc, r * S, sEff, causal, i0 + r, scale, mask, n);
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

/** The routines' signatures (backend.ts), shared by the blocked and the small-head paths. */
type Fwd = Routines['attention'];
type Bwd = Routines['attentionBackward'];

export const attention: Fwd = (q, k, v, mask, causal, scale, out, lse) => {
  check('attention', [q, k, v], [out, lse]);
  const g = geo(q, k, v);
  if (smallHeads(g, [q, k, v, out, lse])) return attentionSmall(q, k, v, mask, causal, scale, out, lse);
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
        headOff(v, n),
        v.strides[2],
        1,
        O,
        out.offset + (n * L + i0) * Dv,
        Dv,
      );
    }
};

export const attentionBackward: Bwd = (q, k, v, mask, causal, scale, dOut, lse, delta, dq, dk, dv) => {
  check('attentionBackward', [q, k, v, dOut], [dq, dk, dv, lse, delta]);
  const g = geo(q, k, v);
  if (smallHeads(g, [q, k, v, dOut, dq, dk, dv, lse, delta]))
    return attentionSmallBackward(q, k, v, mask, causal, scale, dOut, lse, delta, dq, dk, dv);
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
      const gs = dOut.strides[2];
      const gOff = headOff(dOut, n) + i0 * gs;
      // dP = dO V^T, then dS = P (dP - delta) * scale, in place (0 where P is 0: masked keys).
      sgemm(bq, sEff, Dv, G, gOff, gs, 1, V, headOff(v, n), 1, v.strides[2], dS, 0, S);
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
      sgemm(bq, D, sEff, dS, 0, S, 1, K, headOff(k, n), k.strides[2], 1, DQ, dq.offset + (n * L + i0) * D, D);
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
        headOff(q, n) + i0 * q.strides[2],
        q.strides[2],
        1,
        DK,
        dk.offset + n * S * D,
        D,
        acc,
      );
      const DV = dataOf(dv) as Float32Array;
      sgemm(sEff, Dv, bq, P, 0, 1, S, G, gOff, gs, 1, DV, dv.offset + n * S * Dv, Dv, acc);
    }
  }
};

// ---- small heads: every head of a chunk in one unpacked wasm call per product ----
//
// nanoGPT-sized heads (T = 32, head dim 16) made ~900 sgemm calls of 32 x 32 x 16 per step,
// each paying its packing, staging and copy-out (4-5 us for 16k multiply-adds). Here each
// product of a chunk of heads is ONE call of the `direct` kernel (wasm/gemm-kernel.ts) that
// reads q, k, v, dO and the score scratch where they are: K and V are transposed once per
// chunk so that every product's B has contiguous columns. Same math, same summation order per
// element as the blocked path above (scores over keys in order, the GEMMs' k loops in order).

/** Heads whose score matrix is at most this many floats take the small path. */
const SMALL_SCORES = 128 * 128;
/** Score floats per chunk of heads (one chunk's scratch stays in L2). */
const CHUNK_SCORES = 1 << 16;

interface RowKernels {
  softmaxFwd(
    sc: number,
    cnt: number,
    L: number,
    S: number,
    causal: number,
    scale: number,
    stats: number,
  ): void;
  softmaxBwd(
    p: number,
    ds: number,
    cnt: number,
    L: number,
    S: number,
    causal: number,
    scale: number,
    lse: number,
    delta: number,
  ): void;
}
let rowKernels: RowKernels | undefined;
/** The wasm softmax rows (wasm/attention-rows.ts), compiled at first use. */
const rows = (): RowKernels => (rowKernels ??= heapModule<RowKernels>(attentionRowsFns()));

const scratchBlock = heap?.growingBlock('cpu attention scratch');
/** Heap scratch of `floats` floats (kept for the next call); its byte address. */
const scratch = (floats: number): number => scratchBlock!(floats * 4);

/** Tests: `enabled = false` sends every head through the blocked path. */
export const smallAttention = { enabled: true };

function smallHeads(g: Geo, views: readonly View[]): boolean {
  const { L, S, D, Dv } = g;
  if (!smallAttention.enabled || !wasmEngine?.direct || !heap) return false;
  if (L % 4 !== 0 || S % 8 !== 0 || D % 8 !== 0 || Dv % 8 !== 0 || L * S > SMALL_SCORES || L === 0)
    return false;
  for (const v of views) if (heapAddr(v) < 0) return false;
  return true;
}

/** Heads of chunk ch of x [B, H, R, C] to xt [cnt, C, R] (heap floats from ti). */
function transposeHeads(m: Float32Array, x: View, ch: Chunk, ti: number, R: number, C: number): void {
  transposeRows(m, ch.at(x) >> 2, ch.bs(x) >> 2, x.strides[2], ch.cnt, ti, R, C);
}

function transposeRows(
  m: Float32Array,
  xi: number,
  bs: number,
  xs: number,
  cnt: number,
  ti: number,
  R: number,
  C: number,
): void {
  for (let n = 0; n < cnt; n++) {
    const t = ti + n * R * C;
    for (let r = 0, x = xi + n * bs; r < R; r++, x += xs)
      for (let c = 0; c < C; c++) m[t + c * R + r] = m[x + c];
  }
}

/**
 * The heads n0, n0 + step, ... (cnt of them) that one `direct` call per product covers: each
 * input's chunk heads must be one stride apart. step 1 where every input's [B, H] folds into
 * one dim (contiguous q, k, v); else the chunk runs along B at one h (step H: nanoGPT's q, k, v,
 * transposed views of the qkv buffer, have a b stride and an h stride that do not fold).
 */
interface Chunk {
  n0: number;
  cnt: number;
  step: number;
  /** Byte address of the chunk's first head of an input. */
  at(v: View): number;
  /** Byte stride between the chunk's heads of an input. */
  bs(v: View): number;
}

/** The one stride between consecutive heads n of v [B, H, ...], or null where there is none. */
function flatStride(v: View): number | null {
  const [B, H] = v.shape;
  if (H === 1) return v.strides[0];
  return B === 1 || v.strides[0] === H * v.strides[1] ? v.strides[1] : null;
}

/** The chunks of at most nc heads over the inputs `ins` [B, H, ...], every head once. */
function* chunks(nc: number, ins: readonly View[]): Generator<Chunk> {
  const [B, H] = ins[0].shape;
  const flat = ins.every((v) => flatStride(v) !== null);
  const at = (n0: number) => (v: View) => heapAddr(v) + (headOff(v, n0) - v.offset) * 4;
  if (flat)
    for (let n0 = 0; n0 < B * H; n0 += nc)
      yield { n0, cnt: Math.min(nc, B * H - n0), step: 1, at: at(n0), bs: (v) => 4 * flatStride(v)! };
  else
    for (let h = 0; h < H; h++)
      for (let b0 = 0; b0 < B; b0 += nc) {
        const n0 = b0 * H + h;
        yield { n0, cnt: Math.min(nc, B - b0), step: H, at: at(n0), bs: (v) => 4 * v.strides[0] };
      }
}

/** Scores row of query i (head n) at m[row..]: scaled, plus the mask; returns the keys it attends. */
function scaleRow(
  m: Float32Array,
  row: number,
  S: number,
  causal: boolean,
  i: number,
  scale: number,
  mask: View | null,
  n: number,
): number {
  const lim = causal ? Math.min(S, i + 1) : S;
  if (mask) {
    const M = dataOf(mask) as Float32Array;
    const ms = mask.strides[2];
    const mo = mask.offset + n * mask.strides[0] + i * mask.strides[1];
    for (let j = 0; j < lim; j++) m[row + j] = m[row + j] * scale + M[mo + j * ms];
  } else for (let j = row; j < row + lim; j++) m[j] *= scale;
  return lim;
}

const attentionSmall: Fwd = (q, k, v, mask, causal, scale, out, lse) => {
  const { N, L, S, D, Dv } = geo(q, k, v);
  const direct = wasmEngine!.direct!;
  const nc = Math.max(1, Math.min(N, Math.floor(CHUNK_SCORES / (L * S))));
  const base = scratch(nc * (D * S + L * S + 2 * L));
  const kt = base; // [nc, D, S]
  const sc = base + nc * D * S * 4; // [nc, L, S]
  const st = sc + nc * L * S * 4; // [nc, L, 2]: each row's max and sum
  const m = heap!.floats();
  const oA = heapAddr(out);
  const li = heapAddr(lse) >> 2;
  for (const ch of chunks(nc, [q, k, v])) {
    const { n0, cnt, step } = ch;
    transposeHeads(m, k, ch, kt >> 2, S, D);
    direct(
      ch.at(q),
      q.strides[2] * 4,
      4,
      kt,
      S * 4,
      sc,
      S * 4,
      D,
      L / 4,
      S / 8,
      cnt,
      ch.bs(q),
      D * S * 4,
      L * S * 4,
    );
    if (!mask) {
      // wasm rows: (max, sum) per row into the stats scratch, lse = max + log(sum) here.
      rows().softmaxFwd(sc, cnt, L, S, causal ? 1 : 0, scale, st);
      for (let n = 0; n < cnt; n++)
        for (let i = 0, o = li + (n0 + n * step) * L, r = (st >> 2) + 2 * n * L; i < L; i++)
          m[o + i] = m[r + 2 * i] + Math.log(m[r + 2 * i + 1]);
    } else
      for (let n = 0; n < cnt; n++)
        for (let i = 0; i < L; i++) {
          const row = (sc >> 2) + (n * L + i) * S;
          const lim = scaleRow(m, row, S, causal, i, scale, mask, n0 + n * step);
          m[li + (n0 + n * step) * L + i] = rowSoftmax(m, row, lim, S, true, 0);
        }
    direct(
      sc,
      S * 4,
      4,
      ch.at(v),
      v.strides[2] * 4,
      oA + n0 * L * Dv * 4,
      Dv * 4,
      S,
      L / 4,
      Dv / 8,
      cnt,
      L * S * 4,
      ch.bs(v),
      step * L * Dv * 4,
    );
  }
};

const attentionSmallBackward: Bwd = (q, k, v, mask, causal, scale, dOut, lse, delta, dq, dk, dv) => {
  const { N, L, S, D, Dv } = geo(q, k, v);
  const direct = wasmEngine!.direct!;
  const nc = Math.max(1, Math.min(N, Math.floor(CHUNK_SCORES / (L * S))));
  const base = scratch(nc * (D * S + Dv * S + 2 * L * S + 2 * L));
  const kt = base; // [nc, D, S]
  const vt = kt + nc * D * S * 4; // [nc, Dv, S]
  const p = vt + nc * Dv * S * 4; // [nc, L, S]
  const ds = p + nc * L * S * 4; // [nc, L, S]
  const ld = ds + nc * L * S * 4; // [2, nc, L]: a step-H chunk's lse and delta rows, gathered
  const m = heap!.floats();
  const [dqA, dkA, dvA] = [heapAddr(dq), heapAddr(dk), heapAddr(dv)];
  const lse0 = heapAddr(lse);
  const delta0 = heapAddr(delta);
  const li = lse0 >> 2;
  const di = delta0 >> 2;
  const LS4 = L * S * 4;
  const [qRs, kRs, gRs] = [q.strides[2] * 4, k.strides[2] * 4, dOut.strides[2] * 4];
  for (const ch of chunks(nc, [q, k, v, dOut])) {
    const { n0, cnt, step } = ch;
    const [qOff, kOff, gOff] = [ch.at(q), ch.at(k), ch.at(dOut)];
    const [qBs, kBs, gBs] = [ch.bs(q), ch.bs(k), ch.bs(dOut)];
    transposeHeads(m, k, ch, kt >> 2, S, D);
    transposeHeads(m, v, ch, vt >> 2, S, Dv);
    // P from the saved lse; dP = dO V^T; dS = P (dP - delta) * scale (0 past the last key).
    direct(qOff, qRs, 4, kt, S * 4, p, S * 4, D, L / 4, S / 8, cnt, qBs, D * S * 4, LS4);
    direct(gOff, gRs, 4, vt, S * 4, ds, S * 4, Dv, L / 4, S / 8, cnt, gBs, Dv * S * 4, LS4);
    if (!mask) {
      let [la, da] = [lse0 + n0 * L * 4, delta0 + n0 * L * 4];
      if (step !== 1) {
        [la, da] = [ld, ld + cnt * L * 4];
        for (let n = 0; n < cnt; n++) {
          const o = (n0 + n * step) * L;
          m.copyWithin((la >> 2) + n * L, li + o, li + o + L);
          m.copyWithin((da >> 2) + n * L, di + o, di + o + L);
        }
      }
      rows().softmaxBwd(p, ds, cnt, L, S, causal ? 1 : 0, scale, la, da);
    } else
      for (let n = 0; n < cnt; n++)
        for (let i = 0; i < L; i++) {
          const r = (n * L + i) * S;
          const pr = (p >> 2) + r;
          const hn = n0 + n * step;
          const lim = scaleRow(m, pr, S, causal, i, scale, mask, hn);
          rowSoftmax(m, pr, lim, S, false, m[li + hn * L + i]);
          const d = m[di + hn * L + i];
          const dr = (ds >> 2) + r;
          for (let j = 0; j < lim; j++) m[dr + j] = m[pr + j] * (m[dr + j] - d) * scale;
          m.fill(0, dr + lim, dr + S);
        }
    // dq = dS K, dk = dS^T q, dv = P^T dO.
    const [LD4, SD4] = [step * L * D * 4, step * S * D * 4];
    direct(ds, S * 4, 4, kOff, kRs, dqA + n0 * L * D * 4, D * 4, S, L / 4, D / 8, cnt, LS4, kBs, LD4);
    direct(ds, 4, S * 4, qOff, qRs, dkA + n0 * S * D * 4, D * 4, L, S / 4, D / 8, cnt, LS4, qBs, SD4);
    direct(
      p,
      4,
      S * 4,
      gOff,
      gRs,
      dvA + n0 * S * Dv * 4,
      Dv * 4,
      L,
      S / 4,
      Dv / 8,
      cnt,
      LS4,
      gBs,
      step * S * Dv * 4,
    );
  }
};
