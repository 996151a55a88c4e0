/**
 * torchvision.datasets.CIFAR10's role, from the binary version of the files (cifar-10-binary.tar.gz
 * extracted: root/cifar-10-batches-bin/data_batch_1.bin .. data_batch_5.bin, test_batch.bin; each
 * record is 1 label byte and 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, rows of 32).
 * Items are [image, label] as torchvision: the image an image object (32x32x3 uint8, PIL's role)
 * unless `transform` turns it into something else, the label a number.
 */
import { ctorArgs, registerCtor } from '../../signature/bind.js';
import { Dataset } from '../dataset.js';
import type { ImageData } from '../transforms.js';
import { recordArgs, workerClasses } from '../workers.js';
import { nodeOnly } from './node.js';

type Fn = (x: any) => any;
const SIG =
  'CIFAR10(str root, bool train=True, Callable? transform=None, Callable? target_transform=None, bool download=False)';
const RECORD = 1 + 3072;
const TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
];
const TEST_FILES = ['test_batch.bin'];

/** torchvision.datasets.CIFAR10 from the binary version's files (root/cifar-10-batches-bin); items are `[image, label]`. */
export class CIFAR10 extends Dataset<[unknown, unknown]> {
  /** [N, 32, 32, 3] uint8, HWC (torchvision's `data`). */
  readonly data: Uint8Array;
  /** The labels, 0..9. */
  readonly targets: number[];
  /** torchvision's `transform`, given each image (null: the image object). */
  readonly transform: Fn | null;
  /** torchvision's `target_transform`, given each label. */
  readonly targetTransform: Fn | null;
  /** The training split (data_batch_1..5) or the test split. */
  readonly train: boolean;
  /** The class names ('airplane', ...). */
  readonly classes = [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ];

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
    const a = ctorArgs('datasets.CIFAR10', SIG, args);
    const { fs, path } = nodeOnly('datasets.CIFAR10');
    const names = a.train ? TRAIN_FILES : TEST_FILES;
    if (a.download)
      throw new Error(
        `datasets.CIFAR10: torchts does not download; extract cifar-10-binary.tar.gz (the binary version) so that ${path.join(a.root, 'cifar-10-batches-bin')} holds ${[...TRAIN_FILES, ...TEST_FILES].join(', ')}, and pass download: false`,
      );
    const dirs = [path.join(a.root, 'cifar-10-batches-bin'), a.root];
    const dir = dirs.find((d) => names.every((n) => fs.existsSync(path.join(d, n))));
    if (!dir) {
      if (
        fs.existsSync(path.join(a.root, 'cifar-10-batches-py')) ||
        fs.existsSync(path.join(a.root, 'data_batch_1'))
      )
        throw new Error(
          `datasets.CIFAR10: ${a.root} holds the python (pickle) version, which torchts does not read; download the binary version (cifar-10-binary.tar.gz) and extract it into ${a.root}`,
        );
      throw new Error(`datasets.CIFAR10: ${names.join(', ')} not found in ${dirs.join(' or ')}`);
    }
    const chunks = names.map((n) => {
      const f = path.join(dir, n);
      const b = fs.readFileSync(f);
      if (b.length === 0 || b.length % RECORD !== 0)
        throw new Error(
          `datasets.CIFAR10: ${f} holds ${b.length} bytes, not a whole number of ${RECORD}-byte records`,
        );
      return b;
    });
    const n = chunks.reduce((s, b) => s + b.length / RECORD, 0);
    this.data = new Uint8Array(n * 3072);
    this.targets = new Array(n);
    let k = 0;
    for (const b of chunks)
      for (let r = 0; r < b.length; r += RECORD, k++) {
        const label = b[r];
        if (label > 9) throw new Error(`datasets.CIFAR10: record ${k} has label ${label}, not 0..9`);
        this.targets[k] = label;
        const out = this.data.subarray(k * 3072, (k + 1) * 3072);
        for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[p * 3 + c] = b[r + 1 + c * 1024 + p];
      }
    this.train = a.train;
    this.transform = a.transform as Fn | null;
    this.targetTransform = a.targetTransform as Fn | null;
  }
  get length(): number {
    return this.targets.length;
  }
  getItem(i: number): [unknown, unknown] {
    if (i < 0 || i >= this.length)
      throw new RangeError(`index ${i} is out of range for CIFAR10 of ${this.length} items`);
    const img: ImageData = {
      data: this.data.slice(i * 3072, (i + 1) * 3072),
      width: 32,
      height: 32,
      channels: 3,
    };
    return [
      this.transform ? this.transform(img) : img,
      this.targetTransform ? this.targetTransform(this.targets[i]) : this.targets[i],
    ];
  }
}
registerCtor('datasets.CIFAR10', SIG, CIFAR10);
workerClasses(import.meta.url, CIFAR10);
