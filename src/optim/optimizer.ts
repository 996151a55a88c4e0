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
import { bindArgs, ctorArgs, isPlainObject, registerCtor, registerType } from '../signature/bind.js';
import { parseSignature } from '../signature/parse.js';
import type { Bound, CallArgs } from '../signature/types.js';
import { noGrad, pendingGradSync } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

/** One group: its parameters and its hyperparameters (defaults filled in). */
export type ParamGroup<H> = H & { params: Tensor[] };
/**
 * What a constructor accepts for a group: params plus any hyperparameters to override. Keys are
 * checked when the group is added (an unknown key or a wrong type is a TypeError), not by tsc.
 */
export type ParamGroupInput<H = Record<string, unknown>> = Partial<H> & {
  params: Iterable<Tensor> | Tensor;
  [key: string]: unknown;
};
/**
 * What an optimizer's first argument accepts: an iterable of tensors (one group) or of param-group objects `{
 * params, lr?, ... }`, each overriding the constructor's hyperparameters for its parameters.
 */
export type Params<H = Record<string, unknown>> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;
/** The hyperparameters of a constructor signature: everything but `params`. */
export type Hyper<S extends string> = Omit<Bound<S>, 'params'>;

/** A group key no optimizer signature names but schedulers read (PyTorch resumes from it). */
const schedulerKeys = new Set(['initialLr', 'swaLr']);

const isParams = (v: unknown): v is Params =>
  typeof v === 'object' &&
  v !== null &&
  !(v instanceof Tensor) &&
  !isPlainObject(v) &&
  typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
registerType('Params', isParams, 'an iterable of tensors or of param-group objects');
registerType('Closure', (v): v is () => Tensor => typeof v === 'function', 'a function returning the loss');

/** types.ts has its own `Params`: the augmentation below names this one through an alias. */
type OptimizerParams = Params<any>;
declare module '../signature/types.js' {
  interface TypeMap {
    /** An optimizer's first parameter: tensors, or param-group objects `{ params, lr, ... }`. */
    Params: OptimizerParams;
    /** `Optimizer.step`'s closure: recomputes the loss. */
    Closure: () => Tensor;
    Optimizer: Optimizer<any>;
    OptimizerStateDict: OptimizerStateDict;
  }
}

const OPTIMIZER_SIG = 'Optimizer(Params params, dict defaults)';
const ZERO_GRAD_SIG = 'Optimizer.zero_grad(bool set_to_none=True)';
const STEP_SIG = 'Optimizer.step(Closure? closure=None)';
const ADD_PARAM_GROUP_SIG = 'Optimizer.add_param_group(dict param_group)';
const STATE_DICT_SIG = 'Optimizer.state_dict()';
const LOAD_STATE_DICT_SIG = 'Optimizer.load_state_dict(OptimizerStateDict state_dict)';

/** A built-in optimizer class: its public label and PyTorch signature (param groups bind to it). */
interface OptimizerClass {
  readonly label?: string;
  readonly signature?: string;
}

/** `[params, hyperparameters]` of a bound constructor call, for `super(...)`. */
export function splitParams<B extends { params: unknown }>(b: B): [B['params'], Omit<B, 'params'>] {
  const { params, ...rest } = b;
  return [params, rest];
}

/** One entry of a parameter's optimizer state: a tensor (moment buffers) or a host number (step counts). */
export type StateValue = Tensor | number;
/** The state of one parameter, by PyTorch's key in camelCase (`momentumBuffer`, `expAvg`, `step`, ...). */
export type ParamState = Record<string, StateValue>;

/** An optimizer's state dict in PyTorch's layout, snake_case keys so it maps 1:1 onto torch's. */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter index (parameters numbered in group order). */
  state: Record<number, Record<string, StateValue>>;
  /** The groups' hyperparameters (snake_case), each with `params`: the indices of its parameters. */
  param_groups: Record<string, unknown>[];
}
registerType(
  'OptimizerStateDict',
  (v): v is OptimizerStateDict => isPlainObject(v) && isPlainObject(v.state) && Array.isArray(v.param_groups),
  'an optimizer state dict ({ state, param_groups })',
);

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The base of every optimizer: parameter groups with their hyperparameters, per-parameter state, zeroGrad,
 * step and PyTorch-layout state dicts. Subclasses call `super(params, defaults)` and implement the per-group
 * update, which runs in place under noGrad on the parameters' device.
 */
export abstract class Optimizer<H extends object = Record<string, unknown>> {
  /**
   * The constructor's hyperparameters: every group starts from them, and only their keys may be set per
   * group.
   */
  readonly defaults: H;
  /**
   * The parameter groups, each its parameters plus its full set of hyperparameters; schedulers change `lr`
   * here.
   */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, keyed by the parameter tensor (PyTorch's `optimizer.state[p]`). */
  readonly state = new Map<Tensor, ParamState>();

  /**
   * `Optimizer(params, defaults)`, for subclasses: `defaults` are the hyperparameters every group
   * starts from (and the only keys a param group may set).
   */
  constructor(...args: CallArgs<typeof OPTIMIZER_SIG>) {
    const a = ctorArgs('optim.Optimizer', OPTIMIZER_SIG, args);
    this.defaults = a.defaults as H;
    const list = [...a.params];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : list;
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<H>);
  }

  /** The class's public name in errors (`optim.SGD`). */
  protected get label(): string {
    return (this.constructor as OptimizerClass).label ?? `optim.${this.constructor.name}`;
  }

  /**
   * Adds a group (e.g. layers unfrozen later); missing hyperparameters take the defaults. Its
   * keys bind like the constructor's options: an unknown key or a wrong type is a TypeError.
   */
  addParamGroup(...args: CallArgs<typeof ADD_PARAM_GROUP_SIG>): void {
    const group = ctorArgs('optim.Optimizer.addParamGroup', ADD_PARAM_GROUP_SIG, args)
      .paramGroup as ParamGroupInput<H>;
    if (!('params' in group))
      throw new TypeError(`${this.label}(): a param group must be an object with a \`params\` field`);
    const { params: raw, ...hyper } = group;
    if (!(raw instanceof Tensor) && !isParams(raw))
      throw new TypeError(
        `${this.label}(): a param group's \`params\` must be a tensor or an iterable of tensors, not ${typeof raw}`,
      );
    const params = raw instanceof Tensor ? [raw] : [...raw];
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
    const full = { ...this.defaults, ...this.checkGroupKeys(hyper), params } as ParamGroup<H>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /**
   * A group's hyperparameters, bound against the constructor's signature (a built-in optimizer)
   * or the keys of `defaults` (a subclass): same types, same TypeErrors, nothing ignored.
   */
  private checkGroupKeys(hyper: Record<string, unknown>): Record<string, unknown> {
    const label = this.label;
    const sig = (this.constructor as OptimizerClass).signature;
    const named: Record<string, unknown> = {};
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(hyper)) (schedulerKeys.has(k) ? extra : named)[k] = v;
    if (!sig) {
      for (const k of Object.keys(named))
        if (!(k in this.defaults))
          throw new TypeError(
            `${label}(): param group got an unexpected key '${k}' (its keys: params, ${Object.keys(this.defaults).join(', ')})`,
          );
      return hyper;
    }
    let bound: Record<string, unknown>;
    try {
      bound = bindArgs(parseSignature(sig), label, [[], named]);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      throw new TypeError(
        e.message
          .replace(`${label}(): `, `${label}(): param group: `)
          .replace('unexpected option', 'unexpected key'),
      );
    }
    const out: Record<string, unknown> = { ...extra };
    for (const k of Object.keys(named)) if (named[k] !== undefined) out[k] = bound[k];
    return out;
  }

  /** Checks a group's hyperparameters (PyTorch's constructor errors); subclasses extend it. */
  protected validate(_group: ParamGroup<H>): void {}

  /** Clears gradients: `null` by default (PyTorch 2), zeroed in place with `setToNone: false`. */
  zeroGrad(...args: CallArgs<typeof ZERO_GRAD_SIG>): void {
    const { setToNone } = ctorArgs('optim.Optimizer.zeroGrad', ZERO_GRAD_SIG, args);
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
   * grad enabled to recompute the loss (LBFGS-style); its value is returned. (LBFGS on WebGPU
   * returns a Promise of it: its line search reads values back.)
   */
  step(...args: CallArgs<typeof STEP_SIG>): Tensor | undefined | Promise<Tensor> {
    const { closure } = ctorArgs('optim.Optimizer.step', STEP_SIG, args);
    checkNoPendingGradSync(this.paramGroups);
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
  stateDict(...args: CallArgs<typeof STATE_DICT_SIG>): OptimizerStateDict {
    ctorArgs('optim.Optimizer.stateDict', STATE_DICT_SIG, args);
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
  loadStateDict(...args: CallArgs<typeof LOAD_STATE_DICT_SIG>): void {
    const sd = ctorArgs('optim.Optimizer.loadStateDict', LOAD_STATE_DICT_SIG, args).stateDict;
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
      // Loaded hyperparameters obey the constructor's rules (a saved `capturable: true` raises).
      this.validate(cur as ParamGroup<H>);
    });
  }

  /** PyTorch's repr: the class name and each group's hyperparameters (snake_case, sorted). */
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

registerType('Optimizer', (v): v is Optimizer<any> => v instanceof Optimizer, 'an optimizer');

const fmt = (v: unknown): string =>
  Array.isArray(v) ? `(${v.join(', ')})` : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);

export const checkRange = (cond: boolean, msg: string): void => {
  if (!cond) throw new RangeError(msg);
};

/** A value torchts accepts in a signature but cannot honour: a clear error, never ignored. */
export function unsupported(label: string, name: string, value: unknown, why: string): never {
  throw new Error(`${label}(): ${name}=${String(value)} is not supported: ${why}`);
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.Optimizer', OPTIMIZER_SIG, Optimizer);
registerCtor('optim.Optimizer.zeroGrad', ZERO_GRAD_SIG);
registerCtor('optim.Optimizer.step', STEP_SIG);
registerCtor('optim.Optimizer.addParamGroup', ADD_PARAM_GROUP_SIG);
registerCtor('optim.Optimizer.stateDict', STATE_DICT_SIG);
registerCtor('optim.Optimizer.loadStateDict', LOAD_STATE_DICT_SIG);

// --- distributed (MPI) ---
/** Refuses to update from gradients a DistributedDataParallel is still averaging. */
export function checkNoPendingGradSync(groups: readonly { params: readonly Tensor[] }[]): void {
  for (const g of groups)
    for (const p of g.params) {
      const m = pendingGradSync.get(p);
      if (m) throw new Error(m);
    }
}
