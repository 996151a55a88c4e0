/** Cumulative ops. */

import type { Device } from '../tensor/device.js';
import { type DType, isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { E, emptyTensor } from './core.js';
import { matmul } from './matmul.js';
import { add, cast, sub } from './pointwise.js';
import { movedim, pad, reshape, select, slice, triu, unsqueeze } from './shape.js';

/**
 * torch.cumsum as products with upper-triangular ones matrices: rows of up to BLOCK elements
 * are one matmul; a longer row is cut into blocks summed that way, plus the running total of
 * the blocks before (the same cumsum one level up). Memory stays linear in the input (one
 * matmul over the whole row would need n^2), and autograd flows through the products.
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  // A 0-d tensor has one element along dim 0: its cumulative sum is itself (as a new tensor).
  if (x.dim() === 0) return reshape(cumsum(reshape(x, [1]), dim), []);
  const f: DType = isFloat(x.dtype) ? x.dtype : 'float32';
  const d = movedim(x.dtype === f ? x : cast(x, f), dim, -1);
  const r = movedim(lastDimCumsum(d), -1, dim);
  return isFloat(x.dtype) ? r : cast(r, 'int64'); // integers and bool accumulate into int64
}
const BLOCK = 256;
function lastDimCumsum(d: Tensor): Tensor {
  const n = d.shape[d.dim() - 1];
  if (n <= BLOCK) return matmul(d, triu(onesOn(n, d.device, d.dtype)));
  const blocks = Math.ceil(n / BLOCK);
  const lead = d.shape.slice(0, -1);
  const padded = blocks * BLOCK === n ? d : pad(d, [0, blocks * BLOCK - n]);
  const within = matmul(reshape(padded, [...lead, blocks, BLOCK]), triu(onesOn(BLOCK, d.device, d.dtype)));
  const totals = select(within, -1, BLOCK - 1); // [..., blocks]
  const before = sub(lastDimCumsum(totals), totals); // exclusive running total
  const all = reshape(add(within, unsqueeze(before, -1)), [...lead, blocks * BLOCK]);
  return blocks * BLOCK === n ? all : slice(all, -1, 0, n);
}
function onesOn(n: number, device: Device, dtype: DType = 'float32'): Tensor {
  const t = emptyTensor([n, n], dtype, device);
  t.backend.elementwise(E.const(1), [], t);
  return t;
}
