/** The Tensor data structure: metadata, reads (async and sync), printing, casts, in place. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

describe('reading values', () => {
  it('item, tolist, toArray are async; CPU tensors also read synchronously', async () => {
    const x = torch.tensor([
      [1.5, 2],
      [3, 4],
    ]);
    const p = x.toArray();
    expect(p).toBeInstanceOf(Promise);
    expect(Array.from(await p)).toEqual([1.5, 2, 3, 4]);
    expect(await x.tolist()).toEqual([
      [1.5, 2],
      [3, 4],
    ]);
    expect(await x.sum().item()).toBe(10.5);
    expect(x.toArraySync()).toBeInstanceOf(Float32Array);
    expect(x.tolistSync()).toEqual(await x.tolist());
    expect(torch.tensor([true, false]).tolistSync()).toEqual([true, false]);
    expect(torch.tensor(7).itemSync()).toBe(7);
    await expect(x.item()).rejects.toThrow(/a Tensor with 4 elements cannot be converted to Scalar/);
    // Reads of a strided view give its logical (row-major) order.
    expect(Array.from(x.t().toArraySync())).toEqual([1.5, 3, 2, 4]);
  });
  it('metadata like PyTorch', () => {
    const x = torch.zeros([2, 3, 4]);
    expect([x.dim(), x.ndim, x.numel(), x.size(), x.size(-1), x.stride(), x.isContiguous()]).toEqual([
      3,
      3,
      24,
      [2, 3, 4],
      4,
      [12, 4, 1],
      true,
    ]);
    expect(x.transpose(0, 2).isContiguous()).toBe(false);
    expect(() => x.size(3)).toThrow(
      /Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/,
    );
  });
});

describe('toString prints like PyTorch', () => {
  const cases: [string, () => torch.Tensor, string][] = [
    [
      'float matrix',
      () =>
        torch.tensor([
          [1.5, 2],
          [3, 4],
        ]),
      'tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])',
    ],
    ['integral floats', () => torch.tensor([1, 2], { dtype: 'float32' }), 'tensor([1., 2.])'],
    ['ints', () => torch.arange(5), 'tensor([0, 1, 2, 3, 4])'],
    ['bools', () => torch.tensor([true, false]), 'tensor([ True, False])'],
    ['scalar', () => torch.tensor(3.25), 'tensor(3.2500)'],
    ['negative padding', () => torch.tensor([-1.5, 2, 3]), 'tensor([-1.5000,  2.0000,  3.0000])'],
    ['scientific', () => torch.tensor([1e-5, 1, 1000]), 'tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])'],
    [
      'non-finite',
      () => torch.tensor([Number.NaN, Number.POSITIVE_INFINITY, -1.5]),
      'tensor([    nan,     inf, -1.5000])',
    ],
    [
      '3-d',
      () => torch.arange(8).reshape([2, 2, 2]),
      'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])',
    ],
    ['empty 1-d', () => torch.zeros([0]), 'tensor([])'],
    ['empty 2-d', () => torch.zeros([2, 0]), 'tensor([], size=(2, 0))'],
    ['summarised', () => torch.arange(2000), 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])'],
    [
      'summarised rows',
      () => torch.ones([100, 100]),
      'tensor([[1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.],\n        ...,\n        [1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.]])',
    ],
    ['requires grad', () => torch.ones([2], { requiresGrad: true }), 'tensor([1., 1.], requires_grad=True)'],
    [
      'grad_fn',
      () => torch.ones([2], { requiresGrad: true }).mul(2),
      'tensor([2., 2.], grad_fn=<MulBackward0>)',
    ],
  ];
  for (const [name, make, want] of cases) it(name, () => expect(make().toString()).toBe(want));
});

describe('casts and in-place ops', () => {
  it('to(dtype), float/int/bool/type', async () => {
    const x = torch.tensor([-1.7, 0, 2.5]);
    expect(await x.int().tolist()).toEqual([-1, 0, 2]);
    expect(await x.bool().tolist()).toEqual([true, false, true]);
    expect(x.to('int64').dtype).toBe('int64');
    expect(x.long().float().dtype).toBe('float32');
    expect(x.type()).toBe('torch.FloatTensor');
    expect(x.to({ dtype: 'bool' }).dtype).toBe('bool');
  });
  it('in-place ops bump the version and write through views', async () => {
    const x = torch.zeros([2, 3]);
    const v0 = x.version;
    x.add_(1).mul_(3);
    x.select(0, 1).fill_(-1);
    expect(x.version).toBeGreaterThan(v0);
    expect(await x.tolist()).toEqual([
      [3, 3, 3],
      [-1, -1, -1],
    ]);
    x.clamp_(0, 2).zero_();
    expect(await x.sum().item()).toBe(0);
    x.copy_(torch.tensor([1, 2, 3], { dtype: 'float32' }));
    expect(await x.tolist()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
  it('dispose frees once; use after dispose is an error', () => {
    const x = torch.ones([3]);
    x.dispose();
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(() => x.toArraySync()).toThrow(/used after dispose/);
  });
});
