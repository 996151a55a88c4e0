/**
 * The tutorial's training loop, run in the page: SimpleNet (or SmallCNN), SGD lr 0.01, batches of
 * 64 shuffled, CrossEntropyLoss. Each step only enqueues work; the loop yields to the event loop after every
 * step (so the page keeps painting and answering clicks) and reads values back only every
 * `reportEvery` steps (and 200 ms), from running sums that stay on the device.
 */
import * as torch from 'torchts';

const { nn, optim } = torch;
type Tensor = torch.Tensor;
type RawSplit = torch.datasets.RawSplit;

/** The tutorial's network: Linear 784 -> 128, ReLU, Linear 128 -> 10. */
export class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  fc2 = new nn.Linear(128, 10);
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x.view(-1, 784))));
  }
  // a minifier renames classes; the printed model keeps PyTorch's name
  override _getName(): string {
    return 'SimpleNet';
  }
}

/** The conformance fixtures' SmallCNN (shared/conformance/README.md), PyTorch's state-dict names. */
export class SmallCNN extends nn.Module {
  conv = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(4);
  fc = new nn.Linear(784, 10);
  override forward(x: Tensor): Tensor {
    // [B, 784] -> [B, 1, 28, 28] -> conv [B, 4, 28, 28] -> pool [B, 4, 14, 14] -> [B, 784] -> [B, 10]
    const h = nn.functional.maxPool2d(
      torch.relu(this.bn.forward(this.conv.forward(x.view(-1, 1, 28, 28)))),
      2,
    );
    return this.fc.forward(h.flatten(1));
  }
  override _getName(): string {
    return 'SmallCNN';
  }
}

export const MODELS = {
  simplenet: { label: 'SimpleNet: Linear 784→128, ReLU, Linear 128→10', build: () => new SimpleNet() },
  smallcnn: {
    label: 'SmallCNN: Conv2d 1→4 (3×3), BatchNorm, ReLU, MaxPool 2, Linear 784→10',
    build: () => new SmallCNN(),
  },
} satisfies Record<string, { label: string; build: () => torch.nn.Module }>;
export type ModelName = keyof typeof MODELS;

export interface Report {
  step: number;
  epoch: number;
  /** Mean training loss and accuracy over the steps since the previous report. */
  loss: number;
  accuracy: number;
  stepsPerSecond: number;
}

export interface Evaluation {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
}

/**
 * Gives the event loop a turn: input, rendering and timers run between two training steps. A
 * message posts a task at the back of the queue and, unlike a nested setTimeout(0), is not
 * clamped to 4 ms. (Not scheduler.yield(): its continuation runs before queued input, and a CPU
 * training loop then starves clicks.)
 */
const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToPage = (): Promise<void> =>
  new Promise((r) => {
    waiting.push(r);
    channel.port2.postMessage(null);
  });

export class Trainer {
  readonly batchSize = 64;
  readonly lr = 0.01;
  /** Values are read back every `reportEvery` steps, and reported (charted) at most every `reportMs`. */
  reportEvery = 10;
  reportMs = 200;
  model: torch.nn.Module;
  modelName: ModelName = 'simplenet';
  device: torch.Device;
  step = 0;
  epoch = 0;
  private optimizer: torch.optim.SGD;
  private readonly criterion = new nn.CrossEntropyLoss();
  private xTrain!: Tensor;
  private yTrain!: Tensor;
  private xTest!: Tensor;
  private yTest!: Tensor;
  private loader!: Iterable<Tensor[]>;
  private batches: Iterator<Tensor[]> | null = null;
  private running = false;
  private stopRequested = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly data: { train: RawSplit; test: RawSplit },
    device: torch.Device,
    private readonly on: {
      report(r: Report): void;
      evaluation(e: Evaluation): void;
      error(e: Error): void;
    },
  ) {
    torch.manualSeed(0);
    this.device = device;
    this.model = MODELS[this.modelName].build().to(device);
    this.optimizer = new optim.SGD(this.model.parameters(), { lr: this.lr });
    this.upload();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The whole 8,000 / 2,000 split lives on the training device (25 MB); batches are gathers. */
  private upload(): void {
    const { train, test } = this.data;
    for (const t of [this.xTrain, this.yTrain, this.xTest, this.yTest]) t?.dispose();
    const d = this.device;
    this.xTrain = torch.fromArray(train.images, [train.n, 784]).to(d);
    this.yTrain = torch.fromArray(train.labels, [train.n]).to(d);
    this.xTest = torch.fromArray(test.images, [test.n, 784]).to(d);
    this.yTest = torch.fromArray(test.labels, [test.n]).to(d);
    const ds = new torch.utils.data.TensorDataset(this.xTrain, this.yTrain);
    this.loader = new torch.utils.data.DataLoader(ds, { batchSize: this.batchSize, shuffle: true });
    this.batches = null;
  }

  /** Moves model and data to another device (training stopped); the weights are kept. */
  async setDevice(device: torch.Device): Promise<void> {
    await this.stop();
    await this.model.toAsync(device);
    this.optimizer = new optim.SGD(this.model.parameters(), { lr: this.lr });
    this.device = device;
    this.upload();
  }

  /** Starts (or resumes, mid-epoch) training. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopRequested = false;
    this.loop = this.run().catch((e: Error) => {
      this.running = false;
      this.on.error(e);
    });
  }

  /** Stops after the step in flight; resolves once the loop has stopped. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    this.model.train();
    let lossSum: Tensor | null = null; // on the device: no readback inside the step
    let correct: Tensor | null = null;
    let seen = 0;
    let host = { loss: 0, correct: 0, seen: 0 }; // read back, not yet reported
    let since = this.step;
    let t0 = performance.now();
    try {
      while (!this.stopRequested) {
        if (!this.batches) {
          this.batches = this.loader[Symbol.iterator]();
          this.epoch++;
        }
        const next = this.batches.next();
        if (next.done) {
          this.batches = null;
          await this.evaluate(); // end of an epoch
          continue;
        }
        const [x, y] = next.value;
        this.optimizer.zeroGrad();
        const logits = this.model.forward(x);
        const loss = this.criterion.forward(logits, y);
        loss.backward();
        this.optimizer.step();
        torch.noGrad(() => {
          const l = loss.detach().mul(y.shape[0]);
          const c = logits.argmax(1).eq(y).sum();
          lossSum = lossSum ? lossSum.add(l) : l;
          correct = correct ? correct.add(c) : c;
        });
        seen += y.shape[0];
        this.step++;
        if (this.step % this.reportEvery === 0) {
          // The sync point: it also bounds the work queued on the GPU to `reportEvery` steps.
          const [ls, cs] = await Promise.all([lossSum!.item(), correct!.item()]);
          host.loss += ls;
          host.correct += cs;
          host.seen += seen;
          [lossSum, correct, seen] = [null, null, 0];
          const now = performance.now();
          if (now - t0 >= this.reportMs) {
            this.on.report({
              step: this.step,
              epoch: this.epoch,
              loss: host.loss / host.seen,
              accuracy: host.correct / host.seen,
              stepsPerSecond: ((this.step - since) * 1000) / (now - t0),
            });
            host = { loss: 0, correct: 0, seen: 0 };
            [since, t0] = [this.step, now];
          }
        }
        await yieldToPage();
      }
    } finally {
      this.running = false;
    }
  }

  /** Loss and accuracy on the 2,000 test digits (one batch: [2000, 784] -> [2000, 10]). */
  async evaluate(): Promise<Evaluation> {
    this.model.eval();
    const [l, c] = torch.noGrad(() => {
      const logits = this.model.forward(this.xTest);
      return [this.criterion.forward(logits, this.yTest), logits.argmax(1).eq(this.yTest).sum()];
    });
    const n = this.yTest.shape[0];
    const e = { step: this.step, epoch: this.epoch, loss: await l.item(), accuracy: (await c.item()) / n };
    this.model.train();
    this.on.evaluation(e);
    return e;
  }

  /** Class probabilities for one 28x28 image. */
  async predict(pixels: Float32Array): Promise<number[]> {
    this.model.eval();
    const p = torch.noGrad(() =>
      torch.softmax(this.model.forward(torch.fromArray(pixels, [1, 784]).to(this.device)), 1),
    );
    this.model.train();
    return Array.from(await p.toArray());
  }

  /** The weights as a safetensors file (PyTorch reads it with safetensors.torch.load_file). */
  async saveWeights(): Promise<Uint8Array> {
    return torch.save(this.model.stateDict());
  }

  /** Loads a state dict from a .safetensors or PyTorch .pt file; training must be stopped. */
  async loadWeights(file: Blob): Promise<void> {
    await this.stop();
    const sd = await torch.load<Record<string, Tensor>>(file, { mapLocation: this.device });
    this.model.loadStateDict(sd);
  }

  /** New random weights (seeded) and a fresh optimizer, for `model` (default: the current one). */
  async reset(model: ModelName = this.modelName): Promise<void> {
    await this.stop();
    torch.manualSeed(0);
    this.modelName = model;
    this.model = MODELS[model].build().to(this.device);
    this.optimizer = new optim.SGD(this.model.parameters(), { lr: this.lr });
    this.step = 0;
    this.epoch = 0;
    this.upload();
  }
}
