/**
 * Containers: Sequential, ModuleList, ModuleDict. Children are own properties named '0', '1',
 * ... (or the dict's keys), so `seq[0]`, `list[1]` index them as in PyTorch and the Module walk
 * registers them.
 */
import { Module } from './module.js';

type Entries = Record<string, Module> | Map<string, Module>;
const isEntries = (x: unknown): x is Entries =>
  x instanceof Map || (typeof x === 'object' && x !== null && !(x instanceof Module));

function normIndex(i: number, n: number, what: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n)
    throw new RangeError(`index ${i} is out of range (${what} of length ${n})`);
  return i < 0 ? i + n : i;
}

/** Modules in an indexed list, registered as '0', '1', ... */
export class ModuleList extends Module {
  [index: number]: Module;
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  override get length(): number {
    return Object.keys(this).length;
  }
  /** The module at i (negative counts from the end). */
  at(i: number): Module {
    return this[normIndex(i, this.length, 'ModuleList')];
  }
  append(m: Module): this {
    this.registerModule(String(this.length), m);
    return this;
  }
  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  insert(index: number, m: Module): void {
    const all = [...this];
    const i = index < 0 ? Math.max(0, index + all.length) : Math.min(index, all.length);
    all.splice(i, 0, m);
    this._reset(all);
  }
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

/** Modules by name, in insertion order (integer-like names enumerate first: a JS quirk). */
export class ModuleDict extends Module {
  constructor(modules: Entries = {}) {
    super();
    this.update(modules);
  }
  get(key: string): Module | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return Object.hasOwn(this, key) && v instanceof Module ? v : undefined;
  }
  set(key: string, m: Module): void {
    this.registerModule(key, m);
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Record<string, unknown>)[key];
    return true;
  }
  pop(key: string): Module {
    const m = this.get(key);
    if (!m) throw new RangeError(`ModuleDict has no key '${key}'`);
    this.delete(key);
    return m;
  }
  update(modules: Entries): void {
    const es = modules instanceof Map ? [...modules] : Object.entries(modules);
    for (const [k, m] of es) this.registerModule(k, m);
  }
  clear(): void {
    for (const k of this.keys()) this.delete(k);
  }
  keys(): string[] {
    return [...this.namedChildrenRaw()].map(([k]) => k);
  }
  values(): Module[] {
    return [...this.namedChildrenRaw()].map(([, m]) => m);
  }
  items(): [string, Module][] {
    return [...this.namedChildrenRaw()];
  }
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
    if (modules.length === 1 && isEntries(modules[0])) {
      const es = modules[0] instanceof Map ? [...modules[0]] : Object.entries(modules[0]);
      for (const [k, m] of es) this.registerModule(k, m);
    } else
      (modules as Module[]).forEach((m, i) => {
        this.registerModule(String(i), m);
      });
  }
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
  append(m: Module): this {
    this.registerModule(String(this.length), m);
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
