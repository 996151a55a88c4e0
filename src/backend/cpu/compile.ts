/**
 * Compiles an `Ex` tree to a JavaScript loop body. One compiled function per (tree structure,
 * input dtypes, output dtype), cached; constants are parameters; the loop itself is generated too, so the hot path has no
 * per-element closure calls, only straight-line arithmetic on typed arrays.
 */
import { bfloat16Bits, type DType, halfBits, halfDecodeTable, isHalf } from '../../tensor/dtype.js';
import {
  type BinOp,
  type Ex,
  type ExType,
  exType,
  operandType,
  structureKey,
  typeOf,
  type UnOp,
} from '../expr.js';

export { erf } from '../../tensor/scalar-math.js';
export { roundHalfEven } from './ops.js';

import { closureKernel } from './closure.js';
import { helpers } from './ops.js';

/**
 * Whether this engine compiles code from strings: false under a Content-Security-Policy without
 * 'unsafe-eval' or `node --disallow-code-generation-from-strings` (`new Function` throws an
 * EvalError). Probed once, at the first kernel; kernels are then built by closure.ts instead.
 * `codegen.mode` can force either path ('source' | 'closure'; tests, benchmarks).
 */
export const codegen: { mode: 'auto' | 'source' | 'closure'; allowed: boolean | undefined } = {
  mode: 'auto',
  allowed: undefined,
};

/** Whether `new Function` works here (probed once). */
export function stringCodegenAllowed(): boolean {
  if (codegen.allowed === undefined) {
    try {
      codegen.allowed = new Function('return 1')() === 1;
    } catch {
      codegen.allowed = false; // EvalError (CSP, --disallow-code-generation-from-strings)
    }
  }
  return codegen.allowed;
}

const useSource = (): boolean =>
  codegen.mode === 'auto' ? stringCodegenAllowed() : codegen.mode === 'source';

function cast(code: string, from: ExType | null, to: ExType): string {
  if (from === to || from === null) return code;
  if (to === 'bool') return `((${code}) !== 0 ? 1 : 0)`;
  if (to === 'i32') return from === 'f32' ? `(Math.trunc(${code}) | 0)` : code;
  return code; // bool/i32 -> f32: JS numbers already
}

/** JS for each unary op, given its operand's code and the type it computes in (operandType). */
export const jsUnary = {
  neg: (a, t) => (t === 'i32' ? `((-${a}) | 0)` : `(-${a})`),
  abs: (a, t) => (t === 'i32' ? `(Math.abs(${a}) | 0)` : `Math.abs(${a})`),
  sign: (a) => `Math.sign(${a})`,
  exp: (a) => `Math.exp(${a})`,
  expm1: (a) => `Math.expm1(${a})`,
  log: (a) => `Math.log(${a})`,
  log1p: (a) => `Math.log1p(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  rsqrt: (a) => `(1 / Math.sqrt(${a}))`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tan: (a) => `Math.tan(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  erf: (a) => `H.erf(${a})`,
  floor: (a, t) => (t === 'i32' ? a : `Math.floor(${a})`),
  ceil: (a, t) => (t === 'i32' ? a : `Math.ceil(${a})`),
  round: (a, t) => (t === 'i32' ? a : `H.roundHalfEven(${a})`),
  trunc: (a, t) => (t === 'i32' ? a : `Math.trunc(${a})`),
  recip: (a) => `(1 / ${a})`,
  not: (a) => `(${a} ? 0 : 1)`,
  bitnot: (a, t) => (t === 'bool' ? `(${a} ? 0 : 1)` : `(~${a})`),
  isnan: (a, t) => (t === 'f32' ? `(${a} !== ${a} ? 1 : 0)` : '0'),
  isinf: (a, t) => (t === 'f32' ? `(Math.abs(${a}) === Infinity ? 1 : 0)` : '0'),
} satisfies Record<UnOp, (a: string, t: ExType) => string>;

/** JS for each binary op, given its operands' code and the type they compute in. */
export const jsBinary = {
  add: (a, b, t) => (t === 'i32' ? `((${a} + ${b}) | 0)` : `(${a} + ${b})`),
  sub: (a, b, t) => (t === 'i32' ? `((${a} - ${b}) | 0)` : `(${a} - ${b})`),
  mul: (a, b, t) => (t === 'i32' ? `Math.imul(${a}, ${b})` : `(${a} * ${b})`),
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `H.fpow(${a}, ${b})`,
  // NaN-propagating, as torch.maximum / torch.minimum.
  max: (a, b, t) => (t === 'f32' ? `H.fmax(${a}, ${b})` : `Math.max(${a}, ${b})`),
  min: (a, b, t) => (t === 'f32' ? `H.fmin(${a}, ${b})` : `Math.min(${a}, ${b})`),
  // Python's remainder: the result has the divisor's sign (torch.remainder).
  mod: (a, b, t) => (t === 'i32' ? `H.imod(${a}, ${b})` : `H.fmod(${a}, ${b})`),
  atan2: (a, b) => `Math.atan2(${a}, ${b})`,
  lt: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  le: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  ne: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  and: (a, b) => `(${a} & ${b})`,
  or: (a, b) => `(${a} | ${b})`,
  xor: (a, b) => `(${a} ^ ${b})`,
  band: (a, b) => `(${a} & ${b})`,
  bor: (a, b) => `(${a} | ${b})`,
  bxor: (a, b) => `(${a} ^ ${b})`,
  shl: (a, b) => `(${a} << ${b})`,
  shr: (a, b) => `(${a} >> ${b})`,
  // ── special/fft (helper special) ──
  chebyshev_t: (a, b) => `H.special.chebyshevT(${a}, ${b})`,
  chebyshev_u: (a, b) => `H.special.chebyshevU(${a}, ${b})`,
  chebyshev_v: (a, b) => `H.special.chebyshevV(${a}, ${b})`,
  chebyshev_w: (a, b) => `H.special.chebyshevW(${a}, ${b})`,
  hermite_h: (a, b) => `H.special.hermiteH(${a}, ${b})`,
  hermite_he: (a, b) => `H.special.hermiteHe(${a}, ${b})`,
  laguerre_l: (a, b) => `H.special.laguerreL(${a}, ${b})`,
  legendre_p: (a, b) => `H.special.legendreP(${a}, ${b})`,
  igamma: (a, b) => `H.special.igamma(${a}, ${b})`,
  igammac: (a, b) => `H.special.igammac(${a}, ${b})`,
  zeta: (a, b) => `H.special.zeta(${a}, ${b})`,
  bessel: (a, b) => `H.special.bessel(${a}, ${b})`,
} satisfies Record<BinOp, (a: string, b: string, t: ExType) => string>;

/** Code generation state: the input reads, and the constants met so far (parameters c0, c1...). */
interface Gen {
  ins: readonly ExType[];
  reads: readonly string[];
  consts: number;
}

function emit(e: Ex, want: ExType, g: Gen): string {
  const t = typeOf(e, g.ins);
  return cast(emitRaw(e, g), t, want);
}

// Operands are emitted in constantsOf's order (template literals evaluate left to right), so
// the constant met j-th is parameter cj.
function emitRaw(e: Ex, g: Gen): string {
  switch (e.k) {
    case 'in':
      return g.reads[e.i];
    case 'const':
      return `c${g.consts++}`;
    case 'cast':
      return emit(e.a, e.t, g);
    case 'where': {
      const t = typeOf(e, g.ins) ?? 'f32';
      return `(${emit(e.c, 'bool', g)} ? ${emit(e.a, t, g)} : ${emit(e.b, t, g)})`;
    }
    case 'un': {
      const ot = operandType(e, g.ins);
      return jsUnary[e.op](emit(e.a, ot, g), ot);
    }
    case 'bin': {
      const ot = operandType(e, g.ins);
      const a = emit(e.a, ot, g);
      return jsBinary[e.op](a, emit(e.b, ot, g), ot);
    }
  }
}

/**
 * A compiled kernel: out[po] = f(in0[p0], in1[p1], ...) over a coalesced strided iteration
 * space `shape`, with per-operand strides (index 0 = out).
 */
export type Kernel = (
  arrays: ArrayLike<number>[],
  offsets: number[],
  strides: number[][],
  shape: number[],
  consts: readonly number[],
) => void;

/**
 * Compiled kernels by (structure, dtypes): constants are the kernel's `consts` argument, so a
 * loop over changing scalars reuses one kernel. A bounded LRU (`jsKernels.limit`, 1024): trees are
 * user data, so the key space is open.
 */
const cache = new Map<string, Kernel>();
/** JS kernels compiled (cache misses), held, and the cap (tests may lower it). */
export const jsKernels = { compiles: 0, cached: () => cache.size, limit: 1024 };

export function compileElementwise(e: Ex, inDtypes: readonly DType[], outDtype: DType): Kernel {
  const source = useSource();
  const key = `${source ? 's' : 'c'}|${structureKey(e)}|${inDtypes.join(',')}|${outDtype}`;
  let k: Kernel | undefined = cache.get(key);
  if (k) {
    cache.delete(key); // LRU: re-insert as most recent
    cache.set(key, k);
    return k;
  }
  const ins = inDtypes.map(exType);
  // float16/bfloat16 (Uint16Array storage): inputs are decoded by a 65536-entry table, the value
  // computed (in doubles, rounded to float32 first as PyTorch's float32 opmath) is encoded to
  // its 16-bit word on store, rounding once.
  const enc = isHalf(outDtype) ? (outDtype === 'bfloat16' ? bfloat16Bits : halfBits) : null;
  const tabs = inDtypes.map((d) => (isHalf(d) ? halfDecodeTable(d) : null));
  k = source
    ? sourceKernel(e, ins, exType(outDtype), enc, tabs)
    : closureKernel(e, ins, exType(outDtype), enc, tabs);
  jsKernels.compiles++;
  while (cache.size >= jsKernels.limit) cache.delete(cache.keys().next().value as string);
  cache.set(key, k);
  return k;
}

/** The kernel as generated source, compiled with `new Function`. */
function sourceKernel(
  e: Ex,
  ins: readonly ExType[],
  outType: ExType,
  round: ((x: number) => number) | null,
  tabs: readonly (Float32Array | null)[],
): Kernel {
  const n = ins.length;
  const g: Gen = {
    ins,
    reads: ins.map((_, i) => (tabs[i] ? `T${i}[a${i}[p${i}]]` : `a${i}[p${i}]`)),
    consts: 0,
  };
  const body = round ? `R(${emit(e, outType, g)})` : emit(e, outType, g);
  const ids = Array.from({ length: n }, (_, i) => i);
  const cs = Array.from({ length: g.consts }, (_, j) => `const c${j} = consts[${j}];`).join(' ');
  const src = `
return function kernel(arrays, offsets, strides, shape, consts) {
  ${cs}
  const o = arrays[0]; ${ids.map((i) => `const a${i} = arrays[${i + 1}];${tabs[i] ? ` const T${i} = T[${i}];` : ''}`).join(' ')}
  const r = shape.length; const last = r - 1; const n = shape[last];
  const so = strides[0][last]; ${ids.map((i) => `const s${i} = strides[${i + 1}][last];`).join(' ')}
  let outer = 1; for (let d = 0; d < last; d++) outer *= shape[d];
  const idx = new Int32Array(r);
  for (let it = 0; it < outer; it++) {
    let po = offsets[0]; ${ids.map((i) => `let p${i} = offsets[${i + 1}];`).join(' ')}
    for (let d = 0; d < last; d++) { const x = idx[d]; po += x * strides[0][d]; ${ids.map((i) => `p${i} += x * strides[${i + 1}][d];`).join(' ')} }
    for (let j = 0; j < n; j++) {
      o[po] = ${body};
      po += so; ${ids.map((i) => `p${i} += s${i};`).join(' ')}
    }
    for (let d = last - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
};`;
  return new Function('H', 'R', 'T', src)(helpers, round, tabs) as Kernel;
}

export { coalesce } from '../backend.js';
