/** Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (ops in src/ops/pool.ts). */

import type { IntOrPair } from '../ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { pyBool } from './repr.js';

const pyInts = (v: IntOrPair | readonly (number | null)[]): string =>
  typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : x)).join(', ')})`;

/**
 * Max over each window; `returnIndices` makes forward return [values, indices].
 *
 * ```ts
 * const pool = new nn.MaxPool2d(2);
 * pool(torch.randn([64, 16, 28, 28]));   // [64, 16, 14, 14]
 * ```
 */
export class MaxPool2d extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;
  constructor(
    readonly kernelSize: IntOrPair,
    opts: {
      stride?: IntOrPair | null;
      padding?: IntOrPair;
      dilation?: IntOrPair;
      returnIndices?: boolean;
      ceilMode?: boolean;
    } = {},
  ) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = opts.returnIndices ?? false;
    this.ceilMode = opts.ceilMode ?? false;
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    const o = {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
    return this.returnIndices
      ? maxPool2d(input, this.kernelSize, { ...o, returnIndices: true })
      : maxPool2d(input, this.kernelSize, o);
  }
  override extraRepr(): string {
    return `kernel_size=${pyInts(this.kernelSize)}, stride=${pyInts(this.stride)}, padding=${pyInts(this.padding)}, dilation=${pyInts(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Mean over each window (padding counted unless countIncludePad is false). */
export class AvgPool2d extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(
    readonly kernelSize: IntOrPair,
    opts: {
      stride?: IntOrPair | null;
      padding?: IntOrPair;
      ceilMode?: boolean;
      countIncludePad?: boolean;
      divisorOverride?: number | null;
    } = {},
  ) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }
  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }
  override extraRepr(): string {
    return `kernel_size=${pyInts(this.kernelSize)}, stride=${pyInts(this.stride)}, padding=${pyInts(this.padding)}`;
  }
}

/** Averages into a fixed output size [oh, ow] whatever the input size (null keeps a dim). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: IntOrPair | readonly (number | null)[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyInts(this.outputSize)}`;
  }
}
