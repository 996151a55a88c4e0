/**
 * torch.save / torch.load for torchts (docs/checkpoints.md).
 *
 * ```ts
 * await torch.save(model.stateDict(), 'model.safetensors');     // PyTorch: safetensors.torch.load_file
 * model.loadStateDict(await torch.load('model.safetensors'));
 * await torch.save({ model: model.stateDict(), optim: opt.stateDict(), epoch: 3 }, 'ckpt.safetensors');
 * const sd = await torch.load(await fetch('/weights.pt'), { mapLocation: 'cuda' }); // a PyTorch torch.save file
 * ```
 *
 * Saved format: always safetensors, readable by `safetensors.torch.load_file`.
 *  - A flat `{name: Tensor}` record (a module's state dict) is written as is: one safetensors
 *    entry per tensor, `__metadata__ = {"format": "pt"}`: the file PyTorch's users expect.
 *  - Anything else (optimizer state dicts, nested objects, numbers, strings, Maps) is written
 *    as the safetensors file of its tensors, named by their path (`state.0.exp_avg`), with
 *    `__metadata__["torchts.skeleton"]` holding the object as JSON where each tensor leaf is
 *    `{"$tensor": name}` (see `Skeleton` below). Loading rebuilds the object exactly: key order,
 *    Maps with their key types, -0/NaN/±Infinity, bigints, undefined, and one tensor object
 *    for a tensor that appeared twice.
 * Loaded formats: safetensors (flat or with a skeleton) and PyTorch's torch.save files (zip and
 * legacy), always with weights_only semantics (src/io/pickle.ts).
 *
 * Paths are read and written with `node:fs/promises`, imported only when a path string is
 * given, so the browser path (ArrayBuffer, Uint8Array, Blob, Response) never touches `fs`.
 */

import { Parameter } from '../nn/parameter.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import { cpu, type DeviceLike, device as toDevice } from '../tensor/device.js';
import { emptyTensor, Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic.js';
import { CheckpointError, check } from './errors.js';
import { isRawTensor, type RawTensor, rawIsFloat } from './raw-tensor.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadTorchFile, type TorchLoadOptions } from './torch-zip.js';

export { writeFileAtomic } from './atomic.js';
export { CheckpointError } from './errors.js';
export { isRawTensor, type RawTensor } from './raw-tensor.js';
export { decodeSafetensors, encodeSafetensors, type SafetensorsFile } from './safetensors.js';
export { loadTorchFile, type TorchLoadOptions } from './torch-zip.js';

/** The metadata key that holds the JSON skeleton of a nested checkpoint. */
export const SKELETON_KEY = 'torchts.skeleton';
const MAX_DEPTH = 200;

/**
 * JSON form of a saved value. Plain JSON where it can be; tagged one-key objects otherwise:
 *   {"$tensor": name, "requiresGrad"?: true}   a tensor (entry `name` of the safetensors file)
 *   {"$map": [[key, value], ...]}               a Map (keys of any saveable type)
 *   {"$object": {...}}                          a plain object with a key that starts with '$'
 *   {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}   numbers JSON cannot hold
 *   {"$bigint": "123"}   {"$undefined": 1}
 */
type Skeleton = null | boolean | number | string | Skeleton[] | { [k: string]: Skeleton };

export type Saveable =
  | Tensor
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Saveable[]
  | Map<Saveable, Saveable>
  | { [k: string]: Saveable };

export interface SaveOptions {
  /** Extra `__metadata__` entries (strings) to store in the file. */
  metadata?: Record<string, string>;
}

export interface LoadOptions extends TorchLoadOptions {
  /** Device for the loaded tensors (PyTorch's map_location): 'cpu' (default), 'cuda', 'webgpu'. */
  mapLocation?: DeviceLike | null;
  /** PyTorch's weights_only: always true here (false, which would run pickled code, is refused). */
  weightsOnly?: boolean;
}

/**
 * `node:fs/promises`, imported when a path is given. The specifier is a value so that bundlers for
 * the browser leave it out of the bundle (a literal makes Vite add a stub module and a warning).
 */
const nodeFs = (): Promise<typeof import('node:fs/promises')> => {
  const spec = 'node:fs/promises';
  return import(/* @vite-ignore */ spec);
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * Saves tensors, state dicts and nested objects as safetensors bytes; writes them to `path`
 * when one is given (Node), atomically: a temporary file in the same directory, flushed, then
 * renamed over `path`, so a failed save leaves the previous file intact. Async because tensors
 * on the GPU are read back first.
 */
const SAVE = 'save(Any obj, str? f=None, *, dict? metadata=None)';
registerCtor('torch.save', SAVE);

/**
 * torch.save: writes `obj` (tensors, state dicts, nested plain objects) to `f` atomically and
 * returns the bytes; without `f` it only returns them. `metadata` adds `__metadata__` strings.
 */
export async function save(obj: Saveable, f?: string | null, options?: SaveOptions): Promise<Uint8Array>;
export async function save(...args: unknown[]): Promise<Uint8Array> {
  const a = ctorArgs('torch.save', SAVE, args);
  const obj = a.obj as Saveable;
  const path = a.f ?? undefined;
  const opts: SaveOptions = a.metadata ? { metadata: a.metadata as Record<string, string> } : {};
  const bytes = await encode(obj, opts);
  if (path !== undefined) await writeFileAtomic(path, bytes);
  return bytes;
}

async function toRaw(t: Tensor): Promise<RawTensor> {
  // Every dtype is written as itself (int64 as I64 from its int32 storage).
  return { dtype: t.dtype, shape: [...t.shape], data: (await t.toArray()) as RawTensor['data'] };
}

async function encode(obj: Saveable, opts: SaveOptions): Promise<Uint8Array> {
  const meta: Record<string, string> = { format: 'pt', ...opts.metadata };
  // A flat record of tensors: the plain safetensors file of a state dict.
  if (isPlainObject(obj) && Object.values(obj).every((v) => v instanceof Tensor)) {
    const raw: Record<string, RawTensor> = {};
    for (const [k, t] of Object.entries(obj as Record<string, Tensor>)) raw[k] = await toRaw(t);
    return encodeSafetensors(raw, meta);
  }
  const names = new Map<Tensor, string>();
  const used = new Set<string>();
  const onStack = new Set<unknown>();
  const skel = (v: unknown, path: string[]): Skeleton => {
    const where = () => `save: at ${path.length ? path.join('.') : '<root>'}`;
    check(path.length <= MAX_DEPTH, () => `${where()}: nests deeper than ${MAX_DEPTH} levels`);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return { $undefined: 1 };
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (typeof v === 'number')
      return Number.isFinite(v) && !Object.is(v, -0) ? v : { $number: Object.is(v, -0) ? '-0' : String(v) };
    if (v instanceof Tensor) {
      let name = names.get(v);
      if (name === undefined) {
        const base = path.join('.') || 'tensor';
        name = base;
        for (let i = 1; used.has(name) || name === '__metadata__'; i++) name = `${base}#${i}`;
        used.add(name);
        names.set(v, name);
      }
      return v.requiresGrad && v.isLeaf ? { $tensor: name, requiresGrad: true } : { $tensor: name };
    }
    check(typeof v === 'object', () => `${where()}: cannot save a ${typeof v}`);
    check(!onStack.has(v), () => `${where()}: the object refers to itself (a cycle)`);
    onStack.add(v);
    try {
      if (Array.isArray(v)) return v.map((x, i) => skel(x, [...path, String(i)]));
      if (v instanceof Map)
        return { $map: [...v].map(([k, x]) => [skel(k, [...path, '<key>']), skel(x, [...path, String(k)])]) };
      check(
        isPlainObject(v),
        () =>
          `${where()}: cannot save a ${v.constructor?.name ?? 'object'} (only tensors, plain objects, arrays, Maps, numbers, strings)`,
      );
      const o: Record<string, Skeleton> = {};
      for (const [k, x] of Object.entries(v)) o[k] = skel(x, [...path, k]);
      return Object.keys(o).some((k) => k.startsWith('$')) ? { $object: o } : o;
    } finally {
      onStack.delete(v);
    }
  };
  const skeleton = skel(obj, []);
  const raw: Record<string, RawTensor> = {};
  for (const [t, name] of names) raw[name] = await toRaw(t);
  check(!(SKELETON_KEY in meta), () => `save: metadata key '${SKELETON_KEY}' is reserved`);
  return encodeSafetensors(raw, { ...meta, [SKELETON_KEY]: JSON.stringify(skeleton) });
}

type Source = string | Uint8Array | ArrayBuffer | Blob | Response;

async function readSource(src: Source): Promise<Uint8Array> {
  if (typeof src === 'string') {
    const fs = await nodeFs();
    const b = await fs.readFile(src);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  if (typeof Response !== 'undefined' && src instanceof Response) {
    check(src.ok, () => `load: HTTP ${src.status} ${src.statusText} for ${src.url}`);
    return new Uint8Array(await src.arrayBuffer());
  }
  if (typeof Blob !== 'undefined' && src instanceof Blob) return new Uint8Array(await src.arrayBuffer());
  throw new CheckpointError('load: expected a path, Uint8Array, ArrayBuffer, Blob or Response');
}

/**
 * Loads a checkpoint: torchts/PyTorch safetensors or a PyTorch torch.save file (.pt/.pth/.bin,
 * read with weights_only semantics). Tensors are created on `mapLocation` (default cpu); each
 * is copied once from the file bytes into its storage.
 */
const LOAD =
  'load(Any f, Device? map_location=None, *, bool weights_only=True, int? max_bytes=None, int? max_entry_bytes=None, bool verify_crc=True, bool view=False)';
registerCtor('torch.load', LOAD);

/**
 * torch.load: a safetensors file or a `torch.save` zip (weights only: tensors, containers,
 * numbers and strings; never code), from a path, bytes, a Blob or a fetch Response.
 * `mapLocation` places the tensors; the caps bound what a hostile file can make it allocate.
 */
export async function load<T = any>(f: Source, options?: LoadOptions): Promise<T>;
export async function load<T = any>(
  f: Source,
  mapLocation?: DeviceLike | null,
  options?: LoadOptions,
): Promise<T>;
export async function load<T = any>(...args: unknown[]): Promise<T> {
  const a = ctorArgs('torch.load', LOAD, args);
  if (!a.weightsOnly)
    throw new TypeError(
      'torch.load(): weightsOnly=false would run pickled code; torchts only loads weights (tensors, containers, numbers, strings)',
    );
  const src = a.f as Source;
  const opts: LoadOptions = {
    mapLocation: a.mapLocation ?? undefined,
    maxBytes: a.maxBytes ?? undefined,
    maxEntryBytes: a.maxEntryBytes ?? undefined,
    verifyCrc: a.verifyCrc,
    view: a.view,
  };
  const bytes = await readSource(src);
  const dev = opts.mapLocation == null ? cpu : toDevice(opts.mapLocation);
  // The views (view: true) are copied into backend storage right away and then dropped.
  const toTensor = (r: RawTensor): Tensor => {
    const t = emptyTensor(r.shape, r.dtype, dev);
    t.backend.write(t.storage, r.data);
    return r.requiresGrad ? new Parameter(t) : t;
  };
  // safetensors: 8 length bytes, then '{'; they may begin like a pickle (0x80) or a zip ('PK'),
  // but neither has '{' at byte 8 (a pickle's magic number or a zip's compression method is there).
  const isSafetensors = bytes.length >= 9 && bytes[8] === 0x7b;
  const isTorch = !isSafetensors && (bytes[0] === 0x80 || (bytes[0] === 0x50 && bytes[1] === 0x4b));
  if (isTorch) return fromRawTree(loadTorchFile(bytes, { ...opts, view: true }), toTensor) as T;
  const { tensors, metadata } = decodeSafetensors(bytes, { view: true });
  const skeleton = metadata?.[SKELETON_KEY];
  if (skeleton === undefined) {
    const out: Record<string, Tensor> = {};
    for (const [k, r] of Object.entries(tensors))
      Object.defineProperty(out, k, {
        value: toTensor(r),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out as T;
  }
  let parsed: Skeleton;
  try {
    parsed = JSON.parse(skeleton);
  } catch {
    throw new CheckpointError(`load: metadata '${SKELETON_KEY}' is not valid JSON`);
  }
  const made = new Map<string, Tensor>();
  const tensor = (name: unknown, requiresGrad: unknown): Tensor => {
    check(
      typeof name === 'string' && Object.hasOwn(tensors, name),
      () => `load: the skeleton names tensor '${String(name)}', which the file lacks`,
    );
    check(
      requiresGrad !== true || rawIsFloat(tensors[name].dtype),
      () =>
        `load: tensor '${name}' is ${tensors[name].dtype} but marked requiresGrad; only floating-point tensors can require gradients`,
    );
    let t = made.get(name);
    if (!t) made.set(name, (t = toTensor({ ...tensors[name], requiresGrad: requiresGrad === true })));
    return t;
  };
  return fromSkeleton(parsed, tensor, 0) as T;
}

function fromSkeleton(s: Skeleton, tensor: (name: unknown, rg: unknown) => Tensor, depth: number): unknown {
  check(depth <= MAX_DEPTH, () => `load: skeleton nests deeper than ${MAX_DEPTH} levels`);
  const rec = (x: Skeleton) => fromSkeleton(x, tensor, depth + 1);
  if (s === null || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map(rec);
  const keys = Object.keys(s);
  const tag = keys.find((k) => k.startsWith('$'));
  if (tag !== undefined) {
    const v = s[tag];
    switch (tag) {
      case '$tensor':
        return tensor(v, s.requiresGrad);
      case '$map': {
        check(
          Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2),
          () => 'load: malformed $map in skeleton',
        );
        return new Map((v as [Skeleton, Skeleton][]).map(([k, x]) => [rec(k), rec(x)]));
      }
      case '$object': {
        check(
          v !== null && typeof v === 'object' && !Array.isArray(v),
          () => 'load: malformed $object in skeleton',
        );
        return plain(v as Record<string, Skeleton>, rec);
      }
      case '$number':
        check(
          v === 'NaN' || v === 'Infinity' || v === '-Infinity' || v === '-0',
          () => `load: bad $number ${String(v)}`,
        );
        return v === '-0' ? -0 : Number(v);
      case '$bigint':
        check(typeof v === 'string' && /^-?\d+$/.test(v), () => `load: bad $bigint ${String(v)}`);
        return BigInt(v as string);
      case '$undefined':
        return undefined;
      default:
        throw new CheckpointError(`load: unknown tag ${tag} in skeleton`);
    }
  }
  return plain(s, rec);
}

function plain(o: Record<string, Skeleton>, rec: (x: Skeleton) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o))
    Object.defineProperty(out, k, { value: rec(x), enumerable: true, writable: true, configurable: true });
  return out;
}

/** RawTensor leaves of a torch.save file -> Tensors, keeping shared tensors shared. */
function fromRawTree(v: unknown, toTensor: (r: RawTensor) => Tensor): unknown {
  const seen = new Map<unknown, unknown>();
  const rec = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null || x instanceof Uint8Array) return x;
    const hit = seen.get(x);
    if (hit !== undefined) return hit;
    let out: unknown;
    if (isRawTensor(x)) out = toTensor(x);
    else if (Array.isArray(x)) out = x.map(rec);
    else if (x instanceof Map) out = new Map([...x].map(([k, y]) => [rec(k), rec(y)]));
    else out = plain(x as Record<string, Skeleton>, rec as (s: Skeleton) => unknown);
    seen.set(x, out);
    return out;
  };
  return rec(v);
}
