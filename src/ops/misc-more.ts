/**
 * Small ops of the op surface: torch.fill (out of place), torch.as_strided (a view over the
 * input's storage; the backward scatters the gradient onto the storage and reads the input's
 * own positions back, averaging where the input itself overlaps, as PyTorch's
 * as_strided_backward).
 */
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { record1, type Tensor, viewOf } from './core.js';
import { fromArray, fullLike, ones, zeros, zerosLike } from './creation.js';
import { gather, scatterAdd } from './indexing.js';
import { div } from './pointwise.js';
import { reshape } from './shape.js';

/** torch.fill: a tensor like x holding `value`; no gradient reaches x (PyTorch: zeros). */
export function fill(x: Tensor, value: number): Tensor {
  const out = fullLike(x, value);
  return record1('fill', out, [x], (g) => [zerosLike(g)]);
}

/** Storage positions of every element of a (shape, strides, offset) geometry, row-major. */
function positions(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let r = i;
    let p = offset;
    for (let k = shape.length - 1; k >= 0; k--) {
      p += (r % shape[k]) * strides[k];
      r = Math.floor(r / shape[k]);
    }
    out[i] = p;
  }
  return out;
}

export function asStrided(
  x: Tensor,
  size: readonly number[],
  stride: readonly number[],
  storageOffset: number | null,
): Tensor {
  if (size.length !== stride.length)
    throw new ShapeError(`as_strided: mismatch in length of strides and shape`);
  if (stride.some((s) => s < 0))
    throw new RangeError(
      `as_strided: Negative strides are not supported at the moment, got strides: ${fmtShape(stride)}`,
    );
  if (size.some((s) => s < 0)) throw new RangeError(`as_strided: negative size in ${fmtShape(size)}`);
  const offset = storageOffset ?? x.offset;
  const n = size.reduce((a, b) => a * b, 1);
  const need = n === 0 ? 0 : offset + 1 + size.reduce((a, s, k) => a + (s - 1) * stride[k], 0);
  if (need > x.storage.size)
    throw new RangeError(
      `setStorage: sizes ${fmtShape(size)}, strides ${fmtShape(stride)}, storage offset ${offset}, and itemsize 4 requiring a storage size of ${need * 4} are out of bounds for storage of size ${x.storage.size * 4}`,
    );
  const out = viewOf(x, size, stride, offset);
  return record1('as_strided', out, [x], (g) => {
    const outPos = positions(size, stride, offset);
    const inPos = positions(x.shape, x.strides, x.offset);
    const all = [...outPos, ...inPos];
    const lo = all.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const len = all.length ? all.reduce((a, b) => Math.max(a, b), lo) - lo + 1 : 0;
    const ints = (p: number[]) =>
      fromArray(
        Int32Array.from(p, (v) => v - lo),
        [p.length],
        { dtype: 'int32', device: x.device },
      );
    const o = { dtype: g.dtype, device: g.device };
    const storage = scatterAdd(zeros([len], o), 0, ints(outPos), reshape(g, [-1]));
    let gi = gather(storage, 0, ints(inPos));
    if (new Set(inPos).size !== inPos.length) {
      // The input overlaps itself (an expanded tensor): each storage slot's gradient is shared
      // among the elements that view it.
      const count = scatterAdd(zeros([len], o), 0, ints(inPos), ones([inPos.length], o));
      gi = div(gi, gather(count, 0, ints(inPos)));
    }
    return [reshape(gi, x.shape)];
  });
}
