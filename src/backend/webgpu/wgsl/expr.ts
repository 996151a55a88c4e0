/**
 * `Ex` trees -> WGSL expressions: the WebGPU twin of cpu/compile.ts, one compiler for every
 * elementwise op (STYLE §3).
 *
 * NaN and infinity: the WGSL spec lets implementations assume no NaN/Inf at run time
 * (https://www.w3.org/TR/WGSL/#floating-point-evaluation), and builtins like max, log, sign
 * and float->int conversion leave those cases indeterminate. So every NaN/Inf-sensitive step is
 * done on the bits (isnan/isinf via bitcast), comparisons are guarded, and max/min/sign/log/
 * pow select the IEEE answer explicitly. Constants that are not finite cannot be WGSL literals
 * (a const-expression may not be NaN/Inf), so they are built by a non-const function call.
 * Denormals may be flushed to zero by the device (lavapipe does): results below 1.2e-38 are
 * not guaranteed.
 */
import { type BinOp, type Ex, type ExType, operandType, typeOf, type UnOp } from '../../expr.js';
import { uw } from './common.js';
// ── special/fft (helper special) ──
import { SPECIAL_DEPS, SPECIAL_HELPERS } from './special.js';

/** Helper functions, emitted once per shader and only when used. */
const HELPERS: Record<string, string> = {
  fbits: 'fn fbits(b: u32) -> f32 { return bitcast<f32>(b); }',
  isnan_: 'fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  isinf_: 'fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }',
  nz_: 'fn nz_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }',
  fmax_: 'fn fmax_(a: f32, b: f32) -> f32 { return select(select(max(a, b), b, isnan_(b)), a, isnan_(a)); }',
  fmin_: 'fn fmin_(a: f32, b: f32) -> f32 { return select(select(min(a, b), b, isnan_(b)), a, isnan_(a)); }',
  flt_: 'fn flt_(a: f32, b: f32) -> bool { return !isnan_(a) && !isnan_(b) && a < b; }',
  fle_: 'fn fle_(a: f32, b: f32) -> bool { return !isnan_(a) && !isnan_(b) && a <= b; }',
  feq_: 'fn feq_(a: f32, b: f32) -> bool { return !isnan_(a) && !isnan_(b) && a == b; }',
  fsign_: 'fn fsign_(x: f32) -> f32 { return select(sign(x), x, isnan_(x) || x == 0.0); }',
  // Python remainder: sign of the divisor. a - floor(a/b)*b as torch.remainder computes it.
  fmod_: 'fn fmod_(a: f32, b: f32) -> f32 { return a - floor(a / b) * b; }',
  imod_: `fn imod_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}`,
  // log from scratch: builtin log is log2(x)*ln2 on many devices, off by ~70 ulp near x = 1.
  // x = 2^e * m with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(f), f = (m-1)/(m+1), |f| < 0.172.
  flog_: `fn flog_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return fbits(0x7fc00000u); }
  if (x == 0.0) { return fbits(0xff800000u); }
  if (isinf_(x)) { return x; }
  let b = bitcast<u32>(x);
  var e = i32(b >> 23u) - 127;
  var m = bitcast<f32>((b & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e = e + 1; }
  let f = (m - 1.0) / (m + 1.0);
  let f2 = f * f;
  let s = f2 * (0.6666666666 + f2 * (0.4 + f2 * (0.2857142857 + f2 * (0.2222222222 + f2 * 0.1818181818))));
  let fe = f32(e);
  // e*ln2 in two parts (hi has few mantissa bits, so e*hi is exact).
  return fe * 6.9313812256e-01 + (2.0 * f + (f * s + fe * 9.0580006145e-06));
}`,
  fsqrt_: 'fn fsqrt_(x: f32) -> f32 { return select(sqrt(x), fbits(0x7fc00000u), x < 0.0 || isnan_(x)); }',
  // Kahan's tricks keep expm1/log1p accurate near 0 without a series.
  // Near 0 a Taylor polynomial: Kahan's exp(x)-1 correction is undone by drivers that
  // reassociate float math (lavapipe folds (1 + x) - 1 to x).
  fexpm1_: `fn fexpm1_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (abs(x) >= 0.5) { return fexp_(x) - 1.0; }
  return x * (1.0 + x * (0.5 + x * (1.6666667e-1 + x * (4.1666668e-2 + x * (8.3333338e-3 + x * (1.3888889e-3 +
    x * (1.9841270e-4 + x * (2.4801587e-5 + x * 2.7557319e-6))))))));
}`,
  // log1p(x) = 2 atanh(x / (2 + x)) near 0 (same series as flog_), log(1 + x) elsewhere.
  flog1p_: `fn flog1p_(x: f32) -> f32 {
  if (isnan_(x) || x < -1.0) { return fbits(0x7fc00000u); }
  if (x < -0.2928 || x > 0.4142) { return flog_(1.0 + x); }
  let f = x / (2.0 + x);
  let f2 = f * f;
  return 2.0 * f + f * (f2 * (0.6666666666 + f2 * (0.4 + f2 * (0.2857142857 + f2 * (0.2222222222 + f2 * 0.1818181818)))));
}`,
  // tanh builtins may compute (e^2x - 1)/(e^2x + 1): NaN for large |x|, no precision near 0.
  ftanh_: `fn ftanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (abs(x) > 10.0) { return sign(x); }
  let t = fexpm1_(2.0 * abs(x));
  return sign(x) * (t / (t + 2.0));
}`,
  // exp from scratch: builtin exp is often exp2(x*log2e), ~60 ulp off at |x| ~ 80 (lavapipe).
  // Cody-Waite: x = k ln2 + r, |r| <= ln2/2, exp(r) by its Taylor polynomial, times 2^k.
  fexp_: `fn fexp_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x > 88.72283) { return fbits(0x7f800000u); }
  if (x < -103.97) { return 0.0; }
  let k = round(x * 1.44269504);
  let r = (x - k * 6.9313812256e-01) - k * 9.0580006145e-06;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.6666667e-1 + r * (4.1666668e-2 + r * (8.3333338e-3 + r * (1.3888889e-3 + r * 1.9841270e-4))))));
  // Two steps keep 2^k representable when k = 128 or k < -126.
  let k1 = i32(k) / 2;
  return ldexp(ldexp(p, k1), i32(k) - k1);
}`,
  ftrig_: 'fn ftrig_(x: f32) -> bool { return isnan_(x) || isinf_(x); }',
  // sin/cos/tan from scratch: the WGSL spec bounds builtin sin/cos only by 2^-11 absolute error
  // inside [-pi, pi], and Chromium's software adapter (SwiftShader) is that coarse (2e-4 off).
  // Cody-Waite: x = k pi/2 + r in three parts (k * part exact for |k| < 2^13, so |x| < ~1.3e4
  // stays within 2 ulp), then Cephes' minimax polynomials on |r| <= pi/4; quadrant k mod 4.
  // Returns (sin x, cos x); |x| < 1e-4 gives sin x = x (keeps -0 and denormals).
  fsincos_: `fn fsincos_(x: f32) -> vec2<f32> {
  let k = round(x * 0.636619772);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = i32(k) & 3;
  var sc = vec2<f32>(s, c);
  if (q == 1) { sc = vec2<f32>(c, -s); } else if (q == 2) { sc = vec2<f32>(-s, -c); } else if (q == 3) { sc = vec2<f32>(-c, s); }
  return vec2<f32>(select(sc.x, x, abs(x) < 1e-4), sc.y);
}`,
  ftan_: `fn ftan_(x: f32) -> f32 {
  let sc = fsincos_(x);
  return select(sc.x / sc.y, x, abs(x) < 1e-4);
}`,
  // Numerical Recipes' erfc fit, the same formula as the CPU backend (|err| < 1.2e-7).
  // |x| < 0.5: Maclaurin series (the fit's 1 - r cancels in f32 there); else Numerical Recipes'
  // erfc fit, the CPU backend's formula (|err| < 1.2e-7).
  ferf_: `fn ferf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let z = abs(x);
  if (z < 0.5) {
    let x2 = x * x;
    return x * (1.1283791671 + x2 * (-0.3761263890 + x2 * (0.1128379167 + x2 * (-0.0268661706 + x2 * (0.0052239776 +
      x2 * (-0.0008548327 + x2 * 0.0001205491))))));
  }
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * fexp_(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}`,
  // IEEE/C pow (as torch.pow): exact repeated squaring for small integer exponents, else
  // exp2(y log2|x|) with the sign of odd integer powers of negative bases.
  fpow_: `fn fpow_(x: f32, y: f32) -> f32 {
  if (y == 0.0 || x == 1.0) { return 1.0; }
  if (isnan_(x) || isnan_(y)) { return fbits(0x7fc00000u); }
  let ax = abs(x);
  if (isinf_(y)) {
    if (ax == 1.0) { return 1.0; }
    return select(0.0, fbits(0x7f800000u), (ax > 1.0) == (y > 0.0));
  }
  let yint = floor(y) == y;
  let xneg = (bitcast<u32>(x) >> 31u) == 1u; // -0 counts: pow(-0, -1) = -inf
  if (x < 0.0 && !yint && !isinf_(x)) { return fbits(0x7fc00000u); }
  let odd = yint && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
  var r: f32;
  if (yint && abs(y) <= 64.0 && !isinf_(x)) {
    var n = u32(abs(y));
    var b = ax;
    r = 1.0;
    loop { if ((n & 1u) == 1u) { r = r * b; } n = n >> 1u; if (n == 0u) { break; } b = b * b; }
    if (y < 0.0) { r = 1.0 / r; }
  } else if (ax == 0.0) {
    r = select(fbits(0x7f800000u), 0.0, y > 0.0);
  } else if (isinf_(ax)) {
    r = select(0.0, fbits(0x7f800000u), y > 0.0);
  } else {
    r = fexp_(y * flog_(ax));
  }
  return select(r, -r, xneg && odd);
}`,
  // atan2's zeros and infinities by IEEE/C rules, explicitly: builtins leave them undefined.
  fatan2_: `fn fatan2_(y: f32, x: f32) -> f32 {
  if (isnan_(x) || isnan_(y)) { return fbits(0x7fc00000u); }
  let sy = select(1.0, -1.0, (bitcast<u32>(y) >> 31u) == 1u);
  let xneg = (bitcast<u32>(x) >> 31u) == 1u;
  if (isinf_(y)) { return sy * select(select(1.5707963, 0.78539816, isinf_(x)), 2.3561945, isinf_(x) && xneg); }
  if (isinf_(x) || y == 0.0) { return sy * select(0.0, 3.1415927, xneg); }
  if (x == 0.0) { return sy * 1.5707963; }
  // Builtin atan2 is ~30 ulp off on lavapipe: reduce to atan(a), a in [0, 1], Cephes' atanf
  // polynomial, then unfold octants with pi/2 and pi split in hi + lo parts.
  let ax = abs(x); let ay = abs(y);
  var a = min(ax, ay) / max(ax, ay);
  var base = 0.0;
  if (a > 0.41421356) { a = (a - 1.0) / (a + 1.0); base = 0.78539816; }
  let z = a * a;
  var r = base + ((((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * a + a);
  if (ay > ax) { r = (1.5707964 - r) - 4.371139e-8; }
  if (xneg) { r = (3.1415927 - r) - 8.742278e-8; }
  return sy * r;
}`,
  // float -> int32 truncates toward zero; NaN and +-Inf give 0 (what the CPU's |0 gives).
  f2i_: 'fn f2i_(x: f32) -> i32 { if (isnan_(x) || isinf_(x)) { return 0; } return i32(clamp(x, -2147483648.0, 2147483520.0)); }',
  // ── special/fft (helper special) ──
  ...SPECIAL_HELPERS,
};
const DEPS: Record<string, string[]> = {
  fmax_: ['isnan_'],
  fmin_: ['isnan_'],
  flt_: ['isnan_'],
  fle_: ['isnan_'],
  feq_: ['isnan_'],
  fsign_: ['isnan_'],
  flog_: ['fbits', 'isnan_', 'isinf_'],
  fsqrt_: ['fbits', 'isnan_'],
  fexpm1_: ['isnan_', 'fexp_'],
  flog1p_: ['fbits', 'isnan_', 'flog_'],
  ftanh_: ['isnan_', 'fexpm1_'],
  fexp_: ['isnan_', 'fbits'],
  ferf_: ['isnan_', 'fexp_'],
  ftrig_: ['isnan_', 'isinf_'],
  ftan_: ['fsincos_'],
  fpow_: ['fbits', 'isnan_', 'isinf_', 'fexp_', 'flog_'],
  fatan2_: ['fbits', 'isnan_', 'isinf_'],
  f2i_: ['isnan_', 'isinf_'],
  // ── special/fft (helper special) ──
  ...SPECIAL_DEPS,
};

/**
 * Collects the helpers a generated expression needs and, when `constWord` is set, the
 * expression's constants: constant j (constantsOf's order) is then read from uniform word
 * `constWord + j`, converted on the host to the type it is used at (`constTypes[j]`, see
 * `constantWord`), so the WGSL text and the pipeline key do not depend on the values.
 */
export class WgslCtx {
  readonly used = new Set<string>();
  readonly constTypes: ExType[] = [];
  constructor(readonly constWord?: number) {}
  use(name: string): string {
    if (!this.used.has(name)) {
      this.used.add(name);
      for (const d of DEPS[name] ?? []) this.use(d);
    }
    return name;
  }
  /** Function definitions for everything used, dependencies first. */
  prelude(): string {
    const order = Object.keys(HELPERS).filter((k) => this.used.has(k));
    return order.map((k) => HELPERS[k]).join('\n');
  }
}

export const wgslType: Record<ExType, string> = { f32: 'f32', i32: 'i32', bool: 'bool' };

/** A float literal WGSL accepts for any finite f32 value; non-finite via a bit pattern. */
export function f32Lit(v: number, ctx: WgslCtx): string {
  const f = Math.fround(v);
  if (Number.isNaN(f)) return `${ctx.use('fbits')}(0x7fc00000u)`;
  if (f === Infinity) return `${ctx.use('fbits')}(0x7f800000u)`;
  if (f === -Infinity) return `${ctx.use('fbits')}(0xff800000u)`;
  if (Object.is(f, -0)) return `${ctx.use('fbits')}(0x80000000u)`;
  if (f !== 0 && Math.abs(f) < 1.1754943508222875e-38) {
    const bits = new Uint32Array(new Float32Array([f]).buffer)[0];
    return `${ctx.use('fbits')}(0x${bits.toString(16)}u)`;
  }
  const s = String(f);
  return /[.e]/.test(s) ? `f32(${s})` : `f32(${s}.0)`;
}

function constOf(v: number, t: ExType, ctx: WgslCtx): string {
  if (ctx.constWord !== undefined) {
    const w = uw(ctx.constWord + ctx.constTypes.push(t) - 1);
    return t === 'f32' ? `bitcast<f32>(${w})` : t === 'i32' ? `bitcast<i32>(${w})` : `(${w} != 0u)`;
  }
  if (t === 'f32') return f32Lit(v, ctx);
  if (t === 'bool') return v !== 0 ? 'true' : 'false'; // NaN != 0: true, as the CPU's cast
  const i = Number.isFinite(v) ? Math.trunc(v) | 0 : 0;
  return i === -2147483648 ? 'bitcast<i32>(0x80000000u)' : `i32(${i})`;
}

/**
 * The uniform word (u32 bits) of constant `v` used at type `t`: exactly the value a literal
 * would have (constOf without `constWord`): f32 rounds (NaN, +-Inf, -0 and denormals keep
 * their bits), i32 truncates (non-finite -> 0), bool is `v != 0` (NaN -> true).
 */
export function constantWord(v: number, t: ExType): number {
  if (t === 'f32') {
    scratchF[0] = v;
    return scratchU[0];
  }
  if (t === 'bool') return v !== 0 ? 1 : 0;
  return (Number.isFinite(v) ? Math.trunc(v) | 0 : 0) >>> 0;
}
const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/** Converts a WGSL value of type `from` to `to` with the contract's cast rules. */
export function castWgsl(code: string, from: ExType, to: ExType, ctx: WgslCtx): string {
  if (from === to) return code;
  if (to === 'bool') return from === 'f32' ? `${ctx.use('nz_')}(${code})` : `(${code} != 0)`;
  if (to === 'i32') return from === 'f32' ? `${ctx.use('f2i_')}(${code})` : `select(0, 1, ${code})`;
  return from === 'i32' ? `f32(${code})` : `select(0.0, 1.0, ${code})`;
}

/**
 * WGSL for `e` as a value of type `want`. `reads[i]` is a WGSL expression for input i, already
 * converted to `inputs[i]`'s ExType.
 */
export function toWgsl(
  e: Ex,
  inputs: readonly ExType[],
  want: ExType,
  reads: readonly string[],
  ctx: WgslCtx,
): string {
  if (e.k === 'const') return constOf(e.v, want, ctx);
  const t = typeOf(e, inputs) ?? want;
  return castWgsl(raw(e, inputs, reads, ctx, t), t, want, ctx);
}

type Use = (helper: string) => string;

/** WGSL for each unary op, given its operand, the type it computes in, and a helper request. */
export const wgslUnary = {
  neg: (a, t) => (t === 'bool' ? a : `(-${a})`),
  abs: (a, t) => (t === 'bool' ? a : `abs(${a})`),
  sign: (a, t, h) => (t === 'f32' ? `${h('fsign_')}(${a})` : t === 'i32' ? `sign(${a})` : a),
  exp: (a, _, h) => `${h('fexp_')}(${a})`,
  expm1: (a, _, h) => `${h('fexpm1_')}(${a})`,
  log: (a, _, h) => `${h('flog_')}(${a})`,
  log1p: (a, _, h) => `${h('flog1p_')}(${a})`,
  sqrt: (a, _, h) => `${h('fsqrt_')}(${a})`,
  rsqrt: (a, _, h) => `(1.0 / ${h('fsqrt_')}(${a}))`,
  sin: (a, _, h) => `select(${h('fsincos_')}(${a}).x, ${h('fbits')}(0x7fc00000u), ${h('ftrig_')}(${a}))`,
  cos: (a, _, h) => `select(${h('fsincos_')}(${a}).y, ${h('fbits')}(0x7fc00000u), ${h('ftrig_')}(${a}))`,
  tan: (a, _, h) => `select(${h('ftan_')}(${a}), ${h('fbits')}(0x7fc00000u), ${h('ftrig_')}(${a}))`,
  tanh: (a, _, h) => `${h('ftanh_')}(${a})`,
  erf: (a, _, h) => `${h('ferf_')}(${a})`,
  floor: (a, t) => (t === 'f32' ? `floor(${a})` : a),
  ceil: (a, t) => (t === 'f32' ? `ceil(${a})` : a),
  trunc: (a, t) => (t === 'f32' ? `trunc(${a})` : a),
  round: (a, t) => (t === 'f32' ? `round(${a})` : a), // WGSL round() is half-to-even
  recip: (a) => `(1.0 / ${a})`,
  not: (a) => `(!${a})`,
  bitnot: (a, t) => (t === 'bool' ? `(!${a})` : `(~${a})`),
  isnan: (a, t, h) => (t === 'f32' ? `${h('isnan_')}(${a})` : 'false'),
  isinf: (a, t, h) => (t === 'f32' ? `${h('isinf_')}(${a})` : 'false'),
} satisfies Record<UnOp, (a: string, t: ExType, h: Use) => string>;

/** WGSL for each binary op, given its operands, the type they compute in, and a helper request. */
export const wgslBinary = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b, _, h) => `${h('fpow_')}(${a}, ${b})`,
  atan2: (a, b, _, h) => `${h('fatan2_')}(${a}, ${b})`,
  max: (a, b, t, h) =>
    t === 'f32' ? `${h('fmax_')}(${a}, ${b})` : t === 'bool' ? `(${a} || ${b})` : `max(${a}, ${b})`,
  min: (a, b, t, h) =>
    t === 'f32' ? `${h('fmin_')}(${a}, ${b})` : t === 'bool' ? `(${a} && ${b})` : `min(${a}, ${b})`,
  mod: (a, b, t, h) => (t === 'f32' ? `${h('fmod_')}(${a}, ${b})` : `${h('imod_')}(${a}, ${b})`),
  lt: (a, b, t, h) =>
    t === 'f32' ? `${h('flt_')}(${a}, ${b})` : t === 'bool' ? `(!${a} && ${b})` : `(${a} < ${b})`,
  le: (a, b, t, h) =>
    t === 'f32' ? `${h('fle_')}(${a}, ${b})` : t === 'bool' ? `(!${a} || ${b})` : `(${a} <= ${b})`,
  gt: (a, b, t, h) =>
    t === 'f32' ? `${h('flt_')}(${b}, ${a})` : t === 'bool' ? `(${a} && !${b})` : `(${a} > ${b})`,
  ge: (a, b, t, h) =>
    t === 'f32' ? `${h('fle_')}(${b}, ${a})` : t === 'bool' ? `(${a} || !${b})` : `(${a} >= ${b})`,
  eq: (a, b, t, h) => (t === 'f32' ? `${h('feq_')}(${a}, ${b})` : `(${a} == ${b})`),
  ne: (a, b, t, h) => (t === 'f32' ? `(!${h('feq_')}(${a}, ${b}))` : `(${a} != ${b})`),
  and: (a, b) => `(${a} && ${b})`,
  or: (a, b) => `(${a} || ${b})`,
  xor: (a, b) => `(${a} != ${b})`,
  band: (a, b, t) => (t === 'bool' ? `(${a} && ${b})` : `(${a} & ${b})`),
  bor: (a, b, t) => (t === 'bool' ? `(${a} || ${b})` : `(${a} | ${b})`),
  bxor: (a, b, t) => (t === 'bool' ? `(${a} != ${b})` : `(${a} ^ ${b})`),
  shl: (a, b) => `(${a} << u32(${b}))`,
  shr: (a, b) => `(${a} >> u32(${b}))`,
  // ── special/fft (helper special) ──
  chebyshev_t: (a, b, _, h) => `${h('sp_cheb_t_')}(${a}, ${b})`,
  chebyshev_u: (a, b, _, h) => `${h('sp_cheb_u_')}(${a}, ${b})`,
  chebyshev_v: (a, b, _, h) => `${h('sp_cheb_v_')}(${a}, ${b})`,
  chebyshev_w: (a, b, _, h) => `${h('sp_cheb_w_')}(${a}, ${b})`,
  hermite_h: (a, b, _, h) => `${h('sp_hermite_h_')}(${a}, ${b})`,
  hermite_he: (a, b, _, h) => `${h('sp_hermite_he_')}(${a}, ${b})`,
  laguerre_l: (a, b, _, h) => `${h('sp_laguerre_l_')}(${a}, ${b})`,
  legendre_p: (a, b, _, h) => `${h('sp_legendre_p_')}(${a}, ${b})`,
  igamma: (a, b, _, h) => `${h('sp_igamma_')}(${a}, ${b})`,
  igammac: (a, b, _, h) => `${h('sp_igammac_')}(${a}, ${b})`,
  zeta: (a, b, _, h) => `${h('sp_zeta_')}(${a}, ${b})`,
  bessel: (a, b, _, h) => `${h('sp_bessel_')}(${a}, ${b})`,
} satisfies Record<BinOp, (a: string, b: string, t: ExType, h: Use) => string>;

// Operands are rendered in constantsOf's order (un: a; bin: a, b; where: c, a, b), so the
// constant met j-th takes uniform word constWord + j.
function raw(e: Ex, ins: readonly ExType[], reads: readonly string[], ctx: WgslCtx, t: ExType): string {
  const h: Use = (n) => ctx.use(n);
  switch (e.k) {
    case 'in':
      return reads[e.i];
    case 'const':
      return constOf(e.v, t, ctx);
    case 'cast':
      return toWgsl(e.a, ins, e.t, reads, ctx);
    case 'where': {
      const c = toWgsl(e.c, ins, 'bool', reads, ctx);
      const a = toWgsl(e.a, ins, t, reads, ctx);
      return `select(${toWgsl(e.b, ins, t, reads, ctx)}, ${a}, ${c})`;
    }
    case 'un': {
      const ot = operandType(e, ins, t);
      return wgslUnary[e.op](toWgsl(e.a, ins, ot, reads, ctx), ot, h);
    }
    case 'bin': {
      const ot = operandType(e, ins, t);
      const a = toWgsl(e.a, ins, ot, reads, ctx);
      return wgslBinary[e.op](a, toWgsl(e.b, ins, ot, reads, ctx), ot, h);
    }
  }
}
