/** Basic layers: Linear, Identity, Flatten, Unflatten, Dropout, Embedding. */

import { dropout } from '../ops/activation.js';
import { empty } from '../ops/creation.js';
import { embedding } from '../ops/indexing.js';
import { flatten, unflatten } from '../ops/shape.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { DeviceLike } from '../tensor/device.js';
import type { DTypeLike } from '../tensor/dtype.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { embeddingRenorm_ } from './embedding-renorm.js';
import * as F from './functional.js';
import { unsupportedEmbeddingArgs } from './functional.js';
import * as init from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat, pyTuple } from './repr.js';

/** Where and how a layer allocates its parameters (PyTorch's factory keyword arguments). */
export interface FactoryOptions {
  /**
   * The device of the new parameters and buffers (default: the current default device, the CPU unless
   * changed).
   */
  device?: DeviceLike;
  /**
   * The dtype of the floating-point parameters and buffers (default: the default dtype, float32 unless
   * changed).
   */
  dtype?: DTypeLike;
}
/** @internal The `device`/`dtype` pair of a bound constructor, as `empty()` takes it. */
export const factory = (a: { device: DeviceLike | null; dtype: DTypeLike | null }): FactoryOptions => ({
  device: a.device ?? undefined,
  dtype: a.dtype ?? undefined,
});

const LINEAR =
  'Linear(int in_features, int out_features, bool bias=True, *, Device? device=None, ScalarType? dtype=None)';
/**
 * Fully connected layer, y = x Wᵀ + b.
 *
 * Constructor: `inFeatures`, `outFeatures`, `bias` (default true), and the keyword-only `device`, `dtype`
 * (defaults: the default device and dtype). Input (*, inFeatures), output (*, outFeatures).
 *
 * ```ts
 * const fc = new nn.Linear(784, 128);
 * const y = fc(torch.randn([64, 784]));   // [64, 128]
 * ```
 */
export class Linear extends Module {
  /**
   * (outFeatures, inFeatures), initialized from U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)) (PyTorch's
   * kaiming_uniform_ with a = sqrt(5)).
   */
  weight: Parameter;
  /**
   * (outFeatures), initialized from U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)); null when built with `bias:
   * false`.
   */
  bias: Parameter | null;
  /** Size of each input sample's last dimension. */
  readonly inFeatures: number;
  /** Size of each output sample's last dimension. */
  readonly outFeatures: number;
  constructor(...args: CallArgs<typeof LINEAR>) {
    super();
    const a = ctorArgs('nn.Linear', LINEAR, args);
    this.inFeatures = a.inFeatures;
    this.outFeatures = a.outFeatures;
    const f = factory(a);
    this.weight = Parameter(empty([a.outFeatures, a.inFeatures], f));
    this.bias = a.bias ? Parameter(empty([a.outFeatures], f)) : null;
    this.resetParameters();
  }
  /** Re-draws `weight` and `bias` from their initial distributions, in place. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias); // bound: autocast sees it
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

const IDENTITY = 'Identity()';
/** Returns its input. */
export class Identity extends Module {
  constructor(...args: CallArgs<typeof IDENTITY>) {
    super();
    ctorArgs('nn.Identity', IDENTITY, args);
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

const FLATTEN = 'Flatten(int start_dim=1, int end_dim=-1)';
/**
 * Flattens dimensions `startDim` (default 1) through `endDim` (default -1) into one: input (*, S_start, ...,
 * S_end, *), output (*, S_start · ... · S_end, *). The default keeps the batch dimension.
 */
export class Flatten extends Module {
  /** First dimension flattened (constructor option, default 1). */
  readonly startDim: number;
  /** Last dimension flattened (constructor option, default -1). */
  readonly endDim: number;
  constructor(...args: CallArgs<typeof FLATTEN>) {
    super();
    const a = ctorArgs('nn.Flatten', FLATTEN, args);
    this.startDim = a.startDim;
    this.endDim = a.endDim;
  }
  override forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

const UNFLATTEN = 'Unflatten(int dim, int[] unflattened_size)';
/**
 * Expands dimension `dim` into the shape `unflattenedSize` (whose product must equal that dimension's size;
 * one -1 is inferred): input (*, S_dim, *), output (*, U_1, ..., U_n, *). Both constructor arguments are
 * required.
 */
export class Unflatten extends Module {
  /** The dimension expanded. */
  readonly dim: number;
  /** The shape it is expanded into. */
  readonly unflattenedSize: readonly number[];
  constructor(...args: CallArgs<typeof UNFLATTEN>) {
    super();
    const a = ctorArgs('nn.Unflatten', UNFLATTEN, args);
    this.dim = a.dim;
    this.unflattenedSize = a.unflattenedSize;
  }
  override forward(input: Tensor): Tensor {
    return unflatten(input, this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}

const DROPOUT = 'Dropout(float p=0.5, bool inplace=False)';
/**
 * During training zeroes each element independently with probability `p` and scales the others by 1/(1 - p);
 * in eval mode returns its input. Constructor: `p` (default 0.5), `inplace` (default false). Input (*),
 * output the same shape.
 */
export class Dropout extends Module {
  /** Probability of an element being zeroed (constructor option, default 0.5). */
  readonly p: number;
  /** Write the result into the input tensor when training (constructor option, default false). */
  readonly inplace: boolean;
  constructor(...args: CallArgs<typeof DROPOUT>) {
    super();
    const a = ctorArgs(
      `nn.${new.target.name}`,
      DROPOUT.replace('Dropout', new.target.name) as typeof DROPOUT,
      args,
    );
    if (a.p < 0 || a.p > 1)
      throw new RangeError(`dropout probability has to be between 0 and 1, but got ${a.p}`);
    this.p = a.p;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    const y = dropout(input, this.p, this.training);
    return this.inplace && this.training ? input.copy_(y) : y;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

const EMBEDDING =
  'Embedding(int num_embeddings, int embedding_dim, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False, *, Device? device=None, ScalarType? dtype=None)';
/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`: integer ids (*) give rows (*,
 * embeddingDim).
 *
 * Constructor: `numEmbeddings`, `embeddingDim`, `paddingIdx` (default null: the row at that id is zero at
 * init and gets no gradient), `maxNorm` (default null: rows looked up are renormalized in place to at most
 * this `normType`-norm), `normType` (default 2.0), `scaleGradByFreq` and `sparse` (accepted only as false),
 * and the keyword-only `device`, `dtype`.
 */
export class Embedding extends Module {
  /** (numEmbeddings, embeddingDim), initialized from N(0, 1), the `paddingIdx` row zero. */
  weight: Parameter;
  /** Size of the table (the number of ids). */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /**
   * The id whose row stays zero and gets no gradient, normalized to non-negative (constructor option, default
   * null).
   */
  readonly paddingIdx: number | null;
  /** Rows looked up are renormalized in place to this p-norm (PyTorch's max_norm). */
  readonly maxNorm: number | null;
  /** The p of the norm `maxNorm` bounds (constructor option, default 2.0). */
  readonly normType: number;
  constructor(...args: CallArgs<typeof EMBEDDING>) {
    super();
    const a = ctorArgs('nn.Embedding', EMBEDDING, args);
    unsupportedEmbeddingArgs('nn.Embedding', { ...a, maxNorm: null });
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    const { numEmbeddings, embeddingDim } = a;
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let pad = a.paddingIdx;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings)
        throw new RangeError('Padding_idx must be within num_embeddings');
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = Parameter(empty([numEmbeddings, embeddingDim], factory(a)));
    this.resetParameters();
  }
  /** Re-draws `weight` from N(0, 1), zeroing the `paddingIdx` row, in place. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) {
      const p = this.paddingIdx;
      noGrad(() => this.weight.select(0, p).fill_(0));
    }
  }
  /**
   * Embedding.from_pretrained: an Embedding whose weight is `embeddings` (num, dim). Options: `freeze`
   * (default true: the weight gets no gradient), `paddingIdx` (default null), `maxNorm` (default null),
   * `normType` (default 2.0), `scaleGradByFreq` and `sparse` (only false).
   */
  static fromPretrained(...args: CallArgs<typeof FROM_PRETRAINED>): Embedding {
    const a = ctorArgs('nn.Embedding.fromPretrained', FROM_PRETRAINED, args);
    const embeddings = a.embeddings;
    if (embeddings.dim() !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const [n, d] = embeddings.shape;
    const { freeze: _, embeddings: __, ...rest } = a;
    const e = new Embedding(n, d, { ...rest, device: embeddings.device, dtype: embeddings.dtype });
    e.weight = Parameter(embeddings);
    e.weight.requiresGrad_(!a.freeze);
    return e;
  }
  override forward(input: Tensor): Tensor {
    if (this.maxNorm !== null) embeddingRenorm_(this.weight, input, this.maxNorm, this.normType);
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
const FROM_PRETRAINED =
  'from_pretrained(Tensor embeddings, bool freeze=True, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False)';

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('nn.Linear', LINEAR, Linear);
registerCtor('nn.Identity', IDENTITY, Identity);
registerCtor('nn.Flatten', FLATTEN, Flatten);
registerCtor('nn.Unflatten', UNFLATTEN, Unflatten);
registerCtor('nn.Dropout', DROPOUT, Dropout);
registerCtor('nn.Embedding', EMBEDDING, Embedding);
registerCtor('nn.Embedding.fromPretrained', FROM_PRETRAINED);
