/** torch.utils.data */
export { Dataset, TensorDataset, Subset, randomSplit } from './dataset.js';
export {
  DataLoader,
  type DataLoaderOptions,
  type Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  defaultCollate,
} from './dataloader.js';
