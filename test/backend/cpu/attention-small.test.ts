/**
 * The CPU attention routine's small-head path (cpu/attention.ts `attentionSmall*`: every head of
 * a chunk in one unpacked wasm product each) against the blocked path (sgemm per row block) and
 * the composed definition (matmul -> softmax -> matmul, setFusedAttention(false)): outputs and
 * q/k/v gradients, causal or not, float and bool masks, L != S, Dv != D, and shapes it declines.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { smallAttention } from '../../../src/backend/cpu/attention.js';
import { wasmEngine } from '../../../src/backend/cpu/gemm-wasm.js';
import * as torch from '../../../src/index.js';
import { setFusedAttention } from '../../../src/ops/attention.js';

const F = torch.nn.functional;
const vals = (t: torch.Tensor) => Array.from(t.toArraySync() as Float32Array);

afterEach(() => {
  smallAttention.enabled = true;
  setFusedAttention(true);
});

interface Case {
  q: number[];
  k: number[];
  v: number[];
  causal?: boolean;
  mask?: 'float' | 'bool';
}

function run(c: Case, path: 'small' | 'blocked' | 'composed') {
  smallAttention.enabled = path === 'small';
  setFusedAttention(path !== 'composed');
  const g = new torch.Generator(7);
  const mk = (s: number[]) => torch.randn(s, { generator: g }).requiresGrad_(true);
  const [q, k, v] = [mk(c.q), mk(c.k), mk(c.v)];
  const L = c.q[c.q.length - 2];
  const S = c.k[c.k.length - 2];
  let mask: torch.Tensor | undefined;
  if (c.mask === 'float') mask = torch.randn([L, S], { generator: g });
  if (c.mask === 'bool') mask = torch.rand([L, S], { generator: g }).gt(0.3);
  const y = F.scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal: c.causal ?? false });
  const up = torch.randn(y.shape as number[], { generator: g });
  y.mul(up).sum().backward();
  return [y, q.grad!, k.grad!, v.grad!].map(vals);
}

const cases: [string, Case][] = [
  ['nanoGPT heads, causal', { q: [4, 4, 32, 16], k: [4, 4, 32, 16], v: [4, 4, 32, 16], causal: true }],
  ['not causal', { q: [2, 3, 32, 16], k: [2, 3, 32, 16], v: [2, 3, 32, 16] }],
  ['float mask', { q: [2, 2, 16, 8], k: [2, 2, 24, 8], v: [2, 2, 24, 16], mask: 'float' }],
  ['bool mask, L != S', { q: [3, 12, 8], k: [3, 16, 8], v: [3, 16, 8], mask: 'bool' }],
  ['causal, L != S', { q: [3, 24, 8], k: [3, 16, 8], v: [3, 16, 8], causal: true }],
  ['many heads (several chunks)', { q: [40, 64, 8], k: [40, 64, 8], v: [40, 64, 8], causal: true }],
];

describe('cpu attention, small heads', () => {
  for (const [name, c] of cases)
    it(`${name}: matches the blocked path and the composed ops`, () => {
      const spy = vi.spyOn(wasmEngine!, 'direct');
      const small = run(c, 'small');
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(7); // 2 forward + 5 backward products
      spy.mockRestore();
      const blocked = run(c, 'blocked');
      const composed = run(c, 'composed');
      for (let t = 0; t < 4; t++) {
        const s = small[t];
        expect(s.every(Number.isFinite)).toBe(true);
        for (let i = 0; i < s.length; i++) {
          expect(Math.abs(s[i] - blocked[t][i])).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(blocked[t][i])));
          expect(Math.abs(s[i] - composed[t][i])).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(composed[t][i])));
        }
      }
    });

  it('declines shapes off its tile (odd head dim, L not a multiple of 4) and still agrees', () => {
    const c: Case = { q: [2, 2, 10, 6], k: [2, 2, 10, 6], v: [2, 2, 10, 6], causal: true };
    const spy = vi.spyOn(wasmEngine!, 'direct');
    const small = run(c, 'small');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    const composed = run(c, 'composed');
    for (let t = 0; t < 4; t++)
      for (let i = 0; i < small[t].length; i++)
        expect(Math.abs(small[t][i] - composed[t][i])).toBeLessThanOrEqual(
          2e-5 * (1 + Math.abs(composed[t][i])),
        );
  });
});

describe('cpu scatter_add row path (embedding backward)', () => {
  for (const dtype of ['float32', 'float64'] as const)
    it(`repeated ids accumulate as one_hot^T @ g (${dtype})`, () => {
      const g = new torch.Generator(3);
      const w = torch.randn([7, 5], { generator: g, dtype }).requiresGrad_(true);
      const ids = torch.tensor(
        [
          [1, 3, 1],
          [6, 1, 0],
        ],
        { dtype: 'int64' },
      );
      const up = torch.randn([2, 3, 5], { generator: g, dtype });
      F.embedding(ids, w).mul(up).sum().backward();
      const ref = F.oneHot(ids.view([-1]), 7)
        .to(dtype)
        .t()
        .matmul(up.view([6, 5]));
      const a = Array.from(w.grad!.toArraySync() as Float64Array);
      const b = Array.from(ref.toArraySync() as Float64Array);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
      // a scatter_add the row path does not take (index varies along columns) still adds right
      const out = torch.zeros([3, 2], { dtype }).scatterAdd(
        0,
        torch.tensor([
          [2, 0],
          [2, 1],
        ]),
        torch.ones([2, 2], { dtype }),
      );
      expect(Array.from(out.toArraySync() as Float64Array)).toEqual([0, 1, 0, 1, 2, 0]);
    });
});
