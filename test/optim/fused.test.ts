/**
 * The fused optimizer path (backend `routines.optimizerStep`) against the composed reference:
 * on every device whose backend has the routine (WebGPU), and on the CPU with a JS routine
 * written from the contract in src/optim/fused.ts, which also checks the plumbing (one call per
 * group, fresh momentum buffers flagged by step 1, state handed over in order).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Routines, View } from '../../src/backend/backend.js';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;
type Opt = torch.optim.Optimizer<any>;

const configs: [string, (ps: Tensor[], fused: boolean) => Opt][] = [
  ['SGD', (ps, fused) => new optim.SGD(ps, { lr: 0.1, fused })],
  [
    'SGD momentum nesterov wd',
    (ps, fused) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-2, fused }),
  ],
  [
    'SGD dampening maximize',
    (ps, fused) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.5, maximize: true, fused }),
  ],
  ['Adam', (ps, fused) => new optim.Adam(ps, { lr: 1e-2, fused })],
  [
    'Adam wd amsgrad',
    (ps, fused) => new optim.Adam(ps, { lr: 1e-2, weightDecay: 0.1, amsgrad: true, fused }),
  ],
  [
    'AdamW maximize',
    (ps, fused) => new optim.AdamW(ps, { lr: 1e-2, weightDecay: 0.1, maximize: true, fused }),
  ],
];

/** Runs 4 steps of an optimizer over a small MLP's parameters; returns the final values. */
async function run(
  make: (ps: Tensor[], fused: boolean) => Opt,
  fused: boolean,
  device: string,
): Promise<number[][]> {
  torch.manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(6, 5), new nn.Linear(5, 3)).to(device);
  const opt = make(model.parameters(), fused);
  const g = new torch.Generator(11);
  for (let k = 0; k < 4; k++) {
    opt.zeroGrad();
    const x = torch.randn([4, 6], { generator: g }).to(device);
    model(x).square().mean().backward();
    opt.step();
  }
  return Promise.all(model.parameters().map(async (p) => Array.from(await p.toArray())));
}

function expectClose(a: number[][], b: number[][], tol = 1e-6) {
  for (const [i, row] of a.entries())
    for (const [j, v] of row.entries())
      if (!(Math.abs(v - b[i][j]) <= tol * (1 + Math.abs(b[i][j]))))
        throw new Error(`param ${i} element ${j}: fused ${v} vs composed ${b[i][j]}`);
}

for (const device of testDevices()) {
  const has = !!torch.zeros([1]).to(device).backend.routines?.optimizerStep;
  describe.skipIf(!has)(`fused optimizer routine on ${device}`, () => {
    for (const [name, make] of configs)
      it(`${name}: fused agrees with composed`, async () => {
        expectClose(await run(make, true, device), await run(make, false, device));
      });
  });
}

// ---- the CPU with a routine written from the contract ----
const f32 = (v: View) => (v.storage as unknown as { data: Float32Array }).data;
const calls: { kind: string; n: number; hyper: Record<string, number> }[] = [];
const jsRoutine: Routines['optimizerStep'] = (kind, params, grads, state, h) => {
  calls.push({ kind, n: params.length, hyper: { ...h } });
  params.forEach((pv, i) => {
    const p = f32(pv);
    const g = f32(grads[i]);
    const n = pv.shape.reduce((a, b) => a * b, 1);
    const [po, go] = [pv.offset, grads[i].offset];
    if (kind === 'sgd') {
      const buf = state[i][0] ? f32(state[i][0]) : null;
      const bo = state[i][0]?.offset ?? 0;
      for (let e = 0; e < n; e++) {
        let d = h.maximize ? -g[go + e] : g[go + e];
        if (h.weightDecay) d += h.weightDecay * p[po + e];
        if (buf) {
          buf[bo + e] = h.step === 1 ? d : h.momentum * buf[bo + e] + (1 - h.dampening) * d;
          d = h.nesterov ? d + h.momentum * buf[bo + e] : buf[bo + e];
        }
        p[po + e] -= h.lr * d;
      }
    } else {
      const [m, v, vm] = state[i].map(f32);
      const [mo, vo, vmo] = state[i].map((s) => s.offset);
      const bc1 = 1 - h.beta1 ** h.step;
      const bc2s = Math.sqrt(1 - h.beta2 ** h.step);
      for (let e = 0; e < n; e++) {
        let gr = h.maximize ? -g[go + e] : g[go + e];
        if (h.weightDecay) {
          if (kind === 'adamw') p[po + e] *= 1 - h.lr * h.weightDecay;
          else gr += h.weightDecay * p[po + e];
        }
        m[mo + e] = h.beta1 * m[mo + e] + (1 - h.beta1) * gr;
        v[vo + e] = h.beta2 * v[vo + e] + (1 - h.beta2) * gr * gr;
        let second = v[vo + e];
        if (h.amsgrad) second = vm[vmo + e] = Math.max(vm[vmo + e], v[vo + e]);
        p[po + e] -= (h.lr / bc1) * (m[mo + e] / (Math.sqrt(second) / bc2s + h.eps));
      }
    }
  });
};

describe('fused path plumbing (CPU with a contract routine installed)', () => {
  const routines = torch.zeros([1]).backend.routines as Partial<Routines>;
  const own = routines.optimizerStep; // the CPU backend's own routine, put back after each test
  const install = () => {
    routines.optimizerStep = jsRoutine;
    calls.length = 0;
  };
  afterEach(() => {
    if (own) routines.optimizerStep = own;
    else delete routines.optimizerStep;
  });

  for (const [name, make] of configs)
    it(`${name}: agrees with the composed path`, async () => {
      const composed = await run(make, false, 'cpu');
      install();
      const fusedVals = await run(make, true, 'cpu');
      expect(calls.length).toBeGreaterThan(0);
      expectClose(fusedVals, composed);
    });

  it('negative control: a routine with a wrong rule is caught', async () => {
    const composed = await run(configs[1][1], false, 'cpu');
    routines.optimizerStep = (kind, ps, gs, st, h) => jsRoutine(kind, ps, gs, st, { ...h, dampening: 0.01 });
    const wrong = await run(configs[1][1], true, 'cpu');
    expect(() => expectClose(wrong, composed)).toThrow(/fused .* vs composed/);
  });

  it('one call per group per step; first momentum step flagged; fused:false opts out', async () => {
    install();
    const a = nn.Parameter(torch.ones([3]));
    const b = nn.Parameter(torch.ones([2]));
    const opt = new optim.SGD([{ params: [a, b] }, { params: [nn.Parameter(torch.ones([1]))], lr: 0.5 }], {
      lr: 0.1,
      momentum: 0.9,
    });
    a.grad = torch.ones([3]);
    b.grad = torch.ones([2]);
    opt.step();
    expect(calls.map((c) => [c.kind, c.n, c.hyper.step])).toEqual([['sgd', 2, 1]]); // group 2 has no grads
    opt.step();
    expect(calls.map((c) => [c.kind, c.n, c.hyper.step])).toEqual([
      ['sgd', 2, 1],
      ['sgd', 2, 2],
    ]);
    const adam = new optim.Adam([a, b], { lr: 0.1 });
    adam.step();
    adam.step();
    expect(calls.slice(2).map((c) => [c.kind, c.n, c.hyper.step])).toEqual([
      ['adam', 2, 1],
      ['adam', 2, 2],
    ]);
    calls.length = 0;
    new optim.Adam([a], { lr: 0.1, fused: false }).step();
    expect(calls).toEqual([]);
    // RMSprop/Adagrad have no fused kind: composed always.
    new optim.RMSprop([a]).step();
    expect(calls).toEqual([]);
  });
});
