/**
 * Pointwise ops: each is an expression from backend/expr.ts (compiled per backend) plus a
 * backward written with ops. PyTorch's dtype promotion decides the output dtype.
 */
import { type DType, floatOf, isFloat, resultType } from '../tensor/dtype.js';
import { DTypeError } from '../tensor/errors.js';
import { isGradEnabled } from '../tensor/state.js';
import { E, type Ex, ewise, isTensor, needsGrad, record1, type Tensor, type TensorOrScalar } from './core.js';

const dimOf = (a: TensorOrScalar) => (isTensor(a) ? { dtype: a.dtype, dim: a.dim() } : a);
const promoted = (...xs: TensorOrScalar[]): DType => resultType(xs.map(dimOf));

/** An elementwise unary op with its derivative `d(x, out)` (times the incoming gradient). */
function unary(
  name: string,
  f: (x: Ex) => Ex,
  deriv: ((x: Tensor, out: Tensor) => Tensor) | null,
  kind: 'float' | 'same' = 'float',
) {
  return (x: Tensor): Tensor => {
    const dt = kind === 'float' ? floatOf(x.dtype) : x.dtype;
    const out = ewise(name, f, [x], dt);
    if (deriv && needsGrad([x])) {
      // `out` itself, not a detached copy: with createGraph the derivative must stay a function
      // of x through out (d/dx of exp's backward g * exp(x) needs exp's own node).
      record1(name, out, [x], (g) => [mul(g, deriv(x, out))]);
    } else if (!deriv && needsGrad([x])) record1(name, out, [x], (g) => [zerosLikeG(g)]);
    return out;
  };
}

const zerosLikeG = (g: Tensor) => ewise('zeros_like', () => E.const(0), [g], g.dtype);

// neg's derivative is a constant: no multiply in its backward.
export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool')
    throw new DTypeError(
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  const out = ewise('neg', E.neg, [x], x.dtype);
  return record1('neg', out, [x], (g) => [neg(g)]);
}
export const abs = unary('abs', E.abs, (x) => sign(x), 'same');
/** sign: -1, 0 or 1; NaN gives 0, as PyTorch 1.13's (0 < x) - (x < 0). */
export const sign = unary('sign', (x) => E.where(E.isnan(x), 0, E.sign(x)), null, 'same');
export const exp = unary('exp', E.exp, (_x, o) => o);
export const expm1 = unary('expm1', E.expm1, (_x, o) => add(o, 1));
export const log = unary('log', E.log, (x) => reciprocal(x));
export const log1p = unary('log1p', E.log1p, (x) => reciprocal(add(x, 1)));
export const log2 = unary(
  'log2',
  (x) => E.mul(E.log(x), 1 / Math.LN2),
  (x) => div(1 / Math.LN2, x),
);
export const log10 = unary(
  'log10',
  (x) => E.mul(E.log(x), 1 / Math.LN10),
  (x) => div(1 / Math.LN10, x),
);
export const sqrt = unary('sqrt', E.sqrt, (_x, o) => div(0.5, o));
export const rsqrt = unary('rsqrt', E.rsqrt, (x, o) => mul(div(o, x), -0.5));
export const sin = unary('sin', E.sin, (x) => cos(x));
export const cos = unary('cos', E.cos, (x) => neg(sin(x)));
export const tan = unary('tan', E.tan, (_x, o) => add(mul(o, o), 1));
export const tanh = unary('tanh', E.tanh, (_x, o) => rsub(mul(o, o), 1));
export const sigmoid = unary(
  'sigmoid',
  (x) => E.recip(E.add(E.exp(E.neg(x)), 1)),
  (_x, o) => mul(o, rsub(o, 1)),
);
export const erf = unary('erf', E.erf, (x) => mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)));
export const floor = unary('floor', E.floor, null, 'same');
export const ceil = unary('ceil', E.ceil, null, 'same');
export const round = unary('round', E.round, null, 'same');
export const trunc = unary('trunc', E.trunc, null, 'same');
export const reciprocal = unary('reciprocal', E.recip, (_x, o) => neg(mul(o, o)));
export const square = (x: Tensor): Tensor => {
  const out = ewise('square', (a) => E.mul(a, a), [x], x.dtype === 'bool' ? 'int64' : x.dtype);
  return record1('square', out, [x], (g) => [mul(g, mul(x, 2))]);
};
export function relu(x: Tensor): Tensor {
  const out = ewise('relu', (a) => E.where(E.lt(a, 0), 0, a), [x], x.dtype);
  if (!needsGrad([x])) return out;
  return record1(
    'relu',
    out,
    [x],
    // PyTorch's threshold_backward: where(out <= 0, 0, g), one kernel and no mask tensor.
    // Under createGraph the product form keeps the derivative a function of x through out.
    (g) => [
      isGradEnabled()
        ? mul(g, gt(out, 0))
        : ewise('relu_backward', (gg, o) => E.where(E.le(o, 0), 0, gg), [g, out], g.dtype),
    ],
  );
}

export const logicalNot = (x: Tensor): Tensor => ewise('logical_not', E.not, [x], 'bool');
export const isnan = (x: Tensor): Tensor => ewise('isnan', E.isnan, [x], 'bool');
export const isinf = (x: Tensor): Tensor => ewise('isinf', E.isinf, [x], 'bool');
export const isfinite = (x: Tensor): Tensor =>
  ewise('isfinite', (a) => E.not(E.or(E.isnan(a), E.isinf(a))), [x], 'bool');

// ---- binary arithmetic ----
function needFloat(op: string, a: TensorOrScalar, b: TensorOrScalar): DType {
  const d = promoted(a, b);
  if (d === 'bool' && op !== 'add' && op !== 'mul') return 'int64';
  return d;
}

/**
 * An int/bool tensor with a float scalar (`ints.mul(0.8)`) has a float32 result; the kernel must
 * compute in float32 too, or the scalar takes the tensor's type and truncates (0.8 -> 0).
 */
function checkAlpha(dt: DType, alpha: number): void {
  if (!isFloat(dt) && !Number.isInteger(alpha))
    throw new TypeError('For integral input tensors, argument alpha must not be a floating point number.');
}

function inFloat(
  dt: DType,
  a: TensorOrScalar,
  b: TensorOrScalar,
  e: (x: Ex, y: Ex) => Ex,
): (x: Ex, y: Ex) => Ex {
  if (dt !== 'float32' || ![a, b].some((t) => isTensor(t) && t.dtype !== 'float32')) return e;
  return (x, y) => e(E.cast('f32', x), E.cast('f32', y));
}

/** Sums a broadcast gradient is left to the engine; these return full-shape gradients. */
export function add(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const alpha = opts?.alpha ?? 1;
  const dt = needFloat('add', a, b);
  checkAlpha(dt, alpha);
  const out = ewise(
    'add',
    inFloat(dt, a, b, alpha === 1 ? E.add : (x, y) => E.add(x, E.mul(y, alpha))),
    [a, b],
    dt === 'bool' ? 'bool' : dt,
  );
  return record1('add', out, [a, b], (g) => [g, alpha === 1 ? g : mul(g, alpha)]);
}

export function sub(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const alpha = opts?.alpha ?? 1;
  if (promoted(a, b) === 'bool')
    throw new DTypeError(
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  const dt = promoted(a, b);
  checkAlpha(dt, alpha);
  const out = ewise(
    'sub',
    inFloat(dt, a, b, alpha === 1 ? E.sub : (x, y) => E.sub(x, E.mul(y, alpha))),
    [a, b],
    dt,
  );
  return record1('sub', out, [a, b], (g) => [g, neg(alpha === 1 ? g : mul(g, alpha))]);
}

/** b - a (torch.rsub), handy in derivative formulas. */
export const rsub = (a: TensorOrScalar, b: TensorOrScalar): Tensor => sub(b, a);

export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const dt = needFloat('mul', a, b);
  const out = ewise('mul', inFloat(dt, a, b, E.mul), [a, b], dt);
  // The backward reads only b for a's gradient and a for b's (only those are checked).
  return record1('mul', out, [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? mul(g, b) : null,
    isTensor(b) && b.requiresGrad ? mul(g, a) : null,
  ]);
}

/** True division (torch.div); `roundingMode` 'trunc' or 'floor' as PyTorch. */
export function div(
  a: TensorOrScalar,
  b: TensorOrScalar,
  opts?: { roundingMode?: 'trunc' | 'floor' | null },
): Tensor {
  const rm = opts?.roundingMode ?? null;
  if (rm) {
    const d = promoted(a, b);
    const f = rm === 'trunc' ? E.trunc : E.floor;
    const out = ewise('div', (x, y) => f(E.div(x, y)), [a, b], d === 'bool' ? 'int64' : d);
    return record1('div', out, [a, b], (g) => [zerosLikeG(g), zerosLikeG(g)]);
  }
  const out = ewise('div', E.div, [a, b], floatOf(promoted(a, b)));
  return record1('div', out, [a, b], (g) => [
    isTensor(a) && a.requiresGrad ? div(g, b) : null,
    isTensor(b) && b.requiresGrad ? neg(div(mul(g, a), mul(b, b))) : null,
  ]);
}

export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const d = promoted(a, b);
  const out = ewise('pow', E.pow, [a, b], d === 'bool' ? 'int64' : d);
  return record1('pow', out, [a, b], (g) => [
    isTensor(a) && a.requiresGrad
      ? // d/da a^b = b a^(b-1); PyTorch defines it as 0 where b == 0 (even at a == 0).
        mul(g, isTensor(b) ? where(eq(b, 0), 0, mul(b, pow(a, sub(b, 1)))) : powGradScalar(a as Tensor, b))
      : null,
    isTensor(b) && b.requiresGrad
      ? mul(
          g,
          isTensor(a)
            ? where(eq(a, 0), 0, mul(out, log(a)))
            : mul(out, Number(a) === 0 ? 0 : Math.log(Number(a))),
        )
      : null,
  ]);
}

/** d/da a^b for a scalar exponent: 0 when b == 0 (PyTorch's pow_backward), else b a^(b-1). */
const powGradScalar = (a: Tensor, b: number | boolean): Tensor =>
  Number(b) === 0 ? zerosLikeG(a) : mul(pow(a, Number(b) - 1), Number(b));

export function maximum(a: Tensor, b: TensorOrScalar): Tensor {
  return minmax('maximum', E.max, E.gt, a, b);
}
export function minimum(a: Tensor, b: TensorOrScalar): Tensor {
  return minmax('minimum', E.min, E.lt, a, b);
}
function minmax(
  name: string,
  f: (x: Ex, y: Ex) => Ex,
  wins: (x: Ex, y: Ex) => Ex,
  a: Tensor,
  b: TensorOrScalar,
): Tensor {
  const out = ewise(name, f, [a, b], promoted(a, b));
  // Ties split the gradient evenly, as PyTorch does.
  const share = (x: TensorOrScalar, y: TensorOrScalar) =>
    ewise(
      `${name}_grad`,
      (p, q) => E.where(E.eq(p, q), 0.5, E.cast('f32', wins(p, q))),
      [x, y],
      floatOf(promoted(x, y)),
    );
  return record1(name, out, [a, b], (g) => [
    mul(g, share(a, b)),
    isTensor(b) && b.requiresGrad ? mul(g, share(b, a)) : null,
  ]);
}

/** torch.remainder: Python's modulus (result has the divisor's sign). */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const out = ewise('remainder', E.mod, [a, b], promoted(a, b) === 'bool' ? 'int64' : promoted(a, b));
  return record1('remainder', out, [a, b], (g) => [
    g,
    isTensor(b) && b.requiresGrad ? mul(g, neg(div(a, b, { roundingMode: 'floor' }))) : null,
  ]);
}

export function atan2(a: Tensor, b: TensorOrScalar): Tensor {
  const out = ewise('atan2', E.atan2, [a, b], floatOf(promoted(a, b)));
  return record1('atan2', out, [a, b], (g) => {
    const den = add(mul(a, a), mul(b, b));
    return [mul(g, div(b, den)), isTensor(b) ? mul(g, div(neg(a), den)) : null];
  });
}

export function clamp(
  x: Tensor,
  opts: { min?: TensorOrScalar | null; max?: TensorOrScalar | null } = {},
): Tensor {
  const lo = opts.min ?? null;
  const hi = opts.max ?? null;
  if (lo === null && hi === null)
    throw new TypeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const args: TensorOrScalar[] = [x];
  if (lo !== null) args.push(lo);
  if (hi !== null) args.push(hi);
  const f = (v: Ex, p?: Ex, q?: Ex): Ex => {
    let r = v;
    if (lo !== null) r = E.max(r, p!);
    if (hi !== null) r = E.min(r, lo !== null ? q! : p!);
    return r;
  };
  const out = ewise('clamp', f, args, promoted(...args));
  return record1('clamp', out, [x, lo, hi], (g) => {
    // PyTorch's clamp_backward_min_max: x gets g where min <= x <= max; a tensor min gets g
    // where x < min (not x >= min, so NaN counts), a tensor max where x > max.
    const ge = lo !== null ? ewise('ge', E.ge, [x, lo], 'bool') : null;
    const le = hi !== null ? ewise('le', E.le, [x, hi], 'bool') : null;
    const inside = ge && le ? logicalAnd(ge, le) : (ge ?? le)!;
    const wants = (b: TensorOrScalar | null) => isTensor(b) && b.requiresGrad;
    // With both bounds, where min > max the result is max: max gets g, min none (and min
    // only where min < max, so a tie min == max gives min nothing).
    const both = lo !== null && hi !== null;
    const minWins = both && wants(lo) ? ewise('lt', E.lt, [lo, hi], 'bool') : null;
    const maxWins = both && wants(hi) ? ewise('lt', E.lt, [hi, lo], 'bool') : null;
    return [
      x.requiresGrad ? where(inside, g, 0) : null,
      wants(lo) ? where(minWins ? logicalAnd(logicalNot(ge!), minWins) : logicalNot(ge!), g, 0) : null,
      wants(hi) ? where(maxWins ? logicalOr(logicalNot(le!), maxWins) : logicalNot(le!), g, 0) : null,
    ];
  });
}

// ---- comparisons and logic (no gradient) ----
const cmp =
  (name: string, f: (a: Ex, b: Ex) => Ex) =>
  (a: Tensor, b: TensorOrScalar): Tensor =>
    ewise(name, f, [a, b], 'bool');
export const eq = cmp('eq', E.eq);
export const ne = cmp('ne', E.ne);
export const lt = cmp('lt', E.lt);
export const le = cmp('le', E.le);
export const gt = cmp('gt', E.gt);
export const ge = cmp('ge', E.ge);
export const logicalAnd = cmp('logical_and', E.and);
export const logicalOr = cmp('logical_or', E.or);
export const logicalXor = cmp('logical_xor', E.xor);

/** torch.where(condition, x, y). */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const out = ewise('where', (c, x, y) => E.where(c, x, y), [cond, a, b], promoted(a, b));
  return record1('where', out, [cond, a, b], (g) => [
    null,
    isTensor(a) && a.requiresGrad ? where(cond, g, 0) : null,
    isTensor(b) && b.requiresGrad ? where(cond, 0, g) : null,
  ]);
}

export function maskedFill(x: Tensor, mask: Tensor, value: TensorOrScalar): Tensor {
  if (mask.dtype !== 'bool')
    throw new DTypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const out = ewise('masked_fill', (m, v, a) => E.where(m, v, a), [mask, value, x], x.dtype);
  return record1('masked_fill', out, [x, mask, value], (g) => [
    where(mask, 0, g),
    null,
    isTensor(value) ? where(mask, g, 0) : null,
  ]);
}

/** A copy converted to dtype (Tensor.to(dtype)); differentiable between float types. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const out = ewise('to', (a) => a, [x], dtype);
  // Between float dtypes the cast is differentiable: the gradient is cast back.
  if (isFloat(dtype) && isFloat(x.dtype))
    return record1(dtype === x.dtype ? 'clone' : 'to', out, [x], (g) => [
      g.dtype === x.dtype ? g : cast(g, x.dtype),
    ]);
  return out;
}

export { neg as negative };
