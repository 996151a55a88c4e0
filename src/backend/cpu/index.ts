/**
 * The CPU backend: typed-array storage and the primitive kernels. Pointwise math is compiled
 * from `Ex` trees (compile.ts); matmul goes to the blocked GEMM (gemm.ts).
 */
import {
  arrayClassOf,
  type DType,
  decodeHalf,
  encodeHalf,
  isFloat,
  isHalf,
  itemSize,
  type TypedArray,
  typedArrayFor,
} from '../../tensor/dtype.js';
import { fmtBytes, OutOfMemoryError } from '../../tensor/errors.js';
import type { Backend, DeviceTypeInfo, MatmulOptions, ReduceOp, Storage, View } from '../backend.js';
import { contiguousStrides, indexOutOfBounds, isContiguousView, numelOf } from '../backend.js';
import { constantsOf, type Ex } from '../expr.js';
import { installHalf } from '../half.js';
import { philoxFill } from '../philox.js';
import { coalesce, compileElementwise, jsKernels } from './compile.js';
import { elementwiseWasm, wasmEwise } from './ewise-wasm.js';
import { sgemm } from './gemm.js';
import { dgemm } from './gemm-f64.js';
import { type Heap, heap, heapModule, totalMemory, wasmKernels } from './heap.js';
import { linalg } from './linalg.js';
import { cpuRoutines } from './routines.js';
import { sortRows } from './sort.js';
import { type CpuStorage, dataOf, heapAddr } from './storage.js';
import { philoxUniformFn } from './wasm/philox-kernel.js';
import { copyFn, sumColsFn, sumRowsFn } from './wasm/reduce-kernel.js';

export { type CpuStorage, dataOf, heapAddr, heapIndex } from './storage.js';

/** float16/bfloat16 storage is Uint16Array bit patterns (2 bytes an element); the rest as their host arrays. */
const viewFor = (d: DType, buf: ArrayBufferLike, off: number, n: number): TypedArray =>
  isHalf(d) ? (new Uint16Array(buf, off, n) as unknown as TypedArray) : new (arrayClassOf(d))(buf, off, n);

/**
 * A storage in the CPU heap: `data` is a typed-array view of its block, taken again after the
 * memory grew (a plain wasm memory detaches its old buffer on growth).
 */
export class HeapStorage implements CpuStorage {
  readonly device = 'cpu' as const;
  refs = 0;
  version = 0;
  born = 0;
  writtenAt = 0;
  writeLog: number[] | null = null;
  freed?: boolean;
  /** Taken on first use only: storages that only wasm kernels touch never need one. */
  private v: TypedArray | null = null;
  private epoch = -1;

  constructor(
    readonly dtype: DType,
    readonly size: number,
    public heapOff: number,
    private readonly h: Heap,
  ) {}

  get data(): TypedArray {
    if (this.epoch !== this.h.epoch) {
      if (this.heapOff < 0) return null as unknown as TypedArray; // released: any use fails loudly
      this.epoch = this.h.epoch;
      this.v = viewFor(this.dtype, this.h.memory.buffer, this.heapOff, this.size);
    }
    return this.v as TypedArray;
  }

  release(): void {
    this.h.release(this.heapOff, this.size * itemSize(this.dtype));
    this.v = null;
    this.heapOff = -1;
    this.epoch = -1;
  }
}

/**
 * Without the heap (no wasm SIMD, or kernels switched off): plain typed arrays. Freed arrays
 * are kept by (dtype, size) and handed out again: a training loop allocates the same sizes
 * every step, and a fresh large typed array costs far more than the arithmetic on it (zeroing
 * plus the GC pressure of external memory). Bounded in bytes.
 */
const pool = new Map<string, TypedArray[]>();
let pooledBytes = 0;
const POOL_LIMIT = 256 * 2 ** 20;

function outOfMemory(size: number, dtype: DType, why: string): OutOfMemoryError {
  const bytes = size * itemSize(dtype);
  return new OutOfMemoryError(
    `CPU out of memory: tried to allocate ${fmtBytes(bytes)} (a ${dtype} tensor of ${size} elements); ${why}`,
  );
}

function alloc(size: number, dtype: DType): CpuStorage {
  // Absurd sizes fail at once, before anything is touched (a 4 TiB request must not page for a minute).
  if (size * itemSize(dtype) > totalMemory)
    throw outOfMemory(size, dtype, `this machine has ${fmtBytes(totalMemory)} of memory in total`);
  if (wasmKernels.enabled && heap && size > 0) {
    const off = heap.alloc(size * itemSize(dtype));
    if (off >= 0) return new HeapStorage(dtype, size, off, heap);
  }
  const list = pool.get(`${dtype}:${size}`);
  const data = list?.pop();
  if (data) pooledBytes -= data.byteLength;
  return {
    device: 'cpu',
    dtype,
    size,
    refs: 0,
    version: 0,
    born: 0,
    writtenAt: 0,
    writeLog: null,
    heapOff: -1,
    data: data ?? plainArray(dtype, size),
  };
}

function plainArray(dtype: DType, size: number): TypedArray {
  try {
    return isHalf(dtype) ? (new Uint16Array(size) as unknown as TypedArray) : typedArrayFor(dtype, size);
  } catch (e) {
    if (e instanceof RangeError)
      throw outOfMemory(size, dtype, `the JavaScript engine could not allocate it (${e.message})`);
    throw e;
  }
}

function release(s: Storage): void {
  if (s.freed) return;
  s.freed = true;
  if (s instanceof HeapStorage) {
    s.release();
    return;
  }
  const st = s as CpuStorage & { data: TypedArray | null };
  const d = st.data;
  if (d && d.byteLength >= 1024 && pooledBytes + d.byteLength <= POOL_LIMIT) {
    const key = `${s.dtype}:${s.size}`;
    let list = pool.get(key);
    if (!list) pool.set(key, (list = []));
    list.push(d);
    pooledBytes += d.byteLength;
  }
  // The storage object may outlive its release (a stale view): make any use fail loudly.
  (st as { data: TypedArray | null }).data = null;
}

/**
 * Drops the pooled plain arrays (torch.cuda.empty_cache's CPU counterpart). Heap blocks stay
 * on their free lists: a WebAssembly.Memory cannot shrink.
 */
export function emptyCpuCache(): void {
  pool.clear();
  pooledBytes = 0;
}

/** Contiguous copy of a view's elements (or the underlying array itself when it already is). */
function readSync(v: View): TypedArray {
  const src = dataOf(v);
  const n = numelOf(v.shape);
  // float16/bfloat16: the words decoded to a Float32Array of their values.
  if (isHalf(v.dtype) && isContiguousView(v))
    return decodeHalf(v.dtype, (src as unknown as Uint16Array).subarray(v.offset, v.offset + n));
  const out = typedArrayFor(v.dtype, n);
  // set, not slice: on a shared (heap) memory slice copies word by word, 4x slower (200 KB:
  // 43 vs 10 us), and the copy of every batch uploaded to the GPU goes through here.
  if (isContiguousView(v)) {
    out.set(src.subarray(v.offset, v.offset + n));
    return out;
  }
  const o: View = {
    storage: { data: out, heapOff: -1 } as unknown as Storage,
    dtype: isHalf(v.dtype) ? 'float32' : v.dtype,
    shape: v.shape,
    strides: contiguousStrides(v.shape),
    offset: 0,
  };
  elementwise({ k: 'in', i: 0 }, [v], o);
  return out;
}

/**
 * Elementwise kernels compiled since the last `resetCpuStats()` (generated JS and wasm SIMD
 * modules; both caches key by structure, so a warm loop compiles 0), and how many are held.
 */
export interface CpuStats {
  kernelCompiles: number;
  cachedKernels: number;
}
const statsBase = { js: 0, wasm: 0 };
export const cpuStats = (): CpuStats => ({
  kernelCompiles: jsKernels.compiles - statsBase.js + wasmEwise.compiles - statsBase.wasm,
  cachedKernels: jsKernels.cached() + wasmEwise.cached(),
});
export function resetCpuStats(): void {
  statsBase.js = jsKernels.compiles;
  statsBase.wasm = wasmEwise.compiles;
}

function elementwise(e: Ex, inputs: readonly View[], out: View): void {
  if (numelOf(out.shape) === 0) return;
  if (wasmKernels.enabled && elementwiseWasm(e, inputs, out, heapAddr)) return;
  const kernel = compileElementwise(
    e,
    inputs.map((v) => v.dtype),
    out.dtype,
  );
  const { shape, strides } = coalesce(out.shape, [out.strides, ...inputs.map((v) => v.strides)]);
  kernel(
    [dataOf(out), ...inputs.map(dataOf)],
    [out.offset, ...inputs.map((v) => v.offset)],
    strides,
    shape,
    constantsOf(e),
  );
}

/** Offsets of every element of the leading `rank` dims of a view (row-major order). */
function outerOffsets(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
): Int32Array | Float64Array {
  const n = numelOf(shape);
  const offs = n < 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  let p = base;
  for (let i = 0; i < n; i++) {
    offs[i] = p;
    for (let d = r - 1; d >= 0; d--) {
      p += strides[d];
      if (++idx[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return offs;
}

type Kernels = {
  sumRows: (x: number, rows: number, m: number, step: number, out: number) => void;
  sumCols: (x: number, cols: number, m: number, step: number, out: number) => void;
  copy: (dst: number, src: number, bytes: number) => void;
};
let kernels: Kernels | null = null;
/** The reduction and copy kernels (wasm/reduce-kernel.ts), compiled on first use. */
const wasmUtil = (): Kernels =>
  (kernels ??= heapModule<Kernels>({ sumRows: sumRowsFn(), sumCols: sumColsFn(), copy: copyFn() }));

/**
 * float32 sums of heap tensors in wasm SIMD where the reduced and the kept dims each coalesce
 * to one: rows of contiguous elements (a mean over the last dim), or columns (a sum over the
 * batch dim: bias gradients), which are summed 4 outputs at a time. false: run in JS.
 */
function sumWasm(x: View, axes: number, out: View): boolean {
  const xa = heapAddr(x);
  const oa = heapAddr(out);
  if (xa < 0 || oa < 0 || x.dtype !== 'float32' || out.dtype !== 'float32') return false;
  const r = x.shape.length;
  const outer = coalesce(x.shape.slice(0, r - axes), [x.strides.slice(0, r - axes)]);
  const inner = coalesce(x.shape.slice(r - axes), [x.strides.slice(r - axes)]);
  if (outer.shape.length !== 1 || inner.shape.length !== 1) return false;
  const rows = outer.shape[0];
  const m = inner.shape[0];
  const so = outer.strides[0][0];
  const si = inner.strides[0][0];
  if (si === 1 || m === 1) wasmUtil().sumRows(xa, rows, m, so * 4, oa);
  else if (so === 1) wasmUtil().sumCols(xa, rows, m, si * 4, oa);
  else return false;
  return true;
}

function reduce(op: ReduceOp, x: View, axes: number, out: View): void {
  if (op === 'sum' && wasmKernels.enabled && sumWasm(x, axes, out)) return;
  const r = x.shape.length;
  const outerShape = x.shape.slice(0, r - axes);
  const inner = coalesce(x.shape.slice(r - axes), [x.strides.slice(r - axes)]);
  const src = dataOf(x);
  const dst = dataOf(out);
  const bases = outerOffsets(outerShape, x.strides.slice(0, r - axes), x.offset);
  const m = numelOf(inner.shape);
  // Inner offsets relative to the row base: one flat walk per output element.
  const rel = inner.shape.length === 1 ? null : outerOffsets(inner.shape, inner.strides[0], 0);
  const s = inner.strides[0][0];
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i];
    let acc: number;
    let arg = 0;
    if (op === 'sum') {
      acc = 0;
      for (let j = 0; j < m; j++) acc += src[b + (rel ? rel[j] : j * s)];
    } else if (op === 'prod') {
      acc = 1;
      for (let j = 0; j < m; j++) acc *= src[b + (rel ? rel[j] : j * s)];
    } else {
      const isMax = op === 'max' || op === 'argmax';
      acc = isMax ? -Infinity : Infinity;
      if (m === 0) acc = Number.NaN;
      for (let j = 0; j < m; j++) {
        const v = src[b + (rel ? rel[j] : j * s)];
        if (v !== v) {
          acc = v;
          arg = j;
          break; // NaN wins and the first one is reported
        }
        if (isMax ? v > acc : v < acc) {
          acc = v;
          arg = j;
        } else if (j === 0) arg = 0;
      }
    }
    // int64 is stored as int32: a sum or product beyond it is refused, not wrapped.
    if (out.dtype === 'int64' && (op === 'sum' || op === 'prod') && (acc > 2147483647 || acc < -2147483648))
      throw new RangeError(
        `${op}: the int64 result ${acc} does not fit int32 (torchts stores int64 as int32)`,
      );
    dst[out.offset + i] = op === 'argmax' || op === 'argmin' ? arg : acc;
  }
}

function matmul(a: View, b: View, out: View, opts?: MatmulOptions): void {
  const r = out.shape.length;
  const [M, N] = [out.shape[r - 2], out.shape[r - 1]];
  const K = a.shape[r - 1];
  const batchShape = out.shape.slice(0, r - 2);
  const aB = outerOffsets(batchShape, a.strides.slice(0, r - 2), a.offset);
  const bB = outerOffsets(batchShape, b.strides.slice(0, r - 2), b.offset);
  const A = dataOf(a) as Float32Array;
  const B = dataOf(b) as Float32Array;
  const C = dataOf(out) as Float32Array;
  const bias = opts?.bias;
  // float64: a plain JS blocked GEMM in doubles (gemm-f64.ts); the SIMD engines are float32.
  const gemm = out.dtype === 'float64' ? (dgemm as unknown as typeof sgemm) : sgemm;
  // perflstm: a broadcast B (the same matrix for every batch index: linear on [T, B, E]) with
  // A's batches one row stride apart is one product of batch * M rows: B is packed once.
  const rsA = a.strides[r - 2];
  let fold = aB.length > 1;
  for (let i = 1; fold && i < aB.length; i++) fold = bB[i] === bB[0] && aB[i] === aB[0] + i * M * rsA;
  const calls = fold ? 1 : aB.length;
  const rows = fold ? aB.length * M : M;
  for (let i = 0; i < calls; i++) {
    gemm(
      rows,
      N,
      K,
      A,
      aB[i],
      a.strides[r - 2],
      a.strides[r - 1],
      B,
      bB[i],
      b.strides[r - 2],
      b.strides[r - 1],
      C,
      out.offset + i * M * N,
      N,
      {
        bias: bias ? (dataOf(bias) as Float32Array) : undefined,
        biasOff: bias?.offset ?? 0,
        biasStride: bias?.strides[0] ?? 1,
        relu: opts?.activation === 'relu',
        keepB: opts?.keepB,
      },
    );
  }
}

/** Element offsets of `index`'s shape walked with another view's strides, `dim` excluded. */
function walkOffsets(index: View, other: View, dim: number): Int32Array | Float64Array {
  const st = other.strides.slice();
  st[dim] = 0;
  return outerOffsets(index.shape, st, other.offset);
}

function gather(x: View, dim: number, index: View, out: View, opName = 'gather'): void {
  const X = dataOf(x);
  const I = dataOf(index);
  const O = dataOf(out);
  const size = x.shape[dim];
  const xs = x.strides[dim];
  if (index.strides.every((st, d) => d === dim || st === 0 || index.shape[d] === 1)) {
    // index_select / embedding / a DataLoader batch: the index is broadcast over every other
    // dim, so each index value picks a whole hyperplane: copy planes, not elements.
    const plane = out.shape.map((d, i) => (i === dim ? 1 : d));
    const xPlane: View = { ...x, shape: plane };
    const oPlane: View = { ...out, shape: plane };
    const flat = isContiguousView(xPlane) && isContiguousView(oPlane);
    const n = numelOf(plane);
    // Both in the heap: a wasm SIMD copy per plane (on a shared memory TypedArray.set is a
    // relaxed-atomic word copy, ~4x slower).
    const xa = flat ? heapAddr(x) : -1;
    const oa = flat ? heapAddr(out) : -1;
    const bytes = itemSize(x.dtype);
    for (let j = 0; j < index.shape[dim]; j++) {
      const k = I[index.offset + j * index.strides[dim]];
      if (k < 0 || k >= size) throw indexOutOfBounds(opName, k, dim, size, x.shape);
      const xo = x.offset + k * xs;
      const oo = out.offset + j * out.strides[dim];
      if (xa >= 0 && oa >= 0)
        wasmUtil().copy(oa + (oo - out.offset) * bytes, xa + (xo - x.offset) * bytes, n * bytes);
      else if (flat) O.set(X.subarray(xo, xo + n), oo);
      else elementwise({ k: 'in', i: 0 }, [{ ...xPlane, offset: xo }], { ...oPlane, offset: oo });
    }
    return;
  }
  const ip = outerOffsets(index.shape, index.strides, index.offset);
  const op = outerOffsets(out.shape, out.strides, out.offset);
  const xp = walkOffsets(index, x, dim);
  for (let i = 0; i < ip.length; i++) {
    const k = I[ip[i]];
    if (k < 0 || k >= size) throw indexOutOfBounds(opName, k, dim, size, x.shape);
    O[op[i]] = X[xp[i] + k * xs];
  }
}

function scatterAdd(out: View, dim: number, index: View, src: View): void {
  const S = dataOf(src);
  const I = dataOf(index);
  const O = dataOf(out);
  const size = out.shape[dim];
  const os = out.strides[dim];
  if (dim === 0 && index.shape.length === 2 && (index.strides[1] === 0 || index.shape[1] === 1)) {
    // perflstm: embedding's backward (an index broadcast along rows): whole rows, in the
    // generic loop's order, without its three offset tables of index.numel() entries.
    const [J, Cn] = index.shape;
    const [o1, s0, s1] = [out.strides[1], src.strides[0], src.strides[1]];
    for (let j = 0; j < J; j++) {
      const k = I[index.offset + j * index.strides[0]];
      if (k < 0 || k >= size) throw indexOutOfBounds('scatter_add', k, dim, size, out.shape);
      const ob = out.offset + k * os;
      const sb = src.offset + j * s0;
      for (let c = 0; c < Cn; c++) O[ob + c * o1] += S[sb + c * s1];
    }
    return;
  }
  const ip = outerOffsets(index.shape, index.strides, index.offset);
  const sp = outerOffsets(index.shape, src.strides, src.offset);
  const op = walkOffsets(index, out, dim);
  for (let i = 0; i < ip.length; i++) {
    const k = I[ip[i]];
    if (k < 0 || k >= size) throw indexOutOfBounds('scatter_add', k, dim, size, out.shape);
    O[op[i] + k * os] += S[sp[i]];
  }
}

const random: Backend['random'] = (kind, out, seed, offset, a, b) => {
  const n = numelOf(out.shape);
  const d = dataOf(out) as Float32Array;
  if (!isFloat(out.dtype)) throw new TypeError(`cpu random: out must be floating point, got ${out.dtype}`);
  const at = kind === 'uniform' && n > 0 && out.dtype === 'float32' ? heapAddr(out) : -1;
  if (at >= 0) {
    philoxWasm ??= heapModule<{ k: PhiloxFn }>({ k: philoxUniformFn() }).k;
    philoxWasm(
      at,
      n,
      offset >>> 0,
      Math.floor(offset / 4294967296) >>> 0,
      seed[0] | 0,
      seed[1] | 0,
      a,
      b - a,
    );
    return;
  }
  philoxFill(kind, d.subarray(out.offset, out.offset + n), seed, offset, a, b);
};
type PhiloxFn = (
  out: number,
  n: number,
  lo: number,
  hi: number,
  k0: number,
  k1: number,
  a: number,
  s: number,
) => void;
/** The uniform fill in wasm (wasm/philox-kernel.ts; the same stream as philoxFill), compiled on first use. */
let philoxWasm: PhiloxFn | undefined;

export const cpuBackend: Backend & { readSync(v: View): TypedArray } = installHalf({
  type: 'cpu',
  alloc,
  release,
  write(s, data, offset = 0) {
    // float16/bfloat16: values are encoded to their 16-bit words (rounded) on the way in.
    const d = (s as CpuStorage).data;
    if (isHalf(s.dtype)) {
      if (offset < 0 || offset + data.length > d.length)
        throw new RangeError(
          `cpu write: ${data.length} elements at offset ${offset} overflow a storage of ${d.length}`,
        );
      encodeHalf(s.dtype, data, d as unknown as Uint16Array, offset);
    } else d.set(data, offset);
  },
  read: async (v) => readSync(v),
  readSync,
  elementwise,
  reduce,
  matmul,
  gather,
  scatterAdd,
  random,
  linalg,
  synchronize: async () => {},
  routines: cpuRoutines({ alloc, elementwise, release, matmul, reduce }),
  // ── sort/misc (helper sortmisc) ──
  sort: sortRows,
});

/** The CPU's entry in the device registry (registry.ts). */
export const cpuDeviceType: DeviceTypeInfo = {
  type: 'cpu',
  label: 'CPU',
  backend: () => cpuBackend,
  isAvailable: () => true,
};
