/**
 * karpathy/nanoGPT (model.py, train.py, data/shakespeare_char/prepare.py, sample.py), ported
 * mechanically: a character-level GPT (causal self-attention through `F.scaledDotProductAttention`,
 * GELU MLP, LayerNorm, tied token embedding / head), AdamW with decay / no-decay groups, warmup +
 * cosine learning rate, `clip_grad_norm_`, then `generate()` with top-k sampling. Trains on
 * examples/data/shakespeare-char/input.txt (five sonnets; any text file with `--data=FILE`).
 * Run: npx tsx examples/nanogpt.ts [--device=cpu|webgpu] [--max_iters=N] [--n_layer=N] [--n_embd=N] ...
 * Every key of the config below can be overridden with `--key=value`, as nanoGPT's configurator.py.
 * test/examples/nanogpt.test.ts checks train() and generate() against PyTorch 1.13.
 *
 * PyTorch original                                          torchts
 * q, k, v = self.c_attn(x).split(self.n_embd, dim=2)        const [q, k, v] = this.c_attn(x).split(this.n_embd, 2)
 * F.scaled_dot_product_attention(q, k, v, attn_mask=None,   F.scaledDotProductAttention(q, k, v, { attnMask: null,
 *     dropout_p=..., is_causal=True)                            dropoutP: ..., isCausal: true })
 * nn.ModuleDict(dict(wte=..., h=nn.ModuleList([...])))      new nn.ModuleDict({ wte: ..., h: new nn.ModuleList([...]) })
 * self.transformer.wte.weight = self.lm_head.weight         the same (assigning the Parameter ties them)
 * self.apply(self._init_weights)                            this.apply((m) => this._initWeights(m))
 * isinstance(module, nn.Linear)                             module instanceof nn.Linear
 * b, t = idx.size()                                         const [b, t] = idx.shape
 * x[:, [-1], :]                                             x.index(':', [-1], ':')  (a slice keeps the dim)
 * logits[:, -1, :] / temperature                            logits.index(':', -1, ':').div(temperature)
 * logits[logits < v[:, [-1]]] = -float('Inf')               logits.maskedFill_(logits.lt(v.index(':', [-1])), -Infinity)
 * torch.multinomial(probs, num_samples=1)                   torch.multinomial(probs, 1)
 * @torch.no_grad() def generate(...)                        generate(...) { return torch.noGrad(() => ...) }
 * {'params': decay_params, 'weight_decay': weight_decay}    { params: decayParams, weightDecay }
 * param_group['lr'] = lr                                    paramGroup.lr = lr
 * optimizer.zero_grad(set_to_none=True)                     optimizer.zeroGrad(true)
 * np.memmap(train.bin, dtype=np.uint16)                     the encoded text as an int tensor in memory
 * torch.stack([torch.from_numpy(data[i:i+bs]) for i in ix]) torch.stack(ix.map((i) => data.index([i, i + bs])))
 * lossf = loss.item()                                       const lossf = await loss.item()
 * exec(open('configurator.py').read())                      --key=value parsed into the config object
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as torch from '../src/index.js';

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

// ---- model.py ----

/** LayerNorm but with an optional bias. PyTorch doesn't support simply bias=False */
export class LayerNorm extends nn.Module {
  weight: torch.nn.Parameter;
  bias: torch.nn.Parameter | null;

  constructor(ndim: number, bias: boolean) {
    super();
    this.weight = new nn.Parameter(torch.ones(ndim));
    this.bias = bias ? new nn.Parameter(torch.zeros(ndim)) : null;
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.weight.shape, this.weight, this.bias, 1e-5);
  }
}

export interface GPTConfig {
  blockSize: number;
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
  /** True: bias in Linears and LayerNorms, like GPT-2. False: a bit better and faster */
  bias: boolean;
}

export const defaultGPTConfig: GPTConfig = {
  blockSize: 1024,
  vocabSize: 50304, // GPT-2 vocab_size of 50257, padded up to nearest multiple of 64 for efficiency
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
  dropout: 0.0,
  bias: true,
};

export class CausalSelfAttention extends nn.Module {
  c_attn: torch.nn.Linear;
  c_proj: torch.nn.Linear;
  attn_dropout: torch.nn.Dropout;
  resid_dropout: torch.nn.Dropout;
  n_head: number;
  n_embd: number;
  dropout: number;

  constructor(config: GPTConfig) {
    super();
    if (config.nEmbd % config.nHead !== 0) throw new Error('n_embd must be a multiple of n_head');
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(config.nEmbd, 3 * config.nEmbd, { bias: config.bias });
    // output projection
    this.c_proj = new nn.Linear(config.nEmbd, config.nEmbd, { bias: config.bias });
    // regularization
    this.attn_dropout = new nn.Dropout(config.dropout);
    this.resid_dropout = new nn.Dropout(config.dropout);
    this.n_head = config.nHead;
    this.n_embd = config.nEmbd;
    this.dropout = config.dropout;
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape; // batch size, sequence length, embedding dimensionality (n_embd)

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn(x).split(this.n_embd, 2);
    k = k.view(B, T, this.n_head, C / this.n_head).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, C / this.n_head).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, C / this.n_head).transpose(1, 2); // (B, nh, T, hs)

    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let y = F.scaledDotProductAttention(q, k, v, {
      attnMask: null,
      dropoutP: this.training ? this.dropout : 0,
      isCausal: true,
    });
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    return this.resid_dropout(this.c_proj(y));
  }
}

export class MLP extends nn.Module {
  c_fc: torch.nn.Linear;
  gelu: torch.nn.GELU;
  c_proj: torch.nn.Linear;
  dropout: torch.nn.Dropout;

  constructor(config: GPTConfig) {
    super();
    this.c_fc = new nn.Linear(config.nEmbd, 4 * config.nEmbd, { bias: config.bias });
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * config.nEmbd, config.nEmbd, { bias: config.bias });
    this.dropout = new nn.Dropout(config.dropout);
  }

  override forward(x: Tensor): Tensor {
    x = this.c_fc(x);
    x = this.gelu(x);
    x = this.c_proj(x);
    x = this.dropout(x);
    return x;
  }
}

export class Block extends nn.Module {
  ln_1: LayerNorm;
  attn: CausalSelfAttention;
  ln_2: LayerNorm;
  mlp: MLP;

  constructor(config: GPTConfig) {
    super();
    this.ln_1 = new LayerNorm(config.nEmbd, config.bias);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new LayerNorm(config.nEmbd, config.bias);
    this.mlp = new MLP(config);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.attn(this.ln_1(x)));
    x = x.add(this.mlp(this.ln_2(x)));
    return x;
  }
}

/** nn.ModuleDict(dict(wte=..., wpe=..., drop=..., h=..., ln_f=...)), typed. */
type Transformer = torch.nn.ModuleDict & {
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  drop: torch.nn.Dropout;
  h: torch.nn.ModuleList;
  ln_f: LayerNorm;
};

export class GPT extends nn.Module {
  config: GPTConfig;
  transformer: Transformer;
  lm_head: torch.nn.Linear;

  constructor(config: GPTConfig, { verbose = true } = {}) {
    super();
    this.config = config;
    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocabSize, config.nEmbd),
      wpe: new nn.Embedding(config.blockSize, config.nEmbd),
      drop: new nn.Dropout(config.dropout),
      h: new nn.ModuleList(Array.from({ length: config.nLayer }, () => new Block(config))),
      ln_f: new LayerNorm(config.nEmbd, config.bias),
    }) as Transformer;
    this.lm_head = new nn.Linear(config.nEmbd, config.vocabSize, { bias: false });
    this.transformer.wte.weight = this.lm_head.weight; // https://paperswithcode.com/method/weight-tying

    // init all weights
    this.apply((m) => this._initWeights(m));
    // apply special scaled init to the residual projections, per GPT-2 paper
    for (const [pn, p] of this.namedParameters())
      if (pn.endsWith('c_proj.weight')) nn.init.normal_(p, 0.0, 0.02 / Math.sqrt(2 * config.nLayer));

    // report number of parameters
    if (verbose) console.log(`number of parameters: ${(this.getNumParams() / 1e6).toFixed(2)}M`);
  }

  /**
   * Return the number of parameters in the model. For non-embedding count (default), the position
   * embeddings get subtracted. The token embeddings would too, except due to the parameter sharing
   * these params are actually used as weights in the final layer, so we include them.
   */
  getNumParams(nonEmbedding = true): number {
    let nParams = this.parameters().reduce((s, p) => s + p.numel(), 0);
    if (nonEmbedding) nParams -= this.transformer.wpe.weight.numel();
    return nParams;
  }

  _initWeights(module: torch.nn.Module): void {
    if (module instanceof nn.Linear) {
      nn.init.normal_(module.weight, 0.0, 0.02);
      if (module.bias !== null) nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      nn.init.normal_(module.weight, 0.0, 0.02);
    }
  }

  override forward(idx: Tensor, targets?: Tensor): [Tensor, Tensor | null] {
    const device = idx.device;
    const [, t] = idx.shape;
    if (t > this.config.blockSize)
      throw new Error(`Cannot forward sequence of length ${t}, block size is only ${this.config.blockSize}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }); // shape (t)

    // forward the GPT model itself
    const tokEmb = this.transformer.wte(idx); // token embeddings of shape (b, t, n_embd)
    const posEmb = this.transformer.wpe(pos); // position embeddings of shape (t, n_embd)
    let x = this.transformer.drop(tokEmb.add(posEmb));
    for (const block of this.transformer.h) x = block(x);
    x = this.transformer.ln_f(x);

    if (targets !== undefined) {
      // if we are given some desired targets also calculate the loss
      const logits = this.lm_head(x);
      const loss = F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });
      return [logits, loss];
    }
    // inference-time mini-optimization: only forward the lm_head on the very last position
    return [this.lm_head(x.index(':', [-1], ':')), null]; // note: a slice to preserve the time dim
  }

  configureOptimizers(
    weightDecay: number,
    learningRate: number,
    betas: [number, number],
    _deviceType: string,
    { verbose = true } = {},
  ): torch.optim.AdamW {
    // start with all of the candidate parameters, filter out those that do not require grad
    const paramDict = [...this.namedParameters()].filter(([, p]) => p.requiresGrad);
    // create optim groups. Any parameters that is 2D will be weight decayed, otherwise no.
    // i.e. all weight tensors in matmuls + embeddings decay, all biases and layernorms don't.
    const decayParams = paramDict.filter(([, p]) => p.dim() >= 2).map(([, p]) => p);
    const nodecayParams = paramDict.filter(([, p]) => p.dim() < 2).map(([, p]) => p);
    const optimGroups = [
      { params: decayParams, weightDecay },
      { params: nodecayParams, weightDecay: 0.0 },
    ];
    if (verbose) {
      const count = (ps: Tensor[]) => ps.reduce((s, p) => s + p.numel(), 0).toLocaleString('en-US');
      console.log(
        `num decayed parameter tensors: ${decayParams.length}, with ${count(decayParams)} parameters`,
      );
      console.log(
        `num non-decayed parameter tensors: ${nodecayParams.length}, with ${count(nodecayParams)} parameters`,
      );
    }
    // torchts' AdamW takes its fused single-kernel update on every device by itself
    return new torch.optim.AdamW(optimGroups, { lr: learningRate, betas });
  }

  /**
   * Take a conditioning sequence of indices idx (LongTensor of shape (b,t)) and complete the
   * sequence maxNewTokens times, feeding the predictions back into the model each time. Most
   * likely you'll want to make sure to be in model.eval() mode of operation for this.
   */
  generate(
    idx: Tensor,
    maxNewTokens: number,
    { temperature = 1.0, topK = null as number | null } = {},
  ): Tensor {
    return torch.noGrad(() => {
      for (let i = 0; i < maxNewTokens; i++) {
        // if the sequence context is growing too long we must crop it at block_size
        const idxCond =
          idx.size(1) <= this.config.blockSize ? idx : idx.index(':', [-this.config.blockSize, null]);
        // forward the model to get the logits for the index in the sequence
        let [logits] = this.forward(idxCond);
        // pluck the logits at the final step and scale by desired temperature
        logits = logits.index(':', -1, ':').div(temperature);
        // optionally crop the logits to only the top k options
        if (topK !== null) {
          const [v] = torch.topk(logits, Math.min(topK, logits.size(-1)));
          logits.maskedFill_(logits.lt(v.index(':', [-1])), Number.NEGATIVE_INFINITY);
        }
        // apply softmax to convert logits to (normalized) probabilities
        const probs = F.softmax(logits, { dim: -1 });
        // sample from the distribution
        const idxNext = torch.multinomial(probs, 1);
        // append sampled index to the running sequence and continue
        idx = torch.cat([idx, idxNext], 1);
      }
      return idx;
    });
  }
}

// ---- data/shakespeare_char/prepare.py ----

export interface CharData {
  chars: string[];
  encode: (s: string) => number[];
  decode: (l: number[]) => string;
  /** The first 90% of the text, encoded (train.bin), and the rest (val.bin), as int tensors on the CPU. */
  train: Tensor;
  val: Tensor;
}

export function prepare(path: string): CharData {
  const data = Array.from(readFileSync(path, 'utf8')); // code points, as Python's str
  // get all the unique characters that occur in this text
  const chars = [...new Set(data)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  // create a mapping from characters to integers
  const stoi = new Map(chars.map((ch, i) => [ch, i]));
  const encode = (s: string) => Array.from(s, (c) => stoi.get(c)!);
  const decode = (l: number[]) => l.map((i) => chars[i]).join('');
  // create the train and test splits
  const n = data.length;
  const trainData = data.slice(0, Math.floor(n * 0.9)).join('');
  const valData = data.slice(Math.floor(n * 0.9)).join('');
  return {
    chars,
    encode,
    decode,
    train: torch.tensor(encode(trainData), { dtype: torch.long }),
    val: torch.tensor(encode(valData), { dtype: torch.long }),
  };
}

// ---- train.py ----

export interface TrainConfig {
  // I/O
  eval_interval: number;
  log_interval: number;
  eval_iters: number;
  // data
  data: string;
  gradient_accumulation_steps: number;
  batch_size: number;
  block_size: number;
  // model
  n_layer: number;
  n_head: number;
  n_embd: number;
  dropout: number;
  bias: boolean;
  // adamw optimizer
  learning_rate: number;
  max_iters: number;
  weight_decay: number;
  beta1: number;
  beta2: number;
  grad_clip: number;
  // learning rate decay settings
  decay_lr: boolean;
  warmup_iters: number;
  lr_decay_iters: number;
  min_lr: number;
  // system
  device: string;
  seed: number;
  // sample.py
  start: string;
  num_samples: number;
  max_new_tokens: number;
  temperature: number;
  top_k: number;
}

/** config/train_shakespeare_char.py, made smaller for a few-KB text and a CPU. */
export const defaultConfig: TrainConfig = {
  eval_interval: 100,
  log_interval: 10,
  eval_iters: 20,
  data: new URL('data/shakespeare-char/input.txt', import.meta.url).pathname,
  gradient_accumulation_steps: 1,
  batch_size: 16,
  block_size: 64,
  n_layer: 4,
  n_head: 4,
  n_embd: 64,
  dropout: 0.0,
  bias: true,
  learning_rate: 1e-3,
  max_iters: 500,
  weight_decay: 1e-1,
  beta1: 0.9,
  beta2: 0.99,
  grad_clip: 1.0,
  decay_lr: true,
  warmup_iters: 50,
  lr_decay_iters: 500,
  min_lr: 1e-4,
  device: '',
  seed: 1337,
  start: '\n',
  num_samples: 2,
  max_new_tokens: 200,
  temperature: 0.8,
  top_k: 20,
};

/** A batch of `batch_size` random windows: x the tokens, y the same shifted by one. */
export function getBatch(
  data: Tensor,
  c: TrainConfig,
  device: torch.Device,
  ix?: number[],
): [Tensor, Tensor] {
  ix ??= torch.randint(data.size(0) - c.block_size, [c.batch_size]).tolistSync() as number[];
  const x = torch.stack(ix.map((i) => data.index([i, i + c.block_size])));
  const y = torch.stack(ix.map((i) => data.index([i + 1, i + 1 + c.block_size])));
  return [x.to(device), y.to(device)];
}

/** Learning rate decay scheduler (cosine with warmup). */
export function getLr(it: number, c: TrainConfig): number {
  // 1) linear warmup for warmup_iters steps
  if (it < c.warmup_iters) return (c.learning_rate * (it + 1)) / (c.warmup_iters + 1);
  // 2) if it > lr_decay_iters, return min learning rate
  if (it > c.lr_decay_iters) return c.min_lr;
  // 3) in between, use cosine decay down to min learning rate
  const decayRatio = (it - c.warmup_iters) / (c.lr_decay_iters - c.warmup_iters);
  const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decayRatio)); // coeff ranges 0..1
  return c.min_lr + coeff * (c.learning_rate - c.min_lr);
}

/** Helps estimate an arbitrarily accurate loss over either split using many batches. */
export async function estimateLoss(
  model: GPT,
  data: CharData,
  c: TrainConfig,
  device: torch.Device,
): Promise<{ train: number; val: number }> {
  model.eval();
  const out = { train: 0, val: 0 };
  for (const split of ['train', 'val'] as const) {
    const losses = torch.noGrad(() =>
      torch.stack(
        Array.from({ length: c.eval_iters }, () => {
          const [X, Y] = getBatch(data[split], c, device);
          return model(X, Y)[1]!;
        }),
      ),
    );
    out[split] = await losses.mean().item();
  }
  model.train();
  return out;
}

export interface TrainRun {
  model: GPT;
  optimizer: torch.optim.AdamW;
  config: TrainConfig;
  /** The next training batch (train.py's get_batch('train')). */
  nextBatch: () => [Tensor, Tensor];
  /** Called before each iteration (train.py evaluates and checkpoints here). */
  onIter?: (iterNum: number) => Promise<void>;
  /**
   * train.py's `dtype` when not float32: the forward runs under `torch.autocast` in it, and
   * float16 adds a `torch.cuda.amp.GradScaler` (train.py's `ctx` and `scaler`).
   */
  amp?: 'float16' | 'bfloat16';
}

/** train.py's loop: per iteration the loss (times the accumulation steps), the lr and the clip norm. */
export async function train(
  run: TrainRun,
): Promise<{ losses: number[]; lrs: number[]; gradNorms: number[] }> {
  const { model, optimizer, config: c, nextBatch } = run;
  const deviceType = torch.device(c.device).type === 'cpu' ? 'cpu' : 'cuda';
  const ctx = <T>(f: () => T): T => (run.amp ? torch.autocast({ deviceType, dtype: run.amp }, f) : f());
  const scaler = run.amp ? new torch.cuda.amp.GradScaler({ enabled: run.amp === 'float16' }) : null;
  const losses: number[] = [];
  const lrs: number[] = [];
  const norms: Tensor[] = [];
  let [X, Y] = nextBatch(); // fetch the very first batch
  let t0 = performance.now();
  for (let iterNum = 0; iterNum < c.max_iters; iterNum++) {
    // determine and set the learning rate for this iteration
    const lr = c.decay_lr ? getLr(iterNum, c) : c.learning_rate;
    for (const paramGroup of optimizer.paramGroups) paramGroup.lr = lr;
    await run.onIter?.(iterNum);

    // forward backward update, with optional gradient accumulation to simulate larger batch size
    let loss: Tensor | null = null;
    for (let microStep = 0; microStep < c.gradient_accumulation_steps; microStep++) {
      [, loss] = ctx(() => model(X, Y));
      loss = loss!.div(c.gradient_accumulation_steps); // scale the loss to account for gradient accumulation
      // immediately prefetch next batch while model is doing the forward pass on the GPU
      [X, Y] = nextBatch();
      // backward pass, with gradient scaling if training in fp16
      (scaler ? scaler.scale(loss) : loss).backward();
    }
    // clip the gradient
    if (c.grad_clip !== 0.0) {
      scaler?.unscale_(optimizer);
      norms.push(nn.utils.clipGradNorm_(model.parameters(), c.grad_clip));
    }
    // step the optimizer and scaler if training in fp16
    if (scaler) {
      await scaler.step(optimizer);
      scaler.update();
    } else optimizer.step();
    // flush the gradients as soon as we can, no need for this memory anymore
    optimizer.zeroGrad(true);

    // timing and logging (loss.item() is a sync point)
    const lossf = (await loss!.item()) * c.gradient_accumulation_steps;
    losses.push(lossf);
    lrs.push(lr);
    const t1 = performance.now();
    if (iterNum % c.log_interval === 0)
      console.log(`iter ${iterNum}: loss ${lossf.toFixed(4)}, time ${(t1 - t0).toFixed(2)}ms`);
    t0 = t1;
  }
  const gradNorms = norms.length ? ((await torch.stack(norms).tolist()) as number[]) : [];
  return { losses, lrs, gradNorms };
}

/** configurator.py: `--key=value` overrides a config key (the value parsed as the default's type). */
export function configure(argv: string[], base: TrainConfig = defaultConfig): TrainConfig {
  const c = { ...base } as Record<string, unknown>;
  for (const arg of argv) {
    const m = /^--([a-z_0-9]+)=(.*)$/s.exec(arg);
    if (!m || !(m[1] in c))
      throw new Error(`Unknown config key or malformed argument: ${arg} (use --key=value)`);
    const [, key, val] = m;
    const d = c[key];
    c[key] =
      typeof d === 'number' ? Number(val) : typeof d === 'boolean' ? val === 'True' || val === 'true' : val;
    if (typeof d === 'number' && Number.isNaN(c[key])) throw new Error(`--${key} needs a number, got ${val}`);
    console.log(`Overriding: ${key} = ${val}`);
  }
  return c as unknown as TrainConfig;
}

async function main() {
  const c = configure(process.argv.slice(2));
  torch.manualSeed(c.seed);
  if (c.device !== 'cpu') await torch.accelerator.init();
  const device = c.device
    ? torch.device(c.device)
    : (torch.accelerator.currentAccelerator() ?? torch.device('cpu'));
  console.log(`Using device: ${device}`);
  const data = prepare(c.data);
  console.log(`vocab size: ${data.chars.length}, train has ${data.train.size(0)} tokens`);

  const model = new GPT({
    blockSize: c.block_size,
    vocabSize: data.chars.length,
    nLayer: c.n_layer,
    nHead: c.n_head,
    nEmbd: c.n_embd,
    dropout: c.dropout,
    bias: c.bias,
  }).to(device);
  const optimizer = model.configureOptimizers(
    c.weight_decay,
    c.learning_rate,
    [c.beta1, c.beta2],
    device.type,
  );
  await train({
    model,
    optimizer,
    config: c,
    nextBatch: () => getBatch(data.train, c, device),
    onIter: async (iterNum) => {
      if (iterNum % c.eval_interval === 0) {
        const losses = await estimateLoss(model, data, c, device);
        console.log(
          `step ${iterNum}: train loss ${losses.train.toFixed(4)}, val loss ${losses.val.toFixed(4)}`,
        );
      }
    },
  });

  // ---- sample.py ----
  model.eval();
  const x = torch.tensor(data.encode(c.start), { dtype: torch.long, device }).index(null, '...');
  for (let k = 0; k < c.num_samples; k++) {
    const y = model.generate(x, c.max_new_tokens, { temperature: c.temperature, topK: c.top_k });
    console.log(data.decode((await y.index(0).tolist()) as number[]));
    console.log('---------------');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
