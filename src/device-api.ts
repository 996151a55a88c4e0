/**
 * The device-facing namespaces: torch.webgpu (the WebGPU backend's own controls), and
 * torch.cuda / torch.accelerator, PyTorch's device-agnostic spellings, which resolve through the
 * device registry to the first registered accelerator (WebGPU today; src/backend/registry.ts).
 *
 * Importing torchts touches no GPU. `isAvailable()` stays synchronous, as in PyTorch: in Node a
 * child process probes the adapter once (Dawn's warnings stay in the child); in a browser it is
 * false until `await torch.webgpu.init()`. Creating the device is asynchronous in WebGPU, so a
 * program that uses the GPU calls `await torch.accelerator.init()` (or `torch.webgpu.init()`)
 * once first; a GPU tensor before that throws an error saying so.
 */

import { cpuAutocast, cudaAutocast } from './amp/autocast.js';
import { CudaGradScaler } from './amp/grad-scaler.js';
import type { DeviceTypeInfo } from './backend/backend.js';
import { cpuStats, resetCpuStats } from './backend/cpu/index.js';
import { acceleratorType } from './backend/registry.js';
import * as wg from './backend/webgpu/index.js';
import { type Device, device } from './tensor/device.js';
import { OutOfMemoryError } from './tensor/errors.js';

/** torch.webgpu: the WebGPU backend's controls (adapter, device, memory, counters). */
export const webgpu = {
  /**
   * Any WebGPU adapter, the software one (lavapipe, SwiftShader) included. Synchronous: before
   * `init()` Node asks a child process once; a browser says false until `init()`.
   */
  isAvailable: (): boolean => wg.webgpuAvailable(),
  /**
   * Creates the GPU device (asynchronous in WebGPU); call once before using 'webgpu' tensors.
   * Idempotent, never throws; resolves to whether a device exists.
   * @example if (await torch.webgpu.init()) x = x.to('webgpu');
   */
  init: (): Promise<boolean> => wg.initWebGPU(),
  /** 1 once `init()` has created a device (any adapter, software included), else 0. */
  deviceCount: (): number => wg.deviceCount(),
  /** The device's adapter, features and limits; null before `init()` has found one. */
  adapterInfo: () => wg.adapterInfo(),
  /** Why no adapter was found ('' when one was, or before anyone looked). */
  unavailableReason: (): string => wg.unavailableReason(),
  /** Waits until every queued kernel has run. */
  synchronize: (): Promise<void> =>
    wg.adapterInfo() && wg.webgpuAvailable() ? wg.webgpuBackend().synchronize() : Promise.resolve(),
  /** Bytes held by live tensors on the GPU (torch.cuda.memory_allocated). */
  memoryAllocated: (): number => wg.memoryAllocated(),
  /** The peak of `memoryAllocated()` since the start or `resetPeakMemoryStats()`. */
  maxMemoryAllocated: (): number => wg.maxMemoryAllocated(),
  /** Bytes of GPU buffers held, the caching pool included (torch.cuda.memory_reserved). */
  memoryReserved: (): number => wg.memoryReserved(),
  /** Restarts the peak of `maxMemoryAllocated()` from the current value. */
  resetPeakMemoryStats: (): void => wg.resetPeakMemoryStats(),
  /** Frees the pooled buffers no tensor holds (torch.cuda.empty_cache). */
  emptyCache: (): void => wg.emptyCache(),
  /** Dispatch / submit / allocation counters (see docs/webgpu.md). */
  stats: () => wg.stats(),
  /** Zeroes the counters of `stats()`. */
  resetStats: () => wg.resetStats(),
  /** Starts logging kernel keys, pool misses and submits (tests, benchmarks). */
  startTrace: (): void => wg.startTrace(),
  /** Stops logging; the events since `startTrace()`. */
  stopTrace: (): string[] => wg.stopTrace(),
  /** Releases the GPU device (lets a script exit at once). */
  destroy: (): void => wg.destroyWebGPU(),
};

const accel = (): DeviceTypeInfo | undefined => acceleratorType();
/** A hardware accelerator is present (never a software adapter: DESIGN.md). */
const hardware = (): boolean => {
  const a = accel();
  return !!a && (a.isHardware ? a.isHardware() : a.isAvailable());
};
const anyAccelerator = (software?: boolean): boolean => (software ? !!accel()?.isAvailable() : hardware());
const accelInit = async (): Promise<boolean> => !!(await accel()?.init?.());
/** Waits for the accelerator's queued work; nothing to wait for when it has no device yet. */
async function accelSynchronize(): Promise<void> {
  const a = accel();
  if (!a?.isAvailable()) return;
  try {
    await a.backend().synchronize();
  } catch {
    // not initialised: nothing was ever queued
  }
}
const mem = () => accel()?.memory;

/** torch.cpu: the CPU backend's counters. */
export const cpu = {
  /** Elementwise kernels compiled since `resetStats()` (0 per step once a loop is warm), and held. */
  stats: () => cpuStats(),
  /** Zeroes the counters of `stats()`. */
  resetStats: (): void => resetCpuStats(),
  // --- amp ---
  /** torch.cpu.amp: autocast with the CPU's default (bfloat16). */
  amp: {
    /** torch.cpu.amp.autocast: `torch.autocast` with deviceType 'cpu' (default dtype bfloat16). */
    autocast: cpuAutocast,
  },
};

/**
 * torch.cuda: PyTorch's spelling of "the GPU", resolved to the first accelerator (WebGPU today);
 * `isAvailable()` is true only for a hardware adapter.
 */
export const cuda = {
  /** True only for a hardware GPU, not for a software fallback (DESIGN.md). Synchronous. */
  isAvailable: (): boolean => hardware(),
  /** Creates the GPU device; call once before using 'cuda' tensors (asynchronous in WebGPU). */
  init: accelInit,
  /** The number of hardware GPUs (0 or 1). */
  deviceCount: (): number => (hardware() ? (accel()?.deviceCount?.() ?? 1) : 0),
  /** The adapter's name (`index` default 0, the only device). */
  getDeviceName: (index = 0): string => {
    const name = accel()?.deviceName?.(index);
    if (!name) throw new Error('torch.cuda.getDeviceName(): no GPU adapter found');
    return name;
  },
  /** The index of the current device: always 0. */
  currentDevice: (): number => 0,
  /** Waits until every queued kernel has run (async: WebGPU cannot block). */
  synchronize: accelSynchronize,
  /** Bytes held by live tensors on the GPU; 0 without one. */
  memoryAllocated: (): number => mem()?.allocated() ?? 0,
  /** The peak of `memoryAllocated()` since the start or `resetPeakMemoryStats()`. */
  maxMemoryAllocated: (): number => mem()?.maxAllocated() ?? 0,
  /** Bytes of GPU buffers held, the caching pool included. */
  memoryReserved: (): number => mem()?.reserved() ?? 0,
  /** Restarts the peak of `maxMemoryAllocated()` from the current value. */
  resetPeakMemoryStats: (): void => mem()?.resetPeak(),
  /** Frees the pooled buffers no tensor holds. */
  emptyCache: (): void => mem()?.emptyCache(),
  /** Raised when an allocation does not fit (the same class as torch.OutOfMemoryError). */
  OutOfMemoryError,
  // --- amp ---
  /** torch.cuda.amp: GradScaler with PyTorch 1.13's parameter list. */
  amp: {
    /** torch.cuda.amp.GradScaler: `torch.amp.GradScaler` (loss scaling with inf/NaN step skipping). */
    GradScaler: CudaGradScaler,
    /** torch.cuda.amp.autocast: `torch.autocast` with deviceType 'cuda' (the GPU; default dtype float16). */
    autocast: cudaAutocast,
  },
};

/** torch.accelerator: the device-agnostic API (PyTorch 2.6+). */
export const accelerator = {
  /** Whether a GPU is present; `{software: true}` also counts a software adapter. Synchronous. */
  isAvailable: (opts: { software?: boolean } = {}): boolean => anyAccelerator(opts.software),
  /**
   * Creates the accelerator's device (asynchronous in WebGPU); resolves to whether one exists.
   * @example const device = (await torch.accelerator.init()) ? torch.bestDevice() : torch.device('cpu');
   */
  init: accelInit,
  /** The GPU device if a hardware adapter exists, else undefined (use `?? torch.device('cpu')`). */
  currentAccelerator: (opts: { software?: boolean } = {}): Device | undefined => {
    const a = accel();
    return a && anyAccelerator(opts.software) ? device(a.type) : undefined;
  },
  /** The number of hardware accelerators (0 or 1). */
  deviceCount: (): number => (hardware() ? 1 : 0),
  /** Waits until every queued kernel has run (async). */
  synchronize: accelSynchronize,
};

/** Resolves 'auto' to the best device present: a GPU if any, else the CPU. */
export function bestDevice(opts: { software?: boolean } = {}): Device {
  return accelerator.currentAccelerator(opts) ?? device('cpu');
}
