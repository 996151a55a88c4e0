/**
 * Bitwise ops on integer and bool tensors (torch.bitwise_*): one expression each (backend/expr.ts
 * band/bor/bxor/shl/shr/bitnot), PyTorch's promotion for the result dtype. Integers compute in
 * 32 bits and wrap to their dtype's width on store (uint8 ~0 = 255), as PyTorch's do.
 */

import { type DType, isFloat, resultType, torchTypeName } from '../tensor/dtype.js';
import { DTypeError } from '../tensor/errors.js';
import { E, type Ex, ewise, isTensor, type Tensor, type TensorOrScalar } from './core.js';

const operand = (v: TensorOrScalar) => (isTensor(v) ? { dtype: v.dtype, dim: v.dim() } : v);

function check(op: string, d: DType, shift: boolean): void {
  if (isFloat(d) || (shift && d === 'bool'))
    throw new DTypeError(`"${op}_cpu" not implemented for '${torchTypeName(d)}'`);
}

function binary(op: string, f: (a: Ex, b: Ex) => Ex, shift = false) {
  return (a: TensorOrScalar, b: TensorOrScalar): Tensor => {
    if (typeof a === 'number' && !Number.isInteger(a))
      throw new DTypeError(`${op}: expected an integer, got ${a}`);
    if (typeof b === 'number' && !Number.isInteger(b))
      throw new DTypeError(`${op}: expected an integer, got ${b}`);
    const d = resultType([operand(a), operand(b)]);
    check(op, d, shift);
    return ewise(op, f, [a, b], d);
  };
}

export const bitwiseAnd = binary('bitwise_and', E.band);
export const bitwiseOr = binary('bitwise_or', E.bor);
export const bitwiseXor = binary('bitwise_xor', E.bxor);
export const bitwiseLeftShift = binary('bitwise_left_shift', E.shl, true);
export const bitwiseRightShift = binary('bitwise_right_shift', E.shr, true);
export function bitwiseNot(x: Tensor): Tensor {
  check('bitwise_not', x.dtype, false);
  return ewise('bitwise_not', E.bitnot, [x], x.dtype);
}
