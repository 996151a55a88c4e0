/**
 * Compiles an `Ex` tree to a JavaScript loop body. One compiled function per (tree, input
 * dtypes, output dtype), cached; the loop itself is generated too, so the hot path has no
 * per-element closure calls, only straight-line arithmetic on typed arrays.
 */
import type { DType } from '../../tensor/dtype.js';
import { type Ex, type ExType, exprKey, exType, operandType, typeOf } from '../expr.js';

export { erf } from '../../tensor/scalar-math.js';

import { erf } from '../../tensor/scalar-math.js';

/** Round half to even, as torch.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// Small helpers the generated code calls; V8 inlines them in the hot loop.
const helpers = {
  erf,
  roundHalfEven,
  fmax: (a: number, b: number) => (a !== a || b !== b ? Number.NaN : a > b ? a : b),
  fmin: (a: number, b: number) => (a !== a || b !== b ? Number.NaN : a < b ? a : b),
  fmod: (a: number, b: number) => a - Math.floor(a / b) * b,
  imod: (a: number, b: number) => (((a % b) + b) % b) | 0,
  // C's pow (and PyTorch): pow(1, y) = 1 and pow(-1, +-inf) = 1, where JS's Math.pow gives NaN.
  fpow: (a: number, b: number) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b),
};

function cast(code: string, from: ExType | null, to: ExType): string {
  if (from === to || from === null) return code;
  if (to === 'bool') return `((${code}) !== 0 ? 1 : 0)`;
  if (to === 'i32') return from === 'f32' ? `(Math.trunc(${code}) | 0)` : code;
  return code; // bool/i32 -> f32: JS numbers already
}

function emit(e: Ex, ins: readonly ExType[], want: ExType, reads: readonly string[]): string {
  const t = typeOf(e, ins);
  return cast(emitRaw(e, ins, reads), t, want);
}

function emitRaw(e: Ex, ins: readonly ExType[], reads: readonly string[]): string {
  switch (e.k) {
    case 'in':
      return reads[e.i];
    case 'const':
      return Number.isNaN(e.v)
        ? 'NaN'
        : e.v === Infinity
          ? 'Infinity'
          : e.v === -Infinity
            ? '-Infinity'
            : `(${e.v})`;
    case 'cast':
      return emit(e.a, ins, e.t, reads);
    case 'where':
      return `(${emit(e.c, ins, 'bool', reads)} ? ${emit(e.a, ins, typeOf(e, ins) ?? 'f32', reads)} : ${emit(e.b, ins, typeOf(e, ins) ?? 'f32', reads)})`;
    case 'un': {
      const ot = operandType(e, ins);
      const a = emit(e.a, ins, ot, reads);
      const i32 = ot === 'i32';
      switch (e.op) {
        case 'neg':
          return i32 ? `((-${a}) | 0)` : `(-${a})`;
        case 'abs':
          return i32 ? `(Math.abs(${a}) | 0)` : `Math.abs(${a})`;
        case 'sign':
          return `Math.sign(${a})`;
        case 'exp':
          return `Math.exp(${a})`;
        case 'expm1':
          return `Math.expm1(${a})`;
        case 'log':
          return `Math.log(${a})`;
        case 'log1p':
          return `Math.log1p(${a})`;
        case 'sqrt':
          return `Math.sqrt(${a})`;
        case 'rsqrt':
          return `(1 / Math.sqrt(${a}))`;
        case 'sin':
          return `Math.sin(${a})`;
        case 'cos':
          return `Math.cos(${a})`;
        case 'tan':
          return `Math.tan(${a})`;
        case 'tanh':
          return `Math.tanh(${a})`;
        case 'erf':
          return `H.erf(${a})`;
        case 'floor':
          return i32 ? a : `Math.floor(${a})`;
        case 'ceil':
          return i32 ? a : `Math.ceil(${a})`;
        case 'trunc':
          return i32 ? a : `Math.trunc(${a})`;
        case 'round':
          return i32 ? a : `H.roundHalfEven(${a})`;
        case 'recip':
          return `(1 / ${a})`;
        case 'not':
          return `(${a} ? 0 : 1)`;
        case 'isnan':
          return ot === 'f32' ? `(${a} !== ${a} ? 1 : 0)` : '0';
        case 'isinf':
          return ot === 'f32' ? `(Math.abs(${a}) === Infinity ? 1 : 0)` : '0';
      }
      break;
    }
    case 'bin': {
      const ot = operandType(e, ins);
      const a = emit(e.a, ins, ot, reads);
      const b = emit(e.b, ins, ot, reads);
      const i32 = ot === 'i32';
      switch (e.op) {
        case 'add':
          return i32 ? `((${a} + ${b}) | 0)` : `(${a} + ${b})`;
        case 'sub':
          return i32 ? `((${a} - ${b}) | 0)` : `(${a} - ${b})`;
        case 'mul':
          return i32 ? `Math.imul(${a}, ${b})` : `(${a} * ${b})`;
        case 'div':
          return `(${a} / ${b})`;
        case 'pow':
          return `H.fpow(${a}, ${b})`;
        case 'atan2':
          return `Math.atan2(${a}, ${b})`;
        // NaN-propagating, as torch.maximum / torch.minimum.
        case 'max':
          return ot === 'f32' ? `H.fmax(${a}, ${b})` : `Math.max(${a}, ${b})`;
        case 'min':
          return ot === 'f32' ? `H.fmin(${a}, ${b})` : `Math.min(${a}, ${b})`;
        // Python's remainder: the result has the divisor's sign (torch.remainder).
        case 'mod':
          return i32 ? `H.imod(${a}, ${b})` : `H.fmod(${a}, ${b})`;
        case 'lt':
          return `(${a} < ${b} ? 1 : 0)`;
        case 'le':
          return `(${a} <= ${b} ? 1 : 0)`;
        case 'gt':
          return `(${a} > ${b} ? 1 : 0)`;
        case 'ge':
          return `(${a} >= ${b} ? 1 : 0)`;
        case 'eq':
          return `(${a} === ${b} ? 1 : 0)`;
        case 'ne':
          return `(${a} !== ${b} ? 1 : 0)`;
        case 'and':
          return `(${a} & ${b})`;
        case 'or':
          return `(${a} | ${b})`;
        case 'xor':
          return `(${a} ^ ${b})`;
      }
    }
  }
  throw new Error(`cpu compile: unsupported expression ${exprKey(e)}`);
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
) => void;

const cache = new Map<string, Kernel>();

export function compileElementwise(e: Ex, inDtypes: readonly DType[], outDtype: DType): Kernel {
  const key = `${exprKey(e)}|${inDtypes.join(',')}|${outDtype}`;
  let k = cache.get(key);
  if (k) return k;
  const ins = inDtypes.map(exType);
  const n = ins.length;
  const reads = ins.map((_, i) => `a${i}[p${i}]`);
  const body = emit(e, ins, exType(outDtype), reads);
  const ids = Array.from({ length: n }, (_, i) => i);
  const src = `
return function kernel(arrays, offsets, strides, shape) {
  const o = arrays[0]; ${ids.map((i) => `const a${i} = arrays[${i + 1}];`).join(' ')}
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
  k = new Function('H', src)(helpers) as Kernel;
  cache.set(key, k);
  return k;
}

export { coalesce } from '../backend.js';
