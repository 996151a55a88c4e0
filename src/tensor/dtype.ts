/**
 * dtypes and PyTorch's promotion rules, defined once: every dtype is one row of `INFO` (its
 * category, storage array, storage bytes, PyTorch name, integer range), and everything else
 * (promotion, result_type, iinfo/finfo, storage allocation, casts' wrapping) reads the rows.
 *
 * int64 is stored in an Int32Array (JS numbers and WGSL have no cheap 64-bit integers): values
 * are range-checked on the way in, arithmetic wraps at 32 bits, but the dtype reads `int64`, as
 * PyTorch's does (docs/porting.md). float64 lives only on the CPU (WGSL has no f64).
 * float16 and bfloat16 are stored as 16-bit words (2 bytes per element; `halfBits`/`bfloat16Bits`
 * encode, round to nearest even as PyTorch's conversions, `halfDecodeTable` decodes); on the host
 * (`read`, `write`, `typedArrayFor`) they are Float32Arrays of their values (docs/architecture.md,
 * "16-bit floats").
 * Adding a dtype: a row here, its storage conversion in `typedArrayFor`
 * and the backends' `viewFor` (docs/architecture.md, "Adding a dtype").
 */
import { registerType } from '../signature/bind.js';

/** The dtypes torchts has, by PyTorch's canonical names (int64 is stored as int32, range-checked). */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';
/** A dtype name or one of PyTorch's aliases ('long', 'int', 'float', 'double', 'short', 'char', 'byte', 'half'). */
export type DTypeLike = DType | 'long' | 'int' | 'float' | 'double' | 'short' | 'char' | 'byte' | 'half';

export type TypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

type Kind = 'float' | 'int' | 'bool';
interface DTypeInfo {
  readonly kind: Kind;
  /** Bytes per element in storage (int64: 4, stored as int32). */
  readonly bytes: number;
  /** Width PyTorch gives the dtype (iinfo.bits / finfo.bits). */
  readonly bits: number;
  readonly array: new (n: number) => TypedArray;
  /** Promotion rank within the numeric ladder. */
  readonly rank: number;
}

const INFO: Record<DType, DTypeInfo> = {
  bool: { kind: 'bool', bytes: 1, bits: 8, array: Uint8Array, rank: 0 },
  uint8: { kind: 'int', bytes: 1, bits: 8, array: Uint8Array, rank: 1 },
  int8: { kind: 'int', bytes: 1, bits: 8, array: Int8Array, rank: 1 },
  int16: { kind: 'int', bytes: 2, bits: 16, array: Int16Array, rank: 2 },
  int32: { kind: 'int', bytes: 4, bits: 32, array: Int32Array, rank: 3 },
  int64: { kind: 'int', bytes: 4, bits: 64, array: Int32Array, rank: 4 },
  // 16-bit floats: 16-bit words in storage (bytes: 2); host arrays hold their values as float32.
  float16: { kind: 'float', bytes: 2, bits: 16, array: Float32Array, rank: 5 },
  bfloat16: { kind: 'float', bytes: 2, bits: 16, array: Float32Array, rank: 5 },
  float32: { kind: 'float', bytes: 4, bits: 32, array: Float32Array, rank: 6 },
  float64: { kind: 'float', bytes: 8, bits: 64, array: Float64Array, rank: 7 },
};
export const DTYPES = Object.keys(INFO) as DType[];

const ALIASES: Record<string, DType> = {
  long: 'int64',
  int: 'int32',
  float: 'float32',
  double: 'float64',
  short: 'int16',
  char: 'int8',
  byte: 'uint8',
  half: 'float16',
};

registerType('ScalarType', (v) => typeof v === 'string' && (v in INFO || v in ALIASES), 'a dtype');
declare module '../signature/types.js' {
  interface TypeMap {
    ScalarType: DTypeLike;
  }
}

export function normalizeDType(d: DTypeLike): DType {
  if (typeof d === 'string') {
    if (d in INFO) return d as DType;
    if (d in ALIASES) return ALIASES[d];
  }
  throw new TypeError(`unknown dtype '${String(d)}' (expected one of ${DTYPES.join(', ')})`);
}

export const isFloat = (d: DType): boolean => INFO[d].kind === 'float';
/** Integral, not bool (torch's is_floating_point / is_signed family). */
export const isInt = (d: DType): boolean => INFO[d].kind === 'int';
/** Integer dtypes index tensors may have (PyTorch: int64, and int32 where accepted). */
export const isIndexDType = (d: DType): boolean => d === 'int64' || d === 'int32';

/** Bytes per element in storage (float16/bfloat16: 2; their host arrays are Float32Arrays). */
export const itemSize = (d: DType): number => INFO[d].bytes;
/** Bits PyTorch gives the dtype. */
export const dtypeBits = (d: DType): number => INFO[d].bits;

/** The host array of `n` elements of `d` (float16/bfloat16: a Float32Array of their values). */
export function typedArrayFor(d: DType, n: number): TypedArray {
  return new INFO[d].array(n);
}

/** The array class of a dtype's host data, to view raw bytes (storage of float16/bfloat16: Uint16Array). */
export const arrayClassOf = (d: DType): { new (b: ArrayBufferLike, off: number, n: number): TypedArray } =>
  INFO[d].array as unknown as { new (b: ArrayBufferLike, off: number, n: number): TypedArray };

/** The floating dtype an op that needs one computes in: float dtypes stay, others take the default. */
export const floatOf = (d: DType): DType => (isFloat(d) ? d : defaultFloat.dtype);

/** torch.get_default_dtype / set_default_dtype live in tensor/state.ts; dtype.ts reads it here. */
export const defaultFloat: { dtype: 'float32' | 'float64' } = { dtype: 'float32' };

/** torch.promote_types: the smallest dtype both convert to (PyTorch's table; test/tensor/dtype-promotion.test.ts). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ia = INFO[a];
  const ib = INFO[b];
  // uint8 with int8: neither holds the other, int16 holds both.
  if ((a === 'uint8' && b === 'int8') || (a === 'int8' && b === 'uint8')) return 'int16';
  // float16 with bfloat16: neither holds the other, float32 holds both.
  if (ia.bits === 16 && ib.bits === 16 && ia.kind === 'float' && ib.kind === 'float') return 'float32';
  return ia.rank >= ib.rank ? a : b;
}

/** dtype of a JS scalar in PyTorch's sense (a wrapped number): bool, int64, or the default float. */
export function scalarDType(v: number | boolean | bigint): DType {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  return Number.isInteger(v) ? 'int64' : defaultFloat.dtype;
}

const kindRank: Record<Kind, number> = { bool: 0, int: 1, float: 2 };
/** PyTorch's combine_categories: a lower-priority group counts only when its category is higher. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (isFloat(higher)) return higher;
  if (kindRank[INFO[lower].kind] > kindRank[INFO[higher].kind]) return promoteTypes(higher, lower);
  return higher;
}

/**
 * torch.result_type for operands that are tensors (with their rank) or scalars.
 * Dimensioned tensors decide the dtype; zero-dim tensors and scalars only raise the category
 * (bool -> int -> float), as in PyTorch.
 */
export function resultType(
  operands: ReadonlyArray<{ dtype: DType; dim: number } | number | boolean | bigint>,
): DType {
  let dimT: DType | null = null;
  let zeroT: DType | null = null;
  let scal: DType | null = null;
  const up = (acc: DType | null, d: DType) => (acc ? promoteTypes(acc, d) : d);
  for (const o of operands) {
    if (typeof o === 'number' || typeof o === 'boolean' || typeof o === 'bigint')
      scal = up(scal, scalarDType(o));
    else if (o.dim > 0) dimT = up(dimT, o.dtype);
    else zeroT = up(zeroT, o.dtype);
  }
  return combine(dimT, combine(zeroT, scal)) ?? defaultFloat.dtype;
}

/** int64 values are stored as int32: refuse what does not fit instead of wrapping silently. */
export function checkInt32Range(v: number | bigint, what = 'value'): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (!Number.isFinite(n) || n > 2147483647 || n < -2147483648 || !Number.isInteger(n))
    throw new RangeError(`${what} ${String(v)} does not fit int32 (torchts stores int64 as int32)`);
  return n;
}

/** torch.iinfo(dtype): bits, min, max of an integer dtype (int64: PyTorch's 64-bit range, as bigints). */
export interface IInfo {
  readonly bits: number;
  readonly min: number | bigint;
  readonly max: number | bigint;
  readonly dtype: DType;
}
export function iinfo(d: DTypeLike): IInfo {
  const t = normalizeDType(d);
  if (isFloat(t))
    throw new TypeError(`torch.iinfo() requires an integer input type. Use torch.finfo to handle '${t}'`);
  if (t === 'int64') return { bits: 64, min: -(2n ** 63n), max: 2n ** 63n - 1n, dtype: t };
  if (t === 'bool') throw new TypeError('torch.bool is not supported by torch.iinfo');
  const bits = INFO[t].bits;
  return t === 'uint8'
    ? { bits, min: 0, max: 255, dtype: t }
    : { bits, min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1, dtype: t };
}

/** torch.finfo(dtype) for a float dtype (default: the default dtype). */
export interface FInfo {
  readonly bits: number;
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  readonly tiny: number;
  readonly smallestNormal: number;
  readonly resolution: number;
  readonly dtype: DType;
}
export function finfo(d?: DTypeLike): FInfo {
  const t = d === undefined ? defaultFloat.dtype : normalizeDType(d);
  if (!isFloat(t))
    throw new TypeError(
      `torch.finfo() requires a floating point input type. Use torch.iinfo to handle '${t}'`,
    );
  if (t === 'float64') {
    const tiny = 2 ** -1022;
    return {
      bits: 64,
      eps: 2 ** -52,
      max: Number.MAX_VALUE,
      min: -Number.MAX_VALUE,
      tiny,
      smallestNormal: tiny,
      resolution: 1e-15,
      dtype: t,
    };
  }
  if (t === 'float16')
    return {
      bits: 16,
      eps: 2 ** -10,
      max: 65504,
      min: -65504,
      tiny: 2 ** -14,
      smallestNormal: 2 ** -14,
      resolution: 0.001,
      dtype: t,
    };
  if (t === 'bfloat16') {
    const bmax = (2 - 2 ** -7) * 2 ** 127;
    const btiny = 2 ** -126;
    return {
      bits: 16,
      eps: 2 ** -7,
      max: bmax,
      min: -bmax,
      tiny: btiny,
      smallestNormal: btiny,
      resolution: 0.01,
      dtype: t,
    };
  }
  const max = (2 - 2 ** -23) * 2 ** 127;
  const tiny = 2 ** -126;
  return { bits: 32, eps: 2 ** -23, max, min: -max, tiny, smallestNormal: tiny, resolution: 1e-6, dtype: t };
}

/** Wraps a number into an integer dtype's range as its storage does (uint8 256 -> 0). */
export function wrapInt(d: DType, v: number): number {
  switch (d) {
    case 'uint8':
      return v & 0xff;
    case 'int8':
      return (v << 24) >> 24;
    case 'int16':
      return (v << 16) >> 16;
    default:
      return v | 0;
  }
}

/** torch.can_cast: a cast that does not lower the category (float -> int, int -> bool are refused). */
export const canCast = (from: DType, to: DType): boolean =>
  kindRank[INFO[from].kind] <= kindRank[INFO[to].kind];

const TYPE_NAMES: Record<DType, string> = {
  float32: 'Float',
  float64: 'Double',
  float16: 'Half',
  bfloat16: 'BFloat16',
  int64: 'Long',
  int32: 'Int',
  int16: 'Short',
  int8: 'Char',
  uint8: 'Byte',
  bool: 'Bool',
};
/** PyTorch's scalar type name in messages ("Long", "Double"); `torch.LongTensor` is `torch.${name}Tensor`. */
export const torchTypeName = (d: DType): string => TYPE_NAMES[d];

/** The floating dtype of an op over these operands (PyTorch promotes integer inputs to the default float). */
export function floatOfArgs(args: ReadonlyArray<unknown>): DType {
  const ops = args.map((a) =>
    typeof a === 'number' || typeof a === 'boolean' || typeof a === 'bigint'
      ? a
      : { dtype: (a as { dtype: DType }).dtype, dim: (a as { dim(): number }).dim() },
  );
  return floatOf(resultType(ops));
}

/** float16/bfloat16: 16-bit words in storage, computed in float32 and rounded once on store. */
export const isHalf = (d: DType): boolean => d === 'float16' || d === 'bfloat16';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * A number rounded as PyTorch stores it in `d` (float32 first, as PyTorch computes, then to
 * 16 bits, round to nearest even, overflow to ±inf): the value a float16/bfloat16 element holds.
 */
export function roundHalf(d: DType, x: number): number {
  f32[0] = x;
  if (x !== x) return x;
  if (d === 'bfloat16') {
    const u = u32[0];
    u32[0] = (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
    return f32[0];
  }
  const v = f32[0];
  const a = Math.abs(v);
  if (a >= 65520) return v > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  // The float16 quantum at this magnitude (2^-24 below the normal range); v / q is exact.
  const e = Math.max(((u32[0] >>> 23) & 0xff) - 127, -14);
  const q = 2 ** (e - 10);
  const r = v / q;
  let k = Math.round(r);
  if (k - r === 0.5 && k % 2 !== 0) k -= 1; // ties to even (Math.round rounds ties up)
  return k * q || v * 0; // keeps the sign of zero
}

/** The IEEE half-precision word of `v` (rounded to float32, then to float16, ties to even; c10's conversion). */
export function halfBits(v: number): number {
  f32[0] = v;
  const u = u32[0];
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a >= 0x7f800000) return sign | (a > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (a >= 0x477ff000) return sign | 0x7c00; // 65520 and up round to inf
  if (a < 0x38800000) {
    // below 2^-14: a multiple of 2^-24 (subnormal or zero), ties to even
    const x = Math.abs(f32[0]) * 16777216;
    let k = Math.round(x);
    if (k - x === 0.5 && k & 1) k -= 1;
    return sign | k;
  }
  // rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits to nearest even
  return sign | ((a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13);
}

/** The bfloat16 word of `v` (the top half of its float32, rounded to nearest even; NaN 0x7fc0 as c10's). */
export function bfloat16Bits(v: number): number {
  f32[0] = v;
  if (v !== v) return 0x7fc0;
  const u = u32[0];
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The 16-bit word of `v` in `d` (float16 or bfloat16). */
export const halfBitsOf = (d: DType, v: number): number => (d === 'bfloat16' ? bfloat16Bits(v) : halfBits(v));

let f16Table: Float32Array | undefined;
let bf16Table: Float32Array | undefined;
/** All 65536 values of `d` (float16 or bfloat16) as float32, by bit pattern (256 KiB each, built once). */
export function halfDecodeTable(d: DType): Float32Array {
  if (d === 'bfloat16') {
    if (!bf16Table) {
      bf16Table = new Float32Array(65536);
      const w = new Uint32Array(bf16Table.buffer);
      for (let h = 0; h < 65536; h++) w[h] = h << 16;
    }
    return bf16Table;
  }
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] =
      e === 0
        ? s * m * 2 ** -24
        : e === 31
          ? m
            ? Number.NaN
            : s * Infinity
          : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return (f16Table = t);
}

/** Host values -> 16-bit words of `d`, into `out` at `offset`. */
export function encodeHalf(d: DType, src: ArrayLike<number>, out: Uint16Array, offset = 0): Uint16Array {
  const enc = d === 'bfloat16' ? bfloat16Bits : halfBits;
  for (let i = 0; i < src.length; i++) out[offset + i] = enc(src[i]);
  return out;
}

/** 16-bit words of `d` -> their values as a Float32Array. */
export function decodeHalf(d: DType, bits: Uint16Array): Float32Array {
  const t = halfDecodeTable(d);
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
  return out;
}
