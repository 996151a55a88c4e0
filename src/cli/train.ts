/**
 * `torchts train mnist`: the tutorial run for real. Finds the GPU (or not) and says so, moves
 * the model and each batch to the device, trains with the tutorial's loop, evaluates after each
 * epoch, and writes the weights, the metrics and a picture of the curves.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import * as torch from '../index.js';
import { UsageError } from './errors.js';
import { buildModel } from './models.js';
import { curvesSvg } from './plot.js';

export interface TrainOptions {
  device: string;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  seed: number;
  dataDir?: string;
  model: string;
  out?: string;
  resume?: string;
  quiet: boolean;
  json: boolean;
  limitTrain?: number;
  limitTest?: number;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
}

/** 'auto' = a hardware GPU if present, else the CPU (a software adapter is slower than the CPU). */
export function resolveDevice(spec: string): torch.Device {
  if (spec === 'auto') return torch.bestDevice();
  if (!['cpu', 'webgpu', 'cuda', 'gpu'].includes(spec))
    throw new UsageError(`unknown device '${spec}' (expected cpu, webgpu, cuda or auto)`);
  if (spec !== 'cpu' && !torch.webgpu.isAvailable())
    throw new UsageError(
      `device '${spec}' requested but no WebGPU adapter was found (${torch.webgpu.unavailableReason() || 'no GPU'}); see README "WebGPU on Linux without a GPU"`,
    );
  return torch.device(spec);
}

function makeOptimizer(o: TrainOptions, params: torch.nn.Parameter[]): torch.optim.Optimizer<any> {
  if (o.optimizer === 'sgd') return new torch.optim.SGD(params, { lr: o.lr, momentum: o.momentum });
  if (o.optimizer === 'adam') return new torch.optim.Adam(params, { lr: o.lr });
  if (o.optimizer === 'adamw') return new torch.optim.AdamW(params, { lr: o.lr });
  throw new UsageError(`unknown optimizer '${o.optimizer}' (expected sgd, adam or adamw)`);
}

async function loadData(
  o: TrainOptions,
): Promise<{ train: torch.datasets.MNIST; test: torch.datasets.MNIST; source: string }> {
  const common = { flatten: true };
  if (o.dataDir) {
    try {
      const train = await torch.datasets.MNIST.fromDir(o.dataDir, {
        ...common,
        train: true,
        limit: o.limitTrain,
      });
      const test = await torch.datasets.MNIST.fromDir(o.dataDir, {
        ...common,
        train: false,
        limit: o.limitTest,
      });
      return { train, test, source: resolve(o.dataDir) };
    } catch (e) {
      // A missing directory or a corrupt IDX file is the user's to fix: one line, exit 2.
      throw new UsageError((e as Error).message);
    }
  }
  return {
    train: new torch.datasets.MNIST({ ...common, train: true, limit: o.limitTrain }),
    test: new torch.datasets.MNIST({ ...common, train: false, limit: o.limitTest }),
    source: 'bundled (the 10,000 digits of data/mnist-10k, 8,000 / 2,000 split)',
  };
}

/** Test loss (mean) and accuracy; sums stay on the device, one readback at the end. */
async function evaluate(
  model: torch.nn.Module,
  test: torch.datasets.MNIST,
  device: torch.Device,
): Promise<{ loss: number; accuracy: number }> {
  model.eval();
  const loader = new torch.utils.data.DataLoader(test, { batchSize: 1000 });
  let lossSum: torch.Tensor | null = null;
  let correct: torch.Tensor | null = null;
  torch.noGrad(() => {
    for (const [x, y] of loader) {
      const [xd, yd] = [x.to(device), y.to(device)];
      const logits = model.forward(xd);
      const l = torch.nn.functional.crossEntropy(logits, yd, { reduction: 'sum' });
      const c = logits.argmax(1).eq(yd).sum();
      lossSum = lossSum ? lossSum.add(l) : l;
      correct = correct ? correct.add(c) : c;
    }
  });
  model.train();
  const n = test.length;
  return { loss: (await lossSum!.item()) / n, accuracy: (await correct!.item()) / n };
}

export interface Reporter {
  line(s: string): void;
  epochStart(epoch: number, epochs: number, steps: number): void;
  step(done: number, loss: number | null, samplesPerSecond: number): void;
  epochEnd(): void;
}

export async function train(
  o: TrainOptions,
  report: Reporter,
): Promise<{ metrics: EpochMetrics[]; out: string; interrupted: boolean }> {
  if (!(o.epochs >= 1) || !Number.isInteger(o.epochs))
    throw new UsageError(`--epochs must be a positive integer (got ${o.epochs})`);
  if (!(o.batchSize >= 1) || !Number.isInteger(o.batchSize))
    throw new UsageError(`--batch-size must be a positive integer (got ${o.batchSize})`);
  if (!(o.lr > 0)) throw new UsageError(`--lr must be positive (got ${o.lr})`);
  torch.manualSeed(o.seed);
  report.line(torch.cuda.isAvailable() ? 'GPU is available!' : 'GPU is not available!');
  const device = resolveDevice(o.device);
  const info = torch.webgpu.adapterInfo();
  const adapter =
    device.type === 'webgpu' && info
      ? ` (${info.description || info.device}${info.isFallback ? ', software adapter' : ''})`
      : '';
  report.line(`Using device: ${device}${adapter}`);

  const { train: trainSet, test, source } = await loadData(o);
  report.line(`Data: ${source}: ${trainSet.length} training / ${test.length} test images`);
  const model = buildModel(o.model).to(device);
  const optimizer = makeOptimizer(o, model.parameters());
  const criterion = new torch.nn.CrossEntropyLoss();
  let startEpoch = 0;
  const metrics: EpochMetrics[] = [];
  if (o.resume) startEpoch = await resumeFrom(o.resume, model, optimizer, metrics, device);
  report.line(
    `Model: ${o.model}, ${model
      .parameters()
      .reduce((a, p) => a + p.numel(), 0)
      .toLocaleString(
        'en-US',
      )} parameters; ${o.optimizer} lr ${o.lr}${o.optimizer === 'sgd' ? ` momentum ${o.momentum}` : ''}, batch ${o.batchSize}, seed ${o.seed}`,
  );
  const out = resolve(o.out ?? join('runs', `mnist-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  await mkdir(out, { recursive: true });

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave now
    interrupted = true;
    report.line(
      '\nInterrupted: finishing the current step and saving a checkpoint (Ctrl-C again to quit at once)',
    );
  };
  process.on('SIGINT', onSigint);
  const loader = new torch.utils.data.DataLoader(trainSet, { batchSize: o.batchSize, shuffle: true });
  try {
    for (let epoch = startEpoch; epoch < o.epochs && !interrupted; epoch++) {
      const t0 = performance.now();
      report.epochStart(epoch + 1, o.epochs, loader.length);
      let running: torch.Tensor | null = null; // loss sum on the device: no readback per step
      let seen = 0;
      let steps = 0;
      for await (const [inputs, labels] of loader) {
        const [x, y] = [inputs.to(device), labels.to(device)];
        optimizer.zeroGrad();
        const loss = criterion.forward(model.forward(x), y);
        loss.backward();
        optimizer.step();
        const l = loss.detach().mul(x.shape[0]);
        running = running ? running.add(l) : l;
        seen += x.shape[0];
        steps++;
        if (steps % 25 === 0 || steps === loader.length) {
          const mean = (await running.item()) / seen; // a visible sync, every 25 steps only
          report.step(steps, mean, seen / ((performance.now() - t0) / 1000));
        }
        if (interrupted) break;
      }
      const trainLoss = (await running!.item()) / seen;
      const seconds = (performance.now() - t0) / 1000;
      report.epochEnd();
      const ev = await evaluate(model, test, device);
      const m: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss,
        testLoss: ev.loss,
        testAccuracy: ev.accuracy,
        seconds,
        samplesPerSecond: seen / seconds,
      };
      metrics.push(m);
      report.line(
        `epoch ${String(m.epoch).padStart(String(o.epochs).length)}/${o.epochs}  train loss ${trainLoss.toFixed(4)}  test loss ${ev.loss.toFixed(4)}  test acc ${(100 * ev.accuracy).toFixed(2)}%  ${seconds.toFixed(2)} s${interrupted ? '  (interrupted)' : ''}`,
      );
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  await writeOutputs(out, o, model, optimizer, metrics, device, interrupted);
  return { metrics, out, interrupted };
}

async function resumeFrom(
  path: string,
  model: torch.nn.Module,
  optimizer: torch.optim.Optimizer<any>,
  metrics: EpochMetrics[],
  device: torch.Device,
): Promise<number> {
  let ck: Record<string, unknown>;
  try {
    ck = (await torch.load(path, { mapLocation: device })) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`cannot resume from ${path}: ${(e as Error).message}`);
  }
  if (!ck || typeof ck !== 'object' || !ck.model)
    throw new UsageError(`cannot resume from ${path}: not a torchts training checkpoint (no 'model' entry)`);
  model.loadStateDict(ck.model as Record<string, torch.Tensor>);
  if (ck.optimizer) optimizer.loadStateDict(ck.optimizer as never);
  if (Array.isArray(ck.metrics)) metrics.push(...(ck.metrics as EpochMetrics[]));
  return typeof ck.epoch === 'number' ? ck.epoch : 0;
}

async function writeOutputs(
  out: string,
  o: TrainOptions,
  model: torch.nn.Module,
  optimizer: torch.optim.Optimizer<any>,
  metrics: EpochMetrics[],
  device: torch.Device,
  interrupted: boolean,
): Promise<void> {
  const epoch = metrics.length ? metrics[metrics.length - 1].epoch : 0;
  await torch.save(model.stateDict(), join(out, 'model.safetensors'), {
    metadata: { format: 'pt', model: o.model, epoch: String(epoch) },
  });
  await torch.save(
    // The optimizer's state dict is plain data with tensor leaves: what torch.save stores.
    { model: model.stateDict(), optimizer: optimizer.stateDict(), epoch, metrics } as unknown as Parameters<
      typeof torch.save
    >[0],
    join(out, 'checkpoint.safetensors'),
  );
  const info = torch.webgpu.adapterInfo();
  const doc = {
    task: 'mnist',
    model: o.model,
    device: String(device),
    adapter:
      device.type === 'webgpu' && info
        ? {
            description: info.description,
            vendor: info.vendor,
            architecture: info.architecture,
            isFallback: info.isFallback,
          }
        : null,
    options: {
      epochs: o.epochs,
      batchSize: o.batchSize,
      lr: o.lr,
      momentum: o.momentum,
      optimizer: o.optimizer,
      seed: o.seed,
      dataDir: o.dataDir ?? null,
    },
    versions: { torchts: await torchtsVersion(), node: process.versions.node },
    interrupted,
    epochs: metrics,
    final: metrics.length ? metrics[metrics.length - 1] : null,
  };
  await writeFile(join(out, 'metrics.json'), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(
    join(out, 'curves.svg'),
    curvesSvg(
      [
        { name: 'train loss', color: '#1f77b4', values: metrics.map((m) => m.trainLoss) },
        { name: 'test loss', color: '#ff7f0e', values: metrics.map((m) => m.testLoss) },
      ],
      [{ name: 'test accuracy', color: '#2ca02c', values: metrics.map((m) => m.testAccuracy) }],
    ),
  );
}

export async function torchtsVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Progress: a live bar on a terminal, plain lines otherwise, nothing with --quiet / --json. */
export function makeReporter(opts: { quiet: boolean; json: boolean }): Reporter {
  const silent = opts.quiet || opts.json;
  const tty = process.stdout.isTTY && !silent;
  let bar: cliProgress.SingleBar | null = null;
  let total = 0;
  let epochLabel = '';
  let lastPlain = 0;
  return {
    line: (s) => {
      if (!opts.json) console.log(s);
    },
    epochStart(epoch, epochs, steps) {
      total = steps;
      epochLabel = `epoch ${epoch}/${epochs}`;
      lastPlain = 0;
      if (tty) {
        bar = new cliProgress.SingleBar(
          {
            format: `${epochLabel} |{bar}| {value}/{total} steps | loss {loss} | {speed} samples/s | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(steps, 0, { loss: '-', speed: '-' });
      }
    },
    step(done, loss, sps) {
      if (bar) bar.update(done, { loss: loss === null ? '-' : loss.toFixed(4), speed: Math.round(sps) });
      else if (!silent && done - lastPlain >= Math.max(1, Math.ceil(total / 4)) && done < total) {
        lastPlain = done;
        console.log(
          `  ${epochLabel} step ${done}/${total} loss ${loss?.toFixed(4) ?? '-'} ${Math.round(sps)} samples/s`,
        );
      }
    },
    epochEnd() {
      bar?.stop();
      bar = null;
    },
  };
}
