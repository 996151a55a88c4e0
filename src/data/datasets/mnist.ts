/**
 * torchvision.datasets.MNIST's role: the standard IDX files from a directory (plain or .gz), or,
 * by default, the 10,000 real digits bundled with torchts (data/mnist-10k/), split 8,000 / 2,000
 * exactly as shared/bench/mnist-split.md defines. Items are [image, label] with the image as
 * float32 in [0, 1], shaped [1, 28, 28] like ToTensor() (or [784] with `flatten: true`).
 */
import { fromArray } from '../../ops/creation.js';
import { indexSelect } from '../../ops/indexing.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Dataset } from '../dataset.js';
import { bundledMnist, loadMnistDir, type RawSplit } from './mnist-raw.js';

export interface MnistOptions {
  /** Training split (default) or test split. */
  train?: boolean;
  /** Each image as [784] instead of [1, 28, 28]. */
  flatten?: boolean;
  /** Use only the first n items (quick runs and tests). */
  limit?: number;
}

export class MNIST extends Dataset<[Tensor, Tensor]> {
  /** [N, 1, 28, 28] (or [N, 784]) float32 in [0, 1]. */
  readonly data: Tensor;
  /** [N] int labels 0..9. */
  readonly targets: Tensor;
  readonly classes = [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ];

  /** The bundled digits (synchronous, no files needed). */
  constructor(opts: MnistOptions = {}, raw?: RawSplit) {
    super();
    const split = raw ?? (opts.train === false ? bundledMnist().test : bundledMnist().train);
    const n = Math.min(split.n, opts.limit ?? split.n);
    const shape = opts.flatten ? [n, split.rows * split.cols] : [n, 1, split.rows, split.cols];
    this.data = fromArray(split.images.subarray(0, n * split.rows * split.cols), shape);
    this.targets = fromArray(split.labels.subarray(0, n), [n]);
  }

  /** The standard IDX files (train-images-idx3-ubyte[.gz], ...) from `root`. */
  static async fromDir(root: string, opts: MnistOptions = {}): Promise<MNIST> {
    return new MNIST(opts, await loadMnistDir(root, opts.train === false ? 'test' : 'train'));
  }

  get length(): number {
    return this.targets.shape[0];
  }
  getItem(i: number): [Tensor, Tensor] {
    if (i < 0 || i >= this.length)
      throw new RangeError(`index ${i} is out of range for MNIST of ${this.length} items`);
    return [this.data.select(0, i), this.targets.select(0, i)];
  }
  override getBatch(indices: Tensor): [Tensor, Tensor] {
    return [indexSelect(this.data, 0, indices), indexSelect(this.targets, 0, indices)];
  }
}
