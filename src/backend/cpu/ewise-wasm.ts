/**
 * The elementwise primitive's wasm SIMD path (kernels from wasm/ewise-kernel.ts): taken when
 * every operand lives in the heap, is float32 or bool, and the coalesced iteration space is
 * rank <= 2 with each input's inner stride 0 or 1 and the output's 1. That covers the hot cases
 * of a training step: same-shape maps (relu and its mask, grads), scalar constants, and a row
 * or column broadcast (bias, [N, 1] stats). Higher ranks with the same inner-stride rule
 * (convolution's im2col copy, fold's strided adds, a bias add that permutes) call the rank-2
 * kernel once per index of the outer dims. Anything else returns false and runs in JS.
 *
 * Modules are cached by (structure with constants as parameters, dtypes, strides): a bounded
 * LRU map (`wasmEwise.limit`, 512). Bytes per element: 4 per f32 operand, 1 per bool; at
 * 4 lanes per instruction a 64 x 128 map is ~1 us, against ~8 us in the JS loop.
 */
import type { View } from '../backend.js';
import { coalesce, numelOf } from '../backend.js';
import { constantsOf, type Ex, exType, structureKey } from '../expr.js';
import { heapModule } from './heap.js';
import { type EwiseSig, ewiseFn } from './wasm/ewise-kernel.js';

type KernelFn = (...args: number[]) => void;
/** Rank > 2: the smallest inner [rows, cols] block (elements) worth one call per outer index. */
const OUTER_MIN_BLOCK = 16;
const cache = new Map<string, KernelFn | null>();
/** Modules compiled (cache misses, "not here" answers included), held, and the cap. */
export const wasmEwise = { compiles: 0, cached: () => cache.size, limit: 512 };

/** The heap's byte address of a view's first element, or -1 (cpu/index.ts `HeapStorage`). */
type HeapAddr = (v: View) => number;

/** Calls a kernel with its arguments spread by hand: V8 calls wasm fastest with a fixed arity. */
function call(k: KernelFn, a: number[]): void {
  switch (a.length) {
    case 6:
      k(a[0], a[1], a[2], a[3], a[4], a[5]);
      return;
    case 7:
      k(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      return;
    case 8:
      k(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
      return;
    case 9:
      k(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
      return;
    case 10:
      k(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
      return;
    default:
      k(...a);
  }
}

const itemBytes = (v: View) => (v.dtype === 'bool' ? 1 : 4);
/** The SIMD kernels read and write float32 and bool (0/1 bytes) only; other dtypes run in JS. */
const simdDType = (v: View) => v.dtype === 'float32' || v.dtype === 'bool';

export function elementwiseWasm(e: Ex, inputs: readonly View[], out: View, addr: HeapAddr): boolean {
  const o = addr(out);
  if (o < 0 || !simdDType(out)) return false;
  const nIn = inputs.length;
  for (let i = 0; i < nIn; i++) if (!simdDType(inputs[i]) || addr(inputs[i]) < 0) return false;
  const all: (readonly number[])[] = [out.strides];
  for (let i = 0; i < nIn; i++) all.push(inputs[i].strides);
  const { shape, strides } = coalesce(out.shape, all);
  const r = shape.length;
  if (strides[0][r - 1] !== 1 && shape[r - 1] !== 1) return false; // [1]: one element, strides 0
  // Rank > 2 (permuted copies such as im2col, strided adds such as fold): the kernel runs over
  // the inner two dims, once per index of the outer ones. Not worth it for tiny inner blocks.
  if (r > 2 && shape[r - 1] * shape[r - 2] < OUTER_MIN_BLOCK) return false;
  let key = '';
  for (let i = 0; i < nIn; i++) {
    const s = strides[i + 1][r - 1];
    if (s !== 0 && s !== 1) return false;
    key += `${inputs[i].dtype[0]}${s}`;
  }
  const consts = constantsOf(e);
  key = `${structureKey(e)}|${key}|${out.dtype}`;
  let k = cache.get(key);
  if (k !== undefined) {
    cache.delete(key); // LRU: re-insert as most recent
    cache.set(key, k);
  } else {
    const sig: EwiseSig = {
      ins: inputs.map((v) => exType(v.dtype)),
      strides: inputs.map((_, i) => strides[i + 1][r - 1] as 0 | 1),
      out: exType(out.dtype),
    };
    const fn = ewiseFn(e, consts.length, sig);
    k = fn ? heapModule<{ k: KernelFn }>({ k: fn }).k : null;
    wasmEwise.compiles++;
    while (cache.size >= wasmEwise.limit) cache.delete(cache.keys().next().value as string);
    cache.set(key, k);
  }
  if (k === null) return false;
  const two = r >= 2;
  const row = r - 2;
  const args = [shape[r - 1], two ? shape[row] : 1, o, two ? strides[0][row] * itemBytes(out) : 0];
  for (let i = 0; i < nIn; i++) {
    const v = inputs[i];
    args.push(addr(v), two ? strides[i + 1][row] * itemBytes(v) : 0);
  }
  for (let j = 0; j < consts.length; j++) args.push(consts[j]);
  if (numelOf(out.shape) === 0) return true;
  if (r <= 2) {
    call(k, args);
    return true;
  }
  // Odometer over dims [0, r - 2): byte offsets of out (args[2]) and each input (args[4 + 2i]).
  const nOps = nIn + 1;
  const step = (q: number) =>
    strides[q].map((s) => s * (q === 0 ? itemBytes(out) : itemBytes(inputs[q - 1])));
  const bytes = Array.from({ length: nOps }, (_, q) => step(q));
  const base = Array.from({ length: nOps }, (_, q) => args[q === 0 ? 2 : 2 + 2 * q]);
  const idx = new Array<number>(row).fill(0);
  for (;;) {
    call(k, args);
    let d = row - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) break;
    for (let q = 0; q < nOps; q++) {
      let off = base[q];
      const b = bytes[q];
      for (let e = 0; e < row; e++) off += idx[e] * b[e];
      args[q === 0 ? 2 : 2 + 2 * q] = off;
    }
  }
  return true;
}
