/**
 * torchvision.datasets.ImageFolder's role: root/<class>/.../<image>, classes the sorted directory
 * names, samples sorted by path within each class. PNG is decoded with pngjs and JPEG with jpeg-js
 * (both loaded through Node's require, only when an image is read); an image becomes RGB (alpha
 * dropped, gray expanded), what torchvision's pil_loader gives.
 */
import { ctorArgs, registerCtor } from '../../signature/bind.js';

import { Dataset } from '../dataset.js';
import type { ImageData } from '../transforms.js';
import { recordArgs, workerClasses } from '../workers.js';
import { nodeOnly, optionalPackage } from './node.js';

type Fn = (x: any) => any;

/** torchvision's IMG_EXTENSIONS (only .png, .jpg and .jpeg are decoded by the default loader). */
export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

/** Reads a PNG or JPEG file into an RGB image object (torchvision's default_loader). */
export function defaultLoader(file: string): ImageData {
  const { fs } = nodeOnly('datasets.defaultLoader');
  const bytes = fs.readFileSync(file);
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const pngjs = optionalPackage<{
      PNG: { sync: { read(b: Uint8Array): { data: Uint8Array; width: number; height: number } } };
    }>('pngjs');
    if (!pngjs) throw new Error(`${file}: decoding PNG needs the package pngjs (npm install pngjs)`);
    const png = pngjs.PNG.sync.read(bytes);
    ({ width, height } = png);
    rgba = png.data;
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const jpeg = optionalPackage<{
      decode(
        b: Uint8Array,
        o: { useTArray: boolean; formatAsRGBA: boolean },
      ): { data: Uint8Array; width: number; height: number };
    }>('jpeg-js');
    if (!jpeg) throw new Error(`${file}: decoding JPEG needs the package jpeg-js (npm install jpeg-js)`);
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    ({ width, height } = img);
    rgba = img.data;
  } else throw new Error(`${file}: not a PNG or JPEG file (the default loader decodes those two)`);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    data[p * 3] = rgba[p * 4];
    data[p * 3 + 1] = rgba[p * 4 + 1];
    data[p * 3 + 2] = rgba[p * 4 + 2];
  }
  return { data, width, height, channels: 3 };
}

const SIG =
  'ImageFolder(str root, Callable? transform=None, Callable? target_transform=None, Callable? loader=None, Callable? is_valid_file=None, bool allow_empty=False)';

/** torchvision.datasets.ImageFolder: root/<class>/<image> files (PNG, JPEG) as `[image, class index]`, classes sorted by name. */
export class ImageFolder extends Dataset<[unknown, unknown]> {
  /** The folder of class folders. */
  readonly root: string;
  /** The class folder names, sorted. */
  readonly classes: string[];
  /** Class name -> index. */
  readonly classToIdx: Record<string, number>;
  /** [path, class index] pairs (torchvision's `samples` and `imgs`). */
  readonly samples: [string, number][];
  /** The class index of each sample. */
  readonly targets: number[];
  /** torchvision's `transform`, given each loaded image. */
  readonly transform: Fn | null;
  /** torchvision's `target_transform`, given each class index. */
  readonly targetTransform: Fn | null;
  /** Reads a file into an image (default: PNG/JPEG decoding). */
  readonly loader: (path: string) => unknown;

  constructor(
    root: string,
    transform?: Fn | null,
    targetTransform?: Fn | null,
    loader?: ((path: string) => unknown) | null,
    isValidFile?: ((path: string) => boolean) | null,
    allowEmpty?: boolean,
  );
  constructor(
    root: string,
    options: {
      transform?: Fn | null;
      targetTransform?: Fn | null;
      loader?: ((path: string) => unknown) | null;
      isValidFile?: ((path: string) => boolean) | null;
      allowEmpty?: boolean;
    },
  );
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('datasets.ImageFolder', SIG, args);
    const { fs, path } = nodeOnly('datasets.ImageFolder');
    this.root = a.root;
    if (!fs.existsSync(a.root)) throw new Error(`datasets.ImageFolder: directory not found: ${a.root}`);
    const entries = fs.readdirSync(a.root, { withFileTypes: true });
    this.classes = entries
      .filter(
        (e) =>
          e.isDirectory() || (e.isSymbolicLink() && fs.statSync(path.join(a.root, e.name)).isDirectory()),
      )
      .map((e) => e.name)
      .sort();
    if (this.classes.length === 0) throw new Error(`Couldn't find any class folder in ${a.root}.`);
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    const isValid =
      (a.isValidFile as ((p: string) => boolean) | null) ??
      ((p: string) => IMG_EXTENSIONS.includes(path.extname(p).toLowerCase()));
    this.samples = [];
    const empty: string[] = [];
    for (const [ci, c] of this.classes.entries()) {
      const files: string[] = [];
      const walk = (d: string) => {
        for (const e of fs
          .readdirSync(d, { withFileTypes: true })
          .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
          const p = path.join(d, e.name);
          if (fs.statSync(p).isDirectory()) walk(p);
          else if (isValid(p)) files.push(p);
        }
      };
      walk(path.join(a.root, c));
      if (files.length === 0) empty.push(c);
      for (const f of files) this.samples.push([f, ci]);
    }
    if (empty.length > 0 && !a.allowEmpty)
      throw new Error(
        `Found no valid file for the classes ${empty.join(', ')}. Supported extensions are: ${IMG_EXTENSIONS.join(', ')}`,
      );
    this.targets = this.samples.map((s) => s[1]);
    this.transform = a.transform as Fn | null;
    this.targetTransform = a.targetTransform as Fn | null;
    this.loader = (a.loader as ((p: string) => unknown) | null) ?? defaultLoader;
  }
  /** torchvision's `imgs`, the same list as `samples`. */
  get imgs(): [string, number][] {
    return this.samples;
  }
  get length(): number {
    return this.samples.length;
  }
  getItem(i: number): [unknown, unknown] {
    if (i < 0 || i >= this.length)
      throw new RangeError(`index ${i} is out of range for ImageFolder of ${this.length} items`);
    const [file, target] = this.samples[i];
    const img = this.loader(file);
    return [
      this.transform ? this.transform(img) : img,
      this.targetTransform ? this.targetTransform(target) : target,
    ];
  }
}
registerCtor('datasets.ImageFolder', SIG, ImageFolder);
workerClasses(import.meta.url, ImageFolder);
