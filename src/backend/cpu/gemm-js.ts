/**
 * The pure-JS GEMM engine: the fallback where WebAssembly SIMD is missing. Same packed layout
 * and padded C buffer as the wasm engine (gemm-wasm.ts), a 4 x 4 register tile of scalar
 * accumulators. V8 keeps these 16 doubles mostly in xmm registers; per k it does 8 loads for
 * 16 multiply-adds, which is what a scalar JIT can sustain (~2-3 GFLOP/s).
 */
import { runShare } from './gemm-threads.js';
import type { GemmEngine } from './gemm-wasm.js';

export const JS_MR = 4;
export const JS_NR = 4;

/** C[ip*4.., jp*4..] = (load ? C : 0) + Apanel[ip] @ Bpanel[jp] for ip < mp, jp < np; units are floats. */
// biome-ignore format: the 4 x 4 register tile reads best as a grid
function block(m: Float32Array, ap: number, bp: number, c: number, ldc: number, kc: number, mp: number, np: number, load: boolean): void {
  for (let jp = 0; jp < np; jp++) {
    const pb0 = bp + jp * kc * 4;
    for (let ip = 0; ip < mp; ip++) {
      let pa = ap + ip * kc * 4;
      let pb = pb0;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < kc; k++, pa += 4, pb += 4) {
        const b0 = m[pb], b1 = m[pb + 1], b2 = m[pb + 2], b3 = m[pb + 3];
        const a0 = m[pa], a1 = m[pa + 1], a2 = m[pa + 2], a3 = m[pa + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const r0 = c + ip * 4 * ldc + jp * 4, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
      if (load) {
        m[r0] += c00; m[r0 + 1] += c01; m[r0 + 2] += c02; m[r0 + 3] += c03;
        m[r1] += c10; m[r1 + 1] += c11; m[r1 + 2] += c12; m[r1 + 3] += c13;
        m[r2] += c20; m[r2 + 1] += c21; m[r2 + 2] += c22; m[r2 + 3] += c23;
        m[r3] += c30; m[r3 + 1] += c31; m[r3 + 2] += c32; m[r3 + 3] += c33;
      } else {
        m[r0] = c00; m[r0 + 1] = c01; m[r0 + 2] = c02; m[r0 + 3] = c03;
        m[r1] = c10; m[r1 + 1] = c11; m[r1 + 2] = c12; m[r1 + 3] = c13;
        m[r2] = c20; m[r2 + 1] = c21; m[r2 + 2] = c22; m[r2 + 3] = c23;
        m[r3] = c30; m[r3 + 1] = c31; m[r3 + 2] = c32; m[r3 + 3] = c33;
      }
    }
  }
}

function finish(
  m: Float32Array,
  c: number,
  ldc: number,
  rows: number,
  n: number,
  bias: number,
  flags: number,
): void {
  for (let i = 0; i < rows; i++) {
    const r = c + i * ldc;
    for (let j = 0; j < n; j++) {
      let v = m[r + j];
      if (flags & 1) v += m[bias + j];
      if (flags & 2 && v < 0) v = 0; // NaN stays NaN, as torch.relu
      m[r + j] = v;
    }
  }
}

let mem = new Float32Array(1 << 16);

export const jsEngine: GemmEngine = {
  name: 'js',
  mr: JS_MR,
  nr: JS_NR,
  unroll: 1,
  scratch(floats) {
    if (mem.length < floats) mem = new Float32Array(Math.max(floats, mem.length * 2));
    return 0;
  },
  view: () => mem,
  owns: () => false,
  block: (ap, bp, c, ldc, kc, mp, np, load) => block(mem, ap, bp, c, ldc, kc, mp, np, load),
  run(job, np) {
    runShare(this.block, job, 0, np);
  },
  finish: (c, ldc, rows, n, bias, flags) => finish(mem, c, ldc, rows, n, bias, flags),
};
