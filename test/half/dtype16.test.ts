/**
 * float16 / bfloat16 core: the 16-bit rounding of stores against PyTorch 1.13
 * (test/fixtures/dtypes/promotion.json `round16`, made by gen.py there), casts, methods, item/tolist.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { roundHalf } from '../../src/tensor/dtype.js';

const fx = JSON.parse(
  readFileSync(new URL('../fixtures/dtypes/promotion.json', import.meta.url), 'utf8'),
) as { round16: { in: number[]; float16: (number | string)[]; bfloat16: (number | string)[] } };

const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

describe('float16 / bfloat16 storage', () => {
  for (const d of ['float16', 'bfloat16'] as const) {
    it(`${d}: torch.tensor rounds to nearest even as PyTorch (overflow to inf, subnormals)`, () => {
      const want = fx.round16[d].map(num);
      const t = torch.tensor(fx.round16.in, { dtype: d });
      expect(t.dtype).toBe(d);
      expect(t.tolistSync()).toEqual(want);
      expect(fx.round16.in.map((x) => roundHalf(d, x))).toEqual(want);
      expect(Object.is(t.toArraySync()[17], -0)).toBe(true);
      expect(torch.tensor([0.1], { dtype: d }).itemSync()).toBe(want[0]);
    });
    it(`${d}: casts from float32 round, to float32 are exact; elementwise rounds on store`, () => {
      const f = torch.tensor(fx.round16.in);
      const h = d === 'float16' ? f.half() : f.bfloat16();
      expect(h.dtype).toBe(d);
      expect(h.tolistSync()).toEqual(fx.round16[d].map(num));
      expect(f.to(d).tolistSync()).toEqual(h.tolistSync());
      expect(h.float().dtype).toBe('float32');
      expect(h.float().tolistSync()).toEqual(h.tolistSync());
      // 1 + 2^-11 (float16) / 1 + 2^-8 (bfloat16) is a tie: rounds to 1.
      const one = torch.ones([1], { dtype: d });
      const tie = d === 'float16' ? 2 ** -11 : 2 ** -8;
      expect(one.add(tie).itemSync()).toBe(1);
      expect(one.add(tie * 3).itemSync()).toBe(1 + tie * 4);
      expect(one.add(tie).dtype).toBe(d);
      // integer tensors promote to the 16-bit dtype; float32 wins over it; f16 x bf16 -> f32
      expect(torch.tensor([1, 2]).add(one).dtype).toBe(d);
      expect(torch.tensor([1.5]).add(one).dtype).toBe('float32');
      expect(torch.ones([1], { dtype: 'float16' }).add(torch.ones([1], { dtype: 'bfloat16' })).dtype).toBe(
        'float32',
      );
    });
  }

  it('half is float16; torch.float16/half/bfloat16 constants', () => {
    expect(torch.float16).toBe('float16');
    expect(torch.half).toBe('float16');
    expect(torch.bfloat16).toBe('bfloat16');
    expect(torch.zeros([2], { dtype: 'half' }).dtype).toBe('float16');
    expect(torch.zeros([2]).type()).toBe('torch.FloatTensor');
    expect(torch.zeros([2]).half().type()).toBe('torch.HalfTensor');
    expect(torch.zeros([2]).bfloat16().type()).toBe('torch.BFloat16Tensor');
    expect(() => (torch.zeros([2]) as unknown as { half(a: number): unknown }).half(1)).toThrow(TypeError);
  });
});
