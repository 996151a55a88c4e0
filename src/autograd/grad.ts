/** torch.autograd.grad and backward, and Tensor.backward's work. */

import { E, emptyTensor } from '../ops/core.js';
import { fn } from '../signature/bind.js';
import { AutogradError, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { runBackward } from './engine.js';

const list = (v: Tensor | readonly Tensor[]): readonly Tensor[] => (Array.isArray(v) ? v : [v as Tensor]);
const maybeList = (v: Tensor | readonly (Tensor | null)[] | null): readonly (Tensor | null)[] =>
  v === null ? [] : Array.isArray(v) ? v : [v as Tensor];

/**
 * The gradient a backward starts from: `g` (checked against x's shape), or ones for a
 * one-element x (PyTorch's implicit gradient; anything larger needs `g`).
 */
function seedFor(x: Tensor, g: Tensor | null, i = 0): Tensor {
  if (!g) {
    if (x.numel() !== 1)
      throw new AutogradError(
        `grad can be implicitly created only for scalar outputs (got shape [${x.shape.join(', ')}])`,
      );
    const one = emptyTensor(x.shape, x.dtype, x.device);
    one.backend.elementwise(E.const(1), [], one);
    return one;
  }
  if (g.shape.length !== x.shape.length || g.shape.some((s, j) => s !== x.shape[j]))
    throw new ShapeError(
      `Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(', ')}] and output[${i}] has a shape of [${x.shape.join(', ')}].`,
    );
  return g;
}

/**
 * torch.autograd.grad: the gradients of `outputs` (weighted by `gradOutputs`, default ones for
 * one-element outputs) with respect to `inputs`, returned instead of accumulated into `.grad`.
 * `retainGraph` defaults to `createGraph` (false); `createGraph` records the gradients' own graph
 * (higher-order derivatives); an input the outputs do not reach is an error unless `allowUnused`
 * (then its entry is null). `onlyInputs` is accepted and ignored, as in PyTorch;
 * `isGradsBatched` (vmap over gradOutputs) is not supported.
 */
export const grad = fn(
  'torch.autograd.grad',
  'grad(Tensor|Tensor[] outputs, Tensor|Tensor[] inputs, Tensor|Tensor?[]? grad_outputs=None, bool? retain_graph=None, bool create_graph=False, bool only_inputs=True, bool allow_unused=False, bool is_grads_batched=False)',
  (a): (Tensor | null)[] => {
    if (a.isGradsBatched)
      throw new TypeError('torch.autograd.grad(): isGradsBatched (vmap over gradOutputs) is not supported');
    const outs = list(a.outputs);
    const gos = maybeList(a.gradOutputs);
    const seeds = outs.map((o, i) => seedFor(o, gos[i] ?? null, i));
    const res = runBackward(outs, seeds, {
      retainGraph: a.retainGraph ?? a.createGraph,
      createGraph: a.createGraph,
      inputs: list(a.inputs),
    });
    if (!a.allowUnused && res.some((r) => r === null))
      throw new AutogradError(
        'One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.',
      );
    return res;
  },
);

/**
 * torch.autograd.backward: accumulates into the leaves' `.grad` the gradients of all `tensors`
 * (weighted by `gradTensors`, default ones for one-element tensors) in ONE pass, so a node the
 * tensors share runs once, as in PyTorch. `retainGraph` defaults to `createGraph` (false).
 * `inputs` is not supported here (use torch.autograd.grad).
 */
export const backward = fn(
  'torch.autograd.backward',
  'backward(Tensor|Tensor[] tensors, Tensor|Tensor?[]? grad_tensors=None, bool? retain_graph=None, bool create_graph=False, Tensor|Tensor[]? inputs=None)',
  (a): void => {
    if (a.inputs !== null)
      throw new TypeError(
        "torch.autograd.backward(): 'inputs' is not supported yet; use torch.autograd.grad",
      );
    const ts = list(a.tensors);
    const given = maybeList(a.gradTensors);
    const seeds = ts.map((t, i) => seedFor(t, given[i] ?? null, i));
    runBackward(ts, seeds, { retainGraph: a.retainGraph ?? a.createGraph, createGraph: a.createGraph });
    // The implicit ones are ours: leaves keep detached aliases, so free them now (not at the GC).
    if (!a.createGraph) for (const [i, g] of seeds.entries()) if (!given[i]) g.dispose();
  },
);

/** Tensor.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None). */
export function tensorBackward(
  x: Tensor,
  gradient: Tensor | null,
  o: { retainGraph: boolean | null; createGraph: boolean; inputs: readonly Tensor[] | null },
): void {
  if (o.inputs !== null)
    throw new TypeError("Tensor.backward(): 'inputs' is not supported yet; use torch.autograd.grad");
  const g = seedFor(x, gradient);
  runBackward([x], [g], { retainGraph: o.retainGraph ?? o.createGraph, createGraph: o.createGraph });
  // The implicit ones are ours: leaves keep detached aliases, so free them now (not at the GC).
  if (!gradient && !o.createGraph) g.dispose();
}
