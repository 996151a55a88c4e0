/** Index ops: PyTorch's values, gradchecks, out-of-range errors that name the op. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import {
  caseNames,
  expectConformance,
  expectGradcheck,
  leaf,
  ncLeaf,
  values,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`index ops on ${device}`, () => {
    const ints = (v: number[] | number[][]) => torch.tensor(v).to(device);

    describe('matches PyTorch', () => {
      for (const name of caseNames('index')) it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      it('gather along a negative dim, repeated indices accumulate', () =>
        expectGradcheck(
          (x) =>
            torch.gather(
              x,
              -1,
              ints([
                [0, 0, 3],
                [2, 1, 2],
                [3, 3, 3],
              ]),
            ),
          [leaf([3, 4], device, 41)],
        ));
      it('gather from a non-contiguous input along dim 0', () =>
        expectGradcheck(
          (x) =>
            torch.gather(
              x,
              0,
              ints([
                [0, 2, 1],
                [2, 2, 0],
              ]),
            ),
          [ncLeaf([3, 3], device, 42)],
        ));
      it('scatterAdd: both the base and the source', () =>
        expectGradcheck(
          (x, src) =>
            torch.scatterAdd(
              x,
              1,
              ints([
                [0, 1, 0],
                [2, 2, 1],
              ]),
              src,
            ),
          [leaf([2, 4], device, 43), leaf([2, 3], device, 44)],
        ));
      it('indexSelect with duplicates', () =>
        expectGradcheck((x) => torch.indexSelect(x, 1, ints([3, 0, 3])), [ncLeaf([2, 4], device, 45)]));
      it('embedding, with and without paddingIdx', async () => {
        const ids = ints([
          [1, 4, 1],
          [0, 2, 4],
        ]);
        await expectGradcheck((w) => torch.embedding(ids, w), [leaf([5, 3], device, 46)]);
        const w = leaf([5, 3], device, 47);
        torch.embedding(ids, w, { paddingIdx: 4 }).sum().backward();
        expect(await w.grad!.tolist()).toEqual([
          [1, 1, 1],
          [2, 2, 2],
          [1, 1, 1],
          [0, 0, 0],
          [0, 0, 0],
        ]);
      });
    });

    it('oneHot infers the class count on the CPU and takes it anywhere', async () => {
      const l = ints([2, 0]);
      expect(await torch.oneHot(l, 4).tolist()).toEqual([
        [0, 0, 1, 0],
        [1, 0, 0, 0],
      ]);
      if (device === 'cpu') expect(torch.oneHot(l).shape).toEqual([2, 3]);
    });

    describe('errors name the op, the index and the size', () => {
      const x = () => torch.zeros([3, 4], { device });
      // Bounds are checked where the indices live; a GPU kernel cannot throw (PyTorch's CUDA
      // kernels assert instead), so these are CPU behaviour.
      if (device === 'cpu') {
        it('gather', () => {
          expect(() => torch.gather(x(), 1, ints([[0, 4]]))).toThrow(
            /gather: index 4 is out of bounds for dimension 1 with size 4/,
          );
          expect(() => torch.gather(x(), 1, ints([[-1]]))).toThrow(/gather: index -1 is out of bounds/);
        });
        it('indexSelect', () => {
          expect(() => torch.indexSelect(x(), 0, ints([0, 3]))).toThrow(
            /index_select: index 3 is out of bounds for dimension 0 with size 3/,
          );
        });
        it('embedding', () => {
          expect(() => torch.embedding(ints([0, 10]), torch.zeros([10, 4]))).toThrow(
            /embedding: index 10 is out of bounds for dimension 0 with size 10 \(indexed tensor of shape \[10, 4\]\)/,
          );
        });
        it('scatterAdd', () => {
          expect(() => torch.scatterAdd(x(), 0, ints([[5]]), torch.ones([1, 1]))).toThrow(
            /scatter_add: index 5 is out of bounds for dimension 0 with size 3/,
          );
        });
      }
      it('float indices and mismatched ranks', () => {
        expect(() => torch.gather(x(), 1, torch.zeros([3, 1], { device }))).toThrow(
          /gather\(\): Expected dtype int64.*got float32/,
        );
        expect(() => torch.indexSelect(x(), 0, torch.zeros([1], { device }))).toThrow(
          /index_select\(\): Expected dtype int64/,
        );
        expect(() => torch.gather(x(), 1, ints([0, 1]))).toThrow(
          /Index tensor must have the same number of dimensions/,
        );
        expect(() => torch.gather(x(), 2, ints([[0]]))).toThrow(/gather: Dimension out of range/);
      });
    });
  });

it('values of gather and scatterAdd by hand', async () => {
  const x = torch.tensor([
    [1, 2],
    [3, 4],
  ]);
  expect(
    await values(
      torch.gather(
        x,
        1,
        torch.tensor([
          [0, 0],
          [1, 0],
        ]),
      ),
    ),
  ).toEqual([1, 1, 4, 3]);
  const s = torch.scatterAdd(
    torch.zeros([3]),
    0,
    torch.tensor([0, 2, 0]),
    torch.tensor([1, 2, 3], { dtype: 'float32' }),
  );
  expect(await values(s)).toEqual([4, 0, 2]);
});
