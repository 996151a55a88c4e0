/** torch.datasets: torchvision's datasets role. */
export { MNIST, type MnistOptions } from './mnist.js';
export { readIdx, writeIdx, IdxError, loadMnistDir, bundledMnist, type RawSplit } from './mnist-raw.js';
