/** Fused CPU paths (see backend.ts `Routines`). Each has a composed reference in ops/. */
import type { Backend, Routines, View } from '../backend.js';
import { isContiguousView, numelOf, programKey, programWidth } from '../backend.js';
import { constantsOf, E } from '../expr.js';
import { attention, attentionBackward } from './attention.js';
import { conv2dForward, conv2dInputGrad, conv2dWeightGrad } from './conv.js';
import { heap, heapModule, wasmKernels } from './heap.js';
import { lstmCell, lstmCellBackward } from './lstm.js';
import { layerNorm, layerNormBackward } from './rows.js';
import { type CpuStorage, heapAddr } from './storage.js';
import { programFn } from './wasm/ewise-kernel.js';
import { maxPool2x2Fn } from './wasm/maxpool-kernel.js';
import { softmaxRowsFn } from './wasm/softmax-kernel.js';

const arr = (v: View) => (v.storage as CpuStorage).data;

type ProgramFn = (...args: number[]) => void;

/** Compiled update programs by structure (constants are parameters): a handful per optimizer. */
const programs = new Map<string, ProgramFn | null>();

/**
 * Cross-entropy rows of logits [N, C] (any strides) against int targets [N]: each row's softmax
 * into probs [N, C] (contiguous), its loss lse - x[t] into loss[n] when given (0 for an ignored
 * row); returns the loss summed over the rows not ignored (in double) and how many there are.
 */
function crossEntropyRows(
  logits: View,
  target: View,
  ignoreIndex: number,
  probs: View,
  loss: View | null,
): { sum: number; count: number } {
  const [N, C] = logits.shape;
  const [rs, cs] = logits.strides;
  const t = arr(target);
  const l = loss ? arr(loss) : null;
  const rowsWasm = softmaxRowsWasm(logits, probs);
  const x = arr(logits); // after the wasm path's scratch allocation (a growth re-views)
  const p = arr(probs);
  let sum = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    const base = logits.offset + n * rs;
    let lse: number;
    if (rowsWasm) lse = rowsWasm[n];
    else {
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        const v = x[base + c * cs];
        if (v > m || v !== v) m = v;
      }
      // exp once per element (into probs), then scaled by 1 / sum.
      const po = probs.offset + n * C;
      let s = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp(x[base + c * cs] - m);
        p[po + c] = e;
        s += e;
      }
      lse = m + Math.log(s);
      const inv = 1 / s;
      for (let c = 0; c < C; c++) p[po + c] *= inv;
    }
    const k = t[target.offset + n * target.strides[0]];
    let ln = 0;
    if (k !== ignoreIndex) {
      if (k < 0 || k >= C)
        throw new RangeError(`cross_entropy: Target ${k} is out of bounds (number of classes ${C}).`);
      ln = lse - x[base + k * cs];
      sum += ln;
      count++;
    }
    if (l) l[loss!.offset + n] = ln;
  }
  return { sum, count };
}

// --- perflstm ---
/** The row kernels, compiled on first use. */
const rowKernels: { softmax?: (...a: number[]) => void; maxPool?: (...a: number[]) => void } = {};
/**
 * The softmax rows of float32 logits [N, C] (unit column stride, heap) into probs in wasm SIMD
 * (wasm/softmax-kernel.ts: max, exp and the scaling in three vector passes); returns each row's
 * log-sum-exp (max + log of the float64 sum), or null where the JS loop must run instead.
 */
function softmaxRowsWasm(logits: View, probs: View): Float64Array | null {
  const [N, C] = logits.shape;
  if (!heap || !wasmKernels.enabled || logits.dtype !== 'float32' || probs.dtype !== 'float32') return null;
  if (N === 0 || C === 0 || (logits.strides[1] !== 1 && C > 1) || !isContiguousView(probs)) return null;
  const xa = heapAddr(logits);
  const pa = heapAddr(probs);
  if (xa < 0 || pa < 0) return null;
  const softmaxRowsK = (rowKernels.softmax ??= heapModule<{ k: (...a: number[]) => void }>({
    k: softmaxRowsFn(),
  }).k);
  const mxBytes = Math.ceil(N / 4) * 16; // one f32 per row, then 16-byte f64 pairs
  const bytes = mxBytes + N * 16;
  const scratch = heap.alloc(bytes);
  if (scratch < 0) return null;
  const mx = scratch;
  const sums = scratch + mxBytes;
  const lse = new Float64Array(N);
  try {
    softmaxRowsK(xa, logits.strides[0] * 4, pa, N, C, mx, sums);
    const f = heap.floats();
    const d = new Float64Array(heap.memory.buffer, sums, 2 * N);
    for (let n = 0; n < N; n++) lse[n] = f[mx / 4 + n] + Math.log(d[2 * n] + d[2 * n + 1]);
  } finally {
    heap.release(scratch, bytes);
  }
  return lse;
}

/**
 * 2x2 / stride 2 max pooling of x [N, C, H, W] (unit column stride, planes sC apart with
 * sN = C sC) into contiguous float32 values and int indices by the wasm kernel
 * (wasm/maxpool-kernel.ts), for the first floor(OW / 4) * 4 columns of every output row; returns
 * how many columns it did (0: not taken).
 */
function maxPool2x2Wasm(x: View, sh: number, sw: number, values: View, idx: View): number {
  const [N, C, , W] = x.shape;
  const [, , OH, OW] = values.shape;
  const [sN, sC, sH, sW] = x.strides;
  const groups = Math.floor(OW / 4);
  if (!heap || !wasmKernels.enabled || sh !== 2 || sw !== 2 || sW !== 1 || groups === 0) return 0;
  if ((N > 1 && sN !== C * sC) || x.dtype !== 'float32' || values.dtype !== 'float32') return 0;
  if (!isContiguousView(values) || !isContiguousView(idx) || idx.dtype === 'float32') return 0;
  const xa = heapAddr(x);
  const va = heapAddr(values);
  const ia = heapAddr(idx);
  if (xa < 0 || va < 0 || ia < 0 || numelOf(values.shape) === 0) return 0;
  const maxPoolK = (rowKernels.maxPool ??= heapModule<{ k: (...a: number[]) => void }>({
    k: maxPool2x2Fn(),
  }).k);
  maxPoolK(xa, sC * 4, sH * 4, N * C, OH, groups, W, va, ia, OW);
  return groups * 4;
}

/** The CPU's fused routines, over the backend's own alloc/elementwise/release (index.ts). */
export const cpuRoutines = (
  cpuBackend: Pick<Backend, 'alloc' | 'elementwise' | 'release' | 'matmul' | 'reduce'>,
): Partial<Routines> => ({
  /** One pass per row: max, sum of exp, loss = lse - x[t], and the softmax for the backward. */
  logSoftmaxNll(logits, target, ignoreIndex, loss, probs) {
    crossEntropyRows(logits, target, ignoreIndex, probs, loss);
  },

  /**
   * An update program over every operand set (backend.ts contract): one wasm SIMD pass per
   * parameter in the heap; a set off the heap (or a step with no SIMD form) runs the steps one
   * by one through the elementwise primitive, the reference path.
   */
  updateInPlace(steps, sets) {
    if (sets.length === 0) return;
    const nSlots = sets[0].length;
    const width = programWidth(steps);
    const consts: number[] = [];
    for (const s of steps) constantsOf(s.e, consts);
    const key = `${nSlots}/${width}|${programKey(steps)}`;
    let fn = programs.get(key);
    if (fn === undefined && wasmKernels.enabled) {
      const f = programFn(steps, nSlots, width, consts.length);
      programs.set(key, (fn = f ? heapModule<{ k: ProgramFn }>({ k: f }).k : null));
    }
    const args = new Array<number>(1 + nSlots + consts.length);
    for (let j = 0; j < consts.length; j++) args[1 + nSlots + j] = consts[j];
    for (const vs of sets) {
      const n = numelOf(vs[0].shape);
      if (vs.length !== nSlots)
        throw new RangeError(`cpu updateInPlace: ${vs.length} operands, expected ${nSlots}`);
      for (const v of vs)
        if (!isContiguousView(v) || numelOf(v.shape) !== n || v.dtype !== 'float32')
          throw new TypeError(`cpu updateInPlace: operands must be contiguous float32 of ${n} elements`);
      if (n === 0) continue;
      let onHeap = !!fn && wasmKernels.enabled;
      for (let k = 0; k < nSlots && onHeap; k++) {
        const a = heapAddr(vs[k]);
        if (a < 0) onHeap = false;
        args[1 + k] = a;
      }
      if (onHeap) {
        args[0] = n;
        fn!(...args);
      } else {
        const scratch: View[] = [];
        for (let k = nSlots; k < width; k++)
          scratch.push({
            storage: cpuBackend.alloc(n, 'float32'),
            dtype: 'float32',
            shape: [n],
            strides: [1],
            offset: 0,
          });
        const all = [...vs.map((v) => ({ ...v, shape: [n], strides: [1] })), ...scratch];
        for (const s of steps) cpuBackend.elementwise(s.e, all, all[s.slot]);
        for (const v of scratch) cpuBackend.release(v.storage);
      }
    }
  },
  // ── attention (helper attn) ──
  attention,
  attentionBackward,
  // --- perfcpu ---
  /** A plain loop per window: the composed form is two strided JS passes (values, then index). */
  maxPool2dDisjoint(x, kh, kw, sh, sw, values, idx) {
    const [N, C, , W] = x.shape;
    const [, , OH, OW] = values.shape;
    const [sN, sC, sH, sW] = x.strides;
    const xs = arr(x);
    const vs = arr(values);
    const is = arr(idx);
    let o = 0;
    const vo = values.offset;
    const io = idx.offset;
    if (kh === 2 && kw === 2 && sW === 1) {
      // perflstm: stride 2 over uniformly spaced planes: 4 outputs per wasm SIMD step, the
      // last OW % 4 columns of each row in the loop below.
      const done = maxPool2x2Wasm(x, sh, sw, values, idx);
      // The usual 2x2 window over rows of unit stride: four loads, no inner kernel loops.
      if (done > 0) {
        const [, , OH2, OW2] = values.shape;
        for (let pl = 0; pl < N * C; pl++) {
          const plane = x.offset + pl * sC;
          for (let oh = 0; oh < OH2; oh++) {
            const r0 = plane + 2 * oh * sH;
            const r1 = r0 + sH;
            for (let ow = done; ow < OW2; ow++) {
              const o2 = (pl * OH2 + oh) * OW2 + ow;
              const w0 = 2 * ow;
              let m = xs[r0 + w0];
              let mi = 2 * oh * W + w0;
              const cand = [
                [r0 + w0 + 1, 2 * oh * W + w0 + 1],
                [r1 + w0, (2 * oh + 1) * W + w0],
                [r1 + w0 + 1, (2 * oh + 1) * W + w0 + 1],
              ];
              for (const [at, ix] of cand) {
                const v = xs[at];
                if (v > m || (v !== v && m === m)) {
                  m = v;
                  mi = ix;
                }
              }
              vs[vo + o2] = m;
              is[io + o2] = mi;
            }
          }
        }
        return;
      }
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++) {
          const plane = x.offset + n * sN + c * sC;
          for (let oh = 0; oh < OH; oh++) {
            const h0 = oh * sh;
            const r0 = plane + h0 * sH;
            const r1 = r0 + sH;
            for (let ow = 0, w0 = 0; ow < OW; ow++, o++, w0 += sw) {
              let m = xs[r0 + w0];
              let mi = h0 * W + w0;
              let v = xs[r0 + w0 + 1];
              if (v > m || (v !== v && m === m)) {
                m = v;
                mi = h0 * W + w0 + 1;
              }
              v = xs[r1 + w0];
              if (v > m || (v !== v && m === m)) {
                m = v;
                mi = (h0 + 1) * W + w0;
              }
              v = xs[r1 + w0 + 1];
              if (v > m || (v !== v && m === m)) {
                m = v;
                mi = (h0 + 1) * W + w0 + 1;
              }
              vs[vo + o] = m;
              is[io + o] = mi;
            }
          }
        }
      return;
    }
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++) {
        const plane = x.offset + n * sN + c * sC;
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++, o++) {
            const h0 = oh * sh;
            const w0 = ow * sw;
            let m = xs[plane + h0 * sH + w0 * sW];
            let mi = h0 * W + w0;
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const v = xs[plane + (h0 + i) * sH + (w0 + j) * sW];
                if (v > m || (v !== v && m === m)) {
                  m = v;
                  mi = (h0 + i) * W + w0 + j;
                }
              }
            vs[vo + o] = m;
            is[io + o] = mi;
          }
      }
  },

  maxPool2dDisjointBackward(g, idx, dx) {
    const [N, C, OH, OW] = g.shape;
    const [, , H, W] = dx.shape;
    const [gN, gC, gH, gW] = g.strides;
    const gs = arr(g);
    const is = arr(idx);
    const d = arr(dx);
    const plane = H * W;
    d.fill(0, dx.offset, dx.offset + N * C * plane);
    let o = idx.offset;
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++) {
        const base = dx.offset + (n * C + c) * plane;
        const gb = g.offset + n * gN + c * gC;
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++, o++) d[base + is[o]] = gs[gb + oh * gH + ow * gW];
      }
  },
  // --- perfmlp ---
  /**
   * 'mean'/'sum' cross-entropy in the rows' pass: out = [loss, scale], scale = 1 / count for
   * 'mean' (a mean over no rows is NaN, its scale Infinity, as the WebGPU kernel), 1 for 'sum'.
   */
  logSoftmaxNllReduced(logits, target, ignoreIndex, reduction, out, probs) {
    const { sum, count } = crossEntropyRows(logits, target, ignoreIndex, probs, null);
    const o = arr(out);
    const mean = reduction === 'mean';
    o[out.offset] = mean ? sum / count : sum;
    o[out.offset + out.strides[0]] = mean ? 1 / count : 1;
  },

  /** One loop over [N, C]: the integer targets keep the elementwise form off the SIMD path. */
  logSoftmaxNllReducedBackward(probs, target, ignoreIndex, g, scale, grad) {
    const [N, C] = probs.shape;
    const f = arr(g)[g.offset] * arr(scale)[scale.offset];
    // perflstm: p * f over the whole [N, C] in one elementwise call (wasm SIMD when in the
    // heap), then each row's target element and ignored rows as the per-element form.
    cpuBackend.elementwise(E.mul(E.input(0), E.const(f)), [probs], grad);
    const p = arr(probs);
    const t = arr(target);
    const d = arr(grad);
    for (let n = 0; n < N; n++) {
      const k = t[target.offset + n * target.strides[0]];
      const po = probs.offset + n * C;
      const o = grad.offset + n * C;
      if (k === ignoreIndex)
        d.fill(0 * f, o, o + C); // as the elementwise form: NaN when f is
      else if (k >= 0 && k < C) d[o + k] = (p[po + k] - 1) * f;
    }
  },

  /** dW = g^T @ x (g's transpose is a strided view) and db = g's column sums: no op-level temporaries. */
  linearGrads(g, x, dW, db) {
    const gT: View = { ...g, shape: [g.shape[1], g.shape[0]], strides: [g.strides[1], g.strides[0]] };
    cpuBackend.matmul(gT, x, dW);
    if (db) cpuBackend.reduce('sum', gT, 1, db);
  },
  // --- perfgpt ---
  layerNorm,
  layerNormBackward,
  // --- perfcnn ---
  conv2dForward,
  conv2dWeightGrad,
  conv2dInputGrad,
  // --- perflstm ---
  lstmCell,
  lstmCellBackward,
});
