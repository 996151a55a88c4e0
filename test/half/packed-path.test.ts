/**
 * The 16-bit test files again on WebGPU's packed-word float16 path (what an adapter without
 * shader-f16 runs, TORCHTS_WEBGPU_F16=0): the same tests, registered into this file with the
 * switch off, so one vitest run covers both paths on lavapipe.
 */
import { expect, it } from 'vitest';
import { halfNative, setHalfNative } from '../../src/backend/webgpu/index.js';
import { webgpuAvailable } from '../helpers/devices.js';

setHalfNative(false);
it('float16 runs on the packed-word path here', () => {
  if (webgpuAvailable()) expect(halfNative()).toBe(false);
});
await import('./storage16.test.js');
await import('./ops16.test.js');
