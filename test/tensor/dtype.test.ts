/**
 * dtypes against PyTorch 1.13 (test/fixtures/dtypes/promotion.json, made by gen.py there):
 * promote_types for every pair, result_type for tensor / 0-d / scalar mixes, integer
 * arithmetic (wrapping per width, true and floor division, bitwise ops), iinfo/finfo; float64
 * values and gradients on the CPU; WebGPU refusing float64.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import * as torch from '../../src/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { webgpuAvailable } from '../helpers/devices.js';

interface IntCase {
  a: number[];
  b: number[];
  [k: string]: unknown;
}
const fx = JSON.parse(
  readFileSync(new URL('../fixtures/dtypes/promotion.json', import.meta.url), 'utf8'),
) as {
  promote: Record<string, string>;
  result_type: Record<string, string>;
  ints: Record<string, IntCase>;
  info: Record<string, Record<string, number | string>>;
};

const vals = async (t: torch.Tensor) => Array.from(await t.toArray());

describe('promotion (PyTorch 1.13 tables)', () => {
  it('promote_types for every pair', () => {
    const keys = Object.keys(fx.promote);
    expect(keys.length).toBe(100);
    for (const k of keys) {
      const [a, b] = k.split('|') as [DType, DType];
      expect(torch.promoteTypes(a, b), k).toBe(fx.promote[k]);
    }
  });

  it('result_type: dimensioned tensors, 0-d tensors and Python scalars', () => {
    const scalar: Record<string, number | boolean> = { int: 3, float: 2.5, bool: true };
    const make = (s: string, first: boolean) =>
      s.startsWith('0d:')
        ? torch.zeros([], { dtype: s.slice(3) as DType })
        : !first && s in scalar
          ? scalar[s]
          : torch.zeros([2], { dtype: s as DType });
    for (const [k, want] of Object.entries(fx.result_type)) {
      const [a, b] = k.split('|');
      const [x, y] = [make(a, true) as torch.Tensor, make(b, false)];
      expect(torch.resultType(x, y), k).toBe(want);
      // and an op really produces that dtype
      if (want !== 'bool') expect(torch.add(x, y).dtype, `add ${k}`).toBe(want);
    }
  });
});

describe('integer semantics (PyTorch 1.13 samples)', () => {
  for (const [d, c] of Object.entries(fx.ints)) {
    it(`${d}: wrapping arithmetic, division, bitwise ops`, async () => {
      const a = torch.tensor(c.a, { dtype: d as DType });
      const b = torch.tensor(c.b, { dtype: d as DType });
      expect(a.dtype).toBe(d);
      expect(await vals(a.add(b)), 'add').toEqual(c.add);
      expect(await vals(a.sub(b)), 'sub').toEqual(c.sub);
      expect(await vals(a.mul(b)), 'mul').toEqual(c.mul);
      expect(await vals(a.add(1)), 'add scalar').toEqual(c.add_scalar);
      expect(a.add(1).dtype).toBe(d);
      const q = a.div(b);
      expect(q.dtype).toBe(c.div_dtype);
      const want = c.div as number[];
      for (const [i, v] of (await vals(q)).entries()) expect(v).toBeCloseTo(want[i], 5);
      expect(await vals(torch.div(a, b, { roundingMode: 'floor' })), 'floor').toEqual(c.floor_divide);
      expect(await vals(torch.div(a, b, { roundingMode: 'trunc' })), 'trunc').toEqual(c.trunc_divide);
      expect(await vals(torch.remainder(a, b)), 'remainder').toEqual(c.remainder);
      if (Math.abs(c.sum as number) < 2 ** 31) {
        expect(await a.sum().item()).toBe(c.sum);
        expect(a.sum().dtype).toBe(c.sum_dtype);
      } else expect(() => a.sum()).toThrow(/does not fit int32/); // int64 is stored as int32
      expect(await vals(torch.bitwiseAnd(a, b)), 'and').toEqual(c.bitwise_and);
      expect(await vals(torch.bitwiseOr(a, b)), 'or').toEqual(c.bitwise_or);
      expect(await vals(torch.bitwiseXor(a, b)), 'xor').toEqual(c.bitwise_xor);
      expect(await vals(torch.bitwiseNot(a)), 'not').toEqual(c.bitwise_not);
      const s = torch.tensor([1, 2, 3, 1], { dtype: d as DType });
      expect(await vals(torch.bitwiseLeftShift(a, s)), 'shl').toEqual(c.shift_left);
      expect(await vals(torch.bitwiseRightShift(a, s)), 'shr').toEqual(c.shift_right);
      const x = a.clone();
      x.bitwiseXor_(b);
      expect(await vals(x), 'xor_').toEqual(c.bitwise_xor);
    });
  }

  it('bitwise ops refuse floats and keep bool', async () => {
    expect(() => torch.bitwiseAnd(torch.tensor([1.5]), torch.tensor([2.5]))).toThrow(
      /not implemented for 'Float'/,
    );
    const t = torch.tensor([true, false, true]);
    const r = torch.bitwiseXor(t, torch.tensor([true, true, false]));
    expect(r.dtype).toBe('bool');
    expect(await vals(r)).toEqual([0, 1, 1]);
    expect(await vals(torch.bitwiseNot(t))).toEqual([0, 1, 0]);
  });
});

describe('iinfo / finfo', () => {
  it('match PyTorch', () => {
    for (const [d, info] of Object.entries(fx.info)) {
      if (d.startsWith('float') || d === 'bfloat16') {
        const f = torch.finfo(d as DType);
        expect([f.bits, f.eps, f.max, f.min, f.tiny, f.smallestNormal, f.resolution], d).toEqual([
          info.bits,
          info.eps,
          info.max,
          info.min,
          info.tiny,
          info.smallest_normal,
          info.resolution,
        ]);
      } else {
        const i = torch.iinfo(d as DType);
        expect([i.bits, String(i.min), String(i.max)], d).toEqual([info.bits, info.min, info.max]);
      }
    }
    expect(() => torch.iinfo('float32')).toThrow(/finfo/);
    expect(torch.finfo().dtype).toBe('float32');
  });
});

describe('float64 on the CPU', () => {
  it('keeps double precision through ops, reductions and matmul', async () => {
    const x = torch.tensor([0.1, 0.2, 0.3], { dtype: 'float64' });
    expect(await x.sum().item()).toBe(0.1 + 0.2 + 0.3);
    expect(await vals(x.exp())).toEqual([Math.exp(0.1), Math.exp(0.2), Math.exp(0.3)]);
    const a = torch.tensor(
      [
        [1 / 3, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const p = a.matmul(a);
    expect(p.dtype).toBe('float64');
    expect(await vals(p)).toEqual([1 / 9 + 6, 2 / 3 + 8, 1 + 12, 6 + 16]);
    expect(torch.tensor([1], { dtype: 'float32' }).add(torch.tensor([1], { dtype: 'float64' })).dtype).toBe(
      'float64',
    );
    expect(a.float().dtype).toBe('float32');
    expect(torch.tensor([1, 2]).double().dtype).toBe('float64');
    expect(await torch.linalg.det(a).item()).toBeCloseTo(4 / 3 - 6, 14);
  });

  it('gradients are float64 and pass a float64 gradcheck', async () => {
    const x = torch.tensor([0.3, -1.2, 2.0], { dtype: 'float64', requiresGrad: true });
    const w = torch.tensor(
      [
        [0.5, -1],
        [2, 0.25],
        [1, 1],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const y = torch.tanh(x.unsqueeze(0).matmul(w)).sum();
    y.backward();
    expect(x.grad?.dtype).toBe('float64');
    expect(w.grad?.dtype).toBe('float64');
    const r = await gradcheck((a, b) => torch.tanh(a.unsqueeze(0).matmul(b)).exp(), [x, w]);
    expect(r.ok).toBe(true);
    for (const d of r.details) expect(Math.abs(d.numeric - d.analytic)).toBeLessThan(1e-7);
  });

  it('setDefaultDtype(float64) makes float literals float64', () => {
    torch.setDefaultDtype('float64');
    try {
      expect(torch.getDefaultDtype()).toBe('float64');
      expect(torch.tensor([0.5]).dtype).toBe('float64');
      expect(torch.tensor([1]).div(2).dtype).toBe('float64');
      expect(torch.zeros(2).dtype).toBe('float64');
    } finally {
      torch.setDefaultDtype('float32');
    }
    expect(() => torch.setDefaultDtype('int32')).toThrow(/floating-point/);
  });
});

describe.runIf(webgpuAvailable())('WebGPU refuses float64', () => {
  it('names the device and suggests float32', async () => {
    await torch.webgpu.init();
    const x = torch.tensor([1, 2], { dtype: 'float64' });
    expect(() => x.to('webgpu')).toThrow(/float64 is not supported on the WebGPU device .*float32/);
    expect(() => torch.zeros(2, { dtype: 'float64', device: 'webgpu' })).toThrow(/float64.*WebGPU/);
    const u = torch.tensor(new Uint8Array([250, 3])).to('webgpu');
    expect(u.dtype).toBe('uint8');
    expect(Array.from(await u.add(10).toArray())).toEqual([4, 13]);
    expect(Array.from(await torch.bitwiseNot(u).toArray())).toEqual([5, 252]);
  });
});
