/**
 * The fused optimizer path (backend `routines.updateInPlace` running an update program, see
 * src/optim/program.ts) against the composed one (the same program, step by step through
 * `elementwise`) on every device, and the plumbing with a recording routine (one call per
 * group, fresh momentum buffers as their own program, state handed over in order).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Routines } from '../../src/backend/backend.js';
import { constantsOf, structureKey } from '../../src/backend/expr.js';
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
  const has = !!torch.zeros([1]).to(device).backend.routines?.updateInPlace;
  describe.skipIf(!has)(`fused optimizer routine on ${device}`, () => {
    for (const [name, make] of configs)
      it(`${name}: fused agrees with composed`, async () => {
        expectClose(await run(make, true, device), await run(make, false, device));
      });
  });
}

// ---- the plumbing, with a recording routine installed on the CPU ----
const cpuBe = torch.zeros([1]).backend;
const calls: { structure: string; sets: number; consts: number[] }[] = [];
const recording: Routines['updateInPlace'] = (steps, sets) => {
  calls.push({
    structure: steps.map((s) => `${s.slot}=${structureKey(s.e)}`).join(';'),
    sets: sets.length,
    consts: steps.flatMap((s) => constantsOf(s.e)),
  });
  for (const vs of sets) for (const s of steps) cpuBe.elementwise(s.e, vs, vs[s.slot]);
};

describe('fused path plumbing (CPU with a recording routine installed)', () => {
  const routines = torch.zeros([1]).backend.routines as Partial<Routines>;
  const own = routines.updateInPlace; // the CPU backend's own routine, put back after each test
  const install = () => {
    routines.updateInPlace = recording;
    calls.length = 0;
  };
  afterEach(() => {
    if (own) routines.updateInPlace = own;
    else delete routines.updateInPlace;
  });

  it('negative control: a routine that skips a step is caught', async () => {
    const composed = await run(configs[1][1], false, 'cpu');
    routines.updateInPlace = (steps, sets) => recording(steps.slice(1), sets);
    const wrong = await run(configs[1][1], true, 'cpu');
    expect(() => expectClose(wrong, composed)).toThrow(/fused .* vs composed/);
  });

  it('one call per group per step; a fresh momentum buffer is its own program; fused:false opts out', () => {
    install();
    const a = nn.Parameter(torch.ones([3]));
    const b = nn.Parameter(torch.ones([2]));
    const opt = new optim.SGD([{ params: [a, b] }, { params: [nn.Parameter(torch.ones([1]))], lr: 0.5 }], {
      lr: 0.1,
      momentum: 0.9,
    });
    a.grad = torch.ones([3]);
    b.grad = torch.ones([2]);
    opt.step(); // group 2 has no grads: no call
    opt.step();
    expect(calls.map((c) => c.sets)).toEqual([2, 2]);
    expect(calls[0].structure).not.toEqual(calls[1].structure); // buf := d on the first step
    const adam = new optim.Adam([a, b], { lr: 0.1 });
    adam.step();
    adam.step();
    expect(calls.slice(2).map((c) => c.sets)).toEqual([2, 2]);
    // One structure for every step: the bias corrections are constants, no new kernel.
    expect(calls[3].structure).toEqual(calls[2].structure);
    expect(calls[3].consts).not.toEqual(calls[2].consts);
    calls.length = 0;
    new optim.Adam([a], { lr: 0.1, fused: false }).step();
    expect(calls).toEqual([]);
  });
});
