/** optim.Adagrad (lrDecay, weightDecay, initialAccumulatorValue, eps, maximize), as torch.optim.Adagrad. */
import { fullLike } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkRange, Optimizer, type ParamGroup, type Params } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-2,
      lrDecay: opts.lrDecay ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      initialAccumulatorValue: opts.initialAccumulatorValue ?? 0,
      eps: opts.eps ?? 1e-10,
      maximize: opts.maximize ?? false,
    });
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
