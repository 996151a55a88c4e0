/** torch.autograd: grad, backward, and the gradcheck utility. */

import { E, emptyTensor } from '../ops/core.js';
import { AutogradError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BackwardOptions, runBackward } from './engine.js';

/** torch.autograd.grad(outputs, inputs, {gradOutputs, retainGraph, createGraph, allowUnused}). */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: BackwardOptions & { gradOutputs?: Tensor | readonly (Tensor | null)[]; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const gos =
    opts.gradOutputs === undefined
      ? []
      : Array.isArray(opts.gradOutputs)
        ? opts.gradOutputs
        : [opts.gradOutputs as Tensor];
  const seeds = outs.map((o, i) => {
    const g = gos[i];
    if (g) return g;
    if (o.numel() !== 1)
      throw new AutogradError(
        `grad can be implicitly created only for scalar outputs (got shape [${o.shape.join(', ')}])`,
      );
    const one = emptyTensor(o.shape, o.dtype, o.device);
    one.backend.elementwise(E.const(1), [], one);
    return one;
  });
  const res = runBackward(outs, seeds, {
    retainGraph: opts.retainGraph,
    createGraph: opts.createGraph,
    inputs: ins,
  });
  if (!opts.allowUnused && res.some((r) => r === null))
    throw new AutogradError(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.',
    );
  return res;
}

/** torch.autograd.backward(tensors, gradTensors). */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: readonly (Tensor | null)[],
  opts: BackwardOptions = {},
): void {
  const ts = Array.isArray(tensors) ? tensors : [tensors as Tensor];
  ts.forEach((t, i) => {
    t.backward(gradTensors?.[i] ?? null, { ...opts, retainGraph: opts.retainGraph ?? i < ts.length - 1 });
  });
}

export { gradcheck } from './gradcheck.js';
