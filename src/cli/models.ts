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

/** The first CNN of every tutorial: two conv + ReLU + max-pool stages, then one Linear. */
export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
  conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
  fc = new nn.Linear(32 * 7 * 7, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    const F = nn.functional;
    let h = x.view(-1, 1, 28, 28); // the loader's flat [B, 784] rows as images
    h = F.maxPool2d(torch.relu(this.conv1.forward(h)), 2); // [B, 16, 14, 14]
    h = F.maxPool2d(torch.relu(this.conv2.forward(h)), 2); // [B, 32, 7, 7]
    return this.fc.forward(h.flatten(1));
  }
}

/**
 * `defaults`: the model's own hyper-parameters, used for the options the user did not set
 * (main.ts); the CLI's defaults (SGD lr 0.01, no momentum) are the tutorial's, for simplenet.
 */
export const MODELS = {
  simplenet: {
    build: () => new SimpleNet(),
    description: 'Linear(784,128) -> ReLU -> Linear(128,10), the tutorial network',
    defaults: {},
  },
  cnn: {
    build: () => new CNN(),
    description:
      'Conv2d(1,16,3,p1) -> ReLU -> MaxPool(2) -> Conv2d(16,32,3,p1) -> ReLU -> MaxPool(2) -> Linear(1568,10)',
    defaults: { lr: 0.05, momentum: 0.9 },
  },
} as const;

/** Hyper-parameters the model prefers over the CLI defaults (option name -> value). */
export function modelDefaults(name: string): Record<string, number> {
  return (MODELS as Record<string, { defaults?: Record<string, number> }>)[name]?.defaults ?? {};
}

export type ModelName = keyof typeof MODELS;

export function buildModel(name: string): torch.nn.Module {
  const m = (MODELS as Record<string, { build: () => torch.nn.Module }>)[name];
  if (!m) throw new UsageError(`unknown model '${name}' (available: ${Object.keys(MODELS).join(', ')})`);
  return m.build();
}
