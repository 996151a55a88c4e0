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
export const relu = fn('F.relu', 'relu(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.relu(a.input), a.inplace),
);
export const relu6 = fn('F.relu6', 'relu6(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.relu6(a.input), a.inplace),
);
export const elu = fn('F.elu', 'elu(Tensor input, float alpha=1.0, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.elu(a.input, a.alpha), a.inplace),
);
export const selu = fn('F.selu', 'selu(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.selu(a.input), a.inplace),
);
export const leakyRelu = fn(
  'F.leakyRelu',
  'leaky_relu(Tensor input, float negative_slope=0.01, bool inplace=False)',
  (a) => maybeInplace(a.input, act.leakyRelu(a.input, a.negativeSlope), a.inplace),
);
export const hardtanh = fn(
  'F.hardtanh',
  'hardtanh(Tensor input, float min_val=-1.0, float max_val=1.0, bool inplace=False)',
  (a) => maybeInplace(a.input, act.hardtanh(a.input, a.minVal, a.maxVal), a.inplace),
);
export const silu = fn('F.silu', 'silu(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.silu(a.input), a.inplace),
);
export const mish = fn('F.mish', 'mish(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, act.mish(a.input), a.inplace),
);
export const gelu = fn('F.gelu', 'gelu(Tensor input, *, "none"|"tanh" approximate="none")', (a) =>
  act.gelu(a.input, { approximate: a.approximate }),
);
export const sigmoid = fn('F.sigmoid', 'sigmoid(Tensor input)', (a) => act.sigmoid(a.input));
export const tanh = fn('F.tanh', 'tanh(Tensor input)', (a) => act.tanh(a.input));
export const softplus = fn(
  'F.softplus',
  'softplus(Tensor input, float beta=1.0, float threshold=20.0)',
  (a) => act.softplus(a.input, a.beta, a.threshold),
);
/** F.logsigmoid: -softplus(-x), stable for large |x|. */
export const logsigmoid = fn('F.logsigmoid', 'logsigmoid(Tensor input)', (a) =>
  neg(act.softplus(neg(a.input))),
);

/** PyTorch's legacy choice when `dim` is not given (it warns): 0 for 0-, 1- and 3-D inputs, else 1. */
export const implicitSoftmaxDim = (x: Tensor): number =>
  x.dim() === 0 || x.dim() === 1 || x.dim() === 3 ? 0 : 1;
const softmaxInput = (x: Tensor, dtype: DTypeLike | null): Tensor =>
  dtype === null ? x : cast(x, normalizeDType(dtype));

// PyTorch's private `_stacklevel` (position 3) is left out, so dtype is keyword-only here.
export const softmax = fn(
  'F.softmax',
  'softmax(Tensor input, int? dim=None, *, ScalarType? dtype=None)',
  (a) => act.softmax(softmaxInput(a.input, a.dtype), a.dim ?? implicitSoftmaxDim(a.input)),
);
export const logSoftmax = fn(
  'F.logSoftmax',
  'log_softmax(Tensor input, int? dim=None, *, ScalarType? dtype=None)',
  (a) => act.logSoftmax(softmaxInput(a.input, a.dtype), a.dim ?? implicitSoftmaxDim(a.input)),
);
/** F.softmin: softmax(-x). */
export const softmin = fn(
  'F.softmin',
  'softmin(Tensor input, int? dim=None, *, ScalarType? dtype=None)',
  (a) => act.softmax(neg(softmaxInput(a.input, a.dtype)), a.dim ?? implicitSoftmaxDim(a.input)),
);

export const dropout = fn(
  'F.dropout',
  'dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => maybeInplace(a.input, act.dropout(a.input, a.p, a.training), a.inplace && a.training),
);
export const dropout3d = fn(
  'F.dropout3d',
  'dropout3d(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => maybeInplace(a.input, more.dropout3d(a.input, a.p, a.training), a.inplace && a.training),
);
export const dropout2d = fn(
  'F.dropout2d',
  'dropout2d(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => maybeInplace(a.input, spatial.dropout2d(a.input, a.p, a.training), a.inplace && a.training),
);

// ---- linear, conv, pool ----
export const linear = fn('F.linear', 'linear(Tensor input, Tensor weight, Tensor? bias=None)', (a) =>
  linearOp(a.input, a.weight, a.bias),
);
export const conv1d = fn(
  'F.conv1d',
  'conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1]|"same"|"valid" padding=0, int[1] dilation=1, int groups=1)',
  (a) => conv.conv1d(a.input, a.weight, a.bias, a),
);
export const conv2d = fn(
  'F.conv2d',
  'conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2]|"same"|"valid" padding=0, int[2] dilation=1, int groups=1)',
  (a) => conv.conv2d(a.input, a.weight, a.bias, a),
);
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
/** F.max_pool2d; with `returnIndices: true` it returns [values, indices]. */
export const maxPool2d = fn('F.maxPool2d', MAX_POOL2D, (a): Tensor | [Tensor, Tensor] => {
  const o = { stride: emptyIsNone(a.stride), padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode };
  return a.returnIndices
    ? pool.maxPool2d(a.input, a.kernelSize, { ...o, returnIndices: true })
    : pool.maxPool2d(a.input, a.kernelSize, o);
}) as MaxPool2dFn;
export const avgPool2d = fn(
  'F.avgPool2d',
  'avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)',
  (a) => pool.avgPool2d(a.input, a.kernelSize, { ...a, stride: emptyIsNone(a.stride) }),
);
export const adaptiveAvgPool2d = fn(
  'F.adaptiveAvgPool2d',
  'adaptive_avg_pool2d(Tensor input, int?[2] output_size)',
  (a) => pool.adaptiveAvgPool2d(a.input, a.outputSize),
);

// ---- normalisation ----
export const batchNorm = fn(
  'F.batchNorm',
  'batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05)',
  (a) => normOps.batchNorm(a.input, a.runningMean, a.runningVar, a),
);
export const layerNorm = fn(
  'F.layerNorm',
  'layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)',
  (a) => normOps.layerNorm(a.input, a.normalizedShape, a),
);
export const groupNorm = fn(
  'F.groupNorm',
  'group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)',
  (a) => normOps.groupNorm(a.input, a.numGroups, a),
);
/** F.normalize: x / max(||x||_p, eps) along dim. */
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
export const oneHot = fn('F.oneHot', 'one_hot(Tensor tensor, int num_classes=-1)', (a) =>
  idx.oneHot(a.tensor, a.numClasses),
);
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

export const crossEntropy = fn(
  'F.crossEntropy',
  `cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, ${REDUCTION}, float label_smoothing=0.0)`,
  (a) => L.crossEntropy(a.input, a.target, { ...a, reduction: legacyReduction(a) }),
);
export const nllLoss = fn(
  'F.nllLoss',
  `nll_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, ${REDUCTION})`,
  (a) => L.nllLoss(a.input, a.target, { ...a, reduction: legacyReduction(a) }),
);
export const mseLoss = fn('F.mseLoss', `mse_loss(Tensor input, Tensor target, ${LEGACY})`, (a) =>
  L.mseLoss(a.input, a.target, { reduction: legacyReduction(a) }),
);
export const l1Loss = fn('F.l1Loss', `l1_loss(Tensor input, Tensor target, ${LEGACY})`, (a) =>
  L.l1Loss(a.input, a.target, { reduction: legacyReduction(a) }),
);
export const smoothL1Loss = fn(
  'F.smoothL1Loss',
  `smooth_l1_loss(Tensor input, Tensor target, ${LEGACY}, float beta=1.0)`,
  (a) => L.smoothL1Loss(a.input, a.target, { reduction: legacyReduction(a), beta: a.beta }),
);
export const huberLoss = fn(
  'F.huberLoss',
  `huber_loss(Tensor input, Tensor target, ${REDUCTION}, float delta=1.0)`,
  (a) => L.huberLoss(a.input, a.target, a),
);
export const binaryCrossEntropy = fn(
  'F.binaryCrossEntropy',
  `binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY})`,
  (a) => L.binaryCrossEntropy(a.input, a.target, { weight: a.weight, reduction: legacyReduction(a) }),
);
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
export const celu = fn('F.celu', 'celu(Tensor input, float alpha=1.0, bool inplace=False)', (a) =>
  maybeInplace(a.input, more.celu(a.input, a.alpha), a.inplace),
);
export const glu = fn('F.glu', 'glu(Tensor input, int dim=-1)', (a) => more.glu(a.input, a.dim));
export const hardshrink = fn('F.hardshrink', 'hardshrink(Tensor input, float lambd=0.5)', (a) =>
  more.hardshrink(a.input, a.lambd),
);
export const softshrink = fn('F.softshrink', 'softshrink(Tensor input, float lambd=0.5)', (a) =>
  more.softshrink(a.input, a.lambd),
);
export const tanhshrink = fn('F.tanhshrink', 'tanhshrink(Tensor input)', (a) => more.tanhshrink(a.input));
export const hardsigmoid = fn('F.hardsigmoid', 'hardsigmoid(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, more.hardsigmoid(a.input), a.inplace),
);
export const hardswish = fn('F.hardswish', 'hardswish(Tensor input, bool inplace=False)', (a) =>
  maybeInplace(a.input, more.hardswish(a.input), a.inplace),
);
export const threshold = fn(
  'F.threshold',
  'threshold(Tensor input, float threshold, float value, bool inplace=False)',
  (a) => maybeInplace(a.input, more.threshold(a.input, a.threshold, a.value), a.inplace),
);
export const softsign = fn('F.softsign', 'softsign(Tensor input)', (a) => more.softsign(a.input));
export const rrelu = fn(
  'F.rrelu',
  'rrelu(Tensor input, float lower=0.125, float upper=0.3333333333333333, bool training=False, bool inplace=False)',
  (a) => maybeInplace(a.input, more.rrelu(a.input, a.lower, a.upper, a.training), a.inplace),
);
export const prelu = fn('F.prelu', 'prelu(Tensor input, Tensor weight)', (a) =>
  more.prelu(a.input, a.weight),
);
export const cosineSimilarity = fn(
  'F.cosineSimilarity',
  'cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08)',
  (a) => more.cosineSimilarity(a.x1, a.x2, a.dim, a.eps),
);
export const pairwiseDistance = fn(
  'F.pairwiseDistance',
  'pairwise_distance(Tensor x1, Tensor x2, float p=2.0, float eps=1e-06, bool keepdim=False)',
  (a) => more.pairwiseDistance(a.x1, a.x2, a.p, a.eps, a.keepdim),
);
export const pdist = fn('F.pdist', 'pdist(Tensor input, float p=2.0)', (a) => more.pdist(a.input, a.p));

export const marginRankingLoss = fn(
  'F.marginRankingLoss',
  `margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0.0, ${LEGACY})`,
  (a) => more.marginRankingLoss(a.input1, a.input2, a.target, a.margin, legacyReduction(a)),
);
export const hingeEmbeddingLoss = fn(
  'F.hingeEmbeddingLoss',
  `hinge_embedding_loss(Tensor input, Tensor target, float margin=1.0, ${LEGACY})`,
  (a) => more.hingeEmbeddingLoss(a.input, a.target, a.margin, legacyReduction(a)),
);
export const softMarginLoss = fn(
  'F.softMarginLoss',
  `soft_margin_loss(Tensor input, Tensor target, ${LEGACY})`,
  (a) => more.softMarginLoss(a.input, a.target, legacyReduction(a)),
);
export const multilabelSoftMarginLoss = fn(
  'F.multilabelSoftMarginLoss',
  `multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY})`,
  (a) => more.multilabelSoftMarginLoss(a.input, a.target, a.weight, legacyReduction(a)),
);
export const multiMarginLoss = fn(
  'F.multiMarginLoss',
  `multi_margin_loss(Tensor input, Tensor target, int p=1, float margin=1.0, Tensor? weight=None, ${LEGACY})`,
  (a) => more.multiMarginLoss(a.input, a.target, a.p, a.margin, a.weight, legacyReduction(a)),
);
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
export const poissonNllLoss = fn(
  'F.poissonNllLoss',
  `poisson_nll_loss(Tensor input, Tensor target, bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-08, bool? reduce=None, ${REDUCTION})`,
  (a) => more.poissonNllLoss(a.input, a.target, a.logInput, a.full, a.eps, legacyReduction(a)),
);
export const gaussianNllLoss = fn(
  'F.gaussianNllLoss',
  `gaussian_nll_loss(Tensor input, Tensor target, Tensor var, bool full=False, float eps=1e-06, ${REDUCTION})`,
  (a) => more.gaussianNllLoss(a.input, a.target, a.var, a.full, a.eps, a.reduction),
);
export const cosineEmbeddingLoss = fn(
  'F.cosineEmbeddingLoss',
  `cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0.0, ${LEGACY})`,
  (a) => more.cosineEmbeddingLoss(a.input1, a.input2, a.target, a.margin, legacyReduction(a)),
);

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
export const adaptiveAvgPool1d = fn(
  'F.adaptiveAvgPool1d',
  'adaptive_avg_pool1d(Tensor input, int[1] output_size)',
  (a) => more.adaptiveAvgPool1d(a.input, a.outputSize[0]),
);
export const adaptiveAvgPool3d = fn(
  'F.adaptiveAvgPool3d',
  'adaptive_avg_pool3d(Tensor input, int?[3] output_size)',
  (a) => more.adaptiveAvgPool3d(a.input, a.outputSize),
);
export const adaptiveMaxPool1d = fn(
  'F.adaptiveMaxPool1d',
  'adaptive_max_pool1d(Tensor input, int[1] output_size, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] => more.adaptiveMaxPool(a.input, 1, a.outputSize, a.returnIndices),
);
export const adaptiveMaxPool2d = fn(
  'F.adaptiveMaxPool2d',
  'adaptive_max_pool2d(Tensor input, int?[2] output_size, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] => more.adaptiveMaxPool(a.input, 2, a.outputSize, a.returnIndices),
);
export const adaptiveMaxPool3d = fn(
  'F.adaptiveMaxPool3d',
  'adaptive_max_pool3d(Tensor input, int?[3] output_size, bool return_indices=False)',
  (a): Tensor | [Tensor, Tensor] => more.adaptiveMaxPool(a.input, 3, a.outputSize, a.returnIndices),
);
export const lpPool1d = fn(
  'F.lpPool1d',
  'lp_pool1d(Tensor input, float norm_type, int[1] kernel_size, int[1]? stride=None, bool ceil_mode=False)',
  (a) => more.lpPool(a.input, a.normType, a.kernelSize, a.stride, a.ceilMode),
);
export const lpPool2d = fn(
  'F.lpPool2d',
  'lp_pool2d(Tensor input, float norm_type, int[2] kernel_size, int[2]? stride=None, bool ceil_mode=False)',
  (a) => more.lpPool(a.input, a.normType, a.kernelSize, a.stride, a.ceilMode),
);

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
export const localResponseNorm = fn(
  'F.localResponseNorm',
  'local_response_norm(Tensor input, int size, float alpha=0.0001, float beta=0.75, float k=1.0)',
  (a) => more.localResponseNorm(a.input, a.size, a.alpha, a.beta, a.k),
);
export const bilinear = fn(
  'F.bilinear',
  'bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None)',
  (a) => more.bilinear(a.input1, a.input2, a.weight, a.bias),
);
export const unfold = fn(
  'F.unfold',
  'unfold(Tensor input, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)',
  (a) => more.unfold(a.input, a.kernelSize, a.dilation, a.padding, a.stride),
);
export const pixelShuffle = fn('F.pixelShuffle', 'pixel_shuffle(Tensor input, int upscale_factor)', (a) =>
  more.pixelShuffle(a.input, a.upscaleFactor),
);
export const pixelUnshuffle = fn(
  'F.pixelUnshuffle',
  'pixel_unshuffle(Tensor input, int downscale_factor)',
  (a) => more.pixelUnshuffle(a.input, a.downscaleFactor),
);
export const upsampleNearest = fn(
  'F.upsampleNearest',
  'upsample_nearest(Tensor input, int|int[]? size=None, float|float[]? scale_factor=None)',
  (a) => spatial.interpolate(a.input, { size: a.size, scaleFactor: a.scaleFactor, mode: 'nearest' }),
);
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
/** F.max_pool3d; with `returnIndices: true` it returns [values, indices]. */
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
export const maxUnpool1d = fn(
  'F.maxUnpool1d',
  'max_unpool1d(Tensor input, Tensor indices, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[]? output_size=None)',
  (a) => extra.maxUnpool(a.input, a.indices, 1, a.kernelSize, a.stride, a.padding, a.outputSize),
);
export const maxUnpool2d = fn(
  'F.maxUnpool2d',
  'max_unpool2d(Tensor input, Tensor indices, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[]? output_size=None)',
  (a) => extra.maxUnpool(a.input, a.indices, 2, a.kernelSize, a.stride, a.padding, a.outputSize),
);
export const maxUnpool3d = fn(
  'F.maxUnpool3d',
  'max_unpool3d(Tensor input, Tensor indices, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, int[]? output_size=None)',
  (a) => extra.maxUnpool(a.input, a.indices, 3, a.kernelSize, a.stride, a.padding, a.outputSize),
);
export const featureAlphaDropout = fn(
  'F.featureAlphaDropout',
  'feature_alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False)',
  (a) => maybeInplace(a.input, extra.featureAlphaDropout(a.input, a.p, a.training), a.inplace && a.training),
);
export const multilabelMarginLoss = fn(
  'F.multilabelMarginLoss',
  `multilabel_margin_loss(Tensor input, Tensor target, ${LEGACY})`,
  (a) => extra.multilabelMarginLoss(a.input, a.target, legacyReduction(a)),
);
export const convTranspose1d = fn(
  'F.convTranspose1d',
  'conv_transpose1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0, int[1] output_padding=0, int groups=1, int[1] dilation=1)',
  (a) => conv.convTranspose1d(a.input, a.weight, a.bias, a),
);
export const convTranspose3d = fn(
  'F.convTranspose3d',
  'conv_transpose3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3] padding=0, int[3] output_padding=0, int groups=1, int[3] dilation=1)',
  (a) => conv.convTranspose3d(a.input, a.weight, a.bias, a),
);
export const gridSample = fn(
  'F.gridSample',
  'grid_sample(Tensor input, Tensor grid, "bilinear"|"nearest"|"bicubic" mode="bilinear", "zeros"|"border"|"reflection" padding_mode="zeros", bool? align_corners=None)',
  (a) => extra.gridSample(a.input, a.grid, a.mode, a.paddingMode, a.alignCorners ?? false),
);
export const affineGrid = fn(
  'F.affineGrid',
  'affine_grid(Tensor theta, int[] size, bool? align_corners=None)',
  (a) => extra.affineGrid(a.theta, a.size, a.alignCorners ?? false),
);
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
export const conv3d = fn(
  'F.conv3d',
  'conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3]|"same"|"valid" padding=0, int[3] dilation=1, int groups=1)',
  (a) => conv.conv3d(a.input, a.weight, a.bias, a),
);
// ── attention (helper attn) ──
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
