/**
 * Shape ops. Views (reshape of contiguous data, permute, expand, narrow, select, slicing,
 * squeeze/unsqueeze) share storage; only cat/stack/pad/flip and reshape of incompatible
 * strides copy. Every one is differentiable.
 */
import { numelOf, type View } from '../backend/backend.js';
import { promoteTypes } from '../tensor/dtype.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { isGradEnabled } from '../tensor/state.js';
import {
  checkSameDevice,
  E,
  emptyTensor,
  ewise,
  expandView,
  needsGrad,
  normDim,
  record,
  record1,
  type Tensor,
  viewAs,
  viewOf,
} from './core.js';
import { cast, mul } from './pointwise.js';

/**
 * Sums a broadcast gradient back to `shape` (leading dims, and dims that were 1): expand's
 * backward, and expand is its backward, so the two live here, on the reduce primitive.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  g.checkAlive();
  const lead = g.dim() - shape.length;
  const dims: number[] = [];
  const keep: number[] = [];
  for (let i = 0; i < g.dim(); i++)
    (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1) ? dims : keep).push(i);
  if (dims.length === 0) return reshape(g, shape);
  const x = g.dtype === 'bool' ? cast(g, 'int32') : g;
  // The summed dims to the end as a strided view (no copy), reduced in one pass.
  const perm = [...keep, ...dims];
  const out = emptyTensor(
    g.shape.map((s, i) => (dims.includes(i) ? 1 : s)),
    x.dtype,
    x.device,
  );
  x.backend.reduce(
    'sum',
    {
      storage: x.storage,
      dtype: x.dtype,
      shape: perm.map((i) => x.shape[i]),
      strides: perm.map((i) => x.strides[i]),
      offset: x.offset,
    },
    dims.length,
    out,
  );
  return reshape(
    record1('sum', out, [g], (gg) => [expand(gg, g.shape)]),
    shape,
  );
}

function inferShape(op: string, shape: readonly number[], numel: number): number[] {
  const out = shape.slice();
  const neg = out.indexOf(-1);
  if (out.indexOf(-1, neg + 1) !== -1) throw new ShapeError(`${op}: only one dimension can be inferred`);
  const known = out.reduce((a, s) => (s === -1 ? a : a * s), 1);
  if (neg >= 0) {
    if (known === 0 || numel % known !== 0)
      throw new ShapeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    out[neg] = numel / known;
  }
  if (numelOf(out) !== numel || out.some((s) => s < 0 || !Number.isInteger(s)))
    throw new ShapeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  return out;
}

/** Strides for viewing x as `shape` without a copy, or null (torch's computeStride). */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | null {
  if (x.isContiguous()) {
    const s = new Array<number>(shape.length);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }
  // Split x into chunks of dims that are contiguous among themselves, map new dims onto them.
  const newStrides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = x.strides[x.dim() - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = x.dim() - 1; d >= 0; d--) {
    tensorNumel *= x.shape[d];
    if (d === 0 || (x.shape[d - 1] !== 1 && x.strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = x.strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape('view', shape, x.numel());
  const st = viewStrides(x, s);
  if (!st)
    throw new ShapeError(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input ${fmtShape(x.shape)}, requested ${fmtShape(shape)})`,
    );
  const out = viewOf(x, s, st, x.offset);
  return record1('view', out, [x], (g) => [isGradEnabled() ? reshape(g, x.shape) : reshapeGrad(g, x.shape)]);
}

/**
 * reshape for a gradient inside a backward without createGraph: where a copy is needed (a
 * transposed head gradient back to [B, T, C]) it is written straight in the new shape, so the
 * engine's free of the result returns the storage at once (reshape's copy-then-view would leave
 * the copy's own Tensor object holding it until the next GC).
 */
function reshapeGrad(g: Tensor, shape: readonly number[]): Tensor {
  if (viewStrides(g, shape)) return view(g, shape);
  const out = emptyTensor(shape, g.dtype, g.device);
  out.backend.elementwise(E.input(0), [g], viewAs(out, g.shape));
  return out;
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape('reshape', shape, x.numel());
  if (viewStrides(x, s)) return view(x, s);
  return view(contiguous(x), s);
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return clone(x);
}

/** A copy with its own contiguous storage. */
export function clone(x: Tensor): Tensor {
  const out = ewise('clone', (a) => a, [x], x.dtype);
  return record1('clone', out, [x], (g) => [g]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const r = x.dim();
  const d = dims.map((v) => normDim(v, r, 'permute'));
  if (d.length !== r || new Set(d).size !== r)
    throw new ShapeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${r} is not equal to len(dims) = ${dims.length}`,
    );
  const out = viewOf(
    x,
    d.map((i) => x.shape[i]),
    d.map((i) => x.strides[i]),
    x.offset,
  );
  const inv = new Array<number>(r);
  d.forEach((v, i) => {
    inv[v] = i;
  });
  return record1('permute', out, [x], (g) => [permute(g, inv)]);
}

/** A view with dims `d0` and `d1` swapped (a 0-d tensor is returned as it is). */
export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  const r = x.dim();
  if (r === 0) return x;
  const a = normDim(d0, r, 'transpose');
  const b = normDim(d1, r, 'transpose');
  const p = x.shape.map((_, i) => i);
  [p[a], p[b]] = [p[b], p[a]];
  return permute(x, p);
}

/** Tensor.t(): transpose of a tensor of at most 2 dims. */
export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  return x.dim() < 2 ? x : transpose(x, 0, 1);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.dim() + 1, 'unsqueeze');
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.dim() ? x.strides[d] * x.shape[d] : 1);
  return record1('unsqueeze', viewOf(x, shape, strides, x.offset), [x], (g) => [reshape(g, x.shape)]);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const ds =
    dim === undefined
      ? x.shape.map((_, i) => i)
      : (typeof dim === 'number' ? [dim] : dim).map((d) => normDim(d, x.dim(), 'squeeze'));
  const keep = x.shape.map((s, i) => !(s === 1 && ds.includes(i)));
  const out = viewOf(
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
  );
  return record1('squeeze', out, [x], (g) => [reshape(g, x.shape)]);
}

/** Tensor.expand(...sizes): -1 keeps a size; new leading dims allowed. A stride-0 view. */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  const off = sizes.length - x.dim();
  if (off < 0)
    throw new ShapeError(
      `expand: the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`,
    );
  const shape = sizes.map((s, i) => (s === -1 ? (i >= off ? x.shape[i - off] : -1) : s));
  shape.forEach((s, i) => {
    const src = i >= off ? x.shape[i - off] : 1;
    if (s < 0 || (src !== 1 && src !== s))
      throw new ShapeError(
        `The expanded size of the tensor (${s}) must match the existing size (${src}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(sizes)}.  Tensor sizes: ${fmtShape(x.shape)}`,
      );
  });
  if (shape.every((s, i) => s === x.shape[i]) && shape.length === x.dim()) return x;
  const v = expandView(x, shape);
  const out = viewOf(x, v.shape, v.strides, v.offset);
  return record1('expand', out, [x], (g) => [sumTo(g, x.shape)]);
}

export const expandAs = (x: Tensor, other: Tensor): Tensor => expand(x, other.shape);

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const s = normDim(startDim, x.dim(), 'flatten');
  const e = normDim(endDim, x.dim(), 'flatten');
  if (x.dim() === 0) return reshape(x, [1]);
  if (s > e) throw new ShapeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  if (x.dim() === 0) throw new RangeError('unflatten: Dimension specified as 0 but tensor has no dimensions');
  const d = normDim(dim, x.dim(), 'unflatten');
  const s = inferShape('unflatten', sizes, x.shape[d]);
  return reshape(x, [...x.shape.slice(0, d), ...s, ...x.shape.slice(d + 1)]);
}

/** PyTorch refuses to slice, narrow or select a 0-d tensor (it has no dim to index). */
function noScalar(x: Tensor, op: string): void {
  if (x.dim() === 0) throw new RangeError(`${op} cannot be applied to a 0-dim tensor.`);
}

/** Strided slice along one dim: x[..., start:end:step, ...] as a view. */
export function slice(x: Tensor, dim: number, start = 0, end: number | null = null, step = 1): Tensor {
  noScalar(x, 'slice()');
  const d = normDim(dim, x.dim(), 'slice');
  const n = x.shape[d];
  if (step <= 0) throw new RangeError('slice step must be positive');
  const clampI = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampI(start);
  const e = Math.max(clampI(end ?? n), s);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  const out = viewOf(x, shape, strides, x.offset + s * x.strides[d]);
  return record1('slice', out, [x], (g) => [sliceBackward(g, x.shape, d, s, step)]);
}

/** Gradient of a slice: zeros with g written into the sliced positions (itself differentiable). */
function sliceBackward(g: Tensor, shape: readonly number[], d: number, start: number, step: number): Tensor {
  const z = emptyTensor(shape, g.dtype, g.device);
  z.backend.elementwise(E.const(0), [], z);
  const target = viewOf(
    z,
    g.shape,
    z.strides.map((s, i) => (i === d ? s * step : s)),
    start * z.strides[d],
  );
  z.backend.elementwise(E.input(0), [g], target);
  return record1('slice_backward', z, [g], (gg) => [
    slice(gg, d, start, start + (g.shape[d] - 1) * step + 1, step),
  ]);
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  noScalar(x, 'narrow()');
  const d = normDim(dim, x.dim(), 'narrow');
  const s = start < 0 ? start + x.shape[d] : start;
  if (s < 0 || length < 0 || s + length > x.shape[d])
    throw new RangeError(`start (${start}) + length (${length}) exceeds dimension size (${x.shape[d]}).`);
  return slice(x, d, s, s + length);
}

/** x.select(dim, i): removes dim, a view. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  noScalar(x, 'select()');
  const d = normDim(dim, x.dim(), 'select');
  const n = x.shape[d];
  if (index < -n || index >= n)
    throw new RangeError(
      `select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}`,
    );
  return squeeze(slice(x, d, index < 0 ? index + n : index, (index < 0 ? index + n : index) + 1), d);
}

/** Basic indexing: numbers select, [start, end, step] or ':' slice, '...' fills, null adds a dim. */
export type IndexSpec = number | ':' | '...' | null | readonly [number?, (number | null)?, number?];
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  const consumed = specs.filter((s) => s !== null && s !== '...').length;
  const ell = specs.indexOf('...');
  if (consumed > x.dim()) throw new RangeError(`too many indices for tensor of dimension ${x.dim()}`);
  const full: IndexSpec[] =
    ell >= 0
      ? [...specs.slice(0, ell), ...new Array(x.dim() - consumed).fill(':'), ...specs.slice(ell + 1)]
      : [...specs];
  let out = x;
  let d = 0;
  for (const s of full) {
    if (s === null) out = unsqueeze(out, d++);
    else if (s === ':') d++;
    else if (typeof s === 'number') out = select(out, d, s);
    else if (Array.isArray(s)) out = slice(out, d++, s[0] ?? 0, s[1] ?? null, s[2] ?? 1);
  }
  return out;
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
  // PyTorch skips 1-D empty tensors in cat (legacy behaviour).
  const ts = tensors.filter((t) => !(t.dim() === 1 && t.shape[0] === 0));
  if (ts.length === 0) return tensors[0];
  checkSameDevice('cat', ts);
  const ref = ts[0];
  const scalar = ts.findIndex((t) => t.dim() === 0);
  if (scalar >= 0)
    throw new ShapeError(`zero-dimensional tensor (at position ${scalar}) cannot be concatenated`);
  const d = normDim(dim, ref.dim(), 'cat');
  for (const t of ts)
    if (t.dim() !== ref.dim() || t.shape.some((s, i) => i !== d && s !== ref.shape[i]))
      throw new ShapeError(
        `torch.cat(): Sizes of tensors must match except in dimension ${d}. Got ${fmtShape(ref.shape)} and ${fmtShape(t.shape)}`,
      );
  const dtype = ts.reduce((a, t) => promoteTypes(a, t.dtype), ts[0].dtype);
  const shape = ref.shape.slice();
  shape[d] = ts.reduce((a, t) => a + t.shape[d], 0);
  const out = emptyTensor(shape, dtype, ref.device);
  let off = 0;
  const starts: number[] = [];
  for (const t of ts) {
    starts.push(off);
    // A plain view (no Tensor object): nothing but `out` holds its storage afterwards.
    const v: View = {
      storage: out.storage,
      dtype,
      shape: t.shape,
      strides: out.strides,
      offset: off * out.strides[d],
    };
    out.backend.elementwise(E.input(0), [t], v);
    off += t.shape[d];
  }
  if (needsGrad(ts))
    record1('cat', out, ts, (g) => ts.map((t, i) => slice(g, d, starts[i], starts[i] + t.shape[d])));
  return out;
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError('stack expects a non-empty TensorList');
  const s0 = tensors[0].shape;
  for (const t of tensors)
    if (t.dim() !== s0.length || t.shape.some((s, i) => s !== s0[i]))
      throw new ShapeError(
        `stack expects each tensor to be equal size, but got ${fmtShape(s0)} at entry 0 and ${fmtShape(t.shape)}`,
      );
  const d = normDim(dim, s0.length + 1, 'stack');
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  if (x.dim() === 0) throw new ShapeError('split expects at least a 1-dimensional tensor');
  const d = normDim(dim, x.dim(), 'split');
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (sizeOrSections <= 0) throw new RangeError('split_size must be positive');
    sizes = [];
    for (let i = 0; i < n; i += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - i));
    if (n === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    if (sizes.reduce((a, b) => a + b, 0) !== n)
      throw new ShapeError(
        `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(sizes)}`,
      );
  }
  return splitViews(typeof sizeOrSections === 'number' ? 'split' : 'split_with_sizes', x, d, sizes, true);
}

/**
 * The pieces of x along dim d (views sharing x's storage), recorded as ONE node whose backward
 * concatenates (stacks, for unbind: `keep` false drops the dim) the pieces' gradients, zeros only
 * for pieces that got none: one gradient buffer, where a slice node per piece would each fill a
 * full-size zero gradient, scatter into it, and add them up.
 */
function splitViews(name: string, x: Tensor, d: number, sizes: readonly number[], keep: boolean): Tensor[] {
  const shapes: number[][] = [];
  let off = 0;
  const parts = sizes.map((s) => {
    const shape = x.shape.slice();
    const strides = x.strides.slice();
    if (keep) shape[d] = s;
    else {
      shape.splice(d, 1);
      strides.splice(d, 1);
    }
    shapes.push(shape);
    const part = viewOf(x, shape, strides, x.offset + off * x.strides[d]);
    off += s;
    return part;
  });
  record(name, parts, [x], (gs) => {
    const full = gs.map((g, i) => {
      if (g) return g;
      const z = emptyTensor(shapes[i], x.dtype, x.device);
      z.backend.elementwise(E.const(0), [], z);
      return z;
    });
    return [keep ? cat(full, d) : stack(full, d)];
  });
  return parts;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (x.dim() === 0) throw new ShapeError('chunk expects at least a 1-dimensional tensor');
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new RangeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.dim(), 'chunk');
  // An empty dim splits into `chunks` empty pieces, as PyTorch.
  if (x.shape[d] === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(x.shape[d] / chunks), d);
}

export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.dim() === 0) throw new RangeError('unbind: Dimension specified as 0 but tensor has no dimensions');
  const d = normDim(dim, x.dim(), 'unbind');
  return splitViews('unbind', x, d, new Array<number>(x.shape[d]).fill(1), false);
}

/** torch.flip: a copy with the given dims reversed (read through a negative-stride view). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const ds = (typeof dims === 'number' ? [dims] : dims).map((d) => normDim(d, x.dim(), 'flip'));
  let offset = x.offset;
  const strides = x.strides.map((s, i) => {
    if (!ds.includes(i) || x.shape[i] === 0) return s;
    offset += (x.shape[i] - 1) * s;
    return -s;
  });
  const out = emptyTensor(x.shape, x.dtype, x.device);
  out.backend.elementwise(
    E.input(0),
    [{ storage: x.storage, dtype: x.dtype, shape: x.shape, strides, offset }],
    out,
  );
  return record1('flip', out, [x], (g) => [flip(g, ds)]);
}

/** Tensor.repeat(...reps): tiles; composed from expand + reshape, so autograd comes free. */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  if (reps.length < x.dim())
    throw new ShapeError(
      'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
  const shape = [...new Array(reps.length - x.dim()).fill(1), ...x.shape];
  const inter: number[] = [];
  const expanded: number[] = [];
  shape.forEach((s, i) => {
    inter.push(1, s);
    expanded.push(reps[i], s);
  });
  return reshape(
    expand(reshape(x, inter), expanded),
    shape.map((s, i) => s * reps[i]),
  );
}

/** Lower/upper triangle of the last two dims (torch.tril / torch.triu). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}
function triangle(name: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  if (x.dim() < 2) throw new ShapeError(`${name}: input tensor must have at least 2 dimensions`);
  const [r, c] = x.shape.slice(-2);
  const mask = emptyTensor([r, c], 'bool', x.device);
  // keep(i, j) = j - i <= k (tril) or j - i >= k (triu); i, j from index grids.
  const rows = emptyTensor([r, 1], 'int32', x.device);
  const cols = emptyTensor([1, c], 'int32', x.device);
  rows.backend.write(
    rows.storage,
    Int32Array.from({ length: r }, (_, i) => i),
  );
  cols.backend.write(
    cols.storage,
    Int32Array.from({ length: c }, (_, i) => i),
  );
  const diff = (f: typeof E.le) => (i: Parameters<typeof E.sub>[0], j: Parameters<typeof E.sub>[0]) =>
    f(E.sub(j, i), k);
  mask.backend.elementwise(
    diff(name === 'tril' ? E.le : E.ge)(E.input(0), E.input(1)),
    [expandView(rows, [r, c]), expandView(cols, [r, c])],
    mask,
  );
  return mul(x, mask);
}

/** F.pad with constant mode: pads = [left, right, top, bottom, ...] from the last dim backwards. */
export function pad(x: Tensor, pads: readonly number[], mode: 'constant' = 'constant', value = 0): Tensor {
  if (mode !== 'constant') throw new Error(`pad: mode '${mode}' is not supported yet (only 'constant')`);
  if (pads.length % 2 !== 0 || pads.length / 2 > x.dim())
    throw new ShapeError(
      `Padding length must be divisible by 2 and at most twice the input's dims (got ${pads.length} for ${x.dim()} dims)`,
    );
  const shape = x.shape.slice();
  const begin = new Array<number>(x.dim()).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.dim() - 1 - i;
    shape[d] += pads[2 * i] + pads[2 * i + 1];
    begin[d] = pads[2 * i];
    if (shape[d] < 0) throw new ShapeError(`pad: resulting size of dim ${d} would be negative`);
  }
  const out = emptyTensor(shape, x.dtype, x.device);
  out.backend.elementwise(E.const(value), [], out);
  // Negative pads crop: copy the overlapping window only.
  const srcStart = begin.map((b) => Math.max(0, -b));
  const dstStart = begin.map((b) => Math.max(0, b));
  const len = x.shape.map((s, d) => Math.min(s - srcStart[d], shape[d] - dstStart[d]));
  if (len.every((l) => l > 0)) {
    const src = {
      storage: x.storage,
      dtype: x.dtype,
      shape: len,
      strides: x.strides,
      offset: x.offset + srcStart.reduce((a, s, d) => a + s * x.strides[d], 0),
    };
    const dst = viewOf(
      out,
      len,
      out.strides,
      dstStart.reduce((a, s, d) => a + s * out.strides[d], 0),
    );
    out.backend.elementwise(E.input(0), [src], dst);
  }
  // The gradient is g padded by the negated pads: crops where the forward padded, zeros where
  // it cropped (slicing from `begin` read a negative begin as an index from the end).
  return record1('pad', out, [x], (g) => [
    pad(
      g,
      pads.map((p) => -p),
    ),
  ]);
}

export { numelOf };

/** torch.movedim for one dim: a permuted view. */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normDim(source, x.dim(), 'movedim');
  const d = normDim(destination, x.dim(), 'movedim');
  if (s === d) return x;
  const order = x.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}
