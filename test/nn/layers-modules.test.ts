/**
 * EmbeddingBag, ParameterList/Dict, Dropout1d/3d, AlphaDropout, ChannelShuffle, Fold,
 * Softmax2d, TripletMarginWithDistanceLoss: values from PyTorch 1.13 (generated with
 * /usr/bin/python3 and torch 1.13, the snippets are in the comments), on every device.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
const F = nn.functional;
const vals = async (t: torch.Tensor) => Array.from(await t.toArray());
const close = (got: number[], want: number[], tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - want[i])).toBeLessThan(tol * (1 + Math.abs(want[i])));
  });
};
const f32 = (v: number[] | number[][], device: string) => torch.tensor(v, { dtype: 'float32', device });

for (const device of testDevices())
  describe(`helper modules on ${device}`, () => {
    it('EmbeddingBag sum/mean/max, per_sample_weights, padding_idx (PyTorch 1.13)', async () => {
      // W = arange(12).reshape(4,3)/10; inp = [0,2,1,3,3]; offsets = [0,2]
      const W = torch.arange(12, { device }).reshape([4, 3]).div(10);
      const inp = torch.tensor([0, 2, 1, 3, 3], { device });
      const off = torch.tensor([0, 2], { device });
      const eb = new nn.EmbeddingBag(4, 3, { mode: 'sum', Weight: W.clone() });
      close(await vals(eb(inp, off)), [0.6, 0.8, 1.0, 2.1, 2.4, 2.7]);
      const mean = new nn.EmbeddingBag(4, 3, { Weight: W.clone() });
      close(await vals(mean(inp, off)), [0.3, 0.4, 0.5, 0.7, 0.8, 0.9]);
      const mx = new nn.EmbeddingBag(4, 3, { mode: 'max', Weight: W.clone() });
      close(await vals(mx(inp, off)), [0.6, 0.7, 0.8, 0.9, 1.0, 1.1]);
      close(await vals(eb(inp, off, f32([1, 2, 3, 4, 5], device))), [1.2, 1.5, 1.8, 9.0, 10.2, 11.4]);
      const pad = new nn.EmbeddingBag(4, 3, { paddingIdx: 3, Weight: W.clone() });
      close(await vals(pad(inp, off)), [0.3, 0.4, 0.5, 0.3, 0.4, 0.5]);
      // default init: N(0,1) rows, the padding row zero; parameters as PyTorch
      const e2 = new nn.EmbeddingBag(10, 4, { paddingIdx: 0 });
      expect(Object.keys(e2.stateDict())).toEqual(['weight']);
      expect(await vals(e2.weight.select(0, 0))).toEqual([0, 0, 0, 0]);
      // gradient reaches the weight
      const x = new nn.EmbeddingBag(4, 3, { mode: 'sum', Weight: W.clone() }).to(device);
      x(inp, off).sum().backward();
      close(await vals(x.weight.grad!), [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    });
    it('ParameterList / ParameterDict register with PyTorch state dict keys', async () => {
      class M extends nn.Module {
        plist = new nn.ParameterList([torch.ones([2]), nn.Parameter(torch.zeros([3]))]);
        pdict = new nn.ParameterDict({ b: torch.ones([1]), a: torch.ones([2]) });
      }
      const m = new M().to(device);
      // PyTorch 1.13: ['plist.0', 'plist.1', 'pdict.a', 'pdict.b'] (a plain dict is sorted)
      expect(Object.keys(m.stateDict())).toEqual(['plist.0', 'plist.1', 'pdict.a', 'pdict.b']);
      expect(m.parameters().length).toBe(4);
      m.plist.append(torch.ones([4]));
      expect(m.plist.length).toBe(3);
      expect(m.plist.at(-1).shape).toEqual([4]);
      expect(nn.isParameter(m.plist.at(0))).toBe(true);
      m.pdict.set('c', torch.zeros([1]));
      expect(m.pdict.keys()).toEqual(['a', 'b', 'c']);
      expect([...m.namedParameters()].map(([k]) => k)).toContain('pdict.c');
      expect(m.pdict.delete('a')).toBe(true);
      expect(m.pdict.has('a')).toBe(false);
      expect(() => m.plist.at(5)).toThrow(RangeError);
      expect(() => (m.plist as unknown as () => void)()).toThrow(/should not be called/);
      const pd2 = new nn.ParameterDict([
        ['z', torch.ones([1])],
        ['y', torch.ones([1])],
      ]);
      expect(pd2.keys()).toEqual(['z', 'y']); // pairs keep their order
    });
    it('Dropout1d/3d zero whole channels; AlphaDropout keeps mean and variance', async () => {
      torch.manualSeed(0);
      const x = torch.ones([8, 16, 20], { device });
      const y = await vals(new nn.Dropout1d(0.5)(x));
      for (let c = 0; c < 8 * 16; c++) {
        const row = y.slice(c * 20, c * 20 + 20);
        expect(row.every((v) => v === row[0])).toBe(true);
        expect([0, 2]).toContain(row[0]);
      }
      const zeros = y.filter((v) => v === 0).length / y.length;
      expect(Math.abs(zeros - 0.5)).toBeLessThan(0.15);
      const d1 = new nn.Dropout1d(0.5);
      d1.eval();
      expect(d1(x)).toBe(x);
      expect(() => new nn.Dropout1d()(torch.ones([2, 2, 2, 2], { device }))).toThrow(
        /Expected 2D or 3D input/,
      );
      const y3 = await vals(new nn.Dropout3d(0.5)(torch.ones([4, 6, 2, 3, 2], { device })));
      for (let c = 0; c < 24; c++) expect(new Set(y3.slice(c * 12, c * 12 + 12)).size).toBe(1);
      const z = torch.randn([40000], { device, generator: new torch.Generator(3) });
      const az = await vals(new nn.AlphaDropout(0.3)(z));
      const m = az.reduce((a, b) => a + b) / az.length;
      const v = az.reduce((a, b) => a + (b - m) ** 2, 0) / az.length;
      expect(Math.abs(m)).toBeLessThan(0.03);
      expect(Math.abs(v - 1)).toBeLessThan(0.04);
      // dropped values sit at alpha' a + b = -alpha a (1 - p) ... one common value
      expect(new Set(az.map((t) => t.toFixed(4))).size).toBeLessThan(az.length);
      expect(await vals(F.alphaDropout(z, 0.3))).toEqual(await vals(z)); // training=False by default
    });
    it('Fold (F.fold) and its gradient; ChannelShuffle; Softmax2d (PyTorch 1.13)', async () => {
      // x = arange(2*12*15).reshape(2,12,15)/10; F.fold(x, (4,5), (2,3), padding=(1,0))
      const x = torch
        .arange(2 * 12 * 15, { device })
        .reshape([2, 12, 15])
        .div(10)
        .requiresGrad_();
      const fold = new nn.Fold([4, 5], [2, 3], { padding: [1, 0] });
      const y = fold(x);
      expect(y.shape).toEqual([2, 2, 4, 5]);
      close([(await vals(y.sum()))[0]], [5169.6], 1e-5);
      close(
        (await vals(y)).slice(0, 20),
        [
          4.8, 12.8, 24.0, 19.2, 11.2, 5.4, 14.0, 25.8, 20.4, 11.8, 6.0, 15.2, 27.6, 21.6, 12.4, 6.6, 16.4,
          29.4, 22.8, 13.0,
        ],
      );
      y.mul(torch.arange(80, { device }).reshape([2, 2, 4, 5]))
        .sum()
        .backward();
      // x.grad[0, :, 0]
      close(
        (await vals(x.grad!)).filter((_, i) => i < 180 && i % 15 === 0),
        [0, 0, 0, 0, 1, 2, 0, 0, 0, 20, 21, 22],
      );
      // unbatched, kernel 2: F.fold(arange(36).reshape(4, 9), (4, 4), 2)
      const y2 = F.fold(torch.arange(36, { device, dtype: 'float32' }).reshape([4, 9]), [4, 4], 2);
      expect(y2.shape).toEqual([1, 4, 4]);
      close(await vals(y2), [0, 10, 12, 11, 21, 62, 66, 43, 27, 74, 78, 49, 24, 58, 60, 35]);
      expect(() => F.fold(torch.ones([1, 12, 6], { device }), [4, 5], [2, 3], { padding: [1, 0] })).toThrow(
        /calculated number of sliding blocks 5 \* 3 = 15, but got input.size\(2\)=6/,
      );
      const cs = new nn.ChannelShuffle(2)(
        torch.arange(6, { device, dtype: 'float32' }).reshape([1, 6, 1, 1]),
      );
      expect(await vals(cs)).toEqual([0, 3, 1, 4, 2, 5]);
      const s2 = new nn.Softmax2d()(
        torch.arange(8, { device, dtype: 'float32' }).reshape([1, 2, 2, 2]).div(3),
      );
      close(
        await vals(s2),
        [0.2086085, 0.2086085, 0.2086085, 0.2086085, 0.7913915, 0.7913915, 0.7913915, 0.7913915],
      );
    });
    it('Embedding max_norm renormalizes looked-up rows in place (PyTorch 1.13)', async () => {
      const e = new nn.Embedding(4, 3, { maxNorm: 1 }).to(device);
      torch.noGrad(() =>
        e.weight.copy_(
          f32(
            [
              [3, 4, 0],
              [0.3, 0.4, 0],
              [1, 2, 2],
              [0, 0, 5],
            ],
            device,
          ),
        ),
      );
      const y = e(
        torch.tensor(
          [
            [0, 2],
            [0, 1],
          ],
          { device },
        ),
      );
      close(await vals(y), [0.6, 0.8, 0, 0.3333333, 0.6666667, 0.6666667, 0.6, 0.8, 0, 0.3, 0.4, 0]);
      // row 3 (not looked up) keeps norm 5
      close(await vals(e.weight), [0.6, 0.8, 0, 0.3, 0.4, 0, 0.3333333, 0.6666667, 0.6666667, 0, 0, 5]);
      y.sum().backward();
      close(await vals(e.weight.grad!), [2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
      const w = f32(
        [
          [3, 4, 0],
          [0.3, 0.4, 0],
        ],
        device,
      );
      close(
        await vals(F.embedding(torch.tensor([1, 0], { device }), w, { maxNorm: 2, normType: 1 })),
        [0.3, 0.4, 0, 0.8571428, 1.1428571, 0],
      );
      close(await vals(w), [0.8571428, 1.1428571, 0, 0.3, 0.4, 0]);
    });
    it('TripletMarginWithDistanceLoss (PyTorch 1.13)', async () => {
      const a = f32(
        [
          [1, 2],
          [3, 4],
        ],
        device,
      );
      const p = f32(
        [
          [1, 0],
          [2, 2],
        ],
        device,
      );
      const n = f32(
        [
          [0, 2],
          [3, 3],
        ],
        device,
      );
      close(await vals(new nn.TripletMarginWithDistanceLoss()(a, p, n)), [2.1180341]);
      const l1 = (u: torch.Tensor, v: torch.Tensor) => u.sub(v).abs().sum(-1);
      const loss = new nn.TripletMarginWithDistanceLoss({
        distanceFunction: l1,
        margin: 2,
        swap: true,
        reduction: 'none',
      });
      close(await vals(loss(a, p, n)), [3, 4]);
    });
  });
