/**
 * torch.special's Bessel/Airy/polynomial/incomplete-gamma/zeta functions (src/ops/special.ts)
 * and torch.fft's real transforms (src/ops/fft.ts) on every device. Reference values are
 * PyTorch 1.13's (torch.special.* / torch.fft.* on float32 inputs, printed to 8 digits), edges
 * included (infinities, NaN, poles, n < 0, |x| = 1); the OpInfo cases cover random values.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const N = Number.NaN;
const I = Number.POSITIVE_INFINITY;

/** Elementwise |got - want| <= atol + rtol |want|, NaN and infinities exactly. */
function expectClose(got: number[], want: number[], rtol: number, atol: number, what: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const e = want[i];
    const ok =
      (Number.isNaN(e) && Number.isNaN(g)) ||
      g === e ||
      (Number.isFinite(e) && Math.abs(g - e) <= atol + rtol * Math.abs(e));
    if (!ok) throw new Error(`${what} element ${i}: got ${g}, expected ${e}`);
  });
}

// PyTorch 1.13: torch.special.<name>(X) for float32 X.
const X = [-I, -10.0, -2.5, -1.0, -0.001, 0.0, 0.001, 0.3, 1.0, 2.0, 2.5, 4.0, 7.9, 8.1, 15.0, 30.0, I, N];
const sp = torch.special;
const unary: [string, (x: Tensor) => Tensor, number[], number][] = [
  [
    'bessel_j0',
    sp.besselJ0,
    [
      N,
      -0.24593577,
      -0.04838378,
      0.76519763,
      0.99999976,
      1.0,
      0.99999976,
      0.9776262,
      0.76519763,
      0.22389077,
      -0.04838378,
      -0.39714977,
      0.19436182,
      0.14751731,
      -0.014224408,
      -0.086368024,
      N,
      N,
    ],
    1e-5,
  ],
  [
    'bessel_j1',
    sp.besselJ1,
    [
      N,
      -0.043472752,
      -0.49709409,
      -0.44005063,
      -0.00049999997,
      0.0,
      0.00049999997,
      0.14831881,
      0.44005063,
      0.57672471,
      0.49709409,
      -0.066043332,
      0.21917941,
      0.24760786,
      0.20510405,
      -0.11875113,
      N,
      N,
    ],
    1e-5,
  ],
  [
    'bessel_y0',
    sp.besselY0,
    [
      N,
      N,
      N,
      N,
      N,
      -I,
      -4.4714165,
      -0.80727351,
      0.088256948,
      0.51037562,
      0.49807039,
      -0.016940946,
      0.20652102,
      0.23809136,
      0.2054643,
      -0.1172957,
      N,
      N,
    ],
    1e-5,
  ],
  [
    'bessel_y1',
    sp.besselY1,
    [
      N,
      N,
      N,
      N,
      N,
      -I,
      -636.62213,
      -2.2931049,
      -0.78121281,
      -0.10703249,
      0.1459181,
      0.39792559,
      -0.18172106,
      -0.13314871,
      0.021073628,
      0.084425442,
      N,
      N,
    ],
    1e-5,
  ],
  [
    'modified_bessel_i0',
    sp.modifiedBesselI0,
    [
      N,
      2815.7163,
      3.2898395,
      1.266066,
      1.0000002,
      0.99999994,
      1.0000002,
      1.0226269,
      1.266066,
      2.2795851,
      3.2898395,
      11.301921,
      389.40631,
      469.50073,
      339649.34,
      781672190000.0,
      N,
      N,
    ],
    0,
  ],
  [
    'modified_bessel_i1',
    sp.modifiedBesselI1,
    [
      N,
      -2670.988,
      -2.516716,
      -0.56515908,
      -0.0005000002,
      0.0,
      0.0005000002,
      0.15169387,
      0.56515908,
      1.5906368,
      2.516716,
      9.7594671,
      363.85413,
      439.48444,
      328124.91,
      768532020000.0,
      N,
      N,
    ],
    0,
  ],
  [
    'modified_bessel_k0',
    sp.modifiedBesselK0,
    [
      N,
      N,
      N,
      N,
      N,
      I,
      7.0236888,
      1.37246,
      0.42102447,
      0.11389388,
      0.062347554,
      0.011159677,
      0.00016286765,
      0.00013173422,
      9.8195365e-8,
      2.1324773e-14,
      0.0,
      N,
    ],
    0,
  ],
  [
    'modified_bessel_k1',
    sp.modifiedBesselK1,
    [
      N,
      N,
      N,
      N,
      N,
      I,
      999.99628,
      3.0559921,
      0.60190731,
      0.13986589,
      0.073890813,
      0.012483499,
      0.00017288428,
      0.00013964115,
      1.0141729e-7,
      2.167732e-14,
      0.0,
      N,
    ],
    0,
  ],
  [
    'scaled_modified_bessel_k0',
    sp.scaledModifiedBesselK0,
    [
      N,
      N,
      N,
      N,
      N,
      I,
      7.0307159,
      1.8526275,
      1.1444632,
      0.84156829,
      0.75954866,
      0.60929769,
      0.43930009,
      0.43399435,
      0.32100233,
      0.22788665,
      0.0,
      N,
    ],
    0,
  ],
  [
    'scaled_modified_bessel_k1',
    sp.scaledModifiedBesselK1,
    [
      N,
      N,
      N,
      N,
      N,
      I,
      1000.9968,
      4.1251583,
      1.6361537,
      1.0334769,
      0.90017444,
      0.68157595,
      0.46631774,
      0.46004352,
      0.33153489,
      0.23165412,
      0.0,
      N,
    ],
    0,
  ],
  [
    'spherical_bessel_j0',
    sp.sphericalBesselJ0,
    [
      0.0,
      -0.054402113,
      0.23938885,
      0.84147096,
      0.99999982,
      1.0,
      0.99999982,
      0.98506737,
      0.84147096,
      0.4546487,
      0.23938885,
      -0.18920062,
      0.12644827,
      0.11973947,
      0.043352526,
      -0.032934386,
      0.0,
      N,
    ],
    1e-6,
  ],
  [
    'airy_ai',
    sp.airyAi,
    [
      N,
      0.040241454,
      -0.11232483,
      0.53556091,
      0.3552869,
      0.35502806,
      0.35476923,
      0.27880651,
      0.13529238,
      0.034924116,
      0.015725926,
      0.00095156371,
      6.2396317e-8,
      3.5224289e-8,
      2.1649583e-18,
      0.0,
      N,
      N,
    ],
    1e-6,
  ],
];

// PyTorch 1.13: torch.special.<name>(PX, PN); n is truncated to an integer, n < 0 gives 0.
const PX = [-1.0, -1.0, -0.5, 0.0, 0.3, 1.0, 1.5, -2.2, 0.7, 0.9, 0.25, 0.0, 1.0, -0.6];
const PN = [-1.0, 3.0, 0.0, 1.0, 2.0, 5.0, 3.7, 4.0, 7.0, 12.0, 9.0, 5.0, 6.0, 20.9];
const polynomials: [string, (x: Tensor, n: Tensor) => Tensor, number[]][] = [
  [
    'chebyshev_polynomial_t',
    sp.chebyshevPolynomialT,
    [
      0.0, -1.0, 1.0, 0.0, -0.82, 1.0, 9.0, 149.6848, 0.75483531, 0.64416647, 0.76269537, 0.0, 1.0,
      0.95425069,
    ],
  ],
  [
    'chebyshev_polynomial_u',
    sp.chebyshevPolynomialU,
    [
      0.0, -4.0, 1.0, 0.0, -0.64, 6.0, 21.0, 317.72961, 0.11191066, -0.93512374, 0.5957033, 0.0, 7.0,
      0.72999424,
    ],
  ],
  [
    'chebyshev_polynomial_v',
    sp.chebyshevPolynomialV,
    [
      0.0, -7.0, 1.0, -1.0, -1.24, 1.0, 13.0, 394.11362, 1.0303744, 0.81964326, 1.2636719, -1.0, 1.0,
      0.35623035,
    ],
  ],
  [
    'chebyshev_polynomial_w',
    sp.chebyshevPolynomialW,
    [
      0.0, -1.0, 1.0, 1.0, -0.04, 11.0, 29.0, 241.34563, -0.8065536, -2.6898906, -0.072266147, 1.0, 13.0,
      1.1037549,
    ],
  ],
  [
    'shifted_chebyshev_polynomial_t',
    sp.shiftedChebyshevPolynomialT,
    [
      0.0, -99.0, 1.0, -1.0, -0.68, 1.0, 26.0, 6570.1655, -0.25802195, 0.13158497, 1.0, -1.0, 1.0,
      1202221700000.0,
    ],
  ],
  [
    'shifted_chebyshev_polynomial_u',
    sp.shiftedChebyshevPolynomialU,
    [
      0.0, -204.0, 1.0, -2.0, -0.36, 6.0, 56.0, 13255.971, 0.16363533, 1.453325, 1.0, -6.0, 7.0,
      2551934600000.0,
    ],
  ],
  [
    'shifted_chebyshev_polynomial_v',
    sp.shiftedChebyshevPolynomialV,
    [
      0.0, -239.0, 1.0, -3.0, 0.44, 1.0, 41.0, 14494.083, -0.89050895, -0.1988496, 1.0, -11.0, 1.0,
      3165441000000.0,
    ],
  ],
  [
    'shifted_chebyshev_polynomial_w',
    sp.shiftedChebyshevPolynomialW,
    [
      0.0, -169.0, 1.0, -1.0, -1.16, 11.0, 71.0, 12017.858, 1.2177789, 3.1054995, 1.0, -1.0, 13.0,
      1938428800000.0,
    ],
  ],
  [
    'hermite_polynomial_h',
    sp.hermitePolynomialH,
    [
      0.0, 4.0, 1.0, 0.0, -1.64, -8.0, 9.0, 154.48962, -238.86473, -234100.69, 6346.6895, 0.0, 184.0,
      -617730800000.0,
    ],
  ],
  [
    'hermite_polynomial_he',
    sp.hermitePolynomialHe,
    [
      0.0, 2.0, 1.0, 0.0, -0.91, 6.0, -1.125, -2.6143994, -40.932117, -12773.162, 216.92944, 0.0, 16.0,
      -652912060.0,
    ],
  ],
  [
    'laguerre_polynomial_l',
    sp.laguerrePolynomialL,
    [
      0.0, 5.6666665, 1.0, 1.0, 0.445, -0.46666664, -0.6875, 32.39473, -0.43397236, 0.44673952, -0.32423949,
      1.0, -0.25694439, 127.44924,
    ],
  ],
  [
    'legendre_polynomial_p',
    sp.legendrePolynomialP,
    [
      0.0, -1.0, 1.0, 0.0, -0.365, 1.0, 6.1875, 84.712006, 0.1501554, 0.040748965, 0.17682442, 0.0, 1.0,
      0.15916748,
    ],
  ],
];

// PyTorch 1.13: torch.igamma/igammac(GA, GX), torch.special.zeta(ZX, ZQ).
const GA = [0.5, 1.0, 2.5, 10.0, 0.0, 0.0, -1.0, 3.0, I, 3.0, 0.01, 50.0, 20.0, 1.0];
const GX = [0.2, 1.0, 7.0, 9.5, 2.0, 0.0, 1.0, -1.0, 2.0, I, 0.5, 45.0, 30.0, 0.0];
const IGAMMA = [
  0.47291067,
  0.63212043,
  0.98439056,
  0.47817355,
  1.0,
  N,
  N,
  N,
  0.0,
  1.0,
  0.99437314,
  0.24680208,
  0.97812647,
  0.0,
];
const IGAMMAC = [
  0.52708936,
  0.36787939,
  0.015609415,
  0.52182645,
  0.0,
  N,
  N,
  N,
  1.0,
  0.0,
  0.0056267609,
  0.75319791,
  0.021873537,
  1.0,
];
const ZX = [2.0, 3.5, 1.0, 0.5, 8.4, 2.0, 2.0, 4.0, 2.5, 30.0];
const ZQ = [1.0, 2.0, 1.0, 1.0, 3.0, -1.0, -1.5, -2.5, 0.1, 1.5];
const ZETA = [1.6449341, 0.12673387, I, N, 0.00010873817, I, 9.3792467, 32.457981, 317.32779, 5.2150963e-6];

// PyTorch 1.13 torch.fft on this real input (imaginary part zero).
const F = [1.0, -2.0, 0.5, 3.0, 0.25, 1.5, -1.0, 2.0, 2.0, 0.0, -0.5, 1.0];

for (const device of testDevices()) {
  const t = (data: number[], shape = [data.length]) => torch.tensor(data, { device }).reshape(shape);

  describe(`torch.special Bessel and Airy functions on ${device}`, () => {
    for (const [name, f, want, atol] of unary)
      it(`${name} at the edges and across the branches`, async () => {
        const out = f(t(X));
        expect(out.dtype).toBe('float32');
        expect(out.requiresGrad).toBe(false);
        expectClose(await values(out), want, 2e-4, atol, name);
      });
    it('has no derivative (non_differentiable in PyTorch): the result does not require grad', () => {
      const x = t([0.5, 1.5]).requiresGrad_(true);
      expect(sp.besselJ0(x).requiresGrad).toBe(false);
      expect(sp.modifiedBesselI0(x).requiresGrad).toBe(false);
    });
  });

  describe(`torch.special orthogonal polynomials on ${device}`, () => {
    for (const [name, f, want] of polynomials)
      it(`${name}: recurrences, closed forms and special cases`, async () => {
        expectClose(await values(f(t(PX), t(PN))), want, 2e-4, 1e-5, name);
      });
    it('broadcasts x against n and takes a Python number for n', async () => {
      const out = sp.chebyshevPolynomialT(t([0.5, 2]), 3);
      expectClose(await values(out), [-1, 26], 1e-6, 1e-6, 'T3');
      expect(sp.hermitePolynomialH(t([1, 2], [2, 1]), t([0, 1, 2])).shape).toEqual([2, 3]);
    });
  });

  describe(`incomplete gamma and Hurwitz zeta on ${device}`, () => {
    it('igamma / igammac (and special.gammainc / gammaincc)', async () => {
      expectClose(await values(torch.igamma(t(GA), t(GX))), IGAMMA, 2e-4, 1e-6, 'igamma');
      expectClose(await values(torch.igammac(t(GA), t(GX))), IGAMMAC, 2e-4, 1e-6, 'igammac');
      expectClose(await values(sp.gammainc(t(GA), t(GX))), IGAMMA, 2e-4, 1e-6, 'gammainc');
      expectClose(await values(sp.gammaincc(t(GA), t(GX))), IGAMMAC, 2e-4, 1e-6, 'gammaincc');
    });
    it('Tensor.igamma / Tensor.igammac', async () => {
      expectClose(await values(t(GA).igamma(t(GX))), IGAMMA, 2e-4, 1e-6, 'x.igamma');
      expectClose(await values(t(GA).igammac(t(GX))), IGAMMAC, 2e-4, 1e-6, 'x.igammac');
    });
    it('zeta with poles, negative q and the domain x < 1', async () => {
      expectClose(await values(sp.zeta(t(ZX), t(ZQ))), ZETA, 2e-4, 1e-9, 'zeta');
    });
    it("derivatives in the second argument; the first raises PyTorch's not-implemented error", async () => {
      const x = t([0.2, 3.0, 1.5]).requiresGrad_(true);
      torch
        .igamma(t([0.5, 2.5, 3.0]), x)
        .sum()
        .backward();
      expectClose(await values(x.grad as Tensor), [1.0328832, 0.1946087, 0.25102144], 2e-4, 1e-6, 'd igamma');
      const q = t([1.0, 2.5]).requiresGrad_(true);
      sp.zeta(t([2.0, 3.5]), q)
        .sum()
        .backward();
      expectClose(await values(q.grad as Tensor), [-2.4041138, -0.07664606], 2e-4, 1e-6, 'd zeta');
      const a = t([1.5]).requiresGrad_(true);
      expect(() =>
        torch
          .igamma(a, t([2.0]))
          .sum()
          .backward(),
      ).toThrow("the derivative for 'igamma: input' is not implemented.");
    });
  });

  describe(`torch.fft real transforms on ${device}`, () => {
    const x = () => t(F, [3, 4]);
    it('irfft: default n = 2 (m - 1), n and dim, ortho', async () => {
      const a = torch.fft.irfft(x());
      expect(a.shape).toEqual([3, 6]);
      expectClose(
        await values(a),
        [
          0.16666667, -0.75, 0.91666669, 0.49999997, 0.91666669, -0.75, 0.54166669, 0.125, 0.29166669, -1.125,
          0.29166669, 0.12499996, 0.33333334, 0.25, 0.58333337, 0.0, 0.58333337, 0.25,
        ],
        1e-5,
        1e-6,
        'irfft',
      );
      const b = torch.fft.irfft(x(), 5, 0, 'ortho');
      expect(b.shape).toEqual([5, 4]);
      expectClose(
        await values(b),
        [
          2.4596748, 0.44721359, -1.118034, 4.0249224, -0.93090177, -0.47983736, 0.30901697, 1.1708204,
          0.81909829, -1.9798374, 0.80901694, 0.17082039, 0.81909829, -1.9798374, 0.80901694, 0.17082039,
          -0.93090177, -0.47983736, 0.30901697, 1.1708204,
        ],
        1e-5,
        1e-6,
        'irfft ortho',
      );
    });
    it('irfftn over every dim, hfft2 with s and norm=forward', async () => {
      expectClose(
        await values(torch.fft.irfftn(x())),
        [
          0.34722224, -0.125, 0.59722221, -0.20833333, 0.59722221, -0.125, -0.090277776, -0.39583334,
          -0.0069444445, 0.35416666, 0.3263889, -0.22916664, -0.090277776, -0.22916667, 0.3263889, 0.35416666,
          -0.0069444445, -0.39583334,
        ],
        1e-5,
        1e-6,
        'irfftn',
      );
      const h = torch.fft.hfft2(x(), { s: [2, 5], norm: 'forward' });
      expect(h.shape).toEqual([2, 5]);
      expectClose(
        await values(h),
        [-0.075, 0.175, 0.175, 0.175, 0.175, -0.32500002, -0.38401702, 0.73401701, 0.73401701, -0.38401702],
        1e-5,
        1e-6,
        'hfft2',
      );
    });
    it('fftshift / ifftshift', async () => {
      expect(await values(torch.fft.fftshift(x()))).toEqual([-0.5, 1, 2, 0, 0.5, 3, 1, -2, -1, 2, 0.25, 1.5]);
      expect(await values(torch.fft.ifftshift(x(), 1))).toEqual([
        0.5, 3, 1, -2, -1, 2, 0.25, 1.5, -0.5, 1, 2, 0,
      ]);
    });
    it("irfftn's gradient is PyTorch's (entries standing for two frequencies count twice)", async () => {
      const leaf = x().requiresGrad_(true);
      const w = torch.arange(18, { device }).reshape([3, 6]);
      torch.fft
        .irfftn(leaf, { s: [3, 6] })
        .mul(w)
        .sum()
        .backward();
      expectClose(
        await values(leaf.grad as Tensor),
        [8.5, -1.0, -1.0, -0.5, -3.0, 0.0, 0.0, 0.0, -3.0, 0.0, 0.0, 0.0],
        1e-5,
        1e-5,
        'grad',
      );
    });
  });

  describe(`torch.stft / torch.istft on ${device}`, () => {
    it('stft with a window (reflect centre padding), its gradients in the signal and the window', async () => {
      const sig = t(F).requiresGrad_(true);
      const w = t([0.5, 1.0, 1.5, 1.0]).requiresGrad_(true);
      const s = torch.stft(sig, 4, { hopLength: 2, window: w, returnComplex: false });
      expect(s.shape).toEqual([3, 7, 2]);
      expectClose(
        await values(s),
        [
          -2.25, 0.0, 2.25, 0.0, 5.125, 0.0, 2.125, 0.0, 4.5, 0.0, 1.25, 0.0, 0.0, 0.0, -1.25, 0.0, -0.25,
          5.0, -0.125, -1.5, 1.625, 0.5, -3.5, -2.0, 1.75, 1.0, 0.5, -1.0, 5.75, 0.0, 0.25, 0.0, -3.875, 0.0,
          -4.875, 0.0, 0.5, 0.0, -0.75, 0.0, -2.0, 0.0,
        ],
        1e-5,
        1e-5,
        'stft',
      );
      s.mul(torch.arange(42, { device }).reshape([3, 7, 2]).div(10))
        .sum()
        .backward();
      expectClose(
        await values(sig.grad as Tensor),
        [4.5, -10.1, 7.2, -5.8, 5.7, -5.8, 6.3, -5.8, 6.9, -5.9, 11.4, -5.8],
        1e-5,
        1e-4,
        'stft grad x',
      );
      expectClose(await values(w.grad as Tensor), [15.0, -19.55, 2.55, -3.75], 1e-5, 1e-4, 'stft grad w');
    });
    it('stft two-sided, normalized, without centring', async () => {
      const s = torch.stft(t(F), 6, { hopLength: 3, center: false, normalized: true, onesided: false });
      expect(s.shape).toEqual([6, 3, 2]);
      expectClose(
        await values(s),
        [
          1.7350552, 0.0, 3.1639242, 0.0, 1.428869, 0.0, -1.0716517, 1.1490484, 1.3778378, 0.79549509,
          -0.10206207, -1.2374368, 1.5819621, 1.3258251, -0.35721713, 0.44194171, -1.3268069, 0.53033006,
          -0.3061862, 0.0, 2.1433034, 0.0, -1.0206207, 0.0, 1.5819621, -1.3258251, -0.35721713, -0.44194171,
          -1.3268069, -0.53033006, -1.0716517, -1.1490484, 1.3778378, -0.79549509, -0.10206207, 1.2374368,
        ],
        1e-5,
        1e-5,
        'stft2',
      );
    });
    it('istft inverts stft; length reaches into the padding as in PyTorch', async () => {
      const spec = torch.stft(t(F), 4, { hopLength: 1, returnComplex: false });
      expectClose(await values(torch.istft(spec, 4, { hopLength: 1 })), F, 1e-5, 1e-5, 'istft');
      expectClose(await values(t(F).stft(4, { hopLength: 1 }).istft(4, 1)), F, 1e-5, 1e-5, 'methods');
      expectClose(
        await values(torch.istft(spec, 4, { hopLength: 1, length: 14 })),
        [...F, -0.5, 0.0],
        1e-5,
        1e-5,
        'istft length',
      );
    });
  });
}
