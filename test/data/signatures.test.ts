/**
 * torch.utils.data and torch.save/load bind PyTorch's parameter lists like every public callable:
 * positional and options forms agree, an unknown option or an extra argument is a TypeError.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { DataLoader, TensorDataset, randomSplit } = torch.utils.data;
const x = torch.arange(20, { dtype: 'float32' }).reshape(10, 2);
const y = torch.arange(10);
const ds = new TensorDataset(x, y);
const firstLabels = (dl: Iterable<unknown>) =>
  [...dl].map((b) => Array.from((b as torch.Tensor[])[1].toArraySync()));

describe('DataLoader', () => {
  it('positional and options forms give the same batches (shuffled with a seeded generator)', () => {
    const a = firstLabels(
      new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new torch.Generator(3) }),
    );
    const b = firstLabels(new DataLoader(ds, 4, true, { generator: new torch.Generator(3) }));
    expect(a).toEqual(b);
    expect(a.map((r) => r.length)).toEqual([4, 4, 2]);
    expect(a.flat().sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(firstLabels(new DataLoader(ds, { batchSize: 4, dropLast: true }))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });
  it('an unknown option, a wrong type or an extra argument is a TypeError naming DataLoader', () => {
    expect(() => new DataLoader(ds, { batchsize: 4 } as never)).toThrow(
      /^utils\.data\.DataLoader\(\): got an unexpected option 'batchsize'/,
    );
    expect(() => new DataLoader(ds, { batchSize: 2.5 })).toThrow(
      /argument 'batchSize' must be an int, not 2.5/,
    );
    expect(
      () => new DataLoader(ds, 4, true, null, null, 0, null, false, false, 0, null, null, null, 7),
    ).toThrow(/takes 13 positional arguments but 14 were given/);
    expect(() => new DataLoader(ds, { workerInitFn: () => {} } as never)).toThrow(/workerFunction/);
  });
  it('batchSampler yields whole batches; pinMemory changes no value; numWorkers takes built-in datasets, others need workerSource()', () => {
    const bs = [[3, 1], [0], [9, 8, 7]];
    expect(firstLabels(new DataLoader(ds, { batchSampler: bs }))).toEqual(bs);
    expect(() => new DataLoader(ds, { batchSampler: bs, batchSize: 2 })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(ds, { batchSize: 5, numWorkers: 4 })).not.toThrow();
    const own = Object.assign(Object.create(torch.utils.data.Dataset.prototype), {
      length: 2,
      getItem: (i: number) => i,
    });
    expect(() => new DataLoader(own, { numWorkers: 4 })).toThrow(
      /cannot be sent to a thread.*workerSource\(\)/,
    );
    expect(firstLabels(new DataLoader(ds, { batchSize: 5, pinMemory: true }))).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
  });
});

describe('randomSplit', () => {
  it('takes the generator positionally or by name, with the same split', () => {
    const a = randomSplit(ds, [0.7, 0.3], new torch.Generator(1));
    const b = randomSplit(ds, [0.7, 0.3], { generator: new torch.Generator(1) });
    expect(a.map((s) => s.indices)).toEqual(b.map((s) => s.indices));
    expect(a.map((s) => s.length)).toEqual([7, 3]);
    expect(() => randomSplit(ds, [5, 5], { seed: 1 } as never)).toThrow(/unexpected option 'seed'/);
  });
});

describe('torch.save / torch.load', () => {
  it('bind their parameters; weightsOnly=false is refused, not ignored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-sig-'));
    const f = join(dir, 'w.safetensors');
    await torch.save({ w: x }, f, { metadata: { note: 'hi' } });
    const a = (await torch.load(f, 'cpu')) as { w: torch.Tensor };
    const b = (await torch.load(f, { mapLocation: 'cpu' })) as { w: torch.Tensor };
    expect(Array.from(a.w.toArraySync())).toEqual(Array.from(x.toArraySync()));
    expect(Array.from(b.w.toArraySync())).toEqual(Array.from(x.toArraySync()));
    await expect(torch.load(f, { maplocation: 'cpu' } as never)).rejects.toThrow(
      /^torch\.load\(\): got an unexpected option 'maplocation'/,
    );
    await expect(torch.load(f, { weightsOnly: false })).rejects.toThrow(/only loads weights/);
    await expect(torch.save({ w: x }, f, { meta: {} } as never)).rejects.toThrow(/unexpected option 'meta'/);
  });
});
