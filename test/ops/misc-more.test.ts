/**
 * Small ops of the op surface (src/ops/misc-more.ts, clamp's backward, H/mH, new_*), on every
 * device, against numbers printed by PyTorch 1.13 (the calls are quoted above each check).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`misc op surface on ${device}`, () => {
    const t = (xs: number[], shape?: number[]) => {
      const r = torch.tensor(xs, { dtype: 'float32' }).to(device);
      return shape ? r.reshape(shape) : r;
    };

    it('clamp with tensor bounds: gradients where min > max and at ties (clamp_backward_min_max)', async () => {
      // Rows (self, min, max); torch.clamp(x, lo, hi).backward(ones) gives, per row,
      // (x.grad, lo.grad, hi.grad):
      const rows = [
        [0, 1, 2, 0, 1, 0],
        [1.5, 1, 2, 1, 0, 0],
        [3, 1, 2, 0, 0, 1],
        [1, 1, 2, 1, 0, 0],
        [2, 1, 2, 1, 0, 0],
        [0, 2, 1, 0, 0, 1],
        [1.5, 2, 1, 0, 0, 1],
        [3, 2, 1, 0, 0, 1],
        [1, 1, 1, 1, 0, 0],
        [0, 1, 1, 0, 0, 0],
        [2, 1, 1, 0, 0, 1],
      ];
      const col = (k: number) => t(rows.map((r) => r[k])).requiresGrad_(true);
      const [x, lo, hi] = [col(0), col(1), col(2)];
      torch.clamp(x, lo, hi).sum().backward();
      expect(await values(x.grad!)).toEqual(rows.map((r) => r[3]));
      expect(await values(lo.grad!)).toEqual(rows.map((r) => r[4]));
      expect(await values(hi.grad!)).toEqual(rows.map((r) => r[5]));
    });

    it('as_strided: a view over the storage; the gradient lands on the viewed positions', async () => {
      // x = arange(6.); y = as_strided(x, [2, 2], [1, 2], 1) -> [[1, 3], [2, 4]];
      // (y * [[1, 2], [3, 4]]).sum().backward() -> x.grad [0, 1, 3, 2, 4, 0]
      const x = torch.arange(6, { dtype: 'float32' }).to(device).requiresGrad_(true);
      const y = torch.asStrided(x, [2, 2], [1, 2], 1);
      expect(await values(y)).toEqual([1, 3, 2, 4]);
      y.mul(t([1, 2, 3, 4], [2, 2]))
        .sum()
        .backward();
      expect(await values(x.grad!)).toEqual([0, 1, 3, 2, 4, 0]);
      expect(() => torch.asStrided(x, [4], [2])).toThrow(/out of bounds for storage/);
    });

    it('fill, new_* factories, H and mH', async () => {
      const x = t([1, 2, 3]).requiresGrad_(true);
      const f = torch.fill(x, 7);
      expect(await values(f)).toEqual([7, 7, 7]);
      f.sum().backward();
      expect(await values(x.grad!)).toEqual([0, 0, 0]);
      const i = torch.tensor([1, 2], { dtype: 'int32' }).to(device);
      const z = i.newZeros([2, 3]);
      expect([z.shape, z.dtype, z.device.type]).toEqual([[2, 3], 'int32', device]);
      expect(await values(i.newFull([2], 5))).toEqual([5, 5]);
      expect(
        (await values(x.newOnes(2, { dtype: 'int32' }))).concat(x.newOnes(2).dtype === 'float32' ? 1 : 0),
      ).toEqual([1, 1, 1]);
      expect(x.newEmpty([4]).shape).toEqual([4]);
      const nt = x.newTensor([[1, 2]]);
      expect([nt.shape, nt.dtype, nt.requiresGrad, await values(nt)]).toEqual([
        [1, 2],
        'float32',
        false,
        [1, 2],
      ]);
      const m = t([1, 2, 3, 4, 5, 6], [2, 3]);
      expect([m.H.shape, await values(m.H.contiguous())]).toEqual([
        [3, 2],
        [1, 4, 2, 5, 3, 6],
      ]);
      expect(torch.zeros([4, 2, 3]).mH.shape).toEqual([4, 3, 2]);
      expect(() => t([1, 2]).H).toThrow(
        /tensor.H is only supported on matrices \(2-D tensors\). Got 1-D tensor./,
      );
      expect(() => t([1, 2]).mH).toThrow(
        /only supported on matrices or batches of matrices. Got 1-D tensor./,
      );
    });
  });
