/**
 * optim.SGD with momentum, dampening, Nesterov, weight decay and maximize, exactly as
 * torch.optim.SGD: the first step with momentum sets the buffer to the update itself.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), 0.01, 0.9); // lr, momentum: PyTorch's order
 * const opt2 = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
 * ```
 */

import { E } from '../backend/expr.js';
import { zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams, unsupported } from './optimizer.js';
import { checkFused, decayedGrad, k, P, runUpdate, S, set, type UpdateStep } from './program.js';

/** PyTorch 2.x's parameter list. */
const SGD_SIG =
  'SGD(Params params, float lr=0.001, float momentum=0, float dampening=0, float weight_decay=0, bool nesterov=False, *, bool maximize=False, bool? foreach=None, bool differentiable=False, bool? fused=None)';

/**
 * SGD's hyperparameters. `fused`: `null` takes the backend's fused routine when it has one,
 * `true` requires it, `false` forces the composed per-parameter path (as does `foreach: false`).
 */
export type SGDOptions = Hyper<typeof SGD_SIG>;

/**
 * Stochastic gradient descent with optional momentum, as torch.optim.SGD. Per step, with g = grad (+
 * weightDecay · p; negated with `maximize`): with momentum, b = momentum · b + (1 - dampening) · g (b = g on
 * the first step), then p -= lr · (nesterov ? g + momentum · b : b); without, p -= lr · g.
 *
 * Constructor, in PyTorch's order: `params`, `lr` (default 1e-3), `momentum` (default 0), `dampening`
 * (default 0), `weightDecay` (default 0), `nesterov` (default false); keyword-only `maximize` (default
 * false), `foreach` (default null), `differentiable` (only false), `fused` (default null). State per
 * parameter: `momentumBuffer`.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), 0.01, 0.9); // lr, momentum
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  static readonly label = 'optim.SGD';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = SGD_SIG;
  constructor(...args: CallArgs<typeof SGD_SIG>) {
    super(...splitParams(ctorArgs('optim.SGD', SGD_SIG, args)));
  }

  protected override validate(g: ParamGroup<SGDOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.momentum >= 0, `Invalid momentum value: ${g.momentum}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    if (g.differentiable)
      unsupported(this.label, 'differentiable', true, 'optimizer steps run under noGrad in torchts');
    checkFused(this.label, g);
  }

  /**
   * One program per group (two when some momentum buffers are new: PyTorch's first step sets
   * the buffer to the update itself).
   */
  protected override updateGroup(g: ParamGroup<SGDOptions>): void {
    const params = g.params.filter((p) => p.grad !== null);
    if (g.momentum === 0) {
      runUpdate(
        this.label,
        g,
        sgdProgram(g, false),
        params.map((p) => [p, p.grad!]),
      );
      return;
    }
    const fresh: Tensor[][] = [];
    const old: Tensor[][] = [];
    for (const p of params) {
      const s = this.stateOf(p);
      const isNew = !s.momentumBuffer;
      if (isNew) s.momentumBuffer = zerosLike(p);
      (isNew ? fresh : old).push([p, p.grad!, s.momentumBuffer as Tensor]);
    }
    if (fresh.length) runUpdate(this.label, g, sgdProgram(g, true), fresh);
    if (old.length) runUpdate(this.label, g, sgdProgram(g, false), old);
  }
}

/**
 * torch.optim.SGD's update, the only statement of it: d = grad (+ weightDecay * p, negated with
 * maximize); buf = momentum * buf + (1 - dampening) * d (d itself on the first step);
 * p -= lr * (nesterov ? d + momentum * buf : buf). Operands: [p, grad] or [p, grad, buf].
 */
export function sgdProgram(
  g: Pick<SGDOptions, 'lr' | 'momentum' | 'dampening' | 'weightDecay' | 'nesterov' | 'maximize'>,
  first: boolean,
): UpdateStep[] {
  const d = decayedGrad(g);
  if (g.momentum === 0) return [set(P, E.sub(P, E.mul(k(g.lr), d)))];
  const buf = S(0);
  return [
    set(buf, first ? d : E.add(E.mul(buf, k(g.momentum)), E.mul(k(1 - g.dampening), d))),
    set(P, E.sub(P, E.mul(k(g.lr), g.nesterov ? E.add(d, E.mul(k(g.momentum), buf)) : buf))),
  ];
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.SGD', SGD_SIG, SGD);
