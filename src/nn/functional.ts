/**
 * nn.functional (`F`): every functional op under PyTorch's names in camelCase. The ops live in
 * src/ops; this file only re-exports them (and composes the few that are one line).
 *
 * ```ts
 * const F = torch.nn.functional;
 * const loss = F.crossEntropy(F.linear(x, w, b), y, { labelSmoothing: 0.1 });
 * ```
 */
import { softmax as softmaxOp, softplus as softplusOp } from '../ops/activation.js';
import { clamp, div, neg } from '../ops/pointwise.js';
import { norm } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';

export {
  dropout,
  elu,
  gelu,
  hardtanh,
  leakyRelu,
  logSoftmax,
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from '../ops/activation.js';
export { embedding, oneHot } from '../ops/indexing.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from '../ops/loss.js';
export { linear } from '../ops/matmul.js';
export { pad } from '../ops/shape.js';

/** F.logsigmoid: -softplus(-x), stable for large |x|. */
export const logsigmoid = (x: Tensor): Tensor => neg(softplusOp(neg(x)));
/** F.softmin: softmax(-x). */
export const softmin = (x: Tensor, dim = -1): Tensor => softmaxOp(neg(x), dim);
/** F.normalize: x / max(||x||_p, eps) along dim. */
export function normalize(x: Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const n = norm(x, opts.p ?? 2, opts.dim ?? 1, { keepdim: true });
  return div(x, clamp(n, { min: opts.eps ?? 1e-12 }));
}
export { conv1d, conv2d, convTranspose2d, fold, windows } from '../ops/conv.js';
export { batchNorm, groupNorm, layerNorm } from '../ops/norm.js';
export { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
export { dropout2d, interpolate } from '../ops/spatial.js';
