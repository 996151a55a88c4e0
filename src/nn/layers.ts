/** Basic layers: Linear, Identity, Flatten, Unflatten, Dropout, Embedding. */

import { dropout } from '../ops/activation.js';
import { empty } from '../ops/creation.js';
import { embedding } from '../ops/indexing.js';
import { linear } from '../ops/matmul.js';
import { flatten, unflatten } from '../ops/shape.js';
import type { DeviceLike } from '../tensor/device.js';
import type { DTypeLike } from '../tensor/dtype.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import * as init from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat, pyTuple } from './repr.js';

export interface FactoryOptions {
  device?: DeviceLike;
  dtype?: DTypeLike;
}

/**
 * y = x W^T + b. Default init as PyTorch: W ~ kaiming_uniform_(a=sqrt(5)), i.e.
 * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)), and b ~ U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)).
 *
 * ```ts
 * const fc = new nn.Linear(784, 128);
 * const y = fc(torch.randn([64, 784]));   // [64, 128]
 * ```
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean } & FactoryOptions = {},
  ) {
    super();
    const f = { device: opts.device, dtype: opts.dtype };
    this.weight = Parameter(empty([outFeatures, inFeatures], f));
    this.bias = opts.bias === false ? null : Parameter(empty([outFeatures], f));
    this.resetParameters();
  }
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly unflattenedSize: readonly number[],
  ) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return unflatten(input, this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}

/** Zeroes elements with probability p in training mode (scaling the rest by 1/(1-p)); identity in eval. */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly inplace = false,
  ) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

export interface EmbeddingOptions extends FactoryOptions {
  paddingIdx?: number | null;
  /** A pretrained weight [numEmbeddings, embeddingDim] to use instead of N(0, 1). */
  weight?: Tensor;
}

/** A lookup table: ids [...] -> rows [..., embeddingDim]. Weight ~ N(0, 1), the padding row zero. */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings)
        throw new RangeError('Padding_idx must be within num_embeddings');
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    if (opts.weight) {
      const s = opts.weight.shape;
      if (s.length !== 2 || s[0] !== numEmbeddings || s[1] !== embeddingDim)
        throw new RangeError('Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = Parameter(opts.weight);
    } else {
      this.weight = Parameter(
        empty([numEmbeddings, embeddingDim], { device: opts.device, dtype: opts.dtype }),
      );
      this.resetParameters();
    }
  }
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) {
      const p = this.paddingIdx;
      noGrad(() => this.weight.select(0, p).fill_(0));
    }
  }
  /** Embedding.from_pretrained: frozen by default. */
  static fromPretrained(
    embeddings: Tensor,
    opts: { freeze?: boolean; paddingIdx?: number | null } = {},
  ): Embedding {
    if (embeddings.dim() !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const [n, d] = embeddings.shape;
    const e = new Embedding(n, d, { weight: embeddings, paddingIdx: opts.paddingIdx });
    e.weight.requiresGrad_(!(opts.freeze ?? true));
    return e;
  }
  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
