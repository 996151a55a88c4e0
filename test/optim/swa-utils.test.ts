/**
 * optim.swaUtils.AveragedModel / updateBn and copy.deepcopy against PyTorch 1.13
 * (test/fixtures/swa/gen.py made swa.json): a Linear-BatchNorm-ReLU-Linear net trained 6 SGD steps,
 * an equal-weight SWA copy and an EMA copy (avgFn, useBuffers) updated from step 2, then updateBn;
 * every parameter and buffer within 1e-5, on cpu and webgpu (before updateBn the SWA copy's buffers
 * are the model's, as PyTorch >= 2.0 does).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { fixedValues, type InitSpec, loadFixedInit } from '../examples/fixed-init.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;
type State = Record<string, number[]>;
interface Fixture {
  init: InitSpec[];
  steps: number;
  batch: number;
  swa_start: number;
  losses: number[];
  model: State;
  swa_before_bn: State;
  swa: State;
  ema: State;
  probe_out: number[];
}
const fx: Fixture = (await import('../fixtures/swa/swa.json', { with: { type: 'json' } })).default as Fixture;

const net = () =>
  new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 2));
const batch = (seed: number, cols: number) =>
  torch.tensor(fixedValues(seed, fx.batch * cols, 1, 0)).view(fx.batch, cols);

async function expectState(m: torch.nn.Module, ref: State, label: string) {
  const sd = m.stateDict();
  expect(Object.keys(sd).sort(), label).toEqual(Object.keys(ref).sort());
  for (const [k, v] of Object.entries(ref)) {
    const got = Array.from((await sd[k].toArray()) as ArrayLike<number>, Number);
    const worst = Math.max(0, ...got.map((g, i) => Math.abs(g - v[i])));
    expect(worst, `${label} ${k}`).toBeLessThan(1e-5);
  }
}

describe('copy.deepcopy', () => {
  it('copies a module: same class, callable, new tensors, tied weights stay tied', () => {
    const lin = new nn.Linear(3, 3);
    const m = new nn.Sequential(lin, new nn.ReLU(), new nn.BatchNorm1d(3));
    (m as unknown as { tied: torch.nn.Linear }).tied = lin; // the same submodule twice
    m.eval();
    const c = torch.copy.deepcopy(m);
    expect(c).toBeInstanceOf(nn.Sequential);
    expect(c).not.toBe(m);
    expect(c.training).toBe(false);
    expect(Object.keys(c.stateDict())).toEqual(Object.keys(m.stateDict()));
    const [p0] = c.parameters();
    expect(p0).toBeInstanceOf(nn.Parameter);
    expect(p0).not.toBe(m.parameters()[0]);
    expect(p0.requiresGrad).toBe(true);
    expect((c as unknown as { tied: unknown }).tied).toBe(c.at(0));
    const x = torch.randn(2, 3);
    expect(c(x).toArraySync()).toEqual(m(x).toArraySync());
    torch.noGrad(() => p0.add_(1));
    expect(c(x).toArraySync()).not.toEqual(m(x).toArraySync()); // independent storage
    expect(c.buffers().length).toBe(3); // BatchNorm's buffers stay buffers
  });
  it('refuses a non-leaf tensor, as PyTorch', () => {
    const x = torch.randn(2, { requiresGrad: true }).mul(2);
    expect(() => torch.copy.deepcopy(x)).toThrow(/graph leaves/);
    expect(() => (torch.copy.deepcopy as (...a: unknown[]) => unknown)(x, 1)).toThrow(TypeError);
  });
});

describe('optim.swaUtils.AveragedModel and updateBn match PyTorch', () => {
  for (const dev of testDevices()) {
    it(`SWA, EMA (avgFn, useBuffers), updateBn on ${dev}`, { timeout: 60_000 }, async () => {
      const device = torch.device(dev);
      const model = net();
      loadFixedInit(model, fx.init);
      model.to(device);
      const swa = new optim.swaUtils.AveragedModel(model);
      const ema = new optim.swaUtils.AveragedModel(model, {
        avgFn: (a: torch.Tensor, p: torch.Tensor) => a.mul(0.8).add(p.mul(0.2)),
        useBuffers: true,
      });
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const xs = Array.from({ length: fx.steps }, (_, i) => batch(101 + i, 4).to(device));
      const losses: torch.Tensor[] = [];
      for (let i = 0; i < fx.steps; i++) {
        opt.zeroGrad();
        const loss = nn.functional.mseLoss(model(xs[i]), batch(201 + i, 2).to(device));
        loss.backward();
        opt.step();
        losses.push(loss.detach());
        if (i >= fx.swa_start) {
          swa.updateParameters(model);
          ema.updateParameters(model);
        }
      }
      const got = (await torch.stack(losses).tolist()) as number[];
      got.forEach((l, i) => {
        expect(l).toBeCloseTo(fx.losses[i], 5);
      });
      expect(swa.nAveraged).toBe(fx.steps - fx.swa_start);
      await expectState(model, fx.model, 'model');
      // PyTorch >= 2.0 (whose AveragedModel torchts follows: multiAvgFn) copies the model's buffers
      // into the copy at each update when useBuffers is false; 1.13 left them at their initial values.
      const buffersFromModel = Object.fromEntries(
        Object.entries(fx.swa_before_bn).map(([k, v]) => {
          const m = k.replace(/^module\./, '');
          return [k, k.includes('running_') || k.includes('num_batches') ? fx.model[m] : v];
        }),
      );
      await expectState(swa, buffersFromModel, 'swa');
      await expectState(ema, fx.ema, 'ema');
      optim.swaUtils.updateBn(xs, swa);
      expect(swa.training).toBe(true);
      await expectState(swa, fx.swa, 'swa after updateBn');
      swa.eval();
      const out = (await torch
        .noGrad(() => swa(batch(301, 4).to(device)) as torch.Tensor)
        .toArray()) as Float32Array;
      out.forEach((v, i) => {
        expect(v).toBeCloseTo(fx.probe_out[i], 5);
      });
    });
  }
  it('multiAvgFn (EMA lists) gives what avgFn gives; getSwaAvgFn / getSwaMultiAvgFn the default', () => {
    const model = net();
    const a = new optim.swaUtils.AveragedModel(model, { avgFn: optim.swaUtils.getEmaAvgFn(0.7) });
    const b = new optim.swaUtils.AveragedModel(model, { multiAvgFn: optim.swaUtils.getEmaMultiAvgFn(0.7) });
    const c = new optim.swaUtils.AveragedModel(model);
    const d = new optim.swaUtils.AveragedModel(model, { multiAvgFn: optim.swaUtils.getSwaMultiAvgFn() });
    const e = new optim.swaUtils.AveragedModel(model, { avgFn: optim.swaUtils.getSwaAvgFn() });
    for (let i = 0; i < 3; i++) {
      torch.noGrad(() => {
        for (const p of model.parameters()) p.add_(torch.randn(p.shape));
      });
      for (const m of [a, b, c, d, e]) m.updateParameters(model);
    }
    const flat = (m: torch.nn.Module) =>
      Array.from(nn.utils.parametersToVector(m.parameters()).toArraySync());
    const close = (x: number[], y: number[]) => Math.max(...x.map((v, i) => Math.abs(v - y[i])));
    expect(close(flat(a), flat(b))).toBeLessThan(1e-6);
    expect(close(flat(c), flat(d))).toBeLessThan(1e-6);
    expect(close(flat(c), flat(e))).toBe(0);
    expect(close(flat(a), flat(c))).toBeGreaterThan(1e-3);
    expect(Number(c.n_averaged.itemSync())).toBe(3);
  });
  it('refuses a model of another shape and a loader that is not iterable', () => {
    const swa = new optim.swaUtils.AveragedModel(net());
    expect(() => swa.updateParameters(new nn.Sequential(new nn.Linear(4, 8)))).toThrow(/has 2 parameters/);
    expect(() => optim.swaUtils.updateBn(3 as never, swa)).toThrow(/iterable/);
    expect(() => new optim.swaUtils.AveragedModel(net(), { avgFn: 3 } as never)).toThrow(TypeError);
  });
});
