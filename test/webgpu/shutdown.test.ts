/**
 * After torch.webgpu.destroy() the device's memory is gone: a tensor released later (dispose, or
 * a GC finalizer at process exit) must not throw. Its own file: it destroys this process's device.
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

it.runIf(testDevices().includes('webgpu'))(
  'releasing a WebGPU tensor after destroy() is a no-op, not a crash',
  async () => {
    const t = torch.randn([64], { device: 'webgpu' }).mul(2);
    expect(await t.sum().item()).toBeTypeOf('number');
    torch.webgpu.destroy();
    expect(() => t.dispose()).not.toThrow();
    expect(t.isDisposed).toBe(true);
  },
);
