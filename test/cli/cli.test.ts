/**
 * The `torchts` command driven as a user would: a subprocess, real files, exit codes. Short runs
 * (1 epoch over a few hundred digits) keep this file at a few seconds per case.
 */
import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimpleNet } from '../../src/cli/models.js';
import * as torch from '../../src/index.js';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  opts: SpawnOptions & { onStdout?: (s: string, kill: () => void) => void } = {},
): Promise<Run> {
  return new Promise((res) => {
    const p = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
      cwd: root,
      env: { ...process.env, ...opts.env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout, () => p.kill('SIGINT'));
    });
    p.stderr!.on('data', (d) => {
      stderr += d;
    });
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}

interface EpochRow {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}

/** stderr without Dawn's own start-up warnings. */
const errLines = (r: Run) => r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Warning:'));

const quick = [
  '--epochs',
  '1',
  '--limit-train',
  '384',
  '--limit-test',
  '200',
  '--device',
  'cpu',
  '--lr',
  '0.1',
];

describe('torchts train mnist', () => {
  it('trains, prints the tutorial lines, writes weights/metrics/curves that reload to the same predictions', async () => {
    const out = await mkdtemp(join(tmpdir(), 'torchts-cli-'));
    const r = await cli(['train', 'mnist', ...quick, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^GPU is (not )?available!$/m);
    expect(r.stdout).toMatch(/Using device: cpu/);
    expect(r.stdout).toMatch(
      /epoch 1\/1 {2}train loss \d\.\d{4} {2}test loss \d\.\d{4} {2}test acc \d+\.\d\d%/,
    );
    expect(r.stdout).toMatch(/Test accuracy: \d+\.\d\d% after 1 epoch/);
    for (const f of ['model.safetensors', 'checkpoint.safetensors', 'metrics.json', 'curves.svg'])
      expect(existsSync(join(out, f)), f).toBe(true);

    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.device).toBe('cpu');
    expect(metrics.options).toMatchObject({
      epochs: 1,
      batchSize: 64,
      lr: 0.1,
      momentum: 0,
      optimizer: 'sgd',
      seed: 0,
    });
    expect(metrics.epochs).toHaveLength(1);
    const m = metrics.epochs[0];
    expect(m.trainLoss).toBeGreaterThan(0.5);
    expect(m.trainLoss).toBeLessThan(2.4); // it learned something from ln(10) = 2.30
    expect(m.testAccuracy).toBeGreaterThan(0.2);
    expect(m.testAccuracy).toBeLessThanOrEqual(1);
    expect(metrics.versions.torchts).toMatch(/^\d+\.\d+\.\d+/);
    expect(await readFile(join(out, 'curves.svg'), 'utf8')).toMatch(
      /^<svg[^>]*>[\s\S]*polyline[\s\S]*<\/svg>$/,
    );

    // The saved weights give the run's reported accuracy back, in this process.
    const model = new SimpleNet();
    const sd = (await torch.load(join(out, 'model.safetensors'))) as Record<string, torch.Tensor>;
    expect(Object.keys(sd).sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
    model.loadStateDict(sd);
    const test = new torch.datasets.MNIST({ train: false, flatten: true, limit: 200 });
    const pred = torch.noGrad(() => model.forward(test.data).argmax(1));
    expect(pred.eq(test.targets).float().mean().itemSync()).toBeCloseTo(m.testAccuracy, 6);

    // `predict` on an IDX file of those digits returns the same classes.
    const idx = join(out, 'digits-idx3-ubyte');
    await writeFile(
      idx,
      torch.datasets.writeIdx(
        [5, 28, 28],
        Uint8Array.from(test.data.index([0, 5]).toArraySync(), (v) => Math.round(v * 255)),
      ),
    );
    const p = await cli(['predict', '--model', out, idx, '--json']);
    expect(p.code, p.stderr).toBe(0);
    const preds = JSON.parse(p.stdout) as { predicted: number; probabilities: number[] }[];
    expect(preds.map((q) => q.predicted)).toEqual(Array.from(pred.index([0, 5]).toArraySync()));
    for (const q of preds) expect(q.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('the same seed on the same device gives the same numbers; --json is machine-readable', async () => {
    const runs = await Promise.all(
      [0, 1].map(() =>
        cli([
          'train',
          'mnist',
          ...quick,
          '--seed',
          '7',
          '--json',
          '--out',
          join(tmpdir(), `torchts-seed-${Math.random()}`),
        ]),
      ),
    );
    const epochs = runs.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.at(-1).type).toBe('summary');
      return lines
        .filter((l) => l.type === 'epoch')
        .map(({ trainLoss, testLoss, testAccuracy }) => ({ trainLoss, testLoss, testAccuracy }));
    });
    expect(epochs[0]).toEqual(epochs[1]);
  });

  it('trains from a directory of IDX files (.gz or not)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-idx-'));
    const { train, test } = torch.datasets.bundledMnist();
    const imgs = (s: typeof train, n: number) =>
      torch.datasets.writeIdx(
        [n, 28, 28],
        Uint8Array.from(s.images.subarray(0, n * 784), (v) => Math.round(v * 255)),
      );
    const labels = (s: typeof train, n: number) =>
      torch.datasets.writeIdx([n], Uint8Array.from(s.labels.subarray(0, n)));
    const { gzipSync } = await import('fflate');
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(imgs(train, 256)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), labels(train, 256));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), imgs(test, 100));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels(test, 100));
    const r = await cli([
      'train',
      'mnist',
      '--epochs',
      '1',
      '--device',
      'cpu',
      '--data-dir',
      dir,
      '--out',
      join(dir, 'out'),
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/256 training \/ 100 test images/);
  });

  it('Ctrl-C stops after the current step, writes the checkpoint, and --resume ends bit-identical to an uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-int-'));
    const opts = [
      '--epochs',
      '3',
      '--limit-train',
      '4000',
      '--limit-test',
      '200',
      '--device',
      'cpu',
      '--seed',
      '3',
    ];
    let sent = false;
    const [r, full] = await Promise.all([
      cli(['train', 'mnist', ...opts, '--out', join(dir, 'a')], {
        onStdout: (s, kill) => {
          // the plain progress line a quarter into epoch 2 (63 steps): stop mid-epoch
          if (!sent && /epoch 2\/3 step \d+\/63/.test(s)) {
            sent = true;
            kill();
          }
        },
      }),
      cli(['train', 'mnist', ...opts, '--quiet', '--out', join(dir, 'full')]),
    ]);
    expect(full.code, full.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/Interrupted: finishing the current step/);
    const metrics = JSON.parse(await readFile(join(dir, 'a', 'metrics.json'), 'utf8'));
    expect(metrics.interrupted).toBe(true);
    expect(metrics.epochs.length).toBeGreaterThanOrEqual(1);
    expect(metrics.epochs.length).toBeLessThan(3);
    const ck = (await torch.load(join(dir, 'a', 'checkpoint.safetensors'))) as {
      epoch: number;
      position: { epoch: number; step: number };
      model: Record<string, torch.Tensor>;
    };
    expect(ck.epoch).toBe(metrics.epochs.at(-1).epoch);
    expect(ck.position.epoch).toBe(ck.epoch);
    expect(ck.model['fc1.weight'].shape).toEqual([128, 784]);

    const res = await cli([
      'train',
      'mnist',
      ...opts,
      '--out',
      join(dir, 'b'),
      '--resume',
      join(dir, 'a', 'checkpoint.safetensors'),
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Resuming after epoch \d/);
    const resumed = await readFile(join(dir, 'b', 'model.safetensors'));
    expect(resumed.equals(await readFile(join(dir, 'full', 'model.safetensors')))).toBe(true);
    const m = (f: string) =>
      readFile(f, 'utf8').then((t) =>
        JSON.parse(t).epochs.map((e: EpochRow) => [e.epoch, e.trainLoss, e.testLoss, e.testAccuracy]),
      );
    expect(await m(join(dir, 'b', 'metrics.json'))).toEqual(await m(join(dir, 'full', 'metrics.json')));
  });

  it('a NaN loss stops the run with an error and saves nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'torchts-nan-'));
    const r = await cli(['train', 'mnist', ...quick.filter((_, i) => i < 8), '--lr', '1e30', '--out', out]);
    expect(r.code).toBe(1);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(
      /the training loss became (NaN|Infinity) by step \d+ of epoch 1; .*nothing was saved/,
    );
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(false);
    // Negative control: the same run at a sane learning rate saves its weights.
    const ok = await cli(['train', 'mnist', ...quick, '--out', out, '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });

  it('outputs are replaced atomically: a directory in the way of metrics.json fails the run, the rest is whole, no temp files', async () => {
    const out = await mkdtemp(join(tmpdir(), 'torchts-atomic-cli-'));
    await mkdir(join(out, 'metrics.json'));
    const r = await cli(['train', 'mnist', ...quick, '--out', out, '--quiet']);
    expect(r.code).toBe(1);
    expect(errLines(r).join('\n')).toMatch(/EISDIR|directory/);
    expect((await readdir(out)).sort()).toEqual([
      'checkpoint.safetensors',
      'metrics.json',
      'model.safetensors',
    ]);
    const sd = (await torch.load(join(out, 'model.safetensors'))) as Record<string, torch.Tensor>;
    expect(sd['fc2.bias'].shape).toEqual([10]);
  });
});

describe('bad arguments: one clear line, non-zero exit, no stack trace', () => {
  const cases: [string, string[], RegExp, Record<string, string>?][] = [
    ['unknown device', ['train', 'mnist', '--device', 'tpu'], /unknown device 'tpu'/],
    [
      'missing data dir',
      ['train', 'mnist', '--data-dir', '/nonexistent/mnist'],
      /not found: \/nonexistent\/mnist/,
    ],
    [
      'webgpu without an adapter',
      ['train', 'mnist', '--device', 'webgpu'],
      /no WebGPU adapter was found/,
      { TORCHTS_NO_WEBGPU: '1' },
    ],
    ['non-numeric epochs', ['train', 'mnist', '--epochs', 'many'], /--epochs must be an integer/],
    ['unknown dataset', ['train', 'cifar'], /unknown dataset 'cifar'/],
    ['unknown model', ['train', 'mnist', '--model', 'resnet', ...quick], /unknown model 'resnet'/],
  ];
  for (const [name, args, msg, env] of cases)
    it(name, async () => {
      const r = await cli(args, { env });
      expect(r.code).toBe(2);
      const lines = errLines(r);
      expect(lines.length, lines.join('\n')).toBe(1);
      expect(lines[0]).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

  it('--out that cannot be a directory: exit 2 before any training', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-out-'));
    await writeFile(join(dir, 'file'), 'x');
    const r = await cli(['train', 'mnist', ...quick, '--out', join(dir, 'file', 'run')]);
    expect(r.code).toBe(2);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(/--out .*file\/run is not a writable directory \(ENOTDIR/);
    expect(r.stdout).not.toMatch(/Data:|epoch/);
  });

  it('--resume from a checkpoint with missing and unexpected keys lists them all, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-keys-'));
    const sd = new SimpleNet().stateDict();
    const { 'fc2.bias': _, 'fc1.bias': __, ...rest } = sd;
    await torch.save(
      { model: { ...rest, 'fc3.weight': torch.zeros([2]) }, epoch: 1 },
      join(dir, 'ck.safetensors'),
    );
    const r = await cli([
      'train',
      'mnist',
      ...quick,
      '--resume',
      join(dir, 'ck.safetensors'),
      '--out',
      join(dir, 'o'),
    ]);
    expect(r.code).toBe(2);
    const err = errLines(r).join('\n');
    expect(err).toMatch(/cannot resume from .*ck.safetensors: its weights do not fit --model simplenet/);
    expect(err).toMatch(/Missing key\(s\) in state_dict: "fc1.bias", "fc2.bias"/);
    expect(err).toMatch(/Unexpected key\(s\) in state_dict: "fc3.weight"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--resume from a file that is not a checkpoint: exit 2 with the loader's message", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-badck-'));
    await writeFile(join(dir, 'ck.safetensors'), 'not a checkpoint at all');
    const r = await cli([
      'train',
      'mnist',
      ...quick,
      '--resume',
      join(dir, 'ck.safetensors'),
      '--out',
      join(dir, 'o'),
    ]);
    expect(r.code).toBe(2);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(
      /cannot resume from .*ck.safetensors: safetensors: header length \d+ runs past/,
    );
  });

  it('corrupt IDX file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-bad-'));
    for (const f of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ])
      await writeFile(join(dir, f), Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 9, 1, 2]));
    const r = await cli(['train', 'mnist', '--data-dir', dir, '--device', 'cpu']);
    expect(r.code).toBe(2);
    expect(errLines(r)).toHaveLength(1);
    expect(errLines(r)[0]).toMatch(/train-images-idx3-ubyte: truncated IDX/);
  });
});

describe('torchts --version', () => {
  it("prints package.json's version and nothing else", async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });
});

describe('torchts info', () => {
  it('reports versions, devices and the adapter', async () => {
    const r = await cli(['info', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const i = JSON.parse(r.stdout);
    expect(i.devices[0]).toBe('cpu');
    expect(typeof i.gpuAvailable).toBe('boolean');
    if (i.webgpu.available) {
      expect(typeof i.webgpu.hardware).toBe('boolean');
      expect(i.webgpu.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    } else expect(i.webgpu.reason).toBeTruthy();
  });
});
