/**
 * The entry of a DataLoader worker thread (see workers.ts): builds the dataset from its
 * `workerSource`, seeds torch with the worker's seed, runs workerInitFn, then answers
 * `{ task, indices }` with the batch (or the items, when the main thread collates).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fromArray } from '../ops/creation.js';
import { manualSeed } from '../tensor/random.js';
import { defaultCollate } from './dataloader.js';
import type { Dataset } from './dataset.js';
import { setWorkerInfo, toWire, type WorkerSource } from './workers.js';

interface Init {
  id: number;
  numWorkers: number;
  seed: number;
  source: WorkerSource;
  initFn: WorkerSource | null;
  collateInWorker: boolean;
}
const init = workerData as Init;
const port = parentPort!;

async function load(): Promise<Dataset<unknown>> {
  const mod = await import(/* @vite-ignore */ init.source.url);
  const Ctor = mod[init.source.name];
  if (typeof Ctor !== 'function') throw new Error(`${init.source.url} has no export '${init.source.name}'`);
  const ds = new Ctor(...(init.source.args ?? [])) as Dataset<unknown>;
  manualSeed(init.seed);
  setWorkerInfo({ id: init.id, numWorkers: init.numWorkers, seed: init.seed, dataset: ds });
  if (init.initFn) await (await import(/* @vite-ignore */ init.initFn.url))[init.initFn.name](init.id);
  return ds;
}

try {
  const ds = await load();
  port.on('message', ({ task, indices }: { task: number; indices: Int32Array }) => {
    try {
      let batch: unknown;
      if (init.collateInWorker && ds.getBatch) batch = ds.getBatch(fromArray(indices));
      else {
        const items = Array.from(indices, (i) => ds.getItem(i));
        batch = init.collateInWorker ? defaultCollate(items) : items;
      }
      const transfer: ArrayBuffer[] = [];
      const wire = toWire(batch, transfer);
      port.postMessage({ task, batch: wire }, transfer);
    } catch (e) {
      port.postMessage({ task, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
