/**
 * Errors on the GPU path are clear and immediate (issue 3): mixing devices names both, a
 * tensor past the adapter's binding limit says so at allocation, a destroyed device fails the
 * next call (and a pending read) instead of hanging.
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { describeGpu } from './helpers.js';

describeGpu('webgpu errors', () => {
  it('mixing devices names both devices, as PyTorch', () => {
    const a = torch.ones([2, 3]);
    const b = torch.ones([2, 3]).to('webgpu');
    expect(() => a.add(b)).toThrow(/cpu.*webgpu|webgpu.*cpu/);
    expect(() => b.matmul(torch.ones([3, 2]))).toThrow(/cpu.*webgpu|webgpu.*cpu/);
    const fc = new torch.nn.Linear(3, 2);
    expect(() => fc.forward(b)).toThrow(/cpu.*webgpu|webgpu.*cpu/);
    const loss = new torch.nn.CrossEntropyLoss();
    expect(() => loss.forward(b, torch.tensor([0, 1]))).toThrow(/cpu.*webgpu|webgpu.*cpu/);
  });

  it('a tensor larger than maxStorageBufferBindingSize is a clear error, not a device error', () => {
    const limit = torch.webgpu.adapterInfo()!.limits.maxStorageBufferBindingSize;
    const n = Math.floor(limit / 4) + 1024;
    expect(() => torch.empty([n], { device: 'webgpu' })).toThrow(/maxStorageBufferBindingSize/);
    // The device is still fine afterwards.
    expect(torch.webgpu.isAvailable()).toBe(true);
  });

  it('after the device is gone, the next op and a pending read fail with a message, not a hang', async () => {
    const t = torch.ones([1000]).to('webgpu');
    const r = t.mul(2);
    const pending = r.toArray();
    torch.webgpu.destroy();
    await expect(
      Promise.race([
        pending.then(
          () => 'resolved',
          (e: Error) => `rejected: ${e.message}`,
        ),
        new Promise((res) => setTimeout(() => res('hung'), 5000)),
      ]),
    ).resolves.not.toBe('hung');
    expect(() => t.mul(2)).toThrow(/WebGPU is not available: destroyWebGPU\(\) was called/);
    await expect(t.toArray()).rejects.toThrow(/WebGPU is not available/);
    expect(torch.webgpu.isAvailable()).toBe(false);
  });
});
