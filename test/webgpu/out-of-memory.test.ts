/**
 * Allocation failures on WebGPU are torch.OutOfMemoryError: at once for a request above the
 * adapter's buffer limits (nothing is allocated), and at the next read or synchronize for what
 * Dawn reports asynchronously (an error scope around each new buffer; the scope's result is
 * fed in by hand here, since lavapipe cannot be driven out of memory safely on a shared host).
 */
import { expect, it } from 'vitest';
import { noteAsyncOom } from '../../src/backend/webgpu/storage.js';
import * as torch from '../../src/index.js';
import { describeGpu } from './helpers.js';

describeGpu('out of memory on webgpu', () => {
  it('a tensor above maxBufferSize / maxStorageBufferBindingSize fails at once, naming the bytes', async () => {
    await torch.webgpu.synchronize();
    const before = torch.webgpu.memoryAllocated();
    let err: unknown;
    try {
      torch.zeros([2 ** 31], { device: 'webgpu' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(torch.OutOfMemoryError);
    expect(err).toBeInstanceOf(torch.cuda.OutOfMemoryError);
    expect((err as Error).message).toMatch(
      /^WebGPU out of memory: tried to allocate 8(\.0+)? GiB \(a float32 tensor of 2147483648 elements\), more than the .* this adapter can bind at once/,
    );
    expect(torch.webgpu.memoryAllocated()).toBe(before);
    // The device still works.
    expect(Array.from(await torch.ones([3], { device: 'webgpu' }).toArray())).toEqual([1, 1, 1]);
  });

  it('an asynchronous device OOM is raised at the next read, once', async () => {
    const x = torch.ones([4], { device: 'webgpu' });
    noteAsyncOom(1 << 30, 'torchts:float32[268435456]', 'Out of memory');
    const p = x.toArray();
    await expect(p).rejects.toThrow(torch.OutOfMemoryError);
    await expect(p).rejects.toThrow(
      /WebGPU out of memory: tried to allocate 1(\.0+)? GiB \(torchts:float32\[268435456\]\) with .* allocated by tensors/,
    );
    expect(Array.from(await x.toArray())).toEqual([1, 1, 1, 1]);
  });

  it('... and at the next synchronize()', async () => {
    noteAsyncOom(4096, 'torchts:arena9', 'Out of memory');
    await expect(torch.webgpu.synchronize()).rejects.toThrow(torch.OutOfMemoryError);
    await torch.webgpu.synchronize();
  });
});
