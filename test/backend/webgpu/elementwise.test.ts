/**
 * elementwise on WebGPU against the CPU backend: every unary and binary op of expr.ts on
 * special values (NaN, +-Inf, +-0, huge, halfway) and random data; casts; strided, broadcast,
 * offset and in-place views; random shapes with fast-check.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { binaryOps, E, type Ex, exprKey, typeOf, unaryOps } from '../../../src/backend/expr.js';
import { stats } from '../../../src/backend/webgpu/index.js';
import type { DType } from '../../../src/tensor/dtype.js';
import {
  cpu,
  describeGpu,
  expectClose,
  fill,
  gpu,
  outPair,
  pair,
  randn,
  readBoth,
  rng,
  type Tol,
} from './helpers.js';

const specials = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3.5,
  1e-7,
  -1e-7,
  3.4e38,
  -3.4e38,
  1e30,
  -1e30,
  100,
  -100,
  88,
  89,
  -88,
  -105,
  1e-30,
  0.1,
  Math.PI,
  1e6 + 0.5,
  16777215,
  20,
  -20,
  9,
  -0.99,
  -1.5e-8,
  2,
  3,
];
const r0 = rng(1);
const floats = new Float32Array([
  ...specials,
  ...Array.from({ length: 300 }, () => randn(r0) * 4),
  ...Array.from({ length: 100 }, () => r0() * 2 - 1),
]);

// Results below 2^-126 may be flushed to zero by the device (lavapipe does): an absolute
// 1.2e-38 covers exactly that and nothing else.
const FTZ = 1.2e-38;
const unaryTol: Partial<Record<string, Tol>> = {
  exp: { ulps: 2 },
  expm1: { ulps: 3 },
  log: { ulps: 2 },
  log1p: { ulps: 3 },
  rsqrt: { ulps: 2 },
  sqrt: { ulps: 1 },
  tanh: { ulps: 4 },
  tan: { ulps: 4 },
  recip: { ulps: 1 },
  // sin/cos: absolute error as the WGSL spec states it; huge arguments are excluded below.
  sin: { ulps: 2, atol: 1.2e-7 },
  cos: { ulps: 2, atol: 1.2e-7 },
  // Both backends approximate erf to |err| < 1.2e-7 (expr.ts asks < 2e-7).
  erf: { atol: 2.5e-7 },
};

function run(
  e: Ex,
  ins: { data: ArrayLike<number>; dtype: DType }[],
  outDtype: DType,
): Promise<[ArrayLike<number>, ArrayLike<number>]> {
  const n = ins[0]?.data.length ?? 1;
  const xs = ins.map((x) =>
    pair(
      fill(x.dtype, n, (i) => x.data[i]),
      x.dtype,
      [n],
    ),
  );
  const o = outPair(outDtype, [n]);
  gpu().elementwise(
    e,
    xs.map((x) => x.gpu),
    o.gpu,
  );
  cpu.elementwise(
    e,
    xs.map((x) => x.cpu),
    o.cpu,
  );
  return readBoth(o);
}
const outOf = (e: Ex, ins: DType[]): DType => {
  const t = typeOf(
    e,
    ins.map((d) => (d === 'float32' ? 'f32' : d === 'int32' ? 'i32' : 'bool')),
  );
  return t === 'bool' ? 'bool' : t === 'i32' ? 'int32' : 'float32';
};

describeGpu('webgpu elementwise', () => {
  // bitnot takes integer and bool operands only (the ops refuse floats): tested on ints below.
  for (const op of unaryOps.filter((o) => o !== 'bitnot')) {
    it(`unary ${op} (float32) matches the CPU on special and random values`, async () => {
      const trig = op === 'sin' || op === 'cos' || op === 'tan';
      const data = trig ? floats.filter((x) => !(Math.abs(x) > 1e4)) : floats;
      const e = (E as unknown as Record<string, (a: Ex) => Ex>)[op](E.input(0));
      const [g, c] = await run(e, [{ data, dtype: 'float32' }], outOf(e, ['float32']));
      expectClose(g, c, { atol: FTZ, ...unaryTol[op] }, op, (i) => `x=${data[i]}`);
    });
  }

  const ints = new Int32Array([
    0, 1, -1, 2, -2, 7, -7, 100, -100, 2147483647, -2147483648, 46341, -46341, 3, 5,
  ]);
  for (const op of [
    'bitnot',
    'neg',
    'abs',
    'sign',
    'floor',
    'round',
    'not',
    'isnan',
    'isinf',
    'exp',
    'sqrt',
  ] as const) {
    it(`unary ${op} (int32)`, async () => {
      const e = E[op](E.input(0));
      const [g, c] = await run(e, [{ data: ints, dtype: 'int32' }], outOf(e, ['int32']));
      expectClose(g, c, { ulps: 2 }, op, (i) => `x=${ints[i]}`);
    });
  }

  it('constant-only arithmetic inside an int32 expression computes in int32 (no f32 mixed in)', async () => {
    const e = E.sub(E.mul(E.input(0), E.mul(2, 3)), E.add(1, E.neg(4)));
    const [g, c] = await run(e, [{ data: ints, dtype: 'int32' }], 'int32');
    expect(Array.from(g)).toEqual(Array.from(c));
    expect(g[3]).toBe(2 * 6 + 3);
  });

  const bs = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3.5, 7, 1e30, -1e-7, 2.5];
  const A = new Float32Array(bs.length ** 2 + 400);
  const B = new Float32Array(A.length);
  for (let i = 0; i < bs.length; i++)
    for (let j = 0; j < bs.length; j++) {
      A[i * bs.length + j] = bs[i];
      B[i * bs.length + j] = bs[j];
    }
  for (let i = bs.length ** 2; i < A.length; i++) {
    A[i] = randn(r0) * 3;
    B[i] = i % 7 === 0 ? Math.round(randn(r0) * 3) : randn(r0) * 3;
  }
  const binTol: Partial<Record<string, Tol>> = {
    pow: { rtol: 2e-6 },
    atan2: { ulps: 3 },
    div: { ulps: 1 },
    mod: { ulps: 1, atol: 1e-6 },
  };
  // ── special/fft (helper special) ── the loop-based special functions compute in f64 on the
  // CPU, so they are held to their own tolerances in test/ops/special-more.test.ts.
  const exact = binaryOps.slice(0, binaryOps.indexOf('xor') + 1);
  for (const op of exact) {
    it(`binary ${op} (float32) matches the CPU on all pairs of special values`, async () => {
      const e = E[op](E.input(0), E.input(1));
      const [g, c0] = await run(
        e,
        [
          { data: A, dtype: 'float32' },
          { data: B, dtype: 'float32' },
        ],
        outOf(e, ['float32', 'float32']),
      );
      const c = Array.from(c0);
      if (op === 'pow')
        // torch.pow follows C: pow(1, y) = 1 and pow(-1, +-inf) = 1 for every y, NaN included;
        // the CPU backend's Math.pow gives NaN there (reported to the CPU backend's owner).
        for (let i = 0; i < c.length; i++)
          if (A[i] === 1 || (Math.abs(A[i]) === 1 && !Number.isFinite(B[i]) && !Number.isNaN(B[i]))) c[i] = 1;
      expectClose(g, c, { atol: FTZ, ...binTol[op] }, op, (i) => `a=${A[i]} b=${B[i]}`);
    });
  }

  const IA = new Int32Array([
    7, -7, 7, -7, 0, 5, 2147483647, -2147483648, -2147483648, 3, 100, -1, 46341, 6, 9,
  ]);
  const IB = new Int32Array([3, 3, -3, -3, 5, 0, 1, -1, 1, 3, -7, 2, 46341, 6, -4]);
  for (const op of [
    'add',
    'sub',
    'mul',
    'max',
    'min',
    'mod',
    'lt',
    'le',
    'gt',
    'ge',
    'eq',
    'ne',
    'div',
    'pow',
  ] as const) {
    it(`binary ${op} (int32): wrapping arithmetic and Python remainder`, async () => {
      const e = E[op](E.input(0), E.input(1));
      const [g, c] = await run(
        e,
        [
          { data: IA, dtype: 'int32' },
          { data: IB, dtype: 'int32' },
        ],
        outOf(e, ['int32', 'int32']),
      );
      expectClose(g, c, { ulps: 1 }, op, (i) => `a=${IA[i]} b=${IB[i]}`);
    });
  }

  it('bool logic, where, casts and weak constants', async () => {
    const a = [1, 0, 1, 0, 1, 1];
    const b = [1, 1, 0, 0, 0, 1];
    for (const op of ['and', 'or', 'xor', 'max', 'min', 'eq', 'ne', 'lt', 'add', 'mul'] as const) {
      const e = E[op](E.input(0), E.input(1));
      const [g, c] = await run(
        e,
        [
          { data: a, dtype: 'bool' },
          { data: b, dtype: 'bool' },
        ],
        outOf(e, ['bool', 'bool']),
      );
      expectClose(g, c, {}, `bool ${op}`);
    }
    const x = [1.5, -2.7, NaN, Infinity, -0, 0, 1e9, -3.5, 2147483000];
    const cases: [Ex, DType[]][] = [
      [E.cast('i32', E.input(0)), ['float32']],
      [E.cast('bool', E.input(0)), ['float32']],
      [E.cast('f32', E.cast('bool', E.input(0))), ['float32']],
      [E.where(E.gt(E.input(0), 0), E.input(0), E.mul(E.input(0), 0.01)), ['float32']],
      [E.where(E.isnan(E.input(0)), -1, E.input(0)), ['float32']],
      [E.add(E.cast('i32', E.input(0)), 1), ['float32']],
      [E.div(E.cast('i32', E.input(0)), 2), ['float32']],
      [E.mul(E.input(0), Infinity), ['float32']],
      [E.add(E.input(0), NaN), ['float32']],
      [E.max(E.input(0), -0), ['float32']],
    ];
    for (const [e, ins] of cases) {
      const [g, c] = await run(e, [{ data: x, dtype: ins[0] }], outOf(e, ins));
      expectClose(g, c, {}, JSON.stringify(e), (i) => `x=${x[i]}`);
    }
  });

  it('strided, broadcast and offset inputs; strided output', async () => {
    const r = rng(5);
    const base = fill('float32', 200, () => randn(r));
    // x: a transposed [6, 5] view at offset 7; y: a row [5] broadcast over 6 rows (stride 0).
    const x = pair(base, 'float32', [6, 5], [1, 6], 7);
    const y = pair(base, 'float32', [6, 5], [0, 2], 3);
    // out: every other column of a [6, 10] buffer, starting at 1.
    const outBase = fill('float32', 61, () => -99);
    const o = pair(outBase, 'float32', [6, 5], [10, 2], 1);
    const e = E.add(E.mul(E.input(0), E.input(1)), E.exp(E.input(1)));
    gpu().elementwise(e, [x.gpu, y.gpu], o.gpu);
    cpu.elementwise(e, [x.cpu, y.cpu], o.cpu);
    const whole = (v: View): View => ({ ...v, shape: [61], strides: [1], offset: 0 });
    const g = await gpu().read(whole(o.gpu));
    const c = await cpu.read(whole(o.cpu));
    expectClose(g, c, { ulps: 2 }, 'strided');
    expect(g[0]).toBe(-99); // untouched gaps
  });

  it('in-place: an input that is the output view', async () => {
    const p = pair(
      fill('float32', 10, (i) => i),
      'float32',
      [10],
    );
    const e = E.add(E.mul(E.input(0), E.input(0)), 1);
    gpu().elementwise(e, [p.gpu, p.gpu], p.gpu);
    cpu.elementwise(e, [p.cpu, p.cpu], p.cpu);
    const [g, c] = await readBoth(p);
    expectClose(g, c, {}, 'in-place');
  });

  it('random shapes, permutations and broadcasts (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 9 }),
        async (shape, seed, off) => {
          const r = rng(seed);
          const n = shape.reduce((a, b) => a * b, 1);
          const rank = shape.length;
          // x: contiguous in a random permutation of dims; y: random dims broadcast.
          const perm = shape.map((_, i) => i).sort(() => r() - 0.5);
          const xs = new Array<number>(rank);
          let acc = 1;
          for (let k = rank - 1; k >= 0; k--) {
            xs[perm[k]] = acc;
            acc *= shape[perm[k]];
          }
          const ys = shape.map(() => 0);
          let accY = 1;
          for (let d = rank - 1; d >= 0; d--)
            if (r() < 0.6) {
              ys[d] = accY;
              accY *= shape[d];
            }
          const x = pair(
            fill('float32', n + off, () => randn(r)),
            'float32',
            shape,
            xs,
            off,
          );
          const y = pair(
            fill('float32', accY, () => randn(r)),
            'float32',
            shape,
            ys,
            0,
          );
          const o = outPair('float32', shape);
          const e = E.where(E.gt(E.input(0), E.input(1)), E.sub(E.input(0), E.input(1)), E.tanh(E.input(1)));
          gpu().elementwise(e, [x.gpu, y.gpu], o.gpu);
          cpu.elementwise(e, [x.cpu, y.cpu], o.cpu);
          const [g, c] = await readBoth(o);
          expectClose(g, c, { ulps: 4 }, `shape [${shape}]`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('large 1-D tensors use a 2-D grid past maxComputeWorkgroupsPerDimension', async () => {
    const n = 65535 * 256 + 1000; // 16.8M elements: more than 65535 workgroups of 256
    const be = gpu();
    const s = be.alloc(n, 'float32');
    const v: View = { storage: s, dtype: 'float32', shape: [n], strides: [1], offset: 0 };
    be.elementwise(E.const(2), [], v);
    be.elementwise(E.add(E.input(0), 1), [v], v);
    const tail: View = { ...v, shape: [4], offset: n - 4 };
    expect(Array.from(await be.read(tail))).toEqual([3, 3, 3, 3]);
    be.release(s);
  });
  it('constants are uniforms: special values keep their meaning, one pipeline serves every value', async () => {
    const x = E.input(0);
    const data = [NaN, -Infinity, -2.5, -0, 0, 1e-40, 0.75, 3, Infinity];
    const ints = [-(2 ** 31), -7, -1, 0, 1, 5, 2 ** 31 - 1, 123456789, 3];
    const cases: [Ex, DType, DType][] = [];
    for (const k of [NaN, Infinity, -Infinity, -0, 0, 1, 1e-40, 0.1, 2 ** 31 - 1, 16777217])
      cases.push(
        // where's operands in the renderers' order (c, a, b): three distinct constant slots
        [E.where(E.gt(x, k), E.mul(x, 3), E.sub(k, x)), 'float32', 'float32'],
        [E.add(E.mul(x, k), E.max(x, -k)), 'float32', 'float32'],
        // x / 0 is +-Inf or NaN: a literal 0.0 divisor was folded by lavapipe to x / 0 = 0
        [E.div(x, k), 'float32', 'float32'],
        // int32 with integer constants only: a non-integer weak constant in an int32
        // expression truncates first on WebGPU but not in the CPU's JS (as before uniforms).
        [
          E.where(E.ne(x, Number.isInteger(k) ? k : 4), E.add(x, Number.isInteger(k) ? k : 2), E.mod(x, 7)),
          'int32',
          'int32',
        ],
        [E.and(E.cast('bool', x), k), 'float32', 'bool'],
        // an exponent beyond 2^24 rounds to f32 first on the GPU (odd 2^31 - 1 becomes even)
        [E.pow(x, E.const(Math.abs(k) < 2 ** 24 ? k : 3)), 'float32', 'float32'],
      );
    const compiles = stats().pipelineCompiles;
    for (const [e, dt, out] of cases) {
      const [g, c] = await run(e, [{ data: dt === 'int32' ? ints : data, dtype: dt }], out);
      // pow is exp(y log x) on the GPU (the binary-op test's bound), and a denormal input may be
      // flushed to zero (lavapipe does); the rest exact.
      if (e.k === 'bin' && e.op === 'pow')
        expectClose(
          Array.from(g).filter((_, i) => data[i] !== 1e-40),
          Array.from(c).filter((_, i) => data[i] !== 1e-40),
          { rtol: 2e-6 },
          exprKey(e),
        );
      else expect(Array.from(g), exprKey(e)).toEqual(Array.from(c));
    }
    expect(stats().pipelineCompiles - compiles).toBeLessThanOrEqual(6); // one per structure
  });
});
