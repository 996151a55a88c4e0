/**
 * PyTorch training trajectories and lr schedulers (test/fixtures/pytorch/training.json), run by
 * the library's conformance code (src/conformance/training.ts, the same the CLI runs): every
 * trajectory (SimpleNet with each optimizer, SmallCNN with batch norm buffers) matches loss per
 * step, first-step logits and grads, the clip norm and the final state dict within its tolerance,
 * on every test device; the six schedulers value for value. A corrupted copy is reported failed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  construct,
  loadTraining,
  runSchedule,
  runTraining,
  runTrajectory,
  SCHEDULER_ATOL,
} from '../../src/conformance/training.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/pytorch', import.meta.url));
const fx = loadTraining(FIXTURE_DIR)!;

describe('training.json coverage', () => {
  it('has every trajectory and scheduler', () => {
    expect(fx.trajectories.map((t) => t.name)).toEqual([
      'simplenet/sgd',
      'simplenet/sgd_momentum_nesterov_wd',
      'simplenet/adam',
      'simplenet/adamw',
      'simplenet/rmsprop',
      'simplenet/sgd_clip',
      'smallcnn/sgd_momentum',
    ]);
    expect(fx.schedulers.map((s) => s.scheduler.split('(')[0]).sort()).toEqual([
      'CosineAnnealingLR',
      'ExponentialLR',
      'LinearLR',
      'MultiStepLR',
      'OneCycleLR',
      'StepLR',
    ]);
  });
});

for (const device of testDevices())
  describe(`trajectories on ${device}`, () => {
    for (const t of fx.trajectories)
      it(`${t.name} matches PyTorch (rtol ${t.tol.rtol}, atol ${t.tol.atol})`, async () => {
        const r = await runTrajectory(t, fx.bin, device);
        const keys = Object.keys(r.checks);
        const params = Object.keys(t.steps[0].grads ?? {});
        expect(params.length).toBeGreaterThan(0);
        for (const k of params) expect(keys).toContain(`grad ${k}`);
        for (const k of Object.keys(t.final)) expect(keys).toContain(`final ${k}`);
        for (let i = 0; i < t.steps.length; i++) expect(keys).toContain(`loss ${i}`);
        expect(keys).toContain('logits');
        if (t.clip_grad_norm !== null) expect(keys).toContain('grad_norm');
        const bad = Object.entries(r.checks).filter(([, w]) => !(w.ratio <= 1));
        expect(bad, JSON.stringify(bad)).toEqual([]);
        expect(r.passed).toBe(true);
      });
  });

describe('lr schedulers vs PyTorch', () => {
  for (const c of fx.schedulers)
    it(c.scheduler, () => {
      const lrs = runSchedule(c);
      expect(lrs.length).toBe(c.lrs.length);
      for (const [i, v] of lrs.entries())
        expect(Math.abs(v - c.lrs[i]), `epoch ${i}: ${v} vs ${c.lrs[i]}`).toBeLessThanOrEqual(SCHEDULER_ATOL);
    });
});

describe('built through the signature registry', () => {
  it("construct() turns PyTorch's keyword names into the registered class's options", () => {
    const p = torch.nn.Parameter(torch.zeros([2]));
    const opt = construct<torch.optim.SGD>('optim.SGD', [[p]], {
      lr: 0.5,
      weight_decay: 0.1,
      nesterov: false,
    });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.5, weightDecay: 0.1 });
    const s = construct<torch.optim.lrScheduler.CosineAnnealingLR>(
      'optim.lrScheduler.CosineAnnealingLR',
      [opt],
      {
        T_max: 6,
        eta_min: 0.001,
      },
    );
    expect(s).toBeInstanceOf(torch.optim.lrScheduler.CosineAnnealingLR);
    expect(() => construct('optim.SGD', [[p]], { lr: 0.1, weightDecay: 0.1 })).toThrow(
      /no parameter 'weightDecay'/,
    );
    expect(() => construct('optim.Nope', [[p]], {})).toThrow(/not a registered class/);
  });
});

describe('negative control: a corrupted copy fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'torchts-training-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('a changed expected loss and lr are reported as failures, the rest still pass', async () => {
    cpSync(join(FIXTURE_DIR, 'training.bin'), join(dir, 'training.bin'));
    const json = JSON.parse(readFileSync(join(FIXTURE_DIR, 'training.json'), 'utf8'));
    json.trajectories = json.trajectories.filter((t: { name: string }) => t.name === 'simplenet/sgd');
    json.trajectories[0].steps[1].loss += 0.05;
    json.schedulers = json.schedulers.slice(0, 2);
    json.schedulers[1].lrs[3] *= 1.001;
    writeFileSync(join(dir, 'training.json'), JSON.stringify(json));
    const results = await runTraining(loadTraining(dir)!, torch.device('cpu'));
    expect(results.map((r) => [r.group, r.passed])).toEqual([
      ['training', false],
      ['scheduler', true],
      ['scheduler', false],
    ]);
    expect(results[0].error).toMatch(/loss 1/);
    expect(results[2].error).toMatch(/epoch 3/);
  });
});
