/** Losses: PyTorch's values, gradchecks over every option, label/shape errors. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import * as L from '../../src/ops/loss.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  distinctLeaf,
  expectConformance,
  expectGradcheck,
  leaf,
  ncLeaf,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`losses on ${device}`, () => {
    const labels = (v: torch.NestedNumbers) => torch.tensor(v).to(device);
    const probs = (shape: number[], seed: number) =>
      torch.softmax(torch.randn(shape, { generator: new torch.Generator(seed) }), -1).to(device);

    describe('matches PyTorch', () => {
      for (const name of caseNames('loss')) it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      const y = () => labels([1, 0, 3, -100, 2]);
      const w = () => torch.tensor([0.5, 2, 1, 1.5]).to(device);
      const ce: [string, (x: Tensor) => Tensor][] = [
        ['cross entropy mean (fused routine where the backend has it)', (x) => L.crossEntropy(x, y())],
        [
          'cross entropy sum / none',
          (x) =>
            L.crossEntropy(x, y(), { reduction: 'sum' }).add(
              L.crossEntropy(x, y(), { reduction: 'none' }).pow(2).sum(),
            ),
        ],
        [
          'cross entropy weight + ignoreIndex + label smoothing',
          (x) => L.crossEntropy(x, y(), { weight: w(), labelSmoothing: 0.15 }),
        ],
        [
          'cross entropy probability targets, label smoothing',
          (x) => L.crossEntropy(x, probs([5, 4], 3), { labelSmoothing: 0.1 }),
        ],
        [
          'nll loss weighted sum',
          (x) => L.nllLoss(torch.logSoftmax(x, 1), y(), { weight: w(), reduction: 'sum' }),
        ],
      ];
      for (const [name, f] of ce) it(name, () => expectGradcheck(f, [leaf([5, 4], device, 81)]));
      it('cross entropy over [N, C, d1, d2] from a non-contiguous input', () =>
        expectGradcheck(
          (x) =>
            L.crossEntropy(
              x,
              labels([
                [
                  [0, 2],
                  [1, 1],
                ],
                [
                  [2, 0],
                  [0, 1],
                ],
              ]),
            ),
          [ncLeaf([2, 3, 2, 2], device, 82)],
        ));
      it('cross entropy of a single unbatched sample', () =>
        expectGradcheck((x) => L.crossEntropy(x, labels([2]).reshape([])), [leaf([4], device, 83)]));
      const pair: [string, (x: Tensor, t: Tensor) => Tensor][] = [
        ['mse', (x, t) => L.mseLoss(x, t)],
        ['l1 sum', (x, t) => L.l1Loss(x, t, { reduction: 'sum' })],
        ['smooth l1 beta 0.5', (x, t) => L.smoothL1Loss(x, t, { beta: 0.5 })],
        ['huber delta 0.7 none', (x, t) => L.huberLoss(x, t, { delta: 0.7, reduction: 'none' })],
        [
          'bce with logits, posWeight and weight',
          (x, t) =>
            L.binaryCrossEntropyWithLogits(x, t.sigmoid(), {
              posWeight: torch.full([4], 2).to(device),
              weight: torch.full([3, 4], 0.5).to(device),
            }),
        ],
        ['bce on probabilities', (x, t) => L.binaryCrossEntropy(x.sigmoid(), t.sigmoid())],
        [
          'kl div batchmean',
          (x, t) => L.klDiv(torch.logSoftmax(x, 1), torch.softmax(t, 1), { reduction: 'batchmean' }),
        ],
        [
          'kl div logTarget sum',
          (x, t) =>
            L.klDiv(torch.logSoftmax(x, 1), torch.logSoftmax(t, 1), { logTarget: true, reduction: 'sum' }),
        ],
      ];
      // Two shuffled 0.1-grids offset by 0.05: x - t is never within 0.05 of the kinks of l1,
      // smooth l1 (beta 0.5) or huber (delta 0.7), so finite differences stay on one side.
      const target = () =>
        distinctLeaf([4, 3], device, 85).detach().transpose(0, 1).add(0.05).requiresGrad_(true);
      for (const [name, f] of pair)
        it(name, () => expectGradcheck(f, [distinctLeaf([3, 4], device, 84), target()]));
    });

    it('fused cross entropy equals the composed log_softmax + nll reference', async () => {
      const x = leaf([6, 5], device, 86);
      const t = labels([4, 0, -100, 2, 2, 1]);
      const fused = L.crossEntropy(x, t);
      const ref = L.nllLoss(torch.logSoftmax(x, 1), t);
      expect(await fused.item()).toBeCloseTo(await ref.item(), 5);
      const [g1] = torch.autograd.grad(fused, [x]);
      const [g2] = torch.autograd.grad(ref, [x]);
      const [a, b] = [await g1!.toArray(), await g2!.toArray()];
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 6);
    });

    describe('errors', () => {
      const x = () => torch.zeros([4, 3], { device });
      it('wrong label dtype names it', () => {
        expect(() => L.crossEntropy(x(), torch.tensor([true, false, true, false]).to(device))).toThrow(
          /cross_entropy: expected target of dtype int64 \(class indices\) or float32 \(probabilities\), got bool/,
        );
        expect(() => L.nllLoss(x(), torch.zeros([4], { device }))).toThrow(
          /nll_loss: expected target of dtype int64.*got float32/,
        );
        expect(() => L.crossEntropy(torch.tensor([[1, 2]]).to(device), labels([0]))).toThrow(
          /cross_entropy: expected float logits, got int64/,
        );
      });
      it('float targets of the wrong shape, int targets of the wrong shape', () => {
        expect(() => L.crossEntropy(x(), torch.zeros([4], { device }))).toThrow(
          /target size \(\[4\]\) that is different to the input size \(\[4, 3\]\)/,
        );
        expect(() => L.crossEntropy(x(), labels([0, 1]))).toThrow(
          /expected target of shape \[4\] for input \[4, 3\], got \[2\]/,
        );
        expect(() => L.mseLoss(x(), torch.zeros([3, 4], { device }))).toThrow(
          /mse_loss: Using a target size \(\[3, 4\]\)/,
        );
      });
      if (device === 'cpu')
        it('class index out of range', () => {
          expect(() => L.crossEntropy(x(), labels([0, 1, 3, 0]))).toThrow(
            /Target 3 is out of bounds \(number of classes 3\)/,
          );
          expect(() => L.crossEntropy(x(), labels([0, -1, 2, 0]))).toThrow(/Target -1 is out of bounds/);
        });
      it('bad options', () => {
        expect(() => L.crossEntropy(x(), labels([0, 1, 2, 0]), { labelSmoothing: 1.5 })).toThrow(
          /label_smoothing must be between 0.0 and 1.0/,
        );
        expect(() => L.mseLoss(x(), x(), { reduction: 'avg' as 'mean' })).toThrow(
          /avg is not a valid value for reduction/,
        );
        expect(() => L.nllLoss(x(), labels([0, 1, 2, 0]), { weight: torch.ones([5], { device }) })).toThrow(
          /weight tensor should be defined either for all 3 classes/,
        );
      });
    });
  });
