/**
 * WGSL twins of backend/special-math.ts (the loop-based binary special functions of expr.ts),
 * in float32: the same special cases and the same choice between recurrence and closed form.
 * Emitted through wgsl/expr.ts's helper mechanism, only when a kernel uses them.
 */
import { ZETA_A } from '../../special-math.js';

/** Shared bodies of the Chebyshev family: `init` is q = P_1(x); `trig` the closed form. */
const recurrence = (q1: string) => `
  if (n == 0) { return 1.0; }
  var p = 1.0;
  var q = ${q1};
  for (var k = 2; k <= n && !isnan_(q); k = k + 1) { let r = (x + x) * q - p; p = q; q = r; }
  return q;`;

/** acos(x) for |x| < 1 through the exact atan2 helper. */
const ACOS = 'let t = fatan2_(sqrt((1.0 - x) * (1.0 + x)), x);';

const zetaTail = ZETA_A.map(
  (a) => `  f = f * (x + k); b = b / w; t = f * b / ${a.toExponential(17)}; s = s + t;
  if (abs(t / s) < 1e-8) { return s; }
  k = k + 1.0; f = f * (x + k); b = b / w; k = k + 1.0;`,
).join('\n');

export const SPECIAL_HELPERS: Record<string, string> = {
  // PyTorch's static_cast<int64_t>(n): truncation; NaN counts as negative.
  sp_n_: `fn sp_n_(n: f32) -> i32 {
  if (isnan_(n)) { return -1; }
  return i32(clamp(trunc(n), -2147483648.0, 2147483520.0));
}`,
  sp_cheb_t_: `fn sp_cheb_t_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  if (abs(x) == 1.0) { return select(-1.0, 1.0, x > 0.0 || n % 2 == 0); }
  if (n > 6 && abs(x) < 1.0) { ${ACOS} return fsincos_(f32(n) * t).y; }
  if (n == 1) { return x; }${recurrence('x')}
}`,
  sp_cheb_u_: `fn sp_cheb_u_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  let m = f32(n + 1);
  if (abs(x) == 1.0) { return select(-m, m, x > 0.0 || n % 2 == 0); }
  if (n > 8 && abs(x) < 1.0) {
    ${ACOS}
    let st = fsincos_(t).x;
    let a = fsincos_(m * t);
    if (st != 0.0) { return a.x / st; }
    return m * a.y / x;
  }${recurrence('x + x')}
}`,
  sp_cheb_v_: `fn sp_cheb_v_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  let e = select(-f32(n + n + 1), f32(n + n + 1), n % 2 == 0);
  if (abs(x) == 1.0) { return select(e, 1.0, x > 0.0); }
  if (n > 8 && abs(x) < 1.0) {
    ${ACOS}
    let h = fsincos_(t / 2.0);
    if (h.x != 1.0) { return fsincos_((f32(n) + 0.5) * t).y / h.y; }
    return e;
  }${recurrence('x + x - 1.0')}
}`,
  sp_cheb_w_: `fn sp_cheb_w_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  let e = select(select(-1.0, 1.0, n % 2 == 0), f32(n + n + 1), x > 0.0);
  if (abs(x) == 1.0) { return e; }
  if (n > 8 && abs(x) < 1.0) {
    ${ACOS}
    let h = fsincos_(t / 2.0);
    if (h.y != 1.0) { return fsincos_((f32(n) + 0.5) * t).x / h.x; }
    return e;
  }${recurrence('x + x + 1.0')}
}`,
  sp_hermite_h_: `fn sp_hermite_h_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  if (n == 0) { return 1.0; }
  var p = 1.0;
  var q = x + x;
  for (var k = 2; k < n + n && !isnan_(q); k = k + 2) { let r = (x + x) * q - f32(k) * p; p = q; q = r; }
  return q;
}`,
  sp_hermite_he_: `fn sp_hermite_he_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  if (n == 0) { return 1.0; }
  var p = 1.0;
  var q = x;
  for (var k = 1; k < n && !isnan_(q); k = k + 1) { let r = x * q - f32(k) * p; p = q; q = r; }
  return q;
}`,
  sp_laguerre_l_: `fn sp_laguerre_l_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  if (x == 0.0 || n == 0) { return 1.0; }
  var p = 1.0;
  var q = 1.0 - x;
  for (var k = 1; k < n && !isnan_(q); k = k + 1) {
    let fk = f32(k);
    let r = ((fk + fk + (1.0 - x)) * q - fk * p) / (fk + 1.0);
    p = q; q = r;
  }
  return q;
}`,
  sp_legendre_p_: `fn sp_legendre_p_(x: f32, nf: f32) -> f32 {
  let n = sp_n_(nf);
  if (n < 0) { return 0.0; }
  if (abs(x) == 1.0) { return select(-1.0, 1.0, x > 0.0 || n % 2 == 0); }
  if (n == 0) { return 1.0; }
  var p = 1.0;
  var q = x;
  for (var k = 1; k < n && !isnan_(q); k = k + 1) {
    let fk = f32(k);
    let r = ((fk + fk + 1.0) * x * q - fk * p) / (fk + 1.0);
    p = q; q = r;
  }
  return q;
}`,
  // Hurwitz zeta: Cephes' Euler-Maclaurin summation (as backend/special-math.ts).
  sp_zeta_: `fn sp_zeta_(x: f32, q: f32) -> f32 {
  if (isnan_(x) || isnan_(q)) { return fbits(0x7fc00000u); }
  if (x == 1.0) { return fbits(0x7f800000u); }
  if (x < 1.0) { return fbits(0x7fc00000u); }
  if (q <= 0.0) {
    if (q == floor(q)) { return fbits(0x7f800000u); }
    if (x != floor(x)) { return fbits(0x7fc00000u); }
  }
  if (q > 1e8) { return (1.0 / (x - 1.0) + 1.0 / (2.0 * q)) * fpow_(q, 1.0 - x); }
  var s = fpow_(q, -x);
  var a = q;
  var b = 0.0;
  var i = 0;
  loop {
    if (!(i < 9 || a <= 9.0)) { break; }
    i = i + 1; a = a + 1.0; b = fpow_(a, -x); s = s + b;
    if (abs(b / s) < 1e-8) { return s; }
  }
  let w = a;
  s = s + b * w / (x - 1.0) - 0.5 * b;
  var f = 1.0;
  var k = 0.0;
  var t = 0.0;
${zetaTail}
  return s;
}`,
  // log Gamma(a), a > 0: shifted up to 10, then Stirling's series.
  sp_lgamma_: `fn sp_lgamma_(a: f32) -> f32 {
  var z = a;
  var p = 1.0;
  loop { if (z >= 10.0) { break; } p = p * z; z = z + 1.0; }
  let r = 1.0 / z;
  let r2 = r * r;
  let st = (z - 0.5) * flog_(z) - z + 0.91893853 + r * (0.083333333 + r2 * (-0.0027777778 + r2 * 0.00079365079));
  return st - flog_(p);
}`,
  sp_igam_pre_: `fn sp_igam_pre_(a: f32, x: f32) -> f32 { return fexp_(a * flog_(x) - x - sp_lgamma_(a)); }`,
  sp_igam_series_: `fn sp_igam_series_(a: f32, x: f32) -> f32 {
  var term = 1.0 / a;
  var sum = term;
  for (var n = 1; n < 4000; n = n + 1) {
    term = term * x / (a + f32(n));
    sum = sum + term;
    if (abs(term) < abs(sum) * 3e-8) { break; }
  }
  return sum * sp_igam_pre_(a, x);
}`,
  sp_igamc_cf_: `fn sp_igamc_cf_(a: f32, x: f32) -> f32 {
  let tiny = 1e-30;
  var b = x + 1.0 - a;
  var c = 1.0 / tiny;
  var d = 1.0 / b;
  var h = d;
  for (var i = 1; i < 4000; i = i + 1) {
    let an = -f32(i) * (f32(i) - a);
    b = b + 2.0;
    d = an * d + b;
    if (abs(d) < tiny) { d = tiny; }
    c = b + an / c;
    if (abs(c) < tiny) { c = tiny; }
    d = 1.0 / d;
    let del = d * c;
    h = h * del;
    if (abs(del - 1.0) < 3e-8) { break; }
  }
  return h * sp_igam_pre_(a, x);
}`,
  sp_igamma_: `fn sp_igamma_(a: f32, x: f32) -> f32 {
  if (x < 0.0 || a < 0.0 || isnan_(a) || isnan_(x)) { return fbits(0x7fc00000u); }
  if (a == 0.0) { return select(fbits(0x7fc00000u), 1.0, x > 0.0); }
  if (x == 0.0) { return 0.0; }
  if (isinf_(a)) { return select(0.0, fbits(0x7fc00000u), isinf_(x)); }
  if (isinf_(x)) { return 1.0; }
  if (x < a + 1.0) { return sp_igam_series_(a, x); }
  return 1.0 - sp_igamc_cf_(a, x);
}`,
  sp_igammac_: `fn sp_igammac_(a: f32, x: f32) -> f32 {
  if (x < 0.0 || a < 0.0 || isnan_(a) || isnan_(x)) { return fbits(0x7fc00000u); }
  if (a == 0.0) { return select(fbits(0x7fc00000u), 0.0, x > 0.0); }
  if (x == 0.0) { return 1.0; }
  if (isinf_(a)) { return select(1.0, fbits(0x7fc00000u), isinf_(x)); }
  if (isinf_(x)) { return 0.0; }
  if (x < a + 1.0) { return 1.0 - sp_igam_series_(a, x); }
  return sp_igamc_cf_(a, x);
}`,
  // Bessel J0/J1/Y0/Y1/K0/K1 (special-math.ts's `bessel`, the same method in f32): power
  // series near 0, trapezoid integrals / Miller's recurrence in the middle, Hankel's expansion
  // above 25. n is the order (0 or 1).
  sp_bes_hankel_: `fn sp_bes_hankel_(n: i32, x: f32, second: bool) -> f32 {
  let mu = f32(4 * n * n);
  var p = 1.0;
  var q = 0.0;
  var a = 1.0;
  var prev = 3.4e38;
  for (var k = 1; k < 30; k = k + 1) {
    a = a * (mu - f32((2 * k - 1) * (2 * k - 1))) / (f32(k) * 8.0 * x);
    let mag = abs(a);
    if (mag >= prev || mag < 1e-9) { break; }
    prev = mag;
    let sg = select(-1.0, 1.0, k % 4 == 0 || k % 4 == 1);
    if (k % 2 == 0) { p = p + sg * a; } else { q = q + sg * a; }
  }
  let sc = fsincos_(x);
  let cosChi = select(sc.x - sc.y, sc.y + sc.x, n == 0) * 0.70710678;
  let sinChi = select(-sc.x - sc.y, sc.x - sc.y, n == 0) * 0.70710678;
  let amp = sqrt(0.63661977 / x);
  return select(amp * (p * cosChi - q * sinChi), amp * (p * sinChi + q * cosChi), second);
}`,
  sp_bes_j_: `fn sp_bes_j_(n: i32, x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let ax = abs(x);
  if (isinf_(ax)) { return fbits(0x7fc00000u); }
  var v = 0.0;
  if (ax > 25.0) {
    v = sp_bes_hankel_(n, ax, false);
  } else if (ax < 4.0) {
    let q = -0.25 * ax * ax;
    var term = 1.0;
    var s = 1.0;
    for (var k = 1; k < 30 && abs(term) > 1e-9 * abs(s); k = k + 1) { term = term * q / f32(k * (k + n)); s = s + term; }
    v = select(0.5 * ax * s, s, n == 0);
  } else {
    v = select(0.0, 1.0, n == 0);
    for (var k = 1; k < 32; k = k + 1) {
      let t = f32(k) * 0.09817477;
      v = v + fsincos_(f32(n) * t - ax * fsincos_(t).x).y;
    }
    v = v / 32.0;
  }
  return select(v, -v, n == 1 && x < 0.0);
}`,
  sp_bes_y_: `fn sp_bes_y_(n: i32, x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return fbits(0x7fc00000u); }
  if (x == 0.0) { return fbits(0xff800000u); }
  if (isinf_(x)) { return fbits(0x7fc00000u); }
  if (x > 25.0) { return sp_bes_hankel_(n, x, true); }
  let lg = flog_(0.5 * x);
  if (x < 4.0) {
    let q = -0.25 * x * x;
    var term = 1.0;
    var s = 0.0;
    if (n == 0) {
      var h = 0.0;
      for (var k = 1; k < 30; k = k + 1) {
        term = term * q / f32(k * k);
        h = h + 1.0 / f32(k);
        s = s + h * term;
        if (abs(h * term) < 1e-9 * abs(s)) { break; }
      }
      return 0.63661977 * ((lg + 0.57721566) * sp_bes_j_(0, x) - s);
    }
    var psi1 = -0.57721566;
    for (var k = 0; k < 30; k = k + 1) {
      if (k > 0) { term = term * q / f32(k * (k + 1)); psi1 = psi1 + 1.0 / f32(k); }
      let add = (2.0 * psi1 + 1.0 / f32(k + 1)) * term;
      s = s + add;
      if (k > 0 && abs(add) < 1e-9 * abs(s)) { break; }
    }
    return -0.63661977 / x + 0.63661977 * lg * sp_bes_j_(1, x) - x * 0.15915494 * s;
  }
  let M = 2 * i32(ceil((1.2 * x + 40.0) * 0.5));
  var j: array<f32, 74>;
  j[M] = 1e-30;
  for (var m = M; m >= 1; m = m - 1) { j[m - 1] = (2.0 * f32(m) / x) * j[m] - j[m + 1]; }
  var norm = j[0];
  var s = 0.0;
  for (var k = 1; 2 * k <= M; k = k + 1) {
    norm = norm + 2.0 * j[2 * k];
    let sg = select(1.0, -1.0, k % 2 == 1);
    s = s + sg * select(j[2 * k - 1] - j[2 * k + 1], 2.0 * j[2 * k], n == 0) / f32(k);
  }
  let g = lg + 0.57721566;
  if (n == 0) { return (0.63661977 * g * j[0] - 0.63661977 * s) / norm; }
  return (0.63661977 * (g * j[1] - j[0] / x) + 0.63661977 * s) / norm;
}`,
  sp_bes_ke_: `fn sp_bes_ke_(n: i32, x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return fbits(0x7fc00000u); }
  if (x == 0.0) { return fbits(0x7f800000u); }
  if (isinf_(x)) { return 0.0; }
  if (x > 25.0) {
    let mu = f32(4 * n * n);
    var s = 1.0;
    var a = 1.0;
    for (var k = 1; k < 30; k = k + 1) {
      let nx = a * (mu - f32((2 * k - 1) * (2 * k - 1))) / (f32(k) * 8.0 * x);
      if (abs(nx) >= abs(a) || abs(nx) < 1e-9) { break; }
      a = nx;
      s = s + a;
    }
    return s * sqrt(1.57079633 / x);
  }
  let h = min(0.2, 0.6 / sqrt(x));
  var s = 0.5;
  for (var k = 1; k < 1000; k = k + 1) {
    let e = fexp_(0.5 * f32(k) * h);
    let sh = 0.5 * (e - 1.0 / e);
    var f = fexp_(-2.0 * x * sh * sh);
    if (n == 1 && f > 0.0) { f = f * 0.5 * (e * e + 1.0 / (e * e)); }
    s = s + f;
    if (f < 1e-9 * s) { break; }
  }
  return h * s;
}`,
  sp_bessel_: `fn sp_bessel_(x: f32, kind: f32) -> f32 {
  let k = i32(kind);
  if (k == 0 || k == 1) { return sp_bes_j_(k, x); }
  if (k == 2 || k == 3) { return sp_bes_y_(k - 2, x); }
  if (k < 4 || k > 7 || isnan_(kind)) { return fbits(0x7fc00000u); }
  let v = sp_bes_ke_(k % 2, x);
  if (k >= 6) { return v; }
  return v * fexp_(-x);
}`,
};

const CHEB = ['sp_n_', 'isnan_', 'fatan2_', 'fsincos_'];
export const SPECIAL_DEPS: Record<string, string[]> = {
  sp_n_: ['isnan_'],
  sp_cheb_t_: CHEB,
  sp_cheb_u_: CHEB,
  sp_cheb_v_: CHEB,
  sp_cheb_w_: CHEB,
  sp_hermite_h_: ['sp_n_', 'isnan_'],
  sp_hermite_he_: ['sp_n_', 'isnan_'],
  sp_laguerre_l_: ['sp_n_', 'isnan_'],
  sp_legendre_p_: ['sp_n_', 'isnan_'],
  sp_zeta_: ['isnan_', 'fbits', 'fpow_'],
  sp_lgamma_: ['flog_'],
  sp_igam_pre_: ['fexp_', 'flog_', 'sp_lgamma_'],
  sp_igam_series_: ['sp_igam_pre_'],
  sp_igamc_cf_: ['sp_igam_pre_'],
  sp_igamma_: ['isnan_', 'isinf_', 'fbits', 'sp_igam_series_', 'sp_igamc_cf_'],
  sp_igammac_: ['isnan_', 'isinf_', 'fbits', 'sp_igam_series_', 'sp_igamc_cf_'],
  sp_bes_hankel_: ['fsincos_'],
  sp_bes_j_: ['isnan_', 'isinf_', 'fbits', 'fsincos_', 'sp_bes_hankel_'],
  sp_bes_y_: ['isnan_', 'isinf_', 'fbits', 'flog_', 'sp_bes_hankel_', 'sp_bes_j_'],
  sp_bes_ke_: ['isnan_', 'isinf_', 'fbits', 'fexp_'],
  sp_bessel_: ['isnan_', 'isinf_', 'fbits', 'fexp_', 'sp_bes_j_', 'sp_bes_y_', 'sp_bes_ke_'],
};
