/**
 * nn.utils: gradient clipping and parameter <-> vector helpers. Clipping never reads a value
 * back: the scale is computed on the device as clamp(maxNorm / (total + 1e-6), max=1) and
 * multiplied into every gradient, exactly as torch.nn.utils.clip_grad_norm_.
 */

import { tensor } from '../ops/creation.js';
import { add, clamp, div } from '../ops/pointwise.js';
import { amax, norm } from '../ops/reduce.js';
import { cat, stack } from '../ops/shape.js';
import { describeValue, fn, registerType } from '../signature/bind.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

/** `parameters`: one tensor or any iterable of tensors (a list, `model.parameters()`). */
type TensorOrTensors = Tensor | Iterable<Tensor>;
const isTensorOrTensors = (v: unknown): v is TensorOrTensors =>
  v instanceof Tensor ||
  (typeof v === 'object' && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function');
registerType('TensorOrTensors', isTensorOrTensors, 'a tensor or an iterable of tensors');
declare module '../signature/types.js' {
  interface TypeMap {
    TensorOrTensors: TensorOrTensors;
  }
}
const list = (ps: TensorOrTensors, label: string): Tensor[] => {
  const l = ps instanceof Tensor ? [ps] : [...ps];
  for (const t of l)
    if (!(t instanceof Tensor))
      throw new TypeError(`${label}(): argument 'parameters' must hold tensors, not ${describeValue(t)}`);
  return l;
};

/**
 * Scales all gradients together so their joint `normType`-norm (default 2.0; `'inf'` for the largest
 * magnitude) is at most maxNorm. Returns the total
 * norm (before clipping) as a tensor on the gradients' device: `await total.item()` to log it.
 * `errorIfNonfinite: true` would need a readback and is not supported; `foreach` is accepted
 * (one fused path either way).
 *
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export const clipGradNorm_ = fn(
  'nn.utils.clipGradNorm_',
  'clip_grad_norm_(TensorOrTensors parameters, float max_norm, float|"inf" norm_type=2.0, bool error_if_nonfinite=False, bool? foreach=None)',
  (a) => {
    if (a.errorIfNonfinite)
      throw new RangeError(
        'nn.utils.clipGradNorm_(): error_if_nonfinite=True is not supported (it would read the norm back)',
      );
    const p = a.normType === 'inf' ? Number.POSITIVE_INFINITY : a.normType;
    const maxNorm = a.maxNorm;
    const grads = list(a.parameters, 'nn.utils.clipGradNorm_')
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
  },
);
/** Deprecated PyTorch spelling. */
export const clipGradNorm = clipGradNorm_;

/**
 * Clamps every gradient element into [-clipValue, clipValue], in place; `foreach` (default null) is
 * accepted (one path either way).
 */
export const clipGradValue_ = fn(
  'nn.utils.clipGradValue_',
  'clip_grad_value_(TensorOrTensors parameters, float clip_value, bool? foreach=None)',
  (a): void => {
    const ps = list(a.parameters, 'nn.utils.clipGradValue_');
    noGrad(() => {
      for (const t of ps) if (t.grad) t.grad.clamp_(-a.clipValue, a.clipValue);
    });
  },
);

/** All parameters flattened into one vector (a copy), as parameters_to_vector. */
export const parametersToVector = fn(
  'nn.utils.parametersToVector',
  'parameters_to_vector(TensorOrTensors parameters)',
  (a) => cat(list(a.parameters, 'nn.utils.parametersToVector').map((p) => p.reshape([-1]))),
);

/** Copies consecutive slices of vec into the parameters, in place. */
export const vectorToParameters = fn(
  'nn.utils.vectorToParameters',
  'vector_to_parameters(Tensor vec, TensorOrTensors parameters)',
  ({ vec, parameters }): void => {
    if (vec.dim() !== 1) throw new TypeError(`expected a 1-D vector, got shape [${vec.shape.join(', ')}]`);
    let at = 0;
    const ps = list(parameters, 'nn.utils.vectorToParameters');
    noGrad(() => {
      for (const p of ps) {
        const n = p.numel();
        p.copy_(vec.narrow(0, at, n).reshape(p.shape));
        at += n;
      }
    });
    if (at !== vec.shape[0])
      throw new RangeError(`vector has ${vec.shape[0]} elements, the parameters ${at}`);
  },
);

// ── rnn (helper rnn) ──
/** nn.utils.rnn: PackedSequence, padSequence, packPaddedSequence, padPackedSequence, packSequence. */
export * as rnn from './utils-rnn.js';
// ── modules (helper modules) ──
export { removeSpectralNorm, removeWeightNorm, spectralNorm, weightNorm } from './weight-norm.js';
