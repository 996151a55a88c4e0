#!/usr/bin/env node
/**
 * The `torchts` command: `train mnist`, `info`, `predict`. Mistakes of the user's print one line
 * and exit 2; nothing prints a stack trace unless TORCHTS_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import * as torch from '../index.js';
import { CheckpointError } from '../io/errors.js';
import { UsageError } from './errors.js';
import { MODELS, modelDefaults } from './models.js';

const num =
  (name: string, integer = false) =>
  (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'}`);
    return n;
  };

/** Exit 2 for the user's input (options, files, checkpoints), 1 for a failed run, with the full message. */
function fail(e: unknown): never {
  const err = e as Error;
  if (process.env.TORCHTS_DEBUG) console.error(err);
  else console.error(`torchts: ${err?.message ?? String(e)}`);
  process.exit(err instanceof UsageError || err instanceof CheckpointError ? 2 : 1);
}

const program = new Command()
  .name('torchts')
  .description(
    'PyTorch-style deep learning in TypeScript: train the tutorial network on MNIST, on WebGPU or the CPU',
  )
  // package.json is two levels up from src/cli/ and from dist/cli/ alike
  .version(
    (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version,
    '-V, --version',
    'print the version of torchts',
  )
  .exitOverride((e) => {
    if (e.exitCode === 0) process.exit(0);
    process.exit(2);
  });

program
  .command('train')
  .description('train a model on a dataset (the tutorial: `torchts train mnist`)')
  .argument('[dataset]', 'dataset to train on', 'mnist')
  .option(
    '--device <device>',
    'cpu | webgpu | cuda | auto (auto = a hardware GPU if present, else the CPU)',
    'auto',
  )
  .option('--epochs <n>', 'number of epochs', num('--epochs', true), 20)
  .option('--batch-size <n>', 'batch size', num('--batch-size', true), 64)
  .option('--lr <x>', 'learning rate', num('--lr'), 0.01)
  .option('--momentum <x>', 'SGD momentum', num('--momentum'), 0)
  .option('--optimizer <name>', 'sgd | adam | adamw', 'sgd')
  .option('--seed <n>', 'random seed (same seed, same device: same numbers)', num('--seed', true), 0)
  .option(
    '--data-dir <dir>',
    'directory with the standard MNIST IDX files (.gz or not); default: the bundled 8,000/2,000 digits',
  )
  .option('--model <name>', `model: ${Object.keys(MODELS).join(' | ')}`, 'simplenet')
  .option('--out <dir>', 'output directory (default runs/mnist-<time>)')
  .option('--resume <checkpoint>', 'continue from a checkpoint.safetensors written by an earlier run')
  .option('--limit-train <n>', 'use only the first n training images', num('--limit-train', true))
  .option('--limit-test <n>', 'use only the first n test images', num('--limit-test', true))
  .option('--quiet', 'only the final summary', false)
  .option('--json', 'machine-readable output: one JSON object per epoch, then a summary', false)
  .option(
    '--nproc <n>',
    'data-parallel processes on this machine, started through Open MPI (mpirun -n N); batch size is per process',
    num('--nproc', true),
    1,
  )
  .action(async (dataset: string, o, cmd: Command) => {
    try {
      if (dataset !== 'mnist') throw new UsageError(`unknown dataset '${dataset}' (available: mnist)`);
      if (o.nproc > 1 && !process.env.OMPI_COMM_WORLD_SIZE) {
        const { runUnderMpirun } = await import('./distributed.js');
        process.exit(await runUnderMpirun(o.nproc));
      }
      // A model's own hyper-parameters (cnn: lr 0.05, momentum 0.9) replace the defaults left unset.
      for (const [k, v] of Object.entries(modelDefaults(o.model)))
        if (cmd.getOptionValueSource(k) === 'default') o[k] = v;
      const { train, makeReporter } = await import('./train.js');
      const report = makeReporter(o);
      const r = await train({ ...o, optimizer: o.optimizer }, report);
      if (torch.distributed.isInitialized() && torch.distributed.getRank() !== 0) process.exit(0); // rank 0 reports
      const last = r.metrics[r.metrics.length - 1];
      if (o.json) {
        for (const m of r.metrics) console.log(JSON.stringify({ type: 'epoch', ...m }));
        console.log(
          JSON.stringify({ type: 'summary', out: r.out, interrupted: r.interrupted, final: last ?? null }),
        );
      } else {
        if (last)
          console.log(
            `Test accuracy: ${(100 * last.testAccuracy).toFixed(2)}% after ${last.epoch} epoch${last.epoch === 1 ? '' : 's'}`,
          );
        console.log(`Saved: ${r.out}/model.safetensors, checkpoint.safetensors, metrics.json, curves.svg`);
      }
      process.exit(r.interrupted ? 130 : 0);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('info')
  .description(
    'versions, devices found, the WebGPU adapter (name, vendor, features, limits) and whether it is hardware or software',
  )
  .option('--json', 'as JSON', false)
  .action(async (o) => {
    try {
      const { info, formatInfo } = await import('./info.js');
      const i = await info();
      console.log(o.json ? JSON.stringify(i, null, 2) : formatInfo(i));
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('predict')
  .description('classify digits with a trained run: PNG images or an IDX image file')
  .requiredOption('--model <dir>', 'a run directory (or its model.safetensors)')
  .argument('<inputs...>', 'IMAGE.png files or an IDX images file')
  .option('--limit <n>', 'images to classify from an IDX file', num('--limit', true), 10)
  .option('--json', 'as JSON', false)
  .action(async (inputs: string[], o) => {
    try {
      const { predict } = await import('./predict.js');
      const res = await predict(o.model, inputs, { limit: o.limit });
      if (o.json) console.log(JSON.stringify(res, null, 2));
      else
        for (const r of res)
          console.log(
            `${r.source}${r.index ? `[${r.index}]` : ''}: ${r.predicted}  (${r.probabilities.map((p, k) => `${k}: ${(100 * p).toFixed(1)}%`).join(', ')})`,
          );
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

program.parseAsync(process.argv).catch(fail);
