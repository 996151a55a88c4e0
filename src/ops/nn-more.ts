/**
 * More nn.functional ops, composed from existing ops (values and gradients follow from the
 * pieces): shrink/threshold activations, glu, prelu, distances, margin and likelihood losses,
 * 1-d/3-d and adaptive pooling, instance/local-response norm, bilinear, unfold, pixel shuffle.
 */

import { torchTypeName } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { leakyRelu, relu6 } from './activation.js';
import { ewiseInto, record1 } from './core.js';
import { arange, ones, rand, tensor, zeros } from './creation.js';
import { gather } from './indexing.js';
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
  expm1,
  ge,
  gt,
  log,
  log1p,
  logicalAnd,
  lt,
  minimum,
  mul,
  ne,
  neg,
  pow,
  relu,
  sigmoid,
  sign,
  sqrt,
  sub,
  tanh,
  where,
} from './pointwise.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from './pool.js';
import { amax, maxDim, mean, norm, sum, varOp } from './reduce.js';
import {
  chunk,
  expand,
  flatten,
  narrow,
  pad,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  unsqueeze,
} from './shape.js';
import { dropout2d } from './spatial.js';

const clampMin0 = (x: Tensor): Tensor => relu(x);

// ---- activations ----
export const celu = (x: Tensor, alpha = 1): Tensor => where(gt(x, 0), x, mul(expm1(div(x, alpha)), alpha));
export function glu(x: Tensor, dim = -1): Tensor {
  const d = dim < 0 ? dim + x.dim() : dim;
  if (x.shape[d] % 2 !== 0)
    throw new ShapeError(`glu: Halving dimension must be even, but dimension ${d} is size ${x.shape[d]}`);
  const [a, b] = chunk(x, 2, d);
  return mul(a, sigmoid(b));
}
export const hardshrink = (x: Tensor, lambd = 0.5): Tensor => where(gt(abs(x), lambd), x, 0);
export const softshrink = (x: Tensor, lambd = 0.5): Tensor =>
  where(gt(x, lambd), sub(x, lambd), where(lt(x, -lambd), add(x, lambd), 0));
export const tanhshrink = (x: Tensor): Tensor => sub(x, tanh(x));
const hsig = (x: Tensor): Tensor => div(relu6(add(x, 3)), 6);
/**
 * Backward as PyTorch 1.13's: grad * 1/6 on -3 < x < 3, with 1/6 rounded to float32 in every
 * dtype (its kernel's `scalar_t one_sixth(1.0f / 6.0f)`: float64 gradients read 0.16666667163...).
 */
export function hardsigmoid(x: Tensor): Tensor {
  const out = noGrad(() => hsig(x));
  return record1('hardsigmoid', out, [x], (g) => [
    mul(g, where(logicalAnd(gt(x, -3), lt(x, 3)), Math.fround(1 / 6), 0)),
  ]);
}
export const hardswish = (x: Tensor): Tensor => mul(x, hsig(x));
export const threshold = (x: Tensor, th: number, value: number): Tensor => where(gt(x, th), x, value);
export const softsign = (x: Tensor): Tensor => div(x, add(abs(x), 1));
export function rrelu(x: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor {
  if (!training) return leakyRelu(x, (lower + upper) / 2);
  const a = add(mul(rand(x.shape, { device: x.device }), upper - lower), lower);
  return where(lt(x, 0), mul(x, a), x);
}
export function prelu(x: Tensor, weight: Tensor): Tensor {
  let w = weight;
  if (weight.numel() > 1) {
    if (x.dim() < 2 || x.shape[1] !== weight.numel())
      throw new ShapeError(
        `prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = ${weight.numel()} and channel size = ${x.dim() >= 2 ? x.shape[1] : 1}.`,
      );
    w = reshape(weight, [weight.numel(), ...Array(x.dim() - 2).fill(1)]);
  }
  if (weight.dtype !== x.dtype) {
    // PyTorch 1.13's CPU kernels: a bfloat16 input takes a float32 weight, rounded to bfloat16
    // first (its kernel converts the weight); any other mix is refused.
    if (x.dtype !== 'bfloat16' || weight.dtype !== 'float32')
      throw new DTypeError(
        `Found dtype ${torchTypeName(weight.dtype)} but expected ${torchTypeName(x.dtype)}`,
      );
    w = cast(w, x.dtype);
  }
  return where(gt(x, 0), x, mul(w, x));
}

// ---- distances ----
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const n1 = clamp(norm(x1, 2, dim, { keepdim: true }), { min: eps });
  const n2 = clamp(norm(x2, 2, dim, { keepdim: true }), { min: eps });
  const p = mul(div(x1, n1), div(x2, n2));
  return sum(p, dim < 0 ? dim + p.dim() : dim);
}
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  const d = add(sub(x1, x2), eps);
  if (d.dim() === 0) return keepdim ? abs(d) : abs(d);
  return norm(d, p, -1, { keepdim });
}
export function pdist(x: Tensor, p = 2): Tensor {
  if (x.dim() !== 2) throw new ShapeError(`pdist only supports 2D tensors, got: ${x.dim()}D`);
  const n = x.shape[0];
  const is: number[] = [];
  const js: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      is.push(i);
      js.push(j);
    }
  if (is.length === 0) {
    const e = narrow(x, 0, 0, 0);
    return norm(sub(e, e), p, 1);
  }
  const idx = (v: number[]) => expand(unsqueeze(fromInts(v, x), 1), [v.length, x.shape[1]]);
  const d = sub(gather(x, 0, idx(is)), gather(x, 0, idx(js)));
  return norm(d, p, 1);
}
function fromInts(v: number[], like: Tensor): Tensor {
  return tensor(v, { device: like.device, dtype: 'int64' });
}

// ---- losses ----
export function marginRankingLoss(
  x1: Tensor,
  x2: Tensor,
  target: Tensor,
  margin: number,
  reduction: Reduction,
): Tensor {
  return reduceLoss(clampMin0(add(mul(neg(target), sub(x1, x2)), margin)), reduction);
}
export function hingeEmbeddingLoss(x: Tensor, target: Tensor, margin: number, reduction: Reduction): Tensor {
  const m = where(ne(target, 1), clampMin0(sub(margin, x)), 0);
  const s = where(ne(target, -1), x, 0);
  return reduceLoss(add(m, s), reduction);
}
export const softMarginLoss = (x: Tensor, target: Tensor, reduction: Reduction): Tensor =>
  reduceLoss(log1p(exp(mul(neg(target), x))), reduction);
const logsig = (x: Tensor): Tensor => neg(add(relu(neg(x)), log1p(exp(neg(abs(x))))));
export function multilabelSoftMarginLoss(
  x: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
): Tensor {
  let l = neg(add(mul(target, logsig(x)), mul(sub(1, target), logsig(neg(x)))));
  if (weight) l = mul(l, weight);
  const c = x.dim() === 0 ? 1 : x.shape[x.dim() - 1];
  l = div(sum(l, x.dim() === 0 ? 0 : x.dim() - 1), c);
  return reduceLoss(l, reduction);
}
export function multiMarginLoss(
  x: Tensor,
  target: Tensor,
  p: number,
  margin: number,
  weight: Tensor | null,
  reduction: Reduction,
): Tensor {
  if (p !== 1 && p !== 2) throw new RangeError('multi_margin_loss: only p == 1 and p == 2 supported');
  const one = x.dim() <= 1;
  const x2 = one ? reshape(x, [1, x.numel()]) : x;
  const t = reshape(target, [x2.shape[0], 1]);
  const c = x2.shape[1];
  const xy = gather(x2, 1, t);
  let z = clampMin0(add(sub(x2, xy), margin));
  if (p === 2) z = mul(z, z);
  if (weight) z = mul(z, gather(expand(unsqueeze(weight, 0), [x2.shape[0], c]), 1, t));
  const cls = arange(0, c, 1, { device: x.device, dtype: target.dtype });
  z = where(eq(unsqueeze(cls, 0), t), 0, z);
  let l = div(sum(z, 1), c);
  if (one) l = reshape(l, x.dim() === 0 ? [] : target.dim() === 0 ? [] : [1]);
  return reduceLoss(l, reduction);
}
export function tripletMarginLoss(
  a: Tensor,
  pos: Tensor,
  negT: Tensor,
  margin: number,
  p: number,
  eps: number,
  swap: boolean,
  reduction: Reduction,
): Tensor {
  const dPos = pairwiseDistance(a, pos, p, eps);
  let dNeg = pairwiseDistance(a, negT, p, eps);
  if (swap) dNeg = minimum(dNeg, pairwiseDistance(pos, negT, p, eps));
  return reduceLoss(clampMin0(add(sub(dPos, dNeg), margin)), reduction);
}
export function poissonNllLoss(
  x: Tensor,
  target: Tensor,
  logInput: boolean,
  full: boolean,
  eps: number,
  reduction: Reduction,
): Tensor {
  let l = logInput ? sub(exp(x), mul(target, x)) : sub(x, mul(target, log(add(x, eps))));
  if (full) {
    const st = add(sub(mul(target, log(target)), target), mul(log(mul(target, 2 * Math.PI)), 0.5));
    l = add(l, where(gt(target, 1), st, 0));
  }
  return reduceLoss(l, reduction);
}
export function gaussianNllLoss(
  x: Tensor,
  target: Tensor,
  v: Tensor,
  full: boolean,
  eps: number,
  reduction: Reduction,
): Tensor {
  let vr = v;
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((s, i) => s === b[i]);
  if (!same(v.shape, x.shape)) {
    if (same(x.shape.slice(0, -1), v.shape)) vr = unsqueeze(v, -1);
    else if (
      !(same(x.shape.slice(0, -1), v.shape.slice(0, -1)) && v.shape[v.dim() - 1] === 1) &&
      v.dim() !== 0 &&
      v.numel() !== 1
    )
      throw new ShapeError(`gaussian_nll_loss: var is of incorrect size ${fmtShape(v.shape)}`);
  }
  // Clamped in value only (PyTorch clamps under no_grad).
  vr = add(vr, sub(clamp(vr, { min: eps }), vr).detach());
  let l = mul(add(log(vr), div(pow(sub(x, target), 2), vr)), 0.5);
  if (full) l = add(l, 0.5 * Math.log(2 * Math.PI));
  return reduceLoss(l, reduction);
}
export function cosineEmbeddingLoss(
  x1: Tensor,
  x2: Tensor,
  target: Tensor,
  margin: number,
  reduction: Reduction,
): Tensor {
  const d = x1.dim() - 1 < 0 ? 0 : x1.dim() - 1;
  const ps = sum(mul(x1, x2), d);
  const m1 = add(sum(mul(x1, x1), d), 1e-12);
  const m2 = add(sum(mul(x2, x2), d), 1e-12);
  const cos = div(ps, sqrt(mul(m1, m2)));
  const pos = where(eq(target, 1), sub(1, cos), 0);
  const ng = where(eq(target, -1), clampMin0(sub(cos, margin)), 0);
  return reduceLoss(add(pos, ng), reduction);
}

// ---- pooling ----
const batched = (x: Tensor, spatial: number, f: (x: Tensor) => Tensor): Tensor => {
  if (x.dim() === spatial + 1) return squeeze(f(unsqueeze(x, 0)), 0);
  return f(x);
};
export function avgPool1d(
  x: Tensor,
  k: number,
  stride: number | null,
  padding: number,
  ceilMode: boolean,
  countIncludePad: boolean,
): Tensor {
  return batched(x, 1, (y) =>
    squeeze(
      avgPool2d(unsqueeze(y, 2), [1, k], {
        stride: [1, stride ?? k],
        padding: [0, padding],
        ceilMode,
        countIncludePad,
      }),
      2,
    ),
  );
}
export function maxPool1d(
  x: Tensor,
  k: number,
  stride: number | null,
  padding: number,
  dilation: number,
  ceilMode: boolean,
  returnIndices: boolean,
): Tensor | [Tensor, Tensor] {
  const o = { stride: [1, stride ?? k], padding: [0, padding], dilation: [1, dilation], ceilMode };
  const unb = x.dim() === 2;
  const y = unsqueeze(unb ? unsqueeze(x, 0) : x, 2);
  const fix = (t: Tensor) => {
    const r = squeeze(t, 2);
    return unb ? squeeze(r, 0) : r;
  };
  if (returnIndices) {
    const [v, i] = maxPool2d(y, [1, k], { ...o, returnIndices: true } as never) as unknown as [
      Tensor,
      Tensor,
    ];
    return [fix(v), fix(i)];
  }
  return fix(maxPool2d(y, [1, k], o as never) as unknown as Tensor);
}
export function adaptiveAvgPool1d(x: Tensor, out: number): Tensor {
  return batched(x, 1, (y) => squeeze(adaptiveAvgPool2d(unsqueeze(y, 2), [1, out]), 2));
}
const startOf = (i: number, inS: number, outS: number) => Math.floor((i * inS) / outS);
const endOf = (i: number, inS: number, outS: number) => Math.ceil(((i + 1) * inS) / outS);

/** Adaptive pooling over the last `k` dims by explicit windows (small outputs). */
function adaptiveWindows(
  x: Tensor,
  k: number,
  outSize: readonly (number | null)[],
  kind: 'avg' | 'max',
): [Tensor, Tensor | null] {
  const unb = x.dim() === k + 1;
  const y = unb ? unsqueeze(x, 0) : x;
  if (y.dim() !== k + 2)
    throw new ShapeError(`adaptive pool: expected ${k + 1}D or ${k + 2}D input, got ${fmtShape(x.shape)}`);
  const inS = y.shape.slice(2);
  const outS = outSize.map((o, i) => o ?? inS[i]);
  const lead = y.shape.slice(0, 2);
  const ids =
    kind === 'max'
      ? reshape(
          arange(
            0,
            inS.reduce((a, b) => a * b, 1),
            1,
            { device: x.device, dtype: 'int64' },
          ),
          inS,
        )
      : null;
  const vals: Tensor[] = [];
  const idxs: Tensor[] = [];
  const total = outS.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const pos: number[] = [];
    let r = flat;
    for (let d = k - 1; d >= 0; d--) {
      pos[d] = r % outS[d];
      r = Math.floor(r / outS[d]);
    }
    let w = y;
    let wi = ids;
    for (let d = 0; d < k; d++) {
      const s = startOf(pos[d], inS[d], outS[d]);
      const e = endOf(pos[d], inS[d], outS[d]);
      w = slice(w, d + 2, s, e);
      if (wi) wi = slice(wi, d, s, e);
    }
    const f = flatten(w, 2);
    if (kind === 'avg') vals.push(mean(f, 2));
    else {
      const [v, li] = maxDim(f, 2);
      vals.push(v);
      const wf = expand(reshape(flatten(wi as Tensor, 0), [1, 1, -1]), [...lead, (wi as Tensor).numel()]);
      idxs.push(squeeze(gather(wf, 2, unsqueeze(li, 2)), 2));
    }
  }
  const fin = (ts: Tensor[]) => {
    const t = reshape(stack(ts, 2), [...lead, ...outS]);
    return unb ? squeeze(t, 0) : t;
  };
  return [fin(vals), kind === 'max' ? fin(idxs) : null];
}
const outList = (o: number | readonly (number | null)[] | null, k: number): (number | null)[] =>
  typeof o === 'number' || o === null ? Array(k).fill(o) : [...o];
export const adaptiveAvgPool3d = (x: Tensor, o: number | readonly (number | null)[]): Tensor =>
  adaptiveWindows(x, 3, outList(o, 3), 'avg')[0];
export function adaptiveMaxPool(
  x: Tensor,
  k: number,
  o: number | readonly (number | null)[],
  returnIndices: boolean,
): Tensor | [Tensor, Tensor] {
  const [v, i] = adaptiveWindows(x, k, outList(o, k), 'max');
  return returnIndices ? [v, i as Tensor] : v;
}
export function lpPool(
  x: Tensor,
  p: number,
  k: readonly number[],
  stride: readonly number[] | null,
  ceilMode: boolean,
): Tensor {
  const is1 = k.length === 1;
  const kk = is1 ? [1, k[0]] : k;
  const st = stride === null ? kk : is1 ? [1, stride[0]] : stride;
  const y = is1 ? unsqueeze(x, -2) : x;
  let out = avgPool2d(pow(y, p), kk as [number, number], { stride: st as [number, number], ceilMode });
  out = pow(mul(mul(sign(out), relu(abs(out))), kk[0] * kk[1]), 1 / p);
  return is1 ? squeeze(out, -2) : out;
}

// ---- normalisation ----
export function instanceNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  useInputStats: boolean,
  momentum: number,
  eps: number,
): Tensor {
  if (x.dim() < 2)
    throw new ShapeError(`instance_norm: expected at least 2D input, got ${fmtShape(x.shape)}`);
  const dims = Array.from({ length: x.dim() - 2 }, (_, i) => i + 2);
  const cshape = [x.shape[1], ...dims.map(() => 1)];
  let y: Tensor;
  if (useInputStats) {
    const m = mean(x, dims, { keepdim: true });
    const v = varOp(x, dims, { correction: 0, keepdim: true } as never);
    y = div(sub(x, m), sqrt(add(v, eps)));
    if (runningMean || runningVar) {
      const n = dims.reduce((a, d) => a * x.shape[d], 1);
      const md = mean(flatten(m.detach(), 2), [0, 2]);
      const vu = mean(flatten(mul(v.detach(), n / Math.max(n - 1, 1)), 2), [0, 2]);
      if (runningMean)
        ewiseInto('copy_', runningMean, (a) => a, [add(mul(runningMean, 1 - momentum), mul(md, momentum))]);
      if (runningVar)
        ewiseInto('copy_', runningVar, (a) => a, [add(mul(runningVar, 1 - momentum), mul(vu, momentum))]);
    }
  } else {
    if (!runningMean || !runningVar)
      throw new RangeError(
        'instance_norm: Expected running_mean and running_var to be defined when use_input_stats is false',
      );
    y = div(sub(x, reshape(runningMean, cshape)), sqrt(add(reshape(runningVar, cshape), eps)));
  }
  if (weight) y = mul(y, reshape(weight, cshape));
  if (bias) y = add(y, reshape(bias, cshape));
  return y;
}
export function localResponseNorm(x: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  if (x.dim() < 3)
    throw new ShapeError(
      `local_response_norm: Expected 3D or higher dimensionality input (got ${x.dim()} dimensions)`,
    );
  const sq = mul(x, x);
  const pads = Array((x.dim() - 2) * 2).fill(0);
  const padded = pad(sq, [...pads, Math.floor(size / 2), Math.floor((size - 1) / 2)]);
  const c = x.shape[1];
  let acc = narrow(padded, 1, 0, c);
  for (let i = 1; i < size; i++) acc = add(acc, narrow(padded, 1, i, c));
  const d = pow(add(mul(div(acc, size), alpha), k), beta);
  return div(x, d);
}

// ---- bilinear, unfold, pixel shuffle ----
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [o, i, j] = weight.shape;
  const lead = x1.shape.slice(0, -1);
  const a = reshape(x1, [-1, i]);
  const b = reshape(x2, [-1, j]);
  const t = reshape(matmul(a, reshape(permute(weight, [1, 0, 2]), [i, o * j])), [-1, o, j]);
  let y = sum(mul(t, unsqueeze(b, 1)), 2);
  if (bias) y = add(y, bias);
  return reshape(y, [...lead, o]);
}
export function unfold(
  x: Tensor,
  k: readonly number[],
  dil: readonly number[],
  padding: readonly number[],
  stride: readonly number[],
): Tensor {
  const unb = x.dim() === 3;
  const y0 = unb ? unsqueeze(x, 0) : x;
  if (y0.dim() !== 4)
    throw new ShapeError(`Input Error: Only 3D or 4D input Tensors are supported (got ${x.dim()}D)`);
  const y = pad(y0, [padding[1], padding[1], padding[0], padding[0]]);
  const [n, c, h, w] = y.shape;
  const oh = Math.floor((h - dil[0] * (k[0] - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((w - dil[1] * (k[1] - 1) - 1) / stride[1]) + 1;
  const blocks: Tensor[] = [];
  for (let a = 0; a < k[0]; a++)
    for (let b = 0; b < k[1]; b++) {
      const s1 = slice(y, 2, a * dil[0], a * dil[0] + (oh - 1) * stride[0] + 1, stride[0]);
      blocks.push(slice(s1, 3, b * dil[1], b * dil[1] + (ow - 1) * stride[1] + 1, stride[1]));
    }
  const out = reshape(stack(blocks, 2), [n, c * k[0] * k[1], oh * ow]);
  return unb ? squeeze(out, 0) : out;
}
/** (*, C, H, W) of pixel_shuffle's and pixel_unshuffle's input: the leading dims, C, H, W. */
function planes(op: string, x: Tensor): [lead: number[], c: number, h: number, w: number] {
  if (x.dim() < 3)
    throw new ShapeError(
      `${op} expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`,
    );
  const [c, h, w] = x.shape.slice(-3);
  return [x.shape.slice(0, -3), c, h, w];
}
export function pixelShuffle(x: Tensor, r: number): Tensor {
  const [lead, c, h, w] = planes('pixel_shuffle', x);
  if (c % (r * r) !== 0)
    throw new ShapeError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  const oc = c / (r * r);
  const L = lead.length;
  const y = reshape(x, [...lead, oc, r, r, h, w]);
  const perm = [...lead.map((_, i) => i), L, L + 3, L + 1, L + 4, L + 2];
  return reshape(permute(y, perm), [...lead, oc, h * r, w * r]);
}
export function pixelUnshuffle(x: Tensor, r: number): Tensor {
  const [lead, c, h, w] = planes('pixel_unshuffle', x);
  if (h % r !== 0 || w % r !== 0)
    throw new ShapeError(`pixel_unshuffle expects height and width to be divisible by downscale_factor ${r}`);
  const L = lead.length;
  const y = reshape(x, [...lead, c, h / r, r, w / r, r]);
  const perm = [...lead.map((_, i) => i), L, L + 2, L + 4, L + 1, L + 3];
  return reshape(permute(y, perm), [...lead, c * r * r, h / r, w / r]);
}
export { amax };

/** Channel dropout over [N, C, D, H, W] (or [C, D, H, W]): dropout2d over the flattened volume. */
export function dropout3d(x: Tensor, p: number, training: boolean): Tensor {
  if (x.dim() !== 4 && x.dim() !== 5)
    throw new ShapeError(
      `dropout3d: expected a 4-d [C, D, H, W] or 5-d [N, C, D, H, W] input, got ${fmtShape(x.shape)}`,
    );
  const flat = reshape(x, [...x.shape.slice(0, -2), x.shape[x.dim() - 2] * x.shape[x.dim() - 1]]);
  return reshape(dropout2d(flat, p, training), x.shape);
}

export interface PoolNdOptions {
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  ceilMode: boolean;
}
const poolOut = (L: number, k: number, s: number, p: number, d: number, ceil: boolean): number => {
  let o = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= L + p) o -= 1;
  return o;
};
/** Pads the last k dims (left p, right p + what ceil mode's last window needs) with `value`. */
function padWindows(x: Tensor, o: PoolNdOptions, outS: readonly number[], value: number): Tensor {
  const k = o.kernel.length;
  const inS = x.shape.slice(x.dim() - k);
  const pads: number[] = [];
  for (let d = k - 1; d >= 0; d--) {
    const need = (outS[d] - 1) * o.stride[d] + o.dilation[d] * (o.kernel[d] - 1) + 1;
    pads.push(o.padding[d], Math.max(o.padding[d], need - inS[d] - o.padding[d]));
  }
  return pad(x, pads, 'constant', value);
}
/** Every kernel offset's strided view of a padded tensor, stacked on a new last dim. */
function windowStack(p: Tensor, o: PoolNdOptions, outS: readonly number[]): Tensor {
  const k = o.kernel.length;
  const base = p.dim() - k;
  const views: Tensor[] = [];
  const total = o.kernel.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    let r = flat;
    const off: number[] = [];
    for (let d = k - 1; d >= 0; d--) {
      off[d] = r % o.kernel[d];
      r = Math.floor(r / o.kernel[d]);
    }
    let v = p;
    for (let d = 0; d < k; d++) {
      const s = off[d] * o.dilation[d];
      v = slice(v, base + d, s, s + (outS[d] - 1) * o.stride[d] + 1, o.stride[d]);
    }
    views.push(v);
  }
  return stack(views, -1);
}
const unbatch = (x: Tensor, k: number, f: (y: Tensor) => Tensor[]): Tensor[] => {
  if (x.dim() === k + 1) return f(unsqueeze(x, 0)).map((t) => squeeze(t, 0));
  if (x.dim() !== k + 2)
    throw new ShapeError(`pool${k}d: expected a ${k + 1}D or ${k + 2}D input, got ${fmtShape(x.shape)}`);
  return f(x);
};
export function maxPoolNd(x: Tensor, o: PoolNdOptions, returnIndices: boolean): Tensor | [Tensor, Tensor] {
  const k = o.kernel.length;
  const [v, i] = unbatch(x, k, (y) => {
    const inS = y.shape.slice(2);
    const outS = inS.map((L, d) =>
      poolOut(L, o.kernel[d], o.stride[d], o.padding[d], o.dilation[d], o.ceilMode),
    );
    const w = windowStack(padWindows(y, o, outS, Number.NEGATIVE_INFINITY), o, outS);
    const [vals, li] = maxDim(w, -1);
    if (!returnIndices) return [vals];
    const n = inS.reduce((a, b) => a * b, 1);
    const ids = reshape(arange(0, n, 1, { device: x.device, dtype: 'float32' }), [1, 1, ...inS]);
    const iw = windowStack(padWindows(ids, o, outS, -1), o, outS);
    const idx = squeeze(gather(expand(iw, w.shape), -1, unsqueeze(li, -1)), -1);
    return [vals, cast(idx, 'int64')];
  });
  return returnIndices ? [v, i] : v;
}
export function avgPoolNd(
  x: Tensor,
  o: PoolNdOptions,
  countIncludePad: boolean,
  divisorOverride: number | null,
): Tensor {
  const k = o.kernel.length;
  return unbatch(x, k, (y) => {
    const inS = y.shape.slice(2);
    const outS = inS.map((L, d) => poolOut(L, o.kernel[d], o.stride[d], o.padding[d], 1, o.ceilMode));
    const s = sum(windowStack(padWindows(y, o, outS, 0), o, outS), -1);
    if (divisorOverride !== null) return [div(s, divisorOverride)];
    // The divisor: window cells inside the padded input (count_include_pad) or the input itself,
    // counted in integers so the quotient keeps x's dtype (a float32 count promotes 16-bit x).
    const ones1 = (shape: number[]) => ones([1, 1, ...shape], { device: x.device, dtype: 'int64' });
    let m = padWindows(ones1(inS), o, outS, 0);
    if (countIncludePad) {
      const pi = inS.map((L, d) => L + 2 * o.padding[d]);
      const inner = ones1(pi);
      const ext = o.kernel.map((_, d) => m.shape[2 + d] - pi[d]);
      const pads: number[] = [];
      for (let d = k - 1; d >= 0; d--) pads.push(0, ext[d]);
      m = pad(inner, pads, 'constant', 0);
    }
    const cnt = sum(windowStack(m, o, outS), -1);
    return [div(s, cnt)];
  })[0];
}

/**
 * embedding_bag over device ops: each position's bag from the offsets (a comparison count), a
 * [bags, positions] membership matrix, then sum / mean (matmul) or max (masked amax).
 */
export function embeddingBag(
  input: Tensor,
  weight: Tensor,
  offsets: Tensor | null,
  mode: 'sum' | 'mean' | 'max',
  perSampleWeights: Tensor | null,
  includeLastOffset: boolean,
  paddingIdx: number | null,
): Tensor {
  let idx = input;
  let offs = offsets;
  let psw = perSampleWeights;
  if (input.dim() === 2) {
    const [b, l] = input.shape;
    idx = reshape(input, [b * l]);
    offs = arange(0, b * l, Math.max(l, 1), { device: input.device, dtype: 'int64' });
    if (l === 0) offs = zeros([b], { device: input.device, dtype: 'int64' });
    if (psw) psw = reshape(psw, [b * l]);
  } else if (input.dim() !== 1)
    throw new ShapeError(
      `embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`,
    );
  else if (offs === null) throw new RangeError('embedding_bag: offsets has to be a 1D Tensor but got null');
  if (psw && mode !== 'sum')
    throw new RangeError(
      "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum'",
    );
  const o = offs as Tensor;
  const nb = includeLastOffset && input.dim() === 1 ? o.shape[0] - 1 : o.shape[0];
  const n = idx.shape[0];
  const pos = arange(0, n, 1, { device: input.device, dtype: 'int64' });
  const starts = narrow(o, 0, 0, nb);
  // bag of position j: (number of bag starts <= j) - 1; positions past the last offset when
  // include_last_offset drop out (they belong to no bag < nb).
  const bagOf = sub(sum(cast(ge(unsqueeze(pos, 1), unsqueeze(starts, 0)), 'int32'), 1), 1);
  let member = eq(
    unsqueeze(arange(0, nb, 1, { device: input.device, dtype: 'int64' }), 1),
    unsqueeze(bagOf, 0),
  );
  if (includeLastOffset && input.dim() === 1)
    member = logicalAnd(member, unsqueeze(lt(pos, narrow(o, 0, nb, 1)), 0));
  if (paddingIdx !== null) {
    const pi = paddingIdx < 0 ? paddingIdx + weight.shape[0] : paddingIdx;
    member = logicalAnd(member, unsqueeze(ne(idx, pi), 0));
  }
  const emb = indexSelectRows(weight, idx);
  if (mode === 'max') {
    const masked = where(unsqueeze(member, 2), unsqueeze(emb, 0), Number.NEGATIVE_INFINITY);
    const m = amax(masked, 1);
    const any = unsqueeze(gt(sum(cast(member, weight.dtype), 1), 0), 1);
    return where(any, m, 0);
  }
  let mf = cast(member, weight.dtype);
  if (psw) mf = mul(mf, unsqueeze(psw, 0));
  let out = matmul(mf, emb);
  if (mode === 'mean') out = div(out, unsqueeze(clamp(sum(cast(member, weight.dtype), 1), { min: 1 }), 1));
  return out;
}
const indexSelectRows = (w: Tensor, idx: Tensor): Tensor =>
  gather(w, 0, expand(unsqueeze(cast(idx, 'int32'), 1), [idx.shape[0], w.shape[1]]));
