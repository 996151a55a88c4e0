/** Cumulative ops. */

import type { Device } from '../tensor/device.js';
import { type DType, isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { E, emptyTensor } from './core.js';
import { matmul } from './matmul.js';
import { cast } from './pointwise.js';
import { movedim, reshape, triu } from './shape.js';

/** torch.cumsum as a product with an upper-triangular ones matrix: one matmul, autograd free. */
export function cumsum(x: Tensor, dim: number): Tensor {
  // A 0-d tensor has one element along dim 0: its cumulative sum is itself (as a new tensor).
  if (x.dim() === 0) return reshape(cumsum(reshape(x, [1]), dim), []);
  const f: DType = isFloat(x.dtype) ? x.dtype : 'float32';
  const d = movedim(x.dtype === f ? x : cast(x, f), dim, -1);
  const n = d.shape[d.dim() - 1];
  const u = triu(onesOn(n, x.device, f));
  const r = movedim(matmul(d, u), -1, dim);
  return isFloat(x.dtype) ? r : cast(r, 'int64'); // integers and bool accumulate into int64
}
function onesOn(n: number, device: Device, dtype: DType = 'float32'): Tensor {
  const t = emptyTensor([n, n], dtype, device);
  t.backend.elementwise(E.const(1), [], t);
  return t;
}
