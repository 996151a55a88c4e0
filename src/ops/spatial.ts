/**
 * Spatial helpers of image models: F.interpolate (nearest, bilinear) and F.dropout2d.
 *
 * interpolate is separable: along each spatial dim the output picks source rows with
 * index_select (whose backward is a scatter-add), bilinear blends two picks with per-row
 * weights. Index and weight tables are host-built, one entry per output row/column.
 */
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { E, ewise, type Tensor } from './core.js';
import { rand, tensor } from './creation.js';
import { indexSelect } from './indexing.js';
import { add, mul } from './pointwise.js';
import { reshape } from './shape.js';

export type InterpolateMode = 'nearest' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size (an int for every dim, or one per dim). */
  size?: number | readonly number[] | null;
  /** Multiplier of the input size (output = floor(input * scale)). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** bilinear only: map corner pixel centres onto corner pixel centres. */
  alignCorners?: boolean | null;
  /** Use in/out for the coordinate map even when scaleFactor was given. */
  recomputeScaleFactor?: boolean | null;
}

/** One dim's source indices (and bilinear weights) for `out` output positions. */
function plan(
  mode: InterpolateMode,
  n: number,
  out: number,
  scaleFactor: number | undefined,
  alignCorners: boolean,
): { i0: Int32Array; i1?: Int32Array; w1?: Float32Array } {
  const i0 = new Int32Array(out);
  if (mode === 'nearest') {
    // PyTorch's nearest_idx: floor(dst * scale) in float32, scale = 1/factor or in/out.
    const scale = Math.fround(scaleFactor ? 1 / scaleFactor : n / out);
    for (let d = 0; d < out; d++) i0[d] = Math.min(Math.floor(Math.fround(d * scale)), n - 1);
    return { i0 };
  }
  const i1 = new Int32Array(out);
  const w1 = new Float32Array(out);
  // area_pixel_compute_scale / area_pixel_compute_source_index
  const scale = alignCorners ? (out > 1 ? (n - 1) / (out - 1) : 0) : scaleFactor ? 1 / scaleFactor : n / out;
  for (let d = 0; d < out; d++) {
    const src = alignCorners ? scale * d : Math.max(scale * (d + 0.5) - 0.5, 0);
    const lo = Math.min(Math.floor(src), n - 1);
    i0[d] = lo;
    i1[d] = lo < n - 1 ? lo + 1 : lo;
    w1[d] = src - lo;
  }
  return { i0, i1, w1 };
}

/**
 * F.interpolate for 3-d [N, C, L] (nearest) and 4-d [N, C, H, W] (nearest, bilinear) inputs.
 *
 * ```ts
 * const up = F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' });  // [N, C, 2H, 2W]
 * ```
 */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear')
    throw new RangeError(`${op}: mode '${mode}' is not supported (nearest, bilinear)`);
  const nd = input.dim() - 2;
  if (nd < 1 || nd > 2 || (mode === 'bilinear' && nd !== 2))
    throw new ShapeError(
      `${op}: ${mode} expects a ${mode === 'bilinear' ? '4-d' : '3-d or 4-d'} input [N, C, ...], got ${fmtShape(input.shape)}`,
    );
  if (mode === 'nearest' && opts.alignCorners !== undefined && opts.alignCorners !== null)
    throw new RangeError(
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  const space = input.shape.slice(2);
  const hasSize = opts.size !== undefined && opts.size !== null;
  const hasScale = opts.scaleFactor !== undefined && opts.scaleFactor !== null;
  if (hasSize === hasScale)
    throw new RangeError(`${op}: exactly one of size or scale_factor should be defined`);
  const perDim = (v: number | readonly number[], name: string): number[] => {
    const a = typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
    if (a.length !== nd)
      throw new RangeError(
        `${op}: Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(space)} and output size of ${fmtShape(a)}.`,
      );
    return a;
  };
  const factors = hasScale ? perDim(opts.scaleFactor as number | number[], 'scale_factor') : undefined;
  const out = hasSize
    ? perDim(opts.size as number | number[], 'size')
    : space.map((s, i) => Math.floor(s * factors![i]));
  if (out.some((o) => !Number.isInteger(o) || o <= 0))
    throw new RangeError(`${op}: output size must be positive integers, got ${fmtShape(out)}`);
  const useFactor = hasScale && !opts.recomputeScaleFactor;
  let y = input;
  for (let i = 0; i < nd; i++) {
    const dim = 2 + i;
    const p = plan(mode, space[i], out[i], useFactor ? factors![i] : undefined, !!opts.alignCorners);
    const at = (ix: Int32Array) => indexSelect(y, dim, tensor(ix, { device: input.device }));
    if (!p.i1 || !p.w1) {
      y = at(p.i0);
      continue;
    }
    // w of shape [out, 1, ...] broadcasting along the later dims.
    const wShape = [out[i], ...new Array<number>(nd - 1 - i).fill(1)];
    const w1 = reshape(tensor(p.w1, { device: input.device }), wShape);
    const w0 = ewise('rsub', (a) => E.sub(1, a), [w1], 'float32');
    y = add(mul(at(p.i0), w0), mul(at(p.i1), w1));
  }
  return y;
}

/**
 * F.dropout2d: zeroes whole channels with probability p (training), scaling the kept ones by
 * 1/(1-p). Input [N, C, H, W], or [C, H, W] as one unbatched sample.
 */
export function dropout2d(
  input: Tensor,
  p = 0.5,
  training = true,
  generator: Generator = defaultGenerator,
): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (input.dim() !== 3 && input.dim() !== 4)
    throw new ShapeError(
      `dropout2d: expected a 3-d [C, H, W] or 4-d [N, C, H, W] input, got ${fmtShape(input.shape)}`,
    );
  if (!training || p === 0) return input;
  if (p === 1) return mul(input, 0);
  const maskShape = input.shape.map((s, i) => (i < input.dim() - 2 ? s : 1));
  const keep = ewise(
    'dropout2d_mask',
    (u) => E.where(E.ge(u, p), 1 / (1 - p), 0),
    [rand(maskShape, { device: input.device, generator })],
    'float32',
  );
  return mul(input, keep);
}
