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
export { Dataset, randomSplit, Subset, TensorDataset } from './dataset.js';
