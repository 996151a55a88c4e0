/**
 * F.interpolate, every mode as one separable resampling: along each spatial dim an output
 * position is a weighted sum of a few source positions ("taps"). A mode only decides its taps:
 *   nearest / nearest-exact  1 tap, weight 1
 *   linear (bi-, tri-)       2 taps, the linear weights (PyTorch's area_pixel_compute_source_index)
 *   bicubic                  4 taps, Keys' cubic convolution (A = -0.75), clamped at the borders
 *   area                     the adaptive-average window [floor(i*n/o), ceil((i+1)*n/o))
 * Applying the taps is index_select (backward: scatter-add) times a per-row weight, summed over
 * taps, so forward and gradient run on every device. Tables are host-built from sizes only.
 */
import { floatOf } from '../tensor/dtype.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import type { Tensor } from './core.js';
import { tensor } from './creation.js';
import { indexSelect } from './indexing.js';
import { add, mul } from './pointwise.js';
import { reshape } from './shape.js';

export type InterpolateMode =
  | 'nearest'
  | 'nearest-exact'
  | 'linear'
  | 'bilinear'
  | 'bicubic'
  | 'trilinear'
  | 'area';

export interface InterpolateOptions {
  /** Output spatial size (an int for every dim, or one per dim). */
  size?: number | readonly number[] | null;
  /** Multiplier of the input size (output = floor(input * scale)). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** linear modes and bicubic: map corner pixel centres onto corner pixel centres. */
  alignCorners?: boolean | null;
  /** Use in/out for the coordinate map even when scaleFactor was given. */
  recomputeScaleFactor?: boolean | null;
}

/** The spatial rank each mode takes (null: any of 1..3). */
const RANK: Record<InterpolateMode, number | null> = {
  nearest: null,
  'nearest-exact': null,
  area: null,
  linear: 1,
  bilinear: 2,
  bicubic: 2,
  trilinear: 3,
};

interface Taps {
  index: Int32Array[];
  weight: Float64Array[] | null;
}

const f32 = Math.fround;
const cubic1 = (x: number, A: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
const cubic2 = (x: number, A: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;

/** One dim's taps for `out` output positions over `n` inputs. */
function taps(
  mode: InterpolateMode,
  n: number,
  out: number,
  scaleFactor: number | undefined,
  alignCorners: boolean,
  dbl: boolean,
): Taps {
  // area_pixel_compute_scale, in the input's precision as PyTorch's kernels (nearest: always
  // float32, as PyTorch's nearest_idx).
  const r = dbl ? (v: number) => v : f32;
  const scale = r(
    alignCorners && mode !== 'nearest' && mode !== 'nearest-exact'
      ? out > 1
        ? (n - 1) / (out - 1)
        : 0
      : scaleFactor && scaleFactor > 0
        ? 1 / scaleFactor
        : n / out,
  );
  const make = (k: number) => ({
    index: Array.from({ length: k }, () => new Int32Array(out)),
    weight: Array.from({ length: k }, () => new Float64Array(out)),
  });
  if (mode === 'nearest' || mode === 'nearest-exact') {
    const index = new Int32Array(out);
    const half = mode === 'nearest' ? 0 : 0.5;
    for (let d = 0; d < out; d++) index[d] = Math.min(Math.floor(f32(f32(d + half) * f32(scale))), n - 1);
    return { index: [index], weight: null };
  }
  if (mode === 'area') {
    let k = 1;
    const lo = (i: number) => Math.floor((i * n) / out);
    const hi = (i: number) => Math.ceil(((i + 1) * n) / out);
    for (let d = 0; d < out; d++) k = Math.max(k, hi(d) - lo(d));
    const t = make(k);
    for (let d = 0; d < out; d++) {
      const [s, e] = [lo(d), hi(d)];
      for (let j = 0; j < k; j++) {
        t.index[j][d] = Math.min(s + j, e - 1);
        t.weight[j][d] = s + j < e ? 1 / (e - s) : 0;
      }
    }
    return t;
  }
  const src = (d: number) => (alignCorners ? r(scale * d) : r(r(scale * r(d + 0.5)) - 0.5));
  if (mode === 'bicubic') {
    const t = make(4);
    for (let d = 0; d < out; d++) {
      const x = src(d);
      const x0 = Math.floor(x);
      const u = r(x - x0);
      const w = [cubic2(u + 1, -0.75), cubic1(u, -0.75), cubic1(1 - u, -0.75), cubic2(2 - u, -0.75)];
      for (let j = 0; j < 4; j++) {
        t.index[j][d] = Math.min(Math.max(x0 - 1 + j, 0), n - 1);
        t.weight[j][d] = w[j];
      }
    }
    return t;
  }
  const t = make(2);
  for (let d = 0; d < out; d++) {
    const x = alignCorners ? src(d) : Math.max(src(d), 0);
    const x0 = Math.min(Math.floor(x), n - 1);
    const l = r(x - x0);
    t.index[0][d] = x0;
    t.index[1][d] = x0 < n - 1 ? x0 + 1 : x0;
    t.weight[0][d] = 1 - l;
    t.weight[1][d] = l;
  }
  return t;
}

/**
 * F.interpolate over [N, C, *spatial] with 1 to 3 spatial dims (linear: 1, bilinear/bicubic: 2,
 * trilinear: 3; nearest, nearest-exact, area: any).
 *
 * ```ts
 * const up = F.interpolate(x, { scaleFactor: 2, mode: 'bicubic', alignCorners: false });
 * ```
 */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  const mode = opts.mode ?? 'nearest';
  if (!(mode in RANK))
    throw new RangeError(
      `${op}: mode '${mode}' is not supported (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area)`,
    );
  const interpolating =
    mode === 'linear' || mode === 'bilinear' || mode === 'bicubic' || mode === 'trilinear';
  if (!interpolating && opts.alignCorners !== undefined && opts.alignCorners !== null)
    throw new RangeError(
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  const nd = input.dim() - 2;
  if (nd < 1 || nd > 3)
    throw new ShapeError(
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    );
  const rank = RANK[mode];
  if (rank !== null && rank !== nd)
    throw new ShapeError(`Got ${input.dim()}D input, but ${mode} mode needs ${rank + 2}D input`);
  const space = input.shape.slice(2);
  const hasSize = opts.size !== undefined && opts.size !== null;
  const hasScale = opts.scaleFactor !== undefined && opts.scaleFactor !== null;
  if (hasSize && hasScale) throw new RangeError('only one of size or scale_factor should be defined');
  if (!hasSize && !hasScale) throw new RangeError('either size or scale_factor should be defined');
  const perDim = (v: number | readonly number[], name: string): number[] => {
    const a = typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
    if (a.length === 1 && nd > 1) return new Array<number>(nd).fill(a[0]);
    if (a.length !== nd)
      throw new RangeError(
        `Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(space)} and ${name} of ${fmtShape(a)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${name} in (o1, o2, ...,oK) format.`,
      );
    return a;
  };
  const factors = hasScale ? perDim(opts.scaleFactor as number | number[], 'scale_factor') : undefined;
  const out = hasSize
    ? perDim(opts.size as number | number[], 'output_size')
    : space.map((s, i) => Math.floor(s * factors![i]));
  if (out.some((o) => !Number.isInteger(o) || o <= 0))
    throw new RangeError(
      `${op}: Input and output sizes should be greater than 0, but got input (${space.join(', ')}) and output (${out.join(', ')})`,
    );
  // The op gets the scale factors only when they are not recomputed (area never uses them).
  const useFactor = hasScale && !opts.recomputeScaleFactor && mode !== 'area';
  let y = input;
  for (let i = 0; i < nd; i++) {
    const dim = 2 + i;
    if (mode === 'area' && space[i] === out[i]) continue;
    const t = taps(
      mode,
      space[i],
      out[i],
      useFactor ? factors![i] : undefined,
      !!opts.alignCorners,
      y.dtype === 'float64',
    );
    const at = (ix: Int32Array) => indexSelect(y, dim, tensor(ix, { device: input.device }));
    if (!t.weight) {
      y = at(t.index[0]);
      continue;
    }
    // weights of shape [out, 1, ...] broadcasting along the later dims.
    const wShape = [out[i], ...new Array<number>(nd - 1 - i).fill(1)];
    let acc: Tensor | null = null;
    for (let j = 0; j < t.index.length; j++) {
      const w = tensor(t.weight[j], { device: input.device, dtype: floatOf(y.dtype) });
      const term = mul(at(t.index[j]), reshape(w, wShape));
      acc = acc ? add(acc, term) : term;
    }
    y = acc!;
  }
  return y;
}
