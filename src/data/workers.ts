/**
 * DataLoader `numWorkers > 0`: batches loaded by worker threads (node:worker_threads), prefetched
 * and yielded in the sampler's order, as PyTorch's multi-process loader.
 *
 * How a dataset reaches a worker. PyTorch pickles the dataset into each process; JavaScript cannot
 * send a class instance (its methods, closures) to another thread. So each worker rebuilds the
 * dataset: the built-in datasets and transforms (workerClasses/recordArgs) from their constructor
 * arguments, a user's dataset from `workerSource()` = `{ url, name, args }` (each worker does
 * `new (await import(url))[name](...args)`). Arguments are encoded recursively (encodeForWorker):
 * nested datasets and transforms, CPU tensors as typed arrays, `workerFunction`s as imports; a
 * closure (a Lambda's function, a custom transform) is refused with the path to it and the fix.
 * Likewise `workerInitFn` must be a function made by `workerFunction(url, name)` (an exported
 * function of a module the worker imports); a plain closure is refused.
 *
 * Order and seeds: the main thread runs the sampler (the same index lists as `numWorkers: 0`) and
 * sends batch i to worker i % numWorkers; at most `prefetchFactor * numWorkers` batches are in
 * flight. Each pool start draws a base seed from the loader's `generator` (else the default one)
 * without advancing it (so every epoch's order is `numWorkers: 0`'s), plus `epoch * numWorkers`;
 * worker k runs `torch.manualSeed(baseSeed + k)` before `workerInitFn(k)`, so random transforms in
 * workers (which draw from torch's default generator) repeat run to run for a given seed (they
 * differ from `numWorkers: 0`'s draws, as in PyTorch).
 * `getWorkerInfo()` gives `{ id, numWorkers, seed, dataset }` inside a worker, null elsewhere.
 * Batches travel as typed arrays (transferred, not copied) and become CPU tensors; a custom
 * `collateFn` runs in the main thread on the items the workers send. `persistentWorkers` keeps the
 * threads (and their datasets) across epochs; otherwise they end with each epoch.
 * Browsers: worker threads here are Node's; in a browser `numWorkers > 0` raises (use 0, which
 * loads between training steps with `for await`).
 */
import { fromArray, randint } from '../ops/creation.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** How a worker builds the dataset: `new (await import(url))[name](...args)`. */
export interface WorkerSource {
  url: string;
  name: string;
  args?: unknown[];
}

/**
 * A function a worker can import: `(await import(url))[name]`. In this thread it is imported at
 * once; after `await f.ready` a call is synchronous (before, it returns a Promise).
 */
export interface WorkerFunction {
  (...args: unknown[]): unknown;
  workerSource: WorkerSource;
  /** Resolves when the function is loaded in this thread (rejects if the module has no such export). */
  ready: Promise<void>;
}

/**
 * Wraps an exported function of a module so workers can import it: `workerInitFn`, a `Lambda`'s
 * function, a `transform`/`targetTransform` or an ImageFolder `loader` with `numWorkers > 0`.
 */
export function workerFunction(url: string | URL, name: string): WorkerFunction {
  const src: WorkerSource = { url: String(url), name };
  let fn: ((...args: unknown[]) => unknown) | null = null;
  const ready = import(/* @vite-ignore */ src.url).then((mod) => {
    if (typeof mod[name] !== 'function')
      throw new TypeError(`workerFunction: ${src.url} has no exported function '${name}'`);
    fn = mod[name];
  });
  ready.catch(() => {}); // reported by `ready` and by calls, not as an unhandled rejection
  const f = ((...args: unknown[]) => (fn ? fn(...args) : ready.then(() => fn!(...args)))) as WorkerFunction;
  f.workerSource = src;
  f.ready = ready;
  return f;
}

// ---- datasets and transforms across threads ----
/** The built-in classes a worker can rebuild from their constructor arguments, and their modules. */
const builtinUrl = new Map<Function, string>();
const builtArgs = new WeakMap<object, readonly unknown[]>();
/** @internal Marks classes of module `url` as rebuildable in a worker from the arguments `recordArgs` keeps. */
export function workerClasses(url: string, ...classes: Function[]): void {
  for (const c of classes) builtinUrl.set(c, url);
}
/** @internal Keeps a built-in dataset's or transform's constructor arguments (rebuilt in workers from them). */
export function recordArgs(obj: object, args: readonly unknown[]): void {
  builtArgs.set(obj, args);
}

/**
 * Something sent to a worker as structured-cloneable data: an object with `workerSource()` or a
 * built-in dataset/transform becomes `$new` (rebuilt there with its arguments, themselves encoded), a
 * `workerFunction` becomes `$import`, a CPU tensor its typed array, shape and dtype. A plain function
 * or another class instance cannot cross: the error names where it was found (`path`) and the fix.
 * `dry` checks without copying tensor data.
 */
export function encodeForWorker(x: unknown, path: string, dry = false): unknown {
  if (
    x === null ||
    x === undefined ||
    typeof x === 'number' ||
    typeof x === 'string' ||
    typeof x === 'boolean'
  )
    return x;
  if (typeof x === 'bigint' || ArrayBuffer.isView(x)) return x;
  const o = x as { workerSource?: unknown; constructor?: Function };
  if (typeof o.workerSource === 'function') {
    const s = (o.workerSource as () => WorkerSource)();
    return {
      $new: {
        url: s.url,
        name: s.name,
        args: encodeArgs(s.args ?? [], `${path} > ${s.name}`, dry),
      },
    };
  }
  if (typeof x === 'function' && o.workerSource && typeof o.workerSource === 'object') {
    const s = o.workerSource as WorkerSource;
    return { $import: { url: s.url, name: s.name } };
  }
  const ctor = o.constructor;
  const url = ctor && builtArgs.has(x as object) ? builtinUrl.get(ctor) : undefined;
  if (url) {
    const args = builtArgs.get(x as object)!;
    return { $new: { url, name: ctor!.name, args: encodeArgs(args, `${path} > ${ctor!.name}`, dry) } };
  }
  if (x instanceof Tensor) {
    if (x.device.type !== 'cpu')
      throw new Error(
        `DataLoader: ${path} is a ${x.device.type} tensor; worker threads get CPU tensors (keep the dataset on the CPU, move batches in the main thread)`,
      );
    if (dry) return null;
    const data = (x.contiguous().toArraySync() as ArrayBufferView & { slice(): ArrayBufferView }).slice();
    return { $tensor: { dtype: x.dtype, shape: [...x.shape], data } };
  }
  if (Array.isArray(x)) return x.map((v, i) => encodeForWorker(v, `${path}[${i}]`, dry));
  if (typeof x === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(x)))
    return {
      $obj: Object.fromEntries(
        Object.entries(x).map(([k, v]) => [k, encodeForWorker(v, `${path}.${k}`, dry)]),
      ),
    };
  const what =
    typeof x === 'function'
      ? `a function (${ctor && ctor !== Function ? ctor.name : (x as Function).name || 'anonymous'})`
      : `a ${ctor?.name ?? 'value'}`;
  throw new TypeError(
    `DataLoader: numWorkers > 0 loads in worker threads, which rebuild the dataset from its description, and ${path} is ${what}, which cannot be sent to a thread. ` +
      "Built-in datasets and transforms cross by themselves; for your own code export it from a module and pass utils.data.workerFunction(moduleUrl, 'exportName') (a function, e.g. as Lambda's or transform), " +
      "or give your class workerSource() { return { url: import.meta.url, name: 'ClassName', args: [...] } }. Or use numWorkers: 0 (docs/porting.md)",
  );
}

/** A constructor's arguments; the path names them `Class(…)` (one) or `Class(argument i)`. */
const encodeArgs = (args: readonly unknown[], path: string, dry: boolean) =>
  args.map((v, i) => encodeForWorker(v, args.length > 1 ? `${path}(argument ${i + 1})` : `${path}(…)`, dry));

/** In a worker: rebuilds what encodeForWorker sent. */
export async function decodeInWorker(x: unknown): Promise<unknown> {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return x;
  if (Array.isArray(x)) return Promise.all(x.map(decodeInWorker));
  const w = x as {
    $new?: { url: string; name: string; args: unknown[] };
    $import?: WorkerSource;
    $tensor?: { dtype: string; shape: number[]; data: ArrayBufferView };
    $obj?: Record<string, unknown>;
  };
  if (w.$new) {
    const mod = await import(/* @vite-ignore */ w.$new.url);
    const Ctor = mod[w.$new.name];
    if (typeof Ctor !== 'function') throw new Error(`${w.$new.url} has no export '${w.$new.name}'`);
    return new Ctor(...((await decodeInWorker(w.$new.args)) as unknown[]));
  }
  if (w.$import) {
    const f = (await import(/* @vite-ignore */ w.$import.url))[w.$import.name];
    if (typeof f !== 'function')
      throw new Error(`${w.$import.url} has no exported function '${w.$import.name}'`);
    return f;
  }
  if (w.$tensor)
    return fromArray(w.$tensor.data as never, w.$tensor.shape, { dtype: w.$tensor.dtype as never });
  const entries = await Promise.all(
    Object.entries(w.$obj ?? {}).map(async ([k, v]) => [k, await decodeInWorker(v)] as const),
  );
  return Object.fromEntries(entries);
}

/** torch.utils.data.get_worker_info()'s record, inside a DataLoader worker. */
export interface WorkerInfo {
  /** This worker's index (0 .. numWorkers - 1). */
  id: number;
  /** The loader's worker count. */
  numWorkers: number;
  /** This worker's seed (base seed + id). */
  seed: number;
  /** The worker's own copy of the dataset. */
  dataset: unknown;
}
let workerInfo: WorkerInfo | null = null;
/** Inside a DataLoader worker: its id, the worker count, its seed and its dataset; null elsewhere. */
export const getWorkerInfo = (): WorkerInfo | null => workerInfo;
/** @internal set by the worker entry. */
export const setWorkerInfo = (w: WorkerInfo): void => {
  workerInfo = w;
};

// ---- batches across threads ----
type Wire =
  | { t: 'tensor'; dtype: string; shape: number[]; data: ArrayBufferView }
  | { t: 'array'; items: Wire[] }
  | { t: 'object'; entries: [string, Wire][] }
  | { t: 'value'; v: unknown };

/** A batch (tensors, arrays, objects, values) as structured-cloneable data; tensors become typed arrays. */
export function toWire(x: unknown, transfer: ArrayBuffer[]): Wire {
  if (x instanceof Tensor) {
    if (x.device.type !== 'cpu')
      throw new Error(
        'DataLoader worker: a dataset in a worker must return CPU tensors (move batches to the GPU in the main thread)',
      );
    const data = (x.contiguous().toArraySync() as ArrayBufferView & { slice(): ArrayBufferView }).slice();
    transfer.push(data.buffer as ArrayBuffer);
    return { t: 'tensor', dtype: x.dtype, shape: [...x.shape], data };
  }
  if (Array.isArray(x)) return { t: 'array', items: x.map((v) => toWire(v, transfer)) };
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype)
    return { t: 'object', entries: Object.entries(x).map(([k, v]) => [k, toWire(v, transfer)]) };
  return { t: 'value', v: x };
}

export function fromWire(w: Wire): unknown {
  switch (w.t) {
    case 'tensor':
      return fromArray(w.data as never, w.shape, { dtype: w.dtype as never });
    case 'array':
      return w.items.map(fromWire);
    case 'object':
      return Object.fromEntries(w.entries.map(([k, v]) => [k, fromWire(v)]));
    case 'value':
      return w.v;
  }
}

// ---- the pool (main thread) ----
type NodeWorker = import('node:worker_threads').Worker;

export interface PoolOptions {
  /** The dataset as encodeForWorker gives it. */
  source: unknown;
  numWorkers: number;
  prefetchFactor: number;
  initFn: WorkerSource | null;
  /** Workers collate with the default collate (else they send the items). */
  collateInWorker: boolean;
  generator: Generator;
  /** The loader's epoch count (the workers' seeds differ per epoch). */
  epoch: number;
  timeout: number;
}

const isTs = import.meta.url.endsWith('.ts');

/** The worker threads of one DataLoader (one epoch's, or kept with persistentWorkers). */
export class WorkerPool {
  private workers: NodeWorker[] = [];
  private pending = new Map<number, { resolve: (w: unknown) => void; reject: (e: Error) => void }>();
  private nextTask = 0;
  private ready: Promise<void> | null = null;

  constructor(private readonly o: PoolOptions) {}

  private start(): Promise<void> {
    this.ready ??= (async () => {
      if (typeof process === 'undefined' || !process.versions?.node)
        throw new Error(
          'DataLoader: numWorkers > 0 needs Node worker threads; in a browser use numWorkers: 0',
        );
      // Specifiers in variables: bundlers for the browser leave them alone (numWorkers > 0 is Node-only).
      const [wt, nodeModule, nodeUrl] = ['node:worker_threads', 'node:module', 'node:url'];
      const { Worker } = (await import(/* @vite-ignore */ wt)) as typeof import('node:worker_threads');
      // Drawn without advancing the generator (the sampler's next epoch stays numWorkers: 0's), and
      // offset by the epoch so that unshuffled epochs still get new worker seeds.
      const g = this.o.generator;
      const state = g.getState();
      const drawn = Number(randint(0, 2 ** 30, [1], { generator: g }).toArraySync()[0]);
      g.setState(state);
      const baseSeed = drawn + this.o.epoch * this.o.numWorkers;
      const file = isTs ? './worker-entry.ts' : './worker-entry.js';
      const url = new URL(file, import.meta.url);
      // From the TypeScript sources (tests, tsx), the worker registers tsx's loader first.
      let entry: URL | string = url;
      if (isTs) {
        const { createRequire } = (await import(
          /* @vite-ignore */ nodeModule
        )) as typeof import('node:module');
        const { pathToFileURL } = (await import(/* @vite-ignore */ nodeUrl)) as typeof import('node:url');
        const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
        const api = new URL('dist/esm/api/index.mjs', pathToFileURL(pkg)).href;
        entry = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`;
      }
      const inits: Promise<void>[] = [];
      for (let id = 0; id < this.o.numWorkers; id++) {
        const w = new Worker(entry, {
          eval: isTs,
          workerData: {
            id,
            numWorkers: this.o.numWorkers,
            seed: baseSeed + id,
            source: this.o.source,
            initFn: this.o.initFn,
            collateInWorker: this.o.collateInWorker,
          },
        });
        w.unref();
        inits.push(
          new Promise<void>((resolve, reject) => {
            w.once('message', (m: { ready?: boolean; error?: string }) =>
              m.ready ? resolve() : reject(new Error(`DataLoader worker ${id}: ${m.error}`)),
            );
            w.once('error', reject);
          }),
        );
        w.on('error', (e) => this.failAll(e));
        this.workers.push(w);
      }
      await Promise.all(inits);
      for (const w of this.workers)
        w.on('message', (m: { task: number; batch?: Wire; error?: string }) => {
          const p = this.pending.get(m.task);
          if (!p) return;
          this.pending.delete(m.task);
          if (m.error) p.reject(new Error(`DataLoader worker: ${m.error}`));
          else p.resolve(m.batch);
        });
    })();
    return this.ready;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private submit(k: number, indices: Int32Array): Promise<unknown> {
    const task = this.nextTask++;
    const worker = this.workers[k % this.workers.length];
    const done = new Promise<unknown>((resolve, reject) => {
      this.pending.set(task, { resolve, reject });
    });
    worker.postMessage({ task, indices });
    if (this.o.timeout <= 0) return done;
    return Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`DataLoader timed out after ${this.o.timeout} seconds`)),
          this.o.timeout * 1000,
        ).unref?.(),
      ),
    ]);
  }

  /** The batches of `batches` (index lists), in order, `prefetchFactor * numWorkers` in flight. */
  async *run(batches: Iterable<Int32Array>): AsyncGenerator<unknown> {
    await this.start();
    const it = batches[Symbol.iterator]();
    const inflight: Promise<unknown>[] = [];
    let k = 0;
    const fill = () => {
      while (inflight.length < this.o.prefetchFactor * this.o.numWorkers) {
        const n = it.next();
        if (n.done) return;
        inflight.push(this.submit(k++, n.value));
      }
    };
    fill();
    try {
      while (inflight.length) {
        const wire = await inflight.shift()!;
        fill();
        yield fromWire(wire as Wire);
      }
    } finally {
      // a failed or abandoned epoch: the batches still in flight are not awaited
      for (const p of inflight) p.catch(() => {});
    }
  }

  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    this.ready = null;
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
