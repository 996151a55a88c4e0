/**
 * Adamax, NAdam, RAdam, Adadelta, ASGD and Rprop against PyTorch 1.13's own trajectories
 * (test/fixtures/optim/make_more_fixtures.py): two parameters, ten steps, on the fused path
 * (one update program per group) and the composed one (`foreach: false`), on every device. Also
 * PyTorch's state_dict keys, and a state dict that round-trips mid-trajectory.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;
type Opt = torch.optim.Optimizer<any>;

const fx = JSON.parse(
  readFileSync(new URL('../fixtures/optim/pytorch-more-optimizers.json', import.meta.url), 'utf8'),
) as {
  p0: number[][];
  grads: number[][][];
  cases: Record<
    string,
    {
      optimizer: string;
      kwargs: Record<string, unknown>;
      params: number[][][];
      state_keys: string[];
      group_keys: string[];
    }
  >;
};
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const make = (name: string, ps: torch.Tensor[], foreach: boolean | null): Opt => {
  const c = fx.cases[name];
  const opts: Record<string, unknown> = { foreach };
  for (const [k, v] of Object.entries(c.kwargs)) opts[camel(k)] = v;
  return new ((optim as any)[c.optimizer] as new (...a: unknown[]) => Opt)(ps, opts);
};

function check(name: string, label: string, k: number, got: number[][]) {
  const want = fx.cases[name].params[k];
  got.forEach((row, j) => {
    row.forEach((v, i) => {
      const w = want[j][i];
      if (!(Math.abs(v - w) <= 1e-5 * (1 + Math.abs(w))))
        throw new Error(`${name} (${label}) step ${k} param ${j}[${i}]: ${v} vs PyTorch ${w}`);
    });
  });
}

async function steps(
  opt: Opt,
  ps: torch.Tensor[],
  device: string,
  from: number,
  to: number,
  name: string,
  label: string,
) {
  for (let k = from; k < to; k++) {
    ps.forEach((p, j) => {
      p.grad = torch.tensor(fx.grads[k][j], { dtype: 'float32' }).to(device);
    });
    opt.step();
    check(name, label, k, await Promise.all(ps.map(async (p) => Array.from(await p.toArray()))));
  }
}

const params = (device: string) =>
  fx.p0.map((p) => nn.Parameter(torch.tensor(p, { dtype: 'float32' }).to(device)));

for (const device of testDevices())
  describe(`more optimizers vs PyTorch 1.13 on ${device}`, () => {
    for (const name of Object.keys(fx.cases))
      it(`${name}: fused and composed trajectories, state_dict keys, a state dict round trip`, async () => {
        for (const foreach of [null, false]) {
          const ps = params(device);
          await steps(make(name, ps, foreach), ps, device, 0, fx.grads.length, name, `foreach ${foreach}`);
        }
        const ps = params(device);
        const opt = make(name, ps, null);
        await steps(opt, ps, device, 0, 4, name, 'first half');
        const sd = opt.stateDict();
        expect(Object.keys(sd.state[0]).sort()).toEqual(fx.cases[name].state_keys);
        expect(Object.keys(sd.param_groups[0]).sort()).toEqual(fx.cases[name].group_keys);
        const ps2 = ps.map((p) => nn.Parameter(p.detach().clone()));
        const opt2 = make(name, ps2, null);
        opt2.loadStateDict(sd);
        await steps(opt2, ps2, device, 4, fx.grads.length, name, 'resumed');
      });
  });
