/**
 * Containers: Sequential, ModuleList, ModuleDict. Children are own properties named '0', '1',
 * ... (or the dict's keys), so `seq[0]`, `list[1]` index them as in PyTorch and the Module walk
 * registers them.
 */
import { ctorArgs, describeValue, isPlainObject, registerCtor, registerType } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { Module } from './module.js';

type Entries = Record<string, Module> | Map<string, Module>;
const isEntries = (x: unknown): x is Entries =>
  x instanceof Map || (typeof x === 'object' && x !== null && !(x instanceof Module));

/** Python's Iterable (ModuleList's modules) and Mapping (ModuleDict's): a plain object or a Map. */
registerType(
  'Iterable',
  (v): v is Iterable<unknown> =>
    typeof v === 'object' && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function',
  'an iterable',
);
registerType('Mapping', (v): v is Entries => isPlainObject(v) || v instanceof Map, 'an object or a Map');
declare module '../signature/types.js' {
  interface TypeMap {
    Iterable: Iterable<unknown>;
    Mapping: Entries;
  }
}
function modulesOf(label: string, it: Iterable<unknown>): Module[] {
  const ms = [...it];
  for (const m of ms)
    if (!(m instanceof Module))
      throw new TypeError(`${label}(): argument 'modules' must hold nn.Modules, not ${describeValue(m)}`);
  return ms as Module[];
}
function entriesOf(label: string, e: Entries): [string, Module][] {
  const es = e instanceof Map ? [...e] : Object.entries(e);
  for (const [k, m] of es)
    if (!(m instanceof Module))
      throw new TypeError(
        `${label}(): argument 'modules' must map names to nn.Modules, not '${k}': ${describeValue(m)}`,
      );
  return es;
}

const MODULE_LIST = 'ModuleList(Iterable? modules=None)';
const MODULE_DICT = 'ModuleDict(Mapping? modules=None)';
const APPEND = 'append(Module module)';
const EXTEND = 'extend(Iterable modules)';
const INSERT = 'insert(int index, Module module)';
const UPDATE = 'update(Mapping modules)';

function normIndex(i: number, n: number, what: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n)
    throw new RangeError(`index ${i} is out of range (${what} of length ${n})`);
  return i < 0 ? i + n : i;
}

/**
 * Modules in an indexed list, registered as '0', '1', ... so their parameters belong to the owner; `list[i]`
 * and `list.at(i)` index it, `for (const m of list)` iterates. Constructor: `modules` (default null: empty),
 * any iterable of Modules. Not callable: iterate over it in your forward.
 */
export class ModuleList extends Module {
  [index: number]: Module;
  constructor(...args: CallArgs<typeof MODULE_LIST>) {
    super();
    const { modules } = ctorArgs('nn.ModuleList', MODULE_LIST, args);
    for (const m of modulesOf('nn.ModuleList', modules ?? [])) this.append(m);
  }
  /** The number of modules. */
  override get length(): number {
    return Object.keys(this).length;
  }
  /** The module at i (negative counts from the end). */
  at(i: number): Module {
    return this[normIndex(i, this.length, 'ModuleList')];
  }
  /** Adds `module` at the end; returns this list. */
  append(...args: CallArgs<typeof APPEND>): this {
    const { module } = ctorArgs('nn.ModuleList.append', APPEND, args);
    this.registerModule(String(this.length), module);
    return this;
  }
  /** Appends every module of the iterable `modules`; returns this list. */
  extend(...args: CallArgs<typeof EXTEND>): this {
    const { modules } = ctorArgs('nn.ModuleList.extend', EXTEND, args);
    for (const m of modulesOf('nn.ModuleList.extend', modules)) this.append(m);
    return this;
  }
  /**
   * Inserts `module` before position `index` (negative counts from the end; clamped to the list), renumbering
   * the later ones.
   */
  insert(...args: CallArgs<typeof INSERT>): void {
    const { index, module: m } = ctorArgs('nn.ModuleList.insert', INSERT, args);
    const all = [...this];
    const i = index < 0 ? Math.max(0, index + all.length) : Math.min(index, all.length);
    all.splice(i, 0, m);
    this._reset(all);
  }
  /** Removes and returns the module at `index` (default -1, the last), renumbering the later ones. */
  pop(index = -1): Module {
    const all = [...this];
    const [m] = all.splice(normIndex(index, all.length, 'ModuleList'), 1);
    this._reset(all);
    return m;
  }
  private _reset(all: Module[]): void {
    for (const k of Object.keys(this)) delete (this as unknown as Record<string, unknown>)[k];
    all.forEach((m, i) => {
      this.registerModule(String(i), m);
    });
  }
  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this.length; i++) yield this[i];
  }
  override forward(): never {
    throw new Error('ModuleList is not callable: iterate over it in your forward');
  }
}

/**
 * Modules by name, in insertion order (integer-like names enumerate first: a JS quirk), registered under
 * their keys. Constructor: `modules` (default null: empty), a plain object or a Map of name to Module. Not
 * callable: index it in your forward.
 */
export class ModuleDict extends Module {
  constructor(...args: CallArgs<typeof MODULE_DICT>) {
    super();
    const { modules } = ctorArgs('nn.ModuleDict', MODULE_DICT, args);
    if (modules) this.update(modules);
  }
  /** The module registered under `key`, or undefined. */
  get(key: string): Module | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return Object.hasOwn(this, key) && v instanceof Module ? v : undefined;
  }
  /** Registers `m` under `key` (replacing any module there), as PyTorch's `dict[key] = m`. */
  set(key: string, m: Module): void {
    this.registerModule(key, m);
  }
  /** Whether a module is registered under `key`. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  /** Removes the module under `key`; returns whether there was one. */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Record<string, unknown>)[key];
    return true;
  }
  /** Removes and returns the module under `key`; a RangeError when there is none. */
  pop(key: string): Module {
    const m = this.get(key);
    if (!m) throw new RangeError(`ModuleDict has no key '${key}'`);
    this.delete(key);
    return m;
  }
  /**
   * Registers every (name, module) pair of `modules` (a plain object or a Map), replacing modules of the same
   * names.
   */
  update(...args: CallArgs<typeof UPDATE>): void {
    const { modules } = ctorArgs('nn.ModuleDict.update', UPDATE, args);
    for (const [k, m] of entriesOf('nn.ModuleDict.update', modules)) this.registerModule(k, m);
  }
  /** Removes every module. */
  clear(): void {
    for (const k of this.keys()) this.delete(k);
  }
  /** The names, in insertion order. */
  keys(): string[] {
    return [...this.namedChildrenRaw()].map(([k]) => k);
  }
  /** The modules, in insertion order. */
  values(): Module[] {
    return [...this.namedChildrenRaw()].map(([, m]) => m);
  }
  /** The [name, module] pairs, in insertion order. */
  items(): [string, Module][] {
    return [...this.namedChildrenRaw()];
  }
  /** The number of modules. */
  get size(): number {
    return this.keys().length;
  }
  private *namedChildrenRaw(): Generator<[string, Module]> {
    for (const k of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (v instanceof Module) yield [k, v];
    }
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
  override forward(): never {
    throw new Error('ModuleDict is not callable: index it in your forward');
  }
}

/**
 * Runs its modules in order: `new nn.Sequential(a, b, c)` (children '0', '1', '2') or
 * `new nn.Sequential({ fc: a, act: b })` (named children). `seq[0]` indexes.
 */
export class Sequential extends Module {
  [index: number]: Module;
  constructor(...modules: Module[] | [Entries]) {
    super();
    // PyTorch's two forms: Sequential(*modules) or Sequential(OrderedDict) (here an object or a Map).
    if (modules.length === 1 && isEntries(modules[0]))
      for (const [k, m] of entriesOf('nn.Sequential', modules[0])) this.registerModule(k, m);
    else
      modulesOf('nn.Sequential', modules).forEach((m, i) => {
        this.registerModule(String(i), m);
      });
  }
  /** The number of modules. */
  override get length(): number {
    return this._list().length;
  }
  private _list(): Module[] {
    return Object.keys(this)
      .map((k) => (this as unknown as Record<string, unknown>)[k])
      .filter((v): v is Module => v instanceof Module);
  }
  /** The i-th module (negative counts from the end), whatever the children's names. */
  at(i: number): Module {
    const l = this._list();
    return l[normIndex(i, l.length, 'Sequential')];
  }
  /** Adds `module` at the end (named by its position); returns this container. */
  append(...args: CallArgs<typeof APPEND>): this {
    const { module } = ctorArgs('nn.Sequential.append', APPEND, args);
    this.registerModule(String(this.length), module);
    return this;
  }
  *[Symbol.iterator](): Iterator<Module> {
    yield* this._list();
  }
  override forward(input: any): any {
    let x = input;
    for (const m of this._list()) x = m(x);
    return x;
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.ModuleList', MODULE_LIST, ModuleList);
registerCtor('nn.ModuleList.append', APPEND);
registerCtor('nn.ModuleList.extend', EXTEND);
registerCtor('nn.ModuleList.insert', INSERT);
registerCtor('nn.ModuleDict', MODULE_DICT, ModuleDict);
registerCtor('nn.ModuleDict.update', UPDATE);
registerCtor('nn.Sequential.append', APPEND);
