/**
 * Arena generations (storage.ts): when the arenas are full, the next arena is twice as large and
 * the older ones retire (no new blocks from them; destroyed once their last block goes), so a
 * steady working set ends up in one buffer and bind groups stop depending on GC timing
 * (test/webgpu/steady-models.test.ts checks the five models).
 */
import { expect, it } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { E } from '../../../src/backend/expr.js';
import { emptyCache, memoryReserved, resetStats, stats } from '../../../src/backend/webgpu/index.js';
import { describeGpu, gpu } from './helpers.js';

const bufferOf = (s: View['storage']) => (s as unknown as { buffer: GPUBuffer }).buffer;
const view = (storage: View['storage'], n: number): View => ({
  storage,
  dtype: 'float32',
  shape: [n],
  strides: [1],
  offset: 0,
});

describeGpu('webgpu arena generations', () => {
  it('a full generation grows into one arena twice the size; the old one retires and is destroyed', async () => {
    const be = gpu();
    await be.synchronize();
    emptyCache();
    const n = (4 << 20) / 4 - 64; // just under 4 MiB: bucket 4 MiB, an arena's block
    const first = be.alloc(n, 'float32');
    const arena0 = bufferOf(first);
    const held = [first];
    // Fill the first generation: blocks keep coming from arena0 until it is full.
    while (true) {
      const s = be.alloc(n, 'float32');
      held.push(s);
      if (bufferOf(s) !== arena0) break;
    }
    const grown = held[held.length - 1];
    const arena1 = bufferOf(grown);
    expect(arena1.size).toBe(2 * arena0.size);
    // arena0 is retired: a block released there is not handed out again.
    resetStats();
    be.release(held.shift()!);
    const again = be.alloc(n, 'float32');
    expect(bufferOf(again)).toBe(arena1);
    expect(stats().bufferAllocations).toBe(0);
    held.push(again);
    // Data stays right across both arenas.
    be.write(again, new Float32Array(n).fill(3));
    be.elementwise(E.mul(E.input(0), 2), [view(again, n)], view(held[0], n));
    const out = await be.read(view(held[0], n));
    expect([out[0], out[n - 1]]).toEqual([6, 6]);
    // Releasing arena0's last block destroys it: reserved memory drops by its size.
    const before = memoryReserved();
    for (const s of held.filter((h) => bufferOf(h) === arena0)) be.release(s);
    expect(before - memoryReserved()).toBe(arena0.size);
    for (const s of held.filter((h) => bufferOf(h) === arena1)) be.release(s);
    await be.synchronize();
  });
});
