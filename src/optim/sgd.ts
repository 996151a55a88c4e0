/**
 * optim.SGD with momentum, dampening, Nesterov, weight decay and maximize, exactly as
 * torch.optim.SGD: the first step with momentum sets the buffer to the update itself.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
 * ```
 */
import { zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { fusedAvailable, fusedStep } from './fused.js';
import { checkRange, Optimizer, type ParamGroup, type Params } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** Use the backend's fused routine when it has one (default). `false` forces the composed path. */
  fused: boolean | null;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, opts: Partial<SGDOptions> & { lr?: number } = {}) {
    super(params, {
      lr: opts.lr ?? 1e-3,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false,
      maximize: opts.maximize ?? false,
      fused: opts.fused ?? null,
    });
  }

  protected override validate(g: ParamGroup<SGDOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.momentum >= 0, `Invalid momentum value: ${g.momentum}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  }

  protected override updateGroup(g: ParamGroup<SGDOptions>): void {
    const params = g.params.filter((p) => p.grad !== null);
    if (g.fused !== false && fusedAvailable([...params, ...params.map((p) => p.grad!)])) {
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
