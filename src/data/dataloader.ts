/**
 * torch.utils.data.DataLoader: batches of a map-style dataset, shuffled by a seeded generator,
 * iterable with `for...of` and `for await`. With the default collate and a dataset that offers
 * `getBatch`, a batch is one gather per tensor (no per-item tensors, no stack).
 */
import { fromArray, randperm, tensor } from '../ops/creation.js';
import { stack } from '../ops/shape.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';

/** Yields indices of a dataset. */
export interface Sampler {
  [Symbol.iterator](): Iterator<number>;
  readonly length: number;
}

export class SequentialSampler implements Sampler {
  constructor(readonly source: { length: number }) {}
  get length(): number {
    return this.source.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.source.length; i++) yield i;
  }
}

/** A fresh permutation per epoch from the generator (PyTorch's RandomSampler without replacement). */
export class RandomSampler implements Sampler {
  constructor(
    readonly source: { length: number },
    readonly generator: Generator = defaultGenerator,
  ) {}
  get length(): number {
    return this.source.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* randperm(this.source.length, { generator: this.generator }).toArraySync();
  }
}

export class SubsetRandomSampler implements Sampler {
  constructor(
    readonly indices: readonly number[],
    readonly generator: Generator = defaultGenerator,
  ) {}
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const k of randperm(this.indices.length, { generator: this.generator }).toArraySync())
      yield this.indices[k];
  }
}

export interface DataLoaderOptions<T, B> {
  batchSize?: number | null;
  shuffle?: boolean;
  sampler?: Sampler;
  dropLast?: boolean;
  generator?: Generator;
  collateFn?: (items: T[]) => B;
}

/** Stacks tensors, turns numbers into a tensor, recurses into arrays and objects (default_collate). */
export function defaultCollate(items: unknown[]): any {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === 'number' || typeof first === 'boolean') return tensor(items as number[]);
  if (Array.isArray(first))
    return first.map((_, i) => defaultCollate(items.map((it) => (it as unknown[])[i])));
  if (first && typeof first === 'object')
    return Object.fromEntries(
      Object.keys(first).map((k) => [
        k,
        defaultCollate(items.map((it) => (it as Record<string, unknown>)[k])),
      ]),
    );
  return items;
}

export class DataLoader<T = unknown, B = any> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Sampler;
  private readonly collate: ((items: T[]) => B) | null;

  constructor(
    readonly dataset: Dataset<T>,
    opts: DataLoaderOptions<T, B> = {},
  ) {
    if (opts.sampler && opts.shuffle) throw new Error('sampler option is mutually exclusive with shuffle');
    this.batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    if (this.batchSize !== null && (!Number.isInteger(this.batchSize) || this.batchSize <= 0))
      throw new RangeError(
        `batch_size should be a positive integer value, but got batch_size=${this.batchSize}`,
      );
    this.dropLast = opts.dropLast ?? false;
    this.sampler =
      opts.sampler ??
      (opts.shuffle
        ? new RandomSampler(dataset, opts.generator ?? defaultGenerator)
        : new SequentialSampler(dataset));
    this.collate = opts.collateFn ?? null;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.sampler.length;
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = Int32Array.from(this.sampler);
    const bs = this.batchSize ?? 1;
    for (let s = 0; s < order.length; s += bs) {
      const idx = order.subarray(s, Math.min(s + bs, order.length));
      if (this.dropLast && idx.length < bs) break;
      if (this.batchSize === null) {
        yield this.dataset.getItem(idx[0]) as unknown as B;
        continue;
      }
      if (!this.collate && this.dataset.getBatch) yield this.dataset.getBatch(fromArray(idx)) as unknown as B;
      else {
        const items = Array.from(idx, (i) => this.dataset.getItem(i));
        yield (this.collate ?? defaultCollate)(items) as B;
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    // Yields to the event loop between batches, so timers, I/O and the GC's finalizers (which
    // return dead tensors' storage to the pool) get their turn during a training loop.
    for (const b of this) {
      yield b;
      await nextTurn();
    }
  }
}

/** One turn of the event loop: setImmediate in Node (setTimeout clamps to >= 1 ms), else a message. */
const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise<void>((r) => setImmediate(r))
    : () => new Promise<void>((r) => setTimeout(r, 0));
