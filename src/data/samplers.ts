/**
 * torch.utils.data's samplers beyond Sequential/Random/SubsetRandom (dataloader.ts):
 * WeightedRandomSampler and BatchSampler, bound through PyTorch's parameter lists.
 */
import { rand } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Sampler } from './dataloader.js';

const WEIGHTED =
  'WeightedRandomSampler(Any weights, int num_samples, bool replacement=True, Generator? generator=None)';

/**
 * torch.utils.data.WeightedRandomSampler: `numSamples` indices drawn from [0, weights.length) with
 * probability proportional to `weights` (need not sum to 1), with or without replacement, from the
 * generator (default: torch's default generator). A fresh draw per epoch. Without replacement the
 * draw is one uniform per weight (keys u^(1/w), largest first: the same distribution as drawing one
 * by one and removing what was drawn).
 */
export class WeightedRandomSampler implements Sampler {
  /** Per-index weights (need not sum to 1). */
  readonly weights: Float64Array;
  /** Indices drawn per epoch. */
  readonly numSamples: number;
  /** Draw with replacement (default true). */
  readonly replacement: boolean;
  /** The random stream (default: the global generator). */
  readonly generator: Generator | null;
  constructor(
    weights: readonly number[] | Tensor | Float32Array | Float64Array,
    numSamples: number,
    replacement?: boolean,
    generator?: Generator | null,
  );
  constructor(
    weights: readonly number[] | Tensor | Float32Array | Float64Array,
    numSamples: number,
    options?: { replacement?: boolean; generator?: Generator | null },
  );
  constructor(
    weights: readonly number[] | Tensor | Float32Array | Float64Array,
    options: { numSamples: number; replacement?: boolean; generator?: Generator | null },
  );
  constructor(...args: unknown[]) {
    const a = ctorArgs('utils.data.WeightedRandomSampler', WEIGHTED, args);
    if (a.numSamples <= 0)
      throw new RangeError(
        `num_samples should be a positive integer value, but got num_samples=${a.numSamples}`,
      );
    const w = a.weights;
    let values: Float64Array;
    if (w instanceof Tensor) {
      if (w.dim() !== 1)
        throw new RangeError(
          `weights should be a 1d sequence but given weights have shape [${w.shape.join(', ')}]`,
        );
      values = Float64Array.from(w.toArraySync() as ArrayLike<number>);
    } else if (Array.isArray(w) || w instanceof Float32Array || w instanceof Float64Array) {
      if (Array.isArray(w) && w.some((x) => typeof x !== 'number'))
        throw new RangeError('weights should be a 1d sequence of numbers');
      values = Float64Array.from(w as ArrayLike<number>);
    } else
      throw new TypeError(
        "utils.data.WeightedRandomSampler(): argument 'weights' must be a 1d sequence of numbers or a tensor",
      );
    if (values.length === 0 || values.some((x) => !(x >= 0) || !Number.isFinite(x)))
      throw new RangeError('invalid multinomial distribution (weights must be finite and non-negative)');
    if (!values.some((x) => x > 0))
      throw new RangeError('invalid multinomial distribution (sum of probabilities <= 0)');
    if (!a.replacement) {
      const nonzero = values.reduce((n, x) => n + (x > 0 ? 1 : 0), 0);
      if (a.numSamples > nonzero)
        throw new RangeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
    }
    this.weights = values;
    this.numSamples = a.numSamples;
    this.replacement = a.replacement;
    this.generator = a.generator;
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator ?? defaultGenerator;
    const w = this.weights;
    const n = w.length;
    if (this.replacement) {
      const cdf = new Float64Array(n);
      let s = 0;
      for (let i = 0; i < n; i++) cdf[i] = s += w[i];
      const u = rand([this.numSamples], { generator: g, dtype: 'float32' }).toArraySync() as Float32Array;
      for (let k = 0; k < u.length; k++) {
        // first i with cdf[i] > u * total (bisect_right); zero-weight items are never chosen
        const t = u[k] * s;
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cdf[mid] > t) hi = mid;
          else lo = mid + 1;
        }
        yield lo;
      }
      return;
    }
    const u = rand([n], { generator: g, dtype: 'float32' }).toArraySync() as Float32Array;
    const keys = Array.from(w, (wi, i) => ({
      i,
      key: wi > 0 ? Math.log(Math.max(u[i], 1e-38)) / wi : -Infinity,
    }));
    keys.sort((p, q) => q.key - p.key);
    for (let k = 0; k < this.numSamples; k++) yield keys[k].i;
  }
}
registerCtor('utils.data.WeightedRandomSampler', WEIGHTED, WeightedRandomSampler);

const BATCH = 'BatchSampler(Sampler sampler, int batch_size, bool drop_last)';

/**
 * torch.utils.data.BatchSampler: groups a sampler's indices into lists of `batchSize` (the last
 * shorter one dropped with `dropLast`). A DataLoader takes it as `batchSampler`.
 */
export class BatchSampler implements Iterable<number[]> {
  /** The index sampler whose indices are grouped. */
  readonly sampler: Iterable<number> & { length?: number };
  /** Indices per batch. */
  readonly batchSize: number;
  /** Drop the last incomplete batch. */
  readonly dropLast: boolean;
  constructor(sampler: Iterable<number>, batchSize: number, dropLast: boolean);
  constructor(sampler: Iterable<number>, options: { batchSize: number; dropLast: boolean });
  constructor(...args: unknown[]) {
    const a = ctorArgs('utils.data.BatchSampler', BATCH, args);
    if (a.batchSize <= 0)
      throw new RangeError(
        `batch_size should be a positive integer value, but got batch_size=${a.batchSize}`,
      );
    this.sampler = a.sampler as Iterable<number> & { length?: number };
    this.batchSize = a.batchSize;
    this.dropLast = a.dropLast;
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
  /** Number of batches: needs the sampler's length (else counts by iterating it once). */
  get length(): number {
    const n = typeof this.sampler.length === 'number' ? this.sampler.length : [...this.sampler].length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
registerCtor('utils.data.BatchSampler', BATCH, BatchSampler);
