/**
 * Shared set-up for the WebGPU backend tests: finds the adapter once per test file (each file
 * runs in its own fork), skips when there is none, and fails instead when
 * TORCHTS_REQUIRE_WEBGPU=1 (CI machines that must exercise the GPU path).
 */
import { describe, expect } from 'vitest';
import type { Backend, View } from '../../../src/backend/backend.js';
import { contiguousStrides } from '../../../src/backend/backend.js';
import { cpuBackend } from '../../../src/backend/cpu/index.js';
import { initWebGPU, unavailableReason, webgpuBackend } from '../../../src/backend/webgpu/index.js';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { typedArrayFor } from '../../../src/tensor/dtype.js';

export const gpuOk = await initWebGPU();
if (!gpuOk) {
  if (process.env.TORCHTS_REQUIRE_WEBGPU === '1')
    throw new Error(`TORCHTS_REQUIRE_WEBGPU=1 but no WebGPU adapter was found: ${unavailableReason()}`);
  // test/global-setup.ts prints the one notice line for the whole run.
}
export const describeGpu = describe.skipIf(!gpuOk);
export const gpu = (): Backend => webgpuBackend();
export const cpu: Backend = cpuBackend;

export { rng } from '../../helpers/rng.js';
export const randn = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

export function fill(dtype: DType, n: number, f: (i: number) => number): TypedArray {
  const a = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

/** The same storage contents and view on both backends. */
export interface Pair {
  cpu: View;
  gpu: View;
}
export function pair(
  data: TypedArray,
  dtype: DType,
  shape: readonly number[],
  strides?: readonly number[],
  offset = 0,
): Pair {
  const mk = (be: Backend): View => {
    const s = be.alloc(data.length, dtype);
    be.write(s, data);
    return { storage: s, dtype, shape, strides: strides ?? contiguousStrides(shape), offset };
  };
  return { cpu: mk(cpu), gpu: mk(gpu()) };
}
/** A zero-filled contiguous output on both backends. */
export const outPair = (dtype: DType, shape: readonly number[]): Pair =>
  pair(
    typedArrayFor(
      dtype,
      shape.reduce((a, b) => a * b, 1),
    ),
    dtype,
    shape,
  );

export async function readBoth(p: Pair): Promise<[TypedArray, TypedArray]> {
  return [await gpu().read(p.gpu), await cpu.read(p.cpu)];
}

export const f32 = Math.fround;
const ulp = (x: number) => {
  const a = Math.abs(f32(x));
  if (a === 0 || !Number.isFinite(a)) return 1.4e-45;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
};

export interface Tol {
  /** Allowed error in units in the last place of the expected value. */
  ulps?: number;
  /** Allowed absolute error (for results near 0 of functions with absolute error bounds). */
  atol?: number;
  rtol?: number;
}

/** Element-wise agreement; NaN must match NaN, infinities must match exactly. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tol = {},
  label = '',
  inputs?: (i: number) => string,
): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    let ok: boolean;
    if (Number.isNaN(w) || Number.isNaN(g)) ok = Number.isNaN(w) && Number.isNaN(g);
    else if (!Number.isFinite(w) || !Number.isFinite(g)) ok = g === w;
    else {
      const err = Math.abs(g - w);
      ok = err <= (tol.ulps ?? 0) * ulp(w) || err <= (tol.atol ?? 0) || err <= (tol.rtol ?? 0) * Math.abs(w);
    }
    if (!ok && bad.length < 8) bad.push(`[${i}]${inputs ? ` ${inputs(i)}` : ''}: got ${g}, want ${w}`);
  }
  expect(bad, `${label}: mismatches`).toEqual([]);
}
