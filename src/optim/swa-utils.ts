/**
 * optim.swa_utils (alias optim.swaUtils): SWALR, PyTorch 1.13's schedule that anneals each
 * group's lr to a fixed `swaLr` over `annealEpochs` epochs (cosine or linear) and holds it.
 * (AveragedModel needs a deep copy of a Module, which torchts does not have yet.)
 *
 * ```ts
 * const swa = new optim.swa_utils.SWALR(opt, { swaLr: 0.05, annealEpochs: 5 });
 * ```
 */
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { LRScheduler } from './lr-scheduler.js';

const SWALR_SIG =
  'SWALR(Optimizer optimizer, float|float[] swa_lr, int anneal_epochs=10, "cos"|"linear" anneal_strategy="cos", int last_epoch=-1)';

type Group = Record<string, unknown> & { lr: number; swaLr: number };

export class SWALR extends LRScheduler {
  readonly annealEpochs: number;
  readonly annealStrategy: 'cos' | 'linear';
  constructor(...args: CallArgs<typeof SWALR_SIG>) {
    const a = ctorArgs('optim.swa_utils.SWALR', SWALR_SIG, args);
    const groups = a.optimizer.paramGroups as unknown as Group[];
    const lrs = typeof a.swaLr === 'number' ? groups.map(() => a.swaLr as number) : [...a.swaLr];
    if (lrs.length !== groups.length)
      throw new RangeError(
        `swa_lr must have the same length as optimizer.param_groups: swa_lr has ${lrs.length}, optimizer.param_groups has ${groups.length}`,
      );
    groups.forEach((g, i) => {
      g.swaLr = lrs[i];
    });
    if (a.annealEpochs < 0)
      throw new RangeError(`anneal_epochs must be equal or greater than 0, got ${a.annealEpochs}`);
    super(a.optimizer, a.lastEpoch);
    this.annealEpochs = a.annealEpochs;
    this.annealStrategy = a.annealStrategy;
    this.initialStep();
  }
  private anneal(t: number): number {
    return this.annealStrategy === 'linear' ? t : (1 - Math.cos(Math.PI * t)) / 2;
  }
  protected getLr(): number[] {
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const clamp = (x: number) => Math.max(0, Math.min(1, x));
    const prevAlpha = this.anneal(clamp((step - 1) / Math.max(1, this.annealEpochs)));
    const alpha = this.anneal(clamp(step / Math.max(1, this.annealEpochs)));
    return (this.groups as Group[]).map((g) => {
      const prev = prevAlpha === 1 ? g.swaLr : (g.lr - prevAlpha * g.swaLr) / (1 - prevAlpha);
      return g.swaLr * alpha + prev * (1 - alpha);
    });
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.swa_utils.SWALR', SWALR_SIG, SWALR);
