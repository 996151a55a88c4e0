/**
 * Activation modules: thin wrappers over the functional ops, with PyTorch's constructor
 * signatures (bound by src/signature) and reprs. `inplace=True` writes the result into the input.
 */
import * as act from '../ops/activation.js';
import { neg, relu, sigmoid, tanh } from '../ops/pointwise.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { implicitSoftmaxDim } from './functional.js';
import { Module } from './module.js';
import { pyBool, pyFloat, pyStr } from './repr.js';

const inplaceRepr = (inplace: boolean) => (inplace ? 'inplace=True' : '');
const maybeInplace = (x: Tensor, y: Tensor, inplace: boolean): Tensor => (inplace ? x.copy_(y) : y);

const INPLACE = (name: string) => `${name}(bool inplace=False)` as const;

/** A module whose only parameter is `inplace`. */
abstract class InplaceActivation extends Module {
  /** Write the result into the input tensor (constructor option, default false). */
  readonly inplace: boolean;
  constructor(label: string, args: readonly unknown[]) {
    super();
    this.inplace = ctorArgs(`nn.${label}`, INPLACE(label), args).inplace;
  }
  protected abstract fn(x: Tensor): Tensor;
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, this.fn(x), this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}
type InplaceArgs = CallArgs<'f(bool inplace=False)'>;

/**
 * max(0, x) elementwise (`F.relu`). Constructor: `inplace` (default false). Input (*),
 * output the same shape.
 */
export class ReLU extends InplaceActivation {
  constructor(...args: InplaceArgs) {
    super('ReLU', args);
  }
  protected fn(x: Tensor): Tensor {
    return relu(x);
  }
}
/**
 * min(max(0, x), 6) elementwise. Constructor: `inplace` (default false). Input (*), output the same shape.
 */
export class ReLU6 extends InplaceActivation {
  constructor(...args: InplaceArgs) {
    super('ReLU6', args);
  }
  protected fn(x: Tensor): Tensor {
    return act.relu6(x);
  }
}
/**
 * x * sigmoid(x) elementwise (swish). Constructor: `inplace` (default false). Input (*), output the same
 * shape.
 */
export class SiLU extends InplaceActivation {
  constructor(...args: InplaceArgs) {
    super('SiLU', args);
  }
  protected fn(x: Tensor): Tensor {
    return act.silu(x);
  }
}
/**
 * x * tanh(softplus(x)) elementwise. Constructor: `inplace` (default false). Input (*), output the same
 * shape.
 */
export class Mish extends InplaceActivation {
  constructor(...args: InplaceArgs) {
    super('Mish', args);
  }
  protected fn(x: Tensor): Tensor {
    return act.mish(x);
  }
}
/**
 * Scaled ELU, scale * elu(x, alpha) with the fixed alpha ≈ 1.6733, scale ≈ 1.0507 (self-normalizing
 * networks). Constructor: `inplace` (default false). Input (*), output the same shape.
 */
export class SELU extends InplaceActivation {
  constructor(...args: InplaceArgs) {
    super('SELU', args);
  }
  protected fn(x: Tensor): Tensor {
    return act.selu(x);
  }
}

const SIGMOID = 'Sigmoid()';
/** 1 / (1 + exp(-x)) elementwise; no constructor options. Input (*), output the same shape. */
export class Sigmoid extends Module {
  constructor(...args: CallArgs<typeof SIGMOID>) {
    super();
    ctorArgs('nn.Sigmoid', SIGMOID, args);
  }
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
const TANH = 'Tanh()';
/** tanh(x) elementwise; no constructor options. Input (*), output the same shape. */
export class Tanh extends Module {
  constructor(...args: CallArgs<typeof TANH>) {
    super();
    ctorArgs('nn.Tanh', TANH, args);
  }
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
const GELU_SIG = 'GELU("none"|"tanh" approximate="none")';
/**
 * x * Φ(x), Φ the standard normal CDF. Constructor: `approximate` `'none'` (default, exact erf) or `'tanh'`
 * (the tanh approximation). Input (*), output the same shape.
 */
export class GELU extends Module {
  /** `'none'` (exact) or `'tanh'` (approximation); constructor option, default `'none'`. */
  readonly approximate: 'none' | 'tanh';
  constructor(...args: CallArgs<typeof GELU_SIG>) {
    super();
    this.approximate = ctorArgs('nn.GELU', GELU_SIG, args).approximate;
  }
  override forward(x: Tensor): Tensor {
    return act.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}
const ELU_SIG = 'ELU(float alpha=1.0, bool inplace=False)';
/**
 * x for x > 0, alpha * (exp(x) - 1) otherwise. Constructor: `alpha` (default 1.0), `inplace` (default false).
 * Input (*), output the same shape.
 */
export class ELU extends Module {
  /** The negative-side scale (constructor option, default 1.0). */
  readonly alpha: number;
  /** Write the result into the input tensor (constructor option, default false). */
  readonly inplace: boolean;
  constructor(...args: CallArgs<typeof ELU_SIG>) {
    super();
    const a = ctorArgs('nn.ELU', ELU_SIG, args);
    this.alpha = a.alpha;
    this.inplace = a.inplace;
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, act.elu(x, this.alpha), this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
const LEAKY_RELU = 'LeakyReLU(float negative_slope=0.01, bool inplace=False)';
/**
 * x for x ≥ 0, negativeSlope * x otherwise. Constructor: `negativeSlope` (default 0.01), `inplace` (default
 * false). Input (*), output the same shape.
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs (constructor option, default 0.01). */
  readonly negativeSlope: number;
  /** Write the result into the input tensor (constructor option, default false). */
  readonly inplace: boolean;
  constructor(...args: CallArgs<typeof LEAKY_RELU>) {
    super();
    const a = ctorArgs('nn.LeakyReLU', LEAKY_RELU, args);
    this.negativeSlope = a.negativeSlope;
    this.inplace = a.inplace;
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, act.leakyRelu(x, this.negativeSlope), this.inplace);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
const SOFTPLUS = 'Softplus(float beta=1.0, float threshold=20.0)';
/**
 * log(1 + exp(beta * x)) / beta, switching to x where beta * x > threshold. Constructor: `beta` (default
 * 1.0), `threshold` (default 20.0). Input (*), output the same shape.
 */
export class Softplus extends Module {
  /** Sharpness (constructor option, default 1.0). */
  readonly beta: number;
  /** Above beta * x > threshold the output is x (constructor option, default 20.0). */
  readonly threshold: number;
  constructor(...args: CallArgs<typeof SOFTPLUS>) {
    super();
    const a = ctorArgs('nn.Softplus', SOFTPLUS, args);
    this.beta = a.beta;
    this.threshold = a.threshold;
  }
  override forward(x: Tensor): Tensor {
    return act.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
const HARDTANH =
  'Hardtanh(float min_val=-1.0, float max_val=1.0, bool inplace=False, float? min_value=None, float? max_value=None)';
/**
 * Clamps x to [minVal, maxVal]. Constructor: `minVal` (default -1.0), `maxVal` (default 1.0), `inplace`
 * (default false); the deprecated `minValue`/`maxValue` spellings win when given. Input (*), output the same
 * shape.
 */
export class Hardtanh extends Module {
  /** Lower bound (constructor option, default -1.0). */
  readonly minVal: number;
  /** Upper bound (constructor option, default 1.0). */
  readonly maxVal: number;
  /** Write the result into the input tensor (constructor option, default false). */
  readonly inplace: boolean;
  constructor(...args: CallArgs<typeof HARDTANH>) {
    super();
    const a = ctorArgs('nn.Hardtanh', HARDTANH, args);
    // min_value/max_value: PyTorch's deprecated spellings, which win when given.
    this.minVal = a.minValue ?? a.minVal;
    this.maxVal = a.maxValue ?? a.maxVal;
    this.inplace = a.inplace;
    if (this.maxVal <= this.minVal) throw new RangeError('max_val must be greater than min_val');
  }
  override forward(x: Tensor): Tensor {
    return maybeInplace(x, act.hardtanh(x, this.minVal, this.maxVal), this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** Softmax, LogSoftmax, Softmin: `dim=None` takes PyTorch's legacy implicit dim. */
abstract class SoftmaxLike extends Module {
  /**
   * The dimension reduced over (constructor option, default null: PyTorch's legacy implicit dim, 0 for 0-, 1-
   * and 3-D inputs, else 1).
   */
  readonly dim: number | null;
  constructor(label: string, args: readonly unknown[]) {
    super();
    this.dim = ctorArgs(`nn.${label}`, `${label}(int? dim=None)` as const, args).dim;
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
type DimArgs = CallArgs<'f(int? dim=None)'>;
/**
 * exp(x) / sum(exp(x)) along `dim`, so slices along it sum to 1. Constructor: `dim` (default null, the legacy
 * implicit dim). Input (*), output the same shape.
 */
export class Softmax extends SoftmaxLike {
  constructor(...args: DimArgs) {
    super('Softmax', args);
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim); // bound: autocast sees it
  }
}
/**
 * log(softmax(x)) along `dim`, computed stably. Constructor: `dim` (default null, the legacy implicit dim).
 * Input (*), output the same shape.
 */
export class LogSoftmax extends SoftmaxLike {
  constructor(...args: DimArgs) {
    super('LogSoftmax', args);
  }
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
}
/**
 * softmax(-x) along `dim`. Constructor: `dim` (default null, the legacy implicit dim). Input (*), output the
 * same shape.
 */
export class Softmin extends SoftmaxLike {
  constructor(...args: DimArgs) {
    super('Softmin', args);
  }
  override forward(x: Tensor): Tensor {
    return act.softmax(neg(x), this.dim ?? implicitSoftmaxDim(x));
  }
}

export { pyBool };

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.ReLU', INPLACE('ReLU'), ReLU);
registerCtor('nn.ReLU6', INPLACE('ReLU6'), ReLU6);
registerCtor('nn.SiLU', INPLACE('SiLU'), SiLU);
registerCtor('nn.Mish', INPLACE('Mish'), Mish);
registerCtor('nn.SELU', INPLACE('SELU'), SELU);
registerCtor('nn.Sigmoid', SIGMOID, Sigmoid);
registerCtor('nn.Tanh', TANH, Tanh);
registerCtor('nn.GELU', GELU_SIG, GELU);
registerCtor('nn.ELU', ELU_SIG, ELU);
registerCtor('nn.LeakyReLU', LEAKY_RELU, LeakyReLU);
registerCtor('nn.Softplus', SOFTPLUS, Softplus);
registerCtor('nn.Hardtanh', HARDTANH, Hardtanh);
registerCtor('nn.Softmax', 'Softmax(int? dim=None)', Softmax);
registerCtor('nn.LogSoftmax', 'LogSoftmax(int? dim=None)', LogSoftmax);
registerCtor('nn.Softmin', 'Softmin(int? dim=None)', Softmin);
