/**
 * nn.Parameter: a Tensor that a Module registers as a parameter. It shares the storage of the
 * tensor it wraps and is a leaf with `requiresGrad` (default true), as torch.nn.Parameter.
 *
 * ```ts
 * const w = nn.Parameter(torch.randn([3, 4]));       // or: new nn.Parameter(...)
 * ```
 */

import { zeros } from '../ops/creation.js';
import { Tensor } from '../tensor/tensor.js';

class ParameterImpl extends Tensor {
  constructor(data?: Tensor, requiresGrad = true) {
    const d = data ?? zeros([0]);
    d.checkAlive();
    super(d.storage, d.shape, d.strides, d.offset, d.dtype, d.device);
    if (requiresGrad) this.requiresGrad_(true);
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** The instance type: a Tensor (its methods return plain Tensors). */
export type Parameter = ParameterImpl;

interface ParameterConstructor {
  new (data?: Tensor, requiresGrad?: boolean): Parameter;
  /** PyTorch spelling without `new`: `nn.Parameter(t)`. */
  (data?: Tensor, requiresGrad?: boolean): Parameter;
  readonly prototype: Parameter;
}

/**
 * A class that may also be called without `new`: the Proxy's apply trap constructs. `instanceof
 * Parameter` works either way (the Proxy forwards `prototype` and `Symbol.hasInstance`).
 */
export const Parameter = new Proxy(ParameterImpl, {
  apply: (target, _this, args: [Tensor?, boolean?]) => new target(...args),
}) as unknown as ParameterConstructor;

export const isParameter = (x: unknown): x is Parameter => x instanceof ParameterImpl;
