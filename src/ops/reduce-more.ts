/**
 * More reductions, composed from the reductions, where and views (autograd and every device
 * come free): cumprod / cummax / cummin / logcumsumexp as a reduction over a lower-triangular
 * [..., n, n] view of the dim (O(n^2) per row; prod's backward stays exact at zeros), nansum,
 * nanmean, count_nonzero, var_mean, std_mean, aminmax, diff, trapezoid, cumulative_trapezoid,
 * renorm, cov, corrcoef; median / nanmedian / kthvalue pick from the backend's sort order;
 * mode / quantile / nanquantile by rank (an O(n^2) comparison per row), on every device.
 */
import { floatOf } from '../tensor/dtype.js';
import { DTypeError, ShapeError } from '../tensor/errors.js';
import { logSoftmax, softmax } from './activation.js';
import type { Tensor } from './core.js';
import { normDim } from './core.js';
import { arange, full } from './creation.js';
import { cumsum } from './cumulative.js';
import { gather } from './indexing.js';
import { matmul } from './matmul.js';
import {
  abs,
  add,
  cast,
  ceil,
  clamp,
  div,
  eq,
  floor,
  ge,
  gt,
  isnan,
  le,
  logicalAnd,
  logicalNot,
  logicalOr,
  lt,
  mul,
  ne,
  neg,
  remainder,
  sqrt,
  sub,
  where,
} from './pointwise.js';
import {
  amax,
  amin,
  argmax,
  argmin,
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
import { cat, contiguous, expand, movedim, reshape, select, slice, transpose, unsqueeze } from './shape.js';
import { diagonal } from './shape-more.js';
import { sort as sortOp } from './sort.js';

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
  const src = x.dtype === 'bool' ? cast(x, 'int64') : x;
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
  // An integer count: the quotient keeps x's dtype (a float32 count would promote 16-bit x).
  const count = sum(cast(logicalNot(isnan(x)), 'int64'), dim, { keepdim });
  return div(nansum(x, dim, keepdim), count);
}

export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  return sum(cast(ne(x, 0), 'int64'), dim);
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

// ---- order statistics: by the sort primitive's order, or by rank (an O(n^2) comparison) ----

/**
 * Each element's position in the stable ascending order of x along its last dim (NaN last, as
 * torch.sort), as float32: rank_i = #{j: x_j < x_i} + #{j < i: x_j == x_i}.
 */
function ranks(m: Tensor): Tensor {
  const a = unsqueeze(m, -1); // [..., i, 1]
  const b = unsqueeze(m, -2); // [..., 1, j]
  const n = m.shape[m.dim() - 1];
  const idx = arange(0, n, 1, { device: m.device });
  const earlier = lt(unsqueeze(idx, 0), unsqueeze(idx, 1)); // [i, j]: j < i
  const an = isnan(a);
  const bn = isnan(b);
  const less = logicalOr(lt(b, a), logicalAnd(an, logicalNot(bn)));
  const same = logicalOr(eq(b, a), logicalAnd(an, bn));
  const before = logicalOr(less, logicalAnd(same, earlier));
  return sum(cast(before, 'float32'), [-1]);
}

/** The element of rank k (k broadcast against m's leading dims) and its index, along the last dim. */
function pick(m: Tensor, rank: Tensor, k: Tensor): [Tensor, Tensor] {
  const sel = eq(rank, k);
  const n = m.shape[m.dim() - 1];
  const idx = arange(0, n, 1, { device: m.device });
  const value = sum(where(sel, m, 0), [-1]);
  const index = sum(where(sel, idx, 0), [-1]);
  return [value, cast(index, 'int64')];
}

/**
 * The element of rank k along the last dim (k broadcast against m's leading dims, as [..., 1]
 * or 0-d) and its index, from the sort primitive's stable order (NaN last), as `ranks` defines
 * it: O(n log n) instead of the O(n^2) comparison. The value's gradient flows through gather.
 */
function pickSorted(m: Tensor, k: Tensor): [Tensor, Tensor] {
  const last = m.dim() - 1;
  const [, order] = sortOp(m.detach(), last);
  const lead = m.shape.slice(0, last);
  const kk = cast(k.dim() === 0 ? reshape(k, [...lead.map(() => 1), 1]) : k, 'int32');
  const index = gather(order, last, contiguous(expand(kk, [...lead, 1])));
  const value = gather(m, last, index);
  return [select(value, last, 0), select(index, last, 0)];
}

const nanCount = (m: Tensor) => sum(cast(isnan(m), 'float32'), [-1], { keepdim: true });
const keep = (t: Tensor, d: number, keepdim: boolean, rank0: boolean) =>
  rank0 ? t : keepdim ? unsqueeze(t, d) : t;

function orderStat(
  op: string,
  x: Tensor,
  dim: number | null,
  keepdim: boolean,
  k: (m: Tensor, n: number) => Tensor,
): [Tensor, Tensor] {
  if (x.numel() === 0) throw new RangeError(`${op}(): cannot compute ${op} of an empty tensor`);
  const rank0 = x.dim() === 0;
  const flatAll = dim === null;
  const src = rank0 ? reshape(x, [1]) : flatAll ? reshape(x, [-1]) : x;
  const d = flatAll || rank0 ? 0 : normDim(dim, x.dim(), op);
  if (rank0 && dim !== null) normDim(dim, 1, op);
  const m = movedim(src, d, -1);
  const n = m.shape[m.dim() - 1];
  const [v, i] = pickSorted(m, k(m, n));
  if (rank0 || flatAll) return [reshape(v, []), reshape(i, [])];
  return [keep(v, d, keepdim, false), keep(i, d, keepdim, false)];
}

export function median(
  x: Tensor,
  dim: number | null,
  keepdim: boolean,
  ignoreNan: boolean,
): [Tensor, Tensor] {
  return orderStat(ignoreNan ? 'nanmedian' : 'median', x, dim, keepdim, (m, n) => {
    const nans = nanCount(m);
    if (ignoreNan) return floorHalf(sub(sub(n, nans), 1));
    // Any NaN: the median is NaN, the first NaN (rank n - nans).
    return where(gt(nans, 0), sub(n, nans), Math.floor((n - 1) / 2));
  });
}
const floorHalf = (t: Tensor) => where(lt(t, 0), 0, floor(div(t, 2)));

export function kthvalue(x: Tensor, k: number, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const n = x.dim() === 0 ? 1 : x.shape[normDim(dim, x.dim(), 'kthvalue')];
  if (k < 1 || k > n) throw new RangeError(`kthvalue(): selected number k out of range for dimension ${dim}`);
  return orderStat('kthvalue', x, x.dim() === 0 ? 0 : dim, keepdim, (m) =>
    full([], k - 1, { device: m.device }),
  );
}

export function mode(x: Tensor, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const rank0 = x.dim() === 0;
  const d = rank0 ? 0 : normDim(dim, x.dim(), 'mode');
  const m = movedim(rank0 ? reshape(x, [1]) : x, d, -1);
  const n = m.shape[m.dim() - 1];
  // The most frequent value (the smallest among equally frequent ones) and its last index.
  const counts = sum(cast(eq(unsqueeze(m, -1), unsqueeze(m, -2)), 'float32'), [-1]);
  const best = amax(counts, [-1], { keepdim: true });
  const value = amin(where(eq(counts, best), m.detach(), Infinity), [-1], { keepdim: true });
  const idx = arange(0, n, 1, { device: x.device });
  const index = cast(amax(where(eq(m, value), idx, -1), [-1]), 'int64');
  const [v] = pick(m, cast(idx, 'float32'), unsqueeze(cast(index, 'float32'), -1));
  if (rank0) return [reshape(v, []), reshape(index, [])];
  return [keep(v, d, keepdim, false), keep(index, d, keepdim, false)];
}

type Interp = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
export function quantile(
  x: Tensor,
  q: Tensor | number,
  dim: number | null,
  keepdim: boolean,
  interpolation: Interp,
  ignoreNan: boolean,
): Tensor {
  const op = ignoreNan ? 'nanquantile' : 'quantile';
  // PyTorch 1.13's checks (named quantile() for nanquantile too), on every device.
  if (x.dtype !== 'float32' && x.dtype !== 'float64')
    throw new DTypeError('quantile() input tensor must be either float or double dtype');
  if (typeof q !== 'number' && q.dtype !== x.dtype)
    throw new DTypeError('quantile() q tensor must be same dtype as the input tensor');
  const qs = typeof q === 'number' ? full([], q, { device: x.device }) : q;
  if (qs.dim() > 1) throw new ShapeError(`${op}(): q must be a scalar or 1D tensor`);
  if (typeof q === 'number' && (q < 0 || q > 1))
    throw new RangeError(`${op}(): q must be in the range [0, 1]`);
  const rank0 = x.dim() === 0;
  const src = rank0 || dim === null ? reshape(x, [-1]) : x;
  const d = rank0 || dim === null ? 0 : normDim(dim, x.dim(), op);
  const m = movedim(src, d, -1); // [..., n]
  const n = m.shape[m.dim() - 1];
  const nans = nanCount(m); // [..., 1]
  const valid = ignoreNan ? sub(n, nans) : full([], n, { device: x.device });
  // q as [Q, 1, ..., 1, 1] against [..., 1]: positions per q and row.
  const lead = m.dim() - 1;
  const qq = reshape(qs, [...qs.shape, ...new Array(lead + 1).fill(1)]);
  const pos = mul(qq, sub(valid, 1));
  const lo = floor(pos);
  const hi = ceil(pos);
  const rank = ranks(m);
  const [lv] = pick(m, rank, lo);
  const [hv] = pick(m, rank, hi);
  // Per q and row (the last, size-1 dim dropped), broadcasting against the picked values.
  const frac = select(sub(pos, lo), -1, 0);
  const loPos = select(lo, -1, 0);
  let v: Tensor;
  if (interpolation === 'lower') v = lv;
  else if (interpolation === 'higher') v = hv;
  else if (interpolation === 'midpoint') v = mul(add(lv, hv), 0.5);
  else if (interpolation === 'nearest')
    v = where(gt(frac, 0.5), hv, where(lt(frac, 0.5), lv, where(eq(remainder(loPos, 2), 0), lv, hv)));
  else v = add(lv, mul(sub(hv, lv), frac));
  // quantile: NaN for a row holding a NaN; nanquantile: NaN for an all-NaN row.
  const bad = reshape(ignoreNan ? eq(nans, n) : gt(nans, 0), nans.shape.slice(0, -1));
  v = where(bad, Number.NaN, v);
  // v: [Q?, ...rest]; keepdim puts the reduced dim(s) back as 1.
  if (keepdim) {
    if (rank0 || dim === null) {
      const ones = x.shape.map(() => 1);
      v = reshape(v, [...qs.shape, ...ones]);
    } else v = unsqueeze(v, qs.dim() + d);
  }
  return v;
}

/** torch.cov: rows are variables, columns observations; optional frequency and analytic weights. */
export function cov(x: Tensor, correction: number, fweights: Tensor | null, aweights: Tensor | null): Tensor {
  if (x.dim() > 2)
    throw new ShapeError(`cov(): expected input to have two or fewer dimensions but got ${x.dim()}`);
  const m = x.dim() < 2 ? reshape(x, [1, -1]) : x;
  const nObs = m.shape[1];
  let w: Tensor | null = fweights ? cast(fweights, 'float32') : null;
  if (aweights) w = w ? mul(w, aweights) : aweights;
  let avg: Tensor;
  let fact: Tensor | number;
  if (w === null) {
    avg = mean(m, [1]);
    fact = nObs - correction;
  } else {
    const wSum = sum(w);
    avg = div(sum(mul(m, w), [1]), wSum);
    fact =
      aweights === null || correction === 0
        ? sub(wSum, correction)
        : sub(wSum, div(mul(sum(mul(w, aweights)), correction), wSum));
  }
  const f = typeof fact === 'number' ? Math.max(0, fact) : where(lt(fact, 0), 0, fact);
  const xm = sub(m, unsqueeze(avg, 1));
  const c = div(matmul(w === null ? xm : mul(xm, w), transpose(xm, 0, 1)), f);
  return m.shape[0] === 1 ? reshape(c, []) : c;
}

export function corrcoef(x: Tensor): Tensor {
  const c = cov(x, 1, null, null);
  if (c.dim() === 0) return div(c, c);
  const s = sqrt(diagonal(c));
  const r = div(div(c, unsqueeze(s, 1)), unsqueeze(s, 0));
  return clamp(r, { min: -1, max: 1 });
}

// ---- torch.masked: reductions over the elements where mask is true ----

/** x with masked-out elements (mask broadcast to x) replaced by the reduction's identity. */
function fillMasked(x: Tensor, mask: Tensor | null, identity: number): Tensor {
  return mask === null ? x : where(mask, x, identity);
}
const count = (x: Tensor, mask: Tensor | null, dim: Dims, keepdim: boolean): Tensor =>
  sum(cast(mask === null ? ne(x, Number.NaN) : expand(mask, x.shape), 'int64'), dim, { keepdim });

type MaskedReduce = 'sum' | 'prod' | 'amax' | 'amin' | 'mean' | 'logsumexp';
export function maskedReduce(
  op: MaskedReduce,
  x: Tensor,
  dim: Dims,
  keepdim: boolean,
  mask: Tensor | null,
): Tensor {
  const identity =
    op === 'prod' ? 1 : op === 'amax' || op === 'logsumexp' ? -Infinity : op === 'amin' ? Infinity : 0;
  const m = fillMasked(x, mask, identity);
  const o = { keepdim };
  if (op === 'sum') return sum(m, dim, o);
  if (op === 'prod') return prod(m, dim, o);
  if (op === 'amax') return amax(m, dim, o);
  if (op === 'amin') return amin(m, dim, o);
  if (op === 'logsumexp') return logsumexp(m, dim ?? x.shape.map((_, i) => i), o);
  return div(sum(m, dim, o), count(x, mask, dim, keepdim));
}

export function maskedArg(
  op: 'argmax' | 'argmin',
  x: Tensor,
  dim: number | null,
  keepdim: boolean,
  mask: Tensor | null,
): Tensor {
  const m = fillMasked(x, mask, op === 'argmax' ? -Infinity : Infinity);
  // PyTorch 1.13's torch.masked.argmax/argmin return the input's dtype.
  const r = op === 'argmax' ? argmax(m, dim, { keepdim }) : argmin(m, dim, { keepdim });
  return cast(r, x.dtype);
}

export function maskedVar(
  x: Tensor,
  dim: Dims,
  unbiased: boolean,
  keepdim: boolean,
  mask: Tensor | null,
  takeSqrt: boolean,
): Tensor {
  const n = count(x, mask, dim, true);
  const avg = div(sum(fillMasked(x, mask, 0), dim, { keepdim: true }), n);
  const c = fillMasked(sub(x, avg), mask, 0);
  const total = sum(mul(c, c), dim, { keepdim });
  const nk = keepdim ? n : count(x, mask, dim, false);
  const v = div(total, unbiased ? where(lt(sub(nk, 1), 0), 0, sub(nk, 1)) : nk);
  return takeSqrt ? sqrt(v) : v;
}

export function maskedNorm(x: Tensor, ord: number, dim: Dims, keepdim: boolean, mask: Tensor | null): Tensor {
  const m = fillMasked(x, mask, 0);
  if (ord === 0) return sum(cast(ne(m, 0), floatOf(x.dtype)), dim, { keepdim });
  if (ord === -Infinity) return amin(abs(fillMasked(x, mask, Infinity)), dim, { keepdim });
  return norm(m, ord, dim, { keepdim });
}

export function maskedNormalize(
  x: Tensor,
  ord: number,
  dim: number,
  eps: number,
  mask: Tensor | null,
): Tensor {
  const m = fillMasked(x, mask, 0);
  const d = x.dim() === 0 ? [] : [normDim(dim, x.dim(), 'normalize')];
  const nrm = maskedNorm(x, ord, d, true, mask);
  return div(m, where(lt(nrm, eps), eps, nrm));
}

export function maskedCum(op: 'sum' | 'prod', x: Tensor, dim: number, mask: Tensor | null): Tensor {
  const m = fillMasked(x, mask, op === 'sum' ? 0 : 1);
  return op === 'sum' ? cumsum(m, dim) : cumprod(m, dim);
}

export function maskedSoftmax(
  op: 'softmax' | 'log_softmax' | 'softmin',
  x: Tensor,
  dim: number,
  mask: Tensor | null,
): Tensor {
  if (op === 'softmin') return softmax(neg(fillMasked(x, mask, Infinity)), dim);
  const m = fillMasked(x, mask, -Infinity);
  return op === 'softmax' ? softmax(m, dim) : logSoftmax(m, dim);
}

export function maskedMedian(x: Tensor, dim: number, keepdim: boolean, mask: Tensor | null): Tensor {
  return median(fillMasked(x, mask, Number.NaN), dim, keepdim, true)[0];
}

// ---- histograms: bin membership as a dense comparison against the edges (every device) ----

/** Sums of `weight` (or counts) per bin; an element counts where edges[0] <= x <= edges[last]. */
function binCounts(x: Tensor, edges: Tensor, weight: Tensor | null): Tensor {
  const nb = edges.shape[0] - 1;
  const v = reshape(x, [-1, 1]);
  const lo = slice(edges, 0, 0, nb);
  const hi = slice(edges, 0, 1, nb + 1);
  const inRange = logicalAnd(ge(v, select(edges, 0, 0)), le(v, select(edges, 0, nb)));
  const last = eq(arange(0, nb, 1, { device: x.device }), nb - 1);
  const inBin = logicalAnd(ge(v, lo), logicalOr(lt(v, hi), logicalAnd(last, le(v, hi))));
  const hit = cast(logicalAnd(inBin, inRange), floatOf(x.dtype)); // [numel, nb]
  return sum(weight === null ? hit : mul(hit, reshape(weight, [-1, 1])), [0]);
}

/** nb + 1 evenly spaced edges from lo to hi (0-d tensors). */
function evenEdges(lo: Tensor, hi: Tensor, nb: number): Tensor {
  const steps = div(cast(arange(0, nb + 1, 1, { device: lo.device }), floatOf(lo.dtype)), nb);
  return add(lo, mul(sub(hi, lo), steps));
}

/**
 * The data's range where min == max (PyTorch's default), widened if flat: by 1 each way for
 * histc, 0.5 for histogram (as PyTorch).
 */
function dataRange(x: Tensor, min: number, max: number, widen: number): [Tensor, Tensor] {
  let lo: Tensor;
  let hi: Tensor;
  if (min === max) {
    lo = x.numel() ? amin(x.detach()) : full([], 0, { device: x.device, dtype: floatOf(x.dtype) });
    hi = x.numel() ? amax(x.detach()) : full([], 0, { device: x.device, dtype: floatOf(x.dtype) });
  } else {
    lo = full([], min, { device: x.device, dtype: floatOf(x.dtype) });
    hi = full([], max, { device: x.device, dtype: floatOf(x.dtype) });
  }
  const flat = eq(lo, hi);
  return [where(flat, sub(lo, widen), lo), where(flat, add(hi, widen), hi)];
}

export function histc(x: Tensor, bins: number, min: number, max: number): Tensor {
  if (bins <= 0) throw new RangeError('histc(): bins must be > 0');
  if (min > max) throw new RangeError('histc(): max must be larger than min');
  const [lo, hi] = dataRange(x, min, max, 1);
  return binCounts(x.detach(), evenEdges(lo, hi, bins), null);
}

export function histogram(
  x: Tensor,
  bins: Tensor | number,
  range: readonly number[] | null,
  weight: Tensor | null,
  density: boolean,
): [Tensor, Tensor] {
  let edges: Tensor;
  if (typeof bins === 'number') {
    const [lo, hi] = dataRange(x, range?.[0] ?? 0, range?.[1] ?? 0, 0.5);
    edges = evenEdges(lo, hi, bins);
  } else edges = bins.detach();
  let hist = binCounts(x.detach(), edges, weight?.detach() ?? null);
  if (density) {
    const nb = edges.shape[0] - 1;
    const widths = sub(slice(edges, 0, 1, nb + 1), slice(edges, 0, 0, nb));
    hist = div(hist, mul(sum(hist), widths));
  }
  return [hist, edges];
}
