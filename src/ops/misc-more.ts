/**
 * Small ops of the op surface: torch.fill (out of place), torch.as_strided (a view over the
 * input's storage; the backward scatters the gradient onto the storage and reads the input's
 * own positions back, averaging where the input itself overlaps, as PyTorch's
 * as_strided_backward).
 */
import { floatOf, isInt } from '../tensor/dtype.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { broadcastShapes, normDim, record1, type Tensor, viewOf } from './core.js';
import { arange, fromArray, full, fullLike, ones, zeros, zerosLike } from './creation.js';
import { cumsum } from './cumulative.js';
import { gather, indexSelect, scatterAdd } from './indexing.js';
import { nonzero } from './indexing-more.js';
import { batchNorm, layerNorm } from './norm.js';
import {
  add,
  cast,
  div,
  eq,
  ge,
  logicalAnd,
  lt,
  maximum,
  minimum,
  mul,
  rsqrt,
  sub,
  where,
} from './pointwise.js';
import { amax, amin, mean, prod, sum } from './reduce.js';
import { cat, expand, reshape, slice, unsqueeze } from './shape.js';

/** torch.fill: a tensor like x holding `value`; no gradient reaches x (PyTorch: zeros). */
export function fill(x: Tensor, value: number): Tensor {
  const out = fullLike(x, value);
  return record1('fill', out, [x], (g) => [zerosLike(g)]);
}

/** Storage positions of every element of a (shape, strides, offset) geometry, row-major. */
function positions(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let r = i;
    let p = offset;
    for (let k = shape.length - 1; k >= 0; k--) {
      p += (r % shape[k]) * strides[k];
      r = Math.floor(r / shape[k]);
    }
    out[i] = p;
  }
  return out;
}

export function asStrided(
  x: Tensor,
  size: readonly number[],
  stride: readonly number[],
  storageOffset: number | null,
): Tensor {
  if (size.length !== stride.length)
    throw new ShapeError(`as_strided: mismatch in length of strides and shape`);
  if (stride.some((s) => s < 0))
    throw new RangeError(
      `as_strided: Negative strides are not supported at the moment, got strides: ${fmtShape(stride)}`,
    );
  if (size.some((s) => s < 0)) throw new RangeError(`as_strided: negative size in ${fmtShape(size)}`);
  const offset = storageOffset ?? x.offset;
  const n = size.reduce((a, b) => a * b, 1);
  const need = n === 0 ? 0 : offset + 1 + size.reduce((a, s, k) => a + (s - 1) * stride[k], 0);
  if (need > x.storage.size)
    throw new RangeError(
      `setStorage: sizes ${fmtShape(size)}, strides ${fmtShape(stride)}, storage offset ${offset}, and itemsize 4 requiring a storage size of ${need * 4} are out of bounds for storage of size ${x.storage.size * 4}`,
    );
  const out = viewOf(x, size, stride, offset);
  return record1('as_strided', out, [x], (g) => {
    const outPos = positions(size, stride, offset);
    const inPos = positions(x.shape, x.strides, x.offset);
    const all = [...outPos, ...inPos];
    const lo = all.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const len = all.length ? all.reduce((a, b) => Math.max(a, b), lo) - lo + 1 : 0;
    const ints = (p: number[]) =>
      fromArray(
        Int32Array.from(p, (v) => v - lo),
        [p.length],
        { dtype: 'int32', device: x.device },
      );
    const o = { dtype: g.dtype, device: g.device };
    const storage = scatterAdd(zeros([len], o), 0, ints(outPos), reshape(g, [-1]));
    let gi = gather(storage, 0, ints(inPos));
    if (new Set(inPos).size !== inPos.length) {
      // The input overlaps itself (an expanded tensor): each storage slot's gradient is shared
      // among the elements that view it.
      const count = scatterAdd(zeros([len], o), 0, ints(inPos), ones([inPos.length], o));
      gi = div(gi, gather(count, 0, ints(inPos)));
    }
    return [reshape(gi, x.shape)];
  });
}

// ---- native_layer_norm / native_batch_norm: the layer's output and its saved statistics ----

/** mean and 1/sqrt(biased var + eps) over `dims` (kept). */
function stats(x: Tensor, dims: number[], eps: number): [Tensor, Tensor] {
  const mu = mean(x, dims, { keepdim: true });
  const c = sub(x, mu);
  return [mu, rsqrt(add(mean(mul(c, c), dims, { keepdim: true }), eps))];
}

/** torch.native_layer_norm: [out, mean, rstd], the statistics shaped [*lead, 1, ..., 1]. */
export function nativeLayerNorm(
  input: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor[] {
  const out = layerNorm(input, normalizedShape, { weight, bias, eps });
  const dims = normalizedShape.map((_, i) => input.dim() - normalizedShape.length + i);
  return [out, ...stats(input, dims, eps)];
}

/**
 * torch.native_batch_norm: [out, save_mean, save_invstd] (per channel [C]) in training, the
 * running stats updated in place; in evaluation the saved statistics are empty, as PyTorch's.
 */
export function nativeBatchNorm(
  input: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor[] {
  const out = batchNorm(input, runningMean, runningVar, { weight, bias, training, momentum, eps });
  if (!training) {
    const empty = () => zeros([0], { device: input.device });
    return [out, empty(), empty()];
  }
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const [mu, rstd] = stats(input, dims, eps);
  return [out, reshape(mu, [input.shape[1]]), reshape(rstd, [input.shape[1]])];
}

// ---- torch.gradient: central differences inside, one-sided (order 1 or 2) at the edges ----

/** A length-m vector as a tensor broadcasting along dim d of a rank-r tensor. */
const along = (v: Tensor, d: number, r: number) =>
  reshape(v, r === 0 ? [] : Array.from({ length: r }, (_, k) => (k === d ? v.numel() : 1)));

export function gradient(
  input: Tensor,
  spacing: unknown,
  dim: readonly number[] | null,
  edgeOrder: number,
): Tensor[] {
  const op = 'torch.gradient';
  const dims =
    dim === null ? input.shape.map((_, i) => i) : dim.map((d) => normDim(d, input.dim(), 'gradient'));
  if (edgeOrder !== 1 && edgeOrder !== 2)
    throw new RangeError(`${op} only supports edge_order=1 and edge_order=2.`);
  const list = Array.isArray(spacing) ? (spacing as unknown[]) : null;
  if (list && list.length !== dims.length)
    throw new RangeError(
      `${op} expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have the same length, but got a spacing argument of length ${list.length} and a dim argument of length ${dims.length}.`,
    );
  for (const d of dims)
    if (input.shape[d] < edgeOrder + 1)
      throw new RangeError(`${op} expected each dimension size to be at least edge_order+1`);
  const r = input.dim();
  return dims.map((d, k) => {
    const s = list ? list[k] : (spacing ?? 1);
    const n = input.shape[d];
    const o = { device: input.device };
    // Coordinates along d: a tensor of them, or a uniform step.
    const x =
      typeof s === 'number' || typeof s === 'boolean'
        ? mul(arange(0, n, 1, { ...o, dtype: floatOf(input.dtype) }), Number(s))
        : cast(s as Tensor, floatOf(input.dtype));
    if (x.dim() !== 1 || x.numel() !== n)
      throw new ShapeError(
        `${op} expected each tensor to be on the same device and of size ${n} along dim ${d}, got ${fmtShape(x.shape)}`,
      );
    const f = (a: number, b: number) => slice(input, d, a, b);
    const dx = sub(slice(x, 0, 1, n), slice(x, 0, 0, n - 1)); // [n - 1]
    const h = (a: number, b: number) => along(slice(dx, 0, a, b), d, r);
    const parts: Tensor[] = [];
    let first: Tensor;
    let last: Tensor;
    if (edgeOrder === 1) {
      first = div(sub(f(1, 2), f(0, 1)), h(0, 1));
      last = div(sub(f(n - 1, n), f(n - 2, n - 1)), h(n - 2, n - 1));
    } else {
      const [a1, a2] = [h(0, 1), h(1, 2)];
      const s12 = add(a1, a2);
      first = add(
        add(
          mul(f(0, 1), div(mul(add(mul(a1, 2), a2), -1), mul(a1, s12))),
          mul(f(1, 2), div(s12, mul(a1, a2))),
        ),
        mul(f(2, 3), div(mul(a1, -1), mul(a2, s12))),
      );
      const [b1, b2] = [h(n - 3, n - 2), h(n - 2, n - 1)];
      const t12 = add(b1, b2);
      last = add(
        add(
          mul(f(n - 3, n - 2), div(b2, mul(b1, t12))),
          mul(f(n - 2, n - 1), div(mul(t12, -1), mul(b1, b2))),
        ),
        mul(f(n - 1, n), div(add(mul(b2, 2), b1), mul(b2, t12))),
      );
    }
    parts.push(first);
    if (n > 2) {
      const hl = h(0, n - 2);
      const hr = h(1, n - 1);
      const [hl2, hr2] = [mul(hl, hl), mul(hr, hr)];
      const num = add(sub(mul(hl2, f(2, n)), mul(hr2, f(0, n - 2))), mul(sub(hr2, hl2), f(1, n - 1)));
      parts.push(div(num, mul(mul(hl, hr), add(hl, hr))));
    }
    parts.push(last);
    return cat(parts, d);
  });
}

// ---- torch.segment_reduce: a membership mask per segment, reduced with the op's identity ----

export function segmentReduce(
  data: Tensor,
  reduce: 'sum' | 'mean' | 'max' | 'min' | 'prod',
  lengths: Tensor | null,
  offsets: Tensor | null,
  axis: number,
  initial: number | null,
): Tensor {
  const op = 'segment_reduce';
  const ax = normDim(axis, data.dim(), op);
  if (!lengths && !offsets) throw new RangeError(`${op}(): Either lengths or offsets must be defined`);
  let start: Tensor;
  let end: Tensor;
  if (lengths) {
    const l = cast(lengths, 'float32');
    end = cumsum(l, -1);
    start = sub(end, l);
  } else {
    const f = cast(offsets!, 'float32');
    const m = f.shape[f.dim() - 1];
    start = slice(f, -1, 0, m - 1);
    end = slice(f, -1, 1, m);
  }
  const lead = ax; // lengths/offsets are data.shape[:axis] + [segments]
  if (start.dim() !== lead + 1)
    throw new ShapeError(
      `${op}(): Expected all rows of lengths along axis to sum to data.size(axis), and lengths to have ${lead + 1} dims, got ${fmtShape(start.shape)}`,
    );
  const n = data.shape[ax];
  const rest = data.dim() - ax - 1;
  const pos = arange(0, n, 1, { device: data.device, dtype: 'float32' }); // [n]
  // member[*lead, S, n] = start <= i < end, then broadcast over the dims after axis.
  let member = logicalAnd(ge(pos, unsqueeze(start, -1)), lt(pos, unsqueeze(end, -1)));
  for (let k = 0; k < rest; k++) member = unsqueeze(member, -1);
  const x = unsqueeze(data, ax); // [*lead, 1, n, *rest]
  const red = ax + 1;
  const fill = (v: number) => where(member, x, v);
  const count = () => {
    const c = sum(cast(member, 'float32'), [red]);
    return c;
  };
  let out: Tensor;
  if (reduce === 'sum') out = initial === null ? sum(fill(0), [red]) : add(sum(fill(0), [red]), initial);
  else if (reduce === 'prod')
    out = initial === null ? prod(fill(1), [red]) : mul(prod(fill(1), [red]), initial);
  else if (reduce === 'max') {
    out = amax(fill(Number.NEGATIVE_INFINITY), [red]);
    if (initial !== null) out = maximum(out, full([], initial, { device: data.device }));
  } else if (reduce === 'min') {
    out = amin(fill(Number.POSITIVE_INFINITY), [red]);
    if (initial !== null) out = minimum(out, full([], initial, { device: data.device }));
  } else {
    const c = count();
    const total = initial === null ? sum(fill(0), [red]) : add(sum(fill(0), [red]), initial);
    out = initial === null ? div(total, c) : where(eq(c, 0), initial, div(total, c));
  }
  return out;
}

// ---- advanced indexing: x[t0, t1, ...] with index tensors over the leading dims ----

/**
 * Python's `x[i0, i1, ...]` with integer (int32) or bool index tensors over the leading dims
 * (PyTorch's aten::index): the index tensors broadcast together; the result is their shape
 * followed by x's remaining dims. A bool tensor stands for the indices of its true elements (a
 * data-dependent size: a CPU tensor, as nonzero). Gradients flow through index_select.
 */
export function advancedIndex(x: Tensor, indices: readonly Tensor[]): Tensor {
  const ints: Tensor[] = [];
  for (const t of indices) {
    if (t.dtype === 'bool') {
      if (t.device.type !== 'cpu')
        throw new Error(
          `index(): a bool index makes the output shape depend on the data, which a ${t.device} tensor cannot give synchronously; use \`await x.indexAsync(mask)\` (runs on the device)`,
        );
      const found = nonzero(t, true) as Tensor[];
      if (t.dim() === 0) throw new RangeError('index(): a 0-d bool index is not supported yet');
      ints.push(...found);
    } else if (isInt(t.dtype)) ints.push(t);
    else
      throw new TypeError(`tensors used as indices must be long, int, byte or bool tensors, got ${t.dtype}`);
  }
  const k = ints.length;
  if (k > x.dim()) throw new RangeError(`too many indices for tensor of dimension ${x.dim()} (got ${k})`);
  const lead = x.shape.slice(0, k);
  const rest = x.shape.slice(k);
  const bshape = broadcastShapes('index', ...ints.map((t) => t.shape));
  let lin: Tensor | null = null;
  ints.forEach((t, i) => {
    const w = where(lt(t, 0), add(t, lead[i]), t);
    const e = expand(w, bshape);
    lin = lin === null ? e : add(mul(lin, lead[i]), e);
  });
  const L = bshape.reduce((a, b) => a * b, 1);
  const flatIdx = reshape(lin as unknown as Tensor, [L]);
  const xr = reshape(x, [lead.reduce((a, b) => a * b, 1), ...rest]);
  return reshape(indexSelect(xr, 0, flatIdx), [...bshape, ...rest]);
}
