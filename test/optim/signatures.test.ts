/**
 * optim's public surface binds PyTorch 2.x's parameter lists (src/signature): every optimizer and
 * scheduler gives the same trajectory whether its arguments come positionally or by name, and an
 * extra positional argument, an unknown option (or param-group key) or a wrong type is a TypeError
 * naming the callable and the parameter. amsgrad and maximize are held to PyTorch's own numbers
 * (test/fixtures/optim/make_fixtures.py, PyTorch 1.13) on the composed and the fused path.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;
const sched = optim.lrScheduler;
type Opt = torch.optim.Optimizer<any>;
/** Calls a constructor with arguments tsc would (rightly) reject. */
const loose = (C: unknown, ...args: unknown[]) => new (C as new (...a: unknown[]) => unknown)(...args);

const P0 = [0.5, -1.25, 2, 0.03, -0.7, 1.1];
const gradAt = (k: number, p: number[]) => p.map((v, i) => Math.sin(1 + k * 1.7 + i) * 0.8 + 0.3 * v);

/** The parameter values after each of `steps` steps of the optimizer `make` builds. */
async function trajectory(make: (ps: Tensor[]) => Opt, device: string, steps = 4): Promise<number[][]> {
  const p = nn.Parameter(torch.tensor(P0, { dtype: 'float32' }).to(device));
  const opt = make([p]);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    p.grad = torch.tensor(gradAt(k, Array.from(await p.toArray())), { dtype: 'float32' }).to(device);
    opt.step();
    out.push(Array.from(await p.toArray()));
  }
  return out;
}

const param = () => nn.Parameter(torch.tensor(P0, { dtype: 'float32' }));

/** [name, positional form, options form] of the same configuration. */
const optimizerForms: [string, (ps: Tensor[]) => Opt, (ps: Tensor[]) => Opt][] = [
  [
    'SGD',
    (ps) => new optim.SGD(ps, 0.05, 0.9, 0, 0.01, true),
    (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true }),
  ],
  [
    'SGD (prefix + options)',
    (ps) => new optim.SGD(ps, 0.05, 0.5, { maximize: true }),
    (ps) => new optim.SGD({ params: ps, lr: 0.05, momentum: 0.5, maximize: true }),
  ],
  [
    'Adam',
    (ps) => new optim.Adam(ps, 0.01, [0.8, 0.9], 1e-6, 0.1, true),
    (ps) => new optim.Adam(ps, { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.1, amsgrad: true }),
  ],
  [
    'AdamW',
    (ps) => new optim.AdamW(ps, 0.01, [0.8, 0.9], 1e-6, 0.1, true, { maximize: true }),
    (ps) =>
      new optim.AdamW(ps, {
        lr: 0.01,
        betas: [0.8, 0.9],
        eps: 1e-6,
        weightDecay: 0.1,
        amsgrad: true,
        maximize: true,
      }),
  ],
  [
    'RMSprop (maximize is positional in PyTorch)',
    (ps) => new optim.RMSprop(ps, 0.01, 0.9, 1e-6, 0.1, 0.5, true, false, null, true),
    (ps) =>
      new optim.RMSprop(ps, {
        lr: 0.01,
        alpha: 0.9,
        eps: 1e-6,
        weightDecay: 0.1,
        momentum: 0.5,
        centered: true,
        maximize: true,
      }),
  ],
  [
    'Adagrad',
    (ps) => new optim.Adagrad(ps, 0.1, 0.01, 0.1, 0.2, 1e-8, null, { maximize: true }),
    (ps) =>
      new optim.Adagrad(ps, {
        lr: 0.1,
        lrDecay: 0.01,
        weightDecay: 0.1,
        initialAccumulatorValue: 0.2,
        eps: 1e-8,
        maximize: true,
      }),
  ],
];

for (const device of testDevices())
  describe(`optimizer signatures on ${device}`, () => {
    for (const [name, positional, options] of optimizerForms)
      it(`${name}: positional and options forms give the same trajectory`, async () => {
        const a = await trajectory(positional, device);
        const b = await trajectory(options, device);
        expect(a).toEqual(b);
        expect(a[3]).not.toEqual(P0.map(Math.fround)); // it did move
      });

    it('amsgrad and maximize match PyTorch, composed and fused', async () => {
      const fx = JSON.parse(
        readFileSync(new URL('../fixtures/optim/pytorch-amsgrad-maximize.json', import.meta.url), 'utf8'),
      ) as {
        p0: number[];
        grads: number[][];
        cases: Record<string, { optimizer: string; kwargs: Record<string, unknown>; params: number[][] }>;
      };
      const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      for (const [name, c] of Object.entries(fx.cases))
        for (const fused of c.optimizer === 'RMSprop' ? [null] : [null, false]) {
          const opts: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(c.kwargs)) opts[camel(k)] = v;
          if (c.optimizer !== 'RMSprop') opts.fused = fused; // RMSprop has no fused parameter
          const p = nn.Parameter(torch.tensor(fx.p0, { dtype: 'float32' }).to(device));
          const opt = loose((optim as any)[c.optimizer], [p], opts) as Opt;
          for (let k = 0; k < fx.grads.length; k++) {
            p.grad = torch.tensor(fx.grads[k], { dtype: 'float32' }).to(device);
            opt.step();
            const got = Array.from(await p.toArray());
            got.forEach((v, i) => {
              const want = c.params[k][i];
              if (!(Math.abs(v - want) <= 1e-5 * (1 + Math.abs(want))))
                throw new Error(`${name} (fused ${fused}) step ${k} element ${i}: ${v} vs PyTorch ${want}`);
            });
          }
        }
    });
  });

describe('optimizer argument errors', () => {
  const ctors: [string, unknown, number][] = [
    ['optim.SGD', optim.SGD, 6],
    ['optim.Adam', optim.Adam, 6],
    ['optim.AdamW', optim.AdamW, 6],
    ['optim.RMSprop', optim.RMSprop, 11],
    ['optim.Adagrad', optim.Adagrad, 7],
  ];
  for (const [label, C, nPos] of ctors)
    it(`${label}: extra positional, unknown option, wrong type, bad group key are TypeErrors`, () => {
      const esc = label.replace('.', '\\.');
      const extra = [[param()], ...new Array(nPos - 1).fill(undefined), 1];
      expect(() => loose(C, ...extra)).toThrow(TypeError);
      expect(() => loose(C, ...extra)).toThrow(
        new RegExp(`^${esc}\\(\\): takes ${nPos} positional arguments`),
      );
      expect(() => loose(C, [param()], { lr: 0.1, momentun: 0.9 })).toThrow(
        new RegExp(`^${esc}\\(\\): got an unexpected option 'momentun'`),
      );
      expect(() => loose(C, [param()], { lr: '0.1' })).toThrow(
        new RegExp(`^${esc}\\(\\): argument 'lr' must be a number, not '0.1'`),
      );
      expect(() => loose(C, [param()], '0.1')).toThrow(
        new RegExp(`^${esc}\\(\\): argument 'lr' \\(position 2\\) must be a number, not '0.1'`),
      );
      expect(() => loose(C, [param()], { maximize: 1 })).toThrow(
        new RegExp(`^${esc}\\(\\): argument 'maximize' must be a boolean, not 1`),
      );
      expect(() => loose(C, [{ params: [param()], momentun: 0.9 }])).toThrow(
        new RegExp(`^${esc}\\(\\): param group: got an unexpected key 'momentun'`),
      );
      expect(() => loose(C, [{ params: [param()], lr: 'big' }])).toThrow(
        new RegExp(`^${esc}\\(\\): param group: argument 'lr' must be a number, not 'big'`),
      );
      const opt = loose(C, [param()]) as Opt;
      expect(() => opt.addParamGroup({ params: [param()], lr: 0.1, eps2: 1 })).toThrow(
        new RegExp(`^${esc}\\(\\): param group: got an unexpected key 'eps2'`),
      );
      expect(() => loose(C, param())).toThrow(
        new RegExp(`^${esc}\\(\\): argument 'params' \\(position 1\\) must be an iterable of tensors`),
      );
    });

  it('a positional number is lr, as in PyTorch', () => {
    expect(new optim.SGD([param()], 0.1).paramGroups[0].lr).toBe(0.1);
    expect(new optim.Adam([param()], 0.02).paramGroups[0].lr).toBe(0.02);
    const g = new optim.SGD([param()], 0.1, 0.9).paramGroups[0];
    expect([g.lr, g.momentum]).toEqual([0.1, 0.9]);
  });

  it('param groups: hyperparameters bind by name, defaults fill the rest, initialLr is kept', () => {
    const opt = new optim.Adam(
      [{ params: [param()], betas: [0.5, 0.6], initialLr: 0.3 }, { params: param() }],
      0.1,
    );
    expect(opt.paramGroups[0].betas).toEqual([0.5, 0.6]);
    expect((opt.paramGroups[0] as unknown as { initialLr: number }).initialLr).toBe(0.3);
    expect(opt.paramGroups[1].lr).toBe(0.1);
    expect(opt.paramGroups[1].params.length).toBe(1);
  });

  it('parameters torchts cannot honour raise instead of being ignored', () => {
    const ps = () => [param()];
    expect(() => new optim.Adam(ps(), { capturable: true })).toThrow(
      /^optim\.Adam\(\): capturable=true is not supported/,
    );
    expect(() => new optim.AdamW(ps(), { differentiable: true })).toThrow(
      /^optim\.AdamW\(\): differentiable=true is not supported/,
    );
    expect(() => new optim.RMSprop(ps(), 0.01, 0.99, 1e-8, 0, 0, false, true)).toThrow(
      /^optim\.RMSprop\(\): capturable=true is not supported/,
    );
    expect(() => new optim.Adagrad(ps(), { fused: true })).toThrow(
      /^optim\.Adagrad\(\): fused=true is not supported/,
    );
    expect(() => new optim.SGD(ps(), { differentiable: true })).toThrow(
      /differentiable=true is not supported/,
    );
    expect(() => new optim.SGD(ps(), { fused: true, foreach: true })).toThrow(
      /`fused` and `foreach` cannot be `True` together/,
    );
    // The fused routines take contiguous float32 only: fused=True is an error otherwise, not a
    // silent fallback to the composed path.
    const p = nn.Parameter(torch.zeros([2, 3]));
    const fusedSgd = new optim.SGD([p], { fused: true });
    p.grad = torch.ones([3, 2]).t();
    expect(() => fusedSgd.step()).toThrow(/^optim\.SGD\(\): fused=True needs .*non-contiguous/);
    p.grad = torch.ones([2, 3]);
    fusedSgd.step();
    // In a group, and in a loaded state dict, too.
    expect(() => new optim.Adam([{ params: ps(), capturable: true }])).toThrow(/capturable=true/);
    const opt = new optim.Adam(ps());
    const sd = opt.stateDict();
    sd.param_groups[0].capturable = true;
    expect(() => opt.loadStateDict(sd)).toThrow(/capturable=true/);
  });

  it('foreach: false takes the composed path (same numbers as fused: false)', async () => {
    for (const device of testDevices()) {
      const a = await trajectory((ps) => new optim.Adam(ps, 0.05, { foreach: false }), device);
      const b = await trajectory((ps) => new optim.Adam(ps, 0.05, { fused: false }), device);
      expect(a).toEqual(b);
    }
  });

  it('Optimizer methods bind their parameters too', () => {
    const p = param();
    const opt = new optim.SGD([p], 0.1);
    p.grad = torch.ones([6]);
    opt.zeroGrad(false);
    expect(p.grad).not.toBeNull();
    expect(Array.from(p.grad!.toArraySync())).toEqual(new Array(6).fill(0));
    opt.zeroGrad({ setToNone: true });
    expect(p.grad).toBeNull();
    expect(() => (opt.zeroGrad as (...a: unknown[]) => void)(1)).toThrow(
      /^optim\.Optimizer\.zeroGrad\(\): argument 'setToNone' \(position 1\) must be a boolean, not 1/,
    );
    expect(() => (opt.zeroGrad as (...a: unknown[]) => void)({ setToNone: true, x: 1 })).toThrow(
      /^optim\.Optimizer\.zeroGrad\(\): got an unexpected option 'x'/,
    );
    expect(() => (opt.step as (...a: unknown[]) => void)(5)).toThrow(
      /^optim\.Optimizer\.step\(\): argument 'closure' \(position 1\) must be a function returning the loss/,
    );
    const loss = torch.tensor(3);
    expect(opt.step(() => loss)).toBe(loss);
    expect(opt.step({ closure: () => loss })).toBe(loss);
    expect(() => (opt.loadStateDict as (...a: unknown[]) => void)({ lr: 1 })).toThrow(
      /^optim\.Optimizer\.loadStateDict\(\): got an unexpected option 'lr'/,
    );
    expect(() => (opt.stateDict as (...a: unknown[]) => void)(1)).toThrow(
      /^optim\.Optimizer\.stateDict\(\): takes 0 positional arguments/,
    );
    expect(() => (opt.addParamGroup as (...a: unknown[]) => void)([param()])).toThrow(
      /^optim\.Optimizer\.addParamGroup\(\): argument 'paramGroup' \(position 1\) must be an object/,
    );
    opt.loadStateDict({ stateDict: opt.stateDict() });
  });
});

const sgd = () => new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
const lrs = (s: torch.optim.lrScheduler.LRScheduler, o: Opt, n = 12) => {
  const out: number[] = [o.paramGroups[0].lr as number];
  for (let i = 0; i < n; i++) {
    s.step();
    out.push(o.paramGroups[0].lr as number, (o.paramGroups[0] as { momentum: number }).momentum);
  }
  return out;
};

/** [name, positional form, options form] of the same schedule. */
const schedulerForms: [
  string,
  (o: Opt) => torch.optim.lrScheduler.LRScheduler,
  (o: Opt) => torch.optim.lrScheduler.LRScheduler,
][] = [
  ['StepLR', (o) => new sched.StepLR(o, 3, 0.5), (o) => new sched.StepLR(o, { stepSize: 3, gamma: 0.5 })],
  [
    'MultiStepLR',
    (o) => new sched.MultiStepLR(o, [2, 5, 5], 0.5),
    (o) => new sched.MultiStepLR(o, { milestones: [2, 5, 5], gamma: 0.5 }),
  ],
  [
    'ExponentialLR',
    (o) => new sched.ExponentialLR(o, 0.9),
    (o) => new sched.ExponentialLR(o, { gamma: 0.9 }),
  ],
  [
    'CosineAnnealingLR',
    (o) => new sched.CosineAnnealingLR(o, 5, 0.01),
    (o) => new sched.CosineAnnealingLR(o, { TMax: 5, etaMin: 0.01 }),
  ],
  [
    'LinearLR',
    (o) => new sched.LinearLR(o, 0.25, 0.9, 4),
    (o) => new sched.LinearLR(o, { startFactor: 0.25, endFactor: 0.9, totalIters: 4 }),
  ],
  [
    'OneCycleLR',
    (o) => new sched.OneCycleLR(o, 1, 13, null, null, 0.3, 'linear', true, 0.8, 0.9, 10, 100, true),
    (o) =>
      new sched.OneCycleLR(o, {
        maxLr: 1,
        totalSteps: 13,
        annealStrategy: 'linear',
        baseMomentum: 0.8,
        maxMomentum: 0.9,
        divFactor: 10,
        finalDivFactor: 100,
        threePhase: true,
      }),
  ],
];

describe('lr scheduler signatures', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  for (const [name, positional, options] of schedulerForms)
    it(`${name}: positional and options forms give the same schedule`, () => {
      const o1 = sgd();
      const o2 = sgd();
      const x = lrs(positional(o1), o1);
      const y = lrs(options(o2), o2);
      expect(x).toEqual(y);
      expect(new Set(x.filter((_, i) => i % 2 === 0)).size).toBeGreaterThan(1); // the lr moved
    });

  it('extra positional, unknown option, wrong type, missing argument are TypeErrors', () => {
    expect(() => loose(sched.StepLR, sgd(), 2, 0.1, -1, false, 1)).toThrow(
      /^optim\.lrScheduler\.StepLR\(\): takes 5 positional arguments/,
    );
    expect(() => loose(sched.StepLR, sgd(), { stepsize: 2 })).toThrow(
      /^optim\.lrScheduler\.StepLR\(\): got an unexpected option 'stepsize'/,
    );
    expect(() => loose(sched.StepLR, sgd(), 2.5)).toThrow(
      /^optim\.lrScheduler\.StepLR\(\): argument 'stepSize' \(position 2\) must be an int, not 2\.5/,
    );
    expect(() => loose(sched.StepLR, sgd())).toThrow(
      /^optim\.lrScheduler\.StepLR\(\): missing required argument 'stepSize'/,
    );
    expect(() => loose(sched.StepLR, {}, 2)).toThrow(/^optim\.lrScheduler\.StepLR\(\): argument 'optimizer'/);
    expect(() => loose(sched.MultiStepLR, sgd(), 2)).toThrow(
      /^optim\.lrScheduler\.MultiStepLR\(\): argument 'milestones' \(position 2\) must be int\[\], not 2/,
    );
    expect(() => loose(sched.ExponentialLR, sgd(), { gamma: 0.9, lastepoch: 1 })).toThrow(
      /^optim\.lrScheduler\.ExponentialLR\(\): got an unexpected option 'lastepoch'/,
    );
    expect(() => loose(sched.CosineAnnealingLR, sgd(), { tMax: 3 })).toThrow(
      /^optim\.lrScheduler\.CosineAnnealingLR\(\): got an unexpected option 'tMax'/,
    );
    expect(() => loose(sched.LinearLR, sgd(), '0.5')).toThrow(
      /^optim\.lrScheduler\.LinearLR\(\): argument 'startFactor' \(position 2\) must be a number/,
    );
    expect(() =>
      loose(sched.OneCycleLR, sgd(), { maxLr: 1, totalSteps: 4, annealStrategy: 'cosine' }),
    ).toThrow(
      /^optim\.lrScheduler\.OneCycleLR\(\): argument 'annealStrategy' must be "cos"\|"linear", not 'cosine'/,
    );
    const s = new sched.StepLR(sgd(), 2);
    expect(() => (s.step as (...a: unknown[]) => void)('1')).toThrow(
      /^optim\.lrScheduler\.LRScheduler\.step\(\): argument 'epoch' \(position 1\) must be an int, not '1'/,
    );
    expect(() => (s.getLastLr as (...a: unknown[]) => void)(0)).toThrow(/getLastLr\(\): takes 0 positional/);
  });

  it('verbose: true prints each new lr as PyTorch does (with its deprecation warning)', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const s = new sched.StepLR(sgd(), 1, 0.5, -1, true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/verbose parameter is deprecated/);
    s.step();
    s.step(5);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Adjusting learning rate of group 0 to 1.0000e-01.',
      'Adjusting learning rate of group 0 to 5.0000e-02.',
      'Epoch 00005: adjusting learning rate of group 0 to 3.1250e-03.',
    ]);
    log.mockClear();
    new sched.StepLR(sgd(), { stepSize: 1, verbose: false }).step();
    expect(log).not.toHaveBeenCalled();
  });
});
