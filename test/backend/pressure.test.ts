/**
 * Garbage pressure (src/backend/pressure.ts): storage outside V8's heap comes back only through
 * finalizers after a full GC, so the allocators ask for one when the bytes they hold rise a budget
 * above their low-water mark. The accounting alone with a fake collector, then the CPU heap of a
 * loop that drops a 1 MiB tensor per turn and never frees one by hand.
 */
import { describe, expect, it } from 'vitest';
import { heap } from '../../src/backend/cpu/heap.js';
import {
  collectGarbage,
  forcedCollections,
  GcPressure,
  memoryBoundBudget,
} from '../../src/backend/pressure.js';
import * as torch from '../../src/index.js';

const MiB = 1 << 20;
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('GcPressure', () => {
  it('asks for a collection once the held bytes are a budget above the low-water mark', () => {
    let calls = 0;
    const p = new GcPressure(10 * MiB, () => calls++);
    for (let i = 0; i < 9; i++) p.alloc(MiB);
    expect(calls).toBe(0);
    p.alloc(MiB); // 10 MiB above 0
    expect(calls).toBe(1);
    // the finalizers return 8 MiB: the low-water mark falls to 2 MiB, the next request is at 12
    for (let i = 0; i < 8; i++) p.free(MiB);
    for (let i = 0; i < 9; i++) p.alloc(MiB);
    expect(calls).toBe(1);
    p.alloc(MiB);
    expect(calls).toBe(2);
  });

  it('blocks freed at once never count: a loop that frees what it takes asks for nothing', () => {
    let calls = 0;
    const p = new GcPressure(10 * MiB, () => calls++);
    for (let i = 0; i < 10_000; i++) {
      p.alloc(MiB);
      p.free(MiB);
    }
    expect(calls).toBe(0);
  });

  it('the budget grows with the live bytes: live data growing to 1 GiB costs O(log) collections', () => {
    let calls = 0;
    const p = new GcPressure(32 * MiB, () => calls++);
    for (let i = 0; i < 1024; i++) p.alloc(MiB); // nothing freed: all of it is live
    // each request at low + max(32 MiB, low / 2): 32, 64, 96, 144, 216, 324, 486, 729 MiB
    expect(calls).toBe(8);
  });

  // A fake clock: each collection takes `gcMs`, the program runs `workMs` between requests.
  function adaptive(gcMs: number, max = 256 * MiB) {
    let clock = 0;
    let calls = 0;
    const p = new GcPressure(
      32 * MiB,
      () => {
        calls++;
        clock += gcMs;
      },
      max,
      () => clock,
    );
    // one "step": 8 MiB of storage dropped (returned only by a collection), `workMs` of work
    const step = (workMs: number) => {
      clock += workMs;
      p.alloc(8 * MiB);
    };
    return { p, step, calls: () => calls, freeAll: (n: number) => p.free(n) };
  }

  it('the budget doubles while collections take more than 5% of the time, up to its bound', () => {
    const a = adaptive(20, 128 * MiB);
    const budgets: number[] = [];
    for (let i = 0; i < 200; i++) {
      const before = a.calls();
      a.step(10); // 20 ms collections every 4 steps of 10 ms: 33% of the time
      if (a.calls() > before) {
        budgets.push(a.p.budget / MiB);
        a.freeAll(a.p.budget); // the finalizers return the garbage
      }
    }
    // the first collection has no interval to judge; then 64, 128 and the bound holds
    expect(budgets.slice(0, 4)).toEqual([32, 64, 128, 128]);
    expect(Math.max(...budgets)).toBe(128);
    // the CPU heap's bound: 1/64 of the machine's memory, within [32, 128] MiB
    expect([512, 4096, 65536].map((m) => memoryBoundBudget(m * MiB) / MiB)).toEqual([32, 64, 128]);
  });

  it('the budget halves back when collections are cheap, and collections under 1 ms never adapt', () => {
    const a = adaptive(20);
    for (let i = 0; i < 40; i++) {
      const before = a.calls();
      a.step(10);
      if (a.calls() > before) a.freeAll(a.p.budget);
    }
    const grown = a.p.budget;
    expect(grown).toBeGreaterThan(32 * MiB);
    for (let i = 0; i < 400; i++) {
      const before = a.calls();
      a.step(1000); // 20 ms per collection against seconds of work: < 2%
      if (a.calls() > before) a.freeAll(a.p.budget);
    }
    expect(a.p.budget).toBe(32 * MiB);
    const fake = adaptive(0.5); // a fake collector: no clock to judge by
    for (let i = 0; i < 100; i++) fake.step(0);
    expect(fake.p.budget).toBe(32 * MiB);
    expect(new GcPressure().budget).toBe(32 * MiB); // the default: a fixed budget (WebGPU's)
  });

  it('reset() forgets the blocks of a lost device', () => {
    let calls = 0;
    const p = new GcPressure(10 * MiB, () => calls++);
    for (let i = 0; i < 9; i++) p.alloc(MiB);
    p.reset();
    for (let i = 0; i < 9; i++) p.alloc(MiB);
    expect(calls).toBe(0);
  });
});

describe.skipIf(heap === undefined || process.env.TORCHTS_GC === '0')(
  'garbage pressure on the CPU heap',
  () => {
    it('collectGarbage() runs a full GC in Node: a dropped tensor comes back to the heap', async () => {
      expect(collectGarbage()).toBe(true);
      await turn();
      const before = heap!.allocated;
      ((n: number) => torch.ones([n]))(MiB / 4); // 1 MiB, dropped at once
      expect(heap!.allocated).toBe(before + MiB);
      collectGarbage();
      for (let i = 0; i < 4 && heap!.allocated > before; i++) await turn();
      expect(heap!.allocated).toBe(before);
    });

    it('a loop dropping 1 MiB per turn holds about one budget of garbage, not all of it', async () => {
      const h = heap!;
      const collections = forcedCollections();
      const grownFrom = h.byteLength;
      const step = (i: number) => torch.full([MiB / 4], i).sum(); // a 1 MiB tensor, dropped
      let keep = 0;
      for (let i = 0; i < 600; i++) {
        keep += (await step(i).item()) as number;
        await turn(); // as the DataLoader yields one per batch: the finalizers run here
      }
      expect(keep).toBeGreaterThan(0);
      // 600 MiB dropped; the heap grew by the budget and slack, not by 600 MiB. Collections are
      // most of this loop's time, so the budget may have grown to its bound.
      expect(h.pressure.budget).toBeLessThanOrEqual(h.pressure.maxBudget);
      expect(h.byteLength - grownFrom).toBeLessThan(h.pressure.maxBudget + 64 * MiB);
      expect(forcedCollections() - collections).toBeGreaterThanOrEqual(2);
    });
  },
);
