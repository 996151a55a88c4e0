/** torch.datasets: torchvision's datasets role. */
export { MNIST, type MnistOptions } from './mnist.js';
// The same split without a file system (browsers fetch the two bundled files).
export { BUNDLED_FILES, fetchBundledMnist, splitBundledIdx } from './mnist-bundled.js';
export { bundledMnist, IdxError, loadMnistDir, type RawSplit, readIdx, writeIdx } from './mnist-raw.js';
