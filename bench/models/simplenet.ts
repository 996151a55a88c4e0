/** The tutorial's SimpleNet: Linear 784->128, ReLU, Linear 128->10, CrossEntropyLoss, SGD lr 0.01, batch 64. */
import { SimpleNet } from '../../src/cli/models.js';
import * as torch from '../../src/index.js';
import type { BenchSpec } from './types.js';

const B = 64;
export const simplenet: BenchSpec = {
  name: 'simplenet',
  what: 'tutorial SimpleNet 784-128-10, batch 64, SGD',
  flops: 3 * 2 * B * (784 * 128 + 128 * 10),
  build(device) {
    torch.manualSeed(0);
    const model = new SimpleNet().to(device);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
    const crit = new torch.nn.CrossEntropyLoss();
    const x = torch.rand([B, 784], { device });
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
