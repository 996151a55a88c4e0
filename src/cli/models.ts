/** The models `torchts train --model NAME` can build. */
import * as torch from '../index.js';
import { UsageError } from './errors.js';

const { nn } = torch;

/** The tutorial's network: Linear 784 -> 128, ReLU, Linear 128 -> 10. */
export class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  fc2 = new nn.Linear(128, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x.view(-1, 784))));
  }
}

export const MODELS = {
  simplenet: {
    build: () => new SimpleNet(),
    description: 'Linear(784,128) -> ReLU -> Linear(128,10), the tutorial network',
  },
} as const;

export type ModelName = keyof typeof MODELS;

export function buildModel(name: string): torch.nn.Module {
  const m = (MODELS as Record<string, { build: () => torch.nn.Module }>)[name];
  if (!m) throw new UsageError(`unknown model '${name}' (available: ${Object.keys(MODELS).join(', ')})`);
  return m.build();
}
