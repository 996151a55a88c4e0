/**
 * torchts: PyTorch's programming model in TypeScript.
 *
 * ```ts
 * import * as torch from 'torchts';
 * const x = torch.randn([64, 784]);
 * ```
 */
import './api/tensor-methods.js';
import { initWebGPU } from './backend/webgpu/index.js';

// GPU discovery is asynchronous in WebGPU: done once here so torch.cuda.isAvailable() and
// friends stay synchronous. Never throws; TORCHTS_NO_WEBGPU=1 skips it.
await initWebGPU();

export * from './api/torch.js';
export * as autograd from './autograd/index.js';
export { accelerator, bestDevice, cpu, cuda, webgpu } from './device-api.js';
export { Device, type DeviceLike, device } from './tensor/device.js';
export type { DType, DTypeLike } from './tensor/dtype.js';
export { AutogradError, DeviceError, DTypeError, ShapeError } from './tensor/errors.js';
export { Generator, initialSeed, manualSeed, seed } from './tensor/random.js';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './tensor/state.js';
export { Tensor } from './tensor/tensor.js';

/** torch.float32 etc., as strings. */
export const float32 = 'float32';
export const float = 'float32';
export const int32 = 'int32';
export const int64 = 'int64';
export const long = 'int64';
export const bool = 'bool';

import * as data from './data/index.js';
/** torch.utils.data */
export const utils = { data };
export * as datasets from './data/datasets/index.js';
export { CheckpointError, load, save } from './io/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
