// The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"):
//   bytes 0-1: 0x00 0x00; byte 2: element type; byte 3: ndim;
//   then ndim big-endian uint32 sizes, then the elements, big-endian, row-major.
// Files are usually distributed gzipped; readIdx gunzips when it sees the gzip magic 1f 8b, and checks
// the gzip trailer's CRC-32 and size (fflate does not), so a damaged file fails instead of training.
import { gunzipSync } from 'fflate';

/** Element types of IDX (byte 2 of the magic) and the array each one is read into. */
const IDX_TYPES = {
  8: { name: 'uint8', size: 1 }, // 0x08 ubyte
  9: { name: 'int8', size: 1 }, // 0x09 byte
  11: { name: 'int16', size: 2 }, // 0x0B short
  12: { name: 'int32', size: 4 }, // 0x0C int
  13: { name: 'float32', size: 4 }, // 0x0D float
  14: { name: 'float64', size: 8 }, // 0x0E double
} as const;

export type IdxDType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  /** Sizes from the header, outermost first: `[60000, 28, 28]` for MNIST training images. */
  dims: number[];
  dtype: IdxDType;
  /** The elements in row-major order, converted to the host's byte order. */
  data: IdxArray;
}

/** A malformed IDX file; the message starts with the file's name. */
export class IdxError extends Error {
  /** 'IdxError'. */
  override name = 'IdxError';
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
/** CRC-32 (IEEE 802.3, gzip's), unsigned. ~25 ms for the 7.8 MB of the bundled digits. */
function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * gunzip, then the checks of RFC 1952's trailer (the last 8 bytes: CRC-32 and length mod 2^32 of
 * the data, little-endian) that fflate's gunzipSync skips. One gzip member, as MNIST's files are.
 */
function gunzipChecked(bytes: Uint8Array, source: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes);
  } catch (e) {
    throw new IdxError(`${source}: corrupt gzip data (${(e as Error).message})`);
  }
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  const size = trailer.getUint32(4, true);
  if (size !== out.length % 2 ** 32)
    throw new IdxError(
      `${source}: corrupt gzip data (length check failed: the trailer says ${size} bytes, ${out.length} were inflated)`,
    );
  const want = trailer.getUint32(0, true);
  const got = crc32(out);
  if (got !== want)
    throw new IdxError(
      `${source}: corrupt gzip data (CRC-32 check failed: the trailer says ${hex8(want)}, the data has ${hex8(got)})`,
    );
  return out;
}
const hex8 = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
const hex = (v: number) => `0x${v.toString(16).padStart(2, '0')}`;

/**
 * Parses an IDX file (plain or gzipped). `source` names the file in error messages.
 * A uint8 file's `data` is a view of `bytes` (or of the gunzipped copy), not a copy.
 * @example
 * const { dims, data } = readIdx(readFileSync('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz');
 * // dims = [10000], data: Uint8Array of the labels
 */
export function readIdx(bytes: Uint8Array, source = 'IDX data'): IdxTensor {
  if (isGzip(bytes)) bytes = gunzipChecked(bytes, source);
  if (bytes.length < 4)
    throw new IdxError(`${source}: truncated IDX header: ${bytes.length} bytes, an IDX file starts with 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new IdxError(
      `${source}: bad IDX magic ${hex(bytes[0])} ${hex(bytes[1])} (expected 0x00 0x00): not an IDX file`,
    );
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (!type)
    throw new IdxError(
      `${source}: unknown IDX element type ${hex(bytes[2])} (known: 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, 0x0e double)`,
    );
  const ndim = bytes[3];
  if (ndim === 0) throw new IdxError(`${source}: IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    throw new IdxError(
      `${source}: truncated IDX header: ${ndim} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, d) => a * d, 1);
  const want = count * type.size;
  const have = bytes.length - headerBytes;
  if (have !== want) {
    const what = `header declares [${dims.join(', ')}] ${type.name} = ${want} bytes of data`;
    if (have < want) throw new IdxError(`${source}: truncated IDX data: ${what}, only ${have} follow`);
    throw new IdxError(`${source}: IDX size mismatch: ${what}, but ${have} follow (${have - want} extra)`);
  }
  return { dims, dtype: type.name, data: decode(type.name, bytes, view, headerBytes, count) };
}

function decode(dtype: IdxDType, bytes: Uint8Array, view: DataView, off: number, n: number): IdxArray {
  switch (dtype) {
    case 'uint8':
      return bytes.subarray(off, off + n);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + off, n);
    case 'int16': {
      const a = new Int16Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt16(off + 2 * i, false);
      return a;
    }
    case 'int32': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt32(off + 4 * i, false);
      return a;
    }
    case 'float32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat32(off + 4 * i, false);
      return a;
    }
    case 'float64': {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat64(off + 8 * i, false);
      return a;
    }
  }
}

/**
 * Encodes an IDX file (the inverse of readIdx, uncompressed); used by tests and to export data.
 * @example writeIdx([2, 2], Uint8Array.of(0, 1, 2, 3)) // 0x00 0x00 0x08 0x02 | 0 0 0 2 | 0 0 0 2 | 0 1 2 3
 */
export function writeIdx(dims: number[], data: IdxArray): Uint8Array {
  const entry = Object.entries(IDX_TYPES).find(([, t]) => t.name === dtypeOf(data));
  if (!entry) throw new IdxError(`writeIdx: unsupported array type ${data.constructor.name}`);
  const [code, type] = entry;
  const count = dims.reduce((a, d) => a * d, 1);
  if (count !== data.length)
    throw new IdxError(`writeIdx: dims [${dims.join(', ')}] hold ${count} elements, data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + count * type.size);
  const view = new DataView(out.buffer);
  out[2] = Number(code);
  out[3] = dims.length;
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i], false);
  const off = 4 + 4 * dims.length;
  for (let i = 0; i < count; i++) {
    const p = off + i * type.size;
    if (data instanceof Uint8Array) view.setUint8(p, data[i]);
    else if (data instanceof Int8Array) view.setInt8(p, data[i]);
    else if (data instanceof Int16Array) view.setInt16(p, data[i], false);
    else if (data instanceof Int32Array) view.setInt32(p, data[i], false);
    else if (data instanceof Float32Array) view.setFloat32(p, data[i], false);
    else view.setFloat64(p, data[i], false);
  }
  return out;
}

function dtypeOf(a: IdxArray): IdxDType | undefined {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return undefined;
}
