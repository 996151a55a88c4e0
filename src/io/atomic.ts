/**
 * Atomic file replacement (Node): the bytes go to a temporary file in the target's directory,
 * are flushed to disk, and only then renamed over the target. A failure at any point (an
 * exception, a full disk, a killed process, a directory where the file should be) leaves the
 * previous file as it was; the temporary file is removed on every error that JS sees.
 *
 * `node:fs/promises` is imported on first use, as in index.ts, so browser bundles never see it.
 */
const nodeFs = (): Promise<typeof import('node:fs/promises')> => {
  const spec = 'node:fs/promises';
  return import(/* @vite-ignore */ spec);
};

let counter = 0;

/** Writes `data` to `path` atomically: readers see the old file or the new one, never a mix. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const fs = await nodeFs();
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = path.slice(0, cut + 1);
  const base = path.slice(cut + 1);
  // Same directory, so the rename never crosses a file system; pid + counter keep concurrent
  // writers (two processes, or two saves in flight in one) from sharing a temporary file.
  const pid = typeof process === 'object' ? process.pid : 0;
  const tmp = `${dir}.${base}.${pid}.${counter++}.tmp`;
  let fh: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    fh = await fs.open(tmp, 'wx');
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fs.rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}
