/** Arithmetic on bool tensors with a number computes in integers (PyTorch: int64), on every device. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

describe.each(testDevices())('bool tensor with a number on %s', (device) => {
  const t = () => torch.tensor([true, false, true]).to(device);
  it('mul, add, sub give int64; a float number gives float32', async () => {
    const cases: [string, () => torch.Tensor, string, number[]][] = [
      ['mul 0', () => t().mul(0), 'int64', [0, 0, 0]],
      ['add 1', () => t().add(1), 'int64', [2, 1, 2]],
      ['sub 3', () => t().sub(3), 'int64', [-2, -3, -2]],
      ['mul 2.5', () => t().mul(2.5), 'float32', [2.5, 0, 2.5]],
      ['mul 0 to bool', () => t().mul(0).to('bool'), 'bool', [0, 0, 0]],
    ];
    for (const [name, f, dtype, want] of cases) {
      const r = f();
      expect(r.dtype, name).toBe(dtype);
      expect(Array.from(await r.toArray()), name).toEqual(want);
    }
  });
});
