/**
 * Activations and softmax: compositions of pointwise ops and reductions (STYLE.md §1), so
 * their gradients, devices and fusion come free. Where a single expression is both faster and
 * as stable, it is one `ewise` with its derivative as another expression.
 */

import { floatOf, isHalf, promoteTypes } from '../tensor/dtype.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { isGradEnabled } from '../tensor/state.js';
import {
  E,
  type Ex,
  emptyTensor,
  ewise,
  freeWithNode,
  needsGrad,
  normDim,
  record,
  record1,
  type Tensor,
} from './core.js';
import { rand } from './creation.js';
import { add, div, erf, exp, log, mul, relu, sigmoid, sub, tanh, where } from './pointwise.js';
import { amax, sum } from './reduce.js';
import { contiguous, reshape } from './shape.js';

/**
 * y = f(x) with dy/dx = d(x) as expressions: one kernel forward, one backward. The kernel
 * derivative is not itself recorded, so an activation with a non-constant derivative also gives
 * it as ops (`dOps`), used when the backward runs with grad enabled (createGraph: double
 * backward, gradient penalties); piecewise-linear ones need none (their d' is 0 a.e.).
 */
function pointwise(name: string, f: (x: Ex) => Ex, d: (x: Ex) => Ex, dOps?: (x: Tensor) => Tensor) {
  return (x: Tensor): Tensor => {
    const out = ewise(name, f, [x], floatOf(x.dtype));
    return record1(name, out, [x], (g) => [
      // Without a graph to record, g · d(x) is one kernel (no temporary for d(x)).
      isGradEnabled()
        ? mul(g, dOps ? dOps(x) : ewise(`${name}_grad`, d, [x], floatOf(x.dtype)))
        : ewise(
            `${name}_backward`,
            (gg, v) => E.mul(gg, d(v)),
            [g, x],
            promoteTypes(g.dtype, floatOf(x.dtype)),
          ),
    ]);
  };
}
const gtMask = (x: Tensor, t: number) => ewise('gt', (v) => E.gt(v, t), [x], 'bool');

export { relu, sigmoid, tanh };

export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor =>
  pointwise(
    'leaky_relu',
    (v) => E.where(E.gt(v, 0), v, E.mul(v, negativeSlope)),
    (v) => E.where(E.gt(v, 0), 1, negativeSlope),
  )(x);

export const elu = (x: Tensor, alpha = 1): Tensor =>
  pointwise(
    'elu',
    (v) => E.where(E.gt(v, 0), v, E.mul(E.expm1(v), alpha)),
    (v) => E.where(E.gt(v, 0), 1, E.mul(E.exp(v), alpha)),
    (t) => where(gtMask(t, 0), 1, mul(exp(t), alpha)),
  )(x);

export const selu = (x: Tensor): Tensor => {
  const a = 1.6732632423543772;
  const s = 1.0507009873554805;
  return pointwise(
    'selu',
    (v) => E.mul(E.where(E.gt(v, 0), v, E.mul(E.expm1(v), a)), s),
    (v) => E.mul(E.where(E.gt(v, 0), 1, E.mul(E.exp(v), a)), s),
    (t) => mul(where(gtMask(t, 0), 1, mul(exp(t), a)), s),
  )(x);
};

export const hardtanh = (x: Tensor, minVal = -1, maxVal = 1): Tensor =>
  pointwise(
    'hardtanh',
    (v) => E.min(E.max(v, minVal), maxVal),
    (v) => E.cast('f32', E.and(E.gt(v, minVal), E.lt(v, maxVal))),
  )(x);

export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** softplus(x) = log(1 + exp(beta x)) / beta, linear above threshold (PyTorch's). */
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor =>
  pointwise(
    'softplus',
    (v) => E.where(E.gt(E.mul(v, beta), threshold), v, E.div(E.log1p(E.exp(E.mul(v, beta))), beta)),
    (v) => E.where(E.gt(E.mul(v, beta), threshold), 1, E.recip(E.add(E.exp(E.neg(E.mul(v, beta))), 1))),
    (t) => where(gtMask(mul(t, beta), threshold), 1, sigmoid(mul(t, beta))),
  )(x);

const sig = (v: Ex) => E.recip(E.add(E.exp(E.neg(v)), 1));
export const silu = pointwise(
  'silu',
  (v) => E.mul(v, sig(v)),
  (v) => E.mul(sig(v), E.add(1, E.mul(v, E.sub(1, sig(v))))),
  (t) => {
    const s = sigmoid(t);
    return mul(s, add(mul(t, sub(1, s)), 1));
  },
);
export const mish = (x: Tensor): Tensor => mul(x, tanh(softplus(x)));

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_PI = Math.sqrt(2 / Math.PI);
/** GELU, exact (erf) or the tanh approximation, as F.gelu. */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if (opts.approximate === 'tanh') {
    const inner = (v: Ex) => E.mul(SQRT_2_PI, E.add(v, E.mul(0.044715, E.mul(v, E.mul(v, v)))));
    return pointwise(
      'gelu_tanh',
      (v) => E.mul(E.mul(0.5, v), E.add(1, E.tanh(inner(v)))),
      (v) => {
        const t = E.tanh(inner(v));
        const dinner = E.mul(SQRT_2_PI, E.add(1, E.mul(3 * 0.044715, E.mul(v, v))));
        return E.add(E.mul(0.5, E.add(1, t)), E.mul(E.mul(0.5, v), E.mul(E.sub(1, E.mul(t, t)), dinner)));
      },
      (v) => {
        const t = tanh(mul(add(v, mul(mul(mul(v, v), v), 0.044715)), SQRT_2_PI));
        const dinner = mul(add(mul(mul(v, v), 3 * 0.044715), 1), SQRT_2_PI);
        return add(mul(add(t, 1), 0.5), mul(mul(v, 0.5), mul(sub(1, mul(t, t)), dinner)));
      },
    )(x);
  }
  // CPU only: a WebGPU step is bound by its dispatches, and keeping Phi costs one more. Not for
  // 16-bit floats: Phi would be kept rounded to them (the fused kernels compute it in float32).
  const keepPhi = x.device.type === 'cpu' && (x.dtype === 'float32' || x.dtype === 'float64');
  return keepPhi && needsGrad([x]) ? geluSavingCdf(x) : geluExact(x);
}

/** Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF; phi(x) its density. */
const cdf = (v: Ex) => E.mul(0.5, E.add(1, E.erf(E.mul(v, SQRT1_2))));
const pdfTimes = (v: Ex) => E.mul(v, E.mul(1 / Math.sqrt(2 * Math.PI), E.exp(E.mul(-0.5, E.mul(v, v)))));
const geluDOps = (v: Tensor) =>
  add(
    mul(add(erf(mul(v, SQRT1_2)), 1), 0.5),
    mul(v, mul(exp(mul(mul(v, v), -0.5)), 1 / Math.sqrt(2 * Math.PI))),
  );
const geluExact = pointwise(
  'gelu',
  (v) => E.mul(E.mul(0.5, v), E.add(1, E.erf(E.mul(v, SQRT1_2)))),
  (v) => E.add(cdf(v), pdfTimes(v)),
  geluDOps,
);

/**
 * GELU with a graph (perfgpt3): Phi(x) is computed once and kept for the backward, which then
 * evaluates only the density's exp, g (Phi + x phi(x)), instead of erf and exp again (erf is
 * the costlier: about half the GELU backward's time in the nanoGPT step). x Phi(x) equals the
 * fused forward's (x / 2)(1 + erf) (halving is exact). Phi goes back to the pool when the node
 * is released. Under createGraph the backward is the recorded ops, as `pointwise`'s.
 */
function geluSavingCdf(x: Tensor): Tensor {
  const dt = floatOf(x.dtype);
  const c = ewise('gelu_cdf', cdf, [x], dt);
  const out = ewise('gelu', (v, p) => E.mul(v, p), [x, c], dt);
  record1('gelu', out, [x], (g) => [
    isGradEnabled()
      ? mul(g, geluDOps(x))
      : ewise(
          'gelu_backward',
          (gg, v, p) => E.mul(gg, E.add(p, pdfTimes(v))),
          [g, x, c],
          promoteTypes(g.dtype, dt),
        ),
  ]);
  if (out.gradFn) out.gradFn.onRelease(() => c.dispose());
  else c.dispose();
  return out;
}

/** x - max(x) along d (detached), for stability; an empty x has no max and needs no shift. */
const shiftByMax = (x: Tensor, d: number) =>
  x.numel() === 0 ? x : sub(x, amax(x, d, { keepdim: true }).detach());

/** log_softmax along dim: x - max - log(sum(exp(x - max))), the max detached for stability. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  const d = normDim(dim, x.dim(), 'log_softmax');
  return fusedLogSoftmax(x, d) ?? logSoftmaxComposed(x, d);
}

function logSoftmaxComposed(x: Tensor, d: number): Tensor {
  const z = shiftByMax(x, d);
  return sub(z, log(sum(exp(z), d, { keepdim: true })));
}

// --- perfgpu ---
let fusedLsmDisabled = false;
/** Tests and the bench: force the composed logSoftmax everywhere. */
export function setFusedLogSoftmax(on: boolean): void {
  fusedLsmDisabled = !on;
}

/**
 * logSoftmax over the last dim through the backend's routines (one kernel forward, one
 * backward on WebGPU); null where they are absent or the dim is not the last (composed). Under
 * createGraph the backward is the composed formula g - exp(y) * sum(g), differentiable.
 */
function fusedLogSoftmax(x: Tensor, d: number): Tensor | null {
  const r = x.backend.routines;
  if (fusedLsmDisabled || !r?.logSoftmax || !r.logSoftmaxBackward) return null;
  // float32, and float16/bfloat16 (installHalf hands the routine float32 copies; it rounds once)
  if ((x.dtype !== 'float32' && !isHalf(x.dtype)) || x.numel() === 0 || d !== x.dim() - 1) return null;
  const C = x.shape[d];
  const M = x.numel() / C;
  const out = emptyTensor([M, C], x.dtype, x.device);
  r.logSoftmax(reshape(x, [M, C]), out);
  const result = reshape(out, x.shape);
  record('log_softmax', result, [x], (gs) => {
    const g = gs[0]!;
    if (isGradEnabled()) {
      const y = logSoftmaxComposed(x, d);
      return [sub(g, mul(exp(y), sum(g, d, { keepdim: true })))];
    }
    const dx = emptyTensor([M, C], x.dtype, x.device);
    // Through x.backend, fetched now: the guarded backend checks the saved output.
    x.backend.routines!.logSoftmaxBackward!(reshape(contiguous(g), [M, C]), out, dx);
    return [reshape(dx, x.shape)];
  });
  return result;
}

export function softmax(x: Tensor, dim = -1): Tensor {
  const d = normDim(dim, x.dim(), 'softmax');
  const e = exp(shiftByMax(x, d));
  return div(e, sum(e, d, { keepdim: true }));
}

/** F.dropout: zeroes with probability p and scales the rest by 1/(1-p) in training mode. */
export function dropout(
  x: Tensor,
  p = 0.5,
  training = true,
  generator: Generator = defaultGenerator,
): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  if (x.dtype === 'float32' || x.dtype === 'float64') {
    // --- perfgpu2: mask and product in one kernel each way (was rand, mask, mul forward):
    // y = x * (u >= p ? s : 0), dx = g * (u >= p ? s : 0), the uniforms u saved instead of the
    // mask. s rounded to x's dtype first, so the values are the composed ones bit for bit. ---
    const u = rand(x.shape, { device: x.device, generator });
    const s = x.dtype === 'float32' ? Math.fround(1 / (1 - p)) : 1 / (1 - p);
    const keep = (v: Ex) => E.where(E.ge(v, p), s, 0);
    const out = ewise('dropout', (a, v) => E.mul(a, keep(v)), [x, u], x.dtype);
    record1('dropout', out, [x], (g) => [
      isGradEnabled()
        ? mul(g, ewise('dropout_mask', keep, [u], x.dtype))
        : ewise('dropout_backward', (gg, v) => E.mul(gg, keep(v)), [g, u], promoteTypes(g.dtype, x.dtype)),
    ]);
    freeWithNode(out, u); // the draws serve only the backward
    return out;
  }
  const u = rand(x.shape, { device: x.device, generator });
  const keep = ewise('dropout_mask', (v) => E.where(E.ge(v, p), 1 / (1 - p), 0), [u], floatOf(x.dtype));
  u.dispose(); // the draws are this op's own: back to the pool now, not at the next GC
  return mul(x, keep);
}

export { add, where };
