/**
 * torch.nn: Module and its registration, layers, containers, activations, losses, `init`,
 * `functional` and `utils`. See docs/nn.md.
 */

export {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSoftmax,
  Mish,
  ReLU,
  ReLU6,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softmin,
  Softplus,
  Tanh,
} from './activation.js';
export { ModuleDict, ModuleList, Sequential } from './container.js';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './conv.js';
/**
 * torch.nn.functional: the functional forms of the layers (activations, convolutions, pooling, normalization,
 * losses, attention, padding, interpolation), each bound to PyTorch's parameter list.
 */
export * as functional from './functional.js';
/** Short alias of nn.functional (`import torch.nn.functional as F`). */
export * as F from './functional.js';
/**
 * torch.nn.init: in-place parameter initializers (uniform_, normal_, xavier*, kaiming*, truncNormal_, ...)
 * and calculateGain.
 */
export * as init from './init.js';
export { Dropout, Embedding, type FactoryOptions, Flatten, Identity, Linear, Unflatten } from './layers.js';
// ── modules (helper modules) ──
export {
  AlphaDropout,
  ChannelShuffle,
  Dropout1d,
  Dropout3d,
  EmbeddingBag,
  Fold,
  ParameterDict,
  ParameterList,
  Softmax2d,
  TripletMarginWithDistanceLoss,
} from './layers-modules.js';
export {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool3d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AdaptiveMaxPool3d,
  AvgPool1d,
  AvgPool3d,
  Bilinear,
  CELU,
  CosineEmbeddingLoss,
  CosineSimilarity,
  GaussianNLLLoss,
  GLU,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  HingeEmbeddingLoss,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNorm3d,
  LocalResponseNorm,
  LogSigmoid,
  LPPool1d,
  LPPool2d,
  MarginRankingLoss,
  MaxPool1d,
  MaxPool3d,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  PairwiseDistance,
  PixelShuffle,
  PixelUnshuffle,
  PoissonNLLLoss,
  PReLU,
  RReLU,
  SoftMarginLoss,
  Softshrink,
  Softsign,
  Tanhshrink,
  Threshold,
  TripletMarginLoss,
  Unfold,
} from './layers-more.js';
// ── nn.functional more (helper nnfunc) ──
export {
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
  CTCLoss,
  FeatureAlphaDropout,
  MaxUnpool1d,
  MaxUnpool2d,
  MaxUnpool3d,
  MultiLabelMarginLoss,
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
  ZeroPad2d,
} from './layers-nnfunc.js';
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  type CrossEntropyLossOptions,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from './loss.js';
export { type LoadStateDictResult, Module } from './module.js';
export { BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm } from './norm.js';
export { isParameter, Parameter } from './parameter.js';
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pool.js';
// ── rnn (helper rnn) ──
export { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from './rnn.js';
export { Dropout2d, Upsample } from './spatial.js';
// --- adopt ---
export { type LayerInfo, ModelStatistics } from './summary.js';
// ── attention (helper attn) ──
export {
  MultiheadAttention,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from './transformer.js';
/**
 * torch.nn.utils: gradient clipping (clipGradNorm_, clipGradValue_), parameter/vector conversion, weight and
 * spectral norm, and `rnn` (sequence packing).
 */
export * as utils from './utils.js';
export { PackedSequence } from './utils-rnn.js';

// --- distributed (MPI) ---
import { DistributedDataParallel } from './parallel.js';
/** nn.parallel */
export const parallel = { DistributedDataParallel };
