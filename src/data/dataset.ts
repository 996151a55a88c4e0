/**
 * torch.utils.data: Dataset, IterableDataset, TensorDataset, ConcatDataset, ChainDataset, Subset,
 * randomSplit.
 */

import { fromArray, randperm } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { ctorArgs, registerCtor, registerType } from '../signature/bind.js';
import { ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { recordArgs, workerClasses } from './workers.js';

/** A map-style dataset: `length` items, `getItem(i)`. */
export abstract class Dataset<T = unknown> {
  /** The number of samples (`len(dataset)`). */
  abstract get length(): number;
  /** The sample at `index` (`dataset[index]`). */
  abstract getItem(index: number): T;
  /**
   * Optional fast path: a whole batch at once, already collated (e.g. one gather per tensor
   * instead of N slices and a stack). The DataLoader uses it with the default collate.
   */
  getBatch?(indices: Tensor): T;
}

/**
 * An iterable-style dataset (torch.utils.data.IterableDataset): a stream of items, read by
 * `for...of`. The DataLoader batches it in order; a sampler or shuffle does not apply. `length`
 * is optional (PyTorch's `__len__`).
 */
export abstract class IterableDataset<T = unknown> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  // A subclass may define `length` (a getter or a field): the DataLoader then reports its number
  // of batches, as PyTorch's `__len__`.
}

/** Is `v` an iterable-style dataset (an IterableDataset, or any object iterable without getItem)? */
export function isIterableDataset(v: unknown): v is IterableDataset<unknown> {
  if (v instanceof IterableDataset) return true;
  return (
    typeof v === 'object' &&
    v !== null &&
    !('getItem' in v) &&
    typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' &&
    !Array.isArray(v)
  );
}

registerType(
  'Dataset',
  (v): v is Dataset | IterableDataset =>
    v instanceof Dataset ||
    isIterableDataset(v) ||
    (typeof v === 'object' && v !== null && 'getItem' in v && 'length' in v),
  'a Dataset (length and getItem) or an IterableDataset',
);
declare module '../signature/types.js' {
  interface TypeMap {
    Dataset: Dataset<unknown> | IterableDataset<unknown>;
  }
}

/** Wraps tensors that share their first dimension; item i is [t0[i], t1[i], ...]. */
export class TensorDataset extends Dataset<Tensor[]> {
  /** The tensors, indexed together along their first dimension. */
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    recordArgs(this, tensors);
    if (tensors.length === 0) throw new ShapeError('TensorDataset needs at least one tensor');
    const n = tensors[0].shape[0];
    for (const t of tensors)
      if (t.dim() === 0 || t.shape[0] !== n)
        throw new ShapeError(`Size mismatch between tensors: [${tensors.map((x) => x.shape[0]).join(', ')}]`);
    this.tensors = tensors;
  }
  get length(): number {
    return this.tensors[0].shape[0];
  }
  getItem(i: number): Tensor[] {
    if (i < 0 || i >= this.length)
      throw new RangeError(`index ${i} is out of range for a dataset of ${this.length} items`);
    return this.tensors.map((t) => t.select(0, i));
  }
  override getBatch(indices: Tensor): Tensor[] {
    return this.tensors.map((t) =>
      indexSelect(t, 0, indices.device.equals(t.device) ? indices : indices.to(t.device)),
    );
  }
}

/** torch.utils.data.Subset: the samples of `dataset` at `indices`. */
export class Subset<T> extends Dataset<T> {
  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    super();
    recordArgs(this, [dataset, indices]);
  }
  get length(): number {
    return this.indices.length;
  }
  getItem(i: number): T {
    return this.dataset.getItem(this.indices[i]);
  }
  override getBatch = (idx: Tensor): T => {
    if (!this.dataset.getBatch) throw new Error('unreachable');
    const local = idx.toArraySync();
    return this.dataset.getBatch(fromArray(Int32Array.from(local, (k) => this.indices[k])));
  };
}

const RANDOM_SPLIT = 'random_split(Dataset dataset, float[] lengths, Generator? generator=None)';

/**
 * torch.utils.data.random_split: lengths as counts or fractions summing to 1; the generator
 * positionally or by name (`randomSplit(ds, [0.8, 0.2], { generator })`).
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  options?: { generator?: Generator | null },
): Subset<T>[];
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  generator?: Generator | null,
): Subset<T>[];
export function randomSplit<T>(...args: unknown[]): Subset<T>[] {
  const a = ctorArgs('utils.data.randomSplit', RANDOM_SPLIT, args);
  return split(a.dataset as Dataset<T>, a.lengths, a.generator ?? defaultGenerator);
}
registerCtor('utils.data.randomSplit', RANDOM_SPLIT);

function split<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator): Subset<T>[] {
  const n = dataset.length;
  let counts = [...lengths];
  if (
    lengths.every((l) => l >= 0 && l <= 1) &&
    Math.abs(lengths.reduce((a, b) => a + b, 0) - 1) < 1e-9 &&
    lengths.some((l) => l > 0 && l < 1)
  ) {
    counts = lengths.map((f) => Math.floor(n * f));
    for (let i = 0; counts.reduce((a, b) => a + b, 0) < n; i = (i + 1) % counts.length) counts[i]++;
  }
  if (counts.reduce((a, b) => a + b, 0) !== n)
    throw new RangeError('Sum of input lengths does not equal the length of the input dataset!');
  const perm = randperm(n, { generator }).toArraySync();
  let off = 0;
  return counts.map((c) => {
    const s = new Subset(dataset, Array.from(perm.subarray(off, off + c)));
    off += c;
    return s;
  });
}

// ── data (helper data) ──

const CONCAT = 'ConcatDataset(Dataset[] datasets)';

/**
 * torch.utils.data.ConcatDataset: map-style datasets one after another; item i is found by the
 * cumulative sizes (`cumulativeSizes`, as PyTorch's `cumulative_sizes`). Negative indices count
 * from the end.
 */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  /** The datasets, in order. */
  readonly datasets: Dataset<T>[];
  /** Running totals of the datasets' lengths. */
  readonly cumulativeSizes: number[];
  constructor(datasets: Iterable<Dataset<T>>);
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('utils.data.ConcatDataset', CONCAT, args);
    const list = [...(a.datasets as Iterable<Dataset<T> | IterableDataset<T>>)];
    if (list.length === 0) throw new RangeError('datasets should not be an empty iterable');
    for (const d of list)
      if (isIterableDataset(d)) throw new TypeError('ConcatDataset does not support IterableDataset');
    this.datasets = list as Dataset<T>[];
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += d.length));
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }
  getItem(index: number): T {
    let i = index;
    if (i < 0) {
      if (-i > this.length) throw new RangeError('absolute value of index should not exceed dataset length');
      i += this.length;
    }
    if (i >= this.length)
      throw new RangeError(`index ${index} is out of range for a dataset of ${this.length} items`);
    // bisect_right(cumulative_sizes, i)
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (i < this.cumulativeSizes[mid]) hi = mid;
      else lo = mid + 1;
    }
    const prev = lo === 0 ? 0 : this.cumulativeSizes[lo - 1];
    return this.datasets[lo].getItem(i - prev);
  }
}
registerCtor('utils.data.ConcatDataset', CONCAT, ConcatDataset);

const CHAIN = 'ChainDataset(Dataset[] datasets)';

/**
 * torch.utils.data.ChainDataset: iterable datasets chained on the fly (each one is iterated when
 * the previous is exhausted). Its length is the sum of the datasets' lengths, when all have one.
 */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  /** The iterable datasets, chained in order. */
  readonly datasets: Iterable<T>[];
  constructor(datasets: Iterable<IterableDataset<T>>);
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('utils.data.ChainDataset', CHAIN, args);
    this.datasets = [...(a.datasets as Iterable<Iterable<T>>)];
    for (const d of this.datasets)
      if (!isIterableDataset(d)) throw new TypeError('ChainDataset only supports IterableDataset');
  }
  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) yield* d;
  }
  /** The sum of the datasets' lengths (each must define one). */
  get length(): number {
    let n = 0;
    for (const d of this.datasets) {
      const l = (d as { length?: number }).length;
      if (typeof l !== 'number') throw new TypeError('ChainDataset: a dataset in the chain has no length');
      n += l;
    }
    return n;
  }
}
registerCtor('utils.data.ChainDataset', CHAIN, ChainDataset);

// DataLoader workers rebuild these from their constructor arguments (the wrapped datasets in turn).
workerClasses(import.meta.url, TensorDataset, Subset, ConcatDataset);
