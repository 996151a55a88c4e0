/**
 * The awaited forms of the data-dependent-shape ops (src/ops/data-dependent.ts) run as device
 * ops with one count read back: on every device they give exactly what the synchronous CPU
 * forms give (which the OpInfo cases hold to PyTorch), and on a GPU the synchronous forms
 * raise with a pointer to them.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const cpu = torch.device('cpu');
const list = (r: Tensor | Tensor[]) => (Array.isArray(r) ? r : [r]);
async function same(got: Tensor | Tensor[], want: Tensor | Tensor[]): Promise<void> {
  const g = list(got);
  const w = list(want);
  expect(g.length).toBe(w.length);
  for (let i = 0; i < g.length; i++) {
    expect(g[i].shape).toEqual(w[i].shape);
    expect(g[i].dtype).toBe(w[i].dtype);
    expect(Array.from(await g[i].toArray())).toEqual(Array.from(await w[i].toArray()));
  }
}

// Inputs with ties, NaN, zeros, empty and 0-d cases.
const samples = (): Tensor[] => [
  torch.tensor([
    [0, 1.5, 0],
    [2, 0, -1],
    [1.5, 1.5, 0],
  ]),
  torch.tensor([3, Number.NaN, 1, 3, Number.NaN, 0, 0, 2]),
  torch.tensor([
    [1, 2],
    [1, 2],
    [0, 5],
    [1, 2],
  ]),
  torch.randint(0, 3, [4, 3, 5]).float(),
  torch.zeros([0, 3]),
  torch.tensor(2.5),
  torch.tensor(0),
];

describe.each(testDevices())('data-dependent shapes, awaited, on %s', (dev) => {
  const device = torch.device(dev);
  it('nonzero / argwhere / masked_select match the CPU forms', async () => {
    torch.manualSeed(1);
    for (const x of samples()) {
      const d = x.to(device);
      await same(await torch.nonzeroAsync(d), torch.nonzero(x));
      await same(await d.nonzeroAsync({ asTuple: true }), torch.nonzero(x, { asTuple: true }));
      await same(await torch.argwhereAsync(d), torch.argwhere(x));
      const mask = torch.gt(x, 0.5);
      await same(await torch.maskedSelectAsync(d, mask.to(device)), torch.maskedSelect(x, mask));
    }
    // broadcasting mask
    const x = torch.arange(12).reshape([3, 4]).float();
    const m = torch.tensor([true, false, true, true]);
    await same(await torch.maskedSelectAsync(x.to(device), m.to(device)), torch.maskedSelect(x, m));
  });
  it('unique / unique_consecutive match the CPU forms, with inverse and counts, over dims', async () => {
    torch.manualSeed(2);
    for (const x of samples())
      for (const dim of [null, 0, 1]) {
        if (dim !== null && dim >= Math.max(1, x.dim())) continue;
        if (dim !== null && x.dim() === 0) continue;
        const d = x.to(device);
        const o = { returnInverse: true, returnCounts: true, dim };
        await same(await torch.uniqueAsync(d, o), torch.unique(x, o));
        await same(await torch.uniqueConsecutiveAsync(d, o), torch.uniqueConsecutive(x, o));
        await same(await d.uniqueAsync({ dim }), torch.unique(x, { dim }));
      }
  });
  it('repeat_interleave with a repeats tensor, awaited or with outputSize', async () => {
    const x = torch.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const reps = torch.tensor([2, 0, 3]);
    const want = torch.repeatInterleave(x, reps, 0);
    await same(await torch.repeatInterleaveAsync(x.to(device), reps.to(device), 0), want);
    await same(torch.repeatInterleave(x.to(device), reps.to(device), 0, { outputSize: 5 }), want);
    const v = torch.tensor([7, 8, 9]);
    await same(await v.to(device).repeatInterleaveAsync(reps.to(device)), torch.repeatInterleave(v, reps));
    await expect(
      torch.repeatInterleaveAsync(x.to(device), torch.tensor([1, -1, 1]).to(device), 0),
    ).rejects.toThrow('repeats can not be negative');
  });
  it('x[mask] awaited: indexAsync', async () => {
    const x = torch.arange(24).reshape([4, 6]).float();
    const mask = torch.tensor([true, false, true, true]);
    await same(await x.to(device).indexAsync(mask.to(device)), x.index(mask));
    const m2 = torch.gt(x, 10);
    await same(await x.to(device).indexAsync(m2.to(device)), x.index(m2));
  });
  it('masked_scatter runs on the device; too short a source is a bad index named masked_scatter', async () => {
    const x = torch.zeros([2, 3]).to(device);
    const mask = torch
      .tensor([
        [true, false, true],
        [false, true, true],
      ])
      .to(device);
    const src = torch.arange(1, 7).float().to(device);
    expect(Array.from(await torch.maskedScatter(x, mask, src).toArray())).toEqual([1, 0, 2, 0, 3, 4]);
    const short = torch.tensor([1, 2]).float().to(device);
    const bad = async () => torch.maskedScatter(x, mask, short).toArray();
    await expect(bad()).rejects.toThrow(
      /^masked_scatter: index 2 is out of bounds for dimension 0 with size 2/,
    );
  });
  it('masked_scatter gradients flow to the input and the source', async () => {
    const x = torch.randn([2, 3]).to(device).requiresGrad_();
    const src = torch.randn([6]).to(device).requiresGrad_();
    const mask = torch
      .tensor([
        [true, false, true],
        [false, true, true],
      ])
      .to(device);
    torch
      .maskedScatter(x, mask, src)
      .mul(torch.arange(1, 7).reshape([2, 3]).float().to(device))
      .sum()
      .backward();
    expect(Array.from(await x.grad!.toArray())).toEqual([0, 2, 0, 4, 0, 0]);
    expect(Array.from(await src.grad!.toArray())).toEqual([1, 3, 5, 6, 0, 0]);
  });
  it.runIf(dev !== 'cpu')('the synchronous forms raise on a GPU, pointing to the awaited ones', () => {
    const x = torch.tensor([1, 0, 2]).to(device);
    expect(() => torch.nonzero(x)).toThrow(/output shape depends on the data/);
    expect(() => torch.repeatInterleave(x, torch.tensor([1, 2, 1]).to(device))).toThrow(
      /repeatInterleaveAsync/,
    );
  });
});

it('cumsum over long rows stays linear in memory and accurate', () => {
  const n = 300000;
  const x = torch.ones([n]);
  const c = torch.cumsum(x, 0).toArraySync();
  expect(c[n - 1]).toBe(n);
  expect(c[12345]).toBe(12346);
  void cpu;
});
