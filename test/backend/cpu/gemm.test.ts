import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemBlas, useSystemBlas } from '../../../src/backend/cpu/blas.js';
import { type SgemmOptions, sgemm, sgemmOn, sgemmPath } from '../../../src/backend/cpu/gemm.js';
import { heap } from '../../../src/backend/cpu/heap.js';
import { hasWasmSimd, sleb, uleb } from '../../../src/backend/cpu/wasm/emit.js';
import { gemmModuleBytes } from '../../../src/backend/cpu/wasm/gemm-kernel.js';

/** Deterministic values in [-1, 1). */
function rand(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return x;
}

/** A stored matrix plus the (off, rs, cs) that views it as [rows, cols]. */
interface Operand {
  data: Float32Array;
  off: number;
  rs: number;
  cs: number;
}
type Layout = 'row' | 'col' | 'gappy' | 'sparse' | 'bcastRow';

/** rows x cols viewed through `layout`, with `off` leading elements of junk before it. */
function operand(rows: number, cols: number, layout: Layout, off: number, seed: number): Operand {
  let rs: number;
  let cs: number;
  let span: number;
  if (layout === 'row') [rs, cs, span] = [cols, 1, rows * cols];
  else if (layout === 'col') [rs, cs, span] = [1, rows, rows * cols];
  else if (layout === 'sparse')
    [rs, cs, span] = [5 * cols + 7, 3, rows * (5 * cols + 7)]; // too sparse to stage
  else if (layout === 'gappy')
    [rs, cs, span] = [2 * cols + 3, 2, rows * (2 * cols + 3)]; // strided view of a bigger tensor
  else [rs, cs, span] = [0, 1, cols]; // every row the same (an expanded [1, cols])
  return { data: rand(off + span + 1, seed), off, rs, cs };
}

function at(x: Operand, i: number, j: number): number {
  return x.data[x.off + i * x.rs + j * x.cs];
}

/** Naive triple loop in float64, with the same epilogue order as sgemm (acc, bias, relu). */
function reference(
  M: number,
  N: number,
  K: number,
  A: Operand,
  B: Operand,
  c0: Float32Array,
  cOff: number,
  ldc: number,
  o: SgemmOptions,
) {
  const out = Float64Array.from(c0);
  const bound = new Float64Array(c0.length); // sum |a||b| per element: the scale of rounding error
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = o.accumulate ? c0[cOff + i * ldc + j] : 0;
      let t = Math.abs(s);
      for (let k = 0; k < K; k++) {
        const p = at(A, i, k) * at(B, k, j);
        s += p;
        t += Math.abs(p);
      }
      if (o.bias) s += o.bias[(o.biasOff ?? 0) + j * (o.biasStride ?? 1)];
      if (o.relu && s < 0) s = 0;
      out[cOff + i * ldc + j] = s;
      bound[cOff + i * ldc + j] = t;
    }
  return { out, bound };
}

/** A copy of x in the CPU heap (as a CPU tensor's storage would be). */
function toHeap(x: Float32Array): Float32Array {
  const off = heap!.alloc(x.byteLength);
  const v = new Float32Array(heap!.memory.buffer, off, x.length);
  v.set(x);
  return v;
}

// 'blas': the system BLAS where one is found (test/backend/cpu/blas.test.ts says whether).
const paths = (['wasm', 'js', 'blas'] as const).filter(
  (p) => p === 'js' || (p === 'wasm' && sgemmPath === 'wasm') || (p === 'blas' && systemBlas() !== null),
);

function check(
  path: 'wasm' | 'js' | 'blas',
  M: number,
  N: number,
  K: number,
  la: Layout,
  lb: Layout,
  o: SgemmOptions = {},
  ldcPad = 0,
  inHeap = false,
) {
  const A = operand(M, K, la, 3, 11 + M);
  const B = operand(K, N, lb, 5, 23 + N);
  const ldc = N + ldcPad;
  const cOff = inHeap ? 8 : 7;
  let c = rand(cOff + M * ldc + 4, 99); // junk around and between rows must survive
  if (inHeap) {
    // Operands that are CPU tensors: packed in place, C written in place when it fills whole tiles.
    A.data = toHeap(A.data);
    B.data = toHeap(B.data);
    c = toHeap(c);
    if (o.bias) o = { ...o, bias: toHeap(o.bias) };
  }
  const before = c.slice();
  const { out, bound } = reference(M, N, K, A, B, before, cOff, ldc, o);
  sgemmOn(path, M, N, K, A.data, A.off, A.rs, A.cs, B.data, B.off, B.rs, B.cs, c, cOff, ldc, o);
  for (let idx = 0; idx < c.length; idx++) {
    const r = idx - cOff;
    const inside = r >= 0 && r < M * ldc && r % ldc < N;
    if (!inside) {
      if (!Object.is(c[idx], before[idx]))
        throw new Error(`${path} ${M}x${N}x${K}: wrote outside C at ${idx}`);
      continue;
    }
    const tol = (K + 4) * 2 ** -23 * bound[idx] + 1e-30;
    if (!(Math.abs(c[idx] - out[idx]) <= tol))
      throw new Error(
        `${path} ${M}x${N}x${K} ${la}/${lb} ${JSON.stringify({ ...o, bias: !!o.bias })}: C[${Math.floor(r / ldc)},${r % ldc}] = ${c[idx]}, expected ${out[idx]} (tol ${tol})`,
      );
  }
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [1, 300, 1],
  [5, 1, 9],
  [3, 5, 7],
  [7, 11, 13],
  [4, 8, 1],
  [17, 9, 31],
  [1, 13, 1000],
  [64, 128, 784],
  [128, 784, 64],
  [64, 784, 128],
  [130, 70, 257],
  [131, 129, 513],
];
const layouts: Layout[] = ['row', 'col', 'gappy'];

describe.skipIf(sgemmPath !== 'wasm')('sgemm on heap operands (CPU tensors: no copies in or out)', () => {
  it('matches the reference with A, B, C and bias in the heap, in place and not', () => {
    for (const [M, N, K] of shapes)
      for (const la of layouts)
        for (const lb of ['row', 'col'] as Layout[])
          if (M * N * K < 2e6 || la !== 'gappy') check('wasm', M, N, K, la, lb, {}, 0, true);
    const bias = rand(300, 5);
    for (const [M, N, K] of [
      [8, 16, 9],
      [64, 128, 784],
      [5, 7, 3],
      [12, 24, 0],
    ] as const) {
      check('wasm', M, N, K, 'row', 'col', { bias, relu: true }, 0, true);
      check('wasm', M, N, K, 'row', 'row', { accumulate: true }, 0, true);
      // (K = 0 with both: the reference's bound leaves out |bias|, too tight for one rounding)
      if (K > 0) check('wasm', M, N, K, 'col', 'row', { accumulate: true, bias, biasStride: 2 }, 4, true);
    }
  });
});

describe.skipIf(sgemmPath !== 'wasm')('sgemm keepB (B packed once for calls sharing a token)', () => {
  beforeAll(() => useSystemBlas(false)); // the wasm engine's kept panels
  afterAll(() => useSystemBlas(true));
  // C = A @ B^T with B [N, K] row-major in the heap, as the LSTM's h @ W_hh^T.
  const run = (M: number, N: number, K: number, a: Float32Array, b: Float32Array, keepB?: object) => {
    const c = toHeap(new Float32Array(M * N));
    sgemm(M, N, K, a, 0, K, 1, b, 0, 1, K, c, 0, N, keepB ? { keepB } : {});
    return Array.from(c);
  };
  it('reuses the panels only for the same token and operand, bit-identical to packing each call', () => {
    const [M, N, K] = [20, 96, 40];
    const b1 = toHeap(rand(N * K, 1));
    const b2 = toHeap(rand(N * K, 2));
    const token = {};
    for (let step = 0; step < 3; step++) {
      const a = toHeap(rand(M * K, 10 + step)); // a new A each step, B kept
      expect(run(M, N, K, a, b1, token)).toEqual(run(M, N, K, a, b1));
    }
    const a = toHeap(rand(M * K, 20));
    // Same token, another B (a misuse): packed afresh, not the kept panels of b1.
    expect(run(M, N, K, a, b2, token)).toEqual(run(M, N, K, a, b2));
    // Another token whose product needs a larger kept region (on two threads: 64 x 1024 x 512),
    // then the first token again: the region was regrown and repacked, so b1 is packed again.
    const [M2, N2, K2] = [64, 1024, 512];
    const big = toHeap(rand(N2 * K2, 3));
    const a2 = toHeap(rand(M2 * K2, 4));
    const other = {};
    expect(run(M2, N2, K2, a2, big, other)).toEqual(run(M2, N2, K2, a2, big));
    expect(run(M2, N2, K2, a2, big, other)).toEqual(run(M2, N2, K2, a2, big));
    expect(run(M, N, K, a, b1, token)).toEqual(run(M, N, K, a, b1));
    // B's contents changed under a fresh token (the next layer call): the new values are used.
    b1.set(rand(N * K, 5));
    expect(run(M, N, K, a, b1, {})).toEqual(run(M, N, K, a, b1));
  });
});

describe.each(paths)('sgemm (%s engine)', (path) => {
  it('matches a float64 triple loop for every shape and A/B layout (transposes, strides)', () => {
    for (const [M, N, K] of shapes)
      for (const la of layouts)
        for (const lb of layouts)
          if (M * N * K < 2e6 || (la !== 'gappy' && lb !== 'gappy')) check(path, M, N, K, la, lb);
  });

  it('packs operands too sparse to copy into wasm memory straight from their arrays', () => {
    for (const [M, N, K] of [
      [7, 11, 13],
      [64, 128, 784],
      [130, 70, 257],
    ] as const) {
      check(path, M, N, K, 'sparse', 'row');
      check(path, M, N, K, 'col', 'sparse', { bias: rand(N, 1), relu: true });
    }
  });

  it('handles broadcast (stride-0) rows of A and a C with ldc > N', () => {
    check(path, 9, 10, 11, 'bcastRow', 'row', {}, 5);
    check(path, 64, 128, 784, 'row', 'col', {}, 3);
  });

  it('accumulates into C, adds a strided bias, applies relu', () => {
    const bias = rand(400 * 3 + 2, 5);
    for (const [M, N, K] of [
      [3, 5, 7],
      [64, 128, 784],
      [130, 70, 257],
      [1, 1, 1],
    ] as const) {
      check(path, M, N, K, 'row', 'col', { accumulate: true });
      check(path, M, N, K, 'col', 'row', { bias, biasOff: 2, biasStride: 3 });
      check(path, M, N, K, 'row', 'row', { bias, relu: true });
      check(
        path,
        M,
        N,
        K,
        'gappy',
        'col',
        { accumulate: true, bias, biasOff: 1, biasStride: 2, relu: true },
        2,
      );
      check(path, M, N, K, 'row', 'row', { relu: true });
    }
  });

  it('K = 0 gives zeros (or leaves C with accumulate), plus bias', () => {
    const c = new Float32Array([5, 5, 5, 5]);
    sgemmOn(path, 2, 2, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 2, 1, c, 0, 2);
    expect([...c]).toEqual([0, 0, 0, 0]);
    c.fill(5);
    sgemmOn(path, 2, 2, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 2, 1, c, 0, 2, {
      accumulate: true,
      bias: new Float32Array([1, -9]),
      relu: true,
    });
    expect([...c]).toEqual([6, 0, 6, 0]);
    sgemmOn(path, 0, 3, 4, new Float32Array(0), 0, 4, 1, new Float32Array(12), 0, 3, 1, c, 0, 3); // no-op
    expect([...c]).toEqual([6, 0, 6, 0]);
  });

  it('propagates NaN and Inf like a plain dot product, and padding never leaks NaN', () => {
    // M = 5, N = 10: both off the tile sizes, so padded rows/columns exist next to the Infs
    const [M, N, K] = [5, 10, 6];
    const A = operand(M, K, 'row', 0, 1);
    const B = operand(K, N, 'col', 0, 2);
    const setA = (i: number, k: number, v: number) => (A.data[A.off + i * A.rs + k * A.cs] = v);
    const setB = (k: number, j: number, v: number) => (B.data[B.off + k * B.rs + j * B.cs] = v);
    setA(1, 2, Number.POSITIVE_INFINITY); // row 1: +-Inf where B[2, j] != 0, NaN where it is 0
    setB(2, 3, 0);
    setA(3, 0, Number.NaN); // row 3: all NaN
    setB(4, 7, Number.NEGATIVE_INFINITY); // column 7: +-Inf, or NaN where it meets row 1's Inf
    setB(5, 9, Number.POSITIVE_INFINITY);
    setA(0, 5, 0); // 0 * Inf = NaN at C[0, 9]
    const bias = new Float32Array(N);
    for (const relu of [false, true]) {
      const c = new Float32Array(M * N);
      sgemmOn(path, M, N, K, A.data, A.off, A.rs, A.cs, B.data, B.off, B.rs, B.cs, c, 0, N, { bias, relu });
      const { out } = reference(M, N, K, A, B, new Float32Array(M * N), 0, N, { relu });
      for (let i = 0; i < M * N; i++) {
        if (Number.isFinite(out[i])) expect(Math.abs(c[i] - out[i])).toBeLessThan(1e-5);
        else expect(c[i]).toBe(out[i]); // toBe uses Object.is: NaN equals NaN, signs of Inf kept
      }
      expect(Number.isNaN(c[3 * N + 2])).toBe(true);
      expect(Number.isNaN(c[0 * N + 9])).toBe(true);
      expect(Number.isNaN(c[1 * N + 3])).toBe(true);
    }
  });

  it('agrees with the other engine on random shapes and layouts', () => {
    let seed = 7;
    const r = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let t = 0; t < 40; t++)
      check(path, 1 + r(70), 1 + r(70), 1 + r(300), layouts[r(3)], layouts[r(3)], { accumulate: r(2) === 1 });
  });
});

describe('sgemm on two threads (large products)', () => {
  beforeAll(() => useSystemBlas(false)); // the wasm engine's helper thread (the BLAS's threads: blas.test.ts)
  afterAll(() => useSystemBlas(true));
  it('gives bit-identical results with and without the helper thread', async () => {
    // 257 x 264 x 250 = 17e6 multiply-adds: over the threshold; 33 B panels split unevenly
    const [M, N, K] = [257, 264, 250];
    for (const [la, lb] of [
      ['row', 'row'],
      ['col', 'col'],
    ] as const) {
      const A = operand(M, K, la, 1, 3);
      const B = operand(K, N, lb, 2, 4);
      const bias = rand(N, 5);
      const run = (threads: boolean) => {
        const c = rand(M * N, 6);
        sgemm(M, N, K, A.data, A.off, A.rs, A.cs, B.data, B.off, B.rs, B.cs, c, 0, N, {
          threads,
          bias,
          accumulate: true,
        });
        return c;
      };
      run(true); // starts the worker (this product itself runs alone)
      await new Promise((r) => setTimeout(r, 300));
      const single = run(false);
      for (let t = 0; t < 3; t++) expect(run(true)).toEqual(single); // same kernels, same summation order
    }
    check('wasm', M, N, K, 'row', 'col', { accumulate: true });
  });
});

describe('sgemm dispatch and the wasm assembler', () => {
  it('uses wasm SIMD on Node >= 20', () => {
    expect(hasWasmSimd()).toBe(true);
    expect(sgemmPath).toBe('wasm');
    const c = new Float32Array(4);
    sgemm(2, 2, 2, new Float32Array([1, 2, 3, 4]), 0, 2, 1, new Float32Array([1, 0, 0, 1]), 0, 1, 2, c, 0, 2);
    expect([...c]).toEqual([1, 2, 3, 4]);
  });

  it('encodes LEB128 as the spec does', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('generates a valid module for several tile shapes', () => {
    for (const shape of [
      { mr: 4, nrv: 2, unroll: 1 },
      { mr: 2, nrv: 4, unroll: 2 },
      { mr: 3, nrv: 3, unroll: 4 },
    ])
      expect(WebAssembly.validate(gemmModuleBytes(shape) as BufferSource)).toBe(true);
  });
});
