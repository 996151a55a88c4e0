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
import * as conv from '../ops/conv.js';
import * as idx from '../ops/indexing.js';
import * as L from '../ops/loss.js';
import { linear as linearOp } from '../ops/matmul.js';
import * as normOps from '../ops/norm.js';
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
  const o = { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode };
  return a.returnIndices
    ? pool.maxPool2d(a.input, a.kernelSize, { ...o, returnIndices: true })
    : pool.maxPool2d(a.input, a.kernelSize, o);
}) as MaxPool2dFn;
export const avgPool2d = fn(
  'F.avgPool2d',
  'avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)',
  (a) => pool.avgPool2d(a.input, a.kernelSize, a),
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
    unsupportedEmbeddingArgs('F.embedding', a);
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
    if (a.mode !== 'constant')
      throw new RangeError(`F.pad(): mode '${a.mode}' is not supported yet (only 'constant')`);
    return padOp(a.input, a.pad, 'constant', a.value ?? 0);
  },
);
export const interpolate = fn(
  'F.interpolate',
  'interpolate(Tensor input, int|int[]? size=None, float|float[]? scale_factor=None, "nearest"|"linear"|"bilinear"|"bicubic"|"trilinear"|"area"|"nearest-exact" mode="nearest", bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)',
  (a) => {
    if (a.antialias) throw new RangeError('F.interpolate(): antialias=True is not supported');
    if (a.mode !== 'nearest' && a.mode !== 'bilinear')
      throw new RangeError(`F.interpolate(): mode '${a.mode}' is not supported (nearest, bilinear)`);
    return spatial.interpolate(a.input, { ...a, mode: a.mode });
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
