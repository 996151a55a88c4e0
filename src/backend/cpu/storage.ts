/** The CPU backend's storage: typed arrays, most of them inside the wasm heap (heap.ts). */
import { itemSize, type TypedArray } from '../../tensor/dtype.js';
import type { Storage, View } from '../backend.js';
import { wasmKernels } from './heap.js';

export interface CpuStorage extends Storage {
  readonly data: TypedArray;
  /** Byte offset of the storage in the CPU heap (heap.ts), or -1 for a plain typed array. */
  readonly heapOff: number;
}

export const dataOf = (v: View | Storage): TypedArray =>
  ('storage' in v ? (v.storage as CpuStorage) : (v as CpuStorage)).data;

/** Element offset of a view's storage in the heap viewed as `dtype`'s array, or -1 off the heap. */
export const heapIndex = (v: View): number => {
  const off = (v.storage as CpuStorage).heapOff;
  return off < 0 ? -1 : off / itemSize(v.dtype);
};

/** Byte address of a view's first element in the heap, or -1 off the heap (or kernels off). */
export const heapAddr = (v: View): number => {
  const off = (v.storage as CpuStorage).heapOff;
  return off < 0 || !wasmKernels.enabled ? -1 : off + v.offset * itemSize(v.dtype);
};
