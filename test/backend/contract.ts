/**
 * The backend contract as a test suite any backend runs as is: every primitive of
 * src/backend/backend.ts (storage alloc/write/read/release, elementwise over strided, broadcast
 * and offset views, reduce, matmul with its epilogues, gather/scatterAdd, random, the per-matrix
 * linalg factorizations) checked
 * against straightforward JS reference math, never against another backend.
 *
 * A new backend adds one file: `runBackendContract('mybackend', () => myBackend)` (see
 * cpu/contract.test.ts, webgpu/contract.test.ts and docs/architecture.md).
 */
import { describe, expect, it } from 'vitest';
import type { Backend, ReduceOp, View } from '../../src/backend/backend.js';
import { contiguousStrides } from '../../src/backend/backend.js';
import { E } from '../../src/backend/expr.js';
import { philox4x32 } from '../../src/backend/philox.js';
import type { DType } from '../../src/tensor/dtype.js';
import { typedArrayFor } from '../../src/tensor/dtype.js';
import { rng } from '../helpers/rng.js';

const f32 = Math.fround;
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const randoms = (n: number, seed: number, lo = -2, hi = 2) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => f32(lo + (hi - lo) * r()));
};

/** Row-major multi-indices of a shape. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}
const at = (data: ArrayLike<number>, v: Omit<View, 'storage' | 'dtype'>, idx: readonly number[]) =>
  data[idx.reduce((o, i, d) => o + i * v.strides[d], v.offset)];

/** Elementwise closeness: |got - want| <= abs + rel * |want|, NaN matches NaN. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel = 0, abs = 0, what = '') {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w)) {
      expect(Number.isNaN(g), `${what}[${i}]: got ${g}, want NaN`).toBe(true);
      continue;
    }
    const ok = g === w || Math.abs(g - w) <= abs + rel * Math.abs(w);
    if (!ok) expect(g, `${what}[${i}] (want ${w}, tol abs ${abs} rel ${rel})`).toBe(w);
  }
}

export function runBackendContract(name: string, getBackend: () => Backend, opts: { skip?: boolean } = {}) {
  (opts.skip ? describe.skip : describe)(`backend contract: ${name}`, () => {
    let be: Backend;
    const backend = () => (be ??= getBackend());

    /** A view over fresh storage holding `data` (storage may be larger than the view). */
    function view(
      data: ArrayLike<number>,
      dtype: DType,
      shape: readonly number[],
      strides: readonly number[] = contiguousStrides(shape),
      offset = 0,
    ): View {
      const s = backend().alloc(data.length, dtype);
      const host = typedArrayFor(dtype, data.length);
      for (let i = 0; i < data.length; i++) host[i] = data[i];
      if (data.length) backend().write(s, host);
      return { storage: s, dtype, shape, strides, offset };
    }
    const out = (dtype: DType, shape: readonly number[]) =>
      view(new Array(numel(shape)).fill(0), dtype, shape);
    const read = async (v: View) => Array.from(await backend().read(v));

    it('reports its device type on the backend and on its storage', () => {
      const s = backend().alloc(4, 'float32');
      expect(s.device).toBe(backend().type);
      expect(s.dtype).toBe('float32');
      expect(s.size).toBeGreaterThanOrEqual(4);
      backend().release(s);
    });

    it('storage: alloc, write (whole and at an offset), read, release, for every dtype', async () => {
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const vals =
          dtype === 'float32'
            ? [1.5, -2.25, 0, 3e-8, 1e30, -0]
            : dtype === 'int32'
              ? [7, -3, 0, 2 ** 31 - 1, -(2 ** 31), 1]
              : [1, 0, 1, 1, 0, 0];
        const v = view(vals, dtype, [6]);
        expect(await read(v), dtype).toEqual(vals.map((x) => (dtype === 'float32' ? f32(x) : x)));
        backend().write(v.storage, typedArrayFor(dtype, 2).fill(1), 3);
        const want = vals.slice();
        want[3] = 1;
        want[4] = 1;
        expect(await read(v), `${dtype} after write at offset 3`).toEqual(
          want.map((x) => (dtype === 'float32' ? f32(x) : x)),
        );
        backend().release(v.storage);
      }
    });

    it('read of a strided view with an offset returns its elements row-major', async () => {
      const data = randoms(24, 1);
      // a [3, 2] view: rows 2 apart... transposed, starting at element 5
      const v = view(data, 'float32', [3, 2], [1, 6], 5);
      expect(await read(v)).toEqual([...indices([3, 2])].map((i) => at(data, v, i)));
      // a broadcast (stride 0) view
      const b = view(data, 'float32', [2, 3], [0, 2], 1);
      expect(await read(b)).toEqual([...indices([2, 3])].map((i) => at(data, b, i)));
    });

    it('elementwise: binary ops over broadcast, transposed and offset inputs', async () => {
      const shape = [4, 5];
      const a = randoms(40, 2);
      const b = randoms(5, 3);
      const va = view(a, 'float32', shape, [1, 8], 3); // transposed-ish, offset
      const vb = view(b, 'float32', shape, [0, 1]); // a row broadcast over dim 0
      const cases = [
        ['add', E.add(E.input(0), E.input(1)), (x: number, y: number) => f32(x + y)],
        ['mul', E.mul(E.input(0), E.input(1)), (x: number, y: number) => f32(x * y)],
        ['sub', E.sub(E.input(0), E.input(1)), (x: number, y: number) => f32(x - y)],
        ['max', E.max(E.input(0), E.input(1)), (x: number, y: number) => Math.max(x, y)],
        ['a*2+b', E.add(E.mul(E.input(0), 2), E.input(1)), (x: number, y: number) => f32(f32(x * 2) + y)],
      ] as const;
      for (const [what, e, f] of cases) {
        const o = out('float32', shape);
        backend().elementwise(e, [va, vb], o);
        const want = [...indices(shape)].map((i) => f(at(a, va, i), at(b, vb, i)));
        expectClose(await read(o), want, 0, 0, what);
      }
    });

    it('elementwise: unary math within float32 tolerance; comparisons write bool; casts', async () => {
      const x = [...randoms(30, 4), 0, -0, Number.NaN];
      const vx = view(x, 'float32', [x.length]);
      const un = [
        ['exp', E.exp(E.input(0)), Math.exp, 4e-6],
        ['tanh', E.tanh(E.input(0)), Math.tanh, 4e-6],
        ['neg', E.neg(E.input(0)), (v: number) => -v, 0],
        ['abs', E.abs(E.input(0)), Math.abs, 0],
        [
          'relu',
          E.where(E.gt(E.input(0), 0), E.input(0), 0),
          (v: number) => (v > 0 ? v : Number.isNaN(v) ? 0 : 0),
          0,
        ],
      ] as const;
      for (const [what, e, f, rel] of un) {
        const o = out('float32', [x.length]);
        backend().elementwise(e, [vx], o);
        const want = x.map((v) => (what === 'relu' && Number.isNaN(v) ? 0 : f(v)));
        expectClose(await read(o), want, rel, rel ? 1e-7 : 0, what);
      }
      const lt = out('bool', [x.length]);
      backend().elementwise(E.lt(E.input(0), 0.5), [vx], lt);
      expect(await read(lt)).toEqual(x.map((v) => (v < 0.5 ? 1 : 0)));
      const ints = view([-7, -1, 0, 3, 9, 2 ** 30], 'int32', [6]);
      const oi = out('int32', [6]);
      backend().elementwise(E.add(E.mul(E.input(0), 3), 1), [ints], oi);
      expect(await read(oi)).toEqual([-20, -2, 1, 10, 28, (2 ** 30 * 3 + 1) | 0]);
      const cf = out('float32', [6]);
      backend().elementwise(E.cast('f32', E.input(0)), [ints], cf);
      expect(await read(cf)).toEqual([-7, -1, 0, 3, 9, 2 ** 30]);
    });

    it('elementwise: writes through a strided output view and in place', async () => {
      const base = view(new Array(12).fill(-1), 'float32', [12]);
      const o: View = { ...base, shape: [3, 2], strides: [1, 4], offset: 1 }; // a transposed slice
      const src = view([1, 2, 3, 4, 5, 6], 'float32', [3, 2]);
      backend().elementwise(E.mul(E.input(0), 10), [src], o);
      const want = new Array(12).fill(-1);
      for (const [i, j] of indices([3, 2])) want[1 + i + 4 * j] = 10 * (i * 2 + j + 1);
      expect(await read(base)).toEqual(want);
      backend().elementwise(E.add(E.input(0), 1), [o], o); // in place, same view
      for (const [i, j] of indices([3, 2])) want[1 + i + 4 * j] += 1;
      expect(await read(base)).toEqual(want);
    });

    it('reduce: every op over trailing axes of a permuted view, NaN and first-index rules', async () => {
      const shape = [3, 4, 5];
      const data = randoms(60, 5, 0.5, 1.5); // positive: prod stays well scaled
      // a permuted view: logical [3, 4, 5] over storage laid out as [5, 3, 4]
      const v = view(data, 'float32', shape, [4, 1, 12]);
      const rows = (axes: number) => {
        const lead = shape.slice(0, 3 - axes);
        return [...indices(lead)].map((l) =>
          [...indices(shape.slice(3 - axes))].map((t) => at(data, v, [...l, ...t])),
        );
      };
      const ref: Record<ReduceOp, (r: number[]) => number> = {
        sum: (r) => r.reduce((a, b) => a + b, 0),
        prod: (r) => r.reduce((a, b) => a * b, 1),
        max: (r) => Math.max(...r),
        min: (r) => Math.min(...r),
        argmax: (r) => r.indexOf(Math.max(...r)),
        argmin: (r) => r.indexOf(Math.min(...r)),
      };
      for (const op of ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'] as const)
        for (const axes of op.startsWith('arg') ? [1] : [1, 2]) {
          const lead = shape.slice(0, 3 - axes);
          const o = out(op.startsWith('arg') ? 'int32' : 'float32', lead);
          backend().reduce(op, v, axes, o);
          const want = rows(axes).map(ref[op]);
          expectClose(await read(o), want, op === 'sum' || op === 'prod' ? 2e-6 : 0, 0, `${op} over ${axes}`);
        }
      // NaN: max/min propagate it, argmax points at it; ties go to the first index.
      const nan = view([1, Number.NaN, 3, 2, 5, 5, 0, 5], 'float32', [2, 4]);
      for (const [op, want] of [
        ['max', [Number.NaN, 5]],
        ['min', [Number.NaN, 0]],
        ['argmax', [1, 0]],
      ] as const) {
        const o = out(op === 'argmax' ? 'int32' : 'float32', [2]);
        backend().reduce(op, nan, 1, o);
        expectClose(await read(o), want, 0, 0, `${op} with NaN`);
      }
      const ties = view([5, 5, 0, 5], 'float32', [1, 4]);
      const am = out('int32', [1]);
      backend().reduce('argmax', ties, 1, am);
      expect(await read(am)).toEqual([0]);
    });

    it('matmul: transposed and broadcast operands, offsets, bias and relu epilogues', async () => {
      const [B, M, K, N] = [2, 5, 7, 3];
      const a = randoms(B * M * K + 2, 6);
      const b = randoms(K * N, 7);
      const bias = randoms(N * 2, 8);
      const va = view(a, 'float32', [B, M, K], [M * K, K, 1], 2); // offset 2
      const vb = view(b, 'float32', [B, K, N], [0, 1, K]); // column-major, shared by the batch
      const vbias = view(bias, 'float32', [N], [2], 1); // strided bias
      const ref = (withBias: boolean, relu: boolean) =>
        [...indices([B, M, N])].map(([bi, m, n]) => {
          let s = 0;
          for (let k = 0; k < K; k++) s += at(a, va, [bi, m, k]) * at(b, vb, [bi, k, n]);
          if (withBias) s += at(bias, vbias, [n]);
          return relu ? Math.max(0, s) : s;
        });
      for (const [withBias, relu] of [
        [false, false],
        [true, false],
        [true, true],
        [false, true],
      ] as const) {
        const o = out('float32', [B, M, N]);
        backend().matmul(va, vb, o, {
          ...(withBias ? { bias: vbias } : {}),
          ...(relu ? { activation: 'relu' as const } : {}),
        });
        expectClose(await read(o), ref(withBias, relu), 1e-5, 1e-5, `matmul bias=${withBias} relu=${relu}`);
      }
    });

    it('gather and scatterAdd along every dim', async () => {
      const shape = [3, 4];
      const x = randoms(12, 9);
      const vx = view(x, 'float32', shape);
      for (const dim of [0, 1]) {
        const ishape = dim === 0 ? [2, 4] : [3, 3];
        const r = rng(10 + dim);
        const idx = Array.from({ length: numel(ishape) }, () => Math.floor(r() * shape[dim]));
        const vi = view(idx, 'int32', ishape);
        const g = out('float32', ishape);
        backend().gather(vx, dim, vi, g);
        const want = [...indices(ishape)].map((p) => {
          const q = p.slice();
          q[dim] = at(idx, vi, p);
          return at(x, vx, q);
        });
        expect(await read(g), `gather dim ${dim}`).toEqual(want);

        const src = randoms(numel(ishape), 11 + dim);
        const vs = view(src, 'float32', ishape);
        const acc = view(new Array(12).fill(1), 'float32', shape);
        backend().scatterAdd(acc, dim, vi, vs);
        const sum = new Array(12).fill(1);
        for (const p of indices(ishape)) {
          const q = p.slice();
          q[dim] = at(idx, vi, p);
          sum[q[0] * 4 + q[1]] += at(src, vs, p);
        }
        expectClose(await read(acc), sum, 1e-6, 1e-6, `scatterAdd dim ${dim}`);
      }
    });

    it('random: Philox4x32-10 uniform and normal, element i from counter offset + i', async () => {
      const n = 37;
      const seed = [0x12345678, 0x9abcdef] as const;
      const offset = 2 ** 32 - 5; // the counter crosses into its high word
      const r = new Uint32Array(4);
      const words = Array.from({ length: n }, (_, i) => {
        const c = offset + i;
        philox4x32(c >>> 0, Math.floor(c / 2 ** 32) >>> 0, 0, 0, seed[0], seed[1], r);
        return [r[0], r[1]];
      });
      const u = out('float32', [n]);
      backend().random('uniform', u, seed, offset, 0, 1);
      expect(await read(u)).toEqual(words.map(([w]) => (w >>> 8) / 2 ** 24)); // exact
      const u2 = out('float32', [n]);
      backend().random('uniform', u2, seed, offset, -3, 5);
      const ulp = 2 ** (Math.floor(Math.log2(5)) - 23);
      expectClose(
        await read(u2),
        words.map(([w]) => -3 + 8 * ((w >>> 8) / 2 ** 24)),
        0,
        ulp,
        'uniform(-3, 5)',
      );
      const g = out('float32', [n]);
      backend().random('normal', g, seed, offset, 1, 2);
      const want = words.map(
        ([w0, w1]) =>
          1 +
          2 *
            Math.sqrt(-2 * Math.log(((w0 >>> 8) + 1) / 2 ** 24)) *
            Math.cos((2 * Math.PI * (w1 >>> 8)) / 2 ** 24),
      );
      expectClose(await read(g), want, 1e-5, 1e-5, 'normal(1, 2)');
    });

    it('linalg: LU, solves, Cholesky, QR, eigh and SVD reproduce their inputs per matrix of the batch', async () => {
      const [B, n] = [2, 4];
      const mat = (d: readonly number[], b: number, r: number, c: number, cols: number, off = 0) =>
        d[off + (b * (d.length - off)) / B + r * cols + c];
      const prodAt =
        (x: (i: number, k: number) => number, y: (k: number, j: number) => number, K: number) =>
        (i: number, j: number) => {
          let s = 0;
          for (let k = 0; k < K; k++) s += x(i, k) * y(k, j);
          return s;
        };
      const close = (
        got: (i: number, j: number) => number,
        want: (i: number, j: number) => number,
        R: number,
        C: number,
        what: string,
      ) => {
        const g: number[] = [];
        const w: number[] = [];
        for (let i = 0; i < R; i++)
          for (let j = 0; j < C; j++) {
            g.push(got(i, j));
            w.push(want(i, j));
          }
        expectClose(g, w, 1e-4, 1e-4, what);
      };
      // A general matrix (with a storage offset), and an SPD one.
      const a = randoms(2 + B * n * n, 21);
      const va = view(a, 'float32', [B, n, n], contiguousStrides([B, n, n]), 2);
      const spd: number[] = [];
      for (let b = 0; b < B; b++)
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let s = i === j ? n : 0;
            for (let k = 0; k < n; k++) s += mat(a, b, i, k, n, 2) * mat(a, b, j, k, n, 2);
            spd.push(s);
          }
      const vs = view(spd, 'float32', [B, n, n]);
      const rhs = randoms(B * n * 2, 22);
      const vr = view(rhs, 'float32', [B, n, 2]);

      const lu = out('float32', [B, n, n]);
      const perm = out('float32', [B, n]);
      const sign = out('float32', [B]);
      backend().linalg('lu', [va], [lu, perm, sign]);
      const [LU, P] = [await read(lu), await read(perm)];
      const x = out('float32', [B, n, 2]);
      backend().linalg('luSolve', [lu, perm, vr], [x]);
      const X = await read(x);
      const tx = out('float32', [B, n, 2]);
      backend().linalg('trsm', [va, vr], [tx], [1, 0]);
      const TX = await read(tx);
      const l = out('float32', [B, n, n]);
      const info = out('float32', [B]);
      backend().linalg('cholesky', [vs], [l, info]);
      const L = await read(l);
      expect(await read(info)).toEqual([0, 0]);
      const qr = out('float32', [B, n, n]);
      const tau = out('float32', [B, n]);
      backend().linalg('geqrf', [va], [qr, tau]);
      const q = out('float32', [B, n, n]);
      backend().linalg('orgqr', [qr, tau], [q]);
      const [QR, Q] = [await read(qr), await read(q)];
      const w = out('float32', [B, n]);
      const v = out('float32', [B, n, n]);
      backend().linalg('eigh', [vs], [w, v]);
      const [W, V] = [await read(w), await read(v)];
      const [m, k] = [5, 3];
      const g = randoms(B * m * k, 23);
      const vg = view(g, 'float32', [B, m, k]);
      const [u, sv, vv] = [out('float32', [B, m, k]), out('float32', [B, k]), out('float32', [B, k, k])];
      backend().linalg('svd', [vg], [u, sv, vv]);
      const [U, S, VV] = [await read(u), await read(sv), await read(vv)];

      for (let b = 0; b < B; b++) {
        const A = (i: number, j: number) => mat(a, b, i, j, n, 2);
        const Lf = (i: number, j: number) => (j < i ? mat(LU, b, i, j, n) : j === i ? 1 : 0);
        const Uf = (i: number, j: number) => (j >= i ? mat(LU, b, i, j, n) : 0);
        close(prodAt(Lf, Uf, n), (i, j) => A(mat(P, b, 0, i, n), j), n, n, 'lu: P A = L U');
        const Rh = (i: number, j: number) => mat(rhs, b, i, j, 2);
        close(
          prodAt(A, (i, j) => mat(X, b, i, j, 2), n),
          Rh,
          n,
          2,
          'luSolve: A X = B',
        );
        const Au = (i: number, j: number) => (j >= i ? A(i, j) : 0);
        close(
          prodAt(Au, (i, j) => mat(TX, b, i, j, 2), n),
          Rh,
          n,
          2,
          'trsm: triu(A) X = B',
        );
        const Lc = (i: number, j: number) => mat(L, b, i, j, n);
        close(
          prodAt(Lc, (i, j) => Lc(j, i), n),
          (i, j) => mat(spd, b, i, j, n),
          n,
          n,
          'cholesky: L L^T = A',
        );
        const Qf = (i: number, j: number) => mat(Q, b, i, j, n);
        const Rf = (i: number, j: number) => (j >= i ? mat(QR, b, i, j, n) : 0);
        close(prodAt(Qf, Rf, n), A, n, n, 'geqrf + orgqr: Q R = A');
        close(
          prodAt((i, j) => Qf(j, i), Qf, n),
          (i, j) => (i === j ? 1 : 0),
          n,
          n,
          'orgqr: Q^T Q = I',
        );
        const Vf = (i: number, j: number) => mat(V, b, i, j, n);
        close(
          prodAt((i, j) => mat(spd, b, i, j, n), Vf, n),
          (i, j) => Vf(i, j) * W[b * n + j],
          n,
          n,
          'eigh: A V = V diag(w)',
        );
        for (let i = 1; i < n; i++) expect(W[b * n + i]).toBeGreaterThanOrEqual(W[b * n + i - 1]);
        const Us = (i: number, j: number) => mat(U, b, i, j, k) * S[b * k + j];
        close(
          prodAt(Us, (i, j) => mat(VV, b, j, i, k), k),
          (i, j) => mat(g, b, i, j, k),
          m,
          k,
          'svd: U S V^T = A',
        );
        for (let i = 1; i < k; i++) expect(S[b * k + i]).toBeLessThanOrEqual(S[b * k + i - 1]);
      }
    });

    it('synchronize resolves once queued work is done', async () => {
      const o = out('float32', [1000]);
      backend().elementwise(E.const(3), [], o);
      await backend().synchronize();
      expect((await read(o)).every((v) => v === 3)).toBe(true);
    });

    // ── sort/misc (helper sortmisc) ──
    it('sort: stable rows of a strided view, NaN largest, both directions, float32/int32/bool', async () => {
      /** Reference: stable sort of positions by (NaN-largest key), ties by position. */
      const ref = (row: number[], desc: boolean) => {
        const p = row.map((_, j) => j);
        const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
        p.sort((a, b) => {
          const na = Number.isNaN(row[a]);
          const nb = Number.isNaN(row[b]);
          if (na !== nb) return (na ? 1 : -1) * (desc ? -1 : 1);
          const d = na ? 0 : (rank(row[a]) - rank(row[b])) * (desc ? -1 : 1);
          return d !== 0 ? d : a - b;
        });
        return p;
      };
      for (const [dtype, rows, n] of [
        ['float32', 3, 7],
        ['float32', 2, 1],
        ['float32', 2, 300],
        ['int32', 4, 5],
        ['bool', 2, 6],
      ] as const) {
        const r = rng(rows * 100 + n);
        const data = Array.from({ length: rows * n }, () => {
          const u = r();
          if (dtype === 'bool') return u < 0.5 ? 0 : 1;
          if (dtype === 'int32') return Math.floor(u * 4) - 2;
          return u < 0.1 ? Number.NaN : u < 0.3 ? 1 : f32(Math.floor(u * 40) / 8 - 2);
        });
        // Stored column-major: x [rows, n] has strides [1, rows] over an offset of 2.
        const store = new Array(2 + rows * n).fill(0);
        for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) store[2 + i + j * rows] = data[i * n + j];
        const vx = view(store, dtype, [rows, n], [1, rows], 2);
        for (const desc of [false, true]) {
          const vals = out(dtype, [rows, n]);
          const idx = out('int32', [rows, n]);
          backend().sort(vx, desc, vals, idx);
          const wantI: number[] = [];
          const wantV: number[] = [];
          for (let i = 0; i < rows; i++) {
            const row = data.slice(i * n, (i + 1) * n);
            for (const j of ref(row, desc)) {
              wantI.push(j);
              wantV.push(row[j]);
            }
          }
          expect(await read(idx), `${dtype} [${rows}, ${n}] desc=${desc} indices`).toEqual(wantI);
          expectClose(await read(vals), wantV, 0, 0, `${dtype} [${rows}, ${n}] desc=${desc} values`);
        }
      }
    });
    // ── attention (helper attn) ──
    it('routines.attention / attentionBackward (optional): softmax(q k^T s + mask) v and its grads', async () => {
      const r = backend().routines;
      if (!r?.attention || !r.attentionBackward) return;
      const [N, L, S, D, Dv, sc] = [2, 5, 7, 4, 3, 0.5];
      const qd = randoms(N * L * D + 3, 41);
      const kd = randoms(N * S * D, 42);
      const vd = randoms(N * S * Dv, 43);
      const md = randoms(L * S, 44);
      const gd = randoms(N * L * Dv, 45);
      // Inputs are [B, H, X, Y] views with any batch and row strides: q and g interleave their
      // heads row by row ([L, N, D] storage, as transposed views of a qkv buffer), k is [N, 1]
      // heads, v [1, N] contiguous; head n = b * H + h.
      const q = view(qd, 'float32', [1, N, L, D], [0, D, N * D, 1], 3); // offset 3
      const k = view(kd, 'float32', [N, 1, S, D]);
      const v = view(vd, 'float32', [1, N, S, Dv]);
      const m = view(md, 'float32', [N, L, S], [0, S, 1]); // one mask for the batch (stride 0)
      const g = view(gd, 'float32', [1, N, L, Dv], [0, Dv, N * Dv, 1]);
      /** Element (n, i, j) of a [B, H, X, Y] input. */
      const at4 = (d: ArrayLike<number>, x: View, [n, i, j]: number[]) =>
        at(d, x, [Math.floor(n / x.shape[1]), n % x.shape[1], i, j]);
      for (const [mask, causal] of [
        [null, false],
        [m, false],
        [null, true],
      ] as const) {
        // Reference in float64: P, out, lse, then dq, dk, dv from the composed formulas.
        const P: number[][][] = [];
        const want = {
          out: [] as number[],
          lse: [] as number[],
          dq: [] as number[],
          dk: [] as number[],
          dv: [] as number[],
        };
        const dk = new Array(N * S * D).fill(0);
        const dv = new Array(N * S * Dv).fill(0);
        for (let n = 0; n < N; n++) {
          P.push([]);
          for (let i = 0; i < L; i++) {
            const s = [...Array(S).keys()].map((j) => {
              let a = 0;
              for (let d = 0; d < D; d++) a += at4(qd, q, [n, i, d]) * at4(kd, k, [n, j, d]);
              a = a * sc + (mask ? at(md, m, [n, i, j]) : 0);
              return causal && j > i ? Number.NEGATIVE_INFINITY : a;
            });
            const mx = Math.max(...s);
            const e = s.map((x) => Math.exp(x - mx));
            const z = e.reduce((a, b) => a + b, 0);
            const p = e.map((x) => x / z);
            P[n].push(p);
            want.lse.push(mx + Math.log(z));
            for (let c = 0; c < Dv; c++)
              want.out.push(p.reduce((a, pj, j) => a + pj * at4(vd, v, [n, j, c]), 0));
            const dp = p.map((_, j) => {
              let a = 0;
              for (let c = 0; c < Dv; c++) a += at4(gd, g, [n, i, c]) * at4(vd, v, [n, j, c]);
              return a;
            });
            const delta = p.reduce((a, pj, j) => a + pj * dp[j], 0);
            const ds = p.map((pj, j) => pj * (dp[j] - delta));
            for (let d = 0; d < D; d++)
              want.dq.push(sc * ds.reduce((a, x, j) => a + x * at4(kd, k, [n, j, d]), 0));
            for (let j = 0; j < S; j++) {
              for (let d = 0; d < D; d++) dk[(n * S + j) * D + d] += sc * ds[j] * at4(qd, q, [n, i, d]);
              for (let c = 0; c < Dv; c++) dv[(n * S + j) * Dv + c] += p[j] * at4(gd, g, [n, i, c]);
            }
          }
        }
        const o = out('float32', [N, L, Dv]);
        const lse = out('float32', [N, L]);
        r.attention(q, k, v, mask, causal, sc, o, lse);
        const what = `attention mask=${!!mask} causal=${causal}`;
        expectClose(await read(o), want.out, 1e-4, 1e-5, `${what} out`);
        expectClose(await read(lse), want.lse, 1e-4, 1e-5, `${what} lse`);
        // delta_i = dOut_i . out_i, as ops/attention.ts computes it.
        const outv = await read(o);
        const delta = view(
          [...Array(N * L).keys()].map((row) => {
            let a = 0;
            for (let c = 0; c < Dv; c++)
              a += at4(gd, g, [Math.floor(row / L), row % L, c]) * outv[row * Dv + c];
            return a;
          }),
          'float32',
          [N, L],
        );
        const dq = out('float32', [N, L, D]);
        const dko = out('float32', [N, S, D]);
        const dvo = out('float32', [N, S, Dv]);
        r.attentionBackward(q, k, v, mask, causal, sc, g, lse, delta, dq, dko, dvo);
        expectClose(await read(dq), want.dq, 1e-3, 1e-4, `${what} dq`);
        expectClose(await read(dko), dk, 1e-3, 1e-4, `${what} dk`);
        expectClose(await read(dvo), dv, 1e-3, 1e-4, `${what} dv`);
      }
    });
  });
}
