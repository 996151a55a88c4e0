/**
 * The format layer's tensor: a plain record, independent of the Tensor class, so that file
 * formats can be read, written and tested on their own. `src/io/index.ts` converts it to and from
 * `Tensor`.
 *
 * A RawTensor's dtype is a torchts dtype and its data that dtype's storage array (int64: an
 * Int32Array, torchts's storage for it). Files keep their element types: on load each is copied
 * out of the file into its own dtype (the one copy a tensor gets), with two conversions:
 *   int64 -> int64 over int32 storage (range-checked: a value outside int32 is an error naming it)
 *   float16, bfloat16 -> themselves (their host arrays hold the float32 values, exactly)
 *   bool -> bool (bytes normalised to 0/1)
 * and on save the reverse (`halfBits`/`bfloat16Bits` give the 16-bit words back).
 */
import { type DType, halfDecodeTable, isFloat, typedArrayFor } from '../tensor/dtype.js';
import { CheckpointError, check } from './errors.js';

export type RawDType = DType;
/** float16/bfloat16 data is a Float32Array of 16-bit values (torchts's storage for them). */
export type RawData = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface RawTensor {
  dtype: RawDType;
  /** Row-major shape; `[]` is a scalar. */
  shape: number[];
  /** Contiguous row-major elements, `prod(shape)` of them. */
  data: RawData;
  /** Set on tensors that PyTorch pickled as `nn.Parameter` with requires_grad. */
  requiresGrad?: boolean;
}

/** Element types that checkpoint files may hold: every torchts dtype. */
export type SourceDType = DType;

export const ITEM_SIZE: Record<SourceDType, number> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** The dtype a file's element type loads as: itself. */
export const STORED_AS: Record<SourceDType, RawDType> = {
  float64: 'float64',
  float32: 'float32',
  float16: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** Bytes per element of a RawTensor's data (int64: 4, its Int32Array storage). */
export const rawItemSize = (d: RawDType): number => typedArrayFor(d, 0).BYTES_PER_ELEMENT;
/** Whether a RawTensor of this dtype may require gradients. */
export const rawIsFloat = (d: RawDType): boolean => isFloat(d);

const RAW_DTYPES = new Set<string>(Object.values(STORED_AS));

/** Whether a file element of `src` is copied byte for byte into its storage array. */
const byteCopied = (src: SourceDType): boolean => src !== 'int64' && src !== 'float16' && src !== 'bfloat16';

export { bfloat16Bits, halfBits } from '../tensor/dtype.js';

/** Structural check for a RawTensor leaf (dtype, shape and a typed array of the right class and length). */
export function isRawTensor(v: unknown): v is RawTensor {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Partial<RawTensor>;
  if (typeof t.dtype !== 'string' || !RAW_DTYPES.has(t.dtype) || !Array.isArray(t.shape)) return false;
  const ctor = typedArrayFor(t.dtype, 0).constructor as new () => RawData;
  return t.data instanceof ctor && t.data.length === t.shape.reduce((a: number, b: number) => a * b, 1);
}

/** Number of elements of `shape`, validated: non-negative safe integers whose product is <= `max`. */
export function checkedNumel(shape: readonly unknown[], max: number, what: () => string): number {
  for (const d of shape)
    check(
      typeof d === 'number' && Number.isSafeInteger(d) && d >= 0,
      () => `${what()}: bad dimension ${String(d)} in shape`,
    );
  const dims = shape as number[];
  if (dims.includes(0)) return 0; // empty, whatever the other dims say
  let n = 1;
  for (const d of dims) {
    n *= d;
    check(
      n <= max,
      () => `${what()}: shape [${dims.join(', ')}] holds more elements than the data can (${max})`,
    );
  }
  return n;
}

/**
 * A cap on the bytes of tensor data one load may produce. Views of one storage (shared
 * storages, overlapping or zero-stride views) can multiply a small file into a huge amount of
 * memory; every materialised tensor draws from this budget first.
 */
export class ByteBudget {
  constructor(
    private remaining: number,
    private readonly fileBytes: number,
  ) {}
  take(bytes: number, what: string): void {
    if (bytes > this.remaining)
      throw new CheckpointError(
        `${what}: materialising it would exceed the load's budget for tensor data ` +
          `(${this.fileBytes} byte file; pass a larger maxBytes to allow)`,
      );
    this.remaining -= bytes;
  }
  /** The default: every tensor could grow 4x (int64 -> its bytes twice, float16 -> float32) and be shared twice, plus 256 MiB. */
  static forFile(fileBytes: number, maxBytes?: number): ByteBudget {
    return new ByteBudget(ByteBudget.limitFor(fileBytes, maxBytes), fileBytes);
  }
  static limitFor(fileBytes: number, maxBytes?: number): number {
    return maxBytes ?? 8 * fileBytes + 256 * 2 ** 20;
  }
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const halfTable = (): Float32Array => halfDecodeTable('float16');

function int64Overflow(lo: number, hi: number, what: string): never {
  const v = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  throw new CheckpointError(`${what}: int64 value ${v} does not fit int32 (torchts stores int64 as int32)`);
}

type Reader = (dv: DataView, byteOffset: number) => number;

/** Element reader for any byte order (the slow, general path: strided views, big-endian data). */
function reader(src: SourceDType, le: boolean, what: string): Reader {
  switch (src) {
    case 'float64':
      return (dv, o) => dv.getFloat64(o, le);
    case 'float32':
      return (dv, o) => dv.getFloat32(o, le);
    case 'float16': {
      const t = halfTable();
      return (dv, o) => t[dv.getUint16(o, le)];
    }
    case 'bfloat16': {
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      return (dv, o) => {
        u[0] = dv.getUint16(o, le) << 16;
        return f[0];
      };
    }
    case 'int64':
      return (dv, o) => {
        const lo = dv.getInt32(le ? o : o + 4, le);
        const hi = dv.getInt32(le ? o + 4 : o, le);
        if (hi !== lo >> 31) int64Overflow(lo, hi, what);
        return lo;
      };
    case 'int32':
      return (dv, o) => dv.getInt32(o, le);
    case 'int16':
      return (dv, o) => dv.getInt16(o, le);
    case 'int8':
      return (dv, o) => dv.getInt8(o);
    case 'uint8':
      return (dv, o) => dv.getUint8(o);
    case 'bool':
      return (dv, o) => (dv.getUint8(o) ? 1 : 0);
  }
}

/** A fresh array for n elements of `dtype` (the global constructors, named at the call). */
function allocate(dtype: RawDType, n: number): RawData {
  switch (dtype) {
    case 'float64':
      return new Float64Array(n);
    case 'float32':
    case 'float16':
    case 'bfloat16':
      return new Float32Array(n);
    case 'int64':
    case 'int32':
      return new Int32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
  }
}

/**
 * Converts `n` contiguous elements of type `src` starting at `bytes[0]` into a fresh typed
 * array of the stored dtype. This is the single copy a tensor's data gets on load: a byte copy
 * where the file's element type is the stored one, a converting loop for int64 and 16-bit floats.
 *
 * With `view`, data stored as it is in the file, aligned and little-endian, is returned as a view of
 * `bytes` instead (no copy): for callers that copy it once themselves (a backend upload) and
 * drop the view, so the file's bytes are not pinned or aliased by a live tensor.
 */
export function convertContiguous(
  bytes: Uint8Array,
  src: SourceDType,
  n: number,
  le: boolean,
  what: string,
  view = false,
): RawData {
  const size = ITEM_SIZE[src];
  check(bytes.length >= n * size, () => `${what}: needs ${n * size} bytes, the file has ${bytes.length}`);
  const aligned = (bytes.byteOffset % size === 0) as boolean;
  const same = byteCopied(src);
  if (view && le && HOST_LE && aligned && same && src !== 'bool') {
    const ctor = typedArrayFor(src, 0).constructor as new (
      b: ArrayBufferLike,
      o: number,
      n: number,
    ) => RawData;
    return new ctor(bytes.buffer, bytes.byteOffset, n);
  }
  const out = allocate(STORED_AS[src], n);
  if (le && HOST_LE) {
    if (same) {
      new Uint8Array(out.buffer).set(bytes.subarray(0, n * size));
      if (src === 'bool') for (let i = 0; i < n; i++) out[i] = out[i] ? 1 : 0;
      return out;
    }
    if (aligned) {
      const { buffer, byteOffset } = bytes;
      switch (src) {
        case 'float16': {
          const t = halfTable();
          const h = new Uint16Array(buffer, byteOffset, n);
          for (let i = 0; i < n; i++) out[i] = t[h[i]];
          return out;
        }
        case 'bfloat16': {
          const h = new Uint16Array(buffer, byteOffset, n);
          const u = new Uint32Array(out.buffer);
          for (let i = 0; i < n; i++) u[i] = h[i] << 16;
          return out;
        }
        case 'int64': {
          const w = new Int32Array(buffer, byteOffset, 2 * n);
          for (let i = 0; i < n; i++) {
            const lo = w[2 * i];
            const hi = w[2 * i + 1];
            if (hi !== lo >> 31) int64Overflow(lo, hi, what);
            out[i] = lo;
          }
          return out;
        }
      }
    }
  }
  const read = reader(src, le, what);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = read(dv, i * size);
  return out;
}

/**
 * Materialises a strided view of a storage as a contiguous tensor: element `[i0, i1, ...]` is
 * storage element `offset + sum(ik * stride[k])`. Shapes, strides and offset are validated
 * against the storage's real size first, so a lying header cannot index past the file.
 */
export function materialize(
  storage: Uint8Array,
  src: SourceDType,
  le: boolean,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  what: string,
  budget?: ByteBudget,
  view = false,
): RawTensor {
  const dtype = STORED_AS[src];
  const storageNumel = Math.floor(storage.length / ITEM_SIZE[src]);
  check(Number.isSafeInteger(offset) && offset >= 0, () => `${what}: bad storage offset ${offset}`);
  check(stride.length === shape.length, () => `${what}: ${stride.length} strides for ${shape.length} dims`);
  const n = checkedNumel(shape, 2 ** 31 - 1, () => what);
  let last = offset; // index of the last element the view reads
  for (let k = 0; k < shape.length; k++) {
    const s = stride[k];
    check(Number.isSafeInteger(s) && s >= 0, () => `${what}: bad stride ${s}`);
    if (n > 0) last += (shape[k] - 1) * s;
  }
  if (n === 0) return { dtype, shape: [...shape], data: allocate(dtype, 0) };
  budget?.take(n * rawItemSize(dtype), what);
  check(
    last < storageNumel,
    () =>
      `${what}: view (offset ${offset}, shape [${shape}], stride [${stride}]) reads element ${last} of a storage of ${storageNumel}`,
  );
  let contiguous = true;
  for (let k = shape.length - 1, expect = 1; k >= 0; k--) {
    if (shape[k] !== 1 && stride[k] !== expect) contiguous = false;
    expect *= shape[k];
  }
  const size = ITEM_SIZE[src];
  if (contiguous) {
    const data = convertContiguous(
      storage.subarray(offset * size, (offset + n) * size),
      src,
      n,
      le,
      what,
      view,
    );
    return { dtype, shape: [...shape], data };
  }
  // General strided walk: an odometer over the outer dims, a tight loop over the last one.
  const out = allocate(dtype, n);
  const read = reader(src, le, what);
  const dv = new DataView(storage.buffer, storage.byteOffset, storage.byteLength);
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  const inner = shape[r - 1];
  const innerStride = stride[r - 1] * size;
  let base = offset;
  for (let o = 0; o < n; o += inner) {
    let p = base * size;
    for (let j = 0; j < inner; j++, p += innerStride) out[o + j] = read(dv, p);
    for (let k = r - 2; k >= 0; k--) {
      idx[k]++;
      base += stride[k];
      if (idx[k] < shape[k]) break;
      base -= stride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return { dtype, shape: [...shape], data: out };
}
