/** torch.utils.data: Dataset, TensorDataset, Subset, randomSplit. */

import { fromArray, randperm } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { ctorArgs, registerCtor, registerType } from '../signature/bind.js';
import { ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** A map-style dataset: `length` items, `getItem(i)`. */
export abstract class Dataset<T = unknown> {
  abstract get length(): number;
  abstract getItem(index: number): T;
  /**
   * Optional fast path: a whole batch at once, already collated (e.g. one gather per tensor
   * instead of N slices and a stack). The DataLoader uses it with the default collate.
   */
  getBatch?(indices: Tensor): T;
}

registerType(
  'Dataset',
  (v): v is Dataset =>
    v instanceof Dataset || (typeof v === 'object' && v !== null && 'getItem' in v && 'length' in v),
  'a Dataset (length and getItem)',
);
declare module '../signature/types.js' {
  interface TypeMap {
    Dataset: Dataset<unknown>;
  }
}

/** Wraps tensors that share their first dimension; item i is [t0[i], t1[i], ...]. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
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

export class Subset<T> extends Dataset<T> {
  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    super();
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
