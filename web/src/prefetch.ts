/**
 * The bundled digits' download, started before anything else runs: main.ts imports this module
 * first and it imports nothing that evaluates (not torchts), so both requests are in flight while
 * the library initialises and WebGPU starts. digits.ts consumes the responses.
 */
import images from '../../data/mnist-10k/images-idx3-ubyte.gz?url';
import labels from '../../data/mnist-10k/labels-idx1-ubyte.gz?url';

/** The two files (2 MB of gzipped IDX), as URLs Vite serves (dev) or copies into the build. */
export const digitFiles = { images: new URL(images, location.href), labels: new URL(labels, location.href) };

const started = new Map<string, Promise<Response>>(
  Object.values(digitFiles).map((u) => [String(u), fetch(u)] as const),
);

/** The response of a prefetched URL (once), else a fresh fetch. */
export function prefetched(u: string | URL): Promise<Response> {
  const r = started.get(String(u));
  started.delete(String(u));
  return r ?? fetch(u);
}
