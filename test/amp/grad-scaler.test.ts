/**
 * torch.amp.GradScaler against PyTorch 1.13's GradScaler (test/fixtures/amp/gen.py): a small
 * model trained with SGD+momentum from a scale of 2**125, so the first scaled losses overflow
 * float32 and steps are skipped, with growth every 3 clean steps and an inf input at step 9.
 * The scale sequence, the skipped steps and the parameters after each step must match, on the
 * CPU and on WebGPU. Also PyTorch's state machine errors, state dicts and the disabled scaler.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim, amp } = torch;

interface Fixture {
  init: Record<string, number[] | number[][]>;
  xs: number[][][];
  ys: number[][][];
  steps: {
    scale_before: number;
    scaled_shape: number[];
    skipped: boolean;
    scale_after: number;
    params: number[][];
  }[];
  state_dict: Record<string, number>;
}
const fx: Fixture = (await import('../fixtures/amp/grad-scaler.json', { with: { type: 'json' } }))
  .default as unknown as Fixture;

function model(device: torch.Device): torch.nn.Module {
  const m = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const sd: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(fx.init)) sd[k] = torch.tensor(v);
  m.loadStateDict(sd);
  return m.to(device);
}

describe('amp.GradScaler matches PyTorch 1.13', () => {
  for (const dev of testDevices()) {
    it(`skips, backs off and grows as PyTorch on ${dev}`, { timeout: 60_000 }, async () => {
      const device = torch.device(dev);
      const m = model(device);
      const opt = new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 });
      const scaler = new amp.GradScaler(dev, {
        initScale: 2 ** 125,
        growthFactor: 4,
        backoffFactor: 0.25,
        growthInterval: 3,
      });
      for (let i = 0; i < fx.steps.length; i++) {
        const want = fx.steps[i];
        opt.zeroGrad();
        expect(scaler.getScale()).toBe(want.scale_before);
        const x = torch.tensor(fx.xs[i]).to(device);
        const y = torch.tensor(fx.ys[i]).to(device);
        const loss = nn.functional.mseLoss(m(x), y, { reduction: 'sum' });
        const scaled = scaler.scale(loss);
        expect(scaled.shape).toEqual(want.scaled_shape);
        scaled.backward();
        const before = await Promise.all(m.parameters().map((p) => p.detach().clone().toArray()));
        await scaler.step(opt);
        scaler.update();
        const after = await Promise.all(m.parameters().map((p) => p.toArray()));
        const skipped = after.every((a, j) => a.every((v, e) => v === before[j][e]));
        expect(skipped, `step ${i} skipped`).toBe(want.skipped);
        expect(scaler.getScale(), `scale after step ${i}`).toBe(want.scale_after);
        after.forEach((a, j) => {
          for (let e = 0; e < a.length; e++) {
            const w = want.params[j][e];
            // float32 summation order differs from PyTorch's; momentum carries it along.
            expect(Math.abs(a[e] - w), `step ${i} param ${j}[${e}]`).toBeLessThan(
              2e-4 * Math.max(1, Math.abs(w)),
            );
          }
        });
      }
      expect(scaler.stateDict()).toEqual(fx.state_dict);
    });
  }

  it('unscale_ divides the gradients by the scale; the state machine raises as PyTorch', async () => {
    const w = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 1 });
    const scaler = new torch.cuda.amp.GradScaler(1024);
    expect(() => scaler.unscale_(opt)).toThrow(/Attempted unscale_ but _scale is None/);
    scaler.scale(w.mul(w).sum()).backward();
    expect(Array.from(w.grad!.toArraySync())).toEqual([2048, 4096, 6144]);
    scaler.unscale_(opt);
    expect(Array.from(w.grad!.toArraySync())).toEqual([2, 4, 6]);
    expect(() => scaler.unscale_(opt)).toThrow(
      'unscale_() has already been called on this optimizer since the last update().',
    );
    scaler.step(opt);
    expect(Array.from(w.toArraySync())).toEqual([-1, -2, -3]);
    expect(() => scaler.step(opt)).toThrow('step() has already been called since the last update().');
    expect(() => scaler.unscale_(opt)).toThrow('unscale_() is being called after step().');
    scaler.update();
    expect(scaler.getScale()).toBe(1024);
    expect(scaler.stateDict()._growth_tracker).toBe(1);
    scaler.update(8);
    expect(scaler.getScale()).toBe(8);
    const opt2 = new optim.SGD([torch.zeros(2, { dtype: torch.float32, requiresGrad: true })]);
    expect(() => scaler.step(opt2)).toThrow('No inf checks were recorded for this optimizer.');
  });

  it('a NaN gradient skips the step; unscale_ then update backs off without a step', () => {
    const w = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 1 });
    const scaler = new amp.GradScaler({ initScale: 4 });
    scaler
      .scale(
        w
          .sqrt()
          .sub(torch.tensor([0, 0], { dtype: torch.float32 }).sqrt().mul(0))
          .sum()
          .mul(torch.tensor(Number.NaN)),
      )
      .backward();
    scaler.unscale_(opt);
    scaler.update();
    expect(scaler.getScale()).toBe(2);
    expect(Array.from(w.toArraySync())).toEqual([1, 2]);
  });

  it('disabled: scale is the identity, step steps, stateDict is empty; loadStateDict checks', () => {
    const w = torch.tensor([1], { dtype: torch.float32, requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 1 });
    const off = new amp.GradScaler({ enabled: false });
    const loss = w.sum();
    expect(off.scale(loss)).toBe(loss);
    loss.backward();
    off.step(opt);
    expect(Array.from(w.toArraySync())).toEqual([0]);
    expect(off.getScale()).toBe(1);
    expect(off.stateDict()).toEqual({});
    expect(off.isEnabled()).toBe(false);
    const on = new amp.GradScaler();
    expect(() => on.loadStateDict({})).toThrow(/source state dict is empty/);
    on.loadStateDict(fx.state_dict);
    expect(on.stateDict()).toEqual(fx.state_dict);
    expect(() => new amp.GradScaler({ growthFactor: 0.5 })).toThrow('The growth factor must be > 1.0.');
    expect(() => new amp.GradScaler({ bogus: 1 } as never)).toThrow(TypeError);
  });
});
