/** torch.autograd.grad and backward, and Tensor.backward's work. */

import { E, emptyTensor } from '../ops/core.js';
import { AutogradError, ShapeError } from '../tensor/errors.js';
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

/** torch.autograd.backward(tensors, gradTensors): each tensor's backward in turn. */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: readonly (Tensor | null)[],
  opts: BackwardOptions = {},
): void {
  const ts = Array.isArray(tensors) ? tensors : [tensors as Tensor];
  ts.forEach((t, i) => {
    tensorBackward(t, gradTensors?.[i] ?? null, {
      retainGraph: opts.retainGraph ?? i < ts.length - 1,
      createGraph: opts.createGraph ?? false,
      inputs: null,
    });
  });
}

/** Tensor.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None). */
export function tensorBackward(
  x: Tensor,
  gradient: Tensor | null,
  o: { retainGraph: boolean | null; createGraph: boolean; inputs: readonly Tensor[] | null },
): void {
  let g = gradient;
  if (!g) {
    if (x.numel() !== 1)
      throw new AutogradError(
        `grad can be implicitly created only for scalar outputs (got shape [${x.shape.join(', ')}])`,
      );
    g = emptyTensor(x.shape, x.dtype, x.device);
    g.backend.elementwise(E.const(1), [], g);
  } else if (g.shape.length !== x.shape.length || g.shape.some((s, i) => s !== x.shape[i]))
    throw new ShapeError(
      `Mismatch in shape: grad_output[0] has a shape of [${g.shape.join(', ')}] and output[0] has a shape of [${x.shape.join(', ')}].`,
    );
  if (o.inputs !== null)
    throw new TypeError("Tensor.backward(): 'inputs' is not supported yet; use torch.autograd.grad");
  runBackward([x], [g], { retainGraph: o.retainGraph ?? o.createGraph, createGraph: o.createGraph });
  // The implicit ones are ours: leaves keep detached aliases, so free them now (not at the GC).
  if (!gradient && !o.createGraph) g.dispose();
}
