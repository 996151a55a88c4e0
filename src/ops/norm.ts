/**
 * Normalisation layers as compositions of reductions and pointwise ops (STYLE §1): the
 * gradients come from the ops', on every device, to any order.
 *
 *   batchNorm: statistics over every dim but the channel (1); running stats updated in place
 *   layerNorm: over the trailing `normalizedShape` dims
 *   groupNorm: over (channels of a group) x spatial, per sample
 * All use the biased variance for normalising (as PyTorch); batchNorm's running variance
 * takes the unbiased one (n / (n - 1)).
 */
import { isFloat } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { isGradEnabled, noGrad } from '../tensor/state.js';
import { checkSameDevice, emptyTensor, ewiseInto, record, type Tensor, viewAs } from './core.js';
import { add, mul, rsqrt, sub } from './pointwise.js';
import { mean, sum } from './reduce.js';
import { contiguous, reshape } from './shape.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Batch statistics (and a running-stats update) when true; the running stats when false. */
  training?: boolean;
  /**
   * Running stats update: r = (1 - momentum) * r + momentum * batch. A 0-d tensor is accepted
   * (BatchNorm's cumulative average uses 1 / numBatchesTracked without reading it back).
   */
  momentum?: number | Tensor;
  eps?: number;
}

const torchSize = (s: readonly number[]) => `torch.Size(${fmtShape(s)})`;

function checkFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: expected a floating point input, got ${x.dtype}`);
}

/** (x - mean) / sqrt(var + eps) over `dims`, biased variance; also returns the statistics. */
function standardize(x: Tensor, dims: number[], eps: number): { y: Tensor; mu: Tensor; var: Tensor } {
  const mu = mean(x, dims, { keepdim: true });
  const c = sub(x, mu);
  const v = mean(mul(c, c), dims, { keepdim: true });
  return { y: mul(c, rsqrt(add(v, eps))), mu, var: v };
}

/** weight/bias of one value per channel (dim 1) as broadcastable [1, C, 1, ...]. */
const perChannel = (t: Tensor, rank: number) =>
  reshape(t, [1, t.numel(), ...new Array<number>(Math.max(0, rank - 2)).fill(1)]);

function affine(
  y: Tensor,
  weight: Tensor | null | undefined,
  bias: Tensor | null | undefined,
  shape: (t: Tensor) => Tensor,
): Tensor {
  let out = y;
  if (weight) out = mul(out, shape(weight));
  if (bias) out = add(out, shape(bias));
  return out;
}

/**
 * F.batch_norm over input [N, C, ...]. Training: normalises with the batch statistics and, when
 * running stats are given, updates them in place (not recorded by autograd). Eval: uses them.
 *
 * ```ts
 * const y = F.batchNorm(x, runningMean, runningVar, { weight, bias, training: true, momentum: 0.1 });
 * ```
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null | undefined,
  runningVar: Tensor | null | undefined,
  opts: BatchNormOptions = {},
): Tensor {
  const op = 'batch_norm';
  const { weight, bias } = opts;
  const training = opts.training ?? false;
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  checkFloat(op, input);
  checkSameDevice(op, [input, ...[runningMean, runningVar, weight, bias].filter((t): t is Tensor => !!t)]);
  // ATen's _batch_norm_impl_index: an empty input comes back as a copy, keeping the graph.
  if (input.numel() === 0 && input.dim() < 2) return mul(input, 1);
  if (input.dim() < 2)
    throw new ShapeError(
      `${op}: expected an input with at least 2 dims [N, C, ...], got ${fmtShape(input.shape)}`,
    );
  const C = input.shape[1];
  for (const [name, t] of [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const)
    if (t && t.numel() !== C) throw new ShapeError(`${name} should contain ${C} elements not ${t.numel()}`);
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const shape = (t: Tensor) => perChannel(t, input.dim());
  if (input.numel() === 0) return affine(mul(input, 1), weight, bias, shape);
  if (!training) {
    if (!runningMean || !runningVar)
      throw new RangeError(`${op}: running_mean and running_var must be defined in evaluation mode`);
    const y = mul(sub(input, shape(runningMean)), rsqrt(add(shape(runningVar), eps)));
    return affine(y, weight, bias, shape);
  }
  const n = input.numel() / C;
  if (n <= 1)
    throw new RangeError(
      `Expected more than 1 value per channel when training, got input size ${torchSize(input.shape)}`,
    );
  const s = standardize(input, dims, eps);
  noGrad(() => {
    const upd = (r: Tensor, batch: Tensor) => {
      const b = reshape(batch.detach(), r.shape);
      const next =
        typeof momentum === 'number'
          ? add(mul(b, momentum), mul(r, 1 - momentum))
          : add(mul(b, momentum), mul(r, sub(1, momentum)));
      ewiseInto('copy_', r, (a) => a, [next]);
    };
    if (runningMean) upd(runningMean, s.mu);
    if (runningVar) upd(runningVar, mul(s.var, n / (n - 1)));
  });
  return affine(s.y, weight, bias, shape);
}

/**
 * F.layer_norm: normalises over the trailing dims given by `normalizedShape`; weight and bias
 * have that shape.
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  opts: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const op = 'layer_norm';
  checkFloat(op, input);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = input.shape.slice(input.dim() - ns.length);
  if (ns.length === 0 || ns.length > input.dim() || tail.some((s, i) => s !== ns[i]))
    throw new ShapeError(
      `Given normalized_shape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size${fmtShape(input.shape)}`,
    );
  for (const [name, t] of [
    ['weight', opts.weight],
    ['bias', opts.bias],
  ] as const)
    if (t && (t.dim() !== ns.length || t.shape.some((s, i) => s !== ns[i])))
      throw new ShapeError(
        `${op}: Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${fmtShape(t.shape)} and normalized_shape = ${fmtShape(ns)}`,
      );
  const dims = ns.map((_, i) => input.dim() - ns.length + i);
  const eps = opts.eps ?? 1e-5;
  const fused = fusedLayerNorm(input, dims, opts.weight ?? null, opts.bias ?? null, eps);
  if (fused) return fused;
  const { y } = standardize(input, dims, eps);
  return affine(y, opts.weight, opts.bias, (t) => t);
}

// --- perfgpu ---
let fusedLnDisabled = false;
/** Tests and the bench: force the composed layerNorm everywhere. */
export function setFusedLayerNorm(on: boolean): void {
  fusedLnDisabled = !on;
}

/**
 * layerNorm through the backend's routines (one kernel forward, two backward on WebGPU) when it
 * has them; null where it does not (the composed definition runs). The backward under
 * createGraph is the composed formula, itself differentiable.
 */
function fusedLayerNorm(
  input: Tensor,
  dims: number[],
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor | null {
  const r = input.backend.routines;
  if (fusedLnDisabled || !r?.layerNorm || !r.layerNormBackward || input.numel() === 0) return null;
  // The routines are float32 (float64 and the 16-bit types take the composed path).
  if ([input, weight, bias].some((t) => t && t.dtype !== 'float32')) return null;
  checkSameDevice('layer_norm', [input, ...[weight, bias].filter((t): t is Tensor => !!t)]);
  const D = dims.reduce((a, d) => a * input.shape[d], 1);
  const M = input.numel() / D;
  const x2 = reshape(contiguous(input), [M, D]);
  const w1 = weight ? reshape(contiguous(weight), [D]) : null;
  const b1 = bias ? reshape(contiguous(bias), [D]) : null;
  // float16/bfloat16: outputs in the input's dtype, mean and rstd in float32 (as PyTorch's).
  const out = emptyTensor([M, D], input.dtype, input.device);
  const mu = emptyTensor([M], 'float32', input.device);
  const rs = emptyTensor([M], 'float32', input.device);
  r.layerNorm(x2, w1, b1, eps, out, mu, rs);
  const result = reshape(out, input.shape);
  record('native_layer_norm', result, [input, weight, bias], (gs) => {
    const g = gs[0]!;
    if (isGradEnabled()) return layerNormGradsComposed(input, dims, weight, bias, eps, g);
    // Gradients are made in their final shapes and handed over as they are, and the copy of g
    // (if any) is dropped here: the engine then frees them right after use, not at a GC.
    const gc = contiguous(g);
    const dx = emptyTensor(input.shape, input.dtype, input.device);
    const dw = weight ? emptyTensor(weight.shape, weight.dtype, input.device) : null;
    const db = bias ? emptyTensor(bias.shape, bias.dtype, input.device) : null;
    // Through input.backend, fetched now: the guarded backend checks the saved x, mean, rstd.
    input.backend.routines!.layerNormBackward!(
      viewAs(gc, [M, D]),
      x2,
      mu,
      rs,
      w1,
      viewAs(dx, [M, D]),
      dw && viewAs(dw, [D]),
      db && viewAs(db, [D]),
    );
    if (gc !== g) gc.dispose();
    return [dx, dw, db];
  });
  return result;
}

/**
 * layerNorm's gradients written with ops (the fused backward's formula; differentiable):
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * weight; dw = sum dy * xhat,
 * db = sum dy over the leading dims.
 */
export function layerNormGradsComposed(
  input: Tensor,
  dims: number[],
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
  dy: Tensor,
): (Tensor | null)[] {
  const { y: xhat, var: v } = standardize(input, dims, eps);
  const rs = rsqrt(add(v, eps));
  const g = weight ? mul(dy, weight) : dy;
  const a = mean(g, dims, { keepdim: true });
  const b = mean(mul(g, xhat), dims, { keepdim: true });
  const dx = mul(rs, sub(sub(g, a), mul(xhat, b)));
  const lead = Array.from({ length: input.dim() - dims.length }, (_, i) => i);
  const overRows = (t: Tensor) => (lead.length ? sum(t, lead) : t);
  return [dx, weight ? overRows(mul(dy, xhat)) : null, bias ? overRows(dy) : null];
}

/**
 * F.group_norm: input [N, C, ...] split into `numGroups` groups of channels, each normalised
 * over its channels and all spatial positions; weight and bias are per channel [C].
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  opts: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const op = 'group_norm';
  checkFloat(op, input);
  if (input.dim() < 2)
    throw new ShapeError(
      `${op}: expected an input with at least 2 dims [N, C, ...], got ${fmtShape(input.shape)}`,
    );
  const [N, C] = input.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || C % numGroups !== 0)
    throw new ShapeError(
      `Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(input.shape)} and num_groups=${numGroups}`,
    );
  for (const [name, t] of [
    ['weight', opts.weight],
    ['bias', opts.bias],
  ] as const)
    if (t && (t.dim() !== 1 || t.numel() !== C))
      throw new ShapeError(
        `${op}: Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${fmtShape(t.shape)} and input of shape ${fmtShape(input.shape)}`,
      );
  const grouped = reshape(input, [N, numGroups, input.numel() / Math.max(1, N * numGroups)]);
  const { y } = standardize(grouped, [2], opts.eps ?? 1e-5);
  return affine(reshape(y, input.shape), opts.weight, opts.bias, (t) => perChannel(t, input.dim()));
}
