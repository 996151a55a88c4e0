/**
 * In-place ops on views keep the base's history right, as PyTorch's CopySlices does.
 *
 * A view (ops/shape's reshape, slice, permute, ...: `viewOf`) remembers its root base and the
 * storage version its history belongs to. An in-place op on a view gives the base a
 * `copy_slices` node: the base's old gradient outside the view's region, the in-place result's
 * inside. Another view of the same base whose history is older than the storage (the base or a
 * sibling view was written since) gets a fresh history as a region of the base before any op
 * records it (PyTorch's AsStridedBackward). The regions are the view's geometry relative to
 * the base, as flat indices into the (contiguous) base, so both backwards are ordinary ops and
 * can be differentiated again.
 */

import { isContiguousView } from '../backend/backend.js';
import { record } from '../ops/core.js';
import { arange, ones, zeros } from '../ops/creation.js';
import { indexSelect, scatterAdd } from '../ops/indexing.js';
import { mul } from '../ops/pointwise.js';
import { contiguous, reshape } from '../ops/shape.js';
import { AutogradError } from '../tensor/errors.js';
import { noGrad } from '../tensor/state.js';
import { Tensor, viewOf } from '../tensor/tensor.js';

/** Flat positions in base (row-major, base contiguous) of v's elements, row-major in v: int32 [numel v]. */
function regionIndex(base: Tensor, v: Tensor): Tensor {
  if (!isContiguousView(base))
    throw new AutogradError(
      'an in-place operation on a view of a non-contiguous tensor that requires grad is not supported (torchts tracks view regions of contiguous bases only)',
    );
  return noGrad(() => {
    const ids = arange(0, base.numel(), 1, { dtype: 'int32', device: base.device });
    return reshape(contiguous(viewOf(ids, v.shape, v.strides, v.offset - base.offset)), [-1]);
  });
}

/** Before an op records view t: gives it a history as a region of its base, if t's is stale. */
export function refreshView(t: Tensor): void {
  const base = t.base!;
  t.viewVersion = t.storage.version;
  if (!base.requiresGrad || t.viewInNoGrad) return;
  const idx = regionIndex(base, t);
  const n = base.numel();
  const shape = base.shape;
  record('as_strided', t, [base], ([g]) => [
    reshape(scatterAdd(zeros([n], { device: g!.device }), 0, idx, reshape(g!, [-1])), shape),
  ]);
}

/**
 * After `self` (a view) was overwritten in place with `res`: the base's history becomes
 * copy_slices(old base, res). `self` takes res's history, as before.
 */
export function copySlices(self: Tensor, res: Tensor): void {
  const base = self.base!;
  const idx = regionIndex(base, self);
  const keep = noGrad(() => {
    const k = ones(base.shape, { device: base.device });
    viewOf(k, self.shape, self.strides, self.offset - base.offset).fill_(0);
    return k;
  });
  const old = new Tensor(base.storage, base.shape, base.strides, base.offset, base.dtype, base.device);
  old.gradFn = base.gradFn;
  old.outputNr = base.outputNr;
  const vshape = self.shape;
  record('copy_slices', base, [old, res], ([g]) => [
    mul(g!, keep),
    reshape(indexSelect(reshape(g!, [-1]), 0, idx), vshape),
  ]);
  self.viewVersion = self.storage.version;
}
