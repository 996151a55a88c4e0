/// <reference types="@webgpu/types" preserve="true" />
/**
 * The one GPUDevice of the process: created on first use by `initWebGPU()` (`await
 * torch.webgpu.init()`), never on import, then read through sync getters. Before that,
 * `webgpuAvailable()` and `hardwareGpuAvailable()` answer synchronously from probe.ts (a child
 * process in Node; "no" in a browser until init).
 *
 * One code path for every host: `navigator.gpu` where it exists (browsers, Deno), else the
 * `webgpu` npm package (Dawn) imported dynamically so bundles for the browser never pull it in.
 * Dawn's lifetime rule (shared/notes/webgpu-in-node.md): the object returned by `create()` must
 * stay reachable for the whole process or a pending mapAsync crashes it, so it lives on
 * `globalThis.__torchtsGpu` (the only global we keep, and only because Dawn forces it).
 */

import { probeAdapter, probedSoFar, WEBGPU_MISSING, webgpuPackageUrl } from './probe.js';
import { missingVulkan } from './vulkan-probe.js';

/** No GPU driver on this machine: a plain "unavailable", not an initialisation failure. */
class NoDriver extends Error {}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallback: boolean;
  features: string[];
  limits: Record<string, number>;
}

interface GpuState {
  device: GPUDevice;
  adapter: GPUAdapter;
  info: AdapterInfo;
  /** Set by `device.lost` or an uncaptured validation error; thrown by the next call. */
  lost?: string;
  error?: string;
}

let state: GpuState | null = null;
let initPromise: Promise<boolean> | null = null;
let initFailure = '';
/** Set once an init has finished (found a device or not) or the device was destroyed. */
let settled = false;
const lostListeners: Array<() => void> = [];

const env = (k: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[k];

async function gpuEntry(): Promise<GPU | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    'string';
  if (!isNode) return null;
  const g = globalThis as { __torchtsGpu?: GPU };
  if (!g.__torchtsGpu) {
    // `webgpu` is an optional dependency: without it, say so (and how to get it).
    const url = webgpuPackageUrl();
    if (url === null) throw new NoDriver(WEBGPU_MISSING);
    // Without a driver Dawn would print native warnings that JS cannot silence: look first.
    const missing = await missingVulkan();
    if (missing) throw new NoDriver(missing);
    // A value specifier keeps bundlers from resolving the native module for the browser.
    const mod = (await import(/* @vite-ignore */ url)) as { create(flags: string[]): GPU; globals: object };
    // Dawn's node binding reads GPUBufferUsage & co. from its own globals, not ours.
    g.__torchtsGpu = mod.create([]);
  }
  return g.__torchtsGpu;
}

/** Software adapters: useful for correctness, never what `torch.cuda.isAvailable()` means. */
type InfoLike = { vendor: string; architecture: string; device: string; description: string };
function isSoftware(info: InfoLike, adapter?: GPUAdapter): boolean {
  const fallback =
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    (adapter as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  if (fallback) return true;
  const s = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return /software|llvmpipe|lavapipe|swiftshader|warp|basic render/.test(s);
}

async function doInit(): Promise<boolean> {
  if (env('TORCHTS_NO_WEBGPU') === '1') {
    initFailure = 'disabled by TORCHTS_NO_WEBGPU=1';
    return false;
  }
  // Deno's WebGPU (wgpu) reads back zeros for the second of two reads after a backward pass
  // (scripts/consumer-check.sh shows it): refused, so Deno trains on the CPU with this reason.
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) {
    initFailure =
      "Deno's WebGPU is not supported: it reads back zeros after a backward pass (silently wrong results); using the CPU";
    return false;
  }
  const probe = probedSoFar();
  if (probe && !probe.found) {
    initFailure = probe.reason; // the child already looked: do not load Dawn here to hear it again
    return false;
  }
  try {
    const gpu = await gpuEntry();
    if (!gpu) {
      initFailure = 'no navigator.gpu and not running in Node';
      return false;
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      initFailure = 'requestAdapter() returned null (no Vulkan/Metal/D3D12 driver?)';
      return false;
    }
    // Ask for the adapter's own limits: defaults (128 MiB bindings, 8 storage buffers) are far
    // below what real GPUs offer, and kernels read the granted limits at run time.
    const want = [
      'maxStorageBufferBindingSize',
      'maxBufferSize',
      'maxStorageBuffersPerShaderStage',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
      'maxComputeWorkgroupSizeX',
      'maxComputeWorkgroupsPerDimension',
      'maxBindGroups',
      // Arenas bound with dynamic offsets (queue.ts, storage.ts); lower alignments waste less.
      'maxDynamicStorageBuffersPerPipelineLayout',
      'maxDynamicUniformBuffersPerPipelineLayout',
      'minStorageBufferOffsetAlignment',
      'minUniformBufferOffsetAlignment',
    ];
    const requiredLimits: Record<string, number> = {};
    for (const k of want) {
      const v = (adapter.limits as unknown as Record<string, number>)[k];
      if (typeof v === 'number') requiredLimits[k] = v;
    }
    const features = [...adapter.features] as GPUFeatureName[];
    const requiredFeatures = features.filter(
      (f) => f === 'shader-f16' || f === 'timestamp-query' || f === 'subgroups',
    );
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    const raw = adapter.info ?? ({} as GPUAdapterInfo);
    const limits: Record<string, number> = {};
    for (const k in device.limits) limits[k] = (device.limits as unknown as Record<string, number>)[k];
    // Dawn exposes limits as prototype getters: `for in` may see none, so read the ones we use too.
    for (const k of want) limits[k] = (device.limits as unknown as Record<string, number>)[k];
    const info: AdapterInfo = {
      vendor: raw.vendor ?? '',
      architecture: raw.architecture ?? '',
      device: raw.device ?? '',
      description: raw.description ?? '',
      isFallback: isSoftware(raw, adapter),
      features: [...device.features].map(String),
      limits,
    };
    const s: GpuState = { device, adapter, info };
    state = s;
    initFailure = '';
    device.lost.then((l) => {
      // A device replaced by destroyWebGPU() + a new init must not clear the new one's caches.
      if (state !== s) return;
      if (l.reason !== 'destroyed') s.lost = `WebGPU device lost (${l.reason}): ${l.message}`;
      for (const f of lostListeners) f();
    });
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      s.error ??= `WebGPU error: ${ev.error.message}`;
    };
    return true;
  } catch (e) {
    if (e instanceof NoDriver) {
      initFailure = e.message;
      return false;
    }
    initFailure = `WebGPU initialisation failed: ${(e as Error).message ?? String(e)}`;
    state = null;
    return false;
  }
}

/**
 * Finds the GPU once per process. Idempotent, never throws; resolves to whether a device exists.
 * @example if (await initWebGPU()) console.log(adapterInfo()?.description);
 */
export function initWebGPU(): Promise<boolean> {
  if (!initPromise) {
    settled = false;
    initPromise = doInit().then((ok) => {
      settled = true;
      return ok;
    });
  }
  return initPromise;
}

const disabled = (): boolean => env('TORCHTS_NO_WEBGPU') === '1';

/** Before init: what a synchronous probe says (null: cannot tell, so "no"). */
const probed = () => (settled || disabled() ? null : probeAdapter());

/**
 * Any adapter, the software one in CI included (`torch.webgpu.isAvailable()`). Before init it
 * asks probe.ts (Node) or says false (browsers: `await torch.webgpu.init()` first).
 */
export const webgpuAvailable = (): boolean => (state ? !state.lost : !!probed()?.found);
/** A hardware adapter (`torch.cuda.isAvailable()`): not lavapipe/SwiftShader/WARP. */
export function hardwareGpuAvailable(): boolean {
  if (state) return !state.lost && !state.info.isFallback;
  const p = probed();
  return !!p?.found && !isSoftware(p);
}
/** The device's adapter, limits and features; null before `initWebGPU()` has found one. */
export const adapterInfo = (): AdapterInfo | null => state?.info ?? null;
/** The adapter's name, from the device or (before init) the probe; '' if none. */
export function adapterName(): string {
  const i = state?.info ?? (probed()?.found ? probed() : null);
  if (!i) return '';
  return i.description || [i.vendor, i.architecture, i.device].filter(Boolean).join(' ') || 'WebGPU adapter';
}
export const deviceCount = (): number => (webgpuAvailable() ? 1 : 0);
/** Why no adapter was found ('' when one was, or before anyone looked). */
export function unavailableReason(): string {
  if (initFailure || state) return initFailure;
  if (disabled()) return 'disabled by TORCHTS_NO_WEBGPU=1';
  // Reports a probe that already ran (isAvailable() before init); never starts one itself.
  const p = settled ? null : probedSoFar();
  return p && !p.found ? p.reason : '';
}

/** The live device; throws a clear error if there is none, none yet, or it was lost. */
export function gpuDevice(): GPUDevice {
  if (!state) {
    if (!settled && !disabled())
      throw new Error(
        initPromise
          ? 'WebGPU is still initialising: `await torch.webgpu.init()` before using the GPU'
          : 'WebGPU is not initialised: call `await torch.webgpu.init()` once before using the GPU',
      );
    throw new Error(`WebGPU is not available: ${initFailure || 'disabled by TORCHTS_NO_WEBGPU=1'}`);
  }
  if (state.lost) throw new Error(state.lost);
  return state.device;
}

/** Throws (once) the first uncaptured WebGPU error: a kernel bug must not pass silently. */
export function checkDeviceError(): void {
  if (state?.lost) throw new Error(state.lost);
  const err = state?.error;
  if (err && state) {
    state.error = undefined;
    throw new Error(err);
  }
}

export const limit = (k: string): number => (gpuDevice().limits as unknown as Record<string, number>)[k];

/** Runs `f` when the device goes away (destroy or loss): caches drop their GPU objects. */
export const onDeviceGone = (f: () => void): void => {
  lostListeners.push(f);
};

/** Clean shutdown: destroys the device (Dawn leaks threads otherwise); a later init starts over. */
export function destroyWebGPU(): void {
  const s = state;
  state = null;
  initPromise = null;
  settled = true;
  initFailure = 'destroyWebGPU() was called';
  if (s) {
    for (const f of lostListeners) f();
    s.device.destroy();
  }
}

/** TORCHTS_WEBGPU_F16=0 keeps float16 on the packed-word path even where the adapter has shader-f16. */
let halfNativeWanted = env('TORCHTS_WEBGPU_F16') !== '0';

/**
 * Whether float16 storage is bound as WGSL `array<f16>` (the device has 'shader-f16' and the
 * path is not switched off): loads are `f32(x[i])`, stores one f16 element each. Otherwise
 * float16 is two 16-bit words per u32, decoded and encoded with integer code (wgsl/common.ts).
 * Either way the bytes are the same and arithmetic is float32 (PyTorch's opmath).
 */
export const halfNative = (): boolean =>
  halfNativeWanted && !!state && !state.lost && state.device.features.has('shader-f16');

/**
 * Internal (tests, benches): turns the shader-f16 path off or back on; pipelines are keyed on
 * it, so both paths can run in one process. Returns the previous setting.
 */
export function setHalfNative(on: boolean): boolean {
  const was = halfNativeWanted;
  halfNativeWanted = on;
  return was;
}
