/**
 * Binds a call's arguments to a PyTorch parameter list (parse.ts), the one rule for every public
 * callable: any parameter positionally in PyTorch's order, or by camelCase name in a trailing
 * options object; a lone int list also as varargs (`zeros(3, 4)`, `x.view(2, -1)`). An extra
 * positional argument, an unknown option or a value of the wrong type is a TypeError naming the
 * callable, the parameter and what was given. Nothing is ignored.
 */

import { reclaim, reclaimPending } from '../backend/pressure.js';
import {
  formatType,
  methodSignature,
  type Param,
  parseSignature,
  type Signature,
  type TypeSpec,
} from './parse.js';
import type { Bound, CallArgs, MethodArgs } from './types.js';

interface TypeCheck {
  test: (v: unknown) => boolean;
  /** What the type is called in an error ("a tensor"). */
  what: string;
  /** How a value of the type is shown in an error ("a float32 tensor of shape [2, 3]"). */
  show?: (v: never) => string;
}

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const checks = new Map<string, TypeCheck>([
  ['int', { test: isInt, what: 'an int' }],
  ['SymInt', { test: isInt, what: 'an int' }],
  ['float', { test: (v) => typeof v === 'number', what: 'a number' }],
  ['bool', { test: (v) => typeof v === 'boolean', what: 'a boolean' }],
  ['str', { test: (v) => typeof v === 'string', what: 'a string' }],
  ['Scalar', { test: (v) => typeof v === 'number' || typeof v === 'boolean', what: 'a number' }],
  ['dict', { test: (v) => isPlainObject(v), what: 'an object' }],
  ['Any', { test: () => true, what: 'anything' }],
]);

/** Adds a type name that signatures may use, with its run-time test and how errors show it. */
export function registerType<T>(
  name: string,
  test: (v: unknown) => v is T,
  what: string,
  show?: (v: T) => string,
): void;
export function registerType(name: string, test: (v: unknown) => boolean, what: string): void;
export function registerType(
  name: string,
  test: (v: unknown) => boolean,
  what: string,
  show?: (v: never) => string,
): void {
  checks.set(name, { test, what, show });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A short description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v !== 'object') return String(v);
  for (const c of checks.values()) if (c.show && c.test(v)) return c.show(v as never);
  return (v as object).constructor?.name ?? 'object';
}

function checkOf(base: string): TypeCheck {
  const c = checks.get(base);
  if (!c) throw new Error(`signature type '${base}' has no registered check (registerType)`);
  return c;
}

type Coerce = (v: unknown) => unknown;

/**
 * The value as the implementation sees it, or `undefined` when it does not fit the type. Built
 * once per parameter on its first call (types register as their modules load).
 */
function compile(t: TypeSpec): Coerce {
  const inner = compileNonNull(t);
  // PyTorch's `int[2]? stride=None` reads an empty list as None (max_pool2d(x, 2, stride=[])).
  if (t.nullable && t.kind === 'list' && t.length && t.length > 1)
    return (v) => (v === null || (Array.isArray(v) && v.length === 0) ? null : inner(v));
  return t.nullable ? (v) => (v === null ? null : inner(v)) : (v) => (v === null ? undefined : inner(v));
}
function compileNonNull(t: TypeSpec): Coerce {
  switch (t.kind) {
    case 'base': {
      const { test } = checkOf(t.base);
      return (v) => (test(v) ? v : undefined);
    }
    case 'literal':
      return (v) => (v === t.value ? v : undefined);
    case 'union': {
      const alts = t.of.map(compile);
      return (v) => {
        for (const a of alts) {
          const r = a(v);
          if (r !== undefined) return r;
        }
        return undefined;
      };
    }
    case 'list': {
      const item = compile(t.of);
      const n = t.length;
      return (v) => {
        if (Array.isArray(v)) {
          // `int[2] kernel_size` takes exactly 2 (or 1, repeated); `int[1] dim` any number of dims.
          if (n > 1 && v.length !== n && v.length !== 1) return undefined;
          const out = new Array(v.length);
          for (let i = 0; i < v.length; i++) if ((out[i] = item(v[i])) === undefined) return undefined;
          return n > 1 && out.length === 1 ? new Array(n).fill(out[0]) : out;
        }
        // `T[N]` takes one value for all N (`kernel_size=3`); `int[]` needs a list.
        if (!n) return undefined;
        const one = item(v);
        return one === undefined ? undefined : new Array(n).fill(one);
      };
    }
  }
}

const compiled = new WeakMap<Signature, Coerce[]>();
function coercers(sig: Signature): Coerce[] {
  let c = compiled.get(sig);
  if (!c) compiled.set(sig, (c = sig.params.map((p) => compile(p.type))));
  return c;
}

function typeName(t: TypeSpec): string {
  if (t.kind === 'base') return checks.get(t.base)?.what ?? t.base;
  return formatType(t);
}

function fail(label: string, msg: string): never {
  throw new TypeError(`${label}(): ${msg}`);
}

function setParam(
  label: string,
  p: Param,
  c: Coerce,
  v: unknown,
  out: Record<string, unknown>,
  pos: number,
): void {
  const r = c(v);
  if (r === undefined)
    fail(
      label,
      `argument '${p.name}'${pos >= 0 ? ` (position ${pos + 1})` : ''} must be ${typeName(p.type)}, not ${describeValue(v)}`,
    );
  out[p.name] = r;
}

/** Binds `args` to `sig`; `label` names the callable in errors (`torch.zeros`, `Tensor.view`). */
export function bindArgs(
  sig: Signature,
  label: string,
  args: readonly unknown[],
  /** 1 when args[0] is the tensor a method was called on: messages count the user's arguments. */
  self: 0 | 1 = 0,
): Record<string, unknown> {
  // A safe point: storage dropped by the program comes back here, in loops that never yield too.
  if (reclaimPending) reclaim();
  const { params } = sig;
  const co = coercers(sig);
  const out: Record<string, unknown> = {};
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  // A trailing plain object names parameters, unless the parameter at its position takes one.
  let options: Record<string, unknown> | null = null;
  if (n > 0 && isPlainObject(args[n - 1])) {
    const at = params[n - 1];
    const takesObject = at && !at.kwOnly && at.type.kind !== 'union' && co[n - 1](args[n - 1]) !== undefined;
    if (!takesObject) {
      options = args[n - 1] as Record<string, unknown>;
      n--;
    }
  }
  let ai = 0;
  let pi = 0;
  for (; ai < n; pi++) {
    const p = params[pi];
    if (!p || p.kwOnly) {
      const max = params.filter((q) => !q.kwOnly).length;
      fail(
        label,
        `takes ${max} positional argument${max === 1 ? '' : 's'} but ${n} were given (got ${describeValue(args[ai])} after the last one)`,
      );
    }
    if (pi === sig.varargs && typeof args[ai] === 'number') {
      // zeros(3, 4): the rest of the positional numbers form the list.
      const list = args.slice(ai, n);
      if (!list.every(isInt))
        fail(label, `argument '${p.name}' must be a list of ints, not ${describeValue(list)}`);
      setParam(label, p, co[pi], list, out, ai); // `int[2]`: one value for both, else exactly 2
      ai = n;
      continue;
    }
    if (args[ai] !== undefined) setParam(label, p, co[pi], args[ai], out, ai - self);
    ai++;
  }
  if (options)
    for (const k of Object.keys(options)) {
      const i = params.findIndex((q) => q.name === k);
      const p = params[i];
      if (!p || (self && i === 0)) {
        const names = params.slice(self).map((q) => q.name);
        fail(label, `got an unexpected option '${k}' (its parameters: ${names.join(', ') || 'none'})`);
      }
      if (k in out) fail(label, `got multiple values for argument '${k}'`);
      if (options[k] !== undefined) setParam(label, p, co[i], options[k], out, -1);
    }
  for (const p of params)
    if (out[p.name] === undefined) {
      if (p.required) fail(label, `missing required argument '${p.name}'`);
      out[p.name] = p.default;
    }
  return out;
}

/** The public name of a callable and its signature text, for the generated op list. */
export interface Registered {
  readonly label: string;
  readonly signatures: readonly string[];
  /** The public callable (for a method, called with the tensor as `this`); absent for classes. */
  readonly call?: (...args: unknown[]) => unknown;
  /** The class, for constructors (`nn.Linear`, `optim.SGD`): built by label in conformance cases. */
  readonly ctor?: abstract new (
    ...args: never[]
  ) => unknown;
  readonly isMethod: boolean;
}
const registry = new Map<string, Registered>();
function register(r: Registered): void {
  if (registry.has(r.label)) throw new Error(`${r.label} is defined twice`);
  registry.set(r.label, r);
}
/** Every callable defined through this module, by public label (docs/api-signatures.md, conformance). */
export const registeredCallables = (): ReadonlyMap<string, Registered> => registry;

// --- amp ---
/**
 * A hook around every bound public function and Tensor method (`fn`, `method`): it sees the
 * label and the bound arguments and runs the implementation (autocast, src/amp/autocast.ts,
 * casts the tensor arguments of the ops on its lists here: one place for every op).
 */
export type CallHook = <R>(
  label: string,
  a: Record<string, unknown>,
  impl: (a: Record<string, unknown>) => R,
) => R;
const callHooks: CallHook[] = [];
/** Adds a call hook (registered once, at import, by the module that owns it). */
export function registerCallHook(h: CallHook): void {
  callHooks.push(h);
}
function runHooked<R>(label: string, a: Record<string, unknown>, impl: (a: Record<string, unknown>) => R): R {
  if (callHooks.length === 1) return callHooks[0](label, a, impl); // no closure on the hot path
  let run = impl;
  for (const h of callHooks) {
    const inner = run;
    run = (b) => h(label, b, inner);
  }
  return run(a);
}

/**
 * A public function with PyTorch signature S: `impl` receives every parameter by camelCase name,
 * defaults filled in, already type-checked.
 * @example export const layerNorm = fn('F.layerNorm', 'layer_norm(Tensor input, int[] normalized_shape, float eps=1e-05)', (a) => ...)
 */
export function fn<const S extends string, R>(
  label: string,
  sig: S,
  impl: (a: Bound<S>) => R,
): (...args: CallArgs<S>) => R {
  const parsed = parseSignature(sig);
  const f = (...args: CallArgs<S>) => {
    const a = bindArgs(parsed, label, args);
    if (callHooks.length) return runHooked(label, a, impl as (a: Record<string, unknown>) => R);
    return impl(a as Bound<S>);
  };
  register({ label, signatures: [sig], call: f as (...a: unknown[]) => unknown, isMethod: false });
  return f;
}

/** A Tensor method: the signature's first parameter (`self`) is `this`. */
export function method<const S extends string, R, T = unknown>(
  label: string,
  sig: S,
  impl: (a: Bound<S>) => R,
): (this: T, ...args: MethodArgs<S>) => R {
  const parsed = methodSignature(parseSignature(sig));
  if (parsed.params[0]?.pyName !== 'self' && parsed.params[0]?.pyName !== 'input')
    throw new Error(`${label}: a method's signature starts with 'Tensor self' (${sig})`);
  const f = function (this: T, ...args: MethodArgs<S>) {
    const a = bindArgs(parsed, label, [this, ...args], 1);
    if (callHooks.length) return runHooked(label, a, impl as (a: Record<string, unknown>) => R);
    return impl(a as Bound<S>);
  };
  register({ label, signatures: [sig], call: f as (...a: unknown[]) => unknown, isMethod: true });
  return f;
}

/**
 * Binds constructor arguments (modules, optimizers, schedulers): `new nn.Linear(784, 128)` and
 * `new nn.Linear({ inFeatures: 784, outFeatures: 128 })` alike. Also binds methods of those
 * classes (`nn.Module.parameters`); `registerCtor` lists them before their first call.
 */
export function ctorArgs<const S extends string>(label: string, sig: S, args: readonly unknown[]): Bound<S> {
  const r = registry.get(label);
  if (!r) register({ label, signatures: [sig], isMethod: false });
  else if (!r.signatures.includes(sig))
    throw new Error(`${label} is registered as ${r.signatures[0]}, bound as ${sig}`);
  return bindArgs(parseSignature(sig), label, args) as Bound<S>;
}

/**
 * Lists a constructor (with its class) or a class method bound by `ctorArgs` in
 * `registeredCallables()` at import, so the docs and the conformance runner see every one of
 * them, not only those already called.
 */
export function registerCtor(
  label: string,
  sig: string,
  ctor?: abstract new (...args: never[]) => unknown,
): void {
  parseSignature(sig); // a bad signature fails at import
  register({ label, signatures: [sig], ctor, isMethod: false });
}

/** Several PyTorch overloads under one name (`torch.max(x)`, `max(x, dim)`, `max(x, other)`). */
type Overload<S extends string, R> = readonly [sig: S, impl: (a: Bound<S>) => R];
/** One form of an overloaded callable: its signature and its implementation (typed from it). */
export const form = <const S extends string, R>(sig: S, impl: (a: Bound<S>) => R): Overload<S, R> => [
  sig,
  impl,
];
type OverloadFn<O> = O extends readonly [infer H, ...infer T]
  ? H extends Overload<infer S, infer R>
    ? ((...args: CallArgs<S>) => R) & OverloadFn<T>
    : never
  : unknown;

/**
 * The first overload whose parameter list accepts the arguments wins (PyTorch's argument parser
 * does the same); when none does, the error lists every form.
 */
export function overloads<const O extends readonly Overload<string, unknown>[]>(
  label: string,
  ...forms: O
): OverloadFn<O> {
  const f = overloaded(label, forms);
  register({ label, signatures: forms.map(([s]) => s), call: f, isMethod: false });
  return f as OverloadFn<O>;
}

/** Overloads of a Tensor method: each form's first parameter is `self`. */
export function methodOverloads<const O extends readonly Overload<string, unknown>[]>(
  label: string,
  ...forms: O
): MethodOverloadFn<O> {
  const f = overloaded(label, forms, true);
  const m = function (this: unknown, ...args: unknown[]) {
    return f(this, ...args);
  };
  register({ label, signatures: forms.map(([s]) => s), call: m, isMethod: true });
  return m as unknown as MethodOverloadFn<O>;
}
type MethodOverloadFn<O> = O extends readonly [infer H, ...infer T]
  ? H extends Overload<infer S, infer R>
    ? ((...args: MethodArgs<S>) => R) & MethodOverloadFn<T>
    : never
  : unknown;

function overloaded(
  label: string,
  forms: readonly Overload<string, unknown>[],
  isMethod = false,
): (...args: unknown[]) => unknown {
  const parsed = forms.map(([s]) => (isMethod ? methodSignature(parseSignature(s)) : parseSignature(s)));
  return (...args: unknown[]) => {
    const errors: string[] = [];
    for (let i = 0; i < forms.length; i++) {
      let bound: Record<string, unknown>;
      try {
        bound = bindArgs(parsed[i], label, args, isMethod ? 1 : 0);
      } catch (e) {
        errors.push(`  ${forms[i][0]}: ${(e as Error).message.replace(`${label}(): `, '')}`);
        continue;
      }
      return (forms[i][1] as (a: unknown) => unknown)(bound);
    }
    throw new TypeError(
      `${label}(): no form accepts these arguments (${args.map(describeValue).join(', ')}):\n${errors.join('\n')}`,
    );
  };
}
