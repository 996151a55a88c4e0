/** Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d (ops in src/ops/conv.ts). */

import { tuple } from '../ops/conv.js';
import { empty } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { DeviceLike } from '../tensor/device.js';
import type { DTypeLike } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import * as init from './init.js';
import { factory } from './layers.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyTuple } from './repr.js';

const convSig = (name: string, nd: 1 | 2 | 3) =>
  `${name}(int in_channels, int out_channels, int[${nd}] kernel_size, int[${nd}] stride=1, int[${nd}]|"same"|"valid" padding=0, int[${nd}] dilation=1, int groups=1, bool bias=True, "zeros"|"reflect"|"replicate"|"circular" padding_mode="zeros", *, Device? device=None, ScalarType? dtype=None)` as const;
const CONV2D = convSig('Conv2d', 2);
const CONV1D = convSig('Conv1d', 1);
const CONV_TRANSPOSE2D =
  'ConvTranspose2d(int in_channels, int out_channels, int[2] kernel_size, int[2] stride=1, int[2] padding=0, int[2] output_padding=0, int groups=1, bool bias=True, int[2] dilation=1, "zeros"|"reflect"|"replicate"|"circular" padding_mode="zeros", *, Device? device=None, ScalarType? dtype=None)';

/** What ConvNd reads of its bound constructor arguments. */
interface ConvArgs {
  inChannels: number;
  outChannels: number;
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: number | readonly number[] | 'same' | 'valid';
  dilation: readonly number[];
  groups: number;
  bias: boolean;
  paddingMode: string;
  device: DeviceLike | null;
  dtype: DTypeLike | null;
}

/**
 * Shared by Conv1d/Conv2d/ConvTranspose2d: PyTorch's _ConvNd init, weight ~ kaiming_uniform_(a=sqrt(5))
 * and bias ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn from the weight (in/groups * kernel).
 */
abstract class ConvNd extends Module {
  /**
   * (outChannels, inChannels / groups, ...kernelSize); transposed layers (inChannels, outChannels / groups,
   * ...kernelSize). Initialized from U(-1/sqrt(fanIn), 1/sqrt(fanIn)) (kaiming_uniform_ with a = sqrt(5)),
   * fanIn = weight.size(1) · prod(kernelSize).
   */
  weight: Parameter;
  /** (outChannels), initialized from U(-1/sqrt(fanIn), 1/sqrt(fanIn)); null when built with `bias: false`. */
  bias: Parameter | null;
  /** Channels of the input (C_in). */
  readonly inChannels: number;
  /** Channels of the output (C_out). */
  readonly outChannels: number;
  /** Kernel extent per spatial dimension. */
  readonly kernelSize: number[];
  /** Step per spatial dimension (constructor option, default 1). */
  readonly stride: number[];
  /** Implicit zero padding per spatial dimension, or `'same'` / `'valid'` (constructor option, default 0). */
  readonly padding: number[] | 'same' | 'valid';
  /** Spacing between kernel taps per spatial dimension (constructor option, default 1). */
  readonly dilation: number[];
  /**
   * Channel groups convolved separately; inChannels and outChannels must be divisible by it (constructor
   * option, default 1).
   */
  readonly groups: number;
  constructor(name: string, a: ConvArgs, nd: number, transposed: boolean) {
    super();
    const { inChannels, outChannels, groups } = a;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    if (groups <= 0) throw new RangeError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    if (a.paddingMode !== 'zeros')
      throw new RangeError(`${name}: padding_mode '${a.paddingMode}' is not supported (only 'zeros')`);
    this.kernelSize = tuple(name, 'kernel_size', a.kernelSize, nd);
    this.stride = tuple(name, 'stride', a.stride, nd);
    this.dilation = tuple(name, 'dilation', a.dilation, nd);
    this.groups = groups;
    const p = a.padding;
    if (typeof p === 'string') {
      if (p === 'same' && this.stride.some((s) => s !== 1))
        throw new RangeError("padding='same' is not supported for strided convolutions");
      this.padding = p;
    } else this.padding = tuple(name, 'padding', p, nd);
    const f = factory(a);
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = Parameter(empty(shape, f));
    this.bias = a.bias ? Parameter(empty([outChannels], f)) : null;
    this.resetParameters();
  }
  /** Re-draws `weight` and `bias` from their initial distributions, in place. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  protected get convOptions() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    const op = (this as { outputPadding?: number[] }).outputPadding;
    if (op?.some((p) => p !== 0)) s += `, output_padding=${pyTuple(op)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    return s;
  }
}

/**
 * 2-D convolution (cross-correlation) over input (N, C_in, H, W) or unbatched (C_in, H, W), output (N, C_out,
 * H_out, W_out) with H_out = floor((H + 2 · padding - dilation · (kH - 1) - 1) / stride + 1), likewise W_out.
 *
 * Constructor, in PyTorch's order: `inChannels`, `outChannels`, `kernelSize` (int or pair), `stride` (default
 * 1), `padding` (default 0; an int, a pair, `'same'` for unit stride, or `'valid'`), `dilation` (default 1),
 * `groups` (default 1), `bias` (default true), `paddingMode` (only `'zeros'`, the default), and the
 * keyword-only `device`, `dtype`. `new nn.Conv2d(1, 32, 3, 2)` has stride 2.
 *
 * ```ts
 * const conv = new nn.Conv2d(1, 16, 3, { padding: 1 });
 * const y = conv(torch.randn([64, 1, 28, 28]));   // [64, 16, 28, 28]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(...args: CallArgs<typeof CONV2D>) {
    super('Conv2d', ctorArgs('nn.Conv2d', CONV2D, args), 2, false);
  }
  override forward(input: Tensor): Tensor {
    return F.conv2d(input, this.weight, this.bias, this.convOptions); // bound: autocast sees it
  }
}

/**
 * 1-D convolution over input (N, C_in, L) or unbatched (C_in, L), output (N, C_out, L_out) with L_out =
 * floor((L + 2 · padding - dilation · (k - 1) - 1) / stride + 1). Constructor as Conv2d's with single ints:
 * `inChannels`, `outChannels`, `kernelSize`, `stride` (default 1), `padding` (default 0, `'same'` or
 * `'valid'`), `dilation` (default 1), `groups` (default 1), `bias` (default true), `paddingMode` (only
 * `'zeros'`), keyword-only `device`, `dtype`.
 */
export class Conv1d extends ConvNd {
  constructor(...args: CallArgs<typeof CONV1D>) {
    super('Conv1d', ctorArgs('nn.Conv1d', CONV1D, args), 1, false);
  }
  override forward(input: Tensor): Tensor {
    return F.conv1d(input, this.weight, this.bias, this.convOptions); // bound: autocast sees it
  }
}

/**
 * Transposed 2-D convolution (the gradient of Conv2d with respect to its input), over (N, C_in, H, W) or
 * (C_in, H, W). Output size per spatial dimension: (in - 1) · stride - 2 · padding + dilation · (k - 1) +
 * outputPadding + 1.
 *
 * Constructor: `inChannels`, `outChannels`, `kernelSize`, `stride` (default 1), `padding` (default 0),
 * `outputPadding` (default 0), `groups` (default 1), `bias` (default true), `dilation` (default 1),
 * `paddingMode` (only `'zeros'`), keyword-only `device`, `dtype`. Weight (C_in, C_out / groups, kH, kW).
 */
export class ConvTranspose2d extends ConvNd {
  /**
   * Extra size added to one side of each output dimension, to pick among the sizes a strided convolution maps
   * to the same input size (constructor option, default 0).
   */
  readonly outputPadding: number[];
  constructor(...args: CallArgs<typeof CONV_TRANSPOSE2D>) {
    const a = ctorArgs('nn.ConvTranspose2d', CONV_TRANSPOSE2D, args);
    super('ConvTranspose2d', a, 2, true);
    this.outputPadding = [...a.outputPadding];
  }
  override forward(input: Tensor): Tensor {
    // bound: autocast sees it
    return F.convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.Conv1d', CONV1D, Conv1d);
registerCtor('nn.Conv2d', CONV2D, Conv2d);
registerCtor('nn.ConvTranspose2d', CONV_TRANSPOSE2D, ConvTranspose2d);

// ── nn.functional more (helper nnfunc) ──
const CONV3D = convSig('Conv3d', 3);
const CONV_TRANSPOSE1D =
  'ConvTranspose1d(int in_channels, int out_channels, int[1] kernel_size, int[1] stride=1, int[1] padding=0, int[1] output_padding=0, int groups=1, bool bias=True, int[1] dilation=1, "zeros"|"reflect"|"replicate"|"circular" padding_mode="zeros", *, Device? device=None, ScalarType? dtype=None)';
const CONV_TRANSPOSE3D =
  'ConvTranspose3d(int in_channels, int out_channels, int[3] kernel_size, int[3] stride=1, int[3] padding=0, int[3] output_padding=0, int groups=1, bool bias=True, int[3] dilation=1, "zeros"|"reflect"|"replicate"|"circular" padding_mode="zeros", *, Device? device=None, ScalarType? dtype=None)';

/**
 * Transposed 1-D convolution over (N, C_in, L) or (C_in, L); L_out = (L - 1) · stride - 2 · padding +
 * dilation · (k - 1) + outputPadding + 1. Constructor as ConvTranspose2d's with single ints (stride 1,
 * padding 0, outputPadding 0, groups 1, bias true, dilation 1 by default). Weight (C_in, C_out / groups, k).
 */
export class ConvTranspose1d extends ConvNd {
  /** Extra size added to one side of the output (constructor option, default 0). */
  readonly outputPadding: number[];
  constructor(...args: CallArgs<typeof CONV_TRANSPOSE1D>) {
    const a = ctorArgs('nn.ConvTranspose1d', CONV_TRANSPOSE1D, args);
    super('ConvTranspose1d', a, 1, true);
    this.outputPadding = [...a.outputPadding];
  }
  override forward(input: Tensor): Tensor {
    // bound: autocast sees it
    return F.convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/**
 * Transposed 3-D convolution over (N, C_in, D, H, W) or unbatched; each output size (in - 1) · stride - 2 ·
 * padding + dilation · (k - 1) + outputPadding + 1. Constructor as ConvTranspose2d's with triples (stride 1,
 * padding 0, outputPadding 0, groups 1, bias true, dilation 1 by default). Weight (C_in, C_out / groups, kD,
 * kH, kW).
 */
export class ConvTranspose3d extends ConvNd {
  /** Extra size added to one side of each output dimension (constructor option, default 0). */
  readonly outputPadding: number[];
  constructor(...args: CallArgs<typeof CONV_TRANSPOSE3D>) {
    const a = ctorArgs('nn.ConvTranspose3d', CONV_TRANSPOSE3D, args);
    super('ConvTranspose3d', a, 3, true);
    this.outputPadding = [...a.outputPadding];
  }
  override forward(input: Tensor): Tensor {
    // bound: autocast sees it
    return F.convTranspose3d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}
/**
 * 3-D convolution over (N, C_in, D, H, W) or unbatched (C_in, D, H, W), output (N, C_out, D_out, H_out,
 * W_out), each size floor((in + 2 · padding - dilation · (k - 1) - 1) / stride + 1). Constructor as Conv2d's
 * with triples: stride 1, padding 0 (or `'same'` / `'valid'`), dilation 1, groups 1, bias true, paddingMode
 * `'zeros'` by default; keyword-only `device`, `dtype`.
 */
export class Conv3d extends ConvNd {
  constructor(...args: CallArgs<typeof CONV3D>) {
    super('Conv3d', ctorArgs('nn.Conv3d', CONV3D, args), 3, false);
  }
  override forward(input: Tensor): Tensor {
    return F.conv3d(input, this.weight, this.bias, this.convOptions); // bound: autocast sees it
  }
}
registerCtor('nn.Conv3d', CONV3D, Conv3d);
registerCtor('nn.ConvTranspose1d', CONV_TRANSPOSE1D, ConvTranspose1d);
registerCtor('nn.ConvTranspose3d', CONV_TRANSPOSE3D, ConvTranspose3d);
