/**
 * In-place ops on views keep the base's history right, as PyTorch's CopySlices does.
 *
 * A view (ops/shape's reshape, slice, permute, ...: `viewOf`) remembers its root base and the
 * storage version its history belongs to. An in-place op on a view gives the base a
 * `copy_slices` node: the base's old gradient outside the view's region, the in-place result's
 * inside. Another view of the same base whose history is older than the storage (the base or a
 * sibling view was written since) gets a fresh history as a region of the base before any op
 * records it (PyTorch's AsStridedBackward; ops/core.ts's refreshView, called by `record`). The
 * regions are the view's geometry relative to the base, as flat indices into the (contiguous)
 * base (ops/core.ts's regionOf), so both backwards are ordinary ops and can be differentiated
 * again.
 */

import { E, record, regionGather, regionOf } from '../ops/core.js';
import { ones } from '../ops/creation.js';
import { mul } from '../ops/pointwise.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * After `self` (a view) was overwritten in place with `res`: the base's history becomes
 * copy_slices(old base, res). `self` takes res's history, as before.
 */
export function copySlices(self: Tensor, res: Tensor): void {
  const base = self.base!;
  const r = regionOf(base, self);
  // 1 outside the view's region, 0 inside (the base's old values there are overwritten).
  const keep = ones(base.shape, { device: base.device });
  const { shape, strides } = self;
  keep.backend.elementwise(E.const(0), [], {
    storage: keep.storage,
    dtype: keep.dtype,
    shape,
    strides,
    offset: self.offset - base.offset,
  });
  const old = new Tensor(base.storage, base.shape, base.strides, base.offset, base.dtype, base.device);
  old.gradFn = base.gradFn;
  old.outputNr = base.outputNr;
  record('copy_slices', base, [old, res], ([g]) => [mul(g!, keep), regionGather(g!, r)]);
  self.viewVersion = self.storage.version;
}
