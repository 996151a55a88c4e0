/** Activation modules: thin wrappers over the functional ops, with PyTorch's reprs. */
import * as act from '../ops/activation.js';
import { neg, relu, sigmoid, tanh } from '../ops/pointwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { pyBool, pyFloat, pyStr } from './repr.js';

const inplaceRepr = (inplace: boolean) => (inplace ? 'inplace=True' : '');

export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}
export class ReLU6 extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.relu6(x);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}
export class SiLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.silu(x);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}
export class Mish extends Module {
  override forward(x: Tensor): Tensor {
    return act.mish(x);
  }
}
export class SELU extends Module {
  override forward(x: Tensor): Tensor {
    return act.selu(x);
  }
}
export class ELU extends Module {
  constructor(
    readonly alpha = 1,
    readonly inplace = false,
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
export class LeakyReLU extends Module {
  constructor(
    readonly negativeSlope = 0.01,
    readonly inplace = false,
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
    readonly inplace = false,
  ) {
    super();
    if (maxVal <= minVal) throw new RangeError('max_val must be greater than min_val');
  }
  override forward(x: Tensor): Tensor {
    return act.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** PyTorch's legacy choice when `dim` is not given (it warns): 0 for 0-, 1- and 3-D inputs, else 1. */
const implicitDim = (x: Tensor): number => (x.dim() === 0 || x.dim() === 1 || x.dim() === 3 ? 0 : 1);

export class Softmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.softmax(x, this.dim ?? implicitDim(x));
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.logSoftmax(x, this.dim ?? implicitDim(x));
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
export class Softmin extends Module {
  constructor(readonly dim: number | null = null) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return act.softmax(neg(x), this.dim ?? implicitDim(x));
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

export { pyBool };
