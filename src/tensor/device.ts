/**
 * Devices: 'cpu' and 'webgpu'. 'cuda' (and `.cuda()`, `torch.cuda.*`) is PyTorch's spelling of
 * "the GPU" and resolves to the GPU backend present, WebGPU today (DESIGN.md).
 */
import type { Backend, DeviceType } from '../backend/backend.js';
import { cpuBackend } from '../backend/cpu/index.js';
import { registerType } from '../signature/bind.js';
import { DeviceError } from './errors.js';

export class Device {
  constructor(
    readonly type: DeviceType,
    readonly index: number | null = null,
  ) {}
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
  equals(o: Device): boolean {
    return this.type === o.type && (this.index ?? 0) === (o.index ?? 0);
  }
}

export type DeviceLike = Device | string;

const DEVICE_STRING = /^(cpu|webgpu|cuda|gpu)(:\d+)?$/;
registerType(
  'Device',
  (v) => v instanceof Device || (typeof v === 'string' && DEVICE_STRING.test(v)),
  'a device',
);
declare module '../signature/types.js' {
  interface TypeMap {
    Device: DeviceLike;
  }
}

const backends = new Map<DeviceType, () => Backend>([['cpu', () => cpuBackend]]);

/** Backends register themselves; the getter may throw a clear error when unavailable. */
export function registerBackend(type: DeviceType, get: () => Backend): void {
  backends.set(type, get);
}

/** Set by autograd while a backward runs: wraps backends to check what they read (autograd/saved.ts). */
let guard: ((be: Backend) => Backend) | null = null;

/** @internal */
export function setBackendGuard(g: ((be: Backend) => Backend) | null): void {
  guard = g;
}

export function backendFor(type: DeviceType): Backend {
  const get = backends.get(type);
  if (!get) throw new DeviceError(`no backend for device '${type}'`);
  return guard ? guard(get()) : get();
}

export const cpu = new Device('cpu');

/** torch.device('cpu' | 'webgpu' | 'webgpu:0' | 'cuda' | 'cuda:0' | 'gpu'). */
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) return spec;
  const m = /^(cpu|webgpu|cuda|gpu)(?::(\d+))?$/.exec(String(spec).trim());
  if (!m)
    throw new DeviceError(`Expected one of cpu, webgpu, cuda device type at start of device string: ${spec}`);
  const type: DeviceType = m[1] === 'cpu' ? 'cpu' : 'webgpu';
  const idx = m[2] !== undefined ? Number(m[2]) : (index ?? null);
  if (type === 'webgpu' && idx !== null && idx !== 0)
    throw new DeviceError(`device ${spec}: only one WebGPU device (index 0) is supported`);
  if (type === 'cpu') return cpu;
  return idx === null ? webgpuDevice : new Device('webgpu', idx);
}

const webgpuDevice = new Device('webgpu');
