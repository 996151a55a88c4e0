/**
 * optim.lrScheduler (alias optim.lr_scheduler): StepLR, MultiStepLR, ExponentialLR,
 * CosineAnnealingLR, LinearLR, OneCycleLR, LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR,
 * CosineAnnealingWarmRestarts, ReduceLROnPlateau, SequentialLR, ChainedScheduler with PyTorch 1.13's arithmetic: `step()` uses each
 * scheduler's recursive ("chainable") form, so values match torch to the last bit, and
 * `step(epoch)` the closed form where PyTorch has one. Constructors take PyTorch 2.x's
 * parameter lists, positionally or by name.
 *
 * ```ts
 * const sched = new optim.lrScheduler.StepLR(opt, 30, 0.1); // or (opt, { stepSize: 30, gamma: 0.1 })
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 * ```
 */
import { ctorArgs, registerCtor, registerType } from '../signature/bind.js';
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
  T0: 'T_0',
  Ti: 'T_i',
  TMult: 'T_mult',
  Tcur: 'T_cur',
};
const unspecial = Object.fromEntries(Object.entries(special).map(([a, b]) => [b, a]));
const snake = (k: string) => special[k] ?? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string) => unspecial[k] ?? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Python's % (result has the divisor's sign). */
const pyMod = (a: number, b: number) => ((a % b) + b) % b;

/**
 * The base of the epoch-based schedulers (PyTorch's LRScheduler, also exported as `_LRScheduler`): it records
 * each group's `initialLr`, sets the schedule's value for epoch 0 at construction, and `step()` moves to the
 * next epoch. Constructor: `optimizer`, `lastEpoch` (default -1: a fresh start; otherwise resume, the groups
 * needing `initialLr`), `verbose` (deprecated, default `'deprecated'`; true prints each new lr).
 */
export abstract class LRScheduler {
  /** Each group's initial learning rate (its `initialLr`), the schedule's starting point. */
  baseLrs: number[];
  /** The epoch the current learning rates belong to (0 after construction, +1 per step). */
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  /** The optimizer whose groups' `lr` this scheduler sets. */
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
  /** Restores the state a stateDict() returned (snake_case keys as PyTorch's). */
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

/**
 * Decays each group's lr by `gamma` every `stepSize` epochs: lr = base lr · gamma^floor(epoch / stepSize).
 * Constructor: `optimizer`, `stepSize` (required), `gamma` (default 0.1), `lastEpoch` (default -1), `verbose`
 * (deprecated).
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  readonly stepSize: number;
  /** Multiplicative decay (constructor option, default 0.1). */
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

/**
 * Decays each group's lr by `gamma` at each milestone epoch: lr = base lr · gamma^(number of milestones ≤
 * epoch); a milestone listed twice applies gamma twice. Constructor: `optimizer`, `milestones` (required),
 * `gamma` (default 0.1), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class MultiStepLR extends LRScheduler {
  /** The epochs at which the lr decays, sorted. */
  readonly milestones: number[];
  /** Multiplicative decay (constructor option, default 0.1). */
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

/**
 * Decays each group's lr by `gamma` every epoch: lr = base lr · gamma^epoch. Constructor: `optimizer`,
 * `gamma` (required), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay per epoch. */
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

/**
 * Cosine annealing: lr = etaMin + (base lr - etaMin) · (1 + cos(π · epoch / TMax)) / 2, reaching etaMin at
 * TMax and rising again after (period 2 · TMax; no restarts, see CosineAnnealingWarmRestarts). `step()`
 * applies PyTorch's recursive form, bit-identical to torch. Constructor: `optimizer`, `TMax` (required;
 * PyTorch's `T_max`), `etaMin` (default 0), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period in epochs (PyTorch's T_max). */
  readonly TMax: number;
  /** Minimum lr (constructor option, default 0). */
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

/**
 * Scales each group's base lr by a factor that goes linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs, then stays at endFactor: factor = startFactor + (endFactor - startFactor) · min(epoch,
 * totalIters) / totalIters. Constructor: `optimizer`, `startFactor` (default 1/3), `endFactor` (default 1),
 * `totalIters` (default 5), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0 (constructor option, default 1/3). */
  readonly startFactor: number;
  /** Factor from epoch totalIters on (constructor option, default 1). */
  readonly endFactor: number;
  /** Epochs the factor takes to reach endFactor (constructor option, default 5). */
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
 * The 1cycle policy (Smith & Topin), stepped after every batch: the lr rises from initialLr = maxLr /
 * divFactor to maxLr over the first pctStart of `totalSteps`, then anneals (cosine or linear) to initialLr /
 * finalDivFactor; with `threePhase` it first comes back down to initialLr symmetrically, then anneals.
 * Momentum (or Adam's beta1) cycles the other way between maxMomentum and baseMomentum.
 *
 * Constructor: `optimizer`, `maxLr` (required; one or per group), `totalSteps` (default null: epochs ·
 * stepsPerEpoch, which must then be given), `epochs`, `stepsPerEpoch` (default null), `pctStart` (default
 * 0.3), `annealStrategy` (`'cos'` default, or `'linear'`), `cycleMomentum` (default true), `baseMomentum`
 * (default 0.85), `maxMomentum` (default 0.95), `divFactor` (default 25), `finalDivFactor` (default 1e4),
 * `threePhase` (default false), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle; stepping further is an error. */
  readonly totalSteps: number;
  /** `'cos'` (default) or `'linear'` annealing between the phase endpoints. */
  readonly annealStrategy: 'cos' | 'linear';
  /** Whether momentum (or beta1) is cycled too (constructor option, default true). */
  readonly cycleMomentum: boolean;
  /** Whether the optimizer has `betas` (Adam-like), so beta1 is cycled instead of `momentum`. */
  readonly useBeta1: boolean;
  /** The phases: the step each ends at and the group keys of its start and end values. */
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

// ---- LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts,
// ReduceLROnPlateau, SequentialLR, ChainedScheduler (PyTorch 1.13's arithmetic) ----

type LrLambda = (epoch: number) => number;
registerType(
  'LrLambda',
  (v): v is LrLambda | LrLambda[] =>
    typeof v === 'function' || (Array.isArray(v) && v.every((f) => typeof f === 'function')),
  'a function of the epoch or a list of them (one per param group)',
);
registerType(
  'LRSchedulers',
  (v): v is LRScheduler[] => Array.isArray(v) && v.every((x) => x instanceof LRScheduler),
  'a list of lr schedulers',
);
declare module '../signature/types.js' {
  interface TypeMap {
    /** LambdaLR's `lr_lambda`: a function of the epoch, or one per param group. */
    LrLambda: LrLambda | LrLambda[];
    LRSchedulers: LRScheduler[];
  }
}

const LAMBDA_LR_SIG =
  'LambdaLR(Optimizer optimizer, LrLambda lr_lambda, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const MULTIPLICATIVE_LR_SIG =
  'MultiplicativeLR(Optimizer optimizer, LrLambda lr_lambda, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const CONSTANT_LR_SIG =
  'ConstantLR(Optimizer optimizer, float factor=0.3333333333333333, int total_iters=5, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const POLYNOMIAL_LR_SIG =
  'PolynomialLR(Optimizer optimizer, int total_iters=5, float power=1, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const COSINE_WARM_RESTARTS_SIG =
  'CosineAnnealingWarmRestarts(Optimizer optimizer, int T_0, int T_mult=1, float eta_min=0, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const REDUCE_ON_PLATEAU_SIG =
  'ReduceLROnPlateau(Optimizer optimizer, "min"|"max" mode="min", float factor=0.1, int patience=10, float threshold=0.0001, "rel"|"abs" threshold_mode="rel", int cooldown=0, float|float[] min_lr=0, float eps=1e-08, bool|"deprecated" verbose="deprecated")';
const REDUCE_STEP_SIG = 'ReduceLROnPlateau.step(float metrics, int? epoch=None)';
const SEQUENTIAL_LR_SIG =
  'SequentialLR(Optimizer optimizer, LRSchedulers schedulers, int[] milestones, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';
const CHAINED_SIG = 'ChainedScheduler(LRSchedulers schedulers)';

function lambdas(label: string, opt: Optimizer<any>, f: LrLambda | LrLambda[]): LrLambda[] {
  const n = opt.paramGroups.length;
  if (typeof f === 'function') return new Array(n).fill(f);
  if (f.length !== n) throw new RangeError(`${label}: Expected ${n} lr_lambdas, but got ${f.length}`);
  return [...f];
}

/**
 * lr = base lr · lrLambda(epoch), one function for all groups or one per group. Constructor: `optimizer`,
 * `lrLambda` (required), `lastEpoch` (default -1), `verbose` (deprecated). The functions are not saved in the
 * state dict.
 */
export class LambdaLR extends LRScheduler {
  protected lrLambdas!: LrLambda[];
  constructor(...args: CallArgs<typeof LAMBDA_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.LambdaLR', LAMBDA_LR_SIG, args);
    const fs = lambdas('LambdaLR', a.optimizer, a.lrLambda);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.lrLambdas = fs;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }
  override stateDict(): Record<string, unknown> {
    const sd = super.stateDict();
    sd.lr_lambdas = this.lrLambdas.map(() => null);
    return sd;
  }
  /** Restores the state a stateDict() returned; the lr functions stay those given to the constructor. */
  override loadStateDict(...args: Parameters<LRScheduler['loadStateDict']>): void {
    const fs = this.lrLambdas;
    super.loadStateDict(...args);
    this.lrLambdas = fs;
  }
}

/**
 * lr *= lrLambda(epoch) at every step after construction (one function, or one per group). Constructor:
 * `optimizer`, `lrLambda` (required), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class MultiplicativeLR extends LambdaLR {
  constructor(...args: CallArgs<typeof MULTIPLICATIVE_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.MultiplicativeLR', MULTIPLICATIVE_LR_SIG, args);
    super(a.optimizer, a.lrLambda, a.lastEpoch, a.verbose);
  }
  protected override getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }
}

/**
 * lr = base lr · factor for the first `totalIters` epochs, then the base lr. Constructor: `optimizer`,
 * `factor` (default 1/3), `totalIters` (default 5), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class ConstantLR extends LRScheduler {
  /** The multiplier applied until totalIters (constructor option, default 1/3). */
  readonly factor: number;
  /** Epochs the factor applies for (constructor option, default 5). */
  readonly totalIters: number;
  constructor(...args: CallArgs<typeof CONSTANT_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.ConstantLR', CONSTANT_LR_SIG, args);
    if (a.factor > 1 || a.factor < 0)
      throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.factor = a.factor;
    this.totalIters = a.totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    if (e === 0) return this.groups.map((g) => g.lr * this.factor);
    if (e !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    const past = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + past * (1 - this.factor)));
  }
}

/**
 * Polynomial decay to zero: lr = base lr · (1 - min(epoch, totalIters) / totalIters)^power. Constructor:
 * `optimizer`, `totalIters` (default 5), `power` (default 1), `lastEpoch` (default -1), `verbose`
 * (deprecated).
 */
export class PolynomialLR extends LRScheduler {
  /** Epochs to reach zero (constructor option, default 5). */
  readonly totalIters: number;
  /** The polynomial's exponent (constructor option, default 1). */
  readonly power: number;
  constructor(...args: CallArgs<typeof POLYNOMIAL_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.PolynomialLR', POLYNOMIAL_LR_SIG, args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.totalIters = a.totalIters;
    this.power = a.power;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    if (e === 0 || e > n) return this.groups.map((g) => g.lr);
    const f = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return this.groups.map((g) => g.lr * f);
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (1 - Math.min(n, e) / n) ** this.power);
  }
}

/**
 * SGDR (Loshchilov & Hutter): cosine annealing restarted every Ti epochs, lr = etaMin + (base lr - etaMin) ·
 * (1 + cos(π · Tcur / Ti)) / 2, where Tcur counts epochs since the last restart and Ti starts at T0 and is
 * multiplied by TMult at each restart. Constructor: `optimizer`, `T0` (required; PyTorch's `T_0`), `TMult`
 * (default 1), `etaMin` (default 0), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Epochs until the first restart (PyTorch's T_0). */
  readonly T0: number;
  /** Length of the current cycle. */
  Ti: number;
  /** Cycle length multiplier at each restart (constructor option, default 1). */
  readonly TMult: number;
  /** Minimum lr (constructor option, default 0). */
  readonly etaMin: number;
  /** Epochs since the last restart (fractional with step(epoch)). */
  Tcur: number;
  constructor(...args: CallArgs<typeof COSINE_WARM_RESTARTS_SIG>) {
    const a = ctorArgs('optim.lrScheduler.CosineAnnealingWarmRestarts', COSINE_WARM_RESTARTS_SIG, args);
    if (a.T0 <= 0) throw new RangeError(`Expected positive integer T_0, but got ${a.T0}`);
    if (a.TMult < 1) throw new RangeError(`Expected integer T_mult >= 1, but got ${a.TMult}`);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.T0 = a.T0;
    this.Ti = a.T0;
    this.TMult = a.TMult;
    this.etaMin = a.etaMin;
    this.Tcur = a.lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map(
      (b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.Tcur) / this.Ti))) / 2,
    );
  }
  /** PyTorch's own step: fractional epochs (`step(epoch + i / iters)`) allowed. */
  override step(...args: CallArgs<typeof SCHED_STEP_SIG>): void {
    let { epoch } = ctorArgs('optim.lrScheduler.LRScheduler.step', SCHED_STEP_SIG, args) as {
      epoch: number | null;
    };
    if (epoch === null && this.lastEpoch < 0) epoch = 0;
    if (epoch === null) {
      epoch = this.lastEpoch + 1;
      this.Tcur += 1;
      if (this.Tcur >= this.Ti) {
        this.Tcur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (epoch < 0) throw new RangeError(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) this.Tcur = pyMod(epoch, this.T0);
        else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.Tcur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.Tcur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.stepCount += 1;
    const lrs = this.getLr();
    this.groups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }
}

/**
 * Multiplies each group's lr by `factor` when the metric passed to step(metric) has not improved for more
 * than `patience` epochs, then waits `cooldown` epochs before counting again; never below minLr, and changes
 * smaller than eps are skipped. Improvement: below best · (1 - threshold) in `'min'` mode with `'rel'`
 * threshold, below best - threshold with `'abs'` (mirrored for `'max'`).
 *
 * Constructor: `optimizer`, `mode` (`'min'` default, or `'max'`), `factor` (default 0.1, < 1), `patience`
 * (default 10), `threshold` (default 1e-4), `thresholdMode` (`'rel'` default, or `'abs'`), `cooldown`
 * (default 0), `minLr` (default 0; one or per group), `eps` (default 1e-8), `verbose` (deprecated).
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer<any>;
  /** `'min'` (default: lower is better) or `'max'`. */
  mode: 'min' | 'max';
  /** Multiplier applied to the lr on a plateau (constructor option, default 0.1). */
  factor: number;
  /** Epochs without improvement tolerated before reducing (constructor option, default 10). */
  patience: number;
  /** Minimum change counted as an improvement (constructor option, default 1e-4). */
  threshold: number;
  /** `'rel'` (default: threshold relative to best) or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (constructor option, default 0). */
  cooldown: number;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Lower bound of each group's lr (constructor option `minLr`, default 0). */
  minLrs: number[];
  /** Reductions smaller than this are skipped (constructor option, default 1e-8). */
  eps: number;
  /** PyTorch's deprecated flag: true prints each reduction. */
  verbose: boolean;
  /** The best metric seen so far. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** The worst possible metric for the mode (+∞ for `'min'`, -∞ for `'max'`), the initial best. */
  modeWorse: number;
  /** Epochs stepped so far. */
  lastEpoch = 0;
  protected lastLr: number[];
  constructor(...args: CallArgs<typeof REDUCE_ON_PLATEAU_SIG>) {
    const a = ctorArgs('optim.lrScheduler.ReduceLROnPlateau', REDUCE_ON_PLATEAU_SIG, args);
    if (a.factor >= 1) throw new RangeError('Factor should be < 1.0.');
    this.optimizer = a.optimizer;
    const n = a.optimizer.paramGroups.length;
    if (typeof a.minLr !== 'number' && a.minLr.length !== n)
      throw new RangeError(`expected ${n} min_lrs, got ${a.minLr.length}`);
    this.minLrs = typeof a.minLr === 'number' ? new Array(n).fill(a.minLr) : [...a.minLr];
    this.mode = a.mode;
    this.factor = a.factor;
    this.patience = a.patience;
    this.threshold = a.threshold;
    this.thresholdMode = a.thresholdMode;
    this.cooldown = a.cooldown;
    this.eps = a.eps;
    this.verbose = a.verbose === true;
    this.modeWorse = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.best = this.modeWorse;
    this.lastLr = (a.optimizer.paramGroups as unknown as Group[]).map((g) => g.lr);
  }
  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min')
      return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }
  /** One epoch's metric (a number, or a 0-d CPU tensor read with itemSync). */
  step(...args: CallArgs<typeof REDUCE_STEP_SIG>): void {
    const a = ctorArgs('optim.lrScheduler.ReduceLROnPlateau.step', REDUCE_STEP_SIG, args);
    const current = Number(a.metrics);
    const epoch = a.epoch ?? this.lastEpoch + 1;
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    const groups = this.optimizer.paramGroups as unknown as Group[];
    if (this.numBadEpochs > this.patience) {
      groups.forEach((g, i) => {
        const old = g.lr;
        const lr = Math.max(old * this.factor, this.minLrs[i]);
        if (old - lr > this.eps) {
          g.lr = lr;
          if (this.verbose)
            console.log(
              `Epoch ${String(epoch).padStart(5, '0')}: reducing learning rate of group ${i} to ${sci(lr)}.`,
            );
        }
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groups.map((g) => g.lr);
  }
  /** The learning rates after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
  /** Everything but the optimizer, with PyTorch's snake_case keys. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[snake(k)] = copy(v);
    return out;
  }
  /** Restores the state a stateDict() returned. */
  loadStateDict(sd: Record<string, unknown>): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) self[camel(k)] = copy(v);
  }
}

const CYCLIC_LR_SIG =
  'CyclicLR(Optimizer optimizer, float|float[] base_lr, float|float[] max_lr, int step_size_up=2000, int? step_size_down=None, "triangular"|"triangular2"|"exp_range" mode="triangular", float gamma=1, LrLambda? scale_fn=None, "cycle"|"iterations" scale_mode="cycle", bool cycle_momentum=True, float|float[] base_momentum=0.8, float|float[] max_momentum=0.9, int last_epoch=-1, bool|"deprecated" verbose="deprecated")';

/**
 * Cyclical learning rates (Smith), stepped after every batch: each group's lr goes linearly from baseLr up to
 * maxLr over `stepSizeUp` steps and back down over `stepSizeDown`, the amplitude scaled by the mode's policy
 * (`'triangular'`: constant; `'triangular2'`: halved each cycle; `'exp_range'`: gamma^iteration) or by
 * `scaleFn`. Momentum cycles the other way between maxMomentum and baseMomentum.
 *
 * Constructor: `optimizer`, `baseLr`, `maxLr` (required; one or per group), `stepSizeUp` (default 2000),
 * `stepSizeDown` (default null: stepSizeUp), `mode` (default `'triangular'`), `gamma` (default 1), `scaleFn`
 * (default null), `scaleMode` (`'cycle'` default, or `'iterations'`; used with scaleFn), `cycleMomentum`
 * (default true; needs an optimizer with `momentum`), `baseMomentum` (default 0.8), `maxMomentum` (default
 * 0.9), `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class CyclicLR extends LRScheduler {
  /** Each group's upper lr bound. */
  readonly maxLrs: number[];
  /** Steps per cycle (stepSizeUp + stepSizeDown). */
  readonly totalSize: number;
  /** Fraction of the cycle spent going up. */
  readonly stepRatio: number;
  /** `'triangular'` (default), `'triangular2'` or `'exp_range'`. */
  readonly mode: string;
  /** The `'exp_range'` base (constructor option, default 1). */
  readonly gamma: number;
  /** Whether the scale function takes the cycle number (`'cycle'`) or the step (`'iterations'`). */
  readonly scaleMode: 'cycle' | 'iterations';
  /** Whether momentum is cycled too (constructor option, default true). */
  readonly cycleMomentum: boolean;
  /** Each group's lower momentum bound (reached at the lr peak). */
  baseMomentums: number[] = [];
  /** Each group's upper momentum bound (at the cycle's ends). */
  maxMomentums: number[] = [];
  private scaleFn!: (x: number) => number;
  constructor(...args: CallArgs<typeof CYCLIC_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.CyclicLR', CYCLIC_LR_SIG, args);
    const groups = a.optimizer.paramGroups as unknown as Group[];
    const per = (name: string, v: number | readonly number[]): number[] => {
      if (typeof v === 'number') return groups.map(() => v);
      if (v.length !== groups.length)
        throw new RangeError(`expected ${groups.length} values for ${name}, got ${v.length}`);
      return [...v];
    };
    const baseLrs = per('base_lr', a.baseLr);
    if (a.lastEpoch === -1)
      groups.forEach((g, i) => {
        g.lr = baseLrs[i];
      });
    let baseMomentums: number[] = [];
    if (a.cycleMomentum) {
      if (!('momentum' in a.optimizer.defaults))
        throw new RangeError('optimizer must support momentum with `cycle_momentum` option enabled');
      const bm = per('base_momentum', a.baseMomentum);
      if (a.lastEpoch === -1)
        groups.forEach((g, i) => {
          g.momentum = bm[i];
        });
      baseMomentums = groups.map((g) => g.momentum as number);
    }
    const up = a.stepSizeUp;
    const down = a.stepSizeDown ?? up;
    const fn = a.scaleFn;
    if (Array.isArray(fn)) throw new TypeError('optim.lrScheduler.CyclicLR(): scale_fn must be one function');
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.maxLrs = per('max_lr', a.maxLr);
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = a.mode;
    this.gamma = a.gamma;
    this.cycleMomentum = a.cycleMomentum;
    this.baseMomentums = baseMomentums;
    if (a.cycleMomentum) this.maxMomentums = per('max_momentum', a.maxMomentum);
    if (fn) {
      this.scaleFn = fn;
      this.scaleMode = a.scaleMode;
    } else {
      const g = a.gamma;
      this.scaleFn =
        a.mode === 'triangular'
          ? () => 1
          : a.mode === 'triangular2'
            ? (x) => 1 / 2 ** (x - 1)
            : (x) => g ** x;
      this.scaleMode = a.mode === 'exp_range' ? 'iterations' : 'cycle';
    }
    this.initialStep();
    this.baseLrs = baseLrs;
  }
  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scale = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === 'cycle' ? cycle : this.lastEpoch;
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scale * this.scaleFn(at));
    if (this.cycleMomentum)
      this.groups.forEach((g, i) => {
        const [bm, mm] = [this.baseMomentums[i], this.maxMomentums[i]];
        g.momentum = mm - (mm - bm) * scale * this.scaleFn(at);
      });
    return lrs;
  }
  override stateDict(): Record<string, unknown> {
    const sd = super.stateDict();
    delete sd.scale_fn;
    return sd;
  }
}

const sameOptimizer = (label: string, opt: Optimizer<any>, ss: readonly LRScheduler[]): void => {
  ss.forEach((s, i) => {
    if (s.optimizer !== opt)
      throw new RangeError(
        `${label} expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
      );
  });
};

/**
 * Hands the lr over from one scheduler to the next at given epochs: `schedulers[0]` runs until
 * `milestones[0]`, `schedulers[1]` from there (restarted at its epoch 0), and so on. Constructor:
 * `optimizer`, `schedulers` (all of that optimizer), `milestones` (one fewer than the schedulers),
 * `lastEpoch` (default -1), `verbose` (deprecated).
 */
export class SequentialLR {
  /** The optimizer all the schedulers drive. */
  readonly optimizer: Optimizer<any>;
  protected schedulers: LRScheduler[];
  protected milestones: number[];
  /** Epochs stepped so far. */
  lastEpoch: number;
  protected lastLr: number[];
  constructor(...args: CallArgs<typeof SEQUENTIAL_LR_SIG>) {
    const a = ctorArgs('optim.lrScheduler.SequentialLR', SEQUENTIAL_LR_SIG, args);
    sameOptimizer('Sequential Schedulers', a.optimizer, a.schedulers);
    if (a.milestones.length !== a.schedulers.length - 1)
      throw new RangeError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${a.schedulers.length} and the number of milestones to be equal to ${a.milestones.length}`,
      );
    this.schedulers = [...a.schedulers];
    this.milestones = [...a.milestones];
    this.lastEpoch = a.lastEpoch + 1;
    this.optimizer = a.optimizer;
    for (const g of a.optimizer.paramGroups as unknown as Group[]) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    (this.schedulers[0] as unknown as { initialStep(): void }).initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }
  /** Advances one epoch, stepping the scheduler in charge (restarting the next one at its milestone). */
  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }
  /** The learning rates after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
  /** This scheduler's state and each child's, with PyTorch's snake_case keys. */
  stateDict(): Record<string, unknown> {
    return {
      _milestones: [...this.milestones],
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }
  /** Restores the state a stateDict() returned, children included. */
  loadStateDict(sd: Record<string, unknown>): void {
    this.milestones = [...(sd._milestones as number[])];
    this.lastEpoch = sd.last_epoch as number;
    this.lastLr = [...(sd._last_lr as number[])];
    (sd._schedulers as Record<string, unknown>[]).forEach((s, i) => {
      this.schedulers[i].loadStateDict(s);
    });
  }
}

/**
 * Steps every scheduler of the list on each step, so their effects compose (e.g. a warm-up times a decay).
 * Constructor: `schedulers` (required, all of one optimizer).
 */
export class ChainedScheduler {
  /** The optimizer the schedulers drive. */
  readonly optimizer: Optimizer<any>;
  protected schedulers: LRScheduler[];
  protected lastLr: number[];
  constructor(...args: CallArgs<typeof CHAINED_SIG>) {
    const a = ctorArgs('optim.lrScheduler.ChainedScheduler', CHAINED_SIG, args);
    if (a.schedulers.length === 0) throw new RangeError('ChainedScheduler expects at least one scheduler');
    sameOptimizer('ChainedScheduler', a.schedulers[0].optimizer, a.schedulers);
    this.schedulers = [...a.schedulers];
    this.optimizer = a.schedulers[0].optimizer;
    this.lastLr = (this.optimizer.paramGroups as unknown as Group[]).map((g) => g.lr);
  }
  /** Steps every scheduler in turn. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = (this.optimizer.paramGroups as unknown as Group[]).map((g) => g.lr);
  }
  /** The learning rates after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
  /** Each child's state, with PyTorch's snake_case keys. */
  stateDict(): Record<string, unknown> {
    return { _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  /** Restores the state a stateDict() returned, children included. */
  loadStateDict(sd: Record<string, unknown>): void {
    this.lastLr = [...(sd._last_lr as number[])];
    (sd._schedulers as Record<string, unknown>[]).forEach((s, i) => {
      this.schedulers[i].loadStateDict(s);
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
registerCtor('optim.lrScheduler.LambdaLR', LAMBDA_LR_SIG, LambdaLR);
registerCtor('optim.lrScheduler.MultiplicativeLR', MULTIPLICATIVE_LR_SIG, MultiplicativeLR);
registerCtor('optim.lrScheduler.ConstantLR', CONSTANT_LR_SIG, ConstantLR);
registerCtor('optim.lrScheduler.PolynomialLR', POLYNOMIAL_LR_SIG, PolynomialLR);
registerCtor(
  'optim.lrScheduler.CosineAnnealingWarmRestarts',
  COSINE_WARM_RESTARTS_SIG,
  CosineAnnealingWarmRestarts,
);
registerCtor('optim.lrScheduler.ReduceLROnPlateau', REDUCE_ON_PLATEAU_SIG, ReduceLROnPlateau);
registerCtor('optim.lrScheduler.ReduceLROnPlateau.step', REDUCE_STEP_SIG);
registerCtor('optim.lrScheduler.SequentialLR', SEQUENTIAL_LR_SIG, SequentialLR);
registerCtor('optim.lrScheduler.ChainedScheduler', CHAINED_SIG, ChainedScheduler);
registerCtor('optim.lrScheduler.CyclicLR', CYCLIC_LR_SIG, CyclicLR);
