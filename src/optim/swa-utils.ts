/**
 * optim.swa_utils (alias optim.swaUtils): stochastic weight averaging and EMA of a model.
 * - `SWALR`, PyTorch 1.13's schedule that anneals each group's lr to a fixed `swaLr` over
 *   `annealEpochs` epochs (cosine or linear) and holds it.
 * - `AveragedModel(model, device, avgFn, multiAvgFn, useBuffers)` (PyTorch 2.x's signature): a
 *   `copy.deepcopy` of the model whose `updateParameters(model)` folds the model's current weights
 *   into a running average (equal weights by default: p + (p_model - p) / (n + 1)); `avgFn(avg,
 *   p_model, n)` returns one parameter's new value, `multiAvgFn(avgs, p_models, n)` updates lists in
 *   place; `getEmaAvgFn`, `getEmaMultiAvgFn`, `getSwaAvgFn`, `getSwaMultiAvgFn` make them. The count
 *   is the `n_averaged` buffer (state-dict key as PyTorch's) and is also kept on the host, so an update
 *   reads nothing back.
 * - `updateBn(loader, model, device)`: recomputes every BatchNorm's running statistics with one
 *   pass over the loader (cumulative average), as PyTorch's `update_bn`.
 *
 * ```ts
 * const swaModel = new optim.swaUtils.AveragedModel(model);
 * const swa = new optim.swaUtils.SWALR(opt, { swaLr: 0.05, annealEpochs: 5 });
 * // per epoch after swaStart: swaModel.updateParameters(model); swa.step();
 * optim.swaUtils.updateBn(trainLoader, swaModel);
 * ```
 */

import { deepcopy } from '../nn/deepcopy.js';
import { Module } from '../nn/module.js';
import { BatchNormBase } from '../nn/norm.js';
import { onesLike, tensor, zerosLike } from '../ops/creation.js';
import { ctorArgs, fn, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { type Device, device as toDevice } from '../tensor/device.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import { LRScheduler } from './lr-scheduler.js';

const SWALR_SIG =
  'SWALR(Optimizer optimizer, float|float[] swa_lr, int anneal_epochs=10, "cos"|"linear" anneal_strategy="cos", int last_epoch=-1)';

type Group = Record<string, unknown> & { lr: number; swaLr: number };

/**
 * The SWA learning-rate schedule (PyTorch 1.13): anneals each group's lr from its current value to `swaLr`
 * over `annealEpochs` epochs, by a cosine (default) or linear ramp, then holds it. Constructor: `optimizer`,
 * `swaLr` (required; one or per group), `annealEpochs` (default 10; 0 switches at once), `annealStrategy`
 * (`'cos'` default, or `'linear'`), `lastEpoch` (default -1).
 */
export class SWALR extends LRScheduler {
  /** Epochs the ramp to swaLr takes (constructor option, default 10). */
  readonly annealEpochs: number;
  /** `'cos'` (default) or `'linear'` ramp. */
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

// --- models (swa_utils: AveragedModel, update_bn) ---
/** `avgFn(averagedParam, modelParam, numAveraged)`: the averaged parameter's new value. */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: Tensor) => Tensor;
/** `multiAvgFn(averagedParams, modelParams, numAveraged)`: updates the averaged list in place. */
export type MultiAvgFn = (averaged: Tensor[], current: Tensor[], numAveraged: Tensor) => void;

const isFloat = (t: Tensor) => t.dtype === 'float32';

/**
 * An avgFn for AveragedModel: the exponential moving average decay · avg + (1 - decay) · p, `decay`
 * defaulting to 0.999.
 */
export const getEmaAvgFn = fn(
  'optim.swa_utils.getEmaAvgFn',
  'get_ema_avg_fn(float decay=0.999)',
  (a): AvgFn =>
    (avg, p) =>
      avg.mul(a.decay).add(p.mul(1 - a.decay)),
);
/** An avgFn for AveragedModel: the equal-weight running average avg + (p - avg) / (n + 1). */
export const getSwaAvgFn = fn(
  'optim.swa_utils.getSwaAvgFn',
  'get_swa_avg_fn()',
  (): AvgFn => (avg, p, n) => avg.add(p.sub(avg).div(n.add(1))),
);
/**
 * A multiAvgFn for AveragedModel: the EMA in place over the lists (lerp by 1 - decay for float tensors),
 * `decay` defaulting to 0.999.
 */
export const getEmaMultiAvgFn = fn(
  'optim.swa_utils.getEmaMultiAvgFn',
  'get_ema_multi_avg_fn(float decay=0.999)',
  (a): MultiAvgFn =>
    (avgs, ps) =>
      noGrad(() => {
        avgs.forEach((avg, i) => {
          if (isFloat(avg)) avg.lerp_(ps[i], 1 - a.decay);
          else avg.copy_(avg.mul(a.decay).add(ps[i].mul(1 - a.decay)));
        });
      }),
);
/**
 * A multiAvgFn for AveragedModel: the equal-weight average in place over the lists (lerp by 1 / (n + 1) for
 * float tensors).
 */
export const getSwaMultiAvgFn = fn(
  'optim.swa_utils.getSwaMultiAvgFn',
  'get_swa_multi_avg_fn()',
  (): MultiAvgFn => (avgs, ps, n) =>
    noGrad(() => {
      const w = n.add(1).reciprocal();
      avgs.forEach((avg, i) => {
        if (isFloat(avg)) avg.lerp_(ps[i], w);
        else avg.add_(ps[i].sub(avg).div(n.add(1)));
      });
    }),
);

const AVERAGED_MODEL_SIG =
  'AveragedModel(Module model, Device? device=None, Callable? avg_fn=None, Callable? multi_avg_fn=None, bool use_buffers=False)';
const UPDATE_PARAMETERS_SIG = 'update_parameters(Module model)';

/**
 * A running average of a model's weights, for stochastic weight averaging (equal weights, the default) or an
 * exponential moving average (`avgFn` / `multiAvgFn`, e.g. from getEmaMultiAvgFn). It holds a deep copy of
 * the model; `updateParameters(model)` folds the model's current parameters in (the first call copies them),
 * and calling it runs the copy's forward.
 *
 * Constructor: `model`, `device` (default null: the copy stays where the model is), `avgFn` (default null),
 * `multiAvgFn` (default null; takes precedence), `useBuffers` (default false: the buffers are copied
 * from the model at each update; true averages them too).
 *
 * ```ts
 * const ema = new optim.swaUtils.AveragedModel(model, { multiAvgFn: optim.swaUtils.getEmaMultiAvgFn(0.999), useBuffers: true });
 * ```
 */
export class AveragedModel extends Module {
  /** The averaged copy of the model (state-dict keys under `module.`, as PyTorch's). */
  module: Module;
  /** int64 scalar buffer: how many models have been averaged in (PyTorch's state-dict key). */
  declare n_averaged: Tensor;
  /** Per-parameter averaging function (constructor option, default null: the equal-weight average). */
  avgFn: AvgFn | null;
  /** List averaging function applied in place (constructor option, default null). */
  multiAvgFn: MultiAvgFn | null;
  /** Average the buffers along with the parameters (constructor option, default false). */
  useBuffers: boolean;
  /** The host's copy of n_averaged: an update decides "first or not" without a readback. */
  #n = 0;

  constructor(...args: CallArgs<typeof AVERAGED_MODEL_SIG>) {
    super();
    const a = ctorArgs('optim.swa_utils.AveragedModel', AVERAGED_MODEL_SIG, args);
    this.module = deepcopy(a.model);
    if (a.device != null) this.module = this.module.to(a.device);
    const dev = a.device != null ? toDevice(a.device) : undefined;
    this.registerBuffer('n_averaged', tensor(0, { dtype: 'int64', device: dev }));
    this.avgFn = (a.avgFn as AvgFn | null) ?? null;
    this.multiAvgFn = (a.multiAvgFn as MultiAvgFn | null) ?? null;
    this.useBuffers = a.useBuffers;
  }

  /** How many models have been averaged in (the host's copy of the `n_averaged` buffer). */
  get nAveraged(): number {
    return this.#n;
  }

  override forward(...args: unknown[]): unknown {
    return (this.module as unknown as (...a: unknown[]) => unknown)(...args);
  }

  /** Folds `model`'s current parameters (and buffers, with useBuffers) into the average. */
  updateParameters(...args: CallArgs<typeof UPDATE_PARAMETERS_SIG>): void {
    const { model } = ctorArgs('optim.swa_utils.AveragedModel.updateParameters', UPDATE_PARAMETERS_SIG, args);
    const selfParams = this.useBuffers
      ? [...this.module.parameters(), ...this.module.buffers()]
      : this.parameters();
    const modelParams = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    if (selfParams.length !== modelParams.length)
      throw new Error(
        `AveragedModel.updateParameters(): the model has ${modelParams.length} ${this.useBuffers ? 'parameters and buffers' : 'parameters'}, the averaged copy ${selfParams.length}`,
      );
    noGrad(() => {
      const avgs = selfParams.map((p) => p.detach());
      const cur = modelParams.map((p, i) => {
        if (!p.shape.every((d, j) => d === avgs[i].shape[j]) || p.dim() !== avgs[i].dim())
          throw new Error(
            `AveragedModel.updateParameters(): parameter ${i} has shape [${p.shape}] in the model, [${avgs[i].shape}] in the averaged copy`,
          );
        return p.detach().to(avgs[i].device);
      });
      if (this.#n === 0) {
        avgs.forEach((p, i) => {
          p.copy_(cur[i]);
        });
      } else if (this.multiAvgFn) {
        // grouped by device, as PyTorch's _group_tensors_by_device_and_dtype
        const byDevice = new Map<string, number[]>();
        avgs.forEach((p, i) => {
          const k = p.device.toString();
          byDevice.set(k, [...(byDevice.get(k) ?? []), i]);
        });
        for (const idx of byDevice.values()) {
          const d = avgs[idx[0]].device;
          this.multiAvgFn(
            idx.map((i) => avgs[i]),
            idx.map((i) => cur[i]),
            this.n_averaged.to(d as Device),
          );
        }
      } else {
        const avgFn = this.avgFn ?? getSwaAvgFn();
        avgs.forEach((p, i) => {
          p.copy_(avgFn(p, cur[i], this.n_averaged.to(p.device)));
        });
      }
      if (!this.useBuffers) {
        // If not apply running averages to the buffers, keep the buffers in sync with the source model.
        const mine = this.module.buffers();
        model.buffers().forEach((b, i) => {
          mine[i]?.detach().copy_(b.detach().to(mine[i].device));
        });
      }
      this.n_averaged.add_(1);
    });
    this.#n++;
  }

  /** As Module's; the host's count follows the checkpoint's `n_averaged` (read from a CPU tensor). */
  override loadStateDict(...args: Parameters<Module['loadStateDict']>): ReturnType<Module['loadStateDict']> {
    const out = super.loadStateDict(...args);
    const sd = args[0] as Record<string, Tensor> | Map<string, Tensor>;
    const n = sd instanceof Map ? sd.get('n_averaged') : sd?.n_averaged;
    if (n instanceof Tensor) {
      if (n.device.type !== 'cpu')
        throw new Error(
          'AveragedModel.loadStateDict(): n_averaged must be a CPU tensor (torch.load gives CPU tensors): the count is read synchronously',
        );
      this.#n = Number(n.itemSync());
    }
    return out;
  }
}

/**
 * Recomputes the running statistics of every BatchNorm in `model` with one pass over `loader`
 * (each batch a tensor, or an array whose first element is the input), as PyTorch's update_bn:
 * the running estimates restart, momentum is null (a cumulative average) during the pass, and the
 * training flag is restored after. `device` (default null) moves each input there first.
 */
export const updateBn = fn(
  'optim.swa_utils.updateBn',
  'update_bn(Any loader, Module model, Device? device=None)',
  (a): void => {
    const { model } = a;
    const loader = a.loader as Iterable<unknown>;
    if (typeof loader !== 'object' || loader === null || typeof loader[Symbol.iterator] !== 'function')
      throw new TypeError(
        "optim.swa_utils.updateBn(): argument 'loader' must be an iterable of batches (a DataLoader, an array)",
      );
    const momenta = new Map<BatchNormBase, number | null>();
    for (const m of model.modules()) {
      if (m instanceof BatchNormBase && m.running_mean && m.running_var) {
        m.running_mean = zerosLike(m.running_mean);
        m.running_var = onesLike(m.running_var);
        momenta.set(m, m.momentum);
      }
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const m of momenta.keys()) {
      m.momentum = null;
      m.num_batches_tracked?.zero_();
    }
    noGrad(() => {
      for (let input of loader) {
        if (Array.isArray(input)) input = input[0];
        if (!(input instanceof Tensor))
          throw new TypeError(
            'optim.swa_utils.updateBn(): each batch must be a tensor or an array starting with one',
          );
        if (a.device != null) input = input.to(a.device);
        (model as unknown as (x: Tensor) => unknown)(input as Tensor);
      }
    });
    for (const [m, mom] of momenta) m.momentum = mom;
    model.train(wasTraining);
  },
);

registerCtor('optim.swa_utils.AveragedModel', AVERAGED_MODEL_SIG, AveragedModel);
registerCtor('optim.swa_utils.AveragedModel.updateParameters', UPDATE_PARAMETERS_SIG);
