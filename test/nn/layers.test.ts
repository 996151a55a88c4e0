/** Layers, default inits, nn.init formulas, loss modules, functional names, nn.utils. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const { nn } = torch;
const arr = (t: Tensor) => Array.from(t.toArraySync());
const stats = (a: number[]) => {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const v = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
  return { mean, std: Math.sqrt(v), min: Math.min(...a), max: Math.max(...a) };
};

describe('default initialisation (statistical, fixed seed)', () => {
  it('Linear: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in))', () => {
    torch.manualSeed(0);
    const fc = new nn.Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    const w = stats(arr(fc.weight));
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.min).toBeLessThan(-0.99 * bound); // the whole range is used
    expect(w.max).toBeGreaterThan(0.99 * bound);
    // U(-b, b): std b/sqrt(3); 120k samples: 1% is many standard errors.
    expect(Math.abs(w.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
    expect(Math.abs(w.mean)).toBeLessThan((4 * bound) / Math.sqrt(3) / Math.sqrt(120000));
    const b = stats(arr(fc.bias!));
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThanOrEqual(bound);
    expect(Math.abs(b.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.15);
    expect(fc.weight.isLeaf && fc.weight.requiresGrad && fc.weight.gradFn === null).toBe(true);
  });

  it('the same seed gives the same model; a different one does not', () => {
    torch.manualSeed(5);
    const a = arr(new nn.Linear(8, 4).weight);
    torch.manualSeed(5);
    expect(arr(new nn.Linear(8, 4).weight)).toEqual(a);
    torch.manualSeed(6);
    expect(arr(new nn.Linear(8, 4).weight)).not.toEqual(a);
  });

  it('Embedding: N(0, 1) with the padding row zero and no gradient into it', () => {
    torch.manualSeed(1);
    const e = new nn.Embedding(1000, 64, { paddingIdx: -1 });
    expect(e.paddingIdx).toBe(999);
    const s = stats(arr(e.weight).slice(0, 999 * 64));
    expect(Math.abs(s.std - 1)).toBeLessThan(0.02);
    expect(arr(e.weight.select(0, 999)).every((v) => v === 0)).toBe(true);
    const ids = torch.tensor(
      [
        [0, 999],
        [999, 3],
      ],
      { dtype: 'int32' },
    );
    const y = e(ids);
    expect(y.shape).toEqual([2, 2, 64]);
    y.sum().backward();
    const g = e.weight.grad!;
    expect(arr(g.select(0, 999)).every((v) => v === 0)).toBe(true);
    expect(arr(g.select(0, 0)).every((v) => v === 1)).toBe(true);
    const frozen = nn.Embedding.fromPretrained(torch.eye(3));
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(arr(frozen(torch.tensor([2], { dtype: 'int32' })))).toEqual([0, 0, 1]);
  });
});

describe('nn.init', () => {
  it('calculateGain as PyTorch', () => {
    expect(nn.init.calculateGain('linear')).toBe(1);
    expect(nn.init.calculateGain('sigmoid')).toBe(1);
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(nn.init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(nn.init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(nn.init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(nn.init.calculateGain('selu')).toBe(0.75);
  });

  it('fan-based bounds and stds', () => {
    const g = new torch.Generator(3);
    const w = nn.Parameter(torch.empty([200, 300]));
    nn.init.xavierUniform_(w, 2, { generator: g });
    const a = 2 * Math.sqrt(6 / 500);
    let s = stats(arr(w));
    expect(s.max).toBeLessThanOrEqual(a);
    expect(s.min).toBeGreaterThanOrEqual(-a);
    expect(Math.abs(s.std / (a / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
    nn.init.xavierNormal_(w, 1, { generator: g });
    expect(Math.abs(stats(arr(w)).std / Math.sqrt(2 / 500) - 1)).toBeLessThan(0.01);
    nn.init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu', generator: g });
    expect(Math.abs(stats(arr(w)).std / (Math.SQRT2 / Math.sqrt(200)) - 1)).toBeLessThan(0.01);
    nn.init.kaimingUniform_(w, { generator: g }); // a=0, leaky_relu: bound sqrt(2) * sqrt(3 / fan_in)
    s = stats(arr(w));
    const b = Math.sqrt(2 / (1 + 0)) * Math.sqrt(3 / 300);
    expect(s.max).toBeLessThanOrEqual(b);
    expect(s.max).toBeGreaterThan(0.99 * b);
    // 4-D conv weight: receptive field multiplies the fans.
    expect(nn.init.calculateFanInAndFanOut(torch.empty([8, 4, 3, 3]))).toEqual([36, 72]);
    expect(() => nn.init.xavierUniform_(torch.empty([5]))).toThrow(/fewer than 2 dimensions/);
    // Never recorded by autograd: still a leaf that requires grad.
    expect(w.isLeaf && w.requiresGrad).toBe(true);
  });

  it('constants and truncated normal', () => {
    const w = nn.Parameter(torch.empty([1000]));
    expect(arr(nn.init.constant_(w, 0.5)).every((v) => v === 0.5)).toBe(true);
    expect(arr(nn.init.ones_(w)).every((v) => v === 1)).toBe(true);
    expect(arr(nn.init.zeros_(w)).every((v) => v === 0)).toBe(true);
    const t = nn.Parameter(torch.empty([20000]));
    nn.init.truncNormal_(t, { std: 1, a: -1, b: 1, generator: new torch.Generator(2) });
    const s = stats(arr(t));
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThanOrEqual(1);
    // Var of N(0,1) truncated to [-1, 1]: 1 - 2 phi(1) / (2 Phi(1) - 1) = 0.2911
    expect(Math.abs(s.std ** 2 - 0.29113)).toBeLessThan(0.01);
  });
});

describe('shape and activation modules', () => {
  it('Flatten, Unflatten, Identity', () => {
    const x = torch.zeros([2, 3, 4, 5]);
    expect(new nn.Flatten()(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 2)(x).shape).toEqual([24, 5]);
    expect(new nn.Unflatten(1, [3, 20])(new nn.Flatten()(x)).shape).toEqual([2, 3, 20]);
    expect(new nn.Identity()(x)).toBe(x);
  });

  it('activation modules equal their functional forms', () => {
    const x = torch.linspace(-3, 3, 13);
    const F = nn.functional;
    const pairs: [torch.nn.Module, Tensor][] = [
      [new nn.ReLU(), F.relu(x)],
      [new nn.Sigmoid(), F.sigmoid(x)],
      [new nn.Tanh(), F.tanh(x)],
      [new nn.GELU(), F.gelu(x)],
      [new nn.GELU('tanh'), F.gelu(x, { approximate: 'tanh' })],
      [new nn.SiLU(), F.silu(x)],
      [new nn.ELU(0.5), F.elu(x, 0.5)],
      [new nn.LeakyReLU(0.2), F.leakyRelu(x, 0.2)],
      [new nn.Softplus(2, 5), F.softplus(x, 2, 5)],
      [new nn.Hardtanh(-2, 2), F.hardtanh(x, -2, 2)],
      [new nn.Softmax(0), F.softmax(x, 0)],
      [new nn.LogSoftmax(-1), F.logSoftmax(x, -1)],
    ];
    for (const [m, want] of pairs) expect(arr(m(x) as Tensor), String(m)).toEqual(arr(want));
    // A few exact values.
    expect(arr(new nn.LeakyReLU(0.2)(torch.tensor([-1, 2], { dtype: 'float32' })))).toEqual(
      [-0.2, 2].map(Math.fround),
    );
    expect(arr(new nn.Hardtanh()(torch.tensor([-5, 0.5, 5], { dtype: 'float32' })))).toEqual([-1, 0.5, 1]);
  });
});

describe('loss modules', () => {
  const logits = torch.tensor(
    [
      [1, 2, 3],
      [1, 0, -1],
      [0.5, 0.5, 2],
    ],
    { dtype: 'float32' },
  );
  const target = torch.tensor([2, 0, 1], { dtype: 'int32' });
  const L = [
    [1, 2, 3],
    [1, 0, -1],
    [0.5, 0.5, 2],
  ];
  const logp = L.map((r) => {
    const lse = Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    return r.map((v) => v - lse);
  });
  const t = [2, 0, 1];

  it('CrossEntropyLoss: plain, weight, ignoreIndex, labelSmoothing, reductions', () => {
    const plain = -(logp[0][2] + logp[1][0] + logp[2][1]) / 3;
    expect(new nn.CrossEntropyLoss()(logits, target).itemSync()).toBeCloseTo(plain, 5);
    const w = [0.2, 1, 3];
    const weighted = -t.reduce((s, c, i) => s + w[c] * logp[i][c], 0) / t.reduce((s, c) => s + w[c], 0);
    const ce = new nn.CrossEntropyLoss({ weight: torch.tensor(w, { dtype: 'float32' }) });
    expect(ce(logits, target).itemSync()).toBeCloseTo(weighted, 5);
    expect(ce.stateDict().weight).toBeDefined(); // weight is a buffer, as in PyTorch
    const ign = new nn.CrossEntropyLoss({ ignoreIndex: 0 });
    expect(ign(logits, target).itemSync()).toBeCloseTo(-(logp[0][2] + logp[2][1]) / 2, 5);
    const eps = 0.1;
    const smooth =
      t.reduce(
        (s, c, i) => s + (1 - eps) * -logp[i][c] + (eps / 3) * -logp[i].reduce((a, v) => a + v, 0),
        0,
      ) / 3;
    expect(new nn.CrossEntropyLoss({ labelSmoothing: eps })(logits, target).itemSync()).toBeCloseTo(
      smooth,
      5,
    );
    expect(new nn.CrossEntropyLoss({ reduction: 'sum' })(logits, target).itemSync()).toBeCloseTo(
      plain * 3,
      5,
    );
    expect(arr(new nn.CrossEntropyLoss({ reduction: 'none' })(logits, target))).toEqual(
      t.map((c, i) => Math.fround(-logp[i][c])).map((v) => expect.closeTo(v, 5) as unknown as number),
    );
    // probability targets
    const probs = torch.tensor(
      [
        [0, 0, 1],
        [1, 0, 0],
        [0, 1, 0],
      ],
      { dtype: 'float32' },
    );
    expect(new nn.CrossEntropyLoss()(logits, probs).itemSync()).toBeCloseTo(plain, 5);
    expect(() => new nn.CrossEntropyLoss({ reduction: 'avg' as never })).toThrow(
      /nn.CrossEntropyLoss\(\): argument 'reduction' must be/,
    );
  });

  it('NLLLoss, MSE, L1, SmoothL1, Huber, BCE, BCEWithLogits, KLDiv', () => {
    expect(new nn.NLLLoss()(torch.logSoftmax(logits, 1), target).itemSync()).toBeCloseTo(
      -(logp[0][2] + logp[1][0] + logp[2][1]) / 3,
      5,
    );
    const a = torch.tensor([0, 1, 3], { dtype: 'float32' });
    const b = torch.tensor([0.5, -1, 3], { dtype: 'float32' });
    expect(new nn.MSELoss()(a, b).itemSync()).toBeCloseTo((0.25 + 4) / 3, 6);
    expect(new nn.MSELoss({ reduction: 'sum' })(a, b).itemSync()).toBeCloseTo(4.25, 6);
    expect(new nn.L1Loss()(a, b).itemSync()).toBeCloseTo(2.5 / 3, 6);
    // |d| = .5, 2, 0: smooth_l1(beta=1) = .125, 1.5, 0
    expect(new nn.SmoothL1Loss()(a, b).itemSync()).toBeCloseTo(1.625 / 3, 6);
    expect(new nn.SmoothL1Loss({ beta: 4 })(a, b).itemSync()).toBeCloseTo((0.03125 + 0.5) / 3, 6);
    expect(new nn.HuberLoss({ delta: 0.5 })(a, b).itemSync()).toBeCloseTo((0.125 + 0.5 * 1.75) / 3, 6);
    const p = torch.tensor([0.9, 0.2], { dtype: 'float32' });
    const y = torch.tensor([1, 0], { dtype: 'float32' });
    expect(new nn.BCELoss()(p, y).itemSync()).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 6);
    const z = torch.tensor([2, -1], { dtype: 'float32' });
    const sp = (v: number) => Math.log1p(Math.exp(v));
    expect(new nn.BCEWithLogitsLoss()(z, y).itemSync()).toBeCloseTo((sp(-2) + sp(-1)) / 2, 6);
    const pw = new nn.BCEWithLogitsLoss({ posWeight: torch.tensor([3], { dtype: 'float32' }) });
    expect(pw(z, y).itemSync()).toBeCloseTo((3 * sp(-2) + sp(-1)) / 2, 6);
    const q = torch.tensor([[0.25, 0.75]], { dtype: 'float32' });
    const lp = torch.log(torch.tensor([[0.5, 0.5]], { dtype: 'float32' }));
    const kl = 0.25 * Math.log(0.25 / 0.5) + 0.75 * Math.log(0.75 / 0.5);
    expect(new nn.KLDivLoss({ reduction: 'batchmean' })(lp, q).itemSync()).toBeCloseTo(kl, 6);
    expect(new nn.KLDivLoss({ reduction: 'sum', logTarget: true })(lp, torch.log(q)).itemSync()).toBeCloseTo(
      kl,
      6,
    );
  });

  it('loss modules are callable and differentiable', () => {
    const x = torch.randn([4, 5]).requiresGrad_();
    const loss = new nn.CrossEntropyLoss()(x, torch.tensor([0, 1, 2, 3], { dtype: 'int32' }));
    loss.backward();
    // d/dx mean CE = (softmax - onehot) / N: each row sums to 0.
    const g = x.grad!.sum(1).toArraySync();
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-6);
  });
});

describe('nn.functional', () => {
  it('exports PyTorch names in camelCase', () => {
    const F = nn.functional;
    for (const name of [
      'relu',
      'relu6',
      'elu',
      'selu',
      'gelu',
      'silu',
      'mish',
      'leakyRelu',
      'hardtanh',
      'softplus',
      'softmax',
      'logSoftmax',
      'sigmoid',
      'tanh',
      'dropout',
      'linear',
      'embedding',
      'oneHot',
      'pad',
      'crossEntropy',
      'nllLoss',
      'mseLoss',
      'l1Loss',
      'smoothL1Loss',
      'huberLoss',
      'binaryCrossEntropy',
      'binaryCrossEntropyWithLogits',
      'klDiv',
      'logsigmoid',
      'softmin',
      'normalize',
    ])
      expect(typeof (F as Record<string, unknown>)[name], name).toBe('function');
    expect(nn.F).toBe(nn.functional);
  });

  it('composed extras: logsigmoid, softmin, normalize', () => {
    const F = nn.functional;
    const x = torch.tensor(
      [
        [3, 4],
        [-30, 0],
      ],
      { dtype: 'float32' },
    );
    expect(arr(F.normalize(x))).toEqual([0.6, 0.8, -1, 0].map(Math.fround));
    const ls = arr(F.logsigmoid(x));
    expect(ls[3]).toBeCloseTo(Math.log(0.5), 6);
    expect(ls[2]).toBeCloseTo(-30, 5); // stable for large negative inputs
    expect(arr(F.softmin(x, 1))[0]).toBeCloseTo(Math.exp(-3) / (Math.exp(-3) + Math.exp(-4)), 6);
  });
});

describe('nn.utils', () => {
  const withGrads = (gs: number[][]) =>
    gs.map((g) => {
      const p = nn.Parameter(torch.zeros([g.length]));
      p.grad = torch.tensor(g, { dtype: 'float32' });
      return p;
    });

  it('clipGradNorm_ scales by maxNorm / (total + 1e-6) and returns the total norm', () => {
    const ps = withGrads([
      [3, 0],
      [0, 4],
    ]); // total 5
    const total = nn.utils.clipGradNorm_(ps, 1);
    expect(total.itemSync()).toBeCloseTo(5, 6);
    const c = 1 / (5 + 1e-6);
    expect(arr(ps[0].grad!)[0]).toBeCloseTo(3 * c, 7);
    expect(arr(ps[1].grad!)[1]).toBeCloseTo(4 * c, 7);
    const small = withGrads([[0.3, 0.4]]);
    expect(nn.utils.clipGradNorm_(small, 1).itemSync()).toBeCloseTo(0.5, 6);
    expect(arr(small[0].grad!)).toEqual([0.3, 0.4].map(Math.fround)); // coefficient clamped to 1
    const inf = withGrads([[1, -6], [2]]);
    expect(nn.utils.clipGradNorm_(inf, 3, 'inf').itemSync()).toBe(6);
    expect(arr(inf[0].grad!)[1]).toBeCloseTo(-3, 5);
    const l1 = withGrads([[1, -1], [2]]);
    expect(nn.utils.clipGradNorm_(l1, 10, 1).itemSync()).toBe(4);
    expect(nn.utils.clipGradNorm_([nn.Parameter(torch.zeros([1]))], 1).itemSync()).toBe(0);
  });

  it('clipGradValue_ and parameter vectors', () => {
    const ps = withGrads([[3, -0.5], [-4]]);
    nn.utils.clipGradValue_(ps, 1);
    expect(arr(ps[0].grad!)).toEqual([1, -0.5]);
    expect(arr(ps[1].grad!)).toEqual([-1]);
    const m = new nn.Linear(3, 2);
    const v = nn.utils.parametersToVector(m.parameters());
    expect(v.shape).toEqual([8]);
    expect(arr(v)).toEqual([...arr(m.weight), ...arr(m.bias!)]);
    nn.utils.vectorToParameters(torch.arange(8).float(), m.parameters());
    expect(arr(m.bias!)).toEqual([6, 7]);
    expect(m.weight.isLeaf && m.weight.requiresGrad).toBe(true);
  });
});
