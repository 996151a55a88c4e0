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
 * Maximum over kH × kW windows of (N, C, H, W) or (C, H, W), output (N, C, H_out, W_out) with H_out =
 * floor((H + 2 · padding - dilation · (kH - 1) - 1) / stride + 1) (ceil with `ceilMode`), likewise W_out.
 * Padding is implicit -∞.
 *
 * Constructor: `kernelSize` (int or pair), `stride` (default null: the kernel size), `padding` (default 0),
 * `dilation` (default 1), `returnIndices` (default false: true makes forward return [values, indices] for
 * MaxUnpool2d), `ceilMode` (default false).
 *
 * ```ts
 * const pool = new nn.MaxPool2d(2);
 * pool(torch.randn([64, 16, 28, 28]));   // [64, 16, 14, 14]
 * ```
 */
export class MaxPool2d extends Module {
  /** Window size, an int or [kH, kW]. */
  readonly kernelSize: IntOrPair;
  /** Window step (constructor option, default: the kernel size). */
  readonly stride: IntOrPair;
  /** Implicit -∞ padding on each side (constructor option, default 0). */
  readonly padding: IntOrPair;
  /** Spacing between window elements (constructor option, default 1). */
  readonly dilation: IntOrPair;
  /** Whether forward also returns the argmax indices (constructor option, default false). */
  readonly returnIndices: boolean;
  /** Round the output size up instead of down (constructor option, default false). */
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

/**
 * Mean over kH × kW windows of (N, C, H, W) or (C, H, W), output sizes as MaxPool2d's with dilation 1.
 * Constructor: `kernelSize`, `stride` (default null: the kernel size), `padding` (default 0, zeros),
 * `ceilMode` (default false), `countIncludePad` (default true: padding zeros count in the divisor),
 * `divisorOverride` (default null: a fixed divisor instead of the window size).
 */
export class AvgPool2d extends Module {
  /** Window size, an int or [kH, kW]. */
  readonly kernelSize: IntOrPair;
  /** Window step (constructor option, default: the kernel size). */
  readonly stride: IntOrPair;
  /** Implicit zero padding on each side (constructor option, default 0). */
  readonly padding: IntOrPair;
  /** Round the output size up instead of down (constructor option, default false). */
  readonly ceilMode: boolean;
  /** Whether padding zeros count in the divisor (constructor option, default true). */
  readonly countIncludePad: boolean;
  /** A fixed divisor replacing the window size (constructor option, default null). */
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

/**
 * Average pooling of (N, C, H, W) or (C, H, W) to a fixed output size (N, C, oH, oW), whatever the input's H
 * and W: each output cell averages the input cells [floor(i · H / oH), ceil((i + 1) · H / oH)). Constructor:
 * `outputSize`, an int for both, a pair, or null entries to keep that dimension.
 */
export class AdaptiveAvgPool2d extends Module {
  /** The target (oH, oW) as given; null keeps a dimension. */
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
