/** torch.datasets: torchvision's datasets role. */

// ── data (helper data) ──
export { CIFAR10 } from './cifar.js';
export { defaultLoader, IMG_EXTENSIONS, ImageFolder } from './image-folder.js';
export { FashionMNIST, KMNIST, MNIST, type MnistOptions } from './mnist.js';
// The same split without a file system (browsers fetch the two bundled files).
export { BUNDLED_FILES, fetchBundledMnist, splitBundledIdx } from './mnist-bundled.js';
export {
  bundledMnist,
  IdxError,
  loadMnistDir,
  loadMnistDirSync,
  type RawSplit,
  readIdx,
  writeIdx,
} from './mnist-raw.js';
