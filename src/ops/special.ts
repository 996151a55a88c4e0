/**
 * torch.special's Bessel, Airy, orthogonal-polynomial, incomplete-gamma and Hurwitz-zeta
 * functions. Closed-form approximations are `Ex` trees (one definition for the JS, wasm and WGSL
 * renderers); what needs a loop (the polynomial recurrences in n, zeta's Euler-Maclaurin sum,
 * igamma's series and continued fraction) is one binary op of expr.ts each, which every renderer
 * implements as a helper (backend/special-math.ts, webgpu/wgsl/special.ts).
 *
 * Approximations:
 * - J0, J1, Y0, Y1, K0, K1 (and e^x K): the `bessel` loop op (backend/special-math.ts, its WGSL
 *   twin in f32): power series near 0, trapezoid integrals and Miller's recurrence in the middle,
 *   Hankel's asymptotic expansions above 25; double-precision accurate (~1e-15 against mpmath)
 *   on the CPU, so float64 results are right to the last digits;
 * - I0, I1: the library's existing torch.special.i0/i1 expressions;
 * - Ai: Maclaurin series on [-4.5, 3], the asymptotic expansions (DLMF 9.7.5, 9.7.9) outside.
 * As in PyTorch 1.13 these have no derivative (non_differentiable): the result never requires
 * grad. igamma/igammac/zeta have PyTorch's derivative in their second argument and raise
 * PyTorch's "not implemented" error for the first.
 */

import type { loopBinaryOps } from '../backend/expr.js';
import { BESSEL_KIND } from '../backend/special-math.js';
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

/** One of the `bessel` helper's functions (J0, J1, Y0, Y1, K0, K1, e^x K0, e^x K1). */
const bessel = (kind: keyof typeof BESSEL_KIND) => (x: Ex) => E.bessel(x, BESSEL_KIND[kind]);
export const besselJ0 = nd('special_bessel_j0', bessel('j0'));
export const besselJ1 = nd('special_bessel_j1', bessel('j1'));
export const besselY0 = nd('special_bessel_y0', bessel('y0'));
export const besselY1 = nd('special_bessel_y1', bessel('y1'));
export const modifiedBesselK0 = nd('special_modified_bessel_k0', bessel('k0'));
export const modifiedBesselK1 = nd('special_modified_bessel_k1', bessel('k1'));
export const scaledModifiedBesselK0 = nd('special_scaled_modified_bessel_k0', bessel('k0e'));
export const scaledModifiedBesselK1 = nd('special_scaled_modified_bessel_k1', bessel('k1e'));
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
