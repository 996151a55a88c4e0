/**
 * Reductions. One primitive (`Backend.reduce` over trailing axes) serves them all: the reduced
 * dims are permuted to the end as a strided view (no copy), and the rest is composition.
 */

import type { ReduceOp, View } from '../backend/backend.js';
import { type DType, floatOf, isFloat } from '../tensor/dtype.js';
import { DTypeError, fmtShape } from '../tensor/errors.js';
import { E, emptyTensor, ewise, needsGrad, normDim, record, record1, type Tensor } from './core.js';
import { scatterAdd } from './indexing.js';
import { add, cast, div, eq, exp, log, mul, pow, sqrt, sub, where } from './pointwise.js';
import { contiguous, expand, reshape, unsqueeze } from './shape.js';

export type Dims = number | readonly number[] | null | undefined;
export interface ReduceOpts {
  keepdim?: boolean;
}

/**
 * The dims a reduction runs over, sorted. No dim (or PyTorch 1.13's empty list) means all of
 * them. A 0-d tensor accepts dim 0 / -1 as its one element, and reducing it is the identity,
 * so its dims come back empty: the reduce then copies (reduceRaw), as PyTorch does.
 */
function dimsOf(x: Tensor, dim: Dims, op: string): number[] {
  if (dim === null || dim === undefined || (typeof dim !== 'number' && dim.length === 0))
    return x.shape.map((_, i) => i);
  const ds = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normDim(d, x.dim(), op));
  if (new Set(ds).size !== ds.length)
    throw new RangeError(`${op}: dim ${ds} appears multiple times in the list of dims`);
  return x.dim() === 0 ? [] : ds.sort((a, b) => a - b);
}

/** max/min/argmax/argmin have no identity: PyTorch refuses to reduce an empty dim. */
function checkNonEmpty(op: string, x: Tensor, dims: readonly number[], all: boolean): void {
  if (x.numel() !== 0) return;
  if (all)
    throw new RangeError(
      `${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  const d = dims.find((i) => x.shape[i] === 0);
  if (d !== undefined)
    throw new RangeError(
      `${op}(): Expected reduction dim ${d} to have non-zero size (input shape ${fmtShape(x.shape)})`,
    );
}

const keptShape = (x: Tensor, dims: readonly number[]) => x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
const reducedShape = (x: Tensor, dims: readonly number[], keepdim: boolean) =>
  keepdim ? keptShape(x, dims) : x.shape.filter((_, i) => !dims.includes(i));

/** Runs the reduce primitive over `dims` (no autograd). */
export function reduceRaw(
  op: ReduceOp,
  x: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  outDtype = x.dtype,
): Tensor {
  x.checkAlive();
  if (dims.length === 0) {
    // Nothing to reduce (a 0-d tensor along dim 0): a copy, or index 0 for argmax/argmin.
    const arg = op === 'argmax' || op === 'argmin';
    return ewise(op, (a) => (arg ? E.const(0) : a), [x], outDtype);
  }
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...keep, ...dims];
  const v: View = {
    storage: x.storage,
    dtype: x.dtype,
    shape: perm.map((i) => x.shape[i]),
    strides: perm.map((i) => x.strides[i]),
    offset: x.offset,
  };
  const out = emptyTensor(reducedShape(x, dims, keepdim), outDtype, x.device);
  x.backend.reduce(op, v, dims.length, out);
  return out;
}

/** Broadcasts a reduced gradient back over the reduced dims. */
const expandBack = (g: Tensor, x: Tensor, dims: readonly number[]) =>
  expand(reshape(g, keptShape(x, dims)), x.shape);

/** Integer and bool inputs sum (and multiply) into int64, as PyTorch's. */
const accumDtype = (x: Tensor, want?: DType): DType => want ?? (isFloat(x.dtype) ? x.dtype : 'int64');

export function sum(x: Tensor, dim?: Dims, opts: ReduceOpts & { dtype?: DType } = {}): Tensor {
  const dims = dimsOf(x, dim, 'sum');
  const dt = accumDtype(x, opts.dtype);
  const src = x.dtype === 'bool' || isFloat(dt) !== isFloat(x.dtype) ? cast(x, dt) : x;
  const out = reduceRaw('sum', src, dims, opts.keepdim ?? false, dt);
  return record1('sum', out, [x], (g) => [expandBack(g, x, dims)]);
}

export function mean(x: Tensor, dim?: Dims, opts: ReduceOpts = {}): Tensor {
  if (!isFloat(x.dtype))
    throw new DTypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  const dims = dimsOf(x, dim, 'mean');
  const n = dims.reduce((a, d) => a * x.shape[d], 1);
  return div(sum(x, dims, opts), n);
}

export function prod(x: Tensor, dim?: Dims, opts: ReduceOpts = {}): Tensor {
  const dims = dimsOf(x, dim, 'prod');
  const out = reduceRaw(
    'prod',
    x.dtype === 'bool' ? cast(x, 'int64') : x,
    dims,
    opts.keepdim ?? false,
    accumDtype(x),
  );
  // d prod / d x_i = prod / x_i, written as the product of the others to stay exact at zeros:
  // where x_i == 0 the gradient is the product of the remaining elements.
  return record1('prod', out, [x], (g) => {
    const o = expandBack(out, x, dims); // not detached: double backward differentiates it
    const nonzero = where(eq(x, 0), 1, x);
    const prodNz = expandBack(reduceRaw('prod', nonzero.detach(), dims, true), x, dims);
    const zeros = expandBack(sum(cast(eq(x, 0), 'float32'), dims, { keepdim: true }), x, dims);
    const gi = where(eq(x, 0), where(eq(zeros, 1), prodNz, 0), div(o, x));
    return [mul(expandBack(g, x, dims), gi)];
  });
}

/** amax/amin: gradient shared evenly among ties (PyTorch's amax backward). */
function extreme(op: 'max' | 'min', x: Tensor, dim: Dims, opts: ReduceOpts): Tensor {
  const dims = dimsOf(x, dim, `a${op}`);
  checkNonEmpty(`a${op}`, x, dims, dim === null || dim === undefined);
  const out = reduceRaw(op, x, dims, opts.keepdim ?? false);
  return record1(`a${op}`, out, [x], (g) => {
    const hit = cast(eq(x, expandBack(out.detach(), x, dims)), 'float32');
    const count = expandBack(sum(hit, dims, { keepdim: true }), x, dims);
    return [div(mul(expandBack(g, x, dims), hit), count)];
  });
}
export const amax = (x: Tensor, dim?: Dims, opts: ReduceOpts = {}) => extreme('max', x, dim, opts);
export const amin = (x: Tensor, dim?: Dims, opts: ReduceOpts = {}) => extreme('min', x, dim, opts);

export function argmax(x: Tensor, dim?: number | null, opts: ReduceOpts = {}): Tensor {
  return argExtreme('argmax', x, dim, opts);
}
export function argmin(x: Tensor, dim?: number | null, opts: ReduceOpts = {}): Tensor {
  return argExtreme('argmin', x, dim, opts);
}
function argExtreme(
  op: 'argmax' | 'argmin',
  x: Tensor,
  dim: number | null | undefined,
  opts: ReduceOpts,
): Tensor {
  if (dim === null || dim === undefined) {
    checkNonEmpty(op, x, [], true);
    const flat = reshape(contiguous(x), [-1]);
    return reduceRaw(op, flat, [0], false, 'int64');
  }
  const dims = dimsOf(x, dim, op);
  checkNonEmpty(op, x, dims, false);
  return reduceRaw(op, x, dims, opts.keepdim ?? false, 'int64');
}

/** torch.max(x, dim) -> [values, indices]; gradient goes to the reported index. */
export function maxDim(x: Tensor, dim: number, opts: ReduceOpts = {}): [Tensor, Tensor] {
  return extremeDim('max', x, dim, opts);
}
export function minDim(x: Tensor, dim: number, opts: ReduceOpts = {}): [Tensor, Tensor] {
  return extremeDim('min', x, dim, opts);
}
function extremeDim(op: 'max' | 'min', x: Tensor, dim: number, opts: ReduceOpts): [Tensor, Tensor] {
  const d = normDim(dim, x.dim(), op);
  const dims = dimsOf(x, d, op); // [] for a 0-d tensor: values = x, indices = 0
  checkNonEmpty(op, x, dims, false);
  const values = reduceRaw(op, x, dims, opts.keepdim ?? false);
  const indices = reduceRaw(op === 'max' ? 'argmax' : 'argmin', x, dims, opts.keepdim ?? false, 'int64');
  if (needsGrad([x]))
    record(op, [values], [x], ([g]) => {
      if (dims.length === 0) return [g];
      const gk = opts.keepdim ? g! : unsqueeze(g!, d);
      const ik = opts.keepdim ? indices : unsqueeze(indices, d);
      const z = ewise('zeros', () => E.const(0), [x], x.dtype);
      return [scatterAdd(z, d, ik, gk)];
    });
  return [values, indices];
}

export function varOp(
  x: Tensor,
  dim?: Dims,
  opts: ReduceOpts & { correction?: number; unbiased?: boolean } = {},
): Tensor {
  const dims = dimsOf(x, dim, 'var');
  const n = dims.reduce((a, d) => a * x.shape[d], 1);
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const centered = sub(x, mean(x, dims, { keepdim: true }));
  return div(sum(mul(centered, centered), dims, { keepdim: opts.keepdim }), Math.max(0, n - correction));
}

export function std(
  x: Tensor,
  dim?: Dims,
  opts: ReduceOpts & { correction?: number; unbiased?: boolean } = {},
): Tensor {
  // sqrt with PyTorch's std backward: g / (2 std), 0 where std == 0 (a constant input), not NaN.
  const v = varOp(x, dim, opts);
  const out = ewise('sqrt', E.sqrt, [v], floatOf(v.dtype));
  return record1('std', out, [v], (g) => [where(eq(out, 0), 0, div(g, mul(out, 2)))]);
}

export function logsumexp(x: Tensor, dim: Dims, opts: ReduceOpts = {}): Tensor {
  const dims = dimsOf(x, dim, 'logsumexp');
  // Shift by the (detached) max for stability; an all -inf row keeps -inf, as PyTorch. An empty
  // reduction has no max: log(0) = -inf unshifted.
  if (x.numel() === 0) {
    const s = log(sum(exp(x), dims, opts));
    return s;
  }
  const m = amax(x, dims, { keepdim: true }).detach();
  const safe = where(
    ewise('isinf', (a) => E.isinf(a), [m], 'bool'),
    0,
    m,
  );
  const s = add(log(sum(exp(sub(x, safe)), dims, { keepdim: true })), safe);
  return opts.keepdim ? s : reshape(s, reducedShape(x, dims, false));
}

/** Vector p-norm over dims (torch.norm / torch.linalg.vector_norm). */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: Dims, opts: ReduceOpts = {}): Tensor {
  const pp = p === 'fro' ? 2 : p;
  const dims = dimsOf(x, dim, 'norm');
  const a = ewise('abs', E.abs, [x], floatOf(x.dtype));
  const absx = record1('abs', a, [x], (g) => [mul(g, ewise('sgn', E.sign, [x], floatOf(x.dtype)))]);
  if (pp === Number.POSITIVE_INFINITY) return amax(absx, dims, opts);
  if (pp === 1) return sum(absx, dims, opts);
  if (pp === 2) {
    const out = sqrt(sum(mul(x, x), dims, opts));
    return out;
  }
  return ewisePow(sum(ewisePow(absx, pp), dims, opts), 1 / pp);
}
// |x|^p with p * |x|^(p-1) written with the pow op, so the backward is itself differentiable.
const ewisePow = (x: Tensor, p: number) => {
  const out = ewise('pow', (a) => E.pow(a, p), [x], floatOf(x.dtype));
  return record1('pow', out, [x], (g) => [mul(g, mul(pow(x, p - 1), p))]);
};

export function all(x: Tensor, dim?: Dims, opts: ReduceOpts = {}): Tensor {
  const dims = dimsOf(x, dim, 'all');
  const b = ewise('ne', (a) => E.cast('i32', E.ne(a, 0)), [x], 'int32');
  // prod/sum of 0/1, not min/max: they have identities, so all(empty) = true, any(empty) = false.
  return ewise('all', (a) => E.ne(a, 0), [reduceRaw('prod', b, dims, opts.keepdim ?? false)], 'bool');
}
export function any(x: Tensor, dim?: Dims, opts: ReduceOpts = {}): Tensor {
  const dims = dimsOf(x, dim, 'any');
  const b = ewise('ne', (a) => E.cast('i32', E.ne(a, 0)), [x], 'int32');
  return ewise('any', (a) => E.ne(a, 0), [reduceRaw('sum', b, dims, opts.keepdim ?? false)], 'bool');
}

export { sumTo } from './shape.js';
