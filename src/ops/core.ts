/**
 * The machinery every op shares: broadcasting, device checks, running a backend primitive
 * into a fresh tensor, and recording the op for autograd.
 */
import { type BackwardFn, type Edge, Node } from '../autograd/node.js';
import { isContiguousView, numelOf, type View } from '../backend/backend.js';
import { E, type Ex, type ExLike } from '../backend/expr.js';
import { type DType, torchTypeName } from '../tensor/dtype.js';
import { AutogradError, DeviceError, DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { isGradEnabled, state } from '../tensor/state.js';
import { bumpVersion, emptyTensor, Tensor, viewOf } from '../tensor/tensor.js';

export type TensorOrScalar = Tensor | number | boolean;

/** Normalizes a possibly negative dim, with PyTorch's error. */
export function normDim(dim: number, rank: number, op?: string): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r)
    throw new RangeError(
      `${op ? `${op}: ` : ''}Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`,
    );
  return dim < 0 ? dim + r : dim;
}

export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes)
    for (let i = 0; i < s.length; i++) {
      const d = rank - s.length + i;
      const v = s[i];
      if (v === out[d] || v === 1) continue;
      if (out[d] === 1) out[d] = v;
      else
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(' and ')} are not broadcastable (the size of tensor a (${out[d]}) must match the size of tensor b (${v}) at non-singleton dimension ${d})`,
        );
    }
  return out;
}

/** A stride-0 view of t with the given (broadcast-compatible) shape; no copy. */
export function expandView(t: View, shape: readonly number[]): View {
  if (t.shape.length === shape.length && t.shape.every((s, i) => s === shape[i])) return t;
  const off = shape.length - t.shape.length;
  const strides = shape.map((s, i) => {
    const j = i - off;
    if (j < 0) return 0;
    return t.shape[j] === 1 && s !== 1 ? 0 : t.strides[j];
  });
  return { storage: t.storage, dtype: t.dtype, shape, strides, offset: t.offset };
}

export function checkSameDevice(op: string, ts: readonly Tensor[]): void {
  for (let i = 1; i < ts.length; i++)
    if (!ts[i].device.equals(ts[0].device))
      throw new DeviceError(
        `Expected all tensors to be on the same device, but found at least two devices, ${ts[0].device} and ${ts[i].device}! (in ${op})`,
      );
}

/**
 * PyTorch's rule for ops that write one tensor's values into another (index_put, index_copy,
 * index_add, scatter, put, masked_scatter, ...): the dtypes must match, no silent cast.
 * `message` gets PyTorch's type names (Float, Half) of self and source, in the op's own wording.
 */
export function checkSameDType(
  self: Tensor,
  source: Tensor,
  message: (self: string, source: string) => string,
): void {
  if (self.dtype !== source.dtype)
    throw new DTypeError(message(torchTypeName(self.dtype), torchTypeName(source.dtype)));
}

/** Tensors become expression inputs (in order), scalars expression constants. */
function splitArgs(args: readonly TensorOrScalar[]): { tensors: Tensor[]; exprArgs: Ex[] } {
  const tensors: Tensor[] = [];
  const exprArgs: Ex[] = args.map((a) => {
    if (a instanceof Tensor) {
      tensors.push(a);
      return E.input(tensors.length - 1);
    }
    return E.const(typeof a === 'boolean' ? Number(a) : a);
  });
  return { tensors, exprArgs };
}

/**
 * Runs an elementwise expression over tensors (broadcast) and scalars (inlined as constants).
 * Scalars become expression constants: no tensor is allocated for them.
 */
export function ewise(
  op: string,
  e: (...xs: Ex[]) => Ex,
  args: readonly TensorOrScalar[],
  outDtype: DType,
): Tensor {
  const { tensors, exprArgs } = splitArgs(args);
  if (tensors.length === 0) throw new TypeError(`${op}: expected at least one tensor argument`);
  checkSameDevice(op, tensors);
  for (const t of tensors) t.checkAlive();
  const shape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  const out = emptyTensor(shape, outDtype, tensors[0].device);
  out.backend.elementwise(
    e(...exprArgs),
    tensors.map((t) => expandView(t, shape)),
    out,
  );
  return out;
}

/** Writes an expression of `args` into an existing tensor (in-place ops). */
export function ewiseInto(
  op: string,
  out: Tensor,
  e: (...xs: Ex[]) => Ex,
  args: readonly TensorOrScalar[],
): void {
  const { tensors, exprArgs } = splitArgs(args);
  checkSameDevice(op, [out, ...tensors]);
  const shape = broadcastShapes(op, out.shape, ...tensors.map((t) => t.shape));
  if (shape.length !== out.shape.length || shape.some((s, i) => s !== out.shape[i]))
    throw new ShapeError(
      `${op}: output with shape ${fmtShape(out.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
    );
  out.backend.elementwise(
    e(...exprArgs),
    tensors.map((t) => expandView(t, shape)),
    out,
  );
  bumpVersion(out.storage);
}

export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;

/** Whether an op on these inputs must be recorded. */
export function needsGrad(inputs: readonly (Tensor | TensorOrScalar | null | undefined)[]): boolean {
  if (!state.gradEnabled) return false;
  for (const t of inputs) if (t instanceof Tensor && t.requiresGrad) return true;
  return false;
}

/**
 * Records an op for autograd when any tensor input requires grad. `backward` gets the output
 * gradients (null for outputs that received none) and returns one gradient per input (or
 * null); the engine sums broadcast gradients back to each input's shape. It may read any
 * tensor it captures: the engine refuses reads of tensors written in place since this call
 * (autograd/saved.ts), so there is no list of saved tensors to keep.
 */
export function record(
  name: string,
  outputs: Tensor | readonly Tensor[],
  inputs: readonly (TensorOrScalar | null | undefined)[],
  backward: BackwardFn,
): void {
  if (!needsGrad(inputs)) return;
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const tensors: Tensor[] = [];
  const edges: Edge[] = inputs.map((t) => {
    if (!(t instanceof Tensor)) return { node: null, outputNr: 0, leaf: null, shape: [], dtype: null };
    // A view whose base (or a sibling view) was written in place since: history as a region.
    if (t.base !== null && t.viewVersion !== t.storage.version) refreshView(t);
    tensors.push(t);
    return t.requiresGrad
      ? { node: t.gradFn, outputNr: t.outputNr, leaf: t.gradFn ? null : t, shape: t.shape, dtype: t.dtype }
      : { node: null, outputNr: 0, leaf: null, shape: t.shape, dtype: t.dtype };
  });
  for (const o of outs) tensors.push(o);
  const node = new Node(name, edges, backward, tensors, outs);
  outs.forEach((o, i) => {
    o.gradFn = node;
    o.outputNr = i;
  });
}

/**
 * A view's elements as a region of its root base: their flat positions in the (contiguous)
 * base, row-major in the view (int32 [numel view]), with both shapes.
 */
export interface Region {
  readonly idx: Tensor;
  readonly baseShape: readonly number[];
  readonly viewShape: readonly number[];
}

/** The region of view `v` in `base`; an AutogradError for a non-contiguous base. */
export function regionOf(base: Tensor, v: Tensor): Region {
  if (!isContiguousView(base))
    throw new AutogradError(
      'an in-place operation on a view of a non-contiguous tensor that requires grad is not supported (torchts tracks view regions of contiguous bases only)',
    );
  const shape = v.shape;
  const pos = new Int32Array(numelOf(shape));
  const at = new Array<number>(shape.length).fill(0);
  let p = v.offset - base.offset;
  for (let i = 0; i < pos.length; i++) {
    pos[i] = p;
    for (let d = shape.length - 1; d >= 0; d--) {
      p += v.strides[d];
      if (++at[d] < shape[d]) break;
      p -= v.strides[d] * shape[d];
      at[d] = 0;
    }
  }
  const idx = emptyTensor([pos.length], 'int32', base.device);
  if (pos.length > 0) idx.backend.write(idx.storage, pos);
  return { idx, baseShape: base.shape, viewShape: shape };
}

/** x's elements, contiguous and flat ([numel]), as a backend View. */
function flatView(x: Tensor): View {
  const c = isContiguousView(x) ? x : ewise('contiguous', (a) => a, [x], x.dtype);
  return { storage: c.storage, dtype: c.dtype, shape: [c.numel()], strides: [1], offset: c.offset };
}

/** The region of a base-shaped x, view-shaped (a copy): PyTorch's as_strided. */
export function regionGather(x: Tensor, r: Region): Tensor {
  const out = emptyTensor(r.viewShape, x.dtype, x.device);
  out.backend.gather(flatView(x), 0, r.idx, flatView(out));
  return record1('as_strided', out, [x], (g) => [regionScatter(g, r)]);
}

/** A base-shaped tensor of zeros with view-shaped g added into the region: as_strided_scatter. */
export function regionScatter(g: Tensor, r: Region): Tensor {
  const out = emptyTensor(r.baseShape, g.dtype, g.device);
  out.backend.elementwise(E.const(0), [], out);
  out.backend.scatterAdd(flatView(out), 0, r.idx, flatView(g));
  return record1('as_strided_scatter', out, [g], (gg) => [regionGather(gg, r)]);
}

/**
 * Before an op records view t whose base (or a sibling view) was written in place since t's
 * history was made: t's history becomes a region of its base (PyTorch's AsStridedBackward).
 */
export function refreshView(t: Tensor): void {
  const base = t.base!;
  t.viewVersion = t.storage.version;
  if (!base.requiresGrad || t.viewInNoGrad) return;
  const r = regionOf(base, t);
  record('as_strided', t, [base], ([g]) => [regionScatter(g!, r)]);
}

/**
 * Disposes tensors only `out`'s backward reads (an op's own buffers: dropout's draws, pooling's
 * indices) when its node is released after backward, or now when no node was recorded: their
 * storage goes back to the pool at once instead of at the next forced GC. Never pass a tensor the
 * caller can still reach. A release under createGraph (grad mode on) keeps them: the recorded
 * backward may read them again in a higher-order pass, so the GC frees them then.
 */
export function freeWithNode(out: Tensor, ...owned: Tensor[]): void {
  const free = () => {
    for (const t of owned) t.dispose();
  };
  if (!out.gradFn) free();
  else
    out.gradFn.onRelease(() => {
      if (!isGradEnabled()) free();
    });
}

/** Single-output form of `record`. */
export function record1(
  name: string,
  out: Tensor,
  inputs: readonly (TensorOrScalar | null | undefined)[],
  backward: (g: Tensor) => (Tensor | null | undefined)[],
): Tensor {
  record(name, out, inputs, (gs) => backward(gs[0]!));
  return out;
}

/**
 * A contiguous tensor's storage seen as another shape of the same size, as a plain View for a
 * backend call: unlike a reshaped Tensor it leaves no object holding the storage until the GC.
 */
export function viewAs(t: Tensor, shape: readonly number[]): View {
  const strides: number[] = new Array(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  return { storage: t.storage, dtype: t.dtype, shape, strides, offset: t.offset };
}

export { E, type Ex, type ExLike, emptyTensor, Tensor, viewOf };
