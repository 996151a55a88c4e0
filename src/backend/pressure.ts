/**
 * Garbage pressure for storage that lives outside V8's heap (the CPU backend's wasm heap, WebGPU
 * buffers).
 *
 * A tensor nobody references gives its storage back through a FinalizationRegistry, which only
 * learns of it after a full (mark-compact) GC. V8 schedules those from the growth of its own
 * heap, and a training step barely moves that: its JS objects are a few KB, its tensors a few
 * hundred KB held elsewhere. Left alone, a loop piles up garbage storage for whole epochs before
 * V8 collects (measured: the CPU tutorial's wasm heap grew ~45 MiB per epoch, RSS 394 MiB after
 * 4 epochs). PyTorch frees at the last reference; we cannot, so we tell the GC instead: when the
 * bytes held by live-or-unreclaimed blocks rise `budget` above their lowest level since the last
 * collection, we ask for one full GC. Its finalizers run at the next macrotask (the DataLoader
 * yields one per batch) and the freed blocks serve the following steps, so a steady loop holds
 * at most about one budget of garbage. One GC costs ~3-4 ms here, 1.4 times per tutorial epoch of
 * 125 steps: ~5% of a steady-state CPU epoch (85 against 80 ms), while early epochs gain as much
 * back from not faulting in fresh heap pages (~11k page faults per epoch without it, ~0 with it).
 * A 64 MiB budget would halve the cost and add 32 MiB of RSS.
 *
 * The budget is max(32 MiB, half the low-water mark): a workload whose live data really grows
 * (loading a dataset, collecting outputs) triggers O(log size) collections, not one per block.
 *
 * Adaptive budget (the CPU heap's, `maxBudget` above the minimum). A full GC costs about the same
 * whatever it frees: ~1 ms per MiB of live JS heap, 15-25 ms in a process running a model
 * (measured under tsx). A step that drops more than the budget (the mnist CNN drops ~38 MiB,
 * the LSTM LM ~41 MiB) would pay that once or twice per step (~20% of the CNN's CPU time). So
 * when a collection takes more than 5% of the process's CPU time since the previous one (CPU
 * time, all threads: wall time on a loaded machine swings 2-8x from one collection to the next),
 * the budget doubles, up to `maxBudget` (`memoryBoundBudget()`: 1/64 of physical memory, at most 128 MiB);
 * below 2% it halves back to the minimum. Each doubling holds at most that much more garbage (RSS
 * stays bounded: the budget, not the run's length, sets it). Collections under 1 ms (fake
 * collectors, engines without a GC hook) never adapt.
 *
 * Node only: it exposes `gc` by `v8.setFlagsFromString('--expose-gc')` once, the first time the
 * budget is reached, and takes it from a fresh vm context (the process's own global is left
 * alone). Browsers have no such hook; there V8's own scheduling stands. `TORCHTS_GC=0` turns the
 * forced collections off.
 *
 * Loops that never yield. Finalizers are queued by the GC and run between tasks, so a loop with
 * no `await` at all (PyTorch's most common shape) would get nothing back until it ends, and grow
 * (+110 KB per step on the tutorial's net, measured). V8 can run a registry's queued finalizers
 * synchronously, `FinalizationRegistry.prototype.cleanupSome` (a staged proposal behind the flag
 * `--harmony-weak-refs-with-cleanup-some`, which Node 20 still has). At the first storage
 * allocation (not at import) we set that flag, take the constructor from a fresh vm context
 * (contexts made after the flag get the method) and move our registries onto it
 * (`finalizationRegistry`). Running finalizers in the
 * middle of an op would be unsafe: optimized code may drop a tensor whose storage the op is still
 * reading, and its block could be handed out again. So after a GC they run at the next *safe
 * point*, `reclaim()`, called where no library code holds a bare storage: the entry of every
 * public callable (signature/bind.ts: ops, Tensor methods, constructors, backward, step). A sync
 * loop then reclaims each step, as an async one does at its task turns. Where the method is
 * missing (browsers, a Node without the flag) finalizers keep running between tasks.
 */

type GcFn = (opts?: { type?: 'major' | 'minor' }) => void;

const MIN_BUDGET = 32 << 20;
/** A collection taking more than this share of the time since the last one doubles the budget. */
const GROW_ABOVE = 0.05;
/** Below this share the budget halves (doubling halves the share: the band between is stable). */
const SHRINK_BELOW = 0.02;

const proc = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;

/** The process's CPU time in ms (all threads) where the engine tells it (Node), else wall time. */
function cpuClock(): number {
  if (!proc?.cpuUsage) return performance.now();
  const u = proc.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The most an adaptive budget grows to on a machine of `totalBytes` of memory: 1/64 of it, at
 * most 128 MiB (each doubling adds about its size to the peak RSS), at least the minimum (an
 * unknown size, Infinity: 128 MiB).
 */
export function memoryBoundBudget(totalBytes: number): number {
  return Math.max(MIN_BUDGET, Math.min(128 << 20, Math.floor(totalBytes / 64)));
}

let gcFn: GcFn | null | undefined; // undefined: not looked up yet; null: unavailable
let collections = 0;

function lookupGc(): GcFn | null {
  const proc = (
    globalThis as {
      process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
    }
  ).process;
  if (proc?.env?.TORCHTS_GC === '0') return null;
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as GcFn; // node --expose-gc
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString(f: string): void } | undefined;
  const vm = proc?.getBuiltinModule?.('node:vm') as { runInNewContext(code: string): unknown } | undefined;
  if (!v8 || !vm) return null;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc');
    return typeof fn === 'function' ? (fn as GcFn) : null;
  } catch {
    return null;
  }
}

/** Runs one full GC where the engine lets us; returns whether it did. */
export function collectGarbage(): boolean {
  if (gcFn === undefined) gcFn = lookupGc();
  if (!gcFn) return false;
  gcFn();
  collections++;
  reclaimPending = true;
  return true;
}

// ---- finalizers that can run synchronously ----

interface Registry<T> {
  register(target: object, held: T, token?: object): void;
  unregister(token: object): boolean;
  cleanupSome?: () => void;
}
type RegistryCtor = new <T>(cleanup: (held: T) => void) => Registry<T>;

/** Where a forced GC left finalizers queued that `reclaim()` can run now. */
export let reclaimPending = false;
const swappable: SwappableRegistry<never>[] = [];
let syncCtor: RegistryCtor | null | undefined;

/** The FinalizationRegistry of a context made with cleanupSome enabled, or null. */
function lookupSyncCtor(): RegistryCtor | null {
  if (syncCtor !== undefined) return syncCtor;
  syncCtor = null;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString(f: string): void } | undefined;
  const vm = proc?.getBuiltinModule?.('node:vm') as { runInNewContext(code: string): unknown } | undefined;
  if (!v8 || !vm) return null;
  try {
    v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    const ctor = vm.runInNewContext('FinalizationRegistry') as RegistryCtor;
    if (typeof (ctor.prototype as Registry<unknown>).cleanupSome === 'function') syncCtor = ctor;
  } catch {
    // the flag or the context is unavailable: finalizers run between tasks
  }
  return syncCtor;
}

/**
 * A FinalizationRegistry that moves onto a cleanupSome-capable one once forced GCs start (targets
 * registered before stay with the old registry, which still runs them between tasks).
 */
class SwappableRegistry<T> {
  private current: Registry<T>;
  private readonly older: Registry<T>[] = [];
  constructor(private readonly cleanup: (held: T) => void) {
    this.current = new FinalizationRegistry<T>(cleanup);
  }
  register(target: object, held: T, token?: object): void {
    this.current.register(target, held, token);
  }
  unregister(token: object): void {
    if (!this.current.unregister(token)) for (const r of this.older) if (r.unregister(token)) return;
  }
  upgrade(ctor: RegistryCtor): void {
    if (this.current.cleanupSome) return;
    this.older.push(this.current);
    this.current = new ctor<T>(this.cleanup);
  }
  runQueued(): void {
    this.current.cleanupSome?.();
  }
}

function upgradeRegistries(): void {
  if (gcFn === undefined) gcFn = lookupGc();
  if (gcFn === null) {
    syncCtor = null; // forced collections are off: nothing would queue finalizers early
    return;
  }
  const ctor = lookupSyncCtor();
  if (ctor) for (const r of swappable) r.upgrade(ctor);
}

/** A registry whose finalizers `reclaim()` can run synchronously after a forced GC. */
export function finalizationRegistry<T>(cleanup: (held: T) => void): SwappableRegistry<T> {
  const r = new SwappableRegistry<T>(cleanup);
  swappable.push(r as unknown as SwappableRegistry<never>);
  if (syncCtor) r.upgrade(syncCtor);
  return r;
}

/**
 * A safe point: runs the finalizers a forced GC queued, so storage the program dropped is free
 * again without waiting for a task turn. Call only where no code up the stack holds a bare
 * storage (see the header).
 */
export function reclaim(): void {
  if (!reclaimPending) return;
  reclaimPending = false;
  for (const r of swappable) r.runQueued();
}

/** How many collections garbage pressure has forced in this process (tests and benchmarks). */
export function forcedCollections(): number {
  return collections;
}

/**
 * Byte accounting of one allocator: `alloc`/`free` as blocks are handed out and returned. Asks for
 * a full GC when the held bytes rise a budget above their low-water mark since the last request.
 * The budget adapts between `minBudget` and `maxBudget` to the collections' share of the time
 * (see the header); equal bounds (the default) keep it fixed.
 */
export class GcPressure {
  private held = 0;
  private low = 0;
  private current: number;
  private lastEnd = Number.NaN; // when the previous collection ended (`now()`); NaN before the first

  constructor(
    private readonly minBudget = MIN_BUDGET,
    private readonly collect: () => unknown = collectGarbage,
    /** The most the budget grows to (`minBudget`: a fixed budget). */
    readonly maxBudget = minBudget,
    private readonly now: () => number = cpuClock,
  ) {
    this.current = minBudget;
  }

  /** The bytes of garbage allowed before the next collection now, in [minBudget, maxBudget]. */
  get budget(): number {
    return this.current;
  }

  alloc(bytes: number): void {
    if (syncCtor === undefined) upgradeRegistries(); // the first storage: before any tensor registers
    this.held += bytes;
    if (this.held - this.low >= Math.max(this.current, this.low / 2)) {
      this.low = this.held; // the finalizers that follow lower it to what is really live
      const start = this.now();
      this.collect();
      const end = this.now();
      this.adapt(end - start, end - this.lastEnd);
      this.lastEnd = end;
    }
  }

  /** Doubles or halves the budget by the share of time (`now`: CPU ms) the last collection took. */
  private adapt(gcMs: number, sinceLastMs: number): void {
    if (this.maxBudget <= this.minBudget || !(gcMs >= 1) || !(sinceLastMs > 0)) return;
    const share = gcMs / sinceLastMs;
    if (share > GROW_ABOVE) this.current = Math.min(this.maxBudget, this.current * 2);
    else if (share < SHRINK_BELOW) this.current = Math.max(this.minBudget, this.current / 2);
  }

  free(bytes: number): void {
    this.held -= bytes;
    if (this.held < this.low) this.low = this.held;
  }

  /** Forgets every block (the allocator was reset, e.g. its device was lost). */
  reset(): void {
    this.held = this.low = 0;
  }
}
