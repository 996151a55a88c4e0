/**
 * torchvision.transforms' role: image transforms as callable objects, composed with Compose and
 * given to datasets as `transform`. An image is either an image object `{ data, width, height,
 * channels }` (HWC uint8, what PNG/JPEG decoding gives: PIL's role) or a tensor `[..., C, H, W]`
 * (torchvision's tensor path). Geometric and color transforms keep the kind they are given;
 * ToTensor turns an image object into a float CHW tensor in [0, 1]. Random transforms draw from
 * torch's default generator (torch.manualSeed makes them reproducible), as torchvision draws from
 * torch's global RNG.
 */
import { fromArray, rand, randint, randperm, tensor } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import { Tensor } from '../tensor/tensor.js';
import { recordArgs, workerClasses } from './workers.js';

/** A decoded image: `data` is HWC, row-major, uint8 (PIL's role). */
export interface ImageData {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}
export type ImageLike = ImageData | Tensor;

export function isImageData(v: unknown): v is ImageData {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Tensor) &&
    ArrayBuffer.isView((v as ImageData).data) &&
    typeof (v as ImageData).width === 'number' &&
    typeof (v as ImageData).height === 'number'
  );
}

/** torchvision's InterpolationMode (the modes these transforms implement). */
export const InterpolationMode = { NEAREST: 'nearest', BILINEAR: 'bilinear' } as const;

// ---- callable transform objects ----

export interface Transform {
  /** `t(img)` is `t.forward(img)`. */
  // biome-ignore lint/style/useShorthandFunctionType: merged with the class to make instances callable
  (input: any): any;
}
/** Base of the transforms: instances are callable (`t(img)`), as torchvision's. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface only adds the call signature the constructor makes real
export abstract class Transform {
  constructor() {
    const self = ((x: unknown) => (self as Transform).forward(x)) as unknown as Transform;
    Object.setPrototypeOf(self, new.target.prototype);
    delete (self as unknown as { name?: string }).name;
    delete (self as unknown as { length?: number }).length;
    // biome-ignore lint/correctness/noConstructorReturn: the callable instance
    return self;
  }
  abstract forward(input: any): any;
}

// ---- planar float representation shared by the geometric and color transforms ----

interface Planes {
  /** n planes of h*w (n = images * c), values as stored (0..255 for image objects). */
  data: Float32Array;
  n: number;
  c: number;
  h: number;
  w: number;
  /** How to rebuild the input's kind. */
  from: { kind: 'image' } | { kind: 'tensor'; lead: number[]; like: Tensor };
}

function toPlanes(x: unknown, who: string): Planes {
  if (x instanceof Tensor) {
    if (x.dim() < 2)
      throw new TypeError(
        `${who}: expected a tensor image [..., C, H, W] or [H, W], got shape [${x.shape.join(', ')}]`,
      );
    const s = x.shape;
    const h = s[s.length - 2];
    const w = s[s.length - 1];
    const c = x.dim() >= 3 ? s[s.length - 3] : 1;
    const src = x.toArraySync() as ArrayLike<number>;
    const data = src instanceof Float32Array ? Float32Array.from(src) : Float32Array.from(src, Number);
    return {
      data,
      n: data.length / (h * w),
      c,
      h,
      w,
      from: { kind: 'tensor', lead: s.slice(0, -2), like: x },
    };
  }
  if (isImageData(x)) {
    const { width: w, height: h } = x;
    const c = x.channels ?? x.data.length / (w * h);
    if (x.data.length !== w * h * c)
      throw new RangeError(`${who}: image data holds ${x.data.length} bytes, expected ${h}*${w}*${c}`);
    const data = new Float32Array(c * h * w);
    for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) data[k * h * w + p] = x.data[p * c + k];
    return { data, n: c, c, h, w, from: { kind: 'image' } };
  }
  throw new TypeError(
    `${who}: img should be an image object {data, width, height, channels} or a Tensor. Got ${describe(x)}`,
  );
}

function describe(x: unknown): string {
  return x === null
    ? 'null'
    : typeof x === 'object'
      ? ((x as object).constructor?.name ?? 'object')
      : typeof x;
}

const isIntDtype = (t: Tensor) => !/^(float|bfloat|complex)/.test(String(t.dtype));

/** Back to the input's kind; `round` for resampled values stored as integers (PIL, uint8 tensors). */
function fromPlanes(p: Planes, h: number, w: number, data: Float32Array): ImageLike {
  if (p.from.kind === 'image') {
    const c = p.c;
    const out = new Uint8Array(h * w * c);
    for (let k = 0; k < c; k++)
      for (let q = 0; q < h * w; q++) {
        const v = Math.round(data[k * h * w + q]);
        out[q * c + k] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    return { data: out, width: w, height: h, channels: c };
  }
  const like = p.from.like;
  let vals = data;
  if (isIntDtype(like)) {
    vals = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) vals[i] = Math.round(data[i]);
  }
  let t = fromArray(vals, [...p.from.lead, h, w]);
  if (t.dtype !== like.dtype) t = t.to(like.dtype);
  if (!like.device.equals(t.device)) t = t.to(like.device);
  return t;
}

/** Python's round(): half to even. */
const pyRound = (x: number) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));

function sizePair(size: number | readonly number[], who: string): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length === 2) return [size[0], size[1]];
  throw new RangeError(`${who}: Please provide only two dimensions (h, w) for size.`);
}

/** Crop [top, top+h) x [left, left+w), zeros outside the image (torchvision F.crop). */
function cropPlanes(p: Planes, top: number, left: number, h: number, w: number): Float32Array {
  const out = new Float32Array(p.n * h * w);
  for (let k = 0; k < p.n; k++)
    for (let y = 0; y < h; y++) {
      const sy = top + y;
      if (sy < 0 || sy >= p.h) continue;
      for (let x = 0; x < w; x++) {
        const sx = left + x;
        if (sx < 0 || sx >= p.w) continue;
        out[(k * h + y) * w + x] = p.data[(k * p.h + sy) * p.w + sx];
      }
    }
  return out;
}

// ---- Compose, ToTensor, Normalize, Lambda ----

const COMPOSE = 'Compose(Callable[] transforms)';
/** transforms.Compose: applies the transforms in order. */
export class Compose extends Transform {
  readonly transforms: ((x: any) => any)[];
  constructor(transforms: readonly ((x: any) => any)[]);
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.Compose', COMPOSE, args);
    this.transforms = [...(a.transforms as ((x: any) => any)[])];
  }
  forward(img: any): any {
    let x = img;
    for (const t of this.transforms) x = t(x);
    return x;
  }
}
registerCtor('transforms.Compose', COMPOSE, Compose);

const TO_TENSOR = 'ToTensor()';
/**
 * transforms.ToTensor: an image object (HWC uint8) or an integer tensor [H, W, C] of 0..255 -> a float32 tensor
 * [C, H, W] in [0, 1] (x / 255).
 */
export class ToTensor extends Transform {
  constructor();
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    ctorArgs('transforms.ToTensor', TO_TENSOR, args);
  }
  forward(pic: ImageData | Tensor): Tensor {
    if (pic instanceof Tensor) {
      if (!isIntDtype(pic) || (pic.dim() !== 3 && pic.dim() !== 2))
        throw new TypeError(
          `ToTensor: pic should be an image object or an integer tensor [H, W, C] of 0..255. Got a ${pic.dtype} tensor of shape [${pic.shape.join(', ')}]`,
        );
      const [h, w, c = 1] = pic.shape;
      return this.forward({
        data: Uint8ClampedArray.from(pic.toArraySync() as ArrayLike<number>),
        width: w,
        height: h,
        channels: c,
      });
    }
    if (!isImageData(pic))
      throw new TypeError(`ToTensor: pic should be an image object or a tensor. Got ${describe(pic)}`);
    const p = toPlanes(pic, 'ToTensor');
    for (let i = 0; i < p.data.length; i++) p.data[i] /= 255;
    return fromArray(p.data, [p.c, p.h, p.w]);
  }
}
registerCtor('transforms.ToTensor', TO_TENSOR, ToTensor);

const NORMALIZE = 'Normalize(float[] mean, float[] std, bool inplace=False)';
/** transforms.Normalize: (x - mean[c]) / std[c] per channel of a float tensor [..., C, H, W]. */
export class Normalize extends Transform {
  readonly mean: number[];
  readonly std: number[];
  readonly inplace: boolean;
  constructor(mean: readonly number[], std: readonly number[], inplace?: boolean);
  constructor(mean: readonly number[], std: readonly number[], options: { inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.Normalize', NORMALIZE, args);
    this.mean = [...a.mean];
    this.std = [...a.std];
    this.inplace = a.inplace;
  }
  forward(t: Tensor): Tensor {
    if (!(t instanceof Tensor))
      throw new TypeError(`Normalize: img should be Tensor Image. Got ${describe(t)}`);
    if (isIntDtype(t)) throw new TypeError(`Input tensor should be a float tensor. Got ${t.dtype}.`);
    if (t.dim() < 3)
      throw new RangeError(
        `Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${t.shape.join(', ')}]`,
      );
    if (this.std.some((s) => Math.fround(s) === 0))
      throw new RangeError(
        `std evaluated to zero after conversion to ${t.dtype}, leading to division by zero.`,
      );
    const c = t.shape[t.dim() - 3];
    const perChannel = (v: number[]) => (v.length === 1 ? new Array(c).fill(v[0]) : v);
    const m = tensor(perChannel(this.mean), { dtype: t.dtype, device: t.device }).view(-1, 1, 1);
    const s = tensor(perChannel(this.std), { dtype: t.dtype, device: t.device }).view(-1, 1, 1);
    return this.inplace ? t.sub_(m).div_(s) : t.sub(m).div(s);
  }
}
registerCtor('transforms.Normalize', NORMALIZE, Normalize);

const LAMBDA = 'Lambda(Callable lambd)';
/** transforms.Lambda: a user function as a transform. */
export class Lambda extends Transform {
  readonly lambd: (x: any) => any;
  constructor(lambd: (x: any) => any);
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.Lambda', LAMBDA, args);
    this.lambd = a.lambd as (x: any) => any;
  }
  forward(img: any): any {
    return this.lambd(img);
  }
}
registerCtor('transforms.Lambda', LAMBDA, Lambda);

// ---- Resize ----

/** One axis of resampling: for each output index, the source indices and weights. */
function axisWeights(
  inSize: number,
  outSize: number,
  mode: 'nearest' | 'bilinear',
  antialias: boolean,
): { start: Int32Array; count: Int32Array; weights: Float64Array; stride: number } {
  const scale = inSize / outSize;
  if (mode === 'nearest') {
    const start = new Int32Array(outSize);
    const fs = Math.fround(scale);
    for (let i = 0; i < outSize; i++) start[i] = Math.min(Math.floor(Math.fround(i * fs)), inSize - 1);
    return {
      start,
      count: new Int32Array(outSize).fill(1),
      weights: new Float64Array(outSize).fill(1),
      stride: 1,
    };
  }
  if (!antialias || scale <= 1) {
    // bilinear, align_corners=False: src = (i + 0.5) * scale - 0.5, clamped at 0
    const start = new Int32Array(outSize);
    const weights = new Float64Array(outSize * 2);
    for (let i = 0; i < outSize; i++) {
      const src = Math.max((i + 0.5) * scale - 0.5, 0);
      const i0 = Math.min(Math.floor(src), inSize - 1);
      const l = i0 < inSize - 1 ? src - i0 : 0;
      start[i] = i0;
      weights[2 * i] = 1 - l;
      weights[2 * i + 1] = l;
    }
    const count = Int32Array.from(start, (s) => (s < inSize - 1 ? 2 : 1));
    return { start, count, weights, stride: 2 };
  }
  // antialiased (PIL's and torch's _upsample_bilinear2d_aa): a triangle filter widened by scale
  const support = scale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const x = Math.abs((j + xmin - center + 0.5) / scale);
      const wgt = x < 1 ? 1 - x : 0;
      weights[i * stride + j] = wgt;
      total += wgt;
    }
    for (let j = 0; j < xsize; j++) weights[i * stride + j] = total ? weights[i * stride + j] / total : 0;
    start[i] = xmin;
    count[i] = xsize;
  }
  return { start, count, weights, stride };
}

function resizePlanes(
  p: Planes,
  oh: number,
  ow: number,
  mode: 'nearest' | 'bilinear',
  aa: boolean,
): Float32Array {
  const ax = axisWeights(p.w, ow, mode, aa);
  const ay = axisWeights(p.h, oh, mode, aa);
  const tmp = new Float64Array(p.h * ow);
  const out = new Float32Array(p.n * oh * ow);
  for (let k = 0; k < p.n; k++) {
    const base = k * p.h * p.w;
    for (let y = 0; y < p.h; y++)
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let j = 0; j < ax.count[x]; j++)
          s += ax.weights[x * ax.stride + j] * p.data[base + y * p.w + ax.start[x] + j];
        tmp[y * ow + x] = s;
      }
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let j = 0; j < ay.count[y]; j++)
          s += ay.weights[y * ay.stride + j] * tmp[(ay.start[y] + j) * ow + x];
        out[(k * oh + y) * ow + x] = s;
      }
  }
  return out;
}

/** torchvision's output size: an int (or [int]) matches the shorter side, keeping the aspect ratio. */
export function resizedSize(
  h: number,
  w: number,
  size: number | readonly number[],
  maxSize: number | null,
): [number, number] {
  if (typeof size === 'number' || size.length === 1) {
    const req = typeof size === 'number' ? size : size[0];
    const [short, long] = w <= h ? [w, h] : [h, w];
    let newShort = req;
    let newLong = Math.trunc((req * long) / short);
    if (maxSize !== null) {
      if (maxSize <= req)
        throw new RangeError(
          `max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${req}`,
        );
      if (newLong > maxSize) {
        newShort = Math.trunc((maxSize * newShort) / newLong);
        newLong = maxSize;
      }
    }
    return w <= h ? [newLong, newShort] : [newShort, newLong];
  }
  if (maxSize !== null)
    throw new RangeError('max_size should only be passed if size specifies the length of the smaller edge');
  return sizePair(size, 'Resize');
}

const RESIZE =
  'Resize(int|int[] size, "bilinear"|"nearest" interpolation="bilinear", int? max_size=None, bool? antialias=True)';
/**
 * transforms.Resize: to [h, w], or with an int the shorter side to `size` and the longer in
 * proportion (truncated). Bilinear is antialiased when shrinking (torchvision >= 0.17's default,
 * PIL's), or plain bilinear (align_corners=False) with `antialias: false`; or nearest.
 */
export class Resize extends Transform {
  readonly size: number | number[];
  readonly interpolation: 'bilinear' | 'nearest';
  readonly maxSize: number | null;
  readonly antialias: boolean;
  constructor(
    size: number | readonly number[],
    interpolation?: 'bilinear' | 'nearest',
    maxSize?: number | null,
    antialias?: boolean | null,
  );
  constructor(
    size: number | readonly number[],
    options: { interpolation?: 'bilinear' | 'nearest'; maxSize?: number | null; antialias?: boolean | null },
  );
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.Resize', RESIZE, args);
    const size = a.size as number | number[];
    if (Array.isArray(size) && (size.length < 1 || size.length > 2))
      throw new RangeError('If size is a sequence, it should have 1 or 2 values');
    this.size = Array.isArray(size) ? [...size] : size;
    this.interpolation = a.interpolation;
    this.maxSize = a.maxSize;
    this.antialias = a.antialias ?? true;
  }
  forward(img: ImageLike): ImageLike {
    const p = toPlanes(img, 'Resize');
    const [oh, ow] = resizedSize(p.h, p.w, this.size, this.maxSize);
    if (oh === p.h && ow === p.w) return img;
    return fromPlanes(p, oh, ow, resizePlanes(p, oh, ow, this.interpolation, this.antialias));
  }
}
registerCtor('transforms.Resize', RESIZE, Resize);

// ---- crops and flips ----

function centerCrop(img: ImageLike, th: number, tw: number): ImageLike {
  const p = toPlanes(img, 'CenterCrop');
  // torchvision pads (zeros, split floor/ceil) when the crop is larger, then crops the center
  const top = p.h >= th ? pyRound((p.h - th) / 2) : -Math.floor((th - p.h) / 2);
  const left = p.w >= tw ? pyRound((p.w - tw) / 2) : -Math.floor((tw - p.w) / 2);
  return fromPlanes(p, th, tw, cropPlanes(p, top, left, th, tw));
}

const CENTER_CROP = 'CenterCrop(int|int[] size)';
/** transforms.CenterCrop: the central [h, w] (an int: square), zero-padded if the image is smaller. */
export class CenterCrop extends Transform {
  readonly size: [number, number];
  constructor(size: number | readonly number[]);
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.CenterCrop', CENTER_CROP, args);
    this.size = sizePair(a.size as number | number[], 'CenterCrop');
  }
  forward(img: ImageLike): ImageLike {
    return centerCrop(img, this.size[0], this.size[1]);
  }
}
registerCtor('transforms.CenterCrop', CENTER_CROP, CenterCrop);

type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** Source index for a padded coordinate (-1: the fill value). */
function padIndex(i: number, n: number, mode: PadMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect': {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      let m = ((i % period) + period) % period;
      if (m >= n) m = period - m;
      return m;
    }
    case 'symmetric': {
      const period = 2 * n;
      let m = ((i % period) + period) % period;
      if (m >= n) m = period - 1 - m;
      return m;
    }
  }
}

function padPlanes(
  p: Planes,
  l: number,
  t: number,
  r: number,
  b: number,
  fill: number[],
  mode: PadMode,
): Planes {
  const h = p.h + t + b;
  const w = p.w + l + r;
  const data = new Float32Array(p.n * h * w);
  for (let k = 0; k < p.n; k++) {
    const f = fill.length === 1 ? fill[0] : fill[k % p.c];
    for (let y = 0; y < h; y++) {
      const sy = padIndex(y - t, p.h, mode);
      for (let x = 0; x < w; x++) {
        const sx = padIndex(x - l, p.w, mode);
        data[(k * h + y) * w + x] = sy < 0 || sx < 0 ? f : p.data[(k * p.h + sy) * p.w + sx];
      }
    }
  }
  return { ...p, data, h, w };
}

/** torchvision's padding argument: int, [lr, tb] or [l, t, r, b]. */
function paddingLTRB(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  if (padding.length === 4) return [padding[0], padding[1], padding[2], padding[3]];
  throw new RangeError(
    `Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`,
  );
}

/** An int in [0, n) from torch's default generator (torch.randint(0, n, (1,)).item()). */
const drawInt = (n: number): number => (randint(0, n, [1]).toArraySync() as ArrayLike<number>)[0] as number;
/** A float in [lo, hi) from torch's default generator. */
const drawUniform = (lo: number, hi: number): number =>
  lo + (rand([1], { dtype: 'float32' }).toArraySync() as Float32Array)[0] * (hi - lo);

const RANDOM_CROP =
  'RandomCrop(int|int[] size, int|int[]? padding=None, bool pad_if_needed=False, float|float[] fill=0, "constant"|"edge"|"reflect"|"symmetric" padding_mode="constant")';
/**
 * transforms.RandomCrop: pads first (`padding`; `padIfNeeded` pads a too-small side by the
 * missing amount on both ends, as torchvision), then crops [h, w] at a random offset.
 */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  readonly padding: number | number[] | null;
  readonly padIfNeeded: boolean;
  readonly fill: number[];
  readonly paddingMode: PadMode;
  constructor(
    size: number | readonly number[],
    padding?: number | readonly number[] | null,
    padIfNeeded?: boolean,
    fill?: number | readonly number[],
    paddingMode?: PadMode,
  );
  constructor(
    size: number | readonly number[],
    options: {
      padding?: number | readonly number[] | null;
      padIfNeeded?: boolean;
      fill?: number | readonly number[];
      paddingMode?: PadMode;
    },
  );
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.RandomCrop', RANDOM_CROP, args);
    this.size = sizePair(a.size as number | number[], 'RandomCrop');
    this.padding = a.padding as number | number[] | null;
    if (this.padding !== null) paddingLTRB(this.padding);
    this.padIfNeeded = a.padIfNeeded;
    this.fill = typeof a.fill === 'number' ? [a.fill] : [...(a.fill as number[])];
    this.paddingMode = a.paddingMode;
  }
  forward(img: ImageLike): ImageLike {
    let p = toPlanes(img, 'RandomCrop');
    const fill = this.fill;
    if (this.padding !== null) {
      const [l, t, r, b] = paddingLTRB(this.padding);
      p = padPlanes(p, l, t, r, b, fill, this.paddingMode);
    }
    const [th, tw] = this.size;
    if (this.padIfNeeded && p.w < tw) p = padPlanes(p, tw - p.w, 0, tw - p.w, 0, fill, this.paddingMode);
    if (this.padIfNeeded && p.h < th) p = padPlanes(p, 0, th - p.h, 0, th - p.h, fill, this.paddingMode);
    if (p.h < th || p.w < tw)
      throw new RangeError(
        `Required crop size (${th}, ${tw}) is larger than input image size (${p.h}, ${p.w})`,
      );
    const i = p.h === th && p.w === tw ? 0 : drawInt(p.h - th + 1);
    const j = p.h === th && p.w === tw ? 0 : drawInt(p.w - tw + 1);
    return fromPlanes(p, th, tw, cropPlanes(p, i, j, th, tw));
  }
}
registerCtor('transforms.RandomCrop', RANDOM_CROP, RandomCrop);

function flip(img: ImageLike, horizontal: boolean): ImageLike {
  const p = toPlanes(img, horizontal ? 'RandomHorizontalFlip' : 'RandomVerticalFlip');
  const out = new Float32Array(p.data.length);
  for (let k = 0; k < p.n; k++)
    for (let y = 0; y < p.h; y++)
      for (let x = 0; x < p.w; x++)
        out[(k * p.h + y) * p.w + x] = horizontal
          ? p.data[(k * p.h + y) * p.w + (p.w - 1 - x)]
          : p.data[(k * p.h + (p.h - 1 - y)) * p.w + x];
  return fromPlanes(p, p.h, p.w, out);
}

const HFLIP = 'RandomHorizontalFlip(float p=0.5)';
const VFLIP = 'RandomVerticalFlip(float p=0.5)';

/** RandomHorizontalFlip and RandomVerticalFlip: one direction's flip with probability p. */
abstract class RandomFlip extends Transform {
  /** The probability of a flip (default 0.5). */
  readonly p: number;
  constructor(
    private readonly horizontal: boolean,
    args: unknown[],
    p: number,
  ) {
    super();
    recordArgs(this, args);
    this.p = p;
  }
  forward(img: ImageLike): ImageLike {
    return drawUniform(0, 1) < this.p ? flip(img, this.horizontal) : img;
  }
}

/** transforms.RandomHorizontalFlip: mirrors left-right with probability p. */
export class RandomHorizontalFlip extends RandomFlip {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) {
    super(true, args, ctorArgs('transforms.RandomHorizontalFlip', HFLIP, args).p);
  }
}
registerCtor('transforms.RandomHorizontalFlip', HFLIP, RandomHorizontalFlip);

/** transforms.RandomVerticalFlip: mirrors top-bottom with probability p. */
export class RandomVerticalFlip extends RandomFlip {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) {
    super(false, args, ctorArgs('transforms.RandomVerticalFlip', VFLIP, args).p);
  }
}
registerCtor('transforms.RandomVerticalFlip', VFLIP, RandomVerticalFlip);

// ---- rotation (torchvision's tensor path: inverse affine matrix, grid_sample, fill by mask) ----

/** Rotates counter-clockwise by `angle` degrees about the center (or `center`, pixel coordinates). */
export function rotate(
  img: ImageLike,
  angle: number,
  interpolation: 'nearest' | 'bilinear' = 'nearest',
  expand = false,
  center: readonly number[] | null = null,
  fill: readonly number[] = [0],
): ImageLike {
  const p = toPlanes(img, 'rotate');
  const { h, w } = p;
  const rad = (angle * Math.PI) / 180;
  const m = [Math.cos(rad), -Math.sin(rad), 0, Math.sin(rad), Math.cos(rad), 0];
  if (center) {
    const cx = center[0] - w * 0.5;
    const cy = center[1] - h * 0.5;
    m[2] += m[0] * -cx + m[1] * -cy + cx;
    m[5] += m[3] * -cx + m[4] * -cy + cy;
  }
  let ow = w;
  let oh = h;
  if (expand) {
    const pts = [
      [-0.5 * w, -0.5 * h],
      [-0.5 * w, 0.5 * h],
      [0.5 * w, 0.5 * h],
      [0.5 * w, -0.5 * h],
    ].map(([x, y]) => [m[0] * x + m[1] * y + m[2] + w * 0.5, m[3] * x + m[4] * y + m[5] + h * 0.5]);
    const tol = 1e-4;
    const span = (d: number) => {
      const vs = pts.map((q) => q[d]);
      return (
        Math.ceil(Math.trunc(Math.max(...vs) / tol) * tol) -
        Math.floor(Math.trunc(Math.min(...vs) / tol) * tol)
      );
    };
    ow = span(0);
    oh = span(1);
  }
  const out = new Float32Array(p.n * oh * ow);
  const mask = new Float32Array(oh * ow);
  const sample = (k: number, sx: number, sy: number): number => {
    // grid_sample, align_corners=False, zeros outside; k = -1 samples the all-ones mask plane
    const at = (x: number, y: number) =>
      x < 0 || y < 0 || x >= w || y >= h ? 0 : k < 0 ? 1 : p.data[(k * h + y) * w + x];
    if (interpolation === 'nearest') {
      const rx = pyRound(sx);
      const ry = pyRound(sy);
      return at(rx, ry);
    }
    const x0 = Math.floor(sx);
    const y0 = Math.floor(sy);
    const fx = sx - x0;
    const fy = sy - y0;
    return (
      at(x0, y0) * (1 - fx) * (1 - fy) +
      at(x0 + 1, y0) * fx * (1 - fy) +
      at(x0, y0 + 1) * (1 - fx) * fy +
      at(x0 + 1, y0 + 1) * fx * fy
    );
  };
  for (let yo = 0; yo < oh; yo++)
    for (let xo = 0; xo < ow; xo++) {
      const x = xo - ow * 0.5 + 0.5;
      const y = yo - oh * 0.5 + 0.5;
      // normalized by the input's half-size, then unnormalized by grid_sample: + (size - 1) / 2
      const sx = m[0] * x + m[1] * y + m[2] + (w - 1) / 2;
      const sy = m[3] * x + m[4] * y + m[5] + (h - 1) / 2;
      const mk = sample(-1, sx, sy);
      mask[yo * ow + xo] = mk;
      for (let k = 0; k < p.n; k++) {
        const f = fill.length === 1 ? fill[0] : fill[k % p.c];
        const v = sample(k, sx, sy);
        out[(k * oh + yo) * ow + xo] =
          interpolation === 'nearest' ? (mk < 0.5 ? f : v) : v * mk + (1 - mk) * f;
      }
    }
  return fromPlanes(p, oh, ow, out);
}

const ROTATION =
  'RandomRotation(float|float[] degrees, "nearest"|"bilinear" interpolation="nearest", bool expand=False, float[]? center=None, float|float[] fill=0)';
/** transforms.RandomRotation: a uniform angle in [-degrees, degrees] (or [lo, hi]), counter-clockwise. */
export class RandomRotation extends Transform {
  readonly degrees: [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  readonly expand: boolean;
  readonly center: number[] | null;
  readonly fill: number[];
  constructor(
    degrees: number | readonly number[],
    interpolation?: 'nearest' | 'bilinear',
    expand?: boolean,
    center?: readonly number[] | null,
    fill?: number | readonly number[],
  );
  constructor(
    degrees: number | readonly number[],
    options: {
      interpolation?: 'nearest' | 'bilinear';
      expand?: boolean;
      center?: readonly number[] | null;
      fill?: number | readonly number[];
    },
  );
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.RandomRotation', ROTATION, args);
    const d = a.degrees as number | number[];
    if (typeof d === 'number') {
      if (d < 0) throw new RangeError('If degrees is a single number, it must be positive.');
      this.degrees = [-d, d];
    } else {
      if (d.length !== 2) throw new RangeError('If degrees is a sequence, it must be of len 2.');
      this.degrees = [d[0], d[1]];
    }
    if (a.center !== null && a.center.length !== 2)
      throw new RangeError('If center is a sequence, it must be of len 2.');
    this.interpolation = a.interpolation;
    this.expand = a.expand;
    this.center = a.center ? [...a.center] : null;
    this.fill = typeof a.fill === 'number' ? [a.fill] : [...(a.fill as number[])];
  }
  forward(img: ImageLike): ImageLike {
    const angle = drawUniform(this.degrees[0], this.degrees[1]);
    return rotate(img, angle, this.interpolation, this.expand, this.center, this.fill);
  }
}
registerCtor('transforms.RandomRotation', ROTATION, RandomRotation);

// ---- ColorJitter ----

/** Gray of each image's RGB (ITU-R 601-2 as torchvision: 0.2989 R + 0.587 G + 0.114 B). */
function gray(p: Planes, k0: number, intStore: boolean): Float32Array {
  const hw = p.h * p.w;
  const g = new Float32Array(hw);
  for (let q = 0; q < hw; q++) {
    const v =
      0.2989 * p.data[k0 * hw + q] + 0.587 * p.data[(k0 + 1) * hw + q] + 0.114 * p.data[(k0 + 2) * hw + q];
    g[q] = intStore ? Math.trunc(v) : v;
  }
  return g;
}

/** Adjusts brightness, contrast or saturation by `factor` in place (torchvision's _blend). */
function adjust(
  p: Planes,
  what: 'brightness' | 'contrast' | 'saturation',
  factor: number,
  intStore: boolean,
): void {
  const bound = intStore ? 255 : 1;
  const hw = p.h * p.w;
  const blend = (k: number, other: (q: number) => number) => {
    for (let q = 0; q < hw; q++) {
      let v = factor * p.data[k * hw + q] + (1 - factor) * other(q);
      v = v < 0 ? 0 : v > bound ? bound : v;
      p.data[k * hw + q] = intStore ? Math.trunc(v) : v;
    }
  };
  for (let k0 = 0; k0 < p.n; k0 += p.c) {
    if (what === 'brightness') for (let k = k0; k < k0 + p.c; k++) blend(k, () => 0);
    else if (what === 'contrast') {
      let mean = 0;
      if (p.c === 3) for (const v of gray(p, k0, intStore)) mean += v;
      else for (let q = 0; q < hw * p.c; q++) mean += p.data[k0 * hw + q];
      mean /= p.c === 3 ? hw : hw * p.c;
      for (let k = k0; k < k0 + p.c; k++) blend(k, () => mean);
    } else {
      if (p.c !== 3) continue; // torchvision: saturation leaves a 1-channel image as it is
      const g = gray(p, k0, intStore);
      for (let k = k0; k < k0 + 3; k++) blend(k, (q) => g[q]);
    }
  }
}

const COLOR_JITTER =
  'ColorJitter(float|float[] brightness=0, float|float[] contrast=0, float|float[] saturation=0, float|float[] hue=0)';
/**
 * transforms.ColorJitter: brightness, contrast and saturation factors drawn uniformly from
 * [max(0, 1 - v), 1 + v] (or a given [lo, hi]) and applied in a random order, as torchvision.
 * Hue is not implemented (a non-zero hue is refused).
 */
export class ColorJitter extends Transform {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  constructor(
    brightness?: number | readonly number[],
    contrast?: number | readonly number[],
    saturation?: number | readonly number[],
    hue?: number | readonly number[],
  );
  constructor(options: {
    brightness?: number | readonly number[];
    contrast?: number | readonly number[];
    saturation?: number | readonly number[];
    hue?: number | readonly number[];
  });
  constructor(...args: unknown[]) {
    super();
    recordArgs(this, args);
    const a = ctorArgs('transforms.ColorJitter', COLOR_JITTER, args);
    const range = (name: string, v: number | number[]): [number, number] | null => {
      if (typeof v === 'number') {
        if (v < 0) throw new RangeError(`If ${name} is a single number, it must be non negative.`);
        return v === 0 ? null : [Math.max(0, 1 - v), 1 + v];
      }
      if (v.length !== 2 || v[0] < 0 || v[0] > v[1])
        throw new RangeError(`${name} values should be between (0, inf), got [${v.join(', ')}]`);
      return v[0] === 1 && v[1] === 1 ? null : [v[0], v[1]];
    };
    this.brightness = range('brightness', a.brightness as number | number[]);
    this.contrast = range('contrast', a.contrast as number | number[]);
    this.saturation = range('saturation', a.saturation as number | number[]);
    const hue = a.hue as number | number[];
    if (typeof hue === 'number' ? hue !== 0 : hue.some((x) => x !== 0))
      throw new RangeError(
        'ColorJitter: hue is not implemented in torchts (use brightness, contrast, saturation)',
      );
  }
  forward(img: ImageLike): ImageLike {
    const order = Array.from(randperm(4).toArraySync() as ArrayLike<number>, Number);
    const f = [this.brightness, this.contrast, this.saturation].map((r) =>
      r ? drawUniform(r[0], r[1]) : null,
    );
    const p = toPlanes(img, 'ColorJitter');
    const intStore = p.from.kind === 'image' || (p.from.kind === 'tensor' && isIntDtype(p.from.like));
    const names = ['brightness', 'contrast', 'saturation'] as const;
    for (const i of order) if (i < 3 && f[i] !== null) adjust(p, names[i], f[i] as number, intStore);
    return fromPlanes(p, p.h, p.w, p.data);
  }
}
registerCtor('transforms.ColorJitter', COLOR_JITTER, ColorJitter);

// DataLoader workers rebuild these from their constructor arguments (a Lambda's function must be a workerFunction).
workerClasses(
  import.meta.url,
  Compose,
  ToTensor,
  Normalize,
  Lambda,
  Resize,
  CenterCrop,
  RandomCrop,
  RandomHorizontalFlip,
  RandomVerticalFlip,
  RandomRotation,
  ColorJitter,
);
