/**
 * Devices: `Device` values and the device-string grammar, resolved through the device registry
 * (src/backend/registry.ts): 'cpu', 'webgpu', 'webgpu:0', and PyTorch's 'cuda' / 'gpu', which
 * mean the first registered accelerator (WebGPU today, DESIGN.md).
 */
import type { Backend, DeviceType } from '../backend/backend.js';
import { deviceNames, deviceTypes, parseDeviceString } from '../backend/registry.js';
import { registerType } from '../signature/bind.js';
import { DeviceError } from './errors.js';

/** torch.device: a device type and index ('cpu', 'webgpu:0'; 'cuda' resolves to the accelerator). */
export class Device {
  constructor(
    readonly type: DeviceType,
    readonly index: number | null = null,
  ) {}
  /** The type, with ':index' when it has one: 'cpu', 'webgpu', 'webgpu:0' (PyTorch's str(device)). */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
  /** Whether `o` is the same device: same type and index (no index counting as 0). */
  equals(o: Device): boolean {
    return this.type === o.type && (this.index ?? 0) === (o.index ?? 0);
  }
}

/** A device or its name ('cpu', 'webgpu', 'cuda', 'webgpu:0', ...), wherever a device is taken. */
export type DeviceLike = Device | string;

registerType(
  'Device',
  (v) => v instanceof Device || (typeof v === 'string' && parseDeviceString(v) !== undefined),
  'a device',
);
declare module '../signature/types.js' {
  interface TypeMap {
    Device: DeviceLike;
  }
}

/** Set by autograd while a backward runs: wraps backends to check what they read (autograd/saved.ts). */
let guard: ((be: Backend) => Backend) | null = null;

/** @internal */
export function setBackendGuard(g: ((be: Backend) => Backend) | null): void {
  guard = g;
}

/** The backend of a device type; a clear error if the type is unknown or its device absent. */
export function backendFor(type: DeviceType): Backend {
  const info = deviceTypes().find((d) => d.type === type);
  if (!info) throw new DeviceError(`no backend for device '${type}' (known: ${deviceNames().join(', ')})`);
  return guard ? guard(info.backend()) : info.backend();
}

export const cpu = new Device('cpu');
const defaults = new Map<DeviceType, Device>([['cpu', cpu]]);

/**
 * torch.device('cpu' | 'webgpu' | 'webgpu:0' | 'cuda' | 'cuda:0' | 'gpu'), or any type a
 * backend registered. 'cuda' and 'gpu' resolve to the accelerator's own type.
 */
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) return spec;
  const p = parseDeviceString(String(spec));
  if (!p)
    throw new DeviceError(
      `Expected one of ${deviceNames().join(', ')} device type at start of device string: ${spec}`,
    );
  const { type, label, maxDevices } = p.info;
  const idx = p.index ?? index ?? null;
  if (maxDevices === undefined) return defaults.get(type) ?? defaultFor(type); // index ignored (CPU)
  if (idx !== null && (idx < 0 || idx >= maxDevices))
    throw new DeviceError(
      maxDevices === 1
        ? `device ${spec}: only one ${label} device (index 0) is supported`
        : `device ${spec}: ${label} device index must be below ${maxDevices}`,
    );
  return idx === null ? defaultFor(type) : new Device(type, idx);
}

function defaultFor(type: DeviceType): Device {
  let d = defaults.get(type);
  if (!d) defaults.set(type, (d = new Device(type)));
  return d;
}
