/**
 * Garbage pressure (src/backend/pressure.ts): storage outside V8's heap comes back only through
 * finalizers after a full GC, so the allocators ask for one when the bytes they hold rise a budget
 * above their low-water mark. The accounting alone with a fake collector, then the CPU heap of a
 * loop that drops a 1 MiB tensor per turn and never frees one by hand.
 */
import { describe, expect, it } from 'vitest';
import { heap } from '../../src/backend/cpu/heap.js';
import { collectGarbage, forcedCollections, GcPressure } from '../../src/backend/pressure.js';
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
      // 600 MiB dropped; the heap grew by the budget (32 MiB) and slack, not by 600 MiB
      expect(h.byteLength - grownFrom).toBeLessThan(96 * MiB);
      expect(forcedCollections() - collections).toBeGreaterThanOrEqual(10);
    });
  },
);
