/** reduce on WebGPU against the CPU backend: every op, random shapes, strides, NaN, split rows. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { ReduceOp } from '../../../src/backend/backend.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { cpu, describeGpu, expectClose, fill, gpu, outPair, pair, randn, readBoth, rng } from './helpers.js';

const ops: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'];
const outDtype = (op: ReduceOp, d: DType): DType =>
  op === 'argmax' || op === 'argmin' ? 'int32' : d === 'bool' ? 'int32' : d;

async function check(
  op: ReduceOp,
  shape: number[],
  strides: number[] | undefined,
  axes: number,
  data: ArrayLike<number>,
  dtype: DType = 'float32',
  offset = 0,
) {
  const x = pair(
    fill(dtype, data.length, (i) => data[i]),
    dtype,
    shape,
    strides,
    offset,
  );
  const rows = shape.slice(0, shape.length - axes).reduce((a, b) => a * b, 1);
  const o = outPair(outDtype(op, dtype), [rows]);
  gpu().reduce(op, x.gpu, axes, o.gpu);
  cpu.reduce(op, x.cpu, axes, o.cpu);
  const [g, c] = await readBoth(o);
  const m = data.length / Math.max(rows, 1);
  // Tree order vs sequential order: sums differ by rounding, bounded by ~log2(m) ulps of |x|sum.
  expectClose(
    g,
    c,
    op === 'sum' ? { atol: 1e-5 * Math.sqrt(m) } : op === 'prod' ? { rtol: 1e-5 } : {},
    `${op} [${shape}] axes ${axes}`,
  );
}

describeGpu('webgpu reduce', () => {
  for (const op of ops)
    it(`${op} over random shapes, axes and permuted strides (fast-check)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: 999 }),
          async (shape, seed) => {
            const r = rng(seed);
            const n = shape.reduce((a, b) => a * b, 1);
            const axes = op.startsWith('arg') ? 1 : 1 + Math.floor(r() * shape.length);
            const perm = shape.map((_, i) => i).sort(() => r() - 0.5);
            const strides = new Array<number>(shape.length);
            let acc = 1;
            for (let k = shape.length - 1; k >= 0; k--) {
              strides[perm[k]] = acc;
              acc *= shape[perm[k]];
            }
            // Few distinct values so that ties (first index wins) really happen.
            const data = Array.from({ length: n }, () =>
              op === 'prod' ? 0.5 + r() : Math.round(randn(r) * 2),
            );
            await check(op, shape, strides, axes, data);
          },
        ),
        { numRuns: 25 },
      );
    });

  it('NaN propagates through max/min and wins argmax/argmin (first NaN)', async () => {
    const d = [1, NaN, 5, NaN, -Infinity, 2, 3, 3, Infinity, 0, -0, 7];
    for (const op of ops) await check(op, [3, 4], undefined, 1, d);
  });

  it('long rows split across workgroups (two-pass), with and without ties', async () => {
    const r = rng(3);
    const n = 300_000;
    const d = Array.from({ length: n }, () => randn(r));
    d[123_456] = 9;
    d[200_001] = 9; // tie: argmax must report the first
    d[50] = -9;
    for (const op of ['sum', 'max', 'min', 'argmax', 'argmin'] as ReduceOp[])
      await check(op, [n], undefined, 1, d);
    await check('sum', [2, n / 2], [1, 2], 1, d); // strided rows
    await check('argmax', [3, 100_000], undefined, 1, d);
  });

  it('int32 and bool inputs; size-1 and size-0 rows', async () => {
    const ints = [3, -7, 2147483647, 1, 5, 5, -2, 0];
    for (const op of ops) await check(op, [2, 4], undefined, 1, ints, 'int32');
    await check('sum', [2, 4], undefined, 1, [1, 0, 1, 1, 0, 0, 0, 1], 'bool');
    for (const op of ops) await check(op, [5, 1], undefined, 1, [1, 2, 3, 4, 5]);
    // Empty rows: sum 0, prod 1, max/min NaN, as the CPU backend.
    for (const op of ['sum', 'prod', 'max'] as ReduceOp[]) await check(op, [3, 0], [0, 1], 1, []);
  });

  it('full reduction of an offset view to one element', async () => {
    const r = rng(9);
    const x = pair(
      fill('float32', 1000, () => randn(r)),
      'float32',
      [7, 9, 11],
      [99, 11, 1],
      10,
    );
    const o = outPair('float32', [1]);
    gpu().reduce('sum', x.gpu, 3, o.gpu);
    cpu.reduce('sum', x.cpu, 3, o.cpu);
    const [g, c] = await readBoth(o);
    expect(Math.abs(g[0] - c[0])).toBeLessThan(1e-4);
  });
});
