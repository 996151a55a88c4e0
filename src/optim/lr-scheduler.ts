/**
 * optim.lrScheduler (alias optim.lr_scheduler): StepLR, MultiStepLR, ExponentialLR,
 * CosineAnnealingLR, LinearLR, OneCycleLR with PyTorch 1.13's arithmetic: `step()` uses each
 * scheduler's recursive ("chainable") form, so values match torch to the last bit, and
 * `step(epoch)` the closed form where PyTorch has one. Constructors take PyTorch 2.x's
 * parameter lists, positionally or by name.
 *
 * ```ts
 * const sched = new optim.lrScheduler.StepLR(opt, 30, 0.1); // or (opt, { stepSize: 30, gamma: 0.1 })
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 * ```
 */
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { Bound, CallArgs } from '../signature/types.js';
import type { Optimizer } from './optimizer.js';

// PyTorch 2.x's parameter lists. `verbose` is deprecated there but still honoured: `true`
// prints each group's new lr on every step, as PyTorch does.
const LR_SCHEDULER_SIG =
  'LRScheduler(Optimizer optimizer, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const STEP_LR_SIG =
  'StepLR(Optimizer optimizer, int step_size, float gamma=0.1, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const MULTI_STEP_LR_SIG =
  'MultiStepLR(Optimizer optimizer, int[] milestones, float gamma=0.1, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const EXPONENTIAL_LR_SIG =
  'ExponentialLR(Optimizer optimizer, float gamma, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const COSINE_ANNEALING_LR_SIG =
  'CosineAnnealingLR(Optimizer optimizer, int T_max, float eta_min=0, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const LINEAR_LR_SIG =
  'LinearLR(Optimizer optimizer, float start_factor=0.3333333333333333, float end_factor=1, int total_iters=5, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const ONE_CYCLE_LR_SIG =
  'OneCycleLR(Optimizer optimizer, float|float[] max_lr, int? total_steps=None, int? epochs=None, int? steps_per_epoch=None, float pct_start=0.3, "cos"|"linear" anneal_strategy="cos", bool cycle_momentum=True, float|float[] base_momentum=0.85, float|float[] max_momentum=0.95, float div_factor=25, float final_div_factor=10000, bool three_phase=False, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const SCHED_STEP_SIG = 'LRScheduler.step(int? epoch=None)';
const GET_LAST_LR_SIG = 'LRScheduler.get_last_lr()';
const SCHED_STATE_DICT_SIG = 'LRScheduler.state_dict()';
const SCHED_LOAD_STATE_DICT_SIG = 'LRScheduler.load_state_dict(dict state_dict)';

/** Python's `f"{x:.4e}"` (two-digit exponent). */
const sci = (x: number): string =>
  x
    .toExponential(4)
    .replace(/e([+-])(\d)$/, 'e$10$2')
    .replace(/e\+?/, (m) => (m === 'e+' ? 'e+' : 'e'));

type Group = Record<string, unknown> & { lr: number };

// PyTorch's attribute names where the camelCase rule does not give them back.
const special: Record<string, string> = {
  TMax: 'T_max',
  stepCount: '_step_count',
  lastLr: '_last_lr',
  schedulePhases: '_schedule_phases',
};
const unspecial = Object.fromEntries(Object.entries(special).map(([a, b]) => [b, a]));
const snake = (k: string) => special[k] ?? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string) => unspecial[k] ?? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Python's % (result has the divisor's sign). */
const pyMod = (a: number, b: number) => ((a % b) + b) % b;

export abstract class LRScheduler {
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  readonly optimizer: Optimizer<any>;
  /** PyTorch's deprecated flag: `true` prints each new lr. */
  readonly verbose: boolean;

  /** `LRScheduler(optimizer, last_epoch=-1, verbose="deprecated")`, for subclasses. */
  constructor(...args: CallArgs<typeof LR_SCHEDULER_SIG>) {
    const { optimizer, lastEpoch, verbose } = ctorArgs(
      'optim.lrScheduler.LRScheduler',
      LR_SCHEDULER_SIG,
      args,
    );
    this.optimizer = optimizer;
    if (verbose !== 'deprecated')
      console.warn(
        `${this.constructor.name}: the verbose parameter is deprecated (as in PyTorch); use getLastLr() to read the learning rate.`,
      );
    this.verbose = verbose === true;
    const groups = this.groups;
    for (const [i, g] of groups.entries()) {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined)
        throw new Error(
          `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
        );
    }
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected get groups(): Group[] {
    return this.optimizer.paramGroups as unknown as Group[];
  }

  /** The recursive form: next lrs from the current ones. */
  protected abstract getLr(): number[];
  /** The closed form at `lastEpoch`, where the schedule has one. */
  protected closedFormLr?(): number[];

  /** Advances one epoch (or jumps to `epoch`, deprecated in PyTorch) and sets each group's lr. */
  step(...args: CallArgs<typeof SCHED_STEP_SIG>): void {
    const { epoch } = ctorArgs('optim.lrScheduler.LRScheduler.step', SCHED_STEP_SIG, args);
    this.stepCount += 1;
    let values: number[];
    if (epoch === null) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
    if (this.verbose)
      this.lastLr.forEach((lr, i) => {
        console.log(
          epoch === null
            ? `Adjusting learning rate of group ${i} to ${sci(lr)}.`
            : `Epoch ${String(epoch).padStart(5, '0')}: adjusting learning rate of group ${i} to ${sci(lr)}.`,
        );
      });
  }

  /** The learning rates set by the last step. */
  getLastLr(...args: CallArgs<typeof GET_LAST_LR_SIG>): number[] {
    ctorArgs('optim.lrScheduler.LRScheduler.getLastLr', GET_LAST_LR_SIG, args);
    return [...this.lastLr];
  }

  /** Everything but the optimizer, with PyTorch's snake_case keys. */
  stateDict(...args: CallArgs<typeof SCHED_STATE_DICT_SIG>): Record<string, unknown> {
    ctorArgs('optim.lrScheduler.LRScheduler.stateDict', SCHED_STATE_DICT_SIG, args);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[snake(k)] = copy(v);
    return out;
  }
  loadStateDict(...args: CallArgs<typeof SCHED_LOAD_STATE_DICT_SIG>): void {
    const { stateDict: sd } = ctorArgs(
      'optim.lrScheduler.LRScheduler.loadStateDict',
      SCHED_LOAD_STATE_DICT_SIG,
      args,
    );
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) self[camel(k)] = copy(v);
  }
}

const copy = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(copy) : v && typeof v === 'object' ? { ...(v as object) } : v;

/** lr *= gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(...args: CallArgs<typeof STEP_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.StepLR', STEP_LR_SIG, args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.stepSize = a.stepSize;
    this.gamma = a.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** lr *= gamma at each milestone (a milestone listed twice applies gamma twice). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(...args: CallArgs<typeof MULTI_STEP_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.MultiStepLR', MULTI_STEP_LR_SIG, args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.milestones = [...a.milestones].sort((x, y) => x - y);
    this.gamma = a.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/** lr *= gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(...args: CallArgs<typeof EXPONENTIAL_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.ExponentialLR', EXPONENTIAL_LR_SIG, args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.gamma = a.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/** Cosine annealing from the base lr to etaMin over tMax epochs (and back up, periodically). */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;
  constructor(...args: CallArgs<typeof COSINE_ANNEALING_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.CosineAnnealingLR', COSINE_ANNEALING_LR_SIG, args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.TMax = a.TMax;
    this.etaMin = a.etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0)
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if (pyMod(e - 1 - T, 2 * T) === 0)
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return this.groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) +
        etaMin,
    );
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

/** Scales the lr linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(...args: CallArgs<typeof LINEAR_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.LinearLR', LINEAR_LR_SIG, args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.startFactor = a.startFactor;
    this.endFactor = a.endFactor;
    this.totalIters = a.totalIters;
    if (this.startFactor > 1 || this.startFactor <= 0)
      throw new RangeError(
        'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.',
      );
    if (this.endFactor > 1 || this.endFactor < 0)
      throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    this.initialStep();
  }
  protected getLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, e)) / n));
  }
}

/** OneCycleLR's parameters by name, defaults filled in (`null`: not given). */
export type OneCycleLROptions = Omit<Bound<typeof ONE_CYCLE_LR_SIG>, 'optimizer'>;

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy (Smith & Topin): warm up from maxLr/divFactor to maxLr over pctStart of
 * the steps, then anneal to initialLr/finalDivFactor; momentum (or Adam's beta1) cycles the
 * other way between maxMomentum and baseMomentum. Step it after every batch.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly useBeta1: boolean;
  readonly schedulePhases: Phase[];

  constructor(...args: CallArgs<typeof ONE_CYCLE_LR_SIG>) {
    const { optimizer, verbose, ...opts } = ctorArgs('optim.lrScheduler.OneCycleLR', ONE_CYCLE_LR_SIG, args);
    const groups = optimizer.paramGroups as unknown as Group[];
    const per = (name: string, v: number | readonly number[]): number[] => {
      if (typeof v === 'number') return groups.map(() => v);
      if (v.length !== groups.length)
        throw new RangeError(`expected ${groups.length} values for ${name}, got ${v.length}`);
      return [...v];
    };
    let total: number;
    if (opts.totalSteps !== null) {
      if (opts.totalSteps <= 0 || !Number.isInteger(opts.totalSteps))
        throw new RangeError(`Expected positive integer total_steps, but got ${opts.totalSteps}`);
      total = opts.totalSteps;
    } else if (opts.epochs !== null && opts.stepsPerEpoch !== null) {
      if (opts.epochs <= 0) throw new RangeError(`Expected positive integer epochs, but got ${opts.epochs}`);
      if (opts.stepsPerEpoch <= 0)
        throw new RangeError(`Expected positive integer steps_per_epoch, but got ${opts.stepsPerEpoch}`);
      total = opts.epochs * opts.stepsPerEpoch;
    } else throw new RangeError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    const pct = opts.pctStart;
    if (pct < 0 || pct > 1) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const phases: Phase[] = opts.threePhase
      ? [
          {
            endStep: pct * total - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pct * total - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: total - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pct * total - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: total - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];
    const lastEpoch = opts.lastEpoch;
    const maxLrs = per('max_lr', opts.maxLr);
    const div = opts.divFactor;
    const finalDiv = opts.finalDivFactor;
    if (lastEpoch === -1)
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / div;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDiv;
      });
    const cycle = opts.cycleMomentum;
    const defaults = optimizer.defaults as Record<string, unknown>;
    let useBeta1 = false;
    if (cycle) {
      if (!('momentum' in defaults) && !('betas' in defaults))
        throw new Error('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in defaults;
      const maxM = per('max_momentum', opts.maxMomentum);
      const baseM = per('base_momentum', opts.baseMomentum);
      if (lastEpoch === -1)
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
    }
    super(optimizer, lastEpoch, verbose);
    this.totalSteps = total;
    this.annealStrategy = opts.annealStrategy;
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear')
      throw new RangeError(
        `anneal_strategy must by one of 'cos' or 'linear', instead got ${this.annealStrategy}`,
      );
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.schedulePhases = phases;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cosOut;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new RangeError(
        `Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = g.lr;
      let momentum = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const ph = this.schedulePhases[i];
        if (stepNum <= ph.endStep || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (ph.endStep - startStep);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum)
            momentum = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          break;
        }
        startStep = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}

/** PyTorch 2 name of the base class. */
export { LRScheduler as _LRScheduler };

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.lrScheduler.LRScheduler', LR_SCHEDULER_SIG, LRScheduler);
registerCtor('optim.lrScheduler.LRScheduler.step', SCHED_STEP_SIG);
registerCtor('optim.lrScheduler.LRScheduler.getLastLr', GET_LAST_LR_SIG);
registerCtor('optim.lrScheduler.LRScheduler.stateDict', SCHED_STATE_DICT_SIG);
registerCtor('optim.lrScheduler.LRScheduler.loadStateDict', SCHED_LOAD_STATE_DICT_SIG);
registerCtor('optim.lrScheduler.StepLR', STEP_LR_SIG, StepLR);
registerCtor('optim.lrScheduler.MultiStepLR', MULTI_STEP_LR_SIG, MultiStepLR);
registerCtor('optim.lrScheduler.ExponentialLR', EXPONENTIAL_LR_SIG, ExponentialLR);
registerCtor('optim.lrScheduler.CosineAnnealingLR', COSINE_ANNEALING_LR_SIG, CosineAnnealingLR);
registerCtor('optim.lrScheduler.LinearLR', LINEAR_LR_SIG, LinearLR);
registerCtor('optim.lrScheduler.OneCycleLR', ONE_CYCLE_LR_SIG, OneCycleLR);
