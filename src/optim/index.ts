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
/** torch.optim.lr_scheduler: learning-rate schedules that set each param group's `lr` every step. */
export * as lrScheduler from './lr-scheduler.js';
/** PyTorch's snake_case spelling of optim.lrScheduler. */
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
/** PyTorch's snake_case spelling of optim.swaUtils. */
export * as swa_utils from './swa-utils.js';
/** torch.optim.swa_utils: stochastic weight averaging (AveragedModel, SWALR, updateBn) and EMA helpers. */
export * as swaUtils from './swa-utils.js';
