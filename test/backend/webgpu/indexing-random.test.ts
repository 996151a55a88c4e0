/** gather, scatterAdd and Philox random on WebGPU against the CPU backend and philox.ts. */
import { expect, it } from 'vitest';
import { philox4x32, philoxFill } from '../../../src/backend/philox.js';
import { cpu, describeGpu, expectClose, fill, gpu, outPair, pair, randn, readBoth, rng } from './helpers.js';

describeGpu('webgpu gather / scatterAdd', () => {
  it('gather along every dim of a strided 3-D view', async () => {
    const r = rng(4);
    const x = pair(
      fill('float32', 200, () => randn(r)),
      'float32',
      [4, 5, 6],
      [1, 4, 20],
      3,
    ); // permuted strides
    for (let dim = 0; dim < 3; dim++) {
      const ishape = [3, 4, 5];
      ishape[dim] = 7;
      const n = ishape.reduce((a, b) => a * b, 1);
      const size = [4, 5, 6][dim];
      const idx = pair(
        fill('int32', n, () => Math.floor(r() * size)),
        'int32',
        ishape,
      );
      const o = outPair('float32', ishape);
      gpu().gather(x.gpu, dim, idx.gpu, o.gpu);
      cpu.gather(x.cpu, dim, idx.cpu, o.cpu);
      const [g, c] = await readBoth(o);
      expectClose(g, c, {}, `gather dim ${dim}`);
    }
  });

  it('gather of int32 with a broadcast (stride-0) index', async () => {
    const x = pair(
      fill('int32', 12, (i) => i * 10),
      'int32',
      [3, 4],
    );
    const idx = pair(new Int32Array([3, 0]), 'int32', [3, 2], [0, 1]);
    const o = outPair('int32', [3, 2]);
    gpu().gather(x.gpu, 1, idx.gpu, o.gpu);
    expect(Array.from(await gpu().read(o.gpu))).toEqual([30, 0, 70, 40, 110, 80]);
  });

  it('scatterAdd with many collisions (float CAS loop, int atomicAdd)', async () => {
    const r = rng(6);
    for (const dtype of ['float32', 'int32'] as const) {
      // Integer-valued floats: the sum is exact in any order, so CPU and GPU must agree exactly.
      const out = pair(
        fill(dtype, 5 * 3, (i) => i),
        dtype,
        [5, 3],
      );
      const idx = pair(
        fill('int32', 400 * 3, () => Math.floor(r() * 5)),
        'int32',
        [400, 3],
      );
      const src = pair(
        fill(dtype, 400 * 3, () => Math.round(randn(r) * 8)),
        dtype,
        [400, 3],
      );
      gpu().scatterAdd(out.gpu, 0, idx.gpu, src.gpu);
      cpu.scatterAdd(out.cpu, 0, idx.cpu, src.cpu);
      const [g, c] = await readBoth(out);
      expectClose(g, c, {}, `scatterAdd ${dtype}`);
    }
  });

  it('scatterAdd into a strided view along dim 1 (embedding-backward shape)', async () => {
    const r = rng(7);
    const out = pair(new Float32Array(2 * 6 * 2), 'float32', [2, 6], [12, 2], 1); // every other slot
    const idx = pair(
      fill('int32', 2 * 9, () => Math.floor(r() * 6)),
      'int32',
      [2, 9],
    );
    const src = pair(
      fill('float32', 2 * 9, () => randn(r)),
      'float32',
      [2, 9],
    );
    gpu().scatterAdd(out.gpu, 1, idx.gpu, src.gpu);
    cpu.scatterAdd(out.cpu, 1, idx.cpu, src.cpu);
    const whole = { shape: [24], strides: [1], offset: 0 };
    const g = await gpu().read({ ...out.gpu, ...whole });
    const c = await cpu.read({ ...out.cpu, ...whole });
    expectClose(g, c, { ulps: 2, atol: 1e-6 }, 'strided scatterAdd');
  });
});

describeGpu('webgpu random (Philox4x32-10)', () => {
  it('philox.ts matches the Random123 known-answer vectors', () => {
    const o = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, o);
    expect(Array.from(o)).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, o);
    expect(Array.from(o)).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('uniform streams are bit-identical to the CPU, across a 2^32 counter carry', async () => {
    for (const [seed, offset, a, b] of [
      [[42, 0], 0, 0, 1],
      [[1, 2], 2 ** 32 - 100, 0, 1],
      [[7, 9], 123456789, -2, 3],
    ] as const) {
      const n = 3000;
      const o = outPair('float32', [n]);
      gpu().random('uniform', o.gpu, seed, offset, a, b);
      const want = new Float32Array(n);
      philoxFill('uniform', want, seed, offset, a, b);
      const g = await gpu().read(o.gpu);
      // a + (b - a) u is exact for [0, 1); for other ranges the device rounds in f32 where the
      // CPU rounds once from f64: 1 ulp of max(|a|, |b|) (cancellation makes it absolute).
      const tol =
        a === 0 && b === 1
          ? {}
          : { atol: 2 ** (Math.floor(Math.log2(Math.max(Math.abs(a), Math.abs(b)))) - 23) };
      expectClose(g, want, tol, `uniform seed ${seed} offset ${offset}`);
    }
  });

  it('normal streams match the CPU within a few ulp (f32 log/sqrt/cos vs f64)', async () => {
    const n = 20000;
    const o = outPair('float32', [n]);
    gpu().random('normal', o.gpu, [3, 4], 77, 0.5, 2);
    const want = new Float32Array(n);
    philoxFill('normal', want, [3, 4], 77, 0.5, 2);
    const g = await gpu().read(o.gpu);
    // Relative error is bounded by the product's ~4 roundings; near the zeros of a + b*z the
    // absolute error of b*z (|z| <= 6) dominates.
    expectClose(g, want, { ulps: 8, atol: 2 * 6 * 2 ** -23 }, 'normal');
    const mean = Array.from(g).reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('random into an offset output only writes its range', async () => {
    const base = pair(
      fill('float32', 20, () => -1),
      'float32',
      [10],
      [1],
      5,
    );
    gpu().random('uniform', base.gpu, [1, 1], 0, 0, 1);
    const all = await gpu().read({ ...base.gpu, shape: [20], offset: 0 });
    expect(all[4]).toBe(-1);
    expect(all[15]).toBe(-1);
    const want = new Float32Array(10);
    philoxFill('uniform', want, [1, 1], 0, 0, 1);
    expect(Array.from(all.slice(5, 15))).toEqual(Array.from(want));
  });
});
