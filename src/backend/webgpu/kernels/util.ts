/** Small helpers shared by the kernels. */
import type { View } from '../../backend.js';
import { contiguousStrides } from '../../backend.js';
import { E } from '../../expr.js';
import { allocStorage, type GpuStorage, storageOf } from '../storage.js';
import { elementwise } from './elementwise.js';

/** A contiguous device copy of `v` (recorded, not waited for); `temps` collects it for release. */
export function contiguousCopy(v: View, temps: GpuStorage[]): View {
  const n = v.shape.reduce((a, b) => a * b, 1);
  const s = allocStorage(n, v.dtype);
  temps.push(s);
  const c: View = {
    storage: s,
    dtype: v.dtype,
    shape: v.shape,
    strides: contiguousStrides(v.shape),
    offset: 0,
  };
  elementwise(E.input(0), [v], c);
  return c;
}

/**
 * WebGPU forbids binding one buffer as both writable and read-only in a dispatch: an input
 * that shares the output's buffer (rare outside in-place elementwise) is copied first.
 */
export function separateFrom(x: View, out: View, temps: GpuStorage[]): View {
  return storageOf(x, 'kernel') === storageOf(out, 'kernel') ? contiguousCopy(x, temps) : x;
}
