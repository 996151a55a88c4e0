/**
 * perfgpu2: F.dropout as one kernel each way (y = x * (u >= p ? s : 0), dx = g * the same) for
 * float32/float64, against the composed definition from the same uniforms (rand, mask, mul):
 * values bit for bit, gradients, double backward; on WebGPU too where an adapter exists.
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { webgpuAvailable } from '../helpers/devices.js';

const F = torch.nn.functional;
const arr = async (t: Tensor) => Array.from((await t.flatten().toArray()) as ArrayLike<number>);

/** The composed reference: the same draws (same seed), mask of 1 / (1 - p) rounded to dtype. */
function reference(x: Tensor, p: number, seed: number): Tensor {
  torch.manualSeed(seed);
  const u = torch.rand(x.shape, { device: x.device.type });
  const keep = torch.where(u.ge(p), torch.full([], 1 / (1 - p), { dtype: x.dtype }).to(x.device.type), 0);
  return x.mul(keep.to(x.dtype));
}

const devices = webgpuAvailable() ? ['cpu', 'webgpu'] : ['cpu'];
for (const device of devices)
  for (const dtype of device === 'cpu' ? (['float32', 'float64'] as const) : (['float32'] as const))
    for (const p of [0.25, 0.5])
      it(`${device} ${dtype} p=${p}: values and gradient = the composed mask product`, async () => {
        const x0 = torch.randn([7, 33], { dtype });
        const x = x0.to(device).requiresGrad_();
        torch.manualSeed(11);
        const y = F.dropout(x, { p, training: true });
        const r = torch.randn([7, 33], { dtype }).to(device);
        y.mul(r).sum().backward();
        const xr = x0.to(device).requiresGrad_();
        const yr = reference(xr, p, 11);
        yr.mul(r).sum().backward();
        expect(await arr(y)).toEqual(await arr(yr));
        expect(await arr(x.grad!)).toEqual(await arr(xr.grad!));
        const kept = (await arr(y)).filter((v) => v !== 0).length;
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThan(7 * 33);
      });

it('double backward through dropout (createGraph) is the mask again', async () => {
  const x = torch.randn([4, 9], { dtype: 'float64' }).requiresGrad_();
  torch.manualSeed(3);
  const y = F.dropout(x, { p: 0.3, training: true });
  const [gx] = torch.autograd.grad(y.pow(2).sum(), [x], { createGraph: true });
  const [ggx] = torch.autograd.grad(gx!.sum(), [x]);
  // d/dx sum(2 y m) = 2 m^2 with m = y / x where kept.
  const xs = await arr(x);
  const m = (await arr(y)).map((v, i) => v / (xs[i] || 1));
  const got = await arr(ggx!);
  for (let i = 0; i < m.length; i++) expect(got[i]).toBeCloseTo(2 * m[i] * m[i], 10);
});
