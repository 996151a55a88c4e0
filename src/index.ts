/**
 * torchts: PyTorch's programming model in TypeScript.
 *
 * Importing it has no side effects on devices: no GPU probe, no native module loaded, no
 * top-level await (so `require('torchts')` works). The GPU is created on first use by
 * `await torch.accelerator.init()` (or `torch.webgpu.init()`).
 *
 * ```ts
 * import * as torch from 'torchts';
 * const x = torch.randn([64, 784]);
 * const device = (await torch.accelerator.init()) ? torch.bestDevice() : torch.device('cpu');
 * ```
 */
import './api/tensor-methods.js';

export * from './api/torch.js';
/** torch.autograd: grad(), backward(), gradcheck(). */
export * as autograd from './autograd/index.js';
export { accelerator, bestDevice, cpu, cuda, webgpu } from './device-api.js';
export { Device, type DeviceLike, device } from './tensor/device.js';
export type { DType, DTypeLike } from './tensor/dtype.js';
export { AutogradError, DeviceError, DTypeError, OutOfMemoryError, ShapeError } from './tensor/errors.js';
export { Generator, initialSeed, manualSeed, seed } from './tensor/random.js';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './tensor/state.js';
export { Tensor } from './tensor/tensor.js';

/** torch.float32 etc., as strings. */
export const float32 = 'float32';
/** torch.float (= float32). */
export const float = 'float32';
/** torch.int32. */
export const int32 = 'int32';
/** torch.int64 (stored as int32 here). */
export const int64 = 'int64';
/** torch.long (= int64). */
export const long = 'int64';
/** torch.bool. */
export const bool = 'bool';
// --- dtype ---
/** torch.float64 (CPU only: WebGPU has no f64). */
export const float64 = 'float64';
/** torch.double (= float64). */
export const double = 'float64';
/** torch.int (= int32). */
export const int = 'int32';
/** torch.int16. */
export const int16 = 'int16';
/** torch.short (= int16). */
export const short = 'int16';
/** torch.int8. */
export const int8 = 'int8';
/** torch.uint8 (image bytes: 0..255). */
export const uint8 = 'uint8';
// --- half ---
/** torch.float16 (16-bit values; computed in float32, rounded on every store). */
export const float16 = 'float16';
/** torch.half (= float16). */
export const half = 'float16';
/** torch.bfloat16. */
export const bfloat16 = 'bfloat16';

import * as data from './data/index.js';
import { SummaryWriter } from './utils/tensorboard.js';
/** torch.utils.data, torch.utils.tensorboard */
export const utils = { data, tensorboard: { SummaryWriter } };
export * as datasets from './data/datasets/index.js';
export { CheckpointError, load, save } from './io/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';

// ── data (helper data) ──
import * as dataTransforms from './data/transforms.js';
/** torchvision.transforms' role: `import { transforms } from 'torchts'`. */
export const transforms = dataTransforms;

// --- models (copy.deepcopy) ---
import { deepcopy } from './nn/deepcopy.js';
/** Python's `copy` module for torchts objects: `copy.deepcopy(model)` (see nn/deepcopy.ts). */
export const copy = {
  /** copy.deepcopy(x): a module (or tensor, or plain container of them) copied deeply. */
  deepcopy,
};
// --- amplists ---
/**
 * torch.autocast: mixed precision regions (`using _ = torch.autocast('cuda')` or a callback), and
 * PyTorch 1.13's autocast state functions (torch.is_autocast_cpu_enabled, torch.get_autocast_gpu_dtype, ...).
 */
export {
  autocast,
  autocastDecrementNesting,
  autocastIncrementNesting,
  clearAutocastCache,
  getAutocastCpuDtype,
  getAutocastDtype,
  getAutocastGpuDtype,
  isAutocastCacheEnabled,
  isAutocastCpuEnabled,
  isAutocastEnabled,
  setAutocastCacheEnabled,
  setAutocastCpuDtype,
  setAutocastCpuEnabled,
  setAutocastEnabled,
  setAutocastGpuDtype,
} from './amp/autocast.js';
// --- amp ---
/** torch.amp: GradScaler (dynamic loss scaling). */
export * as amp from './amp/index.js';
// --- distributed (MPI) ---
/** torch.distributed: process groups and collectives over MPI (Open MPI loaded on first use). */
export * as distributed from './distributed/index.js';
