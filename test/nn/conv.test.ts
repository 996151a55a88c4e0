/**
 * The layers: Conv1d/Conv2d/ConvTranspose2d, BatchNorm1d/2d, LayerNorm, GroupNorm, pooling,
 * Upsample, Dropout2d: shapes, PyTorch's default init and repr, BatchNorm's state dict (PyTorch's
 * key names, num_batches_tracked), train/eval behaviour, module errors, and the CLI's CNN.
 */
import { describe, expect, it } from 'vitest';
import { CNN, MODELS, modelDefaults } from '../../src/cli/models.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;

describe('convolution layers', () => {
  it('Conv2d: weight [out, in/groups, kh, kw], kaiming-uniform bounds, shapes, repr', async () => {
    const c = new nn.Conv2d(4, 6, [3, 2], { stride: 2, padding: 1, groups: 2 });
    expect(c.weight.shape).toEqual([6, 2, 3, 2]);
    expect(c.bias!.shape).toEqual([6]);
    const bound = 1 / Math.sqrt(2 * 3 * 2); // kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fanIn), 1/sqrt(fanIn))
    for (const v of await c.weight.toArray()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    for (const v of await c.bias!.toArray()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(c(torch.randn([2, 4, 9, 8])).shape).toEqual([2, 6, 5, 5]);
    expect(String(c)).toBe('Conv2d(4, 6, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), groups=2)');
    expect(String(new nn.Conv2d(1, 16, 3, { padding: 'same', bias: false, dilation: 2 }))).toBe(
      'Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), bias=False)',
    );
    expect(Object.keys(c.stateDict())).toEqual(['weight', 'bias']);
  });
  it('Conv1d and ConvTranspose2d', () => {
    const c1 = new nn.Conv1d(3, 5, 4, { stride: 2 });
    expect(c1.weight.shape).toEqual([5, 3, 4]);
    expect(c1(torch.randn([2, 3, 10])).shape).toEqual([2, 5, 4]);
    expect(String(c1)).toBe('Conv1d(3, 5, kernel_size=(4,), stride=(2,))');
    const t = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    expect(t.weight.shape).toEqual([4, 3, 3, 3]);
    expect(t(torch.randn([1, 4, 5, 5])).shape).toEqual([1, 6, 10, 10]);
    expect(String(t)).toBe(
      'ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)',
    );
  });
  it('module errors', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow('out_channels must be divisible by groups');
    expect(() => new nn.Conv2d(4, 4, 3, { padding: 'same', stride: 2 })).toThrow(
      "padding='same' is not supported for strided convolutions",
    );
    expect(() => new nn.Conv2d(1, 4, 3)(torch.randn([2, 3, 8, 8]))).toThrow(
      'to have 1 channels, but got 3 channels',
    );
  });
});

describe('BatchNorm', () => {
  it("state dict with PyTorch's names; num_batches_tracked counts training steps", async () => {
    const bn = new nn.BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(bn.numBatchesTracked!.dtype).toBe('int64');
    expect(bn.runningMean).toBe(bn.running_mean);
    const x = torch
      .randn([4, 3, 5, 5], { generator: new torch.Generator(1) })
      .mul(2)
      .add(1);
    bn(x);
    bn(x);
    expect(await bn.numBatchesTracked!.item()).toBe(2);
    const m = await x.mean([0, 2, 3]).toArray();
    const rm = await bn.runningMean!.toArray();
    for (let c = 0; c < 3; c++) expect(rm[c]).toBeCloseTo(m[c] * (1 - 0.9 * 0.9), 5);
    expect(String(bn)).toBe('BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });
  it('eval mode normalises with the running stats and leaves them alone', async () => {
    const bn = new nn.BatchNorm1d(2);
    bn.running_mean!.copy_(torch.tensor([1, -1], { dtype: 'float32' }));
    bn.running_var!.copy_(torch.tensor([4, 0.25], { dtype: 'float32' }));
    bn.eval();
    const y = await bn(torch.tensor([[3, 0]], { dtype: 'float32' })).toArray(); // one sample is fine in eval
    expect(y[0]).toBeCloseTo(1, 4);
    expect(y[1]).toBeCloseTo(2, 4);
    expect(await bn.numBatchesTracked!.item()).toBe(0);
    bn.train();
    expect(() => bn(torch.tensor([[3, 0]], { dtype: 'float32' }))).toThrow(
      'Expected more than 1 value per channel when training, got input size torch.Size([1, 2])',
    );
  });
  it('momentum null: cumulative moving average; no affine, no running stats; input rank checks', async () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null });
    const g = new torch.Generator(2);
    const a = torch.randn([8, 2], { generator: g });
    const b = torch.randn([8, 2], { generator: g }).add(3);
    bn(a);
    bn(b);
    const want = await a.mean(0).add(b.mean(0)).div(2).toArray();
    const got = await bn.runningMean!.toArray();
    for (let i = 0; i < 2; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    const plain = new nn.BatchNorm2d(2, { affine: false, trackRunningStats: false });
    expect(Object.keys(plain.stateDict())).toEqual([]);
    plain.eval();
    expect(plain(torch.randn([3, 2, 2, 2])).shape).toEqual([3, 2, 2, 2]); // batch stats, even in eval
    expect(() => new nn.BatchNorm2d(2)(torch.randn([3, 2, 4]))).toThrow('expected 4D input (got 3D input)');
    expect(() => new nn.BatchNorm1d(2)(torch.randn([3, 2, 4, 4]))).toThrow(
      'expected 2D or 3D input (got 4D input)',
    );
  });
  it('loads a PyTorch state dict (int64 num_batches_tracked as int32)', async () => {
    const bn = new nn.BatchNorm2d(2);
    bn.loadStateDict({
      weight: torch.tensor([1, 2], { dtype: 'float32' }),
      bias: torch.tensor([0, 1], { dtype: 'float32' }),
      running_mean: torch.tensor([0.5, 0.25], { dtype: 'float32' }),
      running_var: torch.tensor([1, 2], { dtype: 'float32' }),
      num_batches_tracked: torch.tensor(7),
    });
    expect(await bn.numBatchesTracked!.item()).toBe(7);
    expect(Array.from(await bn.runningVar!.toArray())).toEqual([1, 2]);
  });
});

describe('LayerNorm, GroupNorm, pooling, Upsample, Dropout2d', () => {
  it('LayerNorm and GroupNorm parameters and repr', () => {
    const ln = new nn.LayerNorm([3, 4]);
    expect(ln.weight!.shape).toEqual([3, 4]);
    expect(String(ln)).toBe('LayerNorm((3, 4), eps=1e-05, elementwise_affine=True)');
    expect(ln(torch.randn([2, 3, 4])).shape).toEqual([2, 3, 4]);
    const gn = new nn.GroupNorm(2, 6);
    expect(String(gn)).toBe('GroupNorm(2, 6, eps=1e-05, affine=True)');
    expect(gn(torch.randn([2, 6, 3])).shape).toEqual([2, 6, 3]);
    expect(() => new nn.GroupNorm(4, 6)).toThrow('num_channels must be divisible by num_groups');
  });
  it('MaxPool2d (returnIndices), AvgPool2d, AdaptiveAvgPool2d', () => {
    const x = torch.randn([2, 3, 8, 8]);
    const mp = new nn.MaxPool2d(2);
    expect(String(mp)).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect((mp(x) as torch.Tensor).shape).toEqual([2, 3, 4, 4]);
    const [v, i] = new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true })(x) as torch.Tensor[];
    expect(v.shape).toEqual([2, 3, 4, 4]);
    expect(i.dtype).toBe('int64');
    expect(new nn.AvgPool2d(2, { stride: 1 })(x).shape).toEqual([2, 3, 7, 7]);
    expect(String(new nn.AvgPool2d(2))).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(new nn.AdaptiveAvgPool2d([3, null])(x).shape).toEqual([2, 3, 3, 8]);
    expect(String(new nn.AdaptiveAvgPool2d(1))).toBe('AdaptiveAvgPool2d(output_size=1)');
  });
  it('Upsample and Dropout2d', () => {
    const up = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' });
    expect(up(torch.randn([1, 2, 3, 4])).shape).toEqual([1, 2, 6, 8]);
    expect(String(up)).toBe("Upsample(scale_factor=2.0, mode='bilinear')");
    const d = new nn.Dropout2d(0.3);
    expect(String(d)).toBe('Dropout2d(p=0.3, inplace=False)');
    const x = torch.ones([2, 4, 3, 3]);
    d.eval();
    expect(d(x)).toBe(x);
  });
});

describe('the CLI model `cnn`', () => {
  it('is the issue CNN: 20,490 parameters, flat [B, 784] rows in, [B, 10] out', () => {
    const m = new CNN();
    expect(m.parameters().reduce((a, p) => a + p.numel(), 0)).toBe(
      16 * 9 + 16 + 32 * 16 * 9 + 32 + 1568 * 10 + 10,
    );
    expect(Object.keys(m.stateDict())).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc.weight',
      'fc.bias',
    ]);
    expect(m(torch.randn([3, 784])).shape).toEqual([3, 10]);
    expect(Object.keys(MODELS)).toContain('cnn');
    expect(modelDefaults('cnn')).toEqual({ lr: 0.05, momentum: 0.9 });
    expect(modelDefaults('simplenet')).toEqual({});
  });
});

for (const device of testDevices())
  describe(`layers on ${device}`, () => {
    it('a Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d block trains a step and keeps its buffers on the device', async () => {
      const conv = new nn.Conv2d(2, 4, 3, { padding: 1 }).to(device);
      const bn = new nn.BatchNorm2d(4).to(device);
      const x = torch.randn([4, 2, 6, 6], { generator: new torch.Generator(5) }).to(device);
      const y = (new nn.MaxPool2d(2)(torch.relu(bn(conv(x)))) as torch.Tensor).sum();
      y.backward();
      expect(conv.weight.grad!.device.type).toBe(device);
      expect(bn.runningMean!.device.type).toBe(device);
      expect(await bn.numBatchesTracked!.item()).toBe(1);
      expect(Number.isFinite(await conv.weight.grad!.abs().sum().item())).toBe(true);
    });
  });
