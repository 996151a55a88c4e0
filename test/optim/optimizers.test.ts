/** Optimizers vs hand-computed PyTorch update rules, param groups, state dicts, errors. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';
import { type RefOptimizer, refAdagrad, refAdam, refRMSprop, refSGD } from './reference.js';

const { nn, optim } = torch;
type Opt = torch.optim.Optimizer<any>;

const P0 = [0.5, -1.25, 2, 0.03, -0.7, 1.1];
/** Gradient at step k: depends on the step and on p (so weight decay and state interact). */
const gradAt = (k: number, p: number[]) => p.map((v, i) => Math.sin(1 + k * 1.7 + i) * 0.8 + 0.3 * v);

async function compareWith(
  make: (ps: Tensor[]) => Opt,
  ref: RefOptimizer,
  device = 'cpu',
  steps = 5,
  tol = 2e-6,
) {
  const p = nn.Parameter(torch.tensor(P0, { dtype: 'float32' }).to(device));
  const opt = make([p]);
  const rp = P0.map(Math.fround);
  for (let k = 0; k < steps; k++) {
    const cur = Array.from(await p.toArray());
    const g = gradAt(k, cur).map(Math.fround);
    p.grad = torch.tensor(g, { dtype: 'float32' }).to(device);
    opt.step();
    ref.step(rp, g);
    const got = Array.from(await p.toArray());
    got.forEach((v, i) => {
      if (!(Math.abs(v - rp[i]) <= tol * (1 + Math.abs(rp[i]))))
        throw new Error(`step ${k} element ${i}: ${v} vs reference ${rp[i]}`);
    });
  }
}

for (const device of testDevices())
  describe(`optimizers vs PyTorch's formulas on ${device}`, () => {
    const cases: [string, (ps: Tensor[]) => Opt, () => RefOptimizer][] = [
      ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1 }), () => refSGD({ lr: 0.1 })],
      [
        'SGD momentum + dampening',
        (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.3 }),
        () => refSGD({ lr: 0.1, momentum: 0.9, dampening: 0.3 }),
      ],
      [
        'SGD nesterov + weightDecay',
        (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
        () => refSGD({ lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
      ],
      [
        'SGD maximize',
        (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.5, maximize: true }),
        () => refSGD({ lr: 0.1, momentum: 0.5, maximize: true }),
      ],
      ['Adam', (ps) => new optim.Adam(ps, { lr: 0.01 }), () => refAdam({ lr: 0.01 })],
      [
        'Adam weightDecay + betas + eps',
        (ps) => new optim.Adam(ps, { lr: 0.02, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1 }),
        () => refAdam({ lr: 0.02, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1 }),
      ],
      [
        'Adam amsgrad',
        (ps) => new optim.Adam(ps, { lr: 0.01, amsgrad: true }),
        () => refAdam({ lr: 0.01, amsgrad: true }),
      ],
      [
        'Adam maximize',
        (ps) => new optim.Adam(ps, { lr: 0.01, maximize: true }),
        () => refAdam({ lr: 0.01, maximize: true }),
      ],
      [
        'AdamW',
        (ps) => new optim.AdamW(ps, { lr: 0.01 }),
        () => refAdam({ lr: 0.01, weightDecay: 0.01, decoupled: true }),
      ],
      [
        'AdamW weightDecay + amsgrad',
        (ps) => new optim.AdamW(ps, { lr: 0.01, weightDecay: 0.5, amsgrad: true }),
        () => refAdam({ lr: 0.01, weightDecay: 0.5, amsgrad: true, decoupled: true }),
      ],
      ['RMSprop', (ps) => new optim.RMSprop(ps, { lr: 0.01 }), () => refRMSprop({ lr: 0.01 })],
      [
        'RMSprop centered + momentum + weightDecay',
        (ps) => new optim.RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.1 }),
        () => refRMSprop({ lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.1 }),
      ],
      [
        'RMSprop maximize + alpha',
        (ps) => new optim.RMSprop(ps, { lr: 0.01, alpha: 0.9, maximize: true }),
        () => refRMSprop({ lr: 0.01, alpha: 0.9, maximize: true }),
      ],
      ['Adagrad', (ps) => new optim.Adagrad(ps, { lr: 0.1 }), () => refAdagrad({ lr: 0.1 })],
      [
        'Adagrad lrDecay + weightDecay + initial accumulator',
        (ps) =>
          new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.5 }),
        () => refAdagrad({ lr: 0.1, lrDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.5 }),
      ],
    ];
    for (const [name, make, ref] of cases) it(name, () => compareWith(make, ref(), device));
  });

describe('the reference comparison', () => {
  it('negative control: a different rule fails', async () => {
    await expect(
      compareWith(
        (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
        refSGD({ lr: 0.1, momentum: 0.9, dampening: 0.01 }),
      ),
    ).rejects.toThrow(/vs reference/);
    await expect(
      compareWith((ps) => new optim.Adam(ps, { lr: 0.01 }), refAdam({ lr: 0.01, eps: 1e-3 })),
    ).rejects.toThrow(/vs reference/);
  });
});

describe('param groups', () => {
  it('each group uses its own hyperparameters; defaults fill the rest', () => {
    const a = nn.Parameter(torch.tensor([1], { dtype: 'float32' }));
    const b = nn.Parameter(torch.tensor([1], { dtype: 'float32' }));
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0.9],
      [0.5, 0.9],
    ]);
    a.grad = torch.tensor([1], { dtype: 'float32' });
    b.grad = torch.tensor([1], { dtype: 'float32' });
    opt.step();
    expect(a.itemSync()).toBeCloseTo(0.9, 6);
    expect(b.itemSync()).toBeCloseTo(0.5, 6);
    const c = nn.Parameter(torch.tensor([1], { dtype: 'float32' }));
    opt.addParamGroup({ params: [c], lr: 1, momentum: 0 });
    c.grad = torch.tensor([2], { dtype: 'float32' });
    opt.step();
    expect(c.itemSync()).toBeCloseTo(-1, 6);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/more than one parameter group/);
    expect(() => new optim.SGD([a, a], { lr: 1 })).toThrow(/duplicate parameters/);
  });

  it('parameters without a gradient are skipped; zeroGrad clears or zeroes', () => {
    const a = nn.Parameter(torch.tensor([1], { dtype: 'float32' }));
    const b = nn.Parameter(torch.tensor([1], { dtype: 'float32' }));
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = torch.tensor([1], { dtype: 'float32' });
    opt.step();
    expect(b.itemSync()).toBe(1);
    expect(opt.state.has(b)).toBe(false);
    opt.zeroGrad({ setToNone: false });
    expect(a.grad!.itemSync()).toBe(0);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('validates hyperparameters with PyTorch messages', () => {
    const p = [nn.Parameter(torch.zeros([1]))];
    expect(() => new optim.SGD(p, { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new optim.SGD(p, { lr: 1, nesterov: true })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
    expect(() => new optim.Adam(p, { betas: [1, 0.9] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new optim.RMSprop(p, { momentum: -1 })).toThrow('Invalid momentum value: -1');
    expect(() => new optim.SGD([], { lr: 1 })).toThrow(/empty parameter list/);
    const y = torch.zeros([1]).requiresGrad_().mul(2);
    expect(() => new optim.SGD([y], { lr: 1 })).toThrow(/non-leaf/);
  });
});

describe('stateDict / loadStateDict', () => {
  const twoParams = () => [
    nn.Parameter(torch.tensor([0.5, -1], { dtype: 'float32' })),
    nn.Parameter(torch.tensor([[2, 3]], { dtype: 'float32' })),
  ];
  const feed = (ps: Tensor[], k: number) => {
    for (const p of ps) p.grad = torch.fullLike(p, Math.sin(k + p.numel()));
  };

  for (const [name, make] of [
    ['SGD', (ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ['Adam', (ps: Tensor[]) => new optim.Adam(ps, { lr: 0.1, amsgrad: true })],
    ['AdamW', (ps: Tensor[]) => new optim.AdamW(ps, { lr: 0.1 })],
    ['RMSprop', (ps: Tensor[]) => new optim.RMSprop(ps, { lr: 0.1, centered: true, momentum: 0.5 })],
    ['Adagrad', (ps: Tensor[]) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.1 })],
  ] as const)
    it(`${name}: resuming from the state dict continues exactly`, () => {
      const a = twoParams();
      const b = twoParams();
      const oa = make(a);
      for (let k = 0; k < 3; k++) {
        feed(a, k);
        oa.step();
      }
      const sd = oa.stateDict();
      // Resume: copy parameter values, load the optimizer state, take the same next steps.
      b.forEach((p, i) => {
        torch.noGrad(() => p.copy_(a[i]));
      });
      const ob = make(b);
      ob.loadStateDict(sd);
      for (let k = 3; k < 5; k++) {
        feed(a, k);
        feed(b, k);
        oa.step();
        ob.step();
      }
      a.forEach((p, i) => {
        expect(Array.from(b[i].toArraySync())).toEqual(Array.from(p.toArraySync()));
      });
      // Loaded state is a copy, not shared with the source optimizer.
      const sa = oa.state.get(a[0])!;
      const sb = ob.state.get(b[0])!;
      for (const k of Object.keys(sa)) if (sa[k] instanceof torch.Tensor) expect(sb[k]).not.toBe(sa[k]);
    });

  it("uses PyTorch's layout and snake_case keys", () => {
    const ps = twoParams();
    const opt = new optim.Adam([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.5 }], {
      lr: 0.1,
      weightDecay: 0.01,
    });
    feed(ps, 0);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(Object.keys(sd.state[0])).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.param_groups).toEqual([
      {
        lr: 0.1,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0.01,
        amsgrad: false,
        foreach: null,
        maximize: false,
        capturable: false,
        differentiable: false,
        fused: null,
        params: [0],
      },
      {
        lr: 0.5,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0.01,
        amsgrad: false,
        foreach: null,
        maximize: false,
        capturable: false,
        differentiable: false,
        fused: null,
        params: [1],
      },
    ]);
    const sgd = new optim.SGD(ps, { lr: 0.1, momentum: 0.9 });
    feed(ps, 1);
    sgd.step();
    expect(Object.keys(sgd.stateDict().state[1])).toEqual(['momentum_buffer']);
    // Hyperparameters come back from the dict (lr changed by a scheduler, say).
    const sd2 = sgd.stateDict();
    sd2.param_groups[0].lr = 0.01;
    sd2.param_groups[0].weight_decay = 0.2;
    sgd.loadStateDict(sd2);
    expect(sgd.paramGroups[0].lr).toBe(0.01);
    expect(sgd.paramGroups[0].weightDecay).toBe(0.2);
    // PyTorch 1.13 stores `step` as a 0-d tensor: accepted.
    const sd3 = opt.stateDict();
    sd3.state[0].step = torch.tensor(7, { dtype: 'float32' });
    opt.loadStateDict(sd3);
    expect(opt.state.get(ps[0])!.step).toBe(7);
  });

  it('rejects a dict of another shape', () => {
    const ps = twoParams();
    const opt = new optim.SGD(ps, { lr: 0.1 });
    const other = new optim.SGD([{ params: [ps[0]] }, { params: [ps[1]] }], { lr: 0.1 });
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(
      'loaded state dict has a different number of parameter groups',
    );
    const small = new optim.SGD([ps[0]], { lr: 0.1 });
    expect(() => opt.loadStateDict(small.stateDict())).toThrow(/doesn't match the size of optimizer's group/);
  });
});

describe('a model trains', () => {
  it('SGD on a linear regression reaches the solution', async () => {
    torch.manualSeed(0);
    const X = torch.randn([64, 3]);
    const wTrue = torch.tensor([[1.5], [-2], [0.5]], { dtype: 'float32' });
    const Y = X.matmul(wTrue).add(0.3);
    const model = new nn.Linear(3, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const crit = new nn.MSELoss();
    for (let i = 0; i < 200; i++) {
      opt.zeroGrad();
      const loss = crit(model(X), Y);
      loss.backward();
      opt.step();
    }
    const w = Array.from(model.weight.toArraySync());
    [1.5, -2, 0.5].forEach((v, i) => {
      expect(w[i]).toBeCloseTo(v, 3);
    });
    expect(model.bias!.itemSync()).toBeCloseTo(0.3, 3);
  });
});
