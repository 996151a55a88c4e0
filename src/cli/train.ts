/**
 * `torchts train mnist`: the tutorial run for real. Finds the GPU (or not) and says so, moves
 * the model and each batch to the device, trains with the tutorial's loop, evaluates after each
 * epoch, and writes the weights, the metrics and a picture of the curves.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import * as torch from '../index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { defaultGenerator } from '../tensor/random.js';
import { TrainingError, UsageError } from './errors.js';
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

/**
 * 'auto' = a hardware GPU if present, else the CPU (a software adapter is slower than the CPU).
 * Creates the GPU device only when one is used: `--device cpu` never touches the GPU.
 */
export async function resolveDevice(spec: string): Promise<torch.Device> {
  if (spec === 'auto')
    return torch.accelerator.isAvailable() && (await torch.accelerator.init())
      ? torch.bestDevice()
      : torch.device('cpu');
  if (!['cpu', 'webgpu', 'cuda', 'gpu'].includes(spec))
    throw new UsageError(`unknown device '${spec}' (expected cpu, webgpu, cuda or auto)`);
  if (spec !== 'cpu' && !(await torch.webgpu.init()))
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

/** Where a run stands: what a checkpoint needs to continue exactly where it stopped. */
interface Position {
  /** Epochs completed. */
  epoch: number;
  /** Steps done in epoch `epoch + 1` (0 at an epoch boundary). */
  step: number;
  /** The default generator at the start of that epoch: it draws the epoch's shuffle again. */
  epochRng: { seed: [number, number]; offset: number };
  /** The default generator after the last step (for models that draw numbers while training). */
  rng: { seed: [number, number]; offset: number };
  /** The epoch's float32 loss sum and sample count so far, so its train loss comes out the same. */
  lossSum: number;
  seen: number;
}

export async function train(
  o: TrainOptions,
  reporter: Reporter,
): Promise<{ metrics: EpochMetrics[]; out: string; interrupted: boolean }> {
  // Under mpirun (`--nproc N`, or `mpirun -n N node dist/cli/main.js train mnist`): one rank per
  // process, data-parallel (DistributedSampler + DistributedDataParallel); rank 0 alone reports
  // and writes the outputs.
  const distributed = launchedByMpi();
  if (distributed && o.resume) throw new UsageError('--resume is not supported with several processes yet');
  if (distributed && !torch.distributed.isInitialized())
    torch.distributed.initProcessGroup({ backend: 'mpi' });
  const rank = distributed ? torch.distributed.getRank() : 0;
  const world = distributed ? torch.distributed.getWorldSize() : 1;
  const report = rank === 0 ? reporter : silentReporter;
  if (!(o.epochs >= 1) || !Number.isInteger(o.epochs))
    throw new UsageError(`--epochs must be a positive integer (got ${o.epochs})`);
  if (!(o.batchSize >= 1) || !Number.isInteger(o.batchSize))
    throw new UsageError(`--batch-size must be a positive integer (got ${o.batchSize})`);
  if (!(o.lr > 0)) throw new UsageError(`--lr must be positive (got ${o.lr})`);
  // Checked before any work, so a run never trains for an hour and then cannot save.
  const out = resolve(o.out ?? join('runs', `mnist-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  if (rank === 0) await checkWritable(out);
  torch.manualSeed(o.seed);
  report.line(torch.cuda.isAvailable() ? 'GPU is available!' : 'GPU is not available!');
  const device = await resolveDevice(o.device);
  const info = torch.webgpu.adapterInfo();
  const adapter =
    device.type === 'webgpu' && info
      ? ` (${info.description || info.device}${info.isFallback ? ', software adapter' : ''})`
      : '';
  report.line(`Using device: ${device}${adapter}`);

  const { train: trainSet, test, source } = await loadData(o);
  report.line(`Data: ${source}: ${trainSet.length} training / ${test.length} test images`);
  const model = buildModel(o.model).to(device);
  const ddp = distributed ? new torch.nn.parallel.DistributedDataParallel(model) : null;
  if (ddp) await ddp.ready; // rank 0's initial weights everywhere
  const optimizer = makeOptimizer(o, model.parameters());
  const criterion = new torch.nn.CrossEntropyLoss();
  const gen = defaultGenerator;
  const metrics: EpochMetrics[] = [];
  let pos: Position = {
    epoch: 0,
    step: 0,
    epochRng: gen.getState(),
    rng: gen.getState(),
    lossSum: 0,
    seen: 0,
  };
  if (o.resume) pos = await resumeFrom(o, trainSet.length, model, optimizer, metrics, device);
  report.line(
    `Model: ${o.model}, ${model
      .parameters()
      .reduce((a, p) => a + p.numel(), 0)
      .toLocaleString(
        'en-US',
      )} parameters; ${o.optimizer} lr ${o.lr}${o.optimizer === 'sgd' ? ` momentum ${o.momentum}` : ''}, batch ${o.batchSize}, seed ${o.seed}`,
  );
  if (o.resume)
    report.line(
      `Resuming after epoch ${pos.epoch}${pos.step ? `, step ${pos.step} of epoch ${pos.epoch + 1}` : ''}`,
    );

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave now
    interrupted = true;
    report.line(
      '\nInterrupted: finishing the current step and saving a checkpoint (Ctrl-C again to quit at once)',
    );
  };
  process.on('SIGINT', onSigint);
  if (distributed)
    report.line(
      `Data-parallel on ${world} processes (MPI): batch ${o.batchSize} per process, ${o.batchSize * world} per step`,
    );
  const sampler = distributed
    ? new torch.utils.data.DistributedSampler(trainSet, { numReplicas: world, rank, seed: o.seed })
    : null;
  const loader = sampler
    ? new torch.utils.data.DataLoader(trainSet, { batchSize: o.batchSize, sampler })
    : new torch.utils.data.DataLoader(trainSet, { batchSize: o.batchSize, shuffle: true });
  /** Refuses to go on (and to save) once the loss is not finite: the weights are garbage. */
  const checkLoss = (mean: number, epoch: number, step: number) => {
    if (!Number.isFinite(mean))
      throw new TrainingError(
        `the training loss became ${mean} by step ${step} of epoch ${epoch}; the weights are no longer finite, so nothing was saved (try a smaller --lr)`,
      );
  };
  try {
    for (let epoch = pos.epoch; epoch < o.epochs && !interrupted; epoch++) {
      const t0 = performance.now();
      sampler?.setEpoch(epoch);
      report.epochStart(epoch + 1, o.epochs, loader.length);
      const skip = pos.step; // steps this epoch already took before an interruption
      if (skip === 0) pos.epochRng = gen.getState();
      else gen.setState(pos.epochRng);
      // loss sum on the device (no readback per step); float32 as the uninterrupted run sums it
      let running: torch.Tensor | null = skip ? torch.tensor(pos.lossSum, { device }) : null;
      const seenBefore = skip ? pos.seen : 0;
      let seen = seenBefore;
      let steps = 0;
      for await (const [inputs, labels] of loader) {
        steps++;
        if (steps <= skip) {
          // The shuffle was drawn again from the epoch's generator state; after the batches
          // already trained on, the generator continues from where the run stopped.
          if (steps === skip) gen.setState(pos.rng);
          continue;
        }
        const [x, y] = [inputs.to(device), labels.to(device)];
        optimizer.zeroGrad();
        const loss = criterion.forward((ddp ?? model).forward(x), y);
        loss.backward();
        if (ddp) await ddp.syncGradients(); // the gradients averaged over the ranks
        optimizer.step();
        const l = loss.detach().mul(x.shape[0]);
        running = running ? running.add(l) : l;
        seen += x.shape[0];
        if (steps % 25 === 0 || steps === loader.length) {
          const mean = (await running.item()) / seen; // a visible sync, every 25 steps only
          checkLoss(mean, epoch + 1, steps);
          report.step(steps, mean, seen / ((performance.now() - t0) / 1000));
        }
        if (interrupted) break;
      }
      let lossSum = await running!.item();
      if (distributed) {
        // every rank's loss sum and count: the epoch's train loss over the whole data
        const t = torch.tensor([lossSum, seen], { dtype: 'float32' });
        await torch.distributed.allReduce(t);
        const [sum, count] = t.toArraySync();
        lossSum = sum;
        seen = count;
      }
      checkLoss(lossSum, epoch + 1, steps);
      if (steps < loader.length) {
        // Stopped mid-epoch: no metrics for a partial epoch; the checkpoint says where to go on.
        pos = { epoch, step: steps, epochRng: pos.epochRng, rng: gen.getState(), lossSum, seen };
        report.epochEnd();
        report.line(`stopped at step ${steps}/${loader.length} of epoch ${epoch + 1}`);
        break;
      }
      pos = { epoch: epoch + 1, step: 0, epochRng: gen.getState(), rng: gen.getState(), lossSum: 0, seen: 0 };
      const trainLoss = lossSum / seen;
      const seconds = (performance.now() - t0) / 1000;
      report.epochEnd();
      const ev = await evaluate(model, test, device);
      const m: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss,
        testLoss: ev.loss,
        testAccuracy: ev.accuracy,
        seconds,
        samplesPerSecond: (seen - seenBefore) / seconds,
      };
      metrics.push(m);
      report.line(
        `epoch ${String(m.epoch).padStart(String(o.epochs).length)}/${o.epochs}  train loss ${trainLoss.toFixed(4)}  test loss ${ev.loss.toFixed(4)}  test acc ${(100 * ev.accuracy).toFixed(2)}%  ${seconds.toFixed(2)} s${interrupted ? '  (interrupted)' : ''}`,
      );
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (rank === 0)
    await writeOutputs(out, o, model, optimizer, metrics, pos, trainSet.length, device, interrupted);
  ddp?.removeHooks();
  return { metrics, out, interrupted };
}

/** Creates `out` and writes (then removes) a probe file: a clear error now, not after training. */
async function checkWritable(out: string): Promise<void> {
  const probe = join(out, `.torchts-probe-${process.pid}`);
  try {
    await mkdir(out, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    throw new UsageError(`--out ${out} is not a writable directory (${(e as Error).message})`);
  }
}

const isGenState = (s: unknown): s is Position['rng'] =>
  !!s &&
  typeof s === 'object' &&
  Array.isArray((s as Position['rng']).seed) &&
  (s as Position['rng']).seed.length === 2 &&
  (s as Position['rng']).seed.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32) &&
  Number.isSafeInteger((s as Position['rng']).offset);

async function resumeFrom(
  o: TrainOptions,
  trainSize: number,
  model: torch.nn.Module,
  optimizer: torch.optim.Optimizer<any>,
  metrics: EpochMetrics[],
  device: torch.Device,
): Promise<Position> {
  const path = o.resume!;
  const bad = (why: string) => new UsageError(`cannot resume from ${path}: ${why}`);
  let ck: Record<string, unknown>;
  try {
    ck = (await torch.load(path, { mapLocation: device })) as Record<string, unknown>;
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (!ck || typeof ck !== 'object' || !ck.model)
    throw bad("not a torchts training checkpoint (no 'model' entry)");
  try {
    model.loadStateDict(ck.model as Record<string, torch.Tensor>);
  } catch (e) {
    throw bad(`its weights do not fit --model ${o.model}: ${(e as Error).message}`);
  }
  if (ck.optimizer)
    try {
      optimizer.loadStateDict(ck.optimizer as never);
    } catch (e) {
      throw bad(`its optimizer state does not fit --optimizer ${o.optimizer}: ${(e as Error).message}`);
    }
  if (Array.isArray(ck.metrics)) metrics.push(...(ck.metrics as EpochMetrics[]));
  const gen = defaultGenerator;
  const epoch = typeof ck.epoch === 'number' && Number.isInteger(ck.epoch) && ck.epoch >= 0 ? ck.epoch : 0;
  const p = ck.position as Partial<Position> | undefined;
  // A checkpoint from before positions were saved: the next epoch, from the current generator.
  if (!p || typeof p !== 'object')
    return { epoch, step: 0, epochRng: gen.getState(), rng: gen.getState(), lossSum: 0, seen: 0 };
  if (
    !isGenState(p.epochRng) ||
    !isGenState(p.rng) ||
    !Number.isInteger(p.step) ||
    p.step! < 0 ||
    typeof p.lossSum !== 'number' ||
    !Number.isInteger(p.seen)
  )
    throw bad("malformed 'position' entry");
  if (p.step! > 0) {
    // Mid-epoch: the same batches must come out again, so the shuffle must be over the same data.
    const was = ck.batch as { batchSize?: unknown; trainSize?: unknown } | undefined;
    if (
      was?.batchSize !== o.batchSize ||
      was?.trainSize !== trainSize ||
      p.step! >= Math.ceil(trainSize / o.batchSize)
    )
      throw bad(
        `it stopped mid-epoch with --batch-size ${String(was?.batchSize)} over ${String(was?.trainSize)} training images; resume with the same (got --batch-size ${o.batchSize} over ${trainSize})`,
      );
  }
  gen.setState(p.epochRng);
  return { epoch, step: p.step!, epochRng: p.epochRng, rng: p.rng, lossSum: p.lossSum, seen: p.seen! };
}

async function writeOutputs(
  out: string,
  o: TrainOptions,
  model: torch.nn.Module,
  optimizer: torch.optim.Optimizer<any>,
  metrics: EpochMetrics[],
  position: Position,
  trainSize: number,
  device: torch.Device,
  interrupted: boolean,
): Promise<void> {
  const epoch = position.epoch;
  // torch.save writes each file atomically: a failed save leaves the previous one in place.
  await torch.save(model.stateDict(), join(out, 'model.safetensors'), {
    metadata: { format: 'pt', model: o.model, epoch: String(epoch) },
  });
  await torch.save(
    // The optimizer's state dict is plain data with tensor leaves: what torch.save stores.
    {
      model: model.stateDict(),
      optimizer: optimizer.stateDict(),
      epoch,
      position,
      batch: { batchSize: o.batchSize, trainSize },
      metrics,
    } as unknown as Parameters<typeof torch.save>[0],
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
    stoppedAt: position.step ? { epoch: position.epoch + 1, step: position.step } : null,
    epochs: metrics,
    final: metrics.length ? metrics[metrics.length - 1] : null,
  };
  await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFileAtomic(
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

// --- distributed (MPI) ---
/** Started by Open MPI's mpirun (or another PMI launcher) with more than one process. */
export function launchedByMpi(): boolean {
  const n = Number(process.env.OMPI_COMM_WORLD_SIZE ?? process.env.PMI_SIZE ?? process.env.PMIX_SIZE ?? 1);
  return n > 1;
}

const silentReporter: Reporter = { line() {}, epochStart() {}, step() {}, epochEnd() {} };
