/** Every op, for the `torch` namespace. */
export * from './pointwise.js';
export {
  sum,
  mean,
  prod,
  amax,
  amin,
  argmax,
  argmin,
  maxDim,
  minDim,
  varOp as var,
  std,
  logsumexp,
  norm,
  all,
  any,
} from './reduce.js';
export * from './shape.js';
export * from './matmul.js';
export * from './indexing.js';
export * from './creation.js';
export {
  softmax,
  logSoftmax,
  gelu,
  silu,
  elu,
  selu,
  leakyRelu,
  hardtanh,
  relu6,
  softplus,
  mish,
  dropout,
} from './activation.js';
