/**
 * WebGPU kernel figures: matmul GFLOP/s for both kernels at the tutorial's layer shape
 * (64x784 @ 784x128, as nn.Linear's x @ W^T) and at 1024^3, and elementwise GB/s.
 * Run: npx tsx bench/webgpu-kernels.ts   (not a test; lavapipe figures only mean ratios)
 */
import type { View } from '../src/backend/backend.js';
import { E } from '../src/backend/expr.js';
import {
  adapterInfo,
  destroyWebGPU,
  initWebGPU,
  type MatmulVariant,
  resetStats,
  setMatmulVariant,
  stats,
  webgpuBackend,
} from '../src/backend/webgpu/index.js';

if (!(await initWebGPU())) {
  console.log('no WebGPU adapter');
  process.exit(0);
}
const be = webgpuBackend();
const info = adapterInfo()!;
console.log(`adapter: ${info.vendor} ${info.architecture} ${info.device} (fallback: ${info.isFallback})`);

function mat(rows: number, cols: number, trans = false): View {
  const s = be.alloc(rows * cols, 'float32');
  be.random(
    'uniform',
    { storage: s, dtype: 'float32', shape: [rows * cols], strides: [1], offset: 0 },
    [1, 2],
    0,
    -1,
    1,
  );
  return {
    storage: s,
    dtype: 'float32',
    shape: [rows, cols],
    strides: trans ? [1, rows] : [cols, 1],
    offset: 0,
  };
}

async function timeIt(f: () => void, minMs = 1500): Promise<number> {
  f();
  await be.synchronize(); // warm-up: pipeline compile
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    f();
    reps++;
    if (reps % 8 === 0) await be.synchronize();
  }
  await be.synchronize();
  return (performance.now() - t0) / reps;
}

for (const variant of ['register', 'tiled'] as MatmulVariant[]) {
  setMatmulVariant(variant);
  // the tutorial's three big products: fc1 forward x @ W^T, its weight gradient g^T @ x, and 1024^3
  for (const [M, K, N, transB, transA] of [
    [64, 784, 128, true, false],
    [128, 64, 784, false, true],
    [1024, 1024, 1024, false, false],
  ] as const) {
    const a = mat(M, K, transA);
    const b = transB ? mat(K, N, true) : mat(K, N); // transB: W [N, K] row-major viewed as [K, N]
    const o = mat(M, N);
    const ms = await timeIt(() => be.matmul(a, b, o), M === 1024 ? 4000 : 1500);
    console.log(
      `matmul ${variant.padEnd(8)} ${M}x${K}x${N}${transB ? ' (B^T)' : ''}${transA ? ' (A^T)' : ''}: ${((2 * M * N * K) / ms / 1e6).toFixed(2)} GFLOP/s (${ms.toFixed(2)} ms)`,
    );
    for (const v of [a, b, o]) be.release(v.storage);
  }
}
setMatmulVariant('auto');

const n = 1 << 22;
const x = mat(1, n);
const y = mat(1, n);
const z = mat(1, n);
const v1 = (v: View): View => ({ ...v, shape: [n], strides: [1] });
const msAdd = await timeIt(() => be.elementwise(E.add(E.input(0), E.input(1)), [v1(x), v1(y)], v1(z)));
console.log(
  `elementwise add, 4M f32 (12 B/elem): ${((12 * n) / msAdd / 1e6).toFixed(2)} GB/s (${msAdd.toFixed(2)} ms)`,
);
const xt: View = { ...x, shape: [2048, 2048], strides: [1, 2048] };
const msT = await timeIt(() =>
  be.elementwise(E.mul(E.input(0), 2), [xt], { ...z, shape: [2048, 2048], strides: [2048, 1] }),
);
console.log(
  `elementwise transposed copy*2, 4M f32 (8 B/elem): ${((8 * n) / msT / 1e6).toFixed(2)} GB/s (${msT.toFixed(2)} ms)`,
);

resetStats();
for (let i = 0; i < 100; i++) be.elementwise(E.add(E.input(0), 1), [v1(x)], v1(x));
await be.read({ ...v1(x), shape: [1] });
console.log('100 elementwise ops + 1 read:', JSON.stringify(stats()));
destroyWebGPU();
