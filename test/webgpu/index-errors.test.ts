/**
 * Out-of-range indices on the GPU: a kernel cannot throw, so it records the first bad index in a
 * device flag (backend/webgpu/index-errors.ts) and the next readback or synchronize() raises the
 * same RangeError the CPU throws at the call, naming the op the user called.
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { describeGpu } from './helpers.js';

const cases: [string, (dev: string) => torch.Tensor][] = [
  [
    'gather',
    (d) =>
      torch
        .tensor([1, 2, 3])
        .to(d)
        .gather(0, torch.tensor([0, 5]).to(d)),
  ],
  [
    'index_select',
    (d) =>
      torch
        .tensor([1, 2, 3])
        .to(d)
        .indexSelect(0, torch.tensor([1, -7]).to(d)),
  ],
  ['embedding', (d) => torch.nn.functional.embedding(torch.tensor([[0, 9]]).to(d), torch.ones([4, 2]).to(d))],
  [
    'scatter_add',
    (d) =>
      torch
        .zeros([3])
        .to(d)
        .scatterAdd(0, torch.tensor([4]).to(d), torch.ones([1]).to(d)),
  ],
  [
    'cross_entropy',
    (d) => torch.nn.functional.crossEntropy(torch.zeros([2, 10]).to(d), torch.tensor([1, 12]).to(d)),
  ],
];

describeGpu('out-of-range indices on webgpu', () => {
  for (const [name, make] of cases)
    it(`${name}: the next read raises the CPU's error`, async () => {
      let cpuError = '';
      try {
        make('cpu');
      } catch (e) {
        cpuError = (e as Error).message;
      }
      expect(cpuError).toMatch(/out of bounds/);
      const y = make('webgpu'); // enqueued: nothing can be known yet
      await expect(y.toArray()).rejects.toThrow(cpuError);
      // reported once: the flag is clear again and good indices read normally
      const ok = torch
        .tensor([1, 2, 3])
        .to('webgpu')
        .gather(0, torch.tensor([2]).to('webgpu'));
      expect(Array.from(await ok.toArray())).toEqual([3]);
    });

  it('synchronize() raises it too, and a later read of another tensor does not', async () => {
    const x = torch.tensor([1, 2, 3]).to('webgpu');
    x.gather(0, torch.tensor([3]).to('webgpu'));
    await expect(torch.webgpu.synchronize()).rejects.toThrow(
      'gather: index 3 is out of bounds for dimension 0 with size 3',
    );
    expect(Array.from(await x.toArray())).toEqual([1, 2, 3]);
  });
});
