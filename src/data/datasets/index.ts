/** torch.datasets: torchvision's datasets role. */
export { MNIST, type MnistOptions } from './mnist.js';
export { bundledMnist, IdxError, loadMnistDir, type RawSplit, readIdx, writeIdx } from './mnist-raw.js';
