/**
 * More reductions, composed from the reductions, where and views (autograd and every device
 * come free): cumprod / cummax / cummin / logcumsumexp as a reduction over a lower-triangular
 * [..., n, n] view of the dim (O(n^2) per row; prod's backward stays exact at zeros), nansum,
 * nanmean, count_nonzero, var_mean, std_mean, aminmax.
 */
import type { Tensor } from './core.js';
import { normDim } from './core.js';
import { arange } from './creation.js';
import { cast, div, isnan, le, logicalNot, ne, where } from './pointwise.js';
import { amax, amin, type Dims, logsumexp, maxDim, mean, minDim, prod, std, sum, varOp } from './reduce.js';
import { movedim, reshape, unsqueeze } from './shape.js';

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
