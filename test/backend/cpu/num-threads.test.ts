import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSystemBlas } from '../../../src/backend/cpu/blas.js';
import { intraOp } from '../../../src/backend/cpu/gemm-threads.js';
import * as torch from '../../../src/index.js';

// The wasm engine's own helper thread (a system BLAS, where found, has its threads: test/backend/cpu/blas.test.ts).
beforeAll(() => useSystemBlas(false));
afterAll(() => useSystemBlas(true));

describe('torch.setNumThreads / getNumThreads (CPU intra-op threads)', () => {
  const initial = torch.getNumThreads();
  afterAll(() => torch.setNumThreads(initial));

  it('defaults to the usable cores, at most 2, and keeps what was set', () => {
    expect(initial).toBe(Math.max(1, Math.min(2, os.availableParallelism())));
    torch.setNumThreads(1);
    expect(torch.getNumThreads()).toBe(1);
    torch.setNumThreads(4); // accepted as PyTorch does; torchts uses at most one helper
    expect(torch.getNumThreads()).toBe(4);
  });

  it("refuses what PyTorch's set_num_threads refuses", () => {
    expect(() => torch.setNumThreads(0)).toThrow('set_num_threads expects a positive integer');
    expect(() => torch.setNumThreads(-2)).toThrow('set_num_threads expects a positive integer');
    expect(() => torch.setNumThreads(1.5)).toThrow(TypeError);
    expect(() => (torch.setNumThreads as (...a: unknown[]) => void)(1, 2)).toThrow(TypeError);
    expect(() => (torch.getNumThreads as (...a: unknown[]) => void)(1)).toThrow(TypeError);
  });

  it('1 thread keeps large products off the helper; 2 threads share them; same values', async () => {
    // 64 x 784 x 512 = 25.7e6 multiply-adds: over the helper's threshold (the quickstart's first layer)
    torch.manualSeed(0);
    const x = torch.randn([64, 784]);
    const w = torch.randn([512, 784]);
    const b = torch.randn([512]);
    const y = () => torch.nn.functional.linear(x, w, b);
    torch.setNumThreads(2);
    // The first large product starts the helper and runs alone; the helper joins once it has
    // compiled the kernels (poll: a loaded machine may take a while).
    let two = y();
    let sharedWithTwo = 0;
    for (let t = 0; t < 50 && sharedWithTwo === 0; t++) {
      await new Promise((r) => setTimeout(r, 100));
      const before = intraOp.shared;
      two = y();
      sharedWithTwo = intraOp.shared - before;
    }
    torch.setNumThreads(1);
    const at = intraOp.shared;
    const one = y();
    expect(intraOp.shared).toBe(at);
    // the helper exists where the heap is shared memory and worker_threads load (Node here)
    expect(sharedWithTwo).toBe(1);
    // the same kernels and summation order on either thread: bit-identical
    expect(await one.toArray()).toEqual(await two.toArray());
  });
});

describe('1 and 2 threads give the same products (fwd and backward shapes of the MLPs)', () => {
  const cases: [string, number, number, number, boolean][] = [
    // name, M, N, K, B transposed (F.linear's W^T)
    ['x @ W^T, 4 K blocks', 64, 520, 784, true],
    ['g @ W, 2 K blocks', 64, 784, 512, false],
    ['uneven K blocks (785)', 64, 520, 785, true],
    ['N not a multiple of 8 (510)', 64, 510, 512, false],
    ['large enough for the helper', 256, 512, 256, true],
  ];
  it.each(cases)('%s', async (_n, M, N, K, bT) => {
    torch.manualSeed(1);
    const a = torch.randn([M, K]);
    const b = bT ? torch.randn([N, K]) : torch.randn([K, N]);
    const prod = () => (bT ? torch.matmul(a, b.t()) : torch.matmul(a, b));
    const ref = bT ? torch.matmul(a.double(), b.double().t()) : torch.matmul(a.double(), b.double());
    const want = await ref.toArray();
    const initial = torch.getNumThreads();
    try {
      torch.setNumThreads(1);
      const one = await prod().toArray();
      torch.setNumThreads(2);
      const two = await prod().toArray();
      expect(two).toEqual(one);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(one[i] - want[i]));
      expect(worst).toBeLessThan(2e-4 * Math.sqrt(K));
      expect(worst).toBeGreaterThan(0); // float32 sums, not the float64 path
    } finally {
      torch.setNumThreads(initial);
    }
  });
});
