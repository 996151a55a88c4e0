/**
 * nn.Parameter: a Tensor that a Module registers as a parameter. It shares the storage of the
 * tensor it wraps and is a leaf with `requiresGrad` (default true), as torch.nn.Parameter.
 *
 * ```ts
 * const w = nn.Parameter(torch.randn([3, 4]));       // or: new nn.Parameter(...)
 * ```
 */

import { zeros } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { Tensor } from '../tensor/tensor.js';

const PARAMETER = 'Parameter(Tensor? data=None, bool requires_grad=True)';
type ParameterArgs = CallArgs<typeof PARAMETER>;

class ParameterImpl extends Tensor {
  constructor(...args: ParameterArgs) {
    const a = ctorArgs('nn.Parameter', PARAMETER, args);
    const d = a.data ?? zeros([0]);
    d.checkAlive();
    super(d.storage, d.shape, d.strides, d.offset, d.dtype, d.device);
    if (a.requiresGrad) this.requiresGrad_(true);
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** The instance type: a Tensor (its methods return plain Tensors). */
export type Parameter = ParameterImpl;

interface ParameterConstructor {
  new (...args: ParameterArgs): Parameter;
  /** PyTorch spelling without `new`: `nn.Parameter(t)`. */
  (...args: ParameterArgs): Parameter;
  readonly prototype: Parameter;
}

/**
 * nn.Parameter(data = null, requiresGrad = true): a leaf tensor sharing `data`'s storage (an empty float
 * tensor when null) that Modules register as a parameter when it is assigned to a field. Callable with or
 * without `new`; `instanceof Parameter` works either way.
 */
export const Parameter = new Proxy(ParameterImpl, {
  apply: (target, _this, args: ParameterArgs) => new target(...args),
}) as unknown as ParameterConstructor;

/**
 * Whether `x` is an nn.Parameter (a tensor made by `nn.Parameter(...)`, which Modules register as a
 * parameter).
 */
export const isParameter = (x: unknown): x is Parameter => x instanceof ParameterImpl;

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.Parameter', PARAMETER, ParameterImpl);
