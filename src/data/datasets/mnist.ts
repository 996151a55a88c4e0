/**
 * torchvision.datasets.MNIST's role: the standard IDX files from a directory (plain or .gz), or,
 * by default, the 10,000 real digits bundled with torchts (data/mnist-10k/), split 8,000 / 2,000
 * exactly as shared/bench/mnist-split.md defines. Items are [image, label] with the image as
 * float32 in [0, 1], shaped [1, 28, 28] like ToTensor() (or [784] with `flatten: true`).
 */
import { fromArray } from '../../ops/creation.js';
import { indexSelect } from '../../ops/indexing.js';
import { ctorArgs, registerCtor } from '../../signature/bind.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defaultCollate } from '../dataloader.js';
import { Dataset } from '../dataset.js';
import type { ImageData } from '../transforms.js';
import { recordArgs, workerClasses } from '../workers.js';
import { bundledMnist, loadMnistDir, loadMnistDirSync, type RawSplit } from './mnist-raw.js';

type Fn = (x: any) => any;

/** MNIST's options: torchvision's `train`, `transform`, `target_transform`, plus torchts' `flatten` and `limit`. */
export interface MnistOptions {
  /** Training split (default) or test split. */
  train?: boolean;
  /** Each image as [784] instead of [1, 28, 28]. */
  flatten?: boolean;
  /** Use only the first n items (quick runs and tests). */
  limit?: number;
  /**
   * torchvision's `transform`: given each image as an image object (28x28, 1 channel, uint8, PIL's
   * role), so `Compose([ToTensor(), Normalize([0.1307], [0.3081])])` ports as written.
   */
  transform?: Fn | null;
  /** torchvision's `target_transform`: given each label as a number. */
  targetTransform?: Fn | null;
}

const MNIST_SIG =
  'MNIST(str root, bool train=True, Callable? transform=None, Callable? target_transform=None, bool download=False)';
/** The same parameter list under each dataset's name (FashionMNIST, KMNIST). */
const sigOf = (name: string) => MNIST_SIG.replace('MNIST', name) as typeof MNIST_SIG;

/** torchvision.datasets.MNIST: `new MNIST({ train })` is the bundled digits (10,000, both splits); `new MNIST(root, train)` or `MNIST.fromDir(root)` reads torchvision's IDX files. Items are `[image, label]`. */
export class MNIST extends Dataset<[Tensor, Tensor]> {
  /** [N, 1, 28, 28] (or [N, 784]) float32 in [0, 1]. */
  readonly data: Tensor;
  /** [N] int labels 0..9. */
  readonly targets: Tensor;
  /** The class names, '0 - zero' ... '9 - nine'. */
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

  /** torchvision's `transform`, given each image (null: the image as a float tensor). */
  readonly transform: Fn | null;
  /** torchvision's `target_transform`, given each label (null: the label as an int64 tensor). */
  readonly targetTransform: Fn | null;
  private readonly raw: RawSplit | null;
  /** torchvision's folder under root (root/MNIST/raw). */
  static readonly folder: string = 'MNIST';

  /**
   * `new MNIST(root, train?, transform?, targetTransform?, download?)` (or `new MNIST(root, { train,
   * transform })`) reads the IDX files from root or root/MNIST/raw, as torchvision; `download` is
   * refused (torchts does not download). `new MNIST({ train, flatten, limit, transform })` is the
   * bundled digits (synchronous, no files needed).
   */
  constructor(opts?: MnistOptions, raw?: RawSplit | { root: string });
  constructor(
    root: string,
    train?: boolean,
    transform?: Fn | null,
    targetTransform?: Fn | null,
    download?: boolean,
  );
  constructor(
    root: string,
    options: { train?: boolean; transform?: Fn | null; targetTransform?: Fn | null; download?: boolean },
  );
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const folder = new.target.folder;
    let opts: MnistOptions;
    let raw: RawSplit | undefined;
    if (typeof args[0] === 'string') {
      const a = ctorArgs(`datasets.${folder}`, sigOf(folder), args);
      if (a.download)
        throw new Error(
          `datasets.${folder}: torchts does not download; put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or their .gz) in ${a.root}/${folder}/raw (or in ${a.root}) and pass download: false`,
        );
      opts = {
        train: a.train,
        transform: a.transform as Fn | null,
        targetTransform: a.targetTransform as Fn | null,
      };
      raw = loadMnistDirSync(a.root, a.train ? 'train' : 'test', folder);
    } else {
      opts = (args[0] as MnistOptions | undefined) ?? {};
      const given = args[1] as RawSplit | { root: string } | undefined;
      // { root }: the IDX files read here (how fromDir's dataset is rebuilt in a DataLoader worker)
      raw =
        given && 'root' in given
          ? loadMnistDirSync(given.root, opts.train === false ? 'test' : 'train')
          : given;
      if (!raw && folder !== 'MNIST')
        throw new TypeError(
          `datasets.${folder}: pass the directory of the IDX files: new ${folder}(root, { train })`,
        );
    }
    this.transform = opts.transform ?? null;
    this.targetTransform = opts.targetTransform ?? null;
    const split = raw ?? (opts.train === false ? bundledMnist().test : bundledMnist().train);
    this.raw = this.transform || this.targetTransform ? split : null;
    const n = Math.min(split.n, opts.limit ?? split.n);
    const shape = opts.flatten ? [n, split.rows * split.cols] : [n, 1, split.rows, split.cols];
    this.data = fromArray(split.images.subarray(0, n * split.rows * split.cols), shape);
    this.targets = fromArray(split.labels.subarray(0, n), [n]);
  }

  /** The standard IDX files (train-images-idx3-ubyte[.gz], ...) from `root`. */
  static async fromDir(root: string, opts: MnistOptions = {}): Promise<MNIST> {
    const ds = new MNIST(opts, await loadMnistDir(root, opts.train === false ? 'test' : 'train'));
    recordArgs(ds, [opts, { root }]); // workers read the files again rather than receive a copy
    return ds;
  }

  /** Image i as an image object (uint8, one channel), what `transform` is given. */
  imageAt(i: number): ImageData {
    const split = this.raw ?? { images: this.data.toArraySync() as Float32Array, rows: 28, cols: 28 };
    const hw = split.rows * split.cols;
    const data = new Uint8Array(hw);
    for (let q = 0; q < hw; q++) data[q] = Math.round(split.images[i * hw + q] * 255);
    return { data, width: split.cols, height: split.rows, channels: 1 };
  }

  get length(): number {
    return this.targets.shape[0];
  }
  getItem(i: number): [Tensor, Tensor] {
    if (i < 0 || i >= this.length)
      throw new RangeError(`index ${i} is out of range for MNIST of ${this.length} items`);
    if (!this.raw) return [this.data.select(0, i), this.targets.select(0, i)];
    const img = this.transform ? this.transform(this.imageAt(i)) : this.data.select(0, i);
    const target = this.targetTransform
      ? this.targetTransform(this.raw.labels[i])
      : this.targets.select(0, i);
    return [img, target];
  }
  override getBatch(indices: Tensor): [Tensor, Tensor] {
    if (this.raw)
      return defaultCollate(Array.from(indices.toArraySync() as ArrayLike<number>, (i) => this.getItem(i)));
    return [indexSelect(this.data, 0, indices), indexSelect(this.targets, 0, indices)];
  }
}
registerCtor('datasets.MNIST', sigOf('MNIST'), MNIST);

/** torchvision.datasets.FashionMNIST: the same IDX files, from root or root/FashionMNIST/raw. */
export class FashionMNIST extends MNIST {
  /** torchvision's folder under root. */
  static override readonly folder: string = 'FashionMNIST';
  override readonly classes = [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];
}
registerCtor('datasets.FashionMNIST', sigOf('FashionMNIST'), FashionMNIST);

/** torchvision.datasets.KMNIST (Kuzushiji-MNIST): the same IDX files, from root or root/KMNIST/raw. */
export class KMNIST extends MNIST {
  static override readonly folder: string = 'KMNIST';
  /** The class names (Kuzushiji hiragana). */
  override readonly classes = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'];
}
registerCtor('datasets.KMNIST', sigOf('KMNIST'), KMNIST);
// DataLoader workers rebuild these from their constructor arguments (IDX roots are read again there).
workerClasses(import.meta.url, MNIST, FashionMNIST, KMNIST);
