/**
 * Attention layers: MultiheadAttention and the Transformer family, with PyTorch 1.13's
 * parameter names and layout, so PyTorch state dicts load as they are (`self_attn.in_proj_weight`,
 * `linear1.weight`, `norm1.weight`, ...). Every attention runs through
 * F.scaled_dot_product_attention (ops/attention.ts): the fused kernel where the backend has one,
 * the composed definition where the attention weights are asked for.
 */

import { gelu } from '../ops/activation.js';
import { scaledDotProductAttention, sdpaComposed } from '../ops/attention.js';
import { arange, zeros } from '../ops/creation.js';
import { add, div, gt, relu, where } from '../ops/pointwise.js';
import { sum } from '../ops/reduce.js';
import { cat, contiguous, expand, pad, reshape, squeeze, transpose, unsqueeze } from '../ops/shape.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { isFloat } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { ModuleList } from './container.js';
import * as F from './functional.js';
import * as init from './init.js';
import { Dropout, factory, Linear } from './layers.js';
import { Module } from './module.js';
import { LayerNorm } from './norm.js';
import { Parameter } from './parameter.js';

/** A bool mask (true = masked out, nn.MultiheadAttention's convention) or a float mask, as additive float. */
function maskToFloat(m: Tensor, what: string): Tensor {
  if (m.dtype === 'bool') return where(m, Number.NEGATIVE_INFINITY, 0);
  if (!isFloat(m.dtype))
    throw new DTypeError(
      `MultiheadAttention: only bool and floating types of ${what} are supported, got ${m.dtype}`,
    );
  return m;
}

const MHA =
  'MultiheadAttention(int embed_dim, int num_heads, float dropout=0.0, bool bias=True, bool add_bias_kv=False, bool add_zero_attn=False, int? kdim=None, int? vdim=None, bool batch_first=False, *, Device? device=None, ScalarType? dtype=None)';
const MHA_FORWARD =
  'forward(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask=None, bool need_weights=True, Tensor? attn_mask=None, bool average_attn_weights=True)';

/**
 * Multi-head attention: softmax(Q Kᵀ / sqrt(headDim)) V over `numHeads` heads of size embedDim / numHeads,
 * after input projections and followed by `out_proj`. PyTorch 1.13's parameter names and layout, so its state
 * dicts load unchanged.
 *
 * Constructor: `embedDim`, `numHeads` (dividing embedDim), `dropout` on the attention weights (default 0.0),
 * `bias` (default true), `addBiasKv` (default false), `addZeroAttn` (default false), `kdim` and `vdim`
 * (default null: embedDim), `batchFirst` (default false), keyword-only `device`, `dtype`.
 *
 * forward(query, key, value, keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights =
 * true): query (L, N, E), key (S, N, kdim), value (S, N, vdim) ((N, L, E) ... with `batchFirst`, or unbatched
 * (L, E) ...). Returns [output (L, N, E), weights (N, L, S) averaged over heads, or (N, numHeads, L, S), or
 * null without `needWeights`]. Masks: bool true = may not attend; float masks are added to the scores.
 */
export class MultiheadAttention extends Module {
  /**
   * (3 · embedDim, embedDim), the stacked Q, K, V projections (Xavier uniform init) when kdim == vdim ==
   * embedDim; null otherwise.
   */
  in_proj_weight: Parameter | null;
  /**
   * (embedDim, embedDim), used instead of in_proj_weight when kdim or vdim differ from embedDim (Xavier
   * uniform init); else null.
   */
  q_proj_weight: Parameter | null;
  /** (embedDim, kdim), used when kdim or vdim differ from embedDim (Xavier uniform init); else null. */
  k_proj_weight: Parameter | null;
  /** (embedDim, vdim), used when kdim or vdim differ from embedDim (Xavier uniform init); else null. */
  v_proj_weight: Parameter | null;
  /** (3 · embedDim), initialized to zeros; null with `bias: false`. */
  in_proj_bias: Parameter | null;
  /** The output projection Linear(embedDim, embedDim), its bias initialized to zeros. */
  out_proj: Linear;
  /**
   * (1, 1, embedDim), a learned key appended to the keys (Xavier normal init) with `addBiasKv`; else null.
   */
  bias_k: Parameter | null;
  /**
   * (1, 1, embedDim), a learned value appended to the values (Xavier normal init) with `addBiasKv`; else
   * null.
   */
  bias_v: Parameter | null;
  /** E, the model dimension. */
  readonly embedDim: number;
  /** Number of parallel attention heads. */
  readonly numHeads: number;
  /** embedDim / numHeads. */
  readonly headDim: number;
  /** Feature size of the keys (constructor option, default embedDim). */
  readonly kdim: number;
  /** Feature size of the values (constructor option, default embedDim). */
  readonly vdim: number;
  /** Dropout probability on the attention weights in training (constructor option, default 0.0). */
  readonly dropout: number;
  /** Append a zero key and value to the sequences (constructor option, default false). */
  readonly addZeroAttn: boolean;
  /** Inputs and outputs are (N, L, E) instead of (L, N, E) (constructor option, default false). */
  readonly batchFirst: boolean;
  constructor(...args: CallArgs<typeof MHA>) {
    super();
    const a = ctorArgs('nn.MultiheadAttention', MHA, args);
    const E = a.embedDim;
    this.embedDim = E;
    this.kdim = a.kdim ?? E;
    this.vdim = a.vdim ?? E;
    this.numHeads = a.numHeads;
    this.dropout = a.dropout;
    this.batchFirst = a.batchFirst;
    this.addZeroAttn = a.addZeroAttn;
    this.headDim = Math.floor(E / a.numHeads);
    if (this.headDim * a.numHeads !== E) throw new RangeError('embed_dim must be divisible by num_heads');
    const f = factory(a);
    const same = this.kdim === E && this.vdim === E;
    this.in_proj_weight = same ? Parameter(zeros([3 * E, E], f)) : null;
    this.q_proj_weight = same ? null : Parameter(zeros([E, E], f));
    this.k_proj_weight = same ? null : Parameter(zeros([E, this.kdim], f));
    this.v_proj_weight = same ? null : Parameter(zeros([E, this.vdim], f));
    this.in_proj_bias = a.bias ? Parameter(zeros([3 * E], f)) : null;
    this.out_proj = new Linear(E, E, { bias: a.bias, ...f });
    this.bias_k = a.addBiasKv ? Parameter(zeros([1, 1, E], f)) : null;
    this.bias_v = a.addBiasKv ? Parameter(zeros([1, 1, E], f)) : null;
    this.resetParameters();
  }
  /**
   * Re-initializes the projections (Xavier uniform), the biases (zeros) and bias_k/bias_v (Xavier normal), in
   * place.
   */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight])
      if (w) init.xavierUniform_(w);
    if (this.in_proj_bias) init.constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }
  override forward(...args: CallArgs<typeof MHA_FORWARD>): [Tensor, Tensor | null] {
    const a = ctorArgs('nn.MultiheadAttention.forward', MHA_FORWARD, args);
    return this.attend(a.query, a.key, a.value, a);
  }
  /** The forward with its options already bound (the Transformer layers call this). */
  attend(
    query0: Tensor,
    key0: Tensor,
    value0: Tensor,
    o: {
      keyPaddingMask?: Tensor | null;
      needWeights?: boolean;
      attnMask?: Tensor | null;
      averageAttnWeights?: boolean;
    },
  ): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const batched = query0.dim() === 3;
    if (!batched && query0.dim() !== 2)
      throw new ShapeError(
        `${op}: query should be unbatched 2D or batched 3D tensor but received ${query0.dim()}-D query tensor`,
      );
    for (const [n, t] of [
      ['key', key0],
      ['value', value0],
    ] as const)
      if (t.dim() !== query0.dim())
        throw new ShapeError(
          `${op}: For ${batched ? 'batched (3-D)' : 'unbatched (2-D)'} \`query\`, expected \`${n}\` to be ${query0.dim()}-D but got a ${t.dim()}-D tensor (shape ${fmtShape(t.shape)})`,
        );
    // To (L, N, E) as PyTorch's functional form works.
    let query = query0;
    let key = key0;
    let value = value0;
    let kpm = this.checkKpm(o.keyPaddingMask ?? null, batched);
    if (!batched) {
      query = unsqueeze(query, 1);
      key = unsqueeze(key, 1);
      value = unsqueeze(value, 1);
      if (kpm) kpm = unsqueeze(kpm, 0);
    } else if (this.batchFirst) {
      query = transpose(query, 0, 1);
      key = transpose(key, 0, 1);
      value = transpose(value, 0, 1);
    }
    const [L, N, E] = query.shape;
    const H = this.numHeads;
    const hd = this.headDim;
    if (E !== this.embedDim)
      throw new ShapeError(`${op}: was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    if (key.shape[0] !== value.shape[0] || key.shape[1] !== value.shape[1])
      throw new ShapeError(
        `${op}: key shape ${fmtShape(key.shape)} does not match value shape ${fmtShape(value.shape)}`,
      );
    if (key.shape[1] !== N)
      throw new ShapeError(`${op}: key batch size ${key.shape[1]} does not match query batch size ${N}`);
    if (key.shape[2] !== this.kdim || value.shape[2] !== this.vdim)
      throw new ShapeError(
        `${op}: expected key and value feature sizes ${this.kdim} and ${this.vdim}, but got key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)}`,
      );
    // In-projection.
    const b = this.in_proj_bias;
    const bq = b ? b.narrow(0, 0, E) : null;
    const bk = b ? b.narrow(0, E, E) : null;
    const bv = b ? b.narrow(0, 2 * E, E) : null;
    const w = this.in_proj_weight;
    // Bound F.linear, as PyTorch's in_projection: autocast sees the projections.
    const q = F.linear(query, w ? w.narrow(0, 0, E) : this.q_proj_weight!, bq);
    let k = F.linear(key, w ? w.narrow(0, E, E) : this.k_proj_weight!, bk);
    let v = F.linear(value, w ? w.narrow(0, 2 * E, E) : this.v_proj_weight!, bv);
    let S = key.shape[0];
    // Masks, as additive float: attn [1 or N*H, L, S], key padding [N, S].
    let mask: Tensor | null = null;
    if (o.attnMask) {
      const m = o.attnMask;
      if (m.dim() === 2) {
        if (m.shape[0] !== L || m.shape[1] !== S)
          throw new ShapeError(
            `${op}: The shape of the 2D attn_mask is ${fmtShape(m.shape)}, but should be ${fmtShape([L, S])}.`,
          );
        mask = unsqueeze(maskToFloat(m, 'attn_mask'), 0);
      } else if (m.dim() === 3) {
        if (m.shape[0] !== N * H || m.shape[1] !== L || m.shape[2] !== S)
          throw new ShapeError(
            `${op}: The shape of the 3D attn_mask is ${fmtShape(m.shape)}, but should be ${fmtShape([N * H, L, S])}.`,
          );
        mask = maskToFloat(m, 'attn_mask');
      } else throw new ShapeError(`${op}: attn_mask's dimension ${m.dim()} is not supported`);
    }
    let kpmF = kpm ? maskToFloat(kpm, 'key_padding_mask') : null;
    if (this.bias_k && this.bias_v) {
      // (under autocast PyTorch's cat promotes and its baddbmm casts back: k's dtype either way)
      k = cat([k, expand(this.bias_k.to(k.dtype), [1, N, E])], 0);
      v = cat([v, expand(this.bias_v.to(v.dtype), [1, N, E])], 0);
      if (mask) mask = pad(mask, [0, 1]);
      if (kpmF) kpmF = pad(kpmF, [0, 1]);
      S += 1;
    }
    // Heads: (L, N, E) -> (N, H, L, hd).
    const heads = (t: Tensor, len: number) => reshape(contiguous(t), [len, N, H, hd]).permute(1, 2, 0, 3);
    const qh = heads(q, L);
    let kh = heads(k, S);
    let vh = heads(v, S);
    if (this.addZeroAttn) {
      kh = cat([kh, zeros([N, H, 1, hd], { device: kh.device, dtype: kh.dtype })], 2);
      vh = cat([vh, zeros([N, H, 1, hd], { device: vh.device, dtype: vh.dtype })], 2);
      if (mask) mask = pad(mask, [0, 1]);
      if (kpmF) kpmF = pad(kpmF, [0, 1]);
      S += 1;
    }
    // One additive mask over (N, H, L, S), broadcast where it can be.
    let m4: Tensor | null = mask ? (mask.shape[0] === 1 ? mask : reshape(mask, [N, H, L, S])) : null;
    if (kpmF) {
      const k4 = reshape(kpmF, [N, 1, 1, S]);
      m4 = m4 ? add(m4, k4) : k4;
    }
    const p = this.training ? this.dropout : 0;
    let out: Tensor;
    let weights: Tensor | null = null;
    if (o.needWeights ?? true) {
      // The bound F.softmax, as PyTorch's multi_head_attention_forward dispatches softmax:
      // autocast's policy shows in the weights (float32 under the CUDA list).
      [out, weights] = sdpaComposed(qh, kh, vh, { attnMask: m4, dropoutP: p }, undefined, (s) =>
        F.softmax(s, -1),
      );
      if (o.averageAttnWeights ?? true) weights = div(sum(weights, 1), H);
      if (!batched) weights = squeeze(weights, 0);
    } else out = scaledDotProductAttention(qh, kh, vh, { attnMask: m4, dropoutP: p });
    // (N, H, L, hd) -> (L, N, E), out_proj.
    let y = F.linear(
      reshape(contiguous(out.permute(2, 0, 1, 3)), [L, N, E]),
      this.out_proj.weight,
      this.out_proj.bias,
    );
    if (!batched) y = squeeze(y, 1);
    else if (this.batchFirst) y = transpose(y, 0, 1);
    return [y, weights];
  }
  private checkKpm(kpm: Tensor | null, batched: boolean): Tensor | null {
    if (!kpm) return null;
    if (kpm.dim() !== (batched ? 2 : 1))
      throw new ShapeError(
        `MultiheadAttention: For ${batched ? 'batched (3-D)' : 'unbatched (2-D)'} \`query\`, expected \`key_padding_mask\` to be ${batched ? '2-D' : '1-D'} or None, but got a ${kpm.dim()}-D tensor (shape ${fmtShape(kpm.shape)})`,
      );
    return kpm;
  }
}

type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);
const activationFn = (a: Activation): ((x: Tensor) => Tensor) =>
  a === 'relu' ? relu : a === 'gelu' ? (x) => gelu(x) : a;

/** A fresh copy of a layer (PyTorch deep-copies the prototype layer numLayers times). */
function cloneLayer<M extends Module & { cloneArgs: unknown[] }>(m: M): M {
  const C = m.constructor as new (...a: unknown[]) => M;
  const c = new C(...m.cloneArgs);
  noGrad(() => c.loadStateDict(m.stateDict()));
  c.train(m.training);
  return c;
}

/** x + block(x), its LayerNorm before the block (normFirst, pre-norm) or after the sum (post-norm). */
const residual = (normFirst: boolean, x: Tensor, norm: LayerNorm, block: (y: Tensor) => Tensor): Tensor =>
  normFirst ? add(x, block(norm(x))) : norm(add(x, block(x)));

const ENC_LAYER =
  'TransformerEncoderLayer(int d_model, int nhead, int dim_feedforward=2048, float dropout=0.1, "relu"|"gelu"|Callable activation="relu", float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, *, Device? device=None, ScalarType? dtype=None)';
const ENC_LAYER_FORWARD = 'forward(Tensor src, Tensor? src_mask=None, Tensor? src_key_padding_mask=None)';

/**
 * One encoder block: self-attention and a feed-forward network linear2(dropout(activation(linear1(x)))), each
 * wrapped in a residual connection with LayerNorm, after (post-norm, default) or before (`normFirst`) each
 * block.
 *
 * Constructor: `dModel`, `nhead`, `dimFeedforward` (default 2048), `dropout` (default 0.1), `activation`
 * (`'relu'` default, `'gelu'` or a function), `layerNormEps` (default 1e-5), `batchFirst` (default false),
 * `normFirst` (default false), keyword-only `device`, `dtype`. forward(src, srcMask = null, srcKeyPaddingMask
 * = null): src (S, N, dModel) ((N, S, dModel) with batchFirst), output the same shape.
 */
export class TransformerEncoderLayer extends Module {
  /** The self-attention MultiheadAttention(dModel, nhead). */
  self_attn: MultiheadAttention;
  /** Linear(dModel, dimFeedforward). */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Linear(dimFeedforward, dModel). */
  linear2: Linear;
  /** LayerNorm(dModel) of the self-attention block. */
  norm1: LayerNorm;
  /** LayerNorm(dModel) of the feed-forward block. */
  norm2: LayerNorm;
  /** Dropout on the self-attention output. */
  dropout1: Dropout;
  /** Dropout on the feed-forward output. */
  dropout2: Dropout;
  /** Pre-norm (LayerNorm before each block) instead of post-norm (constructor option, default false). */
  readonly normFirst: boolean;
  /** The feed-forward activation (constructor option, default relu). */
  readonly activation: (x: Tensor) => Tensor;
  /** @internal The constructor arguments, for TransformerEncoder's copies of the layer. */
  readonly cloneArgs: unknown[];
  constructor(...args: CallArgs<typeof ENC_LAYER>) {
    super();
    const a = ctorArgs('nn.TransformerEncoderLayer', ENC_LAYER, args);
    this.cloneArgs = args;
    const f = factory(a);
    this.self_attn = new MultiheadAttention(a.dModel, a.nhead, {
      dropout: a.dropout,
      batchFirst: a.batchFirst,
      ...f,
    });
    this.linear1 = new Linear(a.dModel, a.dimFeedforward, { ...f });
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dimFeedforward, a.dModel, { ...f });
    this.normFirst = a.normFirst;
    this.norm1 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f });
    this.norm2 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f });
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    this.activation = activationFn(a.activation as Activation);
  }
  override forward(...args: CallArgs<typeof ENC_LAYER_FORWARD>): Tensor {
    const a = ctorArgs('nn.TransformerEncoderLayer.forward', ENC_LAYER_FORWARD, args);
    return this.run(a.src, a.srcMask, a.srcKeyPaddingMask);
  }
  /** @internal forward with its arguments already bound (TransformerEncoder calls it). */
  run(src: Tensor, mask: Tensor | null, kpm: Tensor | null): Tensor {
    const x = residual(this.normFirst, src, this.norm1, (y) => this.saBlock(y, mask, kpm));
    return residual(this.normFirst, x, this.norm2, (y) => this.ffBlock(y));
  }
  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null): Tensor {
    const [y] = this.self_attn.attend(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false });
    return this.dropout1(y);
  }
  private ffBlock(x: Tensor): Tensor {
    return this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }
}

const DEC_LAYER =
  'TransformerDecoderLayer(int d_model, int nhead, int dim_feedforward=2048, float dropout=0.1, "relu"|"gelu"|Callable activation="relu", float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, *, Device? device=None, ScalarType? dtype=None)';
const DEC_LAYER_FORWARD =
  'forward(Tensor tgt, Tensor memory, Tensor? tgt_mask=None, Tensor? memory_mask=None, Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None)';

/**
 * One decoder block: self-attention over the target, cross-attention over the encoder's `memory`, and a
 * feed-forward network, each wrapped in a residual connection with LayerNorm (post-norm by default, pre-norm
 * with `normFirst`).
 *
 * Constructor: `dModel`, `nhead`, `dimFeedforward` (default 2048), `dropout` (default 0.1), `activation`
 * (`'relu'` default, `'gelu'` or a function), `layerNormEps` (default 1e-5), `batchFirst` (default false),
 * `normFirst` (default false), keyword-only `device`, `dtype`. forward(tgt, memory, tgtMask, memoryMask,
 * tgtKeyPaddingMask, memoryKeyPaddingMask) (masks default null): tgt (T, N, dModel), memory (S, N, dModel),
 * output (T, N, dModel) (batch first with batchFirst).
 */
export class TransformerDecoderLayer extends Module {
  /** The self-attention MultiheadAttention(dModel, nhead). */
  self_attn: MultiheadAttention;
  /** The cross-attention MultiheadAttention(dModel, nhead) over `memory`. */
  multihead_attn: MultiheadAttention;
  /** Linear(dModel, dimFeedforward). */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Linear(dimFeedforward, dModel). */
  linear2: Linear;
  /** LayerNorm(dModel) of the self-attention block. */
  norm1: LayerNorm;
  /** LayerNorm(dModel) of the cross-attention block. */
  norm2: LayerNorm;
  /** LayerNorm(dModel) of the feed-forward block. */
  norm3: LayerNorm;
  /** Dropout on the self-attention output. */
  dropout1: Dropout;
  /** Dropout on the cross-attention output. */
  dropout2: Dropout;
  /** Dropout on the feed-forward output. */
  dropout3: Dropout;
  /** Pre-norm (LayerNorm before each block) instead of post-norm (constructor option, default false). */
  readonly normFirst: boolean;
  /** The feed-forward activation (constructor option, default relu). */
  readonly activation: (x: Tensor) => Tensor;
  /** @internal The constructor arguments, for TransformerDecoder's copies of the layer. */
  readonly cloneArgs: unknown[];
  constructor(...args: CallArgs<typeof DEC_LAYER>) {
    super();
    const a = ctorArgs('nn.TransformerDecoderLayer', DEC_LAYER, args);
    this.cloneArgs = args;
    const f = factory(a);
    const mha = () =>
      new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, ...f });
    this.self_attn = mha();
    this.multihead_attn = mha();
    this.linear1 = new Linear(a.dModel, a.dimFeedforward, { ...f });
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dimFeedforward, a.dModel, { ...f });
    this.normFirst = a.normFirst;
    this.norm1 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f });
    this.norm2 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f });
    this.norm3 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f });
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    this.dropout3 = new Dropout(a.dropout);
    this.activation = activationFn(a.activation as Activation);
  }
  override forward(...args: CallArgs<typeof DEC_LAYER_FORWARD>): Tensor {
    const a = ctorArgs('nn.TransformerDecoderLayer.forward', DEC_LAYER_FORWARD, args);
    return this.run(a.tgt, a.memory, a);
  }
  /** @internal forward with its arguments already bound (TransformerDecoder calls it). */
  run(
    tgt: Tensor,
    memory: Tensor,
    m: {
      tgtMask: Tensor | null;
      memoryMask: Tensor | null;
      tgtKeyPaddingMask: Tensor | null;
      memoryKeyPaddingMask: Tensor | null;
    },
  ): Tensor {
    const sa = (y: Tensor) =>
      this.dropout1(
        this.self_attn.attend(y, y, y, {
          attnMask: m.tgtMask,
          keyPaddingMask: m.tgtKeyPaddingMask,
          needWeights: false,
        })[0],
      );
    const mha = (y: Tensor) =>
      this.dropout2(
        this.multihead_attn.attend(y, memory, memory, {
          attnMask: m.memoryMask,
          keyPaddingMask: m.memoryKeyPaddingMask,
          needWeights: false,
        })[0],
      );
    const ff = (y: Tensor) => this.dropout3(this.linear2(this.dropout(this.activation(this.linear1(y)))));
    const x = residual(this.normFirst, tgt, this.norm1, sa);
    return residual(this.normFirst, residual(this.normFirst, x, this.norm2, mha), this.norm3, ff);
  }
}

/** What TransformerEncoder and TransformerDecoder are: numLayers copies of a layer, then an optional norm. */
abstract class LayerStack extends Module {
  /** The numLayers layer copies, registered as `layers.0`, `layers.1`, ... */
  layers: ModuleList;
  /** The final normalization (constructor option, default null). */
  norm: Module | null;
  /** Number of layers. */
  readonly numLayers: number;
  constructor(proto: Module & { cloneArgs: unknown[] }, numLayers: number, norm: Module | null) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => cloneLayer(proto)));
    this.numLayers = numLayers;
    this.norm = norm;
  }
}

const ENCODER =
  'TransformerEncoder(Module encoder_layer, int num_layers, Module? norm=None, bool enable_nested_tensor=True, bool mask_check=True)';
const ENCODER_FORWARD = 'forward(Tensor src, Tensor? mask=None, Tensor? src_key_padding_mask=None)';

/**
 * A stack of `numLayers` independent copies of `encoderLayer` (a TransformerEncoderLayer), then `norm` when
 * given. Constructor: `encoderLayer`, `numLayers`, `norm` (default null), `enableNestedTensor` (default true)
 * and `maskCheck` (default true), accepted for PyTorch compatibility. forward(src, mask = null,
 * srcKeyPaddingMask = null) runs the layers in turn; output the shape of src.
 */
export class TransformerEncoder extends LayerStack {
  constructor(...args: CallArgs<typeof ENCODER>) {
    const a = ctorArgs('nn.TransformerEncoder', ENCODER, args);
    if (!(a.encoderLayer instanceof TransformerEncoderLayer))
      throw new TypeError('nn.TransformerEncoder: encoder_layer must be an nn.TransformerEncoderLayer');
    super(a.encoderLayer, a.numLayers, a.norm);
  }
  override forward(...args: CallArgs<typeof ENCODER_FORWARD>): Tensor {
    const a = ctorArgs('nn.TransformerEncoder.forward', ENCODER_FORWARD, args);
    let x = a.src;
    for (const l of this.layers.children())
      x = (l as TransformerEncoderLayer).run(x, a.mask, a.srcKeyPaddingMask);
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}

const DECODER = 'TransformerDecoder(Module decoder_layer, int num_layers, Module? norm=None)';
const DECODER_FORWARD =
  'forward(Tensor tgt, Tensor memory, Tensor? tgt_mask=None, Tensor? memory_mask=None, Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None)';

/**
 * A stack of `numLayers` independent copies of `decoderLayer` (a TransformerDecoderLayer), then `norm` when
 * given. Constructor: `decoderLayer`, `numLayers`, `norm` (default null). forward(tgt, memory, tgtMask,
 * memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask) (masks default null); output the shape of tgt.
 */
export class TransformerDecoder extends LayerStack {
  constructor(...args: CallArgs<typeof DECODER>) {
    const a = ctorArgs('nn.TransformerDecoder', DECODER, args);
    if (!(a.decoderLayer instanceof TransformerDecoderLayer))
      throw new TypeError('nn.TransformerDecoder: decoder_layer must be an nn.TransformerDecoderLayer');
    super(a.decoderLayer, a.numLayers, a.norm);
  }
  override forward(...args: CallArgs<typeof DECODER_FORWARD>): Tensor {
    const a = ctorArgs('nn.TransformerDecoder.forward', DECODER_FORWARD, args);
    let x = a.tgt;
    for (const l of this.layers.children()) x = (l as TransformerDecoderLayer).run(x, a.memory, a);
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}

const TRANSFORMER =
  'Transformer(int d_model=512, int nhead=8, int num_encoder_layers=6, int num_decoder_layers=6, int dim_feedforward=2048, float dropout=0.1, "relu"|"gelu"|Callable activation="relu", Module? custom_encoder=None, Module? custom_decoder=None, float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, *, Device? device=None, ScalarType? dtype=None)';
const TRANSFORMER_FORWARD =
  'forward(Tensor src, Tensor tgt, Tensor? src_mask=None, Tensor? tgt_mask=None, Tensor? memory_mask=None, Tensor? src_key_padding_mask=None, Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None)';

/**
 * The encoder-decoder model of "Attention Is All You Need", as PyTorch 1.13's nn.Transformer: an encoder and
 * a decoder stack, each ending in a LayerNorm; parameters with more than one dimension Xavier-uniform
 * initialized.
 *
 * Constructor: `dModel` (default 512), `nhead` (default 8), `numEncoderLayers` (default 6),
 * `numDecoderLayers` (default 6), `dimFeedforward` (default 2048), `dropout` (default 0.1), `activation`
 * (default `'relu'`), `customEncoder` / `customDecoder` (default null), `layerNormEps` (default 1e-5),
 * `batchFirst` (default false), `normFirst` (default false), keyword-only `device`, `dtype`.
 *
 * forward(src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask)
 * (masks default null): src (S, N, dModel), tgt (T, N, dModel), output (T, N, dModel); batch first with
 * batchFirst.
 */
export class Transformer extends Module {
  /** The encoder stack (or `customEncoder`). */
  encoder: Module;
  /** The decoder stack (or `customDecoder`). */
  decoder: Module;
  /** Model dimension (constructor option, default 512). */
  readonly dModel: number;
  /** Heads per attention (constructor option, default 8). */
  readonly nhead: number;
  /** Inputs and outputs batch-first (constructor option, default false). */
  readonly batchFirst: boolean;
  constructor(...args: CallArgs<typeof TRANSFORMER>) {
    super();
    const a = ctorArgs('nn.Transformer', TRANSFORMER, args);
    const f = factory(a);
    const layerOpts = {
      dimFeedforward: a.dimFeedforward,
      dropout: a.dropout,
      activation: a.activation,
      layerNormEps: a.layerNormEps,
      batchFirst: a.batchFirst,
      normFirst: a.normFirst,
      ...f,
    };
    this.encoder =
      a.customEncoder ??
      new TransformerEncoder(
        new TransformerEncoderLayer(a.dModel, a.nhead, layerOpts),
        a.numEncoderLayers,
        new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f }),
      );
    this.decoder =
      a.customDecoder ??
      new TransformerDecoder(
        new TransformerDecoderLayer(a.dModel, a.nhead, layerOpts),
        a.numDecoderLayers,
        new LayerNorm(a.dModel, { eps: a.layerNormEps, ...f }),
      );
    this.dModel = a.dModel;
    this.nhead = a.nhead;
    this.batchFirst = a.batchFirst;
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }
  override forward(...args: CallArgs<typeof TRANSFORMER_FORWARD>): Tensor {
    const a = ctorArgs('nn.Transformer.forward', TRANSFORMER_FORWARD, args);
    const { src, tgt } = a;
    const batched = src.dim() === 3;
    if (!this.batchFirst && src.shape[1] !== tgt.shape[1] && batched)
      throw new RangeError('the batch number of src and tgt must be equal');
    if (this.batchFirst && src.shape[0] !== tgt.shape[0] && batched)
      throw new RangeError('the batch number of src and tgt must be equal');
    if (src.shape[src.dim() - 1] !== this.dModel || tgt.shape[tgt.dim() - 1] !== this.dModel)
      throw new RangeError('the feature number of src and tgt must be equal to d_model');
    const memory = this.encoder(src, { mask: a.srcMask, srcKeyPaddingMask: a.srcKeyPaddingMask }) as Tensor;
    return this.decoder(tgt, memory, {
      tgtMask: a.tgtMask,
      memoryMask: a.memoryMask,
      tgtKeyPaddingMask: a.tgtKeyPaddingMask,
      memoryKeyPaddingMask: a.memoryKeyPaddingMask,
    }) as Tensor;
  }
  /** A float mask [sz, sz]: -inf above the diagonal, 0 elsewhere (PyTorch's static method). */
  static generateSquareSubsequentMask(sz: number, opts: { device?: string } = {}): Tensor {
    const r = reshape(arange(sz, undefined, 1, { device: opts.device }), [sz, 1]);
    const c = reshape(arange(sz, undefined, 1, { device: opts.device }), [1, sz]);
    return where(gt(c, r), Number.NEGATIVE_INFINITY, 0);
  }
}

registerCtor('nn.MultiheadAttention', MHA, MultiheadAttention);
registerCtor('nn.TransformerEncoderLayer', ENC_LAYER, TransformerEncoderLayer);
registerCtor('nn.TransformerDecoderLayer', DEC_LAYER, TransformerDecoderLayer);
registerCtor('nn.TransformerEncoder', ENCODER, TransformerEncoder);
registerCtor('nn.TransformerDecoder', DECODER, TransformerDecoder);
registerCtor('nn.Transformer', TRANSFORMER, Transformer);
registerCtor('nn.MultiheadAttention.forward', MHA_FORWARD);
registerCtor('nn.TransformerEncoderLayer.forward', ENC_LAYER_FORWARD);
registerCtor('nn.TransformerDecoderLayer.forward', DEC_LAYER_FORWARD);
registerCtor('nn.TransformerEncoder.forward', ENCODER_FORWARD);
registerCtor('nn.TransformerDecoder.forward', DECODER_FORWARD);
registerCtor('nn.Transformer.forward', TRANSFORMER_FORWARD);
