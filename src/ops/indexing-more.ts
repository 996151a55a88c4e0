/**
 * More index ops, composed from gather / scatterAdd / where / reductions (autograd and every
 * device come free): scatter (src and value forms, reduce='add'|'multiply'), scatter_reduce,
 * index_add / index_copy / index_fill / index_reduce, take, take_along_dim, index_put, put,
 * the *_scatter family, and the data-dependent ops (masked_select, masked_scatter, nonzero,
 * argwhere), which read their mask back and so run on the CPU only.
 *
 * scatter_reduce with prod/amax/amin/mean builds a one-hot [..., N] comparison of the index
 * against the output positions and reduces over the index dim: O(index.numel() * N) memory,
 * exact gradients from prod/amax/amin's own backward.
 */
import { isIndexDType } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { checkSameDType, normDim, Tensor } from './core.js';
import { arange, full } from './creation.js';
import { cumsum } from './cumulative.js';
import { gather, scatterAdd } from './indexing.js';
import { add, cast, div, eq, lt, maximum, minimum, mul, ne, sub, where } from './pointwise.js';
import { amax, amin, prod, sum } from './reduce.js';
import { contiguous, expand, movedim, pad, reshape, slice, unsqueeze } from './shape.js';

/** masked_select -> maskedSelect: the torchts name of the awaited form. */
const camel = (op: string) => op.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

type Scalar = number | boolean;
type Reduce = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

const isT = (v: unknown): v is Tensor => v instanceof Tensor;
const asVector = (t: Tensor) => (t.dim() === 0 ? reshape(t, [1]) : t);

function checkIndex(op: string, index: Tensor): void {
  if (!isIndexDType(index.dtype))
    throw new DTypeError(`${op}(): Expected dtype int64 for index, got ${index.dtype}`);
}

/** Negative indices counted from the end of a dim of size n. */
const wrap = (index: Tensor, n: number): Tensor => where(lt(index, 0), add(index, n), index);

/** A 1-d index along dim d as a stride-0 view over `shape` (index_add / index_copy / index_fill). */
function spread(index: Tensor, d: number, shape: readonly number[]): Tensor {
  const i1 = asVector(index);
  const s = shape.slice();
  s[d] = i1.shape[0];
  return expand(
    reshape(
      i1,
      s.map((_, k) => (k === d ? i1.shape[0] : 1)),
    ),
    s,
  );
}

/** `src` cut down to the index's extent in every dim (PyTorch reads only that much of it). */
function cropTo(src: Tensor, shape: readonly number[]): Tensor {
  let s = src;
  shape.forEach((n, d) => {
    if (s.shape[d] !== n) s = slice(s, d, 0, n);
  });
  return s;
}

/** Zero-pad `t` (index-shaped, dim d already x.shape[d]) out to x's shape. */
function padTo(t: Tensor, shape: readonly number[], value: number): Tensor {
  const pads: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) pads.push(0, shape[d] - t.shape[d]);
  return pads.every((p) => p === 0) ? t : pad(t, pads, 'constant', value);
}

function checkScatter(op: string, x: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  checkIndex(op, index);
  if (src !== null) checkSameDType(x, src, () => 'scatter(): Expected self.dtype to be equal to src.dtype');
  if (index.dim() !== x.dim() || (src !== null && src.dim() !== x.dim()))
    throw new ShapeError(
      `${op}(): Index tensor must have the same number of dimensions as self tensor (${fmtShape(index.shape)} vs ${fmtShape(x.shape)})`,
    );
  index.shape.forEach((s, i) => {
    if ((i !== d && s > x.shape[i]) || (src !== null && s > src.shape[i]))
      throw new ShapeError(
        `${op}(): Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}${src ? ` and to be smaller size than src ${fmtShape(src.shape)}` : ''}`,
      );
  });
}

/** Positions of x hit by the index (as a count per position). */
function hits(x: Tensor, d: number, index: Tensor): Tensor {
  const ones = full(index.shape, 1, { device: x.device });
  return scatterAdd(full(x.shape, 0, { device: x.device }), d, index, ones);
}

/** Per-position reduction of src over the index, as an x-shaped tensor, with the count of hits. */
function denseReduce(x: Tensor, d: number, index: Tensor, src: Tensor, op: Reduce): [Tensor, Tensor] {
  const n = x.shape[d];
  const s = cropTo(src.dtype === x.dtype ? src : cast(src, x.dtype), index.shape);
  const positions = arange(0, n, 1, { device: x.device });
  const m = eq(unsqueeze(index, -1), positions); // [...index, n]
  const count = movedim(sum(cast(m, 'float32'), [d]), -1, d);
  const ident = op === 'prod' ? 1 : op === 'amax' ? -Infinity : op === 'amin' ? Infinity : 0;
  const v = where(m, unsqueeze(s, -1), ident);
  const r =
    op === 'prod' ? prod(v, [d]) : op === 'amax' ? amax(v, [d]) : op === 'amin' ? amin(v, [d]) : sum(v, [d]);
  return [padTo(movedim(r, -1, d), x.shape, ident), padTo(count, x.shape, 0)];
}

const zeroDimCase = (x: Tensor, index: Tensor, src: Tensor | null) =>
  [x, index, src].some((t) => t !== null && t.dim() === 0) &&
  [x, index, src].every((t) => t === null || t.dim() <= 1);

export function scatterReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: Reduce,
  includeSelf = true,
): Tensor {
  const d = normDim(dim, x.dim(), 'scatter_reduce');
  if (zeroDimCase(x, index, src))
    return reshape(
      scatterReduce(asVector(x), d, asVector(index), asVector(src), reduce, includeSelf),
      x.shape,
    );
  checkScatter('scatter_reduce', x, d, index, src);
  if (reduce === 'sum') {
    if (includeSelf) return scatterAdd(x, d, index, cropTo(src, index.shape));
    const base = where(ne(hits(x, d, index), 0), 0, x);
    return scatterAdd(base, d, index, cropTo(src, index.shape));
  }
  const [r, count] = denseReduce(x, d, index, src, reduce);
  const hit = ne(count, 0);
  let out: Tensor;
  if (reduce === 'mean') {
    const total = includeSelf ? add(x, r) : r;
    const c = includeSelf ? add(count, 1) : count;
    out = where(hit, div(total, where(hit, c, 1)), x);
    if (out.dtype !== x.dtype) out = cast(out, x.dtype);
  } else if (!includeSelf) out = where(hit, r, x);
  else if (reduce === 'prod') out = where(hit, mul(x, r), x);
  else out = where(hit, reduce === 'amax' ? maximum(x, r) : minimum(x, r), x);
  return out;
}

/** torch.scatter(x, dim, index, src|value, *, reduce=None|'add'|'multiply'). */
export function scatter(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | Scalar,
  reduce: 'add' | 'multiply' | null = null,
): Tensor {
  const d = normDim(dim, x.dim(), 'scatter');
  const s = isT(src) ? src : null;
  if (zeroDimCase(x, index, s))
    return reshape(scatter(asVector(x), d, asVector(index), s ? asVector(s) : src, reduce), x.shape);
  checkScatter('scatter', x, d, index, s);
  const source = s ?? full(index.shape, Number(src), { dtype: x.dtype, device: x.device });
  if (reduce === 'add') return scatterReduce(x, d, index, source, 'sum', true);
  if (reduce === 'multiply') return scatterReduce(x, d, index, source, 'prod', true);
  // Plain scatter: each hit position takes the (last-written, here summed) source value.
  const hit = ne(hits(x, d, index), 0);
  const placed = scatterAdd(
    full(x.shape, 0, { dtype: x.dtype, device: x.device }),
    d,
    index,
    cropTo(source, index.shape),
  );
  return where(hit, placed, x);
}

export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): Tensor {
  checkIndex('index_add', index);
  checkSameDType(
    x,
    source,
    (a, b) => `index_add_(): self (${a}) and source (${b}) must have the same scalar type`,
  );
  const d = normDim(dim, x.dim(), 'index_add');
  if (x.dim() === 0) return reshape(indexAdd(reshape(x, [1]), 0, index, asVector(source), alpha), []);
  const n = x.shape[d];
  const src = alpha === 1 ? source : mul(source, alpha);
  return scatterAdd(x, d, spread(wrap(index, n), d, asVector(src).shape), asVector(src));
}

export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkIndex('index_copy', index);
  checkSameDType(
    x,
    source,
    (a, b) =>
      `index_copy_(): self and source expected to have the same dtype, but got (self) ${a} and (source) ${b}`,
  );
  const d = normDim(dim, x.dim(), 'index_copy');
  if (x.dim() === 0) return reshape(indexCopy(reshape(x, [1]), 0, index, asVector(source)), []);
  const src = asVector(source);
  return scatter(x, d, spread(wrap(index, x.shape[d]), d, src.shape), src);
}

export function indexFill(x: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  checkIndex('index_fill', index);
  const d = normDim(dim, x.dim(), 'index_fill');
  if (x.dim() === 0) return reshape(indexFill(reshape(x, [1]), 0, index, value), []);
  const idx = spread(wrap(index, x.shape[d]), d, x.shape);
  const hit = ne(hits(x, d, idx), 0);
  const v = isT(value) ? (value.dtype === x.dtype ? value : cast(value, x.dtype)) : value;
  return where(hit, v, x);
}

export function indexReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  reduce: Reduce,
  includeSelf: boolean,
): Tensor {
  checkIndex('index_reduce', index);
  checkSameDType(
    x,
    source,
    (a, b) => `index_reduce_(): self (${a}) and source (${b}) must have the same scalar type`,
  );
  const d = normDim(dim, x.dim(), 'index_reduce');
  if (x.dim() === 0)
    return reshape(indexReduce(reshape(x, [1]), 0, index, asVector(source), reduce, includeSelf), []);
  const src = asVector(source);
  return scatterReduce(x, d, spread(wrap(index, x.shape[d]), d, src.shape), src, reduce, includeSelf);
}

const flat = (t: Tensor) => reshape(t, [-1]);

export function take(x: Tensor, index: Tensor): Tensor {
  checkIndex('take', index);
  const n = x.numel();
  if (n === 0 && index.numel() > 0) throw new RangeError('take(): tried to take from an empty tensor');
  return reshape(gather(flat(x), 0, wrap(flat(index), n)), index.shape);
}

export function takeAlongDim(x: Tensor, indices: Tensor, dim: number | null): Tensor {
  checkIndex('take_along_dim', indices);
  if (dim === null) return gather(flat(x), 0, wrap(flat(indices), x.numel()));
  const d = normDim(dim, x.dim(), 'take_along_dim');
  if (x.dim() !== indices.dim())
    throw new ShapeError(
      `take_along_dim(): input and indices should have the same number of dimensions, but got ${x.dim()} dimensions for input, and ${indices.dim()} dimensions for indices`,
    );
  const xs = x.shape.slice();
  const is = indices.shape.slice();
  for (let k = 0; k < x.dim(); k++) {
    if (k === d) continue;
    const m = Math.max(xs[k], is[k]);
    if ((xs[k] !== m && xs[k] !== 1) || (is[k] !== m && is[k] !== 1))
      throw new ShapeError(
        `take_along_dim(): shapes ${fmtShape(x.shape)} and ${fmtShape(indices.shape)} cannot be broadcast`,
      );
    xs[k] = m;
    is[k] = m;
  }
  return gather(expand(x, xs), d, contiguous(wrap(expand(indices, is), x.shape[d])));
}

/** CPU readback of a mask (bool or numbers), with a clear error for other devices. */
function readMask(op: string, t: Tensor): ArrayLike<number> {
  if (t.device.type !== 'cpu')
    throw new Error(
      `${op}(): its output shape depends on the data, which a ${t.device} tensor cannot give synchronously; use the awaited form, which runs on the device: \`await torch.${camel(op)}Async(...)\``,
    );
  return t.toArraySync() as unknown as ArrayLike<number>;
}

/** Indices (one int32 tensor per dim) of the nonzero elements, in row-major order. */
function nonzeroLists(op: string, x: Tensor): number[][] {
  const c = contiguous(x);
  const data = readMask(op, c);
  const rank = x.dim();
  const out: number[][] = Array.from({ length: rank }, () => []);
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) continue; // NaN is nonzero
    let r = i;
    for (let k = rank - 1; k >= 0; k--) {
      out[k].push(r % x.shape[k]);
      r = Math.floor(r / x.shape[k]);
    }
  }
  return out;
}
const intTensor = (vals: number[], shape: readonly number[], like: Tensor): Tensor =>
  reshape(asIntTensor(vals, like), shape);
function asIntTensor(vals: number[], like: Tensor): Tensor {
  if (vals.length === 0) return full([0], 0, { dtype: 'int64', device: like.device });
  const t = arange(0, vals.length, 1, { device: like.device });
  t.backend.write(t.storage, Int32Array.from(vals));
  return t;
}

export function nonzero(x: Tensor, asTuple = false): Tensor | Tensor[] {
  const lists = nonzeroLists('nonzero', x);
  const count = x.dim() === 0 ? (readMask('nonzero', x)[0] !== 0 ? 1 : 0) : (lists[0]?.length ?? 0);
  if (asTuple) {
    if (x.dim() === 0) return [intTensor(new Array(count).fill(0), [count], x)];
    return lists.map((l) => intTensor(l, [l.length], x));
  }
  const rows: number[] = [];
  for (let i = 0; i < count; i++) for (const l of lists) rows.push(l[i]);
  return intTensor(rows, [count, x.dim()], x);
}
export const argwhere = (x: Tensor): Tensor => nonzero(x, false) as Tensor;

export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const shape = broadcast2(x.shape, mask.shape, 'masked_select');
  const m = expand(mask, shape);
  const lists = nonzeroLists('masked_select', m);
  const lin = lists.length === 0 ? (readMask('masked_select', m)[0] ? [0] : []) : linear(lists, shape);
  return gather(flat(contiguous(expand(x, shape))), 0, intTensor(lin, [lin.length], x));
}

/**
 * torch.masked_scatter, on the device: the k-th true position of the mask takes source's k-th
 * element (k from a running count of the mask). A mask with more true elements than source has
 * reads past source's end: the bad-index error of gather, named masked_scatter (at the call on
 * the CPU, at the next read on a GPU).
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  if (mask.dtype !== 'bool')
    throw new DTypeError(`masked_scatter: expected BoolTensor for mask, got ${mask.dtype}`);
  // PyTorch 1.13's wording, its missing space included.
  checkSameDType(
    x,
    source,
    (a, b) => `masked_scatter: expected self and source to have same dtypes but got${a} and ${b}`,
  );
  const shape = broadcast2(x.shape, mask.shape, 'masked_scatter');
  const m = flat(contiguous(expand(mask, shape)));
  const k = sub(cumsum(cast(m, 'int32'), 0), 1);
  const src = source.numel() === 0 ? full([1], 0, { dtype: x.dtype, device: x.device }) : flat(source);
  const picked = gather(src, 0, where(m, source.numel() === 0 ? 1 : k, 0), 'masked_scatter');
  return reshape(where(m, picked, flat(contiguous(expand(x, shape)))), shape);
}

function linear(lists: number[][], shape: readonly number[]): number[] {
  const n = lists[0].length;
  const out = new Array<number>(n).fill(0);
  for (let k = 0; k < lists.length; k++) for (let i = 0; i < n; i++) out[i] = out[i] * shape[k] + lists[k][i];
  return out;
}

function broadcast2(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new ShapeError(`${op}(): shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * torch.index_put(x, indices, values, accumulate): integer index tensors for the leading dims
 * (broadcast together); a bool mask is a where when the values broadcast over the unmasked dims,
 * else it is turned into integer indices (a readback: CPU only).
 */
export function indexPut(
  x: Tensor,
  indices: readonly (Tensor | null)[],
  values: Tensor,
  accumulate: boolean,
): Tensor {
  checkSameDType(
    x,
    values,
    (a, b) =>
      `Index put requires the source and destination dtypes match, got ${a} for the destination and ${b} for the source.`,
  );
  const m = indices[0];
  if (indices.length === 1 && m && m.dtype === 'bool' && fitsRest(values, x, m.dim())) {
    // One bool mask and values that broadcast over the unmasked dims: a where, no readback.
    const mk = reshape(m, [...m.shape, ...x.shape.slice(m.dim()).map(() => 1)]);
    return accumulate ? add(x, where(mk, values, 0)) : where(mk, values, x);
  }
  const ints: Tensor[] = [];
  for (const t of indices) {
    if (t === null) throw new Error('index_put(): None in indices is not supported yet');
    if (t.dtype === 'bool') {
      const lists = nonzeroLists('index_put (bool index)', t);
      for (const l of lists) ints.push(intTensor(l, [l.length], x));
    } else {
      checkIndex('index_put', t);
      ints.push(t);
    }
  }
  const k = ints.length;
  if (k > x.dim()) throw new ShapeError(`index_put(): too many indices for tensor of dimension ${x.dim()}`);
  const lead = x.shape.slice(0, k);
  const rest = x.shape.slice(k);
  const bshape = ints.reduce<number[]>((s, t) => broadcast2(s, t.shape, 'index_put'), []);
  let lin: Tensor | null = null;
  ints.forEach((t, i) => {
    const w = wrap(expand(t, bshape), lead[i]);
    lin = lin === null ? w : add(mul(lin, lead[i]), w);
  });
  const L = bshape.reduce((a, b) => a * b, 1);
  const linFlat = reshape((lin as Tensor | null) ?? full([], 0, { dtype: 'int32', device: x.device }), [L]);
  const xr = reshape(x, [lead.reduce((a, b) => a * b, 1), ...rest]);
  const v = reshape(expand(values, [...bshape, ...rest]), [L, ...rest]);
  const out = accumulate ? indexAdd(xr, 0, linFlat, v, 1) : indexCopy(xr, 0, linFlat, v);
  return reshape(out, x.shape);
}

/** values broadcast to x's dims after the first k (so any number of masked rows takes them). */
function fitsRest(values: Tensor, x: Tensor, k: number): boolean {
  const rest = x.shape.slice(k);
  if (values.dim() > rest.length) return false;
  const off = rest.length - values.dim();
  return values.shape.every((s, i) => s === 1 || s === rest[i + off]);
}

export function put(x: Tensor, index: Tensor, source: Tensor, accumulate: boolean): Tensor {
  checkIndex('put', index);
  checkSameDType(
    x,
    source,
    (a, b) =>
      `put_(): self and source expected to have the same dtype, but got self.dtype = ${a} and source.dtype = ${b}`,
  );
  const xf = flat(x);
  const i = wrap(flat(index), xf.shape[0]);
  const s = flat(source);
  const out = accumulate ? indexAdd(xf, 0, i, s, 1) : indexCopy(xf, 0, i, s);
  return reshape(out, x.shape);
}

/** x with the region picked by `view` replaced by src: where(inside, src placed, x). */
export function scatterInto(x: Tensor, src: Tensor, view: (t: Tensor) => Tensor, op: string): Tensor {
  const lin = arange(0, x.numel(), 1, { device: x.device });
  const region = contiguous(view(reshape(lin, x.shape)));
  if (region.shape.length !== src.shape.length || region.shape.some((s, i) => s !== src.shape[i]))
    throw new ShapeError(
      `${op}(): expected src to have a size equal to the slice of self ${fmtShape(region.shape)}, got ${fmtShape(src.shape)}`,
    );
  // The *_scatter ops cast src to self's dtype (PyTorch 1.13 does); scatter itself refuses a mix.
  return reshape(
    scatter(flat(x), 0, flat(region), flat(src.dtype === x.dtype ? src : cast(src, x.dtype))),
    x.shape,
  );
}

/** torch.as_strided_scatter: x (read as contiguous) with the strided window replaced by src. */
export function asStridedScatter(
  x: Tensor,
  src: Tensor,
  size: readonly number[],
  stride: readonly number[],
  offset: number,
): Tensor {
  if (size.length !== stride.length)
    throw new ShapeError('as_strided_scatter(): mismatch in length of strides and shape');
  if (src.shape.length !== size.length || src.shape.some((s, i) => s !== size[i]))
    throw new ShapeError(
      `as_strided_scatter(): expected src to have shape ${fmtShape(size)}, got ${fmtShape(src.shape)}`,
    );
  // The window's flat positions, computed on the host (size and stride are ints). A position
  // written twice keeps its last write, as a sequential copy does.
  const n = size.reduce((a, b) => a * b, 1);
  const pos: number[] = [];
  const from: number[] = [];
  const last = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let r = i;
    let p = offset;
    for (let k = size.length - 1; k >= 0; k--) {
      p += (r % size[k]) * stride[k];
      r = Math.floor(r / size[k]);
    }
    if (p >= x.numel())
      throw new RangeError(`as_strided_scatter(): position ${p} is out of bounds for ${fmtShape(x.shape)}`);
    last.set(p, i);
  }
  for (const [p, i] of last) {
    pos.push(p);
    from.push(i);
  }
  const picked = gather(flat(src), 0, intTensor(from, [from.length], x));
  return reshape(scatter(flat(x), 0, intTensor(pos, [pos.length], x), picked), x.shape);
}
