/**
 * optim.Adam and optim.AdamW (decoupled weight decay), with amsgrad and maximize, as
 * torch.optim's single-tensor path. Bias corrections use the host step count: no readback.
 *
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), 1e-3, [0.9, 0.95]); // lr, betas: PyTorch's order
 * const opt2 = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01, amsgrad: true });
 * ```
 */

import { E } from '../backend/expr.js';
import { zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams, unsupported } from './optimizer.js';
import { checkFused, decayedGrad, k, lerp, P, runUpdate, S, set, type UpdateStep } from './program.js';

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
    // One program per step count (equal unless parameters joined at different times).
    const bySteps = new Map<number, Tensor[][]>();
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.init(g, p);
      s.step += 1;
      const set = [p, p.grad, s.expAvg, s.expAvgSq, ...(g.amsgrad ? [s.maxExpAvgSq!] : [])];
      bySteps.set(s.step, [...(bySteps.get(s.step) ?? []), set]);
    }
    for (const [step, sets] of bySteps) runUpdate(this.label, g, adamProgram(g, step, this.decoupled), sets);
  }
}

/**
 * torch.optim.Adam's (and AdamW's, `decoupled`) update, the only statement of it. Operands
 * [p, grad, expAvg, expAvgSq] (+ maxExpAvgSq with amsgrad); `step` counts this update (>= 1),
 * bias corrections are host numbers.
 */
export function adamProgram(
  g: Pick<AdamOptions, 'lr' | 'betas' | 'eps' | 'weightDecay' | 'amsgrad' | 'maximize'>,
  step: number,
  decoupled: boolean,
): UpdateStep[] {
  const [beta1, beta2] = g.betas;
  const { lr, weightDecay: wd } = g;
  const out: UpdateStep[] = [];
  if (decoupled && wd !== 0) out.push(set(P, E.mul(P, k(1 - lr * wd))));
  const grad = decayedGrad({ maximize: g.maximize, weightDecay: decoupled ? 0 : wd });
  const [m, v, vmax] = [S(0), S(1), S(2)];
  out.push(set(m, lerp(m, grad, 1 - beta1)));
  out.push(set(v, E.add(E.mul(v, k(beta2)), E.mul(E.mul(k(1 - beta2), grad), grad))));
  if (g.amsgrad) out.push(set(vmax, E.max(vmax, v)));
  const denom = E.add(E.div(E.sqrt(g.amsgrad ? vmax : v), k(Math.sqrt(1 - beta2 ** step))), k(g.eps));
  out.push(set(P, E.add(P, E.mul(k(-lr / (1 - beta1 ** step)), E.div(m, denom)))));
  return out;
}

/**
 * Adam, as torch.optim.Adam: with g = grad (+ weightDecay · p, L2 added to the gradient; negated with
 * `maximize`), m = β1 · m + (1 - β1) · g, v = β2 · v + (1 - β2) · g², and p -= lr / (1 - β1^t) · m /
 * (sqrt(v̂) / sqrt(1 - β2^t) + eps), where v̂ is v, or with `amsgrad` the running maximum of v.
 *
 * Constructor, in PyTorch's order: `params`, `lr` (default 1e-3), `betas` (default [0.9, 0.999]), `eps`
 * (default 1e-8), `weightDecay` (default 0), `amsgrad` (default false); keyword-only `foreach` (default
 * null), `maximize` (default false), `capturable` and `differentiable` (only false), `fused` (default null:
 * the backend's fused routine when it has one). State: `step`, `expAvg`, `expAvgSq`, `maxExpAvgSq`.
 *
 * ```ts
 * const opt = new optim.Adam(model.parameters(), 1e-3, [0.9, 0.98]); // lr, betas
 * ```
 */
export class Adam extends AdamBase {
  static readonly label = 'optim.Adam';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = ADAM_SIG;
  protected readonly decoupled = false;
  constructor(...args: CallArgs<typeof ADAM_SIG>) {
    super(...splitParams(ctorArgs('optim.Adam', ADAM_SIG, args)));
  }
}

/**
 * AdamW, Adam with decoupled weight decay, as torch.optim.AdamW: each step first shrinks the parameter, p *=
 * 1 - lr · weightDecay, then applies Adam's update to the raw gradient (see Adam).
 *
 * Constructor, in PyTorch's order: `params`, `lr` (default 1e-3), `betas` (default [0.9, 0.999]), `eps`
 * (default 1e-8), `weightDecay` (default 0.01), `amsgrad` (default false); keyword-only `maximize` (default
 * false), `foreach` (default null), `capturable` and `differentiable` (only false), `fused` (default null).
 * State: `step`, `expAvg`, `expAvgSq`, `maxExpAvgSq`.
 */
export class AdamW extends AdamBase {
  static readonly label = 'optim.AdamW';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = ADAMW_SIG;
  protected readonly decoupled = true;
  constructor(...args: CallArgs<typeof ADAMW_SIG>) {
    super(...splitParams(ctorArgs('optim.AdamW', ADAMW_SIG, args)));
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.Adam', ADAM_SIG, Adam);
registerCtor('optim.AdamW', ADAMW_SIG, AdamW);
