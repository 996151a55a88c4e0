/**
 * pytorch/examples mnist/main.py's Net (examples/mnist-cnn.ts): Conv2d(1,32,3) ReLU Conv2d(32,64,3)
 * ReLU MaxPool2d(2) Dropout(0.25) Flatten Linear(9216,128) ReLU Dropout(0.5) Linear(128,10)
 * log_softmax + nll_loss, Adadelta lr 1, batch 64 (training mode: dropout on).
 */
import { Net } from '../../examples/mnist-cnn.js';
import * as torch from '../../src/index.js';
import type { BenchSpec } from './types.js';

const B = 64;
// conv1: 32 x 26x26 outputs x 9 taps (its input needs no gradient: forward + dW only);
// conv2: 64 x 24x24 x 288; fc1 9216 x 128; fc2 128 x 10.
const conv1 = 2 * B * 32 * 26 * 26 * 9;
const conv2 = 2 * B * 64 * 24 * 24 * 32 * 9;
const fc = 2 * B * (9216 * 128 + 128 * 10);
export const cnn: BenchSpec = {
  name: 'mnist-cnn',
  what: 'pytorch/examples mnist CNN (conv 32, conv 64, fc 9216-128-10), batch 64, Adadelta',
  flops: 2 * conv1 + 3 * conv2 + 3 * fc,
  build(device) {
    torch.manualSeed(0);
    const model = new Net().to(device);
    model.train();
    const opt = new torch.optim.Adadelta(model.parameters(), { lr: 1 });
    const x = torch.randn([B, 1, 28, 28], { device });
    const y = torch.randint(0, 10, [B], { device });
    return {
      model,
      step() {
        opt.zeroGrad();
        const loss = torch.nn.functional.nllLoss(model(x), y);
        loss.backward();
        opt.step();
        return loss;
      },
    };
  },
};
