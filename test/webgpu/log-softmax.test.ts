/**
 * The fused log_softmax (routines.logSoftmax / logSoftmaxBackward, one kernel each way on
 * WebGPU) against the composed definition on the same device (setFusedLogSoftmax(false)) and
 * the CPU: values (special rows included), gradients, double backward, dispatch counts.
 */
import { afterEach, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { setFusedLogSoftmax } from '../../src/ops/activation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { describeGpu } from './helpers.js';

const F = torch.nn.functional;
const flat = async (t: Tensor) => Array.from((await t.flatten().toArray()) as ArrayLike<number>);

async function close(a: Tensor, b: Tensor, tol: number, what: string): Promise<void> {
  const [x, y] = [await flat(a), await flat(b)];
  expect(x.length, what).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(y[i]) || !Number.isFinite(y[i])) {
      expect(x[i], `${what}[${i}]`).toBe(y[i]);
      continue;
    }
    expect(Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])), `${what}[${i}]`).toBeLessThan(tol);
  }
}

function run(shape: number[], device: string, fused: boolean, transposed = false) {
  setFusedLogSoftmax(fused);
  torch.manualSeed(1);
  const x0 = torch.randn(shape).mul(4).to(device);
  const x = (transposed ? x0.t() : x0).detach().requiresGrad_();
  const r = torch.randn(x.shape).to(device);
  const y = F.logSoftmax(x, { dim: -1 });
  y.mul(r).sum().backward();
  return { y, dx: x.grad! };
}

describeGpu('fused logSoftmax on webgpu', () => {
  afterEach(() => setFusedLogSoftmax(true));
  const cases: [string, number[], boolean][] = [
    ['[64, 10] (mnist logits)', [64, 10], false],
    ['[3, 4, 200] (C > 64)', [3, 4, 200], false],
    ['[9, 7] transposed input', [9, 7], true],
  ];
  for (const [name, shape, tr] of cases)
    it(`${name}: values and gradients = composed and CPU`, async () => {
      const f = run(shape, 'webgpu', true, tr);
      const c = run(shape, 'webgpu', false, tr);
      const cpu = run(shape, 'cpu', false, tr);
      await close(f.y, c.y, 1e-6, 'y vs composed');
      await close(f.y, cpu.y, 1e-6, 'y vs cpu');
      await close(f.dx, c.dx, 1e-6, 'dx vs composed');
      await close(f.dx, cpu.dx, 1e-6, 'dx vs cpu');
    });

  it('special rows (all -inf, a large logit) give the composed values', async () => {
    setFusedLogSoftmax(true);
    const data = Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3);
    for (let j = 0; j < 6; j++) data[j] = -Infinity; // a fully masked row: NaN, as composed
    data[8] = 60; // needs the max shift
    const x = torch.tensor(data).reshape([4, 6]);
    const f = F.logSoftmax(x.to('webgpu'), { dim: 1 });
    setFusedLogSoftmax(false);
    const c = F.logSoftmax(x.to('webgpu'), { dim: 1 });
    await close(f, c, 1e-6, 'y');
    expect((await flat(f)).slice(0, 6).every(Number.isNaN)).toBe(true);
  });

  it('one dispatch forward, one backward', async () => {
    const x = torch.randn([64, 10]).to('webgpu').requiresGrad_();
    await torch.webgpu.synchronize();
    torch.webgpu.startTrace();
    const y = F.logSoftmax(x, { dim: 1 });
    const fwd = torch.webgpu
      .stopTrace()
      .filter((e) => !e.startsWith('alloc:') && !e.startsWith('free:') && e !== 'submit');
    expect(fwd.map((e) => e.split(':')[0])).toEqual(['lsm']);
    torch.webgpu.startTrace();
    y.backward(torch.ones([64, 10]).to('webgpu'));
    const bwd = torch.webgpu.stopTrace().filter((e) => e.startsWith('lsm'));
    expect(bwd.map((e) => e.split(':')[0])).toEqual(['lsm_bwd']);
  });

  it('double backward (createGraph) through the fused op equals the composed one', async () => {
    const grads = (fused: boolean) => {
      setFusedLogSoftmax(fused);
      torch.manualSeed(3);
      const x = torch.randn([5, 9]).to('webgpu').requiresGrad_();
      const y = F.logSoftmax(x, { dim: -1 });
      const gx = torch.autograd.grad(y.pow(2).sum(), [x], { createGraph: true })[0]!;
      gx.pow(2).sum().backward();
      return [gx, x.grad!];
    };
    const f = grads(true);
    const c = grads(false);
    for (let i = 0; i < f.length; i++) await close(f[i], c[i], 1e-5, `grad ${i}`);
  });
});
