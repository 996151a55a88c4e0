/**
 * Stride-1 2-d convolution on the CPU as a blocked implicit GEMM over the wasm SIMD kernels of
 * gemm-wasm.ts: the im2col matrix is never materialized; its GEMM panels are packed straight
 * from the input, a few samples at a time, into the engine's scratch.
 *
 * Forward ("wide" columns): for x [N, C, H, W] (already padded) and w [Cout, C, kh, kw],
 * sample n's product is Y_n [Cout, OH*W] = W [Cout, C*kh*kw] @ B_n with
 *   B_n[(c, i, j), p] = x[n, c][i*dh*W + j*dw + p]          (p = oh*W + ow, ow < W)
 * i.e. every K row of B_n is one contiguous run of the input plane, so the engine's
 * packContig kernel packs a whole row of B panels in one call. Columns ow >= OW wrap into the
 * next input row: they are computed and dropped (W / OW extra work: 8% for 3x3 on 28x28), and
 * never mix with kept columns, since each column of a product depends on its column of B only.
 *
 * Weight gradient: dW [Cout, C*kh*kw] = sum_n dy_n [Cout, OH*OW] @ cols_n^T, with the B panels
 * (8 taps x pixels) gathered from x in JS and dy packed as A, the pixels of several samples
 * forming the K dimension; one accumulating product per group of samples.
 *
 * Input gradient: per sample the columns' gradient W^T @ dy_n (an sgemm whose B, dy, is small)
 * added back row by row into the shifted windows (col2im). (For a gradient graph, ops/conv.ts
 * uses the forward again: a full convolution of the padded dy with the flipped kernel.)
 *
 * With a system BLAS (blas.ts) the forward and weight gradient materialize the columns after
 * all, but only a sample's (or a block of its output rows: at most 1 MiB, one heap block kept
 * between calls, no tensor per step) at a time, copied by a wasm im2col kernel, and run one
 * cblas product per block: Y_n = W @ cols_n in place, dW += dy_n @ cols_n^T. OpenBLAS's
 * AVX2/AVX-512 kernels more than make up for the copy (the mnist CNN's conv2: ~85 GFLOP/s
 * against ~30 for the implicit GEMM on the 128-bit wasm kernel, bench/README.md 16.).
 */
import type { View } from '../backend.js';
import { systemBlas } from './blas.js';
import { sgemm } from './gemm.js';
import { packPanels } from './gemm-pack.js';
import { type GemmEngine, wasmEngine } from './gemm-wasm.js';
import { heap, heapModule, wasmKernels } from './heap.js';
import { heapIndex } from './storage.js';
import { col2imFn } from './wasm/col2im-kernel.js';

/** K block (as gemm.ts): panels of kc k-steps stay in L1. */
const KC = 256;
/** A rows per L2 block (as gemm.ts). */
const MC = 128;
/** A group of samples shares one product when the sample alone is below this (the engine's thread threshold). */
const GROUP_MACS = 16e6;
/**
 * At most this many products per call (fewer when packed B would pass GROUP_FLOATS): each
 * product is one hand-off to the engine's worker thread, with its wake-up and spin.
 */
const GROUPS = 4;
/** Most floats of packed B per group (16 MiB). */
const GROUP_FLOATS = 1 << 22;

const ceilTo = (x: number, m: number) => Math.ceil(x / m) * m;

/** The engine, when the operands live in its memory (float32, heap) and SIMD packing exists. */
function engineFor(vs: readonly (View | null)[]): GemmEngine | undefined {
  const e = wasmEngine;
  if (!e?.packFull || !wasmKernels.enabled) return undefined;
  for (const v of vs) if (v && (v.dtype !== 'float32' || heapIndex(v) < 0)) return undefined;
  return e;
}

/** Rows x kn of X (element (r, k) at m[off + r*rs + k*ks]) into R-row panels at dst (kcp apart). */
function packRows(
  e: GemmEngine,
  m: Float32Array,
  off: number,
  rs: number,
  ks: number,
  rows: number,
  kn: number,
  kcp: number,
  R: number,
  dst: number,
): void {
  const full = Math.floor(rows / R);
  let done = 0;
  if (kn < kcp) m.fill(0, dst, dst + full * kcp * R);
  if (full > 0 && e.packFull?.(off, rs, ks, full, kn, kcp, R, dst)) done = full * R;
  if (done < rows) packPanels(m, off + done * rs, rs, ks, rows - done, kn, kcp, R, m, dst + done * kcp);
}

/** Flat heap index (floats) of a view's first element. */
const at = (v: View) => heapIndex(v) + v.offset;

/**
 * y [N, Cout, OH, OW] (contiguous) = conv2d(x, w) + bias, stride 1, dilation (dh, dw), no
 * padding; x [N, C, H, W] and w [Cout, C, kh, kw] contiguous, all float32 in the heap. Returns
 * false (nothing written) where this path does not apply; the caller then composes.
 */
export function conv2dForward(x: View, w: View, bias: View | null, dh: number, dw: number, y: View): boolean {
  const e = engineFor([x, w, bias, y]);
  const packFull = e?.packFull;
  if (!e || !packFull) return false;
  const [N, C, H, W] = x.shape;
  const [Cout, , kh, kw] = w.shape;
  const [, , OH, OW] = y.shape;
  const { mr, nr } = e;
  const K = C * kh * kw;
  const plane = H * W;
  const kOff = windows(C, kh, kw, dh, dw, H, W);
  if (systemBlas()) {
    // Per sample (and block of output rows) y_n = W @ cols_n, written in place; the bias first.
    const L = OH * OW;
    const w0 = at(w);
    const b = bias ? at(bias) : -1;
    const bs = bias ? bias.strides[0] : 0;
    return columns(e, 'gather', at(x), C * plane, N, kOff, OH, OW, W, (n, m, cols, oh0, rows) => {
      const yo = at(y) + n * Cout * L;
      if (b >= 0 && oh0 === 0)
        for (let co = 0; co < Cout; co++) m.fill(m[b + co * bs], yo + co * L, yo + (co + 1) * L);
      const np = rows * OW;
      sgemm(Cout, np, K, m, w0, K, 1, m, cols, np, 1, m, yo + oh0 * OW, L, { accumulate: b >= 0 });
    });
  }
  const Pw = OH * W; // wide columns per sample
  const Np = ceilTo(Pw, nr);
  const Mp = ceilTo(Cout, mr);
  const nk = Math.max(1, Math.ceil(K / KC));
  const kc = Math.ceil(K / nk);
  const kcp = ceilTo(kc, e.unroll);
  const S = Math.max(
    1,
    Math.min(
      N,
      Math.max(Math.ceil(GROUP_MACS / (Cout * Pw * K)), Math.ceil(N / GROUPS)),
      Math.floor(GROUP_FLOATS / (Np * kcp * nk)),
    ),
  );
  const ldb = ceilTo(S * Np, 16);
  const bStep = S * Np * kcp;
  const apRel = 0;
  const bpRel = ceilTo(nk * Mp * kcp, 16);
  const cRel = ceilTo(bpRel + nk * bStep, 16);
  const base = e.scratch(cRel + Mp * ldb);
  const m = e.view();
  // The last panel of the last sample reads up to (kw-1)*dw + Np - Pw floats past x: stay in memory.
  const x0 = at(x);
  if (x0 + N * C * plane + (kw - 1) * dw + (Np - Pw) > m.length) return false;
  const ap = base + apRel;
  const bp = base + bpRel;
  const cb = base + cRel;
  const w0 = at(w);
  for (let kb = 0; kb < nk; kb++)
    packRows(e, m, w0 + kb * kc, K, 1, Cout, Math.min(kc, K - kb * kc), kcp, mr, ap + kb * Mp * kcp);
  const y0 = at(y);
  const b = bias ? at(bias) : -1;
  const bs = bias ? bias.strides[0] : 0;
  const L = OH * OW;
  for (let n0 = 0; n0 < N; n0 += S) {
    const s1 = Math.min(S, N - n0);
    for (let s = 0; s < s1; s++) {
      const xs = x0 + (n0 + s) * C * plane;
      for (let kb = 0; kb < nk; kb++) {
        const k0 = kb * kc;
        const kn = Math.min(kc, K - k0);
        const dst = bp + kb * bStep + s * Np * kcp;
        if (kn < kcp)
          for (let q = 0; q < Np / nr; q++) m.fill(0, dst + q * kcp * nr, dst + (q + 1) * kcp * nr);
        for (let t = 0; t < kn; t++) packFull(xs + kOff[k0 + t], 1, 1, Np / nr, 1, kcp, nr, dst + t * nr);
      }
    }
    const job = [ap, bp, cb, ldb, kcp, nk, Mp / mr, MC / mr, Mp * kcp, bStep, 0, mr, nr];
    e.run(job, (s1 * Np) / nr, Cout * s1 * Pw * K, true);
    // Keep the OW real columns of each wide row, plus the bias.
    for (let s = 0; s < s1; s++) {
      const yo = y0 + (n0 + s) * Cout * L;
      for (let co = 0; co < Cout; co++) {
        const bv = b >= 0 ? m[b + co * bs] : 0;
        const src = cb + co * ldb + s * Np;
        const dst = yo + co * L;
        for (let oh = 0; oh < OH; oh++) {
          const so = src + oh * W;
          const d = dst + oh * OW;
          for (let ow = 0; ow < OW; ow++) m[d + ow] = m[so + ow] + bv;
        }
      }
    }
  }
  return true;
}

/**
 * dw [Cout, C, kh, kw] (contiguous) = the weight gradient of a stride-1 conv2d with dilation
 * (dh, dwl): sum over n, oh, ow of g[n, co, oh, ow] * x[n, c, oh + i*dh, ow + j*dwl]; x
 * [N, C, H, W] (padded) and g [N, Cout, OH, OW] contiguous float32 in the heap.
 *
 * One product dW' [Cout, taps*Cp] = g [Cout, pixels] @ B, K running over the pixels of a group
 * of samples in blocks of whole output rows. B's columns are tap-major, (i, j, c) with the
 * channels padded to Cp (a multiple of NR), so a B panel is NR channels of one tap: rows a plane
 * apart, k-steps contiguous along an output row -- the engine's packInterleave kernel, one call
 * per (tap, output row) for all full channel panels.
 */
export function conv2dWeightGrad(x: View, g: View, dh: number, dwl: number, dw: View): boolean {
  const e = engineFor([x, g, dw]);
  const packFull = e?.packFull;
  if (!e || !packFull) return false;
  const [N, C, H, W] = x.shape;
  const [, Cout, OH, OW] = g.shape;
  const [, , kh, kw] = dw.shape;
  const { mr, nr } = e;
  const taps = kh * kw;
  const L = OH * OW;
  const plane = H * W;
  const x0 = at(x);
  const g0 = at(g);
  if (systemBlas()) {
    // dW [Cout, C*kh*kw] (dw's own layout) = sum over samples and blocks of g_n @ cols_n^T.
    const K = C * taps;
    const d0 = at(dw);
    let first = true;
    columns(
      e,
      'gather',
      x0,
      C * plane,
      N,
      windows(C, kh, kw, dh, dwl, H, W),
      OH,
      OW,
      W,
      (n, m, cols, oh0, rows) => {
        const np = rows * OW;
        sgemm(Cout, K, np, m, g0 + n * Cout * L + oh0 * OW, L, 1, m, cols, 1, np, m, d0, K, {
          accumulate: !first,
        });
        first = false;
      },
    );
    if (first) e.view().fill(0, d0, d0 + Cout * K); // no samples
    return true;
  }
  const Cp = ceilTo(C, nr);
  const full = Math.floor(C / nr); // full channel panels per tap
  const Np = taps * Cp;
  const Mp = ceilTo(Cout, mr);
  // Output rows per K block: whole rows, about KC pixels, blocks of even length (576 pixels:
  // 3 x 8 rows of 24, not 10 + 10 + 4 padded to 10).
  const rb = Math.max(1, Math.min(Math.floor(KC / OW), Math.ceil(OH / Math.ceil(L / KC))));
  const nb = Math.ceil(OH / rb); // K blocks per sample
  const kcp = ceilTo(Math.min(OH, rb) * OW, e.unroll);
  const S = Math.max(
    1,
    Math.min(
      N,
      Math.max(Math.ceil(GROUP_MACS / (Cout * Np * L)), Math.ceil(N / GROUPS)),
      Math.floor(GROUP_FLOATS / (Np * kcp * nb)),
    ),
  );
  const ldb = ceilTo(Np, 16);
  const bpRel = ceilTo(S * nb * Mp * kcp, 16);
  const cRel = ceilTo(bpRel + S * nb * Np * kcp, 16);
  const base = e.scratch(cRel + Mp * ldb);
  const m = e.view();
  const ap = base;
  const bp = base + bpRel;
  const cb = base + cRel;
  let load = 0;
  for (let n0 = 0; n0 < N; n0 += S) {
    const s1 = Math.min(S, N - n0);
    for (let s = 0; s < s1; s++) {
      const xs = x0 + (n0 + s) * C * plane;
      for (let bk = 0; bk < nb; bk++) {
        const kb = s * nb + bk;
        const oh0 = bk * rb;
        const rows = Math.min(rb, OH - oh0);
        const kn = rows * OW;
        const apk = ap + kb * Mp * kcp;
        const bpk = bp + kb * Np * kcp;
        packRows(e, m, g0 + (n0 + s) * Cout * L + oh0 * OW, L, 1, Cout, kn, kcp, mr, apk);
        if (kn < kcp || full * nr < C) m.fill(0, bpk, bpk + Np * kcp);
        for (let t = 0; t < taps; t++) {
          const tOff = Math.floor(t / kw) * dh * W + (t % kw) * dwl;
          const pt = bpk + t * Cp * kcp; // the tap's first panel
          for (let r = 0; r < rows; r++) {
            const src = xs + tOff + (oh0 + r) * W;
            const dst = pt + r * OW * nr;
            if (full > 0) packFull(src, plane, 1, full, OW, kcp, nr, dst);
            // A partial last channel panel (C not a multiple of NR).
            for (let c = full * nr; c < C; c++) {
              const so = src + c * plane;
              const d = dst + full * kcp * nr + (c - full * nr);
              for (let ow = 0; ow < OW; ow++) m[d + ow * nr] = m[so + ow];
            }
          }
        }
      }
    }
    const job = [ap, bp, cb, ldb, kcp, s1 * nb, Mp / mr, MC / mr, Mp * kcp, Np * kcp, load, mr, nr];
    e.run(job, Np / nr, Cout * Np * s1 * L, true);
    load = 1;
  }
  // dW[co, c, i, j] = C[co, (i, j) * Cp + c]
  const d0 = at(dw);
  for (let co = 0; co < Cout; co++)
    for (let c = 0; c < C; c++)
      for (let t = 0; t < taps; t++) m[d0 + (co * C + c) * taps + t] = m[cb + co * ldb + t * Cp + c];
  return true;
}

/**
 * dx [N, C, H, W] (contiguous, the padded input's size) = the input gradient of a stride-1
 * conv2d with dilation (dh, dwl), from g [N, Cout, OH, OW] and w [Cout, C, kh, kw] (contiguous
 * float32 in the heap): per sample (and block of output rows) the columns' gradient
 * W^T [C*kh*kw, Cout] @ g_n [Cout, OH*OW] (one sgemm: its B is the small dy, packed cheaply)
 * folded back by the col2im kernel, each K row added into its shifted window of the plane.
 */
export function conv2dInputGrad(g: View, w: View, dh: number, dwl: number, dx: View): boolean {
  const e = engineFor([g, w, dx]);
  if (!e) return false;
  const [N, C, H, W] = dx.shape;
  const [, Cout, OH, OW] = g.shape;
  const [, , kh, kw] = w.shape;
  const K = C * kh * kw;
  const L = OH * OW;
  const g0 = at(g);
  const w0 = at(w);
  return columns(
    e,
    'fold',
    at(dx),
    C * H * W,
    N,
    windows(C, kh, kw, dh, dwl, H, W),
    OH,
    OW,
    W,
    (n, m, cols, oh0, rows) => {
      const np = rows * OW;
      sgemm(K, np, Cout, m, w0, 1, K, m, g0 + n * Cout * L + oh0 * OW, L, 1, m, cols, np);
    },
  );
}

/** Float offsets in a sample of x [C, H, W] of the K = C*kh*kw windows (k = (c, i, j)) of a dilated kernel. */
function windows(
  C: number,
  kh: number,
  kw: number,
  dh: number,
  dw: number,
  H: number,
  W: number,
): Int32Array {
  const taps = kh * kw;
  const kOff = new Int32Array(C * taps);
  for (let k = 0; k < kOff.length; k++) {
    const t = k % taps;
    kOff[k] = Math.floor(k / taps) * H * W + Math.floor(t / kw) * dh * W + (t % kw) * dw;
  }
  return kOff;
}

/**
 * Most floats of one block of columns (1 MiB, within L2 while the product reads it): a sample's
 * columns [K, OH*OW] go in blocks of whole output rows, so a large image never needs a large
 * buffer (the mnist CNN's conv2 takes a sample, [288, 576], in one block).
 */
const COLS_FLOATS = 1 << 18;
/** The columns' block and the windows' byte offsets: kept in the heap between calls. */
const colsBlock: { need?: (bytes: number) => number } = {};
/** The im2col and col2im kernels (wasm/col2im-kernel.ts), compiled on first use. */
type ColsFn = (cols: number, x: number, K: number, OH: number, OW: number, row: number, offs: number) => void;
const colsKernels: { k?: { gather: ColsFn; fold: ColsFn } } = {};

/**
 * The materialized columns of a convolution, one bounded block of the heap reused for every
 * sample n and block of output rows [oh0, oh0 + rows): `gather` fills the block [K, rows*OW]
 * with im2col(sample n of x at x0) and then calls `product(n, m, cols, oh0, rows)` (m: the
 * heap's floats, cols: the block's first float); `fold` zeroes sample n of x, calls `product`
 * to fill the block, and adds it back into the windows (col2im). Windows at `kOff` (floats
 * from a sample's start, `sample` floats apart); rows W floats apart.
 */
function columns(
  e: GemmEngine,
  dir: 'gather' | 'fold',
  x0: number,
  sample: number,
  N: number,
  kOff: Int32Array,
  OH: number,
  OW: number,
  W: number,
  product: (n: number, m: Float32Array, cols: number, oh0: number, rows: number) => void,
): true {
  const h = heap!;
  const K = kOff.length;
  const rb = Math.max(1, Math.min(OH, Math.floor(COLS_FLOATS / (K * OW))));
  const colsBytes = ceilTo(K * rb * OW * 4, 64);
  const block = (colsBlock.need ??= h.growingBlock('conv2d columns'))(colsBytes + K * 4);
  const cols = block >>> 2;
  const offs = block + colsBytes;
  const k = (colsKernels.k ??= heapModule<{ gather: ColsFn; fold: ColsFn }>({
    gather: col2imFn(true),
    fold: col2imFn(),
  }));
  const o = new Int32Array(h.memory.buffer, offs, K);
  for (let i = 0; i < K; i++) o[i] = kOff[i] * 4;
  for (let n = 0; n < N; n++) {
    const xs = x0 + n * sample;
    if (dir === 'fold') e.view().fill(0, xs, xs + sample);
    for (let oh0 = 0; oh0 < OH; oh0 += rb) {
      const rows = Math.min(rb, OH - oh0);
      const win = (xs + oh0 * W) * 4;
      if (dir === 'gather') k.gather(block, win, K, rows, OW, W * 4, offs);
      product(n, e.view(), cols, oh0, rows);
      if (dir === 'fold') k.fold(block, win, K, rows, OW, W * 4, offs);
    }
  }
  return true;
}
