/**
 * matmul on WebGPU against the CPU backend, for both kernels (register-blocked and tiled):
 * transposes as strides, batch broadcast, odd sizes, offsets (aligned for vec4 loads and not),
 * bias with a stride, relu.
 */
import fc from 'fast-check';
import { afterAll, it } from 'vitest';
import type { MatmulOptions, View } from '../../../src/backend/backend.js';
import { setMatmulVariant } from '../../../src/backend/webgpu/index.js';
import {
  cpu,
  describeGpu,
  expectClose,
  fill,
  gpu,
  outPair,
  type Pair,
  pair,
  randn,
  readBoth,
  rng,
} from './helpers.js';

interface Case {
  batch: number[];
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  /** broadcast a or b over the batch (stride 0). */
  bcastA?: boolean;
  bcastB?: boolean;
  offA?: number;
  offB?: number;
  bias?: boolean;
  relu?: boolean;
}

function operand(
  r: () => number,
  batch: number[],
  R: number,
  C: number,
  trans: boolean,
  bcast: boolean,
  off: number,
): Pair {
  const mat = R * C;
  const nb = bcast ? 1 : batch.reduce((a, b) => a * b, 1);
  const data = fill('float32', off + nb * mat, () => randn(r));
  const bs: number[] = [];
  let acc = mat;
  for (let d = batch.length - 1; d >= 0; d--) {
    bs.unshift(bcast ? 0 : acc);
    acc *= batch[d];
  }
  // A transposed [R, C] operand is stored [C, R] row-major: strides [1, R].
  return pair(data, 'float32', [...batch, R, C], [...bs, ...(trans ? [1, R] : [C, 1])], off);
}

async function check(c: Case, seed = 1) {
  const r = rng(seed);
  const a = operand(r, c.batch, c.M, c.K, c.transA, !!c.bcastA, c.offA ?? 0);
  const b = operand(r, c.batch, c.K, c.N, c.transB, !!c.bcastB, c.offB ?? 0);
  const o = outPair('float32', [...c.batch, c.M, c.N]);
  const opts = (bias?: View): MatmulOptions => ({
    ...(bias ? { bias } : {}),
    ...(c.relu ? { activation: 'relu' as const } : {}),
  });
  // bias: every other element of a buffer, starting at 1.
  const bias = c.bias
    ? pair(
        fill('float32', 2 * c.N + 1, () => randn(r)),
        'float32',
        [c.N],
        [2],
        1,
      )
    : undefined;
  gpu().matmul(a.gpu, b.gpu, o.gpu, opts(bias?.gpu));
  cpu.matmul(a.cpu, b.cpu, o.cpu, opts(bias?.cpu));
  const [g, w] = await readBoth(o);
  expectClose(g, w, { atol: 2e-6 * (c.K + 1), rtol: 1e-5 }, JSON.stringify(c));
}

for (const variant of ['register', 'tiled'] as const)
  describeGpu(`webgpu matmul (${variant})`, () => {
    setMatmulVariant(variant);
    afterAll(() => setMatmulVariant('auto'));
    it('all transpose combinations, odd and tile-straddling sizes', async () => {
      setMatmulVariant(variant);
      for (const [M, N, K] of [
        [1, 1, 1],
        [3, 5, 7],
        [17, 33, 9],
        [64, 64, 64],
        [65, 31, 70],
        [2, 130, 4],
        [33, 1, 128],
        [36, 20, 12], // vec4-aligned transposed A whose last 8-row block is half outside (register)
        [9, 12, 777], // K over three K blocks (partial sums) plus a tail of 1
        [20, 8, 1030],
      ])
        for (const transA of [false, true])
          for (const transB of [false, true]) await check({ batch: [], M, N, K, transA, transB });
    });
    it('batched with broadcast operands, offsets, bias and relu', async () => {
      setMatmulVariant(variant);
      await check({
        batch: [3],
        M: 9,
        N: 12,
        K: 8,
        transA: false,
        transB: true,
        bcastB: true,
        bias: true,
        relu: true,
      });
      await check({
        batch: [2, 3],
        M: 5,
        N: 8,
        K: 12,
        transA: true,
        transB: false,
        bcastA: true,
        offA: 3,
        offB: 4,
      });
      await check({
        batch: [2, 2],
        M: 16,
        N: 20,
        K: 13,
        transA: false,
        transB: false,
        offA: 4,
        offB: 8,
        bias: true,
      });
      await check({
        batch: [4],
        M: 64,
        N: 10,
        K: 128,
        transA: false,
        transB: true,
        offA: 1,
        offB: 2,
        relu: true,
      });
    });
    it('random cases (fast-check)', async () => {
      setMatmulVariant(variant);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
            M: fc.integer({ min: 1, max: 40 }),
            N: fc.integer({ min: 1, max: 40 }),
            K: fc.integer({ min: 1, max: 40 }),
            transA: fc.boolean(),
            transB: fc.boolean(),
            bcastA: fc.boolean(),
            offA: fc.integer({ min: 0, max: 5 }),
            offB: fc.constantFrom(0, 4, 5),
            bias: fc.boolean(),
            relu: fc.boolean(),
          }),
          fc.integer({ min: 0, max: 1000 }),
          (c, seed) => check(c, seed),
        ),
        { numRuns: variant === 'tiled' ? 12 : 25 }, // tiled kernels compile slowly on lavapipe
      );
    });
  });
