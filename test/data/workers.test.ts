/**
 * DataLoader numWorkers > 0 (data/workers.ts): worker threads build the dataset from its
 * workerSource() (built-in datasets: workers-datasets.test.ts), batches arrive in the sampler's order and equal numWorkers: 0's, per-worker seeds
 * make random items repeat for a given generator seed, workerInitFn / persistentWorkers /
 * collateFn, the refusals, and that loading overlaps compute (logged; the figure is in docs).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { type Item, SlowDataset } from './fixtures/slow-dataset.js';

const { DataLoader, workerFunction } = torch.utils.data;
type Batch = { x: torch.Tensor; worker: torch.Tensor; init: torch.Tensor };

async function collect(dl: InstanceType<typeof DataLoader<Item, Batch>>) {
  const out: { x: number[]; worker: number[]; init: number[] }[] = [];
  for await (const b of dl)
    out.push({
      x: Array.from(b.x.toArraySync() as Float32Array),
      worker: Array.from(b.worker.toArraySync() as Int32Array),
      init: Array.from(b.init.toArraySync() as Int32Array),
    });
  return out;
}
const busy = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

describe('DataLoader with numWorkers > 0', () => {
  it('gives numWorkers: 0 batches, in order, batch i from worker i % numWorkers', {
    timeout: 60_000,
  }, async () => {
    const ds = new SlowDataset(11);
    const opts = { batchSize: 3, shuffle: true };
    const ref = await collect(new DataLoader(ds, { ...opts, generator: new torch.Generator(3) }));
    const got = await collect(
      new DataLoader(ds, { ...opts, generator: new torch.Generator(3), numWorkers: 2 }),
    );
    expect(got.map((b) => b.x)).toEqual(ref.map((b) => b.x));
    expect(ref[0].worker).toEqual([-1, -1, -1]);
    expect(got.map((b) => b.worker[0])).toEqual([0, 1, 0, 1]);
    expect(got[3].x.length).toBe(2 * 4); // the last, short batch
  });

  it('seeds each worker from the generator: random items repeat per seed', { timeout: 60_000 }, async () => {
    const ds = new SlowDataset(8, 0, true);
    const run = (seed: number) =>
      collect(new DataLoader(ds, { batchSize: 2, numWorkers: 2, generator: new torch.Generator(seed) }));
    const [a, b] = [await run(5), await run(5)];
    expect(a.map((x) => x.x)).toEqual(b.map((x) => x.x));
    // the two workers draw different streams (batch 0 from worker 0, batch 1 from worker 1)
    const frac = (v: number[]) => v.map((t) => t - Math.floor(t));
    expect(frac(a[0].x)).not.toEqual(frac(a[1].x));
  });

  it('runs workerInitFn in each worker; persistentWorkers keeps the threads; collateFn runs here', {
    timeout: 60_000,
  }, async () => {
    const ds = new SlowDataset(6);
    const initFn = workerFunction(new URL('./fixtures/slow-dataset.ts', import.meta.url), 'initWorker');
    const dl = new DataLoader(ds, {
      batchSize: 2,
      numWorkers: 2,
      workerInitFn: initFn,
      persistentWorkers: true,
    });
    const e1 = await collect(dl);
    expect(e1.map((b) => b.init[0])).toEqual([0, 1, 0]);
    const pool = (dl as unknown as { pool: unknown }).pool;
    expect(pool).not.toBeNull();
    expect(await collect(dl)).toEqual(e1);
    expect((dl as unknown as { pool: unknown }).pool).toBe(pool);
    await dl.shutdown();
    const seen: number[] = [];
    const custom = new DataLoader(ds, {
      batchSize: 4,
      numWorkers: 1,
      prefetchFactor: 1,
      collateFn: (items: Item[]) => {
        seen.push(items.length);
        return items.map((it) => it.worker);
      },
    });
    const batches: number[][] = [];
    for await (const b of custom) batches.push(b as number[]);
    expect(batches).toEqual([
      [0, 0, 0, 0],
      [0, 0],
    ]);
    expect(seen).toEqual([4, 2]);
  });

  it('refuses what cannot go to a worker, and sync iteration', () => {
    class Plain extends torch.utils.data.Dataset<number> {
      length = 4;
      getItem(i: number) {
        return i;
      }
    }
    expect(() => new DataLoader(new Plain(), { numWorkers: 2 })).toThrow(
      /the dataset is a Plain, which cannot be sent to a thread.*workerSource\(\)/,
    );
    expect(
      () => new DataLoader(new SlowDataset(4), { numWorkers: 2, workerInitFn: (() => {}) as never }),
    ).toThrow(/workerFunction/);
    expect(() => new DataLoader(new SlowDataset(4), { prefetchFactor: 2 })).toThrow(/prefetch_factor/);
    expect(() => new DataLoader(new SlowDataset(4), { persistentWorkers: true })).toThrow(/num_workers > 0/);
    expect(() => [...new DataLoader(new SlowDataset(4), { numWorkers: 1 })]).toThrow(/for await/);
  });

  it('overlaps loading with compute', { timeout: 60_000 }, async () => {
    // 8 batches of 2 items that take 15 ms each to load; 30 ms of main-thread compute per batch.
    const ds = new SlowDataset(16, 15);
    const epoch = async (dl: InstanceType<typeof DataLoader<Item, Batch>>) => {
      const t = performance.now();
      for await (const _ of dl) busy(30);
      return performance.now() - t;
    };
    const t0 = await epoch(new DataLoader(ds, { batchSize: 2 }));
    const dl = new DataLoader(ds, { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    await epoch(dl); // starts the threads (each loads torchts)
    const t2 = await epoch(dl);
    await dl.shutdown();
    console.log(
      `DataLoader overlap: one epoch ${t0.toFixed(0)} ms with numWorkers 0, ${t2.toFixed(0)} ms with 2`,
    );
    expect(t2).toBeLessThan(t0 * 0.85);
  });
});
