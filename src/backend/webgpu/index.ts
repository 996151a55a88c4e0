/**
 * The WebGPU backend: the `Backend` contract of backend.ts over one shared GPUDevice.
 *
 * @example
 * import { initWebGPU, webgpuBackend } from './backend/webgpu/index.js';
 * if (await initWebGPU()) {
 *   const be = webgpuBackend();
 *   const s = be.alloc(4, 'float32');
 *   be.write(s, new Float32Array([1, 2, 3, 4]));
 *   console.log(await be.read({ storage: s, dtype: 'float32', shape: [4], strides: [1], offset: 0 }));
 * }
 */
import {
  type DType,
  decodeHalf,
  encodeHalf,
  isHalf,
  type TypedArray,
  typedArrayFor,
} from '../../tensor/dtype.js';
import type { Backend, DeviceTypeInfo, Storage, View } from '../backend.js';
import { contiguousStrides, isContiguousView, numelOf } from '../backend.js';
import { E } from '../expr.js';
import { type HalfNative, installHalf } from '../half.js';
import {
  adapterName,
  deviceCount,
  gpuDevice,
  hardwareGpuAvailable,
  initWebGPU,
  unavailableReason,
  webgpuAvailable,
} from './device.js';
import { armedIndexFlag, deferCheck, raiseIndexError, runDeferredChecks } from './index-errors.js';
import { attention, attentionBackward } from './kernels/attention.js';
import { elementwise } from './kernels/elementwise.js';
import { fold } from './kernels/fold.js';
import { gather, scatterAdd } from './kernels/gather.js';
import { layerNorm, layerNormBackward } from './kernels/layer-norm.js';
import { linalg } from './kernels/linalg.js';
import {
  logSoftmax,
  logSoftmaxBackward,
  logSoftmaxNll,
  logSoftmaxNllReduced,
  nllReduced,
} from './kernels/log-softmax-nll.js';
import { linearGrads, matmul } from './kernels/matmul.js';
import { updateInPlace } from './kernels/optimizer.js';
import { random } from './kernels/random.js';
import { reduce } from './kernels/reduce.js';
import { sort } from './kernels/sort.js';
import { readBuffer, synchronize, writeBuffer } from './queue.js';
import {
  allocStorage,
  asGpu,
  emptyCache,
  type GpuStorage,
  maxMemoryAllocated,
  memoryAllocated,
  memoryReserved,
  raiseAsyncOom,
  releaseStorage,
  resetPeakMemoryStats,
} from './storage.js';
import { nativeHalf } from './wgsl/common.js';

export {
  type AdapterInfo,
  adapterInfo,
  adapterName,
  destroyWebGPU,
  deviceCount,
  halfNative,
  hardwareGpuAvailable,
  initWebGPU,
  setHalfNative,
  unavailableReason,
  webgpuAvailable,
} from './device.js';
export { type MatmulVariant, matmulVariant, setMatmulVariant } from './kernels/matmul.js';
export { cacheSizes, flush, setCacheLimits } from './queue.js';
export { resetStats, startTrace, stats, stopTrace, type WebGPUStats } from './stats.js';
export {
  emptyCache,
  maxMemoryAllocated,
  memoryAllocated,
  memoryReserved,
  resetPeakMemoryStats,
} from './storage.js';

function write(s: Storage, data: TypedArray, offset = 0): void {
  const g = asGpu(s, 'write');
  if (offset < 0 || offset + data.length > g.size)
    throw new RangeError(
      `webgpu write: ${data.length} elements at offset ${offset} overflow a storage of ${g.size}`,
    );
  if (data.length === 0) return;
  if (isHalf(g.dtype)) {
    writeHalf(g, data, offset);
    return;
  }
  const host =
    g.dtype === 'float32'
      ? data instanceof Float32Array
        ? data
        : Float32Array.from(data)
      : g.dtype === 'bool'
        ? Uint32Array.from(data, (x) => (x !== 0 ? 1 : 0)) // bool: one u32 per element
        : data instanceof Int32Array
          ? data
          : Int32Array.from(data); // every integer dtype is one i32 per element
  writeBuffer(g, offset * 4, host);
}

/**
 * float16/bfloat16: the values encoded on the host to 16-bit words, two to a u32. A write that
 * starts mid-word, or ends mid-word before the storage's end, would overwrite a neighbour's
 * half: it goes through a float32 temporary and one elementwise store on the device instead.
 */
function writeHalf(g: GpuStorage, data: TypedArray, offset: number): void {
  const n = data.length;
  if (offset % 2 === 0 && (n % 2 === 0 || offset + n === g.size)) {
    writeBuffer(g, offset * 2, encodeHalf(g.dtype, data, new Uint16Array(n + (n % 2))));
    return;
  }
  const tmp = allocStorage(n, 'float32');
  try {
    writeBuffer(tmp, 0, data instanceof Float32Array ? data : Float32Array.from(data));
    const view = (storage: GpuStorage, dtype: DType, off: number): View => ({
      storage,
      dtype,
      shape: [n],
      strides: [1],
      offset: off,
    });
    elementwise(E.input(0), [view(tmp, 'float32', 0)], view(g, g.dtype, offset));
  } finally {
    releaseStorage(tmp);
  }
}

/** Reads a view, after the checks ops deferred to the next read (index-errors.ts). */
async function read(v: View): Promise<TypedArray> {
  await runDeferredChecks(readView);
  const data = await readView(v);
  await raiseAsyncOom();
  return data;
}

async function readView(v: View): Promise<TypedArray> {
  const g = asGpu(v, 'read');
  const n = numelOf(v.shape);
  const half = isHalf(v.dtype);
  if (half && n === 0) return new Float32Array(0);
  // A strided view is gathered into a contiguous temporary on the device first: one readback.
  let tmp: GpuStorage | null = null;
  if (!isContiguousView(v)) {
    tmp = allocStorage(n, v.dtype);
    elementwise(E.input(0), [v], {
      storage: tmp,
      dtype: v.dtype,
      shape: v.shape,
      strides: contiguousStrides(v.shape),
      offset: 0,
    });
  }
  const src = tmp ?? g;
  const off = tmp ? 0 : v.offset;
  try {
    if (!half) return fromBytes(await readChecked(src.buffer, src.byteOffset + off * 4, n * 4), v.dtype);
    // float16/bfloat16: the whole words holding the elements, decoded on the host.
    const w0 = Math.floor(off / 2);
    const bytes = await readChecked(src.buffer, src.byteOffset + w0 * 4, (Math.ceil((off + n) / 2) - w0) * 4);
    return decodeHalf(v.dtype, new Uint16Array(bytes, (off % 2) * 2, n));
  } finally {
    if (tmp) releaseStorage(tmp);
  }
}

/** A readback that also brings the index-error flag and raises what it recorded. */
async function readChecked(b: GPUBuffer, byteOffset: number, byteSize: number): Promise<ArrayBuffer> {
  const bytes = await readBuffer(b, byteOffset, byteSize, armedIndexFlag());
  if (bytes.extraBytes) raiseIndexError(new Int32Array(bytes.extraBytes));
  return bytes;
}

/**
 * Waits for the device; raises an index error its kernels recorded. Once an index kernel has
 * run, the wait is the flag's own 16-byte readback (one small submit), which also waits for
 * everything submitted before it.
 */
async function synchronizeChecked(): Promise<void> {
  await runDeferredChecks(readView);
  const f = armedIndexFlag();
  if (f) await readChecked(f.buffer, f.byteOffset, 0);
  else await synchronize();
  await raiseAsyncOom();
}

function fromBytes(bytes: ArrayBuffer, dtype: DType): TypedArray {
  if (dtype === 'float32') return new Float32Array(bytes);
  if (dtype === 'bool') return Uint8Array.from(new Uint32Array(bytes), (x) => (x !== 0 ? 1 : 0));
  const words = new Int32Array(bytes);
  if (dtype === 'int32' || dtype === 'int64') return words;
  const out = typedArrayFor(dtype, words.length); // uint8/int8/int16: already wrapped on the device
  out.set(words);
  return out;
}

/** float16 is bound as array<f16> (shader-f16 and not switched off: device.ts halfNative). */
const f16 = (_: number, d: DType): boolean => nativeHalf(d);
/**
 * The 16-bit views the kernels take as they are (installHalf widens the rest into float32
 * temporaries). The matmul kernels decode packed 16-bit a and b on both paths; with shader-f16
 * these kernels also read and write float16 elements themselves, computing in float32.
 */
const HALF_NATIVE: HalfNative = {
  matmul: (i, d) => i < 2 || nativeHalf(d),
  linearGrads: (i, d) => i < 2 || nativeHalf(d),
  reduce: f16,
  gather: f16,
  // the mask stays float32 (an additive bias; PyTorch's is the query's dtype or bool)
  attention: (i, d) => i !== 3 && nativeHalf(d),
  attentionBackward: (i, d) => i !== 3 && nativeHalf(d),
};

const backend: Backend = installHalf(
  {
    type: 'webgpu',
    alloc: (size: number, dtype: DType) => {
      if (dtype === 'float64')
        throw new TypeError(
          `float64 is not supported on the WebGPU device (webgpu: ${adapterName()}): WGSL has no 64-bit floats. Convert with .float() (torch.float32) first; torchts never downcasts silently`,
        );
      return allocStorage(size, dtype);
    },
    release: releaseStorage,
    write,
    read,
    elementwise,
    reduce,
    matmul,
    gather,
    scatterAdd,
    random,
    linalg,
    sort,
    synchronize: synchronizeChecked,
    deferCheck,
    routines: {
      logSoftmaxNll,
      logSoftmaxNllReduced,
      linearGrads,
      updateInPlace,
      attention,
      attentionBackward,
      // --- perfgpu ---
      layerNorm,
      layerNormBackward,
      logSoftmax,
      logSoftmaxBackward,
      // --- perfgpu2 ---
      fold,
      nllReduced,
    },
  } as Backend,
  HALF_NATIVE,
);

/**
 * The backend object, once `initWebGPU()` has found a device; throws a clear error otherwise.
 */
export function webgpuBackend(): Backend {
  gpuDevice(); // throws "WebGPU is not available: <why>", or the device-lost message
  return backend;
}

/** WebGPU's entry in the device registry (registry.ts): the first accelerator, so 'cuda' too. */
export const webgpuDeviceType: DeviceTypeInfo = {
  type: 'webgpu',
  label: 'WebGPU',
  accelerator: true,
  maxDevices: 1,
  backend: webgpuBackend,
  isAvailable: webgpuAvailable,
  isHardware: hardwareGpuAvailable,
  init: initWebGPU,
  deviceCount,
  deviceName: adapterName,
  unavailableReason,
  memory: {
    allocated: memoryAllocated,
    maxAllocated: maxMemoryAllocated,
    reserved: memoryReserved,
    resetPeak: resetPeakMemoryStats,
    emptyCache,
  },
};
