/** optim.RMSprop (alpha, eps, weightDecay, momentum, centered, maximize), as torch.optim.RMSprop. */
import { zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkRange, Optimizer, type ParamGroup, type Params } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-2,
      alpha: opts.alpha ?? 0.99,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      momentum: opts.momentum ?? 0,
      centered: opts.centered ?? false,
      maximize: opts.maximize ?? false,
    });
  }
  protected override validate(g: ParamGroup<RMSpropOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    checkRange(g.momentum >= 0, `Invalid momentum value: ${g.momentum}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    checkRange(g.alpha >= 0, `Invalid alpha value: ${g.alpha}`);
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
