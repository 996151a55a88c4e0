/**
 * optim.SGD with momentum, dampening, Nesterov, weight decay and maximize, exactly as
 * torch.optim.SGD: the first step with momentum sets the buffer to the update itself.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), 0.01, 0.9); // lr, momentum: PyTorch's order
 * const opt2 = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
 * ```
 */
import { zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFused, fusedStep, useFused } from './fused.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams, unsupported } from './optimizer.js';

/** PyTorch 2.x's parameter list. */
const SGD_SIG =
  'SGD(Params params, float lr=0.001, float momentum=0, float dampening=0, float weight_decay=0, bool nesterov=False, *, bool maximize=False, bool? foreach=None, bool differentiable=False, bool? fused=None)';

/**
 * SGD's hyperparameters. `fused`: `null` takes the backend's fused routine when it has one,
 * `true` requires it, `false` forces the composed per-parameter path (as does `foreach: false`).
 */
export type SGDOptions = Hyper<typeof SGD_SIG>;

export class SGD extends Optimizer<SGDOptions> {
  static readonly label = 'optim.SGD';
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

  protected override updateGroup(g: ParamGroup<SGDOptions>): void {
    const params = g.params.filter((p) => p.grad !== null);
    if (useFused(this.label, g, params)) {
      this.fused(g, params);
      return;
    }
    for (const p of params) this.single(g, p);
  }

  private single(g: ParamGroup<SGDOptions>, p: Tensor): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    // Temporaries are freed at once so device memory stays flat across steps.
    const temps: Tensor[] = [];
    const tmp = (t: Tensor) => {
      temps.push(t);
      return t;
    };
    let d = p.grad!;
    if (maximize) d = tmp(d.neg());
    if (weightDecay !== 0) d = tmp(d.add(p, { alpha: weightDecay }));
    if (momentum !== 0) {
      const s = this.stateOf(p);
      let buf = s.momentumBuffer as Tensor | undefined;
      if (!buf) s.momentumBuffer = buf = d.clone();
      else buf.mul_(momentum).add_(d, { alpha: 1 - dampening });
      d = nesterov ? tmp(d.add(buf, { alpha: momentum })) : buf;
    }
    p.add_(d, { alpha: -lr });
    for (const t of temps) t.dispose();
  }

  /** One routine call per group, two when some buffers are new (their first step differs). */
  private fused(g: ParamGroup<SGDOptions>, params: Tensor[]): void {
    const hyper = {
      lr: g.lr,
      momentum: g.momentum,
      dampening: g.dampening,
      weightDecay: g.weightDecay,
      nesterov: g.nesterov,
      maximize: g.maximize,
    };
    if (g.momentum === 0) {
      fusedStep(
        'sgd',
        params,
        params.map((p) => p.grad!),
        params.map(() => []),
        { ...hyper, step: 2 },
      );
      return;
    }
    const fresh: Tensor[] = [];
    const old: Tensor[] = [];
    for (const p of params) (this.state.get(p)?.momentumBuffer ? old : fresh).push(p);
    for (const [ps, step] of [
      [fresh, 1],
      [old, 2],
    ] as const) {
      if (!ps.length) continue;
      const bufs = ps.map((p) => {
        const s = this.stateOf(p);
        if (!s.momentumBuffer) s.momentumBuffer = zerosLike(p);
        return [s.momentumBuffer as Tensor];
      });
      fusedStep(
        'sgd',
        ps,
        ps.map((p) => p.grad!),
        bufs,
        { ...hyper, step },
      );
    }
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.SGD', SGD_SIG, SGD);
