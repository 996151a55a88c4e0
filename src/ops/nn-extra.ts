/**
 * nn.functional ops composed from existing ops (so both backends get them and the gradients
 * follow from the pieces): max_unpool{1,2,3}d, feature_alpha_dropout, multilabel_margin_loss,
 * grid_sample / affine_grid, ctc_loss.
 */

import { isInt } from '../tensor/dtype.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { defaultGenerator } from '../tensor/random.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { E, ewise, record1 } from './core.js';
import { arange, full, ones, rand, tensor, zeros } from './creation.js';
import { cumsum } from './cumulative.js';
import { gather, scatterAdd } from './indexing.js';
import { type Reduction, reduceLoss } from './loss.js';
import { matmul } from './matmul.js';
import {
  abs,
  add,
  cast,
  clamp,
  div,
  eq,
  exp,
  floor,
  ge,
  gt,
  isinf,
  le,
  logicalAnd,
  lt,
  mul,
  ne,
  neg,
  relu,
  remainder,
  round,
  sub,
  where,
} from './pointwise.js';
import { fmod } from './pointwise-more.js';
import { logsumexp, mean, sum } from './reduce.js';
import { cat, expand, narrow, reshape, select, stack, transpose, unsqueeze } from './shape.js';

// ---- max_unpool ----

/**
 * F.max_unpool{nd}d: x [N, C, *in] (or [C, *in]) with the flat per-plane indices of max_pool
 * placed into zeros of [N, C, *out]. Default out = (in - 1)*stride - 2*padding + kernel; an
 * `outputSize` may list the spatial sizes or all dims. The gradient is the gather at the indices
 * (PyTorch's max_unpool backward), also where overlapping windows repeat an index.
 */
export function maxUnpool(
  x: Tensor,
  indices: Tensor,
  nd: number,
  kernel: readonly number[],
  stride: readonly number[] | null,
  padding: readonly number[],
  outputSize: readonly number[] | null,
): Tensor {
  const op = `max_unpool${nd}d`;
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2)
    throw new ShapeError(
      `${op}: Expected ${nd + 1}D or ${nd + 2}D tensor for input, but got input of size ${fmtShape(x.shape)}`,
    );
  if (indices.shape.length !== x.shape.length || indices.shape.some((s, i) => s !== x.shape[i]))
    throw new ShapeError(
      `${op}: Expected shape of indices to be same as that of the input tensor (${fmtShape(x.shape)}) but got indices tensor with shape: ${fmtShape(indices.shape)}`,
    );
  if (!isInt(indices.dtype))
    throw new TypeError(`${op}: elements in indices should be type int64 but got: ${indices.dtype}`);
  const k = kernel.length === 1 ? new Array<number>(nd).fill(kernel[0]) : [...kernel];
  const s =
    stride === null || stride.length === 0
      ? k
      : stride.length === 1
        ? new Array<number>(nd).fill(stride[0])
        : [...stride];
  const p = padding.length === 1 ? new Array<number>(nd).fill(padding[0]) : [...padding];
  const space = x.shape.slice(x.dim() - nd);
  const dflt = space.map((n, i) => (n - 1) * s[i] - 2 * p[i] + k[i]);
  let out = dflt;
  if (outputSize !== null && outputSize.length > 0) {
    const o =
      outputSize.length === nd + 2 || outputSize.length === nd + 1
        ? outputSize.slice(outputSize.length - nd)
        : [...outputSize];
    if (o.length !== nd)
      throw new ShapeError(
        `${op}: output_size must have ${nd} or ${nd + 2} elements (got ${outputSize.length})`,
      );
    for (let i = 0; i < nd; i++) {
      const lo = dflt[i] - s[i];
      const hi = dflt[i] + s[i];
      if (o[i] <= lo || o[i] >= hi)
        throw new ShapeError(
          `${op}: invalid output_size "${fmtShape(o)}" (dim ${i} must be between ${lo + 1} and ${hi - 1})`,
        );
    }
    out = o;
  }
  const lead = x.shape.slice(0, x.dim() - nd);
  const plane = out.reduce((a, b) => a * b, 1);
  const flatShape = [...lead, space.reduce((a, b) => a * b, 1)];
  const xf = reshape(x, flatShape);
  const ix = reshape(cast(indices, 'int32'), flatShape);
  const dim = lead.length;
  const y = noGrad(() => {
    // Repeated indices (overlapping windows) carry equal maxima: average them instead of adding.
    const target = zeros([...lead, plane], { device: x.device, dtype: x.dtype });
    const placed = scatterAdd(target, dim, ix, xf);
    const count = scatterAdd(
      target,
      dim,
      ix,
      expand(ones([1], { device: x.device, dtype: x.dtype }), flatShape),
    );
    return reshape(div(placed, clamp(count, { min: 1 })), [...lead, ...out]);
  });
  return record1(op, y, [x], (g) => [reshape(gather(reshape(g, [...lead, plane]), dim, ix), x.shape)]);
}

// ---- feature_alpha_dropout ----

/**
 * F.feature_alpha_dropout: alpha dropout (SELU's self-normalising dropout) dropping whole
 * channels: input [N, C, *] keeps each (n, c) plane with probability 1 - p; a dropped plane
 * becomes SELU's negative saturation, then all is scaled by a and shifted by b so that mean and
 * variance are kept.
 */
export function featureAlphaDropout(x: Tensor, p: number, training: boolean): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || x.numel() === 0) return x;
  if (x.dim() < 2)
    throw new ShapeError(
      `Feature dropout requires at least 2 dimensions in the input (got input of size ${fmtShape(x.shape)})`,
    );
  if (p === 1) return mul(x, 0);
  const alpha = 1.7580993408473766;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  const noiseShape = x.shape.map((s, i) => (i < 2 ? s : 1));
  const u = rand(noiseShape, { device: x.device, generator: defaultGenerator });
  // keep = 1 with probability 1 - p; noise = keep * a; b = (keep - 1) * alpha * a + alpha * a * p.
  const noise = ewise('feature_alpha_noise', (v) => E.where(E.ge(v, p), a, 0), [u], 'float32');
  const b = ewise(
    'feature_alpha_shift',
    (v) => E.where(E.ge(v, p), alpha * a * p, alpha * a * p - alpha * a),
    [u],
    'float32',
  );
  return add(mul(x, noise), b);
}

// ---- multilabel_margin_loss ----

/**
 * F.multilabel_margin_loss: x [C] or [N, C], target the same shape holding class indices, the
 * first -1 ending each sample's label list. loss_n = sum over listed labels j and unlisted
 * classes i of max(0, 1 - (x[j] - x[i])) / C.
 */
export function multilabelMarginLoss(x: Tensor, target: Tensor, reduction: Reduction): Tensor {
  const op = 'multilabel_margin_loss';
  if (x.dim() > 2 || target.shape.length !== x.shape.length || target.shape.some((s, i) => s !== x.shape[i]))
    throw new ShapeError(
      `${op}: inconsistent target size: ${fmtShape(target.shape)} for input of size: ${fmtShape(x.shape)}`,
    );
  const one = x.dim() < 2;
  const C = x.dim() === 0 ? 1 : x.shape[x.dim() - 1];
  const x2 = reshape(x, [-1, C]);
  const t = reshape(cast(target, 'int32'), [-1, C]);
  const valid = eq(cumsum(cast(eq(t, -1), 'int32'), 1), 0); // [N, K]: before the first -1
  const tc = clamp(t, { min: 0 });
  const cls = arange(0, C, 1, { device: x.device, dtype: 'int32' });
  // 0/1 masks in x's dtype (exact in any float dtype; float32 masks promoted a 16-bit x).
  const hitK = mul(
    cast(eq(unsqueeze(tc, 2), reshape(cls, [1, 1, C])), x.dtype),
    unsqueeze(cast(valid, x.dtype), 2),
  );
  const isTarget = clamp(sum(hitK, 1), { max: 1 }); // [N, C]
  const xj = gather(x2, 1, tc); // [N, K]
  const hinge = relu(add(sub(1, unsqueeze(xj, 2)), unsqueeze(x2, 1))); // [N, K, C]
  const w = mul(unsqueeze(cast(valid, x.dtype), 2), unsqueeze(sub(1, isTarget), 1));
  let l = div(sum(mul(hinge, w), [1, 2]), C);
  if (one) l = reshape(l, []);
  return reduceLoss(l, reduction);
}

// ---- grid_sample, affine_grid ----

export type GridMode = 'bilinear' | 'nearest' | 'bicubic';
export type GridPadding = 'zeros' | 'border' | 'reflection';

/** PyTorch's reflect_coordinates: reflect c into [lo2/2, hi2/2] (bounds given doubled). */
function reflect(c: Tensor, lo2: number, hi2: number): Tensor {
  if (lo2 === hi2) return mul(c, 0);
  const lo = lo2 / 2;
  const span = (hi2 - lo2) / 2;
  const a = abs(sub(c, lo));
  const extra = fmod(a, span);
  const flips = floor(div(a, span));
  const even = eq(remainder(flips, 2), 0);
  return where(even, add(extra, lo), add(sub(span, extra), lo));
}

/**
 * F.grid_sample: input [N, C, *S] (2 or 3 spatial dims), grid [N, *O, nd] of (x, y[, z]) in
 * [-1, 1]; each output point reads the input at its unnormalised coordinate (bilinear: the 2^nd
 * surrounding samples with linear weights, nearest: the rounded one), with `paddingMode` for
 * points outside. Written with gather and elementwise ops: the input gradient is the gather's
 * scatter-add, the grid gradient comes from the weights.
 */
export function gridSample(
  input: Tensor,
  grid: Tensor,
  mode: GridMode,
  paddingMode: GridPadding,
  alignCorners: boolean,
): Tensor {
  const op = 'grid_sampler';
  const nd = input.dim() - 2;
  if ((nd !== 2 && nd !== 3) || grid.dim() !== input.dim())
    throw new ShapeError(
      `${op}(): expected 4D or 5D input and grid with same number of dimensions, but got input with sizes ${fmtShape(input.shape)} and grid with sizes ${fmtShape(grid.shape)}`,
    );
  if (grid.shape[0] !== input.shape[0])
    throw new ShapeError(
      `${op}(): expected grid and input to have same batch size, but got input with sizes ${fmtShape(input.shape)} and grid with sizes ${fmtShape(grid.shape)}`,
    );
  if (grid.shape[nd + 1] !== nd)
    throw new ShapeError(
      `${op}(): expected grid to have size ${nd} in last dimension, but got grid with sizes ${fmtShape(grid.shape)}`,
    );
  if (mode === 'bicubic')
    throw new RangeError(`${op}(): mode 'bicubic' is not supported (bilinear, nearest)`);
  const [N, C] = input.shape;
  const S = input.shape.slice(2);
  const O = grid.shape.slice(1, 1 + nd);
  const P = O.reduce((a, b) => a * b, 1);
  const flat = reshape(input, [N, C, S.reduce((a, b) => a * b, 1)]);
  const strides = S.map((_, d) => S.slice(d + 1).reduce((a, b) => a * b, 1));
  // Source coordinate along input dim d (grid component nd-1-d), padded as asked.
  const coords = S.map((size, d) => {
    const g = reshape(select(grid, -1, nd - 1 - d), [N, 1, P]);
    let c = alignCorners ? mul(add(g, 1), (size - 1) / 2) : div(sub(mul(add(g, 1), size), 1), 2);
    if (paddingMode === 'reflection')
      c = alignCorners ? reflect(c, 0, 2 * (size - 1)) : reflect(c, -1, 2 * size - 1);
    if (paddingMode !== 'zeros') c = clamp(c, { min: 0, max: size - 1 });
    return c;
  });
  const corners: { at: Tensor[]; w: Tensor | null }[] = [];
  if (mode === 'nearest') corners.push({ at: coords.map((c) => round(c)), w: null });
  else {
    const lo = coords.map((c) => floor(c));
    const fr = coords.map((c, d) => sub(c, lo[d]));
    for (let bits = 0; bits < 1 << nd; bits++) {
      let w: Tensor | null = null;
      const at = lo.map((l, d) => {
        const hi = (bits >> (nd - 1 - d)) & 1;
        const wd = hi ? fr[d] : sub(1, fr[d]);
        w = w ? mul(w, wd) : wd;
        return hi ? add(l, 1) : l;
      });
      corners.push({ at, w });
    }
  }
  let y: Tensor | null = null;
  for (const { at, w } of corners) {
    let inside: Tensor | null = null;
    let index: Tensor | null = null;
    for (let d = 0; d < nd; d++) {
      const i = at[d];
      const ok = logicalAnd(ge(i, 0), le(i, S[d] - 1));
      inside = inside ? logicalAnd(inside, ok) : ok;
      const term = mul(clamp(i, { min: 0, max: S[d] - 1 }), strides[d]);
      index = index ? add(index, term) : term;
    }
    const ix = expand(cast(index!, 'int32'), [N, C, P]);
    const v = gather(flat, 2, ix);
    const weight = where(inside!, w ?? 1, 0);
    const term = mul(v, weight);
    y = y ? add(y, term) : term;
  }
  return reshape(y!, [N, C, ...O]);
}

/**
 * F.affine_grid: theta [N, 2, 3] (or [N, 3, 4]) and size [N, C, H, W] (or [N, C, D, H, W]) give
 * the sampling grid [N, H, W, 2] (or [N, D, H, W, 3]) = base coordinates (x, y[, z], 1) @ theta^T.
 */
export function affineGrid(theta: Tensor, size: readonly number[], alignCorners: boolean): Tensor {
  const nd = size.length - 2;
  if ((nd !== 2 && nd !== 3) || theta.dim() !== 3 || theta.shape[1] !== nd || theta.shape[2] !== nd + 1)
    throw new ShapeError(
      `Expected a batch of ${nd === 3 ? '3D affine matrices of shape Nx3x4' : '2D affine matrices of shape Nx2x3'} for size ${fmtShape(size)}. Got ${fmtShape(theta.shape)}.`,
    );
  if (theta.shape[0] !== size[0])
    throw new ShapeError(`affine_grid: theta batch ${theta.shape[0]} does not match size ${fmtShape(size)}`);
  const space = size.slice(2); // [D,] H, W
  const P = space.reduce((a, b) => a * b, 1);
  const base = new Float32Array(P * (nd + 1));
  const lin = (n: number, i: number) => {
    if (n <= 1) return 0;
    const v = -1 + (2 * i) / (n - 1);
    return alignCorners ? v : (v * (n - 1)) / n;
  };
  for (let p = 0; p < P; p++) {
    let r = p;
    for (let d = nd - 1; d >= 0; d--) {
      const i = r % space[d];
      r = Math.floor(r / space[d]);
      base[p * (nd + 1) + (nd - 1 - d)] = lin(space[d], i); // x is the last dim
    }
    base[p * (nd + 1) + nd] = 1;
  }
  const b = reshape(tensor(base, { device: theta.device }), [1, P, nd + 1]);
  const g = matmul(expand(b, [size[0], P, nd + 1]), transpose(theta, 1, 2)); // [N, P, nd]
  return reshape(g, [size[0], ...space, nd]);
}

// ---- ctc_loss ----

/** A finite stand-in for log(0) in the CTC recursion: its logsumexp and gradients stay finite. */
const LOG_ZERO = -1e30;

/**
 * F.ctc_loss: log_probs [T, N, C] (or [T, C]), targets [N, S] padded (or 1-d concatenated, or
 * [S] unbatched), per-sample input and target lengths. The forward variable (alpha) over the
 * blank-extended label sequence l' (length 2S+1) runs in log space with ops, one step per time
 * step: alpha_t(s) = lp_t(l'_s) + logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2)
 * when l'_s is not blank and differs from l'_{s-2}); samples past their input length keep their
 * alpha. loss_n = -logsumexp(alpha_T(2 len), alpha_T(2 len - 1)). Autograd through the recursion
 * gives the alpha-beta posterior term; PyTorch's ctc_loss backward also adds exp(log_probs) (it
 * assumes log_softmax inputs), which a zero-valued term reproduces.
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Tensor | readonly number[],
  targetLengths: Tensor | readonly number[],
  blank: number,
  reduction: Reduction,
  zeroInfinity: boolean,
): Tensor {
  const op = 'ctc_loss';
  const unbatched = logProbs.dim() === 2;
  if (!unbatched && logProbs.dim() !== 3)
    throw new ShapeError(
      `${op}: expected log_probs of size [T, N, C] or [T, C], got ${fmtShape(logProbs.shape)}`,
    );
  const lp = unbatched ? unsqueeze(logProbs, 1) : logProbs;
  const [T, N, C] = lp.shape;
  if (blank < 0 || blank >= C)
    throw new RangeError(`${op}: blank must be in label range (got ${blank}, C = ${C})`);
  const dev = lp.device;
  const lengths = (v: Tensor | readonly number[], name: string): Tensor => {
    if (!Array.isArray(v)) {
      const t = v as Tensor;
      if (t.numel() !== N)
        throw new ShapeError(`${op}: ${name} must be of size batch_size (${N}), got ${fmtShape(t.shape)}`);
      return reshape(cast(t, 'int32'), [N]);
    }
    const a = v as readonly number[];
    if (a.length !== N)
      throw new ShapeError(`${op}: ${name} must be of size batch_size (${N}), got ${a.length}`);
    if (name === 'input_lengths' && a.some((x) => x < 0 || x > T))
      throw new RangeError(
        `${op}: Expected input_lengths to have value at most ${T}, but got ${Math.max(...a)}`,
      );
    return tensor(Int32Array.from(a), { device: dev });
  };
  const il = lengths(inputLengths, 'input_lengths');
  const tl = lengths(targetLengths, 'target_lengths');
  let tg: Tensor;
  if (unbatched || targets.dim() === 2) tg = reshape(cast(targets, 'int32'), [N, -1]);
  else {
    // Concatenated targets: sample n's labels start at sum(target_lengths[:n]).
    const total = targets.numel();
    const start = sub(cumsum(tl, 0), tl);
    const pos = add(
      unsqueeze(start, 1),
      unsqueeze(arange(0, Math.max(total, 1), 1, { device: dev, dtype: 'int32' }), 0),
    );
    const flatT = reshape(cast(targets, 'int32'), [1, total]);
    tg =
      total === 0
        ? zeros([N, 1], { device: dev, dtype: 'int32' })
        : gather(expand(flatT, [N, total]), 1, clamp(pos, { max: total - 1 }));
  }
  const S = Math.max(tg.shape[1], 1);
  if (tg.shape[1] === 0) tg = zeros([N, 1], { device: dev, dtype: 'int32' });
  const L = 2 * S + 1;
  const odd = new Uint8Array(L);
  const src = new Int32Array(L);
  const fromTwo = new Uint8Array(L);
  for (let s = 0; s < L; s++) {
    odd[s] = s % 2;
    src[s] = s % 2 ? (s - 1) / 2 : 0;
    fromTwo[s] = s >= 2 ? 1 : 0;
  }
  const mask = (m: Uint8Array) => eq(tensor(Int32Array.from(m), { device: dev }), 1);
  const ext = where(
    mask(odd),
    gather(tg, 1, expand(unsqueeze(tensor(src, { device: dev }), 0), [N, L])),
    blank,
  ); // [N, L]
  const lpe = gather(lp, 2, expand(unsqueeze(ext, 0), [T, N, L])); // [T, N, L]
  const prev2 = cat([full([N, 2], blank, { device: dev, dtype: 'int32' }), narrow(ext, 1, 0, L - 2)], 1);
  const skip = logicalAnd(logicalAnd(ne(ext, blank), ne(ext, prev2)), unsqueeze(mask(fromTwo), 0));
  const pad1 = full([N, 1], LOG_ZERO, { device: dev });
  const pad2 = full([N, 2], LOG_ZERO, { device: dev });
  const start = new Uint8Array(L);
  start[0] = 1;
  start[1] = 1;
  let alpha = where(unsqueeze(mask(start), 0), select(lpe, 0, 0), LOG_ZERO);
  for (let t = 1; t < T; t++) {
    const a2 = cat([pad1, narrow(alpha, 1, 0, L - 1)], 1);
    const a3 = where(skip, cat([pad2, narrow(alpha, 1, 0, L - 2)], 1), LOG_ZERO);
    const next = add(logsumexp(stack([alpha, a2, a3], 0), 0), select(lpe, 0, t));
    alpha = where(unsqueeze(gt(il, t), 1), next, alpha);
  }
  const e1 = mul(tl, 2);
  const e2 = clamp(sub(e1, 1), { min: 0 });
  const last = gather(alpha, 1, stack([e1, e2], 1)); // [N, 2]
  const ends = where(stack([ge(tl, 0), gt(tl, 0)], 1), last, LOG_ZERO);
  let loss = neg(logsumexp(ends, 1)); // [N]
  // PyTorch's backward adds exp(log_probs) for t < input_length: d/dlp of (exp(lp) - exp(lp).detach()).
  const e = exp(lp);
  const live = cast(
    unsqueeze(lt(reshape(arange(0, T, 1, { device: dev, dtype: 'int32' }), [T, 1]), unsqueeze(il, 0)), 2),
    'float32',
  );
  loss = add(loss, sum(mul(sub(e, e.detach()), live), [0, 2]));
  loss = where(ge(loss, -LOG_ZERO / 10), Number.POSITIVE_INFINITY, loss);
  if (zeroInfinity) loss = where(isinf(loss), 0, loss);
  if (unbatched) loss = reshape(loss, []);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  return mean(div(loss, clamp(cast(tl, 'float32'), { min: 1 })));
}
