/**
 * Whether Dawn could find a Vulkan driver on Linux, decided without loading Dawn.
 *
 * Dawn prints a native warning on stderr ("Couldn't load Vulkan: libvulkan.so.1 …") when the
 * Vulkan loader or every driver (ICD) is missing, and JS cannot silence it. A CPU-only machine
 * must stay quiet, so before creating Dawn's instance we look where the loader itself looks:
 * `libvulkan.so.1` in LD_LIBRARY_PATH, /etc/ld.so.cache or the default library directories, and
 * an ICD manifest in VK_ICD_FILENAMES / VK_DRIVER_FILES or the XDG search path of
 * https://github.com/KhronosGroup/Vulkan-Loader/blob/main/docs/LoaderDriverInterface.md
 * Returns '' when both are present, else why not (with the set-up hint).
 */

export type Fs = typeof import('node:fs');
type Env = Record<string, string | undefined>;

const HINT = "install one, e.g. `sudo bash scripts/webgpu-deps.sh` for Mesa's software driver";

function exists(fs: Fs, p: string): boolean {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
}

function hasLoader(fs: Fs, env: Env): boolean {
  const name = 'libvulkan.so.1';
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (dirs.some((d) => exists(fs, `${d}/${name}`))) return true;
  try {
    // The dynamic linker's cache lists every library ldconfig found, names as plain strings.
    if (fs.readFileSync('/etc/ld.so.cache').includes(name)) return true;
  } catch {
    // no cache (musl, minimal images): fall through to the default directories
  }
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  const defaults = [
    '/lib',
    '/usr/lib',
    '/lib64',
    '/usr/lib64',
    `/usr/lib/${arch}-linux-gnu`,
    `/lib/${arch}-linux-gnu`,
  ];
  return defaults.some((d) => exists(fs, `${d}/${name}`));
}

function hasIcd(fs: Fs, env: Env): boolean {
  const listed = [env.VK_DRIVER_FILES, env.VK_ICD_FILENAMES, env.VK_ADD_DRIVER_FILES]
    .filter((v): v is string => !!v)
    .flatMap((v) => v.split(':'))
    .filter(Boolean);
  // An explicit list replaces the search path (VK_ADD_DRIVER_FILES only adds to it).
  if (listed.some((p) => exists(fs, p))) return true;
  if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES) return false;
  const home = env.HOME ?? '';
  const config = [
    env.XDG_CONFIG_HOME || `${home}/.config`,
    ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'),
    '/etc',
  ];
  const data = [
    env.XDG_DATA_HOME || `${home}/.local/share`,
    ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':'),
  ];
  for (const base of [...config, ...data]) {
    try {
      if (fs.readdirSync(`${base}/vulkan/icd.d`).some((f) => f.endsWith('.json'))) return true;
    } catch {
      // directory absent
    }
  }
  return false;
}

/**
 * '' if a Vulkan loader and a driver are installed (or the platform is not Linux). `env` defaults to
 * the process's; tests pass their own to look at a machine without a driver.
 */
export function missingVulkanSync(fs: Fs, env: Env = process.env): string {
  if (process.platform !== 'linux') return '';
  if (!hasLoader(fs, env)) return `no Vulkan loader (libvulkan.so.1 not found); ${HINT}`;
  if (!hasIcd(fs, env)) return `no Vulkan driver (no ICD manifest found); ${HINT}`;
  return '';
}

/** As `missingVulkanSync`, loading node:fs itself (an async import keeps browser bundles clean). */
export async function missingVulkan(env: Env = process.env): Promise<string> {
  if (process.platform !== 'linux') return '';
  const spec = 'node:fs'; // a string specifier keeps browser bundles from resolving it
  return missingVulkanSync((await import(/* @vite-ignore */ spec)) as Fs, env);
}
