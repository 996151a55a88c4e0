/**
 * The five training steps of issue 18, built for one device, for the WebGPU step-cost
 * benchmark (bench/webgpu-steady.ts) and its regression test (test/webgpu/steady-models.test.ts):
 *
 * - `simplenet`: the tutorial's SimpleNet (784-128-10), CrossEntropyLoss, SGD lr 0.01.
 * - `mlp`: PyTorch's quickstart NeuralNetwork (Flatten, 784-512-512-10 with ReLUs), SGD lr 1e-3.
 * - `cnn`: pytorch/examples mnist/main.py's Net (conv 32, conv 64, max-pool, dropout, fc 9216-128,
 *   fc 128-10, log_softmax) with F.nllLoss and Adadelta lr 1.
 * - `gpt`: a nanoGPT-style decoder (token + position embeddings, `layers` blocks of LayerNorm ->
 *   causal F.scaledDotProductAttention (qkv in one Linear) -> LayerNorm -> Linear/GELU/Linear MLP,
 *   final LayerNorm, lm head), cross-entropy, AdamW lr 1e-3.
 * - `lstm`: bench/lstm.ts's language model (Embedding -> 2-layer LSTM -> Linear), SGD lr 0.1.
 *
 * Each step uploads its batch from host memory (a few pre-made batches, cycled), then
 * zeroGrad / forward / backward / step, and keeps the loss on the device (no readback).
 * `small` sizes (CNN batch 4, GPT block 16 batch 2, LSTM 2x32 seq 8) keep the test fast on a
 * software adapter and record the same kernels; the defaults are the sizes.
 */
import { Net as MnistNet } from '../examples/mnist-cnn.js';
import { NeuralNetwork } from '../examples/quickstart.js';
import { SimpleNet } from '../src/cli/models.js';
import * as torch from '../src/index.js';

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

export const MODEL_NAMES = ['simplenet', 'mlp', 'cnn', 'gpt', 'lstm'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface StepModel {
  name: ModelName;
  /** One training step; returns the loss (on the device, not read). */
  step: () => Tensor;
  /** What the step trains, in words (for tables). */
  describe: string;
}

export interface GptConfig {
  vocab: number;
  block: number;
  embd: number;
  heads: number;
  layers: number;
}

class CausalSelfAttention extends nn.Module {
  cAttn: torch.nn.Linear;
  cProj: torch.nn.Linear;
  constructor(
    readonly embd: number,
    readonly heads: number,
  ) {
    super();
    this.cAttn = new nn.Linear(embd, 3 * embd);
    this.cProj = new nn.Linear(embd, embd);
  }
  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    const hs = C / this.heads;
    const [q, k, v] = this.cAttn(x)
      .split(this.embd, 2)
      .map((t) => t.view([B, T, this.heads, hs]).transpose(1, 2));
    const y = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    return this.cProj(y.transpose(1, 2).contiguous().view([B, T, C]));
  }
}

class Block extends nn.Module {
  ln1: torch.nn.LayerNorm;
  attn: CausalSelfAttention;
  ln2: torch.nn.LayerNorm;
  fc: torch.nn.Linear;
  gelu = new nn.GELU();
  proj: torch.nn.Linear;
  constructor(embd: number, heads: number) {
    super();
    this.ln1 = new nn.LayerNorm(embd);
    this.attn = new CausalSelfAttention(embd, heads);
    this.ln2 = new nn.LayerNorm(embd);
    this.fc = new nn.Linear(embd, 4 * embd);
    this.proj = new nn.Linear(4 * embd, embd);
  }
  override forward(x: Tensor): Tensor {
    x = x.add(this.attn(this.ln1(x)));
    return x.add(this.proj(this.gelu(this.fc(this.ln2(x)))));
  }
}

/** nanoGPT's GPT with dropout 0 and an untied lm head. */
export class Gpt extends nn.Module {
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  h: torch.nn.ModuleList;
  lnF: torch.nn.LayerNorm;
  lmHead: torch.nn.Linear;
  constructor(readonly cfg: GptConfig) {
    super();
    this.wte = new nn.Embedding(cfg.vocab, cfg.embd);
    this.wpe = new nn.Embedding(cfg.block, cfg.embd);
    this.h = new nn.ModuleList(Array.from({ length: cfg.layers }, () => new Block(cfg.embd, cfg.heads)));
    this.lnF = new nn.LayerNorm(cfg.embd);
    this.lmHead = new nn.Linear(cfg.embd, cfg.vocab);
  }
  override forward(idx: Tensor, pos: Tensor): Tensor {
    let x = this.wte(idx).add(this.wpe(pos));
    for (const b of this.h) x = (b as Block)(x);
    return this.lmHead(this.lnF(x));
  }
}

export interface LstmConfig {
  vocab: number;
  embd: number;
  hidden: number;
  layers: number;
  seq: number;
  batch: number;
}

class LstmLM extends nn.Module {
  encoder: torch.nn.Embedding;
  rnn: torch.nn.LSTM;
  decoder: torch.nn.Linear;
  constructor(readonly cfg: LstmConfig) {
    super();
    this.encoder = new nn.Embedding(cfg.vocab, cfg.embd);
    this.rnn = new nn.LSTM(cfg.embd, cfg.hidden, cfg.layers);
    this.decoder = new nn.Linear(cfg.hidden, cfg.vocab);
  }
  override forward(x: Tensor): Tensor {
    const [out] = this.rnn(this.encoder(x));
    return this.decoder((out as Tensor).reshape([this.cfg.seq * this.cfg.batch, this.cfg.hidden]));
  }
}

/** Cycles through `n` batches made once on the host by `make`. */
function cycle<T>(n: number, make: (i: number) => T): () => T {
  const xs = Array.from({ length: n }, (_, i) => make(i));
  let k = 0;
  return () => xs[k++ % n];
}

/** Builds model `name` on `device`, seeded, with its optimizer and batches; `small` for tests. */
export function buildStep(name: ModelName, device: torch.Device, small = false): StepModel {
  torch.manualSeed(0);
  const dev = device;
  switch (name) {
    case 'simplenet':
    case 'mlp': {
      const B = 64;
      const model = (name === 'mlp' ? new NeuralNetwork() : new SimpleNet()).to(dev);
      const opt = new optim.SGD(model.parameters(), { lr: name === 'mlp' ? 1e-3 : 0.01 });
      const crit = new nn.CrossEntropyLoss();
      const next = cycle(4, () => [torch.rand([B, 784]), torch.randint(0, 10, [B])]);
      return {
        name,
        describe:
          name === 'mlp'
            ? 'quickstart MLP 784-512-512-10, batch 64, SGD'
            : 'SimpleNet 784-128-10, batch 64, SGD',
        step: () => {
          const [xh, yh] = next();
          const [x, y] = [xh.to(dev), yh.to(dev)];
          opt.zeroGrad();
          const loss = crit.forward(model.forward(x), y);
          loss.backward();
          opt.step();
          return loss;
        },
      };
    }
    case 'cnn': {
      const B = small ? 4 : 64;
      const model = new MnistNet().to(dev);
      model.train();
      const opt = new optim.Adadelta(model.parameters(), { lr: 1.0 });
      const next = cycle(4, () => [torch.rand([B, 1, 28, 28]), torch.randint(0, 10, [B])]);
      return {
        name,
        describe: `mnist/main.py Net, batch ${B}, Adadelta`,
        step: () => {
          const [xh, yh] = next();
          const [x, y] = [xh.to(dev), yh.to(dev)];
          opt.zeroGrad();
          const loss = F.nllLoss(model(x), y);
          loss.backward();
          opt.step();
          return loss;
        },
      };
    }
    case 'gpt': {
      const cfg: GptConfig = { vocab: 65, block: small ? 16 : 32, embd: 64, heads: 4, layers: 2 };
      const B = small ? 2 : 16;
      const T = cfg.block;
      const model = new Gpt(cfg).to(dev);
      const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
      const pos = torch.arange(0, T, { dtype: 'int64' }).to(dev);
      const next = cycle(4, () => [
        torch.randint(0, cfg.vocab, [B, T]),
        torch.randint(0, cfg.vocab, [B * T]),
      ]);
      return {
        name,
        describe: `nanoGPT-style, ${cfg.layers} layers, n_embd ${cfg.embd}, ${cfg.heads} heads, block ${T}, batch ${B}, AdamW`,
        step: () => {
          const [xh, yh] = next();
          const [x, y] = [xh.to(dev), yh.to(dev)];
          opt.zeroGrad();
          const logits = model(x, pos) as Tensor;
          const loss = F.crossEntropy(logits.view([B * T, cfg.vocab]), y);
          loss.backward();
          opt.step();
          return loss;
        },
      };
    }
    case 'lstm': {
      const cfg: LstmConfig = small
        ? { vocab: 100, embd: 32, hidden: 32, layers: 2, seq: 8, batch: 4 }
        : { vocab: 10000, embd: 200, hidden: 200, layers: 2, seq: 35, batch: 20 };
      const model = new LstmLM(cfg).to(dev);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      const crit = new nn.CrossEntropyLoss();
      const next = cycle(4, () => [
        torch.randint(0, cfg.vocab, [cfg.seq, cfg.batch], { dtype: 'int32' }),
        torch.randint(0, cfg.vocab, [cfg.seq * cfg.batch], { dtype: 'int32' }),
      ]);
      return {
        name,
        describe: `LSTM LM vocab ${cfg.vocab}, ${cfg.layers}x${cfg.hidden}, seq ${cfg.seq}, batch ${cfg.batch}, SGD`,
        step: () => {
          const [xh, yh] = next();
          const [x, y] = [xh.to(dev), yh.to(dev)];
          opt.zeroGrad();
          const loss = crit.forward(model(x) as Tensor, y);
          loss.backward();
          opt.step();
          return loss;
        },
      };
    }
  }
}
