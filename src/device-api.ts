/**
 * The device-facing namespaces: torch.webgpu, torch.cuda (PyTorch's spelling of "the GPU",
 * resolving to WebGPU today) and torch.accelerator. GPU discovery is asynchronous in WebGPU, so
 * the library's entry module awaits `initWebGPU()` once (cheap, never throws, skipped with
 * TORCHTS_NO_WEBGPU=1) and these checks stay synchronous, as in PyTorch.
 */

import { cpuBackend, cpuStats, resetCpuStats } from './backend/cpu/index.js';
import * as wg from './backend/webgpu/index.js';
import { type Device, device, registerBackend } from './tensor/device.js';

registerBackend('webgpu', wg.webgpuBackend);

const gpuDevice = () => device('webgpu');

export const webgpu = {
  /** Any WebGPU adapter, the software one (lavapipe, SwiftShader) included. */
  isAvailable: (): boolean => wg.webgpuAvailable(),
  /** Finds the adapter (done once on import; call again after TORCHTS_NO_WEBGPU or in a worker). */
  init: (): Promise<boolean> => wg.initWebGPU(),
  deviceCount: (): number => wg.deviceCount(),
  adapterInfo: () => wg.adapterInfo(),
  /** Why no adapter was found ('' when one was). */
  unavailableReason: (): string => wg.unavailableReason(),
  /** Waits until every queued kernel has run. */
  synchronize: (): Promise<void> =>
    wg.webgpuAvailable() ? wg.webgpuBackend().synchronize() : Promise.resolve(),
  memoryAllocated: (): number => wg.memoryAllocated(),
  maxMemoryAllocated: (): number => wg.maxMemoryAllocated(),
  memoryReserved: (): number => wg.memoryReserved(),
  resetPeakMemoryStats: (): void => wg.resetPeakMemoryStats(),
  emptyCache: (): void => wg.emptyCache(),
  /** Dispatch / submit / allocation counters (see docs/webgpu.md). */
  stats: () => wg.stats(),
  resetStats: () => wg.resetStats(),
  /** Starts logging kernel keys, pool misses and submits (tests, benchmarks). */
  startTrace: (): void => wg.startTrace(),
  /** Stops logging; the events since `startTrace()`. */
  stopTrace: (): string[] => wg.stopTrace(),
  /** Releases the GPU device (lets a script exit at once). */
  destroy: (): void => wg.destroyWebGPU(),
};

/** torch.cpu: the CPU backend's counters. */
export const cpu = {
  /** Elementwise kernels compiled since `resetStats()` (0 per step once a loop is warm), and held. */
  stats: () => cpuStats(),
  resetStats: (): void => resetCpuStats(),
};

export const cuda = {
  /** True only for a hardware GPU adapter, not for a software fallback (DESIGN.md). */
  isAvailable: (): boolean => wg.hardwareGpuAvailable(),
  deviceCount: (): number => (wg.hardwareGpuAvailable() ? wg.deviceCount() : 0),
  getDeviceName: (_index = 0): string => {
    const i = wg.adapterInfo();
    if (!i) throw new Error('torch.cuda.getDeviceName(): no GPU adapter found');
    return (
      i.description || [i.vendor, i.architecture, i.device].filter(Boolean).join(' ') || 'WebGPU adapter'
    );
  },
  currentDevice: (): number => 0,
  synchronize: webgpu.synchronize,
  memoryAllocated: webgpu.memoryAllocated,
  maxMemoryAllocated: webgpu.maxMemoryAllocated,
  memoryReserved: webgpu.memoryReserved,
  resetPeakMemoryStats: webgpu.resetPeakMemoryStats,
  emptyCache: webgpu.emptyCache,
};

/** torch.accelerator: the device-agnostic API (PyTorch 2.6+). */
export const accelerator = {
  /** Whether a GPU is present; `{software: true}` also counts a software adapter. */
  isAvailable: (opts: { software?: boolean } = {}): boolean =>
    opts.software ? wg.webgpuAvailable() : wg.hardwareGpuAvailable(),
  /** The GPU device if a hardware adapter exists, else undefined (use `?? torch.device('cpu')`). */
  currentAccelerator: (opts: { software?: boolean } = {}): Device | undefined =>
    accelerator.isAvailable(opts) ? gpuDevice() : undefined,
  deviceCount: (): number => (wg.hardwareGpuAvailable() ? 1 : 0),
  synchronize: webgpu.synchronize,
};

/** Resolves 'auto' to the best device present: a GPU if any, else the CPU. */
export function bestDevice(opts: { software?: boolean } = {}): Device {
  return accelerator.currentAccelerator(opts) ?? device('cpu');
}

export { cpuBackend };
