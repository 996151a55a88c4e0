/**
 * torch.special's Bessel, Airy, orthogonal-polynomial, incomplete-gamma and Hurwitz-zeta
 * functions. Closed-form approximations are `Ex` trees (one definition for the JS, wasm and WGSL
 * renderers); what needs a loop (the polynomial recurrences in n, zeta's Euler-Maclaurin sum,
 * igamma's series and continued fraction) is one binary op of expr.ts each, which every renderer
 * implements as a helper (backend/special-math.ts, webgpu/wgsl/special.ts).
 *
 * Approximations (float32 accuracy, PyTorch itself uses Cephes' rational fits):
 * - J0, J1, Y0, Y1: rational fits below |x| = 8, Hankel's modulus/phase polynomials above
 *   (Numerical Recipes' bessj0/bessj1/bessy0/bessy1 fits, |err| < 1e-6);
 * - K0, K1 (and e^x K): power series below x = 2, Abramowitz & Stegun 9.8.6/9.8.8 above;
 * - I0, I1: the library's existing torch.special.i0/i1 expressions;
 * - Ai: Maclaurin series on [-4.5, 3], the asymptotic expansions (DLMF 9.7.5, 9.7.9) outside.
 * As in PyTorch 1.13 these have no derivative (non_differentiable): the result never requires
 * grad. igamma/igammac/zeta have PyTorch's derivative in their second argument and raise
 * PyTorch's "not implemented" error for the first.
 */

import type { loopBinaryOps } from '../backend/expr.js';
import { floatOfArgs } from '../tensor/dtype.js';
import { E, type Ex, ewise, isTensor, record1, type Tensor, type TensorOrScalar } from './core.js';
import * as pw from './pointwise.js';
import * as pm from './pointwise-more.js';

type LoopOp = (typeof loopBinaryOps)[number];

const f32 = (e: Ex): Ex => E.cast('f32', e);
/** A float32 elementwise op (integer and bool inputs are converted, as PyTorch promotes). */
const ewiseF = (name: string, f: (...xs: Ex[]) => Ex, args: readonly TensorOrScalar[]): Tensor =>
  ewise(name, (...xs) => f(...xs.map(f32)), args, floatOfArgs(args));
/** c[0] + t (c[1] + t (c[2] + ...)). */
const poly = (t: Ex, c: readonly number[]): Ex =>
  c.slice(0, -1).reduceRight<Ex>((acc, ck) => E.add(ck, E.mul(t, acc)), E.const(c[c.length - 1]));

// ---- Bessel functions of the first and second kind ----
const TWO_OVER_PI = 0.636619772;
/** J0 for |x| < 8: a rational function of x^2. */
const j0Small = (x: Ex): Ex => {
  const y = E.mul(x, x);
  return E.div(
    poly(y, [57568490574.0, -13362590354.0, 651619640.7, -11214424.18, 77392.33017, -184.9052456]),
    poly(y, [57568490411.0, 1029532985.0, 9494680.718, 59272.64853, 267.8532712, 1.0]),
  );
};
const j1Small = (x: Ex): Ex => {
  const y = E.mul(x, x);
  return E.div(
    E.mul(x, poly(y, [72362614232.0, -7895059235.0, 242396853.1, -2972611.439, 15704.4826, -30.16036606])),
    poly(y, [144725228442.0, 2300535178.0, 18583304.74, 99447.43394, 376.9991397, 1.0]),
  );
};
/** Hankel's form for x >= 8: sqrt(2/(pi x)) (P cos(x - phase) - (8/x) Q sin(x - phase)); `y` swaps to Y. */
const besselBig = (ax: Ex, order: 0 | 1, second: boolean): Ex => {
  const z = E.div(8, ax);
  const y = E.mul(z, z);
  const xx = E.sub(ax, order === 0 ? 0.785398164 : 2.356194491);
  const p =
    order === 0
      ? poly(y, [1.0, -0.1098628627e-2, 0.2734510407e-4, -0.2073370639e-5, 0.2093887211e-6])
      : poly(y, [1.0, 0.183105e-2, -0.3516396496e-4, 0.2457520174e-5, -0.240337019e-6]);
  const q =
    order === 0
      ? poly(y, [-0.1562499995e-1, 0.1430488765e-3, -0.6911147651e-5, 0.7621095161e-6, -0.934935152e-7])
      : poly(y, [0.04687499995, -0.2002690873e-3, 0.8449199096e-5, -0.88228987e-6, 0.105787412e-6]);
  const amp = E.sqrt(E.div(TWO_OVER_PI, ax));
  return second
    ? E.mul(amp, E.add(E.mul(E.sin(xx), p), E.mul(z, E.mul(E.cos(xx), q))))
    : E.mul(amp, E.sub(E.mul(E.cos(xx), p), E.mul(z, E.mul(E.sin(xx), q))));
};
const j0Ex = (x: Ex): Ex => {
  const ax = E.abs(x);
  return E.where(E.lt(ax, 8), j0Small(x), besselBig(ax, 0, false));
};
const j1Ex = (x: Ex): Ex => {
  const ax = E.abs(x);
  const big = besselBig(ax, 1, false);
  return E.where(E.lt(ax, 8), j1Small(x), E.where(E.lt(x, 0), E.neg(big), big));
};
/** Y0: NaN below 0, -inf at 0 (log), as PyTorch. */
const y0Ex = (x: Ex): Ex => {
  const y = E.mul(x, x);
  const small = E.add(
    E.div(
      poly(y, [-2957821389.0, 7062834065.0, -512359803.6, 10879881.29, -86327.92757, 228.4622733]),
      poly(y, [40076544269.0, 745249964.8, 7189466.438, 47447.2647, 226.1030244, 1.0]),
    ),
    E.mul(TWO_OVER_PI, E.mul(j0Small(x), E.log(x))),
  );
  return E.where(E.lt(x, 8), small, besselBig(x, 0, true));
};
const y1Ex = (x: Ex): Ex => {
  const y = E.mul(x, x);
  const rational = E.div(
    E.mul(
      x,
      poly(
        y,
        [-0.4900604943e13, 0.127527439e13, -0.5153438139e11, 0.7349264551e9, -0.4237922726e7, 0.8511937935e4],
      ),
    ),
    poly(
      y,
      [0.249958057e14, 0.4244419664e12, 0.3733650367e10, 0.2245904002e8, 0.102042605e6, 0.3549632885e3, 1.0],
    ),
  );
  const small = E.add(rational, E.mul(TWO_OVER_PI, E.sub(E.mul(j1Small(x), E.log(x)), E.div(1, x))));
  return E.where(E.eq(x, 0), Number.NEGATIVE_INFINITY, E.where(E.lt(x, 8), small, besselBig(x, 1, true)));
};

// ---- modified Bessel functions of the second kind ----
/** sum_k (x^2/4)^k / (k! (k + order)!) (times (x/2)^order): I0, I1 where x <= 2. */
const iSeries = (x: Ex, order: 0 | 1): Ex => {
  const q = E.mul(E.mul(x, x), 0.25);
  let r: Ex = E.const(1);
  for (let k = 14; k >= 1; k--) r = E.add(1, E.mul(q, E.mul(r, 1 / (k * (k + order)))));
  return order === 0 ? r : E.mul(r, E.mul(x, 0.5));
};
/** sqrt(x) e^x K(x) for x > 2: Abramowitz & Stegun 9.8.6 / 9.8.8, in 2/x. */
const kBigScaled = (x: Ex, order: 0 | 1): Ex =>
  E.div(
    poly(
      E.div(2, x),
      order === 0
        ? [1.25331414, -0.07832358, 0.02189568, -0.01062446, 0.00587872, -0.0025154, 0.00053208]
        : [1.25331414, 0.23498619, -0.0365562, 0.01504268, -0.00780353, 0.00325614, -0.00068245],
    ),
    E.sqrt(x),
  );
/** K for 0 < x <= 2: Abramowitz & Stegun 9.8.5 / 9.8.7 (log term times I from its series). */
const kSmall = (x: Ex, order: 0 | 1): Ex => {
  const h = E.mul(E.mul(x, x), 0.25);
  const lg = E.log(E.mul(x, 0.5));
  if (order === 0)
    return E.add(
      E.neg(E.mul(lg, iSeries(x, 0))),
      poly(h, [-0.57721566, 0.4227842, 0.23069756, 0.0348859, 0.00262698, 0.0001075, 0.0000074]),
    );
  const num = E.add(
    E.mul(E.mul(x, lg), iSeries(x, 1)),
    poly(h, [1, 0.15443144, -0.67278579, -0.18156897, -0.01919402, -0.00110404, -0.00004686]),
  );
  return E.where(E.eq(x, 0), Number.POSITIVE_INFINITY, E.div(num, x));
};
const kEx =
  (order: 0 | 1, scaled: boolean) =>
  (x: Ex): Ex => {
    const small = kSmall(x, order);
    const big = kBigScaled(x, order);
    return E.where(
      E.le(x, 2),
      scaled ? E.mul(small, E.exp(x)) : small,
      scaled ? big : E.mul(big, E.exp(E.neg(x))),
    );
  };

// ---- Airy Ai ----
const AI0 = 0.355028053887817; // Ai(0)
const AIP0 = 0.258819403792807; // -Ai'(0)
/** u_k of the Airy asymptotic expansions (DLMF 9.7.2). */
const AIRY_U = (() => {
  const u = [1];
  for (let k = 1; k <= 12; k++)
    u.push((u[k - 1] * (6 * k - 5) * (6 * k - 3) * (6 * k - 1)) / ((2 * k - 1) * 216 * k));
  return u;
})();
const airyEx = (x: Ex): Ex => {
  // Maclaurin: Ai = Ai(0) f - (-Ai'(0)) g, f and g nested in z = x^3.
  const z = E.mul(E.mul(x, x), x);
  let f: Ex = E.const(1);
  let g: Ex = E.const(1);
  for (let k = 16; k >= 1; k--) {
    f = E.add(1, E.mul(z, E.mul(f, 1 / ((3 * k - 1) * 3 * k))));
    g = E.add(1, E.mul(z, E.mul(g, 1 / (3 * k * (3 * k + 1)))));
  }
  const series = E.sub(E.mul(f, AI0), E.mul(E.mul(x, g), AIP0));
  // x > 3: e^-zeta / (2 sqrt(pi) x^1/4) sum_k (-1)^k u_k zeta^-k, zeta = 2/3 x^3/2.
  const ap = E.abs(x);
  const zeta = E.mul(E.mul(ap, E.sqrt(ap)), 2 / 3);
  const r = E.div(1, zeta);
  const pos = E.div(
    E.mul(
      E.exp(E.neg(zeta)),
      poly(
        r,
        AIRY_U.slice(0, 7).map((u, k) => (k % 2 ? -u : u)),
      ),
    ),
    E.mul(E.sqrt(E.sqrt(ap)), 2 * Math.sqrt(Math.PI)),
  );
  // x < -4.5: (sin(zeta + pi/4) P - cos(zeta + pi/4) Q) / (sqrt(pi) |x|^1/4).
  const r2 = E.mul(r, r);
  const P = poly(
    r2,
    [0, 2, 4, 6, 8].map((k, j) => (j % 2 ? -AIRY_U[k] : AIRY_U[k])),
  );
  const Q = E.mul(
    r,
    poly(
      r2,
      [1, 3, 5, 7, 9].map((k, j) => (j % 2 ? -AIRY_U[k] : AIRY_U[k])),
    ),
  );
  const th = E.add(zeta, Math.PI / 4);
  const neg = E.div(
    E.sub(E.mul(E.sin(th), P), E.mul(E.cos(th), Q)),
    E.mul(E.sqrt(E.sqrt(ap)), Math.sqrt(Math.PI)),
  );
  const v = E.where(E.gt(x, 3), pos, E.where(E.lt(x, -4.5), neg, series));
  return E.where(E.isinf(x), Number.NaN, E.where(E.gt(x, 103.892), 0, v));
};

/** sin(x)/x, its Taylor polynomial below |x| = 1/2, 0 at +-inf. */
const sphericalJ0Ex = (x: Ex): Ex => {
  const x2 = E.mul(x, x);
  const small = poly(x2, [1, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800, 1 / 6227020800]);
  return E.where(E.isinf(x), 0, E.where(E.lt(E.abs(x), 0.5), small, E.div(E.sin(x), x)));
};

/** A non-differentiable unary special function (PyTorch 1.13 declares no derivative). */
const nd = (name: string, f: (x: Ex) => Ex) => (x: Tensor) => ewiseF(name, f, [x]);

export const besselJ0 = nd('special_bessel_j0', j0Ex);
export const besselJ1 = nd('special_bessel_j1', j1Ex);
export const besselY0 = nd('special_bessel_y0', y0Ex);
export const besselY1 = nd('special_bessel_y1', y1Ex);
export const modifiedBesselK0 = nd('special_modified_bessel_k0', kEx(0, false));
export const modifiedBesselK1 = nd('special_modified_bessel_k1', kEx(1, false));
export const scaledModifiedBesselK0 = nd('special_scaled_modified_bessel_k0', kEx(0, true));
export const scaledModifiedBesselK1 = nd('special_scaled_modified_bessel_k1', kEx(1, true));
export const airyAi = nd('special_airy_ai', airyEx);
export const sphericalBesselJ0 = nd('special_spherical_bessel_j0', sphericalJ0Ex);
/** I0 and I1 from the library's i0/i1 expressions, without their derivative (as PyTorch). */
export const modifiedBesselI0 = (x: Tensor): Tensor => pm.i0(x.detach());
export const modifiedBesselI1 = (x: Tensor): Tensor => pm.i1(x.detach());

// ---- orthogonal polynomials: x and an integer-valued degree n (truncated) ----
const loopOp = (name: string, op: LoopOp, pre?: (x: Ex) => Ex) => (x: TensorOrScalar, n: TensorOrScalar) =>
  ewiseF(name, (a, b) => E[op](pre ? pre(a) : a, b), [x, n]);
/** 2x - 1: the shifted polynomials are the plain ones at 2x - 1 (x = 0, 1 map to -1, 1 exactly). */
const shift = (x: Ex): Ex => E.sub(E.add(x, x), 1);

export const chebyshevPolynomialT = loopOp('special_chebyshev_polynomial_t', 'chebyshev_t');
export const chebyshevPolynomialU = loopOp('special_chebyshev_polynomial_u', 'chebyshev_u');
export const chebyshevPolynomialV = loopOp('special_chebyshev_polynomial_v', 'chebyshev_v');
export const chebyshevPolynomialW = loopOp('special_chebyshev_polynomial_w', 'chebyshev_w');
export const shiftedChebyshevPolynomialT = loopOp(
  'special_shifted_chebyshev_polynomial_t',
  'chebyshev_t',
  shift,
);
export const shiftedChebyshevPolynomialU = loopOp(
  'special_shifted_chebyshev_polynomial_u',
  'chebyshev_u',
  shift,
);
export const shiftedChebyshevPolynomialV = loopOp(
  'special_shifted_chebyshev_polynomial_v',
  'chebyshev_v',
  shift,
);
export const shiftedChebyshevPolynomialW = loopOp(
  'special_shifted_chebyshev_polynomial_w',
  'chebyshev_w',
  shift,
);
export const hermitePolynomialH = loopOp('special_hermite_polynomial_h', 'hermite_h');
export const hermitePolynomialHe = loopOp('special_hermite_polynomial_he', 'hermite_he');
export const laguerrePolynomialL = loopOp('special_laguerre_polynomial_l', 'laguerre_l');
export const legendrePolynomialP = loopOp('special_legendre_polynomial_p', 'legendre_p');

// ---- incomplete gamma and Hurwitz zeta ----
/** PyTorch's error for a derivative derivatives.yaml marks not_implemented. */
const notImplemented = (what: string): never => {
  throw new Error(`the derivative for '${what}' is not implemented.`);
};
const wants = (t: TensorOrScalar): t is Tensor => isTensor(t) && t.requiresGrad;

/** d/dx P(a, x) = x^(a-1) e^-x / Gamma(a). */
const igammaDx = (a: TensorOrScalar, x: Tensor): Tensor => {
  const la = isTensor(a) ? pm.lgamma(a) : pm.lgamma(pw.add(pw.mul(x, 0), Number(a)));
  return pw.exp(pw.sub(pw.sub(pw.mul(pw.sub(a, 1), pw.log(x)), x), la));
};
function incompleteGamma(name: 'igamma' | 'igammac', sign: 1 | -1) {
  return (a: TensorOrScalar, x: TensorOrScalar): Tensor => {
    const out = ewiseF(name, E[name], [a, x]);
    return record1(name, out, [a, x], (g) => [
      wants(a) ? notImplemented(`${name}: input`) : null,
      wants(x) ? pw.mul(g, sign === 1 ? igammaDx(a, x) : pw.neg(igammaDx(a, x))) : null,
    ]);
  };
}
/** torch.igamma / torch.special.gammainc: the regularized lower incomplete gamma P(a, x). */
export const igamma = incompleteGamma('igamma', 1);
/** torch.igammac / torch.special.gammaincc: Q(a, x) = 1 - P(a, x). */
export const igammac = incompleteGamma('igammac', -1);

/** Hurwitz zeta(x, q); d/dq = -x zeta(x + 1, q); none in x (not implemented, as PyTorch). */
export function zeta(x: TensorOrScalar, q: TensorOrScalar): Tensor {
  const out = ewiseF('special_zeta', E.zeta, [x, q]);
  return record1('special_zeta', out, [x, q], (g) => [
    wants(x) ? notImplemented('special_zeta: input') : null,
    wants(q)
      ? pw.mul(
          pw.mul(g, zeta(isTensor(x) ? pw.add(x, 1) : Number(x) + 1, q)),
          isTensor(x) ? pw.neg(x) : -Number(x),
        )
      : null,
  ]);
}
