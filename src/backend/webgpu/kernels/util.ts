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
 * An input that shares the output's storage (rare outside in-place elementwise) is copied
 * first: the kernels other than elementwise read inputs while other threads write the output.
 */
export function separateFrom(x: View, out: View, temps: GpuStorage[]): View {
  return storageOf(x, 'kernel') === storageOf(out, 'kernel') ? contiguousCopy(x, temps) : x;
}

/**
 * Every storage binding is writable (queue.ts), and WebGPU forbids two writable bindings with
 * overlapping ranges in one dispatch: an input whose storage an earlier input already binds
 * (x @ x, x.gather(0, x)) is copied, for kernels whose WGSL gives each operand its own binding.
 */
export function distinctStorages(views: readonly View[], temps: GpuStorage[]): View[] {
  const seen: GpuStorage[] = [];
  return views.map((v) => {
    const s = storageOf(v, 'kernel');
    if (seen.includes(s)) return contiguousCopy(v, temps);
    seen.push(s);
    return v;
  });
}
