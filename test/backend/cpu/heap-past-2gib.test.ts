/**
 * The CPU heap past 2 GiB and allocations that cannot fit. Heap offsets above 2^31 once went
 * negative through signed shifts (`off >> 2`): matmul threw "RangeError: offset is out of bounds"
 * as soon as a program held 2 GiB. Here 2.2 GiB of address space is reserved without touching it
 * (no RSS), and the kernels then run on tensors that live above it, against the same products
 * computed below it. Absurd sizes raise torch.OutOfMemoryError at once.
 */
import { describe, expect, it } from 'vitest';
import { heap } from '../../../src/backend/cpu/heap.js';
import { reclaim } from '../../../src/backend/pressure.js';
import * as torch from '../../../src/index.js';
import { rng } from '../../helpers/rng.js';

const GiB = 2 ** 30;

describe('CPU allocations', () => {
  it('absurd sizes raise torch.OutOfMemoryError at once, naming the bytes asked for', () => {
    const t0 = performance.now();
    for (const f of [
      () => torch.zeros([2 ** 40]),
      () => torch.empty(1e6, 1e6),
      () => torch.ones([2 ** 20, 2 ** 20]),
    ]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(torch.OutOfMemoryError);
      expect(err).toBeInstanceOf(torch.cuda.OutOfMemoryError);
      expect((err as Error).message).toMatch(
        /^CPU out of memory: tried to allocate \d+\.\d\d TiB \(a float32 tensor of \d+ elements\)/,
      );
    }
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it.skipIf(heap === undefined)('kernels work on tensors stored above 2 GiB of heap', async () => {
    const rand = rng(7);
    const vals = (n: number) => Array.from({ length: n }, () => rand() * 2 - 1);
    const [av, bv, xv, wv] = [vals(96 * 200), vals(200 * 40), vals(2 * 3 * 12 * 12), vals(4 * 3 * 3 * 3)];
    const run = async () => {
      const a = torch.tensor(av).view(96, 200);
      const b = torch.tensor(bv).view(200, 40);
      const x = torch.tensor(xv).view(2, 3, 12, 12);
      const w = torch.tensor(wv).view(4, 3, 3, 3);
      return {
        mm: await a.matmul(b).toArray(),
        mmT: await a.t().matmul(a).toArray(),
        conv: await torch.nn.functional.conv2d(x, w, null, 1, 1).toArray(),
        softmax: await a.softmax(1).sum(0).toArray(),
        ewise: await a.mul(2).add(b.sum()).toArray(),
      };
    };
    const below = await run();
    const h = heap!;
    const reserve = 2.2 * GiB;
    if (h.byteLength + reserve > 4 * GiB - 256 * 2 ** 20) return; // no room left in this worker's heap
    const off = h.alloc(reserve); // address space only: no page is touched
    expect(off).toBeGreaterThanOrEqual(0);
    // The reservation forced a GC: let its finalizers return the blocks run() dropped, then forget
    // the free blocks (a few KiB leaked in this worker) so every new block comes from above.
    reclaim();
    (h as unknown as { free: Map<number, number[]> }).free.clear();
    try {
      const probe = torch.zeros([4]);
      // the new tensors really live above 2 GiB
      expect((probe.storage as unknown as { heapOff: number }).heapOff).toBeGreaterThan(2 * GiB);
      const above = await run();
      expect(above).toEqual(below);
    } finally {
      h.release(off, reserve);
    }
  });
});
