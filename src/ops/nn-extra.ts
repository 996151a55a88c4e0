/**
 * nn.functional ops composed from existing ops (so both backends get them and the gradients
 * follow from the pieces): max_unpool{1,2,3}d, feature_alpha_dropout, multilabel_margin_loss,
 * grid_sample / affine_grid, ctc_loss.
 */
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { defaultGenerator } from '../tensor/random.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { E, ewise, record1 } from './core.js';
import { arange, ones, rand, zeros } from './creation.js';
import { cumsum } from './cumulative.js';
import { gather, scatterAdd } from './indexing.js';
import { add, cast, clamp, div, eq, mul, relu, sub } from './pointwise.js';
import { mean, sum } from './reduce.js';
import { expand, reshape, unsqueeze } from './shape.js';

export type Reduction = 'mean' | 'sum' | 'none';
const reduce = (x: Tensor, r: Reduction): Tensor => (r === 'none' ? x : r === 'sum' ? sum(x) : mean(x));

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
  if (indices.dtype === 'float32' || indices.dtype === 'bool')
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
    const target = zeros([...lead, plane], { device: x.device });
    const placed = scatterAdd(target, dim, ix, xf);
    const count = scatterAdd(target, dim, ix, expand(ones([1], { device: x.device }), flatShape));
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
  const hitK = mul(
    cast(eq(unsqueeze(tc, 2), reshape(cls, [1, 1, C])), 'float32'),
    unsqueeze(cast(valid, 'float32'), 2),
  );
  const isTarget = clamp(sum(hitK, 1), { max: 1 }); // [N, C]
  const xj = gather(x2, 1, tc); // [N, K]
  const hinge = relu(add(sub(1, unsqueeze(xj, 2)), unsqueeze(x2, 1))); // [N, K, C]
  const w = mul(unsqueeze(cast(valid, 'float32'), 2), unsqueeze(sub(1, isTarget), 1));
  let l = div(sum(mul(hinge, w), [1, 2]), C);
  if (one) l = reshape(l, []);
  return reduce(l, reduction);
}
