/**
 * The eval-free elementwise compiler (cpu/closure.ts, used where `new Function` is refused)
 * against the generated-source compiler: every unary and binary op in every operand type, on
 * awkward values (NaN, +-Inf, +-0, halves, int32 overflow), over contiguous, broadcast,
 * strided and multi-block rows, with constants, casts and where. Results must be identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { codegen, compileElementwise, stringCodegenAllowed } from '../../../src/backend/cpu/compile.js';
import { binaryOps, constantsOf, E, type Ex, loopBinaryOps, unaryOps } from '../../../src/backend/expr.js';
import type { DType } from '../../../src/tensor/dtype.js';

const vals = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3,
  -7,
  0.1,
  1e-3,
  100,
  -100,
  1e30,
  -1e30,
  Number.NaN,
  Infinity,
  -Infinity,
  2147483647,
  -2147483648,
  65535,
  7,
];
// The special functions loop up to their degree argument: keep their operands small.
const tame = [0, 1, -1, 0.5, -0.5, 1.5, 2.5, 3, 7, 0.1, -4, 12];
let pool = vals;
const make = (d: DType, n: number, seed: number) => {
  const vals = pool;
  const a = d === 'float32' ? new Float32Array(n) : d === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = vals[(i * 7 + seed * 3) % vals.length];
    a[i] = d === 'bool' ? (Number.isNaN(v) || v === 0 ? 0 : 1) : v;
  }
  return a;
};
const outArray = (d: DType, n: number) =>
  d === 'float32' ? new Float32Array(n) : d === 'int32' ? new Int32Array(n) : new Uint8Array(n);

/** Runs `e` with both compilers over (shape, per-operand strides) and compares. */
function agree(e: Ex, ins: DType[], out: DType, shape: number[], strides: number[][], size: number) {
  const inputs = ins.map((d, i) => make(d, size, i + 1));
  const run = (mode: 'source' | 'closure') => {
    codegen.mode = mode;
    const o = outArray(out, size);
    compileElementwise(e, ins, out)([o, ...inputs], [0, ...ins.map(() => 0)], strides, shape, constantsOf(e));
    return Array.from(o);
  };
  const s = run('source');
  const c = run('closure');
  for (let i = 0; i < size; i++) if (!Object.is(s[i], c[i])) expect([i, c[i]]).toEqual([i, s[i]]);
}

const dtypes: DType[] = ['float32', 'int32', 'bool'];
const outOf = (d: DType): DType => d;

describe('closure compiler (no string code generation)', () => {
  afterEach(() => {
    pool = vals;
    codegen.mode = 'auto';
  });

  it('string code generation is detected as allowed in this process', () => {
    expect(stringCodegenAllowed()).toBe(true);
  });

  it('every unary op in every operand type matches the generated source', () => {
    const n = vals.length * 3;
    for (const op of unaryOps)
      for (const d of dtypes)
        for (const out of dtypes) agree(E[op](E.input(0)), [d], outOf(out), [n], [[1], [1]], n);
  });

  it('every binary op in every operand-type pair, with tensors and constants, matches', () => {
    const n = vals.length * 3;
    for (const op of binaryOps)
      for (const a of dtypes)
        for (const b of dtypes) {
          pool = (loopBinaryOps as readonly string[]).includes(op) ? tame : vals;
          for (const out of dtypes)
            agree(E[op](E.input(0), E.input(1)), [a, b], out, [n], [[1], [1], [1]], n);
          agree(E[op](E.input(0), 2.5), [a], 'float32', [n], [[1], [1]], n);
          agree(E[op](-3, E.input(0)), [b], 'int32', [n], [[1], [1]], n);
        }
  });

  it('broadcast, strided, multi-dim and multi-block rows, where and casts', () => {
    const e = E.where(
      E.gt(E.input(0), E.input(1)),
      E.add(E.mul(E.input(0), 0.5), E.exp(E.input(2))),
      E.cast('i32', E.sub(E.input(1), E.input(0))),
    );
    const ins: DType[] = ['float32', 'float32', 'int32'];
    // [3, 1500]: row longer than a block; input 1 broadcast along rows, input 2 transposed-ish
    agree(
      e,
      ins,
      'float32',
      [3, 1500],
      [
        [1500, 1],
        [1500, 1],
        [0, 1],
        [1, 3],
      ],
      4500,
    );
    agree(
      e,
      ins,
      'int32',
      [5, 7, 3],
      [
        [21, 3, 1],
        [1, 5, 35],
        [3, 0, 1],
        [0, 0, 0],
      ],
      105,
    );
    agree(e, ins, 'bool', [1030], [[1], [2], [0], [1]], 2060);
  });
});
