/** Reductions: PyTorch's values, gradchecks over dims (negative, lists, keepdim, strided), errors. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  distinctLeaf,
  expectConformance,
  expectGradcheck,
  expectSameAsCpu,
  ncLeaf,
  values,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

type F = (x: Tensor) => Tensor;
const reductions: [string, F][] = [
  ['sum all', (x) => torch.sum(x)],
  ['sum dim -1 keepdim', (x) => torch.sum(x, -1, { keepdim: true })],
  ['sum dims [0, 2]', (x) => torch.sum(x, [0, 2])],
  ['mean dim 1', (x) => torch.mean(x, 1)],
  ['mean dims [-1, 0] keepdim', (x) => torch.mean(x, [-1, 0], { keepdim: true })],
  ['prod dim 1', (x) => torch.prod(x, 1)],
  // All of a small slice: a product of 60 values is too curved for a float32 finite difference.
  ['prod all', (x) => torch.prod(x.select(0, 1).narrow(-1, 1, 2))],
  ['amax dim -1', (x) => torch.amax(x, -1)],
  ['amin dims [0, 1] keepdim', (x) => torch.amin(x, [0, 1], { keepdim: true })],
  ['max(dim) values', (x) => x.max(1)[0]],
  ['min(dim, keepdim) values', (x) => x.min(-1, { keepdim: true })[0]],
  ['max all', (x) => x.max()],
  ['var dim 1', (x) => torch.var(x, 1)],
  ['var unbiased false keepdim', (x) => torch.var(x, -2, { unbiased: false, keepdim: true })],
  ['std all', (x) => torch.std(x)],
  ['logsumexp dim 1', (x) => torch.logsumexp(x, 1)],
  ['logsumexp dims [0,2] keepdim', (x) => torch.logsumexp(x, [0, 2], { keepdim: true })],
  ['norm fro', (x) => torch.norm(x)],
  ['norm p=1 dim -1', (x) => torch.norm(x, 1, -1)],
  ['norm p=3 dim 0', (x) => torch.norm(x, 3, 0)],
  ['cumsum dim 1', (x) => torch.cumsum(x, 1)],
  ['cumsum dim -1', (x) => torch.cumsum(x, -1)],
];

for (const device of testDevices())
  describe(`reductions on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('reduce')) it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      // Distinct values 0.1 apart: max/min/abs (norm p=1) have no tie or kink within a step.
      for (const [name, f] of reductions) {
        it(name, () => expectGradcheck(f, [distinctLeaf([3, 4, 5], device, 21)]));
        it(`${name}, non-contiguous input`, () =>
          expectGradcheck(f, [
            distinctLeaf([3, 5, 4], device, 22).detach().transpose(-1, -2).requiresGrad_(true),
          ]));
      }
      it('smooth reductions on N(0, 1) inputs', () =>
        expectGradcheck(
          (x) =>
            torch.stack([torch.logsumexp(x, 0).sum(), torch.std(x, -1).sum(), torch.norm(x, 2, 1).sum()]),
          [ncLeaf([4, 6], device, 23)],
        ));
      it('prod with a zero in the row (gradient is the product of the others)', async () => {
        const x = torch
          .tensor(
            [
              [2, 0, 3],
              [1.5, 2, -1],
            ],
            { dtype: 'float32' },
          )
          .to(device)
          .requiresGrad_(true);
        torch.prod(x, 1).sum().backward();
        expect(await values(x.grad!)).toEqual([0, 6, 0, -2, -1.5, 3]);
      });
      it('amax splits the gradient among ties, max(dim) sends it to the reported index', async () => {
        const x = torch
          .tensor(
            [
              [1, 3, 3],
              [2, 0, 2],
            ],
            { dtype: 'float32' },
          )
          .to(device)
          .requiresGrad_(true);
        torch.amax(x, 1).sum().backward();
        expect(await values(x.grad!)).toEqual([0, 0.5, 0.5, 0.5, 0, 0.5]);
        const y = torch
          .tensor(
            [
              [1, 3, 3],
              [2, 0, 2],
            ],
            { dtype: 'float32' },
          )
          .to(device)
          .requiresGrad_(true);
        const [v, i] = y.max(1);
        v.sum().backward();
        const idx = await values(i);
        const g = await values(y.grad!);
        expect(g.reduce((a, b) => a + b)).toBe(2);
        expect(g[idx[0]]).toBe(1);
        expect(g[3 + idx[1]]).toBe(1);
      });
    });

    describe('values', () => {
      it('argmax/argmin return int indices, first of ties; flat without a dim', async () => {
        const x = torch
          .tensor([
            [1, 5, 5],
            [7, -1, 7],
          ])
          .to(device);
        expect(await torch.argmax(x, 1).tolist()).toEqual([1, 0]);
        expect(await torch.argmin(x, -1, { keepdim: true }).tolist()).toEqual([[0], [1]]);
        expect(await torch.argmax(x).item()).toBe(3);
        expect(torch.argmax(x).dtype).toBe('int64');
      });
      it('sum of bools counts, mean of ints is an error, all/any', async () => {
        const b = torch
          .tensor([
            [true, false],
            [true, true],
          ])
          .to(device);
        expect(await torch.sum(b).item()).toBe(3);
        expect(torch.sum(b).dtype).toBe('int64');
        expect(await torch.all(b, 1).tolist()).toEqual([false, true]);
        expect(await torch.any(b, 0).tolist()).toEqual([true, true]);
        expect(() => torch.mean(torch.tensor([1, 2]).to(device))).toThrow(/mean\(\): .*Got: int64/);
      });
      it('empty reductions: sum is 0, prod is 1, max is an error', async () => {
        const e = torch.zeros([2, 0], { device });
        expect(await values(torch.sum(e, 1))).toEqual([0, 0]);
        expect(await values(torch.prod(e, 1))).toEqual([1, 1]);
        expect(() => torch.amax(e, 1)).toThrow(/amax\(\): Expected reduction dim 1 to have non-zero size/);
      });
      it('logsumexp keeps -inf rows and is stable for large logits', async () => {
        const x = torch
          .tensor([
            [-Infinity, -Infinity],
            [1000, 1000],
          ])
          .to(device);
        const r = await values(torch.logsumexp(x, 1));
        expect(r[0]).toBe(Number.NEGATIVE_INFINITY);
        expect(r[1]).toBeCloseTo(1000 + Math.LN2, 3);
      });
      if (device !== 'cpu')
        it('agrees with the CPU on random inputs', async () => {
          await expectSameAsCpu(
            (x) => torch.sum(x, [0, 2]).add(torch.amax(x, 2).sum(0)),
            [[33, 17, 9]],
            device,
          );
        });
    });

    describe('errors', () => {
      it('dims out of range name the op and the valid range', () => {
        const x = torch.zeros([2, 3], { device });
        expect(() => torch.sum(x, 2)).toThrow(
          /sum: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
        );
        expect(() => torch.mean(x, -3)).toThrow(/mean: Dimension out of range/);
        expect(() => torch.argmax(x, 5)).toThrow(/argmax: Dimension out of range/);
        expect(() => x.max(2)).toThrow(/max: Dimension out of range/);
        expect(() => torch.sum(x, [0, 0])).toThrow(/appears multiple times/);
      });
    });
  });
