/**
 * The runtime around the kernels: batching (submit counts), write ordering, pool reuse,
 * memory figures, errors, device probing (TORCHTS_NO_WEBGPU in a child process).
 */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { E } from '../../../src/backend/expr.js';
import {
  adapterInfo,
  deviceCount,
  emptyCache,
  hardwareGpuAvailable,
  initWebGPU,
  maxMemoryAllocated,
  memoryAllocated,
  memoryReserved,
  resetPeakMemoryStats,
  resetStats,
  stats,
  webgpuAvailable,
} from '../../../src/backend/webgpu/index.js';
import { overrideDynamicBindingLimit } from '../../../src/backend/webgpu/queue.js';
import { bucketBytes, dedicatedAbove } from '../../../src/backend/webgpu/storage.js';
import { programOf } from '../../helpers/update-programs.js';
import { describeGpu, gpu } from './helpers.js';

const view = (storage: View['storage'], n: number, dtype: View['dtype'] = 'float32'): View => ({
  storage,
  dtype,
  shape: [n],
  strides: [1],
  offset: 0,
});

describeGpu('webgpu runtime', () => {
  it('100 elementwise ops then one read: exactly 1 submit, 1 readback, 100 dispatches', async () => {
    const be = gpu();
    const s = be.alloc(1000, 'float32');
    const v = view(s, 1000);
    be.elementwise(E.const(0), [], v);
    be.elementwise(E.add(E.input(0), 1), [v], v); // compiles the pipeline once
    be.elementwise(E.const(0), [], v);
    await be.synchronize();
    resetStats();
    for (let i = 0; i < 100; i++) be.elementwise(E.add(E.input(0), 1), [v], v);
    expect(stats().submits).toBe(0); // nothing leaves the host until someone waits
    const out = await be.read(v);
    expect(out[999]).toBe(100);
    expect(stats()).toMatchObject({ dispatches: 100, submits: 1, reads: 1, pipelineCompiles: 0 });
    be.release(s);
  });

  it('a write after recorded reads of the same buffer does not overtake them', async () => {
    const be = gpu();
    const a = be.alloc(4, 'float32');
    const b = be.alloc(4, 'float32');
    be.write(a, new Float32Array([1, 2, 3, 4]));
    be.elementwise(E.mul(E.input(0), 10), [view(a, 4)], view(b, 4)); // recorded, reads a
    be.write(a, new Float32Array([0, 0, 0, 0])); // must land after the dispatch above
    expect(Array.from(await be.read(view(b, 4)))).toEqual([10, 20, 30, 40]);
    expect(Array.from(await be.read(view(a, 4)))).toEqual([0, 0, 0, 0]);
    // The same through the pool: a released buffer handed out again while a kernel still reads it.
    be.elementwise(E.mul(E.input(0), 2), [view(b, 4)], view(a, 4));
    be.release(b);
    const c = be.alloc(4, 'float32');
    be.write(c, new Float32Array([7, 7, 7, 7]));
    expect(Array.from(await be.read(view(a, 4)))).toEqual([20, 40, 60, 80]);
    be.release(a);
    be.release(c);
  });

  it('pool reuse, memory figures, emptyCache and peak reset', async () => {
    const be = gpu();
    await be.synchronize();
    emptyCache();
    const base = memoryAllocated();
    const held = memoryReserved(); // arenas that still hold live blocks
    expect(held).toBeGreaterThanOrEqual(base);
    const s1 = be.alloc(1000, 'float32'); // 4000 B -> bucket 4096
    expect(memoryAllocated() - base).toBe(4096);
    be.release(s1);
    expect(memoryAllocated()).toBe(base);
    expect(memoryReserved()).toBeGreaterThanOrEqual(base + 4096); // the block stays cached
    resetStats();
    const s2 = be.alloc(900, 'int32'); // same bucket: reused, no createBuffer
    expect(stats().bufferAllocations).toBe(0);
    expect(maxMemoryAllocated()).toBeGreaterThanOrEqual(base + 4096);
    be.release(s2);
    resetPeakMemoryStats();
    expect(maxMemoryAllocated()).toBe(memoryAllocated());
    emptyCache();
    expect(memoryReserved()).toBe(held);
    // A tensor above the arena threshold gets a buffer of its own: reserved by exactly its
    // bucket while cached, and emptyCache gives it back.
    const bigBytes = bucketBytes(dedicatedAbove() + 16); // 64 MiB + 16 MiB on lavapipe
    const big = be.alloc(bigBytes / 4, 'float32');
    expect(memoryAllocated() - base).toBe(bigBytes);
    expect(memoryReserved() - held).toBe(bigBytes);
    be.release(big);
    expect(memoryReserved() - held).toBe(bigBytes);
    emptyCache();
    expect(memoryReserved()).toBe(held);
  });

  it('tensors sharing an arena: kernels read and write neighbouring blocks of one buffer', async () => {
    const be = gpu();
    const a = be.alloc(4, 'float32');
    const b = be.alloc(4, 'float32');
    const c = be.alloc(4, 'float32');
    be.write(a, new Float32Array([1, 2, 3, 4]));
    be.write(b, new Float32Array([10, 20, 30, 40]));
    be.write(c, new Float32Array([-1, -2, -3, -4]));
    const bufferOf = (s: View['storage']) => (s as unknown as { buffer: unknown }).buffer;
    expect(bufferOf(a)).toBe(bufferOf(b));
    expect(bufferOf(a)).toBe(bufferOf(c));
    be.elementwise(E.add(E.mul(E.input(0), 2), E.input(1)), [view(a, 4), view(b, 4)], view(c, 4));
    be.matmul(
      { storage: a, dtype: 'float32', shape: [2, 2], strides: [2, 1], offset: 0 },
      { storage: b, dtype: 'float32', shape: [2, 2], strides: [2, 1], offset: 0 },
      { storage: c, dtype: 'float32', shape: [2, 2], strides: [2, 1], offset: 0 },
    );
    expect(Array.from(await be.read(view(c, 4)))).toEqual([70, 100, 150, 220]);
    expect(Array.from(await be.read(view(a, 4)))).toEqual([1, 2, 3, 4]);
    expect(Array.from(await be.read(view(b, 4)))).toEqual([10, 20, 30, 40]);
    for (const s of [a, b, c]) be.release(s);
  });

  it('pipelines with more storages than maxDynamicStorageBuffersPerPipelineLayout bind at fixed offsets', async () => {
    const be = gpu();
    const t = (n: number, f: (i: number) => number) => {
      const s = be.alloc(n, 'float32');
      be.write(
        s,
        Float32Array.from({ length: n }, (_, i) => f(i)),
      );
      return s;
    };
    const a = t(6, (i) => i + 1);
    const b = t(6, (i) => 10 * (i + 1));
    const c = t(6, (i) => -i);
    const out = be.alloc(6, 'float32');
    overrideDynamicBindingLimit(2);
    try {
      resetStats();
      for (let k = 0; k < 2; k++) {
        // 4 storages: out, a, b, c (fallback); then the same with 2 (dynamic).
        be.elementwise(
          E.add(E.add(E.input(0), E.input(1)), E.input(2)),
          [view(a, 6), view(b, 6), view(c, 6)],
          view(out, 6),
        );
        be.elementwise(E.mul(E.input(0), 2), [view(out, 6)], view(out, 6));
      }
      expect(Array.from(await be.read(view(out, 6)))).toEqual([22, 42, 62, 82, 102, 122]);
      // An optimizer update over 3 params at 2 bindings per dispatch: 3 groups.
      const ps = [t(5, () => 1), t(5, () => 2), t(5, () => 3)];
      const gs = [t(5, () => 1), t(5, () => 1), t(5, () => 1)];
      const v5 = (s: View['storage']) => view(s, 5);
      resetStats();
      be.routines!.updateInPlace!(
        programOf('sgd', { lr: 0.5 }),
        ps.map((p, i) => [v5(p), v5(gs[i])]),
      );
      expect(stats().dispatches).toBe(3);
      for (const [i, p] of ps.entries())
        expect(Array.from(await be.read(v5(p)))).toEqual(Array(5).fill(i + 0.5));
      for (const s of [...ps, ...gs]) be.release(s);
    } finally {
      overrideDynamicBindingLimit(null);
    }
    for (const s of [a, b, c, out]) be.release(s);
  });

  it('bool storage reads back as Uint8Array; int32 as Int32Array', async () => {
    const be = gpu();
    const b = be.alloc(5, 'bool');
    be.write(b, new Uint8Array([1, 0, 2, 0, 1]));
    const rb = await be.read(view(b, 5, 'bool'));
    expect(rb).toBeInstanceOf(Uint8Array);
    expect(Array.from(rb)).toEqual([1, 0, 1, 0, 1]);
    const i = be.alloc(3, 'int32');
    be.write(i, new Int32Array([-1, 2147483647, 5]));
    const ri = await be.read({ storage: i, dtype: 'int32', shape: [2], strides: [2], offset: 0 });
    expect(ri).toBeInstanceOf(Int32Array);
    expect(Array.from(ri)).toEqual([-1, 5]);
  });

  it('errors name the problem: use after free, oversized alloc, write overflow', () => {
    const be = gpu();
    const s = be.alloc(4, 'float32');
    be.release(s);
    expect(() => be.elementwise(E.const(1), [], view(s, 4))).toThrow(/released/);
    expect(() => be.release(s)).toThrow(/released/);
    expect(() => be.alloc(2 ** 31, 'float32')).toThrow(/maxStorageBufferBindingSize/);
    const t = be.alloc(2, 'float32');
    expect(() => be.write(t, new Float32Array(3))).toThrow(/overflow/);
  });

  it('device probing: idempotent init, adapter info, software adapter is not a "cuda" GPU', async () => {
    expect(await initWebGPU()).toBe(true);
    expect(webgpuAvailable()).toBe(true);
    expect(deviceCount()).toBe(1);
    const info = adapterInfo()!;
    expect(info.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
    if (/llvmpipe|swiftshader/i.test(`${info.device} ${info.description}`))
      expect(hardwareGpuAvailable()).toBe(false);
    expect(hardwareGpuAvailable()).toBe(!info.isFallback);
  });
});

it('TORCHTS_NO_WEBGPU=1: init resolves false and the backend getter explains why', () => {
  const script = `
    const m = await import(${JSON.stringify(new URL('../../../src/backend/webgpu/index.ts', import.meta.url).href)});
    const ok = await m.initWebGPU();
    let msg = '';
    try { m.webgpuBackend(); } catch (e) { msg = e.message; }
    console.log(JSON.stringify({ ok, avail: m.webgpuAvailable(), cuda: m.hardwareGpuAvailable(), n: m.deviceCount(), msg }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  expect(r).toEqual({
    ok: false,
    avail: false,
    cuda: false,
    n: 0,
    msg: 'WebGPU is not available: disabled by TORCHTS_NO_WEBGPU=1',
  });
});
