import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIdx } from '../../../src/data/datasets/idx.js';
import {
  bundledMnist,
  loadMnistDir,
  parseDigitFile,
  type RawSplit,
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

describe('parseDigitFile', () => {
  const parse = (text: string, cap = 8) => {
    const out = new Float32Array(cap);
    const n = parseDigitFile(new TextEncoder().encode(text), 'd.json', out);
    return Array.from(out.subarray(0, Math.min(n, cap)));
  };
  it('reads plain decimals exactly as JSON.parse would, and falls back to it for other syntax', () => {
    const nums = '[0, 0.2,0.624,1,0.123456789012345,\n0.99]';
    expect(parse(`{ "data": ${nums} }`)).toEqual(Array.from(Float32Array.from(JSON.parse(nums))));
    expect(parse('{"data":[1e-3,-0.5,2E1]}')).toEqual([Math.fround(0.001), -0.5, 20]);
    expect(parse('{"data":[0.1234567890123456789]}')).toEqual([Math.fround(Number('0.1234567890123456789'))]);
  });
  it('counts values beyond the buffer and rejects broken files', () => {
    expect(parseDigitFile(new TextEncoder().encode('{"data":[1,2,3]}'), 'd.json', new Float32Array(2))).toBe(
      3,
    );
    expect(() => parse('{"data":[1,2')).toThrow(/^d\.json: not valid JSON/);
    expect(() => parse('{"pixels":[1]}x')).toThrow(/^d\.json: not valid JSON/);
    expect(() => parse('{"pixels":"1"}')).toThrow('d.json: expected {"data": [numbers]}');
  });
});
