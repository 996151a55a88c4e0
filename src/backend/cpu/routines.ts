/** Fused CPU paths (see backend.ts `Routines`). Each has a composed reference in ops/. */
import type { Backend, Routines, View } from '../backend.js';
import { isContiguousView, numelOf, programKey, programWidth } from '../backend.js';
import { constantsOf } from '../expr.js';
import { attention, attentionBackward } from './attention.js';
import { conv2dForward, conv2dInputGrad, conv2dWeightGrad } from './conv.js';
import { heapModule, wasmKernels } from './heap.js';
import { type CpuStorage, heapAddr } from './storage.js';
import { programFn } from './wasm/ewise-kernel.js';

const arr = (v: View) => (v.storage as CpuStorage).data;

type ProgramFn = (...args: number[]) => void;

/** Compiled update programs by structure (constants are parameters): a handful per optimizer. */
const programs = new Map<string, ProgramFn | null>();

/** The CPU's fused routines, over the backend's own alloc/elementwise/release (index.ts). */
export const cpuRoutines = (
  cpuBackend: Pick<Backend, 'alloc' | 'elementwise' | 'release'>,
): Partial<Routines> => ({
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
      // The usual 2x2 window over rows of unit stride: four loads, no inner kernel loops.
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
  // --- perfcnn ---
  conv2dForward,
  conv2dWeightGrad,
  conv2dInputGrad,
});
