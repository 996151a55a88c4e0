/**
 * The tutorial's SimpleNet (784-128-10) trained on the bundled MNIST digits (data/mnist-10k) in
 * float32 and under torch.autocast + amp.GradScaler from the same initial weights: test accuracy
 * within noise of float32's. WebGPU runs float16 (the issue's case), the CPU bfloat16.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readIdx } from '../../src/data/datasets/idx.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;

function digits(from: number, n: number): [torch.Tensor, torch.Tensor] {
  const file = (f: string) => readFileSync(new URL(`../../data/mnist-10k/${f}`, import.meta.url));
  const images = readIdx(file('images-idx3-ubyte.gz'), 'images').data;
  const labels = readIdx(file('labels-idx1-ubyte.gz'), 'labels').data;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  // The file is sorted by label: digit (j * 997) % 10000 spreads the classes.
  for (let j = 0; j < n; j++) {
    const k = ((from + j) * 997) % 10000;
    for (let p = 0; p < 784; p++) x[j * 784 + p] = images[k * 784 + p] / 255;
    y[j] = labels[k];
  }
  return [torch.tensor(x).reshape(n, 784), torch.tensor(y, { dtype: torch.long })];
}

class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(128, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

describe('SimpleNet under autocast + GradScaler trains to float32 accuracy', () => {
  const [xTrain, yTrain] = digits(0, 3072);
  const [xTest, yTest] = digits(3072, 1000);
  for (const dev of testDevices()) {
    it(`on ${dev}`, { timeout: 300_000 }, async () => {
      const device = torch.device(dev);
      const type = dev === 'cpu' ? 'cpu' : 'cuda';
      const accuracy: Record<string, number> = {};
      torch.manualSeed(0);
      const init = new SimpleNet().stateDict();
      for (const mode of ['float32', 'amp'] as const) {
        const model = new SimpleNet();
        model.loadStateDict(init);
        model.to(device);
        const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
        const scaler = new torch.amp.GradScaler({ enabled: mode === 'amp' });
        const lossFn = new nn.CrossEntropyLoss();
        const x = xTrain.to(device);
        const y = yTrain.to(device);
        for (let epoch = 0; epoch < 2; epoch++)
          for (let i = 0; i < 3072; i += 64) {
            opt.zeroGrad();
            const loss = torch.autocast({ deviceType: type, enabled: mode === 'amp' }, () =>
              lossFn(model(x.narrow(0, i, 64)), y.narrow(0, i, 64)),
            );
            expect(loss.dtype).toBe('float32');
            scaler.scale(loss).backward();
            await scaler.step(opt);
            scaler.update();
          }
        for (const p of model.parameters()) expect(p.dtype).toBe('float32');
        const pred = torch.autocast({ deviceType: type, enabled: mode === 'amp' }, () =>
          torch.noGrad(() => model(xTest.to(device)).argmax(1)),
        );
        accuracy[mode] = (await pred.eq(yTest.to(device)).sum().item()) / 1000;
        if (mode === 'amp') expect(Number.isFinite(scaler.getScale())).toBe(true);
      }
      console.log(`simplenet ${dev}: float32 ${accuracy.float32}, autocast+GradScaler ${accuracy.amp}`);
      expect(accuracy.float32).toBeGreaterThan(0.85);
      expect(Math.abs(accuracy.amp - accuracy.float32)).toBeLessThan(0.02);
    });
  }
});
