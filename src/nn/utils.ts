/**
 * nn.utils: gradient clipping and parameter <-> vector helpers. Clipping never reads a value
 * back: the scale is computed on the device as clamp(maxNorm / (total + 1e-6), max=1) and
 * multiplied into every gradient, exactly as torch.nn.utils.clip_grad_norm_.
 */

import { tensor } from '../ops/creation.js';
import { add, clamp, div } from '../ops/pointwise.js';
import { amax, norm } from '../ops/reduce.js';
import { cat, stack } from '../ops/shape.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

type Params = Tensor | Iterable<Tensor>;
const list = (ps: Params): Tensor[] => (ps instanceof Tensor ? [ps] : [...ps]);

/**
 * Scales all gradients together so their joint p-norm is at most maxNorm. Returns the total
 * norm (before clipping) as a tensor on the gradients' device: `await total.item()` to log it.
 *
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm_(parameters: Params, maxNorm: number, normType: number | 'inf' = 2): Tensor {
  const p = normType === 'inf' ? Number.POSITIVE_INFINITY : normType;
  const grads = list(parameters)
    .map((t) => t.grad)
    .filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return tensor(0);
  return noGrad(() => {
    const norms = grads.map((g) =>
      p === Number.POSITIVE_INFINITY ? amax(g.detach().abs()) : norm(g.detach(), p),
    );
    const stacked = stack(norms.map((n) => (n.device.equals(grads[0].device) ? n : n.to(grads[0].device))));
    const total = p === Number.POSITIVE_INFINITY ? amax(stacked) : norm(stacked, p);
    const coef = clamp(div(maxNorm, add(total, 1e-6)), { max: 1 });
    for (const g of grads) g.mul_(coef.device.equals(g.device) ? coef : coef.to(g.device));
    return total;
  });
}
/** Deprecated PyTorch spelling. */
export const clipGradNorm = clipGradNorm_;

/** Clamps every gradient element into [-clipValue, clipValue], in place. */
export function clipGradValue_(parameters: Params, clipValue: number): void {
  noGrad(() => {
    for (const t of list(parameters)) if (t.grad) t.grad.clamp_(-clipValue, clipValue);
  });
}

/** All parameters flattened into one vector (a copy), as parameters_to_vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const ps = [...parameters];
  return cat(ps.map((p) => p.reshape([-1])));
}

/** Copies consecutive slices of vec into the parameters, in place. */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (vec.dim() !== 1) throw new TypeError(`expected a 1-D vector, got shape [${vec.shape.join(', ')}]`);
  let at = 0;
  noGrad(() => {
    for (const p of parameters) {
      const n = p.numel();
      p.copy_(vec.narrow(0, at, n).reshape(p.shape));
      at += n;
    }
  });
  if (at !== vec.shape[0]) throw new RangeError(`vector has ${vec.shape[0]} elements, the parameters ${at}`);
}
