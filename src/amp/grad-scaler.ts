/**
 * torch.amp.GradScaler (alias torch.cuda.amp.GradScaler): PyTorch 1.13's dynamic loss scaling.
 *
 * ```ts
 * const scaler = new torch.amp.GradScaler();
 * scaler.scale(loss).backward();
 * await scaler.step(opt);   // skipped when a gradient holds inf/NaN
 * scaler.update();          // backoff after a skip, growth after growthInterval clean steps
 * ```
 *
 * Differences of representation, not of results: PyTorch keeps the scale and the growth tracker
 * in device tensors so that `update()` needs no sync, yet `step()` reads the found-inf flag back
 * (`.item()`) anyway. Here the flag is that one read per optimizer and device: `unscale_`
 * multiplies every gradient by 1/scale and writes `grad * 0` (0, or NaN where the gradient is
 * inf/NaN) into one flat buffer (both in one update program: one pass per parameter on the CPU,
 * one dispatch per binding group on WebGPU), then one `sum` reduction of that buffer is the flag.
 * `step()` reads it: at once on the CPU, as a Promise on WebGPU (`await scaler.step(opt)` works
 * on both). Since the flag is on the host after `step`, the scale (float32-rounded, as PyTorch's
 * float32 tensor) and the tracker are host numbers and `update()` follows
 * `_amp_update_scale_`'s rule exactly.
 */
import { E } from '../backend/expr.js';
import { full } from '../ops/creation.js';
import { mul } from '../ops/pointwise.js';
import { sum } from '../ops/reduce.js';
import { narrow, view } from '../ops/shape.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { noGrad } from '../tensor/state.js';
import { bumpVersion, Tensor } from '../tensor/tensor.js';

const AMP_SIG =
  'GradScaler(str device="cuda", float init_scale=65536.0, float growth_factor=2.0, float backoff_factor=0.5, int growth_interval=2000, bool enabled=True)';
const CUDA_SIG =
  'GradScaler(float init_scale=65536.0, float growth_factor=2.0, float backoff_factor=0.5, int growth_interval=2000, bool enabled=True)';
const SCALE_SIG = 'GradScaler.scale(Any outputs)';
const UNSCALE_SIG = 'GradScaler.unscale_(Optimizer optimizer)';
const STEP_SIG = 'GradScaler.step(Optimizer optimizer)';
const UPDATE_SIG = 'GradScaler.update(Tensor|float? new_scale=None)';
const NO_ARGS_SIG = 'GradScaler.get_scale()';
const LOAD_SIG = 'GradScaler.load_state_dict(dict state_dict)';
const SET_FLOAT_SIG = 'GradScaler.set_growth_factor(float new_factor)';
const SET_BACKOFF_SIG = 'GradScaler.set_backoff_factor(float new_factor)';
const SET_INTERVAL_SIG = 'GradScaler.set_growth_interval(int new_interval)';

/** PyTorch's OptState: where an optimizer is in the current iteration. */
type Stage = 'ready' | 'unscaled' | 'stepped';
interface OptimizerState {
  stage: Stage;
  /** One flag tensor per device (NaN or inf when a gradient was not finite), until read. */
  flags: Tensor[];
  /** The flags' values once read (step reads them; update reads what step did not). */
  found: number | null;
}

/** `GradScaler.stateDict()`: PyTorch's keys; empty when the scaler is disabled. */
export interface GradScalerStateDict {
  scale?: number;
  growth_factor?: number;
  backoff_factor?: number;
  growth_interval?: number;
  _growth_tracker?: number;
}

const scalerError = (msg: string): never => {
  throw new Error(msg);
};

/**
 * torch.amp.GradScaler: scales the loss, unscales and checks the gradients, skips steps with
 * inf/NaN gradients and adapts the scale (see the file comment).
 */
export class GradScaler {
  /** The name errors use ('amp.GradScaler'). */
  static readonly label: string = 'amp.GradScaler';
  /** The scale as PyTorch's float32 tensor holds it. */
  private _scale: number;
  private _growthTracker: number;
  private _growthFactor: number;
  private _backoffFactor: number;
  private _growthInterval: number;
  private readonly _enabled: boolean;
  /** Whether `scale()` has run (PyTorch's lazily created `_scale` tensor). */
  private started = false;
  /** The scale as a [1] float32 tensor per device, while the scale is unchanged. */
  private scaleTensors = new Map<string, Tensor>();
  private states = new Map<Optimizer<any>, OptimizerState>();

  /**
   * `GradScaler(device='cuda', initScale=2**16, growthFactor=2, backoffFactor=0.5,
   * growthInterval=2000, enabled=true)` (PyTorch 2.3's torch.amp order; `torch.cuda.amp.GradScaler`
   * takes the same without `device`). The scaler works for tensors of any device; `device` is
   * only checked to be a device name.
   */
  constructor(...args: CallArgs<typeof AMP_SIG>) {
    const a = ctorArgs('amp.GradScaler', AMP_SIG, args);
    if (typeof a.device !== 'string' || a.device.length === 0)
      throw new TypeError(`amp.GradScaler(): device must be a device type name, got ${String(a.device)}`);
    this._enabled = a.enabled;
    if (a.enabled) {
      if (!(a.growthFactor > 1)) throw new Error('The growth factor must be > 1.0.');
      if (!(a.backoffFactor < 1)) throw new Error('The backoff factor must be < 1.0.');
    }
    this._scale = Math.fround(a.initScale);
    this._growthFactor = a.growthFactor;
    this._backoffFactor = a.backoffFactor;
    this._growthInterval = a.growthInterval;
    this._growthTracker = 0;
  }

  /**
   * Multiplies a tensor (or each tensor of a nested array) by the scale, a [1] float32 tensor as
   * PyTorch's (so a 0-d loss becomes shape [1]). Returns its argument unchanged when disabled.
   */
  scale(outputs: Tensor): Tensor;
  scale(outputs: readonly unknown[]): unknown[];
  scale(...args: unknown[]): unknown {
    const { outputs } = ctorArgs('amp.GradScaler.scale', SCALE_SIG, args);
    if (!this._enabled) return outputs;
    this.started = true;
    const apply = (v: unknown): unknown => {
      if (v instanceof Tensor) return mul(v, this.scaleOn(v));
      if (Array.isArray(v)) return v.map(apply);
      throw new TypeError('outputs must be a Tensor or an iterable of Tensors');
    };
    return apply(outputs);
  }

  private scaleOn(t: Tensor): Tensor {
    const key = t.device.toString();
    let s = this.scaleTensors.get(key);
    if (!s) {
      s = full([1], this._scale, { dtype: 'float32', device: t.device });
      this.scaleTensors.set(key, s);
    }
    return s;
  }

  private setScale(v: number): void {
    const s = Math.fround(v);
    if (s === this._scale && this.scaleTensors.size) return;
    this._scale = s;
    // Dropped, not disposed: a scaled output's backward may still hold the old one.
    this.scaleTensors.clear();
  }

  private checkStarted(funcname: string): void {
    if (!this.started)
      throw new Error(
        `Attempted ${funcname} but _scale is None.  This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.`,
      );
  }

  private stateOf(opt: Optimizer<any>): OptimizerState {
    let s = this.states.get(opt);
    if (!s) this.states.set(opt, (s = { stage: 'ready', flags: [], found: null }));
    return s;
  }

  /**
   * Divides the optimizer's gradients by the scale in place and records whether any is inf/NaN
   * (no read: the flag stays on the device until `step`). Once per optimizer per iteration.
   */
  unscale_(...args: CallArgs<typeof UNSCALE_SIG>): void {
    const { optimizer } = ctorArgs('amp.GradScaler.unscale_', UNSCALE_SIG, args);
    if (!this._enabled) return;
    this.checkStarted('unscale_');
    const st = this.stateOf(optimizer);
    if (st.stage === 'unscaled')
      throw new Error('unscale_() has already been called on this optimizer since the last update().');
    if (st.stage === 'stepped') throw new Error('unscale_() is being called after step().');
    const invScale = Math.fround(1 / this._scale);
    const byDevice = new Map<string, Tensor[]>();
    for (const g of optimizer.paramGroups)
      for (const p of g.params) {
        const grad = p.grad;
        if (!grad) continue;
        if (grad.dtype === 'float16') throw new Error('Attempting to unscale FP16 gradients.');
        const key = grad.device.toString();
        byDevice.set(key, [...(byDevice.get(key) ?? []), grad]);
      }
    st.flags = noGrad(() => [...byDevice.values()].map((grads) => unscaleAndCheck(grads, invScale)));
    st.found = null;
    st.stage = 'unscaled';
  }

  /**
   * Unscales (unless `unscale_` ran) and runs `optimizer.step()` unless a gradient was inf/NaN.
   * Returns the optimizer's return value: directly on the CPU, as a Promise on devices whose
   * reads are asynchronous (WebGPU). `await scaler.step(opt)` works on both.
   */
  step(...args: CallArgs<typeof STEP_SIG>): unknown {
    const { optimizer } = ctorArgs('amp.GradScaler.step', STEP_SIG, args);
    if (!this._enabled) return optimizer.step();
    this.checkStarted('step');
    const st = this.stateOf(optimizer);
    if (st.stage === 'stepped') throw new Error('step() has already been called since the last update().');
    if (st.stage === 'ready') this.unscale_(optimizer);
    if (st.flags.length === 0) throw new Error('No inf checks were recorded for this optimizer.');
    const finish = (found: number): unknown => {
      st.found = found;
      st.stage = 'stepped';
      return found ? undefined : optimizer.step();
    };
    const found = readFlags(st.flags);
    st.flags = [];
    return found instanceof Promise ? found.then(finish) : finish(found);
  }

  /**
   * Updates the scale: times `backoffFactor` if any optimizer step this iteration saw inf/NaN,
   * times `growthFactor` after `growthInterval` clean iterations in a row; or sets `newScale`.
   * Returns a Promise only when a flag `step` did not read must still be read from an
   * asynchronous device (`unscale_` without `step`).
   */
  update(...args: CallArgs<typeof UPDATE_SIG>): void | Promise<void> {
    const { newScale } = ctorArgs('amp.GradScaler.update', UPDATE_SIG, args);
    if (!this._enabled) return;
    this.checkStarted('update');
    const states = [...this.states.values()];
    this.states = new Map();
    if (newScale !== null) {
      if (typeof newScale === 'number') return this.setScale(newScale);
      const reason =
        'new_scale should be a float or a 1-element torch.cuda.FloatTensor with requires_grad=False.';
      if (newScale.dtype !== 'float32' || newScale.numel() !== 1 || newScale.requiresGrad)
        throw new Error(reason);
      const v = newScale.device.type === 'cpu' ? newScale.itemSync() : newScale.item();
      return v instanceof Promise ? v.then((x) => this.setScale(x)) : this.setScale(v);
    }
    const values: (number | Promise<number>)[] = [];
    for (const s of states) {
      if (s.found !== null) values.push(s.found);
      else if (s.flags.length) values.push(readFlags(s.flags));
    }
    if (values.length === 0) throw new Error('No inf checks were recorded prior to update.');
    const apply = (vs: number[]): void => this.applyUpdate(vs.reduce((a, b) => a + b, 0));
    if (values.some((v) => v instanceof Promise)) return Promise.all(values).then(apply);
    apply(values as number[]);
  }

  /** `_amp_update_scale_`: backoff on inf/NaN, growth (kept only if finite) every growthInterval. */
  private applyUpdate(foundInf: number): void {
    if (foundInf) {
      this.setScale(this._scale * this._backoffFactor);
      this._growthTracker = 0;
      return;
    }
    const successful = this._growthTracker + 1;
    if (successful === this._growthInterval) {
      const grown = Math.fround(this._scale * this._growthFactor);
      if (Number.isFinite(grown)) this.setScale(grown);
      this._growthTracker = 0;
    } else this._growthTracker = successful;
  }

  /** The current scale (1 when disabled); no device read: the scale lives on the host. */
  getScale(...args: CallArgs<typeof NO_ARGS_SIG>): number {
    ctorArgs('amp.GradScaler.getScale', NO_ARGS_SIG, args);
    return this._enabled ? this._scale : 1;
  }
  /** The growth factor. */
  getGrowthFactor(): number {
    return this._growthFactor;
  }
  /** Sets the growth factor. */
  setGrowthFactor(...args: CallArgs<typeof SET_FLOAT_SIG>): void {
    this._growthFactor = ctorArgs('amp.GradScaler.setGrowthFactor', SET_FLOAT_SIG, args).newFactor;
  }
  /** The backoff factor. */
  getBackoffFactor(): number {
    return this._backoffFactor;
  }
  /** Sets the backoff factor. */
  setBackoffFactor(...args: CallArgs<typeof SET_BACKOFF_SIG>): void {
    this._backoffFactor = ctorArgs('amp.GradScaler.setBackoffFactor', SET_BACKOFF_SIG, args).newFactor;
  }
  /** The growth interval. */
  getGrowthInterval(): number {
    return this._growthInterval;
  }
  /** Sets the growth interval. */
  setGrowthInterval(...args: CallArgs<typeof SET_INTERVAL_SIG>): void {
    this._growthInterval = ctorArgs('amp.GradScaler.setGrowthInterval', SET_INTERVAL_SIG, args).newInterval;
  }
  /** Whether scaling is on. */
  isEnabled(): boolean {
    return this._enabled;
  }

  /** PyTorch's five keys (`{}` when disabled); call it after `update()`. */
  stateDict(): GradScalerStateDict {
    if (!this._enabled) return {};
    return {
      scale: this._scale,
      growth_factor: this._growthFactor,
      backoff_factor: this._backoffFactor,
      growth_interval: this._growthInterval,
      _growth_tracker: this._growthTracker,
    };
  }

  /** Restores `stateDict()` output (PyTorch's too); a no-op when disabled. */
  loadStateDict(...args: CallArgs<typeof LOAD_SIG>): void {
    const sd = ctorArgs('amp.GradScaler.loadStateDict', LOAD_SIG, args).stateDict as GradScalerStateDict;
    if (!this._enabled) return;
    if (Object.keys(sd).length === 0)
      scalerError(
        'The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.',
      );
    const num = (k: keyof GradScalerStateDict): number => {
      const v = sd[k];
      if (typeof v !== 'number')
        throw new TypeError(`GradScaler.loadStateDict(): '${k}' must be a number, got ${v}`);
      return v;
    };
    this.setScale(num('scale'));
    this._growthFactor = num('growth_factor');
    this._backoffFactor = num('backoff_factor');
    this._growthInterval = num('growth_interval');
    this._growthTracker = num('_growth_tracker');
  }
}

/** torch.cuda.amp.GradScaler: PyTorch 1.13's parameter list (no `device`). */
export class CudaGradScaler extends GradScaler {
  /** The name errors use ('cuda.amp.GradScaler'). */
  static override readonly label: string = 'cuda.amp.GradScaler';
  constructor(...args: CallArgs<typeof CUDA_SIG>) {
    const a = ctorArgs('cuda.amp.GradScaler', CUDA_SIG, args);
    super('cuda', a.initScale, a.growthFactor, a.backoffFactor, a.growthInterval, a.enabled);
  }
}

/**
 * The unscale program over [grad, flag]: flag := grad * 0 (0, or NaN where grad is inf/NaN,
 * checked before unscaling as PyTorch does), then grad := grad * invScale.
 */
const program = (invScale: number) => [
  { slot: 1, e: E.mul(E.input(0), E.const(0)) },
  { slot: 0, e: E.mul(E.input(0), E.const(invScale)) },
];

/** Unscales `grads` (one device) in place; returns a [1] flag, NaN when any was not finite. */
function unscaleAndCheck(grads: readonly Tensor[], invScale: number): Tensor {
  const total = grads.reduce((n, g) => n + g.numel(), 0);
  const flat = full([total], 0, { dtype: 'float32', device: grads[0].device });
  let off = 0;
  const sets = grads.map((g) => {
    const slot = view(narrow(flat, 0, off, g.numel()), g.shape);
    off += g.numel();
    return [g, slot] as const;
  });
  const steps = program(invScale);
  const be = grads[0].backend;
  const fusable =
    be.routines?.updateInPlace &&
    grads.every((g) => g.dtype === 'float32' && g.isContiguous() && g.backend === be);
  if (fusable) be.routines!.updateInPlace!(steps, sets);
  else for (const s of sets) for (const st of steps) be.elementwise(st.e, s, s[st.slot]);
  for (const [g, slot] of sets) {
    bumpVersion(g.storage);
    slot.dispose();
  }
  const flag = view(sum(flat), [1]);
  flat.dispose();
  return flag;
}

/** The sum of the flags: 0 when every gradient was finite. A Promise on asynchronous devices. */
function readFlags(flags: readonly Tensor[]): number | Promise<number> {
  const one = (f: Tensor): number | Promise<number> => (f.device.type === 'cpu' ? f.itemSync() : f.item());
  const vs = flags.map(one);
  for (const f of flags) f.dispose();
  const total = (xs: number[]) => (xs.some((x) => !Number.isFinite(x) || x !== 0) ? 1 : 0);
  if (vs.some((v) => v instanceof Promise)) return Promise.all(vs).then(total);
  return total(vs as number[]);
}

registerCtor('amp.GradScaler', AMP_SIG, GradScaler);
registerCtor('cuda.amp.GradScaler', CUDA_SIG, CudaGradScaler);
for (const [label, sig] of [
  ['amp.GradScaler.scale', SCALE_SIG],
  ['amp.GradScaler.unscale_', UNSCALE_SIG],
  ['amp.GradScaler.step', STEP_SIG],
  ['amp.GradScaler.update', UPDATE_SIG],
  ['amp.GradScaler.getScale', NO_ARGS_SIG],
  ['amp.GradScaler.loadStateDict', LOAD_SIG],
  ['amp.GradScaler.setGrowthFactor', SET_FLOAT_SIG],
  ['amp.GradScaler.setBackoffFactor', SET_BACKOFF_SIG],
  ['amp.GradScaler.setGrowthInterval', SET_INTERVAL_SIG],
] as const)
  registerCtor(label, sig);
