/**
 * Recurrent layers against PyTorch 1.13 (test/fixtures/rnn/cases.json, made by generate.py next
 * to it): each case loads PyTorch's state dict and must give PyTorch's outputs and gradients,
 * on every device, with the fused time loop and with the composed reference.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { setFusedRnn } from '../../src/ops/rnn.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
interface J {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  kind: 'LSTM' | 'GRU' | 'RNN' | 'LSTMCell' | 'GRUCell' | 'RNNCell';
  kwargs: Record<string, number | boolean | string>;
  input: J;
  h0?: J;
  c0?: J;
  lengths?: number[];
  enforceSorted?: boolean;
  packedData?: J;
  batchSizes?: number[];
  outputs: Record<string, J>;
  weights: Record<string, J>;
  state: Record<string, J>;
  grads: Record<string, J>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/rnn/cases.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
};

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
const TOL = 1e-5;

const worst = new Map<string, number>();
async function close(t: Tensor, ref: J, what: string) {
  expect(t.shape, what).toEqual(ref.shape);
  const got = await t.toArray();
  let err = 0;
  ref.data.forEach((v, i) => {
    err = Math.max(err, Math.abs(got[i] - v) / (1 + Math.abs(v)));
  });
  const dev = String(t.device);
  worst.set(dev, Math.max(worst.get(dev) ?? 0, err));
  expect(err, `${what}: max error ${err}`).toBeLessThanOrEqual(TOL);
}

async function runCase(c: Case, device: string) {
  const t = (j: J, grad = false) => torch.tensor(j.data, { device }).reshape(j.shape).requiresGrad_(grad);
  const { input_size, hidden_size, ...rest } = c.kwargs;
  const opts = Object.fromEntries(Object.entries(rest).map(([k, v]) => [camel(k), v]));
  const Cls = nn[c.kind] as unknown as new (...a: unknown[]) => torch.nn.Module;
  const m = new Cls(input_size, hidden_size, opts).to(device);
  const sd = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, t(v)]));
  m.loadStateDict(sd);
  const x = t(c.input, true);
  const h0 = c.h0 ? t(c.h0, true) : null;
  const c0 = c.c0 ? t(c.c0, true) : null;
  const hidden = c0 ? [h0, c0] : h0;
  const outs: Record<string, Tensor> = {};
  const call = m as unknown as (...a: unknown[]) => unknown;
  if (c.kind.endsWith('Cell')) {
    const r = call(x, hidden);
    if (Array.isArray(r)) [outs.h, outs.c] = r as Tensor[];
    else outs.h = r as Tensor;
  } else {
    const batchFirst = Boolean(c.kwargs.batch_first);
    const inp = c.lengths
      ? nn.utils.rnn.packPaddedSequence(x, c.lengths, batchFirst, c.enforceSorted ?? true)
      : x;
    const [o, hn] = call(inp, hidden) as [Tensor | InstanceType<typeof nn.PackedSequence>, Tensor | Tensor[]];
    if (o instanceof nn.PackedSequence) {
      await close(o.data, c.packedData!, 'packed data');
      expect(Array.from(o.batchSizes.toArraySync())).toEqual(c.batchSizes);
      outs.output = nn.utils.rnn.padPackedSequence(o, batchFirst)[0];
    } else outs.output = o;
    if (Array.isArray(hn)) [outs.h_n, outs.c_n] = hn;
    else outs.h_n = hn;
  }
  let loss: Tensor | null = null;
  for (const [k, ref] of Object.entries(c.outputs)) {
    await close(outs[k], ref, k);
    const term = outs[k].mul(t(c.weights[k])).sum();
    loss = loss ? loss.add(term) : term;
  }
  loss!.backward();
  await close(x.grad!, c.grads.input, 'grad input');
  if (h0) await close(h0.grad!, c.grads.h0, 'grad h0');
  if (c0) await close(c0.grad!, c.grads.c0, 'grad c0');
  for (const [k, p] of m.namedParameters()) await close(p.grad!, c.grads[k], `grad ${k}`);
}

describe.each(testDevices())('recurrent layers vs PyTorch %s (%s)', (device) => {
  for (const fused of [true, false])
    describe(fused ? 'fused time loop' : 'composed reference', () => {
      for (const c of fixture.cases)
        it(c.name, async () => {
          const was = setFusedRnn(fused);
          try {
            await runCase(c, device);
          } finally {
            setFusedRnn(was);
          }
        });
    });
  it('worst relative error stays within 1e-5', () => {
    const w = [...worst].filter(([d]) => d.startsWith(device)).map(([, e]) => e);
    console.log(`rnn vs PyTorch on ${device}: worst |a-b|/(1+|b|) ${Math.max(...w).toExponential(2)}`);
    expect(Math.max(...w)).toBeLessThanOrEqual(TOL);
  });
});
