/** Creation ops on every device: values, dtypes, options, and seeded random draws. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { values } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`creation on ${device}`, () => {
    it('zeros, ones, full, empty and their Like forms', async () => {
      const z = torch.zeros([2, 3], { device });
      expect([z.shape, z.dtype, z.device.type]).toEqual([[2, 3], 'float32', device]);
      expect(await values(z)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await values(torch.ones(3, { device, dtype: 'int32' }))).toEqual([1, 1, 1]);
      expect(torch.ones(3, { device, dtype: 'int32' }).dtype).toBe('int32');
      expect(await torch.full([2], true, { device }).tolist()).toEqual([true, true]);
      expect(await values(torch.full([2, 2], -2.5, { device }))).toEqual([-2.5, -2.5, -2.5, -2.5]);
      expect(torch.empty([4, 0], { device }).numel()).toBe(0);
      const like = torch.onesLike(torch.zeros([2, 1], { device, dtype: 'int32' }));
      expect([like.shape, like.dtype, like.device.type]).toEqual([[2, 1], 'int32', device]);
      expect(await values(torch.fullLike(z, 4))).toEqual([4, 4, 4, 4, 4, 4]);
      expect(torch.zerosLike(z, { requiresGrad: true }).requiresGrad).toBe(true);
    });
    it('arange and linspace like PyTorch', async () => {
      expect(await values(torch.arange(5, { device }))).toEqual([0, 1, 2, 3, 4]);
      expect(torch.arange(5, { device }).dtype).toBe('int64');
      expect(await values(torch.arange(1, 2, 0.25, { device }))).toEqual([1, 1.25, 1.5, 1.75]);
      expect(torch.arange(1, 2, 0.25).dtype).toBe('float32');
      expect(await values(torch.arange(5, 0, -2, { device }))).toEqual([5, 3, 1]);
      expect(await values(torch.linspace(0, 1, 5, { device }))).toEqual([0, 0.25, 0.5, 0.75, 1]);
      expect(await values(torch.linspace(-1, 1, 1, { device }))).toEqual([-1]);
      expect(() => torch.arange(0, 5, -1)).toThrow(
        /upper bound and larger bound inconsistent with step sign/,
      );
      expect(() => torch.arange(0, 5, 0)).toThrow(/step must be nonzero/);
    });
    it('eye and tensor(), with the int64 range check', async () => {
      expect(await torch.eye(2, 3, { device }).tolist()).toEqual([
        [1, 0, 0],
        [0, 1, 0],
      ]);
      const t = torch.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { device, dtype: 'int64' },
      );
      expect([t.dtype, t.shape]).toEqual(['int64', [2, 2]]);
      expect(() => torch.tensor([2 ** 31], { dtype: 'int64', device })).toThrow(
        /2147483648 does not fit int32/,
      );
      expect(() => torch.tensor([-(2 ** 31) - 1], { dtype: 'int64' })).toThrow(/does not fit int32/);
      expect(await values(torch.tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: 'int64', device }))).toEqual([
        -(2 ** 31),
        2 ** 31 - 1,
      ]);
      expect(() => torch.fromArray(new BigInt64Array([1n, 1n << 40n]))).toThrow(
        /1099511627776 does not fit int32/,
      );
      expect(await values(torch.fromArray(new BigInt64Array([7n, -3n]), [2], { device }))).toEqual([7, -3]);
      expect(() => torch.zeros([2, -1])).toThrow(/negative dimension -1/);
      expect(() => torch.tensor([[1, 2], [3]])).toThrow(/expected sequence of length 2 at dim 1/);
    });
    it('rand, randn, randint: seeded, in range, same stream on every device', async () => {
      const draw = (d: string) => torch.rand([1000], { device: d, generator: new torch.Generator(42) });
      const u = await values(draw(device));
      expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(Math.abs(u.reduce((a, b) => a + b) / u.length - 0.5)).toBeLessThan(0.05);
      expect(u).toEqual(await values(draw('cpu'))); // counter-based: identical CPU and GPU streams
      const n = await values(torch.randn([4000], { device, generator: new torch.Generator(1) }));
      const mean = n.reduce((a, b) => a + b) / n.length;
      const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
      expect(Math.abs(mean)).toBeLessThan(0.06);
      expect(Math.abs(sd - 1)).toBeLessThan(0.05);
      const r = torch.randint(-3, 4, [2000], { device, generator: new torch.Generator(3) });
      expect(r.dtype).toBe('int64');
      const rv = await values(r);
      expect(Math.min(...rv)).toBe(-3);
      expect(Math.max(...rv)).toBe(3);
      expect(() => torch.randint(3, 3, [2])).toThrow(/'from' to be less than 'to'/);
    });
  });

describe('tensor() rejects what is not a number', () => {
  it('null and strings raise a TypeError naming the value (PyTorch: must be real number)', () => {
    expect(() => torch.tensor([1, null] as unknown as number[])).toThrow(TypeError);
    expect(() => torch.tensor([1, null] as unknown as number[])).toThrow(/must be real number, not null/);
    expect(() => torch.tensor(['a'] as unknown as number[])).toThrow(/must be real number, not string "a"/);
    expect(() => torch.tensor([[1], [undefined]] as unknown as number[][])).toThrow(TypeError);
    // control: numbers, booleans and bigints still make tensors
    expect(torch.tensor([1, 2]).toArraySync()).toEqual(Int32Array.from([1, 2]));
    expect(torch.tensor([true, false]).dtype).toBe('bool');
  });
});
