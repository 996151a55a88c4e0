/**
 * sgemm throughput per engine on the tutorial's three products and 1024^3.
 * Run: npx tsx bench/gemm.ts [--quick]. 'wasm' is one thread, 'wasm x2' lets the helper thread
 * join (sgemm's default for large products), 'blas' / 'blas x2' the system BLAS on 1 / 2 threads
 * where one is found (blas.ts), 'js' is the fallback engine. The machine is shared
 * (2 vCPUs): run it when nothing else is busy, and expect 'wasm x2' to suffer most from noise.
 * Peers on this machine (shared/bench/README.md): OpenBLAS 1 thread 98 / 101 GFLOP/s,
 * tfjs-wasm 29 / 30, jax-js wasm 26 / 24 (64x784x128 / 1024^3).
 */
import { systemBlas } from '../src/backend/cpu/blas.js';
import { sgemmOn, sgemmPath } from '../src/backend/cpu/gemm.js';
import { intraOp } from '../src/backend/cpu/gemm-threads.js';

interface Case {
  name: string;
  M: number;
  N: number;
  K: number;
  /** strides of A (aRs, aCs) and B (bRs, bCs) */
  a: [number, number];
  b: [number, number];
  relu?: boolean;
}

const cases: Case[] = [
  // forward: x[64,784] @ W[128,784]^T (+ bias, relu)
  { name: 'fwd  x@W^T   64x784->128', M: 64, N: 128, K: 784, a: [784, 1], b: [1, 784], relu: true },
  // weight grad: dy^T[128,64] @ x[64,784], dy stored [64,128]
  { name: 'dW   dy^T@x  128x64->784', M: 128, N: 784, K: 64, a: [1, 128], b: [784, 1] },
  // input grad: dy[64,128] @ W[128,784]
  { name: 'dx   dy@W    64x128->784', M: 64, N: 784, K: 128, a: [128, 1], b: [784, 1] },
  { name: 'NN   1024^3', M: 1024, N: 1024, K: 1024, a: [1024, 1], b: [1024, 1] },
  { name: 'TN   1024^3 (A^T)', M: 1024, N: 1024, K: 1024, a: [1, 1024], b: [1024, 1] },
  { name: 'NT   1024^3 (B^T)', M: 1024, N: 1024, K: 1024, a: [1024, 1], b: [1, 1024] },
];

function rand(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) x[i] = ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return x;
}

type Path = 'wasm' | 'wasm x2' | 'js' | 'blas' | 'blas x2';

function measure(path: Path, cs: Case, minMs: number): number {
  const { M, N, K } = cs;
  const a = rand(M * K, 1);
  const b = rand(K * N, 2);
  const c = new Float32Array(M * N);
  const bias = cs.relu ? rand(N, 3) : undefined;
  const threads = path.endsWith('x2'); // sgemm's default: a second thread joins products >= 16e6 MACs
  const engine = path === 'js' ? 'js' : path.startsWith('blas') ? 'blas' : 'wasm';
  intraOp.threads = threads ? 2 : 1; // the system BLAS's thread count (the wasm helper reads `threads`)
  const run = () =>
    sgemmOn(engine, M, N, K, a, 0, cs.a[0], cs.a[1], b, 0, cs.b[0], cs.b[1], c, 0, N, {
      bias,
      relu: engine === 'blas' ? undefined : cs.relu, // (BLAS leaves a relu epilogue to the wasm engine)
      threads,
    });
  const warm = performance.now();
  while (performance.now() - warm < Math.min(minMs, 300)) run(); // let V8 tier the kernels up
  const times: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || times.length < 3) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  const median = times[times.length >> 1];
  return (2 * M * N * K) / (median * 1e6);
}

const quick = process.argv.includes('--quick');
console.log(`sgemm GFLOP/s (median), default engine here: ${sgemmPath}`);
const blas = systemBlas();
if (blas) console.log(`system BLAS: ${blas.config} (blas rows: products + bias, no relu)`);
for (const path of ['wasm', 'wasm x2', 'blas', 'blas x2', 'js'] as const) {
  if (path.startsWith('wasm') && sgemmPath !== 'wasm') continue;
  if (path.startsWith('blas') && !blas) continue;
  for (const cs of cases) {
    if (path === 'js' && cs.M === 1024 && !cs.name.startsWith('NN')) continue; // slow; one is enough
    if (path.endsWith('x2') && cs.M * cs.N * cs.K < 16e6) continue; // stays on one thread anyway
    const g = measure(path, cs, quick ? 300 : 1000);
    console.log(`${path.padEnd(8)} ${cs.name.padEnd(28)} ${g.toFixed(1).padStart(6)}`);
  }
}
