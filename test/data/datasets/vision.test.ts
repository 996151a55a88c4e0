/**
 * FashionMNIST / KMNIST / MNIST(root) with transforms, CIFAR10's binary format and ImageFolder,
 * against files each test writes into a temp directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { ImageData } from '../../../src/data/transforms.js';
import * as torch from '../../../src/index.js';

const { datasets, transforms } = torch;
const arr = (t: torch.Tensor) => Array.from(t.toArraySync() as ArrayLike<number>);
const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `torchts-${name}-`));

/** n 28x28 images whose pixel p of image i is (i * 7 + p) % 256, labels (i * 3) % 10. */
function writeMnistLike(dir: string, prefix: 'train' | 't10k', n: number): void {
  const pixels = Uint8Array.from({ length: n * 784 }, (_, k) => (Math.floor(k / 784) * 7 + (k % 784)) % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => (i * 3) % 10);
  writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), datasets.writeIdx([n, 28, 28], pixels));
  writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), datasets.writeIdx([n], labels));
}

describe('MNIST-format datasets from root', () => {
  it('FashionMNIST reads root/FashionMNIST/raw; transform gets a uint8 image, targetTransform a number', () => {
    const root = tmp('fashion');
    const raw = path.join(root, 'FashionMNIST', 'raw');
    mkdirSync(raw, { recursive: true });
    writeMnistLike(raw, 't10k', 5);
    const seen: ImageData[] = [];
    const ds = new datasets.FashionMNIST(root, {
      train: false,
      transform: new transforms.Compose([
        new transforms.Lambda((im: ImageData) => {
          seen.push(im);
          return im;
        }),
        new transforms.ToTensor(),
        new transforms.Normalize([0.5], [0.5]),
      ]),
      targetTransform: (y: number) => y + 100,
    });
    expect(ds.length).toBe(5);
    expect(ds.classes[9]).toBe('Ankle boot');
    const [x, y] = ds.getItem(2) as unknown as [torch.Tensor, number];
    expect(y).toBe(106);
    expect([seen[0].width, seen[0].height, seen[0].channels]).toEqual([28, 28, 1]);
    expect(Array.from(seen[0].data.subarray(0, 3))).toEqual([14, 15, 16]);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(arr(x).slice(0, 2)).toEqual([14 / 255 / 0.5 - 1, 15 / 255 / 0.5 - 1].map(Math.fround));
    const [bx, by] = [...new torch.utils.data.DataLoader(ds, { batchSize: 4 })][0] as torch.Tensor[];
    expect(bx.shape).toEqual([4, 1, 28, 28]);
    expect(arr(by)).toEqual([100, 103, 106, 109]);
    expect(() => new datasets.FashionMNIST(root, { download: true })).toThrow(
      /does not download; put train-images-idx3-ubyte/,
    );
    expect(() => new datasets.FashionMNIST(root)).toThrow(/FashionMNIST train images not found/);
  });
  it('KMNIST and MNIST read root itself; without transforms items are as before (tensors)', () => {
    const root = tmp('kmnist');
    writeMnistLike(root, 'train', 3);
    const k = new datasets.KMNIST(root, true);
    expect(k.classes[0]).toBe('o');
    const [x, y] = k.getItem(1);
    expect(arr(y)).toEqual([3]);
    expect(arr(x).slice(0, 2)).toEqual([7 / 255, 8 / 255].map(Math.fround));
    const m = new datasets.MNIST(root, { transform: new transforms.ToTensor() });
    expect(arr(m.getItem(1)[0]).slice(0, 2)).toEqual(arr(x).slice(0, 2));
    expect(() => new (datasets.KMNIST as any)(root, true, null, null, false, 1)).toThrow(
      /^datasets\.KMNIST\(\): /,
    );
  });
});

describe('CIFAR10 (binary version)', () => {
  /** n records: label (i % 10), red plane = i, green = pixel index % 256, blue = 255 - i. */
  function batch(n: number, first: number): Uint8Array {
    const b = new Uint8Array(n * 3073);
    for (let r = 0; r < n; r++) {
      const i = first + r;
      b[r * 3073] = i % 10;
      for (let p = 0; p < 1024; p++) {
        b[r * 3073 + 1 + p] = i;
        b[r * 3073 + 1 + 1024 + p] = p % 256;
        b[r * 3073 + 1 + 2048 + p] = 255 - i;
      }
    }
    return b;
  }
  it('reads the five training batches in order into HWC images; ToTensor gives CHW', () => {
    const root = tmp('cifar');
    const dir = path.join(root, 'cifar-10-batches-bin');
    mkdirSync(dir);
    for (let f = 1; f <= 5; f++) writeFileSync(path.join(dir, `data_batch_${f}.bin`), batch(2, (f - 1) * 2));
    writeFileSync(path.join(dir, 'test_batch.bin'), batch(3, 50));
    const train = new datasets.CIFAR10(root);
    expect(train.length).toBe(10);
    expect(train.targets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [img, label] = train.getItem(7) as [ImageData, number];
    expect(label).toBe(7);
    expect([img.width, img.height, img.channels]).toEqual([32, 32, 3]);
    expect(Array.from(img.data.subarray(3 * 33, 3 * 33 + 3))).toEqual([7, 33, 248]); // pixel (1, 1)
    const test = new datasets.CIFAR10(root, false, new transforms.ToTensor());
    expect(test.length).toBe(3);
    const [t, l] = test.getItem(1) as [torch.Tensor, number];
    expect(l).toBe(1);
    expect(t.shape).toEqual([3, 32, 32]);
    expect(arr(t.select(0, 0).select(0, 0)).slice(0, 1)).toEqual([Math.fround(51 / 255)]);
    expect(arr(t.select(0, 1).select(0, 1)).slice(0, 2)).toEqual([32 / 255, 33 / 255].map(Math.fround));
  });
  it('refuses the pickle version, download, and a truncated file, clearly', () => {
    const root = tmp('cifar-py');
    mkdirSync(path.join(root, 'cifar-10-batches-py'));
    expect(() => new datasets.CIFAR10(root)).toThrow(/python \(pickle\) version/);
    expect(() => new datasets.CIFAR10(root, { download: true })).toThrow(/does not download/);
    const bad = tmp('cifar-bad');
    for (let f = 1; f <= 5; f++)
      writeFileSync(path.join(bad, `data_batch_${f}.bin`), batch(1, 0).subarray(0, 3000));
    expect(() => new datasets.CIFAR10(bad)).toThrow(/not a whole number of 3073-byte records/);
  });
});

const JPEG_8x8 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD53ooornP9MD//2Q==';
let jpegAvailable = true;
try {
  createRequire(import.meta.url)('jpeg-js');
} catch {
  jpegAvailable = false;
}

function png(w: number, h: number, rgba: number[]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let k = 0; k < w * h; k++) for (let c = 0; c < 4; c++) p.data[k * 4 + c] = rgba[c] + k;
  return PNG.sync.write(p);
}

describe('ImageFolder', () => {
  const root = tmp('folder');
  mkdirSync(path.join(root, 'dog', 'sub'), { recursive: true });
  mkdirSync(path.join(root, 'cat'));
  writeFileSync(path.join(root, 'dog', 'b.png'), png(2, 1, [10, 20, 30, 128]));
  writeFileSync(path.join(root, 'dog', 'sub', 'a.png'), png(1, 1, [1, 2, 3, 255]));
  writeFileSync(path.join(root, 'dog', 'notes.txt'), 'not an image');
  writeFileSync(path.join(root, 'cat', 'c.png'), png(3, 2, [100, 0, 50, 255]));
  it('classes are the sorted folders; samples sorted per class; PNG decoded to RGB', () => {
    const ds = new datasets.ImageFolder(root);
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.classToIdx).toEqual({ cat: 0, dog: 1 });
    expect(ds.samples.map(([p, c]) => [path.relative(root, p), c])).toEqual([
      [path.join('cat', 'c.png'), 0],
      [path.join('dog', 'b.png'), 1],
      [path.join('dog', 'sub', 'a.png'), 1],
    ]);
    const [img, y] = ds.getItem(1) as [ImageData, number];
    expect(y).toBe(1);
    expect([img.width, img.height, img.channels]).toEqual([2, 1, 3]);
    expect(Array.from(img.data)).toEqual([10, 20, 30, 11, 21, 31]); // alpha dropped
    const t = new datasets.ImageFolder(
      root,
      new transforms.Compose([new transforms.Resize([1, 1]), new transforms.ToTensor()]),
    );
    expect(arr(t.getItem(2)[0] as torch.Tensor)).toEqual([1, 2, 3].map((v) => Math.fround(v / 255)));
  });
  it('an empty class is refused unless allowEmpty; isValidFile and loader are honoured', () => {
    mkdirSync(path.join(root, 'eel'));
    expect(() => new datasets.ImageFolder(root)).toThrow(/Found no valid file for the classes eel/);
    expect(new datasets.ImageFolder(root, { allowEmpty: true }).classes).toEqual(['cat', 'dog', 'eel']);
    const only = new datasets.ImageFolder(root, {
      isValidFile: (p: string) => p.endsWith('.txt'),
      loader: (p: string) => path.basename(p),
      allowEmpty: true,
    });
    expect(only.samples.length).toBe(1);
    expect(only.getItem(0)).toEqual(['notes.txt', 1]);
  });
  it.skipIf(!jpegAvailable)('JPEG through jpeg-js (a file written by PIL, quality 95)', () => {
    const jroot = tmp('jpeg');
    mkdirSync(path.join(jroot, 'red'));
    writeFileSync(path.join(jroot, 'red', 'x.jpg'), Buffer.from(JPEG_8x8, 'base64'));
    const [img] = new datasets.ImageFolder(jroot).getItem(0) as [ImageData, number];
    expect([img.width, img.height, img.channels]).toEqual([8, 8, 3]);
    for (let p = 0; p < 64; p++) {
      expect(Math.abs(img.data[p * 3] - 200)).toBeLessThanOrEqual(3);
      expect(Math.abs(img.data[p * 3 + 1] - 40)).toBeLessThanOrEqual(3);
      expect(Math.abs(img.data[p * 3 + 2] - 90)).toBeLessThanOrEqual(3);
    }
  });
});
