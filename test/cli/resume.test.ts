/**
 * Ctrl-C then --resume continues mid-epoch and ends with the same bits as a run that was never
 * interrupted. In-process (train() with a reporter that raises SIGINT at a chosen step), so the
 * stopping point is exact; cli.test.ts does the same through a real signal.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Reporter, type TrainOptions, train } from '../../src/cli/train.js';
import * as torch from '../../src/index.js';

const base: TrainOptions = {
  device: 'cpu',
  epochs: 3,
  batchSize: 64,
  lr: 0.002,
  momentum: 0,
  optimizer: 'adam', // optimizer state (moments, step counts) must survive the interruption too
  seed: 11,
  model: 'simplenet',
  quiet: true,
  json: true,
  limitTrain: 2048, // 32 steps per epoch
  limitTest: 100,
};

/** A silent reporter that sends Ctrl-C (SIGINT to this process's handler) at one step. */
function reporter(interruptAt?: { epoch: number; step: number }): Reporter {
  let epoch = 0;
  return {
    line: () => {},
    epochStart: (e) => {
      epoch = e;
    },
    step: (done) => {
      if (interruptAt && epoch === interruptAt.epoch && done === interruptAt.step) process.emit('SIGINT');
    },
    epochEnd: () => {},
  };
}

type Sd = Record<string, torch.Tensor>;
const bits = async (f: string) => {
  const sd = (await torch.load(f)) as Sd;
  return Object.fromEntries(
    Object.entries(sd).map(([k, t]) => [
      k,
      Buffer.from(new Uint8Array(t.toArraySync().buffer)).toString('hex'),
    ]),
  );
};

describe('train --resume after Ctrl-C', () => {
  it('continues mid-epoch with the same shuffle and reaches bit-identical weights', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-resume-'));
    const full = await train({ ...base, out: join(dir, 'full') }, reporter());
    expect(full.interrupted).toBe(false);
    expect(full.metrics).toHaveLength(3);

    const a = join(dir, 'a');
    const first = await train({ ...base, out: a }, reporter({ epoch: 2, step: 25 }));
    expect(first.interrupted).toBe(true);
    expect(first.metrics).toHaveLength(1); // the partial second epoch is not reported as done
    const ck = (await torch.load(join(a, 'checkpoint.safetensors'))) as {
      epoch: number;
      position: { epoch: number; step: number; seen: number };
    };
    expect(ck.epoch).toBe(1);
    expect(ck.position).toMatchObject({ epoch: 1, step: 25, seen: 25 * 64 });
    // Negative control: the weights at the interruption are not yet the final ones.
    expect(await bits(join(a, 'model.safetensors'))).not.toEqual(
      await bits(join(dir, 'full', 'model.safetensors')),
    );

    const b = join(dir, 'b');
    const second = await train({ ...base, out: b, resume: join(a, 'checkpoint.safetensors') }, reporter());
    expect(second.interrupted).toBe(false);
    expect(await bits(join(b, 'model.safetensors'))).toEqual(
      await bits(join(dir, 'full', 'model.safetensors')),
    );
    // The resumed epoch's train loss is summed as the uninterrupted run summed it: same float.
    const loss = (ms: { trainLoss: number; testLoss: number; testAccuracy: number }[]) =>
      ms.map(({ trainLoss, testLoss, testAccuracy }) => [trainLoss, testLoss, testAccuracy]);
    expect(loss(second.metrics)).toEqual(loss(full.metrics));
  }, 120_000);

  it('negative control: without the saved position (the old checkpoint) the resumed run differs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-resume-old-'));
    const full = await train({ ...base, epochs: 2, out: join(dir, 'full') }, reporter());
    expect(full.metrics).toHaveLength(2);
    const a = join(dir, 'a');
    await train({ ...base, epochs: 2, out: a }, reporter({ epoch: 1, step: 32 })); // at the epoch's end
    const ck = (await torch.load(join(a, 'checkpoint.safetensors'))) as Record<string, unknown>;
    expect(ck.position).toMatchObject({ epoch: 1, step: 0 });
    // A boundary resume with the position works...
    const b = join(dir, 'b');
    await train({ ...base, epochs: 2, out: b, resume: join(a, 'checkpoint.safetensors') }, reporter());
    const want = await bits(join(dir, 'full', 'model.safetensors'));
    expect(await bits(join(b, 'model.safetensors'))).toEqual(want);
    // ...and the same checkpoint without it (as written before) loses the shuffle state.
    delete ck.position;
    await torch.save(ck as never, join(a, 'old.safetensors'));
    const c = join(dir, 'c');
    await train({ ...base, epochs: 2, out: c, resume: join(a, 'old.safetensors') }, reporter());
    expect(await bits(join(c, 'model.safetensors'))).not.toEqual(want);
  }, 120_000);

  it('refuses a mid-epoch checkpoint with another batch size, naming both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-resume-bs-'));
    await train({ ...base, epochs: 1, out: dir }, reporter({ epoch: 1, step: 25 }));
    await expect(
      train(
        { ...base, batchSize: 32, out: join(dir, 'b'), resume: join(dir, 'checkpoint.safetensors') },
        reporter(),
      ),
    ).rejects.toThrow(
      /stopped mid-epoch with --batch-size 64 over 2048 training images; resume with the same \(got --batch-size 32 over 2048\)/,
    );
  }, 60_000);
});
