/**
 * The eval-free elementwise compiler (cpu/closure.ts) against the generated-source one: a few
 * JS-path kernels over 1M elements (contiguous, broadcast, strided). `npx tsx bench/closure.ts`.
 */
import { codegen, compileElementwise } from '../src/backend/cpu/compile.js';
import { constantsOf, E, type Ex } from '../src/backend/expr.js';
import type { DType } from '../src/tensor/dtype.js';

const N = 1 << 20;
const a = new Float32Array(N).map((_, i) => Math.sin(i) * 3);
const b = new Float32Array(N).map((_, i) => Math.cos(i));
const ia = new Int32Array(N).map((_, i) => i * 7);
const x = E.input(0);
const y = E.input(1);
const cases: [string, Ex, DType[], DType, number[], number[][], ArrayLike<number>[]][] = [
  ['add f32 contiguous', E.add(x, y), ['float32', 'float32'], 'float32', [N], [[1], [1], [1]], [a, b]],
  ['mul i32 contiguous', E.mul(x, y), ['int32', 'int32'], 'int32', [N], [[1], [1], [1]], [ia, ia]],
  [
    'gelu (erf) f32',
    E.mul(E.mul(x, 0.5), E.add(1, E.erf(E.mul(x, Math.SQRT1_2)))),
    ['float32'],
    'float32',
    [N],
    [[1], [1]],
    [a],
  ],
  ['sigmoid f32', E.recip(E.add(1, E.exp(E.neg(x)))), ['float32'], 'float32', [N], [[1], [1]], [a]],
  [
    'where(x>y, x*y, x-y) broadcast row',
    E.where(E.gt(x, y), E.mul(x, y), E.sub(x, y)),
    ['float32', 'float32'],
    'float32',
    [1024, 1024],
    [
      [1024, 1],
      [1024, 1],
      [0, 1],
    ],
    [a, b],
  ],
  [
    'transpose copy f32',
    E.mul(x, 1),
    ['float32'],
    'float32',
    [1024, 1024],
    [
      [1024, 1],
      [1, 1024],
    ],
    [a],
  ],
];
for (const [name, e, ins, out, shape, strides, arrs] of cases) {
  const t: Record<string, number> = {};
  for (const mode of ['source', 'closure'] as const) {
    codegen.mode = mode;
    const k = compileElementwise(e, ins, out);
    const o = out === 'int32' ? new Int32Array(N) : new Float32Array(N);
    const run = () => k([o, ...arrs], [0, ...arrs.map(() => 0)], strides, shape, constantsOf(e));
    for (let i = 0; i < 5; i++) run();
    const reps = 20;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    t[mode] = (performance.now() - t0) / reps;
  }
  console.log(
    `${name.padEnd(38)} source ${t.source.toFixed(2)} ms  closure ${t.closure.toFixed(2)} ms  ×${(t.closure / t.source).toFixed(2)}`,
  );
}
