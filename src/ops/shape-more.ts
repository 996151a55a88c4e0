/**
 * More shape ops, all compositions of the views and copies of ops/shape.ts (so autograd and
 * every device come free): diagonals, rolls and rotations, tiling, the stack/split families,
 * broadcasting helpers, meshgrid and index-list factories.
 */
import { isInt } from '../tensor/dtype.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { broadcastShapes, E, emptyTensor, normDim, record1, type Tensor, viewOf } from './core.js';
import { arange, fromArray, type TensorOptions } from './creation.js';
import { repeatSources } from './data-dependent.js';
import { indexSelect } from './indexing.js';
import { add, cast, mul, remainder, sub } from './pointwise.js';
import {
  cat,
  clone,
  expand,
  flatten,
  flip,
  movedim as movedim1,
  narrow,
  pad,
  permute,
  repeat,
  reshape,
  slice,
  stack,
  transpose,
  unflatten as unflattenView,
  unsqueeze,
} from './shape.js';

/** The (shape, strides, offset) of the diagonal of dims d1, d2 of `shape`, appended as the last dim. */
function diagView(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
  offset: number,
  d1: number,
  d2: number,
): { shape: number[]; strides: number[]; offset: number } {
  const len = Math.max(
    0,
    offset >= 0 ? Math.min(shape[d1], shape[d2] - offset) : Math.min(shape[d1] + offset, shape[d2]),
  );
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const off = len === 0 ? base : base + (offset >= 0 ? offset * strides[d2] : -offset * strides[d1]);
  return {
    shape: [...keep.map((i) => shape[i]), len],
    strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]],
    offset: off,
  };
}

function diagDims(op: string, rank: number, dim1: number, dim2: number): [number, number] {
  const a = normDim(dim1, rank, op);
  const b = normDim(dim2, rank, op);
  if (a === b) throw new ShapeError(`${op}: dim1 and dim2 cannot be identical, but both are ${dim1}`);
  return [a, b];
}

/** torch.diagonal: a view of the diagonal of dims dim1, dim2, appended as the last dim. */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  if (x.dim() < 2) throw new ShapeError(`diagonal: expected a tensor with at least 2 dims, got ${x.dim()}`);
  const [a, b] = diagDims('diagonal', x.dim(), dim1, dim2);
  const v = diagView(x.shape, x.strides, x.offset, offset, a, b);
  const out = viewOf(x, v.shape, v.strides, v.offset);
  return record1('diagonal', out, [x], (g) => [embedInto(g, x.shape, offset, a, b)]);
}

/** Zeros of `shape` with `src` written into its (offset, d1, d2) diagonal; backward is diagonal(). */
function embedInto(src: Tensor, shape: readonly number[], offset: number, d1: number, d2: number): Tensor {
  const z = emptyTensor(shape, src.dtype, src.device);
  z.backend.elementwise(E.const(0), [], z);
  const v = diagView(z.shape, z.strides, 0, offset, d1, d2);
  if (v.shape.every((s) => s > 0))
    z.backend.elementwise(E.input(0), [src], viewOf(z, v.shape, v.strides, v.offset));
  return record1('diagonal_backward', z, [src], (g) => [diagonal(g, offset, d1, d2)]);
}

/** torch.diag_embed: the last dim of x becomes the (offset) diagonal of new dims dim1, dim2. */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  const r = x.dim() + 1;
  const [a, b] = diagDims('diag_embed', r, dim1, dim2);
  const n = (x.dim() === 0 ? 1 : x.shape[x.dim() - 1]) + Math.abs(offset);
  const src = x.dim() === 0 ? reshape(x, [1]) : x;
  const rest = src.shape.slice(0, -1);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) shape.push(i === a || i === b ? n : rest[k++]);
  return embedInto(src, shape, offset, a, b);
}

/** torch.diag: a 1-D input becomes a diagonal matrix, a 2-D input gives its diagonal. */
export function diag(x: Tensor, k = 0): Tensor {
  if (x.dim() === 1) return diagEmbed(x, k, 0, 1);
  if (x.dim() === 2) return diagonal(x, k, 0, 1);
  throw new ShapeError(`diag(): Supports 1D or 2D tensors. Got ${x.dim()}D`);
}

export const diagflat = (x: Tensor, offset = 0): Tensor => diagEmbed(reshape(x, [-1]), offset, 0, 1);

/** torch.roll: elements shifted along dims (the flattened tensor when dims is empty). */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims: number | readonly number[] = [],
): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  const d = typeof dims === 'number' ? [dims] : [...dims];
  if (d.length === 0) {
    if (s.length !== 1) throw new ShapeError('roll: shifts must be one value when dims is not given');
    return reshape(roll(reshape(x, [-1]), s[0], 0), x.shape);
  }
  if (s.length !== d.length)
    throw new ShapeError(`shifts and dimensions must align. shifts: ${s.length}, dims:${d.length}`);
  let out = x;
  s.forEach((shift, i) => {
    const dim = normDim(d[i], x.dim(), 'roll');
    const n = x.shape[dim];
    if (n === 0) return;
    const k = ((shift % n) + n) % n;
    if (k === 0) return;
    out = cat([slice(out, dim, n - k, n), slice(out, dim, 0, n - k)], dim);
  });
  return out;
}

/** torch.rot90: k quarter turns in the plane of dims, from the first towards the second. */
export function rot90(x: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  if (dims.length !== 2)
    throw new ShapeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (x.dim() < 2) throw new ShapeError(`expected total dims >= 2, but got total dims = ${x.dim()}`);
  const [a, b] = dims.map((v) => normDim(v, x.dim(), 'rot90'));
  if (a === b)
    throw new ShapeError(`expected rotation dims to be different, but got dim0 = ${a} and dim1 = ${b}`);
  const m = ((k % 4) + 4) % 4;
  if (m === 1) return transpose(flip(x, [b]), a, b);
  if (m === 2) return flip(x, [a, b]);
  if (m === 3) return transpose(flip(x, [a]), a, b);
  return reshape(x, x.shape); // a view, like PyTorch's clone in values
}

/** torch.tile: repeat with the reps left-padded by 1s to the tensor's rank. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const r = reps.length < x.dim() ? [...new Array(x.dim() - reps.length).fill(1), ...reps] : [...reps];
  return repeat(x, r);
}

export const broadcastTo = (x: Tensor, shape: readonly number[]): Tensor => expand(x, shape);

export function broadcastTensors(ts: readonly Tensor[]): Tensor[] {
  const shape = broadcastShapes('broadcast_tensors', ...ts.map((t) => t.shape));
  return ts.map((t) => expand(t, shape));
}

export const atleast1d = (x: Tensor): Tensor => (x.dim() === 0 ? reshape(x, [1]) : x);
export function atleast2d(x: Tensor): Tensor {
  if (x.dim() === 0) return reshape(x, [1, 1]);
  return x.dim() === 1 ? unsqueeze(x, 0) : x;
}
export function atleast3d(x: Tensor): Tensor {
  if (x.dim() === 0) return reshape(x, [1, 1, 1]);
  if (x.dim() === 1) return reshape(x, [1, x.shape[0], 1]);
  return x.dim() === 2 ? unsqueeze(x, -1) : x;
}

export function hstack(ts: readonly Tensor[]): Tensor {
  const xs = ts.map(atleast1d);
  return cat(xs, xs[0]?.dim() === 1 ? 0 : 1);
}
export const vstack = (ts: readonly Tensor[]): Tensor => cat(ts.map(atleast2d), 0);
export const dstack = (ts: readonly Tensor[]): Tensor => cat(ts.map(atleast3d), 2);
export const columnStack = (ts: readonly Tensor[]): Tensor =>
  cat(
    ts.map((t) => (t.dim() <= 1 ? reshape(t, [t.numel(), 1]) : t)),
    1,
  );

/** Integer values of an index argument given as a tensor (CPU tensors: read synchronously). */
export function intsOf(op: string, v: Tensor): number[] {
  if (!isInt(v.dtype)) throw new TypeError(`${op}: expected an integer tensor, got ${v.dtype}`);
  if (v.device.type !== 'cpu')
    throw new TypeError(`${op}: a tensor of indices must be on the CPU (got one on ${v.device})`);
  return Array.from(v.toArraySync() as ArrayLike<number>, Number);
}

/** torch.tensor_split: `sections` nearly equal pieces, or pieces cut at `indices`. */
export function tensorSplit(
  x: Tensor,
  indicesOrSections: number | readonly number[] | Tensor,
  dim = 0,
): Tensor[] {
  if (x.dim() === 0)
    throw new ShapeError(
      'tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims',
    );
  const d = normDim(dim, x.dim(), 'tensor_split');
  let spec: number | readonly number[] = indicesOrSections as number | readonly number[];
  if (typeof indicesOrSections === 'object' && !Array.isArray(indicesOrSections)) {
    const t = indicesOrSections as Tensor;
    if (t.dim() > 1)
      throw new ShapeError(
        'tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor',
      );
    const vals = intsOf('tensor_split', t);
    spec = t.dim() === 0 ? vals[0] : vals;
  }
  const n = x.shape[d];
  if (typeof spec === 'number') {
    if (spec <= 0) throw new RangeError(`number of sections must be larger than 0, got ${spec}`);
    const q = Math.floor(n / spec);
    const rem = n % spec;
    const out: Tensor[] = [];
    let off = 0;
    for (let i = 0; i < spec; i++) {
      const len = q + (i < rem ? 1 : 0);
      out.push(slice(x, d, off, off + len));
      off += len;
    }
    return out;
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const idx of spec) {
    const e = Math.min(Math.max(idx < 0 ? idx + n : idx, 0), n);
    out.push(slice(x, d, start, Math.max(e, start)));
    start = Math.max(e, start);
  }
  out.push(slice(x, d, start, n));
  return out;
}

function splitAlong(op: string, x: Tensor, d: number, s: number | readonly number[]): Tensor[] {
  if (typeof s === 'number' && (s === 0 || x.shape[d] % s !== 0))
    throw new RangeError(
      `torch.${op} attempted to split along dimension ${d}, but the size of the dimension ${x.shape[d]} is not divisible by the split_size ${s}!`,
    );
  return tensorSplit(x, s, d);
}
export function hsplit(x: Tensor, s: number | readonly number[]): Tensor[] {
  if (x.dim() < 1)
    throw new ShapeError(
      `torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with ${x.dim()} dimensions!`,
    );
  return splitAlong('hsplit', x, x.dim() === 1 ? 0 : 1, s);
}
export function vsplit(x: Tensor, s: number | readonly number[]): Tensor[] {
  if (x.dim() < 2)
    throw new ShapeError(
      `torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with ${x.dim()} dimensions!`,
    );
  return splitAlong('vsplit', x, 0, s);
}
export function dsplit(x: Tensor, s: number | readonly number[]): Tensor[] {
  if (x.dim() < 3)
    throw new ShapeError(
      `torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with ${x.dim()} dimensions!`,
    );
  return splitAlong('dsplit', x, 2, s);
}

export const ravel = (x: Tensor): Tensor => reshape(x, [-1]);

/** torch.movedim with one dim or lists of dims: the other dims keep their order. */
export function movedim(
  x: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  if (typeof source === 'number' && typeof destination === 'number') return movedim1(x, source, destination);
  const src = (typeof source === 'number' ? [source] : source).map((d) => normDim(d, x.dim(), 'movedim'));
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) =>
    normDim(d, x.dim(), 'movedim'),
  );
  if (src.length !== dst.length)
    throw new ShapeError(
      `movedim: Invalid source or destination dims: source (${fmtShape(src)} dims) should contain the same number of dims as destination (${fmtShape(dst)} dims)`,
    );
  if (new Set(src).size !== src.length)
    throw new ShapeError(`movedim: repeated dim in \`source\` (${fmtShape(src)})`);
  if (new Set(dst).size !== dst.length)
    throw new ShapeError(`movedim: repeated dim in \`destination\` (${fmtShape(dst)})`);
  const order = new Array<number>(x.dim()).fill(-1);
  src.forEach((s, i) => {
    order[dst[i]] = s;
  });
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}

/** torch.meshgrid: 'ij' (matrix) or 'xy' (Cartesian) indexing; the grids are expanded views. */
export function meshgrid(ts: readonly Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] {
  if (ts.length === 0) throw new RangeError('torch.meshgrid expects a non-empty TensorList');
  for (const t of ts)
    if (t.dim() > 1)
      throw new ShapeError(
        `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${fmtShape(t.shape)}`,
      );
  const shape = ts.map((t) => t.numel());
  const grids = ts.map((t, i) => {
    const vs = new Array<number>(ts.length).fill(1);
    vs[i] = -1;
    return expand(reshape(t, vs), shape);
  });
  // 'xy' is 'ij' with the first two dims of every grid swapped.
  if (indexing === 'ij' || ts.length < 2) return grids;
  return grids.map((g) => transpose(g, 0, 1));
}

/** torch.tril_indices / triu_indices: a [2, N] int tensor of the (row, col) of the triangle. */
export function triIndices(
  upper: boolean,
  row: number,
  col: number,
  offset = 0,
  opts: TensorOptions = {},
): Tensor {
  const rs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < row; i++)
    for (let j = 0; j < col; j++)
      if (upper ? j - i >= offset : j - i <= offset) {
        rs.push(i);
        cs.push(j);
      }
  return fromArray(Int32Array.from([...rs, ...cs]), [2, rs.length], { dtype: 'int64', ...opts });
}

export const narrowCopy = (x: Tensor, dim: number, start: number, length: number): Tensor =>
  clone(narrow(x, dim, start, length));

/** torch.block_diag: the tensors (0-d, 1-d as a row, 2-d) as blocks of a block-diagonal matrix. */
export function blockDiag(ts: readonly Tensor[]): Tensor {
  const ms = ts.map((t, i) => {
    if (t.dim() > 2)
      throw new ShapeError(
        `torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.dim()} dimensions`,
      );
    return t.dim() === 0 ? reshape(t, [1, 1]) : t.dim() === 1 ? unsqueeze(t, 0) : t;
  });
  const cols = ms.reduce((a, t) => a + t.shape[1], 0);
  let off = 0;
  const rows = ms.map((t) => {
    const r = pad(t, [off, cols - off - t.shape[1], 0, 0]);
    off += t.shape[1];
    return r;
  });
  return cat(rows, 0);
}

/** torch.cartesian_prod: the rows of every combination of the 1-D inputs' elements. */
export function cartesianProd(ts: readonly Tensor[]): Tensor {
  for (const t of ts)
    if (t.dim() !== 1) throw new ShapeError(`Expect a 1D vector, but got shape ${fmtShape(t.shape)}`);
  if (ts.length === 1) return ts[0];
  return stack(
    meshgrid(ts, 'ij').map((g) => reshape(g, [-1])),
    1,
  );
}

/** torch.combinations: the r-length combinations of a 1-D tensor's elements, as rows. */
export function combinations(x: Tensor, r = 2, withReplacement = false): Tensor {
  if (x.dim() !== 1) throw new ShapeError(`Expect a 1D vector, but got shape ${fmtShape(x.shape)}`);
  if (r < 0) throw new RangeError(`Expect a non-negative number, but got ${r}`);
  const n = x.shape[0];
  const idx: number[] = [];
  const cur: number[] = [];
  const walk = (from: number) => {
    if (cur.length === r) {
      idx.push(...cur);
      return;
    }
    for (let i = from; i < n; i++) {
      cur.push(i);
      walk(withReplacement ? i : i + 1);
      cur.pop();
    }
  };
  if (r > 0) walk(0);
  if (idx.length === 0) return reshape(narrow(x, 0, 0, 0), [0]);
  const index = fromArray(Int32Array.from(idx), [idx.length], { device: x.device });
  return reshape(indexSelect(x, 0, index), [idx.length / r, r]);
}

/** torch.cross: the cross product along a dim of size 3 (the first such dim by default). */
export function cross(a: Tensor, b: Tensor, dim: number | null = null): Tensor {
  const shape = broadcastShapes('cross', a.shape, b.shape);
  const d = dim === null ? shape.indexOf(3) : normDim(dim, shape.length, 'cross');
  if (d < 0 || shape[d] !== 3)
    throw new ShapeError(
      `linalg.cross: inputs dimension ${dim ?? -1} must have length 3. Got ${a.shape[d] ?? 0} and ${b.shape[d] ?? 0}`,
    );
  const x = expand(a, shape);
  const y = expand(b, shape);
  const at = (t: Tensor, i: number) => narrow(t, d, i, 1);
  const comp = (i: number, j: number) => sub(mul(at(x, i), at(y, j)), mul(at(x, j), at(y, i)));
  return cat([comp(1, 2), comp(2, 0), comp(0, 1)], d);
}

/** torch.repeat_interleave: each element repeated (along dim, or of the flattened tensor). */
/**
 * torch.repeat_interleave. With a repeats tensor the output length is repeats' sum: read from
 * a CPU tensor, or given as `outputSize` (then everything stays on the device, as PyTorch's
 * output_size avoids CUDA's synchronization); a GPU tensor without it needs
 * `await torch.repeatInterleaveAsync(...)`.
 */
export function repeatInterleave(
  x: Tensor,
  repeats: number | Tensor,
  dim: number | null = null,
  outputSize: number | null = null,
): Tensor {
  const src = dim === null ? reshape(x, [-1]) : x;
  const d = dim === null ? 0 : normDim(dim, x.dim(), 'repeat_interleave');
  if (typeof repeats === 'number' || repeats.numel() === 1) {
    const r = typeof repeats === 'number' ? repeats : intsOf('repeat_interleave', repeats)[0];
    if (r < 0) throw new RangeError('repeats can not be negative');
    if (outputSize !== null && outputSize !== r * src.shape[d])
      throw new RangeError(
        `repeat_interleave(): output_size ${outputSize} is not the sum of repeats (${r * src.shape[d]})`,
      );
    const u = unsqueeze(src, d + 1);
    const shape = u.shape.slice();
    shape[d + 1] = r;
    return flatten(expand(u, shape), d, d + 1);
  }
  if (repeats.dim() !== 1 || repeats.shape[0] !== src.shape[d])
    throw new ShapeError('repeats must have the same size as input along dim');
  if (outputSize === null) {
    if (repeats.device.type !== 'cpu')
      throw new Error(
        `repeat_interleave(): with a ${repeats.device} repeats tensor the output size depends on the data; pass output_size, or use \`await torch.repeatInterleaveAsync(...)\``,
      );
    const reps = intsOf('repeat_interleave', repeats);
    if (reps.some((r) => r < 0)) throw new RangeError('repeats can not be negative');
    outputSize = reps.reduce((a, b) => a + b, 0);
  } else if (repeats.device.type === 'cpu') {
    const sum = intsOf('repeat_interleave', repeats).reduce((a, b) => a + b, 0);
    if (sum !== outputSize)
      throw new RangeError(
        `repeat_interleave(): output_size ${outputSize} is not the sum of repeats (${sum})`,
      );
  }
  return indexSelect(src, d, repeatSources(cast(repeats, 'int32'), outputSize));
}

/** Tensor.unfold: the windows of `size` elements every `step` along dim, as a new last dim. */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  if (step <= 0) throw new RangeError(`step is ${step} but must be > 0`);
  if (x.dim() === 0) {
    if (size > 1) throw new RangeError(`maximum size for tensor at dimension 0 is 1 but size is ${size}`);
    return reshape(x, [size]);
  }
  const d = normDim(dim, x.dim(), 'unfold');
  const len = x.shape[d];
  if (size > len)
    throw new RangeError(`maximum size for tensor at dimension ${d} is ${len} but size is ${size}`);
  const n = Math.floor((len - size) / step) + 1;
  const idx = Int32Array.from({ length: n * size }, (_, j) => Math.floor(j / size) * step + (j % size));
  const picked = indexSelect(x, d, fromArray(idx, [idx.length], { device: x.device }));
  return movedim1(unflattenView(picked, d, [n, size]), d + 1, -1);
}

export const constantPadNd = (x: Tensor, pads: readonly number[], value = 0): Tensor =>
  pad(x, pads, 'constant', value);

/** torch.unflatten with PyTorch's checks (non-empty sizes that multiply up to the dim's size). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  if (x.dim() === 0) throw new RangeError('unflatten: Dimension specified as 0 but tensor has no dimensions');
  const d = normDim(dim, x.dim(), 'unflatten');
  if (sizes.length === 0) throw new RangeError('unflatten: sizes must be non-empty');
  const known = sizes.reduce((a, s) => (s === -1 ? a : a * s), 1);
  const inferred = sizes.filter((s) => s === -1).length;
  if (
    inferred > 1 ||
    sizes.some((s) => s < -1) ||
    (inferred === 0 ? known !== x.shape[d] : known === 0 || x.shape[d] % known !== 0)
  )
    throw new ShapeError(
      `unflatten: Provided sizes ${fmtShape(sizes)} don't multiply up to the size of dim ${dim} (${x.shape[d]}) in the input tensor`,
    );
  return unflattenView(x, d, sizes);
}

/**
 * torch.narrow with the start given as a one-element integer tensor: a view when the tensor is
 * on the CPU (its value is read), else an index_select of start + [0, length) computed on the
 * device, so nothing waits on a read-back (the range is then not checked).
 */
export function narrowTensorStart(x: Tensor, dim: number, start: Tensor, length: number): Tensor {
  if (start.numel() !== 1 || !isInt(start.dtype))
    throw new TypeError(
      `narrow(): start must be an integer tensor with one element, got a ${start.dtype} tensor of ${start.numel()} elements`,
    );
  if (start.device.type === 'cpu') return narrow(x, dim, intsOf('narrow', start)[0], length);
  if (x.dim() === 0) throw new RangeError('narrow() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, x.dim(), 'narrow');
  const s0 = remainder(cast(reshape(start, [1]), 'int32'), x.shape[d]);
  const idx = add(arange(0, length, 1, { dtype: 'int32', device: x.device }), s0);
  return indexSelect(x, d, idx);
}
