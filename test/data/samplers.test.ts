/**
 * torch.utils.data: ConcatDataset, IterableDataset/ChainDataset through the DataLoader,
 * WeightedRandomSampler statistics with fixed seeds, BatchSampler, collateFn.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const {
  BatchSampler,
  ChainDataset,
  ConcatDataset,
  DataLoader,
  IterableDataset,
  SequentialSampler,
  SubsetRandomSampler,
  TensorDataset,
  WeightedRandomSampler,
} = torch.utils.data;

const arr = (t: torch.Tensor) => Array.from(t.toArraySync() as ArrayLike<number>);

class Range extends IterableDataset<number> {
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {
    super();
  }
  get length(): number {
    return this.hi - this.lo;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = this.lo; i < this.hi; i++) yield i;
  }
}

describe('ConcatDataset', () => {
  const a = new TensorDataset(torch.tensor([10, 11, 12]));
  const b = new TensorDataset(torch.tensor([20, 21]));
  it('indexes across datasets by cumulative sizes, negative from the end', () => {
    const c = new ConcatDataset([a, b]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([3, 5]);
    expect([0, 1, 2, 3, 4, -1, -5].map((i) => arr(c.getItem(i)[0] as torch.Tensor)[0])).toEqual([
      10, 11, 12, 20, 21, 21, 10,
    ]);
    expect(() => c.getItem(5)).toThrow(RangeError);
    const dl = new DataLoader(c, { batchSize: 2 });
    expect([...dl].map((batch) => arr((batch as torch.Tensor[])[0]))).toEqual([[10, 11], [12, 20], [21]]);
  });
  it('refuses an empty list and iterable datasets, as PyTorch', () => {
    expect(() => new ConcatDataset([])).toThrow(/should not be an empty iterable/);
    expect(() => new ConcatDataset([a, new Range(0, 2) as never])).toThrow(
      /does not support IterableDataset/,
    );
    expect(() => new (ConcatDataset as any)([a], 1)).toThrow(/^utils\.data\.ConcatDataset\(\): /);
  });
});

describe('IterableDataset and ChainDataset in a DataLoader', () => {
  it('batches the stream in order; dropLast drops the short tail; length from the dataset', () => {
    const ds = new Range(0, 7);
    const dl = new DataLoader(ds, { batchSize: 3 });
    expect([...dl].map(arr)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(dl.length).toBe(3);
    const dropped = new DataLoader(ds, { batchSize: 3, dropLast: true });
    expect([...dropped].map(arr)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(dropped.length).toBe(2);
    const none = new DataLoader(ds, { batchSize: null });
    expect([...none]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('refuses shuffle, sampler and batchSampler with PyTorch messages', () => {
    const ds = new Range(0, 4);
    expect(() => new DataLoader(ds, { shuffle: true })).toThrow(
      'DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true',
    );
    expect(() => new DataLoader(ds, { sampler: [0, 1] as never })).toThrow(
      /expected unspecified sampler option/,
    );
    expect(() => new DataLoader(ds, { batchSampler: [[0]] })).toThrow(/expected unspecified batch_sampler/);
    expect(() => new DataLoader(ds, { shuffle: false })).not.toThrow();
  });
  it('ChainDataset chains streams; its length is the sum', () => {
    const ch = new ChainDataset([new Range(0, 2), new Range(5, 8)]);
    expect([...ch]).toEqual([0, 1, 5, 6, 7]);
    expect(ch.length).toBe(5);
    expect([...new DataLoader(ch, { batchSize: 2 })].map(arr)).toEqual([[0, 1], [5, 6], [7]]);
    expect(() => new ChainDataset([new TensorDataset(torch.ones([2])) as never])).toThrow(
      /only supports IterableDataset/,
    );
  });
});

describe('WeightedRandomSampler', () => {
  it('draws with replacement in proportion to the weights, reproducibly from a seed', () => {
    const s = new WeightedRandomSampler([1, 0, 3, 6], 20000, true, new torch.Generator(0));
    const draw = [...s];
    expect(draw.length).toBe(20000);
    const freq = [0, 1, 2, 3].map((k) => draw.filter((i) => i === k).length / draw.length);
    expect(freq[1]).toBe(0);
    expect(Math.abs(freq[0] - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(freq[2] - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(freq[3] - 0.6)).toBeLessThan(0.015);
    const again = [...new WeightedRandomSampler([1, 0, 3, 6], 20000, { generator: new torch.Generator(0) })];
    expect(again).toEqual(draw);
    expect([...s]).not.toEqual(draw); // a fresh draw per epoch
    expect(new WeightedRandomSampler(torch.tensor([1, 2]), 5).length).toBe(5);
  });
  it('without replacement: distinct indices, drawn one by one in proportion to what is left', () => {
    const g = new torch.Generator(1);
    const perm = [...new WeightedRandomSampler([1, 1, 1, 1, 0], 4, false, g)];
    expect([...perm].sort()).toEqual([0, 1, 2, 3]);
    const s = new WeightedRandomSampler([1, 2, 7], 2, { replacement: false, generator: g });
    const n = 20000;
    const first = [0, 0, 0];
    const second = [0, 0, 0];
    for (let e = 0; e < n; e++) {
      const [p, q] = [...s];
      expect(p).not.toBe(q);
      first[p]++;
      second[q]++;
    }
    // P(first=k) = w_k/10; P(second=0) = 0.2 * 1/8 + 0.7 * 1/3 = 0.2583
    expect(Math.abs(first[0] / n - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(first[2] / n - 0.7)).toBeLessThan(0.015);
    expect(Math.abs(second[0] / n - (0.2 / 8 + 0.7 / 3))).toBeLessThan(0.015);
  });
  it('validates as PyTorch does', () => {
    expect(() => new WeightedRandomSampler([1, 2], 0)).toThrow(/num_samples should be a positive integer/);
    expect(() => new WeightedRandomSampler([1, 0], 2, false)).toThrow(/without replacement/);
    expect(() => new WeightedRandomSampler(torch.ones([2, 2]), 2)).toThrow(/1d sequence/);
    expect(() => new (WeightedRandomSampler as any)([1], 1, true, null, 0)).toThrow(
      /^utils\.data\.WeightedRandomSampler\(\): .*positional/,
    );
  });
});

describe('BatchSampler and SubsetRandomSampler', () => {
  it('BatchSampler groups indices; a DataLoader takes it as batchSampler', () => {
    const bs = new BatchSampler(new SequentialSampler({ length: 7 }), 3, false);
    expect([...bs]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(bs.length).toBe(3);
    const dropped = new BatchSampler(new SequentialSampler({ length: 7 }), { batchSize: 3, dropLast: true });
    expect([...dropped]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(dropped.length).toBe(2);
    const ds = new TensorDataset(torch.arange(10).mul(10));
    const dl = new DataLoader(ds, { batchSampler: bs });
    expect(dl.length).toBe(3);
    expect([...dl].map((b) => arr((b as torch.Tensor[])[0]))).toEqual([[0, 10, 20], [30, 40, 50], [60]]);
    expect(() => new BatchSampler([0, 1], 0, false)).toThrow(/batch_size should be a positive integer/);
  });
  it("RandomSampler binds PyTorch's parameters: replacement, numSamples, generator", () => {
    const { RandomSampler } = torch.utils.data;
    const src = { length: 4 };
    const a = [...new RandomSampler(src, { generator: new torch.Generator(2) })];
    expect([...a].sort()).toEqual([0, 1, 2, 3]);
    expect([...new RandomSampler(src, new torch.Generator(2))]).toEqual(a); // generator second, as before
    const long = [...new RandomSampler(src, false, 10, new torch.Generator(3))];
    expect(long.length).toBe(10);
    expect([...long.slice(0, 4)].sort()).toEqual([0, 1, 2, 3]); // whole permutations first
    expect([...long.slice(4, 8)].sort()).toEqual([0, 1, 2, 3]);
    const rep = [
      ...new RandomSampler(
        { length: 3 },
        { replacement: true, numSamples: 3000, generator: new torch.Generator(4) },
      ),
    ];
    expect(rep.length).toBe(3000);
    for (const k of [0, 1, 2])
      expect(Math.abs(rep.filter((i) => i === k).length / 3000 - 1 / 3)).toBeLessThan(0.04);
    expect(() => new RandomSampler(src, { numSamples: 0 })).toThrow(
      /num_samples should be a positive integer/,
    );
  });
  it('SubsetRandomSampler permutes exactly the given indices, seeded', () => {
    const s = new SubsetRandomSampler([3, 5, 7, 9], new torch.Generator(4));
    const a = [...s];
    expect([...a].sort()).toEqual([3, 5, 7, 9]);
    expect([...new SubsetRandomSampler([3, 5, 7, 9], new torch.Generator(4))]).toEqual(a);
  });
});

describe('collateFn and the default collate', () => {
  it('stacks tensors, makes numbers a tensor, recurses into objects and arrays, keeps strings', () => {
    class Dicts extends torch.utils.data.Dataset<{ x: torch.Tensor; y: number; pair: [number, string] }> {
      get length() {
        return 3;
      }
      getItem(i: number) {
        return { x: torch.tensor([i, i + 0.5]), y: i * 2, pair: [i, `s${i}`] as [number, string] };
      }
    }
    const [b] = [...new DataLoader(new Dicts(), { batchSize: 3 })] as {
      x: torch.Tensor;
      y: torch.Tensor;
      pair: [torch.Tensor, string[]];
    }[];
    expect(b.x.shape).toEqual([3, 2]);
    expect(arr(b.x)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(arr(b.y)).toEqual([0, 2, 4]);
    expect(arr(b.pair[0])).toEqual([0, 1, 2]);
    expect(b.pair[1]).toEqual(['s0', 's1', 's2']);
    const custom = new DataLoader(new Dicts(), {
      batchSize: 2,
      collateFn: (items) => items.map((it) => it.y),
    });
    expect([...custom]).toEqual([[0, 2], [4]]);
  });
});
