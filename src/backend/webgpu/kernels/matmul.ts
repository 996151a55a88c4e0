/**
 * matmul: batched, strided, with bias + relu epilogue; two kernels (wgsl/matmul.ts).
 *
 * Which one runs is decided per adapter: 'tiled' (workgroup memory) on hardware GPUs, where it
 * cuts DRAM traffic 8x; 'register' (8x4 blocks, vec4 loads, no workgroup memory) on software
 * adapters like lavapipe and SwiftShader, where workgroup memory is plain RAM and tiling only
 * adds copies and barriers (~2x slower measured). `setMatmulVariant` overrides for benchmarks.
 */
import { type DType, isHalf } from '../../../tensor/dtype.js';
import type { MatmulOptions, View } from '../../backend.js';
import { numelOf } from '../../backend.js';
import { E } from '../../expr.js';
import { hardwareGpuAvailable } from '../device.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import { coalesce, nativeHalf } from '../wgsl/common.js';
import {
  type Half16,
  type LoadMode,
  type MatmulKey,
  REGISTER_LAYOUT,
  registerWgsl,
  tiledWgsl,
} from '../wgsl/matmul.js';
import { elementwise } from './elementwise.js';
import { distinctStorages, separateFrom } from './util.js';

export type MatmulVariant = 'auto' | 'register' | 'tiled';
let variant: MatmulVariant = 'auto';

/** Forces a matmul kernel ('auto' picks by adapter: tiled on hardware, register on software). */
export const setMatmulVariant = (v: MatmulVariant): void => {
  variant = v;
};
/** The kernel `matmul` will use now. */
export const matmulVariant = (): 'register' | 'tiled' =>
  variant === 'auto' ? (hardwareGpuAvailable() ? 'tiled' : 'register') : variant;

const aligned = (...xs: number[]) => xs.every((x) => x % 4 === 0);
/** How a 16-bit operand is bound (wgsl/matmul.ts Half16); undefined for float32. */
const half16 = (d: DType): Half16 | undefined =>
  nativeHalf(d) ? 'f16' : isHalf(d) ? (d as Half16) : undefined;

/** The contract's options plus the backend-internal row-sum output (see wgsl/matmul.ts). */
export interface WebGPUMatmulOptions extends MatmulOptions {
  /** rowSum[i] = sum_k a[i, k], written contiguously from rowSum.offset (unbatched only). */
  rowSum?: View;
}

export function matmul(a: View, b: View, out: View, opts?: WebGPUMatmulOptions): void {
  const r = out.shape.length;
  if (r < 2 || a.shape.length !== r || b.shape.length !== r)
    throw new RangeError(
      `webgpu matmul: ranks of a [${a.shape}], b [${b.shape}] and out [${out.shape}] must agree (>= 2)`,
    );
  // a and b may be float16/bfloat16 (decoded on load, float32 accumulation; installHalf passes
  // them through as they are); out, bias and the row sums are float32, or float16 where it is
  // native (array<f16>, common.ts nativeHalf).
  const ok = (d: string) => d === 'float32' || isHalf(d as DType);
  const okOut = (v?: View) => !v || v.dtype === 'float32' || nativeHalf(v.dtype);
  if (!ok(a.dtype) || !ok(b.dtype) || !okOut(out) || !okOut(opts?.bias) || !okOut(opts?.rowSum))
    throw new TypeError(
      `webgpu matmul: float32 (or 16-bit a, b) only, got ${a.dtype} @ ${b.dtype} -> ${out.dtype}${opts?.bias ? ` + bias ${opts.bias.dtype}` : ''}`,
    );
  const [M, N] = [out.shape[r - 2], out.shape[r - 1]];
  const K = a.shape[r - 1];
  if (a.shape[r - 2] !== M || b.shape[r - 2] !== K || b.shape[r - 1] !== N)
    throw new RangeError(`webgpu matmul: shapes [${a.shape}] @ [${b.shape}] do not give [${out.shape}]`);
  const batches = numelOf(out.shape.slice(0, r - 2));
  if (batches * M * N === 0) return;
  const temps: GpuStorage[] = [];
  a = separateFrom(a, out, temps);
  b = separateFrom(b, out, temps);
  let bias = opts?.bias ? separateFrom(opts.bias, out, temps) : undefined;
  [a, b, bias] = distinctStorages(bias ? [a, b, bias] : [a, b], temps);
  const rowSum = opts?.rowSum;
  if (rowSum && batches !== 1)
    throw new RangeError('webgpu matmul: the row-sum output is for unbatched products only');
  if (rowSum && [a, b, out, bias].some((v) => v && storageOf(v, 'matmul') === storageOf(rowSum, 'matmul')))
    throw new RangeError('webgpu matmul: the row-sum output must not share a storage with a, b, bias or out');
  // Batch dims coalesced over (a, b, out) so e.g. [B, H] batches index as one dim.
  const bt = coalesce(out.shape.slice(0, r - 2), [a.strides.slice(0, r - 2), b.strides.slice(0, r - 2)]);
  const br = batches === 1 ? 0 : bt.shape.length;
  const [aRs, aCs, bRs, bCs] = [a.strides[r - 2], a.strides[r - 1], b.strides[r - 2], b.strides[r - 1]];
  const v = matmulVariant();
  const aB = br ? bt.strides[0] : [];
  const bB = br ? bt.strides[1] : [];
  let am: LoadMode = 's';
  let bm: LoadMode = 's';
  const aHalf = half16(a.dtype);
  const bHalf = half16(b.dtype);
  if (v === 'register') {
    // vec4 loads need every address of the vector run 16-byte aligned.
    // (16-bit operands: a vec4 is 4 elements in one vec2<u32>, decoded; the same alignment rule.)
    if ((aCs === 1 || K === 1) && (aRs % 4 === 0 || M === 1) && aligned(a.offset, ...aB)) am = 'v1';
    else if (aRs === 1 && aligned(aCs, a.offset, ...aB)) am = 'v0';
    if ((bCs === 1 || N === 1) && (bRs % 4 === 0 || K === 1) && aligned(b.offset, ...bB)) bm = 'v1';
    else if (bRs === 1 && aligned(bCs, b.offset, ...bB)) bm = 'v0';
  } else {
    // Tiled: the mode only picks the coalesced staging order (any alignment works).
    am = aRs === 1 && aCs !== 1 ? 'v0' : 'v1';
    bm = bRs === 1 && bCs !== 1 ? 'v0' : 'v1';
  }
  const key: MatmulKey = {
    variant: v,
    a: am,
    b: bm,
    batchRank: br,
    bias: !!bias,
    relu: opts?.activation === 'relu',
    rowSum: !!rowSum,
    aHalf,
    bHalf,
    biasHalf: bias && half16(bias.dtype),
    cF16: nativeHalf(out.dtype),
    rsF16: !!rowSum && nativeHalf(rowSum.dtype),
  };
  const L = REGISTER_LAYOUT;
  const tilesN = Math.ceil(N / (v === 'register' ? 4 * L.wx : 64));
  const tilesM = Math.ceil(M / (v === 'register' ? L.rows * L.wy : 64));
  const p = new Params(16 + 3 * br);
  p.u.set([M, N, K, batches, tilesN, tilesM]);
  p.i.set(
    [
      a.offset,
      b.offset,
      out.offset,
      aRs,
      aCs,
      bRs,
      bCs,
      bias?.offset ?? 0,
      bias?.strides[0] ?? 0,
      rowSum?.offset ?? 0,
    ],
    6,
  );
  for (let d = 0; d < br; d++) {
    p.u[16 + d] = bt.shape[d];
    p.i[16 + br + d] = aB[d];
    p.i[16 + 2 * br + d] = bB[d];
  }
  const access = `wrr${bias ? 'r' : ''}${rowSum ? 'w' : ''}`;
  const pipe = pipelineFor(
    `mm:${v}:${am}${bm}:b${br}:${key.bias ? 'bias' : ''}${key.relu ? 'relu' : ''}${key.rowSum ? 'rowsum' : ''}:${aHalf ?? ''}:${bHalf ?? ''}:${key.biasHalf ?? ''}:${key.cF16 ? 'c16' : ''}${key.rsF16 ? 'rs16' : ''}`,
    access,
    () => (v === 'register' ? registerWgsl(key) : tiledWgsl(key)),
  );
  const bufs = [storageOf(out, 'matmul'), storageOf(a, 'matmul'), storageOf(b, 'matmul')];
  if (bias) bufs.push(storageOf(bias, 'matmul'));
  if (rowSum) bufs.push(storageOf(rowSum, 'matmul'));
  dispatch(pipe, access, bufs, p, grid(tilesN * tilesM * batches));
  temps.forEach(releaseStorage);
}

/**
 * routines.linearGrads: dW = g^T @ x and db = sum over rows of g in one dispatch, for
 * g [M, out] and x [M, in] (any strides): the transpose is a stride swap, db the row sums of
 * g^T that the kernel accumulates from the registers it already loaded.
 */
export function linearGrads(g: View, x: View, dW: View, db: View | null): void {
  if (g.shape.length !== 2 || x.shape.length !== 2 || g.shape[0] !== x.shape[0])
    throw new RangeError(
      `webgpu linearGrads: expects g [M, out] and x [M, in], got [${g.shape}] and [${x.shape}]`,
    );
  const gT: View = { ...g, shape: [g.shape[1], g.shape[0]], strides: [g.strides[1], g.strides[0]] };
  if (g.shape[0] === 0) {
    // An empty batch: both gradients are zero (the kernel would not run at all).
    zeroFill(dW);
    if (db) zeroFill(db);
    return;
  }
  matmul(gT, x, dW, db ? { rowSum: db } : undefined);
}

function zeroFill(v: View): void {
  elementwise(E.const(0), [], v);
}
