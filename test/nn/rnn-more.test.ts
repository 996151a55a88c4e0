/**
 * Recurrent layers beyond the PyTorch fixtures: gradchecks of the fused time loop (first and
 * second order), PyTorch's error messages, nn.utils.rnn round trips, dropout between layers,
 * and the WebGPU dispatches per time step.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { linear } from '../../src/ops/matmul.js';
import { type RnnMode, rnnLayer, setFusedRnn } from '../../src/ops/rnn.js';
import { enableGrad } from '../../src/tensor/state.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { describeGpu } from '../backend/webgpu/helpers.js';
import { expectGradcheck } from '../helpers/conformance.js';

const { nn } = torch;
/** Small values keep the gates off saturation, so float32 central differences are accurate. */
const leaf = (shape: number[], device = 'cpu') => torch.randn(shape, { device }).mul(0.4).requiresGrad_();

/** One layer through the fused loop, every tensor an argument (so gradcheck perturbs it). */
const layerFn =
  (mode: RnnMode, reverse: boolean, mask: Tensor | null = null) =>
  (...xs: Tensor[]): Tensor[] => {
    const [x, h0, wih, whh, bih, bhh, c0] = xs;
    const r = rnnLayer({
      mode,
      xg: linear(x, wih, bih),
      h0,
      c0: c0 ?? null,
      wHh: whh,
      bHh: bhh,
      wHr: null,
      mask,
      reverse,
    });
    return r.cN ? [r.out, r.hN, r.cN] : [r.out, r.hN];
  };

describe('fused time loop: gradcheck', () => {
  const T = 3;
  const B = 2;
  const I = 3;
  const H = 4;
  // RNN_RELU's kinks defeat central differences; the PyTorch fixtures cover it (rnn.test.ts).
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH'] as const)
    for (const reverse of [false, true])
      it(`${mode}${reverse ? ' reverse' : ''}, masked`, async () => {
        torch.manualSeed(3);
        const G = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
        const mask = torch.tensor([
          [1, 1],
          [1, 1],
          [1, 0],
        ]);
        const ins = [
          leaf([T, B, I]),
          leaf([B, H]),
          leaf([G * H, I]),
          leaf([G * H, H]),
          leaf([G * H]),
          leaf([G * H]),
        ];
        if (mode === 'LSTM') ins.push(leaf([B, H]));
        await expectGradcheck(layerFn(mode, reverse), ins);
        await expectGradcheck(layerFn(mode, reverse, mask), ins);
      });

  it('LSTMCell and GRUCell modules: gradcheck in the input and state', async () => {
    torch.manualSeed(4);
    const lstm = new nn.LSTMCell(3, 4);
    await expectGradcheck((x, h, c) => lstm(x, [h, c]), [leaf([2, 3]), leaf([2, 4]), leaf([2, 4])]);
    const gru = new nn.GRUCell(3, 4);
    await expectGradcheck((x, h) => gru(x, h), [leaf([2, 3]), leaf([2, 4])]);
  });

  it('second order: the backward of the fused loop is differentiable (createGraph)', async () => {
    torch.manualSeed(5);
    for (const mode of ['LSTM', 'GRU'] as const) {
      const G = mode === 'LSTM' ? 4 : 3;
      const f = layerFn(mode, false);
      const ins = [
        leaf([2, 2, 3]),
        leaf([2, 4]),
        leaf([G * 4, 3]),
        leaf([G * 4, 4]),
        leaf([G * 4]),
        leaf([G * 4]),
      ];
      if (mode === 'LSTM') ins.push(leaf([2, 4]));
      await expectGradcheck(
        (x, ...rest) =>
          // gradcheck's perturbed runs are under noGrad: differentiate in a grad scope of our own.
          enableGrad(() => {
            const xx = x.requiresGrad ? x : x.detach().requiresGrad_();
            const outs = f(xx, ...rest);
            const s = outs.map((o) => o.mul(o).sum()).reduce((a, b) => a.add(b));
            return torch.autograd.grad(s, [xx], { createGraph: true })[0]!;
          }),
        ins,
      );
    }
  });

  it('fused and composed agree on a longer masked sequence', async () => {
    torch.manualSeed(6);
    const lstm = new nn.LSTM(5, 6, { numLayers: 2, bidirectional: true });
    const seqs = [torch.randn([9, 5]), torch.randn([7, 5]), torch.randn([2, 5])];
    const run = async (fused: boolean) => {
      const was = setFusedRnn(fused);
      try {
        lstm.zeroGrad();
        const [o, [h, c]] = lstm(nn.utils.rnn.packSequence(seqs));
        const po = o as InstanceType<typeof nn.PackedSequence>;
        po.data.sum().add(h.mul(h).sum()).add(c.sum()).backward();
        return [
          ...(await po.data.toArray()),
          ...(await h.toArray()),
          ...(await (lstm as unknown as Record<string, Tensor>).weight_hh_l0_reverse.grad!.toArray()),
        ];
      } finally {
        setFusedRnn(was);
      }
    };
    const a = await run(true);
    const b = await run(false);
    a.forEach((v, i) => {
      expect(Math.abs(v - b[i])).toBeLessThan(1e-5);
    });
  });
});

describe('PyTorch error messages', () => {
  it('input size, rank and hidden shape', () => {
    const lstm = new nn.LSTM(10, 20);
    expect(() => lstm(torch.randn([5, 3, 7]))).toThrow(
      'input.size(-1) must be equal to input_size. Expected 10, got 7',
    );
    expect(() => lstm(torch.randn([5, 3, 2, 10]))).toThrow(
      'LSTM: Expected input to be 2D or 3D, got 4D tensor instead',
    );
    expect(() => lstm(torch.randn([5, 3, 10]), [torch.zeros([1, 2, 20]), torch.zeros([1, 3, 20])])).toThrow(
      'Expected hidden[0] size (1, 3, 20), got [1, 2, 20]',
    );
    expect(() => new nn.GRU(10, 20)(torch.randn([5, 10]), torch.zeros([1, 3, 20]))).toThrow(
      'For unbatched 2-D input, hx should also be 2-D but got 3-D tensor',
    );
    expect(() => new nn.RNN(10, 20, { nonlinearity: 'gelu' })).toThrow("Unknown nonlinearity 'gelu'");
    expect(() => new nn.LSTM(10, 20, { projSize: 20 })).toThrow(
      'proj_size has to be smaller than hidden_size',
    );
  });
  it('cells', () => {
    expect(() => new nn.LSTMCell(10, 20)(torch.randn([3, 7]))).toThrow(
      'input has inconsistent input_size: got 7 expected 10',
    );
    expect(() => new nn.GRUCell(10, 20)(torch.randn([2, 3, 10]))).toThrow(
      'GRUCell: Expected input to be 1-D or 2-D but received 3-D tensor',
    );
  });
  it('packing', () => {
    expect(() => nn.utils.rnn.packPaddedSequence(torch.randn([4, 3, 2]), [2, 4, 3])).toThrow(
      '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True',
    );
  });
});

describe('nn.utils.rnn', () => {
  it('padSequence, packSequence, padPackedSequence round trip (PyTorch layout)', async () => {
    const a = torch.tensor([1, 2, 3]).reshape([3, 1]);
    const b = torch.tensor([4]).reshape([1, 1]);
    const c = torch.tensor([5, 6]).reshape([2, 1]);
    const padded = nn.utils.rnn.padSequence([a, b, c], true, -1);
    expect(padded.shape).toEqual([3, 3, 1]);
    expect(Array.from(await padded.toArray())).toEqual([1, 2, 3, 4, -1, -1, 5, 6, -1]);
    const p = nn.utils.rnn.packSequence([a, b, c], false);
    expect(Array.from(await p.data.toArray())).toEqual([1, 5, 4, 2, 6, 3]);
    expect(Array.from(p.batchSizes.toArraySync())).toEqual([3, 2, 1]);
    expect(Array.from(p.sortedIndices!.toArraySync())).toEqual([0, 2, 1]);
    expect(Array.from(p.unsortedIndices!.toArraySync())).toEqual([0, 2, 1]);
    const [back, lens] = nn.utils.rnn.padPackedSequence(p, true, 0, 4);
    expect(back.shape).toEqual([3, 4, 1]);
    expect(Array.from(await back.toArray())).toEqual([1, 2, 3, 0, 4, 0, 0, 0, 5, 6, 0, 0]);
    expect(Array.from(lens.toArraySync())).toEqual([3, 1, 2]);
  });
});

describe('dropout between layers', () => {
  it('uses the generator: same seed same output, eval mode deterministic', async () => {
    const lstm = new nn.GRU(4, 5, { numLayers: 2, dropout: 0.5 });
    const x = torch.randn([3, 2, 4]);
    torch.manualSeed(1);
    const a = await (lstm(x)[0] as Tensor).toArray();
    torch.manualSeed(1);
    const b = await (lstm(x)[0] as Tensor).toArray();
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = await (lstm(x)[0] as Tensor).toArray();
    expect(Array.from(c)).not.toEqual(Array.from(a));
    lstm.eval();
    const d = await (lstm(x)[0] as Tensor).toArray();
    const e = await (lstm(x)[0] as Tensor).toArray();
    expect(Array.from(d)).toEqual(Array.from(e));
  });
});

describeGpu('webgpu dispatches per time step', () => {
  it('LSTM and GRU: 2 forward (matmul + fused gates) and 2 backward (fused + matmul) per step', async () => {
    for (const Cls of [nn.LSTM, nn.GRU] as const) {
      const m = new (Cls as typeof nn.LSTM)(8, 16).to('webgpu');
      const count = async (T: number) => {
        const x = torch.randn([T, 4, 8], { device: 'webgpu' }).requiresGrad_();
        await torch.webgpu.synchronize?.();
        torch.webgpu.resetStats();
        const [o] = m(x);
        const fwd = torch.webgpu.stats().dispatches;
        (o as Tensor).sum().backward();
        const total = torch.webgpu.stats().dispatches;
        await (x.grad as Tensor).toArray();
        return { fwd, bwd: total - fwd };
      };
      await count(4);
      const a = await count(4);
      const b = await count(12);
      const perStep = { fwd: (b.fwd - a.fwd) / 8, bwd: (b.bwd - a.bwd) / 8 };
      console.log(
        `${Cls.name} webgpu dispatches per time step: ${JSON.stringify(perStep)} (T=12: ${JSON.stringify(b)})`,
      );
      expect(perStep).toEqual({ fwd: 2, bwd: 2 });
    }
  });
});
