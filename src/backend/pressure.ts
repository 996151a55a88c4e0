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
 * Node only: it exposes `gc` by `v8.setFlagsFromString('--expose-gc')` once, the first time the
 * budget is reached, and takes it from a fresh vm context (the process's own global is left
 * alone). Browsers have no such hook; there V8's own scheduling stands. `TORCHTS_GC=0` turns the
 * forced collections off.
 */

type GcFn = (opts?: { type?: 'major' | 'minor' }) => void;

const MIN_BUDGET = 32 << 20;

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
  return true;
}

/** How many collections garbage pressure has forced in this process (tests and benchmarks). */
export function forcedCollections(): number {
  return collections;
}

/**
 * Byte accounting of one allocator: `alloc`/`free` as blocks are handed out and returned. Asks for
 * a full GC when the held bytes rise a budget above their low-water mark since the last request.
 */
export class GcPressure {
  private held = 0;
  private low = 0;

  constructor(
    private readonly minBudget = MIN_BUDGET,
    private readonly collect: () => unknown = collectGarbage,
  ) {}

  alloc(bytes: number): void {
    this.held += bytes;
    if (this.held - this.low >= Math.max(this.minBudget, this.low / 2)) {
      this.low = this.held; // the finalizers that follow lower it to what is really live
      this.collect();
    }
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
