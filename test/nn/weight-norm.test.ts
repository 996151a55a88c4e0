/**
 * nn.utils.weightNorm / spectralNorm against PyTorch 1.13 (torch.nn.utils.weight_norm /
 * spectral_norm on a Linear(3, 2) with W = [[1,2,2],[0,3,4]], bias 0.5, x = [[1,1,1]]).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
const vals = async (t: torch.Tensor) => Array.from(await t.toArray());
const close = (got: number[], want: number[], tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - want[i])).toBeLessThan(tol * (1 + Math.abs(want[i])));
  });
};
function lin(device: string) {
  const l = new nn.Linear(3, 2).to(device);
  torch.noGrad(() => {
    l.weight.copy_(
      torch.tensor(
        [
          [1, 2, 2],
          [0, 3, 4],
        ],
        { dtype: 'float32', device },
      ),
    );
    l.bias!.fill_(0.5);
  });
  return l;
}

for (const device of testDevices())
  describe(`weight/spectral norm on ${device}`, () => {
    it('weightNorm: weight_g/weight_v with PyTorch keys, recomputed each call, gradients; remove', async () => {
      const l = lin(device);
      nn.utils.weightNorm(l);
      expect(Object.keys(l.stateDict())).toEqual(['bias', 'weight_g', 'weight_v']);
      expect([...l.namedParameters()].map(([k]) => k)).toEqual(['bias', 'weight_g', 'weight_v']);
      const g = (l as unknown as { weight_g: torch.Tensor }).weight_g;
      const v = (l as unknown as { weight_v: torch.Tensor }).weight_v;
      expect(g.shape).toEqual([2, 1]);
      close(await vals(g), [3, 5]);
      torch.noGrad(() => g.mul_(2));
      const y = l(torch.ones([1, 3], { device }));
      close(await vals(y), [10.5, 14.5]); // the new g is used: weight recomputed before forward
      y.sum().backward();
      close(await vals(g.grad!), [1.6666666, 1.4]);
      close(await vals(v.grad!), [0.888889, -0.222222, -0.222222, 2.0, 0.32, -0.24], 1e-4);
      nn.utils.removeWeightNorm(l);
      expect(Object.keys(l.stateDict())).toEqual(['bias', 'weight']);
      close(await vals(l.weight), [2, 4, 4, 0, 6, 8]);
      expect(() => nn.utils.removeWeightNorm(l)).toThrow(/weight_norm of 'weight' not found/);
      const l2 = nn.utils.weightNorm(new nn.Linear(3, 2), { dim: null });
      expect((l2 as unknown as { weight_g: torch.Tensor }).weight_g.shape).toEqual([]);
    });
    it('spectralNorm: weight_orig/u/v keys, one power iteration per training call, eval keeps u/v', async () => {
      const l = lin(device);
      nn.utils.spectralNorm(l);
      expect(Object.keys(l.stateDict())).toEqual(['bias', 'weight_orig', 'weight_u', 'weight_v']);
      const r = l as unknown as { weight_u: torch.Tensor; weight_v: torch.Tensor; weight: torch.Tensor };
      torch.noGrad(() => {
        r.weight_u.copy_(torch.tensor([0.6, 0.8], { device }));
        r.weight_v.copy_(torch.tensor([1, 0, 0], { dtype: 'float32', device }));
      });
      l(torch.ones([1, 3], { device }));
      close(await vals(r.weight_u), [0.5046268, 0.8633375]);
      close(await vals(r.weight_v), [0.1049567, 0.6297403, 0.7696826]);
      const w = [0.1737814, 0.3475628, 0.3475628, 0.0, 0.5213442, 0.6951256];
      close(await vals(r.weight), w);
      l.eval();
      l(torch.ones([1, 3], { device }));
      close(await vals(r.weight_u), [0.5046268, 0.8633375]); // no iteration in eval
      close(await vals(r.weight), w);
      // gradient flows to weight_orig
      l.train();
      l(torch.ones([1, 3], { device }))
        .sum()
        .backward();
      expect((l as unknown as { weight_orig: torch.Tensor }).weight_orig.grad).not.toBeNull();
      nn.utils.removeSpectralNorm(l);
      expect(Object.keys(l.stateDict())).toEqual(['bias', 'weight']);
    });
  });
