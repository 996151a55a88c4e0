/** manualSeed, Generator, randperm and randint: reproducible and well-formed. */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const arr = (t: torch.Tensor) => Array.from(t.toArraySync());

describe('random state', () => {
  it('manualSeed makes the default stream reproducible', () => {
    torch.manualSeed(123);
    const a = [arr(torch.randn([5])), arr(torch.rand([3])), arr(torch.randint(0, 10, [4]))];
    torch.manualSeed(123);
    const b = [arr(torch.randn([5])), arr(torch.rand([3])), arr(torch.randint(0, 10, [4]))];
    expect(b).toEqual(a);
    expect(torch.initialSeed()).toBe(123);
    torch.manualSeed(124);
    expect(arr(torch.randn([5]))).not.toEqual(a[0]);
  });
  it('a Generator is independent of the default one and can save/restore its state', () => {
    const g = new torch.Generator(7);
    const first = arr(torch.randn([4], { generator: g }));
    torch.manualSeed(0);
    torch.randn([100]); // the default stream does not disturb g
    const state = g.getState();
    const second = arr(torch.randn([4], { generator: g }));
    expect(second).not.toEqual(first);
    g.setState(state);
    expect(arr(torch.randn([4], { generator: g }))).toEqual(second);
    expect(arr(torch.randn([4], { generator: new torch.Generator(7) }))).toEqual(first);
    expect(g.manualSeed(7)).toBe(g);
    expect(arr(torch.randn([4], { generator: g }))).toEqual(first);
  });
  it('uniform_ and normal_ fill in place from a generator', () => {
    const x = torch.zeros([500]).uniform_(-2, -1, { generator: new torch.Generator(1) });
    expect(arr(x).every((v) => v >= -2 && v < -1)).toBe(true);
    const y = torch.zeros([2000]).normal_(3, 0.5, { generator: new torch.Generator(1) });
    const m = arr(y).reduce((a, b) => a + b) / 2000;
    expect(Math.abs(m - 3)).toBeLessThan(0.05);
  });
  it('randperm is a permutation, seeded', () => {
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = arr(torch.randperm(n, { generator: new torch.Generator(n) }));
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const a = arr(torch.randperm(50, { generator: new torch.Generator(3) }));
    expect(arr(torch.randperm(50, { generator: new torch.Generator(3) }))).toEqual(a);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(torch.randperm(5).dtype).toBe('int64');
  });
  it('randint covers [low, high) roughly uniformly', () => {
    const v = arr(torch.randint(5, 9, [8000], { generator: new torch.Generator(2) }));
    const counts = [5, 6, 7, 8].map((k) => v.filter((x) => x === k).length);
    expect(v.every((x) => Number.isInteger(x) && x >= 5 && x < 9)).toBe(true);
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe('manualSeed argument check', () => {
  it('a non-integer seed is a TypeError naming the seed', () => {
    expect(() => torch.manualSeed(0.5)).toThrow(TypeError);
    expect(() => torch.manualSeed(0.5)).toThrow(
      /manual_seed\(\): argument 'seed' must be an integer, not 0.5/,
    );
    expect(() => torch.manualSeed(Number.NaN)).toThrow(TypeError);
    expect(() => new torch.Generator().manualSeed(1.25)).toThrow(/not 1.25/);
    // control: integers (and bigints) are fine and reproducible
    torch.manualSeed(7);
    const a = torch.rand([3]).toArraySync();
    torch.manualSeed(7n);
    expect(torch.rand([3]).toArraySync()).toEqual(a);
  });
});
