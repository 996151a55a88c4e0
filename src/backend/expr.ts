/**
 * Pointwise math as typed data. Every elementwise op of the library is an `Ex` tree built from
 * this file; each backend compiles trees (cpu/compile.ts to JS, webgpu to WGSL), so a formula
 * is written once and later chains can be fused by composing trees.
 *
 * Types inside a tree: 'f32', 'i32', 'bool'. Constants are "weak": they take the type of the
 * operand they meet (like a Python scalar in PyTorch), defaulting to f32. Float-only functions
 * (exp, log, div, pow, ...) compute in f32; the ops layer casts inputs where PyTorch promotes.
 */
import { type DType, isFloat } from '../tensor/dtype.js';

export type ExType = 'f32' | 'i32' | 'bool';

/** The unary functions that compute in f32 (an integer or bool operand is converted first). */
const floatUnaryOps = [
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'sin',
  'cos',
  'tan',
  'tanh',
  'erf',
  'recip',
] as const;

export const unaryOps = [
  'neg',
  'abs',
  'sign',
  ...floatUnaryOps,
  'floor',
  'ceil',
  'round',
  'trunc',
  'not',
  'isnan',
  'isinf',
  // --- dtype --- bitwise not: ~x on integers, logical not on bool
  'bitnot',
] as const;
export type UnOp = (typeof unaryOps)[number];

// ── special/fft (helper special) ──
/**
 * Binary special functions that need loops (backend/special-math.ts, webgpu/wgsl/special.ts):
 * each renderer calls a helper function (the wasm SIMD table has none: the JS path runs them);
 * f32 operands and result. The JS helpers compute in f64, the WGSL ones in f32, so backends
 * agree to float32 tolerance rather than to the ulp (test/ops/special-more.test.ts).
 */
export const loopBinaryOps = [
  'chebyshev_t',
  'chebyshev_u',
  'chebyshev_v',
  'chebyshev_w',
  'hermite_h',
  'hermite_he',
  'laguerre_l',
  'legendre_p',
  'igamma',
  'igammac',
  'zeta',
  // J0, J1, Y0, Y1, K0, K1, e^x K0, e^x K1 of x; the second operand is the kind (BESSEL_KIND)
  'bessel',
] as const;

export const binaryOps = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'max',
  'min',
  'mod',
  'atan2',
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'ne',
  'and',
  'or',
  'xor',
  // ── special/fft (helper special) ──
  ...loopBinaryOps,
  // --- dtype --- bitwise ops on integers (and bool for band/bor/bxor); shifts are i32
  'band',
  'bor',
  'bxor',
  'shl',
  'shr',
] as const;
export type BinOp = (typeof binaryOps)[number];

export type Ex =
  | { readonly k: 'in'; readonly i: number }
  | { readonly k: 'const'; readonly v: number }
  | { readonly k: 'un'; readonly op: UnOp; readonly a: Ex }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: Ex; readonly b: Ex }
  | { readonly k: 'where'; readonly c: Ex; readonly a: Ex; readonly b: Ex }
  | { readonly k: 'cast'; readonly t: ExType; readonly a: Ex };

export type ExLike = Ex | number;

const lift = (x: ExLike): Ex => (typeof x === 'number' ? { k: 'const', v: x } : x);
const un =
  (op: UnOp) =>
  (a: ExLike): Ex => ({ k: 'un', op, a: lift(a) });
const bin =
  (op: BinOp) =>
  (a: ExLike, b: ExLike): Ex => ({ k: 'bin', op, a: lift(a), b: lift(b) });

/** Constructors: `E.add(E.input(0), 1)`. */
export const E = {
  input: (i: number): Ex => ({ k: 'in', i }),
  const: (v: number): Ex => ({ k: 'const', v }),
  where: (c: ExLike, a: ExLike, b: ExLike): Ex => ({ k: 'where', c: lift(c), a: lift(a), b: lift(b) }),
  cast: (t: ExType, a: ExLike): Ex => ({ k: 'cast', t, a: lift(a) }),
  ...(Object.fromEntries(unaryOps.map((o) => [o, un(o)])) as Record<UnOp, (a: ExLike) => Ex>),
  ...(Object.fromEntries(binaryOps.map((o) => [o, bin(o)])) as Record<BinOp, (a: ExLike, b: ExLike) => Ex>),
};

/**
 * A dtype's type inside a tree. The tree types are categories: 'f32' is "floating" (the CPU
 * computes it in doubles and rounds only when storing, so a float64 output keeps every bit;
 * WGSL computes in f32), 'i32' is "integral" (wraps at 32 bits; storing into an 8/16-bit array
 * wraps again, which is the same as wrapping per op width for + - * and casts).
 */
export const exType = (d: DType): ExType => (isFloat(d) ? 'f32' : d === 'bool' ? 'bool' : 'i32');

const floatUn = new Set<UnOp>(floatUnaryOps);
const boolUn = new Set<UnOp>(['not', 'isnan', 'isinf']);
const cmpBin = new Set<BinOp>(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or', 'xor']);
const floatBin = new Set<BinOp>(['div', 'pow', 'atan2']);
/** Bitwise ops: bool with bool stays bool (band/bor/bxor), anything else computes in i32. */
const bitBin = new Set<BinOp>(['band', 'bor', 'bxor', 'shl', 'shr']);
const bitType = (op: BinOp, ta: ExType | null, tb: ExType | null): ExType =>
  (ta ?? tb) === 'bool' && (tb ?? ta) === 'bool' && op !== 'shl' && op !== 'shr' ? 'bool' : 'i32';
// ── special/fft (helper special) ──
for (const op of loopBinaryOps) floatBin.add(op);
const order: Record<ExType, number> = { bool: 0, i32: 1, f32: 2 };
const promote = (a: ExType, b: ExType): ExType => (order[a] >= order[b] ? a : b);

/** Type of a node, or null for a weak constant (takes its neighbour's type). */
export function typeOf(e: Ex, inputs: readonly ExType[]): ExType | null {
  switch (e.k) {
    case 'in':
      return inputs[e.i];
    case 'const':
      return null;
    case 'cast':
      return e.t;
    case 'un':
      if (floatUn.has(e.op)) return 'f32';
      if (boolUn.has(e.op)) return 'bool';
      if (e.op === 'bitnot') return typeOf(e.a, inputs) === 'bool' ? 'bool' : 'i32';
      return typeOf(e.a, inputs);
    case 'bin': {
      if (cmpBin.has(e.op)) return 'bool';
      if (bitBin.has(e.op)) return bitType(e.op, typeOf(e.a, inputs), typeOf(e.b, inputs));
      if (floatBin.has(e.op)) return 'f32';
      const ta = typeOf(e.a, inputs);
      const tb = typeOf(e.b, inputs);
      const t = ta === null ? tb : tb === null ? ta : promote(ta, tb);
      // bool arithmetic (True + True, a mask times 0) is done in i32, as PyTorch computes it
      // before casting back; with a weak constant too (its operands are converted to i32).
      return t === 'bool' && e.op !== 'max' && e.op !== 'min' ? 'i32' : t;
    }
    case 'where': {
      const ta = typeOf(e.a, inputs);
      const tb = typeOf(e.b, inputs);
      if (ta === null) return tb;
      if (tb === null) return ta;
      return promote(ta, tb);
    }
  }
}

/** Operand type a node computes in: what its children are converted to before the op. */
export function operandType(
  e: Ex & { k: 'un' | 'bin' },
  inputs: readonly ExType[],
  context?: ExType,
): ExType {
  // `context`: the type the caller wants this node's value in. Arithmetic on constants alone
  // (E.mul(2, 3) inside an i32 expression) has no type of its own and computes in it, so
  // typed backends (WGSL) do not mix f32 operands into an i32 expression.
  const weak = context === 'bool' || context === undefined ? 'f32' : context;
  if (e.k === 'un') {
    if (floatUn.has(e.op)) return 'f32';
    if (e.op === 'not') return 'bool';
    if (e.op === 'bitnot') return typeOf(e.a, inputs) === 'bool' ? 'bool' : 'i32';
    return typeOf(e.a, inputs) ?? weak;
  }
  if (e.op === 'and' || e.op === 'or' || e.op === 'xor') return 'bool';
  if (bitBin.has(e.op)) return bitType(e.op, typeOf(e.a, inputs), typeOf(e.b, inputs));
  if (floatBin.has(e.op)) return 'f32';
  const ta = typeOf(e.a, inputs);
  const tb = typeOf(e.b, inputs);
  const t = ta === null ? (tb ?? (cmpBin.has(e.op) ? 'f32' : weak)) : tb === null ? ta : promote(ta, tb);
  return t === 'bool' && !cmpBin.has(e.op) && e.op !== 'max' && e.op !== 'min' ? 'i32' : t;
}

/** Number of inputs a tree reads (highest input index + 1). */
export function arity(e: Ex): number {
  switch (e.k) {
    case 'in':
      return e.i + 1;
    case 'const':
      return 0;
    case 'un':
    case 'cast':
      return arity(e.a);
    case 'bin':
      return Math.max(arity(e.a), arity(e.b));
    case 'where':
      return Math.max(arity(e.c), arity(e.a), arity(e.b));
  }
}

/** A printed tree, memoized per node; `constant` says how a constant prints. */
function keyWith(memo: WeakMap<Ex, string>, constant: (v: number) => string): (e: Ex) => string {
  const key = (e: Ex): string => {
    let s = memo.get(e);
    if (s !== undefined) return s;
    switch (e.k) {
      case 'in':
        s = `$${e.i}`;
        break;
      case 'const':
        s = constant(e.v);
        break;
      case 'un':
        s = `${e.op}(${key(e.a)})`;
        break;
      case 'bin':
        s = `${e.op}(${key(e.a)},${key(e.b)})`;
        break;
      case 'where':
        s = `where(${key(e.c)},${key(e.a)},${key(e.b)})`;
        break;
      case 'cast':
        s = `${e.t}(${key(e.a)})`;
        break;
    }
    memo.set(e, s);
    return s;
  };
  return key;
}

/** The tree with its constants' values: a stable string for tests and traces (kernels key by `structureKey`). */
export const exprKey = keyWith(new WeakMap(), (v) => (Object.is(v, -0) ? '-0' : String(v)));

/**
 * The tree's structure with every constant as `#`: the cache key of compiled kernels, which
 * take the constants as parameters (`constantsOf`), so `x * 0.01` and `x * 0.02` share one
 * kernel and a loop whose scalars change every step (a scheduled learning rate, `1/n` of a
 * mean) compiles nothing new.
 */
export const structureKey = keyWith(new WeakMap(), () => '#');

/**
 * The tree's constants in the order a renderer meets them: depth first, operands in order
 * (un: a; bin: a, b; where: c, a, b; a node reached twice counts twice). Constant slot j of a
 * kernel keyed by `structureKey` is `constantsOf(e)[j]`; renderers must walk in this order.
 */
export function constantsOf(e: Ex, out: number[] = []): number[] {
  switch (e.k) {
    case 'in':
      break;
    case 'const':
      out.push(e.v);
      break;
    case 'un':
    case 'cast':
      constantsOf(e.a, out);
      break;
    case 'bin':
      constantsOf(e.a, out);
      constantsOf(e.b, out);
      break;
    case 'where':
      constantsOf(e.c, out);
      constantsOf(e.a, out);
      constantsOf(e.b, out);
      break;
  }
  return out;
}

/** Replaces input i by `args[i]`: composes trees, the basis of elementwise fusion. */
export function substitute(e: Ex, args: readonly Ex[]): Ex {
  switch (e.k) {
    case 'in':
      return args[e.i];
    case 'const':
      return e;
    case 'un':
      return { k: 'un', op: e.op, a: substitute(e.a, args) };
    case 'cast':
      return { k: 'cast', t: e.t, a: substitute(e.a, args) };
    case 'bin':
      return { k: 'bin', op: e.op, a: substitute(e.a, args), b: substitute(e.b, args) };
    case 'where':
      return { k: 'where', c: substitute(e.c, args), a: substitute(e.a, args), b: substitute(e.b, args) };
  }
}

/**
 * Semantics every backend must match (PyTorch's):
 * - max/min propagate NaN (torch.maximum); comparisons with NaN are false except `ne`.
 * - round is half-to-even (torch.round); sign(0) = 0, sign(NaN) = NaN.
 * - mod is Python's remainder (sign of the divisor), as torch.remainder.
 * - i32 add/sub/mul wrap in 32 bits; i32 div is not defined here (ops cast to f32: true division).
 * - pow(0, 0) = 1; erf to float32 precision (|err| < 2e-7).
 * - casts: f32 -> i32 truncates toward zero; any -> bool is `!= 0` (NaN -> true).
 */
