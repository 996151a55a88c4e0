/**
 * The shape of a benchmark model (bench/models/*.ts): `build(device)` makes the model, its
 * optimizer and one fixed random batch; `step()` runs one training step (zeroGrad, forward, loss,
 * backward, optimizer step) and returns the loss, unread. `flops` is the multiply-adds x 2 of the
 * products and convolutions in one step (forward + both backward products), for GFLOP/s.
 * bench/peers/models_torch.py builds the same models in PyTorch.
 */
import type * as torch from '../../src/index.js';

export interface BenchModel {
  step(): torch.Tensor;
  /** The module, for callers that want to look inside (parameter counts, eval). */
  model: torch.nn.Module;
}

export interface BenchSpec {
  name: string;
  /** One line: layers, batch, optimizer. */
  what: string;
  flops: number;
  build(device: torch.Device): BenchModel;
}
