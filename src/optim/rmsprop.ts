/** optim.RMSprop (alpha, eps, weightDecay, momentum, centered, maximize), as torch.optim.RMSprop. */
import { zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams, unsupported } from './optimizer.js';

/** PyTorch 2.x's parameter list (no keyword-only ones: all may be positional). */
const RMSPROP_SIG =
  'RMSprop(Params params, float lr=0.01, float alpha=0.99, float eps=1e-08, float weight_decay=0, float momentum=0, bool centered=False, bool capturable=False, bool? foreach=None, bool maximize=False, bool differentiable=False)';

/** RMSprop's hyperparameters (`foreach` chooses nothing: there is one, per-parameter, path). */
export type RMSpropOptions = Hyper<typeof RMSPROP_SIG>;

/**
 * RMSprop, as torch.optim.RMSprop: with g = grad (+ weightDecay · p; negated with `maximize`), v = alpha · v
 * + (1 - alpha) · g²; the denominator is sqrt(v) + eps, or with `centered` sqrt(v - m²) + eps where m = alpha
 * · m + (1 - alpha) · g. Then p -= lr · g / denom, or with momentum b = momentum · b + g / denom and p -= lr
 * · b.
 *
 * Constructor (all positional in PyTorch's order): `params`, `lr` (default 0.01), `alpha` (default 0.99),
 * `eps` (default 1e-8), `weightDecay` (default 0), `momentum` (default 0), `centered` (default false),
 * `capturable` (only false), `foreach` (default null), `maximize` (default false), `differentiable` (only
 * false). State: `step`, `squareAvg`, `momentumBuffer`, `gradAvg`.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  static readonly label = 'optim.RMSprop';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = RMSPROP_SIG;
  constructor(...args: CallArgs<typeof RMSPROP_SIG>) {
    super(...splitParams(ctorArgs('optim.RMSprop', RMSPROP_SIG, args)));
  }
  protected override validate(g: ParamGroup<RMSpropOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    checkRange(g.momentum >= 0, `Invalid momentum value: ${g.momentum}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    checkRange(g.alpha >= 0, `Invalid alpha value: ${g.alpha}`);
    if (g.capturable)
      unsupported(this.label, 'capturable', true, 'step counts are host numbers (no CUDA graphs)');
    if (g.differentiable)
      unsupported(this.label, 'differentiable', true, 'optimizer steps run under noGrad in torchts');
  }
  protected override updateGroup(g: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.squareAvg = zerosLike(p);
        if (momentum > 0) s.momentumBuffer = zerosLike(p);
        if (centered) s.gradAvg = zerosLike(p);
      }
      s.step = (s.step as number) + 1;
      let grad = p.grad;
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
      const sq = s.squareAvg as Tensor;
      sq.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (centered) {
        const ga = s.gradAvg as Tensor;
        ga.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = sq.sub(ga.mul(ga)).sqrt_();
      } else avg = sq.sqrt();
      avg.add_(eps);
      if (momentum > 0) {
        const buf = s.momentumBuffer as Tensor;
        buf.mul_(momentum).addcdiv_(grad, avg);
        p.add_(buf, { alpha: -lr });
      } else p.addcdiv_(grad, avg, { value: -lr });
      avg.dispose();
    }
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.RMSprop', RMSPROP_SIG, RMSprop);
