/**
 * Pooling (maxPool2d, avgPool2d, adaptiveAvgPool2d) and the spatial helpers (interpolate,
 * dropout2d): PyTorch's values, a direct-loop reference over kernel/stride/padding/dilation/
 * ceil-mode mixes (every internal path: the copy-free small window, the large-window argmax,
 * the one-pass and the scatter gradients), gradchecks on every device, errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { dropout2d as dropout2dOp } from '../../src/ops/spatial.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  caseNames,
  distinctLeaf,
  expectConformance,
  expectGradcheck,
  expectSameAsCpu,
  leaf,
} from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

const F = torch.nn.functional;

interface PoolGeo {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  ceil: boolean;
}
const outSize = (n: number, k: number, s: number, p: number, d: number, ceil: boolean) => {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
};

/** PyTorch's CPU max-pool kernel: first strict maximum (NaN wins), index h * W + w. */
function directMaxPool(x: Tensor, g: PoolGeo) {
  const [N, C, H, W] = x.shape;
  const X = x.toArraySync();
  const OH = outSize(H, g.k[0], g.s[0], g.p[0], g.d[0], g.ceil);
  const OW = outSize(W, g.k[1], g.s[1], g.p[1], g.d[1], g.ceil);
  const v: number[] = [];
  const ix: number[] = [];
  for (let nc = 0; nc < N * C; nc++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++) {
        let best = -Infinity;
        let at = -1;
        for (let a = 0; a < g.k[0]; a++)
          for (let b = 0; b < g.k[1]; b++) {
            const h = i * g.s[0] - g.p[0] + a * g.d[0];
            const w = j * g.s[1] - g.p[1] + b * g.d[1];
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            const val = X[nc * H * W + h * W + w];
            if (at < 0 || val > best || Number.isNaN(val)) {
              if (at >= 0 && Number.isNaN(best)) continue;
              best = val;
              at = h * W + w;
            }
          }
        v.push(best);
        ix.push(at);
      }
  return { shape: [N, C, OH, OW], v, ix };
}

/** avg_pool2d with PyTorch's divisor rule (padding counted unless !countIncludePad, ceil margin never). */
function directAvgPool(x: Tensor, g: PoolGeo, include: boolean, divisor?: number) {
  const [N, C, H, W] = x.shape;
  const X = x.toArraySync();
  const OH = outSize(H, g.k[0], g.s[0], g.p[0], 1, g.ceil);
  const OW = outSize(W, g.k[1], g.s[1], g.p[1], 1, g.ceil);
  const out: number[] = [];
  for (let nc = 0; nc < N * C; nc++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++) {
        const h0 = i * g.s[0] - g.p[0];
        const w0 = j * g.s[1] - g.p[1];
        const h1 = Math.min(h0 + g.k[0], H + g.p[0]);
        const w1 = Math.min(w0 + g.k[1], W + g.p[1]);
        const pool = (h1 - h0) * (w1 - w0);
        let s = 0;
        let n = 0;
        for (let h = Math.max(h0, 0); h < Math.min(h1, H); h++)
          for (let w = Math.max(w0, 0); w < Math.min(w1, W); w++) {
            s += X[nc * H * W + h * W + w];
            n++;
          }
        out.push(s / (divisor ?? (include ? pool : n)));
      }
  return { shape: [N, C, OH, OW], out };
}

async function expectValues(t: Tensor, shape: number[], want: ArrayLike<number>, tol = 1e-5) {
  expect(t.shape).toEqual(shape);
  const got = await t.toArray();
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    if (
      !(
        Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])) ||
        (Number.isNaN(got[i]) && Number.isNaN(want[i]))
      )
    )
      throw new Error(`at ${i}: ${got[i]} vs ${want[i]}`);
}

// name, input shape, geometry: one per internal path
const maxMixes: [string, number[], PoolGeo][] = [
  [
    'k2 (tiles exactly: one-pass gradient)',
    [2, 3, 8, 6],
    { k: [2, 2], s: [2, 2], p: [0, 0], d: [1, 1], ceil: false },
  ],
  [
    'k3 s3 on 8x7 (disjoint, uncovered border)',
    [1, 2, 8, 7],
    { k: [3, 3], s: [3, 3], p: [0, 0], d: [1, 1], ceil: false },
  ],
  [
    'k3 s2 p1 (overlapping, padded: scatter)',
    [2, 2, 9, 9],
    { k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1], ceil: false },
  ],
  ['k2 s2 ceil on 7x5', [1, 3, 7, 5], { k: [2, 2], s: [2, 2], p: [0, 0], d: [1, 1], ceil: true }],
  ['k (2,3) s (1,2) dilation 2', [2, 2, 8, 9], { k: [2, 3], s: [1, 2], p: [1, 0], d: [2, 2], ceil: false }],
  [
    'k5 s2 p2 (large window: copy + argmax)',
    [1, 2, 11, 10],
    { k: [5, 5], s: [2, 2], p: [2, 2], d: [1, 1], ceil: false },
  ],
];

describe('maxPool2d against the direct definition (CPU)', () => {
  for (const [name, shape, g] of maxMixes)
    it(name, async () => {
      const x = torch.randn(shape, { generator: new torch.Generator(3) });
      const want = directMaxPool(x, g);
      const [v, i] = F.maxPool2d(x, g.k, {
        stride: g.s,
        padding: g.p,
        dilation: g.d,
        ceilMode: g.ceil,
        returnIndices: true,
      });
      await expectValues(v, want.shape, want.v);
      expect(i.dtype).toBe('int64');
      expect(Array.from(await i.toArray())).toEqual(want.ix);
    });
  it('NaN wins its window; ties report the first index; an all -inf window its first in-bounds element', async () => {
    const x = torch.tensor([
      [
        [
          [1, Number.NaN, 3, 3],
          [0, 2, 3, -Infinity],
        ],
      ],
    ]);
    const [v, i] = F.maxPool2d(x, 2, { returnIndices: true });
    expect(Array.from(await v.toArray())).toEqual([Number.NaN, 3]);
    expect(Array.from(await i.toArray())).toEqual([1, 2]);
    expect(Array.from(await F.maxPool2d(x, 2).toArray())).toEqual([Number.NaN, 3]); // inference: no index pass
    const y = torch.full([1, 1, 3, 3], -Infinity);
    const [, j] = F.maxPool2d(y, 3, { stride: 2, padding: 1, returnIndices: true });
    expect(Array.from(await j.toArray())).toEqual([0, 1, 3, 4]);
  });
  it('unbatched input', async () => {
    const x = torch.randn([3, 6, 6], { generator: new torch.Generator(4) });
    const want = await F.maxPool2d(x.unsqueeze(0), 2).toArray();
    await expectValues(F.maxPool2d(x, 2), [3, 3, 3], want);
  });
});

describe('avgPool2d and adaptiveAvgPool2d against the direct definition (CPU)', () => {
  const x = torch.randn([2, 3, 7, 6], { generator: new torch.Generator(5) });
  const g = (k: number, s: number, p: number, ceil = false): PoolGeo => ({
    k: [k, k],
    s: [s, s],
    p: [p, p],
    d: [1, 1],
    ceil,
  });
  it('k2, k3 s2 p1 (padding counted), ceil mode, countIncludePad false, divisorOverride', async () => {
    for (const [geo, include, div] of [
      [g(2, 2, 0), true, undefined],
      [g(3, 2, 1), true, undefined],
      [g(3, 2, 1), false, undefined],
      [g(2, 2, 1, true), true, undefined],
      [g(3, 2, 0, true), false, undefined],
      [g(3, 2, 1), true, 5],
    ] as [PoolGeo, boolean, number | undefined][]) {
      const want = directAvgPool(x, geo, include, div);
      const y = F.avgPool2d(x, geo.k, {
        stride: geo.s,
        padding: geo.p,
        ceilMode: geo.ceil,
        countIncludePad: include,
        divisorOverride: div,
      });
      await expectValues(y, want.shape, want.out);
    }
  });
  it('adaptive: even bins (an avgPool) and uneven bins [floor(i n/o), ceil((i+1) n/o))', async () => {
    for (const o of [1, [7, 3], [3, 4], [5, null]] as (number | (number | null)[])[]) {
      const [oh, ow] = typeof o === 'number' ? [o, o] : [o[0] ?? 7, o[1] ?? 6];
      const X = x.toArraySync();
      const want: number[] = [];
      for (let nc = 0; nc < 6; nc++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            const [h0, h1] = [Math.floor((i * 7) / oh), Math.ceil(((i + 1) * 7) / oh)];
            const [w0, w1] = [Math.floor((j * 6) / ow), Math.ceil(((j + 1) * 6) / ow)];
            let s = 0;
            for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += X[nc * 42 + h * 6 + w];
            want.push(s / ((h1 - h0) * (w1 - w0)));
          }
      await expectValues(F.adaptiveAvgPool2d(x, o), [2, 3, oh, ow], want);
    }
  });
});

describe('interpolate (PyTorch values) and dropout2d', () => {
  const x = torch.tensor(
    [
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ],
    { dtype: 'float32' },
  );
  it('nearest x2, to size 3, 1-d', async () => {
    await expectValues(
      F.interpolate(x, { scaleFactor: 2 }),
      [1, 1, 4, 4],
      [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4],
    );
    await expectValues(F.interpolate(x, { size: 3 }), [1, 1, 3, 3], [1, 1, 2, 1, 1, 2, 3, 3, 4]);
    await expectValues(
      F.interpolate(torch.tensor([[[1, 2, 3]]], { dtype: 'float32' }), { size: 5 }),
      [1, 1, 5],
      [1, 1, 2, 2, 3],
    );
  });
  it('bilinear x2 (align_corners False) and to 3x3 with align_corners True', async () => {
    await expectValues(
      F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
      [1, 1, 4, 4],
      [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4],
    );
    await expectValues(
      F.interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true }),
      [1, 1, 3, 3],
      [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4],
    );
  });
  it('errors', () => {
    expect(() => F.interpolate(x)).toThrow('either size or scale_factor should be defined');
    expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(
      'align_corners option can only be set',
    );
    expect(() => F.interpolate(x.reshape([1, 4]), { size: 3 })).toThrow('Only 3D, 4D and 5D input');
  });
  it('dropout2d zeroes whole channels and scales the rest; identity in eval', async () => {
    const ones = torch.ones([4, 8, 3, 3]);
    // F.dropout2d has PyTorch's (input, p, training, inplace): the seeded generator is the op's.
    const y = await dropout2dOp(ones, 0.5, true, new torch.Generator(9)).toArray();
    let zeroed = 0;
    for (let c = 0; c < 32; c++) {
      const ch = Array.from(y.slice(c * 9, c * 9 + 9));
      expect(new Set(ch).size).toBe(1);
      expect([0, 2]).toContain(ch[0]);
      if (ch[0] === 0) zeroed++;
    }
    expect(zeroed).toBeGreaterThan(4);
    expect(zeroed).toBeLessThan(28);
    expect(F.dropout2d(ones, 0.5, false)).toBe(ones);
    expect(() => F.dropout2d(torch.ones([2, 3]), 0.5)).toThrow('dropout2d');
  });
});

describe('pooling errors', () => {
  it('padding larger than half the kernel, output too small, rank', () => {
    expect(() => F.maxPool2d(torch.zeros([1, 1, 5, 5]), 3, { padding: 2 })).toThrow(
      'pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 3, kH = 3',
    );
    expect(() => F.maxPool2d(torch.zeros([1, 3, 1, 1]), 2)).toThrow(
      'Given input size: (3x1x1). Calculated output size: (3x0x0). Output size is too small',
    );
    expect(() => F.avgPool2d(torch.zeros([5, 5]), 2)).toThrow('Expected 3D or 4D (batch mode) tensor');
    expect(() => F.adaptiveAvgPool2d(torch.zeros([2, 3, 0, 4]), 1)).toThrow('non-zero size');
  });
});

for (const device of testDevices())
  describe(`pooling on ${device}`, () => {
    describe('matches PyTorch', () => {
      for (const name of caseNames('conv').filter((n) => !n.startsWith('conv')))
        it(name, () => expectConformance(name, device));
    });
    describe('gradcheck', () => {
      for (const [name, shape, g] of maxMixes)
        it(`maxPool2d ${name}`, () =>
          expectGradcheck(
            (x) => F.maxPool2d(x, g.k, { stride: g.s, padding: g.p, dilation: g.d, ceilMode: g.ceil }),
            [distinctLeaf(shape, device, 61)],
          ));
      it('maxPool2d: second order (the one-pass and the scatter gradients are differentiable)', () =>
        expectGradcheck(
          (x) =>
            torch.enableGrad(() => {
              const u = x.requiresGrad ? x : x.detach().requiresGrad_(true);
              const y = F.maxPool2d(u, 2).mul(F.maxPool2d(u, 3, { stride: 2, padding: 1 }).mean());
              return torch.autograd.grad(y.pow(2).sum(), [u], { createGraph: true })[0]!;
            }),
          [distinctLeaf([1, 2, 6, 6], device, 62)],
        ));
      it('avgPool2d k3 s2 p1 ceil, countIncludePad false', () =>
        expectGradcheck(
          (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
          [leaf([2, 2, 8, 7], device, 63)],
        ));
      it('adaptiveAvgPool2d uneven bins and even bins', () =>
        expectGradcheck(
          (x) => torch.stack([F.adaptiveAvgPool2d(x, [3, 4]).sum(), F.adaptiveAvgPool2d(x, 1).sum()]),
          [leaf([2, 3, 7, 6], device, 64)],
        ));
      it('interpolate nearest and bilinear (both alignments)', () =>
        expectGradcheck(
          (x) =>
            torch.stack([
              F.interpolate(x, { scaleFactor: 2 }).pow(2).sum(),
              F.interpolate(x, { size: [5, 7], mode: 'bilinear' })
                .pow(2)
                .sum(),
              F.interpolate(x, { size: [3, 2], mode: 'bilinear', alignCorners: true })
                .pow(2)
                .sum(),
            ]),
          [leaf([1, 2, 3, 4], device, 65)],
        ));
    });
    if (device !== 'cpu')
      it('agrees with the CPU on the MNIST CNN pooling and on every max-pool path', async () => {
        await expectSameAsCpu((x) => F.maxPool2d(x, 2), [[16, 16, 28, 28]], device);
        for (const [, shape, g] of maxMixes)
          await expectSameAsCpu(
            (x) => F.maxPool2d(x, g.k, { stride: g.s, padding: g.p, dilation: g.d, ceilMode: g.ceil }),
            [shape],
            device,
          );
        await expectSameAsCpu(
          (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
          [[2, 3, 9, 8]],
          device,
        );
        await expectSameAsCpu(
          (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
          [[2, 3, 5, 4]],
          device,
        );
      });
  });
