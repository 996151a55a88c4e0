/**
 * optim.LBFGS against PyTorch 1.13 (test/fixtures/optim/make_lbfgs_fixtures.py): a
 * non-quadratic least-squares loss over two parameters, plain and with the strong-Wolfe line
 * search; the parameters, the returned loss and the number of closure calls after each step, on
 * every device (on WebGPU step() returns a Promise: the line search reads values back).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;
const fx = JSON.parse(
  readFileSync(new URL('../fixtures/optim/pytorch-lbfgs.json', import.meta.url), 'utf8'),
) as {
  A: number[][];
  b: number[];
  c: number[];
  x0: number[];
  w0: number[];
  cases: Record<
    string,
    { kwargs: Record<string, unknown>; steps: { loss: number; x: number[]; w: number[]; calls: number }[] }
  >;
};
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const close = (got: number[], want: number[], what: string) => {
  got.forEach((v, i) => {
    if (!(Math.abs(v - want[i]) <= 1e-4 * (1 + Math.abs(want[i]))))
      throw new Error(`${what}[${i}]: ${v} vs PyTorch ${want[i]}`);
  });
};

describe('optim.LBFGS vs PyTorch 1.13', () => {
  for (const device of testDevices())
    for (const [name, c] of Object.entries(fx.cases))
      it(`${name} on ${device}`, { timeout: 60_000 }, async () => {
        const x = nn.Parameter(torch.tensor(fx.x0, { device }));
        const w = nn.Parameter(torch.tensor(fx.w0, { device }));
        const [a, b, cc] = [
          torch.tensor(fx.A, { device }),
          torch.tensor(fx.b, { device }),
          torch.tensor(fx.c, { device }),
        ];
        const opts: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(c.kwargs)) opts[camel(k)] = v;
        const opt = new optim.LBFGS([x, w], opts);
        let calls = 0;
        const closure = () => {
          calls += 1;
          opt.zeroGrad();
          const loss = torch
            .matmul(a, x)
            .sub(b)
            .square()
            .sum()
            .add(x.pow(4).sum().mul(0.1))
            .add(w.mul(w).mul(cc).sum());
          loss.backward();
          return loss;
        };
        for (const [k, s] of c.steps.entries()) {
          const ret = opt.step(closure);
          expect(ret instanceof Promise).toBe(device !== 'cpu');
          const loss = await ret;
          close([await loss.item()], [s.loss], `${name} step ${k} loss`);
          close(Array.from((await x.toArray()) as Float32Array), s.x, `${name} step ${k} x`);
          close(Array.from((await w.toArray()) as Float32Array), s.w, `${name} step ${k} w`);
          expect(calls).toBe(s.calls);
        }
      });

  it('one param group only, one device, a closure is required', () => {
    const p = nn.Parameter(torch.zeros([2]));
    expect(() => new optim.LBFGS([{ params: [p] }, { params: [nn.Parameter(torch.zeros([1]))] }])).toThrow(
      /doesn't support per-parameter options/,
    );
    expect(() => (new optim.LBFGS([p]) as any).step()).toThrow(TypeError);
  });
});
