/**
 * torch.optim: Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta,
 * ASGD, Rprop and the lr schedulers
 * (`optim.lrScheduler`, alias `optim.lr_scheduler`). See docs/nn.md.
 */

export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export {
  Adamax,
  type AdamaxOptions,
  NAdam,
  type NAdamOptions,
  RAdam,
  type RAdamOptions,
} from './adam-variants.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export * as lrScheduler from './lr-scheduler.js';
export * as lr_scheduler from './lr-scheduler.js';
export {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type Params,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
export {
  Adadelta,
  type AdadeltaOptions,
  ASGD,
  type ASGDOptions,
  Rprop,
  type RpropOptions,
} from './sgd-variants.js';
export * as swa_utils from './swa-utils.js';
export * as swaUtils from './swa-utils.js';
