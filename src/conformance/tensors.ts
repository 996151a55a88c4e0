/** Case tensors <-> torchts tensors on a device. */
import { fromArray } from '../ops/creation.js';
import type { Device } from '../tensor/device.js';
import { checkInt32Range, type TypedArray, typedArrayFor } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CaseTensor, JsonNumber } from './types.js';

export const decode = (v: JsonNumber): number =>
  v === 'nan'
    ? Number.NaN
    : v === 'inf'
      ? Number.POSITIVE_INFINITY
      : v === '-inf'
        ? Number.NEGATIVE_INFINITY
        : v;

/** The case's values as a typed array of torchts's storage for its dtype (int64 -> int32, range-checked). */
export function hostData(t: CaseTensor): TypedArray {
  if (t.dtype === 'float32') return Float32Array.from(t.data, decode);
  if (t.dtype === 'float64') return Float64Array.from(t.data, decode);
  if (t.dtype === 'bool') return Uint8Array.from(t.data, (v) => (decode(v) !== 0 ? 1 : 0));
  if (t.dtype === 'int64' || t.dtype === 'int32')
    return Int32Array.from(t.data, (v) => checkInt32Range(decode(v), `${t.dtype} input value`));
  const out = typedArrayFor(t.dtype, t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = decode(t.data[i]);
  return out;
}

/**
 * A torchts tensor holding the case's values on `device`. `noncontiguous` gives a transposed
 * view of a contiguous copy (same values, strides of the other order), so strided kernels run;
 * `requires_grad` makes it a leaf that requires grad.
 */
export function makeInput(t: CaseTensor, device: Device): Tensor {
  let x = fromArray(hostData(t), t.shape, { device, dtype: t.dtype });
  if (t.noncontiguous) {
    if (x.dim() >= 2) x = x.transpose(-1, -2).contiguous().transpose(-1, -2);
    else if (x.numel() > 0) {
      // 1-D: every other element of a buffer twice the size.
      const n = x.shape[0] ?? 1;
      x = x.reshape([n, 1]).expand([n, 2]).contiguous().select(1, 0);
      if (x.dim() === 0) x = x.reshape([]);
    }
  }
  if (t.requires_grad) x.requiresGrad_(true);
  return x;
}
