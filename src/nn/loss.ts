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

export type Reduction = L.Reduction;

const REDUCTION = '"mean"|"sum"|"none" reduction="mean"';
const LEGACY = `bool? size_average=None, bool? reduce=None, ${REDUCTION}` as const;

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(a: { sizeAverage: boolean | null; reduce: boolean | null; reduction: Reduction }) {
    super();
    this.reduction = legacyReduction(a);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

abstract class WeightedLoss extends Loss {
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
  weight?: Tensor | null;
  sizeAverage?: boolean | null;
  ignoreIndex?: number;
  reduce?: boolean | null;
  reduction?: Reduction;
  labelSmoothing?: number;
}
/** log-softmax + NLL over logits [N, C, ...] with class indices or class probabilities as target. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
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
export class NLLLoss extends WeightedLoss {
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
export class MSELoss extends Loss {
  constructor(...args: CallArgs<typeof MSE_LOSS>) {
    super(ctorArgs('nn.MSELoss', MSE_LOSS, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

const L1_LOSS = `L1Loss(${LEGACY})` as const;
export class L1Loss extends Loss {
  constructor(...args: CallArgs<typeof L1_LOSS>) {
    super(ctorArgs('nn.L1Loss', L1_LOSS, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

const SMOOTH_L1_LOSS = `SmoothL1Loss(${LEGACY}, float beta=1.0)` as const;
export class SmoothL1Loss extends Loss {
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
export class HuberLoss extends Loss {
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
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
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
/** KL(target || input) with input as log-probabilities; `reduction: 'batchmean'` is the mathematically right mean. */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | 'batchmean';
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
