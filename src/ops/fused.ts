/**
 * Fused paths (STYLE.md §4): used when the backend has the routine, otherwise the composed
 * definition runs. test/ops/fused.test.ts checks both agree.
 */

import type { View } from '../backend/backend.js';
import { isGradEnabled } from '../tensor/state.js';
import { softmax } from './activation.js';
import {
  E,
  type Ex,
  emptyTensor,
  ewise,
  expandView,
  needsGrad,
  record1,
  type Tensor,
  viewOf,
} from './core.js';
import { div, mul, sub } from './pointwise.js';
import { sum } from './reduce.js';
import { unsqueeze } from './shape.js';

/** What the fused loss kernels take: float32 x [N, C] (float64 takes the composed path), target [N]. */
const lossRows = (x: Tensor, target: Tensor): boolean =>
  x.dtype === 'float32' && x.dim() === 2 && target.dim() === 1 && target.shape[0] === x.shape[0];

/**
 * Cross-entropy over logits [N, C] with int targets [N] in one kernel each way: the forward
 * writes per-row losses and the softmax; the backward is (softmax - onehot(target)) * g.
 */
export function fusedCrossEntropy(
  logits: Tensor,
  target: Tensor,
  ignoreIndex: number,
  reduction: 'mean' | 'sum' | 'none',
): Tensor | null {
  const routine = logits.backend.routines?.logSoftmaxNll;
  if (!routine || !lossRows(logits, target)) return null;
  const [N, C] = logits.shape;
  if (reduction !== 'none' && logits.backend.routines?.logSoftmaxNllReduced)
    return fusedReduced(logits, target, ignoreIndex, reduction);
  const loss = emptyTensor([N], 'float32', logits.device);
  const probs = emptyTensor([N, C], 'float32', logits.device);
  routine(logits, target, ignoreIndex, loss, probs);
  const rows = record1('cross_entropy', loss, [logits], (g) => {
    // d loss_n / d x_nc = (p_nc - [c == t_n]) for rows whose target is not ignored.
    const t2 = expandView(unsqueeze(target, 1), [N, C]);
    const cls = classIndex(C, logits);
    if (isGradEnabled()) {
      // createGraph: the same formula from recorded ops, so it can be differentiated again
      // (the kernel's saved probabilities carry no graph).
      const onehot = ewise(
        'one_hot',
        (t, c) => E.cast('f32', E.eq(t, c)),
        [unsqueeze(target, 1), cls],
        'float32',
      );
      const rowScale = mul(
        unsqueeze(g, 1),
        ewise('valid', (t) => E.cast('f32', E.ne(t, ignoreIndex)), [unsqueeze(target, 1)], 'float32'),
      );
      return [mul(sub(softmax(logits, 1), onehot), rowScale)];
    }
    const grad = emptyTensor([N, C], 'float32', logits.device);
    grad.backend.elementwise(
      E.mul(
        E.where(
          E.eq(E.input(1), ignoreIndex),
          0,
          E.sub(E.input(0), E.cast('f32', E.eq(E.input(1), E.input(2)))),
        ),
        E.input(3),
      ),
      [probs, t2, expandView(cls, [N, C]), expandView(unsqueeze(g, 1), [N, C])],
      grad,
    );
    return [grad];
  });
  if (reduction === 'none') return rows;
  if (reduction === 'sum') return sum(rows);
  const count = sum(ewise('valid', (t) => E.cast('f32', E.ne(t, ignoreIndex)), [target], 'float32'));
  return div(sum(rows), count);
}

/**
 * 'mean'/'sum' cross-entropy as one kernel each way (backend routine logSoftmaxNllReduced): the
 * forward writes [loss, scale] and the softmax; the backward is (softmax - onehot) * g * scale.
 * The softmax and scale are this op's own: they go back to the pool when the node is released
 * after backward (or with the GC if backward never runs).
 */
function fusedReduced(
  logits: Tensor,
  target: Tensor,
  ignoreIndex: number,
  reduction: 'mean' | 'sum',
): Tensor {
  const [N, C] = logits.shape;
  const both = emptyTensor([2], 'float32', logits.device); // [loss, scale]
  const probs = emptyTensor([N, C], 'float32', logits.device);
  logits.backend.routines!.logSoftmaxNllReduced!(logits, target, ignoreIndex, reduction, both, probs);
  const loss = viewOf(both, [], [], 0);
  const scale = viewOf(both, [1, 1], [0, 0], 1); // broadcastable against [N, C]
  both.dispose();
  if (!needsGrad([logits])) {
    probs.dispose();
    scale.dispose();
    return loss;
  }
  record1('cross_entropy', loss, [logits], (g) => {
    const cls = classIndex(C, logits);
    if (isGradEnabled()) {
      const t2 = unsqueeze(target, 1);
      const valid = (t: Ex) => E.cast('f32', E.ne(t, ignoreIndex));
      // createGraph: the same formula from recorded ops (the kernel's softmax carries no graph).
      const onehot = ewise('one_hot', (t, c) => E.cast('f32', E.eq(t, c)), [t2, cls], 'float32');
      const rowScale = mul(mul(g, scale), ewise('valid', valid, [t2], 'float32'));
      return [mul(sub(softmax(logits, 1), onehot), rowScale)];
    }
    // Same expression as the per-row path: ignored rows give 0 * (g * scale). Plain views, no
    // temporary tensors: one dispatch, nothing left for the GC.
    const grad = emptyTensor([N, C], 'float32', logits.device);
    const direct = grad.backend.routines?.logSoftmaxNllReducedBackward;
    if (direct) {
      direct(probs, target, ignoreIndex, g, scale, grad);
      return [grad];
    }
    const bcast = (v: View): View => ({ ...v, shape: [N, C], strides: [0, 0] });
    grad.backend.elementwise(
      E.mul(
        E.where(
          E.eq(E.input(1), ignoreIndex),
          0,
          E.sub(E.input(0), E.cast('f32', E.eq(E.input(1), E.input(2)))),
        ),
        E.mul(E.input(3), E.input(4)),
      ),
      [
        probs,
        { ...target, shape: [N, C], strides: [target.strides[0], 0] },
        expandView(cls, [N, C]),
        bcast(g),
        bcast(scale),
      ],
      grad,
    );
    return [grad];
  });
  loss.gradFn!.onRelease(() => {
    probs.dispose();
    scale.dispose();
  });
  return loss;
}

const classCache = new Map<string, Tensor>();
/** [1, C] int32 class ids on the logits' device, cached (small, bounded by distinct C). */
function classIndex(C: number, like: Tensor): Tensor {
  const key = `${like.device}:${C}`;
  let t = classCache.get(key);
  if (!t || t.isDisposed) {
    t = emptyTensor([1, C], 'int32', like.device);
    t.backend.write(
      t.storage,
      Int32Array.from({ length: C }, (_, i) => i),
    );
    if (classCache.size > 64) classCache.clear();
    classCache.set(key, t);
  }
  return t;
}

export { mul };

// --- perfgpu2 ---
/**
 * F.nll_loss 'mean'/'sum' over log-probabilities [N, C] without class weights, one kernel each
 * way where the backend has routines.nllReduced: the forward writes [loss, scale]; the backward
 * is -g * scale at each row's target (0 in rows whose target is ignoreIndex), one elementwise
 * pass. Null where it does not apply (the composed nllLoss runs).
 */
export function fusedNll(
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
  reduction: 'mean' | 'sum',
): Tensor | null {
  const routine = input.backend.routines?.nllReduced;
  if (!routine || !lossRows(input, target) || target.device.type !== input.device.type) return null;
  const [N, C] = input.shape;
  const both = emptyTensor([2], 'float32', input.device); // [loss, scale]
  routine(input, target, ignoreIndex, reduction, both);
  const loss = viewOf(both, [], [], 0);
  const scale = viewOf(both, [1, 1], [0, 0], 1); // broadcastable against [N, C]
  both.dispose();
  if (!needsGrad([input])) {
    scale.dispose();
    return loss;
  }
  record1('nll_loss', loss, [input], (g) => {
    const cls = classIndex(C, input);
    const t2 = unsqueeze(target, 1);
    const picked = (t: Ex, c: Ex) => E.and(E.eq(t, c), E.ne(t, ignoreIndex));
    if (isGradEnabled()) {
      // createGraph: the same formula from recorded ops.
      const onehot = ewise('nll_pick', (t, c) => E.cast('f32', picked(t, c)), [t2, cls], 'float32');
      return [mul(onehot, mul(mul(g, scale), -1))];
    }
    const grad = emptyTensor([N, C], 'float32', input.device);
    const bcast = (v: View): View => ({ ...v, shape: [N, C], strides: [0, 0] });
    grad.backend.elementwise(
      E.where(picked(E.input(0), E.input(1)), E.neg(E.mul(E.input(2), E.input(3))), 0),
      [
        { ...target, shape: [N, C], strides: [target.strides[0], 0] },
        expandView(cls, [N, C]),
        bcast(g),
        bcast(scale),
      ],
      grad,
    );
    return [grad];
  });
  loss.gradFn!.onRelease(() => scale.dispose());
  return loss;
}
