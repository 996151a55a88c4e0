// Node's file APIs for the dataset readers, loaded only under Node: the readers are part of the
// library's entry (through torch.datasets), and a browser bundle must contain no `node:*` import.
// `getBuiltinModule` (Node >= 20.16) loads them synchronously, so bundledMnist() stays synchronous
// without a top-level await (which would make `require('torchts')` fail with
// ERR_REQUIRE_ASYNC_MODULE). Also packages loaded by Node's require.
const proc = (
  globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }
).process;
const node =
  typeof proc?.versions?.node === 'string' && typeof proc.getBuiltinModule === 'function'
    ? {
        fs: proc.getBuiltinModule('node:fs') as typeof import('node:fs'),
        fsp: proc.getBuiltinModule('node:fs/promises') as typeof import('node:fs/promises'),
        path: proc.getBuiltinModule('node:path') as typeof import('node:path'),
        zlib: proc.getBuiltinModule('node:zlib') as typeof import('node:zlib'),
        module: proc.getBuiltinModule('node:module') as typeof import('node:module'),
      }
    : null;

/** Node's modules, or an error saying that `what` needs Node (and `hint`, what to do instead). */
export function nodeOnly(what: string, hint = ''): NonNullable<typeof node> {
  if (!node) throw new Error(`${what} reads files and needs Node${hint}`);
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
