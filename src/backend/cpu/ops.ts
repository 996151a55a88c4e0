/**
 * The JS math of every elementwise op, as functions: the one definition both CPU compilers use.
 * compile.ts's generated source calls the non-trivial ones through its `H` object (`H.fpow`,
 * `H.erf`, `H.special.*`) and inlines the trivial ones (`a + b`, `Math.exp(a)`); closure.ts (the
 * compiler for engines without string code generation) calls these functions directly.
 * test/backend/cpu/closure.test.ts runs every op of both tables on the same operands and
 * requires identical results, so an inline form cannot drift from its function.
 */
import { erf } from '../../tensor/scalar-math.js';
import type { BinOp, ExType, UnOp } from '../expr.js';
// ── special/fft (helper special) ──
import * as special from '../special-math.js';

/** Round half to even, as torch.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Helpers the generated code calls (as `H.name`); V8 inlines them in the hot loop. */
export const helpers = {
  erf,
  roundHalfEven,
  fmax: (a: number, b: number) => (a !== a || b !== b ? Number.NaN : a > b ? a : b),
  fmin: (a: number, b: number) => (a !== a || b !== b ? Number.NaN : a < b ? a : b),
  fmod: (a: number, b: number) => a - Math.floor(a / b) * b,
  imod: (a: number, b: number) => (((a % b) + b) % b) | 0,
  // C's pow (and PyTorch): pow(1, y) = 1 and pow(-1, +-inf) = 1, where JS's Math.pow gives NaN.
  fpow: (a: number, b: number) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b),
  // ── special/fft (helper special) ──
  special,
};
const H = helpers;

type Un = (a: number) => number;
type Bin = (a: number, b: number) => number;

/** Each unary op as a function of its operand, given the type it computes in (operandType). */
export const unFns = {
  neg: (t): Un => (t === 'i32' ? (a) => -a | 0 : (a) => -a),
  abs: (t): Un => (t === 'i32' ? (a) => Math.abs(a) | 0 : Math.abs),
  sign: (): Un => Math.sign,
  exp: (): Un => Math.exp,
  expm1: (): Un => Math.expm1,
  log: (): Un => Math.log,
  log1p: (): Un => Math.log1p,
  sqrt: (): Un => Math.sqrt,
  rsqrt: (): Un => (a) => 1 / Math.sqrt(a),
  sin: (): Un => Math.sin,
  cos: (): Un => Math.cos,
  tan: (): Un => Math.tan,
  tanh: (): Un => Math.tanh,
  erf: (): Un => H.erf,
  floor: (t): Un => (t === 'i32' ? (a) => a : Math.floor),
  ceil: (t): Un => (t === 'i32' ? (a) => a : Math.ceil),
  round: (t): Un => (t === 'i32' ? (a) => a : H.roundHalfEven),
  trunc: (t): Un => (t === 'i32' ? (a) => a : Math.trunc),
  recip: (): Un => (a) => 1 / a,
  not: (): Un => (a) => (a ? 0 : 1),
  isnan: (t): Un => (t === 'f32' ? (a) => (a !== a ? 1 : 0) : () => 0),
  isinf: (t): Un => (t === 'f32' ? (a) => (Math.abs(a) === Infinity ? 1 : 0) : () => 0),
  bitnot: (t): Un => (t === 'bool' ? (a) => (a ? 0 : 1) : (a) => ~a),
} satisfies Record<UnOp, (t: ExType) => Un>;

/** Each binary op as a function of its operands, given the type they compute in. */
export const binFns = {
  add: (t): Bin => (t === 'i32' ? (a, b) => (a + b) | 0 : (a, b) => a + b),
  sub: (t): Bin => (t === 'i32' ? (a, b) => (a - b) | 0 : (a, b) => a - b),
  mul: (t): Bin => (t === 'i32' ? Math.imul : (a, b) => a * b),
  div: (): Bin => (a, b) => a / b,
  pow: (): Bin => H.fpow,
  // NaN-propagating, as torch.maximum / torch.minimum.
  max: (t): Bin => (t === 'f32' ? H.fmax : Math.max),
  min: (t): Bin => (t === 'f32' ? H.fmin : Math.min),
  // Python's remainder: the result has the divisor's sign (torch.remainder).
  mod: (t): Bin => (t === 'i32' ? H.imod : H.fmod),
  atan2: (): Bin => Math.atan2,
  lt: (): Bin => (a, b) => (a < b ? 1 : 0),
  le: (): Bin => (a, b) => (a <= b ? 1 : 0),
  gt: (): Bin => (a, b) => (a > b ? 1 : 0),
  ge: (): Bin => (a, b) => (a >= b ? 1 : 0),
  eq: (): Bin => (a, b) => (a === b ? 1 : 0),
  ne: (): Bin => (a, b) => (a !== b ? 1 : 0),
  and: (): Bin => (a, b) => a & b,
  or: (): Bin => (a, b) => a | b,
  xor: (): Bin => (a, b) => a ^ b,
  // ── special/fft (helper special) ──
  chebyshev_t: (): Bin => H.special.chebyshevT,
  chebyshev_u: (): Bin => H.special.chebyshevU,
  chebyshev_v: (): Bin => H.special.chebyshevV,
  chebyshev_w: (): Bin => H.special.chebyshevW,
  hermite_h: (): Bin => H.special.hermiteH,
  hermite_he: (): Bin => H.special.hermiteHe,
  laguerre_l: (): Bin => H.special.laguerreL,
  legendre_p: (): Bin => H.special.legendreP,
  igamma: (): Bin => H.special.igamma,
  igammac: (): Bin => H.special.igammac,
  zeta: (): Bin => H.special.zeta,
  bessel: (): Bin => H.special.bessel,
  band: (): Bin => (a, b) => a & b,
  bor: (): Bin => (a, b) => a | b,
  bxor: (): Bin => (a, b) => a ^ b,
  shl: (): Bin => (a, b) => a << b,
  shr: (): Bin => (a, b) => a >> b,
} satisfies Record<BinOp, (t: ExType) => Bin>;
