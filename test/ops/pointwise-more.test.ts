/**
 * The pointwise ops of src/ops/pointwise-more.ts: PyTorch's values at the edges (infinities,
 * NaN, the ends of each domain; PyTorch 1.13 on float32), gradchecks, and the in-place forms.
 * The OpInfo cases (test/fixtures/opinfo) cover ordinary values.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf, values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const { NaN: N } = Number;
const I = Number.POSITIVE_INFINITY;

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const e = want[i];
    const ok =
      (Number.isNaN(e) && Number.isNaN(g)) || g === e || Math.abs(g - e) <= 1e-5 + 1e-4 * Math.abs(e);
    if (!ok) throw new Error(`element ${i}: got ${g}, expected ${e}`);
  });
}

const X = [-I, -2, -1, -0.5, 0, 0.5, 1, 2, I, N];
const unary: [string, (x: Tensor) => Tensor, number[]][] = [
  ['acos', torch.acos, [N, N, Math.PI, 2.0943952, 1.5707964, 1.0471976, 0, N, N, N]],
  ['asin', torch.asin, [N, N, -1.5707964, -0.5235988, 0, 0.5235988, 1.5707964, N, N, N]],
  [
    'atan',
    torch.atan,
    [-1.5707964, -1.1071488, -0.7853981, -0.4636476, 0, 0.4636476, 0.7853981, 1.1071488, 1.5707964, N],
  ],
  ['acosh', torch.acosh, [N, N, N, N, N, N, 0, 1.316958, I, N]],
  ['asinh', torch.asinh, [-I, -1.4436355, -0.8813736, -0.4812118, 0, 0.4812118, 0.8813736, 1.4436355, I, N]],
  ['atanh', torch.atanh, [N, N, -I, -0.5493062, 0, 0.5493062, I, N, N, N]],
  ['sinh', torch.sinh, [-I, -3.6268604, -1.1752012, -0.5210953, 0, 0.5210953, 1.1752012, 3.6268604, I, N]],
  ['cosh', torch.cosh, [I, 3.7621958, 1.5430806, 1.127626, 1, 1.127626, 1.5430806, 3.7621958, I, N]],
  ['exp2', torch.exp2, [0, 0.25, 0.5, Math.SQRT1_2, 1, Math.SQRT2, 2, 4, I, N]],
  ['frac', torch.frac, [N, 0, 0, -0.5, 0, 0.5, 0, 0, N, N]],
  ['sinc', torch.sinc, [N, 2.78e-8, -2.78e-8, 0.63661975, 1, 0.63661975, -2.78e-8, 2.78e-8, N, N]],
  ['logit', torch.logit, [N, N, N, N, -I, 0, I, N, N, N]],
  ['erfc', torch.erfc, [2, 1.9953222, 1.8427008, 1.5205, 1, 0.4795001, 0.1572992, 0.0046777353, 0, N]],
  ['sgn', torch.sgn, [-1, -1, -1, -1, 0, 1, 1, 1, 1, 0]],
  ['nanToNum', torch.nanToNum, [-3.4028235e38, -2, -1, -0.5, 0, 0.5, 1, 2, 3.4028235e38, 0]],
];
const A = [-2.5, -2.5, 3, 3, 0, 1, I, -1, N, 0];
const B = [2, -0, -2, I, 0, N, I, -I, 1, -1];
const binary: [string, (a: Tensor, b: Tensor) => Tensor, number[]][] = [
  ['fmod', torch.fmod, [-0.5, N, 1, 3, N, N, N, -1, N, 0]],
  ['hypot', torch.hypot, [3.2015622, 2.5, 3.6055512, I, 0, N, I, I, N, 1]],
  ['logaddexp', torch.logaddexp, [2.0110478, 0.07888975, 3.0067153, I, Math.LN2, N, I, -1, N, 0.31326166]],
  ['xlogy', torch.xlogy, [-1.732868, I, N, I, 0, N, I, N, N, 0]],
  ['copysign', torch.copysign, [2.5, -2.5, -3, 3, 0, 1, I, -1, N, -0]],
  ['fmax', torch.fmax, [2, -0, 3, I, 0, 1, I, -1, 1, 0]],
  ['fmin', torch.fmin, [-2.5, -2.5, -2, 3, 0, 1, I, -I, 1, -1]],
  ['floorDivide', torch.floorDivide, [-2, I, -2, 0, N, N, N, 0, N, -0]],
  ['heaviside', torch.heaviside, [0, 0, 1, 1, 0, 1, 1, 0, 0, -1]],
];

for (const device of testDevices())
  describe(`more pointwise ops on ${device}`, () => {
    const t = (xs: number[]) => torch.tensor(xs, { dtype: 'float32' }).to(device);
    describe('PyTorch values at the edges', () => {
      for (const [name, f, want] of unary) it(name, async () => expectClose(await values(f(t(X))), want));
      for (const [name, f, want] of binary)
        it(name, async () => expectClose(await values(f(t(A), t(B))), want));
      it('copysign and signbit read the sign of -0', async () => {
        const got = await values(torch.copysign(t([1, 1]), t([-0, 0])));
        expect(Object.is(got[0], -1) && Object.is(got[1], 1)).toBe(true);
        expect(await torch.signbit(t([-0, 0, -1, 2])).tolist()).toEqual([true, false, true, false]);
      });
      it('round(decimals=)', async () => {
        const x = t([1234.5678, -1234.5678, 0.0015, 2.5]);
        expectClose(await values(torch.round(x, { decimals: 3 })), [1234.568, -1234.568, 0.002, 2.5]);
        expectClose(await values(torch.round(x, { decimals: -3 })), [1000, -1000, 0, 0]);
      });
      it('the gamma family: lgamma, digamma, polygamma, mvlgamma', async () => {
        const x = t([-2.5, -0.5, 0.5, 1, 2, 3.7, 12]);
        expectClose(
          await values(torch.lgamma(x)),
          [-0.056243718, 1.2655121, 0.57236493, 0, 0, 1.4280723, 17.502308],
        );
        expectClose(
          await values(torch.digamma(x)),
          [1.1031567, 0.036489915, -1.9635109, -0.57721591, 0.42278421, 1.1671537, 2.4426615],
        );
        expectClose(
          await values(torch.polygamma(1, x)),
          [9.5392475, 8.9348021, 4.9348021, 1.6449341, 0.64493406, 0.31003785, 0.086901873],
        );
        expectClose(
          await values(torch.polygamma(3, x)),
          [194.74789, 193.40909, 97.409088, 6.4939394, 0.4939394, 0.058279216, 0.0013100932],
        );
        expectClose(await values(torch.mvlgamma(t([1.6, 2.2, 5]), 3)), [1.9528644, 1.6328604, 9.1406441]);
        expectClose(await values(torch.digamma(t([0, -2]))), [-I, N]);
      });
      it('modified Bessel functions i0, i0e, i1, i1e (series and asymptotic ranges)', async () => {
        const x = t([-20, -1, 0, 0.5, 14, 16, 50]);
        const want: [(x: Tensor) => Tensor, number[]][] = [
          [torch.i0, [43558276, 1.266066, 1, 1.0634835, 129418.56, 893446.19, 2.9325536e20]],
          [torch.special.i0e, [0.089780308, 0.46575963, 1, 0.64503533, 0.10761525, 0.10054412, 0.056561623]],
          [torch.special.i1, [-42454968, -0.56515908, 0, 0.25789428, 124707.25, 865059.5, 2.9030785e20]],
          [torch.special.i1e, [-0.08750622, -0.20791042, 0, 0.1564208, 0.10369767, 0.097349614, 0.055993125]],
        ];
        for (const [f, w] of want) expectClose(await values(f(x)), w);
      });
      it('special.erfcx and special.log_ndtr in the tails', async () => {
        const x = t([-30, -5, -1, 0, 1, 3, 10]);
        expectClose(await values(torch.special.erfcx(x)), [
          I,
          1.4400981e11,
          5.0089803,
          1,
          0.42758358,
          0.17900115,
          0.056140993,
        ]);
        expectClose(await values(torch.special.logNdtr(x)), [
          -454.32126,
          -15.064999,
          -1.8410214,
          -Math.LN2,
          -0.17275378,
          -0.0013508105,
          -7.6198536e-24,
        ]);
      });
      it('erfinv and nextafter', async () => {
        expectClose(await values(torch.erfinv(t([-0.9, -0.3, 0, 0.5, 0.99, 1, -1]))), [
          -1.163087,
          -0.27246273,
          0,
          0.47693628,
          1.8213867,
          I,
          -I,
        ]);
        const got = await values(torch.nextafter(t([1, 1, -2]), t([2, 0, -3])));
        expect(got).toEqual([1.0000001192092896, 0.9999999403953552, -2.000000238418579]);
      });
      it('ldexp takes an integer exponent', async () => {
        expectClose(await values(torch.ldexp(t([3, -1.5]), torch.tensor([-3, 2]).to(device))), [0.375, -6]);
      });
    });

    describe('gradcheck', () => {
      const small = { scale: 0.3 };
      const cases: [string, (x: Tensor) => Tensor, { shift?: number; scale?: number }?][] = [
        ['acos', torch.acos, small],
        ['asin', torch.asin, small],
        ['atan', torch.atan],
        ['acosh', torch.acosh, { shift: 2.5, scale: 0.5 }],
        ['asinh', torch.asinh],
        ['atanh', torch.atanh, small],
        ['sinh', torch.sinh],
        ['cosh', torch.cosh],
        ['exp2', torch.exp2],
        ['deg2rad', torch.deg2rad],
        ['logit', torch.logit, { shift: 0.5, scale: 0.1 }],
        ['sinc', torch.sinc],
        ['special.entr', torch.special.entr, { shift: 2, scale: 0.3 }],
        ['special.ndtr', torch.special.ndtr],
        ['special.erfcx', torch.special.erfcx],
        ['special.logNdtr', torch.special.logNdtr],
        ['erfc', torch.erfc],
        ['lgamma', torch.lgamma, { shift: 3, scale: 0.5 }],
        ['digamma', torch.digamma, { shift: 3, scale: 0.5 }],
        ['polygamma(2)', (x) => torch.polygamma(2, x), { shift: 3, scale: 0.5 }],
        ['erfinv', torch.erfinv, small],
        ['i0', torch.i0],
        ['special.i0e', torch.special.i0e, { shift: 0.5 }],
        ['special.i1', torch.special.i1],
        ['special.i1e', torch.special.i1e, { shift: 0.5 }],
      ];
      for (const [name, f, o] of cases) it(name, () => expectGradcheck(f, [leaf([3, 4], device, 21, o)]));
      const pos = { shift: 2, scale: 0.3 };
      const pairs: [string, (a: Tensor, b: Tensor) => Tensor, object?][] = [
        ['hypot', torch.hypot],
        ['logaddexp', torch.logaddexp],
        ['logaddexp2', torch.logaddexp2],
        ['xlogy', torch.xlogy, pos],
        ['special.xlog1py', torch.special.xlog1py, pos],
        ['fmod', torch.fmod, { shift: 3, scale: 0.2 }],
        ['lerp', (a, b) => torch.lerp(a, b, b.mul(0.3))],
        ['addcdiv', (a, b) => torch.addcdiv(a, a, b.add(3), { value: 0.5 })],
      ];
      for (const [name, f, o] of pairs)
        it(`${name}, broadcast [2,1,4] x [3,1]`, () =>
          expectGradcheck(f, [leaf([2, 1, 4], device, 3, pos), leaf([3, 1], device, 4, o ?? {})]));
    });

    it('in-place forms update the tensor and carry autograd', async () => {
      const x = t([0.1, -0.4, 0.7]).requiresGrad_(true);
      const y = x.mul(1);
      expect(y.acos_()).toBe(y);
      y.sum().backward();
      expectClose(await values(x.grad!), [-1.0050378, -1.0910894, -1.4002801]);
      const z = t([2.5, -3.4, 7]);
      z.fmod_(t([1.5, 2, -2]));
      expectClose(await values(z), [1, -1.4, 1]);
    });
  });
