/**
 * Outputs that PyTorch defines only up to a gauge, compared modulo that gauge.
 *
 * An eigenvector or a pair of singular vectors is unique only up to its sign, and the extra
 * columns of a full SVD (`some=False`, `full_matrices=True`) only up to a rotation of the space
 * they span; PyTorch's documentation says so, and its CPU (LAPACK) and CUDA (cuSOLVER/MAGMA)
 * builds return different signs for the same input. A reference from one implementation is
 * therefore matched in the only way that makes sense: each of our vectors is flipped to the
 * reference's sign before the elementwise comparison (a pair of singular vectors flips together,
 * so `U diag(S) Vh` is unchanged), and an extra block is replaced by the projection of the
 * reference block onto our block's span (equal to the reference exactly when the spans agree,
 * first-order different otherwise). Everything else is still compared elementwise.
 *
 * The gradient case uses `sum(outputs[0] * upstream)`. When `outputs[0]` carries a sign gauge
 * (U of an SVD), that sum for the reference's U is the sum for ours with the upstream's vectors
 * flipped the same way, so the upstream is flipped before our backward runs; the gradients are
 * then compared as they are.
 */
import type { TypedArray } from '../tensor/dtype.js';

/** Vectors are the columns (`col`) or rows (`row`) of the last two dims of output `out`. */
interface VectorSet {
  out: number;
  along: 'col' | 'row';
}

interface GaugeSpec {
  /** The sets whose vector j share one sign (U's and V's columns of an SVD). */
  sets: VectorSet[];
  /** Output holding the values the vectors belong to: its last dim is the number of paired vectors. */
  values: number;
}

const svd: GaugeSpec = {
  sets: [
    { out: 0, along: 'col' },
    { out: 2, along: 'col' },
  ],
  values: 1,
};

const GAUGES: Record<string, GaugeSpec> = {
  'torch.linalg.eigh': { sets: [{ out: 1, along: 'col' }], values: 0 },
  'torch.symeig': { sets: [{ out: 1, along: 'col' }], values: 0 },
  'torch.svd': svd,
  'torch.linalg.svd': {
    sets: [
      { out: 0, along: 'col' },
      { out: 2, along: 'row' },
    ],
    values: 1,
  },
};

export interface HostTensor {
  shape: readonly number[];
  dtype: string;
  data: TypedArray;
}

export interface Aligned {
  /** Our outputs with the gauge moved to the reference's (copies; inputs are not changed). */
  outputs: HostTensor[];
  /** Flips the upstream of `outputs[0]` the same way (in place), or null when it has no gauge. */
  flipUpstream: ((upstream: Float32Array | Float64Array) => void) | null;
}

/** Element offset of vector j's i-th entry within one matrix of the set. */
const at = (s: VectorSet, cols: number, j: number, i: number): number =>
  s.along === 'col' ? i * cols + j : j * cols + i;

/** Aligns `ours` to `ref` for an op with a gauge; null for every other op. */
export function alignGauge(
  op: string,
  ours: readonly HostTensor[],
  ref: readonly { shape: readonly number[]; data: ArrayLike<number> }[],
): Aligned | null {
  const spec = GAUGES[op];
  if (!spec) return null;
  const vals = ours[spec.values];
  if (!vals || spec.sets.some((s) => !ours[s.out] || !ref[s.out])) return null;
  const k = vals.shape[vals.shape.length - 1] ?? 0; // vectors that pair with a value
  const outputs = ours.map((t) => ({ ...t, data: t.data.slice() as TypedArray }));
  const geometry = spec.sets.map((s) => {
    const shape = ours[s.out].shape;
    const rows = shape[shape.length - 2] ?? 0;
    const cols = shape[shape.length - 1] ?? 0;
    const sameShape =
      shape.length === ref[s.out].shape.length && shape.every((d, i) => d === ref[s.out].shape[i]);
    return {
      rows,
      cols,
      size: rows * cols,
      len: s.along === 'col' ? rows : cols,
      n: s.along === 'col' ? cols : rows,
      sameShape,
    };
  });
  if (geometry.some((g) => !g.sameShape || g.size === 0)) return null; // compared (and failed) as is
  const batches = ours[spec.sets[0].out].data.length / geometry[0].size;
  const signs = new Float64Array(batches * k).fill(1);

  for (let b = 0; b < batches; b++) {
    // One sign per paired vector j, decided by the set where the match is clearest.
    for (let j = 0; j < k; j++) {
      let best = 0;
      spec.sets.forEach((s, si) => {
        const g = geometry[si];
        if (j >= g.n) return;
        const a = ours[s.out].data;
        const r = ref[s.out].data;
        let dot = 0;
        for (let i = 0; i < g.len; i++) {
          const o = b * g.size + at(s, g.cols, j, i);
          dot += a[o] * r[o];
        }
        if (Math.abs(dot) > Math.abs(best)) best = dot;
      });
      const d = best < 0 ? -1 : 1;
      signs[b * k + j] = d;
      spec.sets.forEach((s, si) => {
        const g = geometry[si];
        if (j >= g.n || d === 1) return;
        const a = outputs[s.out].data;
        for (let i = 0; i < g.len; i++) a[b * g.size + at(s, g.cols, j, i)] *= -1;
      });
    }
    // The extra vectors (j >= k) span a space with no preferred basis: project the
    // reference's onto ours.
    spec.sets.forEach((s, si) => {
      const g = geometry[si];
      if (g.n <= k) return;
      const a = ours[s.out].data;
      const r = ref[s.out].data;
      const out = outputs[s.out].data;
      const base = b * g.size;
      for (let jr = k; jr < g.n; jr++) {
        const proj = new Float64Array(g.len);
        for (let j = k; j < g.n; j++) {
          let dot = 0;
          for (let i = 0; i < g.len; i++)
            dot += a[base + at(s, g.cols, j, i)] * r[base + at(s, g.cols, jr, i)];
          for (let i = 0; i < g.len; i++) proj[i] += dot * a[base + at(s, g.cols, j, i)];
        }
        for (let i = 0; i < g.len; i++) out[base + at(s, g.cols, jr, i)] = proj[i];
      }
    });
  }

  const up = spec.sets.findIndex((s) => s.out === 0);
  const flipUpstream =
    up < 0
      ? null
      : (upstream: Float32Array | Float64Array) => {
          const s = spec.sets[up];
          const g = geometry[up];
          for (let b = 0; b < batches; b++)
            for (let j = 0; j < Math.min(k, g.n); j++)
              if (signs[b * k + j] < 0)
                for (let i = 0; i < g.len; i++) upstream[b * g.size + at(s, g.cols, j, i)] *= -1;
        };
  return { outputs, flipUpstream };
}
