/** Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (ops in src/ops/pool.ts). */

import type { IntOrPair } from '../ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { pyBool } from './repr.js';

const pyInts = (v: IntOrPair | null | readonly (number | null)[]): string =>
  v === null
    ? 'None'
    : typeof v === 'number'
      ? String(v)
      : `(${v.map((x) => (x === null ? 'None' : x)).join(', ')})`;

// Ints as given (`2`, not `[2, 2]`), so the repr reads as PyTorch's.
const MAX_POOL2D =
  'MaxPool2d(int|int[] kernel_size, int|int[]? stride=None, int|int[] padding=0, int|int[] dilation=1, bool return_indices=False, bool ceil_mode=False)';
const AVG_POOL2D =
  'AvgPool2d(int|int[] kernel_size, int|int[]? stride=None, int|int[] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)';
const ADAPTIVE_AVG_POOL2D = 'AdaptiveAvgPool2d(int?|int?[] output_size)';

/**
 * Max over each window; `returnIndices` makes forward return [values, indices].
 *
 * ```ts
 * const pool = new nn.MaxPool2d(2);
 * pool(torch.randn([64, 16, 28, 28]));   // [64, 16, 14, 14]
 * ```
 */
export class MaxPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;
  constructor(...args: CallArgs<typeof MAX_POOL2D>) {
    super();
    const a = ctorArgs('nn.MaxPool2d', MAX_POOL2D, args);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.returnIndices = a.returnIndices;
    this.ceilMode = a.ceilMode;
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
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(...args: CallArgs<typeof AVG_POOL2D>) {
    super();
    const a = ctorArgs('nn.AvgPool2d', AVG_POOL2D, args);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
    this.divisorOverride = a.divisorOverride;
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
  readonly outputSize: number | null | readonly (number | null)[];
  constructor(...args: CallArgs<typeof ADAPTIVE_AVG_POOL2D>) {
    super();
    this.outputSize = ctorArgs('nn.AdaptiveAvgPool2d', ADAPTIVE_AVG_POOL2D, args).outputSize;
  }
  override forward(input: Tensor): Tensor {
    const o = this.outputSize;
    return adaptiveAvgPool2d(input, o === null ? [null, null] : o);
  }
  override extraRepr(): string {
    return `output_size=${pyInts(this.outputSize)}`;
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.MaxPool2d', MAX_POOL2D, MaxPool2d);
registerCtor('nn.AvgPool2d', AVG_POOL2D, AvgPool2d);
registerCtor('nn.AdaptiveAvgPool2d', ADAPTIVE_AVG_POOL2D, AdaptiveAvgPool2d);
