/** Activations and softmax: PyTorch's values, gradchecks (incl. large inputs), behaviour. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  expectConformance,
  expectGradcheck,
  leaf,
  ncLeaf,
  values,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const acts: [string, (x: Tensor) => Tensor][] = [
  ['gelu', (x) => torch.gelu(x)],
  ['gelu tanh', (x) => torch.gelu(x, { approximate: 'tanh' })],
  ['silu', torch.silu],
  ['softplus', (x) => torch.softplus(x)],
  ['softplus beta 2, threshold 1', (x) => torch.softplus(x, 2, 1)],
  ['leakyRelu', (x) => torch.leakyRelu(x, 0.1)],
  ['elu', (x) => torch.elu(x, 0.7)],
  ['selu', torch.selu],
  ['hardtanh', (x) => torch.hardtanh(x, -0.5, 0.8)],
  ['relu6', (x) => torch.relu6(x.mul(4))],
  ['mish', torch.mish],
  ['softmax dim 1', (x) => torch.softmax(x, 1)],
  ['softmax dim -1 (method)', (x) => x.softmax(-1)],
  ['logSoftmax dim 0', (x) => torch.logSoftmax(x, 0)],
  ['logSoftmax of large logits', (x) => torch.logSoftmax(x.add(500), -1)],
];

for (const device of testDevices())
  describe(`activations on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('activation', 'softmax')) it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      for (const [name, f] of acts) {
        // shift 0.05 keeps N(0, 1) samples off the kinks at 0 for this seed
        it(name, () => expectGradcheck(f, [leaf([3, 5], device, 71, { shift: 0.05 })]));
        it(`${name}, non-contiguous input`, () =>
          expectGradcheck(f, [ncLeaf([4, 3], device, 72, { shift: 0.05 })]));
      }
      it('double backward of softmax and gelu (createGraph)', async () => {
        const x = leaf([2, 3], device, 73);
        for (const f of [
          (t: Tensor) => torch.softmax(t, -1).pow(2).sum(),
          (t: Tensor) => torch.gelu(t).pow(3).sum(),
        ]) {
          // gradcheck's finite differences run under noGrad on detached copies: give grad() a leaf.
          const df = (t: Tensor) =>
            torch.enableGrad(() => {
              const u = t.requiresGrad ? t : t.detach().requiresGrad_(true);
              return torch.autograd.grad(f(u), [u], { createGraph: true })[0]!;
            });
          await expectGradcheck(df, [x]);
        }
      });
    });

    describe('values', () => {
      it('softmax rows sum to 1 and survive huge logits; logSoftmax of -inf stays -inf', async () => {
        const x = torch
          .tensor(
            [
              [1000, 0, -1000],
              [1, 2, 3],
            ],
            { dtype: 'float32' },
          )
          .to(device);
        const s = await values(torch.softmax(x, 1));
        expect(s[0]).toBeCloseTo(1, 6);
        expect(s.slice(3).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
        expect(s.every(Number.isFinite)).toBe(true);
        const l = await values(torch.logSoftmax(torch.tensor([0, Number.NEGATIVE_INFINITY]).to(device), 0));
        expect(l).toEqual([0, Number.NEGATIVE_INFINITY]);
      });
      it('dropout: identity in eval, zeroes ~p and scales by 1/(1-p) in training, seeded', async () => {
        const x = torch.ones([4000], { device });
        expect(torch.dropout(x, 0.3, false)).toBe(x);
        const d = await values(torch.dropout(x, 0.25, true, { generator: new torch.Generator(5) }));
        const kept = d.filter((v) => v !== 0);
        expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
        expect(Math.abs(kept.length / d.length - 0.75)).toBeLessThan(0.03);
        expect(await values(torch.dropout(x, 0.25, true, { generator: new torch.Generator(5) }))).toEqual(d);
        expect(() => torch.dropout(x, 1.5, true)).toThrow(
          /dropout probability has to be between 0 and 1, but got 1.5/,
        );
      });
      it('softmax dim out of range names the op', () => {
        expect(() => torch.softmax(torch.zeros([2, 3], { device }), 2)).toThrow(
          /softmax: Dimension out of range/,
        );
        expect(() => torch.logSoftmax(torch.zeros([2, 3], { device }), -3)).toThrow(
          /log_softmax: Dimension out of range/,
        );
      });
    });
  });
