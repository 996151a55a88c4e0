/**
 * float16 / bfloat16 ops against PyTorch 1.13's 16-bit results (test/fixtures/half/ops16.json,
 * made by gen.py there: native PyTorch 16-bit kernels where 1.13's CPU has them, else the float32
 * op rounded once), on every test device; CPU and WebGPU agreement; an MLP's backward in 16 bits.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

type D = 'float16' | 'bfloat16';
interface Arr {
  shape: number[];
  data: (number | string)[];
  how?: string;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/half/ops16.json', import.meta.url), 'utf8')) as {
  inputs: Record<D, Record<string, Arr>>;
  target: number[];
  ops: Record<D, Record<string, Arr>>;
  mlp: { target: number[] } & Record<
    D,
    { x: number[]; params: Record<string, number[]>; loss: number; grads: Record<string, number[]> }
  >;
};
const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));
/** One unit in the last place at 1 (the dtype's eps). */
const EPS: Record<D, number> = { float16: 2 ** -10, bfloat16: 2 ** -7 };

const F = torch.nn.functional;
type In = Record<string, torch.Tensor>;
const OPS: Record<string, (a: In, t: torch.Tensor) => torch.Tensor> = {
  add: (a) => torch.add(a.x, a.y),
  mul: (a) => torch.mul(a.x, a.y),
  div: (a) => torch.div(a.x, a.p),
  exp: (a) => torch.exp(a.x),
  log: (a) => torch.log(a.p),
  tanh: (a) => torch.tanh(a.x),
  sigmoid: (a) => torch.sigmoid(a.x),
  gelu: (a) => F.gelu(a.x),
  softmax: (a) => torch.softmax(a.x, -1),
  log_softmax: (a) => torch.logSoftmax(a.x, -1),
  sum: (a) => torch.sum(a.x, 1),
  mean: (a) => torch.mean(a.x),
  var: (a) => torch.var(a.x, 1),
  matmul: (a) => torch.matmul(a.x, a.y.t()),
  linear: (a) => F.linear(a.x, a.w, a.b),
  conv2d: (a) => F.conv2d(a.img, a.k, a.kb, { padding: 1 }),
  layer_norm: (a) => F.layerNorm(a.x, [6], a.lw, a.lb),
  cross_entropy: (a, t) => F.crossEntropy(a.x, t),
};
/** Units of the dtype's eps (relative, and absolute against the result's scale) each op may be off. */
const ULPS: Record<string, number> = { softmax: 2, log_softmax: 2, var: 2, layer_norm: 4, cross_entropy: 2 };

function close(got: ArrayLike<number>, want: number[], d: D, ulps: number, what: string) {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(1, ...want.map((v) => Math.abs(v)).filter(Number.isFinite));
  for (let i = 0; i < want.length; i++) {
    const tol = ulps * EPS[d] * Math.max(Math.abs(want[i]), scale * 2 ** -4);
    if (!(Math.abs(got[i] - want[i]) <= tol))
      expect.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

const inputs = (d: D, device: string): In =>
  Object.fromEntries(
    Object.entries(fx.inputs[d]).map(([k, v]) => [
      k,
      torch.tensor(v.data.map(num), { dtype: d, device }).reshape(v.shape),
    ]),
  );

const results: Record<string, Record<string, Float32Array>> = {};

describe.each(testDevices())('16-bit ops against PyTorch on %s', (device) => {
  for (const d of ['float16', 'bfloat16'] as D[]) {
    it(`${d}: every op keeps the dtype and matches PyTorch within ${d} rounding`, async () => {
      const a = inputs(d, device);
      const t = torch.tensor(fx.target, { device });
      for (const [name, f] of Object.entries(OPS)) {
        const want = fx.ops[d][name];
        const y = f(a, t);
        expect(y.dtype, `${name} dtype`).toBe(d);
        expect(y.shape, `${name} shape`).toEqual(want.shape);
        const got = (await y.toArray()) as Float32Array;
        close(got, want.data.map(num), d, ULPS[name] ?? 1, `${device} ${d} ${name} (${want.how})`);
        // Every stored value is a 16-bit value.
        const again = await y.to('float32').to(d).to('float32').toArray();
        expect(Array.from(again), `${name} holds ${d} values`).toEqual(Array.from(got));
        (results[`${d}:${name}`] ??= {})[device] = got;
      }
    });

    it(`${d}: a small MLP's loss and gradients (grads keep the parameters' dtype)`, async () => {
      const m = fx.mlp[d];
      const x = torch.tensor(m.x, { dtype: d, device }).reshape([8, 6]);
      const shapes: Record<string, number[]> = { w1: [5, 6], b1: [5], w2: [3, 5], b2: [3] };
      const p = Object.fromEntries(
        Object.entries(m.params).map(([k, v]) => [
          k,
          torch.tensor(v, { dtype: d, device }).reshape(shapes[k]).requiresGrad_(),
        ]),
      );
      const h = torch.relu(F.linear(x, p.w1, p.b1));
      const loss = F.crossEntropy(F.linear(h, p.w2, p.b2), torch.tensor(fx.mlp.target, { device }));
      expect(loss.dtype).toBe(d);
      loss.backward();
      close([await loss.item()], [m.loss], d, 4, `${d} loss`);
      for (const k of Object.keys(shapes)) {
        const g = p[k].grad!;
        expect(g.dtype, `${k}.grad dtype`).toBe(d);
        close((await g.toArray()) as Float32Array, m.grads[k], d, 8, `${device} ${d} grad ${k}`);
      }
    });
  }
});

describe('CPU and WebGPU agree in 16 bits', () => {
  it.runIf(testDevices().includes('webgpu'))('within the sum of their tolerances to PyTorch', () => {
    let n = 0;
    for (const [key, byDev] of Object.entries(results)) {
      const [d, name] = key.split(':') as [D, string];
      if (!byDev.cpu || !byDev.webgpu) continue;
      close(byDev.webgpu, Array.from(byDev.cpu), d, 2 * (ULPS[name] ?? 1), `webgpu vs cpu ${key}`);
      n++;
    }
    expect(n).toBe(2 * Object.keys(OPS).length);
  });
});

describe.each(testDevices())('16-bit attention on %s', (device) => {
  for (const d of ['float16', 'bfloat16'] as D[]) {
    it(`${d}: scaled dot-product attention and its gradients match float32 math on the same values`, async () => {
      torch.manualSeed(1);
      const q16 = torch.randn([2, 5, 8], { device }).to(d).requiresGrad_();
      const q32 = q16.detach().float().requiresGrad_();
      const y16 = F.scaledDotProductAttention(q16, q16, q16, { isCausal: true });
      const y32 = F.scaledDotProductAttention(q32, q32, q32, { isCausal: true });
      expect(y16.dtype).toBe(d);
      close(
        (await y16.toArray()) as Float32Array,
        Array.from(await y32.toArray()),
        d,
        4,
        `${device} ${d} sdpa`,
      );
      y16.sum().backward();
      y32.sum().backward();
      expect(q16.grad!.dtype).toBe(d);
      close(
        (await q16.grad!.toArray()) as Float32Array,
        Array.from(await q32.grad!.toArray()),
        d,
        8,
        `${device} ${d} sdpa grad`,
      );
    });
  }
});
