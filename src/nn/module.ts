/**
 * nn.Module: the base of every layer and model.
 *
 * Registration without `__setattr__`: JavaScript has no attribute hook, so a Module finds its
 * parameters and submodules by walking its own enumerable properties at call time, in
 * definition order (the order PyTorch's dicts keep). A field holding a `Parameter` is a
 * parameter, one holding a `Module` (ModuleList, ModuleDict and Sequential included) is a
 * submodule, and a `Tensor` field is a buffer only when `registerBuffer` named it. Reassigning a
 * field (`this.fc = new nn.Linear(...)`) is seen at once. Plain arrays of modules are not
 * registered (as in PyTorch): use `nn.ModuleList`. One JS quirk: integer-like names ('0', '1')
 * enumerate before other names, in ascending order.
 *
 * Callable modules: the constructor returns a function object whose prototype is the subclass's,
 * so `model(x)` calls `model.forward(x)`, `model instanceof SimpleNet` holds and the subclass's
 * field initializers land on that function. The `Module` interface below adds the call
 * signature, typed from `this['forward']`. (Module itself therefore uses no field initializers:
 * a base class's fields would be set on the discarded `this`.)
 *
 * ```ts
 * class SimpleNet extends nn.Module {
 *   fc1 = new nn.Linear(784, 128);
 *   fc2 = new nn.Linear(128, 10);
 *   forward(x: torch.Tensor) { return this.fc2(torch.relu(this.fc1(x))); }
 * }
 * const model = new SimpleNet();
 * const logits = model(torch.randn([64, 784]));        // same as model.forward(...)
 * ```
 */

import { releaseGrad } from '../autograd/engine.js';
import { ctorArgs, isPlainObject, overloads, registerCtor, registerType } from '../signature/bind.js';
import type { Bound, CallArgs } from '../signature/types.js';
import { type DeviceLike, device as toDevice } from '../tensor/device.js';
import { type DTypeLike, isFloat, normalizeDType } from '../tensor/dtype.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import {
  addHook,
  type BackwardHook,
  type BackwardPreHook,
  callModule,
  type ForwardHook,
  type ForwardPreHook,
  type RemovableHandle,
} from './hooks.js';
import { isParameter, type Parameter } from './parameter.js';
import { type ModelStatistics, summarize } from './summary.js';

type StateDict = Record<string, Tensor>;

// Method signatures (PyTorch's, bound by src/signature: positionally or in an options object).
// ── modules (helper modules) ──
const FORWARD_PRE_HOOK =
  'register_forward_pre_hook(Callable hook, *, bool prepend=False, bool with_kwargs=False)';
const FORWARD_HOOK =
  'register_forward_hook(Callable hook, *, bool prepend=False, bool with_kwargs=False, bool always_call=False)';
const BACKWARD_PRE_HOOK = 'register_full_backward_pre_hook(Callable hook, bool prepend=False)';
const BACKWARD_HOOK = 'register_full_backward_hook(Callable hook, bool prepend=False)';
const REGISTER_PARAMETER = 'register_parameter(str name, Tensor? param)';
const REGISTER_BUFFER = 'register_buffer(str name, Tensor? tensor, bool persistent=True)';
const REGISTER_MODULE = 'register_module(str name, Module? module)';
const NAMED_MODULES = 'named_modules(set? memo=None, str prefix="", bool remove_duplicate=True)';
const NAMED_PARAMETERS = 'named_parameters(str prefix="", bool recurse=True, bool remove_duplicate=True)';
const PARAMETERS = 'parameters(bool recurse=True)';
const NAMED_BUFFERS = 'named_buffers(str prefix="", bool recurse=True, bool remove_duplicate=True)';
const BUFFERS = 'buffers(bool recurse=True)';
const GET_SUBMODULE = 'get_submodule(str target)';
const TRAIN = 'train(bool mode=True)';
const REQUIRES_GRAD_ = 'requires_grad_(bool requires_grad=True)';
const ZERO_GRAD = 'zero_grad(bool set_to_none=True)';
const TO_DTYPE = 'to(ScalarType dtype, bool non_blocking=False)';
const TO_DEVICE = 'to(Device? device=None, ScalarType? dtype=None, bool non_blocking=False)';
const TO_TENSOR = 'to(Tensor tensor, bool non_blocking=False)';
const TO_ASYNC = 'to_async(Device device)';
const STATE_DICT = 'state_dict(*, dict? destination=None, str prefix="", bool keep_vars=False)';
const LOAD_STATE_DICT = 'load_state_dict(StateDict state_dict, bool strict=True, bool assign=False)';
// ── adopt: torchinfo's summary(model, input_size, input_data, depth, device, dtypes), one dtype ──
const SUMMARY =
  'summary(int[]? input_size=None, Tensor? input_data=None, int depth=3, Device? device=None, ScalarType? dtype=None)';

/** Module.to's three forms, as PyTorch: to(dtype), to(device, dtype), to(tensor). */
const bindTo = overloads(
  'nn.Module.to',
  [TO_DTYPE, (a: Bound<typeof TO_DTYPE>) => ({ device: null, dtype: a.dtype })],
  [TO_DEVICE, (a: Bound<typeof TO_DEVICE>) => ({ device: a.device, dtype: a.dtype })],
  [
    TO_TENSOR,
    (a: Bound<typeof TO_TENSOR>) => ({
      device: a.tensor.device as DeviceLike,
      dtype: a.tensor.dtype as DTypeLike,
    }),
  ],
);

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Non-enumerable bookkeeping, so the property walk never sees it. */
interface Internals {
  buffers: Set<string>;
  nonPersistent: Set<string>;
  training: boolean;
}
const INTERNAL = Symbol('torchts.module');

export interface Module {
  /** `model(x)` is `model.forward(x)`. */
  // biome-ignore lint/style/useShorthandFunctionType: merged with the class below to make instances callable
  (...args: Parameters<this['forward']>): ReturnType<this['forward']>;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface only adds the call signature the constructor makes real
export class Module {
  constructor() {
    // Calls go through callModule (nn/hooks.ts): the forward pre/post and backward hooks.
    const self = ((...args: unknown[]) => callModule(self as Module, args)) as unknown as Module;
    Object.setPrototypeOf(self, new.target.prototype);
    // Drop the arrow function's own `name` and `length`, so user fields of those names are plain.
    delete (self as unknown as { name?: string }).name;
    delete (self as unknown as { length?: number }).length;
    const internals: Internals = { buffers: new Set(), nonPersistent: new Set(), training: true };
    Object.defineProperty(self, INTERNAL, { value: internals, enumerable: false });
    // biome-ignore lint/correctness/noConstructorReturn: the callable instance (see the file comment)
    return self;
  }

  private get _i(): Internals {
    return (this as unknown as { [INTERNAL]: Internals })[INTERNAL];
  }

  /** Defines the computation; subclasses override it. */
  forward(..._args: any[]): any {
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  // ---- registration ----
  /** Whether the module is in training mode (Dropout, BatchNorm read it). */
  get training(): boolean {
    return this._i.training;
  }
  set training(v: boolean) {
    this._i.training = v;
  }

  /** Adds a parameter (or null: a declared but absent parameter, like `bias=False`). */
  registerParameter(...args: CallArgs<typeof REGISTER_PARAMETER>): void {
    const { name, param } = ctorArgs('nn.Module.registerParameter', REGISTER_PARAMETER, args);
    checkName(this, name, 'parameter');
    if (param !== null && !isParameter(param))
      throw new TypeError(
        `cannot assign '${describe(param)}' object to parameter '${name}' (nn.Parameter or null required)`,
      );
    this._set(name, param);
  }

  /** Adds a buffer: state that is not a parameter (running stats). `persistent: false` keeps it out of stateDict. */
  registerBuffer(...args: CallArgs<typeof REGISTER_BUFFER>): void {
    const { name, tensor, persistent } = ctorArgs('nn.Module.registerBuffer', REGISTER_BUFFER, args);
    checkName(this, name, 'buffer');
    this._i.buffers.add(name);
    if (!persistent) this._i.nonPersistent.add(name);
    else this._i.nonPersistent.delete(name);
    this._set(name, tensor);
  }

  /** Adds a child module under `name` (`model.name` then reads it). */
  registerModule(...args: CallArgs<typeof REGISTER_MODULE>): void {
    const { name, module } = ctorArgs('nn.Module.registerModule', REGISTER_MODULE, args);
    checkName(this, name, 'module');
    this._set(name, module);
  }
  /** Alias of registerModule. */
  addModule(...args: CallArgs<typeof REGISTER_MODULE>): void {
    const { name, module } = ctorArgs(
      'nn.Module.addModule',
      REGISTER_MODULE.replace('register', 'add') as typeof REGISTER_MODULE,
      args,
    );
    this.registerModule(name, module);
  }

  private _set(name: string, value: unknown): void {
    Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
  }

  private _entries(): [string, unknown][] {
    return Object.keys(this).map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }

  // ---- iteration (PyTorch order: own entries in definition order, then children depth-first) ----
  /** Direct parameters of this module (not of children), by name. */
  private _ownParameters(): [string, Parameter][] {
    return this._entries().filter((e): e is [string, Parameter] => isParameter(e[1]));
  }
  private _ownBuffers(): [string, Tensor][] {
    const names = this._i.buffers;
    return this._entries().filter(
      (e): e is [string, Tensor] => names.has(e[0]) && e[1] instanceof Tensor && !isParameter(e[1]),
    );
  }

  /** Every child entry, shared ones repeated (PyTorch's `_modules.items()`). */
  private _childEntries(): [string, Module][] {
    return this._entries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [k, v] of this._entries())
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        yield [k, v];
      }
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant once, with dotted names ('' for this one). */
  namedModules(...args: CallArgs<typeof NAMED_MODULES>): Generator<[string, Module]> {
    const a = ctorArgs('nn.Module.namedModules', NAMED_MODULES, args);
    return this._namedModules((a.memo as Set<Module> | null) ?? new Set(), a.prefix, a.removeDuplicate);
  }
  private *_namedModules(
    memo: Set<Module>,
    prefix: string,
    removeDuplicate: boolean,
  ): Generator<[string, Module]> {
    if (removeDuplicate) {
      if (memo.has(this)) return;
      memo.add(this);
    }
    yield [prefix, this];
    for (const [k, v] of this._entries())
      if (v instanceof Module) yield* v._namedModules(memo, prefix ? `${prefix}.${k}` : k, removeDuplicate);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Every parameter once (shared ones are not repeated), as `['fc1.weight', p]`. */
  namedParameters(...args: CallArgs<typeof NAMED_PARAMETERS>): Generator<[string, Parameter]> {
    const a = ctorArgs('nn.Module.namedParameters', NAMED_PARAMETERS, args);
    return this.namedTensors((m) => m._ownParameters(), a);
  }

  /** Each tensor once (shared ones under their first name), with dotted names, in module order. */
  private *namedTensors<T extends Tensor>(
    own: (m: Module) => Iterable<[string, T]>,
    opts: { prefix: string; recurse: boolean; removeDuplicate: boolean },
  ): Generator<[string, T]> {
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = opts.recurse
      ? [...this._namedModules(new Set(), opts.prefix, opts.removeDuplicate)]
      : [[opts.prefix, this]];
    for (const [mp, m] of mods)
      for (const [k, t] of own(m))
        if (!opts.removeDuplicate || !seen.has(t)) {
          seen.add(t);
          yield [mp ? `${mp}.${k}` : k, t];
        }
  }
  /** The parameters, e.g. for an optimizer: `new optim.SGD(model.parameters(), {lr: 0.01})`. */
  parameters(...args: CallArgs<typeof PARAMETERS>): Parameter[] {
    const { recurse } = ctorArgs('nn.Module.parameters', PARAMETERS, args);
    return [
      ...this.namedTensors((m) => m._ownParameters(), { prefix: '', recurse, removeDuplicate: true }),
    ].map(([, p]) => p);
  }

  namedBuffers(...args: CallArgs<typeof NAMED_BUFFERS>): Generator<[string, Tensor]> {
    const a = ctorArgs('nn.Module.namedBuffers', NAMED_BUFFERS, args);
    return this.namedTensors((m) => m._ownBuffers(), a);
  }
  buffers(...args: CallArgs<typeof BUFFERS>): Tensor[] {
    const { recurse } = ctorArgs('nn.Module.buffers', BUFFERS, args);
    return [...this.namedTensors((m) => m._ownBuffers(), { prefix: '', recurse, removeDuplicate: true })].map(
      ([, b]) => b,
    );
  }

  /** The module at a dotted path ('' is this one), as get_submodule. */
  getSubmodule(...args: CallArgs<typeof GET_SUBMODULE>): Module {
    const { target } = ctorArgs('nn.Module.getSubmodule', GET_SUBMODULE, args);
    let m: Module = this;
    if (target === '') return m;
    for (const part of target.split('.')) {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new Error(`${m._getName()} has no attribute \`${part}\``);
      m = next;
    }
    return m;
  }

  // ---- modes ----
  /** Sets training mode on this module and all descendants. */
  train(...args: CallArgs<typeof TRAIN>): this {
    const { mode } = ctorArgs('nn.Module.train', TRAIN, args);
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Applies fn to every child (recursively) and then to this module, as Module.apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  requiresGrad_(...args: CallArgs<typeof REQUIRES_GRAD_>): this {
    const { requiresGrad } = ctorArgs('nn.Module.requiresGrad_', REQUIRES_GRAD_, args);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Clears the gradients: `null` (default, as PyTorch 2) or zeroed in place with `setToNone: false`. */
  zeroGrad(...args: CallArgs<typeof ZERO_GRAD>): void {
    const { setToNone } = ctorArgs('nn.Module.zeroGrad', ZERO_GRAD, args);
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone)
        releaseGrad(p); // frees the engine's gradient now, not at the next GC
      else {
        const g = p.grad.gradFn ? p.grad.detach() : p.grad;
        noGrad(() => g.zero_());
        p.grad = g;
      }
    }
  }

  // ---- devices and dtypes ----
  /**
   * Moves (or casts) parameters, their gradients and buffers IN PLACE: each tensor keeps its
   * identity (`p.data = p.data.to(device)`), so an optimizer created before still holds them.
   * A dtype cast only touches floating-point tensors, as in PyTorch. PyTorch's three forms:
   * `to('cuda')`, `to('float32')`, `to(device, dtype)` / `to({ device, dtype })`, `to(tensor)`.
   */
  to(...args: CallArgs<typeof TO_DTYPE> | CallArgs<typeof TO_DEVICE> | CallArgs<typeof TO_TENSOR>): this {
    const b = bindTo(...(args as Parameters<typeof bindTo>));
    const dev = b.device === null ? undefined : toDevice(b.device);
    const dt = b.dtype === null ? undefined : normalizeDType(b.dtype);
    const conv = (t: Tensor): Tensor => {
      let r = t;
      if (dt && isFloat(r.dtype) && dt !== r.dtype) r = r.to(dt);
      if (dev && !r.device.equals(dev)) r = r.to(dev);
      return r;
    };
    this._convert(conv);
    return this;
  }
  /** `to(device)` for a GPU -> CPU move, which reads back and so is async. */
  async toAsync(...args: CallArgs<typeof TO_ASYNC>): Promise<this> {
    const dev = toDevice(ctorArgs('nn.Module.toAsync', TO_ASYNC, args).device);
    const tensors: Tensor[] = [];
    for (const p of this.parameters()) tensors.push(p, ...(p.grad ? [p.grad] : []));
    tensors.push(...this.buffers());
    const moved = new Map<Tensor, Tensor>();
    for (const t of tensors) moved.set(t, await t.detach().toAsync(dev));
    this._convert((t) => moved.get(t) ?? t);
    return this;
  }
  private _convert(conv: (t: Tensor) => Tensor): void {
    noGrad(() => {
      // conv sees the tensor itself (under noGrad, so nothing is recorded) and returns it or a copy.
      for (const p of this.parameters()) {
        if (p.grad) {
          const g = conv(p.grad);
          if (g !== p.grad) p.grad = g;
        }
        const nd = conv(p);
        if (nd !== p) p.data = nd;
      }
      for (const b of this.buffers()) {
        const nd = conv(b);
        if (nd !== b) b.data = nd;
      }
    });
  }
  cpu(): this {
    return this.to('cpu');
  }
  /** PyTorch's spelling of "the GPU" (WebGPU today). */
  cuda(): this {
    return this.to('cuda');
  }
  float(): this {
    return this.to('float32');
  }
  // --- half ---
  /** Floating-point parameters and buffers to float16 (in place, as `to`). */
  half(): this {
    return this.to('float16');
  }
  /** Floating-point parameters and buffers to bfloat16 (in place, as `to`). */
  bfloat16(): this {
    return this.to('bfloat16');
  }

  // ---- state dict ----
  /**
   * Parameters and persistent buffers with PyTorch's key names ('fc1.weight'), in order, as
   * detached tensors sharing storage with the module.
   */
  stateDict(...args: CallArgs<typeof STATE_DICT>): StateDict {
    const a = ctorArgs('nn.Module.stateDict', STATE_DICT, args);
    const out = (a.destination ?? {}) as StateDict;
    const { prefix, keepVars } = a;
    const walk = (m: Module, pre: string) => {
      for (const [k, p] of m._ownParameters()) out[pre + k] = keepVars ? p : p.detach();
      for (const [k, b] of m._ownBuffers())
        if (!m._i.nonPersistent.has(k)) out[pre + k] = keepVars ? b : b.detach();
      for (const [k, c] of m._childEntries()) walk(c, `${pre}${k}.`);
    };
    walk(this, prefix);
    return out;
  }

  /**
   * Copies the values in (on this module's devices). `strict` (default) throws on missing or
   * unexpected keys; a shape mismatch always throws. The error lists every key at fault, as
   * PyTorch's does. `assign: true` makes each parameter and buffer take the checkpoint's tensor
   * (storage and dtype) instead of copying into it.
   */
  loadStateDict(...args: CallArgs<typeof LOAD_STATE_DICT>): LoadStateDictResult {
    const { stateDict, strict, assign } = ctorArgs('nn.Module.loadStateDict', LOAD_STATE_DICT, args);
    const sd = stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict;
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [k, dst] of Object.entries(own)) {
      if (!(k in sd)) continue;
      const src = sd[k];
      if (!(src instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${describe(src)}`,
        );
        continue;
      }
      if (!sameShape(src.shape, dst.shape)) {
        errors.push(
          `size mismatch for ${k}: copying a param with shape ${torchSize(src.shape)} from checkpoint, the shape in current model is ${torchSize(dst.shape)}.`,
        );
        continue;
      }
      copies.push([dst, src]);
    }
    if (strict) {
      if (unexpectedKeys.length)
        errors.unshift(
          `Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `,
        );
      if (missingKeys.length)
        errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length)
      throw new Error(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [dst, src] of copies) {
        if (assign) {
          dst.data = src.detach();
          continue;
        }
        const s = src.dtype === dst.dtype ? src : src.to(dst.dtype);
        dst.copy_(s);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ----
  /** Extra text inside the parentheses, e.g. `in_features=784, out_features=128, bias=True`. */
  extraRepr(): string {
    return '';
  }
  /** @internal PyTorch's `_get_name()`. */
  _getName(): string {
    return this.constructor.name;
  }
  /** PyTorch's repr: `SimpleNet(\n  (fc1): Linear(in_features=784, ...)\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this._childEntries().map(([k, m]) => `(${k}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this._getName()}(`;
    if (lines.length) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ── modules (helper modules) ──
  /** hook(module, args) before forward; may return replacement args (see nn/hooks.ts). */
  registerForwardPreHook(
    hook: ForwardPreHook,
    opts: { prepend?: boolean; withKwargs?: boolean } = {},
  ): RemovableHandle {
    const a = ctorArgs('nn.Module.registerForwardPreHook', FORWARD_PRE_HOOK, [hook, opts] as never);
    return addHook(this, 'forwardPre', hook, { prepend: a.prepend, withKwargs: a.withKwargs });
  }
  /** hook(module, args, output) after forward; may return a replacement output. */
  registerForwardHook(
    hook: ForwardHook,
    opts: { prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean } = {},
  ): RemovableHandle {
    const a = ctorArgs('nn.Module.registerForwardHook', FORWARD_HOOK, [hook, opts] as never);
    return addHook(this, 'forward', hook, a);
  }
  /** hook(module, gradOutput) when the outputs' gradients arrive; may replace gradOutput. */
  registerFullBackwardPreHook(hook: BackwardPreHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    const a = ctorArgs('nn.Module.registerFullBackwardPreHook', BACKWARD_PRE_HOOK, [hook, opts] as never);
    return addHook(this, 'backwardPre', hook, { prepend: a.prepend });
  }
  /** hook(module, gradInput, gradOutput) when the inputs' gradients arrive; may replace gradInput. */
  registerFullBackwardHook(hook: BackwardHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    const a = ctorArgs('nn.Module.registerFullBackwardHook', BACKWARD_HOOK, [hook, opts] as never);
    return addHook(this, 'backward', hook, { prepend: a.prepend });
  }

  // ── adopt ──
  /**
   * torchinfo's `summary(model, input_size)` as a method: runs one forward pass (eval mode, no
   * grad) on zeros of `inputSize` (batch dimension included) or on `inputData`, and returns the
   * table of module calls with their nesting, output shapes and parameter counts, the totals
   * (trainable / non-trainable) and the input, activation and parameter sizes in MB. Print it
   * with `console.log(String(model.summary([1, 784])))`. `depth` (default 3) limits the nesting
   * shown (a collapsed row counts its children's parameters); `device` defaults to the
   * parameters' device, `dtype` to float32 (int64 for an Embedding model's indices).
   */
  summary(...args: CallArgs<typeof SUMMARY>): ModelStatistics {
    const a = ctorArgs('nn.Module.summary', SUMMARY, args);
    return summarize(this, {
      inputSize: a.inputSize,
      inputData: a.inputData,
      depth: a.depth,
      device: a.device === null ? null : toDevice(a.device),
      dtype: a.dtype === null ? null : normalizeDType(a.dtype),
    });
  }
}

function addIndent(s: string, n: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(n);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

function checkName(m: Module, name: string, what: string): void {
  if (typeof name !== 'string') throw new TypeError(`${what} name should be a string. Got ${typeof name}`);
  if (name === '') throw new Error(`${what} name can't be empty string ""`);
  if (name.includes('.')) throw new Error(`${what} name can't contain "."`);
  if (!Object.hasOwn(m, name) && name in m) throw new Error(`attribute '${name}' already exists`);
}

function describe(x: unknown): string {
  if (x === null) return 'None';
  if (typeof x === 'object' || typeof x === 'function') return (x as object).constructor?.name ?? typeof x;
  return typeof x;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

const torchSize = (s: readonly number[]) => `torch.Size([${s.join(', ')}])`;

registerType(
  'Module',
  (v): v is Module => v instanceof Module,
  'an nn.Module',
  (m) => `nn.${m._getName()}`,
);
/** A state dict: a plain object or a Map of name -> tensor. */
registerType(
  'StateDict',
  (v): v is StateDict | Map<string, Tensor> => isPlainObject(v) || v instanceof Map,
  'a state dict (an object or a Map of tensors)',
);
/** Python's `set` (named_modules' memo). */
registerType('set', (v): v is Set<unknown> => v instanceof Set, 'a Set');
declare module '../signature/types.js' {
  interface TypeMap {
    set: Set<unknown>;
    Module: Module;
    StateDict: StateDict | Map<string, Tensor>;
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.Module.registerParameter', REGISTER_PARAMETER);
registerCtor('nn.Module.registerBuffer', REGISTER_BUFFER);
registerCtor('nn.Module.registerModule', REGISTER_MODULE);
registerCtor('nn.Module.namedModules', NAMED_MODULES);
registerCtor('nn.Module.namedParameters', NAMED_PARAMETERS);
registerCtor('nn.Module.parameters', PARAMETERS);
registerCtor('nn.Module.namedBuffers', NAMED_BUFFERS);
registerCtor('nn.Module.buffers', BUFFERS);
registerCtor('nn.Module.getSubmodule', GET_SUBMODULE);
registerCtor('nn.Module.train', TRAIN);
registerCtor('nn.Module.requiresGrad_', REQUIRES_GRAD_);
registerCtor('nn.Module.zeroGrad', ZERO_GRAD);
registerCtor('nn.Module.toAsync', TO_ASYNC);
registerCtor('nn.Module.stateDict', STATE_DICT);
registerCtor('nn.Module.loadStateDict', LOAD_STATE_DICT);
registerCtor('nn.Module.addModule', REGISTER_MODULE.replace('register', 'add'));

// ── modules (helper modules) ──
registerCtor('nn.Module.registerForwardPreHook', FORWARD_PRE_HOOK);
registerCtor('nn.Module.registerForwardHook', FORWARD_HOOK);
registerCtor('nn.Module.registerFullBackwardPreHook', BACKWARD_PRE_HOOK);
registerCtor('nn.Module.registerFullBackwardHook', BACKWARD_HOOK);

// --- models (swa_utils: deep copy) ---
/**
 * @internal For copy.deepcopy: a new callable instance of `m`'s class with copies of its
 * bookkeeping (buffer names, training flag) and no fields; the subclass constructor does not run.
 */
export function moduleShell(m: Module): Module {
  const shell = Reflect.construct(Module, [], m.constructor) as Module;
  const src = (m as unknown as { [INTERNAL]: Internals })[INTERNAL];
  const dst = (shell as unknown as { [INTERNAL]: Internals })[INTERNAL];
  dst.buffers = new Set(src.buffers);
  dst.nonPersistent = new Set(src.nonPersistent);
  dst.training = src.training;
  return shell;
}

// ── adopt ──
registerCtor('nn.Module.summary', SUMMARY);
