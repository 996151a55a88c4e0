/**
 * pytorch/examples `word_language_model` (model.py, data.py, main.py), ported mechanically:
 * an LSTM/GRU/RNN language model or a Transformer encoder one, trained with truncated BPTT,
 * `clip_grad_norm_` and the hand-written SGD update, on Wikitext-2 or any directory of
 * train.txt / valid.txt / test.txt (default: the tiny corpus in examples/data/tiny-lm).
 * Run: npx tsx examples/word-language-model.ts [--model LSTM|GRU|RNN_TANH|RNN_RELU|Transformer]
 *      [--device cpu|webgpu] [--steps N] [--epochs N] [--data DIR] [--emsize N] [--nhid N] [--nlayers N]
 *      [--lr X] [--clip X] [--batch_size N] [--bptt N] [--dropout X] [--tied] [--nhead N] [--seed N]
 *      [--log-interval N] [--save FILE] [--dry-run]
 * `--steps N` stops each epoch after N batches (a quick run). test/examples/word-language-model.test.ts
 * checks both models' train() against PyTorch 1.13.
 *
 * PyTorch original                                          torchts
 * self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers,      this.rnn = new nn[rnnType](ninp, nhid, nlayers, { dropout })
 *                                  dropout=dropout)
 * self.decoder.weight = self.encoder.weight                  this.decoder.weight = this.encoder.weight  (the same)
 * nn.init.uniform_(w, -initrange, initrange)                 nn.init.uniform_(w, -initrange, initrange)  (the same)
 * F.log_softmax(decoded, dim=1)                              F.logSoftmax(decoded, { dim: 1 })
 * weight = next(self.parameters())                           const weight = this.parameters()[0]
 * weight.new_zeros(self.nlayers, bsz, self.nhid)             weight.newZeros(this.nlayers, bsz, this.nhid)
 * pe[:, 0::2] = torch.sin(position * div_term)               pe.index(':', [0, null, 2]).copy_(torch.sin(position.mul(divTerm)))
 * self.register_buffer('pe', pe)                             this.registerBuffer('pe', pe)
 * x + self.pe[:x.size(0), :]                                 x.add(this.pe.index([0, x.size(0)], ':'))
 * mask.float().masked_fill(mask == 0, float('-inf'))         mask.float().maskedFill(mask.eq(0), -Infinity)
 * self.encoder(src) * math.sqrt(self.ninp)                   this.encoder(src).mul(Math.sqrt(this.ninp))
 * data.narrow(0, 0, n).view(bsz, -1).t().contiguous()        the same
 * source[i:i+seq_len]                                        source.index([i, i + seqLen])
 * isinstance(h, torch.Tensor): h.detach() else tuple(...)    h instanceof torch.Tensor ? h.detach() : h.map(...)
 * torch.nn.utils.clip_grad_norm_(model.parameters(), clip)   nn.utils.clipGradNorm_(model.parameters(), clip)
 * for p in model.parameters():                               for (const p of model.parameters())
 *     p.data.add_(p.grad, alpha=-lr)                             p.data.add_(p.grad!, { alpha: -lr });
 * total_loss += loss.item()                                  summed on the device, read at each log line
 * with open(args.save, 'wb') as f: torch.save(model, f)      await torch.save(model.stateDict(), args.save)
 *                                                            (weights only: torchts does not pickle modules)
 * args.batch_size (argparse)                                 the same option names: --batch_size, --log-interval
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as torch from '../src/index.js';

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

// ---- data.py ----
export class Dictionary {
  word2idx = new Map<string, number>();
  idx2word: string[] = [];

  addWord(word: string): number {
    if (!this.word2idx.has(word)) {
      this.idx2word.push(word);
      this.word2idx.set(word, this.idx2word.length - 1);
    }
    return this.word2idx.get(word)!;
  }

  get length(): number {
    return this.idx2word.length;
  }
}

/** Python's `for line in f` (universal newlines) then `line.split()`. */
const lines = (path: string) =>
  readFileSync(path, 'utf8').replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
const split = (line: string) => line.split(/\s+/).filter((w) => w.length > 0);

export class Corpus {
  dictionary = new Dictionary();
  train: Tensor;
  valid: Tensor;
  test: Tensor;

  constructor(path: string) {
    this.train = this.tokenize(join(path, 'train.txt'));
    this.valid = this.tokenize(join(path, 'valid.txt'));
    this.test = this.tokenize(join(path, 'test.txt'));
  }

  tokenize(path: string): Tensor {
    // Add words to the dictionary
    for (const line of lines(path))
      for (const word of [...split(line), '<eos>']) this.dictionary.addWord(word);
    // Tokenize file content
    const idss: Tensor[] = [];
    for (const line of lines(path)) {
      const ids = [...split(line), '<eos>'].map((word) => this.dictionary.word2idx.get(word)!);
      idss.push(torch.tensor(ids, { dtype: torch.int64 }));
    }
    return torch.cat(idss);
  }
}

// ---- model.py ----
type RnnType = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
export type Hidden = Tensor | [Tensor, Tensor];

/** Container module with an encoder, a recurrent module, and a decoder. */
export class RNNModel extends nn.Module {
  ntoken: number;
  drop: torch.nn.Dropout;
  encoder: torch.nn.Embedding;
  rnn: torch.nn.LSTM | torch.nn.GRU | torch.nn.RNN;
  decoder: torch.nn.Linear;
  rnnType: RnnType;
  nhid: number;
  nlayers: number;

  constructor(
    rnnType: RnnType,
    ntoken: number,
    ninp: number,
    nhid: number,
    nlayers: number,
    dropout = 0.5,
    tieWeights = false,
  ) {
    super();
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    if (rnnType === 'LSTM' || rnnType === 'GRU') {
      this.rnn = new nn[rnnType](ninp, nhid, nlayers, { dropout });
    } else {
      const nonlinearity = { RNN_TANH: 'tanh', RNN_RELU: 'relu' }[rnnType];
      if (!nonlinearity)
        throw new Error(
          "An invalid option for `--model` was supplied, options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']",
        );
      this.rnn = new nn.RNN(ninp, nhid, nlayers, { nonlinearity, dropout });
    }
    this.decoder = new nn.Linear(nhid, ntoken);

    // Optionally tie weights as in "Using the Output Embedding to Improve Language Models" (Press & Wolf 2016)
    if (tieWeights) {
      if (nhid !== ninp) throw new Error('When using the tied flag, nhid must be equal to emsize');
      this.decoder.weight = this.encoder.weight;
    }
    this.initWeights();
    this.rnnType = rnnType;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.drop(this.encoder(input));
    let [output, h] = (this.rnn as torch.nn.LSTM).forward(emb, hidden as [Tensor, Tensor]) as [
      Tensor,
      Hidden,
    ];
    output = this.drop(output);
    let decoded = this.decoder(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.logSoftmax(decoded, { dim: 1 }), h];
  }

  initHidden(bsz: number): Hidden {
    const weight = this.parameters()[0];
    if (this.rnnType === 'LSTM')
      return [weight.newZeros(this.nlayers, bsz, this.nhid), weight.newZeros(this.nlayers, bsz, this.nhid)];
    return weight.newZeros(this.nlayers, bsz, this.nhid);
  }
}

/** Injects the position of each token: sine and cosine of different frequencies (Vaswani et al. 2017). */
export class PositionalEncoding extends nn.Module {
  dropout: torch.nn.Dropout;
  declare pe: Tensor;

  constructor(dModel: number, dropout = 0.1, maxLen = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });
    let pe = torch.zeros(maxLen, dModel);
    const position = torch.arange(0, maxLen, { dtype: torch.float }).unsqueeze(1);
    const divTerm = torch.exp(
      torch
        .arange(0, dModel, 2)
        .float()
        .mul(-Math.log(10000.0) / dModel),
    );
    pe.index(':', [0, null, 2]).copy_(torch.sin(position.mul(divTerm)));
    pe.index(':', [1, null, 2]).copy_(torch.cos(position.mul(divTerm)));
    pe = pe.unsqueeze(0).transpose(0, 1);
    this.registerBuffer('pe', pe);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.pe.index([0, x.size(0)], ':'));
    return this.dropout(x);
  }
}

/** Container module with an encoder, a recurrent or transformer module, and a decoder. */
export class TransformerModel extends nn.Module {
  modelType = 'Transformer';
  srcMask: Tensor | null = null;
  pos_encoder: PositionalEncoding;
  transformer_encoder: torch.nn.TransformerEncoder;
  encoder: torch.nn.Embedding;
  ninp: number;
  decoder: torch.nn.Linear;

  constructor(ntoken: number, ninp: number, nhead: number, nhid: number, nlayers: number, dropout = 0.5) {
    super();
    const { TransformerEncoder, TransformerEncoderLayer } = nn;
    this.pos_encoder = new PositionalEncoding(ninp, dropout);
    const encoderLayers = new TransformerEncoderLayer(ninp, nhead, nhid, dropout);
    this.transformer_encoder = new TransformerEncoder(encoderLayers, nlayers);
    this.encoder = new nn.Embedding(ntoken, ninp);
    this.ninp = ninp;
    this.decoder = new nn.Linear(ninp, ntoken);
    this.initWeights();
  }

  generateSquareSubsequentMask(sz: number): Tensor {
    const mask = torch.triu(torch.ones(sz, sz)).eq(1).transpose(0, 1);
    return mask.float().maskedFill(mask.eq(0), Number.NEGATIVE_INFINITY).maskedFill(mask.eq(1), 0.0);
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(src: Tensor, hasMask = true): Tensor {
    if (hasMask) {
      const device = src.device;
      if (this.srcMask === null || this.srcMask.size(0) !== src.size(0)) {
        const mask = this.generateSquareSubsequentMask(src.size(0)).to(device);
        this.srcMask = mask;
      }
    } else {
      this.srcMask = null;
    }
    src = this.encoder(src).mul(Math.sqrt(this.ninp));
    src = this.pos_encoder(src);
    let output = this.transformer_encoder(src, this.srcMask);
    output = this.decoder(output);
    return F.logSoftmax(output, { dim: -1 });
  }
}

// ---- main.py ----
export interface Args {
  data: string;
  model: RnnType | 'Transformer';
  emsize: number;
  nhid: number;
  nlayers: number;
  lr: number;
  clip: number;
  epochs: number;
  batchSize: number;
  bptt: number;
  dropout: number;
  tied: boolean;
  seed: number;
  logInterval: number;
  save: string;
  nhead: number;
  dryRun: boolean;
  /** Not in the original: stop each epoch after this many batches. */
  steps: number;
  device: string | undefined;
}

/**
 * Starting from sequential data, batchify arranges the dataset into columns: the alphabet as one
 * sequence with batch size 4 gives columns a g m s / b h n t / ... (see the original's comment).
 */
export function batchify(data: Tensor, bsz: number, device: torch.Device): Tensor {
  // Work out how cleanly we can divide the dataset into bsz parts.
  const nbatch = Math.floor(data.size(0) / bsz);
  // Trim off any extra elements that wouldn't cleanly fit (remainders).
  data = data.narrow(0, 0, nbatch * bsz);
  // Evenly divide the data across the bsz batches.
  data = data.view(bsz, -1).t().contiguous();
  return data.to(device);
}

/** Wraps hidden states in new Tensors, to detach them from their history. */
export function repackageHidden(h: Hidden): Hidden {
  if (h instanceof torch.Tensor) return h.detach();
  return h.map((v) => repackageHidden(v)) as [Tensor, Tensor];
}

/** Rows i..i+bptt of the batchified source, and the next tokens as the flat target. */
export function getBatch(source: Tensor, i: number, bptt: number): [Tensor, Tensor] {
  const seqLen = Math.min(bptt, source.size(0) - 1 - i);
  const data = source.index([i, i + seqLen]);
  const target = source.index([i + 1, i + 1 + seqLen]).reshape(-1); // view(-1) of a row slice
  return [data, target];
}

/** What the original's train() reads from globals. */
export interface Run {
  args: Args;
  model: RNNModel | TransformerModel;
  ntokens: number;
  trainData: Tensor;
  criterion: torch.nn.NLLLoss;
  lr: number;
}

/** The original's train(); returns the epoch's per-step losses and clip norms (read back once). */
export async function train(run: Run, epoch = 1): Promise<{ losses: number[]; gradNorms: number[] }> {
  const { args, model, ntokens, trainData, criterion } = run;
  // Turn on training mode which enables dropout.
  model.train();
  let totalLoss = torch.zeros([], { device: trainData.device });
  let startTime = performance.now();
  const losses: Tensor[] = [];
  const norms: Tensor[] = [];
  let hidden: Hidden | undefined;
  if (args.model !== 'Transformer') hidden = (model as RNNModel).initHidden(args.batchSize);
  for (let batch = 0, i = 0; i < trainData.size(0) - 1 && batch < args.steps; batch++, i += args.bptt) {
    const [data, targets] = getBatch(trainData, i, args.bptt);
    // Starting each batch, we detach the hidden state from how it was previously produced.
    // If we didn't, the model would try backpropagating all the way to start of the dataset.
    model.zeroGrad();
    let output: Tensor;
    if (model instanceof TransformerModel) {
      output = model(data);
      output = output.view(-1, ntokens);
    } else {
      hidden = repackageHidden(hidden!);
      [output, hidden] = model(data, hidden);
    }
    const loss = criterion(output, targets);
    loss.backward();

    // `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
    norms.push(nn.utils.clipGradNorm_(model.parameters(), args.clip));
    for (const p of model.parameters()) p.data.add_(p.grad!, { alpha: -run.lr });

    losses.push(loss.detach());
    totalLoss = totalLoss.add(loss.detach());

    if (batch % args.logInterval === 0 && batch > 0) {
      const curLoss = (await totalLoss.item()) / args.logInterval;
      const elapsed = performance.now() - startTime;
      const nb = Math.floor(trainData.size(0) / args.bptt);
      console.log(
        `| epoch ${String(epoch).padStart(3)} | ${String(batch).padStart(5)}/${String(nb).padStart(5)} batches | lr ${run.lr.toFixed(2)} | ms/batch ${(elapsed / args.logInterval).toFixed(2).padStart(5)} | loss ${curLoss.toFixed(2).padStart(5)} | ppl ${Math.exp(curLoss).toFixed(2).padStart(8)}`,
      );
      totalLoss = torch.zeros([], { device: trainData.device });
      startTime = performance.now();
    }
    if (args.dryRun) break;
  }
  if (!losses.length) return { losses: [], gradNorms: [] };
  return {
    losses: (await torch.stack(losses).tolist()) as number[],
    gradNorms: (await torch.stack(norms).tolist()) as number[],
  };
}

export async function evaluate(run: Run, dataSource: Tensor, evalBatchSize: number): Promise<number> {
  const { args, model, ntokens, criterion } = run;
  // Turn on evaluation mode which disables dropout.
  model.eval();
  let totalLoss = torch.zeros([], { device: dataSource.device });
  let hidden: Hidden | undefined;
  if (args.model !== 'Transformer') hidden = (model as RNNModel).initHidden(evalBatchSize);
  torch.noGrad(() => {
    for (let i = 0; i < dataSource.size(0) - 1; i += args.bptt) {
      const [data, targets] = getBatch(dataSource, i, args.bptt);
      let output: Tensor;
      if (model instanceof TransformerModel) {
        output = model(data);
        output = output.view(-1, ntokens);
      } else {
        [output, hidden] = model(data, hidden!);
        hidden = repackageHidden(hidden);
      }
      totalLoss = totalLoss.add(criterion(output, targets).mul(data.size(0)));
    }
  });
  return (await totalLoss.item()) / (dataSource.size(0) - 1);
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, d: number) => Number(get(name) ?? d);
  return {
    data: get('data') ?? new URL('data/tiny-lm', import.meta.url).pathname,
    model: (get('model') ?? 'LSTM') as Args['model'],
    emsize: num('emsize', 200),
    nhid: num('nhid', 200),
    nlayers: num('nlayers', 2),
    lr: num('lr', 20),
    clip: num('clip', 0.25),
    epochs: num('epochs', 40),
    batchSize: num('batch_size', 20),
    bptt: num('bptt', 35),
    dropout: num('dropout', 0.2),
    tied: argv.includes('--tied'),
    seed: num('seed', 1111),
    logInterval: num('log-interval', 200),
    save: get('save') ?? 'model.safetensors',
    nhead: num('nhead', 2),
    dryRun: argv.includes('--dry-run'),
    steps: num('steps', Number.POSITIVE_INFINITY),
    device: get('device'),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // Set the random seed manually for reproducibility.
  torch.manualSeed(args.seed);
  if (args.device !== 'cpu') await torch.accelerator.init();
  const device = args.device
    ? torch.device(args.device)
    : (torch.accelerator.currentAccelerator() ?? torch.device('cpu'));
  console.log(`Using device: ${device}`);

  // Load data
  const corpus = new Corpus(args.data);
  const evalBatchSize = 10;
  const trainData = batchify(corpus.train, args.batchSize, device);
  const valData = batchify(corpus.valid, evalBatchSize, device);
  const testData = batchify(corpus.test, evalBatchSize, device);

  // Build the model
  const ntokens = corpus.dictionary.length;
  const model =
    args.model === 'Transformer'
      ? new TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout).to(
          device,
        )
      : new RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied).to(
          device,
        );
  const criterion = new nn.NLLLoss();
  const run: Run = { args, model, ntokens, trainData, criterion, lr: args.lr };

  // Loop over epochs.
  let bestValLoss: number | undefined;
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const epochStartTime = performance.now();
    await train(run, epoch);
    const valLoss = await evaluate(run, valData, evalBatchSize);
    console.log('-'.repeat(89));
    console.log(
      `| end of epoch ${String(epoch).padStart(3)} | time: ${((performance.now() - epochStartTime) / 1000).toFixed(2).padStart(5)}s | valid loss ${valLoss.toFixed(2).padStart(5)} | valid ppl ${Math.exp(valLoss).toFixed(2).padStart(8)}`,
    );
    console.log('-'.repeat(89));
    // Save the model if the validation loss is the best we've seen so far.
    if (bestValLoss === undefined || valLoss < bestValLoss) {
      await torch.save(model.stateDict(), args.save);
      bestValLoss = valLoss;
    } else {
      // Anneal the learning rate if no improvement has been seen in the validation dataset.
      run.lr /= 4.0;
    }
  }

  // Load the best saved model and run it on test data.
  model.loadStateDict((await torch.load(args.save, device.type)) as Record<string, Tensor>);
  const testLoss = await evaluate(run, testData, evalBatchSize);
  console.log('='.repeat(89));
  console.log(
    `| End of training | test loss ${testLoss.toFixed(2).padStart(5)} | test ppl ${Math.exp(testLoss).toFixed(2).padStart(8)}`,
  );
  console.log('='.repeat(89));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
