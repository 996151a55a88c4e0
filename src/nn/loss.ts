/**
 * Loss modules over the functional losses of src/ops/loss.ts, with PyTorch's constructor
 * signatures (src/signature): `new nn.CrossEntropyLoss({ labelSmoothing: 0.1 })` or positionally
 * in PyTorch's order, the deprecated `size_average`/`reduce` pair included. `weight` (and
 * BCEWithLogits' `posWeight`) are registered buffers, so `criterion.to(device)` moves them, as in
 * PyTorch.
 */
import * as L from '../ops/loss.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
// Bound F.* forms where autocast has a policy (its call hook sees bound calls).
import { crossEntropy, l1Loss, legacyReduction, mseLoss, nllLoss } from './functional.js';
import { Module } from './module.js';

/** How a loss reduces its per-element values: `'mean'`, `'sum'` or `'none'` (unreduced). */
export type Reduction = L.Reduction;

const REDUCTION = '"mean"|"sum"|"none" reduction="mean"';
const LEGACY = `bool? size_average=None, bool? reduce=None, ${REDUCTION}` as const;

abstract class Loss extends Module {
  /**
   * `'mean'` (default), `'sum'` or `'none'`; the deprecated `sizeAverage`/`reduce` pair overrides it when
   * given.
   */
  readonly reduction: Reduction;
  constructor(a: { sizeAverage: boolean | null; reduce: boolean | null; reduction: Reduction }) {
    super();
    this.reduction = legacyReduction(a);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

abstract class WeightedLoss extends Loss {
  /** Per-class weights (C), a registered buffer (constructor option, default null). */
  declare weight: Tensor | null;
  constructor(a: {
    weight: Tensor | null;
    sizeAverage: boolean | null;
    reduce: boolean | null;
    reduction: Reduction;
  }) {
    super(a);
    this.registerBuffer('weight', a.weight);
  }
}

const CROSS_ENTROPY_LOSS =
  `CrossEntropyLoss(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, ${REDUCTION}, float label_smoothing=0.0)` as const;
/** The options form of CrossEntropyLoss's parameters. */
export interface CrossEntropyLossOptions {
  /** Per-class rescaling weights (C) (default null: all 1). */
  weight?: Tensor | null;
  /** Deprecated: false means `'sum'` (default null: use `reduction`). */
  sizeAverage?: boolean | null;
  /** Target value that contributes neither loss nor gradient (default -100). */
  ignoreIndex?: number;
  /** Deprecated: false means `'none'` (default null: use `reduction`). */
  reduce?: boolean | null;
  /** `'mean'` (default, weighted by `weight` over the non-ignored targets), `'sum'` or `'none'`. */
  reduction?: Reduction;
  /**
   * In [0, 1]: the target mixes the one-hot (or given) distribution with the uniform one by this amount
   * (default 0.0).
   */
  labelSmoothing?: number;
}
/**
 * Cross entropy of logits: log-softmax over the class dimension, then the negative log likelihood of the
 * target. Input (N, C), (C) or (N, C, d1, ...); target class indices (N), () or (N, d1, ...) in [0, C), or
 * class probabilities of the input's shape.
 *
 * Constructor (positional in PyTorch's order, or options): `weight` (default null), `sizeAverage` and
 * `reduce` (deprecated, default null), `ignoreIndex` (default -100), `reduction` (default `'mean'`),
 * `labelSmoothing` (default 0.0). Output a scalar, or (N, d1, ...) with `'none'`.
 */
export class CrossEntropyLoss extends WeightedLoss {
  /**
   * Target value ignored: no loss, no gradient, not counted in the mean (constructor option, default -100).
   */
  readonly ignoreIndex: number;
  /** Amount of uniform distribution mixed into the target (constructor option, default 0.0). */
  readonly labelSmoothing: number;
  constructor(...args: CallArgs<typeof CROSS_ENTROPY_LOSS>) {
    const a = ctorArgs('nn.CrossEntropyLoss', CROSS_ENTROPY_LOSS, args);
    super(a);
    this.ignoreIndex = a.ignoreIndex;
    this.labelSmoothing = a.labelSmoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

const NLL_LOSS =
  `NLLLoss(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, ${REDUCTION})` as const;
/**
 * Negative log likelihood: -input[n, target[n]] (times weight[target[n]]) for log-probabilities input (N, C)
 * or (N, C, d1, ...) and class indices target (N) or (N, d1, ...). Constructor: `weight` (default null),
 * `sizeAverage`/`reduce` (deprecated), `ignoreIndex` (default -100), `reduction` (default `'mean'`, the
 * weighted mean).
 */
export class NLLLoss extends WeightedLoss {
  /**
   * Target value ignored: no loss, no gradient, not counted in the mean (constructor option, default -100).
   */
  readonly ignoreIndex: number;
  constructor(...args: CallArgs<typeof NLL_LOSS>) {
    const a = ctorArgs('nn.NLLLoss', NLL_LOSS, args);
    super(a);
    this.ignoreIndex = a.ignoreIndex;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

const MSE_LOSS = `MSELoss(${LEGACY})` as const;
/**
 * Squared error (input - target)² elementwise, reduced by `reduction` (default `'mean'`;
 * `sizeAverage`/`reduce` deprecated). Input and target of the same shape (*); output a scalar, or (*) with
 * `'none'`.
 */
export class MSELoss extends Loss {
  constructor(...args: CallArgs<typeof MSE_LOSS>) {
    super(ctorArgs('nn.MSELoss', MSE_LOSS, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

const L1_LOSS = `L1Loss(${LEGACY})` as const;
/**
 * Absolute error |input - target| elementwise, reduced by `reduction` (default `'mean'`;
 * `sizeAverage`/`reduce` deprecated). Input and target (*); output a scalar, or (*) with `'none'`.
 */
export class L1Loss extends Loss {
  constructor(...args: CallArgs<typeof L1_LOSS>) {
    super(ctorArgs('nn.L1Loss', L1_LOSS, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

const SMOOTH_L1_LOSS = `SmoothL1Loss(${LEGACY}, float beta=1.0)` as const;
/**
 * 0.5 (x - y)² / beta where |x - y| < beta, else |x - y| - 0.5 beta, reduced by `reduction` (default
 * `'mean'`). Constructor: `sizeAverage`, `reduce` (deprecated), `reduction`, `beta` (default 1.0,
 * non-negative). Input and target (*).
 */
export class SmoothL1Loss extends Loss {
  /** Where the loss changes from quadratic to linear (constructor option, default 1.0). */
  readonly beta: number;
  constructor(...args: CallArgs<typeof SMOOTH_L1_LOSS>) {
    const a = ctorArgs('nn.SmoothL1Loss', SMOOTH_L1_LOSS, args);
    super(a);
    this.beta = a.beta;
    if (this.beta < 0) throw new RangeError('smooth_l1_loss does not support negative values for beta.');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

const HUBER_LOSS = `HuberLoss(${REDUCTION}, float delta=1.0)` as const;
/**
 * 0.5 (x - y)² where |x - y| < delta, else delta (|x - y| - 0.5 delta), reduced by `reduction` (default
 * `'mean'`). Constructor: `reduction`, `delta` (default 1.0). Input and target (*).
 */
export class HuberLoss extends Loss {
  /** Where the loss changes from quadratic to linear (constructor option, default 1.0). */
  readonly delta: number;
  constructor(...args: CallArgs<typeof HUBER_LOSS>) {
    const a = ctorArgs('nn.HuberLoss', HUBER_LOSS, args);
    super({ sizeAverage: null, reduce: null, reduction: a.reduction });
    this.delta = a.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

const BCE_LOSS = `BCELoss(Tensor? weight=None, ${LEGACY})` as const;
/**
 * Binary cross entropy -w (y log x + (1 - y) log(1 - x)) of probabilities input (*) against targets in [0, 1]
 * of the same shape (logs clamped at -100). Constructor: `weight` (default null, broadcast to the input),
 * `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`).
 */
export class BCELoss extends WeightedLoss {
  constructor(...args: CallArgs<typeof BCE_LOSS>) {
    super(ctorArgs('nn.BCELoss', BCE_LOSS, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

const BCE_WITH_LOGITS_LOSS =
  `BCEWithLogitsLoss(Tensor? weight=None, ${LEGACY}, Tensor? pos_weight=None)` as const;
/**
 * Binary cross entropy on logits, with the sigmoid folded in for numerical stability: -w (p y log σ(x) + (1 -
 * y) log(1 - σ(x))). Constructor: `weight` (default null), `sizeAverage`/`reduce` (deprecated), `reduction`
 * (default `'mean'`), `posWeight` (default null: a weight of the positive term per class, broadcast along the
 * last dimension). Input and target (*).
 */
export class BCEWithLogitsLoss extends Loss {
  /**
   * Rescaling weight of each element's loss, broadcast to the input; a registered buffer (constructor option,
   * default null).
   */
  declare weight: Tensor | null;
  /** Weight of the positive term, per class; a registered buffer (constructor option, default null). */
  declare posWeight: Tensor | null;
  constructor(...args: CallArgs<typeof BCE_WITH_LOGITS_LOSS>) {
    const a = ctorArgs('nn.BCEWithLogitsLoss', BCE_WITH_LOGITS_LOSS, args);
    super(a);
    this.registerBuffer('weight', a.weight);
    this.registerBuffer('posWeight', a.posWeight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

const KL_DIV_LOSS =
  'KLDivLoss(bool? size_average=None, bool? reduce=None, "mean"|"sum"|"none"|"batchmean" reduction="mean", bool log_target=False)';
/**
 * Kullback–Leibler divergence KL(target ‖ input) pointwise, target · (log target - input), with `input` given
 * as log-probabilities. Constructor: `sizeAverage`/`reduce` (deprecated), `reduction` (default `'mean'`, over
 * all elements; `'batchmean'`, the sum over the batch size, is the true KL divergence), `logTarget` (default
 * false: true when the target is given as log-probabilities too). Input and target (*).
 */
export class KLDivLoss extends Module {
  /**
   * `'mean'` (default, over all elements), `'batchmean'` (sum divided by the batch size, the true KL
   * divergence), `'sum'` or `'none'`.
   */
  readonly reduction: Reduction | 'batchmean';
  /** Whether the target is given as log-probabilities too (constructor option, default false). */
  readonly logTarget: boolean;
  constructor(...args: CallArgs<typeof KL_DIV_LOSS>) {
    super();
    const a = ctorArgs('nn.KLDivLoss', KL_DIV_LOSS, args);
    this.reduction =
      a.reduction === 'batchmean' ? 'batchmean' : legacyReduction({ ...a, reduction: a.reduction });
    this.logTarget = a.logTarget;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.CrossEntropyLoss', CROSS_ENTROPY_LOSS, CrossEntropyLoss);
registerCtor('nn.NLLLoss', NLL_LOSS, NLLLoss);
registerCtor('nn.MSELoss', MSE_LOSS, MSELoss);
registerCtor('nn.L1Loss', L1_LOSS, L1Loss);
registerCtor('nn.SmoothL1Loss', SMOOTH_L1_LOSS, SmoothL1Loss);
registerCtor('nn.HuberLoss', HUBER_LOSS, HuberLoss);
registerCtor('nn.BCELoss', BCE_LOSS, BCELoss);
registerCtor('nn.BCEWithLogitsLoss', BCE_WITH_LOGITS_LOSS, BCEWithLogitsLoss);
registerCtor('nn.KLDivLoss', KL_DIV_LOSS, KLDivLoss);
