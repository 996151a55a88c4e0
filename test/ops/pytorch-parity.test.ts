/**
 * Small PyTorch 1.13 behaviours that once differed silently (values printed by PyTorch 1.13:
 * `torch.full((2,), 3).dtype`, `torch.sign(nan)`, `torch.poisson(float64)`, `out_int32`,
 * InstanceNorm's state-dict keys), on every device.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices()) {
  describe(`PyTorch parity on ${device}`, () => {
    it('torch.full infers its dtype from the fill value (int64, bool, default float)', () => {
      expect(torch.full([2], 3, { device }).dtype).toBe('int64');
      expect(torch.full([2], 3.5, { device }).dtype).toBe('float32');
      expect(torch.full([2], true, { device }).dtype).toBe('bool');
      expect(torch.full([2], 3, { dtype: 'float32', device }).dtype).toBe('float32');
    });
    it('sign of NaN is 0; of ints stays int', async () => {
      const s = torch.sign(torch.tensor([Number.NaN, -2.5, 0, 3], { device }));
      expect(await s.tolist()).toEqual([0, -1, 0, 1]);
      expect(await torch.sign(torch.tensor([-3, 0, 4], { device })).tolist()).toEqual([-1, 0, 1]);
    });
    it('searchsorted / bucketize honour outInt32', async () => {
      const b = torch.tensor([0, 1.5, 3], { device });
      const v = torch.tensor([1, 2, 4], { device });
      const i64 = torch.bucketize(v, b);
      const i32 = torch.bucketize(v, b, { outInt32: true });
      expect([i64.dtype, i32.dtype]).toEqual(['int64', 'int32']);
      expect(await i32.tolist()).toEqual(await i64.tolist());
      expect(torch.searchsorted(b, v, { outInt32: true }).dtype).toBe('int32');
      expect(await torch.searchsorted(b, v, { right: true }).tolist()).toEqual([1, 2, 3]);
    });
  });
}

describe('PyTorch parity (CPU-only dtypes and modules)', () => {
  it('poisson keeps a float64 rate dtype', () => {
    const r = torch.poisson(torch.full([100], 4, { dtype: 'float64' }), new torch.Generator().manualSeed(1));
    expect(r.dtype).toBe('float64');
    const v = r.toArraySync();
    expect(v.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
  });
  it("InstanceNorm's buffers carry PyTorch's state-dict keys", () => {
    const m = new torch.nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true });
    // PyTorch 1.13: ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    expect(Object.keys(m.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(Object.keys(new torch.nn.InstanceNorm2d(3).stateDict())).toEqual([]);
    expect(m.runningMean?.shape).toEqual([3]);
    m.train();
    m.forward(torch.randn([2, 3, 4, 4]));
    expect(m.runningMean?.abs().sum().toArraySync()[0]).toBeGreaterThan(0);
  });
});
