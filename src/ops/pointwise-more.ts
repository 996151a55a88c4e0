/**
 * More pointwise ops (inverse trig and hyperbolic functions, the binary ops of PyTorch's math
 * library, the special functions that are compositions). Each forward is one expression of the
 * backend's existing primitives (backend/expr.ts); each backward is written with ops, so it is
 * differentiable again. Edge cases (NaN, infinities, the domain's ends) follow PyTorch.
 */
import { type DType, finfo, floatOfArgs, isFloat, promoteTypes, resultType } from '../tensor/dtype.js';
import { DTypeError } from '../tensor/errors.js';
import { E, type Ex, ewise, isTensor, record1, type Tensor, type TensorOrScalar } from './core.js';
import * as pw from './pointwise.js';

const LN2 = Math.LN2;
const F32_MAX = 3.4028234663852886e38;

const f32 = (e: Ex): Ex => E.cast('f32', e);
/** An elementwise op with a float32 result: integer and bool inputs are converted first. */
const ewiseF = (name: string, f: (...xs: Ex[]) => Ex, args: readonly TensorOrScalar[]): Tensor =>
  ewise(name, (...xs) => f(...xs.map(f32)), args, floatOfArgs(args));

/** A float-valued unary op: forward expression, derivative `d(x, out)` (times the gradient). */
function unaryF(name: string, f: (x: Ex) => Ex, deriv: ((x: Tensor, out: Tensor) => Tensor) | null) {
  return (x: Tensor): Tensor => {
    const out = ewiseF(name, f, [x]);
    return record1(name, out, [x], (g) => [deriv ? pw.mul(g, deriv(x, out)) : zeros(g)]);
  };
}

const zeros = (g: Tensor) => pw.mul(g, 0);
/** 1 - x^2 as (1 - x)(1 + x), exact near |x| = 1. */
const oneMinusSq = (x: Ex) => E.mul(E.sub(1, x), E.add(1, x));
const oneMinusSqT = (x: Tensor) => pw.mul(pw.rsub(x, 1), pw.add(x, 1));

// ---- inverse trigonometric ----
export const atan = unaryF(
  'atan',
  (x) => E.atan2(x, 1),
  (x) => pw.reciprocal(pw.add(pw.mul(x, x), 1)),
);
export const asin = unaryF(
  'asin',
  (x) => E.atan2(x, E.sqrt(oneMinusSq(x))),
  (x) => pw.rsqrt(oneMinusSqT(x)),
);
export const acos = unaryF(
  'acos',
  (x) => E.atan2(E.sqrt(oneMinusSq(x)), x),
  (x) => pw.neg(pw.rsqrt(oneMinusSqT(x))),
);

// ---- hyperbolic ----
/** (e^x - e^-x) / 2 through expm1: no cancellation for small x. */
const sinhEx = (x: Ex) => E.mul(E.sub(E.expm1(x), E.expm1(E.neg(x))), 0.5);
const coshEx = (x: Ex) => E.mul(E.add(E.exp(x), E.exp(E.neg(x))), 0.5);
export const sinh: (x: Tensor) => Tensor = unaryF('sinh', sinhEx, (x) => cosh(x));
export const cosh: (x: Tensor) => Tensor = unaryF('cosh', coshEx, (x) => sinh(x));

/** asinh(|x|) = log1p(a + a^2 / (1 + sqrt(1 + a^2))), log(2a) where a^2 would overflow. */
export const asinh = unaryF(
  'asinh',
  (x) => {
    const a = E.abs(x);
    const small = E.log1p(E.add(a, E.div(E.mul(a, a), E.add(1, E.sqrt(E.add(1, E.mul(a, a)))))));
    const r = E.where(E.gt(a, 1e18), E.add(E.log(a), LN2), small);
    return E.where(E.lt(x, 0), E.neg(r), r);
  },
  (x) => pw.rsqrt(pw.add(pw.mul(x, x), 1)),
);
/** acosh(x) = log1p(t + sqrt(t (t + 2))) with t = x - 1 (exact near 1); NaN below 1. */
export const acosh = unaryF(
  'acosh',
  (x) => {
    const t = E.sub(x, 1);
    const r = E.log1p(E.add(t, E.sqrt(E.mul(t, E.add(t, 2)))));
    return E.where(E.lt(x, 1), Number.NaN, E.where(E.gt(x, 1e18), E.add(E.log(x), LN2), r));
  },
  (x) => pw.rsqrt(pw.mul(pw.sub(x, 1), pw.add(x, 1))),
);
/** atanh(x) = log1p(2x / (1 - x)) / 2: +-inf at +-1, NaN beyond. */
export const atanh = unaryF(
  'atanh',
  (x) => E.mul(E.log1p(E.div(E.mul(x, 2), E.sub(1, x))), 0.5),
  (x) => pw.reciprocal(oneMinusSqT(x)),
);

// ---- exponentials, angles, parts ----
export const exp2 = unaryF(
  'exp2',
  (x) => E.pow(2, x),
  (_x, out) => pw.mul(out, LN2),
);
/** x times a constant (degrees <-> radians); the gradient is the constant. */
const scaled =
  (name: string, c: number) =>
  (x: Tensor): Tensor => {
    const out = ewiseF(name, (v) => E.mul(v, c), [x]);
    return record1(name, out, [x], (g) => [pw.mul(g, c)]);
  };
export const deg2rad = scaled('deg2rad', Math.PI / 180);
export const rad2deg = scaled('rad2deg', 180 / Math.PI);
/** x - trunc(x); its gradient passes through. */
export function frac(x: Tensor): Tensor {
  const out = ewise('frac', (v) => E.sub(v, E.trunc(v)), [x], x.dtype);
  return record1('frac', out, [x], (g) => [g]);
}

/** log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given. */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  const out = ewiseF(
    'logit',
    (v) => {
      const c = eps === null ? v : E.where(E.lt(v, eps), eps, E.where(E.gt(v, 1 - eps), 1 - eps, v));
      return E.log(E.div(c, E.sub(1, c)));
    },
    [x],
  );
  return record1('logit', out, [x], (g) => {
    // PyTorch's logit_backward: 0 outside [eps, 1 - eps]; without eps NaN outside [0, 1].
    const d = pw.div(g, pw.mul(x, pw.rsub(x, 1)));
    const lo = eps ?? 0;
    const outside = pw.logicalOr(pw.lt(x, lo), pw.gt(x, 1 - lo));
    return [pw.where(outside, eps === null ? Number.NaN : 0, d)];
  });
}

/** sin(pi x) / (pi x), 1 at 0; the sine's argument is reduced to [-pi, pi] first (exact). */
export function sinc(x: Tensor): Tensor {
  const out = ewiseF(
    'sinc',
    (v) => {
      const r = E.sub(v, E.mul(E.round(E.mul(v, 0.5)), 2));
      return E.where(E.eq(v, 0), 1, E.div(E.sin(E.mul(r, Math.PI)), E.mul(v, Math.PI)));
    },
    [x],
  );
  return record1('sinc', out, [x], (g) => [
    pw.mul(g, pw.where(pw.eq(x, 0), 0, pw.div(pw.sub(pw.cos(pw.mul(x, Math.PI)), out), x))),
  ]);
}

/** NaN -> nan, +inf -> posinf (largest float), -inf -> neginf (lowest float). */
export function nanToNum(
  x: Tensor,
  nan: number | null = 0,
  posinf: number | null = null,
  neginf: number | null = null,
): Tensor {
  if (!isFloat(x.dtype)) return pw.cast(x, x.dtype);
  const big = finfo(x.dtype).max;
  const pi = posinf ?? big;
  const ni = neginf ?? -big;
  const out = ewise(
    'nan_to_num',
    (v) => E.where(E.isnan(v), nan ?? 0, E.where(E.isinf(v), E.where(E.gt(v, 0), pi, ni), v)),
    [x],
    x.dtype,
  );
  return record1('nan_to_num', out, [x], (g) => [pw.where(pw.isfinite(x), g, 0)]);
}

/** True where the sign bit is set (negative numbers and -0). */
const signbitEx = (v: Ex) => E.or(E.lt(v, 0), E.and(E.eq(v, 0), E.lt(E.div(1, v), 0)));
export function signbit(x: Tensor): Tensor {
  if (!isFloat(x.dtype)) return ewise('signbit', (v) => E.lt(v, 0), [x], 'bool');
  return ewise('signbit', signbitEx, [x], 'bool');
}

/** +x: the input itself, as PyTorch. */
export function positive(x: Tensor): Tensor {
  if (x.dtype === 'bool') throw new DTypeError('The `+` operator, on a bool tensor is not supported.');
  return x;
}

/** round(x * 10^d) / 10^d (d < 0: round(x / 10^-d) * 10^-d); half to even. */
export function roundDecimals(x: Tensor, decimals: number): Tensor {
  if (decimals === 0) return pw.round(x);
  const p = 10 ** Math.abs(decimals);
  const out = ewise(
    'round',
    decimals > 0 ? (v) => E.div(E.round(E.mul(v, p)), p) : (v) => E.mul(E.round(E.div(v, p)), p),
    [x],
    x.dtype,
  );
  return record1('round', out, [x], (g) => [zeros(g)]);
}

// ---- binary ----
/** C's fmod of two expressions: Python's modulus moved back to the dividend's sign. */
function fmodEx(x: Ex, y: Ex, float: boolean): Ex {
  const r = E.mod(x, y);
  const fixed = E.where(E.and(E.ne(r, 0), E.ne(E.lt(r, 0), E.lt(x, 0))), E.sub(r, y), r);
  // A finite dividend over an infinite divisor is itself (Python's modulus gives +-inf).
  return float ? E.where(E.and(E.isinf(y), E.eq(E.isinf(x), 0)), x, fixed) : fixed;
}
const binaryDtype = (a: Tensor, b: TensorOrScalar): DType => {
  const d = resultType([a, b].map((v) => (isTensor(v) ? { dtype: v.dtype, dim: v.dim() } : Number(v))));
  return d === 'bool' ? 'int64' : d;
};

/** C's fmod: the remainder has the dividend's sign. */
export function fmod(a: Tensor, b: TensorOrScalar): Tensor {
  const dt = binaryDtype(a, b);
  const out = ewise('fmod', (x, y) => fmodEx(x, y, isFloat(dt)), [a, b], dt);
  return record1('fmod', out, [a, b], (g) => [
    g,
    isTensor(b) && b.requiresGrad ? pw.neg(pw.mul(g, pw.div(a, b, { roundingMode: 'trunc' }))) : null,
  ]);
}

export function hypot(a: Tensor, b: TensorOrScalar): Tensor {
  // An infinite side wins over NaN, as C's hypot.
  const out = ewiseF(
    'hypot',
    (x, y) =>
      E.where(
        E.or(E.isinf(x), E.isinf(y)),
        Number.POSITIVE_INFINITY,
        E.sqrt(E.add(E.mul(x, x), E.mul(y, y))),
      ),
    [a, b],
  );
  return record1('hypot', out, [a, b], (g) => [
    pw.mul(g, pw.div(a, out)),
    isTensor(b) && b.requiresGrad ? pw.mul(g, pw.div(b, out)) : null,
  ]);
}

/** log(e^a + e^b) = max + log1p(e^-|a-b|); equal infinities give themselves. */
export function logaddexp(a: Tensor, b: Tensor): Tensor {
  const out = ewiseF(
    'logaddexp',
    (x, y) =>
      E.where(
        E.and(E.isinf(x), E.eq(x, y)),
        x,
        E.add(E.max(x, y), E.log1p(E.exp(E.neg(E.abs(E.sub(x, y)))))),
      ),
    [a, b],
  );
  return record1('logaddexp', out, [a, b], (g) => [
    pw.mul(g, pw.sigmoid(pw.sub(a, b))),
    b.requiresGrad ? pw.mul(g, pw.sigmoid(pw.sub(b, a))) : null,
  ]);
}

/** log2(2^a + 2^b). */
export function logaddexp2(a: Tensor, b: Tensor): Tensor {
  const out = ewiseF(
    'logaddexp2',
    (x, y) =>
      E.where(
        E.and(E.isinf(x), E.eq(x, y)),
        x,
        E.add(E.max(x, y), E.div(E.log1p(E.pow(2, E.neg(E.abs(E.sub(x, y))))), LN2)),
      ),
    [a, b],
  );
  return record1('logaddexp2', out, [a, b], (g) => [
    pw.mul(g, pw.sigmoid(pw.mul(pw.sub(a, b), LN2))),
    b.requiresGrad ? pw.mul(g, pw.sigmoid(pw.mul(pw.sub(b, a), LN2))) : null,
  ]);
}

/** x * log(y) (or log1p(y)), 0 where x == 0 unless y is NaN. */
function xlogFamily(name: string, lg: (y: Ex) => Ex, lgT: (y: TensorOrScalar) => TensorOrScalar, at: number) {
  const op = (a: TensorOrScalar, b: TensorOrScalar): Tensor => {
    const out = ewiseF(
      name,
      (x, y) => E.where(E.isnan(y), Number.NaN, E.where(E.eq(x, 0), 0, E.mul(x, lg(y)))),
      [a, b],
    );
    return record1(name, out, [a, b], (g) => [
      isTensor(a) && a.requiresGrad ? pw.where(pw.logicalAnd(pw.eq(a, 0), leT(b, at)), 0, op(g, b)) : null,
      isTensor(b) && b.requiresGrad ? pw.div(pw.mul(g, a), lgT(b)) : null,
    ]);
  };
  return op;
}
const leT = (x: TensorOrScalar, v: number): Tensor | boolean => (isTensor(x) ? pw.le(x, v) : Number(x) <= v);
export const xlogy = xlogFamily('xlogy', E.log, (y) => y, 0);
export const xlog1py = xlogFamily(
  'xlog1py',
  E.log1p,
  (y) => (isTensor(y) ? pw.add(y, 1) : Number(y) + 1),
  -1,
);

/** -x log(x): 0 at 0, -inf below. */
export function entr(x: Tensor): Tensor {
  const out = ewiseF(
    'entr',
    (v) =>
      E.where(
        E.gt(v, 0),
        E.neg(E.mul(v, E.log(v))),
        E.where(E.eq(v, 0), 0, E.where(E.lt(v, 0), Number.NEGATIVE_INFINITY, v)),
      ),
    [x],
  );
  return record1('entr', out, [x], (g) => [pw.mul(g, pw.neg(pw.add(pw.log(x), 1)))]);
}

/** The standard normal CDF, (1 + erf(x / sqrt 2)) / 2. */
export const ndtr = unaryF(
  'ndtr',
  (x) => E.mul(E.add(1, E.erf(E.mul(x, Math.SQRT1_2))), 0.5),
  (x) => pw.mul(pw.exp(pw.mul(pw.mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI)),
);

/** |a| with b's sign (-0 counts as negative). */
export function copysign(a: Tensor, b: TensorOrScalar): Tensor {
  const out = ewiseF('copysign', (x, y) => E.where(signbitEx(y), E.neg(E.abs(x)), E.abs(x)), [a, b]);
  return record1('copysign', out, [a, b], (g) => [
    pw.where(pw.eq(a, 0), 0, pw.mul(g, pw.div(out, a))),
    isTensor(b) && b.requiresGrad ? zeros(g) : null,
  ]);
}

/** values where x == 0, else x > 0 (NaN gives 0). No gradient, as PyTorch. */
export function heaviside(x: Tensor, values: Tensor): Tensor {
  const dt = promoteTypes(x.dtype, values.dtype);
  return ewise('heaviside', (v, h) => E.where(E.eq(v, 0), h, E.where(E.gt(v, 0), 1, 0)), [x, values], dt);
}

export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  const p = pw.mul(t1, t2);
  return pw.add(x, value === 1 ? p : pw.mul(p, value));
}
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  const q = pw.div(t1, t2);
  return pw.add(x, value === 1 ? q : pw.mul(q, value));
}
/** input + weight (end - input). */
export function lerp(x: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  return pw.add(x, pw.mul(weight, pw.sub(end, x)));
}

/** torch.float_power: pow in float64, as PyTorch (float32 on devices without float64: WebGPU). */
export function floatPower(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const dev = isTensor(a) ? a.device.type : isTensor(b) ? b.device.type : 'cpu';
  const to: DType = dev === 'cpu' ? 'float64' : 'float32';
  const f = (v: TensorOrScalar) => (isTensor(v) && v.dtype !== to ? pw.cast(v, to) : v);
  const fa = f(a);
  return pw.pow(isTensor(fa) ? fa : Number(fa), f(b));
}

/** torch.sgn of a real tensor: -1, 0 or 1 (0 for NaN); no gradient. */
export function sgn(x: Tensor): Tensor {
  if (!isFloat(x.dtype)) return pw.sign(x);
  const out = ewise('sgn', (v) => E.where(E.gt(v, 0), 1, E.where(E.lt(v, 0), -1, 0)), [x], x.dtype);
  return record1('sgn', out, [x], (g) => [zeros(g)]);
}

/** fmax/fmin: max/min that ignore a NaN operand; ties give the gradient to input, as PyTorch. */
function fminmax(name: string, pick: (x: Ex, y: Ex) => Ex, wins: (a: Tensor, b: Tensor) => Tensor) {
  return (a: Tensor, b: Tensor): Tensor => {
    const dt = promoteTypes(a.dtype, b.dtype);
    const out = ewise(name, (x, y) => E.where(E.isnan(x), y, E.where(E.isnan(y), x, pick(x, y))), [a, b], dt);
    return record1(name, out, [a, b], (g) => {
      const first = pw.logicalOr(wins(a, b), pw.isnan(b));
      return [pw.where(first, g, 0), b.requiresGrad ? pw.where(first, 0, g) : null];
    });
  };
}
export const fmax = fminmax('fmax', E.max, pw.ge);
export const fmin = fminmax('fmin', E.min, pw.le);

/** input * 2^other. */
export const ldexp = (x: Tensor, other: Tensor): Tensor => pw.mul(x, exp2(other));

/** |a - b| <= atol + rtol |b| (finite), or a == b, or both NaN with equal_nan. */
export function isclose(a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean): Tensor {
  if (rtol < 0) throw new RangeError(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new RangeError(`atol must be greater than or equal to zero, but got ${atol}`);
  return ewise(
    'isclose',
    (x, y) => {
      const err = E.abs(E.sub(x, y));
      const fin = E.and(E.eq(E.isnan(err), 0), E.eq(E.isinf(err), 0));
      const close = E.or(E.eq(x, y), E.and(fin, E.le(err, E.add(atol, E.abs(E.mul(y, rtol))))));
      return equalNan ? E.or(close, E.and(E.isnan(x), E.isnan(y))) : close;
    },
    [a, b],
    'bool',
  );
}

export const isposinf = (x: Tensor): Tensor =>
  ewise('isposinf', (v) => E.and(E.isinf(v), E.gt(v, 0)), [x], 'bool');
export const isneginf = (x: Tensor): Tensor =>
  ewise('isneginf', (v) => E.and(E.isinf(v), E.lt(v, 0)), [x], 'bool');
/** Every element of a real tensor is real. */
export const isreal = (x: Tensor): Tensor => ewise('isreal', () => E.const(1), [x], 'bool');
/** The argument of a real number: pi below 0, else 0 (NaN stays); no gradient. */
export function angle(x: Tensor): Tensor {
  const out = ewiseF('angle', (v) => E.where(E.lt(v, 0), Math.PI, E.where(E.isnan(v), v, 0)), [x]);
  return record1('angle', out, [x], (g) => [zeros(g)]);
}

/** 1 - erf(x). */
export const erfc = unaryF(
  'erfc',
  (x) => E.sub(1, E.erf(x)),
  (x) => pw.mul(pw.exp(pw.neg(pw.mul(x, x))), -2 / Math.sqrt(Math.PI)),
);

/** torch.floor_divide: PyTorch's div_floor (fmod-based, so a/b's rounding cannot move it); no gradient. */
export function floorDivide(a: Tensor, b: TensorOrScalar): Tensor {
  const dt = binaryDtype(a, b);
  if (!isFloat(dt)) return pw.div(a, b, { roundingMode: 'floor' });
  const out = ewiseF(
    'floor_divide',
    (x, y) => {
      const mod = fmodEx(x, y, true);
      const q = E.div(x, y);
      const d0 = E.div(E.sub(x, mod), y);
      const d = E.where(E.and(E.ne(mod, 0), E.ne(E.lt(y, 0), E.lt(mod, 0))), E.sub(d0, 1), d0);
      const fl = E.floor(d);
      const res = E.where(
        E.ne(d, 0),
        E.add(fl, E.cast('f32', E.gt(E.sub(d, fl), 0.5))),
        E.mul(E.where(signbitEx(q), -1, 1), 0),
      );
      return E.where(E.eq(y, 0), q, res);
    },
    [a, b],
  );
  return record1('floor_divide', out, [a, b], (g) => [zeros(g), isTensor(b) ? zeros(g) : null]);
}

/**
 * The next float after a toward b in the result's dtype (float32, or float64: 52 mantissa bits).
 * With no bit casts among the backend's primitives, the step is one ulp of a's binade
 * (2^(e - mant), e = floor(log2 |a|) corrected against 2^e), halved when stepping down from a
 * power of two; subnormals step by the smallest subnormal.
 */
export function nextafter(a: Tensor, b: Tensor): Tensor {
  const f64 = promoteTypes(a.dtype, b.dtype) === 'float64';
  const [mant, minExp, tiny, big] = f64
    ? [52, -1022, 2 ** -1074, Number.MAX_VALUE]
    : [23, -126, 2 ** -149, F32_MAX];
  return ewiseF(
    'nextafter',
    (x, y) => {
      const ax = E.abs(x);
      const e0 = E.floor(E.div(E.log(ax), LN2));
      const p0 = E.pow(2, e0);
      const e = E.where(E.gt(p0, ax), E.sub(e0, 1), E.where(E.le(E.mul(p0, 2), ax), E.add(e0, 1), e0));
      const ulp = E.pow(2, E.sub(E.max(e, minExp), mant));
      const powerOfTwo = E.and(E.eq(E.pow(2, e), ax), E.gt(e, minExp));
      const up = E.gt(y, x);
      const awayFromZero = E.eq(up, E.gt(x, 0));
      const step = E.where(E.or(awayFromZero, E.not(powerOfTwo)), ulp, E.mul(ulp, 0.5));
      const moved = E.where(
        E.isinf(x),
        E.where(E.gt(x, 0), big, -big),
        E.where(E.eq(x, 0), E.where(up, tiny, -tiny), E.add(x, E.where(up, step, E.neg(step)))),
      );
      return E.where(E.or(E.isnan(x), E.isnan(y)), Number.NaN, E.where(E.eq(x, y), y, moved));
    },
    [a, b],
  );
}

// ---- gamma family ----
/** Terms of the recurrences that shift x up to at least GAMMA_T before the asymptotic series. */
const GAMMA_K = 24;
const GAMMA_T = 10;
/** x + (the number of shifted terms): the point where the asymptotic series is taken. */
const shiftedZ = (x: Ex): Ex => {
  let z: Ex = x;
  for (let k = 0; k < GAMMA_K; k++) z = E.add(z, E.cast('f32', E.lt(E.add(x, k), GAMMA_T)));
  return z;
};
/** Sum over k < GAMMA_K of term(x + k) where x + k is still below GAMMA_T. */
const shiftedSum = (x: Ex, term: (v: Ex) => Ex): Ex => {
  let s: Ex = E.const(0);
  for (let k = 0; k < GAMMA_K; k++) {
    const v = E.add(x, k);
    s = E.add(s, E.where(E.lt(v, GAMMA_T), term(v), 0));
  }
  return s;
};
const nonPositiveInt = (x: Ex) => E.and(E.le(x, 0), E.eq(x, E.floor(x)));
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log|Gamma(x)|: Stirling's series at z = x + n, less the logs of the n shifted terms. */
const lgammaEx = (x: Ex): Ex => {
  const z = shiftedZ(x);
  const r = E.div(1, z);
  const r2 = E.mul(r, r);
  const series = E.mul(
    r,
    E.add(1 / 12, E.mul(r2, E.add(-1 / 360, E.mul(r2, E.add(1 / 1260, E.mul(r2, -1 / 1680)))))),
  );
  const stirling = E.add(E.sub(E.mul(E.sub(z, 0.5), E.log(z)), z), E.add(HALF_LOG_2PI, series));
  const value = E.sub(
    stirling,
    shiftedSum(x, (v) => E.log(E.abs(v))),
  );
  return E.where(
    nonPositiveInt(x),
    Number.POSITIVE_INFINITY,
    E.where(E.isinf(x), Number.POSITIVE_INFINITY, value),
  );
};
/** digamma: the asymptotic series at z, less the n reciprocals; -inf at 0, NaN at negative integers. */
const digammaEx = (x: Ex): Ex => {
  const z = shiftedZ(x);
  const r = E.div(1, z);
  const r2 = E.mul(r, r);
  const series = E.mul(
    r2,
    E.add(-1 / 12, E.mul(r2, E.add(1 / 120, E.mul(r2, E.add(-1 / 252, E.mul(r2, 1 / 240)))))),
  );
  const value = E.sub(
    E.add(E.sub(E.log(z), E.mul(r, 0.5)), series),
    shiftedSum(x, (v) => E.div(1, v)),
  );
  return E.where(
    E.eq(x, 0),
    Number.NEGATIVE_INFINITY,
    E.where(nonPositiveInt(x), Number.NaN, E.where(E.eq(x, Number.POSITIVE_INFINITY), x, value)),
  );
};
const powInt = (v: Ex, n: number): Ex => {
  let p: Ex = v;
  for (let i = 1; i < n; i++) p = E.mul(p, v);
  return p;
};
/** Bernoulli numbers B2..B10 over (2j)!, for the Hurwitz zeta's Euler-Maclaurin tail. */
const B2J = [1 / 6 / 2, -1 / 30 / 24, 1 / 42 / 720, -1 / 30 / 40320, 5 / 66 / 3628800];
/**
 * polygamma(n, x) for n >= 1: (-1)^(n+1) n! zeta(n + 1, x), the sum shifted as digamma's. In
 * several kernels: one expression would repeat its shared parts too often for the backends.
 */
function polygammaForward(n: number, x: Tensor): Tensor {
  const s = n + 1;
  const z = ewiseF('polygamma_shift', shiftedZ, [x]);
  const r = ewiseF('polygamma_recip', (v) => E.div(1, v), [z]);
  // zeta(s, z) ~ z^(1-s)/(s-1) + z^-s/2 + sum_j B2j/(2j)! s(s+1)...(s+2j-2) z^(-s-2j+1)
  let acc = ewiseF(
    'polygamma_tail',
    (q) => {
      let tail: Ex = E.add(E.div(powInt(q, s - 1), s - 1), E.mul(powInt(q, s), 0.5));
      let rising = s;
      for (let j = 1; j <= B2J.length; j++) {
        tail = E.add(tail, E.mul(powInt(q, s + 2 * j - 1), B2J[j - 1] * rising));
        rising *= (s + 2 * j - 1) * (s + 2 * j);
      }
      return tail;
    },
    [r],
  );
  z.dispose();
  r.dispose();
  for (let k = 0; k < GAMMA_K; k++) {
    const next = ewiseF(
      'polygamma_sum',
      (t, v) => E.add(t, E.where(E.lt(E.add(v, k), GAMMA_T), powInt(E.div(1, E.add(v, k)), s), 0)),
      [acc, x],
    );
    acc.dispose();
    acc = next;
  }
  let fact = 1;
  for (let i = 2; i <= n; i++) fact *= i;
  const sign = n % 2 === 1 ? 1 : -1;
  const out = ewiseF(
    'polygamma',
    // At the poles zeta(n + 1, x) is +inf; an infinite x gives NaN, as PyTorch.
    (t, v) =>
      E.where(
        E.isinf(v),
        Number.NaN,
        E.where(nonPositiveInt(v), sign * Number.POSITIVE_INFINITY, E.mul(t, sign * fact)),
      ),
    [acc, x],
  );
  acc.dispose();
  return out;
}

export function lgamma(x: Tensor): Tensor {
  const out = ewiseF('lgamma', lgammaEx, [x]);
  return record1('lgamma', out, [x], (g) => [pw.mul(g, digamma(x))]);
}
export function digamma(x: Tensor): Tensor {
  const out = ewiseF('digamma', digammaEx, [x]);
  return record1('digamma', out, [x], (g) => [pw.mul(g, polygamma(1, x))]);
}
/** The n-th derivative of digamma. */
export function polygamma(n: number, x: Tensor): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`polygamma(n, x) does not support negative n (got ${n})`);
  if (n === 0) return digamma(x);
  const out = polygammaForward(n, x);
  return record1('polygamma', out, [x], (g) => [pw.mul(g, polygamma(n + 1, x))]);
}
/** The multivariate log-gamma: sum_j lgamma(x - j/2) + p(p-1)/4 log(pi). */
export function mvlgamma(x: Tensor, p: number): Tensor {
  if (!Number.isInteger(p) || p < 1)
    throw new RangeError(`p has to be greater than or equal to 1 (got ${p})`);
  let s = pw.add(lgamma(x), (p * (p - 1) * Math.log(Math.PI)) / 4);
  for (let j = 1; j < p; j++) s = pw.add(s, lgamma(pw.sub(x, j / 2)));
  return s;
}

/** erfinv: Giles' single-precision approximation ("Approximating the erfinv function", 2010). */
const erfinvEx = (x: Ex): Ex => {
  const w = E.neg(E.log(E.mul(E.sub(1, x), E.add(1, x))));
  const horner = (t: Ex, cs: number[]) =>
    cs.slice(1).reduce<Ex>((p, c) => E.add(c, E.mul(p, t)), E.const(cs[0]));
  const central = horner(
    E.sub(w, 2.5),
    [
      2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
      -0.00417768164, 0.246640727, 1.50140941,
    ],
  );
  const tail = horner(
    E.sub(E.sqrt(w), 3),
    [
      -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
      0.00943887047, 1.00167406, 2.83297682,
    ],
  );
  const v = E.mul(E.where(E.lt(w, 5), central, tail), x);
  return E.where(E.eq(E.abs(x), 1), E.mul(x, Number.POSITIVE_INFINITY), v);
};
/**
 * float64: Giles' float32 approximation refined by two Newton steps on erf(v) = y (erf is
 * float64-accurate on the CPU; each step squares the relative error). Other dtypes: `v` as is.
 */
function refineErfinv(v: Tensor, y: Tensor): Tensor {
  if (v.dtype !== 'float64') return v;
  const step = (u: Ex, t: Ex) => {
    const s = E.sub(u, E.div(E.sub(E.erf(u), t), E.mul(2 / Math.sqrt(Math.PI), E.exp(E.neg(E.mul(u, u))))));
    return E.where(E.isinf(u), u, s);
  };
  for (let i = 0; i < 2; i++) v = ewiseF('erfinv_newton', step, [v, y]);
  return v;
}
export function erfinv(x: Tensor): Tensor {
  const out = refineErfinv(ewiseF('erfinv', erfinvEx, [x]), x);
  return record1('erfinv', out, [x], (g) => [
    pw.mul(g, pw.mul(pw.exp(pw.mul(out, out)), Math.sqrt(Math.PI) / 2)),
  ]);
}
/** The standard normal quantile, sqrt(2) erfinv(2p - 1). */
export function ndtri(x: Tensor): Tensor {
  const arg = (v: Ex) => E.sub(E.mul(v, 2), 1);
  const out =
    x.dtype === 'float64'
      ? pw.mul(erfinv(ewiseF('ndtri_arg', arg, [x])), Math.SQRT2) // (untracked: ewiseF records nothing)
      : ewiseF('ndtri', (v) => E.mul(erfinvEx(arg(v)), Math.SQRT2), [x]);
  return record1('ndtri', out, [x], (g) => [
    pw.mul(g, pw.mul(pw.exp(pw.mul(pw.mul(out, out), 0.5)), Math.sqrt(2 * Math.PI))),
  ]);
}

// ---- modified Bessel functions of the first kind, orders 0 and 1 ----
/** Below this |x| the power series (Horner in q = x^2/4, 34 terms); above, the asymptotic one. */
const BESSEL_SPLIT = 15;
const besselSeries = (x: Ex, order: 0 | 1): Ex => {
  const q = E.mul(E.mul(x, x), 0.25);
  let r: Ex = E.const(1);
  for (let k = 34; k >= 1; k--) r = E.add(1, E.mul(q, E.mul(r, 1 / (k * (k + order)))));
  return order === 0 ? r : E.mul(r, E.mul(x, 0.5));
};
/** e^-|x| I_order(x) for large |x|: (2 pi |x|)^-1/2 (1 - (mu-1)/(8|x|) + ...), mu = 4 order^2. */
const besselAsymptoticScaled = (x: Ex, order: 0 | 1): Ex => {
  const a = E.abs(x);
  const mu = 4 * order * order;
  let term = 1;
  const cs = [1];
  for (let k = 1; k <= 5; k++) {
    term *= -(mu - (2 * k - 1) ** 2) / (k * 8);
    cs.push(term);
  }
  const r = E.div(1, a);
  let s: Ex = E.const(cs[cs.length - 1]);
  for (let k = cs.length - 2; k >= 0; k--) s = E.add(cs[k], E.mul(r, s));
  const v = E.mul(s, E.rsqrt(E.mul(a, 2 * Math.PI)));
  return order === 1 ? E.where(E.lt(x, 0), E.neg(v), v) : v;
};
const besselEx = (order: 0 | 1, scaled: boolean) => (x: Ex) => {
  const big = E.gt(E.abs(x), BESSEL_SPLIT);
  const series = besselSeries(x, order);
  const asym = besselAsymptoticScaled(x, order);
  return scaled
    ? E.where(big, asym, E.mul(series, E.exp(E.neg(E.abs(x)))))
    : E.where(big, E.mul(asym, E.exp(E.abs(x))), series);
};
export function i0(x: Tensor): Tensor {
  const out = ewiseF('i0', besselEx(0, false), [x]);
  return record1('i0', out, [x], (g) => [pw.mul(g, i1(x))]);
}
export function i1(x: Tensor): Tensor {
  const out = ewiseF('i1', besselEx(1, false), [x]);
  // I1' = I0 - I1 / x (1/2 at 0).
  return record1('i1', out, [x], (g) => [
    pw.mul(g, pw.where(pw.eq(x, 0), 0.5, pw.sub(i0(x), pw.div(out, x)))),
  ]);
}
export function i0e(x: Tensor): Tensor {
  const out = ewiseF('i0e', besselEx(0, true), [x]);
  return record1('i0e', out, [x], (g) => [pw.mul(g, pw.sub(i1e(x), pw.mul(pw.sign(x), out)))]);
}
export function i1e(x: Tensor): Tensor {
  const out = ewiseF('i1e', besselEx(1, true), [x]);
  // (e^-|x| I1)' = I0e - I1e (sign(x) + 1/x); 1/2 at 0.
  return record1('i1e', out, [x], (g) => [
    pw.mul(g, pw.where(pw.eq(x, 0), 0.5, pw.sub(i0e(x), pw.mul(out, pw.add(pw.sign(x), pw.reciprocal(x)))))),
  ]);
}

// ---- scaled complementary error function ----
/** Above this x, erfc comes from the continued fraction (1 - erf would cancel). */
const ERFC_SPLIT = 2;
/**
 * erfcx(x) = e^(x^2) erfc(x): for x >= ERFC_SPLIT the continued fraction
 * 1/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), 60 levels evaluated bottom-up in
 * kernels of 15 levels (one expression would nest too deep for WGSL); e^(x^2) (1 - erf(x)) below.
 */
function erfcxForward(x: Tensor): Tensor {
  const xm = ewiseF('erfcx_arg', (v) => E.max(v, ERFC_SPLIT), [x]);
  let d = xm;
  for (let top = 60; top >= 1; top -= 15) {
    const next = ewiseF(
      'erfcx_cf',
      (dd, v) => {
        let e: Ex = dd;
        for (let k = top; k > top - 15; k--) e = E.add(v, E.div(k / 2, e));
        return e;
      },
      [d, xm],
    );
    if (d !== xm) d.dispose();
    d = next;
  }
  xm.dispose();
  const out = ewiseF(
    'erfcx',
    (v, dd) =>
      E.where(
        E.ge(v, ERFC_SPLIT),
        E.div(1 / Math.sqrt(Math.PI), dd),
        E.mul(E.exp(E.mul(v, v)), E.sub(1, E.erf(v))),
      ),
    [x, d],
  );
  d.dispose();
  return out;
}
export function erfcx(x: Tensor): Tensor {
  const out = erfcxForward(x);
  // d/dx erfcx = 2 x erfcx(x) - 2/sqrt(pi).
  return record1('erfcx', out, [x], (g) => [
    pw.mul(g, pw.sub(pw.mul(pw.mul(x, out), 2), 2 / Math.sqrt(Math.PI))),
  ]);
}
/** log of the standard normal CDF: log(erfcx(-x/sqrt 2)/2) - x^2/2 below 0 (exact in the tail). */
export function logNdtr(x: Tensor): Tensor {
  const t = ewiseF('log_ndtr_arg', (v) => E.mul(v, -Math.SQRT1_2), [x]);
  const e = erfcxForward(t);
  t.dispose();
  const out = ewiseF(
    'log_ndtr',
    (v, ex) =>
      E.where(
        E.lt(v, 0),
        E.sub(E.log(E.mul(ex, 0.5)), E.mul(E.mul(v, v), 0.5)),
        // Upper half: log1p(-ndtr(-x)) stays accurate as ndtr -> 1.
        E.log1p(E.mul(E.sub(1, E.erf(E.mul(v, Math.SQRT1_2))), -0.5)),
      ),
    [x, e],
  );
  e.dispose();
  // d/dx log ndtr = pdf(x) / ndtr(x) = sqrt(2/pi) / erfcx(-x/sqrt 2).
  return record1('log_ndtr', out, [x], (g) => [
    pw.mul(g, pw.div(Math.sqrt(2 / Math.PI), erfcx(pw.mul(x, -Math.SQRT1_2)))),
  ]);
}
