/**
 * LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts,
 * ReduceLROnPlateau, SequentialLR, ChainedScheduler, CyclicLR and swa_utils.SWALR against PyTorch 1.13's  lr (and momentum) sequences
 * (test/fixtures/optim/make_scheduler_fixtures.py): two param groups, 12 epochs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { nn, optim } = torch;
const L = optim.lrScheduler;
const fx = JSON.parse(
  readFileSync(new URL('../fixtures/optim/pytorch-schedulers.json', import.meta.url), 'utf8'),
) as { metrics: number[]; cases: Record<string, number[][]> };

type Sched = { step(...a: unknown[]): void; getLastLr(): number[] };
const opt = () =>
  new optim.SGD(
    [{ params: [nn.Parameter(torch.zeros([2]))] }, { params: [nn.Parameter(torch.zeros([3]))], lr: 0.05 }],
    { lr: 0.1, momentum: 0.9 },
  );
const makers: Record<string, (o: torch.optim.SGD) => Sched> = {
  'LambdaLR 0.95**e': (o) => new L.LambdaLR(o, (e) => 0.95 ** e),
  'MultiplicativeLR 0.9': (o) => new L.MultiplicativeLR(o, () => 0.9),
  'ConstantLR 0.5 x3': (o) => new L.ConstantLR(o, { factor: 0.5, totalIters: 3 }),
  'PolynomialLR 4 power 2': (o) => new L.PolynomialLR(o, { totalIters: 4, power: 2 }),
  'CosineAnnealingWarmRestarts 3 x2': (o) => new L.CosineAnnealingWarmRestarts(o, 3, 2, 0.01),
  ReduceLROnPlateau: (o) =>
    new L.ReduceLROnPlateau(o, { factor: 0.5, patience: 1, cooldown: 1, threshold: 0.01 }),
  'ReduceLROnPlateau max abs': (o) =>
    new L.ReduceLROnPlateau(o, {
      mode: 'max',
      factor: 0.5,
      patience: 0,
      threshold: 0.05,
      thresholdMode: 'abs',
      minLr: [0.02, 0.01],
    }),
  'SequentialLR constant then exponential': (o) =>
    new L.SequentialLR(
      o,
      [new L.ConstantLR(o, { factor: 0.5, totalIters: 2 }), new L.ExponentialLR(o, 0.9)],
      [3],
    ),
  'SWALR cos 3': (o) => new optim.swa_utils.SWALR(o, 0.02, 3),
  'SWALR linear per-group 4': (o) =>
    new optim.swa_utils.SWALR(o, { swaLr: [0.02, 0.2], annealEpochs: 4, annealStrategy: 'linear' }),
  'SWALR 0 epochs': (o) => new optim.swa_utils.SWALR(o, { swaLr: 0.03, annealEpochs: 0 }),
  'CyclicLR triangular 3/2': (o) =>
    new L.CyclicLR(o, { baseLr: 0.01, maxLr: [0.1, 0.2], stepSizeUp: 3, stepSizeDown: 2 }),
  'CyclicLR triangular2': (o) => new L.CyclicLR(o, 0.01, 0.1, 2, null, 'triangular2'),
  'CyclicLR exp_range': (o) =>
    new L.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: 'exp_range', gamma: 0.9 }),
  'ChainedScheduler constant and exponential': (o) =>
    new L.ChainedScheduler([
      new L.ConstantLR(o, { factor: 0.5, totalIters: 2 }),
      new L.ExponentialLR(o, 0.9),
    ]),
};

describe('more lr schedulers vs PyTorch 1.13', () => {
  for (const [name, want] of Object.entries(fx.cases))
    it(name, () => {
      const o = opt();
      const s = makers[name](o);
      const lrs = () => [...o.paramGroups.map((g) => g.lr), ...o.paramGroups.map((g) => g.momentum)];
      const got = [lrs()];
      for (let e = 0; e < want.length - 1; e++) {
        if (s instanceof L.ReduceLROnPlateau) s.step(fx.metrics[e]);
        else s.step();
        got.push(lrs());
      }
      got.forEach((row, e) => {
        row.forEach((v, i) => {
          if (!(Math.abs(v - want[e][i]) <= 1e-12 * Math.abs(want[e][i])))
            throw new Error(`${name} epoch ${e} group ${i}: ${v} vs PyTorch ${want[e][i]}`);
        });
      });
      expect(s.getLastLr()).toEqual(got[got.length - 1].slice(0, 2));
    });

  it('state dicts: PyTorch key names, and a resumed schedule continues identically', () => {
    const o = opt();
    const s = new L.CosineAnnealingWarmRestarts(o, 3, 2);
    for (let e = 0; e < 4; e++) s.step();
    const sd = s.stateDict();
    expect(Object.keys(sd)).toEqual(expect.arrayContaining(['T_0', 'T_i', 'T_mult', 'T_cur', 'last_epoch']));
    const o2 = opt();
    o2.loadStateDict(o.stateDict());
    const s2 = new L.CosineAnnealingWarmRestarts(o2, 3, 2);
    s2.loadStateDict(sd);
    s.step();
    s2.step();
    expect(s2.getLastLr()).toEqual(s.getLastLr());
    const p = new L.ReduceLROnPlateau(opt(), { patience: 0 });
    p.step(1);
    expect(Object.keys(p.stateDict())).toEqual(
      expect.arrayContaining(['num_bad_epochs', 'cooldown_counter', 'min_lrs', 'mode_worse', 'best']),
    );
  });

  it('argument errors name the callable', () => {
    expect(() => new L.ConstantLR(opt(), { factor: 2 })).toThrow(/between 0 and 1/);
    expect(() => new L.LambdaLR(opt(), [(e: number) => e])).toThrow(/Expected 2 lr_lambdas, but got 1/);
    expect(() => new L.ReduceLROnPlateau(opt(), { factor: 1 })).toThrow(/Factor should be < 1.0/);
    expect(() => new (L.LambdaLR as any)(opt(), 3)).toThrow(TypeError);
  });
});
