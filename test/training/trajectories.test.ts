/**
 * PyTorch 1.13 training trajectories (test/fixtures/pytorch/training.json): SimpleNet with each
 * optimizer spec, loss per step, first-step logits/grads, the clip norm and final parameters
 * within the trajectory's own tolerance; plus the six lr schedulers, value for value.
 */
import { describe, expect, it } from 'vitest';
import { testDevices } from '../helpers/devices.js';
import { isSupported, loadTraining, runSchedule, runTrajectory } from '../helpers/trajectory.js';

const fx = loadTraining();
const supported = fx.trajectories.filter(isSupported);
const unsupported = fx.trajectories.filter((t) => !isSupported(t));

describe('training.json coverage', () => {
  it('covers every trajectory: simplenet/* here, smallcnn/* in smallcnn.test.ts', () => {
    expect(supported.map((t) => t.name)).toEqual([
      'simplenet/sgd',
      'simplenet/sgd_momentum_nesterov_wd',
      'simplenet/adam',
      'simplenet/adamw',
      'simplenet/rmsprop',
      'simplenet/sgd_clip',
    ]);
    // SmallCNN (conv + batch norm, whose final state includes buffers) has its own runner in
    // smallcnn.test.ts; a new model in training.json fails here until something runs it.
    expect(unsupported.map((t) => `${t.name} (${t.model})`)).toEqual(['smallcnn/sgd_momentum (SmallCNN)']);
  });
});

for (const device of testDevices())
  describe(`trajectories on ${device}`, () => {
    for (const t of supported)
      it(`${t.name} matches PyTorch (rtol ${t.tol.rtol}, atol ${t.tol.atol})`, async () => {
        const r = await runTrajectory(t, device, fx);
        const detail = JSON.stringify(r, null, 1);
        expect(r.losses.length, detail).toBe(t.steps.length);
        for (const l of r.losses)
          expect(l.worst.ratio, `loss ${l.actual} vs ${l.expected}`).toBeLessThanOrEqual(1);
        expect(r.logits, detail).not.toBeNull();
        expect(r.logits!.ratio, detail).toBeLessThanOrEqual(1);
        expect(Object.keys(r.grads).sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
        for (const [k, w] of Object.entries(r.grads))
          expect(w.ratio, `grad ${k}: ${JSON.stringify(w)}`).toBeLessThanOrEqual(1);
        if (t.clip_grad_norm !== null) {
          expect(r.gradNorm, 'clip_grad_norm_ total norm compared').not.toBeNull();
          expect(r.gradNorm!.ratio).toBeLessThanOrEqual(1);
        }
        expect(Object.keys(r.final).sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
        for (const [k, w] of Object.entries(r.final))
          expect(w.ratio, `final ${k}: ${JSON.stringify(w)}`).toBeLessThanOrEqual(1);
        expect(r.passed).toBe(true);
      });
  });

describe('lr schedulers vs PyTorch', () => {
  it('covers all six', () => {
    expect(fx.schedulers.map((s) => s.scheduler.split('(')[0]).sort()).toEqual([
      'CosineAnnealingLR',
      'ExponentialLR',
      'LinearLR',
      'MultiStepLR',
      'OneCycleLR',
      'StepLR',
    ]);
  });
  for (const c of fx.schedulers)
    it(c.scheduler, () => {
      const lrs = runSchedule(c);
      expect(lrs.length).toBe(c.lrs.length);
      // PyTorch's recursive forms reproduced operation for operation: equal to ~1 ulp.
      for (const [i, v] of lrs.entries())
        expect(Math.abs(v - c.lrs[i]), `epoch ${i}: ${v} vs ${c.lrs[i]}`).toBeLessThanOrEqual(1e-15);
    });
});
