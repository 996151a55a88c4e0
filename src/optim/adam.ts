/**
 * optim.Adam and optim.AdamW (decoupled weight decay), with amsgrad and maximize, as
 * torch.optim's single-tensor path. Bias corrections use the host step count: no readback.
 *
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), 1e-3, [0.9, 0.95]); // lr, betas: PyTorch's order
 * const opt2 = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01, amsgrad: true });
 * ```
 */
import { zerosLike } from '../ops/creation.js';
import { maximum } from '../ops/pointwise.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFused, fusedStep, useFused } from './fused.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams, unsupported } from './optimizer.js';

/** PyTorch 2.x's parameter lists. */
const ADAM_SIG =
  'Adam(Params params, float lr=0.001, float[2] betas=[0.9,0.999], float eps=1e-08, float weight_decay=0, bool amsgrad=False, *, bool? foreach=None, bool maximize=False, bool capturable=False, bool differentiable=False, bool? fused=None)';
const ADAMW_SIG =
  'AdamW(Params params, float lr=0.001, float[2] betas=[0.9,0.999], float eps=1e-08, float weight_decay=0.01, bool amsgrad=False, *, bool maximize=False, bool? foreach=None, bool capturable=False, bool differentiable=False, bool? fused=None)';

/**
 * Adam's and AdamW's hyperparameters. `fused`: `null` takes the backend's fused routine when it
 * has one, `true` requires it, `false` forces the composed path (as does `foreach: false`).
 */
export type AdamOptions = Hyper<typeof ADAM_SIG>;

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected override validate(g: ParamGroup<AdamOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    checkRange(g.betas[0] >= 0 && g.betas[0] < 1, `Invalid beta parameter at index 0: ${g.betas[0]}`);
    checkRange(g.betas[1] >= 0 && g.betas[1] < 1, `Invalid beta parameter at index 1: ${g.betas[1]}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    if (g.capturable)
      unsupported(this.label, 'capturable', true, 'step counts are host numbers (no CUDA graphs)');
    if (g.differentiable)
      unsupported(this.label, 'differentiable', true, 'optimizer steps run under noGrad in torchts');
    checkFused(this.label, g);
  }

  private init(g: ParamGroup<AdamOptions>, p: Tensor) {
    const s = this.stateOf(p);
    if (s.step === undefined) {
      s.step = 0;
      s.expAvg = zerosLike(p);
      s.expAvgSq = zerosLike(p);
    }
    if (g.amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = zerosLike(p);
    return s as { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };
  }

  protected override updateGroup(g: ParamGroup<AdamOptions>): void {
    const params = g.params.filter((p) => p.grad !== null);
    if (useFused(this.label, g, params)) {
      // Group by step count (equal unless parameters joined at different times).
      const bySteps = new Map<number, Tensor[]>();
      for (const p of params) {
        const s = this.init(g, p);
        s.step += 1;
        bySteps.set(s.step, [...(bySteps.get(s.step) ?? []), p]);
      }
      for (const [step, ps] of bySteps) {
        const st = ps.map((p) => {
          const s = this.init(g, p);
          return g.amsgrad ? [s.expAvg, s.expAvgSq, s.maxExpAvgSq!] : [s.expAvg, s.expAvgSq];
        });
        fusedStep(
          this.decoupled ? 'adamw' : 'adam',
          ps,
          ps.map((p) => p.grad!),
          st,
          {
            lr: g.lr,
            beta1: g.betas[0],
            beta2: g.betas[1],
            eps: g.eps,
            weightDecay: g.weightDecay,
            step,
            amsgrad: g.amsgrad,
            maximize: g.maximize,
          },
        );
      }
      return;
    }
    for (const p of params) this.single(g, p);
  }

  private single(g: ParamGroup<AdamOptions>, p: Tensor): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = g;
    const [beta1, beta2] = g.betas;
    const s = this.init(g, p);
    const temps: Tensor[] = [];
    let grad = p.grad!;
    if (maximize) temps.push((grad = grad.neg()));
    s.step += 1;
    if (weightDecay !== 0) {
      if (this.decoupled) p.mul_(1 - lr * weightDecay);
      else temps.push((grad = grad.add(p, { alpha: weightDecay })));
    }
    s.expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    s.expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const bc1 = 1 - beta1 ** s.step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
    let second = s.expAvgSq;
    if (amsgrad) {
      const m = maximum(s.maxExpAvgSq!, s.expAvgSq);
      s.maxExpAvgSq!.copy_(m);
      m.dispose();
      second = s.maxExpAvgSq!;
    }
    const denom = second.sqrt().div_(bc2Sqrt).add_(eps);
    p.addcdiv_(s.expAvg, denom, { value: -lr / bc1 });
    denom.dispose();
    for (const t of temps) t.dispose();
  }
}

/** Adam (L2 weight decay added to the gradient). Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
export class Adam extends AdamBase {
  static readonly label = 'optim.Adam';
  static readonly signature = ADAM_SIG;
  protected readonly decoupled = false;
  constructor(...args: CallArgs<typeof ADAM_SIG>) {
    super(...splitParams(ctorArgs('optim.Adam', ADAM_SIG, args)));
  }
}

/** AdamW: weight decay applied to the parameter (p *= 1 - lr * wd). Default weightDecay 1e-2. */
export class AdamW extends AdamBase {
  static readonly label = 'optim.AdamW';
  static readonly signature = ADAMW_SIG;
  protected readonly decoupled = true;
  constructor(...args: CallArgs<typeof ADAMW_SIG>) {
    super(...splitParams(ctorArgs('optim.AdamW', ADAMW_SIG, args)));
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.Adam', ADAM_SIG, Adam);
registerCtor('optim.AdamW', ADAMW_SIG, AdamW);
