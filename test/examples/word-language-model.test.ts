/**
 * examples/word-language-model.ts (pytorch/examples word_language_model) against PyTorch 1.13:
 * the example's own Corpus, batchify, RNNModel (LSTM) / TransformerModel and train() (zero_grad,
 * repackage_hidden, clip_grad_norm_, p.data.add_(p.grad, alpha=-lr)) for 6 bptt windows on
 * examples/data/tiny-lm, from fixed weights, dropout 0 (test/fixtures/examples/word_language_model.py
 * made the reference). Per-step losses and clip norms within 1e-4 relative (measured: <1e-6 on
 * cpu and webgpu), and each parameter's total change within 2e-3.
 */
import { describe, expect, it } from 'vitest';
import {
  type Args,
  batchify,
  Corpus,
  RNNModel,
  TransformerModel,
  train,
} from '../../examples/word-language-model.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';
import { checksums, type ExampleFixture, loadFixedInit, loadFixture, relErr } from './fixed-init.js';

interface Fixture {
  ntokens: number;
  config: {
    emsize: number;
    nhid: number;
    nlayers: number;
    nhead: number;
    lr: number;
    clip: number;
    batch_size: number;
    bptt: number;
    dropout: number;
    steps: number;
  };
  runs: (ExampleFixture & { model: 'LSTM' | 'Transformer' })[];
}
const fx = loadFixture<Fixture & ExampleFixture>('word_language_model.json');
const c = fx.config;
const corpus = new Corpus(new URL('../../examples/data/tiny-lm', import.meta.url).pathname);
const tol = { LSTM: 1e-4, Transformer: 1e-4 };

describe('examples/word-language-model.ts matches pytorch/examples word_language_model', () => {
  it('tokenizes the corpus as data.py does', () => {
    expect(corpus.dictionary.length).toBe(fx.ntokens);
  });
  for (const ref of fx.runs) {
    for (const dev of testDevices()) {
      it(`--model ${ref.model} on ${dev}`, { timeout: 120_000 }, async () => {
        const device = torch.device(dev);
        const args: Args = {
          data: '',
          model: ref.model,
          emsize: c.emsize,
          nhid: c.nhid,
          nlayers: c.nlayers,
          lr: c.lr,
          clip: c.clip,
          epochs: 1,
          batchSize: c.batch_size,
          bptt: c.bptt,
          dropout: c.dropout,
          tied: false,
          seed: 0,
          logInterval: 1e9,
          save: '',
          nhead: c.nhead,
          dryRun: false,
          steps: c.steps,
          device: dev,
        };
        const ntokens = corpus.dictionary.length;
        const model =
          ref.model === 'Transformer'
            ? new TransformerModel(ntokens, c.emsize, c.nhead, c.nhid, c.nlayers, c.dropout)
            : new RNNModel(ref.model, ntokens, c.emsize, c.nhid, c.nlayers, c.dropout);
        const init = loadFixedInit(model, ref.init);
        model.to(device);
        const trainData = batchify(corpus.train, c.batch_size, device);
        const { losses, gradNorms } = await train({
          args,
          model,
          ntokens,
          trainData,
          criterion: new torch.nn.NLLLoss(),
          lr: c.lr,
        });
        const worstLoss = Math.max(...losses.map((l, i) => relErr(l, ref.steps[i].loss)));
        const worstNorm = Math.max(...gradNorms.map((n, i) => relErr(n, ref.steps[i].grad_norm!)));
        console.log(
          `word-language-model ${ref.model} ${dev}: worst loss rel err ${worstLoss.toExponential(2)}, clip norm ${worstNorm.toExponential(2)}`,
        );
        expect(losses.length).toBe(ref.steps.length);
        expect(worstLoss).toBeLessThan(tol[ref.model]);
        expect(worstNorm).toBeLessThan(tol[ref.model]);
        const sums = await checksums(model, init);
        for (const [name, s] of Object.entries(ref.final)) {
          expect(relErr(sums[name].delta_abs_sum, s.delta_abs_sum), name).toBeLessThan(2e-3);
          expect(Math.abs(sums[name].delta_sum - s.delta_sum), name).toBeLessThan(2e-3 * s.delta_abs_sum);
        }
      });
    }
  }
});
