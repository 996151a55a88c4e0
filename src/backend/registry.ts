/**
 * The device registry: the one list of device types. Everything that names a device resolves
 * through it: the device-string grammar ('cpu', 'webgpu:0', 'cuda', 'gpu'), `torch.device()`,
 * the 'Device' signature type, `tensor.to()`, `torch.cuda` and `torch.accelerator`.
 *
 * Adding a backend = a folder under src/backend/ exporting a `DeviceTypeInfo` (backend.ts) and
 * one line in `registered` below (docs/architecture.md, "Adding a backend"). A backend living
 * outside this package calls `registerDevice()` instead.
 *
 * 'cuda' and 'gpu' are PyTorch's spellings of "the GPU": they mean the first registered
 * accelerator, unless a backend's own type is literally 'cuda' (an exact name always wins).
 */
import type { DeviceTypeInfo } from './backend.js';
import { cpuDeviceType } from './cpu/index.js';
import { webgpuDeviceType } from './webgpu/index.js';

/** In order: the first accelerator is what 'cuda', 'gpu' and `torch.cuda` mean. */
const registered: DeviceTypeInfo[] = [
  cpuDeviceType,
  webgpuDeviceType, // 'cuda', 'gpu' (the first accelerator)
];

const GPU_ALIASES = ['cuda', 'gpu'];

/** Adds a device type (an out-of-tree backend); the name must be new. */
export function registerDevice(info: DeviceTypeInfo): void {
  if (registered.some((d) => d.type === info.type))
    throw new Error(`registerDevice: device type '${info.type}' is already registered`);
  registered.push(info);
}

/** Every registered device type, in registration order. */
export const deviceTypes = (): readonly DeviceTypeInfo[] => registered;

/** The first accelerator (what `torch.cuda` and `torch.accelerator` mean), if any. */
export const acceleratorType = (): DeviceTypeInfo | undefined => registered.find((d) => d.accelerator);

/** The type a name or alias ('cuda', 'gpu') resolves to, if any. */
export function lookupDeviceType(name: string): DeviceTypeInfo | undefined {
  return (
    registered.find((d) => d.type === name) ?? (GPU_ALIASES.includes(name) ? acceleratorType() : undefined)
  );
}

/** Every spelling the grammar accepts, for error messages: 'cpu, webgpu, cuda, gpu'. */
export const deviceNames = (): string[] => [
  ...registered.map((d) => d.type),
  ...(acceleratorType() ? GPU_ALIASES.filter((a) => !registered.some((d) => d.type === a)) : []),
];

/**
 * Parses 'type' or 'type:N' (N a decimal index) against the registry; undefined if the type is
 * unknown or the string malformed. The index is checked by `torch.device()`, not here.
 */
export function parseDeviceString(spec: string): { info: DeviceTypeInfo; index: number | null } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::(\d+))?$/.exec(spec.trim());
  const info = m ? lookupDeviceType(m[1]) : undefined;
  if (!m || !info) return undefined;
  return { info, index: m[2] !== undefined ? Number(m[2]) : null };
}
