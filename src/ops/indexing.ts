/**
 * Index ops on the gather / scatterAdd primitives: gather and scatter_add are each other's
 * gradient; index_select and embedding are gathers with a broadcast (stride-0) index.
 */

import type { View } from '../backend/backend.js';
import { isIndexDType } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { checkSameDevice, E, emptyTensor, ewise, expandView, normDim, record1, Tensor } from './core.js';
import { cast } from './pointwise.js';
import { reshape, unsqueeze } from './shape.js';

function checkIndex(op: string, index: Tensor): void {
  if (!isIndexDType(index.dtype))
    throw new DTypeError(`${op}(): Expected dtype int64 for index, got ${index.dtype}`);
}

/**
 * PyTorch's index ops treat a 0-d operand as 1-d with one element (ensure_nonempty_dim):
 * these run such calls on [1]-shaped views and reshape the result back, so the kernels and
 * the gradients only ever see tensors with a dim to index.
 */
const asVector = (t: Tensor) => (t.dim() === 0 ? reshape(t, [1]) : t);

/** torch.gather; `op` names the op a bad index is reported for (an op built on gather). */
export function gather(x: Tensor, dim: number, index: Tensor, op = 'gather'): Tensor {
  checkIndex('gather', index);
  checkSameDevice('gather', [x, index]);
  const d = normDim(dim, x.dim(), 'gather');
  if ((x.dim() === 0 || index.dim() === 0) && x.dim() <= 1 && index.dim() <= 1)
    return reshape(gather(asVector(x), d, asVector(index)), index.shape);
  if (index.dim() !== x.dim())
    throw new ShapeError(
      `gather(): Index tensor must have the same number of dimensions as input tensor (${fmtShape(index.shape)} vs ${fmtShape(x.shape)})`,
    );
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i])
      throw new ShapeError(
        `gather(): Size does not match at dimension ${i} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`,
      );
  });
  const out = emptyTensor(index.shape, x.dtype, x.device);
  out.backend.gather(x, d, index, out, op);
  return record1('gather', out, [x], (g) => [gatherGrad(x, d, index, g)]);
}

/**
 * The gradient of a gather from x along d (x and index of one rank >= 1): g scatter-added into
 * fresh zeros of x's shape, in place. `scatterAdd(zeros, ...)` would copy the zeros and leave
 * them to the GC (8 MB per step for the LSTM LM's embedding).
 */
function gatherGrad(x: Tensor, d: number, index: Tensor, g: Tensor): Tensor {
  const out = ewise('zeros_like', () => E.const(0), [x], x.dtype);
  out.backend.scatterAdd(out, d, index, g.dtype === x.dtype ? g : cast(g, x.dtype));
  return record1('scatter_add', out, [g], (gg) => [gather(gg, d, index)]);
}

/** Out-of-place torch.scatter_add(x, dim, index, src). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndex('scatter_add', index);
  checkSameDevice('scatter_add', [x, index, src]);
  const d = normDim(dim, x.dim(), 'scatter_add');
  if ([x, index, src].some((t) => t.dim() === 0) && [x, index, src].every((t) => t.dim() <= 1))
    return reshape(scatterAdd(asVector(x), d, asVector(index), asVector(src)), x.shape);
  if (index.dim() !== x.dim() || src.dim() !== x.dim())
    throw new ShapeError(
      `scatter_add(): Index tensor must have the same number of dimensions as self and src (${fmtShape(index.shape)}, ${fmtShape(x.shape)}, ${fmtShape(src.shape)})`,
    );
  const out = ewise('clone', (a) => a, [x], x.dtype);
  out.backend.scatterAdd(out, d, index, src.dtype === x.dtype ? src : cast(src, x.dtype));
  return record1('scatter_add', out, [x, null, src], (g) => [g, null, gather(g, d, index)]);
}

/**
 * Runs the gather primitive for `op`, so an out-of-range index names the op the user called
 * (index_select, embedding), not the primitive underneath.
 */
function gatherAs(op: string, x: Tensor, dim: number, index: View, out: Tensor): void {
  out.backend.gather(x, dim, index, out, op);
}

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return indexSelectAs('index_select', x, dim, index);
}

function indexSelectAs(op: string, x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(op, index);
  if (index.dim() > 1)
    throw new ShapeError(`${op}(): Index is supposed to be a vector, got ${fmtShape(index.shape)}`);
  const d = normDim(dim, x.dim(), op);
  if (x.dim() === 0) {
    // PyTorch: a 0-d input takes exactly one index and gives a 0-d result.
    if (index.numel() !== 1)
      throw new ShapeError(`${op}(): Index to scalar can have only 1 value, got ${index.numel()} value(s)`);
    return reshape(indexSelectAs(op, reshape(x, [1]), 0, reshape(index, [1])), []);
  }
  const idx1 = index.dim() === 0 ? reshape(index, [1]) : index;
  const shape = x.shape.slice();
  shape[d] = idx1.shape[0];
  // The index as a stride-0 view over every other dim: one gather, no materialised index.
  const idxShape = shape.map((_, i) => (i === d ? idx1.shape[0] : 1));
  const idxView = expandView(reshape(idx1, idxShape), shape);
  const out = emptyTensor(shape, x.dtype, x.device);
  gatherAs(op, x, d, idxView, out);
  const expanded = new Tensor(
    idx1.storage,
    idxView.shape,
    idxView.strides,
    idxView.offset,
    'int32',
    idx1.device,
  );
  return record1('index_select', out, [x], (g) => [gatherGrad(x, d, expanded, g)]);
}

/** F.embedding(input, weight): rows of weight picked by integer ids, any input shape. */
export function embedding(input: Tensor, weight: Tensor, opts: { paddingIdx?: number | null } = {}): Tensor {
  checkIndex('embedding', input);
  const flat = reshape(input, [-1]);
  let rows = indexSelectAs('embedding', weight, 0, flat);
  const pad = opts.paddingIdx;
  if (pad !== null && pad !== undefined) {
    // No gradient flows to the padding row: mask it out of the gradient only.
    const p = pad < 0 ? pad + weight.shape[0] : pad;
    const keep = ewise('ne', (a) => E.ne(a, p), [unsqueeze(flat, 1)], weight.dtype);
    const r = rows.detach();
    rows = record1('embedding', r, [rows], (g) => [ewise('mul', E.mul, [g, keep], g.dtype)]);
  }
  return reshape(rows, [...input.shape, weight.shape[1]]);
}

/** F.one_hot(labels, numClasses): int32 [..., numClasses]. */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  checkIndex('one_hot', labels);
  let n = numClasses;
  if (n < 0) {
    if (labels.device.type !== 'cpu')
      throw new Error('one_hot: numClasses must be given for tensors on a GPU (it would need a readback)');
    const a = labels.toArraySync();
    n = a.length ? Math.max(...a) + 1 : 0;
  }
  if (labels.device.type === 'cpu') {
    // PyTorch's checks; on a GPU they would need a readback, so out-of-range labels give a zero row.
    for (const v of labels.toArraySync()) {
      if (v < 0) throw new RangeError('one_hot: Class values must be non-negative.');
      if (v >= n)
        throw new RangeError(
          `one_hot: Class values must be smaller than num_classes (got ${v} for ${n} classes).`,
        );
    }
  }
  const classes = emptyTensor([n], 'int32', labels.device);
  classes.backend.write(
    classes.storage,
    Int32Array.from({ length: n }, (_, i) => i),
  );
  const shape = [...labels.shape, n];
  const out = emptyTensor(shape, 'int64', labels.device);
  out.backend.elementwise(
    E.cast('i32', E.eq(E.input(0), E.input(1))),
    [expandView(unsqueeze(labels, -1), shape), expandView(classes, shape)],
    out,
  );
  return out;
}
