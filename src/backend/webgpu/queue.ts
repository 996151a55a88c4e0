/**
 * Command batching and the pipeline cache.
 *
 * Every kernel records into one command encoder and one compute pass; the batch is submitted
 * on a readback, on `synchronize()`, or when it grows past MAX_DISPATCHES / the uniform
 * arena. On lavapipe a dispatch costs ~15 µs inside a shared pass and 31-58 µs with its own
 * submit; on a discrete GPU the gap is larger still (each submit is a driver round trip), so a
 * training step is a handful of submits, not hundreds.
 *
 * Uniforms: each dispatch's small parameter block (shapes, strides, offsets, scalars) is packed
 * into a host arena and uploaded with one writeBuffer into one uniform buffer right before the
 * submit. The queue runs writeBuffer and submit in order, so the next batch may reuse the same
 * buffer. No buffer is created per dispatch.
 *
 * Bindings: binding 0 is the uniform buffer and 1..n one storage each, every one with a dynamic
 * offset (the uniform slice; the storage's block in its arena, storage.ts), so a bind group
 * names only (uniform size, (arena, bucket) per binding) and a step that records the same
 * dispatches over the same shapes reuses its bind groups whichever blocks it got. Storage
 * bindings are all `storage` (read_write): several tensors of one dispatch share an arena, and
 * WebGPU allows one buffer bound several times in a dispatch only if no binding is read-only
 * (the usage-scope "storage" exception); kernels still only write their outputs. A pipeline
 * with more storages than maxDynamicStorageBuffersPerPipelineLayout binds them at fixed
 * offsets instead (its bind groups are then keyed by the blocks).
 */

import { DeviceError } from '../../tensor/errors.js';
import { checkDeviceError, gpuDevice, halfNative, limit, onDeviceGone } from './device.js';
import { counters, traceEvent } from './stats.js';
import type { Block, GpuStorage } from './storage.js';

const MAX_DISPATCHES = 512;
const ARENA_BYTES = 256 * 1024;

export type Access = 'r' | 'w';

interface Batch {
  encoder: GPUCommandEncoder | null;
  pass: GPUComputePassEncoder | null;
  /** Blocks the unsubmitted commands touch: a writeBuffer to one of them must flush first. */
  used: Set<Block>;
  /** Their buffers (an arena or dedicated buffer must not be destroyed under them). */
  usedBuffers: Set<GPUBuffer>;
  dispatches: number;
  arenaBytes: number;
}

const batch: Batch = {
  encoder: null,
  pass: null,
  used: new Set(),
  usedBuffers: new Set(),
  dispatches: 0,
  arenaBytes: 0,
};
const arena = new ArrayBuffer(ARENA_BYTES);
const arenaU8 = new Uint8Array(arena);
let uniformBuf: GPUBuffer | null = null;
let uniformAlign = 256;

// Pipelines and bind-group layouts, keyed like the WGSL templates that made them (STYLE §5).
// Bounded LRU: expression trees are user data, so the key space is open (scalar values are
// not in keys: they are uniforms). Shader modules are not kept: a pipeline holds its own.
// Layouts are keyed by (storage count, dynamic or not): a few dozen at most.
let MAX_PIPELINES = 2048;
const pipelines = new Map<string, GPUComputePipeline>();
const layouts = new Map<string, GPUBindGroupLayout>();

onDeviceGone(() => {
  batch.encoder = null;
  batch.pass = null;
  batch.used.clear();
  batch.usedBuffers.clear();
  batch.dispatches = 0;
  batch.arenaBytes = 0;
  uniformBuf = null;
  pipelines.clear();
  layouts.clear();
});

let dynamicOverride: number | null = null;
/** Storage bindings a pipeline may bind with dynamic offsets (browsers grant at least 4). */
export const maxDynamic = (): number =>
  dynamicOverride ?? limit('maxDynamicStorageBuffersPerPipelineLayout') ?? 4;
/** Tests only: pretend the adapter allows `n` dynamic storage bindings (null: its own limit). */
export function overrideDynamicBindingLimit(n: number | null): void {
  dynamicOverride = n;
}

/** The layout for `n` storage bindings: dynamic offsets when the adapter allows `n` of them. */
function layoutFor(n: number): GPUBindGroupLayout {
  const dynamic = n <= maxDynamic();
  const key = `${n}:${dynamic ? 'd' : 'f'}`;
  let l = layouts.get(key);
  if (!l) {
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: GPUShaderStage_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
    ];
    for (let i = 0; i < n; i++)
      entries.push({
        binding: i + 1,
        visibility: GPUShaderStage_COMPUTE,
        buffer: { type: 'storage', hasDynamicOffset: dynamic },
      });
    l = gpuDevice().createBindGroupLayout({ entries, label: `torchts:${key}` });
    layouts.set(key, l);
  }
  return l;
}
// The GPUShaderStage global is absent in Node (Dawn keeps it in `globals`): use its value.
const GPUShaderStage_COMPUTE = 4;

/**
 * The compiled pipeline for `key`, built from `wgsl()` on a miss. `access` has one letter per
 * storage binding (1..n): 'r' read, 'w' written (every binding is declared read_write, see
 * above; the letters document the kernel and size the layout); binding 0 is the uniform block.
 */
export function pipelineFor(key: string, access: string, wgsl: () => string): GPUComputePipeline {
  // Keyed on the float16 path too (device.ts halfNative): one key's shader differs between them.
  const fullKey = `${key}|${access}|${access.length <= maxDynamic() ? 'd' : 'f'}|${halfNative() ? 'h' : ''}`;
  let p = pipelines.get(fullKey);
  if (p) {
    pipelines.delete(fullKey); // LRU: re-insert as most recent
    pipelines.set(fullKey, p);
    return p;
  }
  const device = gpuDevice();
  const body = wgsl();
  // A shader naming the f16 type needs the extension (only generated when the device has it).
  const code = /\bf16\b/.test(body) ? `enable f16;\n${body}` : body;
  const module = device.createShaderModule({ code, label: key });
  p = device.createComputePipeline({
    label: key,
    layout: device.createPipelineLayout({ bindGroupLayouts: [layoutFor(access.length)] }),
    compute: { module, entryPoint: 'main' },
  });
  counters.pipelineCompiles++;
  while (pipelines.size >= MAX_PIPELINES) pipelines.delete(pipelines.keys().next().value as string);
  pipelines.set(fullKey, p);
  if ((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.TORCHTS_WGSL_DUMP === '1')
    console.error(`// ${key}\n${code}`);
  return p;
}

function ensurePass(): GPUComputePassEncoder {
  if (!batch.encoder) batch.encoder = gpuDevice().createCommandEncoder();
  if (!batch.pass) batch.pass = batch.encoder.beginComputePass();
  return batch.pass;
}

function encoderOutsidePass(): GPUCommandEncoder {
  if (batch.pass) {
    batch.pass.end();
    batch.pass = null;
  }
  if (!batch.encoder) batch.encoder = gpuDevice().createCommandEncoder();
  return batch.encoder;
}

/** Uniform words of one dispatch: u32 view plus i32/f32 aliases of the same bytes. */
export class Params {
  readonly u: Uint32Array;
  readonly i: Int32Array;
  readonly f: Float32Array;
  constructor(words: number) {
    const buf = new ArrayBuffer(Math.max(4, words) * 4);
    this.u = new Uint32Array(buf);
    this.i = new Int32Array(buf);
    this.f = new Float32Array(buf);
  }
}

/**
 * Records one dispatch. `storages[j]` is bound at binding j + 1 (its whole block, from the
 * block's first byte: views index it with their element offsets); `groups` is the workgroup
 * grid (callers split grids wider than maxComputeWorkgroupsPerDimension).
 */
export function dispatch(
  pipeline: GPUComputePipeline,
  access: string,
  storages: readonly GpuStorage[],
  params: Params,
  groups: readonly [number, number, number?],
): void {
  if (groups[0] === 0 || groups[1] === 0) return;
  const device = gpuDevice();
  const bytes = Math.ceil(params.u.byteLength / 16) * 16; // uniform arrays are vec4-padded
  const slot = Math.ceil(bytes / uniformAlign) * uniformAlign;
  if (batch.arenaBytes + slot > ARENA_BYTES || batch.dispatches >= MAX_DISPATCHES) flush();
  if (!uniformBuf) {
    uniformAlign = limit('minUniformBufferOffsetAlignment') ?? 256;
    uniformBuf = device.createBuffer({ size: ARENA_BYTES, usage: 0x40 | 0x8, label: 'torchts:uniforms' }); // UNIFORM | COPY_DST
    counters.bufferAllocations++;
  }
  const off = batch.arenaBytes;
  arenaU8.set(new Uint8Array(params.u.buffer), off);
  batch.arenaBytes += slot;
  for (let j = 0; j < storages.length; j++) {
    const s = storages[j];
    // Two writable bindings of one block would be a validation error; a kernel bug, say so.
    if (storages.indexOf(s) !== j) throw new Error(`webgpu ${pipeline.label}: a storage is bound twice`);
    batch.used.add(s.block);
    batch.usedBuffers.add(s.buffer);
  }
  const dynamic = storages.length <= maxDynamic();
  const bg = bindGroupFor(access.length, bytes, storages, dynamic);
  const offsets = [off];
  if (dynamic) for (const s of storages) offsets.push(s.byteOffset);
  const pass = ensurePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bg, offsets);
  pass.dispatchWorkgroups(groups[0], groups[1], groups[2] ?? 1);
  batch.dispatches++;
  counters.dispatches++;
  traceEvent(pipeline.label);
}

// Bind groups, cached by (layout, uniform size, (buffer, bucket) per binding): with dynamic
// offsets neither the uniform slice nor a block's place in its arena is part of the group, so a
// step that records the same dispatches over the same shapes hits every time. Buffers are keyed
// by a serial number (a destroyed buffer's number is never reused, so a stale entry can only
// age out). Without dynamic offsets (more storages than the adapter allows) the blocks' offsets
// are part of the key.
let MAX_BIND_GROUPS = 4096;
const bindGroups = new Map<string, GPUBindGroup>();
const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;
onDeviceGone(() => bindGroups.clear());

function bufferId(b: GPUBuffer): number {
  let id = bufferIds.get(b);
  if (id === undefined) bufferIds.set(b, (id = nextBufferId++));
  return id;
}

function bindGroupFor(
  n: number,
  bytes: number,
  storages: readonly GpuStorage[],
  dynamic: boolean,
): GPUBindGroup {
  let key = `${n}:${bytes}`;
  for (const s of storages)
    key += dynamic
      ? `:${bufferId(s.buffer)}/${s.bytes}`
      : `:${bufferId(s.buffer)}@${s.byteOffset}/${s.bytes}`;
  let bg = bindGroups.get(key);
  if (bg) {
    bindGroups.delete(key); // LRU: re-insert as most recent
    bindGroups.set(key, bg);
    return bg;
  }
  const entries: GPUBindGroupEntry[] = [
    { binding: 0, resource: { buffer: uniformBuf!, offset: 0, size: bytes } },
  ];
  storages.forEach((s, j) => {
    entries.push({
      binding: j + 1,
      resource: { buffer: s.buffer, offset: dynamic ? 0 : s.byteOffset, size: s.bytes },
    });
  });
  bg = gpuDevice().createBindGroup({ layout: layoutFor(n), entries });
  counters.bindGroupCreations++;
  while (bindGroups.size >= MAX_BIND_GROUPS) bindGroups.delete(bindGroups.keys().next().value as string);
  bindGroups.set(key, bg);
  return bg;
}

/** Entries the caches hold now, and their caps (tests, diagnostics). */
export const cacheSizes = () => ({
  pipelines: pipelines.size,
  maxPipelines: MAX_PIPELINES,
  bindGroups: bindGroups.size,
  maxBindGroups: MAX_BIND_GROUPS,
  layouts: layouts.size,
});
/**
 * Tests only: caps the pipeline and bind-group LRUs (the defaults are 2048 and 4096) and the
 * submits allowed within one task (default 20,000).
 */
export function setCacheLimits(l: {
  pipelines?: number;
  bindGroups?: number;
  submitsPerTask?: number;
}): void {
  MAX_PIPELINES = l.pipelines ?? MAX_PIPELINES;
  MAX_BIND_GROUPS = l.bindGroups ?? MAX_BIND_GROUPS;
  MAX_SUBMITS_PER_TASK = l.submitsPerTask ?? MAX_SUBMITS_PER_TASK;
}

/**
 * Dawn frees the bookkeeping of submitted work only when the event loop turns (its
 * ProcessEvents runs between tasks; dawn.node exposes no synchronous way to run it), ~13 KB a
 * submit on lavapipe. A loop that never yields would grow until the process dies, so after
 * this many submits within one task the next submit raises an error that says what to do.
 */
let MAX_SUBMITS_PER_TASK = 20_000;
let submitsThisTask = 0;
let turnPending = false;
const nextTask: (f: () => void) => void =
  (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ?? ((f) => setTimeout(f, 0));

function countSubmit(): void {
  if (!turnPending) {
    turnPending = true;
    nextTask(() => {
      turnPending = false;
      submitsThisTask = 0;
    });
  }
  if (++submitsThisTask > MAX_SUBMITS_PER_TASK) {
    submitsThisTask = 0;
    throw new DeviceError(
      `webgpu: ${MAX_SUBMITS_PER_TASK} submits without returning to the event loop. Dawn frees the bookkeeping of submitted GPU work only between tasks (~13 KB a submit), so this synchronous loop would grow until the process runs out of memory. Await something every few hundred steps (e.g. \`await torch.cuda.synchronize()\` or \`await loss.item()\`), or iterate a DataLoader with \`for await\`.`,
    );
  }
}

/** Splits `groups` workgroups into an (x, y) grid within maxComputeWorkgroupsPerDimension. */
export function grid(groups: number): [number, number] {
  const max = limit('maxComputeWorkgroupsPerDimension');
  if (groups <= max) return [groups, 1];
  const y = Math.ceil(groups / max);
  if (y > max) throw new RangeError(`webgpu: ${groups} workgroups exceed the adapter's ${max}x${max} grid`);
  return [Math.ceil(groups / y), y];
}

/** Submits the recorded batch (uploading its uniform arena first). No wait. */
export function flush(): void {
  if (!batch.encoder) return;
  const device = gpuDevice();
  if (batch.pass) {
    batch.pass.end();
    batch.pass = null;
  }
  if (batch.arenaBytes > 0 && uniformBuf) device.queue.writeBuffer(uniformBuf, 0, arena, 0, batch.arenaBytes);
  device.queue.submit([batch.encoder.finish()]);
  counters.submits++;
  traceEvent('submit');
  batch.encoder = null;
  batch.used.clear();
  batch.usedBuffers.clear();
  batch.dispatches = 0;
  batch.arenaBytes = 0;
  countSubmit();
}

/** True if unsubmitted commands reference block `b` (a write must flush first). */
export const pendingUse = (b: Block): boolean => batch.used.has(b);
/** True if unsubmitted commands reference any block of buffer `b` (a destroy must flush first). */
export const pendingUseOfBuffer = (b: GPUBuffer): boolean => batch.usedBuffers.has(b);

/**
 * Host -> device, `byteOffset` bytes into storage `s`. queue.writeBuffer runs before the next
 * submit, so if the unsubmitted batch touches the block (it may read the old contents, or the
 * block came back from the pool while a recorded kernel still reads it) the batch is submitted
 * first to keep program order. Other blocks of the same arena do not force a submit.
 */
export function writeBuffer(s: GpuStorage, byteOffset: number, data: ArrayBufferView): void {
  if (batch.used.has(s.block)) flush();
  gpuDevice().queue.writeBuffer(
    s.buffer,
    s.byteOffset + byteOffset,
    data.buffer,
    data.byteOffset,
    data.byteLength,
  );
  counters.bytesWritten += data.byteLength;
}

/** Readback staging buffers, pooled by power-of-two size (bounded: a few per size). */
const staging = new Map<number, GPUBuffer[]>();
onDeviceGone(() => staging.clear());

/**
 * Device -> host copy of `byteSize` bytes at `byteOffset` of `b`: records, submits, awaits. With
 * `extra` (a small storage, e.g. the index-error flag), its bytes ride along in the same staging
 * buffer and come back as `extraBytes`.
 */
export async function readBuffer(
  b: GPUBuffer,
  byteOffset: number,
  byteSize: number,
  extra?: GpuStorage | null,
): Promise<ArrayBuffer & { extraBytes?: ArrayBuffer }> {
  const device = gpuDevice();
  if (byteSize === 0 && !extra) return new ArrayBuffer(0);
  const extraAt = Math.ceil(byteSize / 16) * 16;
  const extraSize = extra ? extra.size * 4 : 0;
  const total = extraAt + extraSize;
  const cap = Math.max(256, 2 ** Math.ceil(Math.log2(total)));
  const free = staging.get(cap);
  let st = free?.pop();
  if (!st) {
    st = device.createBuffer({ size: cap, usage: 0x1 | 0x8, label: 'torchts:readback' }); // MAP_READ | COPY_DST
    counters.bufferAllocations++;
  }
  const enc = encoderOutsidePass();
  if (byteSize > 0) enc.copyBufferToBuffer(b, byteOffset, st, 0, byteSize);
  if (extra) enc.copyBufferToBuffer(extra.buffer, extra.byteOffset, st, extraAt, extraSize);
  flush();
  counters.reads++;
  counters.bytesRead += byteSize;
  try {
    await st.mapAsync(1, 0, total); // GPUMapMode.READ
  } catch (e) {
    checkDeviceError();
    throw e;
  }
  const mapped = st.getMappedRange(0, total);
  const out: ArrayBuffer & { extraBytes?: ArrayBuffer } = mapped.slice(0, byteSize);
  if (extra) out.extraBytes = mapped.slice(extraAt, total);
  st.unmap();
  const list = staging.get(cap) ?? [];
  if (list.length < 4) {
    list.push(st);
    staging.set(cap, list);
  } else st.destroy();
  checkDeviceError();
  return out;
}

/** Submits everything and resolves once the GPU has finished it. */
export async function synchronize(): Promise<void> {
  flush();
  await gpuDevice().queue.onSubmittedWorkDone();
  checkDeviceError();
}
