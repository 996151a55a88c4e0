/**
 * Small ops of the op surface (src/ops/misc-more.ts, clamp's backward, H/mH, new_*), on every
 * device, against numbers printed by PyTorch 1.13 (the calls are quoted above each check).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

/** Elementwise within 1e-5; infinities and NaN must match exactly. */
function close(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  for (const [k, v] of got.entries()) {
    if (Number.isNaN(want[k])) expect(Number.isNaN(v)).toBe(true);
    else if (v !== want[k]) expect(Math.abs(v - want[k])).toBeLessThan(1e-5);
  }
}

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
    it('native_layer_norm and native_batch_norm return the saved statistics', async () => {
      // torch.native_layer_norm([[1, 2, 4], [0, 3, 3]], [3], None, None, 1e-5)
      const [o, m, r] = torch.nativeLayerNorm(t([1, 2, 4, 0, 3, 3], [2, 3]), [3], null, null, 1e-5);
      close(await values(o), [-1.069041371, -0.26726031, 1.336301804, -1.414209962, 0.70710498, 0.70710498]);
      expect(m.shape).toEqual([2, 1]);
      close(await values(m), [2.3333333, 2]);
      close(await values(r), [0.80178106, 0.70710498]);
      // torch.native_batch_norm([[1, 2], [3, 6]], None, None, rm=zeros(2), rv=ones(2), True, 0.1, 1e-5)
      const rm = torch.zeros(2).to(device);
      const rv = torch.ones(2).to(device);
      const [bo, bm, bs] = torch.nativeBatchNorm(
        t([1, 2, 3, 6], [2, 2]),
        null,
        null,
        rm,
        rv,
        true,
        0.1,
        1e-5,
      );
      close(await values(bo), [-0.999995, -0.99999875, 0.999995, 0.99999875]);
      close(await values(bm), [2, 4]);
      close(await values(bs), [0.999995, 0.49999937]);
      close(await values(rm), [0.2, 0.4]);
      close(await values(rv), [1.1, 1.7]);
    });

    it('gradient: central differences, edge orders, spacing as a step or coordinates, backward', async () => {
      const f = t([1, 2, 4, 7, 11]).requiresGrad_(true);
      // torch.gradient(f) -> [1, 1.5, 2.5, 3.5, 4]; spacing=2., edge_order=2 -> [0.25, ..., 2.25]
      close(await values(torch.gradient(f)[0]), [1, 1.5, 2.5, 3.5, 4]);
      close(await values(torch.gradient(f, { spacing: 2, edgeOrder: 2 })[0]), [0.25, 0.75, 1.25, 1.75, 2.25]);
      // spacing=(tensor([0, 1, 3, 4, 6]),), edge_order=2
      const coords = t([0, 1, 3, 4, 6]);
      close(
        await values(torch.gradient(f, { spacing: [coords], edgeOrder: 2 })[0]),
        [1, 1, 2.3333337, 2.6666665, 1.333333],
      );
      // g, = torch.gradient(f, edge_order=2); g.backward([1, 0, 0, 0, 2]) -> f.grad
      torch.gradient(f, { edgeOrder: 2 })[0].backward(t([1, 0, 0, 0, 2]));
      close(await values(f.grad!), [-1.5, 2, 0.5, -4, 3]);
      // torch.gradient(arange(6.).reshape(2, 3) ** 2, dim=1) -> [[1, 2, 3], [7, 8, 9]]
      const sq = t([0, 1, 4, 9, 16, 25], [2, 3]);
      close(await values(torch.gradient(sq, { dim: 1 })[0]), [1, 2, 3, 7, 8, 9]);
      expect(() => torch.gradient(t([1, 2]), { edgeOrder: 2 })).toThrow(/at least edge_order\+1/);
    });

    it('segment_reduce over lengths and offsets, with and without initial', async () => {
      const d = () => t([1, 5, 2, 3, 4]);
      const lengths = torch.tensor([2, 0, 3], { dtype: 'int32' }).to(device);
      // torch.segment_reduce(d, r, lengths=[2, 0, 3]) and with initial=2.
      const want: Record<string, [number[], number[]]> = {
        sum: [
          [6, 0, 9],
          [8, 2, 11],
        ],
        mean: [
          [3, Number.NaN, 3],
          [4, 2, 3.6666667],
        ],
        max: [
          [5, Number.NEGATIVE_INFINITY, 4],
          [5, 2, 4],
        ],
        min: [
          [1, Number.POSITIVE_INFINITY, 2],
          [1, 2, 2],
        ],
        prod: [
          [5, 1, 24],
          [10, 2, 48],
        ],
      };
      for (const [r, [plain, init]] of Object.entries(want)) {
        const red = r as 'sum';
        const a = await values(torch.segmentReduce(d(), red, { lengths }));
        const b = await values(torch.segmentReduce(d(), red, { lengths, initial: 2 }));
        close(a, plain);
        close(b, init);
      }
      const offsets = torch.tensor([0, 2, 2, 5], { dtype: 'int32' }).to(device);
      expect(await values(torch.segmentReduce(d(), 'sum', { offsets }))).toEqual([6, 0, 9]);
      // segment_reduce(arange(12.).reshape(2, 6), 'sum', lengths=[[1, 5], [3, 3]], axis=1)
      const l2 = torch
        .tensor(
          [
            [1, 5],
            [3, 3],
          ],
          { dtype: 'int32' },
        )
        .to(device);
      expect(
        await values(
          torch.segmentReduce(torch.arange(12, { dtype: 'float32' }).reshape([2, 6]).to(device), 'sum', {
            lengths: l2,
            axis: 1,
          }),
        ),
      ).toEqual([0, 15, 21, 30]);
      // d2 = [1, 5, 5, 3, 4]; segment_reduce(d2, 'max', lengths=[3, 2]).sum().backward() -> [0, .5, .5, 0, 1]
      const d2 = t([1, 5, 5, 3, 4]).requiresGrad_(true);
      torch
        .segmentReduce(d2, 'max', { lengths: torch.tensor([3, 2], { dtype: 'int32' }).to(device) })
        .sum()
        .backward();
      expect(await values(d2.grad!)).toEqual([0, 0.5, 0.5, 0, 1]);
    });

    it('index with tensors: advanced indexing over the leading dims, gradient', async () => {
      const x = torch.arange(24, { dtype: 'float32' }).reshape([2, 3, 4]).to(device).requiresGrad_(true);
      const ix = (v: number[]) => torch.tensor(v, { dtype: 'int32' }).to(device);
      // x[tensor([1, 0]), tensor([2, 1])] -> [[20, 21, 22, 23], [4, 5, 6, 7]]
      const y = x.index(ix([1, 0]), ix([2, -2]));
      expect([y.shape, await values(y)]).toEqual([
        [2, 4],
        [20, 21, 22, 23, 4, 5, 6, 7],
      ]);
      y.sum().backward();
      const g = await values(x.grad!);
      expect(g.filter((v) => v === 1).length).toBe(8);
      expect([g[4], g[20], g[0]]).toEqual([1, 1, 0]);
      const mask = torch.tensor([true, false]).to(device);
      if (device === 'cpu') expect(x.index(mask).shape).toEqual([1, 3, 4]);
      else expect(() => x.index(mask)).toThrow(/bool index makes the output shape depend on the data/);
    });
  });
