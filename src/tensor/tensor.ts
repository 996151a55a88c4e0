/**
 * Tensor: a strided view (shape, strides, offset) of reference-counted backend storage, plus
 * autograd metadata. Ops live in src/ops; their method forms are bound through PyTorch's
 * signatures in src/api/tensor-methods.ts, so this file stays the data structure (plus the few
 * methods lower layers call, such as `detach`).
 */

import type { Node } from '../autograd/node.js';
import type { Backend, Storage, View } from '../backend/backend.js';
import { contiguousStrides, isContiguousView, numelOf } from '../backend/backend.js';
import { finalizationRegistry } from '../backend/pressure.js';
import { method, registerType } from '../signature/bind.js';
import type { MethodArgs } from '../signature/types.js';
import { backendFor, type Device } from './device.js';
import { type DType, dtypeBits, isFloat, type TypedArray } from './dtype.js';
import { AutogradError } from './errors.js';
import { formatTensor } from './format.js';
import { state } from './state.js';

/** Storage is returned to its backend's pool when the last tensor viewing it goes away. */
function releaseRef(s: Storage): void {
  if (--s.refs !== 0) return;
  let be: ReturnType<typeof backendFor>;
  try {
    be = backendFor(s.device);
  } catch {
    // The device is gone (destroyed or lost) and its memory with it: a finalizer that runs after
    // torch.webgpu.destroy() has nothing left to return, and must not throw at process exit.
    s.freed = true;
    return;
  }
  be.release(s);
}

// Safety net for tensors the program simply drops: their storage goes back when the GC
// collects them (DESIGN.md "Memory"). `dispose()` does the same at once.
const registry = finalizationRegistry<Storage>(releaseRef);

let nextId = 1;

declare module '../signature/types.js' {
  interface TypeMap {
    Tensor: Tensor;
  }
}

/**
 * Autograd's clock: ticks when a storage gets its first tensor and at every in-place write;
 * each graph node records it. A backward then refuses to read any storage that existed when
 * its node was recorded and was written since (autograd/saved.ts): saved tensors are checked
 * by construction, not by a list each op keeps.
 */
export const autogradClock = { now: 0 };

/** Marks an in-place write to s: bumps torch's `_version` and stamps the clock. */
export function bumpVersion(s: Storage): void {
  s.version++;
  s.writtenAt = ++autogradClock.now;
  const log = (s.writeLog ??= []);
  log.push(s.writtenAt);
  if (log.length > WRITE_LOG) log.shift();
}
/** How many writes each storage remembers. */
export const WRITE_LOG = 16;

/** The storage's version at clock time `t`, when its write log reaches back that far. */
export function versionAt(s: Storage, t: number): number | null {
  const log = s.writeLog ?? [];
  let after = 0;
  for (const w of log) if (w > t) after++;
  return after < log.length || log.length < WRITE_LOG ? s.version - after : null;
}

// The Tensor's own methods that take arguments bind them like every public callable.
const SELF_SIG = {
  detach: 'detach(Tensor self)',
  detach_: 'detach_(Tensor self)',
  requiresGrad_: 'requires_grad_(Tensor self, bool requires_grad=True)',
  size: 'size(Tensor self, int? dim=None)',
  registerPostAccumulateGradHook: 'register_post_accumulate_grad_hook(Tensor self, Any hook)',
} as const;
const bound = {
  detach: method(
    'Tensor.detach',
    SELF_SIG.detach,
    ({ self: x }) => new Tensor(x.storage, x.shape, x.strides, x.offset, x.dtype, x.device),
  ),
  detach_: method('Tensor.detach_', SELF_SIG.detach_, ({ self: x }) => {
    x.gradFn = null;
    return x;
  }),
  requiresGrad_: method('Tensor.requiresGrad_', SELF_SIG.requiresGrad_, ({ self: x, requiresGrad }) =>
    x.setRequiresGrad(requiresGrad),
  ),
  size: method('Tensor.size', SELF_SIG.size, ({ self: x, dim }) => x.sizeOf(dim)),
  registerPostAccumulateGradHook: method(
    'Tensor.registerPostAccumulateGradHook',
    SELF_SIG.registerPostAccumulateGradHook,
    ({ self: x, hook }): { remove(): void } => {
      if (typeof hook !== 'function')
        throw new TypeError(
          `Tensor.registerPostAccumulateGradHook(): argument 'hook' must be a function, not ${typeof hook}`,
        );
      if (!x.isLeaf)
        throw new AutogradError('post accumulate grad hooks cannot be registered on non-leaf tensors');
      const h = hook as (t: Tensor) => void;
      (x.postAccumulateGradHooks ??= []).push(h);
      return {
        remove: () => {
          const hs = x.postAccumulateGradHooks;
          const i = hs ? hs.indexOf(h) : -1;
          if (i >= 0) hs!.splice(i, 1);
        },
      };
    },
  ),
};

export class Tensor implements View {
  /** A unique number per Tensor object (for debugging and maps; PyTorch's id()). */
  readonly id = nextId++;
  /** Autograd: the node that produced this tensor (null for leaves). */
  gradFn: Node | null = null;
  /** Which output of gradFn this tensor is. */
  outputNr = 0;
  /** Accumulated gradient (leaves, or non-leaves after retainGrad()). */
  grad: Tensor | null = null;
  private _requiresGrad = false;
  /** @internal set by retainGrad() */
  retainsGrad = false;
  private _disposed = false;
  /** @internal The root tensor this is a view of (viewOf), for in-place ops (autograd/views.ts). */
  base: Tensor | null = null;
  /** @internal The storage version this view's history belongs to. */
  viewVersion = 0;
  /** @internal Made with grad mode off: never given a history from its base (PyTorch's NO_GRAD_MODE view). */
  viewInNoGrad = false;

  // Mutable only through `set data` (PyTorch's `param.data = ...`, used by Module.to()).
  constructor(
    /** The backend storage holding the data (shared by views). */
    public readonly storage: Storage,
    /** Size of each dimension (PyTorch's x.shape). */
    public readonly shape: readonly number[],
    /** Elements to step in storage per dimension (x.stride()). */
    public readonly strides: readonly number[],
    /** First element's position in storage (x.storage_offset()). */
    public readonly offset: number,
    /** Element type: float32, int32 or bool. */
    public readonly dtype: DType,
    /** The device the data lives on. */
    public readonly device: Device,
  ) {
    if (storage.refs++ === 0) {
      // A fresh (or recycled) storage: writes before this belong to an earlier life.
      storage.born = ++autogradClock.now;
      storage.writeLog = null;
    }
    registry.register(this, storage, this);
  }

  /** The backend that runs this tensor's device. */
  get backend(): Backend {
    return backendFor(this.device.type);
  }

  // ---- metadata (PyTorch names) ----
  /** x.ndim: number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** x.dim(): number of dimensions. */
  dim(): number {
    return this.shape.length;
  }
  /** x.numel(): number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }
  /** The shape as a new array; with `dim`, that dim's size (negative dims count from the end). */
  size(): number[];
  size(dim: number): number;
  size(...args: MethodArgs<typeof SELF_SIG.size>): number[] | number {
    return bound.size.apply(this, args);
  }
  /** @internal the checked body of size */
  sizeOf(dim: number | null): number[] | number {
    if (dim === null) return this.shape.slice();
    const d = dim < 0 ? dim + this.shape.length : dim;
    if (d < 0 || d >= this.shape.length)
      throw new RangeError(
        `Dimension out of range (expected to be in range of [${-this.shape.length}, ${this.shape.length - 1}], but got ${dim})`,
      );
    return this.shape[d];
  }
  /** x.stride(): elements to step per dimension. */
  stride(): number[] {
    return this.strides.slice();
  }
  /** x.storage_offset(): position of the first element in storage. */
  storageOffset(): number {
    return this.offset;
  }
  /** x.is_contiguous(): row-major with no gaps. */
  isContiguous(): boolean {
    return isContiguousView(this);
  }
  /** x.is_leaf: made by the user, not by an op that recorded a history. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** A new tensor sharing this one's storage, cut from the autograd graph (no gradient flows). */
  detach(...args: MethodArgs<typeof SELF_SIG.detach>): Tensor {
    return bound.detach.apply(this, args);
  }
  /** Cuts this tensor from the autograd graph in place. */
  detach_(...args: MethodArgs<typeof SELF_SIG.detach_>): this {
    return bound.detach_.apply(this, args) as this;
  }
  /** x.is_cuda: true on the accelerator (WebGPU). */
  get isCuda(): boolean {
    return this.device.type === 'webgpu';
  }
  /** x.element_size(): bytes per element as PyTorch counts them (float16: 2, float64/int64: 8). */
  elementSize(): number {
    return dtypeBits(this.dtype) / 8;
  }

  // ---- autograd flags ----
  /** x.requires_grad: gradients are recorded for ops on this tensor (settable on leaves). */
  get requiresGrad(): boolean {
    return this._requiresGrad || this.gradFn !== null;
  }
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }
  /** In place: start (or stop) recording operations on this leaf. */
  requiresGrad_(...args: MethodArgs<typeof SELF_SIG.requiresGrad_>): this {
    return bound.requiresGrad_.apply(this, args) as this;
  }
  /** @internal the checked body of requiresGrad_ */
  setRequiresGrad(v: boolean): this {
    if (!this.isLeaf)
      throw new AutogradError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use varNoGrad = var.detach().",
      );
    if (v && !isFloat(this.dtype))
      throw new AutogradError(
        `only Tensors of floating point dtype can require gradients (got ${this.dtype})`,
      );
    this._requiresGrad = v;
    return this;
  }
  /** @internal Run by the engine once a backward has accumulated this leaf's `.grad` for the last time. */
  postAccumulateGradHooks: ((t: Tensor) => void)[] | null = null;
  /**
   * Tensor.register_post_accumulate_grad_hook: `hook(tensor)` runs when a backward pass has
   * finished accumulating this leaf's `.grad` (once per backward, after every path into the leaf).
   * Returns a handle whose `remove()` unregisters it. DistributedDataParallel starts its
   * gradient all-reduce from these.
   */
  registerPostAccumulateGradHook(...args: MethodArgs<typeof SELF_SIG.registerPostAccumulateGradHook>): {
    remove(): void;
  } {
    return bound.registerPostAccumulateGradHook.apply(this, args);
  }
  /** Keep .grad for this non-leaf tensor during backward (leaves always keep theirs). */
  retainGrad(): this {
    if (!this.requiresGrad)
      throw new AutogradError("can't retain_grad on Tensor that has requires_grad=False");
    if (!this.isLeaf && !this.retainsGrad) {
      this.retainsGrad = true;
      // The engine fills .grad from the producing node's output slot (Node.retained).
      const n = this.gradFn!;
      n.retained ??= new Array<Tensor | null>(n.outputShapes.length).fill(null);
      n.retained[this.outputNr] = this;
    }
    return this;
  }
  /** Version counter of the storage, bumped by in-place ops (torch's `_version`). */
  get version(): number {
    return this.storage.version;
  }

  // ---- reading values (async: the device may still be working) ----
  /** The elements in row-major order. */
  async toArray(): Promise<TypedArray> {
    this.checkAlive();
    return this.backend.read(this);
  }
  /** Synchronous read, CPU tensors only. */
  toArraySync(): TypedArray {
    this.checkAlive();
    const be = this.backend;
    if (!be.readSync)
      throw new Error(
        `toArraySync() is not available for ${this.device} tensors: await tensor.toArray() instead`,
      );
    return be.readSync(this);
  }
  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.numel() !== 1)
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return (await this.toArray())[0];
  }
  /** x.item() without await: CPU tensors only (a device tensor needs `await x.item()`). */
  itemSync(): number {
    if (this.numel() !== 1)
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return this.toArraySync()[0];
  }
  /** Nested arrays (numbers, or booleans for bool tensors), like Tensor.tolist(). */
  async tolist(): Promise<unknown> {
    return nest(await this.toArray(), this.shape, this.dtype);
  }
  /** x.tolist() without await: CPU tensors only. */
  tolistSync(): unknown {
    return nest(this.toArraySync(), this.shape, this.dtype);
  }

  /** A detached alias of the same storage (torch's `.data`). */
  get data(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype, this.device);
  }
  /** Rebinds this tensor to another's storage, keeping identity and autograd flags (`p.data = t`). */
  set data(t: Tensor) {
    t.checkAlive();
    const self = this as unknown as {
      storage: Storage;
      shape: readonly number[];
      strides: readonly number[];
      offset: number;
      dtype: DType;
      device: Device;
    };
    const old = this.storage;
    t.storage.refs++;
    registry.unregister(this);
    self.storage = t.storage;
    self.shape = t.shape;
    self.strides = t.strides;
    self.offset = t.offset;
    self.dtype = t.dtype;
    self.device = t.device;
    registry.register(this, t.storage, this);
    if (!this._disposed) releaseRef(old);
    this._disposed = false;
  }

  // ---- lifetime ----
  /** Frees this tensor's reference to its storage now (the GC would do it later). */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    registry.unregister(this);
    releaseRef(this.storage);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Whether dispose() released the storage (the tensor can no longer be used). */
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** @internal */
  checkAlive(): void {
    if (this._disposed || this.storage.freed) throw new Error('tensor used after dispose()');
  }

  toString(): string {
    let body: string;
    if (this.device.type === 'cpu' && !this._disposed)
      body = formatTensor(this.toArraySync(), this.shape, this.dtype);
    else body = `<${this.numel()} values on ${this.device}: await t.toArray()>`;
    const extras: string[] = [];
    if (this.numel() === 0 && this.dim() !== 1) extras.push(`size=(${this.shape.join(', ')})`);
    if (this.device.type !== 'cpu') extras.push(`device='${this.device}'`);
    // PyTorch leaves out the default float dtype, bool, and int64 unless the tensor is empty.
    const implied =
      this.dtype === state.defaultDtype ||
      this.dtype === 'bool' ||
      (this.dtype === 'int64' && this.numel() > 0);
    if (!implied) extras.push(`dtype=torch.${this.dtype}`);
    if (this.gradFn) extras.push(`grad_fn=<${this.gradFn.displayName}>`);
    else if (this.requiresGrad) extras.push('requires_grad=True');
    return `tensor(${body}${extras.length ? `, ${extras.join(', ')}` : ''})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function nest(a: TypedArray, shape: readonly number[], dtype: DType): unknown {
  const conv = dtype === 'bool' ? (x: number) => x !== 0 : (x: number) => x;
  if (shape.length === 0) return conv(a[0]);
  const rec = (d: number, off: number): unknown[] => {
    const n = shape[d];
    const step = numelOf(shape.slice(d + 1));
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++)
      out[i] = d === shape.length - 1 ? conv(a[off + i]) : rec(d + 1, off + i * step);
    return out;
  };
  return rec(0, 0);
}

/** @internal A new tensor over fresh storage. */
export function emptyTensor(shape: readonly number[], dtype: DType, device: Device): Tensor {
  const be = backendFor(device.type);
  const s = be.alloc(numelOf(shape), dtype);
  return new Tensor(s, shape.slice(), contiguousStrides(shape), 0, dtype, device);
}

/** @internal Another view of the same storage. */
export function viewOf(
  t: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  t.checkAlive();
  const v = new Tensor(t.storage, shape.slice(), strides.slice(), offset, t.dtype, t.device);
  v.base = t.base ?? t;
  v.viewVersion = t.storage.version;
  v.viewInNoGrad = !state.gradEnabled;
  return v;
}

registerType(
  'Tensor',
  (v): v is Tensor => v instanceof Tensor,
  'a tensor',
  (t) => `a ${t.dtype} tensor of shape [${t.shape.join(', ')}] on ${t.device}`,
);
