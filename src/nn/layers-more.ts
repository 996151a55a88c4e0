/**
 * More layers over src/ops/nn-more.ts, each with PyTorch's constructor signature: shrink and
 * threshold activations, GLU, PReLU, distances, margin/embedding/NLL losses, 1-d/3-d/adaptive/LP
 * pooling, InstanceNorm, LocalResponseNorm, Bilinear, Unfold, PixelShuffle.
 */

import { softplus } from '../ops/activation.js';
import { empty, ones, zeros } from '../ops/creation.js';
import * as more from '../ops/nn-more.js';
import { neg } from '../ops/pointwise.js';
import { ctorArgs, registerCtor, registeredCallables } from '../signature/bind.js';
import { parseSignature } from '../signature/parse.js';
import type { Bound, CallArgs } from '../signature/types.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { legacyReduction } from './functional.js';
import * as init from './init.js';
import { factory } from './layers.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';

const maybeInplace = (x: Tensor, y: Tensor, inplace: boolean): Tensor => (inplace ? x.copy_(y) : y);
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pyVal = (v: unknown): string =>
  v === null || v === undefined
    ? 'None'
    : typeof v === 'boolean'
      ? pyBool(v)
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? String(v)
          : pyFloat(v)
        : typeof v === 'string'
          ? `'${v}'`
          : Array.isArray(v)
            ? `(${v.map(pyVal).join(', ')}${v.length === 1 ? ',' : ''})`
            : String(v);
/** `name=value` for every bound argument but tensors, device and dtype. */
const reprArgs = (a: Record<string, unknown>, order: readonly string[]): string =>
  Object.entries(a)
    .sort(([x], [y]) => order.indexOf(x) - order.indexOf(y))
    .filter(
      ([k, v]) =>
        k !== 'device' && k !== 'dtype' && (v === null || typeof v !== 'object' || Array.isArray(v)),
    )
    .map(([k, v]) => `${snake(k)}=${pyVal(v)}`)
    .join(', ');

const SIG = {
  CELU: 'CELU(float alpha=1.0, bool inplace=False)',
  GLU: 'GLU(int dim=-1)',
  Hardshrink: 'Hardshrink(float lambd=0.5)',
  Softshrink: 'Softshrink(float lambd=0.5)',
  Tanhshrink: 'Tanhshrink()',
  Hardsigmoid: 'Hardsigmoid(bool inplace=False)',
  Hardswish: 'Hardswish(bool inplace=False)',
  Threshold: 'Threshold(float threshold, float value, bool inplace=False)',
  Softsign: 'Softsign()',
  LogSigmoid: 'LogSigmoid()',
  RReLU: 'RReLU(float lower=0.125, float upper=0.3333333333333333, bool inplace=False)',
  PReLU: 'PReLU(int num_parameters=1, float init=0.25, Device? device=None, ScalarType? dtype=None)',
  CosineSimilarity: 'CosineSimilarity(int dim=1, float eps=1e-08)',
  PairwiseDistance: 'PairwiseDistance(float p=2.0, float eps=1e-06, bool keepdim=False)',
  AvgPool1d:
    'AvgPool1d(int|int[] kernel_size, int|int[]? stride=None, int|int[] padding=0, bool ceil_mode=False, bool count_include_pad=True)',
  MaxPool1d:
    'MaxPool1d(int|int[] kernel_size, int|int[]? stride=None, int|int[] padding=0, int|int[] dilation=1, bool return_indices=False, bool ceil_mode=False)',
  MaxPool3d:
    'MaxPool3d(int|int[] kernel_size, int|int[]? stride=None, int|int[] padding=0, int|int[] dilation=1, bool return_indices=False, bool ceil_mode=False)',
  AvgPool3d:
    'AvgPool3d(int|int[] kernel_size, int|int[]? stride=None, int|int[] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)',
  AdaptiveAvgPool1d: 'AdaptiveAvgPool1d(int|int[] output_size)',
  AdaptiveAvgPool3d: 'AdaptiveAvgPool3d(int?|int?[] output_size)',
  AdaptiveMaxPool1d: 'AdaptiveMaxPool1d(int|int[] output_size, bool return_indices=False)',
  AdaptiveMaxPool2d: 'AdaptiveMaxPool2d(int?|int?[] output_size, bool return_indices=False)',
  AdaptiveMaxPool3d: 'AdaptiveMaxPool3d(int?|int?[] output_size, bool return_indices=False)',
  LPPool1d: 'LPPool1d(float norm_type, int|int[] kernel_size, int|int[]? stride=None, bool ceil_mode=False)',
  LPPool2d: 'LPPool2d(float norm_type, int|int[] kernel_size, int|int[]? stride=None, bool ceil_mode=False)',
  LocalResponseNorm: 'LocalResponseNorm(int size, float alpha=0.0001, float beta=0.75, float k=1.0)',
  PixelShuffle: 'PixelShuffle(int upscale_factor)',
  PixelUnshuffle: 'PixelUnshuffle(int downscale_factor)',
  Unfold: 'Unfold(int|int[] kernel_size, int|int[] dilation=1, int|int[] padding=0, int|int[] stride=1)',
  Bilinear:
    'Bilinear(int in1_features, int in2_features, int out_features, bool bias=True, Device? device=None, ScalarType? dtype=None)',
} as const;
const INSTANCE_NORM = (n: string) =>
  `${n}(int num_features, float eps=1e-05, float momentum=0.1, bool affine=False, bool track_running_stats=False, Device? device=None, ScalarType? dtype=None)` as const;
const REDUCTION = '"mean"|"sum"|"none" reduction="mean"';
const LEGACY = `bool? size_average=None, bool? reduce=None, ${REDUCTION}` as const;
const LOSS = {
  MarginRankingLoss: `MarginRankingLoss(float margin=0.0, ${LEGACY})`,
  HingeEmbeddingLoss: `HingeEmbeddingLoss(float margin=1.0, ${LEGACY})`,
  SoftMarginLoss: `SoftMarginLoss(${LEGACY})`,
  MultiLabelSoftMarginLoss: `MultiLabelSoftMarginLoss(Tensor? weight=None, ${LEGACY})`,
  MultiMarginLoss: `MultiMarginLoss(int p=1, float margin=1.0, Tensor? weight=None, ${LEGACY})`,
  TripletMarginLoss: `TripletMarginLoss(float margin=1.0, float p=2.0, float eps=1e-06, bool swap=False, ${LEGACY})`,
  PoissonNLLLoss: `PoissonNLLLoss(bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-08, bool? reduce=None, ${REDUCTION})`,
  GaussianNLLLoss: `GaussianNLLLoss(*, bool full=False, float eps=1e-06, ${REDUCTION})`,
  CosineEmbeddingLoss: `CosineEmbeddingLoss(float margin=0.0, ${LEGACY})`,
} as const;

const list = (v: number | readonly number[], n: number): number[] =>
  typeof v === 'number' ? Array(n).fill(v) : [...v];

/** Holds its bound constructor arguments; the repr lists them. */
abstract class ArgsModule<A extends object> extends Module {
  /** The bound constructor arguments, every default filled in (camelCase names). */
  readonly args: A;
  constructor(args: A) {
    super();
    this.args = args;
  }
  override extraRepr(): string {
    const sig = registeredCallables().get(`nn.${this.constructor.name}`)?.signatures[0];
    const order = sig ? parseSignature(sig).params.map((p) => p.name) : [];
    return reprArgs(this.args as Record<string, unknown>, order);
  }
}

// ---- activations ----
/**
 * max(0, x) + min(0, alpha · (exp(x / alpha) - 1)). Constructor: `alpha` (default 1.0), `inplace` (default
 * false). Input (*), output the same shape.
 */
export class CELU extends ArgsModule<Bound<typeof SIG.CELU>> {
  constructor(...args: CallArgs<typeof SIG.CELU>) {
    super(ctorArgs('nn.CELU', SIG.CELU, args));
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, more.celu(x, this.args.alpha), this.args.inplace);
  }
}
/**
 * Gated linear unit: splits the input in halves a, b along `dim` (default -1) and returns a · sigmoid(b).
 * Input (*1, N, *2) with N even, output (*1, N/2, *2).
 */
export class GLU extends ArgsModule<Bound<typeof SIG.GLU>> {
  constructor(...args: CallArgs<typeof SIG.GLU>) {
    super(ctorArgs('nn.GLU', SIG.GLU, args));
  }
  override forward(x: Tensor): Tensor {
    return more.glu(x, this.args.dim);
  }
}
/** x where |x| > lambd, else 0. Constructor: `lambd` (default 0.5). Input (*), output the same shape. */
export class Hardshrink extends ArgsModule<Bound<typeof SIG.Hardshrink>> {
  constructor(...args: CallArgs<typeof SIG.Hardshrink>) {
    super(ctorArgs('nn.Hardshrink', SIG.Hardshrink, args));
  }
  override forward(x: Tensor): Tensor {
    return more.hardshrink(x, this.args.lambd);
  }
}
/**
 * x - lambd where x > lambd, x + lambd where x < -lambd, else 0. Constructor: `lambd` (default 0.5). Input
 * (*), output the same shape.
 */
export class Softshrink extends ArgsModule<Bound<typeof SIG.Softshrink>> {
  constructor(...args: CallArgs<typeof SIG.Softshrink>) {
    super(ctorArgs('nn.Softshrink', SIG.Softshrink, args));
  }
  override forward(x: Tensor): Tensor {
    return more.softshrink(x, this.args.lambd);
  }
}
/** x - tanh(x); no constructor options. Input (*), output the same shape. */
export class Tanhshrink extends ArgsModule<Bound<typeof SIG.Tanhshrink>> {
  constructor(...args: CallArgs<typeof SIG.Tanhshrink>) {
    super(ctorArgs('nn.Tanhshrink', SIG.Tanhshrink, args));
  }
  override forward(x: Tensor): Tensor {
    return more.tanhshrink(x);
  }
}
/**
 * 0 for x ≤ -3, 1 for x ≥ 3, x/6 + 1/2 between. Constructor: `inplace` (default false). Input (*), output the
 * same shape.
 */
export class Hardsigmoid extends ArgsModule<Bound<typeof SIG.Hardsigmoid>> {
  constructor(...args: CallArgs<typeof SIG.Hardsigmoid>) {
    super(ctorArgs('nn.Hardsigmoid', SIG.Hardsigmoid, args));
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, more.hardsigmoid(x), this.args.inplace);
  }
}
/**
 * x · hardsigmoid(x) (MobileNetV3). Constructor: `inplace` (default false). Input (*), output the same shape.
 */
export class Hardswish extends ArgsModule<Bound<typeof SIG.Hardswish>> {
  constructor(...args: CallArgs<typeof SIG.Hardswish>) {
    super(ctorArgs('nn.Hardswish', SIG.Hardswish, args));
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, more.hardswish(x), this.args.inplace);
  }
}
/**
 * x where x > threshold, else `value`. Constructor: `threshold`, `value` (both required), `inplace` (default
 * false). Input (*), output the same shape.
 */
export class Threshold extends ArgsModule<Bound<typeof SIG.Threshold>> {
  constructor(...args: CallArgs<typeof SIG.Threshold>) {
    super(ctorArgs('nn.Threshold', SIG.Threshold, args));
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, more.threshold(x, this.args.threshold, this.args.value), this.args.inplace);
  }
}
/** x / (1 + |x|); no constructor options. Input (*), output the same shape. */
export class Softsign extends ArgsModule<Bound<typeof SIG.Softsign>> {
  constructor(...args: CallArgs<typeof SIG.Softsign>) {
    super(ctorArgs('nn.Softsign', SIG.Softsign, args));
  }
  override forward(x: Tensor): Tensor {
    return more.softsign(x);
  }
}
/**
 * log(sigmoid(x)) = -softplus(-x), computed stably; no constructor options. Input (*), output the same shape.
 */
export class LogSigmoid extends ArgsModule<Bound<typeof SIG.LogSigmoid>> {
  constructor(...args: CallArgs<typeof SIG.LogSigmoid>) {
    super(ctorArgs('nn.LogSigmoid', SIG.LogSigmoid, args));
  }
  override forward(x: Tensor): Tensor {
    return neg(softplus(neg(x)));
  }
}
/**
 * Randomized leaky ReLU: while training each negative element gets a slope drawn from U(lower, upper); in
 * eval the slope is (lower + upper) / 2. Constructor: `lower` (default 1/8), `upper` (default 1/3), `inplace`
 * (default false). Input (*), output the same shape.
 */
export class RReLU extends ArgsModule<Bound<typeof SIG.RReLU>> {
  constructor(...args: CallArgs<typeof SIG.RReLU>) {
    super(ctorArgs('nn.RReLU', SIG.RReLU, args));
  }
  override forward(x: Tensor): Tensor {
    const { lower, upper, inplace } = this.args;
    return maybeInplace(x, more.rrelu(x, lower, upper, this.training), inplace);
  }
}
/**
 * x for x ≥ 0, a · x otherwise, with learnable slopes a. Constructor: `numParameters` (default 1: one slope
 * shared by all channels; or C, one per channel of dim 1), `init` (default 0.25), `device`, `dtype`. Input
 * (*) (channels at dim 1), output the same shape.
 */
export class PReLU extends Module {
  /** The slopes (numParameters), initialized to `init` (default 0.25). */
  weight: Parameter;
  /** Number of slopes: 1 or the channel count (constructor option, default 1). */
  readonly numParameters: number;
  constructor(...args: CallArgs<typeof SIG.PReLU>) {
    super();
    const a = ctorArgs('nn.PReLU', SIG.PReLU, args);
    this.numParameters = a.numParameters;
    this.weight = Parameter(empty([a.numParameters], factory(a)));
    noGrad(() => this.weight.fill_(a.init));
  }
  override forward(x: Tensor): Tensor {
    return more.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

// ---- distances ----
/**
 * x1 · x2 / max(‖x1‖ ‖x2‖, eps) along `dim`. Constructor: `dim` (default 1), `eps` (default 1e-8). Inputs
 * broadcastable (*1, D, *2); output (*1, *2).
 */
export class CosineSimilarity extends ArgsModule<Bound<typeof SIG.CosineSimilarity>> {
  constructor(...args: CallArgs<typeof SIG.CosineSimilarity>) {
    super(ctorArgs('nn.CosineSimilarity', SIG.CosineSimilarity, args));
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return more.cosineSimilarity(x1, x2, this.args.dim, this.args.eps);
  }
}
/**
 * ‖x1 - x2 + eps‖_p along the last dimension. Constructor: `p` (default 2.0), `eps` (default 1e-6), `keepdim`
 * (default false). Inputs (N, D) or (D), output (N) or ().
 */
export class PairwiseDistance extends ArgsModule<Bound<typeof SIG.PairwiseDistance>> {
  constructor(...args: CallArgs<typeof SIG.PairwiseDistance>) {
    super(ctorArgs('nn.PairwiseDistance', SIG.PairwiseDistance, args));
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return more.pairwiseDistance(x1, x2, this.args.p, this.args.eps, this.args.keepdim);
  }
}

// ---- losses ----
/**
 * max(0, -y · (x1 - x2) + margin) for targets y ∈ {1, -1}. Constructor: `margin` (default 0.0),
 * `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`). Inputs and target (N) or ().
 */
export class MarginRankingLoss extends ArgsModule<Bound<typeof LOSS.MarginRankingLoss>> {
  constructor(...args: CallArgs<typeof LOSS.MarginRankingLoss>) {
    super(ctorArgs('nn.MarginRankingLoss', LOSS.MarginRankingLoss, args));
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return more.marginRankingLoss(x1, x2, target, this.args.margin, legacyReduction(this.args));
  }
}
/**
 * x where y = 1, max(0, margin - x) where y = -1 (x typically a distance). Constructor: `margin` (default
 * 1.0), `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`). Input and target (*).
 */
export class HingeEmbeddingLoss extends ArgsModule<Bound<typeof LOSS.HingeEmbeddingLoss>> {
  constructor(...args: CallArgs<typeof LOSS.HingeEmbeddingLoss>) {
    super(ctorArgs('nn.HingeEmbeddingLoss', LOSS.HingeEmbeddingLoss, args));
  }
  override forward(x: Tensor, target: Tensor): Tensor {
    return more.hingeEmbeddingLoss(x, target, this.args.margin, legacyReduction(this.args));
  }
}
/**
 * log(1 + exp(-y · x)) for targets y ∈ {1, -1}. Constructor: `sizeAverage`/`reduce` (deprecated), `reduction`
 * (default `'mean'`). Input and target (*).
 */
export class SoftMarginLoss extends ArgsModule<Bound<typeof LOSS.SoftMarginLoss>> {
  constructor(...args: CallArgs<typeof LOSS.SoftMarginLoss>) {
    super(ctorArgs('nn.SoftMarginLoss', LOSS.SoftMarginLoss, args));
  }
  override forward(x: Tensor, target: Tensor): Tensor {
    return more.softMarginLoss(x, target, legacyReduction(this.args));
  }
}
/**
 * Multi-label one-versus-all loss: the mean over the C classes of the binary cross entropy with logits of
 * input (N, C) against 0/1 targets (N, C). Constructor: `weight` per class (default null),
 * `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`).
 */
export class MultiLabelSoftMarginLoss extends ArgsModule<Bound<typeof LOSS.MultiLabelSoftMarginLoss>> {
  constructor(...args: CallArgs<typeof LOSS.MultiLabelSoftMarginLoss>) {
    super(ctorArgs('nn.MultiLabelSoftMarginLoss', LOSS.MultiLabelSoftMarginLoss, args));
  }
  override forward(x: Tensor, target: Tensor): Tensor {
    return more.multilabelSoftMarginLoss(x, target, this.args.weight, legacyReduction(this.args));
  }
}
/**
 * Multi-class hinge loss of scores (N, C) against class indices (N): sum over i ≠ y of max(0, margin - x[y] +
 * x[i])^p / C. Constructor: `p` (1 or 2, default 1), `margin` (default 1.0), `weight` per class (default
 * null), `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`).
 */
export class MultiMarginLoss extends ArgsModule<Bound<typeof LOSS.MultiMarginLoss>> {
  constructor(...args: CallArgs<typeof LOSS.MultiMarginLoss>) {
    super(ctorArgs('nn.MultiMarginLoss', LOSS.MultiMarginLoss, args));
  }
  override forward(x: Tensor, target: Tensor): Tensor {
    const a = this.args;
    return more.multiMarginLoss(x, target, a.p, a.margin, a.weight, legacyReduction(a));
  }
}
/**
 * max(d(a, p) - d(a, n) + margin, 0), d the pairwise p-norm distance, for anchor, positive and negative
 * inputs (N, D) or (D). Constructor: `margin` (default 1.0), `p` (default 2.0), `eps` (default 1e-6), `swap`
 * (default false: true uses min(d(a, n), d(p, n))), `sizeAverage`/`reduce` (deprecated), `reduction` (default
 * `'mean'`).
 */
export class TripletMarginLoss extends ArgsModule<Bound<typeof LOSS.TripletMarginLoss>> {
  constructor(...args: CallArgs<typeof LOSS.TripletMarginLoss>) {
    super(ctorArgs('nn.TripletMarginLoss', LOSS.TripletMarginLoss, args));
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const a = this.args;
    return more.tripletMarginLoss(
      anchor,
      positive,
      negative,
      a.margin,
      a.p,
      a.eps,
      a.swap,
      legacyReduction(a),
    );
  }
}
/**
 * Poisson negative log likelihood: exp(x) - y · x with `logInput` (default true), else x - y · log(x + eps).
 * Constructor: `logInput`, `full` (default false: true adds Stirling's term for y > 1), `sizeAverage`
 * (deprecated), `eps` (default 1e-8), `reduce` (deprecated), `reduction` (default `'mean'`). Input and target
 * (*).
 */
export class PoissonNLLLoss extends ArgsModule<Bound<typeof LOSS.PoissonNLLLoss>> {
  constructor(...args: CallArgs<typeof LOSS.PoissonNLLLoss>) {
    super(ctorArgs('nn.PoissonNLLLoss', LOSS.PoissonNLLLoss, args));
  }
  override forward(x: Tensor, target: Tensor): Tensor {
    const a = this.args;
    return more.poissonNllLoss(x, target, a.logInput, a.full, a.eps, legacyReduction(a));
  }
}
/**
 * Gaussian negative log likelihood 0.5 (log(max(var, eps)) + (x - y)² / max(var, eps)); forward(input,
 * target, var) with var of the input's shape, or with one dimension fewer or a last dimension of 1.
 * Keyword-only constructor options: `full` (default false: adds 0.5 log(2π)), `eps` (default 1e-6),
 * `reduction` (default `'mean'`).
 */
export class GaussianNLLLoss extends ArgsModule<Bound<typeof LOSS.GaussianNLLLoss>> {
  constructor(...args: CallArgs<typeof LOSS.GaussianNLLLoss>) {
    super(ctorArgs('nn.GaussianNLLLoss', LOSS.GaussianNLLLoss, args));
  }
  override forward(x: Tensor, target: Tensor, v: Tensor): Tensor {
    const a = this.args;
    return more.gaussianNllLoss(x, target, v, a.full, a.eps, a.reduction);
  }
}
/**
 * 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1. Constructor: `margin` (default
 * 0.0), `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`). Inputs (N, D) or (D), target (N)
 * or ().
 */
export class CosineEmbeddingLoss extends ArgsModule<Bound<typeof LOSS.CosineEmbeddingLoss>> {
  constructor(...args: CallArgs<typeof LOSS.CosineEmbeddingLoss>) {
    super(ctorArgs('nn.CosineEmbeddingLoss', LOSS.CosineEmbeddingLoss, args));
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return more.cosineEmbeddingLoss(x1, x2, target, this.args.margin, legacyReduction(this.args));
  }
}

// ---- pooling ----
/**
 * Mean over windows of (N, C, L) or (C, L), output length floor((L + 2 · padding - k) / stride + 1) (ceil
 * with `ceilMode`). Constructor: `kernelSize`, `stride` (default null: the kernel size), `padding` (default
 * 0), `ceilMode` (default false), `countIncludePad` (default true).
 */
export class AvgPool1d extends ArgsModule<Bound<typeof SIG.AvgPool1d>> {
  constructor(...args: CallArgs<typeof SIG.AvgPool1d>) {
    super(ctorArgs('nn.AvgPool1d', SIG.AvgPool1d, args));
  }
  override forward(x: Tensor): Tensor {
    const a = this.args;
    const k = list(a.kernelSize, 1)[0];
    const s = a.stride === null ? null : list(a.stride, 1)[0];
    return more.avgPool1d(x, k, s, list(a.padding, 1)[0], a.ceilMode, a.countIncludePad);
  }
}
/**
 * Maximum over windows of (N, C, L) or (C, L), output length floor((L + 2 · padding - dilation · (k - 1) - 1)
 * / stride + 1). Constructor: `kernelSize`, `stride` (default null: the kernel size), `padding` (default 0),
 * `dilation` (default 1), `returnIndices` (default false: forward returns [values, indices]), `ceilMode`
 * (default false).
 */
export class MaxPool1d extends ArgsModule<Bound<typeof SIG.MaxPool1d>> {
  constructor(...args: CallArgs<typeof SIG.MaxPool1d>) {
    super(ctorArgs('nn.MaxPool1d', SIG.MaxPool1d, args));
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    const a = this.args;
    const k = list(a.kernelSize, 1)[0];
    const s = a.stride === null ? null : list(a.stride, 1)[0];
    const p = list(a.padding, 1)[0];
    return more.maxPool1d(x, k, s, p, list(a.dilation, 1)[0], a.ceilMode, a.returnIndices);
  }
}
/**
 * Maximum over kD × kH × kW windows of (N, C, D, H, W) or (C, D, H, W), sizes as MaxPool2d's per dimension.
 * Constructor: `kernelSize`, `stride` (default null: the kernel size), `padding` (default 0), `dilation`
 * (default 1), `returnIndices` (default false), `ceilMode` (default false).
 */
export class MaxPool3d extends ArgsModule<Bound<typeof SIG.MaxPool3d>> {
  constructor(...args: CallArgs<typeof SIG.MaxPool3d>) {
    super(ctorArgs('nn.MaxPool3d', SIG.MaxPool3d, args));
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    const a = this.args;
    const kernel = list(a.kernelSize, 3);
    const stride = a.stride === null ? kernel : list(a.stride, 3);
    const o = {
      kernel,
      stride,
      padding: list(a.padding, 3),
      dilation: list(a.dilation, 3),
      ceilMode: a.ceilMode,
    };
    return more.maxPoolNd(x, o, a.returnIndices);
  }
}
/**
 * Mean over kD × kH × kW windows of (N, C, D, H, W) or (C, D, H, W). Constructor: `kernelSize`, `stride`
 * (default null: the kernel size), `padding` (default 0), `ceilMode` (default false), `countIncludePad`
 * (default true), `divisorOverride` (default null).
 */
export class AvgPool3d extends ArgsModule<Bound<typeof SIG.AvgPool3d>> {
  constructor(...args: CallArgs<typeof SIG.AvgPool3d>) {
    super(ctorArgs('nn.AvgPool3d', SIG.AvgPool3d, args));
  }
  override forward(x: Tensor): Tensor {
    const a = this.args;
    const kernel = list(a.kernelSize, 3);
    const stride = a.stride === null ? kernel : list(a.stride, 3);
    const o = { kernel, stride, padding: list(a.padding, 3), dilation: [1, 1, 1], ceilMode: a.ceilMode };
    return more.avgPoolNd(x, o, a.countIncludePad, a.divisorOverride);
  }
}
/**
 * Average pooling of (N, C, L) or (C, L) to a fixed output length (N, C, outputSize). Constructor:
 * `outputSize`.
 */
export class AdaptiveAvgPool1d extends ArgsModule<Bound<typeof SIG.AdaptiveAvgPool1d>> {
  constructor(...args: CallArgs<typeof SIG.AdaptiveAvgPool1d>) {
    super(ctorArgs('nn.AdaptiveAvgPool1d', SIG.AdaptiveAvgPool1d, args));
  }
  override forward(x: Tensor): Tensor {
    return more.adaptiveAvgPool1d(x, list(this.args.outputSize, 1)[0]);
  }
}
/**
 * Average pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed (oD, oH, oW). Constructor: `outputSize`, an
 * int for all three, a triple, or null entries to keep that dimension.
 */
export class AdaptiveAvgPool3d extends ArgsModule<Bound<typeof SIG.AdaptiveAvgPool3d>> {
  constructor(...args: CallArgs<typeof SIG.AdaptiveAvgPool3d>) {
    super(ctorArgs('nn.AdaptiveAvgPool3d', SIG.AdaptiveAvgPool3d, args));
  }
  override forward(x: Tensor): Tensor {
    return more.adaptiveAvgPool3d(x, this.args.outputSize ?? [null, null, null]);
  }
}
abstract class AdaptiveMax<A extends { outputSize: unknown; returnIndices: boolean }> extends ArgsModule<A> {
  protected abstract readonly k: number;
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    const o = this.args.outputSize as number | readonly (number | null)[] | null;
    return more.adaptiveMaxPool(x, this.k, o ?? Array(this.k).fill(null), this.args.returnIndices);
  }
}
/**
 * Max pooling of (N, C, L) or (C, L) to a fixed output length. Constructor: `outputSize`, `returnIndices`
 * (default false: forward returns [values, indices]).
 */
export class AdaptiveMaxPool1d extends AdaptiveMax<Bound<typeof SIG.AdaptiveMaxPool1d>> {
  protected readonly k = 1;
  constructor(...args: CallArgs<typeof SIG.AdaptiveMaxPool1d>) {
    super(ctorArgs('nn.AdaptiveMaxPool1d', SIG.AdaptiveMaxPool1d, args));
  }
}
/**
 * Max pooling of (N, C, H, W) or (C, H, W) to a fixed (oH, oW). Constructor: `outputSize` (an int, a pair,
 * null entries keep a dimension), `returnIndices` (default false).
 */
export class AdaptiveMaxPool2d extends AdaptiveMax<Bound<typeof SIG.AdaptiveMaxPool2d>> {
  protected readonly k = 2;
  constructor(...args: CallArgs<typeof SIG.AdaptiveMaxPool2d>) {
    super(ctorArgs('nn.AdaptiveMaxPool2d', SIG.AdaptiveMaxPool2d, args));
  }
}
/**
 * Max pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed (oD, oH, oW). Constructor: `outputSize` (an int,
 * a triple, null entries keep a dimension), `returnIndices` (default false).
 */
export class AdaptiveMaxPool3d extends AdaptiveMax<Bound<typeof SIG.AdaptiveMaxPool3d>> {
  protected readonly k = 3;
  constructor(...args: CallArgs<typeof SIG.AdaptiveMaxPool3d>) {
    super(ctorArgs('nn.AdaptiveMaxPool3d', SIG.AdaptiveMaxPool3d, args));
  }
}
/**
 * Power-average pooling (Σ x^p)^(1/p) over windows of (N, C, L) or (C, L), p = `normType`. Constructor:
 * `normType`, `kernelSize`, `stride` (default null: the kernel size), `ceilMode` (default false).
 */
export class LPPool1d extends ArgsModule<Bound<typeof SIG.LPPool1d>> {
  constructor(...args: CallArgs<typeof SIG.LPPool1d>) {
    super(ctorArgs('nn.LPPool1d', SIG.LPPool1d, args));
  }
  override forward(x: Tensor): Tensor {
    const a = this.args;
    const s = a.stride === null ? null : list(a.stride, 1);
    return more.lpPool(x, a.normType, list(a.kernelSize, 1), s, a.ceilMode);
  }
}
/**
 * Power-average pooling (Σ x^p)^(1/p) over kH × kW windows of (N, C, H, W) or (C, H, W), p = `normType`.
 * Constructor: `normType`, `kernelSize`, `stride` (default null: the kernel size), `ceilMode` (default
 * false).
 */
export class LPPool2d extends ArgsModule<Bound<typeof SIG.LPPool2d>> {
  constructor(...args: CallArgs<typeof SIG.LPPool2d>) {
    super(ctorArgs('nn.LPPool2d', SIG.LPPool2d, args));
  }
  override forward(x: Tensor): Tensor {
    const a = this.args;
    const s = a.stride === null ? null : list(a.stride, 2);
    return more.lpPool(x, a.normType, list(a.kernelSize, 2), s, a.ceilMode);
  }
}

// ---- normalisation ----
/**
 * The shared body of InstanceNorm1d/2d/3d: each (sample, channel) plane normalized over its spatial
 * dimensions.
 */
abstract class InstanceNorm extends Module {
  /** (C), initialized to ones; null without `affine`. */
  weight: Parameter | null;
  /** (C), initialized to zeros; null without `affine`. */
  bias: Parameter | null;
  /** Running mean (C), a buffer initialized to zeros; null without `trackRunningStats`. PyTorch's state-dict name. */
  declare running_mean: Tensor | null;
  /** Running variance (C), a buffer initialized to ones; null without `trackRunningStats`. */
  declare running_var: Tensor | null;
  /** int64 scalar buffer (PyTorch registers it for instance norms too, and never advances it); null without `trackRunningStats`. */
  declare num_batches_tracked: Tensor | null;
  /** C, the number of channels. */
  readonly numFeatures: number;
  /** Added to the variance for numerical stability (constructor option, default 1e-5). */
  readonly eps: number;
  /** Running-statistics update factor (constructor option, default 0.1). */
  readonly momentum: number;
  /** Whether the layer has learnable per-channel `weight` and `bias` (constructor option, default false). */
  readonly affine: boolean;
  /** Whether running statistics are kept and used in eval mode (constructor option, default false). */
  readonly trackRunningStats: boolean;
  constructor(a: Bound<ReturnType<typeof INSTANCE_NORM>>) {
    super();
    this.numFeatures = a.numFeatures;
    this.eps = a.eps;
    this.momentum = a.momentum;
    this.affine = a.affine;
    this.trackRunningStats = a.trackRunningStats;
    const f = factory(a);
    this.weight = a.affine ? Parameter(ones([a.numFeatures], f)) : null;
    this.bias = a.affine ? Parameter(zeros([a.numFeatures], f)) : null;
    const track = a.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([a.numFeatures], f) : null);
    this.registerBuffer('running_var', track ? ones([a.numFeatures], f) : null);
    this.registerBuffer(
      'num_batches_tracked',
      track ? zeros([], { device: f.device, dtype: 'int64' }) : null,
    );
  }
  /** camelCase accessor of `running_mean`. */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  /** camelCase accessor of `running_var`. */
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  override forward(x: Tensor): Tensor {
    const useInput = this.training || !this.trackRunningStats;
    return more.instanceNorm(
      x,
      this.runningMean,
      this.runningVar,
      this.weight,
      this.bias,
      useInput,
      this.momentum,
      this.eps,
    );
  }
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}
/**
 * Instance normalization of (N, C, L) or (C, L): each channel of each sample normalized over L. Constructor:
 * `numFeatures` (C), `eps` (default 1e-5), `momentum` (default 0.1), `affine` (default false),
 * `trackRunningStats` (default false), `device`, `dtype`. Output the input's shape.
 */
export class InstanceNorm1d extends InstanceNorm {
  constructor(...args: CallArgs<ReturnType<typeof INSTANCE_NORM>>) {
    super(ctorArgs('nn.InstanceNorm1d', INSTANCE_NORM('InstanceNorm1d'), args));
  }
}
/**
 * Instance normalization of (N, C, H, W) or (C, H, W): each channel of each sample normalized over H × W.
 * Constructor: `numFeatures` (C), `eps` (default 1e-5), `momentum` (default 0.1), `affine` (default false),
 * `trackRunningStats` (default false), `device`, `dtype`. Output the input's shape.
 */
export class InstanceNorm2d extends InstanceNorm {
  constructor(...args: CallArgs<ReturnType<typeof INSTANCE_NORM>>) {
    super(ctorArgs('nn.InstanceNorm2d', INSTANCE_NORM('InstanceNorm2d'), args));
  }
}
/**
 * Instance normalization of (N, C, D, H, W) or (C, D, H, W): each channel of each sample normalized over D ×
 * H × W. Constructor: `numFeatures` (C), `eps` (default 1e-5), `momentum` (default 0.1), `affine` (default
 * false), `trackRunningStats` (default false), `device`, `dtype`. Output the input's shape.
 */
export class InstanceNorm3d extends InstanceNorm {
  constructor(...args: CallArgs<ReturnType<typeof INSTANCE_NORM>>) {
    super(ctorArgs('nn.InstanceNorm3d', INSTANCE_NORM('InstanceNorm3d'), args));
  }
}
/**
 * Divides each channel by (k + alpha / size · Σ x² over `size` neighbouring channels)^beta. Constructor:
 * `size`, `alpha` (default 1e-4), `beta` (default 0.75), `k` (default 1.0). Input (N, C, *), output the same
 * shape.
 */
export class LocalResponseNorm extends ArgsModule<Bound<typeof SIG.LocalResponseNorm>> {
  constructor(...args: CallArgs<typeof SIG.LocalResponseNorm>) {
    super(ctorArgs('nn.LocalResponseNorm', SIG.LocalResponseNorm, args));
  }
  override forward(x: Tensor): Tensor {
    const a = this.args;
    return more.localResponseNorm(x, a.size, a.alpha, a.beta, a.k);
  }
}

// ---- shuffles, unfold, bilinear ----
/**
 * Rearranges (*, C · r², H, W) into (*, C, H · r, W · r), r = `upscaleFactor` (required): sub-pixel
 * convolution upsampling.
 */
export class PixelShuffle extends ArgsModule<Bound<typeof SIG.PixelShuffle>> {
  constructor(...args: CallArgs<typeof SIG.PixelShuffle>) {
    super(ctorArgs('nn.PixelShuffle', SIG.PixelShuffle, args));
  }
  override forward(x: Tensor): Tensor {
    return more.pixelShuffle(x, this.args.upscaleFactor);
  }
}
/**
 * The inverse of PixelShuffle: (*, C, H · r, W · r) into (*, C · r², H, W), r = `downscaleFactor` (required).
 */
export class PixelUnshuffle extends ArgsModule<Bound<typeof SIG.PixelUnshuffle>> {
  constructor(...args: CallArgs<typeof SIG.PixelUnshuffle>) {
    super(ctorArgs('nn.PixelUnshuffle', SIG.PixelUnshuffle, args));
  }
  override forward(x: Tensor): Tensor {
    return more.pixelUnshuffle(x, this.args.downscaleFactor);
  }
}
/**
 * im2col: extracts the sliding blocks of (N, C, H, W) (or (C, H, W)) as columns of (N, C · kH · kW, L), L the
 * number of blocks. Constructor: `kernelSize`, `dilation` (default 1), `padding` (default 0), `stride`
 * (default 1).
 */
export class Unfold extends ArgsModule<Bound<typeof SIG.Unfold>> {
  constructor(...args: CallArgs<typeof SIG.Unfold>) {
    super(ctorArgs('nn.Unfold', SIG.Unfold, args));
  }
  override forward(x: Tensor): Tensor {
    const a = this.args;
    return more.unfold(x, list(a.kernelSize, 2), list(a.dilation, 2), list(a.padding, 2), list(a.stride, 2));
  }
}
/**
 * y = x1ᵀ A x2 + b per output feature. Constructor: `in1Features`, `in2Features`, `outFeatures`, `bias`
 * (default true), `device`, `dtype`. Inputs (*, in1Features) and (*, in2Features), output (*, outFeatures).
 */
export class Bilinear extends Module {
  /**
   * (outFeatures, in1Features, in2Features), initialized from U(-1/sqrt(in1Features), 1/sqrt(in1Features)).
   */
  weight: Parameter;
  /**
   * (outFeatures), initialized from U(-1/sqrt(in1Features), 1/sqrt(in1Features)); null with `bias: false`.
   */
  bias: Parameter | null;
  /** Size of the first input's last dimension. */
  readonly in1Features: number;
  /** Size of the second input's last dimension. */
  readonly in2Features: number;
  /** Size of the output's last dimension. */
  readonly outFeatures: number;
  constructor(...args: CallArgs<typeof SIG.Bilinear>) {
    super();
    const a = ctorArgs('nn.Bilinear', SIG.Bilinear, args);
    this.in1Features = a.in1Features;
    this.in2Features = a.in2Features;
    this.outFeatures = a.outFeatures;
    const f = factory(a);
    this.weight = Parameter(empty([a.outFeatures, a.in1Features, a.in2Features], f));
    this.bias = a.bias ? Parameter(empty([a.outFeatures], f)) : null;
    const bound = a.in1Features > 0 ? 1 / Math.sqrt(a.in1Features) : 0;
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return more.bilinear(x1, x2, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

const CLASSES = {
  CELU,
  GLU,
  Hardshrink,
  Softshrink,
  Tanhshrink,
  Hardsigmoid,
  Hardswish,
  Threshold,
  Softsign,
  LogSigmoid,
  RReLU,
  PReLU,
  CosineSimilarity,
  PairwiseDistance,
  AvgPool1d,
  MaxPool1d,
  MaxPool3d,
  AvgPool3d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool3d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AdaptiveMaxPool3d,
  LPPool1d,
  LPPool2d,
  LocalResponseNorm,
  PixelShuffle,
  PixelUnshuffle,
  Unfold,
  Bilinear,
} as const;
for (const [name, sig] of Object.entries(SIG))
  registerCtor(`nn.${name}`, sig, CLASSES[name as keyof typeof SIG]);
const LOSSES = {
  MarginRankingLoss,
  HingeEmbeddingLoss,
  SoftMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  TripletMarginLoss,
  PoissonNLLLoss,
  GaussianNLLLoss,
  CosineEmbeddingLoss,
} as const;
for (const [name, sig] of Object.entries(LOSS))
  registerCtor(`nn.${name}`, sig, LOSSES[name as keyof typeof LOSS]);
registerCtor('nn.InstanceNorm1d', INSTANCE_NORM('InstanceNorm1d'), InstanceNorm1d);
registerCtor('nn.InstanceNorm2d', INSTANCE_NORM('InstanceNorm2d'), InstanceNorm2d);
registerCtor('nn.InstanceNorm3d', INSTANCE_NORM('InstanceNorm3d'), InstanceNorm3d);
