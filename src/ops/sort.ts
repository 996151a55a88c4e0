/**
 * Sorting and searching: sort / argsort / msort / topk from the backend's sort primitive (a
 * stable sort of rows, NaN largest), their gradients a scatter of the output gradient through
 * the indices; searchsorted / bucketize / isin composed from comparisons and sums (every device,
 * autograd-free as in PyTorch); unique / unique_consecutive, whose output sizes depend on the
 * data, computed on the host, so like nonzero they need a CPU tensor (a GPU's read is async).
 */
import { isIndexDType } from '../tensor/dtype.js';
import { ShapeError } from '../tensor/errors.js';
import { emptyTensor, needsGrad, normDim, record, type Tensor } from './core.js';
import { fromArray, zeros } from './creation.js';
import { gather, indexSelect, scatterAdd } from './indexing.js';
import { cast, eq, ge, gt, logicalNot } from './pointwise.js';
import { any, sum } from './reduce.js';
import { contiguous, movedim, reshape, slice, unsqueeze } from './shape.js';

/** masked_select -> maskedSelect: the torchts name of the awaited form. */
const camel = (op: string) => op.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * Sorts x along `dim` with the backend primitive: [values, int32 indices], both x's shape.
 * Values carry autograd (the gradient scattered back through the indices).
 */
export function sort(x: Tensor, dim = -1, descending = false): [Tensor, Tensor] {
  const rank0 = x.dim() === 0;
  const d = normDim(dim, Math.max(1, x.dim()), 'sort');
  const m = rank0 ? reshape(x.detach(), [1]) : movedim(x.detach(), d, -1);
  const n = m.shape[m.dim() - 1];
  const rows = n === 0 ? 0 : m.numel() / n;
  const m2 = reshape(m, [rows, n]);
  const vals = emptyTensor([rows, n], x.dtype, x.device);
  const idx = emptyTensor([rows, n], 'int64', x.device);
  if (rows * n > 0) x.backend.sort(m2, descending, vals, idx);
  const back = (t: Tensor) => (rank0 ? reshape(t, []) : contiguous(movedim(reshape(t, m.shape), -1, d)));
  const values = back(vals);
  const indices = back(idx);
  if (needsGrad([x]))
    record('sort', [values, indices], [x], ([g]) => {
      if (!g) return [null];
      return [scatterAdd(zeros(x.shape, { device: x.device, dtype: g.dtype }), rank0 ? 0 : d, indices, g)];
    });
  return [values, indices];
}

export const argsort = (x: Tensor, dim = -1, descending = false): Tensor => sort(x, dim, descending)[1];
export const msort = (x: Tensor): Tensor => sort(x, 0)[0];

/** The k largest (or smallest) elements along dim: a sort, then the first k. */
export function topk(x: Tensor, k: number, dim = -1, largest = true, _sorted = true): [Tensor, Tensor] {
  const d = normDim(dim, Math.max(1, x.dim()), 'topk');
  const n = x.dim() === 0 ? 1 : x.shape[d];
  if (k < 0 || k > n) throw new RangeError('topk(): selected index k out of range');
  const [v, i] = sort(x, d, largest);
  if (x.dim() === 0) return [v, i];
  return [slice(v, d, 0, k), slice(i, d, 0, k)];
}

// ---- searching: comparisons and a count (exactly PyTorch's lower/upper bound predicates) ----

/**
 * For each value, how many boundaries b satisfy !(b >= v) (left, PyTorch's lower bound) or
 * !(b > v) (right, upper bound): the insertion point in a sorted row.
 */
function bound(boundaries: Tensor, values: Tensor, right: boolean, batched: boolean): Tensor {
  const v = unsqueeze(values, -1); // [..., k, 1]
  const b = batched ? unsqueeze(boundaries, -2) : boundaries; // [..., 1, m] or [m]
  const hit = logicalNot(right ? gt(b, v) : ge(b, v));
  return cast(sum(hit, [-1]), 'int64');
}

export function searchsorted(
  sortedSequence: Tensor,
  input: Tensor | number,
  opts: { right?: boolean; side?: 'left' | 'right' | null; sorter?: Tensor | null } = {},
): Tensor {
  const op = 'torch.searchsorted()';
  const { side = null, sorter = null } = opts;
  const right = opts.right ?? false;
  if (side !== null && side !== 'left' && side !== 'right')
    throw new RangeError(`${op}: side can only be 'left' or 'right' but got ${side}`);
  if (side === 'left' && right)
    throw new RangeError(
      `${op}: side and right can't be set to opposites, got side of left while right was True`,
    );
  const r = side !== null ? side === 'right' : right;
  const scalar = typeof input === 'number';
  const vals = scalar
    ? fromArray([input], [], { dtype: sortedSequence.dtype, device: sortedSequence.device })
    : (input as Tensor);
  if (sortedSequence.dim() === 0)
    throw new ShapeError(`${op}: boundaries tensor should have positive dimension, but got 0 dimension`);
  const batched = sortedSequence.dim() > 1;
  if (batched && !scalar) {
    const ok =
      vals.dim() === sortedSequence.dim() &&
      sortedSequence.shape.slice(0, -1).every((s, i) => s === vals.shape[i]);
    if (!ok)
      throw new ShapeError(
        `${op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${fmt(sortedSequence.shape)} and input value tensor ${fmt(vals.shape)}`,
      );
  }
  if (batched && scalar)
    throw new ShapeError(
      `${op}: input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${sortedSequence.dim()}) and input value's dim(0) numel(1)`,
    );
  let b = sortedSequence.detach();
  if (sorter !== null) {
    if (!isIndexDType(sorter.dtype))
      throw new TypeError(`${op}: sorter must be a tensor of long dtype but got dtype ${sorter.dtype}`);
    if (sorter.shape.length !== b.shape.length || sorter.shape.some((s, i) => s !== b.shape[i]))
      throw new ShapeError(
        `${op}: boundary and sorter must have the same size, but got boundary tensor ${fmt(b.shape)}and got sorter tensor ${fmt(sorter.shape)}`,
      );
    b = gather(b, -1, sorter);
  }
  return bound(b, vals.detach(), r, batched);
}

export function bucketize(input: Tensor | number, boundaries: Tensor, right = false): Tensor {
  if (boundaries.dim() !== 1)
    throw new ShapeError(
      `bucketize(): boundaries tensor must be 1 dimension, but got dim(${boundaries.dim()})`,
    );
  return searchsorted(boundaries, input, { right });
}

/** Whether each element is among test_elements (flattened); `invert` negates. */
export function isin(elements: Tensor | number, testElements: Tensor | number, invert = false): Tensor {
  const like = typeof elements === 'number' ? (testElements as Tensor) : elements;
  const asT = (v: Tensor | number) =>
    typeof v === 'number' ? fromArray([v], [], { dtype: like.dtype, device: like.device }) : v;
  const e = asT(elements).detach();
  const t = reshape(asT(testElements).detach(), [-1]);
  const hit = any(eq(unsqueeze(e, -1), t), [-1]);
  return invert ? logicalNot(hit) : hit;
}

// ---- unique / unique_consecutive: data-dependent sizes, on the host ----

function hostRows(op: string, x: Tensor): ArrayLike<number> {
  if (x.device.type !== 'cpu')
    throw new Error(
      `${op}(): its output shape depends on the data, which a ${x.device} tensor cannot give synchronously; use the awaited form, which runs on the device: \`await torch.${camel(op)}Async(...)\``,
    );
  return contiguous(x).toArraySync() as unknown as ArrayLike<number>;
}

/** Compares slices a and b (length w) of data: NaN largest, as the sort. */
function cmpSlices(data: ArrayLike<number>, a: number, b: number, w: number): number {
  for (let j = 0; j < w; j++) {
    const p = data[a * w + j];
    const q = data[b * w + j];
    if (p === q) continue;
    const pn = p !== p;
    const qn = q !== q;
    if (pn && qn) continue;
    if (pn) return 1;
    if (qn) return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}
const sameSlices = (data: ArrayLike<number>, a: number, b: number, w: number) => {
  for (let j = 0; j < w; j++) if (data[a * w + j] !== data[b * w + j]) return false;
  return true;
};

/**
 * Groups of equal slices along dim (all elements when dim is null): per group its first
 * member's position; per position its group; per group its size. Sorted groups for unique,
 * runs of equal neighbours for unique_consecutive.
 */
function groups(
  op: string,
  x: Tensor,
  dim: number | null,
  consecutive: boolean,
): { src: Tensor; d: number; first: number[]; inverse: number[]; counts: number[] } {
  const src = dim === null ? reshape(x, [-1]) : x;
  if (dim !== null && x.dim() === 0) normDim(dim, 0, op);
  const d = dim === null ? 0 : normDim(dim, x.dim(), op);
  const len = src.shape[d] ?? 1;
  const moved = movedim(src.detach(), d, 0);
  const data = hostRows(op, moved);
  const w = len === 0 ? 0 : data.length / len;
  const order = Array.from({ length: len }, (_, i) => i);
  if (!consecutive) order.sort((a, b) => cmpSlices(data, a, b, w) || a - b);
  const first: number[] = [];
  const inverse = new Array<number>(len);
  const counts: number[] = [];
  for (let k = 0; k < len; k++) {
    const i = order[k];
    if (k === 0 || !sameSlices(data, order[k - 1], i, w)) {
      first.push(i);
      counts.push(0);
    }
    inverse[i] = first.length - 1;
    counts[counts.length - 1]++;
  }
  return { src, d, first, inverse, counts };
}

function uniqueOutputs(
  x: Tensor,
  g: ReturnType<typeof groups>,
  dim: number | null,
  returnInverse: boolean,
  returnCounts: boolean,
): Tensor | Tensor[] {
  const ints = (v: number[], shape: readonly number[]) =>
    fromArray(Int32Array.from(v), shape, { dtype: 'int64', device: x.device });
  const out = indexSelect(g.src.detach(), g.d, ints(g.first, [g.first.length]));
  if (!returnInverse && !returnCounts) return out;
  const r: Tensor[] = [out];
  if (returnInverse) r.push(ints(g.inverse, dim === null ? x.shape : [g.inverse.length]));
  if (returnCounts) r.push(ints(g.counts, [g.counts.length]));
  return r;
}

export function unique(
  x: Tensor,
  _sorted: boolean,
  returnInverse: boolean,
  returnCounts: boolean,
  dim: number | null,
): Tensor | Tensor[] {
  // Always sorted: PyTorch leaves the order of sorted=False unspecified.
  return uniqueOutputs(x, groups('unique', x, dim, false), dim, returnInverse, returnCounts);
}

export function uniqueConsecutive(
  x: Tensor,
  returnInverse: boolean,
  returnCounts: boolean,
  dim: number | null,
): Tensor | Tensor[] {
  return uniqueOutputs(x, groups('unique_consecutive', x, dim, true), dim, returnInverse, returnCounts);
}
