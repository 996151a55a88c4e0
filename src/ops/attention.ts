/**
 * Scaled dot-product attention (F.scaled_dot_product_attention).
 *
 * softmax(q k^T * scale + mask) v over the last two dims, batch dims broadcast as matmul does.
 * The composed definition (`sdpaComposed`: matmul -> masked softmax -> matmul) is the math and
 * the test oracle; a backend that offers the `attention` routine runs the forward in one fused
 * pass (online softmax over key tiles, nothing of size L x S kept) and the backward from the
 * saved log-sum-exp per query row (`attentionBackward`, again without an L x S buffer). The
 * fused path is taken only where it computes exactly the composed definition: no dropout, no
 * attention weights asked for, no gradient into a float mask, head dims the kernels support.
 */

import type { View } from '../backend/backend.js';
import { type DType, isFloat, isHalf } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { isGradEnabled } from '../tensor/state.js';
import { dropout, softmax } from './activation.js';
import {
  broadcastShapes,
  checkSameDevice,
  E,
  emptyTensor,
  ewise,
  expandView,
  needsGrad,
  record,
  type Tensor,
  viewAs,
} from './core.js';
import { arange } from './creation.js';
import { matmul } from './matmul.js';
import { add, cast, mul, sub } from './pointwise.js';
import { sum } from './reduce.js';
import { contiguous, expand, reshape, transpose } from './shape.js';

export interface SdpaOptions {
  attnMask?: Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
  /** Defaults to 1/sqrt(E). */
  scale?: number | null;
  generator?: Generator;
}

const OP = 'scaled_dot_product_attention';

/** Checks shapes and dtypes; returns L, S and the output's batch shape. */
function check(op: string, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, isCausal: boolean) {
  checkSameDevice(op, mask ? [q, k, v, mask] : [q, k, v]);
  for (const [n, t] of [
    ['query', q],
    ['key', k],
    ['value', v],
  ] as const) {
    if (t.dim() < 2)
      throw new ShapeError(
        `${op}(): Expected ${n} to be at least 2-dimensional, but got ${n}.dim() == ${t.dim()} (shape ${fmtShape(t.shape)})`,
      );
    if (!isFloat(t.dtype))
      throw new DTypeError(`${op}(): Expected ${n} to be a floating point tensor, but got ${t.dtype}`);
  }
  if (k.dtype !== q.dtype || v.dtype !== q.dtype)
    throw new DTypeError(
      `${op}(): Expected query, key, and value to have the same dtype, but got query.dtype: ${q.dtype} key.dtype: ${k.dtype} and value.dtype: ${v.dtype} instead.`,
    );
  const E_ = q.shape[q.dim() - 1];
  const L = q.shape[q.dim() - 2];
  const S = k.shape[k.dim() - 2];
  if (k.shape[k.dim() - 1] !== E_)
    throw new ShapeError(
      `${op}(): Expected query and key to have the same embedding size (last dim), but got query ${fmtShape(q.shape)} and key ${fmtShape(k.shape)}`,
    );
  if (v.shape[v.dim() - 2] !== S)
    throw new ShapeError(
      `${op}(): Expected key and value to have the same sequence length (dim -2), but got key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)}`,
    );
  const batch = broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  if (mask) {
    if (mask.dtype !== 'bool' && !isFloat(mask.dtype))
      throw new DTypeError(
        `${op}(): Expected attn_mask dtype to be bool or float32, but got attn_mask.dtype: ${mask.dtype}`,
      );
    if (isCausal) throw new RangeError(`${op}(): Explicit attn_mask should not be set when is_causal=True`);
    try {
      broadcastShapes(op, mask.shape, [...batch, L, S]);
    } catch {
      throw new ShapeError(
        `${op}(): attn_mask of shape ${fmtShape(mask.shape)} is not broadcastable to the attention weights' shape ${fmtShape([...batch, L, S])} (query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)})`,
      );
    }
  }
  return { L, S, E: E_, batch };
}

/** The boolean causal mask [L, S]: query i attends to keys j <= i (top-left aligned, as PyTorch). */
export function causalMask(L: number, S: number, like: Tensor): Tensor {
  const rows = reshape(arange(L, undefined, 1, { device: like.device }), [L, 1]);
  const cols = reshape(arange(S, undefined, 1, { device: like.device }), [1, S]);
  return ewise('causal_mask', (c, r) => E.le(c, r), [cols, rows], 'bool');
}

/** A bool mask (true = attend) as the additive float mask (0 / -inf); a float mask as is. */
export const additiveMask = (mask: Tensor, dtype: DType = 'float32'): Tensor =>
  mask.dtype === 'bool'
    ? ewise('attn_mask_bool', (m) => E.where(m, 0, Number.NEGATIVE_INFINITY), [mask], dtype)
    : mask;

/**
 * The composed definition: the oracle for the fused kernels, and the path for dropout and for
 * callers that want the attention weights. Returns [output, weights]. `weightsOf` turns the
 * scores into weights (softmax over the last dim; MultiheadAttention passes the bound F.softmax,
 * so autocast's softmax policy applies as in PyTorch's multi_head_attention_forward).
 */
export function sdpaComposed(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  o: SdpaOptions = {},
  op = OP,
  weightsOf: (scores: Tensor) => Tensor = (s) => softmax(s, -1),
): [Tensor, Tensor] {
  const mask = o.attnMask ?? null;
  const { L, S, E: e } = check(op, q, k, v, mask, o.isCausal ?? false);
  const scale = o.scale ?? 1 / Math.sqrt(e);
  let scores = matmul(mul(q, scale), transpose(k, -2, -1));
  if (o.isCausal) scores = add(scores, additiveMask(causalMask(L, S, q), scores.dtype));
  else if (mask) scores = add(scores, additiveMask(mask, scores.dtype));
  let w = weightsOf(scores);
  const p = o.dropoutP ?? 0;
  if (p > 0) w = dropout(w, p, true, o.generator ?? defaultGenerator);
  // Weights of another dtype than v's come only from `weightsOf` under autocast (the CUDA list's
  // float32 softmax): PyTorch's bmm then casts both operands to the region's dtype, v's.
  return [matmul(w.dtype === v.dtype ? w : cast(w, v.dtype), v), w];
}

/** Largest head dim the fused kernels take (their per-row registers are sized by it). */
export const FUSED_MAX_HEAD_DIM = 128;

/**
 * F.scaled_dot_product_attention: the fused routine where the backend has it and it applies,
 * else the composed definition.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, o: SdpaOptions = {}): Tensor {
  const fused = fusedSdpa(q, k, v, o);
  return fused ?? sdpaComposed(q, k, v, o)[0];
}

/** Whether the fused path applies (exported for the tests and the bench). */
export function fusedApplies(q: Tensor, v: Tensor, o: SdpaOptions): boolean {
  const r = q.backend.routines;
  // float32, or float16/bfloat16 q, k, v of one dtype (float32 compute, outputs rounded once)
  if (!r?.attention || !r.attentionBackward) return false;
  if (q.dtype !== 'float32' && !(isHalf(q.dtype) && v.dtype === q.dtype)) return false;
  if ((o.dropoutP ?? 0) > 0) return false;
  const mask = o.attnMask ?? null;
  if (mask && isFloat(mask.dtype) && needsGrad([mask])) return false;
  const e = q.shape[q.dim() - 1];
  const ev = v.shape[v.dim() - 1];
  return e <= FUSED_MAX_HEAD_DIM && ev <= FUSED_MAX_HEAD_DIM && e > 0 && ev > 0;
}

let fusedDisabled = false;
/** Tests and the bench: force the composed path everywhere. */
export function setFusedAttention(on: boolean): void {
  fusedDisabled = !on;
}

/** The stride of batch dims [a, b) of `v` folded into one, or null where they do not fold. */
function foldStride(v: View, a: number, b: number): number | null {
  let stride: number | null = null;
  let next = -1; // the stride the next outer non-1 dim must have
  for (let d = b - 1; d >= a; d--) {
    if (v.shape[d] === 1) continue;
    if (stride === null) stride = v.strides[d];
    else if (v.strides[d] !== next) return null;
    next = v.strides[d] * v.shape[d];
  }
  return stride ?? 0;
}

/** Where the batch dims split into the routines' [B, H]: the first split q, k and v all fold at. */
function batchSplit(ts: readonly Tensor[], batch: readonly number[]): number {
  const r = batch.length;
  for (let p = Math.max(0, r - 1); p > 0; p--) {
    const full = ts.map((t) => expandView(t, [...batch, ...t.shape.slice(-2)]));
    if (full.every((f) => foldStride(f, 0, p) !== null && foldStride(f, p, r) !== null)) return p;
  }
  return Math.max(0, r - 1);
}

/**
 * [B..., X, Y] broadcast to the batch shape as the [B, H, X, Y] view the routines read (batch
 * dims before `split` fold into B, the rest into H): t's own storage, strided, wherever its
 * batch dims fold so and its last dim is contiguous; else a contiguous copy, which the caller
 * disposes when done. nanoGPT's q, k, v (transposed views of the qkv projection) and dO are
 * read where they are. Nothing is recorded (the fused node covers q, k, v).
 */
function view4(t: Tensor, batch: readonly number[], split: number): { v: View; copy: Tensor | null } {
  const x = t.shape[t.dim() - 2];
  const y = t.shape[t.dim() - 1];
  const r = batch.length;
  const B = batch.slice(0, split).reduce((a, b) => a * b, 1);
  const H = batch.slice(split).reduce((a, b) => a * b, 1);
  const full = expandView(t, [...batch, x, y]);
  const sB = foldStride(full, 0, split);
  const sH = foldStride(full, split, r);
  if (sB !== null && sH !== null && (y === 1 || full.strides[r + 1] === 1))
    return {
      v: {
        storage: full.storage,
        dtype: full.dtype,
        shape: [B, H, x, y],
        strides: [sB, sH, full.strides[r], 1],
        offset: full.offset,
      },
      copy: null,
    };
  const copy = emptyTensor([...batch, x, y], t.dtype, t.device);
  t.backend.elementwise(E.input(0), [full], copy);
  const v: View = {
    storage: copy.storage,
    dtype: copy.dtype,
    shape: [B, H, x, y],
    strides: [H * x * y, x * y, y, 1],
    offset: copy.offset,
  };
  return { v, copy };
}

export function fusedSdpa(q: Tensor, k: Tensor, v: Tensor, o: SdpaOptions = {}): Tensor | null {
  if (fusedDisabled || !fusedApplies(q, v, o)) return null;
  const mask0 = o.attnMask ?? null;
  const causal = o.isCausal ?? false;
  const { L, S, E: e, batch } = check(OP, q, k, v, mask0, causal);
  const ev = v.shape[v.dim() - 1];
  const N = batch.reduce((a, b) => a * b, 1);
  if (N === 0 || L === 0) return null;
  const scale = o.scale ?? 1 / Math.sqrt(e);
  const routines = q.backend.routines!;
  const split = batchSplit([q, k, v], batch);
  const q3 = view4(q, batch, split);
  const k3 = view4(k, batch, split);
  const v3 = view4(v, batch, split);
  const free = () => {
    q3.copy?.dispose();
    k3.copy?.dispose();
    v3.copy?.dispose();
    lse.dispose();
  };
  // The mask stays a (possibly stride-0) view over [N, L, S]; a bool mask becomes 0/-inf.
  const maskT = mask0 ? additiveMask(mask0) : null;
  const maskRef = maskT ? maskView3(maskT, batch, L, S) : null;
  const maskView = maskRef?.v ?? null;
  const result = emptyTensor([...batch, L, ev], q.dtype, q.device);
  const out = viewAs(result, [N, L, ev]);
  const lse = emptyTensor([N, L], 'float32', q.device);
  routines.attention!(q3.v, k3.v, v3.v, maskView, causal, scale, out, lse);
  record('scaled_dot_product_attention', result, [q, k, v, mask0], (gs) => {
    const g = gs[0]!;
    if (isGradEnabled()) {
      // createGraph: the composed definition's gradient, itself differentiable.
      return composedGrads(q, k, v, { ...o, attnMask: mask0 }, g);
    }
    const g3 = view4(g, batch, split);
    // delta_i = sum_d dO_id O_id: the softmax backward's row term, O(L * Ev).
    const be = q.backend;
    const prod = emptyTensor([N, L, ev], g.dtype, q.device);
    const shape4 = g3.v.shape;
    be.elementwise(E.mul(E.input(0), E.input(1)), [g3.v, viewAs(result, shape4)], viewAs(prod, shape4));
    const delta = emptyTensor([N, L], g.dtype, q.device);
    be.reduce('sum', prod, 1, delta);
    prod.dispose();
    const dq = emptyTensor([...batch, L, e], q.dtype, q.device);
    const dk = emptyTensor([...batch, S, e], k.dtype, q.device);
    const dv = emptyTensor([...batch, S, ev], v.dtype, q.device);
    maskRef?.t.checkAlive(); // the view's storage belongs to maskRef.t: held by this closure
    // The backend looked up now, not the forward's: during backward it checks the versions of
    // the tensors it is handed (autograd/saved.ts), so an in-place edit of q, k or v raises.
    be.routines!.attentionBackward!(
      q3.v,
      k3.v,
      v3.v,
      maskView,
      causal,
      scale,
      g3.v,
      lse,
      delta,
      viewAs(dq, [N, L, e]),
      viewAs(dk, [N, S, e]),
      viewAs(dv, [N, S, ev]),
    );
    g3.copy?.dispose();
    delta.dispose();
    return [dq, dk, dv, null];
  });
  // q, k, v copies and lse serve only the backward: back to the pool when the node is released.
  if (result.gradFn) result.gradFn.onRelease(free);
  else free();
  return result;
}

/**
 * The mask as a view of shape [N, L, S] when its batch strides fold into one, else a copy. The
 * tensor whose storage the view reads comes back with it: the backward keeps it alive.
 */
function maskView3(m: Tensor, batch: readonly number[], L: number, S: number): { t: Tensor; v: View } {
  const full = expandView(m, [...batch, L, S]);
  const nb = batch.length;
  let stride = 0;
  let ok = true;
  let acc = -1;
  for (let d = nb - 1; d >= 0; d--) {
    if (batch[d] === 1) continue;
    const s = full.strides[d];
    if (acc === -1) {
      stride = s;
      acc = s * batch[d];
    } else if (s === acc) acc = s * batch[d];
    else ok = false;
  }
  const N = batch.reduce((a, b) => a * b, 1);
  if (ok)
    return {
      t: m,
      v: { ...full, shape: [N, L, S], strides: [stride, full.strides[nb], full.strides[nb + 1]] },
    };
  const c = contiguous(expand(m, [...batch, L, S]));
  return {
    t: c,
    v: { storage: c.storage, dtype: c.dtype, shape: [N, L, S], strides: [L * S, S, 1], offset: c.offset },
  };
}

/** dq, dk, dv of the composed definition for output gradient g (ops, so differentiable). */
function composedGrads(q: Tensor, k: Tensor, v: Tensor, o: SdpaOptions, g: Tensor): (Tensor | null)[] {
  const [, w] = sdpaComposed(q, k, v, o);
  const e = q.shape[q.dim() - 1];
  const scale = o.scale ?? 1 / Math.sqrt(e);
  const dv = matmul(transpose(w, -2, -1), g);
  const dw = matmul(g, transpose(v, -2, -1));
  const ds = mul(w, sub(dw, sum(mul(dw, w), -1, { keepdim: true })));
  const dq = mul(matmul(ds, k), scale);
  const dk = mul(matmul(transpose(ds, -2, -1), q), scale);
  return [dq, dk, dv, null];
}
