/**
 * dtypes and PyTorch's promotion rules.
 *
 * Storage dtypes are float32 (default), int32 and bool. int64 data (PyTorch labels and
 * checkpoints) is accepted and stored as int32 after a range check, so `dtype: 'int64'` is an
 * alias that resolves to int32 (docs/porting.md).
 */
import { registerType } from '../signature/bind.js';

export type DType = 'float32' | 'int32' | 'bool';
export type DTypeLike = DType | 'int64' | 'long' | 'int' | 'float' | 'float64' | 'double';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

const DTYPE_NAMES: ReadonlySet<string> = new Set([
  'float32',
  'int32',
  'bool',
  'int64',
  'long',
  'int',
  'float',
  'float64',
  'double',
]);
registerType('ScalarType', (v) => typeof v === 'string' && DTYPE_NAMES.has(v), 'a dtype');
declare module '../signature/types.js' {
  interface TypeMap {
    ScalarType: DTypeLike;
  }
}

export function normalizeDType(d: DTypeLike): DType {
  switch (d) {
    case 'float32':
    case 'float':
    case 'float64': // stored as float32: torchts has no double storage
    case 'double':
      return 'float32';
    case 'int32':
    case 'int64':
    case 'long':
    case 'int':
      return 'int32';
    case 'bool':
      return 'bool';
    default:
      throw new TypeError(`unknown dtype '${String(d)}' (expected float32, int32, int64 or bool)`);
  }
}

export const isFloat = (d: DType): boolean => d === 'float32';

/** Bytes per element in storage. */
export const itemSize = (d: DType): number => (d === 'bool' ? 1 : 4);

export function typedArrayFor(d: DType, n: number): TypedArray {
  if (d === 'float32') return new Float32Array(n);
  if (d === 'int32') return new Int32Array(n);
  return new Uint8Array(n);
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** Promotion of two tensor dtypes: bool < int < float (torch.promote_types). */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/** Category of a JS scalar in PyTorch's sense: a number that is not an integer is a float. */
export function scalarDType(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int32' : 'float32';
}

/**
 * torch.result_type for operands that are tensors (with their rank) or scalars.
 * Dimensioned tensors decide the dtype; zero-dim tensors and scalars only raise the category
 * (bool -> int -> float), as in PyTorch.
 */
export function resultType(operands: ReadonlyArray<{ dtype: DType; dim: number } | number | boolean>): DType {
  let dimT: DType | null = null;
  let zeroT: DType | null = null;
  let scal: DType | null = null;
  for (const o of operands) {
    if (typeof o === 'number' || typeof o === 'boolean')
      scal = scal ? promoteTypes(scal, scalarDType(o)) : scalarDType(o);
    else if (o.dim > 0) dimT = dimT ? promoteTypes(dimT, o.dtype) : o.dtype;
    else zeroT = zeroT ? promoteTypes(zeroT, o.dtype) : o.dtype;
  }
  let out: DType = dimT ?? zeroT ?? scal ?? 'float32';
  for (const lower of [zeroT, scal])
    if (lower && rank[lower] > rank[out]) out = lower === 'float32' ? 'float32' : lower;
  return out;
}

/** int64 values are stored as int32: refuse what does not fit instead of wrapping silently. */
export function checkInt32Range(v: number | bigint, what = 'value'): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (!Number.isFinite(n) || n > 2147483647 || n < -2147483648 || !Number.isInteger(n))
    throw new RangeError(`${what} ${String(v)} does not fit int32 (torchts stores int64 as int32)`);
  return n;
}
