import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { DataLoader, TensorDataset, randomSplit, defaultCollate } = torch.utils.data;

describe('DataLoader', () => {
  const x = torch.arange(10).float().reshape([10, 1]);
  const y = torch.arange(10);
  const ds = new TensorDataset(x, y);

  it('batches in order without shuffle, keeps the last partial batch', () => {
    const batches = [...new DataLoader(ds, { batchSize: 4 })];
    expect(batches.map(([a]) => a.shape[0])).toEqual([4, 4, 2]);
    expect(Array.from(batches[1][1].toArraySync())).toEqual([4, 5, 6, 7]);
    expect(new DataLoader(ds, { batchSize: 4 }).length).toBe(3);
  });

  it('dropLast drops the partial batch', () => {
    const dl = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect([...dl].length).toBe(2);
    expect(dl.length).toBe(2);
  });

  it('shuffles with a seeded generator: a permutation, reproducible, different per epoch', () => {
    const order = (g: torch.Generator): number[][] => {
      const dl = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: g });
      const epoch = (): number[] => [...dl].flatMap(([, b]) => Array.from(b.toArraySync()));
      return [epoch(), epoch()];
    };
    const [a1, a2] = order(new torch.Generator(7));
    const [b1] = order(new torch.Generator(7));
    expect([...a1].sort((p: number, q: number) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a1).toEqual(b1);
    expect(a1).not.toEqual(a2);
    // items stay paired with their labels
    const dl = new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator(1) });
    for (const [xb, yb] of dl)
      expect(Array.from(xb.reshape([-1]).toArraySync())).toEqual(Array.from(yb.toArraySync()));
  });

  it('iterates with for await', async () => {
    let n = 0;
    for await (const [xb] of new DataLoader(ds, { batchSize: 5 })) n += xb.shape[0];
    expect(n).toBe(10);
  });

  it('default collate stacks tensors and numbers, recursing into arrays and objects', () => {
    const items = [
      { a: torch.tensor([1, 2]), b: 3 },
      { a: torch.tensor([4, 5]), b: 6 },
    ];
    const out = defaultCollate(items);
    expect(out.a.shape).toEqual([2, 2]);
    expect(Array.from(out.b.toArraySync())).toEqual([3, 6]);
    const viaItems = [...new DataLoader(ds, { batchSize: 4, collateFn: (it) => defaultCollate(it) })];
    expect(viaItems[0][0].shape).toEqual([4, 1]);
  });

  it('rejects bad options', () => {
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/positive integer/);
    expect(() => new TensorDataset(x, torch.arange(3))).toThrow(/Size mismatch/);
  });
});

describe('randomSplit', () => {
  it('splits by counts and fractions into disjoint subsets', () => {
    const ds = new TensorDataset(torch.arange(10));
    const [a, b] = randomSplit(ds, [7, 3], { generator: new torch.Generator(0) });
    expect([a.length, b.length]).toEqual([7, 3]);
    const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(randomSplit(ds, [0.5, 0.5]).map((s) => s.length)).toEqual([5, 5]);
    expect(() => randomSplit(ds, [3, 3])).toThrow(/does not equal/);
  });
});

describe('datasets.MNIST', () => {
  it('bundled split: 8000 / 2000 items, [1, 28, 28] images in [0, 1], labels 0..9', () => {
    const train = new torch.datasets.MNIST({ train: true });
    const test = new torch.datasets.MNIST({ train: false });
    expect(train.length).toBe(8000);
    expect(test.length).toBe(2000);
    const [img, label] = train.getItem(0);
    expect(img.shape).toEqual([1, 28, 28]);
    const px = img.toArraySync();
    expect(Math.min(...px)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...px)).toBeLessThanOrEqual(1);
    expect(label.itemSync()).toBeGreaterThanOrEqual(0);
    const counts = new Array(10).fill(0);
    for (const v of train.targets.toArraySync()) counts[v]++;
    expect(counts).toEqual([819, 908, 792, 832, 760, 683, 810, 856, 756, 784]);
  });

  it('flatten and limit; a batch through the loader is one gather', () => {
    const ds = new torch.datasets.MNIST({ train: false, flatten: true, limit: 100 });
    const [xb, yb] = [...new torch.utils.data.DataLoader(ds, { batchSize: 64 })][0];
    expect(xb.shape).toEqual([64, 784]);
    expect(yb.dtype).toBe('int32');
    expect(Array.from(xb.select(0, 3).toArraySync())).toEqual(Array.from(ds.data.select(0, 3).toArraySync()));
  });
});
