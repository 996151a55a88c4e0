/**
 * The silent traps of the architecture issue, as regression tests: each call below once ran and
 * gave a wrong result (an argument ignored or taken as another) instead of PyTorch's.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { nn } = torch;
const F = nn.functional;

describe('binding traps', () => {
  it('torch.zeros(3, 4) has shape [3, 4]', () => {
    expect(torch.zeros(3, 4).shape).toEqual([3, 4]);
    expect(torch.ones(2, 3, { dtype: 'int32' }).dtype).toBe('int32');
  });
  it('methods take varargs after the tensor: x.permute(1, 0), x.reshape(2, 3), x.view(2, -1)', () => {
    const x = torch.zeros(2, 3);
    expect(x.permute(1, 0).shape).toEqual([3, 2]);
    expect(x.reshape(3, 2).shape).toEqual([3, 2]);
    expect(x.view(3, -1).shape).toEqual([3, 2]);
    expect(x.flip(0).shape).toEqual([2, 3]);
    // The torch function keeps its list: torch.permute(x, 1, 0) is PyTorch's TypeError too.
    expect(torch.permute(x, [1, 0]).shape).toEqual([3, 2]);
    expect(() => (torch.permute as (...a: unknown[]) => unknown)(x, 1, 0)).toThrow(TypeError);
  });
  it("torch.arange(0, n, { dtype: 'float32' }) counts 0..n-1 as float32", async () => {
    const r = torch.arange(0, 5, { dtype: 'float32' });
    expect(r.dtype).toBe('float32');
    expect(Array.from(await r.toArray())).toEqual([0, 1, 2, 3, 4]);
  });
  it('F.layerNorm(x, shape, weight, bias, eps) applies weight and bias', async () => {
    const x = torch.tensor([1, 2, 3, 4], { dtype: 'float32' }).reshape([1, 4]);
    const w = torch.tensor([2, 2, 2, 2], { dtype: 'float32' });
    const b = torch.tensor([1, 1, 1, 1], { dtype: 'float32' });
    const plain = await F.layerNorm(x, [4]).toArray();
    const y = await F.layerNorm(x, [4], w, b, 1e-5).toArray();
    for (let i = 0; i < 4; i++) expect(y[i]).toBeCloseTo(2 * plain[i] + 1, 5);
    expect(y[0]).toBeCloseTo(2 * -1.3416355 + 1, 4); // PyTorch's value
  });
  it('nn.Conv2d(1, 32, 3, 2) has stride 2', () => {
    const conv = new nn.Conv2d(1, 32, 3, 2);
    expect(conv.stride).toEqual([2, 2]);
    expect(conv(torch.zeros(1, 1, 28, 28)).shape).toEqual([1, 32, 13, 13]);
  });
  it('nn.init.normal_(t, { mean, std }) uses both', async () => {
    torch.manualSeed(0);
    const t = nn.init.normal_(torch.empty(20000), { mean: 5, std: 0.1 });
    const v = Array.from(await t.toArray(), Number);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(5, 1);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
  });
});
