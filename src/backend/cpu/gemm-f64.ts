/**
 * float64 GEMM: the system BLAS where one is found (blas.ts), else plain JS in doubles (the wasm
 * SIMD engines are float32). Row-blocked so each
 * block of B's rows is reused across a block of C's rows from cache; the inner loop runs over
 * a contiguous row of C. Same arguments as `sgemm` (strided A and B, bias, ReLU, accumulate).
 */
import { systemBlas } from './blas.js';
import type { SgemmOptions } from './gemm.js';

const KB = 128;
const MB = 32;

export function dgemm(
  M: number,
  N: number,
  K: number,
  a: Float64Array,
  aOff: number,
  aRs: number,
  aCs: number,
  b: Float64Array,
  bOff: number,
  bRs: number,
  bCs: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  opts?: Omit<SgemmOptions, 'bias'> & { bias?: Float64Array },
): void {
  if (M <= 0 || N <= 0) return;
  if (systemBlas()?.dgemm(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, opts)) return;
  const acc = new Float64Array(MB * N);
  for (let i0 = 0; i0 < M; i0 += MB) {
    const mb = Math.min(MB, M - i0);
    acc.fill(0, 0, mb * N);
    for (let k0 = 0; k0 < K; k0 += KB) {
      const kb = Math.min(KB, K - k0);
      for (let i = 0; i < mb; i++) {
        const row = i * N;
        const ai = aOff + (i0 + i) * aRs;
        for (let k = k0; k < k0 + kb; k++) {
          const av = a[ai + k * aCs];
          const bk = bOff + k * bRs;
          if (bCs === 1) for (let j = 0; j < N; j++) acc[row + j] += av * b[bk + j];
          else for (let j = 0; j < N; j++) acc[row + j] += av * b[bk + j * bCs];
        }
      }
    }
    const bias = opts?.bias;
    const bo = opts?.biasOff ?? 0;
    const bs = opts?.biasStride ?? 1;
    for (let i = 0; i < mb; i++) {
      const cr = cOff + (i0 + i) * ldc;
      for (let j = 0; j < N; j++) {
        let v = acc[i * N + j];
        if (opts?.accumulate) v += c[cr + j];
        if (bias) v += bias[bo + j * bs];
        if (opts?.relu && v < 0) v = 0; // NaN stays NaN, as torch.relu
        c[cr + j] = v;
      }
    }
  }
}
