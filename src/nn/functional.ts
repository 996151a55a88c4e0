/**
 * nn.functional (`F`): every functional op under PyTorch's names in camelCase, each bound to
 * PyTorch's parameter list (src/signature): any parameter positionally in PyTorch's order, or by
 * name in a trailing options object. The ops live in src/ops; this file only binds them.
 *
 * ```ts
 * const F = torch.nn.functional;
 * const loss = F.crossEntropy(F.linear(x, w, b), y, { labelSmoothing: 0.1 });
 * F.layerNorm(x, [64], w, b, 1e-5);   // == F.layerNorm(x, [64], { weight: w, bias: b, eps: 1e-5 })
 * ```
 */
import * as act from '../ops/activation.js';
import * as attn from '../ops/attention.js'; // attention (helper attn)
import * as conv from '../ops/conv.js';
import * as idx from '../ops/indexing.js';
import * as L from '../ops/loss.js';
import { linear as linearOp } from '../ops/matmul.js';
import * as extra from '../ops/nn-extra.js';
import * as more from '../ops/nn-more.js';
import * as normOps from '../ops/norm.js';
import { padMode } from '../ops/pad.js';
import { cast, clamp, div, neg } from '../ops/pointwise.js';
import * as pool from '../ops/pool.js';
import { norm } from '../ops/reduce.js';
import { pad as padOp } from '../ops/shape.js';
import * as spatial from '../ops/spatial.js';
import { fn } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { type DTypeLike, normalizeDType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export type { Reduction } from '../ops/loss.js';

/** `inplace=True`: the result written into the input (recorded by autograd as an in-place op). */
const maybeInplace = (x: Tensor, y: Tensor, inplace: boolean): Tensor => (inplace ? x.copy_(y) : y);

// ---- activations ----
/** Rectified linear unit, max(0, x) elementwise. `inplace` (default false) writes the result into `input`. */
export const relu = fn('F.relu', 'relu(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.relu(a.input), a.inplace),
);
/** min(max(0, x), 6) elementwise. `inplace` (default false) writes the result into `input`. */
export const relu6 = fn('F.relu6', 'relu6(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.relu6(a.input), a.inplace),
);
/**
 * Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise; `alpha` defaults to 1.0, `inplace` to
 * false.
 */
export const elu = fn('F.elu', 'elu(Tensor input, float alpha=1.0, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.elu(a.input, a.alpha), a.inplace),
);
/**
 * Scaled ELU: scale * elu(x, alpha) with PyTorch's fixed alpha ≈ 1.6733 and scale ≈ 1.0507. `inplace`
 * defaults to false.
 */
export const selu = fn('F.selu', 'selu(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.selu(a.input), a.inplace),
);
/** x for x ≥ 0, negativeSlope * x otherwise; `negativeSlope` defaults to 0.01, `inplace` to false. */
export const leakyRelu = fn(
  'F.leakyRelu',
  'leaky_relu(Tensor input, float negative_slope=0.01, bool inplace=False)',
  (a) => maybeInplace(a.input, act.leakyRelu(a.input, a.negativeSlope), a.inplace),
);
/** Clamps x to [minVal, maxVal] (defaults -1.0 and 1.0); `inplace` defaults to false. */
export const hardtanh = fn(
  'F.hardtanh',
  'hardtanh(Tensor input, float min_val=-1.0, float max_val=1.0, bool inplace=False)',
  (a) => maybeInplace(a.input, act.hardtanh(a.input, a.minVal, a.maxVal), a.inplace),
);
/** SiLU (swish): x * sigmoid(x) elementwise; `inplace` defaults to false. */
export const silu = fn('F.silu', 'silu(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.silu(a.input), a.inplace),
);
/** Mish: x * tanh(softplus(x)) elementwise; `inplace` defaults to false. */
export const mish = fn('F.mish', 'mish(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.mish(a.input), a.inplace),
);
/**
 * Gaussian error linear unit x * Φ(x); `approximate: 'tanh'` uses the tanh approximation (default `'none'`,
 * the exact erf form).
 */
export const gelu = fn('F.gelu', 'gelu(Tensor input, *, "none"|"tanh" approximate="none")', (a) =>
  act.gelu(a.input, { approximate: a.approximate }),
);
/** Logistic sigmoid 1 / (1 + exp(-x)) elementwise. */
export const sigmoid = fn('F.sigmoid', 'sigmoid(Tensor input)', (a) => act.sigmoid(a.input));
/** Hyperbolic tangent elementwise. */
export const tanh = fn('F.tanh', 'tanh(Tensor input)', (a) => act.tanh(a.input));
/**
 * Softplus log(1 + exp(beta * x)) / beta, linear (x) where beta * x > threshold; `beta` defaults to 1.0,
 * `threshold` to 20.0.
 */
export const softplus = fn(
  'F.softplus',
  'softplus(Tensor input, float beta=1.0, float threshold=20.0)',
  (a) => act.softplus(a.input, a.beta, a.threshold),
);
/** log(sigmoid(x)) = -softplus(-x) elementwise, stable for large |x|. */
export const logsigmoid = fn('F.logsigmoid', 'logsigmoid(Tensor input)', (a) =>
  neg(act.softplus(neg(a.input))),
);

/** PyTorch's legacy choice when `dim` is not given (it warns): 0 for 0-, 1- and 3-D inputs, else 1. */
export const implicitSoftmaxDim = (x: Tensor): number =>
  x.dim() === 0 || x.dim() === 1 || x.dim() === 3 ? 0 : 1;
const softmaxInput = (x: Tensor, dtype: DTypeLike | null): Tensor =>
  dtype === null ? x : cast(x, normalizeDType(dtype));

// PyTorch's private `_stacklevel` (position 3) is left out, so dtype is keyword-only here.
/**
 * exp(x) / sum(exp(x)) along `dim`. Without `dim` it picks PyTorch's legacy implicit dim (0 for 0-, 1- and
 * 3-D inputs, else 1); the keyword-only `dtype` casts the input first.
 */
export const softmax = fn(
  'F.softmax',
  'softmax(Tensor input, int? dim=None, *, ScalarType? dtype=None)',
  (a) => act.softmax(softmaxInput(a.input, a.dtype), a.dim ?? implicitSoftmaxDim(a.input)),
);
/** log(softmax(x)) along `dim`, computed stably; `dim` and the keyword-only `dtype` as in `softmax`. */
export const logSoftmax = fn(
  'F.logSoftmax',
  'log_softmax(Tensor input, int? dim=None, *, ScalarType? dtype=None)',
  (a) => act.logSoftmax(softmaxInput(a.input, a.dtype), a.dim ?? implicitSoftmaxDim(a.input)),
);
/**
 * softmax(-x) along `dim`: weights favouring the smallest entries. `dim` (default null: the legacy implicit
 * dim) and the keyword-only `dtype` as in `softmax`.
 */
export const softmin = fn(
  'F.softmin',
  'softmin(Tensor input, int? dim=None, *, ScalarType? dtype=None)',
  (a) => act.softmax(neg(softmaxInput(a.input, a.dtype)), a.dim ?? implicitSoftmaxDim(a.input)),
);

/**
 * Zeroes each element with probability `p` (default 0.5) and scales the rest by 1/(1-p) when `training`
 * (default true); the identity otherwise. `inplace` defaults to false.
 */
export const dropout = fn(
  'F.dropout',
  'dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => maybeInplace(a.input, act.dropout(a.input, a.p, a.training), a.inplace && a.training),
);
/**
 * Zeroes whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability `p` (default 0.5),
 * scaling the rest by 1/(1-p), when `training` (default true). `inplace` defaults to false.
 */
export const dropout3d = fn(
  'F.dropout3d',
  'dropout3d(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => maybeInplace(a.input, more.dropout3d(a.input, a.p, a.training), a.inplace && a.training),
);
/**
 * Zeroes whole channels of a (N, C, H, W) or (C, H, W) input with probability `p` (default 0.5), scaling the
 * rest by 1/(1-p), when `training` (default true). `inplace` defaults to false.
 */
export const dropout2d = fn(
  'F.dropout2d',
  'dropout2d(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => maybeInplace(a.input, spatial.dropout2d(a.input, a.p, a.training), a.inplace && a.training),
);

// ---- linear, conv, pool ----
/**
 * y = input · weightᵀ + bias, with input (*, in), weight (out, in), bias (out) or null (default); returns (*,
 * out).
 */
export const linear = fn('F.linear', 'linear(Tensor input, Tensor weight, Tensor? bias=None)', (a) =>
  linearOp(a.input, a.weight, a.bias),
);
/**
 * 1-D cross-correlation of input (N, C_in, L) or (C_in, L) with weight (C_out, C_in / groups, k), plus `bias`
 * (C_out) when given. Defaults: stride 1, padding 0 (or `'same'` / `'valid'`), dilation 1, groups 1.
 */
export const conv1d = fn(
  'F.conv1d',
  'conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1]|"same"|"valid" padding=0, int[1] dilation=1, int groups=1)',
  (a) => conv.conv1d(a.input, a.weight, a.bias, a),
);
/**
 * 2-D cross-correlation of input (N, C_in, H, W) or (C_in, H, W) with weight (C_out, C_in / groups, kH, kW),
 * plus `bias` (C_out) when given. Defaults: stride 1, padding 0 (or `'same'` / `'valid'`), dilation 1, groups
 * 1; each an int or a pair.
 */
export const conv2d = fn(
  'F.conv2d',
  'conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2]|"same"|"valid" padding=0, int[2] dilation=1, int groups=1)',
  (a) => conv.conv2d(a.input, a.weight, a.bias, a),
);
/**
 * 2-D transposed convolution (the gradient of conv2d) of input (N, C_in, H, W) with weight (C_in, C_out /
 * groups, kH, kW); output size (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1.
 * Defaults: stride 1, padding 0, outputPadding 0, groups 1, dilation 1.
 */
export const convTranspose2d = fn(
  'F.convTranspose2d',
  'conv_transpose2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, int[2] output_padding=0, int groups=1, int[2] dilation=1)',
  (a) => conv.convTranspose2d(a.input, a.weight, a.bias, a),
);

/** PyTorch's pools read `stride=[]` as its default (the kernel size). */
const emptyIsNone = <T extends readonly number[] | null>(s: T): T | null =>
  s !== null && s.length === 0 ? null : s;
const MAX_POOL2D =
  'max_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[2] dilation=1, bool ceil_mode=False, bool return_indices=False)';
type MaxPool2dFn = ((
  input: Tensor,
  kernelSize: number | readonly number[],
  options: { returnIndices: true } & Record<string, unknown>,
) => [Tensor, Tensor]) &
  ((...args: CallArgs<typeof MAX_POOL2D>) => Tensor);
/**
 * Maximum over kH × kW windows of (N, C, H, W) or (C, H, W). Defaults: stride = kernelSize (null or []),
 * padding 0 (implicit -∞), dilation 1, ceilMode false; with `returnIndices: true` it returns [values,
 * indices] (for maxUnpool2d).
 */
export const maxPool2d = fn('F.maxPool2d', MAX_POOL2D, (a): Tensor | [Tensor, Tensor] => {
  const o = { stride: emptyIsNone(a.stride), padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode };
  return a.returnIndices
    ? pool.maxPool2d(a.input, a.kernelSize, { ...o, returnIndices: true })
    : pool.maxPool2d(a.input, a.kernelSize, o);
}) as MaxPool2dFn;
/**
 * Average over kH × kW windows of a (N, C, H, W) or (C, H, W) input. Defaults: stride = kernelSize, padding
 * 0, ceilMode false, countIncludePad true (padding zeros count in the divisor), divisorOverride null.
 */
export const avgPool2d = fn(
  'F.avgPool2d',
  'avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)',
  (a) => pool.avgPool2d(a.input, a.kernelSize, { ...a, stride: emptyIsNone(a.stride) }),
);
/**
 * Average pooling to a fixed output size (oH, oW) (an int for both, or null to keep that dimension) whatever
 * the input's (H, W).
 */
export const adaptiveAvgPool2d = fn(
  'F.adaptiveAvgPool2d',
  'adaptive_avg_pool2d(Tensor input, int?[2] output_size)',
  (a) => pool.adaptiveAvgPool2d(a.input, a.outputSize),
);

// ---- normalisation ----
/**
 * Normalizes (N, C, ...) per channel: (x - mean) / sqrt(var + eps) * weight + bias. With `training` (default
 * false) it uses the batch statistics and updates `runningMean`/`runningVar` in place with `momentum`
 * (default 0.1); otherwise it uses the running statistics. `eps` defaults to 1e-5.
 */
export const batchNorm = fn(
  'F.batchNorm',
  'batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05)',
  (a) => normOps.batchNorm(a.input, a.runningMean, a.runningVar, a),
);
/**
 * Normalizes over the trailing dimensions `normalizedShape`: (x - mean) / sqrt(var + eps), then * weight +
 * bias when given (both of shape normalizedShape); `eps` defaults to 1e-5.
 */
export const layerNorm = fn(
  'F.layerNorm',
  'layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)',
  (a) => normOps.layerNorm(a.input, a.normalizedShape, a),
);
/**
 * Splits the C channels of (N, C, ...) into `numGroups` groups, normalizes each group to zero mean and unit
 * variance (eps default 1e-5), then applies the per-channel `weight` and `bias` (C) when given.
 */
export const groupNorm = fn(
  'F.groupNorm',
  'group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)',
  (a) => normOps.groupNorm(a.input, a.numGroups, a),
);
/**
 * input / max(‖input‖_p, eps) along `dim`: unit p-norm slices. Defaults: p 2.0, dim 1, eps 1e-12; `out` is
 * not supported.
 */
export const normalize = fn(
  'F.normalize',
  'normalize(Tensor input, float p=2.0, int dim=1, float eps=1e-12, Tensor? out=None)',
  (a) => {
    if (a.out !== null) throw new TypeError('F.normalize(): out= is not supported');
    const n = norm(a.input, a.p, a.dim, { keepdim: true });
    return div(a.input, clamp(n, { min: a.eps }));
  },
);

// ---- embedding, one-hot, pad, interpolate ----
/**
 * Looks up rows of `weight` (num, dim) for the integer ids in `input` (*) and returns (*, dim). `paddingIdx`
 * (default null) gets no gradient; `maxNorm` (default null) renormalizes the looked-up rows of `weight` in
 * place to that `normType`-norm (default 2). `scaleGradByFreq` and `sparse` are accepted only at their
 * defaults (false).
 */
export const embedding = fn(
  'F.embedding',
  'embedding(Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False)',
  (a) => {
    unsupportedEmbeddingArgs('F.embedding', { ...a, maxNorm: null });
    if (a.maxNorm !== null) embeddingRenorm_(a.weight, a.input, a.maxNorm, a.normType);
    return idx.embedding(a.input, a.weight, { paddingIdx: a.paddingIdx });
  },
);
/** @internal shared with nn.Embedding: the options torchts accepts only at their defaults. */
export function unsupportedEmbeddingArgs(
  label: string,
  a: { maxNorm: number | null; scaleGradByFreq: boolean; sparse: boolean },
): void {
  if (a.maxNorm !== null) throw new RangeError(`${label}(): max_norm is not supported (only None)`);
  if (a.scaleGradByFreq)
    throw new RangeError(`${label}(): scale_grad_by_freq=True is not supported (only False)`);
  if (a.sparse) throw new RangeError(`${label}(): sparse=True is not supported (sparse gradients)`);
}
/**
 * One-hot encoding of integer class ids (*) into (*, numClasses); `numClasses` defaults to -1,
 * meaning max(tensor) + 1 (CPU tensors only; on a GPU give it, as it would need a readback).
 */
export const oneHot = fn('F.oneHot', 'one_hot(Tensor tensor, int num_classes=-1)', (a) =>
  idx.oneHot(a.tensor, a.numClasses),
);
/**
 * Pads the last dimensions of `input`: `pad` lists (left, right) amounts from the last dimension backwards.
 * `mode` is `'constant'` (default, filled with `value`, default 0), `'reflect'`, `'replicate'` or
 * `'circular'`.
 */
export const pad = fn(
  'F.pad',
  'pad(Tensor input, int[] pad, "constant"|"reflect"|"replicate"|"circular" mode="constant", float? value=None)',
  (a) => {
    if (a.mode !== 'constant') {
      if (a.value !== null && a.value !== 0)
        throw new RangeError(`Padding mode "${a.mode}" doesn't take in value argument`);
      return padMode(a.input, a.pad, a.mode);
    }
    return padOp(a.input, a.pad, 'constant', a.value ?? 0);
  },
);
/**
 * Resizes the spatial dimensions of (N, C, ...) to `size`, or by `scaleFactor` (give one). `mode` defaults to
 * `'nearest'` (also `'linear'`, `'bilinear'`, `'bicubic'`, `'trilinear'`, `'area'`, `'nearest-exact'`);
 * `alignCorners` (default null, i.e. false) maps corner pixel centres onto each other for the linear modes.
 * `antialias` is accepted only as false.
 */
export const interpolate = fn(
  'F.interpolate',
  'interpolate(Tensor input, int|int[]? size=None, float|float[]? scale_factor=None, "nearest"|"linear"|"bilinear"|"bicubic"|"trilinear"|"area"|"nearest-exact" mode="nearest", bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)',
  (a) => {
    if (a.antialias) throw new RangeError('F.interpolate(): antialias=True is not supported');
    return spatial.interpolate(a.input, a);
  },
);

// ---- losses ----
type LegacyReduction = { sizeAverage: boolean | null; reduce: boolean | null; reduction: L.Reduction };
/** PyTorch's deprecated size_average/reduce pair, when given, decides the reduction (_Reduction.legacy_get_string). */
export function legacyReduction(a: LegacyReduction): L.Reduction {
  if (a.sizeAverage === null && a.reduce === null) return a.reduction;
  if (a.reduce === false) return 'none';
  return a.sizeAverage === false ? 'sum' : 'mean';
}
const REDUCTION = '"mean"|"sum"|"none" reduction="mean"';
const LEGACY = `bool? size_average=None, bool? reduce=None, ${REDUCTION}` as const;

/**
 * Cross entropy between logits `input` (N, C) or (N, C, d1, ...) and `target` as class indices (N) / (N, d1,
 * ...) or as class probabilities of the input's shape: log-softmax over C followed by the negative log
 * likelihood. Options: `weight` per class (default null), `ignoreIndex` (default -100), `reduction` `'mean'`
 * (default) / `'sum'` / `'none'`, `labelSmoothing` (default 0.0). `sizeAverage`/`reduce` are PyTorch's
 * deprecated pair and override `reduction` when given.
 */
export const crossEntropy = fn(
  'F.crossEntropy',
  `cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, ${REDUCTION}, float label_smoothing=0.0)`,
  (a) => L.crossEntropy(a.input, a.target, { ...a, reduction: legacyReduction(a) }),
);
/**
 * Negative log likelihood of log-probabilities `input` (N, C) or (N, C, d1, ...) at the class indices
 * `target` (N) / (N, d1, ...). Options: `weight` per class (default null), `ignoreIndex` (default -100),
 * `reduction` `'mean'` (default; weighted mean) / `'sum'` / `'none'`.
 */
export const nllLoss = fn(
  'F.nllLoss',
  `nll_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, ${REDUCTION})`,
  (a) => L.nllLoss(a.input, a.target, { ...a, reduction: legacyReduction(a) }),
);
/** Mean squared error (input - target)², reduced by `reduction` (`'mean'` default, `'sum'`, `'none'`). */
export const mseLoss = fn('F.mseLoss', `mse_loss(Tensor input, Tensor target, ${LEGACY})`, (a) =>
  L.mseLoss(a.input, a.target, { reduction: legacyReduction(a) }),
);
/** Mean absolute error |input - target|, reduced by `reduction` (`'mean'` default, `'sum'`, `'none'`). */
export const l1Loss = fn('F.l1Loss', `l1_loss(Tensor input, Tensor target, ${LEGACY})`, (a) =>
  L.l1Loss(a.input, a.target, { reduction: legacyReduction(a) }),
);
/**
 * 0.5 (x - y)² / beta where |x - y| < beta, else |x - y| - 0.5 beta; `beta` defaults to 1.0, `reduction` to
 * `'mean'`.
 */
export const smoothL1Loss = fn(
  'F.smoothL1Loss',
  `smooth_l1_loss(Tensor input, Tensor target, ${LEGACY}, float beta=1.0)`,
  (a) => L.smoothL1Loss(a.input, a.target, { reduction: legacyReduction(a), beta: a.beta }),
);
/**
 * Huber loss: 0.5 (x - y)² where |x - y| < delta, else delta (|x - y| - 0.5 delta); `delta` defaults to 1.0,
 * `reduction` to `'mean'`.
 */
export const huberLoss = fn(
  'F.huberLoss',
  `huber_loss(Tensor input, Tensor target, ${REDUCTION}, float delta=1.0)`,
  (a) => L.huberLoss(a.input, a.target, a),
);
/**
 * -(y log x + (1 - y) log(1 - x)) for probabilities `input` and targets in [0, 1] of the same shape (logs
 * clamped at -100), times `weight` when given; `reduction` defaults to `'mean'`.
 */
export const binaryCrossEntropy = fn(
  'F.binaryCrossEntropy',
  `binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY})`,
  (a) => L.binaryCrossEntropy(a.input, a.target, { weight: a.weight, reduction: legacyReduction(a) }),
);
/**
 * Binary cross entropy on logits, sigmoid folded in for stability: -(posWeight · y log σ(x) + (1 - y) log(1 -
 * σ(x))), times `weight` when given. `posWeight` (default null) weights the positive class per class;
 * `reduction` defaults to `'mean'`.
 */
export const binaryCrossEntropyWithLogits = fn(
  'F.binaryCrossEntropyWithLogits',
  `binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY}, Tensor? pos_weight=None)`,
  (a) =>
    L.binaryCrossEntropyWithLogits(a.input, a.target, {
      weight: a.weight,
      posWeight: a.posWeight,
      reduction: legacyReduction(a),
    }),
);
/**
 * Kullback–Leibler divergence with `input` as log-probabilities: target (log target - input) pointwise
 * (`logTarget` default false; true when `target` is given as log-probabilities too). `reduction` `'mean'`
 * (default, over all elements), `'batchmean'` (sum / N, the true KL), `'sum'`, `'none'`.
 */
export const klDiv = fn(
  'F.klDiv',
  'kl_div(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, "mean"|"sum"|"none"|"batchmean" reduction="mean", bool log_target=False)',
  (a) =>
    L.klDiv(a.input, a.target, {
      reduction:
        a.reduction === 'batchmean' ? 'batchmean' : legacyReduction({ ...a, reduction: a.reduction }),
      logTarget: a.logTarget,
    }),
);

// ---- more activations, distances, losses, pooling, norms (src/ops/nn-more.ts) ----
/** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); `alpha` defaults to 1.0, `inplace` to false. */
export const celu = fn('F.celu', 'celu(Tensor input, float alpha=1.0, bool inplace=False)', (a) =>
  maybeInplace(a.input, more.celu(a.input, a.alpha), a.inplace),
);
/** Gated linear unit: splits `input` in halves a, b along `dim` (default -1) and returns a * sigmoid(b). */
export const glu = fn('F.glu', 'glu(Tensor input, int dim=-1)', (a) => more.glu(a.input, a.dim));
/** x where |x| > lambd, else 0; `lambd` defaults to 0.5. */
export const hardshrink = fn('F.hardshrink', 'hardshrink(Tensor input, float lambd=0.5)', (a) =>
  more.hardshrink(a.input, a.lambd),
);
/** x - lambd where x > lambd, x + lambd where x < -lambd, else 0; `lambd` defaults to 0.5. */
export const softshrink = fn('F.softshrink', 'softshrink(Tensor input, float lambd=0.5)', (a) =>
  more.softshrink(a.input, a.lambd),
);
/** x - tanh(x) elementwise. */
export const tanhshrink = fn('F.tanhshrink', 'tanhshrink(Tensor input)', (a) => more.tanhshrink(a.input));
/** Piecewise-linear sigmoid: 0 for x ≤ -3, 1 for x ≥ 3, x / 6 + 1/2 between; `inplace` defaults to false. */
export const hardsigmoid = fn('F.hardsigmoid', 'hardsigmoid(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, more.hardsigmoid(a.input), a.inplace),
);
/** x * hardsigmoid(x): 0 for x ≤ -3, x for x ≥ 3, x (x + 3) / 6 between; `inplace` defaults to false. */
export const hardswish = fn('F.hardswish', 'hardswish(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, more.hardswish(a.input), a.inplace),
);
/** x where x > threshold, else `value` (both required); `inplace` defaults to false. */
export const threshold = fn(
  'F.threshold',
  'threshold(Tensor input, float threshold, float value, bool inplace=False)',
  (a) => maybeInplace(a.input, more.threshold(a.input, a.threshold, a.value), a.inplace),
);
/** x / (1 + |x|) elementwise. */
export const softsign = fn('F.softsign', 'softsign(Tensor input)', (a) => more.softsign(a.input));
/**
 * Randomized leaky ReLU: in training the negative slope is drawn per element from U(lower, upper), in eval it
 * is (lower + upper) / 2. Defaults: lower 1/8, upper 1/3, training false, inplace false.
 */
export const rrelu = fn(
  'F.rrelu',
  'rrelu(Tensor input, float lower=0.125, float upper=0.3333333333333333, bool training=False, bool inplace=False)',
  (a) => maybeInplace(a.input, more.rrelu(a.input, a.lower, a.upper, a.training), a.inplace),
);
/** x for x ≥ 0, weight * x otherwise, with `weight` a single slope or one per channel (dim 1). */
export const prelu = fn('F.prelu', 'prelu(Tensor input, Tensor weight)', (a) =>
  more.prelu(a.input, a.weight),
);
/** x1 · x2 / max(‖x1‖ ‖x2‖, eps) along `dim` (default 1), broadcasting x1 and x2; `eps` defaults to 1e-8. */
export const cosineSimilarity = fn(
  'F.cosineSimilarity',
  'cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08)',
  (a) => more.cosineSimilarity(a.x1, a.x2, a.dim, a.eps),
);
/** ‖x1 - x2 + eps‖_p along the last dimension; `p` defaults to 2.0, `eps` to 1e-6, `keepdim` to false. */
export const pairwiseDistance = fn(
  'F.pairwiseDistance',
  'pairwise_distance(Tensor x1, Tensor x2, float p=2.0, float eps=1e-06, bool keepdim=False)',
  (a) => more.pairwiseDistance(a.x1, a.x2, a.p, a.eps, a.keepdim),
);
/**
 * The p-norm distances (default p = 2.0) between every pair of rows of an (N, M) input, as the N (N - 1) / 2
 * upper-triangle entries in row order.
 */
export const pdist = fn('F.pdist', 'pdist(Tensor input, float p=2.0)', (a) => more.pdist(a.input, a.p));

/**
 * max(0, -y (x1 - x2) + margin) with targets y ∈ {1, -1}; `margin` defaults to 0.0, `reduction` to `'mean'`.
 */
export const marginRankingLoss = fn(
  'F.marginRankingLoss',
  `margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0.0, ${LEGACY})`,
  (a) => more.marginRankingLoss(a.input1, a.input2, a.target, a.margin, legacyReduction(a)),
);
/** x where y = 1, max(0, margin - x) where y = -1; `margin` defaults to 1.0, `reduction` to `'mean'`. */
export const hingeEmbeddingLoss = fn(
  'F.hingeEmbeddingLoss',
  `hinge_embedding_loss(Tensor input, Tensor target, float margin=1.0, ${LEGACY})`,
  (a) => more.hingeEmbeddingLoss(a.input, a.target, a.margin, legacyReduction(a)),
);
/** Two-class logistic loss log(1 + exp(-y x)) with y ∈ {1, -1}; `reduction` defaults to `'mean'`. */
export const softMarginLoss = fn(
  'F.softMarginLoss',
  `soft_margin_loss(Tensor input, Tensor target, ${LEGACY})`,
  (a) => more.softMarginLoss(a.input, a.target, legacyReduction(a)),
);
/**
 * Multi-label one-versus-all loss: the mean over C of binary cross entropy with logits between `input` (N, C)
 * and 0/1 `target` (N, C), each class weighted by `weight` (C) when given; `reduction` defaults to `'mean'`.
 */
export const multilabelSoftMarginLoss = fn(
  'F.multilabelSoftMarginLoss',
  `multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY})`,
  (a) => more.multilabelSoftMarginLoss(a.input, a.target, a.weight, legacyReduction(a)),
);
/**
 * Multi-class hinge loss of scores (N, C) against class indices (N): sum over i ≠ y of max(0, margin - x[y] +
 * x[i])^p / C. `p` (1 or 2) defaults to 1, `margin` to 1.0, `weight` per class to null, `reduction` to
 * `'mean'`.
 */
export const multiMarginLoss = fn(
  'F.multiMarginLoss',
  `multi_margin_loss(Tensor input, Tensor target, int p=1, float margin=1.0, Tensor? weight=None, ${LEGACY})`,
  (a) => more.multiMarginLoss(a.input, a.target, a.p, a.margin, a.weight, legacyReduction(a)),
);
/**
 * max(d(a, p) - d(a, n) + margin, 0) with d the pairwise p-norm distance. Defaults: margin 1.0, p 2, eps
 * 1e-6, swap false (true uses min(d(a, n), d(p, n)) as the negative distance), reduction `'mean'`.
 */
export const tripletMarginLoss = fn(
  'F.tripletMarginLoss',
  `triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, float p=2, float eps=1e-06, bool swap=False, ${LEGACY})`,
  (a) =>
    more.tripletMarginLoss(
      a.anchor,
      a.positive,
      a.negative,
      a.margin,
      a.p,
      a.eps,
      a.swap,
      legacyReduction(a),
    ),
);
/**
 * Poisson negative log likelihood: exp(x) - y x when `logInput` (default true), else x - y log(x + eps) (eps
 * default 1e-8). `full` (default false) adds Stirling's approximation term for y > 1; `reduction` defaults to
 * `'mean'`.
 */
export const poissonNllLoss = fn(
  'F.poissonNllLoss',
  `poisson_nll_loss(Tensor input, Tensor target, bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-08, bool? reduce=None, ${REDUCTION})`,
  (a) => more.poissonNllLoss(a.input, a.target, a.logInput, a.full, a.eps, legacyReduction(a)),
);
/**
 * Gaussian negative log likelihood 0.5 (log(max(var, eps)) + (x - y)² / max(var, eps)) with
 * predicted variances `var`: the input's shape, that shape less its last dimension or with a last
 * dimension of 1, or a single value. `full` (default false) adds the constant 0.5 log(2π); `eps`
 * defaults to 1e-6, `reduction` to `'mean'`.
 */
export const gaussianNllLoss = fn(
  'F.gaussianNllLoss',
  `gaussian_nll_loss(Tensor input, Tensor target, Tensor var, bool full=False, float eps=1e-06, ${REDUCTION})`,
  (a) => more.gaussianNllLoss(a.input, a.target, a.var, a.full, a.eps, a.reduction),
);
/**
 * 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1; `margin` defaults to 0.0,
 * `reduction` to `'mean'`.
 */
export const cosineEmbeddingLoss = fn(
  'F.cosineEmbeddingLoss',
  `cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0.0, ${LEGACY})`,
  (a) => more.cosineEmbeddingLoss(a.input1, a.input2, a.target, a.margin, legacyReduction(a)),
);

/**
 * Average over windows of a (N, C, L) or (C, L) input. Defaults: stride = kernelSize, padding 0, ceilMode
 * false, countIncludePad true.
 */
export const avgPool1d = fn(
  'F.avgPool1d',
  'avg_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True)',
  (a) =>
    more.avgPool1d(
      a.input,
      a.kernelSize[0],
      a.stride === null || a.stride.length === 0 ? null : a.stride[0],
      a.padding[0],
      a.ceilMode,
      a.countIncludePad,
    ),
);
/**
 * Maximum over windows of a (N, C, L) or (C, L) input; with `returnIndices: true` it returns [values,
 * indices]. Defaults: stride = kernelSize, padding 0, dilation 1, ceilMode false.
 */
export const maxPool1d = fn(
  'F.maxPool1d',
  'max_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[1] dilation=1, bool ceil_mode=False, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] =>
    more.maxPool1d(
      a.input,
      a.kernelSize[0],
      a.stride === null || a.stride.length === 0 ? null : a.stride[0],
      a.padding[0],
      a.dilation[0],
      a.ceilMode,
      a.returnIndices,
    ),
);
/** Average pooling of a (N, C, L) or (C, L) input to a fixed output length. */
export const adaptiveAvgPool1d = fn(
  'F.adaptiveAvgPool1d',
  'adaptive_avg_pool1d(Tensor input, int[1] output_size)',
  (a) => more.adaptiveAvgPool1d(a.input, a.outputSize[0]),
);
/**
 * Average pooling of a (N, C, D, H, W) or (C, D, H, W) input to a fixed (oD, oH, oW) (an int for all, null
 * keeps a dimension).
 */
export const adaptiveAvgPool3d = fn(
  'F.adaptiveAvgPool3d',
  'adaptive_avg_pool3d(Tensor input, int?[3] output_size)',
  (a) => more.adaptiveAvgPool3d(a.input, a.outputSize),
);
/**
 * Max pooling of a (N, C, L) or (C, L) input to a fixed output length; `returnIndices` (default false) also
 * returns the argmax indices.
 */
export const adaptiveMaxPool1d = fn(
  'F.adaptiveMaxPool1d',
  'adaptive_max_pool1d(Tensor input, int[1] output_size, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] => more.adaptiveMaxPool(a.input, 1, a.outputSize, a.returnIndices),
);
/**
 * Max pooling of a (N, C, H, W) or (C, H, W) input to a fixed (oH, oW) (null keeps a dimension);
 * `returnIndices` (default false) also returns the argmax indices.
 */
export const adaptiveMaxPool2d = fn(
  'F.adaptiveMaxPool2d',
  'adaptive_max_pool2d(Tensor input, int?[2] output_size, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] => more.adaptiveMaxPool(a.input, 2, a.outputSize, a.returnIndices),
);
/**
 * Max pooling of a (N, C, D, H, W) or (C, D, H, W) input to a fixed (oD, oH, oW) (null keeps a dimension);
 * `returnIndices` (default false) also returns the argmax indices.
 */
export const adaptiveMaxPool3d = fn(
  'F.adaptiveMaxPool3d',
  'adaptive_max_pool3d(Tensor input, int?[3] output_size, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] => more.adaptiveMaxPool(a.input, 3, a.outputSize, a.returnIndices),
);
/**
 * Power-average pooling (sum over the window of x^p)^(1/p) with p = `normType`, over windows of a (N, C, L)
 * input. Defaults: stride = kernelSize, ceilMode false.
 */
export const lpPool1d = fn(
  'F.lpPool1d',
  'lp_pool1d(Tensor input, float norm_type, int[1] kernel_size, int[1]? stride=None, bool ceil_mode=False)',
  (a) => more.lpPool(a.input, a.normType, a.kernelSize, a.stride, a.ceilMode),
);
/**
 * Power-average pooling (sum over the window of x^p)^(1/p) with p = `normType`, over kH × kW windows of a (N,
 * C, H, W) input. Defaults: stride = kernelSize, ceilMode false.
 */
export const lpPool2d = fn(
  'F.lpPool2d',
  'lp_pool2d(Tensor input, float norm_type, int[2] kernel_size, int[2]? stride=None, bool ceil_mode=False)',
  (a) => more.lpPool(a.input, a.normType, a.kernelSize, a.stride, a.ceilMode),
);

/**
 * Normalizes each (sample, channel) plane of (N, C, ...) over its spatial dimensions, then applies
 * per-channel `weight`/`bias` (C) when given. With `useInputStats` (default true) it uses the instance
 * statistics and updates `runningMean`/`runningVar` (default null) with `momentum` (default 0.1); `eps`
 * defaults to 1e-5.
 */
export const instanceNorm = fn(
  'F.instanceNorm',
  'instance_norm(Tensor input, Tensor? running_mean=None, Tensor? running_var=None, Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, float momentum=0.1, float eps=1e-05)',
  (a) =>
    more.instanceNorm(
      a.input,
      a.runningMean,
      a.runningVar,
      a.weight,
      a.bias,
      a.useInputStats,
      a.momentum,
      a.eps,
    ),
);
/**
 * Divides each channel of (N, C, ...) by (k + alpha / size · sum of x² over `size` neighbouring
 * channels)^beta. Defaults: alpha 1e-4, beta 0.75, k 1.0.
 */
export const localResponseNorm = fn(
  'F.localResponseNorm',
  'local_response_norm(Tensor input, int size, float alpha=0.0001, float beta=0.75, float k=1.0)',
  (a) => more.localResponseNorm(a.input, a.size, a.alpha, a.beta, a.k),
);
/**
 * y = x1ᵀ A x2 + b per output feature: x1 (*, in1), x2 (*, in2), weight (out, in1, in2), bias (out) or null;
 * returns (*, out).
 */
export const bilinear = fn(
  'F.bilinear',
  'bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None)',
  (a) => more.bilinear(a.input1, a.input2, a.weight, a.bias),
);
/**
 * im2col: extracts the sliding kH × kW blocks of a (N, C, H, W) input as columns of (N, C · kH · kW, L), L
 * the number of blocks. Defaults: dilation 1, padding 0, stride 1.
 */
export const unfold = fn(
  'F.unfold',
  'unfold(Tensor input, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)',
  (a) => more.unfold(a.input, a.kernelSize, a.dilation, a.padding, a.stride),
);
/** Rearranges (*, C · r², H, W) into (*, C, H · r, W · r) with r = `upscaleFactor`. */
export const pixelShuffle = fn('F.pixelShuffle', 'pixel_shuffle(Tensor input, int upscale_factor)', (a) =>
  more.pixelShuffle(a.input, a.upscaleFactor),
);
/** The inverse of pixelShuffle: (*, C, H · r, W · r) into (*, C · r², H, W) with r = `downscaleFactor`. */
export const pixelUnshuffle = fn(
  'F.pixelUnshuffle',
  'pixel_unshuffle(Tensor input, int downscale_factor)',
  (a) => more.pixelUnshuffle(a.input, a.downscaleFactor),
);
/** Deprecated alias of interpolate(input, size, scaleFactor, 'nearest'). */
export const upsampleNearest = fn(
  'F.upsampleNearest',
  'upsample_nearest(Tensor input, int|int[]? size=None, float|float[]? scale_factor=None)',
  (a) => spatial.interpolate(a.input, { size: a.size, scaleFactor: a.scaleFactor, mode: 'nearest' }),
);
/** Deprecated alias of interpolate with mode `'bilinear'` and alignCorners true. */
export const upsampleBilinear = fn(
  'F.upsampleBilinear',
  'upsample_bilinear(Tensor input, int|int[]? size=None, float|float[]? scale_factor=None)',
  (a) =>
    spatial.interpolate(a.input, {
      size: a.size,
      scaleFactor: a.scaleFactor,
      mode: 'bilinear',
      alignCorners: true,
    }),
);
const nd = (v: readonly number[] | null | undefined, n: number, dflt: readonly number[]): number[] =>
  v === null || v === undefined || v.length === 0 ? [...dflt] : v.length === 1 ? Array(n).fill(v[0]) : [...v];
const MAX_POOL3D =
  'max_pool3d(Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, int[3] dilation=1, bool ceil_mode=False, bool return_indices=False)';
/**
 * Maximum over kD × kH × kW windows of (N, C, D, H, W) or (C, D, H, W). Defaults: stride = kernelSize,
 * padding 0, dilation 1, ceilMode false; with `returnIndices: true` it returns [values, indices].
 */
export const maxPool3d = fn('F.maxPool3d', MAX_POOL3D, (a): Tensor | [Tensor, Tensor] =>
  more.maxPoolNd(
    a.input,
    {
      kernel: a.kernelSize,
      stride: nd(a.stride, 3, a.kernelSize),
      padding: nd(a.padding, 3, [0, 0, 0]),
      dilation: nd(a.dilation, 3, [1, 1, 1]),
      ceilMode: a.ceilMode,
    },
    a.returnIndices,
  ),
);
/**
 * Average over kD × kH × kW windows of a (N, C, D, H, W) or (C, D, H, W) input. Defaults: stride =
 * kernelSize, padding 0, ceilMode false, countIncludePad true, divisorOverride null.
 */
export const avgPool3d = fn(
  'F.avgPool3d',
  'avg_pool3d(Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)',
  (a) =>
    more.avgPoolNd(
      a.input,
      {
        kernel: a.kernelSize,
        stride: nd(a.stride, 3, a.kernelSize),
        padding: nd(a.padding, 3, [0, 0, 0]),
        dilation: [1, 1, 1],
        ceilMode: a.ceilMode,
      },
      a.countIncludePad,
      a.divisorOverride,
    ),
);
/**
 * Sums, averages (`mode` default `'mean'`) or maxes bags of embedding rows without materializing them:
 * `input` 2-D (B, n) is B bags of n ids; 1-D with `offsets` (B) marks where each bag starts
 * (`includeLastOffset` default false). `perSampleWeights` (`'sum'` mode only) scales each row; `paddingIdx`
 * rows are skipped. Returns (B, dim). `maxNorm`, `scaleGradByFreq` and `sparse` are accepted only at their
 * defaults.
 */
export const embeddingBag = fn(
  'F.embeddingBag',
  'embedding_bag(Tensor input, Tensor weight, Tensor? offsets=None, float? max_norm=None, float norm_type=2, bool scale_grad_by_freq=False, "sum"|"mean"|"max" mode="mean", bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None)',
  (a) => {
    unsupportedEmbeddingArgs('F.embeddingBag', a);
    return more.embeddingBag(
      a.input,
      a.weight,
      a.offsets,
      a.mode,
      a.perSampleWeights,
      a.includeLastOffset,
      a.paddingIdx,
    );
  },
);

// ── nn.functional more (helper nnfunc) ──
/**
 * Partial inverse of maxPool1d: scatters `input` to the positions in `indices` (from maxPool1d with
 * returnIndices), zeros elsewhere. Defaults: stride = kernelSize, padding 0, outputSize null (inferred).
 */
export const maxUnpool1d = fn(
  'F.maxUnpool1d',
  'max_unpool1d(Tensor input, Tensor indices, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[]? output_size=None)',
  (a) => extra.maxUnpool(a.input, a.indices, 1, a.kernelSize, a.stride, a.padding, a.outputSize),
);
/**
 * Partial inverse of maxPool2d: scatters `input` to the positions in `indices` (from maxPool2d with
 * returnIndices), zeros elsewhere. Defaults: stride = kernelSize, padding 0, outputSize null (inferred).
 */
export const maxUnpool2d = fn(
  'F.maxUnpool2d',
  'max_unpool2d(Tensor input, Tensor indices, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[]? output_size=None)',
  (a) => extra.maxUnpool(a.input, a.indices, 2, a.kernelSize, a.stride, a.padding, a.outputSize),
);
/**
 * Partial inverse of maxPool3d: scatters `input` to the positions in `indices` (from maxPool3d with
 * returnIndices), zeros elsewhere. Defaults: stride = kernelSize, padding 0, outputSize null (inferred).
 */
export const maxUnpool3d = fn(
  'F.maxUnpool3d',
  'max_unpool3d(Tensor input, Tensor indices, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, int[]? output_size=None)',
  (a) => extra.maxUnpool(a.input, a.indices, 3, a.kernelSize, a.stride, a.padding, a.outputSize),
);
/**
 * Alpha dropout of whole channels: when `training` (default false) each channel is masked with probability
 * `p` (default 0.5) to SELU's negative saturation value, then an affine correction keeps mean and variance.
 * `inplace` defaults to false.
 */
export const featureAlphaDropout = fn(
  'F.featureAlphaDropout',
  'feature_alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False)',
  (a) => maybeInplace(a.input, extra.featureAlphaDropout(a.input, a.p, a.training), a.inplace && a.training),
);
/**
 * Multi-label hinge loss: `target` (N, C) lists class indices per sample, ended by the first -1; sum over
 * target classes j and non-target i of max(0, 1 - (x[j] - x[i])) / C. `reduction` defaults to `'mean'`.
 */
export const multilabelMarginLoss = fn(
  'F.multilabelMarginLoss',
  `multilabel_margin_loss(Tensor input, Tensor target, ${LEGACY})`,
  (a) => extra.multilabelMarginLoss(a.input, a.target, legacyReduction(a)),
);
/**
 * 1-D transposed convolution of input (N, C_in, L) with weight (C_in, C_out / groups, k). Defaults: stride 1,
 * padding 0, outputPadding 0, groups 1, dilation 1.
 */
export const convTranspose1d = fn(
  'F.convTranspose1d',
  'conv_transpose1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0, int[1] output_padding=0, int groups=1, int[1] dilation=1)',
  (a) => conv.convTranspose1d(a.input, a.weight, a.bias, a),
);
/**
 * 3-D transposed convolution of input (N, C_in, D, H, W) with weight (C_in, C_out / groups, kD, kH, kW).
 * Defaults: stride 1, padding 0, outputPadding 0, groups 1, dilation 1.
 */
export const convTranspose3d = fn(
  'F.convTranspose3d',
  'conv_transpose3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3] padding=0, int[3] output_padding=0, int groups=1, int[3] dilation=1)',
  (a) => conv.convTranspose3d(a.input, a.weight, a.bias, a),
);
/**
 * Samples `input` (N, C, H_in, W_in) at the normalized [-1, 1] (x, y) locations of `grid` (N, H_out, W_out,
 * 2), giving (N, C, H_out, W_out). `mode` `'bilinear'` (default) / `'nearest'` / `'bicubic'`; `paddingMode`
 * `'zeros'` (default) / `'border'` / `'reflection'` for points outside; `alignCorners` (default null, i.e.
 * false) makes ±1 the corner pixel centres.
 */
export const gridSample = fn(
  'F.gridSample',
  'grid_sample(Tensor input, Tensor grid, "bilinear"|"nearest"|"bicubic" mode="bilinear", "zeros"|"border"|"reflection" padding_mode="zeros", bool? align_corners=None)',
  (a) => extra.gridSample(a.input, a.grid, a.mode, a.paddingMode, a.alignCorners ?? false),
);
/**
 * The sampling grid (N, H, W, 2) of the 2-D affine transforms `theta` (N, 2, 3) for an output `size` [N, C,
 * H, W] (3-D: theta (N, 3, 4), size [N, C, D, H, W]), for use with gridSample. `alignCorners` defaults to
 * null (false).
 */
export const affineGrid = fn(
  'F.affineGrid',
  'affine_grid(Tensor theta, int[] size, bool? align_corners=None)',
  (a) => extra.affineGrid(a.theta, a.size, a.alignCorners ?? false),
);
/**
 * Connectionist temporal classification loss of `logProbs` (T, N, C) (log-softmax outputs) against `targets`
 * (N, S) or concatenated (sum of targetLengths), with per-sample `inputLengths` and `targetLengths`.
 * Defaults: blank 0, reduction `'mean'` (each loss divided by its target length, then averaged), zeroInfinity
 * false (true zeroes infinite losses and their gradients).
 */
export const ctcLoss = fn(
  'F.ctcLoss',
  'ctc_loss(Tensor log_probs, Tensor targets, Tensor|int[] input_lengths, Tensor|int[] target_lengths, int blank=0, "mean"|"sum"|"none" reduction="mean", bool zero_infinity=False)',
  (a) =>
    extra.ctcLoss(
      a.logProbs,
      a.targets,
      a.inputLengths,
      a.targetLengths,
      a.blank,
      a.reduction,
      a.zeroInfinity,
    ),
);
/**
 * 3-D cross-correlation of input (N, C_in, D, H, W) or (C_in, D, H, W) with weight (C_out, C_in / groups, kD,
 * kH, kW), plus `bias` (C_out) when given. Defaults: stride 1, padding 0 (or `'same'` / `'valid'`), dilation
 * 1, groups 1.
 */
export const conv3d = fn(
  'F.conv3d',
  'conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3]|"same"|"valid" padding=0, int[3] dilation=1, int groups=1)',
  (a) => conv.conv3d(a.input, a.weight, a.bias, a),
);
// ── attention (helper attn) ──
/**
 * softmax(Q Kᵀ · scale + mask) V for query (..., L, E), key (..., S, E), value (..., S, Ev), returning (...,
 * L, Ev). `attnMask` (default null) is boolean (true = attend) or additive; `dropoutP` (default 0.0) drops
 * attention weights; `isCausal` (default false) masks the upper triangle; the keyword-only `scale` defaults
 * to 1 / sqrt(E).
 */
export const scaledDotProductAttention = fn(
  'F.scaledDotProductAttention',
  'scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, *, float? scale=None)',
  (a) =>
    attn.scaledDotProductAttention(a.query, a.key, a.value, {
      attnMask: a.attnMask,
      dropoutP: a.dropoutP,
      isCausal: a.isCausal,
      scale: a.scale,
    }),
);
/**
 * PyTorch 1.13's private form: returns [output, attention weights] (the weights whatever
 * `need_attn_weights` says, as 1.13's math path does); always the composed definition.
 */
export const _scaledDotProductAttention = fn(
  'F._scaledDotProductAttention',
  '_scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, bool need_attn_weights=False, bool is_causal=False)',
  (a): [Tensor, Tensor] =>
    attn.sdpaComposed(
      a.query,
      a.key,
      a.value,
      { attnMask: a.attnMask, dropoutP: a.dropoutP, isCausal: a.isCausal },
      '_scaled_dot_product_attention',
    ),
);

// ── modules (helper modules) ──
export {
  alphaDropout,
  channelShuffle,
  dropout1d,
  fold,
  tripletMarginWithDistanceLoss,
} from './layers-modules.js';

import { embeddingRenorm_ } from './embedding-renorm.js';
