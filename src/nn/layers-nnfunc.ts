/**
 * Module forms of more nn.functional ops, each with PyTorch 1.13's constructor signature:
 * padding layers (Reflection/Replication/Constant/ZeroPad), MaxUnpool1d/2d/3d,
 * FeatureAlphaDropout, MultiLabelMarginLoss, CTCLoss. Ops in src/ops/pad.ts, src/ops/nn-extra.ts.
 */
import { ctcLoss, featureAlphaDropout, maxUnpool, multilabelMarginLoss } from '../ops/nn-extra.js';
import { type PadMode, padMode } from '../ops/pad.js';
import { pad as constantPad } from '../ops/shape.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { legacyReduction } from './functional.js';
import { Dropout } from './layers.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

const tupleRepr = (v: readonly number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;

/** PyTorch's _ntuple(2n) for padding: one int for every side, or the 2n sides. */
function padding(name: string, v: number | readonly number[], n: number): number[] {
  const a = typeof v === 'number' ? new Array<number>(2 * n).fill(v) : [...v];
  if (a.length !== 2 * n)
    throw new RangeError(
      `nn.${name}: padding must be an int or a tuple of ${2 * n} ints, got ${JSON.stringify(v)}`,
    );
  return a;
}

abstract class PadNd extends Module {
  /**
   * Padding per side, last dimension first: [left, right, (top, bottom, (front, back))]; an int constructor
   * argument pads every side by it.
   */
  readonly padding: number[];
  constructor(name: string, p: number | readonly number[], n: number) {
    super();
    this.padding = padding(name, p, n);
  }
  override extraRepr(): string {
    return tupleRepr(this.padding);
  }
}
abstract class IndexPadNd extends PadNd {
  protected abstract readonly mode: PadMode;
  override forward(input: Tensor): Tensor {
    return padMode(input, this.padding, this.mode);
  }
}

const PAD = {
  ReflectionPad1d: 'ReflectionPad1d(int[2] padding)',
  ReflectionPad2d: 'ReflectionPad2d(int[4] padding)',
  ReflectionPad3d: 'ReflectionPad3d(int[6] padding)',
  ReplicationPad1d: 'ReplicationPad1d(int[2] padding)',
  ReplicationPad2d: 'ReplicationPad2d(int[4] padding)',
  ReplicationPad3d: 'ReplicationPad3d(int[6] padding)',
  ZeroPad2d: 'ZeroPad2d(int[4] padding)',
  ConstantPad1d: 'ConstantPad1d(int[2] padding, float value)',
  ConstantPad2d: 'ConstantPad2d(int[4] padding, float value)',
  ConstantPad3d: 'ConstantPad3d(int[6] padding, float value)',
} as const;

/** Pads the last dim by reflection: `new nn.ReflectionPad1d(2)` or `[left, right]`. */
export class ReflectionPad1d extends IndexPadNd {
  protected readonly mode = 'reflect';
  constructor(...args: CallArgs<typeof PAD.ReflectionPad1d>) {
    super('ReflectionPad1d', ctorArgs('nn.ReflectionPad1d', PAD.ReflectionPad1d, args).padding, 1);
  }
}
/** Pads the last 2 dims by reflection: [left, right, top, bottom]. */
export class ReflectionPad2d extends IndexPadNd {
  protected readonly mode = 'reflect';
  constructor(...args: CallArgs<typeof PAD.ReflectionPad2d>) {
    super('ReflectionPad2d', ctorArgs('nn.ReflectionPad2d', PAD.ReflectionPad2d, args).padding, 2);
  }
}
/** Pads the last 3 dims by reflection: [left, right, top, bottom, front, back]. */
export class ReflectionPad3d extends IndexPadNd {
  protected readonly mode = 'reflect';
  constructor(...args: CallArgs<typeof PAD.ReflectionPad3d>) {
    super('ReflectionPad3d', ctorArgs('nn.ReflectionPad3d', PAD.ReflectionPad3d, args).padding, 3);
  }
}
/** Pads the last dim by repeating the edge value. */
export class ReplicationPad1d extends IndexPadNd {
  protected readonly mode = 'replicate';
  constructor(...args: CallArgs<typeof PAD.ReplicationPad1d>) {
    super('ReplicationPad1d', ctorArgs('nn.ReplicationPad1d', PAD.ReplicationPad1d, args).padding, 1);
  }
}
/** Pads the last 2 dims by repeating the edge values. */
export class ReplicationPad2d extends IndexPadNd {
  protected readonly mode = 'replicate';
  constructor(...args: CallArgs<typeof PAD.ReplicationPad2d>) {
    super('ReplicationPad2d', ctorArgs('nn.ReplicationPad2d', PAD.ReplicationPad2d, args).padding, 2);
  }
}
/** Pads the last 3 dims by repeating the edge values. */
export class ReplicationPad3d extends IndexPadNd {
  protected readonly mode = 'replicate';
  constructor(...args: CallArgs<typeof PAD.ReplicationPad3d>) {
    super('ReplicationPad3d', ctorArgs('nn.ReplicationPad3d', PAD.ReplicationPad3d, args).padding, 3);
  }
}
/** Pads the last 2 dims with zeros. */
export class ZeroPad2d extends PadNd {
  constructor(...args: CallArgs<typeof PAD.ZeroPad2d>) {
    super('ZeroPad2d', ctorArgs('nn.ZeroPad2d', PAD.ZeroPad2d, args).padding, 2);
  }
  override forward(input: Tensor): Tensor {
    return constantPad(input, this.padding, 'constant', 0);
  }
}
abstract class ConstantPadNd extends PadNd {
  readonly value: number;
  constructor(name: string, a: { padding: number | readonly number[]; value: number }, n: number) {
    super(name, a.padding, n);
    this.value = a.value;
  }
  override forward(input: Tensor): Tensor {
    return constantPad(input, this.padding, 'constant', this.value);
  }
  override extraRepr(): string {
    return `padding=${tupleRepr(this.padding)}, value=${pyFloat(this.value)}`;
  }
}
/** Pads the last dim with a constant. */
export class ConstantPad1d extends ConstantPadNd {
  constructor(...args: CallArgs<typeof PAD.ConstantPad1d>) {
    super('ConstantPad1d', ctorArgs('nn.ConstantPad1d', PAD.ConstantPad1d, args), 1);
  }
}
/** Pads the last 2 dims with a constant. */
export class ConstantPad2d extends ConstantPadNd {
  constructor(...args: CallArgs<typeof PAD.ConstantPad2d>) {
    super('ConstantPad2d', ctorArgs('nn.ConstantPad2d', PAD.ConstantPad2d, args), 2);
  }
}
/** Pads the last 3 dims with a constant. */
export class ConstantPad3d extends ConstantPadNd {
  constructor(...args: CallArgs<typeof PAD.ConstantPad3d>) {
    super('ConstantPad3d', ctorArgs('nn.ConstantPad3d', PAD.ConstantPad3d, args), 3);
  }
}

const UNPOOL = {
  MaxUnpool1d: 'MaxUnpool1d(int[1] kernel_size, int[1]? stride=None, int[1] padding=0)',
  MaxUnpool2d: 'MaxUnpool2d(int[2] kernel_size, int[2]? stride=None, int[2] padding=0)',
  MaxUnpool3d: 'MaxUnpool3d(int[3] kernel_size, int[3]? stride=None, int[3] padding=0)',
} as const;

abstract class MaxUnpoolNd extends Module {
  /** Kernel size of the pooling being inverted. */
  readonly kernelSize: number[];
  /** Its stride (constructor option, default: the kernel size). */
  readonly stride: number[];
  /** Its padding (constructor option, default 0). */
  readonly padding: number[];
  constructor(
    private readonly nd: number,
    a: { kernelSize: readonly number[]; stride: readonly number[] | null; padding: readonly number[] },
  ) {
    super();
    this.kernelSize = [...a.kernelSize];
    this.stride = [...(a.stride ?? a.kernelSize)];
    this.padding = [...a.padding];
  }
  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool(input, indices, this.nd, this.kernelSize, this.stride, this.padding, outputSize);
  }
  override extraRepr(): string {
    const t = (v: number[]) => (this.nd === 1 ? `${v[0]}` : tupleRepr(v));
    return `kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}, padding=${t(this.padding)}`;
  }
}
/**
 * Partial inverse of MaxPool1d: writes each value of (N, C, L_in) to the position its index (from MaxPool1d
 * with returnIndices) names, zeros elsewhere; L_out = (L_in - 1) · stride - 2 · padding + kernelSize, or
 * forward's `outputSize`. Constructor: `kernelSize`, `stride` (default null: the kernel size), `padding`
 * (default 0). forward(input, indices, outputSize = null).
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(...args: CallArgs<typeof UNPOOL.MaxUnpool1d>) {
    super(1, ctorArgs('nn.MaxUnpool1d', UNPOOL.MaxUnpool1d, args));
  }
}
/**
 * Partial inverse of MaxPool2d: writes each value of (N, C, H_in, W_in) to the position its index names,
 * zeros elsewhere; H_out = (H_in - 1) · stride - 2 · padding + kH (likewise W), or forward's `outputSize`.
 * Constructor: `kernelSize`, `stride` (default null: the kernel size), `padding` (default 0). forward(input,
 * indices, outputSize = null).
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(...args: CallArgs<typeof UNPOOL.MaxUnpool2d>) {
    super(2, ctorArgs('nn.MaxUnpool2d', UNPOOL.MaxUnpool2d, args));
  }
}
/**
 * Partial inverse of MaxPool3d on (N, C, D, H, W), sizes as MaxUnpool2d's per dimension. Constructor:
 * `kernelSize`, `stride` (default null: the kernel size), `padding` (default 0). forward(input, indices,
 * outputSize = null).
 */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(...args: CallArgs<typeof UNPOOL.MaxUnpool3d>) {
    super(3, ctorArgs('nn.MaxUnpool3d', UNPOOL.MaxUnpool3d, args));
  }
}

/**
 * Alpha dropout of whole channels for SELU networks: in training each channel of (N, C, *) is set with
 * probability `p` to SELU's negative saturation value, then an affine map keeps zero mean and unit variance;
 * the identity in eval. Constructor: `p` (default 0.5), `inplace` (default false).
 */
export class FeatureAlphaDropout extends Dropout {
  override forward(input: Tensor): Tensor {
    const y = featureAlphaDropout(input, this.p, this.training);
    return this.inplace && this.training ? input.copy_(y) : y;
  }
}

const LOSS = {
  MultiLabelMarginLoss:
    'MultiLabelMarginLoss(bool? size_average=None, bool? reduce=None, "mean"|"sum"|"none" reduction="mean")',
  CTCLoss: 'CTCLoss(int blank=0, "mean"|"sum"|"none" reduction="mean", bool zero_infinity=False)',
} as const;

/**
 * Multi-class multi-label hinge loss: `target` (N, C) (or (C)) lists each sample's class indices, ended by
 * the first -1; the loss sums max(0, 1 - (x[j] - x[i])) over target classes j and non-target classes i,
 * divided by C. Constructor: `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`).
 */
export class MultiLabelMarginLoss extends Module {
  /**
   * `'mean'` (default), `'sum'` or `'none'`; the deprecated `sizeAverage`/`reduce` pair overrides it when
   * given.
   */
  readonly reduction: 'mean' | 'sum' | 'none';
  constructor(...args: CallArgs<typeof LOSS.MultiLabelMarginLoss>) {
    super();
    this.reduction = legacyReduction(ctorArgs('nn.MultiLabelMarginLoss', LOSS.MultiLabelMarginLoss, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, this.reduction);
  }
}

/**
 * Connectionist temporal classification loss: forward(logProbs (T, N, C) log-softmax outputs, targets (N, S)
 * or concatenated, inputLengths (N), targetLengths (N)) sums over every alignment of each target to its
 * input. Constructor: `blank` (default 0), `reduction` (default `'mean'`: each loss divided by its target
 * length, then averaged), `zeroInfinity` (default false).
 */
export class CTCLoss extends Module {
  /** Index of the blank label (constructor option, default 0). */
  readonly blank: number;
  /**
   * `'mean'` (default: each loss divided by its target length, then averaged over the batch), `'sum'` or
   * `'none'`.
   */
  readonly reduction: 'mean' | 'sum' | 'none';
  /**
   * Replace infinite losses (inputs too short for their targets) and their gradients by zero (constructor
   * option, default false).
   */
  readonly zeroInfinity: boolean;
  constructor(...args: CallArgs<typeof LOSS.CTCLoss>) {
    super();
    const a = ctorArgs('nn.CTCLoss', LOSS.CTCLoss, args);
    this.blank = a.blank;
    this.reduction = a.reduction;
    this.zeroInfinity = a.zeroInfinity;
  }
  override forward(
    logProbs: Tensor,
    targets: Tensor,
    inputLengths: Tensor | readonly number[],
    targetLengths: Tensor | readonly number[],
  ): Tensor {
    return ctcLoss(
      logProbs,
      targets,
      inputLengths,
      targetLengths,
      this.blank,
      this.reduction,
      this.zeroInfinity,
    );
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md).
const PADS = {
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
  ZeroPad2d,
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
} as const;
for (const [name, sig] of Object.entries(PAD))
  registerCtor(`nn.${name}`, sig, PADS[name as keyof typeof PAD]);
registerCtor('nn.MaxUnpool1d', UNPOOL.MaxUnpool1d, MaxUnpool1d);
registerCtor('nn.MaxUnpool2d', UNPOOL.MaxUnpool2d, MaxUnpool2d);
registerCtor('nn.MaxUnpool3d', UNPOOL.MaxUnpool3d, MaxUnpool3d);
registerCtor(
  'nn.FeatureAlphaDropout',
  'FeatureAlphaDropout(float p=0.5, bool inplace=False)',
  FeatureAlphaDropout,
);
registerCtor('nn.MultiLabelMarginLoss', LOSS.MultiLabelMarginLoss, MultiLabelMarginLoss);
registerCtor('nn.CTCLoss', LOSS.CTCLoss, CTCLoss);
