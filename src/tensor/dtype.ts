/**
 * dtypes and PyTorch's promotion rules, defined once: every dtype is one row of `INFO` (its
 * category, storage array, storage bytes, PyTorch name, integer range), and everything else
 * (promotion, result_type, iinfo/finfo, storage allocation, casts' wrapping) reads the rows.
 *
 * int64 is stored in an Int32Array (JS numbers and WGSL have no cheap 64-bit integers): values
 * are range-checked on the way in, arithmetic wraps at 32 bits, but the dtype reads `int64`, as
 * PyTorch's does (docs/porting.md). float64 lives only on the CPU (WGSL has no f64).
 * Adding a dtype (float16, bfloat16): a row here, its storage conversion in `typedArrayFor`
 * and the backends' `viewFor` (docs/architecture.md, "Adding a dtype").
 */
import { registerType } from '../signature/bind.js';

/** The dtypes torchts has, by PyTorch's canonical names (int64 is stored as int32, range-checked). */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
/** A dtype name or one of PyTorch's aliases ('long', 'int', 'float', 'double', 'short', 'char', 'byte'). */
export type DTypeLike = DType | 'long' | 'int' | 'float' | 'double' | 'short' | 'char' | 'byte';

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
  float32: { kind: 'float', bytes: 4, bits: 32, array: Float32Array, rank: 5 },
  float64: { kind: 'float', bytes: 8, bits: 64, array: Float64Array, rank: 6 },
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
  if (d === ('float16' as string) || d === ('half' as string) || d === ('bfloat16' as string))
    throw new TypeError(`dtype ${String(d)} is not supported yet (torchts has ${DTYPES.join(', ')})`);
  throw new TypeError(`unknown dtype '${String(d)}' (expected one of ${DTYPES.join(', ')})`);
}

export const isFloat = (d: DType): boolean => INFO[d].kind === 'float';
/** Integral, not bool (torch's is_floating_point / is_signed family). */
export const isInt = (d: DType): boolean => INFO[d].kind === 'int';
/** Integer dtypes index tensors may have (PyTorch: int64, and int32 where accepted). */
export const isIndexDType = (d: DType): boolean => d === 'int64' || d === 'int32';

/** Bytes per element in storage. */
export const itemSize = (d: DType): number => INFO[d].bytes;
/** Bits PyTorch gives the dtype. */
export const dtypeBits = (d: DType): number => INFO[d].bits;

export function typedArrayFor(d: DType, n: number): TypedArray {
  return new INFO[d].array(n);
}

/** The array class of a dtype's storage, to view raw bytes. */
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
