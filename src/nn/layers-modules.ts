/**
 * The common modules real PyTorch programs use that the other layer files lack: EmbeddingBag,
 * ParameterList, ParameterDict, Dropout1d, Dropout3d, AlphaDropout, ChannelShuffle, Fold,
 * Softmax2d, TripletMarginWithDistanceLoss; their functional forms (F.fold, F.dropout1d,
 * F.alphaDropout, F.channelShuffle, F.tripletMarginWithDistanceLoss); and nn.utils.weightNorm /
 * removeWeightNorm / spectralNorm / removeSpectralNorm (recomputed by a forward pre hook, with
 * PyTorch's parameter and buffer names, so state dicts load across).
 */
import { E } from '../backend/expr.js';
import { fold as foldWindows } from '../ops/conv.js';
import { ewise, record1 } from '../ops/core.js';
import { empty, rand } from '../ops/creation.js';
import * as more from '../ops/nn-more.js';
import { dropout2d as dropout2dOp } from '../ops/spatial.js';
import { ctorArgs, fn, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { ShapeError } from '../tensor/errors.js';
import { defaultGenerator } from '../tensor/random.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import * as init from './init.js';
import { Dropout, factory } from './layers.js';
import { Module } from './module.js';
import { isParameter, Parameter } from './parameter.js';

// ---- functional ----

/**
 * col2im, the adjoint of unfold: sums the sliding blocks of (N, C · kH · kW, L) (or unbatched (C · kH · kW,
 * L)) into (N, C, outputSize[0], outputSize[1]), overlapping entries added. Defaults: dilation 1, padding 0,
 * stride 1.
 */
export const fold = fn(
  'F.fold',
  'fold(Tensor input, int[2] output_size, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)',
  (a) =>
    foldImpl(
      a.input,
      pair(a.outputSize),
      pair(a.kernelSize),
      pair(a.dilation),
      pair(a.padding),
      pair(a.stride),
    ),
);
const pair = (v: number | readonly number[]): [number, number] =>
  typeof v === 'number' ? [v, v] : v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];

function foldImpl(
  input: Tensor,
  size: [number, number],
  k: [number, number],
  dil: [number, number],
  pad: [number, number],
  stride: [number, number],
): Tensor {
  const batched = input.dim() === 3;
  if (input.dim() !== 2 && !batched)
    throw new ShapeError(
      `Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${input.dim()}D)`,
    );
  const x = batched ? input : input.unsqueeze(0);
  const [N, CK, L] = x.shape;
  const kk = k[0] * k[1];
  if (CK % kk !== 0)
    throw new ShapeError(
      `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=(${k[0]}, ${k[1]})`,
    );
  const P = [size[0] + 2 * pad[0], size[1] + 2 * pad[1]];
  const O = [0, 1].map((i) => Math.floor((P[i] - dil[i] * (k[i] - 1) - 1) / stride[i]) + 1);
  if (O[0] * O[1] !== L)
    throw new ShapeError(
      `Given output_size=(${size[0]}, ${size[1]}), kernel_size=(${k[0]}, ${k[1]}), dilation=(${dil[0]}, ${dil[1]}), padding=(${pad[0]}, ${pad[1]}), stride=(${stride[0]}, ${stride[1]}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${O[0]} * ${O[1]} = ${O[0] * O[1]}, but got input.size(2)=${L}.`,
    );
  const C = CK / kk;
  const g = x.detach().reshape([N, C, k[0], k[1], O[0], O[1]]).permute([0, 1, 4, 5, 2, 3]);
  const full = foldWindows(g, P, stride, dil);
  const outRaw = full
    .slice(2, pad[0], pad[0] + size[0])
    .slice(3, pad[1], pad[1] + size[1])
    .contiguous();
  const out = record1('col2im', outRaw, [x], (go) => [more.unfold(go, k, dil, pad, stride)]);
  return batched ? out : out.squeeze(0);
}

/**
 * Zeroes whole channels of (N, C, L) or (C, L) with probability `p` (default 0.5), scaling the rest by
 * 1/(1-p), when `training` (default true). `inplace` defaults to false.
 */
export const dropout1d = fn(
  'F.dropout1d',
  'dropout1d(Tensor input, float p=0.5, bool training=True, bool inplace=False)',
  (a) => {
    const x = a.input;
    if (a.p < 0 || a.p > 1)
      throw new RangeError(`dropout probability has to be between 0 and 1, but got ${a.p}`);
    if (x.dim() !== 2 && x.dim() !== 3)
      throw new ShapeError(
        `dropout1d: Expected 2D or 3D input, but received a ${x.dim()}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
      );
    if (!a.training || a.p === 0) return x;
    const batched = x.dim() === 3;
    const x4 = (batched ? x : x.unsqueeze(0)).unsqueeze(-1);
    let y = dropout2dOp(x4, a.p, a.training).squeeze(-1);
    if (!batched) y = y.squeeze(0);
    return a.inplace && a.training ? x.copy_(y) : y;
  },
);

/** SELU-preserving dropout (PyTorch's alpha dropout: keeps mean 0 and variance 1). */
export function alphaDropoutImpl(x: Tensor, p: number, training: boolean): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || x.numel() === 0) return x;
  if (p === 1) return x.mul(0);
  const alpha = 1.7580993408473766;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  const u = rand(x.shape, { device: x.device, generator: defaultGenerator });
  const noise = ewise('alpha_noise', (v) => E.where(E.ge(v, p), a, 0), [u], 'float32');
  const b = ewise(
    'alpha_shift',
    (v) => E.where(E.ge(v, p), alpha * a * p, alpha * a * p - alpha * a),
    [u],
    'float32',
  );
  u.dispose();
  return x.mul(noise).add(b);
}
/**
 * Dropout for SELU networks: when `training` (default false) elements are set with probability `p` (default
 * 0.5) to SELU's negative saturation value and an affine correction keeps zero mean and unit variance.
 * `inplace` defaults to false.
 */
export const alphaDropout = fn(
  'F.alphaDropout',
  'alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False)',
  (a) => {
    const y = alphaDropoutImpl(a.input, a.p, a.training);
    return a.inplace && a.training ? a.input.copy_(y) : y;
  },
);

/**
 * Splits the C channels of (N, C, *) into `groups` groups and interleaves them: (N, g, C/g, *) transposed to
 * (N, C/g, g, *), reshaped back.
 */
export const channelShuffle = fn('F.channelShuffle', 'channel_shuffle(Tensor input, int groups)', (a) =>
  channelShuffleImpl(a.input, a.groups),
);
function channelShuffleImpl(x: Tensor, g: number): Tensor {
  if (g <= 0)
    throw new RangeError(`Number of groups to divide channels in must be positive. Value of groups:${g}`);
  if (x.dim() < 3)
    throw new ShapeError(
      `channel_shuffle expects input to have at least 3 dimensions, but got input with sizes [${x.shape}]`,
    );
  const [N, C, ...rest] = x.shape;
  if (C % g !== 0)
    throw new ShapeError(
      `Number of channels must be divisible by groups. Got ${C} channels and ${g} groups.`,
    );
  return x
    .reshape([N, g, C / g, ...rest])
    .transpose(1, 2)
    .reshape(x.shape);
}

type DistFn = (a: Tensor, b: Tensor) => Tensor;
/**
 * max(d(a, p) - d(a, n) + margin, 0) with a custom distance. Keyword-only options: `distanceFunction`
 * (default null: the pairwise 2-norm distance), `margin` (default 1.0, positive), `swap` (default false: true
 * uses min(d(a, n), d(p, n))), `reduction` (default `'mean'`).
 */
export const tripletMarginWithDistanceLoss = fn(
  'F.tripletMarginWithDistanceLoss',
  'triplet_margin_with_distance_loss(Tensor anchor, Tensor positive, Tensor negative, *, Callable? distance_function=None, float margin=1.0, bool swap=False, "none"|"mean"|"sum" reduction="mean")',
  (a) =>
    tripletWithDistance(
      a.anchor,
      a.positive,
      a.negative,
      a.distanceFunction as DistFn | null,
      a.margin,
      a.swap,
      a.reduction,
    ),
);
function tripletWithDistance(
  anchor: Tensor,
  pos: Tensor,
  neg: Tensor,
  dist: DistFn | null,
  margin: number,
  swap: boolean,
  reduction: 'none' | 'mean' | 'sum',
): Tensor {
  if (margin <= 0)
    throw new RangeError(
      `triplet_margin_with_distance_loss: expected margin to be greater than 0, got ${margin} instead`,
    );
  const d = dist ?? ((x: Tensor, y: Tensor) => more.pairwiseDistance(x, y, 2, 1e-6, false));
  const dp = d(anchor, pos);
  let dn = d(anchor, neg);
  if (swap) dn = dn.minimum(d(pos, neg));
  const l = dp.sub(dn).add(margin).clampMin(0);
  return reduction === 'none' ? l : reduction === 'sum' ? l.sum() : l.mean();
}

// ---- modules ----

const EMBEDDING_BAG =
  'EmbeddingBag(int num_embeddings, int embedding_dim, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, "sum"|"mean"|"max" mode="mean", bool sparse=False, Tensor? _weight=None, bool include_last_offset=False, int? padding_idx=None, *, Device? device=None, ScalarType? dtype=None)';
const EMBEDDING_BAG_FORWARD = 'forward(Tensor input, Tensor? offsets=None, Tensor? per_sample_weights=None)';

/**
 * Sums, averages or maxes bags of embedding rows without materializing them. Forward: `input` 2-D (B, n) is B
 * bags of n ids; 1-D with `offsets` (B) marks where each bag starts; `perSampleWeights` (same shape as input,
 * `'sum'` mode only) scales each row. Output (B, embeddingDim).
 *
 * Constructor: `numEmbeddings`, `embeddingDim`, `maxNorm` (only null), `normType` (default 2.0),
 * `scaleGradByFreq` (default false), `mode` (default `'mean'`), `sparse` (only false), `_weight` (default
 * null: a given initial weight), `includeLastOffset` (default false), `paddingIdx` (default null),
 * keyword-only `device`, `dtype`.
 */
export class EmbeddingBag extends Module {
  /** (numEmbeddings, embeddingDim), initialized from N(0, 1), the `paddingIdx` row zero. */
  weight: Parameter;
  /** Size of the table (the number of ids). */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** How a bag is reduced: `'sum'`, `'mean'` (default) or `'max'`. */
  readonly mode: 'sum' | 'mean' | 'max';
  /**
   * Whether `offsets` has one entry more than the bags, the last being the input's length (constructor
   * option, default false).
   */
  readonly includeLastOffset: boolean;
  /**
   * Id whose rows are left out of the bags, normalized to non-negative (constructor option, default null).
   */
  readonly paddingIdx: number | null;
  constructor(...args: CallArgs<typeof EMBEDDING_BAG>) {
    super();
    const a = ctorArgs('nn.EmbeddingBag', EMBEDDING_BAG, args);
    if (a.maxNorm !== null) throw new RangeError('nn.EmbeddingBag(): max_norm is not supported (only None)');
    if (a.sparse) throw new RangeError('nn.EmbeddingBag(): sparse gradients are not supported');
    this.numEmbeddings = a.numEmbeddings;
    this.embeddingDim = a.embeddingDim;
    this.mode = a.mode;
    this.includeLastOffset = a.includeLastOffset;
    let pad = a.paddingIdx;
    if (pad !== null) {
      if (pad >= a.numEmbeddings || pad < -a.numEmbeddings)
        throw new RangeError('padding_idx must be within num_embeddings');
      if (pad < 0) pad += a.numEmbeddings;
    }
    this.paddingIdx = pad;
    if (a.Weight) {
      if (a.Weight.shape[0] !== a.numEmbeddings || a.Weight.shape[1] !== a.embeddingDim)
        throw new ShapeError('Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = Parameter(a.Weight);
    } else {
      this.weight = Parameter(empty([a.numEmbeddings, a.embeddingDim], factory(a)));
      noGrad(() => init.normal_(this.weight));
      if (pad !== null) noGrad(() => this.weight.select(0, pad).fill_(0));
    }
  }
  override forward(...args: CallArgs<typeof EMBEDDING_BAG_FORWARD>): Tensor {
    const a = ctorArgs('nn.EmbeddingBag.forward', EMBEDDING_BAG_FORWARD, args);
    return more.embeddingBag(
      a.input,
      this.weight,
      a.offsets,
      this.mode,
      a.perSampleWeights,
      this.includeLastOffset,
      this.paddingIdx,
    );
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode='${this.mode}'${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

const PARAMETER_LIST = 'ParameterList(Tensor[]? values=None)';
/**
 * Parameters held by index, registered as '0', '1', ... in parameters() and the state dict, as PyTorch.
 * Constructor: `values` (default null), tensors wrapped as Parameters unless they already are.
 */
export class ParameterList extends Module {
  constructor(...args: CallArgs<typeof PARAMETER_LIST>) {
    super();
    const a = ctorArgs('nn.ParameterList', PARAMETER_LIST, args);
    for (const v of a.values ?? []) this.append(v);
  }
  /** The number of parameters. */
  override get length(): number {
    let n = 0;
    while (Object.hasOwn(this, String(n))) n++;
    return n;
  }
  /** The i-th parameter (negative from the end). */
  at(i: number): Tensor {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new RangeError(`index ${i} is out of range`);
    return (this as unknown as Record<string, Tensor>)[String(j)];
  }
  /** Replaces the i-th parameter (negative counts from the end) by `v`, wrapped as a Parameter. */
  set(i: number, v: Tensor): void {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new RangeError(`index ${i} is out of range`);
    (this as unknown as Record<string, Tensor>)[String(j)] = toParam(v);
  }
  /** Adds `v` (wrapped as a Parameter) at the end; returns this list. */
  append(v: Tensor): this {
    (this as unknown as Record<string, Tensor>)[String(this.length)] = toParam(v);
    return this;
  }
  /** Appends every tensor of `vs`; returns this list. */
  extend(vs: Iterable<Tensor>): this {
    for (const v of vs) this.append(v);
    return this;
  }
  *[Symbol.iterator](): IterableIterator<Tensor> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
  override forward(): never {
    throw new Error('ParameterList should not be called.');
  }
}
/** A plain tensor becomes a Parameter (PyTorch wraps it the same way). */
const toParam = (v: Tensor): Tensor => (isParameter(v) ? v : Parameter(v));

const PARAMETER_DICT = 'ParameterDict(Any? parameters=None)';
/**
 * Parameters by name, in insertion order; the keys are the parameter names in parameters() and the state
 * dict. Constructor: `parameters` (default null), a plain object (added in sorted key order, as PyTorch) or
 * an iterable of [name, tensor] pairs (in order).
 */
export class ParameterDict extends Module {
  constructor(...args: CallArgs<typeof PARAMETER_DICT>) {
    super();
    const a = ctorArgs('nn.ParameterDict', PARAMETER_DICT, args);
    const init = a.parameters as Record<string, Tensor> | Iterable<[string, Tensor]> | null;
    if (init) this.update(init);
  }
  /** The parameter under `key`, or undefined. */
  get(key: string): Tensor | undefined {
    return this.has(key) ? (this as unknown as Record<string, Tensor>)[key] : undefined;
  }
  /**
   * Registers `v` (wrapped as a Parameter) under `key`; an error if `key` names an existing method or
   * property. Returns this dict.
   */
  set(key: string, v: Tensor): this {
    if (typeof key !== 'string') throw new TypeError(`parameter name should be a string. Got ${typeof key}`);
    if (!Object.hasOwn(this, key) && key in this) throw new Error(`attribute '${key}' already exists`);
    (this as unknown as Record<string, Tensor>)[key] = toParam(v);
    return this;
  }
  /** Whether a parameter is registered under `key`. */
  has(key: string): boolean {
    return Object.hasOwn(this, key) && (this as unknown as Record<string, unknown>)[key] instanceof Tensor;
  }
  /** Removes the parameter under `key`; returns whether there was one. */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Record<string, unknown>)[key];
    return true;
  }
  /** The names, in insertion order. */
  keys(): string[] {
    return Object.keys(this).filter((k) => this.has(k));
  }
  /** The parameters, in insertion order. */
  values(): Tensor[] {
    return this.keys().map((k) => this.get(k) as Tensor);
  }
  /** The [name, parameter] pairs, in insertion order. */
  items(): [string, Tensor][] {
    return this.keys().map((k) => [k, this.get(k) as Tensor]);
  }
  /** The number of parameters. */
  override get length(): number {
    return this.keys().length;
  }
  /**
   * Registers every pair of `src`: a plain object in sorted key order, an iterable of [name, tensor] pairs in
   * order. Returns this dict.
   */
  update(src: Record<string, Tensor> | Iterable<[string, Tensor]>): this {
    // PyTorch: a plain mapping is added in sorted key order, pairs (and ordered dicts) in order.
    const entries =
      Symbol.iterator in Object(src)
        ? [...(src as Iterable<[string, Tensor]>)]
        : Object.entries(src).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }
  override forward(): never {
    throw new Error('ParameterDict should not be called.');
  }
}

/**
 * Zeroes whole channels of (N, C, L) or (C, L) during training, each with probability `p`, scaling the rest
 * by 1/(1 - p); the identity in eval. Constructor: `p` (default 0.5), `inplace` (default false).
 */
export class Dropout1d extends Dropout {
  override forward(input: Tensor): Tensor {
    return dropout1d(input, this.p, this.training, this.inplace);
  }
}
/**
 * Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) during training, each with probability `p`,
 * scaling the rest by 1/(1 - p); the identity in eval. Constructor: `p` (default 0.5), `inplace` (default
 * false).
 */
export class Dropout3d extends Dropout {
  override forward(input: Tensor): Tensor {
    const y = more.dropout3d(input, this.p, this.training);
    return this.inplace && this.training ? input.copy_(y) : y;
  }
}
/**
 * Dropout for SELU networks: during training elements are set with probability `p` to SELU's negative
 * saturation value, then an affine map keeps zero mean and unit variance; the identity in eval. Constructor:
 * `p` (default 0.5), `inplace` (default false). Input (*), output the same shape.
 */
export class AlphaDropout extends Dropout {
  override forward(input: Tensor): Tensor {
    return alphaDropout(input, this.p, this.training);
  }
}

const CHANNEL_SHUFFLE = 'ChannelShuffle(int groups)';
/**
 * Interleaves the channels of (N, C, *) across `groups` groups (ShuffleNet): (N, g, C/g, *) transposed to (N,
 * C/g, g, *). Constructor: `groups` (required, dividing C).
 */
export class ChannelShuffle extends Module {
  /** Number of groups the channels are split into. */
  readonly groups: number;
  constructor(...args: CallArgs<typeof CHANNEL_SHUFFLE>) {
    super();
    this.groups = ctorArgs('nn.ChannelShuffle', CHANNEL_SHUFFLE, args).groups;
  }
  override forward(x: Tensor): Tensor {
    return channelShuffleImpl(x, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}

const FOLD =
  'Fold(int[2] output_size, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)';
/**
 * Sums sliding local blocks back into a tensor, the adjoint of Unfold: (N, C · kH · kW, L) or (C · kH · kW,
 * L) into (N, C, outputSize[0], outputSize[1]). Constructor: `outputSize`, `kernelSize` (ints or pairs),
 * `dilation` (default 1), `padding` (default 0), `stride` (default 1).
 */
export class Fold extends Module {
  /** Spatial size (H, W) of the output. */
  readonly outputSize: [number, number];
  /** Block size (kH, kW). */
  readonly kernelSize: [number, number];
  /** Spacing between block elements (constructor option, default 1). */
  readonly dilation: [number, number];
  /** Implicit zero padding removed from each side (constructor option, default 0). */
  readonly padding: [number, number];
  /** Step between blocks (constructor option, default 1). */
  readonly stride: [number, number];
  constructor(...args: CallArgs<typeof FOLD>) {
    super();
    const a = ctorArgs('nn.Fold', FOLD, args);
    this.outputSize = pair(a.outputSize);
    this.kernelSize = pair(a.kernelSize);
    this.dilation = pair(a.dilation);
    this.padding = pair(a.padding);
    this.stride = pair(a.stride);
  }
  override forward(x: Tensor): Tensor {
    return foldImpl(x, this.outputSize, this.kernelSize, this.dilation, this.padding, this.stride);
  }
  override extraRepr(): string {
    const t = (v: [number, number]) => `(${v[0]}, ${v[1]})`;
    return `output_size=${t(this.outputSize)}, kernel_size=${t(this.kernelSize)}, dilation=${t(this.dilation)}, padding=${t(this.padding)}, stride=${t(this.stride)}`;
  }
}

/** Softmax over the channels of [N, C, H, W] or [C, H, W]. */
export class Softmax2d extends Module {
  constructor(...args: CallArgs<'Softmax2d()'>) {
    super();
    ctorArgs('nn.Softmax2d', 'Softmax2d()', args);
  }
  override forward(x: Tensor): Tensor {
    if (x.dim() !== 3 && x.dim() !== 4)
      throw new ShapeError(`Softmax2d: expected input to be 3D or 4D, got ${x.dim()}D instead`);
    return x.softmax(-3);
  }
}

const TRIPLET_DIST =
  'TripletMarginWithDistanceLoss(*, Callable? distance_function=None, float margin=1.0, bool swap=False, "none"|"mean"|"sum" reduction="mean")';
/**
 * Triplet loss with a custom distance: max(d(a, p) - d(a, n) + margin, 0) for anchor, positive and negative
 * inputs. Keyword-only constructor options: `distanceFunction` (default null: the pairwise 2-norm distance),
 * `margin` (default 1.0), `swap` (default false), `reduction` (default `'mean'`).
 */
export class TripletMarginWithDistanceLoss extends Module {
  /** (x, y) => distances; null uses the pairwise 2-norm distance. */
  readonly distanceFunction: DistFn | null;
  /** Minimum gap wanted between the negative and positive distances (constructor option, default 1.0). */
  readonly margin: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (constructor option, default false). */
  readonly swap: boolean;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction: 'none' | 'mean' | 'sum';
  constructor(...args: CallArgs<typeof TRIPLET_DIST>) {
    super();
    const a = ctorArgs('nn.TripletMarginWithDistanceLoss', TRIPLET_DIST, args);
    this.distanceFunction = a.distanceFunction as DistFn | null;
    this.margin = a.margin;
    this.swap = a.swap;
    this.reduction = a.reduction;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletWithDistance(
      anchor,
      positive,
      negative,
      this.distanceFunction,
      this.margin,
      this.swap,
      this.reduction,
    );
  }
}

registerCtor('nn.EmbeddingBag', EMBEDDING_BAG, EmbeddingBag);
registerCtor('nn.ParameterList', PARAMETER_LIST, ParameterList);
registerCtor('nn.ParameterDict', PARAMETER_DICT, ParameterDict);
registerCtor('nn.Dropout1d', 'Dropout1d(float p=0.5, bool inplace=False)', Dropout1d);
registerCtor('nn.Dropout3d', 'Dropout3d(float p=0.5, bool inplace=False)', Dropout3d);
registerCtor('nn.AlphaDropout', 'AlphaDropout(float p=0.5, bool inplace=False)', AlphaDropout);
registerCtor('nn.ChannelShuffle', CHANNEL_SHUFFLE, ChannelShuffle);
registerCtor('nn.Fold', FOLD, Fold);
registerCtor('nn.Softmax2d', 'Softmax2d()', Softmax2d);
registerCtor('nn.TripletMarginWithDistanceLoss', TRIPLET_DIST, TripletMarginWithDistanceLoss);
