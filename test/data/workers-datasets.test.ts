/**
 * DataLoader numWorkers > 0 with the built-in datasets and transforms: workers rebuild them from
 * their constructor arguments (transforms, wrapped datasets and tensors included), batches equal
 * numWorkers: 0's, random transforms repeat per seed, and a closure (Lambda) is refused clearly.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { DataLoader, TensorDataset, Subset, ConcatDataset, workerFunction } = torch.utils.data;
const { datasets, transforms: T } = torch;
type Loader = AsyncIterable<unknown>;

/** Every batch as plain arrays: [values of each tensor in the batch]. */
async function collect(dl: Loader, epochs = 1): Promise<number[][][]> {
  const out: number[][][] = [];
  for (let e = 0; e < epochs; e++)
    for await (const b of dl)
      out.push((b as torch.Tensor[]).map((t) => Array.from(t.toArraySync() as ArrayLike<number>, Number)));
  return out;
}
const norm = () => new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `torchts-${name}-`));

describe('DataLoader numWorkers > 0 with the built-in datasets', () => {
  it('bundled MNIST with Compose([ToTensor, Normalize]): the batches of numWorkers: 0', {
    timeout: 60_000,
  }, async () => {
    const mnist = new datasets.MNIST({ train: false, limit: 40, transform: norm() });
    const ref = await collect(new DataLoader(mnist, { batchSize: 16 }));
    const got = await collect(new DataLoader(mnist, { batchSize: 16, numWorkers: 2 }));
    expect(got.length).toBe(3);
    expect(got).toEqual(ref);
    // normalized: pixel 0 of image 0 is (0 - 0.1307) / 0.3081
    expect(got[0][0][0]).toBeCloseTo(-0.1307 / 0.3081, 5);
  });

  it('shuffled with a seed, two epochs: FashionMNIST from IDX files, MNIST.fromDir, Subset, TensorDataset, ConcatDataset', {
    timeout: 60_000,
  }, async () => {
    const root = tmp('workers-fashion');
    const n = 12;
    const pixels = Uint8Array.from(
      { length: n * 784 },
      (_, k) => (Math.floor(k / 784) * 7 + (k % 784)) % 256,
    );
    writeFileSync(path.join(root, 'train-images-idx3-ubyte'), datasets.writeIdx([n, 28, 28], pixels));
    const labels = Uint8Array.from({ length: n }, (_, i) => (i * 3) % 10);
    writeFileSync(path.join(root, 'train-labels-idx1-ubyte'), datasets.writeIdx([n], labels));
    // a Lambda's function crosses as a workerFunction (imported by the workers; sync here once ready)
    const affine = workerFunction(new URL('./fixtures/transforms.ts', import.meta.url), 'affine');
    await affine.ready;
    const transform = new T.Compose([norm(), new T.Lambda(affine)]);
    const fashion = new datasets.FashionMNIST(root, { train: true, transform });
    const tensors = new TensorDataset(torch.randn(10, 1, 28, 28), torch.arange(10));
    // MNIST.fromDir's dataset: the workers read the files again
    const fromDir = await datasets.MNIST.fromDir(root, { limit: 3, transform: norm() });
    const ds = new ConcatDataset([new Subset(fashion, [11, 3, 5, 7, 0]), tensors, fromDir]);
    const opts = { batchSize: 4, shuffle: true };
    const ref = await collect(new DataLoader(ds, { ...opts, generator: new torch.Generator(7) }), 2);
    const dl = new DataLoader(ds, {
      ...opts,
      generator: new torch.Generator(7),
      numWorkers: 2,
      persistentWorkers: true,
    });
    try {
      const got = await collect(dl, 2);
      expect(got.length).toBe(10);
      expect(got).toEqual(ref);
      expect(got.slice(0, 5)).not.toEqual(got.slice(5)); // the second epoch is shuffled anew
      // image 0 of FashionMNIST: pixel p is p % 256, normalized, then * 2 + 1
      const img0 = fashion.getItem(0)[0] as torch.Tensor;
      expect((img0.toArraySync() as Float32Array)[5]).toBeCloseTo(((5 / 255 - 0.1307) / 0.3081) * 2 + 1, 5);
    } finally {
      await dl.shutdown();
    }
  });

  it('CIFAR10 and ImageFolder with Resize/CenterCrop/ToTensor; random transforms repeat per seed', {
    timeout: 90_000,
  }, async () => {
    const root = tmp('workers-cifar');
    const dir = path.join(root, 'cifar-10-batches-bin');
    mkdirSync(dir);
    const rec = (i: number) =>
      Uint8Array.from({ length: 3073 }, (_, k) => (k === 0 ? i % 10 : (i * 5 + k) % 256));
    for (let f = 1; f <= 5; f++) writeFileSync(path.join(dir, `data_batch_${f}.bin`), rec(f));
    writeFileSync(path.join(dir, 'test_batch.bin'), rec(0));
    const folder = tmp('workers-folder');
    for (const [c, w] of [
      ['cat', 40],
      ['dog', 36],
    ] as const) {
      mkdirSync(path.join(folder, c));
      const p = new PNG({ width: w, height: 34 });
      for (let k = 0; k < p.data.length; k++) p.data[k] = (k * 13 + w) % 256;
      writeFileSync(path.join(folder, c, 'a.png'), PNG.sync.write(p));
    }
    const tf = (random: boolean) =>
      new T.Compose([
        new T.Resize(33),
        new T.CenterCrop(32),
        ...(random
          ? [new T.RandomCrop(32, { padding: 4 }), new T.RandomHorizontalFlip(), new T.ColorJitter(0.5, 0.5)]
          : []),
        new T.ToTensor(),
      ]);
    const make = (random: boolean) =>
      new ConcatDataset([
        new datasets.CIFAR10(root, { train: true, transform: tf(random) }),
        new datasets.ImageFolder(folder, { transform: tf(random) }),
      ]);
    const ref = await collect(new DataLoader(make(false), { batchSize: 3 }));
    const got = await collect(new DataLoader(make(false), { batchSize: 3, numWorkers: 1 }));
    expect(got.length).toBe(3);
    expect(got).toEqual(ref);
    // two epochs, unshuffled, workers started anew each epoch: the epoch offsets the workers' seeds
    const run = (seed: number) =>
      collect(
        new DataLoader(make(true), { batchSize: 7, numWorkers: 1, generator: new torch.Generator(seed) }),
        2,
      );
    const [a, b] = [await run(1), await run(1)];
    expect(a).toEqual(b);
    expect(a[0][0]).not.toEqual(a[1][0]);
    expect(a[0][0]).not.toEqual(ref.flatMap((x) => x[0])); // the random transforms did something
  });

  it('refuses a Lambda or a user function with how to fix it; a workerFunction must exist', async () => {
    const bad = new datasets.MNIST({
      limit: 4,
      transform: new T.Compose([new T.ToTensor(), new T.Lambda((x: torch.Tensor) => x.mul(2))]),
    });
    expect(() => new DataLoader(bad, { numWorkers: 2 })).toThrow(
      /Lambda.*is a function.*cannot be sent to a thread.*workerFunction\(moduleUrl, 'exportName'\)/s,
    );
    const closure = new datasets.MNIST({ limit: 4, targetTransform: (y: number) => y + 1 });
    expect(() => new DataLoader(closure, { numWorkers: 1 })).toThrow(/targetTransform is a function/);
    class Mine extends T.ToTensor {}
    const sub = new datasets.MNIST({ limit: 4, transform: new Mine() });
    expect(() => new DataLoader(sub, { numWorkers: 1 })).toThrow(/is a function \(Mine\)/);
    const missing = workerFunction(new URL('./fixtures/transforms.ts', import.meta.url), 'nope');
    await expect(missing.ready).rejects.toThrow(/has no exported function 'nope'/);
    const gpuless = new TensorDataset(torch.zeros(4, 2));
    expect(() => new DataLoader(gpuless, { numWorkers: 2 })).not.toThrow();
  });
});
