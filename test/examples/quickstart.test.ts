/**
 * examples/quickstart.ts (PyTorch's tutorial "Quickstart") against PyTorch 1.13: the example's own
 * NeuralNetwork and train() with SGD(lr 1e-3) + CrossEntropyLoss, from fixed weights, over a real
 * DataLoader (batch 16, no shuffle) of 96 fixed digits (test/fixtures/examples/quickstart.py made
 * the reference). Per-step losses within 1e-4 relative; each parameter's total change within 2e-3.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NeuralNetwork, train } from '../../examples/quickstart.js';
import { readIdx } from '../../src/data/datasets/idx.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';
import { checksums, type ExampleFixture, loadFixedInit, loadFixture, relErr } from './fixed-init.js';

const fx = loadFixture<ExampleFixture & { batch: number; steps_n: number }>('quickstart.json');

/** Digits (j * 997) % 10000 of data/mnist-10k, byte/255 (ToTensor). */
function digits(n: number): [torch.Tensor, torch.Tensor] {
  const file = (f: string) => readFileSync(new URL(`../../data/mnist-10k/${f}`, import.meta.url));
  const images = readIdx(file('images-idx3-ubyte.gz'), 'images').data;
  const labels = readIdx(file('labels-idx1-ubyte.gz'), 'labels').data;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const k = (j * 997) % 10000;
    for (let p = 0; p < 784; p++) x[j * 784 + p] = images[k * 784 + p];
    y[j] = labels[k];
  }
  return [torch.tensor(x).reshape(n, 1, 28, 28).div(255), torch.tensor(y)];
}

describe('examples/quickstart.ts matches the PyTorch quickstart', () => {
  const [x, y] = digits(fx.batch * fx.steps_n);
  for (const dev of testDevices()) {
    it(`on ${dev}`, { timeout: 120_000 }, async () => {
      const device = torch.device(dev);
      const model = new NeuralNetwork();
      const init = loadFixedInit(model, fx.init);
      model.to(device);
      // TensorDataset's items are typed Tensor[] (not a pair): the cast only narrows the type.
      const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x, y), {
        batchSize: fx.batch,
      }) as unknown as Parameters<typeof train>[0];
      const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });
      const losses = await train(loader, model, new torch.nn.CrossEntropyLoss(), optimizer, device);
      const worst = Math.max(...losses.map((l, i) => relErr(l, fx.steps[i].loss)));
      console.log(`quickstart ${dev}: worst loss rel err ${worst.toExponential(2)}`);
      expect(losses.length).toBe(fx.steps.length);
      expect(worst).toBeLessThan(1e-4);
      const sums = await checksums(model, init);
      for (const [name, c] of Object.entries(fx.final)) {
        expect(relErr(sums[name].delta_abs_sum, c.delta_abs_sum), name).toBeLessThan(2e-3);
        expect(Math.abs(sums[name].delta_sum - c.delta_sum), name).toBeLessThan(2e-3 * c.delta_abs_sum);
      }
    });
  }
});
