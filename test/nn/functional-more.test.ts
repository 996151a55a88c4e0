/**
 * More nn.functional ops and their modules (helper nnfunc): F.pad index modes, every
 * F.interpolate mode, conv_transpose1d/3d, max_unpool, multilabel_margin_loss, grid_sample,
 * affine_grid, ctc_loss, feature_alpha_dropout; values from PyTorch, gradchecks, both devices.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf, values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
const F = nn.functional;

// Generated with PyTorch 1.13 (/usr/bin/python3, torch 1.13.0a0) from the same inputs as below:
// pads of arange(12).reshape(1,3,4) / (1,1,3,4); interpolate of img = [[1,2,4],[0,3,1],[5,2,2]],
// arange(8).reshape(1,1,2,2,2), s = [[[1,3,2,6,4]]]; max_unpool2d(*max_pool2d(p, 2, return_indices=True), 2);
// grid_sample(img, g) and affine_grid(th, [1,1,2,3]); ctc_loss(log_softmax(sin(arange(40)*0.7)
// .reshape(5,2,4), 2), [[1,2],[3,3]], [5,4], [2,2], reduction='none') and the grad of its sum;
// conv_transpose3d(sin(arange(16)).reshape(1,2,2,2,2), cos(arange(48)).reshape(2,3,2,2,2),
// stride=2, padding=1, output_padding=1); conv_transpose1d(sin(arange(8)).reshape(1,2,4),
// cos(arange(18)).reshape(2,3,3), stride=2, padding=1, dilation=2). 5 decimals.
const REF: Record<string, number[] | number> = {
  pad_reflect: [
    2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 10.0, 9.0, 8.0, 9.0, 10.0, 11.0,
    10.0,
  ],
  pad_replicate: [
    0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 4.0, 5.0, 6.0, 7.0, 7.0, 8.0, 8.0, 8.0, 9.0, 10.0, 11.0,
    11.0,
  ],
  pad_circular: [
    2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 6.0, 7.0, 4.0, 5.0, 6.0, 7.0, 4.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0,
    8.0,
  ],
  pad2_reflect: [
    9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0,
    1.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 5.0, 4.0, 5.0, 6.0, 7.0,
    6.0, 5.0,
  ],
  bicubic: [
    1.02225, 1.1991, 1.46033, 2.52646, 3.79544, 4.57184, 0.42215, 0.93869, 1.77676, 2.6691, 3.11179, 3.3931,
    -0.63614, 0.46548, 2.29611, 2.91867, 1.9816, 1.43661, 0.83206, 1.51605, 2.66705, 2.62814, 1.4213, 0.70251,
    3.99765, 3.49713, 2.68011, 1.96158, 1.74728, 1.60535, 5.91049, 4.69687, 2.69534, 1.55917, 1.92996,
    2.12772,
  ],
  bicubic_ac: [
    1.0, 1.3125, 2.0, 3.09375, 4.0, -0.24074, 1.36806, 2.7963, 2.59954, 1.83333, 1.46296, 2.29977, 2.7963,
    2.01389, 0.98148, 5.0, 3.5, 2.0, 1.71875, 2.0,
  ],
  trilinear: [
    0.0, 0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0, 4.0, 4.5, 5.0, 4.0, 4.5, 5.0,
    5.0, 5.5, 6.0, 6.0, 6.5, 7.0,
  ],
  linear_ac: [1.0, 2.33333, 2.66667, 2.0, 4.66667, 5.33333, 4.0],
  area: [2.0, 3.66667, 5.0],
  nearest_exact: [1.0, 2.0, 4.0],
  unpool2d: [0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 8.0, 0.0, 0.0, 0.0, 0.0, 7.0, 6.0, 0.0, 0.0, 0.0],
  mlml: 0.8500000238418579,
  grid_zeros_False: [0.25, 2.34, 0.26, 0.0],
  grid_zeros_True: [1.0, 2.44, 1.6, 1.2],
  grid_border_False: [1.0, 2.34, 2.0, 4.0],
  grid_border_True: [1.0, 2.44, 2.0, 4.0],
  grid_reflection_False: [1.0, 2.34, 2.0, 3.3],
  grid_reflection_True: [1.0, 2.44, 1.84, 2.6],
  grid_nearest: [1.0, 3.0, 0.0, 0.0],
  affine: [
    -0.28333, -1.08333, 0.25, -0.95, 0.78333, -0.81667, -0.58333, 0.01667, -0.05, 0.15, 0.48333, 0.28333,
  ],
  ctc: [4.53528, 4.65926],
  ctc_grad: [
    -0.07008, -0.56477, 0.3368, 0.29805, 0.21555, 0.24325, 0.1445, -0.6033, -0.06054, -0.32162, -0.05364,
    0.4358, -0.17484, 0.2846, 0.14338, -0.25315, -0.05566, -0.02814, -0.41679, 0.50059, -0.36314, 0.33003,
    0.19182, -0.15871, -0.1413, 0.12787, -0.42726, 0.44069, 0.0852, 0.32446, 0.27756, -0.68722, -0.34639,
    0.203, -0.13168, 0.27507, 0.0, 0.0, 0.0, 0.0,
  ],
  convt3d: [
    0.90501, 0.87153, 1.01137, 0.66489, 0.87035, 0.78808, 0.18788, -0.01875, -0.80834, 0.90598, 0.67087,
    0.82658, 0.83092, 0.93283, 0.99954, -0.01278, 0.14728, -0.84039, -1.06138, -0.85592, -0.33859, -0.82029,
    -1.05541, -0.30009, 0.6955, 0.73113, 1.09015, 0.26381, 0.50866, -0.52937, 0.40874, 0.24705, -0.63735,
    -0.83584, -0.93577, -0.37385, 0.48155, 0.44806, -0.38395, 0.24143, 0.44689, -0.60723, -0.89644, -1.10307,
    -0.58475, 0.43186, 0.27017, 0.84052, 0.50467, 0.47119, 1.09392, 0.47641, 0.71091, -0.32571, -0.98178,
    -1.01955, -0.85732, -0.78384, -0.94225, -0.60261, 0.05535, 0.29106, 0.91713, -1.04611, -0.80125, -0.71485,
    -0.90118, -1.06287, -0.82283, 0.27364, 0.17371, 1.01055, 0.93571, 0.7773, 0.094, 0.67343, 0.91829,
    -0.01824, -0.83413, -0.938, -0.99537,
  ],
  convt1d: [
    0.0, 2.35019, 0.0, 2.41979, 0.0, -0.08615, 0.0, -0.85465, 0.0, 0.0, -2.329, 0.0, -2.65966, 0.0, -0.32565,
    0.0, 0.72366, 0.0, 0.0, 2.2612, 0.0, 2.8463, 0.0, 0.73093, 0.0, -0.5782, 0.0,
  ],
};

const ref = (k: string): number[] => REF[k] as number[];
async function close(t: Tensor, want: number[], atol = 1e-4): Promise<void> {
  const got = await values(t);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++)
    expect(Math.abs(got[i] - want[i]), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      atol + 1e-4 * Math.abs(want[i]),
    );
}
const arange = (n: number, shape: number[], device: string) =>
  torch.arange(n).float().reshape(shape).to(device);

for (const device of testDevices())
  describe(`nn.functional more on ${device}`, () => {
    const img = torch
      .tensor([
        [1, 2, 4],
        [0, 3, 1],
        [5, 2, 2],
      ])
      .reshape([1, 1, 3, 3])
      .to(device);
    const s = torch.tensor([[[1, 3, 2, 6, 4]]]).to(device);

    it('F.pad reflect / replicate / circular match PyTorch', async () => {
      const x = arange(12, [1, 3, 4], device);
      await close(F.pad(x, [2, 1], 'reflect'), ref('pad_reflect'));
      await close(F.pad(x, [2, 1], 'replicate'), ref('pad_replicate'));
      await close(F.pad(x, [2, 1], 'circular'), ref('pad_circular'));
      await close(F.pad(arange(12, [1, 1, 3, 4], device), [1, 2, 2, 1], 'reflect'), ref('pad2_reflect'));
      expect(() => F.pad(x, [4, 0], 'reflect')).toThrow(
        /Padding size should be less than the corresponding input dimension/,
      );
      expect(() => F.pad(x, [1, 1, 1, 1, 1, 1], 'replicate')).toThrow(/non-constant padding/);
    });

    it('pad modules', async () => {
      const x = arange(12, [1, 1, 3, 4], device);
      await close(new nn.ReflectionPad2d([1, 2, 2, 1])(x), ref('pad2_reflect'));
      await close(new nn.ReplicationPad1d([2, 1])(arange(12, [1, 3, 4], device)), ref('pad_replicate'));
      expect(new nn.ReflectionPad3d(1)(arange(8, [1, 1, 2, 2, 2], device)).shape).toEqual([1, 1, 4, 4, 4]);
      expect(new nn.ZeroPad2d(1)(x).shape).toEqual([1, 1, 5, 6]);
      expect(await values(new nn.ConstantPad1d([1, 0], 3.5)(torch.zeros([1, 1]).to(device)))).toEqual([
        3.5, 0,
      ]);
      expect(new nn.ReflectionPad2d(2).toString()).toBe('ReflectionPad2d((2, 2, 2, 2))');
    });

    it('F.interpolate modes match PyTorch', async () => {
      await close(
        F.interpolate(img, { scaleFactor: 2, mode: 'bicubic', alignCorners: false }),
        ref('bicubic'),
      );
      await close(
        F.interpolate(img, { size: [4, 5], mode: 'bicubic', alignCorners: true }),
        ref('bicubic_ac'),
      );
      await close(
        F.interpolate(arange(8, [1, 1, 2, 2, 2], device), {
          size: 3,
          mode: 'trilinear',
          alignCorners: false,
        }),
        ref('trilinear'),
      );
      await close(F.interpolate(s, { size: 7, mode: 'linear', alignCorners: true }), ref('linear_ac'));
      await close(F.interpolate(s, { size: 3, mode: 'area' }), ref('area'));
      await close(F.interpolate(s, { size: 3, mode: 'nearest-exact' }), ref('nearest_exact'));
      await close(new nn.Upsample({ size: 3, mode: 'area' })(s), ref('area'));
      expect(() => F.interpolate(s, { size: 3, mode: 'bilinear' })).toThrow(
        /Got 3D input, but bilinear mode needs 4D input/,
      );
      expect(() => F.interpolate(s, { size: 3, mode: 'area', alignCorners: true })).toThrow(
        /align_corners option/,
      );
    });

    it('conv_transpose1d / 3d match PyTorch; modules', async () => {
      const w = torch.cos(torch.arange(48).float()).reshape([2, 3, 2, 2, 2]).to(device);
      const x = torch.sin(torch.arange(16).float()).reshape([1, 2, 2, 2, 2]).to(device);
      await close(F.convTranspose3d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }), ref('convt3d'));
      const w1 = torch.cos(torch.arange(18).float()).reshape([2, 3, 3]).to(device);
      const x1 = torch.sin(torch.arange(8).float()).reshape([1, 2, 4]).to(device);
      await close(F.convTranspose1d(x1, w1, null, { stride: 2, padding: 1, dilation: 2 }), ref('convt1d'));
      const m = new nn.ConvTranspose3d(2, 4, 3, { stride: 2 }).to(device);
      expect(m(x).shape).toEqual([1, 4, 5, 5, 5]);
      expect(new nn.ConvTranspose1d(2, 3, 3, { stride: 2 }).to(device)(x1).shape).toEqual([1, 3, 9]);
    });

    it('conv3d matches PyTorch (stride, padding, dilation, groups, same); nn.Conv3d', async () => {
      // PyTorch 1.13: x = sin(arange(192)).reshape(2,2,3,4,4), w = cos(arange(48)).reshape(4,1,2,3,2),
      // b = [0.1,-0.2,0.3,0.4]; F.conv3d(x, w, b, stride=[1,2,1], padding=[1,0,1], dilation=[1,1,2],
      // groups=2), and the first 20 values of F.conv3d(x, w, None, padding='same', groups=2).
      const want = [
        1.60992, 0.31767, 0.20505, 1.47021, 0.13319, 0.17769, 0.16778, 0.12154, 0.05421, 0.01677, 0.04914,
        0.08817, 1.23236, 0.30959, 0.04996, 1.10483, 0.93761, -0.15621, -0.13528, 0.8304, -0.1596, -0.11983,
        -0.17056, -0.21194, -0.24597, -0.27203, -0.20621, -0.17841, 1.2399, -0.07669, -0.18417, 1.16471,
        -0.97185, 0.3173, 0.164, -1.04915, 0.28215, 0.30805, 0.3731, 0.34894, 0.30827, 0.26877, 0.21924,
        0.25702, -0.91629, 0.23014, 0.21165, -1.0251, -0.35427, 0.49471, 0.20385, -0.48285, 0.41518, 0.45225,
        0.48355, 0.44785, 0.37483, 0.33104, 0.32242, 0.36459, -0.97825, 0.31466, 0.15625, -1.11829, -0.02996,
        0.04604, -0.10704, 0.01483, 0.14186, 0.11614, 0.03976, 0.06605, 0.07184, 0.10814, 0.17435, 0.13703,
        -1.13216, -0.12868, -0.16757, -1.04972, 0.44487, -0.15991, -0.22199, 0.55447, -0.18239, -0.23068,
        -0.28043, -0.23254, -0.20411, -0.14877, -0.11861, -0.17405, -0.77636, -0.28162, -0.33699, -0.64534,
        0.01207, 0.12699, 0.21843, -0.09012, 0.33338, 0.37891, 0.32356, 0.27791, 0.26457, 0.23096, 0.30008,
        0.33431, 1.18415, 0.25345, 0.3418, 1.1154, -0.65257, 0.09382, 0.20081, -0.68658, 0.43358, 0.45523,
        0.37662, 0.35579, 0.37406, 0.36532, 0.44561, 0.45401, 0.47979, 0.18437, 0.38979, 0.4879,
      ];
      const wantSame = [
        -0.45486, -0.58076, -0.17272, 0.20007, 0.05202, 0.09622, 0.05196, -0.01408, -0.09527, -0.06287,
        0.02733, 0.03542, 0.61531, 0.40724, -0.17525, -0.29353, 0.55022, 0.5079, -0.00137, -0.25564,
      ];
      const x = torch.sin(torch.arange(192).float()).reshape([2, 2, 3, 4, 4]).to(device);
      const w = torch.cos(torch.arange(48).float()).reshape([4, 1, 2, 3, 2]).to(device);
      const b = torch.tensor([0.1, -0.2, 0.3, 0.4]).to(device);
      const opts = { stride: [1, 2, 1], padding: [1, 0, 1], dilation: [1, 1, 2], groups: 2 };
      await close(F.conv3d(x, w, b, opts), want);
      const same = await values(F.conv3d(x, w, null, { padding: 'same', groups: 2 }));
      expect(same.length).toBe(2 * 4 * 3 * 4 * 4);
      await close(torch.tensor(same.slice(0, 20)), wantSame);
      expect(new nn.Conv3d(2, 4, 3, { padding: 1 }).to(device)(x).shape).toEqual([2, 4, 3, 4, 4]);
    });
    it('conv3d gradcheck', () =>
      expectGradcheck(
        (x, w, b) => F.conv3d(x, w, b, { stride: 2, padding: 1 }),
        [leaf([1, 2, 3, 3, 3], device, 21), leaf([2, 2, 2, 2, 2], device, 22), leaf([2], device, 23)],
      ));

    it('max_unpool2d places the maxima back; nn.MaxUnpool2d', async () => {
      const p = torch
        .tensor([
          [
            [
              [1, 5, 2, 0],
              [3, 4, 8, 1],
              [0, 2, 1, 7],
              [6, 1, 3, 2],
            ],
          ],
        ])
        .to(device);
      const [y, i] = F.maxPool2d(p, 2, { returnIndices: true });
      await close(F.maxUnpool2d(y, i, 2), ref('unpool2d'));
      await close(new nn.MaxUnpool2d(2)(y, i), ref('unpool2d'));
      expect(F.maxUnpool2d(y, i, 2, { outputSize: [5, 5] }).shape).toEqual([1, 1, 5, 5]);
    });

    it('multilabel_margin_loss matches PyTorch; nn.MultiLabelMarginLoss', async () => {
      const x = torch.tensor([[0.1, 0.2, 0.4, 0.8]]).to(device);
      const t = torch.tensor([[3, 0, -1, 1]]).to(device);
      await close(F.multilabelMarginLoss(x, t), [REF.mlml as number]);
      await close(new nn.MultiLabelMarginLoss()(x, t), [REF.mlml as number]);
    });

    it('grid_sample (every padding mode, align_corners) and affine_grid match PyTorch', async () => {
      const g = torch
        .tensor([
          [
            [
              [-1, -1],
              [0.3, -0.2],
            ],
            [
              [0.9, 1.2],
              [1.5, -1.4],
            ],
          ],
        ])
        .to(device);
      for (const pm of ['zeros', 'border', 'reflection'] as const)
        for (const ac of [false, true])
          await close(
            F.gridSample(img, g, { mode: 'bilinear', paddingMode: pm, alignCorners: ac }),
            ref(`grid_${pm}_${ac ? 'True' : 'False'}`),
          );
      await close(F.gridSample(img, g, { mode: 'nearest', alignCorners: false }), ref('grid_nearest'));
      const th = torch
        .tensor([
          [
            [0.8, -0.3, 0.1],
            [0.2, 1.1, -0.4],
          ],
        ])
        .to(device);
      await close(F.affineGrid(th, [1, 1, 2, 3], { alignCorners: false }), ref('affine'));
    });

    it('ctc_loss and its gradient match PyTorch; nn.CTCLoss', async () => {
      const lp = torch
        .sin(torch.arange(40).float().mul(0.7))
        .reshape([5, 2, 4])
        .logSoftmax(2)
        .to(device)
        .detach()
        .requiresGrad_(true);
      const tg = torch
        .tensor([
          [1, 2],
          [3, 3],
        ])
        .to(device);
      const loss = F.ctcLoss(lp, tg, [5, 4], [2, 2], { reduction: 'none' });
      await close(loss, ref('ctc'));
      loss.sum().backward();
      await close(lp.grad!, ref('ctc_grad'));
      await close(new nn.CTCLoss({ reduction: 'sum' })(lp, tg, [5, 4], [2, 2]), [
        ref('ctc')[0] + ref('ctc')[1],
      ]);
      // Concatenated 1-d targets and tensor lengths give the same losses.
      const flat = F.ctcLoss(
        lp,
        torch.tensor([1, 2, 3, 3]).to(device),
        torch.tensor([5, 4]).to(device),
        torch.tensor([2, 2]).to(device),
        { reduction: 'none' },
      );
      await close(flat, ref('ctc'));
    });

    it('feature_alpha_dropout: identity in eval or p=0, whole channels otherwise', async () => {
      const x = leaf([4, 6, 3], device, 5).detach();
      expect(F.featureAlphaDropout(x, 0.5)).toBe(x);
      const y = F.featureAlphaDropout(x, 0.5, true);
      const d = await values(y.sub(x).abs().sum(-1).reshape([24]));
      const v = await values(y.reshape([24, 3]));
      // a dropped channel is one constant (a*alpha' + b) over its whole plane
      for (let c = 0; c < 24; c++)
        if (v[3 * c] === v[3 * c + 1] && v[3 * c] === v[3 * c + 2]) expect(d[c]).toBeGreaterThan(0);
      expect(new nn.FeatureAlphaDropout(0.2).eval()(x)).toBe(x);
    });

    it('empty inputs: group_norm, batch_norm (as ATen: a copy); stride=[] means the kernel size', async () => {
      expect(F.groupNorm(torch.zeros([0, 4, 2]).to(device), 2).shape).toEqual([0, 4, 2]);
      const w = torch.ones([3]).to(device).requiresGrad_(true);
      const y = F.batchNorm(torch.zeros([0, 3]).to(device), null, null, w, null, true);
      expect(y.shape).toEqual([0, 3]);
      y.sum().backward();
      expect(await values(w.grad!)).toEqual([0, 0, 0]);
      expect(F.batchNorm(torch.zeros([0]).to(device), null, null).shape).toEqual([0]);
      const x = arange(16, [1, 1, 4, 4], device);
      expect(await values(F.avgPool2d(x, [2, 2], []))).toEqual(await values(F.avgPool2d(x, 2)));
    });

    describe('gradcheck', () => {
      it('pad reflect / circular', () =>
        expectGradcheck(
          (x) => F.pad(x, [2, 1, 1, 1], 'reflect').mul(F.pad(x, [2, 1, 1, 1], 'circular')),
          [leaf([1, 2, 3, 4], device, 11)],
        ));
      it('interpolate bicubic and trilinear', async () => {
        await expectGradcheck(
          (x) => F.interpolate(x, { scaleFactor: 1.7, mode: 'bicubic' }),
          [leaf([1, 2, 3, 3], device, 12)],
        );
        await expectGradcheck(
          (x) => F.interpolate(x, { size: [3, 2, 3], mode: 'trilinear', alignCorners: true }),
          [leaf([1, 1, 2, 3, 2], device, 13)],
        );
      });
      it('conv_transpose3d (input, weight, bias)', () =>
        expectGradcheck(
          (x, w, b) => F.convTranspose3d(x, w, b, { stride: [2, 1, 1], padding: 1, groups: 2 }),
          [leaf([1, 2, 2, 2, 2], device, 14), leaf([2, 1, 2, 2, 2], device, 15), leaf([2], device, 16)],
        ));
      // Hand-picked points: no coordinate near a pixel boundary, no hinge near its kink.
      it('grid_sample bilinear (input and grid)', () => {
        const g = torch
          .tensor([0.13, -0.41, 0.57, 0.22, -0.66, 0.35, 0.71, -0.18])
          .reshape([1, 2, 2, 2])
          .to(device)
          .requiresGrad_(true);
        return expectGradcheck(
          (x, gg) => F.gridSample(x, gg, { paddingMode: 'zeros', alignCorners: false }),
          [leaf([1, 2, 3, 3], device, 17), g],
        );
      });
      it('multilabel_margin_loss', () => {
        const x = torch
          .tensor([
            [0.1, 0.9, -0.7, 0.35],
            [1.3, -0.2, 0.45, -1.1],
          ])
          .to(device)
          .requiresGrad_(true);
        const t = torch
          .tensor([
            [2, 0, -1, 1],
            [1, -1, 0, 0],
          ])
          .to(device);
        return expectGradcheck((xx) => F.multilabelMarginLoss(xx, t, { reduction: 'none' }), [x]);
      });
    });
  });
