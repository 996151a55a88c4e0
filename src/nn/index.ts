/**
 * torch.nn: Module and its registration, layers, containers, activations, losses, `init`,
 * `functional` and `utils`. See docs/nn.md.
 */
export { Module, type LoadStateDictResult } from './module.js';
export { Parameter, isParameter } from './parameter.js';
export { Linear, Identity, Flatten, Unflatten, Dropout, Embedding, type FactoryOptions } from './layers.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export {
  ReLU,
  ReLU6,
  Sigmoid,
  Tanh,
  GELU,
  SiLU,
  Mish,
  SELU,
  ELU,
  LeakyReLU,
  Softplus,
  Hardtanh,
  Softmax,
  LogSoftmax,
  Softmin,
} from './activation.js';
export {
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  BCELoss,
  BCEWithLogitsLoss,
  KLDivLoss,
  type CrossEntropyLossOptions,
} from './loss.js';
export * as init from './init.js';
export * as functional from './functional.js';
export * as F from './functional.js';
export * as utils from './utils.js';
