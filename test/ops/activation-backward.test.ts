/**
 * The kernel activations' backward without a graph (plain backward) is ONE kernel g · d(x); with
 * createGraph it is the recorded product g · d(x) (d as ops where given). Both must agree: the
 * fused kernel is checked against the unfused ops, on values spread over each branch.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;
const acts: [string, (x: Tensor) => Tensor][] = [
  ['gelu', (x) => F.gelu(x)],
  ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' })],
  ['elu', (x) => F.elu(x, 0.7)],
  ['selu', (x) => F.selu(x)],
  ['leaky_relu', (x) => F.leakyRelu(x, 0.05)],
  ['hardtanh', (x) => F.hardtanh(x, -0.5, 0.8)],
  ['softplus', (x) => F.softplus(x, 2, 3)],
  ['silu', (x) => F.silu(x)],
];

for (const device of testDevices())
  describe(`activation backward on ${device}`, () => {
    for (const [name, f] of acts)
      it(`${name}: the one-kernel backward equals the recorded g · d(x)`, async () => {
        const x0 = torch.linspace(-6, 6, 97).view([1, 97]).to(device);
        const g = torch.randn([3, 97], { generator: new torch.Generator(4) }).to(device);
        const a = x0.detach().requiresGrad_(true);
        f(a.expand([3, 97])).backward(g);
        const b = x0.detach().requiresGrad_(true);
        const [gb] = torch.autograd.grad([f(b.expand([3, 97]))], [b], {
          gradOutputs: [g],
          createGraph: true,
        });
        const av = await values(a.grad!);
        const bv = await values(gb!);
        const err = Math.max(...av.map((v, i) => Math.abs(v - bv[i]) / (1 + Math.abs(bv[i]))));
        expect(err).toBeLessThan(2e-6);
        expect(av.some((v) => v !== 0)).toBe(true);
      });
  });

// --- perfgpt3 ---
for (const device of testDevices())
  describe(`gelu with a graph (on the CPU Phi is kept for the backward) on ${device}`, () => {
    it('its forward equals the one-kernel forward without a graph', async () => {
      const x0 = torch
        .linspace(-9, 9, 1001)
        .mul(torch.linspace(0.5, 3, 1001))
        .to(device);
      const withGraph = await values(F.gelu(x0.detach().requiresGrad_(true)));
      const noGraph = await values(torch.noGrad(() => F.gelu(x0)));
      const err = Math.max(
        ...withGraph.map((v, i) => Math.abs(v - noGraph[i]) / (1e-30 + Math.abs(noGraph[i]))),
      );
      expect(err).toBeLessThanOrEqual(2 ** -22);
    });
    it('a retained graph runs its backward twice (the kept Phi outlives the first)', async () => {
      const x = torch.linspace(-4, 4, 33).to(device).requiresGrad_(true);
      const y = F.gelu(x);
      y.sum().backward({ retainGraph: true });
      const once = await values(x.grad!);
      y.sum().backward();
      const twice = await values(x.grad!);
      for (let i = 0; i < twice.length; i++) expect(twice[i]).toBeCloseTo(2 * once[i], 6);
      expect(() => y.sum().backward()).toThrow(/second time/);
    });
  });
