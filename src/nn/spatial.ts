/** Upsample and Dropout2d (ops in src/ops/spatial.ts). */

import { dropout2d, type InterpolateMode, interpolate } from '../ops/spatial.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './layers.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

const UPSAMPLE =
  'Upsample(int|int[]? size=None, float|float[]? scale_factor=None, "nearest"|"linear"|"bilinear"|"bicubic"|"trilinear"|"area"|"nearest-exact" mode="nearest", bool? align_corners=None, bool? recompute_scale_factor=None)';

/**
 * Resizes the spatial dimensions of (N, C, L), (N, C, H, W) or (N, C, D, H, W) to `size`, or by `scaleFactor`
 * (give one), as F.interpolate. Constructor: `size` (default null), `scaleFactor` (default null), `mode`
 * (default `'nearest'`; also `'linear'`, `'bilinear'`, `'bicubic'`, `'trilinear'`, `'area'`,
 * `'nearest-exact'`), `alignCorners` (default null, i.e. false), `recomputeScaleFactor` (default null).
 *
 * ```ts
 * const up = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' });
 * ```
 */
export class Upsample extends Module {
  /**
   * Target output size of the spatial dimensions (constructor option, default null; give it or
   * `scaleFactor`).
   */
  readonly size: number | readonly number[] | null;
  /** Multiplier of the spatial sizes (constructor option, default null). */
  readonly scaleFactor: number | readonly number[] | null;
  /** Interpolation mode (constructor option, default `'nearest'`). */
  readonly mode: InterpolateMode;
  /**
   * For the linear modes, map corner pixel centres onto each other (constructor option, default null, i.e.
   * false).
   */
  readonly alignCorners: boolean | null;
  /**
   * Compute the interpolation from the output size rather than the given scale factor (constructor option,
   * default null).
   */
  readonly recomputeScaleFactor: boolean | null;
  constructor(...args: CallArgs<typeof UPSAMPLE>) {
    super();
    const a = ctorArgs('nn.Upsample', UPSAMPLE, args);
    this.size = a.size;
    this.scaleFactor = a.scaleFactor;
    this.mode = a.mode;
    this.alignCorners = a.alignCorners;
    this.recomputeScaleFactor = a.recomputeScaleFactor;
  }
  override forward(input: Tensor): Tensor {
    return interpolate(input, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }
  override extraRepr(): string {
    const sf = this.scaleFactor;
    const info =
      sf !== null
        ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')})`}`
        : `size=${typeof this.size === 'number' ? this.size : `(${this.size?.join(', ')})`}`;
    return `${info}, mode='${this.mode}'`;
  }
}

/**
 * In training, zeroes whole channels of (N, C, H, W) or (C, H, W), each with probability `p`, and scales the
 * others by 1/(1 - p); the identity in eval. Constructor: `p` (default 0.5), `inplace` (default false).
 */
export class Dropout2d extends Dropout {
  override forward(input: Tensor): Tensor {
    const y = dropout2d(input, this.p, this.training);
    return this.inplace && this.training ? input.copy_(y) : y;
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.Upsample', UPSAMPLE, Upsample);
registerCtor('nn.Dropout2d', 'Dropout2d(float p=0.5, bool inplace=False)', Dropout2d);
