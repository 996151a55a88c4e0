/** Spatial helpers of image models: F.dropout2d (and F.interpolate, re-exported from resample.ts). */
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { E, ewise, type Tensor } from './core.js';
import { rand } from './creation.js';
import { mul } from './pointwise.js';

// F.interpolate, every mode, lives in resample.ts (one separable resampling definition).
export { type InterpolateMode, type InterpolateOptions, interpolate } from './resample.js';

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
