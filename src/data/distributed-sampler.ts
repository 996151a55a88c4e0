/**
 * torch.utils.data.distributed.DistributedSampler: each rank reads its own 1/numReplicas of the
 * dataset. The index list is padded by repeating its start (or cut with `dropLast`) to a multiple
 * of numReplicas, then rank r takes every numReplicas-th index from r, exactly as PyTorch's. The
 * shuffle is `randperm(len, generator seeded with seed + epoch)`: the same permutation on every
 * rank (torchts' Philox stream, so not PyTorch's permutation; the padding and split are).
 */
import { worldOrNull } from '../distributed/index.js';
import { randperm } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import { Generator } from '../tensor/random.js';
import type { Sampler } from './dataloader.js';

const SIG =
  'DistributedSampler(Any dataset, int? num_replicas=None, int? rank=None, bool shuffle=True, int seed=0, bool drop_last=False)';

type Sized = { readonly length: number };

/**
 * torch.utils.data.DistributedSampler: each rank's share of the dataset's indices (padded by
 * repeating from the start, or cut with `dropLast`), shuffled with `seed + epoch` when `shuffle`.
 */
export class DistributedSampler implements Sampler {
  /** The dataset sampled (only its length is used). */
  readonly dataset: Sized;
  /** The number of ranks (default: the process group's world size). */
  readonly numReplicas: number;
  /** This rank (default: the process group's rank). */
  readonly rank: number;
  /** Whether each epoch's order is a seeded permutation. */
  readonly shuffle: boolean;
  /** The shuffle's seed; every rank must use the same. */
  readonly seed: number;
  /** Drop the tail so every rank gets the same count without padding. */
  readonly dropLast: boolean;
  /** Indices per rank. */
  readonly numSamples: number;
  /** Indices over all ranks (numSamples * numReplicas). */
  readonly totalSize: number;
  /** The epoch set by `setEpoch` (part of the shuffle's seed). */
  epoch = 0;
  constructor(
    dataset: Sized,
    options?: {
      numReplicas?: number | null;
      rank?: number | null;
      shuffle?: boolean;
      seed?: number;
      dropLast?: boolean;
    },
  );
  constructor(
    dataset: Sized,
    numReplicas?: number | null,
    rank?: number | null,
    shuffle?: boolean,
    seed?: number,
    dropLast?: boolean,
  );
  constructor(...args: unknown[]) {
    const a = ctorArgs('utils.data.DistributedSampler', SIG, args);
    const ds = a.dataset as Sized;
    if (!ds || typeof ds.length !== 'number')
      throw new TypeError("utils.data.DistributedSampler(): argument 'dataset' must have a length");
    const world = a.numReplicas === null || a.rank === null ? worldOrNull() : null;
    if ((a.numReplicas === null || a.rank === null) && !world)
      throw new Error(
        'DistributedSampler: Default process group has not been initialized: call torch.distributed.initProcessGroup() or pass numReplicas and rank',
      );
    const n = a.numReplicas ?? world!.size;
    const rank = a.rank ?? world!.rank;
    if (n < 1) throw new RangeError(`DistributedSampler: numReplicas must be positive, got ${n}`);
    if (rank >= n || rank < 0)
      throw new RangeError(`Invalid rank ${rank}, rank should be in the interval [0, ${n - 1}]`);
    this.dataset = ds;
    this.numReplicas = n;
    this.rank = rank;
    this.shuffle = a.shuffle;
    this.seed = a.seed;
    this.dropLast = a.dropLast;
    const len = ds.length;
    this.numSamples =
      a.dropLast && len % n !== 0 ? Math.max(0, Math.ceil((len - n) / n)) : Math.ceil(len / n);
    this.totalSize = this.numSamples * n;
  }
  get length(): number {
    return this.numSamples;
  }
  /** Makes the next epoch's shuffle differ (call it before each epoch, on every rank). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch))
      throw new TypeError(`DistributedSampler.setEpoch(): epoch must be an int, got ${epoch}`);
    this.epoch = epoch;
  }
  /** This rank's indices for the current epoch. */
  indices(): number[] {
    const len = this.dataset.length;
    let idx: number[] = this.shuffle
      ? Array.from(randperm(len, { generator: new Generator(this.seed + this.epoch) }).toArraySync())
      : Array.from({ length: len }, (_, i) => i);
    if (!this.dropLast) {
      const pad = this.totalSize - idx.length;
      if (pad <= idx.length) idx = idx.concat(idx.slice(0, pad));
      else {
        const reps: number[] = [];
        for (let k = 0; k < Math.ceil(pad / idx.length); k++) reps.push(...idx);
        idx = idx.concat(reps.slice(0, pad));
      }
    } else idx = idx.slice(0, this.totalSize);
    const out: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) out.push(idx[i]);
    return out;
  }
  [Symbol.iterator](): Iterator<number> {
    return this.indices()[Symbol.iterator]();
  }
}
registerCtor('utils.data.DistributedSampler', SIG, DistributedSampler);
