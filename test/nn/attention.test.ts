/**
 * Attention against PyTorch 1.13 (test/fixtures/attention/cases.json, made by gen.py next to it):
 * F.scaledDotProductAttention, nn.MultiheadAttention and the Transformer layers load PyTorch's
 * state dicts and match its outputs, input gradients and parameter gradients on every device.
 * Plus: the fused routine against the composed definition, gradchecks, and PyTorch's errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Module } from '../../src/nn/module.js';
import { fusedApplies, sdpaComposed, setFusedAttention } from '../../src/ops/attention.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;
const nn = torch.nn;

interface Enc {
  shape: number[];
  dtype: 'float32' | 'bool';
  data: (number | boolean | string)[];
}
interface Case {
  kind: 'sdpa' | 'module';
  name: string;
  is_causal?: boolean;
  ctor?: [string, unknown[], Record<string, unknown>];
  kwargs?: Record<string, unknown>;
  state_dict?: Record<string, Enc>;
  inputs: Record<string, Enc>;
  outputs: Enc[];
  upstream: Enc[];
  input_grads: Record<string, Enc>;
  param_grads: Record<string, Enc>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/attention/cases.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

const num = (v: number | boolean | string): number =>
  typeof v === 'string' ? (v === '-inf' ? -Infinity : v === 'inf' ? Infinity : Number.NaN) : Number(v);
function dec(e: Enc, device: string, grad = false): Tensor {
  if (e.dtype === 'bool') return torch.tensor(e.data.map(Boolean)).reshape(e.shape).to(device);
  const t = torch.tensor(e.data.map(num)).reshape(e.shape).to(device);
  return grad ? t.requiresGrad_(true) : t;
}
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

/** max |got - want| / (atol + rtol |want|) over the elements; <= 1 passes. */
async function expectClose(got: Tensor, want: Enc, what: string, tol = { atol: 1e-4, rtol: 1e-3 }) {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  const g = await got.toArray();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const w = num(want.data[i]);
    const e = Math.abs(g[i] - w) / (tol.atol + tol.rtol * Math.abs(w));
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
  }
  if (worst > 1)
    throw new Error(`${what}: off by ${worst.toFixed(2)} x tol at ${at}: ${g[at]} vs ${want.data[at]}`);
}

/** The module a case names, built with PyTorch's arguments and loaded with its state dict. */
function build(c: Case, device: string): Module {
  const [cls, args, kw] = c.ctor!;
  let m: Module;
  if (cls === 'TransformerEncoder') {
    const [d, h, lkw] = kw.layer as [number, number, Record<string, unknown>];
    const layer = new nn.TransformerEncoderLayer(d, h, camelKeys(lkw));
    m = new nn.TransformerEncoder(layer, kw.num_layers as number, {
      norm: kw.norm ? new nn.LayerNorm(d) : null,
    });
  } else {
    const C = (nn as unknown as Record<string, new (...a: unknown[]) => Module>)[cls];
    m = new C(...args, camelKeys(kw));
  }
  m.to(device);
  const sd = Object.fromEntries(Object.entries(c.state_dict!).map(([k, e]) => [k, dec(e, device)]));
  m.loadStateDict(sd);
  return m;
}

/** Positional inputs of each module's forward; the rest go in the options object. */
const POSITIONAL: Record<string, string[]> = {
  MultiheadAttention: ['query', 'key', 'value'],
  TransformerEncoderLayer: ['src'],
  TransformerEncoder: ['src'],
  TransformerDecoderLayer: ['tgt', 'memory'],
  Transformer: ['src', 'tgt'],
};

async function runCase(c: Case, device: string) {
  const inputs = Object.fromEntries(
    Object.entries(c.inputs).map(([k, e]) => [
      k,
      dec(e, device, e.dtype === 'float32' && k in c.input_grads),
    ]),
  );
  let outs: Tensor[];
  let m: Module | null = null;
  if (c.kind === 'sdpa') {
    outs = [
      F.scaledDotProductAttention(inputs.query, inputs.key, inputs.value, {
        attnMask: inputs.attn_mask ?? null,
        isCausal: c.is_causal,
      }),
    ];
  } else {
    m = build(c, device);
    const cls = c.ctor![0];
    const pos = POSITIONAL[cls].map((k) => inputs[k]);
    const opts = camelKeys({
      ...Object.fromEntries(Object.entries(inputs).filter(([k]) => !POSITIONAL[cls].includes(k))),
      ...c.kwargs,
    });
    const r = (m as unknown as (...a: unknown[]) => Tensor | [Tensor, Tensor | null])(...pos, opts);
    outs = (Array.isArray(r) ? [...r] : [r]).filter((t): t is Tensor => t !== null);
  }
  expect(outs.length).toBe(c.outputs.length);
  for (let i = 0; i < outs.length; i++) await expectClose(outs[i], c.outputs[i], `${c.name} output ${i}`);
  let loss = outs[0].mul(dec(c.upstream[0], device)).sum();
  for (let i = 1; i < outs.length; i++) loss = loss.add(outs[i].mul(dec(c.upstream[i], device)).sum());
  loss.backward();
  for (const [k, e] of Object.entries(c.input_grads))
    await expectClose(inputs[k].grad!, e, `${c.name} d/d${k}`);
  if (m) {
    const params = Object.fromEntries(m.namedParameters());
    expect(Object.keys(params).sort()).toEqual(Object.keys(c.param_grads).sort());
    for (const [k, e] of Object.entries(c.param_grads))
      await expectClose(params[k].grad!, e, `${c.name} d/d${k}`);
  }
}

for (const device of testDevices())
  describe(`attention vs PyTorch 1.13 on ${device}`, () => {
    for (const c of fixture.cases) it(c.name, () => runCase(c, device));
    it('the composed path agrees with PyTorch too (fused off)', async () => {
      setFusedAttention(false);
      try {
        for (const c of fixture.cases.filter((x) => x.kind === 'sdpa')) await runCase(c, device);
      } finally {
        setFusedAttention(true);
      }
    });
  });

for (const device of testDevices())
  describe(`scaled_dot_product_attention on ${device}`, () => {
    it('gradcheck: no mask, causal, float mask', async () => {
      await expectGradcheck(
        (q, k, v) => F.scaledDotProductAttention(q, k, v),
        [leaf([2, 2, 4, 8], device, 1), leaf([2, 2, 5, 8], device, 2), leaf([2, 2, 5, 3], device, 3)],
      );
      await expectGradcheck(
        (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }),
        [leaf([3, 5, 4], device, 4), leaf([3, 5, 4], device, 5), leaf([3, 5, 4], device, 6)],
      );
      await expectGradcheck(
        (q, k, v, m) => F.scaledDotProductAttention(q, k, v, m),
        [
          leaf([2, 3, 4], device, 7),
          leaf([2, 6, 4], device, 8),
          leaf([2, 6, 4], device, 9),
          leaf([3, 6], device, 10),
        ],
      );
    });
    // Parameter gradients are checked against PyTorch's above; gradcheck perturbs the inputs.
    it('gradcheck: a small MultiheadAttention (kdim != embedDim, key padding mask)', async () => {
      torch.manualSeed(3);
      const m = new nn.MultiheadAttention(8, 2, { kdim: 4 }).to(device);
      const kpm = torch
        .tensor([
          [false, false, true],
          [false, false, false],
        ])
        .to(device);
      await expectGradcheck(
        (q, k, v) => m(q, k, v, { keyPaddingMask: kpm })[0],
        [leaf([2, 2, 8], device, 11), leaf([3, 2, 4], device, 12), leaf([3, 2, 8], device, 13)],
      );
    });
    it('the fused routine equals the composed definition (forward, grads), masks broadcast', async () => {
      const q = leaf([2, 3, 33, 16], device, 21);
      const k = leaf([2, 3, 47, 16], device, 22);
      const v = leaf([2, 3, 47, 24], device, 23);
      const bm = torch
        .rand([2, 1, 33, 47], { generator: new torch.Generator(5) })
        .gt(0.3)
        .to(device);
      const fm = torch.randn([33, 47], { generator: new torch.Generator(6) }).to(device);
      for (const o of [{}, { isCausal: true }, { attnMask: bm }, { attnMask: fm }]) {
        const want = sdpaComposed(q, k, v, o)[0];
        const got = F.scaledDotProductAttention(q, k, v, o);
        const g = torch.randn(got.shape, { generator: new torch.Generator(9) }).to(device);
        const gw = torch.autograd.grad(want.mul(g).sum(), [q, k, v]);
        const gg = torch.autograd.grad(got.mul(g).sum(), [q, k, v]);
        const cmp = async (a: Tensor, b: Tensor, what: string) =>
          expectClose(
            a,
            { shape: [...b.shape], dtype: 'float32', data: Array.from(await b.toArray()) },
            what,
            {
              atol: 1e-5,
              rtol: 1e-4,
            },
          );
        await cmp(got, want, `out ${JSON.stringify(Object.keys(o))}`);
        for (let i = 0; i < 3; i++) await cmp(gg[i]!, gw[i]!, `grad ${i} ${JSON.stringify(Object.keys(o))}`);
      }
    });
    it.skipIf(device !== 'cpu')(
      'several query blocks (L = 150 > 64 rows per block): fused = composed, causal and masked',
      async () => {
        const q = leaf([1, 2, 150, 8], device, 41);
        const k = leaf([1, 2, 130, 8], device, 42);
        const v = leaf([1, 2, 130, 5], device, 43);
        const fm = torch.randn([150, 130], { generator: new torch.Generator(7) }).to(device);
        const bm = torch
          .rand([150, 130], { generator: new torch.Generator(8) })
          .gt(0.5)
          .to(device);
        for (const o of [{}, { isCausal: true }, { attnMask: fm }, { attnMask: bm }]) {
          const want = sdpaComposed(q, k, v, o)[0];
          const got = F.scaledDotProductAttention(q, k, v, o);
          const g = torch.randn(got.shape, { generator: new torch.Generator(9) }).to(device);
          const gw = torch.autograd.grad(want.mul(g).sum(), [q, k, v]);
          const gg = torch.autograd.grad(got.mul(g).sum(), [q, k, v]);
          const cmp = async (a: Tensor, b: Tensor, what: string) =>
            expectClose(
              a,
              { shape: [...b.shape], dtype: 'float32', data: Array.from(await b.toArray()) },
              what,
              {
                atol: 1e-5,
                rtol: 1e-4,
              },
            );
          await cmp(got, want, `out ${JSON.stringify(Object.keys(o))}`);
          for (let i = 0; i < 3; i++)
            await cmp(gg[i]!, gw[i]!, `grad ${i} ${JSON.stringify(Object.keys(o))}`);
        }
      },
    );
    it('strided q, k, v, dO (views of one qkv buffer as nanoGPT, unfoldable batch): fused = composed', async () => {
      // nanoGPT: q, k, v = x.split(C, 2) viewed [B, T, H, E] and transposed to [B, H, T, E], read
      // in place by the routines (T = 16 takes the CPU's small-head path, T = 12 its blocked one);
      // dO arrives as a transposed view too. Plus inputs the routines cannot read strided (last
      // dim transposed, batch dims that fold into no [B, H]): copied, same answers.
      const cmp = async (a: Tensor, b: Tensor, what: string) =>
        expectClose(a, { shape: [...b.shape], dtype: 'float32', data: Array.from(await b.toArray()) }, what, {
          atol: 1e-5,
          rtol: 1e-4,
        });
      const run = async (
        name: string,
        leaves: Tensor[],
        qkv: () => Tensor[],
        o: { isCausal?: boolean; attnMask?: Tensor },
      ) => {
        const outs = [false, true].map((fused) => {
          setFusedAttention(fused);
          try {
            const [q, k, v] = qkv();
            const y = F.scaledDotProductAttention(q, k, v, o);
            const yt = y.transpose(1, 2); // the gradient reaching y is a transposed view
            const up = torch.randn(yt.shape, { generator: new torch.Generator(4) }).to(device);
            return [y, ...torch.autograd.grad(yt.mul(up).sum(), leaves).map((t) => t!)];
          } finally {
            setFusedAttention(true);
          }
        });
        for (let i = 0; i < outs[0].length; i++) await cmp(outs[1][i], outs[0][i], `${name} ${i}`);
      };
      for (const T of [16, 12]) {
        const [B, H, Eh] = [2, 2, 8];
        const C = H * Eh;
        const x = leaf([B, T, 3 * C], device, 51);
        const split = () => x.split(C, 2).map((t) => t.view([B, T, H, Eh]).transpose(1, 2));
        const bm = torch
          .rand([T, T], { generator: new torch.Generator(52) })
          .gt(0.3)
          .to(device);
        const fm = torch.randn([B, 1, T, T], { generator: new torch.Generator(53) }).to(device);
        for (const [n, o] of [
          ['plain', {}],
          ['causal', { isCausal: true }],
          ['bool mask', { attnMask: bm }],
          ['float mask', { attnMask: fm }],
        ] as const)
          await run(`qkv split T=${T} ${n}`, [x], split, o);
      }
      const qt = leaf([2, 2, 8, 16], device, 54); // q = qt^T: last dim strided
      const k5 = leaf([3, 2, 2, 16, 8], device, 55); // batch [2, 3, 2] folding into no [B, H]
      const v = leaf([2, 3, 2, 16, 8], device, 56);
      await run('last dim strided', [qt, v], () => [qt.transpose(-2, -1), v.select(1, 0), v.select(1, 1)], {
        isCausal: true,
      });
      await run('unfoldable batch', [k5, v], () => [k5.permute([1, 0, 2, 3, 4]), v, v.mul(2)], {});
    });
    it('double backward (createGraph) through the fused op equals the composed one', async () => {
      const q = leaf([1, 2, 6, 4], device, 31);
      const k = leaf([1, 2, 5, 4], device, 32);
      const v = leaf([1, 2, 5, 4], device, 33);
      const second = (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor) => {
        const [gq] = torch.autograd.grad(f(q, k, v).pow(2).sum(), [q], { createGraph: true });
        return torch.autograd.grad(gq!.pow(2).sum(), [q, k, v]);
      };
      const got = second((a, b, c) => F.scaledDotProductAttention(a, b, c, { isCausal: true }));
      const want = second((a, b, c) => sdpaComposed(a, b, c, { isCausal: true })[0]);
      for (let i = 0; i < 3; i++)
        await expectClose(
          got[i]!,
          { shape: [...want[i]!.shape], dtype: 'float32', data: Array.from(await want[i]!.toArray()) },
          `d2 ${i}`,
          { atol: 1e-4, rtol: 1e-3 },
        );
    });
    it('reports whether the fused path is offered', () => {
      const q = torch.zeros([1, 2, 4]).to(device);
      const has = !!q.backend.routines?.attention;
      expect(fusedApplies(q, q, {})).toBe(has);
      expect(fusedApplies(q, q, { dropoutP: 0.5 })).toBe(false);
    });
    it('dropout draws from the default generator: same seed, same result; some weights dropped', async () => {
      const q = torch.ones([1, 4, 8]).to(device);
      torch.manualSeed(1);
      const a = F.scaledDotProductAttention(q, q, q, null, 0.5);
      torch.manualSeed(1);
      const b = F.scaledDotProductAttention(q, q, q, null, 0.5);
      expect(Array.from(await a.toArray())).toEqual(Array.from(await b.toArray()));
      // All-ones inputs: each output is the kept weights' sum * 2 (1/(1-p)), a multiple of 0.5.
      const vals = Array.from(await a.toArray());
      expect(vals.every((x) => Math.abs(x * 2 - Math.round(x * 2)) < 1e-5)).toBe(true);
      expect(vals.some((x) => Math.abs(x - 1) > 1e-5)).toBe(true);
    });
  });

describe('attention errors (PyTorch wording, naming the op and shapes)', () => {
  it('scaled_dot_product_attention', () => {
    const q = torch.zeros([2, 3, 4]);
    expect(() => F.scaledDotProductAttention(q, torch.zeros([2, 5, 3]), torch.zeros([2, 5, 4]))).toThrow(
      /scaled_dot_product_attention\(\): Expected query and key to have the same embedding size.*\[2, 3, 4\].*\[2, 5, 3\]/,
    );
    expect(() => F.scaledDotProductAttention(q, torch.zeros([2, 5, 4]), torch.zeros([2, 6, 4]))).toThrow(
      /same sequence length/,
    );
    expect(() => F.scaledDotProductAttention(q, q, q, torch.zeros([4, 3]))).toThrow(
      /attn_mask of shape \[4, 3\] is not broadcastable to .*\[2, 3, 3\]/,
    );
    expect(() => F.scaledDotProductAttention(q, q, q, torch.zeros([3, 3]), 0, true)).toThrow(
      /Explicit attn_mask should not be set when is_causal=True/,
    );
    expect(() => F.scaledDotProductAttention(torch.zeros([4]), q, q)).toThrow(/at least 2-dimensional/);
  });
  it('MultiheadAttention', () => {
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/embed_dim must be divisible by num_heads/);
    const m = new nn.MultiheadAttention(8, 2);
    const x = torch.zeros([3, 2, 8]);
    expect(() => m(x, x, x, { attnMask: torch.zeros([3, 4]) })).toThrow(
      /The shape of the 2D attn_mask is \[3, 4\], but should be \[3, 3\]/,
    );
    expect(() => m(x, x, x, { attnMask: torch.zeros([2, 3, 3]) })).toThrow(
      /The shape of the 3D attn_mask is \[2, 3, 3\], but should be \[4, 3, 3\]/,
    );
    expect(() => m(x, torch.zeros([3, 8]), x)).toThrow(/expected `key` to be 3-D/);
    expect(() => m(torch.zeros([3, 2, 6]), x, x)).toThrow(/expecting embedding dimension of 8, but got 6/);
  });
  it('Transformer', () => {
    const t = new nn.Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 8,
    });
    expect(() => t(torch.zeros([3, 2, 8]), torch.zeros([3, 3, 8]))).toThrow(
      /the batch number of src and tgt must be equal/,
    );
    expect(() => t(torch.zeros([3, 2, 8]), torch.zeros([3, 2, 6]))).toThrow(
      /feature number of src and tgt must be equal to d_model/,
    );
  });
});

describe('Transformer module surface', () => {
  it("state dict keys are PyTorch's", () => {
    const t = new nn.Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 16,
    });
    const keys = Object.keys(t.stateDict());
    for (const k of [
      'encoder.layers.0.self_attn.in_proj_weight',
      'encoder.layers.0.self_attn.in_proj_bias',
      'encoder.layers.0.self_attn.out_proj.weight',
      'encoder.layers.0.linear1.weight',
      'encoder.layers.0.norm2.bias',
      'encoder.norm.weight',
      'decoder.layers.0.multihead_attn.in_proj_weight',
      'decoder.layers.0.norm3.weight',
      'decoder.norm.bias',
    ])
      expect(keys).toContain(k);
    expect(keys.length).toBe(
      // PyTorch 1.13: 12 per encoder layer + 2 norm, 18 per decoder layer + 2 norm.
      12 + 2 + 18 + 2,
    );
  });
  it('generateSquareSubsequentMask', async () => {
    const m = nn.Transformer.generateSquareSubsequentMask(3);
    expect(Array.from(await m.toArray())).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  });
  it('encoder layers are independent copies; a callable activation works', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, {
      dimFeedforward: 16,
      activation: (x: Tensor) => x.tanh(),
    });
    const enc = new nn.TransformerEncoder(layer, 2);
    const [a, b] = [...enc.layers.children()] as Module[];
    expect(a).not.toBe(b);
    const pa = [...a.parameters()][0];
    const pb = [...b.parameters()][0];
    expect(pa).not.toBe(pb);
    const y = enc(torch.randn([4, 2, 8]));
    expect(y.shape).toEqual([4, 2, 8]);
  });
});
