/**
 * The device model is open: the grammar, torch.device(), the 'Device' signature type and the
 * 'cuda' / 'gpu' spellings resolve through src/backend/registry.ts, so a backend registered there
 * (or with registerDevice) is a device like the built-in ones.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceTypeInfo } from '../../src/backend/backend.js';
import { cpuBackend } from '../../src/backend/cpu/index.js';
import {
  acceleratorType,
  deviceNames,
  parseDeviceString,
  registerDevice,
} from '../../src/backend/registry.js';
import * as torch from '../../src/index.js';

describe('device registry', () => {
  it('built-in types and PyTorch spellings', () => {
    expect(deviceNames()).toEqual(['cpu', 'webgpu', 'cuda', 'gpu']);
    expect(acceleratorType()?.type).toBe('webgpu');
    expect(String(torch.device('cuda'))).toBe('webgpu');
    expect(String(torch.device('cuda:0'))).toBe('webgpu:0');
    expect(String(torch.device('gpu'))).toBe('webgpu');
    expect(String(torch.device('cpu:3'))).toBe('cpu'); // the CPU ignores its index
    expect(torch.device('webgpu')).toBe(torch.device('cuda')); // one Device value per type
    expect(() => torch.device('webgpu:1')).toThrow('only one WebGPU device (index 0) is supported');
    expect(() => torch.device('tpu')).toThrow(
      'Expected one of cpu, webgpu, cuda, gpu device type at start of device string: tpu',
    );
    expect(parseDeviceString('cuda:x')).toBeUndefined();
  });

  it('a registered type joins the grammar, torch.device and the signature check', () => {
    const onFake = () => torch.ones([2], { device: 'fake:1' });
    expect(onFake).toThrow("torch.ones(): argument 'device' must be a device, not 'fake:1'");
    const fake: DeviceTypeInfo = {
      type: 'fake',
      label: 'Fake',
      maxDevices: 2,
      backend: () => cpuBackend,
      isAvailable: () => true,
    };
    registerDevice(fake);
    expect(() => registerDevice(fake)).toThrow(/already registered/);
    expect(onFake).not.toThrow(/must be a device/); // the signature check accepts it now
    expect(torch.device('fake:1').type).toBe('fake');
    expect(() => torch.device('fake:2')).toThrow('Fake device index must be below 2');
    expect(deviceNames()).toContain('fake');
    // 'cuda' still means the first accelerator, not a later non-accelerator
    expect(torch.device('cuda').type).toBe('webgpu');
  });
});
