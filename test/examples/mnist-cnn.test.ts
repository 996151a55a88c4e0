/**
 * examples/mnist-cnn.ts (pytorch/examples mnist/main.py) against PyTorch 1.13: the example's own
 * Net and train() with Adadelta(lr 1.0) + StepLR(1, 0.7), from fixed weights, on 3 epochs of 2
 * fixed batches of 8 digits (test/fixtures/examples/mnist_cnn.py made the reference; dropout p = 0
 * on both sides). Per-step losses within 1e-4 relative, the lr per step exactly, and each
 * parameter's total change (sum and sum of |.|) within 2e-3 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Args, Net, train } from '../../examples/mnist-cnn.js';
import { readIdx } from '../../src/data/datasets/idx.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';
import { checksums, type ExampleFixture, loadFixedInit, loadFixture, relErr } from './fixed-init.js';

const fx = loadFixture<ExampleFixture & { batch: number; batches_per_epoch: number; epochs: number }>(
  'mnist_cnn.json',
);

/** Digits (j * 997) % 10000 of data/mnist-10k, byte/255, normalised as transforms.Normalize does. */
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
  return [torch.tensor(x).reshape(n, 1, 28, 28).div(255).sub(0.1307).div(0.3081), torch.tensor(y)];
}

const args: Args = {
  batchSize: fx.batch,
  testBatchSize: 1000,
  epochs: fx.epochs,
  lr: 1.0,
  gamma: 0.7,
  dryRun: false,
  seed: 1,
  logInterval: 1e9,
  saveModel: false,
  steps: Number.POSITIVE_INFINITY,
  device: undefined,
};

describe('examples/mnist-cnn.ts matches pytorch/examples mnist/main.py', () => {
  const [x, y] = digits(fx.batch * fx.batches_per_epoch * fx.epochs);
  for (const dev of testDevices()) {
    it(`on ${dev}`, { timeout: 120_000 }, async () => {
      const device = torch.device(dev);
      const model = new Net();
      const init = loadFixedInit(model, fx.init);
      // Dropout off, as in the reference: p = 0 (train() still calls model.train()).
      for (const d of [model.dropout1, model.dropout2]) (d as { p: number }).p = 0;
      model.to(device);
      const optimizer = new torch.optim.Adadelta(model.parameters(), { lr: args.lr });
      const scheduler = new torch.optim.lr_scheduler.StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
      const losses: number[] = [];
      const lrs: number[] = [];
      for (let epoch = 0; epoch < fx.epochs; epoch++) {
        const batches: [torch.Tensor, torch.Tensor][] = [];
        for (let b = 0; b < fx.batches_per_epoch; b++) {
          const i = (epoch * fx.batches_per_epoch + b) * fx.batch;
          batches.push([x.index([i, i + fx.batch]), y.index([i, i + fx.batch])]);
          lrs.push(optimizer.paramGroups[0].lr as number);
        }
        losses.push(
          ...(await train(
            args,
            model,
            device,
            batches,
            optimizer,
            epoch + 1,
            fx.batch * fx.batches_per_epoch,
          )),
        );
        scheduler.step();
      }
      const worst = Math.max(...losses.map((l, i) => relErr(l, fx.steps[i].loss)));
      console.log(`mnist-cnn ${dev}: worst loss rel err ${worst.toExponential(2)}`);
      expect(losses.length).toBe(fx.steps.length);
      expect(worst).toBeLessThan(1e-4);
      expect(lrs).toEqual(fx.steps.map((s) => s.lr));
      const sums = await checksums(model, init);
      for (const [name, c] of Object.entries(fx.final)) {
        expect(relErr(sums[name].delta_abs_sum, c.delta_abs_sum), name).toBeLessThan(2e-3);
        expect(Math.abs(sums[name].delta_sum - c.delta_sum), name).toBeLessThan(2e-3 * c.delta_abs_sum);
      }
    });
  }
});
