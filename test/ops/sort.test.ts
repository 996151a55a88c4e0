/**
 * Sorting and searching (src/ops/sort.ts) on every device: values and indices against numbers
 * printed by PyTorch 1.13 (the script's calls are quoted above each check), gradients.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`sort and search on ${device}`, () => {
    const t = (xs: number[], shape?: number[]) => {
      const r = torch.tensor(xs, { dtype: 'float32' }).to(device);
      return shape ? r.reshape(shape) : r;
    };
    const ints = async (x: Tensor) => values(x);
    const x = () => t([3, 1, Number.NaN, 1, -2, 0, 5, 5, -1, 2], [2, 5]);

    it('sort: stable, NaN largest, both directions, gradient scattered through the indices', async () => {
      // torch.sort(x, dim=1, stable=True)
      let [v, i] = torch.sort(x(), { dim: 1, stable: true });
      expect(await values(v)).toEqual([-2, 1, 1, 3, Number.NaN, -1, 0, 2, 5, 5]);
      expect(await ints(i)).toEqual([4, 1, 3, 0, 2, 3, 0, 4, 1, 2]);
      // torch.sort(x, dim=1, descending=True, stable=True), then v.backward(arange(10).reshape(2, 5))
      const xl = x().requiresGrad_(true);
      [v, i] = torch.sort(xl, 1, true);
      expect(await values(v)).toEqual([Number.NaN, 3, 1, 1, -2, 5, 5, 2, 0, -1]);
      expect(await ints(i)).toEqual([2, 0, 1, 3, 4, 1, 2, 4, 0, 3]);
      v.backward(torch.arange(10).reshape(2, 5).to(device));
      expect(await values(xl.grad!)).toEqual([1, 2, 0, 3, 4, 8, 5, 6, 9, 7]);
      // along dim 0, argsort and msort
      expect(await ints(torch.argsort(t([3, 1, 2, 0], [2, 2]), 0))).toEqual([1, 1, 0, 0]);
      expect(await values(torch.msort(t([3, 1, 2, 0], [2, 2])))).toEqual([2, 0, 3, 1]);
      expect(await values(x().sort()[0].select(0, 1))).toEqual([-1, 0, 2, 5, 5]);
      const [sv, si] = torch.sort(t([7], []));
      expect([sv.shape, si.shape, await values(sv), await ints(si)]).toEqual([[], [], [7], [0]]);
    });

    it('sort: a long row (bitonic padding on the GPU) matches a host sort', async () => {
      const n = 1000;
      const data = Array.from({ length: n }, (_, k) => ((k * 7919) % 613) - 300);
      const [v, i] = torch.sort(t(data));
      const order = data.map((_, k) => k).sort((a, b) => data[a] - data[b] || a - b);
      expect(await ints(i)).toEqual(order);
      expect(await values(v)).toEqual(order.map((k) => data[k]));
    });

    it('topk: largest and smallest, gradient', async () => {
      // torch.topk(tensor([[3., 1., 4., 1., 5.]]), 2, largest=False) -> [[1., 1.]], [[1, 3]]
      const [v, i] = torch.topk(t([3, 1, 4, 1, 5], [1, 5]), 2, { largest: false });
      expect([await values(v), await ints(i)]).toEqual([
        [1, 1],
        [1, 3],
      ]);
      // y = tensor([1., 4., 2., 8.]); topk(y, 2)[0].sum().backward() -> y.grad [0, 1, 0, 1]
      const y = t([1, 4, 2, 8]).requiresGrad_(true);
      torch.topk(y, 2)[0].sum().backward();
      expect(await values(y.grad!)).toEqual([0, 1, 0, 1]);
      expect(() => torch.topk(t([1, 2]), 3)).toThrow(/selected index k out of range/);
    });

    it('searchsorted, bucketize, isin', async () => {
      const b = t([1, 2, 2, 3]);
      // searchsorted(b, [2, 0, 3.5, nan]) -> [1, 0, 4, 4]; right=True on [2, 0, 3.5] -> [3, 0, 4]
      expect(await ints(torch.searchsorted(b, t([2, 0, 3.5, Number.NaN])))).toEqual([1, 0, 4, 4]);
      expect(await ints(torch.searchsorted(b, t([2, 0, 3.5]), { right: true }))).toEqual([3, 0, 4]);
      expect(await ints(torch.searchsorted(b, t([2]), { side: 'right' }))).toEqual([3]);
      // searchsorted([3, 1, 2], [2.5], sorter=[1, 2, 0]) -> [2]
      const sorter = torch.tensor([1, 2, 0], { dtype: 'int32' }).to(device);
      expect(await ints(torch.searchsorted(t([3, 1, 2]), t([2.5]), { sorter }))).toEqual([2]);
      expect(() => torch.searchsorted(b, t([2]), { side: 'left', right: true })).toThrow(
        /can't be set to opposites/,
      );
      // bucketize([[1, 2.5], [9, 0]], [1, 2, 3], right=True) -> [[1, 2], [3, 0]]
      expect(await ints(torch.bucketize(t([1, 2.5, 9, 0], [2, 2]), t([1, 2, 3]), { right: true }))).toEqual([
        1, 2, 3, 0,
      ]);
      // isin([1, 2, 3, 4], [[4, 2]]) -> [F, T, F, T]
      expect(await values(torch.isin(t([1, 2, 3, 4]), t([4, 2], [1, 2])))).toEqual([0, 1, 0, 1]);
      expect(await values(torch.isin(t([1, 2, 3, 4]), t([4, 2]), { invert: true }))).toEqual([1, 0, 1, 0]);
    });

    it('unique and unique_consecutive (host-computed: a clear error off the CPU)', async () => {
      const u = () => t([2, 1, 2, 3, 1]);
      if (device !== 'cpu') {
        expect(() => torch.unique(u())).toThrow(/depends on the data.*`await torch.uniqueAsync\(\.\.\.\)`/);
        expect(() => torch.uniqueConsecutive(u())).toThrow(/depends on the data/);
        return;
      }
      // unique([2, 1, 2, 3, 1], return_inverse=True, return_counts=True)
      const [o, inv, cnt] = torch.unique(u(), { returnInverse: true, returnCounts: true }) as Tensor[];
      expect([await values(o), await ints(inv), await ints(cnt)]).toEqual([
        [1, 2, 3],
        [1, 0, 1, 2, 0],
        [2, 2, 1],
      ]);
      // unique([[1, 2], [0, 5], [1, 2]], dim=0, return_inverse=True) -> [[0, 5], [1, 2]], [1, 0, 1]
      const [o2, i2] = torch.unique(t([1, 2, 0, 5, 1, 2], [3, 2]), {
        dim: 0,
        returnInverse: true,
      }) as Tensor[];
      expect([o2.shape, await values(o2), await ints(i2)]).toEqual([
        [2, 2],
        [0, 5, 1, 2],
        [1, 0, 1],
      ]);
      // unique_consecutive([1, 1, 2, 2, 1], return_counts=True) -> [1, 2, 1], [2, 2, 1]
      const [o3, c3] = torch.uniqueConsecutive(t([1, 1, 2, 2, 1]), { returnCounts: true }) as Tensor[];
      expect([await values(o3), await ints(c3)]).toEqual([
        [1, 2, 1],
        [2, 2, 1],
      ]);
    });
  });
