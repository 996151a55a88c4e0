/**
 * examples/nanogpt.ts (karpathy/nanoGPT, shakespeare_char) against PyTorch 1.13: the example's own
 * prepare(), GPT (tied weights, scaledDotProductAttention(isCausal)), configureOptimizers (AdamW,
 * decay / no-decay groups), getLr and train() for 12 iterations on the batches PyTorch drew, from
 * fixed weights, dropout 0 (test/fixtures/examples/nanogpt.py made the reference; PyTorch 1.13 runs
 * model.py's explicit masked-softmax attention, the same math). Per-step losses, lrs and clip norms
 * within 1e-4 relative, each parameter's total change within 2e-3 (c_attn.bias: its query and value thirds; the key
 * third's gradient is zero in exact arithmetic, so AdamW moves it by rounding noise), and generate() with topK 1
 * (greedy) gives PyTorch's tokens from the initial and from the trained weights, past the block size.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, GPT, getBatch, prepare, type TrainConfig, train } from '../../examples/nanogpt.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';
import { checksums, type ExampleFixture, loadFixedInit, loadFixture, relErr } from './fixed-init.js';

interface Fixture extends ExampleFixture {
  vocab_size: number;
  config: Omit<TrainConfig, 'data' | 'device'> & { prompt: string };
  batches: number[][];
  generated_init: number[];
  generated: number[];
}
const fx = loadFixture<Fixture>('nanogpt.json');
const data = prepare(new URL('../../examples/data/shakespeare-char/input.txt', import.meta.url).pathname);

describe('examples/nanogpt.ts matches karpathy/nanoGPT', () => {
  it('encodes the text as prepare.py does', () => {
    expect(data.chars.length).toBe(fx.vocab_size);
    expect(data.decode(data.encode(fx.config.prompt))).toBe(fx.config.prompt);
  });
  for (const dev of testDevices()) {
    it(`trains and samples on ${dev}`, { timeout: 120_000 }, async () => {
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
      expect(model.lm_head.weight).toBe(model.transformer.wte.weight);
      const init = loadFixedInit(model, fx.init);
      model.to(device);
      expect(model.lm_head.weight).toBe(model.transformer.wte.weight);
      const prompt = torch
        .tensor(data.encode(fx.config.prompt), { dtype: torch.long, device })
        .index(null, '...');

      model.eval();
      const first = await model.generate(prompt, c.max_new_tokens, { topK: 1 }).index(0).tolist();
      expect(first).toEqual(fx.generated_init);
      model.train();

      const optimizer = model.configureOptimizers(c.weight_decay, c.learning_rate, [c.beta1, c.beta2], dev, {
        verbose: false,
      });
      expect(optimizer.paramGroups.map((g) => g.params.length)).toEqual([
        2 + 4 * c.n_layer, // wte (= lm_head), wpe, and per block c_attn, c_proj, c_fc, mlp.c_proj
        2 + 8 * c.n_layer, // ln_f, and per block ln_1, ln_2 and the four Linear biases
      ]);
      let b = 0;
      const { losses, lrs, gradNorms } = await train({
        model,
        optimizer,
        config: c,
        nextBatch: () => getBatch(data.train, c, device, fx.batches[b++]),
      });
      expect(b).toBe(fx.batches.length);
      const worstLoss = Math.max(...losses.map((l, i) => relErr(l, fx.steps[i].loss)));
      const worstNorm = Math.max(...gradNorms.map((n, i) => relErr(n, fx.steps[i].grad_norm!)));
      console.log(
        `nanogpt ${dev}: worst loss rel err ${worstLoss.toExponential(2)}, clip norm ${worstNorm.toExponential(2)}`,
      );
      expect(losses.length).toBe(fx.steps.length);
      expect(worstLoss).toBeLessThan(1e-4);
      expect(worstNorm).toBeLessThan(1e-4);
      lrs.forEach((lr, i) => {
        expect(lr).toBeCloseTo(fx.steps[i].lr!, 12);
      });
      const sums = await checksums(model, init, fx.final);
      for (const [name, s] of Object.entries(fx.final)) {
        expect(relErr(sums[name].delta_abs_sum, s.delta_abs_sum), name).toBeLessThan(2e-3);
        expect(Math.abs(sums[name].delta_sum - s.delta_sum), name).toBeLessThan(2e-3 * s.delta_abs_sum);
      }

      model.eval();
      const out = (await model.generate(prompt, c.max_new_tokens, { topK: 1 }).index(0).tolist()) as number[];
      expect(out.length).toBeGreaterThan(c.block_size); // the crop to block_size ran
      expect(out).toEqual(fx.generated);
    });
  }
});
