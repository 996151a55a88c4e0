/**
 * torch.optim: Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad and the lr schedulers
 * (`optim.lrScheduler`, alias `optim.lr_scheduler`). See docs/nn.md.
 */
export {
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type OptimizerStateDict,
  type ParamState,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export * as lrScheduler from './lr-scheduler.js';
export * as lr_scheduler from './lr-scheduler.js';
