/**
 * Loss functions (F.*), composed from ops. Cross-entropy takes the fused log-softmax + NLL
 * routine where the backend has one; the composed path stays as the tested reference.
 */
import { isFloat, isHalf, isIndexDType } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { logSoftmax } from './activation.js';
import { E, ewise, record1, type Tensor } from './core.js';
import { fusedCrossEntropy, fusedNll } from './fused.js';
import { gather } from './indexing.js';
import {
  abs,
  add,
  cast,
  clamp,
  div,
  exp,
  log,
  log1p,
  maximum,
  mul,
  ne,
  neg,
  sub,
  where,
} from './pointwise.js';
import { mean, sum } from './reduce.js';
import { movedim, reshape, squeeze, unsqueeze } from './shape.js';

/** How a loss reduces its per-element values: their mean (PyTorch's default), sum, or none (kept). */
export type Reduction = 'mean' | 'sum' | 'none';

/** A loss's per-element values x reduced as `r` says (nn-extra.ts, nn-more.ts use it too). */
export function reduceLoss(x: Tensor, r: Reduction = 'mean'): Tensor {
  if (r === 'none') return x;
  if (r === 'sum') return sum(x);
  if (r === 'mean') return mean(x);
  throw new RangeError(`${String(r)} is not a valid value for reduction`);
}

function checkSame(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.length !== target.shape.length || input.shape.some((s, i) => s !== target.shape[i]))
    throw new ShapeError(
      `${op}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}) is not supported. Please ensure they have the same size.`,
    );
}

export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** F.nll_loss over log-probabilities [N, C] or [N, C, d1, ...] and int targets. */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  const ignore = opts.ignoreIndex ?? -100;
  if (!isIndexDType(target.dtype))
    throw new DTypeError(
      `nll_loss: expected target of dtype int64 (class indices), got ${target.dtype}; for class probabilities use cross_entropy`,
    );
  if (input.dim() < 1) throw new ShapeError('nll_loss: input must have at least 1 dimension');
  const x = input.dim() === 1 ? unsqueeze(input, 0) : input;
  const t = input.dim() === 1 ? unsqueeze(target, 0) : target;
  const C = x.shape[1];
  const expect = [x.shape[0], ...x.shape.slice(2)];
  if (t.dim() !== expect.length || t.shape.some((s, i) => s !== expect[i]))
    throw new ShapeError(
      `nll_loss: expected target of shape ${fmtShape(expect)} for input ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`,
    );
  const r0 = opts.reduction ?? 'mean';
  if (!opts.weight && input.dim() === 2 && (r0 === 'mean' || r0 === 'sum')) {
    const fused = fusedNll(input, target, ignore, r0);
    if (fused) return fused;
  }
  // Class dim last: [N, ..., C]; targets [N, ...].
  const xl = movedim(x, 1, -1);
  const valid = ne(t, ignore);
  const safeT = where(valid, t, 0);
  if (t.device.type === 'cpu') {
    const a = t.toArraySync();
    for (const v of a)
      if (v !== ignore && (v < 0 || v >= C))
        throw new RangeError(`nll_loss: Target ${v} is out of bounds (number of classes ${C}).`);
  }
  const picked = squeeze(gather(xl, -1, unsqueeze(safeT, -1)), -1);
  let w: Tensor = cast(valid, xl.dtype);
  if (opts.weight) {
    if (opts.weight.dim() !== 1 || opts.weight.shape[0] !== C)
      throw new ShapeError(
        `nll_loss: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${fmtShape(opts.weight.shape)}`,
      );
    w = mul(w, reshape(gather(opts.weight, 0, reshape(safeT, [-1])), t.shape));
  }
  const losses = neg(mul(picked, w));
  const r = opts.reduction ?? 'mean';
  if (r === 'mean') return div(sum(losses), sum(w));
  const out = reduceLoss(losses, r);
  return input.dim() === 1 && r === 'none' ? squeeze(out, 0) : out;
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/** F.cross_entropy: class indices (int) or class probabilities (float) as target. */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const ls = opts.labelSmoothing ?? 0;
  if (ls < 0 || ls > 1) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  if (!isFloat(input.dtype)) throw new DTypeError(`cross_entropy: expected float logits, got ${input.dtype}`);
  const classDim = input.dim() === 1 ? 0 : 1;
  if (isFloat(target.dtype)) {
    checkSame('cross_entropy', input, target);
    const lp = logSoftmax(input, classDim);
    const C = input.shape[classDim];
    const tgt = ls > 0 ? add(mul(target, 1 - ls), ls / C) : target;
    let terms = mul(lp, tgt);
    if (opts.weight) {
      const wshape = input.shape.map((s, i) => (i === classDim ? s : 1));
      terms = mul(terms, reshape(opts.weight, wshape));
    }
    const losses = neg(sum(terms, classDim));
    const r = opts.reduction ?? 'mean';
    if (r === 'mean') return div(sum(losses), input.dim() === 1 ? 1 : input.numel() / C);
    void tgt;
    return reduceLoss(losses, r);
  }
  if (!isIndexDType(target.dtype))
    throw new DTypeError(
      `cross_entropy: expected target of dtype int64 (class indices) or float32 (probabilities), got ${target.dtype}`,
    );
  if (ls === 0 && !opts.weight && input.dim() === 2) {
    // float16/bfloat16 logits: the fused float32 kernels on the upcast logits, the loss (and,
    // through the casts, the gradient) rounded once to the logits' dtype.
    const half = isHalf(input.dtype);
    const fused = fusedCrossEntropy(
      half ? cast(input, 'float32') : input,
      target,
      opts.ignoreIndex ?? -100,
      opts.reduction ?? 'mean',
    );
    if (fused) return half ? cast(fused, input.dtype) : fused;
  }
  const lp = logSoftmax(input, classDim);
  const nll = nllLoss(lp, target, opts);
  if (ls === 0) return nll;
  // Label smoothing: (1 - eps) * nll + eps * mean over classes of -log p (weighted, ignoring ignoreIndex).
  const C = input.shape[classDim];
  const ignore = opts.ignoreIndex ?? -100;
  const valid = cast(ne(input.dim() === 1 ? unsqueeze(target, 0) : target, ignore), 'float32');
  let smooth = neg(lp);
  if (opts.weight)
    smooth = mul(
      smooth,
      reshape(
        opts.weight,
        input.shape.map((s, i) => (i === classDim ? s : 1)),
      ),
    );
  const perItem = mul(sum(smooth, classDim), input.dim() === 1 ? squeeze(valid, 0) : valid);
  const r = opts.reduction ?? 'mean';
  let smoothLoss: Tensor;
  if (r === 'mean') {
    const denom = opts.weight
      ? sum(
          mul(
            reshape(
              gather(opts.weight, 0, reshape(where(ne(target, ignore), target, 0), [-1])),
              target.shape,
            ),
            cast(ne(target, ignore), 'float32'),
          ),
        )
      : sum(valid);
    smoothLoss = div(sum(perItem), denom);
  } else smoothLoss = reduceLoss(perItem, r);
  return add(mul(nll, 1 - ls), mul(smoothLoss, ls / C));
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkSame('mse_loss', input, target);
  const d = sub(input, target);
  return reduceLoss(mul(d, d), opts.reduction);
}

export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkSame('l1_loss', input, target);
  return reduceLoss(abs(sub(input, target)), opts.reduction);
}

export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  opts: { reduction?: Reduction; beta?: number } = {},
): Tensor {
  checkSame('smooth_l1_loss', input, target);
  const beta = opts.beta ?? 1;
  const d = abs(sub(input, target));
  if (beta === 0) return reduceLoss(d, opts.reduction);
  return reduceLoss(
    where(
      ewise('lt', (a) => E.lt(a, beta), [d], 'bool'),
      div(mul(mul(d, d), 0.5), beta),
      sub(d, 0.5 * beta),
    ),
    opts.reduction,
  );
}

export function huberLoss(
  input: Tensor,
  target: Tensor,
  opts: { reduction?: Reduction; delta?: number } = {},
): Tensor {
  checkSame('huber_loss', input, target);
  const delta = opts.delta ?? 1;
  const d = abs(sub(input, target));
  return reduceLoss(
    where(
      ewise('lt', (a) => E.lt(a, delta), [d], 'bool'),
      mul(mul(d, d), 0.5),
      mul(sub(d, 0.5 * delta), delta),
    ),
    opts.reduction,
  );
}

/** F.binary_cross_entropy on probabilities; log clamped at -100 as PyTorch. */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  opts: { weight?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  checkSame('binary_cross_entropy', input, target);
  const logP = clamp(log(input), { min: -100 });
  const log1mP = clamp(log(sub(1, input)), { min: -100 });
  let l = neg(add(mul(target, logP), mul(sub(1, target), log1mP)));
  if (opts.weight) l = mul(l, opts.weight);
  return reduceLoss(l, opts.reduction);
}

/** Stable form: max(x, 0) - x t + log(1 + exp(-|x|)), with pos_weight as PyTorch. */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  checkSame('binary_cross_entropy_with_logits', input, target);
  const softplusNeg = add(maximum(neg(input), 0), log1p(exp(neg(abs(input))))); // log(1 + exp(-x))
  let l: Tensor;
  if (opts.posWeight) {
    const lw = add(mul(sub(opts.posWeight, 1), target), 1);
    l = add(mul(sub(1, target), input), mul(lw, softplusNeg));
  } else l = add(mul(sub(1, target), input), softplusNeg);
  if (opts.weight) l = mul(l, opts.weight);
  return reduceLoss(l, opts.reduction);
}

/** F.kl_div(input = log q, target = p): p (log p - input); 'batchmean' divides by the batch size. */
export function klDiv(
  input: Tensor,
  target: Tensor,
  opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {},
): Tensor {
  const l = opts.logTarget
    ? mul(exp(target), sub(target, input))
    : where(
        ewise('gt', (a) => E.gt(a, 0), [target], 'bool'),
        mul(
          target,
          sub(
            log(
              where(
                ewise('gt', (a) => E.gt(a, 0), [target], 'bool'),
                target,
                1,
              ),
            ),
            input,
          ),
        ),
        0,
      );
  const r = opts.reduction ?? 'mean';
  if (r === 'batchmean') return div(sum(l), input.dim() > 0 ? input.shape[0] : 1);
  return reduceLoss(l, r);
}

export { record1 };
