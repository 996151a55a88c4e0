/**
 * optim.Adam and optim.AdamW (decoupled weight decay), with amsgrad and maximize, as
 * torch.optim's single-tensor path. Bias corrections use the host step count: no readback.
 *
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
import { zerosLike } from '../ops/creation.js';
import { maximum } from '../ops/pointwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { fusedAvailable, fusedStep } from './fused.js';
import { checkRange, Optimizer, type ParamGroup, type Params } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** Use the backend's fused routine when it has one (default). `false` forces the composed path. */
  fused: boolean | null;
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected override validate(g: ParamGroup<AdamOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    checkRange(g.betas[0] >= 0 && g.betas[0] < 1, `Invalid beta parameter at index 0: ${g.betas[0]}`);
    checkRange(g.betas[1] >= 0 && g.betas[1] < 1, `Invalid beta parameter at index 1: ${g.betas[1]}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
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
    if (g.fused !== false && fusedAvailable([...params, ...params.map((p) => p.grad!)])) {
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

function defaults(opts: Partial<AdamOptions>, wd: number): AdamOptions {
  return {
    lr: opts.lr ?? 1e-3,
    betas: opts.betas ? [opts.betas[0], opts.betas[1]] : [0.9, 0.999],
    eps: opts.eps ?? 1e-8,
    weightDecay: opts.weightDecay ?? wd,
    amsgrad: opts.amsgrad ?? false,
    maximize: opts.maximize ?? false,
    fused: opts.fused ?? null,
  };
}

/** Adam (L2 weight decay added to the gradient). Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, defaults(opts, 0));
  }
}

/** AdamW: weight decay applied to the parameter (p *= 1 - lr * wd). Default weightDecay 1e-2. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, defaults(opts, 1e-2));
  }
}
