/**
 * Outputs defined up to a gauge (eigenvector and singular-vector signs, the extra columns of a
 * full SVD) are compared modulo the gauge and nothing more: src/conformance/gauge.ts.
 */
import { describe, expect, it } from 'vitest';
import { alignGauge } from '../../src/conformance/gauge.js';
import { loadCases, runCase } from '../../src/conformance/index.js';
import type { OpCase } from '../../src/conformance/types.js';
import * as torch from '../../src/index.js';

const opinfo = loadCases('test/fixtures/opinfo');
const byName = (n: string): OpCase => structuredClone(opinfo.find((c) => c.name === n)!);
const cpu = torch.device('cpu');
const host = (shape: number[], data: number[]) => ({
  shape,
  dtype: 'float32',
  data: Float32Array.from(data),
});

/** Negates vector j of a case tensor [.., r, c] (a column, or a row when `row`). */
function flip(t: OpCase['outputs'][number], j: number, row = false): void {
  const [r, c] = t.shape.slice(-2);
  for (let b = 0; b < t.data.length; b += r * c)
    for (let i = 0; i < (row ? c : r); i++) {
      const o = b + (row ? j * c + i : i * c + j);
      t.data[o] = -(t.data[o] as number);
    }
}

describe('gauge-aware comparison', () => {
  it('a singular-vector pair flipped together (and the upstream with it) still passes, values and grads', async () => {
    const c = byName('linalg.svd/47'); // 3x5, full_matrices=False: U [3,3], Vh [3,5]
    expect((await runCase(c, cpu)).passed).toBe(true);
    flip(c.outputs[0], 1);
    flip(c.outputs[2], 1, true);
    flip(c.upstream!, 1); // sum(U' * up') = sum(U * up): the reference gradient is unchanged
    const r = await runCase(c, cpu);
    expect(r.error).toBeNull();
  });
  it('float64: the upstream is flipped with its singular pair too (our U differs from PyTorch in two signs)', async () => {
    const c = loadCases('test/fixtures/opinfo-f64').find((x) => x.name === 'svd/47')!;
    expect(c.upstream!.dtype).toBe('float64');
    const r = await runCase(c, cpu);
    expect(r.error).toBeNull();
    expect(r.passed).toBe(true);
  });
  it('flipping U alone is not a gauge: the comparison fails', async () => {
    const c = byName('linalg.svd/47');
    flip(c.outputs[0], 1);
    flip(c.upstream!, 1);
    const r = await runCase(c, cpu);
    expect(r.passed).toBe(false);
    expect(r.error).toMatch(/^output\[[02]\]/);
  });
  it('an eigenvector that is wrong (not just flipped) still fails', async () => {
    const c = byName('linalg.eigh/0');
    const v = c.outputs[1];
    const n = v.shape[v.shape.length - 1];
    v.data[0] = (v.data[0] as number) + 0.05;
    v.data[n] = (v.data[n] as number) - 0.05;
    expect((await runCase(c, cpu)).passed).toBe(false);
  });
  it('extra columns of a full SVD compare by the space they span', () => {
    // U = I (3x3) with one paired vector: the extra columns span {e2, e3}.
    const ours = [host([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]), host([1], [2]), host([1, 1], [1])];
    const s = Math.SQRT1_2;
    const rotated = [1, 0, 0, 0, s, -s, 0, s, s]; // same span, another basis
    const a = alignGauge('torch.svd', ours, [
      { shape: [3, 3], data: rotated },
      { shape: [1], data: [2] },
      { shape: [1, 1], data: [1] },
    ]);
    expect(Array.from(a!.outputs[0].data).map((x) => +x.toFixed(6))).toEqual(
      rotated.map((x) => +x.toFixed(6)),
    );
    // another span: column 1 leans on e1, which our extra block does not contain
    const other = [s, -s, 0, 0, 0, 1, s, s, 0];
    const b = alignGauge('torch.svd', ours, [
      { shape: [3, 3], data: other },
      { shape: [1], data: [2] },
      { shape: [1, 1], data: [1] },
    ]);
    expect(Math.abs(b!.outputs[0].data[1] - other[1])).toBeGreaterThan(0.1);
  });
  it('ops without a gauge are compared as they are', () => {
    expect(alignGauge('torch.linalg.qr', [host([1], [1])], [{ shape: [1], data: [-1] }])).toBeNull();
  });
});

describe('reference overrides', () => {
  it('replace only the listed case, with PyTorch float64 values, each with its reason', async () => {
    const c = byName('linalg.det.singular/29');
    // PyTorch 1.13 float32 gives exactly zero gradient for matrix [0, 1]; float64 gives its adjugate.
    expect(c.grads![0]!.data.slice(25, 50).some((v) => Math.abs(v as number) > 0.01)).toBe(true);
    expect((await runCase(c, cpu)).passed).toBe(true);
  });
});
