/** Index ops and reductions composed from gather / scatterAdd / where / reductions: values, gradients, CPU-only errors. */

import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { distinctLeaf, expectGradcheck, leaf, values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const close = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  for (const [i, v] of got.entries())
    expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want[i]));
};

for (const device of testDevices())
  describe(`indexing and reductions (ops-index) on ${device}`, () => {
    const t = (xs: number[], shape?: number[]) => {
      const r = torch.tensor(xs, { dtype: 'float32' }).to(device);
      return shape ? r.reshape(shape) : r;
    };
    const ix = (xs: number[], shape?: number[]) => {
      const r = torch.tensor(xs, { dtype: 'int32' }).to(device);
      return shape ? r.reshape(shape) : r;
    };

    it('scatter: src, value and reduce forms', async () => {
      const x = t([1, 2, 3, 4]);
      close(await values(torch.scatter(x, 0, ix([3, 0]), t([10, 20]))), [20, 2, 3, 10]);
      close(await values(torch.scatter(x, 0, ix([1]), { value: 7 })), [1, 7, 3, 4]);
      close(await values(torch.scatter(x, 0, ix([1, 1]), t([2, 3]), { reduce: 'multiply' })), [1, 12, 3, 4]);
      close(await values(torch.scatter(x, 0, ix([1, 1]), t([2, 3]), { reduce: 'add' })), [1, 7, 3, 4]);
    });

    it('scatter_reduce: every reduction, with and without self', async () => {
      const x = t([1, 2, 3]);
      const i = ix([0, 0, 2]);
      const s = t([5, -1, 4]);
      const want: Record<string, [number[], number[]]> = {
        sum: [
          [5, 2, 7],
          [4, 2, 4],
        ],
        prod: [
          [-5, 2, 12],
          [-5, 2, 4],
        ],
        mean: [
          [5 / 3, 2, 3.5],
          [2, 2, 4],
        ],
        amax: [
          [5, 2, 4],
          [5, 2, 4],
        ],
        amin: [
          [-1, 2, 3],
          [-1, 2, 4],
        ],
      };
      for (const [r, [withSelf, without]] of Object.entries(want)) {
        const reduce = r as 'sum';
        close(await values(torch.scatterReduce(x, 0, i, s, reduce)), withSelf);
        close(await values(torch.scatterReduce(x, 0, i, s, reduce, { includeSelf: false })), without);
      }
    });

    it('index_add / index_copy / index_fill / take / take_along_dim / put / index_put', async () => {
      const x = t([0, 1, 2, 3, 4, 5], [3, 2]);
      close(
        await values(torch.indexAdd(x, 0, ix([2, 0, 2]), torch.ones([3, 2]).to(device), { alpha: 2 })),
        [2, 3, 2, 3, 8, 9],
      );
      close(
        await values(torch.indexCopy(x, 1, ix([1, 0]), t([9, 8, 7, 6, 5, 4], [3, 2]))),
        [8, 9, 6, 7, 4, 5],
      );
      close(await values(torch.indexFill(x, 0, ix([-1]), -1)), [0, 1, 2, 3, -1, -1]);
      close(await values(torch.take(x, ix([5, -6, 3], [3]))), [5, 0, 3]);
      close(await values(torch.takeAlongDim(x, ix([1, 0], [1, 2]), 0)), [2, 1]);
      close(await values(torch.put(x, ix([0, 0]), t([1, 1]), true)), [2, 1, 2, 3, 4, 5]);
      close(await values(torch.indexPut(x, [ix([2, 2])], t([1, 1]), true)), [0, 1, 2, 3, 6, 7]);
      close(await values(torch.indexPut(x, [ix([0, 2]), ix([1, 0])], t([9, 8]))), [0, 9, 2, 3, 8, 5]);
    });

    it('in-place forms update the tensor', async () => {
      const x = t([1, 2, 3]);
      x.indexAdd_(0, ix([1]), t([10]));
      x.scatter_(0, ix([0]), { value: -1 });
      x.indexPut_([ix([2])], t([5]), true);
      close(await values(x), [-1, 12, 8]);
    });

    it('cumulative ops', async () => {
      const x = t([2, 0, -1, 3]);
      close(await values(torch.cumprod(x, 0)), [2, 0, -0, 0]);
      const [v, i] = torch.cummax(t([1, 3, 2, 5]), 0);
      close(await values(v), [1, 3, 3, 5]);
      expect(await values(i)).toEqual([0, 1, 1, 3]);
      close(await values(torch.logcumsumexp(t([0, 0, 1000]), 0)), [0, Math.LN2, 1000]);
    });

    it('nan reductions, count_nonzero, var_mean, aminmax', async () => {
      const x = t([1, Number.NaN, 3, 0]);
      close(await values(torch.nansum(x)), [4]);
      close(await values(torch.nanmean(x)), [4 / 3]);
      expect(await values(torch.countNonzero(x))).toEqual([3]);
      const [v, m] = torch.varMean(t([1, 2, 3, 4]));
      close([...(await values(v)), ...(await values(m))], [5 / 3, 2.5]);
      const [lo, hi] = torch.aminmax(t([3, -2, 7]));
      close([...(await values(lo)), ...(await values(hi))], [-2, 7]);
    });

    it('diff, trapezoid, cumulative_trapezoid, renorm, as_strided_scatter, bool index_put', async () => {
      close(await values(torch.diff(t([1, 4, 9, 16]), { n: 2 })), [2, 2]);
      close(await values(torch.trapezoid(t([1, 2, 3]), { dx: 2 })), [8]);
      close(await values(torch.trapezoid(t([1, 2, 3]), t([0, 1, 3]))), [1.5 + 5]);
      close(await values(torch.cumulativeTrapezoid(t([1, 2, 3]))), [1.5, 4]);
      close(await values(torch.renorm(t([3, 4, 0.3, 0.4], [2, 2]), 2, 0, 1)), [0.6, 0.8, 0.3, 0.4]);
      close(await values(torch.asStridedScatter(t([0, 0, 0, 0]), t([1, 2]), [2], [2], 1)), [0, 1, 0, 2]);
      const mask = torch.gt(t([1, -1]), 0);
      close(await values(torch.indexPut(t([1, 2, 3, 4], [2, 2]), [mask], t([9, 8]))), [9, 8, 3, 4]);
    });

    it('order statistics by rank: median, nanmedian, kthvalue, mode, quantile, cov, corrcoef', async () => {
      const x = t([3, 1, Number.NaN, 2, 5, 4], [2, 3]);
      close(await values(torch.median(t([3, 1, 2, 5])) as Tensor), [2]);
      const [mv, mi] = torch.median(x, 1) as [Tensor, Tensor];
      expect(Number.isNaN((await values(mv))[0])).toBe(true);
      expect(await values(mi)).toEqual([2, 2]);
      close(await values((torch.nanmedian(x, 1) as [Tensor, Tensor])[0]), [1, 4]);
      const [kv, ki] = torch.kthvalue(t([3, 1, 2]), 2);
      close(await values(kv), [2]);
      expect(await values(ki)).toEqual([2]);
      close(await values(torch.mode(t([2, 1, 2, 3]))[0]), [2]);
      close(await values(torch.quantile(t([1, 2, 3, 4]), t([0, 0.5, 1]))), [1, 2.5, 4]);
      close(await values(torch.quantile(t([1, 2, 3, 4]), 0.5, { interpolation: 'lower' })), [2]);
      close(await values(torch.nanquantile(t([1, Number.NaN, 3]), 0.5)), [2]);
      close(await values(torch.cov(t([1, 2, 3, 2, 4, 6], [2, 3]))), [1, 2, 2, 4]);
      close(await values(torch.corrcoef(t([1, 2, 3, 3, 2, 1], [2, 3]))), [1, -1, -1, 1]);
    });

    it('torch.masked reductions skip the masked-out elements', async () => {
      const x = t([1, 2, 3, 4], [2, 2]);
      const mask = torch.gt(t([1, 0, 1, 1], [2, 2]), 0);
      close(await values(torch.masked.sum(x, { mask })), [8]);
      close(await values(torch.masked.mean(x, 1, { mask })), [1, 3.5]);
      close(await values(torch.masked.amax(x, 0, { mask })), [3, 4]);
      close(await values(torch.masked.softmax(x, 1, { mask })), [
        1,
        0,
        1 / (1 + Math.E),
        Math.E / (1 + Math.E),
      ]);
      close(await values(torch.masked.cumsum(x, 1, { mask })), [1, 1, 3, 7]);
    });

    it('histc and histogram', async () => {
      close(await values(torch.histc(t([1, 2, 1, 4]), { bins: 3, min: 1, max: 4 })), [2, 1, 1]);
      close(await values(torch.histc(t([2]), { bins: 2 })), [0, 1]);
      const [h, e] = torch.histogram(t([0, 0.5, 1]), 2, { weight: t([1, 2, 3]) });
      close(await values(h), [1, 5]);
      close(await values(e), [0, 0.5, 1]);
    });

    if (device === 'cpu')
      it('data-dependent shapes on the CPU', async () => {
        const x = t([0, 1, 0, 2], [2, 2]);
        expect(await values(torch.nonzero(x) as Tensor)).toEqual([0, 1, 1, 1]);
        expect(await values(torch.argwhere(x))).toEqual([0, 1, 1, 1]);
        close(await values(torch.maskedSelect(x, torch.gt(x, 0))), [1, 2]);
        close(await values(torch.maskedScatter(x, torch.eq(x, 0), t([7, 8]))), [7, 1, 8, 2]);
      });
    else
      it('data-dependent shapes name the device and the way out', () => {
        expect(() => torch.nonzero(t([1, 0]))).toThrow(
          /webgpu tensor .* `await torch.nonzeroAsync\(\.\.\.\)`/,
        );
        expect(() => torch.maskedSelect(t([1, 0]), torch.gt(t([1, 0]), 0))).toThrow(/webgpu/);
      });

    describe('gradcheck', () => {
      it('scatter_reduce prod / amax', async () => {
        const i = ix([0, 1, 0, 1], [2, 2]);
        await expectGradcheck(
          (x, s) => torch.scatterReduce(x, 0, i, s, 'prod'),
          [leaf([3, 2], device, 1), leaf([2, 2], device, 2)],
        );
        await expectGradcheck(
          (x, s) => torch.scatterReduce(x, 0, i, s, 'amax', { includeSelf: false }),
          [distinctLeaf([3, 2], device, 1), distinctLeaf([2, 2], device, 2)],
        );
      });
      it('median / quantile / cov', async () => {
        await expectGradcheck(
          (x) => (torch.median(x, 1) as [Tensor, Tensor])[0],
          [distinctLeaf([2, 5], device, 7)],
        );
        await expectGradcheck((x) => torch.quantile(x, 0.3, 0), [distinctLeaf([4, 3], device, 8)]);
        await expectGradcheck((x) => torch.cov(x), [leaf([2, 4], device, 9)]);
      });
      it('cumprod / logcumsumexp / index_put', async () => {
        await expectGradcheck((x) => torch.cumprod(x, 1), [leaf([2, 4], device, 3)]);
        await expectGradcheck((x) => torch.logcumsumexp(x, 0), [leaf([4, 2], device, 4)]);
        await expectGradcheck(
          (x, v) => torch.indexPut(x, [ix([0, 0])], v, true),
          [leaf([3, 2], device, 5), leaf([2, 2], device, 6)],
        );
      });
    });
  });

for (const device of testDevices())
  describe(`gather-like gradients on ${device}: in-place scatter = recorded scatter_add`, () => {
    it('embedding, index_select and gather: repeated indices accumulate; createGraph gives the same values and a graph', async () => {
      const x = torch.randn([6, 3]).to(device).requiresGrad_();
      const rows = torch.tensor([0, 2, 2, 5, 0], { dtype: 'int32' }).to(device);
      const cols = torch.tensor([0, 2, 2, 1, 0, 1], { dtype: 'int32' }).reshape([2, 3]).to(device);
      const ops: [string, (x: Tensor) => Tensor][] = [
        ['embedding', (x) => torch.nn.functional.embedding(rows, x)],
        ['index_select', (x) => torch.indexSelect(x, 0, rows)],
        ['gather', (x) => torch.gather(x, 0, cols)],
      ];
      for (const [name, f] of ops) {
        const w = torch.randn(f(x).shape).to(device).requiresGrad_(); // the gradient depends on w
        const [plain] = torch.autograd.grad([f(x).mul(w).sum()], [x]);
        const [graph] = torch.autograd.grad([f(x).mul(w).sum()], [x], { createGraph: true });
        expect(plain!.requiresGrad, name).toBe(false);
        expect(graph!.requiresGrad, name).toBe(true);
        const p = Array.from(await plain!.toArray());
        expect(p, name).toEqual(Array.from(await graph!.toArray()));
        // Reference: the per-element loop over the gathered positions.
        const want = new Array<number>(18).fill(0);
        const wv = await w.detach().toArray();
        const ri = await rows.toArray();
        const ci = await cols.toArray();
        if (name === 'gather') for (let k = 0; k < 6; k++) want[ci[k] * 3 + (k % 3)] += wv[k];
        else for (let k = 0; k < 15; k++) want[ri[Math.floor(k / 3)] * 3 + (k % 3)] += wv[k];
        close(p, want);
      }
    });
  });
