/**
 * conv1d / conv2d / convTranspose2d: PyTorch's values (ops.json group conv), a direct-loop
 * reference over stride/padding/dilation/groups mixes, the transpose as conv2d's adjoint,
 * gradchecks on every device, PyTorch's error conditions, and WebGPU vs CPU at CNN sizes.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { type ConvOptions, fold, windows } from '../../src/ops/conv.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  expectConformance,
  expectGradcheck,
  expectSameAsCpu,
  leaf,
  ncLeaf,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;

interface Geo {
  stride: [number, number];
  pads: [number, number, number, number]; // top, bottom, left, right
  dil: [number, number];
  groups: number;
}

/** The definition, one output element at a time: y[n,o,i,j] = b[o] + sum x[n,c,i*s-p+ki*d, ...] w[o,c,ki,kj]. */
function directConv2d(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  g: Geo,
): { shape: number[]; data: Float64Array } {
  const [N, C, H, W] = x.shape;
  const [O, Cg, KH, KW] = w.shape;
  const X = x.toArraySync();
  const Wt = w.toArraySync();
  const B = b?.toArraySync();
  const OH = Math.floor((H + g.pads[0] + g.pads[1] - g.dil[0] * (KH - 1) - 1) / g.stride[0]) + 1;
  const OW = Math.floor((W + g.pads[2] + g.pads[3] - g.dil[1] * (KW - 1) - 1) / g.stride[1]) + 1;
  const out = new Float64Array(N * O * OH * OW);
  const og = O / g.groups;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let acc = B ? B[o] : 0;
          const grp = Math.floor(o / og);
          for (let c = 0; c < Cg; c++)
            for (let ki = 0; ki < KH; ki++)
              for (let kj = 0; kj < KW; kj++) {
                const h = i * g.stride[0] - g.pads[0] + ki * g.dil[0];
                const v = j * g.stride[1] - g.pads[2] + kj * g.dil[1];
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                acc += X[((n * C + grp * Cg + c) * H + h) * W + v] * Wt[((o * Cg + c) * KH + ki) * KW + kj];
              }
          out[((n * O + o) * OH + i) * OW + j] = acc;
        }
  return { shape: [N, O, OH, OW], data: out };
}

const rnd = (shape: number[], seed: number) => torch.randn(shape, { generator: new torch.Generator(seed) });

async function expectClose(t: Tensor, shape: number[], want: ArrayLike<number>, tol = 1e-4) {
  expect(t.shape).toEqual(shape);
  const got = await t.toArray();
  for (let i = 0; i < want.length; i++)
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i]))))
      throw new Error(`at ${i}: ${got[i]} vs ${want[i]}`);
}

// [name, x shape, w shape, bias?, options, the geometry those options mean]
const mixes: [string, number[], number[], boolean, ConvOptions, Geo][] = [
  [
    'plain 3x3',
    [2, 3, 6, 5],
    [4, 3, 3, 3],
    true,
    {},
    { stride: [1, 1], pads: [0, 0, 0, 0], dil: [1, 1], groups: 1 },
  ],
  [
    'stride (2,1), padding (1,0), dilation (1,2), groups 2',
    [2, 4, 7, 8],
    [6, 2, 3, 2],
    true,
    { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 },
    { stride: [2, 1], pads: [1, 1, 0, 0], dil: [1, 2], groups: 2 },
  ],
  [
    "padding 'same' with an even kernel (extra pad at the end)",
    [1, 2, 5, 6],
    [3, 2, 4, 2],
    false,
    { padding: 'same' },
    { stride: [1, 1], pads: [1, 2, 0, 1], dil: [1, 1], groups: 1 },
  ],
  [
    "padding 'same' with dilation 2, depthwise",
    [2, 3, 6, 6],
    [3, 1, 3, 3],
    true,
    { padding: 'same', dilation: 2, groups: 3 },
    { stride: [1, 1], pads: [2, 2, 2, 2], dil: [2, 2], groups: 3 },
  ],
  [
    "padding 'valid', stride 3",
    [1, 2, 8, 7],
    [2, 2, 2, 3],
    true,
    { padding: 'valid', stride: 3 },
    { stride: [3, 3], pads: [0, 0, 0, 0], dil: [1, 1], groups: 1 },
  ],
  [
    '1x1',
    [3, 5, 4, 4],
    [2, 5, 1, 1],
    true,
    {},
    { stride: [1, 1], pads: [0, 0, 0, 0], dil: [1, 1], groups: 1 },
  ],
];

describe('conv2d against the direct definition (CPU)', () => {
  for (const [name, xs, ws, hasBias, opts, geo] of mixes)
    it(name, async () => {
      const x = rnd(xs, 1);
      const w = rnd(ws, 2);
      const b = hasBias ? rnd([ws[0]], 3) : null;
      const want = directConv2d(x, w, b, geo);
      await expectClose(F.conv2d(x, w, b, opts), want.shape, want.data);
    });
  it('an unbatched input gives the batched result without the batch dim', async () => {
    const x = rnd([3, 6, 6], 4);
    const w = rnd([2, 3, 3, 3], 5);
    const want = await F.conv2d(x.unsqueeze(0), w, null, { padding: 1 }).toArray();
    await expectClose(F.conv2d(x, w, null, { padding: 1 }), [2, 6, 6], want);
  });
  it('conv1d is conv2d over a height of 1', async () => {
    const x = rnd([2, 6, 11], 6);
    const w = rnd([3, 2, 3], 7);
    const b = rnd([3], 8);
    const o = { stride: 2, padding: 2, dilation: 2, groups: 3 };
    const want = directConv2d(x.unsqueeze(2), w.unsqueeze(2), b, {
      stride: [1, 2],
      pads: [0, 0, 2, 2],
      dil: [1, 2],
      groups: 3,
    });
    await expectClose(F.conv1d(x, w, b, o), [2, 3, 6], want.data);
  });
  it('the output is contiguous (x.view works on it, as after a PyTorch conv)', () => {
    const y = F.conv2d(rnd([2, 3, 5, 5], 1), rnd([4, 3, 3, 3], 2));
    expect(y.isContiguous()).toBe(true);
    expect(F.conv2d(rnd([2, 3, 5, 5], 1), rnd([4, 3, 3, 3], 2), rnd([4], 3)).isContiguous()).toBe(true);
  });
});

describe('convTranspose2d (CPU)', () => {
  it('is the adjoint of conv2d: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>', async () => {
    const configs: [number[], ConvOptions & { padding: number | number[] }][] = [
      [[6, 4, 3, 3], { stride: 2, padding: 1, dilation: 1, groups: 1 }],
      [[6, 2, 3, 3], { stride: [2, 3], padding: [0, 2], dilation: [2, 1], groups: 2 }],
    ];
    for (const [ws, o] of configs) {
      const x = rnd([2, 4, 9, 10], 11);
      const w = rnd(ws, 12);
      const y0 = F.conv2d(x, w, null, o);
      const y = rnd(y0.shape as number[], 13);
      // output_padding recovers the input size the strided conv rounded away
      const t0 = F.convTranspose2d(y, w, null, o);
      const outputPadding = [9 - t0.shape[2], 10 - t0.shape[3]];
      const t = F.convTranspose2d(y, w, null, { ...o, outputPadding });
      expect(t.shape).toEqual([2, 4, 9, 10]);
      const lhs = await y0.mul(y).sum().item();
      const rhs = await x.mul(t).sum().item();
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * (1 + Math.abs(lhs)));
    }
  });
  it('output size (H-1)*s - 2p + d(k-1) + op + 1, bias per channel, unbatched', async () => {
    const x = rnd([3, 4, 5], 14);
    const w = rnd([3, 2, 3, 2], 15);
    const b = torch.tensor([10, -10], { dtype: 'float32' });
    const y = F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });
    expect(y.shape).toEqual([2, (4 - 1) * 2 - 2 + 2 + 1 + 1, (5 - 1) * 2 - 2 + 1 + 1 + 1]);
    const nb = F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 });
    const [a, c] = [await y.toArray(), await nb.toArray()];
    expect(a[0] - c[0]).toBeCloseTo(10, 4);
    expect(a[a.length - 1] - c[c.length - 1]).toBeCloseTo(-10, 4);
  });
});

describe('large batches run in chunks (each im2col matrix <= 2^24 elements)', () => {
  it('conv2d over [4, 1, 700, 700] (cols 17.6M elements: chunks of 3 + 1) equals the per-sample convs, gradients too', async () => {
    const x = rnd([4, 1, 700, 700], 91);
    const w = rnd([2, 1, 3, 3], 92).requiresGrad_(true);
    const y = F.conv2d(x, w, null, { padding: 1 });
    const g = rnd([4, 2, 700, 700], 93);
    y.mul(g).sum().backward();
    const dw = await w.grad!.toArray();
    w.grad = null;
    let err = 0;
    let ref: Tensor | null = null;
    for (let i = 0; i < 4; i++) {
      const yi = F.conv2d(x.narrow(0, i, 1), w, null, { padding: 1 });
      const a = await yi.detach().toArray();
      const b = await y.narrow(0, i, 1).toArray();
      for (let j = 0; j < a.length; j += 997) err = Math.max(err, Math.abs(a[j] - b[j]));
      const s = yi.mul(g.narrow(0, i, 1)).sum();
      ref = ref ? ref.add(s) : s;
    }
    expect(err).toBe(0);
    ref!.backward();
    const want = await w.grad!.toArray();
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(dw[i] - want[i])).toBeLessThan(1e-3 * (1 + Math.abs(want[i])));
  });
  it('convTranspose2d chunks the same way', async () => {
    const x = rnd([3, 2, 200, 200], 94);
    const w = rnd([2, 64, 3, 3], 95); // cols per sample: 64 * 9 * 40000 = 23M elements
    const y = F.convTranspose2d(x, w, null, { padding: 1 });
    const y1 = F.convTranspose2d(x.narrow(0, 2, 1), w, null, { padding: 1 });
    const [a, b] = [await y.narrow(0, 2, 1).toArray(), await y1.toArray()];
    for (let j = 0; j < a.length; j += 1009) expect(a[j]).toBe(b[j]);
  });
});

describe('windows and fold', () => {
  it('fold is the adjoint of the window view (and overlapping windows accumulate)', async () => {
    const x = rnd([2, 3, 7, 6], 21);
    const win = windows(x, [3, 2], [2, 1], [1, 2]);
    expect(win.shape).toEqual([2, 3, 3, 4, 3, 2]);
    const g = rnd(win.shape as number[], 22);
    const lhs = await win.mul(g).sum().item();
    const rhs = await x
      .mul(fold(g, [7, 6], [2, 1], [1, 2]))
      .sum()
      .item();
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * (1 + Math.abs(lhs)));
  });
});

describe('conv errors (PyTorch conditions and words)', () => {
  const w = torch.zeros([4, 3, 3, 3]);
  it('wrong input rank', () => {
    expect(() => F.conv2d(torch.zeros([2, 3]), w)).toThrow(
      'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]',
    );
    expect(() => F.conv1d(torch.zeros([1, 2, 3, 4]), torch.zeros([2, 2, 1]))).toThrow(
      'Expected 2D (unbatched) or 3D (batched) input to conv1d',
    );
  });
  it('wrong channel count', () =>
    expect(() => F.conv2d(torch.zeros([2, 5, 8, 8]), w)).toThrow(
      'Given groups=1, weight of size [4, 3, 3, 3], expected input[2, 5, 8, 8] to have 3 channels, but got 5 channels instead',
    ));
  it('kernel larger than the padded input', () => {
    expect(() => F.conv2d(torch.zeros([1, 3, 2, 2]), w)).toThrow(
      "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
    );
    expect(() => F.conv2d(torch.zeros([1, 3, 2, 2]), w, null, { padding: 1 })).not.toThrow();
    expect(() => F.conv2d(torch.zeros([1, 3, 4, 4]), w, null, { dilation: 2 })).toThrow(
      'Kernel size: (5 x 5)',
    );
  });
  it('groups, bias, stride, padding', () => {
    expect(() => F.conv2d(torch.zeros([1, 6, 5, 5]), torch.zeros([3, 3, 3, 3]), null, { groups: 2 })).toThrow(
      'Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 3, 3, 3] instead',
    );
    expect(() => F.conv2d(torch.zeros([1, 3, 5, 5]), w, torch.zeros([5]))).toThrow(
      'expected bias to be 1-dimensional with 4 elements, but got bias of size [5] instead',
    );
    expect(() => F.conv2d(torch.zeros([1, 3, 5, 5]), w, null, { stride: 2, padding: 'same' })).toThrow(
      "padding='same' is not supported for strided convolutions",
    );
    expect(() => F.conv2d(torch.zeros([1, 3, 5, 5]), w, null, { stride: 0 })).toThrow('non-positive stride');
    expect(() => F.conv2d(torch.zeros([1, 3, 5, 5]), w, null, { padding: -1 })).toThrow('negative padding');
    expect(() => F.conv2d(torch.zeros([1, 3, 5, 5], { dtype: 'int32' }), w)).toThrow('float32');
  });
  it('convTranspose2d channel and output_padding checks', () => {
    expect(() => F.convTranspose2d(torch.zeros([2, 5, 4, 4]), torch.zeros([3, 2, 3, 3]))).toThrow(
      'Given transposed=1, weight of size [3, 2, 3, 3], expected input[2, 5, 4, 4] to have 3 channels, but got 5 channels instead',
    );
    expect(() =>
      F.convTranspose2d(torch.zeros([1, 3, 4, 4]), torch.zeros([3, 2, 3, 3]), null, { outputPadding: 1 }),
    ).toThrow('output padding must be smaller than either stride or dilation');
  });
});

for (const device of testDevices())
  describe(`conv on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('conv').filter((n) => n.startsWith('conv')))
        it(name, () => expectConformance(name, device));
    });

    describe('gradcheck', () => {
      for (const [name, xs, ws, hasBias, opts] of mixes)
        it(`conv2d ${name}`, () =>
          expectGradcheck(
            (x, w, b) => F.conv2d(x, w, hasBias ? b : null, opts),
            [leaf(xs, device, 31), leaf(ws, device, 32), leaf([ws[0]], device, 33)],
          ));
      it('conv2d on a non-contiguous input', () =>
        expectGradcheck(
          (x, w) => F.conv2d(x, w, null, { stride: 2, padding: 1 }),
          [ncLeaf([2, 3, 6, 7], device, 34), leaf([2, 3, 3, 3], device, 35)],
        ));
      it('conv1d stride 2, padding 2, dilation 2, groups 3', () =>
        expectGradcheck(
          (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 2, dilation: 2, groups: 3 }),
          [leaf([2, 6, 11], device, 36), leaf([3, 2, 3], device, 37), leaf([3], device, 38)],
        ));
      it('convTranspose2d stride 2, padding 1, outputPadding 1, bias', () =>
        expectGradcheck(
          (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
          [leaf([2, 3, 4, 5], device, 39), leaf([3, 2, 3, 3], device, 40), leaf([2], device, 41)],
        ));
      it('convTranspose2d stride (1,2), dilation 2, groups 2', () =>
        expectGradcheck(
          (x, w) =>
            F.convTranspose2d(x, w, null, { stride: [1, 2], dilation: 2, groups: 2, padding: [1, 0] }),
          [leaf([1, 4, 3, 4], device, 42), leaf([4, 3, 2, 3], device, 43)],
        ));
      it('second order: the gradient of conv2d is itself differentiable', () =>
        expectGradcheck(
          (x, w) =>
            torch.enableGrad(() => {
              const u = x.requiresGrad ? x : x.detach().requiresGrad_(true);
              const y = F.conv2d(u, w, null, { padding: 1, stride: 2 });
              return torch.autograd.grad(y.pow(2).sum(), [u], { createGraph: true })[0]!;
            }),
          [leaf([1, 2, 5, 5], device, 44), leaf([3, 2, 3, 3], device, 45)],
        ));
    });

    if (device !== 'cpu') {
      it('agrees with the CPU at the CNN sizes (conv2 of the MNIST CNN, batch 8)', () =>
        expectSameAsCpu(
          (x, w, b) => F.conv2d(x, w, b, { padding: 1 }),
          [[8, 16, 14, 14], [32, 16, 3, 3], [32]],
          device,
        ));
      it('agrees with the CPU on a strided, dilated, grouped conv and its transpose', async () => {
        await expectSameAsCpu(
          (x, w) => F.conv2d(x, w, null, { stride: 2, padding: [1, 2], dilation: [2, 1], groups: 2 }),
          [
            [3, 4, 13, 12],
            [6, 2, 3, 3],
          ],
          device,
        );
        await expectSameAsCpu(
          (x, w) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }),
          [
            [3, 4, 6, 5],
            [4, 5, 3, 3],
          ],
          device,
        );
      });
    }
  });
