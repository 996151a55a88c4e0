/** lr schedulers beyond the six PyTorch trajectories: closed forms, momentum cycling, state. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { nn, optim } = torch;
const sched = optim.lrScheduler;
const sgd = (lr = 0.1, extra: Record<string, unknown> = {}) =>
  new optim.SGD([nn.Parameter(torch.zeros([1]))], { lr, ...extra });
const lrOf = (o: torch.optim.Optimizer<any>) => (o.paramGroups[0] as { lr: number }).lr;

describe('lr schedulers', () => {
  it('optim.lr_scheduler is an alias', () => {
    expect(optim.lr_scheduler).toBe(optim.lrScheduler);
  });

  it('StepLR / MultiStepLR / ExponentialLR / LinearLR / Cosine: step(epoch) uses the closed form', () => {
    const o1 = sgd();
    const s1 = new sched.StepLR(o1, { stepSize: 3, gamma: 0.5 });
    s1.step(7);
    expect(lrOf(o1)).toBeCloseTo(0.1 * 0.5 ** 2, 15);
    const o2 = sgd();
    const s2 = new sched.MultiStepLR(o2, { milestones: [5, 2, 5], gamma: 0.1 });
    s2.step(6);
    expect(lrOf(o2)).toBeCloseTo(0.1 * 0.1 ** 3, 15); // milestone 5 counted twice
    const o3 = sgd();
    new sched.ExponentialLR(o3, { gamma: 0.9 }).step(4);
    expect(lrOf(o3)).toBeCloseTo(0.1 * 0.9 ** 4, 15);
    const o4 = sgd();
    new sched.LinearLR(o4, { startFactor: 0.25, totalIters: 4 }).step(2);
    expect(lrOf(o4)).toBeCloseTo(0.1 * (0.25 + 0.75 * 0.5), 15);
    const o5 = sgd();
    new sched.CosineAnnealingLR(o5, { TMax: 10, etaMin: 0.01 }).step(5);
    expect(lrOf(o5)).toBeCloseTo(0.01 + (0.09 * (1 + Math.cos(Math.PI / 2))) / 2, 15);
  });

  it('resuming with lastEpoch needs initial_lr in the groups', () => {
    expect(() => new sched.StepLR(sgd(), { stepSize: 2, lastEpoch: 3 })).toThrow(
      "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
    const o = sgd(0.1);
    new sched.StepLR(o, { stepSize: 2 });
    o.paramGroups[0].lr = 0.05;
    const s = new sched.StepLR(o, { stepSize: 2, gamma: 0.5, lastEpoch: 3 }); // steps to epoch 4: halves
    expect(s.baseLrs).toEqual([0.1]);
    expect(lrOf(o)).toBeCloseTo(0.025, 15);
  });

  it('MultiStepLR recursive: repeated milestones apply gamma twice', () => {
    const o = sgd(1);
    const s = new sched.MultiStepLR(o, { milestones: [2, 2], gamma: 0.5 });
    const lrs = [lrOf(o)];
    for (let i = 0; i < 3; i++) {
      s.step();
      lrs.push(lrOf(o));
    }
    expect(lrs).toEqual([1, 1, 0.25, 0.25]);
    expect(s.getLastLr()).toEqual([0.25]);
  });

  it('every group is scheduled from its own base lr', () => {
    const o = new optim.SGD(
      [{ params: [nn.Parameter(torch.zeros([1]))] }, { params: [nn.Parameter(torch.zeros([1]))], lr: 1 }],
      { lr: 0.1 },
    );
    const s = new sched.ExponentialLR(o, { gamma: 0.5 });
    s.step();
    expect(s.getLastLr()).toEqual([0.05, 0.5]);
    expect(s.baseLrs).toEqual([0.1, 1]);
    expect(o.paramGroups.map((g) => (g as unknown as { initialLr: number }).initialLr)).toEqual([0.1, 1]);
  });

  it('OneCycleLR: three phases, linear annealing, momentum cycled the other way', () => {
    const o = sgd(0.1, { momentum: 0.9 });
    const s = new sched.OneCycleLR(o, {
      maxLr: 1,
      totalSteps: 10,
      threePhase: true,
      annealStrategy: 'linear',
    });
    // Phase ends: 0.3*10-1 = 2, 2*0.3*10-2 = 4, 9.
    const lrs: number[] = [];
    const moms: number[] = [];
    for (let i = 0; i < 10; i++) {
      lrs.push(lrOf(o));
      moms.push((o.paramGroups[0] as { momentum: number }).momentum);
      if (i < 9) s.step();
    }
    const init = 1 / 25;
    const min = init / 1e4;
    expect(lrs[0]).toBeCloseTo(init, 15);
    expect(lrs[1]).toBeCloseTo((init + 1) / 2, 15);
    expect(lrs[2]).toBeCloseTo(1, 15);
    expect(lrs[3]).toBeCloseTo((init + 1) / 2, 15);
    expect(lrs[4]).toBeCloseTo(init, 15);
    expect(lrs[9]).toBeCloseTo(min, 15);
    expect(lrs[6]).toBeCloseTo(init + ((min - init) * 2) / 5, 15);
    expect(moms[0]).toBeCloseTo(0.95, 15);
    expect(moms[2]).toBeCloseTo(0.85, 15);
    expect(moms[4]).toBeCloseTo(0.95, 15);
    expect(moms[9]).toBeCloseTo(0.95, 15);
    expect(() => {
      s.step();
      s.step();
    }).toThrow('Tried to step 12 times. The specified number of total steps is 10');
  });

  it("OneCycleLR cycles Adam's beta1 and needs momentum or betas", () => {
    const o = new optim.Adam([nn.Parameter(torch.zeros([1]))], { lr: 0.1, betas: [0.9, 0.99] });
    const s = new sched.OneCycleLR(o, { maxLr: 0.1, epochs: 2, stepsPerEpoch: 5 });
    expect(o.paramGroups[0].betas).toEqual([0.95, 0.99]);
    s.step();
    s.step();
    expect(o.paramGroups[0].betas[0]).toBeLessThan(0.95);
    expect(o.paramGroups[0].betas[1]).toBe(0.99);
    const noMomentum = new optim.Adagrad([nn.Parameter(torch.zeros([1]))]);
    expect(() => new sched.OneCycleLR(noMomentum, { maxLr: 1, totalSteps: 4 })).toThrow(/momentum/);
    expect(() => new sched.OneCycleLR(sgd(), { maxLr: 1 })).toThrow(
      /total_steps OR \(epochs AND steps_per_epoch\)/,
    );
  });

  it('stateDict round trip resumes the schedule', () => {
    const o = sgd();
    const s = new sched.CosineAnnealingLR(o, { TMax: 6, etaMin: 0.001 });
    for (let i = 0; i < 3; i++) s.step();
    const sd = s.stateDict();
    expect(sd).toMatchObject({ T_max: 6, eta_min: 0.001, last_epoch: 3, _step_count: 4, base_lrs: [0.1] });
    expect('optimizer' in sd).toBe(false);
    const want: number[] = [];
    for (let i = 0; i < 3; i++) {
      s.step();
      want.push(lrOf(o));
    }
    // A fresh optimizer + scheduler, resumed from the saved optimizer lr and scheduler state.
    const o2 = sgd();
    const s2 = new sched.CosineAnnealingLR(o2, { TMax: 6, etaMin: 0.001 });
    s2.loadStateDict(sd);
    o2.paramGroups[0].lr = (sd._last_lr as number[])[0];
    const got: number[] = [];
    for (let i = 0; i < 3; i++) {
      s2.step();
      got.push(lrOf(o2));
    }
    expect(got).toEqual(want);
  });
});
