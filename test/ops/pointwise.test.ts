/** Pointwise ops: PyTorch's values, gradchecks (broadcast, strided, scalars), errors. */
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import * as torch from '../../src/index.js';
import { E, ewise, record1 } from '../../src/ops/core.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  expectConformance,
  expectGradcheck,
  expectSameAsCpu,
  leaf,
  ncLeaf,
  values,
} from '../helpers/conformance.js';
import { testDevices, webgpuAvailable } from '../helpers/devices.js';

type Unary = (x: Tensor) => Tensor;
// Inputs chosen away from each op's kinks/poles: [shift, scale] of N(0, 1) values.
const unaryOps: [string, Unary, { shift?: number; scale?: number }?][] = [
  ['neg', torch.neg],
  ['abs', torch.abs, { shift: 0.5 }],
  ['exp', torch.exp],
  ['expm1', torch.expm1],
  ['log', torch.log, { shift: 3, scale: 0.5 }],
  ['log1p', torch.log1p, { shift: 2, scale: 0.5 }],
  ['log2', torch.log2, { shift: 3, scale: 0.5 }],
  ['sqrt', torch.sqrt, { shift: 3, scale: 0.5 }],
  ['rsqrt', torch.rsqrt, { shift: 3, scale: 0.5 }],
  ['reciprocal', torch.reciprocal, { shift: 3, scale: 0.5 }],
  ['square', torch.square],
  ['sin', torch.sin],
  ['cos', torch.cos],
  ['tan', torch.tan, { scale: 0.3 }],
  ['tanh', torch.tanh],
  ['sigmoid', torch.sigmoid],
  ['erf', torch.erf],
  ['relu', torch.relu, { shift: 0.3 }],
  ['clamp', (x) => torch.clamp(x, { min: -0.5, max: 0.7 })],
  ['pow scalar', (x) => torch.pow(x, 3)],
  ['pow 0.5', (x) => torch.pow(x, 0.5), { shift: 3, scale: 0.5 }],
  ['pow scalar base', (x) => torch.pow(2, x)],
];

for (const device of testDevices())
  describe(`pointwise on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('elementwise', 'binary', 'compare'))
        it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      for (const [name, f, o] of unaryOps) it(name, () => expectGradcheck(f, [leaf([3, 4], device, 11, o)]));

      it('unary ops on a non-contiguous input', () =>
        expectGradcheck((x) => torch.exp(torch.sin(x)).mul(x), [ncLeaf([3, 5], device, 2)]));

      const binaries: [string, (a: Tensor, b: Tensor) => Tensor, { shift?: number; scale?: number }?][] = [
        ['add', (a, b) => torch.add(a, b)],
        ['add alpha', (a, b) => torch.add(a, b, { alpha: -0.5 })],
        ['sub alpha', (a, b) => torch.sub(a, b, { alpha: 2 })],
        ['mul', torch.mul],
        ['div', (a, b) => torch.div(a, b), { shift: 3, scale: 0.5 }],
        ['pow', (a, b) => torch.pow(a, b), { shift: 2, scale: 0.3 }],
        ['maximum', torch.maximum],
        ['minimum', torch.minimum],
        ['atan2', torch.atan2],
      ];
      for (const [name, f, o] of binaries) {
        it(`${name}, broadcast [2,1,4] x [3,1]`, () =>
          expectGradcheck(f, [leaf([2, 1, 4], device, 3, o), leaf([3, 1], device, 4, o)]));
        it(`${name}, non-contiguous [4,3] x [4,3]`, () =>
          expectGradcheck(f, [ncLeaf([4, 3], device, 5, o), leaf([4, 3], device, 6, o)]));
      }
      it('div by a scalar and a scalar divided', () =>
        expectGradcheck(
          (x) => torch.div(x, 3).add(torch.div(2, x)),
          [leaf([5], device, 7, { shift: 3, scale: 0.4 })],
        ));
      it('where broadcasts the condition and both branches', async () => {
        const cond = torch.tensor([true, false, true, false]).to(device);
        await expectGradcheck(
          (a, b) => torch.where(cond, a, b),
          [leaf([3, 4], device, 8), leaf([3, 1], device, 9)],
        );
      });
      it('maskedFill', async () => {
        const mask = torch
          .tensor([
            [true, false, false],
            [false, true, false],
          ])
          .to(device);
        await expectGradcheck((x) => x.maskedFill(mask, -3).mul(x), [leaf([2, 3], device, 10)]);
      });
      it('clamp with tensor bounds', async () => {
        await expectGradcheck(
          (x) => torch.clamp(x, { min: torch.full([4], -0.5).to(device) }),
          [leaf([3, 4], device, 12)],
        );
      });
      // x [3, 4] against min [4] and max [3, 1] (broadcast), every x at least 0.1 from a bound.
      const clampCase = () => ({
        x: torch
          .tensor([
            [-2, -0.3, 0.1, 1.5],
            [0.8, -1.2, 0.45, -0.05],
            [2.2, 0.3, -0.6, 1.1],
          ])
          .to(device)
          .requiresGrad_(true),
        lo: torch.tensor([-0.5, -0.8, 0.2, -1]).to(device).requiresGrad_(true),
        hi: torch
          .tensor([[0.9], [0.6], [1.3]])
          .to(device)
          .requiresGrad_(true),
      });
      it('clamp sends the gradient to tensor bounds: min where x < min, max where x > max', async () => {
        const { x, lo, hi } = clampCase();
        x.clamp(lo, hi).sum().backward();
        expect(await values(x.grad!)).toEqual([0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1]);
        expect(await values(lo.grad!)).toEqual([1, 1, 2, 0]);
        expect(await values(hi.grad!)).toEqual([1, 1, 1]);
        // Only a min (or only a max) tensor: the other side has no bound.
        const c = clampCase();
        torch.clamp(c.x, { min: c.lo }).sum().backward();
        expect(await values(c.lo.grad!)).toEqual([1, 1, 2, 0]);
        expect(await values(c.x.grad!)).toEqual([0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1]);
        torch.clamp(c.x, { max: c.hi }).sum().backward();
        expect(await values(c.hi.grad!)).toEqual([1, 1, 1]);
      });
      it('clamp with tensor bounds: gradcheck through x, min and max', async () => {
        const { x, lo, hi } = clampCase();
        await expectGradcheck((a, b, c) => torch.clamp(a, { min: b, max: c }), [x, lo, hi]);
        await expectGradcheck((a, c) => torch.clamp(a, { max: c }), [x, hi]);
        // Negative control: dropping the bounds' gradients must fail the check.
        const noBoundGrads = (a: Tensor, b: Tensor, c: Tensor) =>
          torch.clamp(a, { min: b.detach(), max: c.detach() }).add(b.mul(0)).add(c.mul(0));
        expect((await gradcheck(noBoundGrads, [x, lo, hi])).ok).toBe(false);
      });
    });

    describe('values and dtypes', () => {
      it('promotes like PyTorch: int tensor + float scalar is float, int + int stays int', async () => {
        const i = torch.tensor([1, 2, 3]).to(device);
        expect(torch.add(i, 0.5).dtype).toBe('float32');
        expect(torch.add(i, 2).dtype).toBe('int64');
        expect(torch.mul(i, torch.tensor([true, false, true]).to(device)).dtype).toBe('int64');
        expect(torch.div(i, 2).dtype).toBe('float32');
        expect(await values(torch.div(i, 2))).toEqual([0.5, 1, 1.5]);
        expect(
          await values(torch.div(torch.tensor([-7, 7]).to(device), 2, { roundingMode: 'floor' })),
        ).toEqual([-4, 3]);
        expect(
          await values(torch.div(torch.tensor([-7, 7]).to(device), 2, { roundingMode: 'trunc' })),
        ).toEqual([-3, 3]);
        // A 0-dim float tensor raises an int tensor's category; it does not win over a float one.
        expect(torch.add(i, torch.tensor(1.5).to(device)).dtype).toBe('float32');
      });
      it('remainder has the sign of the divisor (Python modulus)', async () => {
        const r = torch.remainder(
          torch.tensor([-3, 3, -3, 3]).to(device),
          torch.tensor([2, -2, -2, 2]).to(device),
        );
        expect(await values(r)).toEqual([1, -1, -1, 1]);
      });
      it('NaN and infinities propagate as in PyTorch', async () => {
        const x = torch.tensor([Number.NaN, Number.POSITIVE_INFINITY, -1, 0]).to(device);
        expect(await values(torch.log(x))).toEqual([
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NaN,
          Number.NEGATIVE_INFINITY,
        ]);
        expect(await values(torch.maximum(x, torch.zeros([4]).to(device)))).toEqual([
          Number.NaN,
          Number.POSITIVE_INFINITY,
          0,
          0,
        ]);
        expect(await values(torch.isnan(x))).toEqual([1, 0, 0, 0]);
      });
      if (device !== 'cpu')
        it('agrees with the CPU on random inputs', async () => {
          await expectSameAsCpu(
            (a, b) => torch.sigmoid(a).mul(b).add(torch.tanh(b)),
            [[64, 33], [33]],
            device,
          );
        });
    });

    describe('errors name the op and the culprits', () => {
      it('broadcast mismatch', () => {
        const a = torch.zeros([2, 3], { device });
        const b = torch.zeros([4, 3], { device });
        expect(() => torch.add(a, b)).toThrow(/add: shapes \[2, 3\] and \[4, 3\] are not broadcastable/);
        expect(() => torch.mul(a, b)).toThrow(torch.ShapeError);
        expect(() => torch.where(torch.ones([5], { dtype: 'bool', device }), a, 0)).toThrow(
          /where: shapes \[5\] and \[2, 3\]/,
        );
      });
      it('bool negation and bool subtraction', () => {
        const m = torch.tensor([true, false]).to(device);
        expect(() => torch.neg(m)).toThrow(/Negation.*bool/);
        expect(() => torch.sub(m, m)).toThrow(/Subtraction.*bool/);
      });
      it('maskedFill with a non-bool mask names the dtype', () => {
        expect(() => torch.zeros([2], { device }).maskedFill(torch.zeros([2], { device }), 1)).toThrow(
          /masked_fill_ only supports boolean masks, but got mask with dtype float32/,
        );
      });
      if (device !== 'cpu' || webgpuAvailable())
        it('mixing devices names both', () => {
          const other = device === 'cpu' ? 'webgpu' : 'cpu';
          expect(() => torch.add(torch.zeros([2], { device }), torch.zeros([2], { device: other }))).toThrow(
            new RegExp(`found at least two devices, (${device} and ${other}|${other} and ${device})!.*add`),
          );
        });
    });
  });

describe('gradcheck negative control', () => {
  it('fails for a deliberately wrong backward (sin given the derivative sin instead of cos)', async () => {
    const wrongSin = (x: Tensor) => {
      const out = ewise('sin', E.sin, [x], 'float32');
      return record1('sin', out, [x], (g) => [torch.mul(g, torch.sin(x))]); // should be cos(x)
    };
    const r = await gradcheck(wrongSin, [leaf([3, 4], 'cpu', 1)]);
    expect(r.ok).toBe(false);
    // The same shape of check passes for the real op, so the failure is the backward's.
    expect((await gradcheck((x) => torch.sin(x), [leaf([3, 4], 'cpu', 1)])).ok).toBe(true);
  });
  it('fails for a gradient missing a constant factor (d x² = x)', async () => {
    const wrongSquare = (x: Tensor) => {
      const out = ewise('square', (a) => E.mul(a, a), [x], 'float32');
      return record1('square', out, [x], (g) => [torch.mul(g, x)]);
    };
    expect((await gradcheck(wrongSquare, [leaf([5], 'cpu', 2)])).ok).toBe(false);
  });
});

for (const device of testDevices())
  describe(`division by a scalar zero on ${device}`, () => {
    it('is IEEE: x / 0 = +-inf, 0 / 0 = nan, x / -0 = -+inf (lavapipe folds a literal 0 divisor to 0)', async () => {
      const x = torch.tensor([1, -2, 0, Number.NaN], { device, dtype: 'float32' });
      expect(Array.from(await x.div(0).toArray())).toEqual([Infinity, -Infinity, Number.NaN, Number.NaN]);
      expect(Array.from(await x.div(-0).toArray())).toEqual([-Infinity, Infinity, Number.NaN, Number.NaN]);
      // control: a non-zero scalar divisor still divides
      expect(Array.from(await x.div(4).toArray())).toEqual([0.25, -0.5, 0, Number.NaN]);
    });
  });

// --- models (int tensor with a float scalar) ---
for (const device of testDevices()) {
  describe(`int tensors with float scalars on ${device}`, () => {
    it('compute in float32, as PyTorch (the scalar does not truncate)', async () => {
      const b = torch.tensor([2, 3], { dtype: 'int32', device });
      const k = torch.tensor([true, false], { device });
      const f = async (t: Tensor) => [t.dtype, Array.from((await t.toArray()) as ArrayLike<number>)];
      expect(await f(b.mul(0.8))).toEqual(['float32', [Math.fround(1.6), Math.fround(2.4)]]);
      expect(await f(b.add(0.5))).toEqual(['float32', [2.5, 3.5]]);
      expect(await f(b.sub(0.5))).toEqual(['float32', [1.5, 2.5]]);
      expect(await f(k.mul(0.5))).toEqual(['float32', [0.5, 0]]);
      expect(await f(b.mul(2))).toEqual(['int32', [4, 6]]); // control: an int scalar keeps int32
      expect(() => b.add(1, { alpha: 0.5 })).toThrow(/alpha must not be a floating point/);
    });
  });
}
