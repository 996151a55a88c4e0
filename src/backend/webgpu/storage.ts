/**
 * GPUBuffer-backed storage and its size-bucketed pool.
 *
 * Every element is 4 bytes on the device: float32 as f32, int32 as i32 and bool as one u32
 * (WGSL has no 8-bit storage type; packing 4 bools per word would make every bool store a
 * read-modify-write race between neighbouring threads). `read()` converts back to Uint8Array.
 *
 * Buckets are 2^k * {1, 1.25, 1.5, 1.75}: at most 25% slack, and every bucket from 64 bytes is
 * a multiple of 16 so any buffer can also be bound as array<vec4<f32>> (matmul's vec4 loads).
 * Freed buffers go back to their bucket; `emptyCache()` destroys the idle ones. The pool is
 * bounded (POOL_CAP bytes idle) so a workload that changes shapes cannot grow it forever.
 */
import type { DType } from '../../tensor/dtype.js';
import type { Storage, View } from '../backend.js';
import { gpuDevice, limit, onDeviceGone } from './device.js';
import { flush, pendingUse } from './queue.js';
import { counters, traceEvent } from './stats.js';

export interface GpuStorage extends Storage {
  readonly device: 'webgpu';
  readonly buffer: GPUBuffer;
  /** Bucket size in bytes (what the storage really holds on the device). */
  readonly bytes: number;
}

const POOL_CAP = 1 << 30;
const pool = new Map<number, GPUBuffer[]>();
let live = 0;
let peak = 0;
let pooled = 0;

onDeviceGone(() => {
  pool.clear();
  live = peak = pooled = 0;
});

export function bucketBytes(bytes: number): number {
  if (bytes <= 64) return 64;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const q = p / 4;
  return Math.ceil(bytes / q) * q;
}

export function allocStorage(size: number, dtype: DType): GpuStorage {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`webgpu alloc: invalid size ${size}`);
  const need = Math.max(1, size) * 4;
  const maxBind = Math.min(limit('maxStorageBufferBindingSize'), limit('maxBufferSize'));
  if (need > maxBind)
    throw new RangeError(
      `webgpu alloc: a ${dtype} tensor of ${size} elements needs ${need} bytes, more than this adapter's ` +
        `maxStorageBufferBindingSize (${maxBind} bytes); split the tensor or use the cpu device`,
    );
  const bytes = Math.min(bucketBytes(need), Math.floor(maxBind / 16) * 16 || need);
  let buffer = pool.get(bytes)?.pop();
  if (buffer) pooled -= bytes;
  else {
    // STORAGE | COPY_SRC | COPY_DST
    buffer = gpuDevice().createBuffer({
      size: bytes,
      usage: 0x80 | 0x4 | 0x8,
      label: `torchts:${dtype}[${size}]`,
    });
    counters.bufferAllocations++;
    traceEvent(`alloc:${bytes}`);
  }
  live += bytes;
  if (live > peak) peak = live;
  return { device: 'webgpu', dtype, size, refs: 0, version: 0, buffer, bytes };
}

export function releaseStorage(s: Storage): void {
  const g = asGpu(s, 'release');
  g.freed = true;
  live -= g.bytes;
  traceEvent(`free:${g.bytes}`);
  if (pooled + g.bytes > POOL_CAP) {
    if (pendingUse(g.buffer)) flush(); // recorded commands still read it: submit before destroy
    g.buffer.destroy();
    return;
  }
  let list = pool.get(g.bytes);
  if (!list) pool.set(g.bytes, (list = []));
  list.push(g.buffer);
  pooled += g.bytes;
}

/** The storage of a view (or a storage), checked: right device and not released. */
export function asGpu(s: Storage | View, what: string): GpuStorage {
  const st = 'storage' in s ? s.storage : s;
  if (st.device !== 'webgpu')
    throw new Error(`webgpu ${what}: expected a webgpu storage, got one on '${st.device}'`);
  if (st.freed) throw new Error(`webgpu ${what}: storage was already released (use after free)`);
  return st as GpuStorage;
}

export const bufferOf = (v: View, what: string): GPUBuffer => asGpu(v, what).buffer;

/** Bytes held by live storages (bucket sizes, as PyTorch counts its blocks). */
export const memoryAllocated = (): number => live;
export const maxMemoryAllocated = (): number => peak;
/** Live storages plus the idle pool. */
export const memoryReserved = (): number => live + pooled;
export const resetPeakMemoryStats = (): void => {
  peak = live;
};

/** Destroys every idle pooled buffer (torch.cuda.empty_cache). */
export function emptyCache(): void {
  let flushed = false;
  for (const list of pool.values())
    for (const b of list) {
      if (!flushed && pendingUse(b)) {
        flush();
        flushed = true;
      }
      b.destroy();
    }
  pool.clear();
  pooled = 0;
}
