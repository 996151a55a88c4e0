/** optim.Adagrad (lrDecay, weightDecay, initialAccumulatorValue, eps, maximize), as torch.optim.Adagrad. */
import { fullLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams, unsupported } from './optimizer.js';

/** PyTorch 2.x's parameter list. */
const ADAGRAD_SIG =
  'Adagrad(Params params, float lr=0.01, float lr_decay=0, float weight_decay=0, float initial_accumulator_value=0, float eps=1e-10, bool? foreach=None, *, bool maximize=False, bool differentiable=False, bool? fused=None)';

/** Adagrad's hyperparameters (`foreach` chooses nothing: there is one, per-parameter, path). */
export type AdagradOptions = Hyper<typeof ADAGRAD_SIG>;

/**
 * Adagrad, as torch.optim.Adagrad: with g = grad (+ weightDecay · p; negated with `maximize`), the
 * accumulated sum s += g², and p -= clr · g / (sqrt(s) + eps), clr = lr / (1 + (step - 1) · lrDecay).
 *
 * Constructor: `params`, `lr` (default 0.01), `lrDecay` (default 0), `weightDecay` (default 0),
 * `initialAccumulatorValue` (default 0, the initial s), `eps` (default 1e-10), `foreach` (default null);
 * keyword-only `maximize` (default false), `differentiable` (only false), `fused` (only null or
 * false). State per parameter (created at construction): `step`, `sum`.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  static readonly label = 'optim.Adagrad';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = ADAGRAD_SIG;
  constructor(...args: CallArgs<typeof ADAGRAD_SIG>) {
    super(...splitParams(ctorArgs('optim.Adagrad', ADAGRAD_SIG, args)));
    // PyTorch creates the state eagerly in the constructor.
    for (const g of this.paramGroups) for (const p of g.params) this.initState(g, p);
  }
  private initState(g: ParamGroup<AdagradOptions>, p: Tensor): void {
    const s = this.stateOf(p);
    if (s.step === undefined) {
      s.step = 0;
      s.sum = fullLike(p, g.initialAccumulatorValue);
    }
  }
  protected override validate(g: ParamGroup<AdagradOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.lrDecay >= 0, `Invalid lr_decay value: ${g.lrDecay}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    checkRange(
      g.initialAccumulatorValue >= 0,
      `Invalid initial_accumulator_value value: ${g.initialAccumulatorValue}`,
    );
    checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    if (g.differentiable)
      unsupported(this.label, 'differentiable', true, 'optimizer steps run under noGrad in torchts');
    if (g.fused) unsupported(this.label, 'fused', true, 'torchts has no fused Adagrad routine');
  }
  protected override updateGroup(g: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      this.initState(g, p);
      const s = this.stateOf(p);
      s.step = (s.step as number) + 1;
      let grad = p.grad;
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const clr = lr / (1 + ((s.step as number) - 1) * lrDecay);
      const sum = s.sum as Tensor;
      sum.addcmul_(grad, grad, { value: 1 });
      const std = sum.sqrt().add_(eps);
      p.addcdiv_(grad, std, { value: -clr });
      std.dispose();
    }
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.Adagrad', ADAGRAD_SIG, Adagrad);
