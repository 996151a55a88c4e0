/**
 * GPUBuffer-backed storage: blocks sub-allocated from a few large arena buffers.
 *
 * Every element is 4 bytes on the device: float32 as f32, int32 as i32 and bool as one u32
 * (WGSL has no 8-bit storage type; packing 4 bools per word would make every bool store a
 * read-modify-write race between neighbouring threads). `read()` converts back to Uint8Array.
 * float16/bfloat16 are 2 bytes: two 16-bit words per u32 (element i in word i >> 1, low half
 * first), whose stores are atomic (kernels/elementwise.ts), the storage padded to whole words.
 *
 * Sizes are bucketed at 2^k * {1, 1.25, 1.5, 1.75}: at most 25% slack, and every bucket from
 * 64 bytes is a multiple of 16 so any block can also be bound as array<vec4<f32>> (matmul's
 * vec4 loads). A block of bucket size b lives in an arena (ARENA_BYTES first, doubling up to
 * MAX_ARENA_BYTES or maxBufferSize) at an offset aligned to minStorageBufferOffsetAlignment, so kernels
 * bind the arena with a dynamic offset and a pipeline's bind group is the same whichever block
 * a tensor got (queue.ts). Freed blocks go back to their arena's free list for their bucket;
 * allocation takes the first arena (in creation order) with a free block, then bump space,
 * then resets an arena with no live block, then makes a new arena: the working set stays in
 * the first arenas, so the set of (arena, bucket) a step binds settles after one step.
 * Tensors above dedicatedAbove() (a quarter of MAX_ARENA_BYTES, or half the binding limit) get a buffer of their own,
 * pooled by bucket as before.
 *
 * Memory figures: `memoryAllocated()` is the bucket bytes of live storages (as PyTorch counts
 * blocks); `memoryReserved()` is every GPUBuffer byte held (arenas whole, plus dedicated
 * buffers), as PyTorch counts segments. `emptyCache()` destroys idle dedicated buffers and
 * arenas with no live block.
 */
import { type DType, isHalf } from '../../tensor/dtype.js';
import { fmtBytes, OutOfMemoryError } from '../../tensor/errors.js';
import type { Storage, View } from '../backend.js';
import { GcPressure } from '../pressure.js';
import { gpuDevice, limit, onDeviceGone } from './device.js';
import { flush, pendingUse, pendingUseOfBuffer } from './queue.js';
import { counters, traceEvent } from './stats.js';

/** A byte range of a GPUBuffer that one storage owns; reused (same object) through the pool. */
export interface Block {
  readonly buffer: GPUBuffer;
  /** Byte offset in `buffer` (a multiple of minStorageBufferOffsetAlignment). */
  readonly offset: number;
  /** Bucket size in bytes: what the storage really holds on the device. */
  readonly bytes: number;
  readonly arena: Arena | null;
}

export interface GpuStorage extends Storage {
  readonly device: 'webgpu';
  readonly block: Block;
  /** The GPUBuffer the block lives in (an arena, or a dedicated buffer). */
  readonly buffer: GPUBuffer;
  /** Byte offset of the storage's first element in `buffer`. */
  readonly byteOffset: number;
  /** Bucket size in bytes. */
  readonly bytes: number;
}

interface Arena {
  readonly buffer: GPUBuffer;
  readonly size: number;
  /** Bump pointer: bytes below it are carved into blocks. */
  top: number;
  /** Live blocks (an arena with none can be reset or destroyed). */
  live: number;
  /** Idle blocks by bucket size. */
  readonly free: Map<number, Block[]>;
  /** Bucket bytes of the idle blocks. */
  idle: number;
  /** Of an older generation (arenaBlock): hands out no block. */
  retired: boolean;
}

/** The first arena's size; later generations double it up to MAX_ARENA_BYTES (or maxBufferSize). */
const ARENA_BYTES = 32 << 20;
const MAX_ARENA_BYTES = 1 << 30; // perfgpu2: was 256 MiB, capped by the binding limit
/**
 * Tensors whose bucket exceeds this get a dedicated buffer: a quarter of the largest arena, or
 * half the binding limit if smaller. (perfgpu2: was 8 MiB or a quarter of the current arenas.
 * A dedicated buffer is a binding whose identity depends on which pooled buffer the GC gave back
 * first, so a step over tensors of tens of MiB, e.g. the LSTM LM's 28 MiB logits, made new bind
 * groups every step; in the arenas they bind as (arena, bucket) like every other tensor.)
 */
export const dedicatedAbove = (): number =>
  Math.min(MAX_ARENA_BYTES / 4, Math.min(limit('maxStorageBufferBindingSize'), limit('maxBufferSize')) / 2);
/** Idle dedicated buffers are capped so a workload that changes shapes cannot grow forever. */
const POOL_CAP = 1 << 30;
const USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST

const arenas: Arena[] = [];
const dedicated = new Map<number, Block[]>();
let live = 0;
let peak = 0;
let pooledDedicated = 0;
let reserved = 0;

/** Blocks of dropped tensors come back only after a full GC: ask for one (backend/pressure.ts). */
const pressure = new GcPressure();

onDeviceGone(() => {
  arenas.length = 0;
  dedicated.clear();
  live = peak = pooledDedicated = reserved = 0;
  pressure.reset();
});

export function bucketBytes(bytes: number): number {
  if (bytes <= 64) return 64;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const q = p / 4;
  return Math.ceil(bytes / q) * q;
}

const roundUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/**
 * Out-of-memory errors Dawn reports asynchronously for buffers it could not back: caught by an
 * error scope around each new buffer (blocks are pooled, so this is rare), raised as
 * torch.OutOfMemoryError at the next read or synchronize (`raiseAsyncOom`).
 */
const oomScopes: Promise<void>[] = [];
let asyncOom: OutOfMemoryError | null = null;

/** @internal What a failed allocation reports (exported for the test of this path). */
export function noteAsyncOom(bytes: number, label: string, message: string): void {
  asyncOom ??= new OutOfMemoryError(
    `WebGPU out of memory: tried to allocate ${fmtBytes(bytes)} (${label}) with ${fmtBytes(live)} allocated by tensors and ${fmtBytes(reserved)} reserved; the device refused it (${message}). Free tensors (dispose(), torch.webgpu.emptyCache()) or use smaller batches`,
  );
}

/** Raises (once) an out-of-memory error the device reported for an earlier allocation. */
export async function raiseAsyncOom(): Promise<void> {
  if (oomScopes.length > 0) await Promise.all(oomScopes.splice(0));
  const e = asyncOom;
  asyncOom = null;
  if (e) throw e;
}

function createBuffer(size: number, label: string): GPUBuffer {
  const dev = gpuDevice();
  dev.pushErrorScope('out-of-memory');
  const b = dev.createBuffer({ size, usage: USAGE, label });
  oomScopes.push(
    dev.popErrorScope().then(
      (err) => {
        if (err) noteAsyncOom(size, label, err.message);
      },
      () => {},
    ),
  );
  counters.bufferAllocations++;
  reserved += size;
  traceEvent(`alloc:${size}`);
  return b;
}

/**
 * The arenas new blocks come from: those of the largest size made so far (the current
 * generation). When they are full and that size is below the cap, a new arena of
 * twice the size starts a new generation and the older arenas retire: they keep their live
 * blocks (parameters, optimizer state) but hand out nothing more, and are destroyed once their
 * last block is released. So a steady working set ends up in one arena and every tensor of a
 * step lands in the same buffer whichever blocks the GC gave back first: a bind group's key
 * (buffer, bucket per binding; queue.ts) no longer depends on the GC's timing.
 */
const current = (): Arena[] => arenas.filter((a) => !a.retired);

function arenaBlock(bytes: number): Block {
  const align = limit('minStorageBufferOffsetAlignment') ?? 256;
  const slot = roundUp(bytes, align);
  const gen = current();
  for (const a of gen) {
    const b = a.free.get(bytes)?.pop();
    if (b) {
      a.idle -= bytes;
      return b;
    }
  }
  const bump = (a: Arena): Block => {
    const b: Block = { buffer: a.buffer, offset: a.top, bytes, arena: a };
    a.top += slot;
    return b;
  };
  for (const a of gen) if (a.top + slot <= a.size) return bump(a);
  // An arena whose blocks are all idle is carved afresh (its free lists drop).
  for (const a of gen)
    if (a.live === 0 && slot <= a.size) {
      a.free.clear();
      a.idle = 0;
      a.top = 0;
      return bump(a);
    }
  // --- perfgpu2: an arena may exceed the binding limit (each binding is one block, at a dynamic
  // offset), so a working set past 128 MiB still fits one arena and its bind groups stay put. ---
  const cap = Math.floor(Math.min(MAX_ARENA_BYTES, limit('maxBufferSize')) / align) * align;
  const last = gen[0]?.size ?? 0;
  const size = Math.max(slot, last ? Math.min(2 * last, cap) : Math.min(ARENA_BYTES, cap));
  const a: Arena = {
    buffer: createBuffer(size, `torchts:arena${arenas.length}`),
    size,
    top: 0,
    live: 0,
    free: new Map(),
    idle: 0,
    retired: false,
  };
  if (size > last) for (const old of gen) retire(old);
  arenas.push(a);
  return bump(a);
}

/** An arena of an older generation: no more blocks from it; destroyed once it holds none. */
function retire(a: Arena): void {
  a.retired = true;
  a.free.clear();
  a.idle = 0;
  if (a.live === 0) destroyArena(a);
}

function destroyArena(a: Arena): void {
  arenas.splice(arenas.indexOf(a), 1);
  if (pendingUseOfBuffer(a.buffer)) flush(); // recorded commands still use it: submit first
  reserved -= a.size;
  a.buffer.destroy();
}

function dedicatedBlock(bytes: number, label: string): Block {
  const b = dedicated.get(bytes)?.pop();
  if (b) {
    pooledDedicated -= bytes;
    return b;
  }
  return { buffer: createBuffer(bytes, label), offset: 0, bytes, arena: null };
}

export function allocStorage(size: number, dtype: DType): GpuStorage {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`webgpu alloc: invalid size ${size}`);
  // 4 bytes an element; float16/bfloat16 2 (two to a u32 word, rounded up to whole words).
  const need = isHalf(dtype) ? Math.max(1, Math.ceil(size / 2)) * 4 : Math.max(1, size) * 4;
  const maxBind = Math.min(limit('maxStorageBufferBindingSize'), limit('maxBufferSize'));
  if (need > maxBind)
    throw new OutOfMemoryError(
      `WebGPU out of memory: tried to allocate ${fmtBytes(need)} (a ${dtype} tensor of ${size} elements), more than ` +
        `the ${fmtBytes(maxBind)} this adapter can bind at once (maxStorageBufferBindingSize); split the tensor or use the cpu device`,
    );
  const bytes = Math.min(bucketBytes(need), Math.floor(maxBind / 16) * 16 || need);
  const block =
    bytes > dedicatedAbove() ? dedicatedBlock(bytes, `torchts:${dtype}[${size}]`) : arenaBlock(bytes);
  if (block.arena) block.arena.live++;
  live += bytes;
  if (live > peak) peak = live;
  pressure.alloc(bytes);
  return {
    device: 'webgpu',
    dtype,
    size,
    refs: 0,
    version: 0,
    born: 0,
    writtenAt: 0,
    writeLog: null,
    block,
    buffer: block.buffer,
    byteOffset: block.offset,
    bytes,
  };
}

export function releaseStorage(s: Storage): void {
  const g = asGpu(s, 'release');
  g.freed = true;
  live -= g.bytes;
  pressure.free(g.bytes);
  traceEvent(`free:${g.bytes}`);
  const b = g.block;
  const a = b.arena;
  if (a) {
    a.live--;
    if (a.retired) {
      if (a.live === 0) destroyArena(a);
      return;
    }
    let list = a.free.get(b.bytes);
    if (!list) a.free.set(b.bytes, (list = []));
    list.push(b);
    a.idle += b.bytes;
    return;
  }
  if (pooledDedicated + b.bytes > POOL_CAP) {
    if (pendingUse(b)) flush(); // recorded commands still read it: submit before destroy
    b.buffer.destroy();
    reserved -= b.bytes;
    return;
  }
  let list = dedicated.get(b.bytes);
  if (!list) dedicated.set(b.bytes, (list = []));
  list.push(b);
  pooledDedicated += b.bytes;
}

/** The storage of a view (or a storage), checked: right device and not released. */
export function asGpu(s: Storage | View, what: string): GpuStorage {
  const st = 'storage' in s ? s.storage : s;
  if (st.device !== 'webgpu')
    throw new Error(`webgpu ${what}: expected a webgpu storage, got one on '${st.device}'`);
  if (st.freed) throw new Error(`webgpu ${what}: storage was already released (use after free)`);
  return st as GpuStorage;
}

/** The storage a kernel binds for view `v`: one binding per distinct storage. */
export const storageOf = (v: View, what: string): GpuStorage => asGpu(v, what);

/** Bytes held by live storages (bucket sizes, as PyTorch counts its blocks). */
export const memoryAllocated = (): number => live;
export const maxMemoryAllocated = (): number => peak;
/** Every GPUBuffer byte held for storage: arenas whole, plus dedicated buffers (live or idle). */
export const memoryReserved = (): number => reserved;
export const resetPeakMemoryStats = (): void => {
  peak = live;
};

/** Destroys idle dedicated buffers and arenas with no live block (torch.cuda.empty_cache). */
export function emptyCache(): void {
  const doomed: GPUBuffer[] = [];
  for (const list of dedicated.values()) for (const b of list) doomed.push(b.buffer);
  dedicated.clear();
  pooledDedicated = 0;
  for (let i = arenas.length - 1; i >= 0; i--)
    if (arenas[i].live === 0) {
      doomed.push(arenas[i].buffer);
      arenas.splice(i, 1);
    }
  if (doomed.some(pendingUseOfBuffer)) flush(); // recorded commands still use one: submit first
  for (const b of doomed) {
    reserved -= b.size;
    b.destroy();
  }
}
