/**
 * The system BLAS path of the CPU backend's products (src/backend/cpu/blas.ts). Skips (with one
 * notice from test/global-setup.ts) where no optimized BLAS is installed; TORCHTS_REQUIRE_BLAS=1
 * makes that a failure. The float32 layouts, bias, accumulate, NaN/Inf and fallbacks run in
 * test/backend/cpu/gemm.test.ts's 'blas' engine; here: float64, threads, the environment
 * variable, and whole training steps against the wasm engine.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemBlas, useSystemBlas } from '../../../src/backend/cpu/blas.js';
import { sgemm } from '../../../src/backend/cpu/gemm.js';
import { dgemm } from '../../../src/backend/cpu/gemm-f64.js';
import * as torch from '../../../src/index.js';
import { rng } from '../../helpers/rng.js';

const found = systemBlas();
if (process.env.TORCHTS_REQUIRE_BLAS === '1' && !found)
  throw new Error(
    'TORCHTS_REQUIRE_BLAS=1 but no system BLAS was found (bash scripts/blas-deps.sh installs OpenBLAS)',
  );

/** Deterministic values in [-1, 1). */
function rand(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => 2 * r() - 1);
}

describe.skipIf(!found)('system BLAS (TORCHTS_BLAS)', () => {
  const threads = torch.getNumThreads();
  afterAll(() => torch.setNumThreads(threads));
  afterEach(() => useSystemBlas(true));

  it('names the library it loaded', () => {
    expect(found!.name.length).toBeGreaterThan(0);
    expect(found!.config.length).toBeGreaterThan(0);
  });

  it('float64: dgemm (and gemv for one row or column) matches a triple loop for every transpose, offsets, ldc > N, bias and accumulate', () => {
    for (const [M, N, K] of [
      [1, 1, 1],
      [3, 5, 7],
      [64, 128, 100],
      [17, 1, 33], // gemv, as PyTorch's mv
      [1, 9, 20], // gemv on B^T
    ] as const)
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const [aOff, bOff, cOff, ldc] = [3, 5, 2, N + 3];
          const a = rand(aOff + M * K, M + 1);
          const b = rand(bOff + K * N, N + 2);
          const bias = rand(2 * N + 1, 9);
          const c0 = rand(cOff + M * ldc, 4);
          const [aRs, aCs] = ta ? [1, M] : [K, 1];
          const [bRs, bCs] = tb ? [1, K] : [N, 1];
          const c = c0.slice();
          const o = { accumulate: true, bias, biasOff: 1, biasStride: 2 };
          expect(found!.dgemm(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, o)).toBe(true);
          for (let i = 0; i < M; i++)
            for (let j = 0; j < ldc; j++) {
              const at = cOff + i * ldc + j;
              if (j >= N) {
                expect(c[at]).toBe(c0[at]); // between rows: untouched
                continue;
              }
              let s = c0[at];
              for (let k = 0; k < K; k++) s += a[aOff + i * aRs + k * aCs] * b[bOff + k * bRs + j * bCs];
              s += bias[1 + 2 * j];
              expect(Math.abs(c[at] - s)).toBeLessThan(1e-12 * (K + 2));
            }
        }
  });

  it('leaves what BLAS cannot express (stride-0 rows, relu, K = 0) to the wasm/JS engines', () => {
    const a = new Float64Array([1, 2]);
    const b = new Float64Array([3, 4, 5, 6]);
    const c = new Float64Array(4);
    expect(found!.dgemm(2, 2, 2, a, 0, 0, 1, b, 0, 2, 1, c, 0, 2)).toBe(false); // A rows broadcast
    expect(found!.dgemm(2, 2, 2, b, 0, 2, 1, b, 0, 2, 1, c, 0, 2, { relu: true })).toBe(false);
    expect(found!.dgemm(2, 2, 0, a, 0, 0, 1, b, 0, 2, 1, c, 0, 2)).toBe(false);
    expect([...c]).toEqual([0, 0, 0, 0]); // nothing written
    // and the driver still computes them
    dgemm(2, 2, 2, a, 0, 0, 1, b, 0, 2, 1, c, 0, 2, { relu: true });
    expect([...c]).toEqual([13, 16, 13, 16]);
  });

  it('1 and 2 threads: each deterministic, and within float32 rounding of each other', () => {
    const [M, N, K] = [64, 1024, 784]; // large enough for OpenBLAS to use its threads
    const a = Float32Array.from(rand(M * K, 1));
    const b = Float32Array.from(rand(N * K, 2));
    const run = () => {
      const c = new Float32Array(M * N);
      sgemm(M, N, K, a, 0, K, 1, b, 0, 1, K, c, 0, N);
      return c;
    };
    torch.setNumThreads(1);
    const one = run();
    expect(run()).toEqual(one);
    torch.setNumThreads(2);
    const two = run();
    expect(run()).toEqual(two);
    // threads: false (SgemmOptions) keeps the product on one thread: the 1-thread values
    const pinned = new Float32Array(M * N);
    sgemm(M, N, K, a, 0, K, 1, b, 0, 1, K, pinned, 0, N, { threads: false });
    expect(pinned).toEqual(one);
    let worst = 0;
    for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - two[i]));
    expect(worst).toBeLessThan(1e-3); // |a||b| sums ~ 200: a few ulps
  });

  it('TORCHTS_BLAS=0 turns it off; a library that cannot be loaded is an error naming it', () => {
    const saved = process.env.TORCHTS_BLAS;
    try {
      process.env.TORCHTS_BLAS = '0';
      useSystemBlas(true);
      expect(systemBlas()).toBeNull();
      process.env.TORCHTS_BLAS = '/nonexistent/libnoblas.so';
      useSystemBlas(true);
      expect(() => systemBlas()).toThrow(
        /TORCHTS_BLAS=\/nonexistent\/libnoblas\.so: the BLAS library could not be loaded/,
      );
      process.env.TORCHTS_BLAS = found!.name;
      useSystemBlas(true);
      expect(systemBlas()?.name).toBe(found!.name);
    } finally {
      if (saved === undefined) delete process.env.TORCHTS_BLAS;
      else process.env.TORCHTS_BLAS = saved;
    }
  });

  it('training steps (MLP, CNN, LSTM, float64) agree with the wasm engine', async () => {
    const steps = async (dtype: torch.DType) => {
      torch.manualSeed(0);
      const net = new torch.nn.Sequential(
        new torch.nn.Conv2d(1, 4, 3),
        new torch.nn.ReLU(),
        new torch.nn.Flatten(),
        new torch.nn.Linear(4 * 6 * 6, 32),
        new torch.nn.Tanh(),
        new torch.nn.Linear(32, 5),
      ).to(dtype);
      const lstm = new torch.nn.LSTM(5, 7, 2).to(dtype);
      const opt = new torch.optim.Adam([...net.parameters(), ...lstm.parameters()], { lr: 1e-2 });
      const x = torch.randn([6, 1, 8, 8], { dtype });
      const y = torch.randint(0, 7, [6]);
      const losses: number[] = [];
      for (let s = 0; s < 4; s++) {
        opt.zeroGrad();
        const h = net(x);
        const [out] = lstm(h.unsqueeze(1)) as [torch.Tensor, unknown];
        const loss = torch.nn.functional.crossEntropy(out.squeeze(1), y);
        loss.backward();
        opt.step();
        losses.push(await loss.item());
      }
      return losses;
    };
    for (const dtype of ['float32', 'float64'] as const) {
      const calls = systemBlas()!.calls.n;
      const blas = await steps(dtype);
      expect(systemBlas()!.calls.n - calls).toBeGreaterThan(4 * 6); // forward and backward products ran there
      useSystemBlas(false);
      const wasm = await steps(dtype);
      useSystemBlas(true);
      for (let i = 0; i < blas.length; i++)
        expect(Math.abs(blas[i] - wasm[i])).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
    }
  });
});
