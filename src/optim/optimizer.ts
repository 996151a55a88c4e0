/**
 * optim.Optimizer: parameter groups, per-parameter state, zeroGrad and PyTorch-layout state
 * dicts. Subclasses implement `step()` with in-place tensor ops under `noGrad`, so an update
 * runs on the parameters' device and never reads a value back (step counts are host numbers).
 *
 * State dict layout (PyTorch's, keys in snake_case so it maps 1:1 onto torch's):
 * ```
 * { state: { 0: { momentum_buffer: Tensor }, 1: {...} },          // by parameter index
 *   param_groups: [{ lr: 0.01, momentum: 0.9, weight_decay: 0, ..., params: [0, 1] }] }
 * ```
 * Parameters are numbered in group order, as PyTorch does. `step` counts are plain numbers
 * (PyTorch 1.13 keeps them as 0-d tensors; loading accepts either).
 */
import { releaseGrad } from '../autograd/engine.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

/** One group: its parameters and its hyperparameters (defaults filled in). */
export type ParamGroup<H> = H & { params: Tensor[] };
/** What a constructor accepts for a group: params plus any hyperparameters to override. */
export type ParamGroupInput<H> = Partial<H> & { params: Iterable<Tensor> };
export type Params<H> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

export type StateValue = Tensor | number;
export type ParamState = Record<string, StateValue>;

export interface OptimizerStateDict {
  state: Record<number, Record<string, StateValue>>;
  param_groups: Record<string, unknown>[];
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export abstract class Optimizer<H extends object = Record<string, unknown>> {
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, keyed by the parameter tensor (PyTorch's `optimizer.state[p]`). */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Params<H>, defaults: H) {
    this.defaults = defaults;
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ParamGroupInput<H>[]);
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<H>);
  }

  /** Adds a group (e.g. layers unfrozen later); missing hyperparameters take the defaults. */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (typeof group !== 'object' || group === null || !('params' in group))
      throw new TypeError('param group must be an object with a `params` field');
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor))
        throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const seen = new Set<Tensor>();
    for (const p of params) {
      if (seen.has(p)) throw new Error('optimizer contains a parameter group with duplicate parameters');
      seen.add(p);
    }
    for (const g of this.paramGroups)
      for (const p of g.params)
        if (seen.has(p)) throw new Error('some parameters appear in more than one parameter group');
    const full = { ...this.defaults, ...group, params } as ParamGroup<H>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's hyperparameters (PyTorch's constructor errors); subclasses extend it. */
  protected validate(_group: ParamGroup<H>): void {}

  /** Clears gradients: `null` by default (PyTorch 2), zeroed in place with `setToNone: false`. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone)
          releaseGrad(p); // frees the engine's gradient now, not at the next GC
        else {
          const gr = p.grad.gradFn ? p.grad.detach() : p.grad;
          noGrad(() => gr.zero_());
          p.grad = gr;
        }
      }
  }

  /**
   * One update of every parameter that has a gradient. A closure, when given, is called with
   * grad enabled to recompute the loss (LBFGS-style); its value is returned.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    let loss: Tensor | undefined;
    if (closure) loss = closure();
    noGrad(() => {
      for (const g of this.paramGroups) this.updateGroup(g);
    });
    return loss;
  }

  /** The update of one group; runs under noGrad. */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /** The state of p, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return s;
  }

  /** PyTorch's layout: state by parameter index, groups with `params` as indices, snake_case keys. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g))
        if (k !== 'params') out[snake(k)] = Array.isArray(v) ? [...v] : v;
      out.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p)!;
      });
      return out;
    });
    const state: Record<number, Record<string, StateValue>> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const o: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(s)) o[snake(k)] = v;
      state[i] = o;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores hyperparameters and state from `stateDict()` output (or PyTorch's, converted to
   * tensors). State tensors are copied, onto each parameter's device (and dtype, when float).
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const groups = sd.param_groups;
    if (groups.length !== this.paramGroups.length)
      throw new Error('loaded state dict has a different number of parameter groups');
    groups.forEach((g, i) => {
      const n = (g.params as unknown[]).length;
      if (n !== this.paramGroups[i].params.length)
        throw new Error(
          `loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${i}: ${n} saved, ${this.paramGroups[i].params.length} here)`,
        );
    });
    const idToParam = new Map<number, Tensor>();
    groups.forEach((g, i) => {
      (g.params as number[]).forEach((id, j) => {
        idToParam.set(id, this.paramGroups[i].params[j]);
      });
    });
    this.state.clear();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = idToParam.get(Number(key));
      if (!p) continue;
      const o: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        const name = camel(k);
        if (v instanceof Tensor) {
          if (name === 'step') o.step = v.device.type === 'cpu' ? v.itemSync() : Number.NaN;
          else {
            let t = v.detach();
            if (t.dtype === 'float32' && t.dtype !== p.dtype) t = t.to(p.dtype);
            t = t.device.equals(p.device) ? t.clone() : t.to(p.device);
            o[name] = t;
          }
        } else o[name] = v;
      }
      if (Number.isNaN(o.step)) throw new Error('optimizer state: `step` must be a number or a CPU tensor');
      this.state.set(p, o);
    }
    groups.forEach((g, i) => {
      const cur = this.paramGroups[i] as Record<string, unknown>;
      for (const [k, v] of Object.entries(g))
        if (k !== 'params') cur[camel(k)] = Array.isArray(v) ? [...v] : v;
    });
  }

  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).sort())
        if (k !== 'params') lines.push(`    ${snake(k)}: ${fmt((g as Record<string, unknown>)[k])}`);
    });
    lines.push(')');
    return lines.join('\n');
  }
}

const fmt = (v: unknown): string =>
  Array.isArray(v) ? `(${v.join(', ')})` : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);

export const checkRange = (cond: boolean, msg: string): void => {
  if (!cond) throw new RangeError(msg);
};
