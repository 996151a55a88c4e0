/**
 * The entry of a DataLoader worker thread (see workers.ts): builds the dataset from its
 * `workerSource`, seeds torch with the worker's seed, runs workerInitFn, then answers
 * `{ task, indices }` with the batch (or the items, when the main thread collates).
 */
import { parentPort, workerData } from 'node:worker_threads';
// The whole library first: its entry installs the Tensor methods the datasets and transforms call.
import '../index.js';
import { fromArray } from '../ops/creation.js';
import { manualSeed } from '../tensor/random.js';
import { defaultCollate } from './dataloader.js';
import type { Dataset } from './dataset.js';
import { decodeInWorker, setWorkerInfo, toWire, type WorkerSource } from './workers.js';

interface Init {
  id: number;
  numWorkers: number;
  seed: number;
  source: unknown;
  initFn: WorkerSource | null;
  collateInWorker: boolean;
}
const init = workerData as Init;
const port = parentPort!;

async function load(): Promise<Dataset<unknown>> {
  const ds = (await decodeInWorker(init.source)) as Dataset<unknown>;
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
