import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIdx } from '../../../src/data/datasets/idx.js';
import {
  BUNDLED_BYTE_TO_UNIT,
  BUNDLED_FILES,
  bundledMnist,
  fetchBundledMnist,
  loadMnistDir,
  type RawSplit,
  splitBundledIdx,
} from '../../../src/data/datasets/mnist-raw.js';

/** sha256 of the images as little-endian float32 followed by the labels as uint8 (mnist-split.md). */
function splitHash(s: RawSplit): string {
  return createHash('sha256')
    .update(new Uint8Array(s.images.buffer, s.images.byteOffset, s.images.byteLength))
    .update(Uint8Array.from(s.labels))
    .digest('hex')
    .slice(0, 16);
}
const classCounts = (labels: Int32Array) => {
  const c = new Array(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
};

describe('bundledMnist', () => {
  it('is the split of mnist-split.md, bit for bit', () => {
    const t0 = performance.now();
    const { train, test } = bundledMnist();
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5000); // measured ~0.1 s; a generous bound for slow CI
    expect([train.n, train.rows, train.cols, train.images.length, train.labels.length]).toEqual([
      8000,
      28,
      28,
      8000 * 784,
      8000,
    ]);
    expect([test.n, test.images.length, test.labels.length]).toEqual([2000, 2000 * 784, 2000]);
    expect(splitHash(train)).toBe('9e6296c89a328fb0');
    expect(splitHash(test)).toBe('f9531bdd6ad71c47');
    expect(classCounts(train.labels)).toEqual([819, 908, 792, 832, 760, 683, 810, 856, 756, 784]);
    expect(classCounts(test.labels)).toEqual([182, 219, 199, 200, 220, 180, 204, 214, 188, 194]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.images) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
  });

  it('is parsed once and cached', () => {
    expect(bundledMnist()).toBe(bundledMnist());
  });
});

describe('loadMnistDir', () => {
  let dir: string;
  // 3 tiny "MNIST" images: pixel (k, r, c) = (k * 7 + r + c) % 256, labels 3, 1, 4
  const n = 3;
  const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => (Math.floor(i / 784) * 7 + (i % 784)) % 256);
  const labels = Uint8Array.of(3, 1, 4);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'torchts-mnist-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fresh = (name: string) => {
    const d = path.join(dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  it('reads plain train files, scaling pixels to 0..1 as ToTensor does', async () => {
    const d = fresh('plain');
    writeFileSync(path.join(d, 'train-images-idx3-ubyte'), writeIdx([n, 28, 28], pixels));
    writeFileSync(path.join(d, 'train-labels-idx1-ubyte'), writeIdx([n], labels));
    const s = await loadMnistDir(d, 'train');
    expect([s.n, s.rows, s.cols]).toEqual([3, 28, 28]);
    expect(Array.from(s.labels)).toEqual([3, 1, 4]);
    expect(s.images).toBeInstanceOf(Float32Array);
    for (const i of [0, 1, 255, 784, 2 * 784 + 100])
      expect(s.images[i]).toBe(Math.fround(Math.fround(pixels[i]) / Math.fround(255)));
    expect(s.images[255]).toBe(1);
  });

  it('reads gzipped t10k files, the dotted spelling, and torchvision MNIST/raw layout', async () => {
    const d = fresh('gz');
    const raw = fresh('gz/MNIST/raw');
    writeFileSync(path.join(raw, 't10k-images.idx3-ubyte.gz'), gzipSync(writeIdx([n, 28, 28], pixels)));
    writeFileSync(path.join(raw, 't10k-labels.idx1-ubyte.gz'), gzipSync(writeIdx([n], labels)));
    const s = await loadMnistDir(d, 'test');
    expect(s.n).toBe(3);
    expect(Array.from(s.labels)).toEqual([3, 1, 4]);
    expect(s.images[784 + 10]).toBe(Math.fround(((7 + 10) % 256) / 255));
  });

  it('names what is missing or inconsistent', async () => {
    await expect(loadMnistDir(path.join(dir, 'nope'), 'train')).rejects.toThrow(
      /MNIST directory not found: .*nope/,
    );
    const d = fresh('partial');
    writeFileSync(path.join(d, 'train-images-idx3-ubyte'), writeIdx([n, 28, 28], pixels));
    await expect(loadMnistDir(d, 'train')).rejects.toThrow(
      /MNIST train labels not found in .*partial: expected one of train-labels-idx1-ubyte, /,
    );
    await expect(loadMnistDir(d, 'test')).rejects.toThrow(
      /MNIST test images not found .*t10k-images-idx3-ubyte/,
    );
    writeFileSync(path.join(d, 'train-labels-idx1-ubyte'), writeIdx([2], labels.subarray(0, 2)));
    await expect(loadMnistDir(d, 'train')).rejects.toThrow(
      /train-images-idx3-ubyte holds 3 images but .*train-labels-idx1-ubyte holds 2 labels/,
    );
    const e = fresh('shape');
    writeFileSync(path.join(e, 'train-images-idx3-ubyte'), writeIdx([n, 784], pixels));
    writeFileSync(path.join(e, 'train-labels-idx1-ubyte'), writeIdx([n], labels));
    await expect(loadMnistDir(e, 'train')).rejects.toThrow(
      /expected uint8 images \[n, 28, 28\], found uint8 \[3, 784\]/,
    );
    await expect(loadMnistDir(path.join(e, 'train-labels-idx1-ubyte'), 'train')).rejects.toThrow(/is a file/);
    await expect(loadMnistDir(e, 'val' as 'train')).rejects.toThrow(/split must be 'train' or 'test'/);
  });

  it('a --data-dir file with a bad gzip CRC fails, naming it', async () => {
    const d = fresh('crc');
    const gz = gzipSync(writeIdx([n, 28, 28], pixels));
    gz[gz.length - 5] ^= 0x80;
    writeFileSync(path.join(d, 'train-images-idx3-ubyte.gz'), gz);
    writeFileSync(path.join(d, 'train-labels-idx1-ubyte'), writeIdx([n], labels));
    await expect(loadMnistDir(d, 'train')).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: corrupt gzip data \(CRC-32 check failed/,
    );
  });

  it('names the file when an IDX file inside is corrupt', async () => {
    const d = fresh('corrupt');
    writeFileSync(
      path.join(d, 'train-images-idx3-ubyte.gz'),
      gzipSync(writeIdx([n, 28, 28], pixels)).slice(0, 50),
    );
    writeFileSync(path.join(d, 'train-labels-idx1-ubyte'), writeIdx([n], labels));
    await expect(loadMnistDir(d, 'train')).rejects.toThrow(/train-images-idx3-ubyte\.gz: corrupt gzip data/);
  });
});

describe('the bundled files', () => {
  const dir = path.join(import.meta.dirname, '..', '..', '..', 'data', 'mnist-10k');
  const images = readFileSync(path.join(dir, BUNDLED_FILES.images));
  const labels = readFileSync(path.join(dir, BUNDLED_FILES.labels));

  it('hold bytes that map to the mnist package values (k/255 rounded to 3 decimals)', () => {
    expect(BUNDLED_BYTE_TO_UNIT[0]).toBe(0);
    expect(BUNDLED_BYTE_TO_UNIT[255]).toBe(1);
    expect(BUNDLED_BYTE_TO_UNIT[159]).toBe(Math.fround(0.624)); // 159/255 = 0.62353 in 0.json
    for (let k = 0; k < 256; k++)
      expect(BUNDLED_BYTE_TO_UNIT[k]).toBe(Math.fround(Number((k / 255).toFixed(3))));
  });

  it('fetched as a browser does give the same split, bit for bit', async () => {
    const served = new Map([
      ['/i.gz', images],
      ['/l.gz', labels],
    ]);
    const fetchFn = async (u: string | URL) =>
      new Response(served.get(String(u)) ?? null, { status: served.has(String(u)) ? 200 : 404 });
    const { train, test } = await fetchBundledMnist({ images: '/i.gz', labels: '/l.gz' }, fetchFn);
    expect([splitHash(train), splitHash(test)]).toEqual(['9e6296c89a328fb0', 'f9531bdd6ad71c47']);
    await expect(fetchBundledMnist({ images: '/i.gz', labels: '/nope.gz' }, fetchFn)).rejects.toThrow(
      'fetchBundledMnist: HTTP 404  for /nope.gz',
    );
    // --- adopt: inflated by DecompressionStream, which checks the gzip trailer too ---
    const flipped = Buffer.from(images); // a copy
    flipped[flipped.length - 8] ^= 1; // a CRC byte
    served.set('/bad.gz', flipped);
    await expect(fetchBundledMnist({ images: '/bad.gz', labels: '/l.gz' }, fetchFn)).rejects.toThrow(
      /^\/bad\.gz: corrupt gzip data \(/,
    );
  });

  it('fail with a clear error when damaged instead of training on garbage', () => {
    const flipped = new Uint8Array(images); // a copy (Buffer#slice would share the bytes)
    flipped[flipped.length - 8] ^= 1; // a CRC byte: fflate alone would inflate it silently
    expect(() => splitBundledIdx(flipped, labels)).toThrow(
      /^images-idx3-ubyte\.gz: corrupt gzip data \(CRC-32 check failed: /,
    );
    // labels out of class order would be another split
    const swapped = Uint8Array.from(Array.from({ length: 10000 }, (_, i) => (i < 1001 ? 1 : 0)));
    expect(() => splitBundledIdx(images, writeIdx([10000], swapped))).toThrow(
      'labels-idx1-ubyte.gz: label 1 at 0, expected 0: not the bundled digits',
    );
    expect(() => splitBundledIdx(images, writeIdx([3], Uint8Array.of(0, 1, 2)))).toThrow(
      'labels-idx1-ubyte.gz: expected uint8 [10000], found uint8 [3]',
    );
  });
});
