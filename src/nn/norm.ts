/**
 * Normalisation layers: BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm (ops in src/ops/norm.ts).
 *
 * BatchNorm's buffers carry PyTorch's state-dict names (`running_mean`, `running_var`,
 * `num_batches_tracked`: a module's keys are its field names, see module.ts), so checkpoints
 * move both ways unchanged; `runningMean`, `runningVar` and `numBatchesTracked` are camelCase
 * accessors of the same tensors.
 */

import { full, ones, zeros } from '../ops/creation.js';
import { batchNorm } from '../ops/norm.js';
import { cast, reciprocal } from '../ops/pointwise.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import * as init from './init.js';
import { factory } from './layers.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyTuple } from './repr.js';

/** Python's repr of a float (1e-05, 0.1). */
const pyNum = (x: number): string => {
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
};

const batchNormSig = (name: string) =>
  `${name}(int num_features, float eps=1e-05, float? momentum=0.1, bool affine=True, bool track_running_stats=True, *, Device? device=None, ScalarType? dtype=None)` as const;
type BatchNormArgs = CallArgs<ReturnType<typeof batchNormSig>>;

/**
 * The shared body of BatchNorm1d/2d (and the other batch norms): constructor `numFeatures` (C), `eps`
 * (default 1e-5), `momentum` (default 0.1; null for a cumulative average), `affine` (default true),
 * `trackRunningStats` (default true), keyword-only `device`, `dtype`.
 */
export abstract class BatchNormBase extends Module {
  /** (C), initialized to ones; null without `affine`. */
  weight: Parameter | null;
  /** (C), initialized to zeros; null without `affine`. */
  bias: Parameter | null;
  /**
   * Running mean estimate (C), a buffer initialized to zeros; null without `trackRunningStats`. PyTorch's
   * state-dict name.
   */
  declare running_mean: Tensor | null;
  /**
   * Running (unbiased) variance estimate (C), a buffer initialized to ones; null without `trackRunningStats`.
   */
  declare running_var: Tensor | null;
  /** int64 scalar buffer counting the training batches seen; null without `trackRunningStats`. */
  declare num_batches_tracked: Tensor | null;
  /** C, the number of channels. */
  readonly numFeatures: number;
  /** Added to the variance for numerical stability (constructor option, default 1e-5). */
  readonly eps: number;
  /** Running-stats factor; null: a cumulative moving average (1 / numBatchesTracked). */
  momentum: number | null;
  /** Whether the layer has the learnable `weight` and `bias` (constructor option, default true). */
  readonly affine: boolean;
  /**
   * Whether running statistics are kept and used in eval mode; without them eval also uses batch statistics
   * (constructor option, default true).
   */
  readonly trackRunningStats: boolean;
  constructor(name: string, args: readonly unknown[]) {
    super();
    const a = ctorArgs(`nn.${name}`, batchNormSig(name), args);
    const numFeatures = a.numFeatures;
    this.numFeatures = numFeatures;
    this.eps = a.eps;
    this.momentum = a.momentum;
    this.affine = a.affine;
    this.trackRunningStats = a.trackRunningStats;
    const f = factory(a);
    this.weight = this.affine ? Parameter(ones([numFeatures], f)) : null;
    this.bias = this.affine ? Parameter(zeros([numFeatures], f)) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], f) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], f) : null);
    // int64 in PyTorch; stored as int32 (DESIGN: dtypes).
    this.registerBuffer(
      'num_batches_tracked',
      track ? full([], 0, { device: f.device, dtype: 'int64' }) : null,
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
  /** camelCase accessor of `num_batches_tracked`. */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }
  /** Resets the running statistics: mean 0, variance 1, batch count 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }
  /** Resets the running statistics, `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  protected abstract checkInputDim(input: Tensor): void;
  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const nbt = this.num_batches_tracked;
      noGrad(() => nbt.add_(1));
      // Cumulative average: 1 / count as a device scalar, so no readback.
      if (this.momentum === null) factor = reciprocal(cast(nbt, 'float32'));
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useStats = !this.training || this.trackRunningStats;
    return batchNorm(input, useStats ? this.running_mean : null, useStats ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyNum(this.eps)}, momentum=${this.momentum === null ? 'None' : pyNum(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalization over (N, C) or (N, C, L): y = (x - E[x]) / sqrt(Var[x] + eps) · weight + bias per
 * channel. In training it uses the batch statistics (biased variance) and updates the running estimates as
 * running = (1 - momentum) · running + momentum · batch (unbiased variance); in eval it uses the running
 * estimates. Constructor: `numFeatures`, `eps` (1e-5), `momentum` (0.1), `affine` (true), `trackRunningStats`
 * (true), keyword-only `device`, `dtype`. Output the input's shape.
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super('BatchNorm1d', args);
  }
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3)
      throw new RangeError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/**
 * Batch normalization over (N, C, H, W), per channel, as BatchNorm1d: batch statistics in training (running
 * estimates updated with `momentum`), running estimates in eval. Constructor: `numFeatures` (C), `eps`
 * (default 1e-5), `momentum` (default 0.1, null for a cumulative average), `affine` (default true),
 * `trackRunningStats` (default true), keyword-only `device`, `dtype`.
 *
 * ```ts
 * const bn = new nn.BatchNorm2d(16);
 * bn(x);            // training: batch statistics, running stats updated
 * bn.eval(); bn(x); // running statistics
 * bn.stateDict();   // weight, bias, running_mean, running_var, num_batches_tracked
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super('BatchNorm2d', args);
  }
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new RangeError(`expected 4D input (got ${input.dim()}D input)`);
  }
}

const LAYER_NORM =
  'LayerNorm(int|int[] normalized_shape, float eps=1e-05, bool elementwise_affine=True, bool bias=True, *, Device? device=None, ScalarType? dtype=None)';
const GROUP_NORM =
  'GroupNorm(int num_groups, int num_channels, float eps=1e-05, bool affine=True, *, Device? device=None, ScalarType? dtype=None)';

/**
 * Normalizes each sample over its trailing dimensions `normalizedShape`: y = (x - E[x]) / sqrt(Var[x] + eps)
 * · weight + bias (biased variance), the same in training and eval. Constructor: `normalizedShape` (an int or
 * a shape), `eps` (default 1e-5), `elementwiseAffine` (default true), `bias` (default true), keyword-only
 * `device`, `dtype`. Input (*, ...normalizedShape), output the same shape.
 */
export class LayerNorm extends Module {
  /** (normalizedShape), initialized to ones; null without `elementwiseAffine`. */
  weight: Parameter | null;
  /** (normalizedShape), initialized to zeros; null without `elementwiseAffine` or with `bias: false`. */
  bias: Parameter | null;
  /** The trailing shape normalized over. */
  readonly normalizedShape: number[];
  /** Added to the variance for numerical stability (constructor option, default 1e-5). */
  readonly eps: number;
  /** Whether the layer has the learnable `weight` (and `bias`) (constructor option, default true). */
  readonly elementwiseAffine: boolean;
  constructor(...args: CallArgs<typeof LAYER_NORM>) {
    super();
    const a = ctorArgs('nn.LayerNorm', LAYER_NORM, args);
    const ns = a.normalizedShape;
    this.normalizedShape = typeof ns === 'number' ? [ns] : [...ns];
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    const f = factory(a);
    this.weight = this.elementwiseAffine ? Parameter(ones(this.normalizedShape, f)) : null;
    this.bias = this.elementwiseAffine && a.bias ? Parameter(zeros(this.normalizedShape, f)) : null;
  }
  /** Sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps); // bound: autocast sees it
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyNum(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/**
 * Splits the C channels into `numGroups` groups and normalizes each group of each sample to zero mean and
 * unit variance (eps added), then applies a per-channel affine map. Constructor: `numGroups`, `numChannels`
 * (divisible by numGroups), `eps` (default 1e-5), `affine` (default true), keyword-only `device`, `dtype`.
 * Input (N, C, *), output the same shape.
 */
export class GroupNorm extends Module {
  /** (numChannels), initialized to ones; null without `affine`. */
  weight: Parameter | null;
  /** (numChannels), initialized to zeros; null without `affine`. */
  bias: Parameter | null;
  /** Added to the variance for numerical stability (constructor option, default 1e-5). */
  readonly eps: number;
  /**
   * Whether the layer has the learnable per-channel `weight` and `bias` (constructor option, default true).
   */
  readonly affine: boolean;
  /** Number of channel groups. */
  readonly numGroups: number;
  /** C, the number of channels. */
  readonly numChannels: number;
  constructor(...args: CallArgs<typeof GROUP_NORM>) {
    super();
    const a = ctorArgs('nn.GroupNorm', GROUP_NORM, args);
    const { numGroups, numChannels } = a;
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.eps = a.eps;
    this.affine = a.affine;
    const f = factory(a);
    this.weight = this.affine ? Parameter(ones([numChannels], f)) : null;
    this.bias = this.affine ? Parameter(zeros([numChannels], f)) : null;
  }
  /** Sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyNum(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.BatchNorm1d', batchNormSig('BatchNorm1d'), BatchNorm1d);
registerCtor('nn.BatchNorm2d', batchNormSig('BatchNorm2d'), BatchNorm2d);
registerCtor('nn.LayerNorm', LAYER_NORM, LayerNorm);
registerCtor('nn.GroupNorm', GROUP_NORM, GroupNorm);
