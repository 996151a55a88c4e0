// Node's file APIs for the dataset readers, loaded only under Node (the library's entry must hold
// no `node:*` import for browsers; see mnist-raw.ts), and packages loaded by Node's require.
const proc = (
  globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }
).process;
const node =
  typeof proc?.versions?.node === 'string' && typeof proc.getBuiltinModule === 'function'
    ? {
        fs: proc.getBuiltinModule('node:fs') as typeof import('node:fs'),
        path: proc.getBuiltinModule('node:path') as typeof import('node:path'),
        module: proc.getBuiltinModule('node:module') as typeof import('node:module'),
      }
    : null;

export function nodeOnly(what: string): NonNullable<typeof node> {
  if (!node) throw new Error(`${what} reads files and needs Node`);
  return node;
}

/** A CommonJS package by Node's resolution (from torchts, then NODE_PATH), or null if missing. */
export function optionalPackage<T>(name: string): T | null {
  const { module } = nodeOnly(`loading ${name}`);
  try {
    return module.createRequire(import.meta.url)(name) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
}
