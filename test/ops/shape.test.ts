/** Shape ops: PyTorch's values, views sharing storage, gradchecks, errors. */
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

type F = (x: Tensor) => Tensor;
const unaryShapes: [string, F][] = [
  ['view', (x) => x.view([6, -1])],
  ['reshape', (x) => torch.reshape(x, [4, 6])],
  ['transpose negative dims', (x) => torch.transpose(x, -1, 0)],
  ['permute', (x) => torch.permute(x, [2, 0, 1])],
  ['T', (x) => x.T],
  ['squeeze/unsqueeze', (x) => torch.squeeze(torch.unsqueeze(x, -2), 2)],
  ['expand', (x) => x.narrow(1, 0, 1).expand([5, 2, 3, 4])],
  ['flatten', (x) => torch.flatten(x, 1)],
  ['unflatten', (x) => x.unflatten(-1, [2, 2])],
  ['narrow negative dim', (x) => torch.narrow(x, -1, 1, 2)],
  ['select', (x) => x.select(1, -1)],
  ['index with slices, ellipsis and None', (x) => x.index(0, '...', null, [1, null, 2])],
  ['slice with a step', (x) => x.slice(-1, 0, null, 3)],
  ['split', (x) => torch.cat(torch.split(x, [1, 2], 1).reverse(), 1)],
  ['chunk', (x) => torch.stack(torch.chunk(x, 2, -1), 0)],
  ['unbind', (x) => torch.stack(x.unbind(1), -1)],
  ['flip', (x) => torch.flip(x, [0, -1])],
  ['repeat', (x) => x.repeat([2, 1, 1, 2])],
  ['tril', (x) => torch.tril(x, -1)],
  ['triu', (x) => torch.triu(x, 1)],
  ['pad', (x) => torch.pad(x, [1, 2, 0, 1])],
  ['pad negative (crop)', (x) => torch.pad(x, [-1, 1])],
  ['pad mixed crop and pad over three dims', (x) => torch.pad(x, [2, -1, -1, 0, 1, 1])],
  ['movedim', (x) => x.movedim(0, -1)],
  ['contiguous of a transposed view', (x) => x.transpose(0, 1).contiguous()],
];

for (const device of testDevices())
  describe(`shape ops on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('shape')) it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      for (const [name, f] of unaryShapes) {
        it(name, () => expectGradcheck(f, [leaf([2, 3, 4], device, 31)]));
        // view of a transposed tensor is an error in PyTorch too (tested below).
        if (name !== 'view')
          it(`${name}, non-contiguous input`, () => expectGradcheck(f, [ncLeaf([2, 3, 4], device, 32)]));
      }
      it('cat and stack over several inputs with a negative dim', () =>
        expectGradcheck(
          (a, b, c) => torch.cat([torch.stack([a, b], -1), torch.unsqueeze(c, -1)], -1),
          [leaf([2, 3], device, 33), ncLeaf([2, 3], device, 34), leaf([2, 3], device, 35)],
        ));
    });

    describe('views share storage', () => {
      it('writes through a view are visible in the base and vice versa', async () => {
        const base = torch.zeros([3, 4], { device });
        const v = base.transpose(0, 1).narrow(0, 1, 2); // [2, 3] view of columns 1..2
        expect(v.storage).toBe(base.storage);
        v.fill_(7);
        expect(await base.tolist()).toEqual([
          [0, 7, 7, 0],
          [0, 7, 7, 0],
          [0, 7, 7, 0],
        ]);
        base.select(0, 2).add_(1);
        expect(await v.tolist()).toEqual([
          [7, 7, 8],
          [7, 7, 8],
        ]);
        for (const w of [
          base.view([12]),
          base.reshape([2, 6]),
          base.permute([1, 0]),
          base.unsqueeze(0),
          base.expand([2, 3, 4]),
        ])
          expect(w.storage).toBe(base.storage);
        expect(base.T.contiguous().storage).not.toBe(base.storage);
      });
      it('reshape copies only when a view is impossible', () => {
        const x = torch.zeros([3, 4], { device }).t();
        expect(x.isContiguous()).toBe(false);
        expect(x.reshape([12]).storage).not.toBe(x.storage);
        expect(x.reshape([3, 4]).storage).not.toBe(x.storage);
        // Splitting a dim (or adding a 1) keeps the strides expressible: a view, as in PyTorch.
        expect(x.reshape([2, 2, 3]).storage).toBe(x.storage);
        expect(x.reshape([2, 2, 3]).stride()).toEqual([2, 1, 4]);
        expect(x.reshape([4, 3, 1]).storage).toBe(x.storage);
      });
      it('expand is a stride-0 view; repeat copies', async () => {
        const x = torch.tensor([[1], [2]], { dtype: 'float32' }).to(device);
        const e = x.expand([2, 3]);
        expect(e.stride()).toEqual([1, 0]);
        expect(await e.tolist()).toEqual([
          [1, 1, 1],
          [2, 2, 2],
        ]);
        expect(await values(x.repeat([1, 2]))).toEqual([1, 1, 2, 2]);
      });
    });

    describe('errors', () => {
      const x = () => torch.zeros([2, 3, 4], { device });
      it('view of incompatible strides, invalid shapes', () => {
        expect(() => x().transpose(0, 2).view([24])).toThrow(/view size is not compatible.*Use \.reshape/);
        expect(() => x().reshape([5, -1])).toThrow(/shape '\[5, -1\]' is invalid for input of size 24/);
        expect(() => x().view([-1, -1])).toThrow(/only one dimension can be inferred/);
      });
      it('dims out of range', () => {
        expect(() => x().transpose(0, 3)).toThrow(
          /transpose: Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/,
        );
        expect(() => x().permute([0, 1])).toThrow(/permute/);
        expect(() => x().unsqueeze(4)).toThrow(/unsqueeze: Dimension out of range/);
        expect(() => x().flatten(0, 5)).toThrow(/flatten: Dimension out of range/);
        expect(() => torch.cat([x(), x()], -4)).toThrow(/cat: Dimension out of range/);
        expect(() => x().select(1, 3)).toThrow(/select\(\): index 3 out of range/);
        expect(() => x().narrow(2, 3, 2)).toThrow(/exceeds dimension size \(4\)/);
      });
      it('cat/stack size mismatches name the shapes', () => {
        expect(() => torch.cat([x(), torch.zeros([2, 5, 4], { device })], 2)).toThrow(
          /Sizes of tensors must match except in dimension 2. Got \[2, 3, 4\] and \[2, 5, 4\]/,
        );
        expect(() => torch.stack([x(), torch.zeros([2, 3], { device })])).toThrow(
          /stack expects each tensor to be equal size/,
        );
      });
      it('expand to an incompatible size', () => {
        expect(() => x().expand([2, 5, 4])).toThrow(
          /expanded size of the tensor \(5\) must match the existing size \(3\)/,
        );
      });
    });
  });

describe('chunk arguments', () => {
  it('chunks must be positive, as PyTorch', () => {
    const x = torch.arange(6);
    expect(() => torch.chunk(x, 0)).toThrow(/chunk expects `chunks` to be greater than 0, got: 0/);
    expect(() => torch.chunk(x, -2)).toThrow(/greater than 0, got: -2/);
    // control
    expect(torch.chunk(x, 4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
  });
});
