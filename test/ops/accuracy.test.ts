/**
 * Long sums at PyTorch's accuracy: reductions and the K-sums of matmul/conv over 1e5-1e7 terms
 * stay within a few float32 ulps of a float64 reference (JS numbers), scaled by sqrt(log2 n)
 * as for pairwise/blocked summation, not by n as for a running float32 sum. Positive terms are
 * the hard case for a running sum: its rounding errors all have the same sign.
 */
import { describe, expect, it } from 'vitest';
import { setMatmulVariant } from '../../src/backend/webgpu/index.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const EPS = 2 ** -24; // float32 unit roundoff
const bound = (n: number) => 4 * EPS * Math.sqrt(Math.log2(n));

/** Deterministic float32 values in [lo, lo + 1). */
function uniform(n: number, seed: number, lo = 0.1): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + s / 2 ** 32;
  }
  return a;
}

/** max |got - ref| / max |ref|: the normwise relative error. */
function relErr(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let e = 0;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    e = Math.max(e, Math.abs(got[i] - ref[i]));
    m = Math.max(m, Math.abs(ref[i]));
  }
  return e / m;
}

it('negative control: a running float32 sum of 1e7 positive terms misses the bound', () => {
  const a = uniform(1e7, 1);
  let f32 = 0;
  let f64 = 0;
  for (const v of a) {
    f32 = Math.fround(f32 + v);
    f64 += v;
  }
  expect(Math.abs(f32 - f64) / f64).toBeGreaterThan(5 * bound(1e7));
});

for (const device of testDevices())
  describe(`long sums on ${device}`, () => {
    for (const n of [1e5, 1e6, 1e7])
      it(`sum and mean of ${n} elements`, async () => {
        const a = uniform(n, 7);
        let ref = 0;
        for (const v of a) ref += v;
        const x = torch.tensor(a, { device });
        expect(relErr(await x.sum().toArray(), [ref])).toBeLessThan(bound(n));
        expect(relErr(await x.mean().toArray(), [ref / n])).toBeLessThan(bound(n));
      });

    it('sums along a long dim, contiguous and strided ([10, 1e5] over 1, [1e5, 10] over 0)', async () => {
      const [r, m] = [10, 100000];
      const a = uniform(r * m, 3);
      const rowRef = new Float64Array(r);
      const colRef = new Float64Array(r); // the same data read as [m, r]
      for (let i = 0; i < r; i++) for (let j = 0; j < m; j++) rowRef[i] += a[i * m + j];
      for (let j = 0; j < m; j++) for (let i = 0; i < r; i++) colRef[i] += a[j * r + i];
      const x = torch.tensor(a, { device });
      expect(relErr(await x.reshape([r, m]).sum(1).toArray(), rowRef)).toBeLessThan(bound(m));
      expect(relErr(await x.reshape([m, r]).sum(0).toArray(), colRef)).toBeLessThan(bound(m));
    });

    for (const variant of device === 'webgpu' ? (['register', 'tiled'] as const) : [null])
      it(`matmul with K = 50176 (a conv weight gradient: batch 64 x 28 x 28)${variant ? `, ${variant} kernel` : ''}`, async () => {
        if (variant) setMatmulVariant(variant);
        try {
          const [M, K, N] = [4, 50176, 8];
          const A = uniform(M * K, 11, 0);
          const B = uniform(K * N, 12, 0);
          const ref = new Float64Array(M * N);
          for (let i = 0; i < M; i++)
            for (let k = 0; k < K; k++) {
              const av = A[i * K + k];
              for (let j = 0; j < N; j++) ref[i * N + j] += av * B[k * N + j];
            }
          const a = torch.tensor(A, { device }).reshape([M, K]);
          const b = torch.tensor(B, { device }).reshape([K, N]);
          expect(relErr(await a.matmul(b).toArray(), ref)).toBeLessThan(bound(K));
          // transposed operands take other load paths in both backends
          const aT = torch.tensor(A, { device }).reshape([M, K]).t().contiguous().t();
          expect(relErr(await aT.matmul(b).toArray(), ref)).toBeLessThan(bound(K));
        } finally {
          setMatmulVariant('auto');
        }
      });

    it("conv2d's weight and bias gradients over a 64 x 26 x 26 batch", async () => {
      const [Nb, H, W, Co] = [64, 28, 28, 8];
      const [OH, OW] = [H - 2, W - 2];
      const X = uniform(Nb * H * W, 5, 0);
      const G = uniform(Nb * Co * OH * OW, 6, 0);
      const refW = new Float64Array(Co * 9);
      const refB = new Float64Array(Co);
      for (let n = 0; n < Nb; n++)
        for (let co = 0; co < Co; co++)
          for (let i = 0; i < OH; i++)
            for (let j = 0; j < OW; j++) {
              const g = G[((n * Co + co) * OH + i) * OW + j];
              refB[co] += g;
              for (let p = 0; p < 3; p++)
                for (let q = 0; q < 3; q++) refW[co * 9 + p * 3 + q] += g * X[(n * H + i + p) * W + j + q];
            }
      const x = torch.tensor(X, { device }).reshape([Nb, 1, H, W]);
      const w = torch.zeros([Co, 1, 3, 3], { device, requiresGrad: true });
      const b = torch.zeros([Co], { device, requiresGrad: true });
      torch.nn.functional.conv2d(x, w, b).backward(torch.tensor(G, { device }).reshape([Nb, Co, OH, OW]));
      const K = Nb * OH * OW;
      expect(relErr(await w.grad!.toArray(), refW)).toBeLessThan(bound(K));
      expect(relErr(await b.grad!.toArray(), refB)).toBeLessThan(bound(K));
    });
  });
