/**
 * The fused LayerNorm (routines.layerNorm / layerNormBackward, one kernel forward and two
 * backward on WebGPU) against the composed definition on the same device (setFusedLayerNorm
 * (false)) and against the CPU: values, input/weight/bias gradients, double backward, and the
 * dispatch counts. The composed definition itself is checked against PyTorch by conformance.
 */
import { afterEach, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { setFusedLayerNorm } from '../../src/ops/norm.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { describeGpu } from './helpers.js';

const F = torch.nn.functional;

async function close(a: Tensor, b: Tensor, tol: number, what: string): Promise<void> {
  const flat = async (t: Tensor) => Array.from((await t.flatten().toArray()) as ArrayLike<number>);
  const [x, y] = [await flat(a), await flat(b)];
  expect(x.length, what).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  expect(worst, what).toBeLessThan(tol);
}

interface Case {
  shape: number[];
  ns: number[];
  affine: 'both' | 'weight' | 'none';
}

/** Forward and gradients of sum(layerNorm(x) * r) on `device`, fused or composed. */
function run(c: Case, device: string, fused: boolean, seed = 0) {
  setFusedLayerNorm(fused);
  torch.manualSeed(seed);
  const x = torch.randn(c.shape).mul(3).add(1).to(device).requiresGrad_();
  const w = torch.randn(c.ns).to(device).requiresGrad_();
  const b = torch.randn(c.ns).to(device).requiresGrad_();
  const r = torch.randn(c.shape).to(device);
  const y = F.layerNorm(x, c.ns, {
    weight: c.affine === 'none' ? null : w,
    bias: c.affine === 'both' ? b : null,
    eps: 1e-5,
  });
  y.mul(r).sum().backward();
  return { y, dx: x.grad!, dw: w.grad, db: b.grad };
}

describeGpu('fused layerNorm on webgpu', () => {
  afterEach(() => setFusedLayerNorm(true));
  const cases: Case[] = [
    { shape: [4, 8, 64], ns: [64], affine: 'both' }, // nanoGPT's shape, D = the workgroup size
    { shape: [3, 200], ns: [200], affine: 'both' }, // D > 64: each thread loops
    { shape: [2, 3, 4, 5], ns: [4, 5], affine: 'weight' }, // two normalized dims, D < 64
    { shape: [7, 33], ns: [33], affine: 'none' },
    { shape: [5], ns: [5], affine: 'both' }, // no leading dim
  ];
  for (const c of cases)
    it(`[${c.shape}] over [${c.ns}], affine ${c.affine}: values and gradients = composed and CPU`, async () => {
      const f = run(c, 'webgpu', true);
      const composed = run(c, 'webgpu', false);
      const cpu = run(c, 'cpu', false);
      for (const [k, want] of Object.entries(composed)) {
        const got = f[k as keyof typeof f];
        if (!want) {
          expect(got, k).toBeNull();
          continue;
        }
        await close(got!, want, 2e-5, `${k} vs composed`);
        await close(got!, cpu[k as keyof typeof cpu]!, 2e-5, `${k} vs cpu`);
      }
    });

  it('one dispatch forward, two backward (input, weight and bias gradients)', async () => {
    const x = torch.randn([16, 32, 64]).to('webgpu').requiresGrad_();
    const ln = new torch.nn.LayerNorm(64).to('webgpu');
    const g = torch.randn([16, 32, 64]).to('webgpu');
    await torch.webgpu.synchronize();
    torch.webgpu.resetStats();
    torch.webgpu.startTrace();
    const y = ln(x) as Tensor;
    const fwd = torch.webgpu
      .stopTrace()
      .filter((e) => !e.startsWith('alloc:') && !e.startsWith('free:') && e !== 'submit');
    expect(fwd).toEqual(['ln:w1b1']);
    torch.webgpu.startTrace();
    y.backward(g);
    const bwd = torch.webgpu.stopTrace().filter((e) => e.startsWith('ln'));
    expect(bwd).toEqual(['ln_bwd_dx:w1', 'ln_bwd_dwb:w1b1']);
  });

  it('double backward (createGraph) through the fused op equals the composed one', async () => {
    const grads = (fused: boolean) => {
      setFusedLayerNorm(fused);
      torch.manualSeed(3);
      const x = torch.randn([3, 6, 16]).to('webgpu').requiresGrad_();
      const w = torch.randn([16]).to('webgpu').requiresGrad_();
      const y = F.layerNorm(x, [16], { weight: w });
      const gx = torch.autograd.grad(y.pow(3).sum(), [x], { createGraph: true })[0]!;
      gx.pow(2).sum().backward();
      return [gx, x.grad!, w.grad!];
    };
    const f = grads(true);
    const c = grads(false);
    for (let i = 0; i < f.length; i++) await close(f[i], c[i], 1e-4, `grad ${i}`);
  });
});
