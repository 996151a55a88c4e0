/** Convolution layers: Conv1d, Conv2d, ConvTranspose2d (ops in src/ops/conv.ts). */

import { type ConvPadding, conv1d, conv2d, convTranspose2d, type IntOrPair, tuple } from '../ops/conv.js';
import { empty } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import * as init from './init.js';
import type { FactoryOptions } from './layers.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyTuple } from './repr.js';

export interface ConvLayerOptions extends FactoryOptions {
  stride?: IntOrPair;
  padding?: ConvPadding;
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
  /** Only 'zeros' (PyTorch's default) is supported. */
  paddingMode?: 'zeros';
}

/**
 * Shared by Conv1d/Conv2d/ConvTranspose2d: PyTorch's _ConvNd init, weight ~ kaiming_uniform_(a=sqrt(5))
 * and bias ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn from the weight (in/groups * kernel).
 */
abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: IntOrPair,
    nd: number,
    transposed: boolean,
    opts: ConvLayerOptions & { outputPadding?: IntOrPair },
  ) {
    super();
    const name = this.constructor.name;
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new RangeError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    if (opts.paddingMode !== undefined && opts.paddingMode !== 'zeros')
      throw new RangeError(`${name}: padding_mode '${opts.paddingMode}' is not supported (only 'zeros')`);
    this.kernelSize = tuple(name, 'kernel_size', kernelSize, nd);
    this.stride = tuple(name, 'stride', opts.stride ?? 1, nd);
    this.dilation = tuple(name, 'dilation', opts.dilation ?? 1, nd);
    this.groups = groups;
    const p = opts.padding ?? 0;
    if (typeof p === 'string') {
      if (p !== 'same' && p !== 'valid')
        throw new RangeError(`Invalid padding string '${p}', should be one of ['valid', 'same']`);
      if (p === 'same' && this.stride.some((s) => s !== 1))
        throw new RangeError("padding='same' is not supported for strided convolutions");
      this.padding = p;
    } else this.padding = tuple(name, 'padding', p, nd);
    const f = { device: opts.device, dtype: opts.dtype };
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = Parameter(empty(shape, f));
    this.bias = opts.bias === false ? null : Parameter(empty([outChannels], f));
    this.resetParameters();
  }
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
 * 2-d convolution over [N, Cin, H, W] (or unbatched [Cin, H, W]).
 *
 * ```ts
 * const conv = new nn.Conv2d(1, 16, 3, { padding: 1 });
 * const y = conv(torch.randn([64, 1, 28, 28]));   // [64, 16, 28, 28]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrPair, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, 2, false, opts);
  }
  override forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, this.convOptions);
  }
}

/** 1-d convolution over [N, Cin, L] (or unbatched [Cin, L]). */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrPair, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, 1, false, opts);
  }
  override forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, this.convOptions);
  }
}

export interface ConvTransposeLayerOptions extends Omit<ConvLayerOptions, 'padding'> {
  padding?: IntOrPair;
  outputPadding?: IntOrPair;
}

/**
 * The transposed 2-d convolution (the gradient of Conv2d with respect to its input), weight
 * [Cin, Cout/groups, kh, kw]. Output size per dim: (in - 1)*stride - 2*padding +
 * dilation*(k - 1) + outputPadding + 1.
 */
export class ConvTranspose2d extends ConvNd {
  readonly outputPadding: number[];
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrPair,
    opts: ConvTransposeLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 2, true, opts);
    this.outputPadding = tuple('ConvTranspose2d', 'output_padding', opts.outputPadding ?? 0, 2);
  }
  override forward(input: Tensor): Tensor {
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}
