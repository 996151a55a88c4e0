/** PyTorch's quickstart MLP: Flatten, 784-512-512-10 with ReLU, CrossEntropyLoss, SGD lr 1e-3, batch 64. */
import { NeuralNetwork } from '../../examples/quickstart.js';
import * as torch from '../../src/index.js';
import type { BenchSpec } from './types.js';

const B = 64;
export const quickstart: BenchSpec = {
  name: 'quickstart',
  what: 'PyTorch quickstart MLP 784-512-512-10, batch 64, SGD',
  flops: 3 * 2 * B * (784 * 512 + 512 * 512 + 512 * 10),
  build(device) {
    torch.manualSeed(0);
    const model = new NeuralNetwork().to(device);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });
    const crit = new torch.nn.CrossEntropyLoss();
    const x = torch.rand([B, 1, 28, 28], { device });
    const y = torch.randint(0, 10, [B], { device });
    return {
      model,
      step() {
        opt.zeroGrad();
        const loss = crit(model(x), y);
        loss.backward();
        opt.step();
        return loss;
      },
    };
  },
};
