/** Every op, for the `torch` namespace. */

export {
  dropout,
  elu,
  gelu,
  hardtanh,
  leakyRelu,
  logSoftmax,
  mish,
  relu6,
  selu,
  silu,
  softmax,
  softplus,
} from './activation.js';
export { conv1d, conv2d, convTranspose2d } from './conv.js';
export * from './creation.js';
export * from './indexing.js';
export * from './matmul.js';
export { batchNorm, groupNorm, layerNorm } from './norm.js';
export * from './pointwise.js';
export { maxPool2d } from './pool.js';
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  logsumexp,
  maxDim,
  mean,
  minDim,
  norm,
  prod,
  std,
  sum,
  varOp as var,
} from './reduce.js';
export * from './shape.js';
