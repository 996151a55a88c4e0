/**
 * The koffi FFI package, for the native libraries torchts reaches in Node (libmpi for
 * torch.distributed, a system BLAS for the CPU backend's products). Loaded on first use through
 * `process.getBuiltinModule` + createRequire, so importing torchts loads nothing native and a
 * browser bundle never sees it.
 */

/** The part of koffi's API torchts uses. */
export interface Koffi {
  load(
    path: string,
    opts?: { global?: boolean },
  ): {
    func(decl: string): (...args: unknown[]) => unknown;
    symbol(name: string): bigint;
  };
  view(ptr: bigint, len: number): ArrayBuffer;
}

type Proc = { getBuiltinModule?: (id: string) => unknown };

/** koffi, or a string saying why it cannot be loaded here (no Node >= 20.16, package missing). */
export function loadKoffi(): Koffi | string {
  const proc = (globalThis as { process?: Proc }).process;
  if (typeof proc?.getBuiltinModule !== 'function')
    return 'needs Node.js >= 20.16 (process.getBuiltinModule)';
  const { createRequire } = proc.getBuiltinModule('node:module') as typeof import('node:module');
  try {
    return createRequire(import.meta.url)('koffi') as Koffi;
  } catch (e) {
    return `the npm package 'koffi' could not be loaded: ${(e as Error).message.split('\n')[0]}`;
  }
}
