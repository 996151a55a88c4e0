/** Upsample and Dropout2d (ops in src/ops/spatial.ts). */

import { dropout2d, type InterpolateMode, interpolate } from '../ops/spatial.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './layers.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/**
 * Resizes [N, C, H, W] (or [N, C, L] for nearest) to `size` or by `scaleFactor`.
 *
 * ```ts
 * const up = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' });
 * ```
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  constructor(
    opts: {
      size?: number | readonly number[] | null;
      scaleFactor?: number | readonly number[] | null;
      mode?: InterpolateMode;
      alignCorners?: boolean | null;
    } = {},
  ) {
    super();
    this.size = opts.size ?? null;
    this.scaleFactor = opts.scaleFactor ?? null;
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners ?? null;
  }
  override forward(input: Tensor): Tensor {
    return interpolate(input, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
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

/** Zeroes whole channels ([N, C, H, W] or [C, H, W]) with probability p in training mode, scaling the rest by 1/(1-p). */
export class Dropout2d extends Dropout {
  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training);
  }
}
