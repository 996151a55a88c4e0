/**
 * batchNorm / layerNorm / groupNorm / normalize: PyTorch's values (ops.json group norm,
 * running stats included), the running-stats update rule, gradchecks on every device, errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { batchNorm as batchNormOp } from '../../src/ops/norm.js';
import {
  caseNames,
  expectConformance,
  expectGradcheck,
  expectSameAsCpu,
  leaf,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;

describe('batchNorm running statistics', () => {
  it('r = (1 - m) r + m * batch, with the unbiased variance; eval uses them', async () => {
    const x = torch.randn([6, 2, 3], { generator: new torch.Generator(1) });
    const rm = torch.tensor([0.5, -1], { dtype: 'float32' });
    const rv = torch.tensor([2, 1], { dtype: 'float32' });
    F.batchNorm(x, rm, rv, { training: true, momentum: 0.2 });
    const X = x.toArraySync();
    for (let c = 0; c < 2; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 6; n++) for (let l = 0; l < 3; l++) vals.push(X[n * 6 + c * 3 + l]);
      const mu = vals.reduce((a, b) => a + b) / 18;
      const unbiased = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / 17;
      expect(rm.toArraySync()[c]).toBeCloseTo(0.8 * [0.5, -1][c] + 0.2 * mu, 5);
      expect(rv.toArraySync()[c]).toBeCloseTo(0.8 * [2, 1][c] + 0.2 * unbiased, 5);
    }
    const y = F.batchNorm(x, rm, rv, { training: false, eps: 0 });
    const R = rm.toArraySync();
    const V = rv.toArraySync();
    expect(y.toArraySync()[4]).toBeCloseTo((X[4] - R[1]) / Math.sqrt(V[1]), 5);
  });
  it('a 0-d tensor momentum (the cumulative average) updates on the device', async () => {
    const x = torch.randn([4, 3], { generator: new torch.Generator(2) });
    const rm = torch.zeros([3]);
    // A tensor momentum is torchts-internal (BatchNorm's cumulative average): the op, not F.
    batchNormOp(x, rm, null, { training: true, momentum: torch.tensor(1, { dtype: 'float32' }) });
    const want = await x.mean(0).toArray();
    const got = await rm.toArray();
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(want[i], 6);
  });
  it('training without running stats normalises with the batch statistics only', async () => {
    const x = torch.randn([5, 2, 4], { generator: new torch.Generator(3) });
    const y = F.batchNorm(x, null, null, { training: true });
    const m = await y.mean([0, 2]).toArray();
    for (const v of m) expect(Math.abs(v)).toBeLessThan(1e-5);
  });
});

describe('layerNorm and groupNorm (CPU)', () => {
  it('groupNorm with one group per channel is instance norm; with one group, layer norm over C,H,W', async () => {
    const x = torch.randn([2, 4, 3, 3], { generator: new torch.Generator(4) });
    const g1 = await F.groupNorm(x, 1).toArray();
    const ln = await F.layerNorm(x, [4, 3, 3]).toArray();
    for (let i = 0; i < g1.length; i++) expect(g1[i]).toBeCloseTo(ln[i], 5);
    const g4 = F.groupNorm(x, 4);
    const m = await g4.mean([2, 3]).toArray();
    for (const v of m) expect(Math.abs(v)).toBeLessThan(1e-5);
    const w = torch.tensor([1, 2, 3, 4], { dtype: 'float32' });
    const b = torch.tensor([0, 0, 0, 10], { dtype: 'float32' });
    const gb = await F.groupNorm(x, 2, { weight: w, bias: b }).toArray();
    const g2 = await F.groupNorm(x, 2).toArray();
    expect(gb[3 * 9 + 1]).toBeCloseTo(g2[3 * 9 + 1] * 4 + 10, 4);
  });
});

describe('normalisation errors', () => {
  it('BatchNorm with one value per channel in training mode', () => {
    expect(() => F.batchNorm(torch.zeros([1, 4]), null, null, { training: true })).toThrow(
      'Expected more than 1 value per channel when training, got input size torch.Size([1, 4])',
    );
    expect(() => F.batchNorm(torch.zeros([1, 4, 1, 1]), null, null, { training: true })).toThrow(
      'Expected more than 1 value per channel when training',
    );
    expect(() => F.batchNorm(torch.zeros([1, 4]), torch.zeros([4]), torch.ones([4]))).not.toThrow(); // eval
  });
  it('shape mismatches', () => {
    expect(() => F.batchNorm(torch.zeros([2, 3]), torch.zeros([4]), torch.ones([4]))).toThrow(
      'running_mean should contain 3 elements not 4',
    );
    expect(() => F.batchNorm(torch.zeros([2, 3]), null, null)).toThrow('must be defined in evaluation mode');
    expect(() => F.layerNorm(torch.zeros([3, 4, 5]), [4])).toThrow(
      'Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[3, 4, 5]',
    );
    expect(() => F.groupNorm(torch.zeros([2, 6, 4]), 4)).toThrow(
      'Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4',
    );
  });
});

for (const device of testDevices())
  describe(`norm on ${device}`, () => {
    describe('matches PyTorch (batch_norm/train also compares the mutated running stats)', () => {
      for (const name of caseNames('norm')) it(name, () => expectConformance(name, device));
    });
    describe('gradcheck', () => {
      it('batchNorm training, [N, C, H, W] with weight and bias', () =>
        expectGradcheck(
          (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
          [leaf([3, 2, 4, 3], device, 71), leaf([2], device, 72, { shift: 1 }), leaf([2], device, 73)],
        ));
      it('batchNorm training [N, C] and eval [N, C, L]', () =>
        expectGradcheck(
          (x, y, w) => {
            const rm = torch.tensor([0.2, -0.1, 0.3], { dtype: 'float32' }).to(device);
            const rv = torch.tensor([1.5, 0.7, 2], { dtype: 'float32' }).to(device);
            return torch.stack([
              F.batchNorm(x, null, null, { training: true, weight: w }).pow(2).mul(x).sum(),
              F.batchNorm(y, rm, rv, { weight: w }).pow(2).sum(),
            ]);
          },
          [leaf([5, 3], device, 74), leaf([2, 3, 4], device, 75), leaf([3], device, 76, { shift: 1 })],
        ));
      it('layerNorm over two trailing dims, with affine', () =>
        expectGradcheck(
          (x, w, b) => F.layerNorm(x, [3, 4], { weight: w, bias: b }),
          [leaf([2, 3, 4], device, 77), leaf([3, 4], device, 78, { shift: 1 }), leaf([3, 4], device, 79)],
        ));
      it('groupNorm with affine', () =>
        expectGradcheck(
          (x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }),
          [leaf([2, 4, 3, 2], device, 80), leaf([4], device, 81, { shift: 1 }), leaf([4], device, 82)],
        ));
      it('normalize p=2 and p=1 (away from the kink of |x|)', () =>
        expectGradcheck(
          (x, y) =>
            torch.stack([
              F.normalize(x, { dim: 1 }).pow(3).sum(),
              F.normalize(y, { p: 1, dim: 0 }).pow(3).sum(),
            ]),
          [leaf([4, 5], device, 83), leaf([4, 5], device, 84, { shift: 4 })],
        ));
    });
    if (device !== 'cpu')
      it('agrees with the CPU at a CNN size', async () => {
        await expectSameAsCpu(
          (x) => F.batchNorm(x, null, null, { training: true }),
          [[32, 16, 14, 14]],
          device,
        );
        await expectSameAsCpu((x) => F.groupNorm(x, 4), [[8, 16, 7, 7]], device);
        await expectSameAsCpu((x) => F.layerNorm(x, [64]), [[128, 64]], device);
      });
  });
