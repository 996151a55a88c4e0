/**
 * Arena generations (storage.ts): when the arenas are full, the next arena is twice as large and
 * the older ones retire (no new blocks from them; destroyed once their last block goes), so a
 * steady working set ends up in one buffer and bind groups stop depending on GC timing
 * (test/webgpu/steady-models.test.ts checks the five models).
 */
import { expect, it } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { E } from '../../../src/backend/expr.js';
import { limit } from '../../../src/backend/webgpu/device.js';
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
  it('arenas grow past the binding limit: a block beyond it binds at its offset and computes right', async () => {
    // perfgpu2: a working set above maxStorageBufferBindingSize stays in one arena (each
    // binding is one block at a dynamic offset), so its bind groups do not depend on GC order.
    const maxBind = limit('maxStorageBufferBindingSize');
    if (maxBind > 256 << 20 || 2 * maxBind > limit('maxBufferSize')) return; // too big to fill here
    const be = gpu();
    await be.synchronize();
    emptyCache();
    const n = (4 << 20) / 4 - 64;
    const held: View['storage'][] = [];
    let far: View['storage'] | null = null;
    while (!far && held.length < 150) {
      const s = be.alloc(n, 'float32');
      held.push(s);
      const g = s as unknown as { byteOffset: number; bytes: number };
      if (g.byteOffset + g.bytes > maxBind) far = s;
    }
    expect(far).not.toBeNull();
    expect(bufferOf(far!).size).toBeGreaterThan(maxBind);
    be.write(far!, new Float32Array(n).fill(3));
    be.elementwise(E.mul(E.input(0), 2), [view(far!, n)], view(held[0], n));
    be.elementwise(E.add(E.input(0), 1), [view(held[0], n)], view(far!, n));
    const a = await be.read(view(held[0], n));
    const b = await be.read(view(far!, n));
    expect([a[0], a[n - 1], b[0], b[n - 1]]).toEqual([6, 6, 7, 7]);
    for (const s of held) be.release(s);
    await be.synchronize();
    emptyCache();
  });
});
