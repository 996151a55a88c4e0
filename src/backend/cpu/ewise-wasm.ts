/**
 * The elementwise primitive's wasm SIMD path (kernels from wasm/ewise-kernel.ts): taken when
 * every operand lives in the heap, is float32 or bool, and the coalesced iteration space is
 * rank <= 2 with each input's inner stride 0 or 1 and the output's 1. That covers the hot cases
 * of a training step: same-shape maps (relu and its mask, grads), scalar constants, and a row
 * or column broadcast (bias, [N, 1] stats). Anything else returns false and runs in JS.
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
  if (r > 2 || (strides[0][r - 1] !== 1 && shape[r - 1] !== 1)) return false; // [1]: one element, strides 0
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
  const two = r === 2;
  const args = [two ? shape[1] : shape[0], two ? shape[0] : 1, o, two ? strides[0][0] * itemBytes(out) : 0];
  for (let i = 0; i < nIn; i++) {
    const v = inputs[i];
    args.push(addr(v), two ? strides[i + 1][0] * itemBytes(v) : 0);
  }
  for (let j = 0; j < consts.length; j++) args.push(consts[j]);
  if (numelOf(out.shape) > 0) call(k, args);
  return true;
}
