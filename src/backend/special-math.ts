/**
 * Scalar special functions that need loops (polynomial recurrences in n, the Hurwitz zeta's
 * Euler-Maclaurin sum, the incomplete gamma's series and continued fraction): the JS bodies of
 * the expr.ts binary ops of the same names (webgpu/wgsl/special.ts holds the WGSL twins). They
 * follow PyTorch's aten/src/ATen/native/Math.h: n is a float truncated to an integer, the same
 * special cases (n < 0, |x| = 1, poles) and, for the polynomials, the same choice between the
 * three-term recurrence and the trigonometric closed form.
 */

/**
 * PyTorch's static_cast<int64_t>(n); NaN counts as negative (what x86 gives). Recurrences stop
 * once their value is NaN (it stays NaN), as PyTorch's later versions do.
 */
const intOf = (n: number): number => (Number.isNaN(n) ? -1 : Math.trunc(n));

/** Chebyshev T_n(x). */
export function chebyshevT(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? 1 : -1;
  if (n > 6 && Math.abs(x) < 1) return Math.cos(n * Math.acos(x));
  if (n === 0) return 1;
  if (n === 1) return x;
  let p = 1;
  let q = x;
  for (let k = 2; k <= n && q === q; k++) [p, q] = [q, (x + x) * q - p];
  return q;
}

/** Chebyshev U_n(x). */
export function chebyshevU(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? n + 1 : -(n + 1);
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    return Math.sin(t) !== 0 ? Math.sin((n + 1) * t) / Math.sin(t) : ((n + 1) * Math.cos((n + 1) * t)) / x;
  }
  if (n === 0) return 1;
  let p = 1;
  let q = x + x;
  for (let k = 2; k <= n && q === q; k++) [p, q] = [q, (x + x) * q - p];
  return q;
}

/** Chebyshev V_n(x) (third kind). */
export function chebyshevV(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  const edge = () => (n % 2 === 0 ? n + n + 1 : -(n + n + 1));
  if (Math.abs(x) === 1) return x > 0 ? 1 : edge();
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    return Math.sin(t / 2) !== 1 ? Math.cos((n + 0.5) * t) / Math.cos(t / 2) : edge();
  }
  if (n === 0) return 1;
  let p = 1;
  let q = x + x - 1;
  for (let k = 2; k <= n && q === q; k++) [p, q] = [q, (x + x) * q - p];
  return q;
}

/** Chebyshev W_n(x) (fourth kind). */
export function chebyshevW(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  const edge = () => (x > 0 ? n + n + 1 : n % 2 === 0 ? 1 : -1);
  if (Math.abs(x) === 1) return edge();
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    return Math.cos(t / 2) !== 1 ? Math.sin((n + 0.5) * t) / Math.sin(t / 2) : edge();
  }
  if (n === 0) return 1;
  let p = 1;
  let q = x + x + 1;
  for (let k = 2; k <= n && q === q; k++) [p, q] = [q, (x + x) * q - p];
  return q;
}

/** Physicists' Hermite H_n(x). */
export function hermiteH(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  if (n === 0) return 1;
  let p = 1;
  let q = x + x;
  for (let k = 2; k < n + n && q === q; k += 2) [p, q] = [q, (x + x) * q - k * p];
  return q;
}

/** Probabilists' Hermite He_n(x). */
export function hermiteHe(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  if (n === 0) return 1;
  let p = 1;
  let q = x;
  for (let k = 1; k < n && q === q; k++) [p, q] = [q, x * q - k * p];
  return q;
}

/** Laguerre L_n(x). */
export function laguerreL(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  if (x === 0 || n === 0) return 1;
  let p = 1;
  let q = 1 - x;
  for (let k = 1; k < n && q === q; k++) [p, q] = [q, ((k + k + (1 - x)) * q - k * p) / (k + 1)];
  return q;
}

/** Legendre P_n(x). */
export function legendreP(x: number, nf: number): number {
  const n = intOf(nf);
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? 1 : -1;
  if (n === 0) return 1;
  let p = 1;
  let q = x;
  for (let k = 1; k < n && q === q; k++) [p, q] = [q, ((k + k + 1) * x * q - k * p) / (k + 1)];
  return q;
}

/** (2k)! / B_2k for k = 1..12: the Euler-Maclaurin tail's coefficients (Cephes' zeta table). */
export const ZETA_A = (() => {
  const b = [
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
    854513 / 138,
    -236364091 / 2730,
  ];
  let f = 1;
  return b.map((bk, i) => {
    f *= (2 * i + 1) * (2 * i + 2);
    return f / bk;
  });
})();

/** Hurwitz zeta(x, q) = sum_k (k + q)^-x, as Cephes (Euler-Maclaurin after >= 9 terms). */
export function zeta(x: number, q: number): number {
  const EPS = 1.1102230246251565e-16;
  if (x === 1) return Number.POSITIVE_INFINITY;
  if (x < 1) return Number.NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Number.POSITIVE_INFINITY;
    if (x !== Math.floor(x)) return Number.NaN;
  }
  if (q > 1e8) return (1 / (x - 1) + 1 / (2 * q)) * q ** (1 - x);
  let s = q ** -x;
  let a = q;
  let b = 0;
  let i = 0;
  while (i < 9 || a <= 9) {
    i++;
    a += 1;
    b = a ** -x;
    s += b;
    if (Math.abs(b / s) < EPS) return s;
  }
  const w = a;
  s += (b * w) / (x - 1) - 0.5 * b;
  let f = 1;
  let k = 0;
  for (let j = 0; j < 12; j++) {
    f *= x + k;
    b /= w;
    const t = (f * b) / ZETA_A[j];
    s += t;
    if (Math.abs(t / s) < EPS) return s;
    k += 1;
    f *= x + k;
    b /= w;
    k += 1;
  }
  return s;
}

/** log Gamma(x) for x > 0: Lanczos (g = 7, 9 terms), shifted below 1/2. */
export function lgammaPos(x: number): number {
  if (x < 0.5) return lgammaPos(x + 1) - Math.log(x);
  const c = LANCZOS;
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
export const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** x^a e^-x / Gamma(a): the factor both incomplete-gamma expansions share. */
const igamPrefix = (a: number, x: number) => Math.exp(a * Math.log(x) - x - lgammaPos(a));
/** P(a, x) by its power series (x < a + 1). */
function igamSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * igamPrefix(a, x);
}
/** Q(a, x) by its continued fraction, modified Lentz (x >= a + 1). */
function igamcFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h * igamPrefix(a, x);
}

/** The regularized lower incomplete gamma P(a, x) (torch.igamma), PyTorch's edge cases. */
export function igamma(a: number, x: number): number {
  if (x < 0 || a < 0) return Number.NaN;
  if (a === 0) return x > 0 ? 1 : Number.NaN;
  if (x === 0) return 0;
  if (a === Number.POSITIVE_INFINITY) return x === Number.POSITIVE_INFINITY ? Number.NaN : 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (Number.isNaN(a) || Number.isNaN(x)) return Number.NaN;
  return x < a + 1 ? igamSeries(a, x) : 1 - igamcFraction(a, x);
}

/** The regularized upper incomplete gamma Q(a, x) = 1 - P(a, x) (torch.igammac). */
export function igammac(a: number, x: number): number {
  if (x < 0 || a < 0) return Number.NaN;
  if (a === 0) return x > 0 ? 0 : Number.NaN;
  if (x === 0) return 1;
  if (a === Number.POSITIVE_INFINITY) return x === Number.POSITIVE_INFINITY ? Number.NaN : 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (Number.isNaN(a) || Number.isNaN(x)) return Number.NaN;
  return x < a + 1 ? 1 - igamSeries(a, x) : igamcFraction(a, x);
}
