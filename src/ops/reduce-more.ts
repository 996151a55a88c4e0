/**
 * More reductions, composed from the reductions, where and views (autograd and every device
 * come free): cumprod / cummax / cummin / logcumsumexp as a reduction over a lower-triangular
 * [..., n, n] view of the dim (O(n^2) per row; prod's backward stays exact at zeros), nansum,
 * nanmean, count_nonzero, var_mean, std_mean, aminmax, diff, trapezoid, cumulative_trapezoid,
 * renorm.
 */
import { ShapeError } from '../tensor/errors.js';
import type { Tensor } from './core.js';
import { normDim } from './core.js';
import { arange } from './creation.js';
import { cumsum } from './cumulative.js';
import { add, cast, div, gt, isnan, le, logicalNot, mul, ne, sub, where } from './pointwise.js';
import {
  amax,
  amin,
  type Dims,
  logsumexp,
  maxDim,
  mean,
  minDim,
  norm,
  prod,
  std,
  sum,
  varOp,
} from './reduce.js';
import { cat, movedim, reshape, slice, unsqueeze } from './shape.js';

type Cum = 'prod' | 'max' | 'min' | 'logsumexp';

/** x moved to [..., n], then [..., n(i), n(j)] holding x[j] where j <= i and `fill` elsewhere. */
function triangle(x: Tensor, d: number, fill: number): Tensor {
  const m = movedim(x, d, -1);
  const n = m.shape[m.dim() - 1];
  const j = arange(0, n, 1, { device: x.device });
  const keep = le(unsqueeze(j, 0), unsqueeze(j, 1)); // [i, j]: j <= i
  return where(keep, unsqueeze(m, -2), fill);
}

function cumulative(op: Cum, x: Tensor, dim: number): Tensor | [Tensor, Tensor] {
  const name = op === 'logsumexp' ? 'logcumsumexp' : `cum${op}`;
  if (x.dim() === 0) {
    normDim(dim, 1, name);
    const r = cumulative(op, reshape(x, [1]), 0);
    return Array.isArray(r) ? [reshape(r[0], []), reshape(r[1], [])] : reshape(r, []);
  }
  const d = normDim(dim, x.dim(), name);
  const src = x.dtype === 'bool' ? cast(x, 'int32') : x;
  const fill = op === 'prod' ? 1 : op === 'max' ? -Infinity : op === 'min' ? Infinity : -Infinity;
  const t = triangle(src, d, fill);
  const last = t.dim() - 1;
  if (op === 'prod') return movedim(prod(t, [last]), -1, d);
  if (op === 'logsumexp') return movedim(logsumexp(t, [last]), -1, d);
  const [v, i] = op === 'max' ? maxDim(t, last) : minDim(t, last);
  return [movedim(v, -1, d), movedim(i, -1, d)];
}

export const cumprod = (x: Tensor, dim: number) => cumulative('prod', x, dim) as Tensor;
export const logcumsumexp = (x: Tensor, dim: number) => cumulative('logsumexp', x, dim) as Tensor;
export const cummax = (x: Tensor, dim: number) => cumulative('max', x, dim) as [Tensor, Tensor];
export const cummin = (x: Tensor, dim: number) => cumulative('min', x, dim) as [Tensor, Tensor];

export function nansum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return sum(where(isnan(x), 0, x), dim, { keepdim });
}

export function nanmean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const count = sum(cast(logicalNot(isnan(x)), 'float32'), dim, { keepdim });
  return div(nansum(x, dim, keepdim), count);
}

export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  return sum(cast(ne(x, 0), 'int32'), dim);
}

type VarOpts = { correction?: number; keepdim?: boolean };
export function varMean(x: Tensor, dim: Dims, opts: VarOpts): [Tensor, Tensor] {
  return [varOp(x, dim, opts), mean(x, dim, { keepdim: opts.keepdim })];
}
export function stdMean(x: Tensor, dim: Dims, opts: VarOpts): [Tensor, Tensor] {
  return [std(x, dim, opts), mean(x, dim, { keepdim: opts.keepdim })];
}

export function aminmax(x: Tensor, dim: number | null, keepdim: boolean): [Tensor, Tensor] {
  const dims = dim === null ? undefined : [normDim(dim, Math.max(1, x.dim()), 'aminmax')];
  if (x.dim() === 0) {
    // PyTorch gives a 0-d input's per-dim result with keepdim as shape [1].
    const fix = (t: Tensor) => (dims && keepdim ? reshape(t, [1]) : t);
    return [fix(amin(x)), fix(amax(x))];
  }
  return [amin(x, dims, { keepdim }), amax(x, dims, { keepdim })];
}

/** torch.diff: n-th forward difference along dim, after concatenating prepend / append. */
export function diff(
  x: Tensor,
  n: number,
  dim: number,
  prepend: Tensor | null,
  append: Tensor | null,
): Tensor {
  if (x.dim() === 0) throw new ShapeError('diff(): expects input to be at least one-dimensional');
  const d = normDim(dim, x.dim(), 'diff');
  let y =
    prepend || append
      ? cat(
          [prepend, x, append].filter((t): t is Tensor => t !== null),
          d,
        )
      : x;
  for (let i = 0; i < n && y.shape[d] > 0; i++) {
    const len = y.shape[d];
    const hi = slice(y, d, 1, len);
    const lo = slice(y, d, 0, len - 1);
    y = y.dtype === 'bool' ? ne(hi, lo) : sub(hi, lo);
  }
  return y;
}

/** The trapezoids' areas along dim (the pieces trapezoid sums and cumulative_trapezoid accumulates). */
function trapezoids(
  y: Tensor,
  x: Tensor | null,
  dx: number | null,
  dim: number,
  op: string,
): [Tensor, number] {
  const d = normDim(dim, Math.max(1, y.dim()), op);
  const len = y.shape[d] ?? 1;
  const mid = mul(add(slice(y, d, 1, len), slice(y, d, 0, Math.max(0, len - 1))), 0.5);
  if (x === null) return [dx === null || dx === 1 ? mid : mul(mid, dx), d];
  let xs = x;
  if (x.dim() === 1 && y.dim() > 1) {
    if (x.shape[0] !== len)
      throw new ShapeError(`${op}(): There must be one \`x\` value for each sample point`);
    xs = reshape(
      x,
      y.shape.map((s, i) => (i === d ? s : 1)),
    );
  }
  const xd = normDim(dim, Math.max(1, xs.dim()), op);
  const xl = xs.shape[xd];
  return [mul(sub(slice(xs, xd, 1, xl), slice(xs, xd, 0, Math.max(0, xl - 1))), mid), d];
}

export function trapezoid(y: Tensor, x: Tensor | null, dx: number | null, dim: number): Tensor {
  const [t, d] = trapezoids(y, x, dx, dim, 'trapezoid');
  return sum(t, [d]);
}

export function cumulativeTrapezoid(y: Tensor, x: Tensor | null, dx: number | null, dim: number): Tensor {
  const [t, d] = trapezoids(y, x, dx, dim, 'cumulative_trapezoid');
  return t.shape[d] === 0 ? t : cumsum(t, d);
}

/** torch.renorm: each slice along dim scaled down to p-norm maxnorm where it is above it. */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  const d = normDim(dim, x.dim(), 'renorm');
  const others = x.shape.map((_, i) => i).filter((i) => i !== d);
  const n = norm(x, p, others, { keepdim: true });
  const scale = where(gt(n, maxnorm), div(maxnorm, add(n, 1e-7)), 1);
  return mul(x, scale);
}
