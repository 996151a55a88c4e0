/**
 * examples/nanogpt.ts trained under torch.autocast (train.py's `dtype`): float16 + GradScaler on
 * WebGPU, bfloat16 on the CPU, from the fixed weights and batches of test/examples/nanogpt.test.ts.
 * Each step's loss stays within 16-bit noise of PyTorch's float32 run (the fixture).
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, GPT, getBatch, prepare, type TrainConfig, train } from '../../examples/nanogpt.js';
import * as torch from '../../src/index.js';
import { type ExampleFixture, loadFixedInit, loadFixture, relErr } from '../examples/fixed-init.js';
import { testDevices } from '../helpers/devices.js';

interface Fixture extends ExampleFixture {
  config: Omit<TrainConfig, 'data' | 'device'>;
  batches: number[][];
}
const fx = loadFixture<Fixture>('nanogpt.json');
const data = prepare(new URL('../../examples/data/shakespeare-char/input.txt', import.meta.url).pathname);

describe('examples/nanogpt.ts under autocast', () => {
  for (const dev of testDevices()) {
    const amp = dev === 'cpu' ? 'bfloat16' : 'float16';
    it(`${amp} on ${dev}: losses within noise of float32`, { timeout: 300_000 }, async () => {
      const device = torch.device(dev);
      const c: TrainConfig = { ...defaultConfig, ...fx.config, log_interval: 1e9, device: dev };
      const model = new GPT(
        {
          blockSize: c.block_size,
          vocabSize: data.chars.length,
          nLayer: c.n_layer,
          nHead: c.n_head,
          nEmbd: c.n_embd,
          dropout: c.dropout,
          bias: c.bias,
        },
        { verbose: false },
      );
      loadFixedInit(model, fx.init);
      model.to(device);
      const optimizer = model.configureOptimizers(c.weight_decay, c.learning_rate, [c.beta1, c.beta2], dev, {
        verbose: false,
      });
      let b = 0;
      const { losses } = await train({
        model,
        optimizer,
        config: c,
        nextBatch: () => getBatch(data.train, c, device, fx.batches[b++]),
        amp,
      });
      const worst = Math.max(...losses.map((l, i) => relErr(l, fx.steps[i].loss)));
      console.log(`nanogpt ${dev} ${amp}: worst loss rel err vs float32 ${worst.toExponential(2)}`);
      for (const p of model.parameters()) expect(p.dtype).toBe('float32');
      expect(losses.length).toBe(fx.steps.length);
      expect(worst).toBeLessThan(amp === 'bfloat16' ? 3e-2 : 1e-2);
    });
  }
});
