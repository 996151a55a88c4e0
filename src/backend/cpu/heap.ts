/**
 * The CPU heap: every CPU storage lives in one WebAssembly.Memory, so the wasm kernels (GEMM,
 * elementwise, reductions, optimizer updates) work on tensors in place, with no copy in or out.
 *
 * Allocation: size classes of four steps per power of two (at most 25% slack), a free list per
 * class, and a bump pointer at the top that grows the memory when it runs out. Released blocks
 * go to their class's free list and are handed out again: a training loop allocates the same
 * sizes every step, so after the first step it allocates nothing new. Blocks are 64-byte
 * aligned (a cache line, and any SIMD load) from 256 bytes up; smaller ones 16-byte aligned.
 *
 * Views after growth: a shared (SharedArrayBuffer-backed) memory keeps its old buffers valid
 * when it grows, a plain one detaches them. Storages therefore re-view lazily: `epoch` counts
 * growths, and a storage whose view is older takes a fresh one (cpu/index.ts `HeapStorage`).
 * Code that holds a typed array across an allocation must use heap offsets instead (gemm.ts).
 *
 * The memory is shared where a worker thread could use it (gemm-threads.ts) and the engine has
 * SharedArrayBuffer; its 4 GiB maximum is only address space (64-bit engines reserve that for
 * every wasm memory anyway). Without WebAssembly SIMD, or where wasm may not be compiled (CSP
 * without 'wasm-unsafe-eval'), there is no heap (`heap` is undefined)
 * and storages are plain typed arrays, as are allocations the heap cannot fit.
 */
import { collectGarbage, GcPressure, memoryBoundBudget } from '../pressure.js';
import { canCompileWasm, type Fn, hasWasmSimd, type MemorySpec, moduleBytes } from './wasm/emit.js';

/** The machine's memory (Node), the most any CPU storage could ever get. */
export const totalMemory = (() => {
  const os = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:os') as { totalmem(): number } | undefined;
  return os?.totalmem() ?? Number.POSITIVE_INFINITY;
})();

const PAGE = 65536;
/** First pages; growth adds at least a quarter of the current size (few epochs, little slack). */
const INITIAL_PAGES = 256; // 16 MiB of address space; pages are committed as they are touched

/** Rounds a request up to its size class: 16-byte steps to 256 bytes, then 4 steps per doubling. */
export function classSize(bytes: number): number {
  if (bytes <= 256) return Math.max(16, Math.ceil(bytes / 16) * 16);
  const e = 31 - Math.clz32(bytes - 1); // 2^e < bytes <= 2^(e+1), e >= 8
  const step = 2 ** (e - 2);
  return Math.ceil(bytes / step) * step;
}

/**
 * The part of WebAssembly.Memory the heap uses, spelled out so that the published .d.ts needs no lib
 * that declares WebAssembly (a Node consumer with `lib: ["ES2022"]` and @types/node has none).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export class Heap {
  readonly memory: WasmMemory;
  /** Bumped by every growth: views taken before it may be detached (plain memory). */
  epoch = 0;
  private top = 64; // byte 0..63 unused: offset 0 is never a block
  private readonly free = new Map<number, number[]>();
  private bytesInUse = 0;
  private f32: Float32Array;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /**
   * Blocks of dropped tensors come back only after a full GC: ask for one (pressure.ts), with a
   * budget that grows where collections cost more than 5% of the time.
   */
  readonly pressure = new GcPressure(undefined, collectGarbage, memoryBoundBudget(totalMemory));

  constructor(
    readonly spec: MemorySpec,
    initialPages = INITIAL_PAGES,
  ) {
    this.memory = new WebAssembly.Memory({
      initial: Math.max(spec.min, initialPages),
      maximum: spec.max,
      shared: spec.shared,
    } as WebAssembly.MemoryDescriptor);
    this.f32 = this.view();
  }

  get shared(): boolean {
    return this.spec.shared === true;
  }

  /** Bytes of the memory (grows, never shrinks). */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }
  /** Bytes in live blocks (size-class rounded). */
  get allocated(): number {
    return this.bytesInUse;
  }

  /** A Float32Array over the whole memory as it is now. */
  floats(): Float32Array {
    if (this.f32.buffer !== this.memory.buffer || this.f32.byteLength !== this.memory.buffer.byteLength)
      this.f32 = this.view();
    return this.f32;
  }

  private view(): Float32Array {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return new Float32Array(b);
  }

  /** Whether a typed array views this heap's memory (any of its buffers, before or after growth). */
  owns(x: ArrayBufferView): boolean {
    return x.buffer === this.memory.buffer || this.buffers.has(x.buffer);
  }

  /** Byte offset of a new block of at least `bytes`, or -1 when the memory cannot grow to fit it. */
  alloc(bytes: number): number {
    const size = classSize(bytes);
    const list = this.free.get(size);
    if (list !== undefined && list.length > 0) {
      this.bytesInUse += size;
      this.pressure.alloc(size);
      return list.pop()!;
    }
    const align = size >= 256 ? 64 : 16;
    const off = Math.ceil(this.top / align) * align;
    const end = off + size;
    if (end > this.memory.buffer.byteLength && !this.grow(end)) return -1;
    this.top = end;
    this.bytesInUse += size;
    this.pressure.alloc(size);
    return off;
  }

  /** Returns a block from `alloc(bytes)` (same `bytes`) to its free list. */
  release(off: number, bytes: number): void {
    const size = classSize(bytes);
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(off);
    this.bytesInUse -= size;
    this.pressure.free(size);
  }

  /**
   * A block kept between calls (scratch, packing space) that grows on demand, dropping its
   * contents when it does: `need(bytes)` returns its byte offset; `what` names it in the error.
   */
  growingBlock(what: string): (bytes: number) => number {
    let off = -1;
    let size = 0;
    return (bytes) => {
      if (bytes > size) {
        if (off >= 0) this.release(off, size);
        size = classSize(bytes);
        off = this.alloc(size);
        if (off < 0) {
          size = 0;
          throw new RangeError(`${what}: out of memory for ${bytes} bytes`);
        }
      }
      return off;
    };
  }

  private grow(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    const max = (this.spec.max ?? 65536) * PAGE;
    if (end > max) return false;
    const want = Math.min(max, Math.max(end, have + Math.floor(have / 4)));
    try {
      this.memory.grow(Math.ceil((want - have) / PAGE));
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE)); // the generous size failed: the least that fits
      } catch {
        return false;
      }
    }
    this.epoch++;
    this.floats();
    return true;
  }
}

/**
 * The memory every wasm module of the CPU backend imports: shared (with a maximum) where a
 * worker thread can join the GEMM, plain otherwise.
 */
function memorySpec(): MemorySpec {
  const threads =
    typeof SharedArrayBuffer === 'function' &&
    typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule ===
      'function';
  return threads ? { min: 1, max: 65536, shared: true } : { min: 1 };
}

function create(): Heap | undefined {
  // No SIMD, or no wasm compilation (a CSP without 'wasm-unsafe-eval'): plain typed arrays.
  if (!hasWasmSimd() || !canCompileWasm()) return undefined;
  try {
    return new Heap(memorySpec());
  } catch {
    return undefined; // e.g. a shared memory refused by the embedder: run on plain arrays
  }
}

/** The process's CPU heap, or undefined where this engine has no WebAssembly SIMD. */
export const heap: Heap | undefined = create();

/**
 * Whether the CPU backend uses its wasm kernels and heap (default: wherever WebAssembly SIMD
 * is). Switching off makes new storages plain typed arrays and runs every kernel in JS: the
 * path of engines without wasm SIMD, which the tests force this way.
 */
export const wasmKernels = { enabled: heap !== undefined };

/** Turns the wasm kernels and heap on or off (on only where they exist); returns the previous setting. */
export function setWasmKernels(on: boolean): boolean {
  const prev = wasmKernels.enabled;
  wasmKernels.enabled = on && heap !== undefined;
  return prev;
}

/**
 * Compiles and instantiates generated functions over the heap's memory (synchronously: these
 * modules are a few hundred bytes). Only where the heap exists.
 */
export function heapModule<T>(fns: Record<string, Fn>): T {
  const h = heap!;
  const mod = new WebAssembly.Module(moduleBytes(fns, h.spec) as BufferSource);
  return new WebAssembly.Instance(mod, { env: { memory: h.memory as WebAssembly.Memory } }).exports as T;
}
