/**
 * torch.utils.data.DataLoader: batches of a map-style dataset, shuffled by a seeded generator,
 * iterable with `for...of` and `for await`. With the default collate and a dataset that offers
 * `getBatch`, a batch is one gather per tensor (no per-item tensors, no stack).
 */
import { fromArray, randint, randperm, tensor } from '../ops/creation.js';
import { stack } from '../ops/shape.js';
import { ctorArgs, registerCtor, registerType } from '../signature/bind.js';
import { defaultGenerator, type Generator, Generator as GeneratorClass } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type Dataset, type IterableDataset, isIterableDataset } from './dataset.js';
import { encodeForWorker, type WorkerFunction, WorkerPool } from './workers.js';

/** Yields indices of a dataset. */
export interface Sampler {
  [Symbol.iterator](): Iterator<number>;
  /** The number of indices one pass yields. */
  readonly length: number;
}

const SEQUENTIAL = 'SequentialSampler(Any data_source)';
/** torch.utils.data.SequentialSampler: the indices 0, 1, ..., len(dataSource) - 1 in order. */
export class SequentialSampler implements Sampler {
  /** The dataset (anything with a length) the indices are for. */
  readonly source: { length: number };
  constructor(source: { length: number });
  constructor(...args: unknown[]) {
    this.source = ctorArgs('utils.data.SequentialSampler', SEQUENTIAL, args).dataSource as { length: number };
  }
  get length(): number {
    return this.source.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.source.length; i++) yield i;
  }
}
registerCtor('utils.data.SequentialSampler', SEQUENTIAL, SequentialSampler);

const RANDOM =
  'RandomSampler(Any data_source, bool replacement=False, int? num_samples=None, Generator? generator=None)';
/**
 * torch.utils.data.RandomSampler: a fresh permutation per epoch from the generator, or with
 * `replacement` `numSamples` uniform draws. `new RandomSampler(ds, generator)` (the generator
 * second) is also accepted.
 */
export class RandomSampler implements Sampler {
  /** The dataset (anything with a length) the indices are for. */
  readonly source: { length: number };
  /** Draw with replacement (default false: a permutation). */
  readonly replacement: boolean;
  /** `numSamples` as given (null: the dataset length). */
  readonly numSamplesOpt: number | null;
  /** The random stream (default: the global generator). */
  readonly generator: Generator;
  constructor(source: { length: number }, generator?: Generator);
  constructor(
    source: { length: number },
    replacement?: boolean,
    numSamples?: number | null,
    generator?: Generator | null,
  );
  constructor(
    source: { length: number },
    options: { replacement?: boolean; numSamples?: number | null; generator?: Generator | null },
  );
  constructor(...args: unknown[]) {
    const rest =
      args[1] instanceof GeneratorClass ? [args[0], { generator: args[1] }, ...args.slice(2)] : args;
    const a = ctorArgs('utils.data.RandomSampler', RANDOM, rest);
    this.source = a.dataSource as { length: number };
    this.replacement = a.replacement;
    this.numSamplesOpt = a.numSamples;
    if (a.numSamples !== null && a.numSamples <= 0)
      throw new RangeError(
        `num_samples should be a positive integer value, but got num_samples=${a.numSamples}`,
      );
    this.generator = a.generator ?? defaultGenerator;
  }
  get length(): number {
    return this.numSamplesOpt ?? this.source.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.source.length;
    if (this.replacement) {
      yield* randint(0, n, [this.length], { generator: this.generator }).toArraySync();
      return;
    }
    // PyTorch: whole permutations, then a partial one, until num_samples
    let left = this.length;
    while (left > 0) {
      const perm = randperm(n, { generator: this.generator }).toArraySync();
      yield* perm.subarray(0, Math.min(left, n));
      left -= n;
    }
  }
}
registerCtor('utils.data.RandomSampler', RANDOM, RandomSampler);

const SUBSET_RANDOM = 'SubsetRandomSampler(Any indices, Generator? generator=None)';
/** torch.utils.data.SubsetRandomSampler: the given indices in a fresh random order per epoch. */
export class SubsetRandomSampler implements Sampler {
  /** The indices to permute. */
  readonly indices: readonly number[];
  /** The random stream (default: the global generator). */
  readonly generator: Generator;
  constructor(indices: readonly number[], generator?: Generator | null);
  constructor(indices: readonly number[], options: { generator?: Generator | null });
  constructor(...args: unknown[]) {
    const a = ctorArgs('utils.data.SubsetRandomSampler', SUBSET_RANDOM, args);
    this.indices = [...(a.indices as Iterable<number>)];
    this.generator = a.generator ?? defaultGenerator;
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const k of randperm(this.indices.length, { generator: this.generator }).toArraySync())
      yield this.indices[k];
  }
}
registerCtor('utils.data.SubsetRandomSampler', SUBSET_RANDOM, SubsetRandomSampler);

/** DataLoader's options, PyTorch's keyword arguments in camelCase. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1; null: no batching, one sample at a time). */
  batchSize?: number | null;
  /** Reshuffle at every epoch (default false). */
  shuffle?: boolean | null;
  /** Where the indices come from (excludes shuffle). */
  sampler?: Sampler | null;
  /** Yields whole batches of indices; excludes batchSize, shuffle, sampler and dropLast. */
  batchSampler?: Iterable<readonly number[]> | null;
  /** Worker threads loading batches (the dataset needs `workerSource()`, see workers.ts); 0: this thread. */
  numWorkers?: number;
  /** Merges a list of samples into a batch (default: stack tensors, tensor() numbers, recurse into arrays/objects). */
  collateFn?: ((items: T[]) => B) | null;
  /** Accepted for porting; host memory is never pinned (it changes no value). */
  pinMemory?: boolean;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Seconds to wait for a worker's batch (0: forever). */
  timeout?: number;
  /** Runs in each worker after seeding: made by `workerFunction(moduleUrl, exportName)`. */
  workerInitFn?: WorkerFunction | null;
  /** The random stream of shuffling (default: the global generator). */
  generator?: Generator | null;
  /** Batches in flight per worker (default 2 with workers). */
  prefetchFactor?: number | null;
  /** Keep the worker threads (and their datasets) across epochs; `await loader.shutdown()` ends them. */
  persistentWorkers?: boolean;
  /** Accepted for porting; host memory is never pinned. */
  pinMemoryDevice?: string;
}

registerType(
  'Sampler',
  (v): v is Iterable<unknown> =>
    typeof v === 'object' && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function',
  'a sampler (an iterable of indices)',
);
registerType('Callable', (v): v is (...a: never[]) => unknown => typeof v === 'function', 'a function');
declare module '../signature/types.js' {
  interface TypeMap {
    Sampler: Iterable<unknown>;
    Callable: (...args: never[]) => unknown;
  }
}

/** PyTorch 2.x's parameter list of torch.utils.data.DataLoader. */
const DATALOADER =
  'DataLoader(Dataset dataset, int? batch_size=1, bool? shuffle=None, Sampler? sampler=None, Sampler? batch_sampler=None, int num_workers=0, Callable? collate_fn=None, bool pin_memory=False, bool drop_last=False, float timeout=0, Callable? worker_init_fn=None, Any? multiprocessing_context=None, Generator? generator=None, *, int? prefetch_factor=None, bool persistent_workers=False, str pin_memory_device="")';

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

/** torch.utils.data.DataLoader: iterates a dataset in batches (`for await (const [x, y] of loader)`; plain `for...of` too), drawing indices from a sampler and merging samples with `collateFn`; batches are typed from the dataset's items. */
export class DataLoader<T = unknown, B = any> implements Iterable<B>, AsyncIterable<B> {
  /** Samples per batch (null: unbatched). */
  readonly batchSize: number | null;
  /** Whether the last incomplete batch is dropped. */
  readonly dropLast: boolean;
  /** The index sampler (Sequential, Random or the one given). */
  readonly sampler: Sampler;
  private readonly collate: ((items: T[]) => B) | null;

  /** The dataset batches are drawn from. */
  readonly dataset: Dataset<T> | IterableDataset<T>;
  private readonly batchSampler: Iterable<readonly number[]> | null;
  /** Worker threads loading batches (0: loaded in the calling thread between steps). */
  readonly numWorkers: number;
  /** Batches in flight per worker (null without workers). */
  readonly prefetchFactor: number | null;
  /** Whether the workers outlive an epoch (end them with `await loader.shutdown()`). */
  readonly persistentWorkers: boolean;
  /** Seconds to wait for a worker's batch before failing (0: no limit). */
  readonly timeout: number;
  /** Run in each worker after seeding (made by `utils.data.workerFunction`). */
  readonly workerInitFn: WorkerFunction | null;
  /** The random stream of shuffling and of the workers' seeds (null: the global generator). */
  readonly generator: Generator | null;
  private pool: WorkerPool | null = null;
  /** Epochs run with worker threads (offsets the workers' seeds). */
  private workerEpochs = 0;

  /**
   * PyTorch's parameters, positionally or by name: `new DataLoader(ds, 64, true)` or
   * `new DataLoader(ds, { batchSize: 64, shuffle: true })`. With `numWorkers: 0` batches are
   * loaded in the calling thread; `numWorkers > 0` loads them in worker threads for a dataset with
   * `workerSource()` (workers.ts; iterate with `for await`). `pinMemory` changes nothing.
   */
  constructor(dataset: Dataset<T> | IterableDataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(
    dataset: Dataset<T> | IterableDataset<T>,
    batchSize?: number | null,
    shuffle?: boolean | null,
    ...rest: unknown[]
  );
  constructor(...args: unknown[]) {
    const a = ctorArgs('utils.data.DataLoader', DATALOADER, args);
    if (a.numWorkers < 0)
      throw new RangeError(
        'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.',
      );
    if (a.multiprocessingContext !== null)
      throw new TypeError(
        'utils.data.DataLoader(): multiprocessingContext has no meaning for worker threads (numWorkers > 0 uses node:worker_threads)',
      );
    if (a.timeout < 0) throw new RangeError('timeout option should be non-negative');
    const dataset = a.dataset as Dataset<T>;
    if (a.numWorkers === 0 && (a.prefetchFactor !== null || a.persistentWorkers))
      throw new Error(
        a.persistentWorkers
          ? 'persistent_workers option needs num_workers > 0'
          : 'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.',
      );
    if (a.prefetchFactor !== null && a.prefetchFactor < 1)
      throw new RangeError(`prefetch_factor should be a positive integer, got ${a.prefetchFactor}`);
    if (a.workerInitFn !== null && !(a.workerInitFn as Partial<WorkerFunction>).workerSource)
      throw new TypeError(
        "utils.data.DataLoader(): workerInitFn runs in worker threads, which cannot receive a closure: pass utils.data.workerFunction(moduleUrl, 'exportName') (docs/porting.md)",
      );
    if (a.numWorkers > 0) {
      if (isIterableDataset(dataset))
        throw new TypeError(
          'utils.data.DataLoader(): numWorkers > 0 with an IterableDataset is not supported (use numWorkers: 0)',
        );
      // what cannot cross to a thread (a closure transform, a class without workerSource) raises here
      encodeForWorker(dataset, 'the dataset', true);
    }
    this.numWorkers = a.numWorkers;
    this.prefetchFactor = a.numWorkers > 0 ? (a.prefetchFactor ?? 2) : null;
    this.persistentWorkers = a.persistentWorkers;
    this.timeout = a.timeout;
    this.workerInitFn = (a.workerInitFn as WorkerFunction | null) ?? null;
    this.generator = a.generator;
    this.dataset = dataset;
    if (isIterableDataset(dataset)) {
      // PyTorch: an iterable-style dataset decides its own order.
      if (a.shuffle !== null && a.shuffle !== false)
        throw new Error(
          `DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${a.shuffle}`,
        );
      if (a.sampler !== null)
        throw new Error(
          'DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=' +
            String(a.sampler),
        );
      if (a.batchSampler !== null)
        throw new Error(
          'DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=' +
            String(a.batchSampler),
        );
    }
    if (a.batchSampler !== null) {
      // PyTorch: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last
      if (a.batchSize !== 1 || a.shuffle || a.sampler !== null || a.dropLast)
        throw new TypeError(
          'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last',
        );
    }
    if (a.sampler !== null && a.shuffle) throw new Error('sampler option is mutually exclusive with shuffle');
    this.batchSampler = a.batchSampler as Iterable<readonly number[]> | null;
    this.batchSize = this.batchSampler ? null : a.batchSize;
    if (this.batchSize !== null && this.batchSize <= 0)
      throw new RangeError(
        `batch_size should be a positive integer value, but got batch_size=${this.batchSize}`,
      );
    this.dropLast = a.dropLast;
    this.sampler =
      (a.sampler as Sampler | null) ??
      (a.shuffle
        ? new RandomSampler(dataset, a.generator ?? defaultGenerator)
        : new SequentialSampler(dataset));
    this.collate = (a.collateFn as ((items: T[]) => B) | null) ?? null;
  }

  /** Number of batches per epoch. */
  get length(): number {
    if (isIterableDataset(this.dataset)) {
      const n = (this.dataset as { length?: number }).length;
      if (typeof n !== 'number')
        throw new TypeError(`object of type '${this.dataset.constructor.name}' has no len()`);
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    if (this.batchSampler) {
      const l = (this.batchSampler as { length?: number }).length;
      return typeof l === 'number' ? l : [...this.batchSampler].length;
    }
    const n = this.sampler.length;
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0)
      throw new TypeError(
        'DataLoader: with numWorkers > 0 batches arrive from worker threads: iterate with `for await (const batch of loader)`',
      );
    if (isIterableDataset(this.dataset)) {
      yield* this.iterateStream(this.dataset);
      return;
    }
    if (this.batchSampler) {
      for (const batch of this.batchSampler) yield this.fetch(Int32Array.from(batch));
      return;
    }
    const order = Int32Array.from(this.sampler);
    const bs = this.batchSize ?? 1;
    for (let s = 0; s < order.length; s += bs) {
      const idx = order.subarray(s, Math.min(s + bs, order.length));
      if (this.dropLast && idx.length < bs) break;
      if (this.batchSize === null) {
        const item = (this.dataset as Dataset<T>).getItem(idx[0]);
        // PyTorch: with batch_size=None, collate_fn (default: convert) is applied to each item.
        yield (this.collate ? (this.collate as unknown as (x: T) => B)(item) : item) as unknown as B;
        continue;
      }
      yield this.fetch(idx);
    }
  }

  /** An iterable-style dataset: items in its order, batchSize at a time (the last dropped with dropLast). */
  private *iterateStream(stream: Iterable<T>): IterableIterator<B> {
    if (this.batchSize === null) {
      for (const item of stream)
        yield (this.collate ? (this.collate as unknown as (x: T) => B)(item) : item) as B;
      return;
    }
    let items: T[] = [];
    for (const item of stream) {
      items.push(item);
      if (items.length === this.batchSize) {
        yield (this.collate ?? defaultCollate)(items) as B;
        items = [];
      }
    }
    if (items.length > 0 && !this.dropLast) yield (this.collate ?? defaultCollate)(items) as B;
  }

  /** One batch: the dataset's own gather with the default collate, else items collated. */
  private fetch(idx: Int32Array): B {
    const ds = this.dataset as Dataset<T>;
    if (!this.collate && ds.getBatch) return ds.getBatch(fromArray(idx)) as unknown as B;
    const items = Array.from(idx, (i) => ds.getItem(i));
    return (this.collate ?? defaultCollate)(items) as B;
  }

  /** The index list of each batch, in order (map-style datasets with a batch size or batch sampler). */
  private *batchIndices(): IterableIterator<Int32Array> {
    if (this.batchSampler) {
      for (const batch of this.batchSampler) yield Int32Array.from(batch);
      return;
    }
    const order = Int32Array.from(this.sampler);
    const bs = this.batchSize ?? 1;
    for (let s = 0; s < order.length; s += bs) {
      const idx = order.slice(s, Math.min(s + bs, order.length));
      if (this.dropLast && idx.length < bs) break;
      yield idx;
    }
  }

  /** numWorkers > 0: the worker threads' batches, in order (workers.ts). */
  private async *fromWorkers(): AsyncGenerator<B> {
    if (this.batchSize === null)
      throw new TypeError(
        'DataLoader: numWorkers > 0 with batchSize null is not supported (use numWorkers: 0)',
      );
    this.pool ??= new WorkerPool({
      source: encodeForWorker(this.dataset, 'the dataset'),
      numWorkers: this.numWorkers,
      prefetchFactor: this.prefetchFactor ?? 2,
      initFn: this.workerInitFn?.workerSource ?? null,
      collateInWorker: this.collate === null,
      generator: this.generator ?? defaultGenerator,
      epoch: this.workerEpochs,
      timeout: this.timeout,
    });
    this.workerEpochs++;
    const pool = this.pool;
    // The sampler draws first (the order is numWorkers: 0's), then the pool its workers' base seed.
    const batches = [...this.batchIndices()];
    try {
      for await (const b of pool.run(batches)) yield (this.collate ? this.collate(b as T[]) : b) as B;
    } finally {
      if (!this.persistentWorkers) {
        this.pool = null;
        await pool.close();
      }
    }
  }

  /** Ends the worker threads kept by persistentWorkers (they also end with the process). */
  async shutdown(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers > 0) {
      yield* this.fromWorkers();
      return;
    }
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

registerCtor('utils.data.DataLoader', DATALOADER, DataLoader);
