/** torch.utils.data */

export {
  DataLoader,
  type DataLoaderOptions,
  defaultCollate,
  RandomSampler,
  type Sampler,
  SequentialSampler,
  SubsetRandomSampler,
} from './dataloader.js';
export {
  ChainDataset,
  ConcatDataset,
  Dataset,
  IterableDataset,
  isIterableDataset,
  randomSplit,
  Subset,
  TensorDataset,
} from './dataset.js';
// --- distributed (MPI) ---
export { DistributedSampler } from './distributed-sampler.js';
export { BatchSampler, WeightedRandomSampler } from './samplers.js';
// --- models (DataLoader workers) ---
export {
  getWorkerInfo,
  type WorkerFunction,
  type WorkerInfo,
  type WorkerSource,
  workerFunction,
} from './workers.js';
