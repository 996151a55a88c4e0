/**
 * A synchronous answer to "is there a WebGPU adapter?" without creating a GPUDevice here.
 *
 * WebGPU's discovery is asynchronous, but `torch.cuda.isAvailable()` is a synchronous call in
 * PyTorch and scripts branch on it before anything else. In Node we ask a child process
 * (`spawnSync`): it loads Dawn, requests the adapter, prints the adapter's info as JSON and
 * exits. This process loads no native module and prints nothing: Dawn's native warnings
 * ("Warning: maxDynamic… artificially reduced", "Couldn't load Vulkan") stay in the child's
 * captured stderr. One probe per process (~0.3 s on a GPU machine, ~1 s on lavapipe), then cached.
 *
 * Elsewhere (browsers, Deno) there is no synchronous way: `probeAdapter()` returns null and
 * callers answer "not available" until `await torch.webgpu.init()` has run (never a GPU that
 * is not there).
 */
import { type Fs, missingVulkanSync } from './vulkan-probe.js';

export interface ProbedAdapter {
  found: boolean;
  /** Why not, when `found` is false. */
  reason: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

// Runs in the child as an ES module; argv[1] is the file URL of the `webgpu` package's entry.
const CHILD = `
const m = await import(process.argv[1]);
const a = await m.create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = (a && a.info) || {};
process.stdout.write(JSON.stringify(a ? { found: true, vendor: i.vendor ?? '', architecture: i.architecture ?? '',
  device: i.device ?? '', description: i.description ?? '',
  isFallbackAdapter: !!(i.isFallbackAdapter ?? a.isFallbackAdapter) } : { found: false }));
process.exit(0);`;

type Builtins = {
  getBuiltinModule?: (id: string) => unknown;
  execPath?: string;
  versions?: { node?: string };
};

let cached: ProbedAdapter | null | undefined;

const none = (reason: string): ProbedAdapter => ({
  found: false,
  reason,
  vendor: '',
  architecture: '',
  device: '',
  description: '',
  isFallbackAdapter: false,
});

/**
 * The adapter as a child process sees it, or null where no synchronous probe is possible
 * (browsers; Node < 20.16 without `process.getBuiltinModule`). Cached for the process.
 */
export function probeAdapter(): ProbedAdapter | null {
  if (cached === undefined) cached = runProbe();
  return cached;
}

/** The cached probe result without starting one (undefined: nobody asked yet). */
export const probedSoFar = (): ProbedAdapter | null | undefined => cached;

/**
 * The npm package that provides WebGPU in Node (Dawn). It is an optional dependency: installs
 * with `--omit=optional`, or on a platform without a prebuilt binary, have none. `spec` is
 * replaceable so tests can simulate the package missing.
 */
export const webgpuPackage = { spec: 'webgpu' };
export const WEBGPU_MISSING = "the optional package 'webgpu' is not installed: npm install webgpu";

/** File URL of the `webgpu` package's entry, or null when it is not installed (or not in Node). */
export function webgpuPackageUrl(): string | null {
  const proc = (globalThis as { process?: Builtins }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  const { createRequire } = proc.getBuiltinModule('node:module') as typeof import('node:module');
  const { pathToFileURL } = proc.getBuiltinModule('node:url') as typeof import('node:url');
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve(webgpuPackage.spec)).href;
  } catch {
    return null;
  }
}

function runProbe(): ProbedAdapter | null {
  const proc = (globalThis as { process?: Builtins }).process;
  if (typeof proc?.versions?.node !== 'string' || typeof proc.getBuiltinModule !== 'function') return null;
  const pkg = webgpuPackageUrl();
  if (pkg === null) return none(WEBGPU_MISSING);
  const fs = proc.getBuiltinModule('node:fs') as Fs;
  const missing = missingVulkanSync(fs);
  if (missing) return none(missing);
  const { spawnSync } = proc.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(proc.execPath ?? 'node', ['--input-type=module', '-e', CHILD, pkg], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const out = JSON.parse(r.stdout) as Partial<ProbedAdapter>;
    if (!out.found) return none('requestAdapter() returned null (no Vulkan/Metal/D3D12 driver?)');
    return { ...none(''), ...out, found: true };
  } catch {
    const why = r.error?.message ?? (r.stderr.trim().split('\n').pop() || `exit status ${r.status}`);
    return none(`the adapter probe failed: ${why}`);
  }
}
