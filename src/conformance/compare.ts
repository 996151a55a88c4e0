/**
 * Element-wise comparison with the format's rule: |actual - expected| <= atol + rtol * |expected|,
 * NaN and +-Inf exactly where expected, int and bool values exactly.
 */
import type { TypedArray } from '../tensor/dtype.js';
import { decode } from './tensors.js';
import type { CaseTensor, Tolerance } from './types.js';

export interface Mismatch {
  /** Worst element's error over its allowance (<= 1 passes; Infinity for NaN/Inf/shape/dtype). */
  ratio: number;
  /** Worst absolute difference over finite elements. */
  abs: number;
  /** A one-line description of the worst element, or null when everything matched. */
  message: string | null;
}

/** Values as read: 7 significant digits, 17 for float64 (where 7 hide the difference). */
const fmt = (v: number, digits = 7) => (Number.isInteger(v) ? String(v) : v.toPrecision(digits));

function unravel(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

/** Compares `actual` (shape, dtype, values read back) with the case tensor `expected`. */
export function compareTensor(
  what: string,
  actual: { shape: readonly number[]; dtype: string; data: TypedArray },
  expected: CaseTensor,
  tol: Tolerance,
): Mismatch {
  const sameShape =
    actual.shape.length === expected.shape.length && actual.shape.every((s, i) => s === expected.shape[i]);
  if (!sameShape)
    return {
      ratio: Number.POSITIVE_INFINITY,
      abs: Number.POSITIVE_INFINITY,
      message: `${what}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`,
    };
  const exact = expected.dtype !== 'float32' && expected.dtype !== 'float64';
  if (actual.dtype !== expected.dtype)
    return {
      ratio: Number.POSITIVE_INFINITY,
      abs: Number.POSITIVE_INFINITY,
      message: `${what}: dtype ${actual.dtype}, expected ${expected.dtype}`,
    };
  let worst = 0;
  let worstAbs = 0;
  let at = -1;
  for (let i = 0; i < actual.data.length; i++) {
    const a = actual.data[i];
    const e = decode(expected.data[i]);
    let r: number;
    if (exact) r = a === e ? 0 : Number.POSITIVE_INFINITY;
    else if (Number.isNaN(e) || !Number.isFinite(e))
      r = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) ? 0 : Number.POSITIVE_INFINITY;
    else if (!Number.isFinite(a)) r = Number.POSITIVE_INFINITY;
    else {
      const d = Math.abs(a - e);
      worstAbs = Math.max(worstAbs, d);
      r = d / (tol.atol + tol.rtol * Math.abs(e));
    }
    if (r > worst || (at < 0 && r > 1)) {
      worst = r;
      at = i;
    }
  }
  if (worst <= 1) return { ratio: worst, abs: worstAbs, message: null };
  const a = actual.data[at];
  const e = decode(expected.data[at]);
  const digits = expected.dtype === 'float64' ? 17 : 7;
  const diff = exact || !Number.isFinite(a) || !Number.isFinite(e) ? '' : `, |diff| ${fmt(Math.abs(a - e))}`;
  const allowance = exact ? 'exact' : `atol ${tol.atol} + rtol ${tol.rtol}`;
  return {
    ratio: worst,
    abs: worstAbs,
    message: `${what}${unravel(at, expected.shape)} = ${fmt(a, digits)}, expected ${fmt(e, digits)}${diff} (${allowance})`,
  };
}
