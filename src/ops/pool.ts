/**
 * 2-d pooling on the strided window view of conv.ts (`windows`): no per-pixel loops.
 *
 * - avgPool2d: sum over the window dims of the view (reduce reads it strided, no copy) divided
 *   by the window size; the gradient comes from `windows`' backward (fold).
 * - maxPool2d: the windows are copied once as [kh*kw, N, C, OH, OW] for an argmax over the
 *   leading dim (the reduce primitive takes one axis for argmax); the argmax becomes the flat
 *   input index (PyTorch's `return_indices`), and the backward scatters the gradient there
 *   (scatterAdd), so ties and overlapping windows route exactly as PyTorch's kernel does.
 * - adaptiveAvgPool2d: an avgPool when the bins are even, else two small matmuls with the
 *   averaging matrices (bins of unequal length, as PyTorch's start/end rule).
 */
import type { View } from '../backend/backend.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { type IntOrPair, tuple, windows } from './conv.js';
import {
  E,
  type Ex,
  emptyTensor,
  expandView,
  freeWithNode,
  needsGrad,
  record1,
  type Tensor,
} from './core.js';
import { tensor, zeros } from './creation.js';
import { gather, scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import { div } from './pointwise.js';
import { reduceRaw, sum } from './reduce.js';
import { contiguous, expand, pad, permute, reshape, squeeze, transpose, unsqueeze } from './shape.js';

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Windows up to this many elements take the copy-free max pool path (expression size ~ kk). */
const SMALL_WINDOW = 16;

/** PyTorch's pooling_output_shape: floor or ceil, and the last window must start inside. */
function poolOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
}

interface PoolGeometry {
  x: Tensor;
  unbatched: boolean;
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  out: number[];
  /** Padding after the input (bottom, right): `p` plus what ceil mode's last window needs. */
  hi: number[];
}

function poolGeometry(
  op: string,
  input: Tensor,
  kernelSize: IntOrPair,
  stride: IntOrPair | null | undefined,
  padding: IntOrPair,
  dilation: IntOrPair,
  ceil: boolean,
): PoolGeometry {
  if (input.dim() !== 3 && input.dim() !== 4)
    throw new ShapeError(
      `${op}: Expected 3D or 4D (batch mode) tensor for input, but got input of size: ${fmtShape(input.shape)}`,
    );
  const unbatched = input.dim() === 3;
  const x = unbatched ? unsqueeze(input, 0) : input;
  const k = tuple(op, 'kernel_size', kernelSize, 2);
  const s =
    stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0)
      ? k
      : tuple(op, 'stride', stride, 2);
  const p = tuple(op, 'padding', padding, 2);
  const d = tuple(op, 'dilation', dilation, 2);
  if (k.some((v) => v <= 0))
    throw new RangeError(`${op}: kernel_size must be greater than zero, but got ${k}`);
  if (s.some((v) => v <= 0)) throw new RangeError(`${op}: stride must be greater than zero, but got ${s}`);
  if (d.some((v) => v <= 0)) throw new RangeError(`${op}: dilation must be greater than zero, but got ${d}`);
  if (p.some((v, i) => v < 0 || v > Math.floor(k[i] / 2)))
    throw new RangeError(
      `${op}: pad should be smaller than or equal to half of kernel size, but got padW = ${p[1]}, padH = ${p[0]}, kW = ${k[1]}, kH = ${k[0]}`,
    );
  const [C, H, W] = x.shape.slice(1);
  const out = [poolOut(H, k[0], s[0], p[0], d[0], ceil), poolOut(W, k[1], s[1], p[1], d[1], ceil)];
  if (out.some((o) => o < 1))
    throw new ShapeError(
      `${op}: Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${out[0]}x${out[1]}). Output size is too small`,
    );
  const size = [H, W];
  const hi = out.map((o, i) => Math.max(p[i], (o - 1) * s[i] + d[i] * (k[i] - 1) + 1 - size[i] - p[i]));
  return { x, unbatched, k, s, p, d, out, hi };
}

/** An int32 [r, c] table of `f(i, j)` on the device (host-built, small: one entry per output pixel). */
function intTable(shape: [number, number], f: (i: number, j: number) => number, like: Tensor): Tensor {
  const [r, c] = shape;
  const t = emptyTensor(shape, 'int32', like.device);
  t.backend.write(
    t.storage,
    Int32Array.from({ length: r * c }, (_, n) => f(Math.floor(n / c), n % c)),
  );
  return t;
}

/**
 * max_pool2d's gradient for disjoint, in-bounds windows: dx viewed as windows
 * [N, C, OH, OW, kh, kw] gets g where the window offset is the recorded winner, else 0, in one
 * elementwise pass (no scatter, no atomics). Positions no window covers are zero-filled first.
 * Its own gradient is the gather of gg at the winners.
 */
function unpoolDisjoint(
  g: Tensor,
  idx: Tensor,
  base: Tensor,
  size: number[],
  k: number[],
  s: number[],
  d: number[],
  offsetOf: (j: number) => number,
): Tensor {
  const [N, C, OH, OW] = idx.shape;
  const [H, W] = size;
  const dx = emptyTensor([N, C, H, W], g.dtype, g.device);
  const be = dx.backend;
  const tiles =
    d[0] === 1 && d[1] === 1 && k[0] === s[0] && k[1] === s[1] && OH * s[0] === H && OW * s[1] === W;
  const fast = be.routines?.maxPool2dDisjointBackward;
  if (fast && d[0] === 1 && d[1] === 1 && g.dtype === 'float32') fast(expandView(g, [N, C, OH, OW]), idx, dx);
  else unpoolComposed(dx, g, idx, base, k, s, d, offsetOf, tiles);
  return record1('max_pool2d_backward', dx, [g], (gg) => [
    reshape(gather(reshape(gg, [N, C, H * W]), 2, reshape(idx, [N, C, OH * OW])), g.shape),
  ]);
}

/** unpoolDisjoint's reference pass: one elementwise over dx's windows (and a zero fill). */
function unpoolComposed(
  dx: Tensor,
  g: Tensor,
  idx: Tensor,
  base: Tensor,
  k: number[],
  s: number[],
  d: number[],
  offsetOf: (j: number) => number,
  tiles: boolean,
): void {
  const [N, C, OH, OW] = idx.shape;
  const be = dx.backend;
  if (!tiles) be.elementwise(E.const(0), [], dx);
  // Iterated as [N, C, kh, kw, OH, OW]: the kernel's inner loop runs along OW, not along kw.
  const [sN, sC, sH, sW] = dx.strides;
  const shape6 = [N, C, k[0], k[1], OH, OW];
  const dwin = {
    storage: dx.storage,
    dtype: dx.dtype,
    shape: shape6,
    strides: [sN, sC, d[0] * sH, d[1] * sW, s[0] * sH, s[1] * sW],
    offset: 0,
  };
  const offs = intTable([k[0], k[1]], (i, j) => offsetOf(i * k[1] + j), g);
  const offs6 = { ...offs, shape: shape6, strides: [0, 0, ...offs.strides, 0, 0], offset: offs.offset };
  // [N, C, OH, OW] operands broadcast over the kernel dims
  const over = (v: View) => ({
    ...v,
    shape: shape6,
    strides: [v.strides[0], v.strides[1], 0, 0, v.strides[2], v.strides[3]],
  });
  be.elementwise(
    E.where(E.eq(E.sub(E.input(0), E.input(1)), E.input(2)), E.input(3), 0),
    [over(idx), over(expandView(base, [N, C, OH, OW])), offs6, over(expandView(g, [N, C, OH, OW]))],
    dwin,
  );
}

/**
 * F.max_pool2d. With `returnIndices` it returns [values, indices], the indices flat over each
 * input plane (h * W + w), int32 (PyTorch: int64). NaN wins a window, as in PyTorch.
 *
 * ```ts
 * const y = F.maxPool2d(x, 2);                                   // [N, C, H/2, W/2]
 * const [v, i] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 * ```
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, opts?: MaxPool2dOptions): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  const op = 'max_pool2d';
  const g = poolGeometry(
    op,
    input,
    kernelSize,
    opts.stride,
    opts.padding ?? 0,
    opts.dilation ?? 1,
    !!opts.ceilMode,
  );
  const { x, k, s, p, d, out, hi } = g;
  const [N, C, H, W] = x.shape;
  const [OH, OW] = out;
  // Forward on the detached input; the gradient is the scatter below.
  const xd = x.detach();
  const xp = p[0] || p[1] || hi[0] || hi[1] ? pad(xd, [p[1], hi[1], p[0], hi[0]], 'constant', -Infinity) : xd;
  const win = windows(xp, k, s, d, out); // [N, C, OH, OW, kh, kw], a view
  const kk = k[0] * k[1];
  const shape4 = [N, C, OH, OW];
  const values = emptyTensor(shape4, x.dtype, x.device);
  const idx = emptyTensor(shape4, 'int64', x.device);
  const be = values.backend;
  // The winner's flat input index h * W + w. Without padding every window lies inside, and the
  // index is base(o) + a constant per kernel offset; with padding, row and column are clamped
  // to the input (a window of all -inf reports its first in-bounds element, as PyTorch's kernel).
  const inside = !(p[0] || p[1] || hi[0] || hi[1]);
  const offsetOf = (j: number) => Math.floor(j / k[1]) * d[0] * W + (j % k[1]) * d[1];
  const baseT = intTable([OH, OW], (i, j) => i * s[0] * W + j * s[1], x); // kept by the backward
  const base = expandView(baseT, shape4);
  const rows = expandView(
    intTable([OH, 1], (i) => i * s[0] - p[0], x),
    shape4,
  );
  const cols = expandView(
    intTable([1, OW], (_, j) => j * s[1] - p[1], x),
    shape4,
  );
  // (Offsets known here are folded to integers: a constant-only product would type as f32.)
  const scaled = (v: Ex | number, f: number) => (typeof v === 'number' ? v * f : E.mul(v, f));
  const clamped = (ki: Ex | number, kj: Ex | number) =>
    E.add(
      E.mul(E.min(E.max(E.add(E.input(1), scaled(ki, d[0])), 0), H - 1), W),
      E.min(E.max(E.add(E.input(2), scaled(kj, d[1])), 0), W - 1),
    );
  const disjoint = inside && s.every((v, i) => v >= d[i] * (k[i] - 1) + 1);
  const fast = be.routines?.maxPool2dDisjoint;
  if (fast && disjoint && d[0] === 1 && d[1] === 1 && x.dtype === 'float32') {
    fast(xp, k[0], k[1], s[0], s[1], values, idx);
  } else if (kk <= SMALL_WINDOW) {
    // Each kernel offset is a strided [N, C, OH, OW] view of the input: the max is one pass over
    // kk views (max propagates NaN), the index a second (first match wins; NaN matches NaN).
    const planes = Array.from({ length: kk }, (_, j) => ({
      storage: win.storage,
      dtype: win.dtype,
      shape: shape4,
      strides: win.strides.slice(0, 4),
      offset: win.offset + Math.floor(j / k[1]) * win.strides[4] + (j % k[1]) * win.strides[5],
    }));
    let m: Ex = E.input(0);
    for (let j = 1; j < kk; j++) m = E.max(m, E.input(j));
    be.elementwise(m, planes, values);
    const at = (j: number): Ex | number => (inside ? offsetOf(j) : clamped(Math.floor(j / k[1]), j % k[1]));
    let pick: Ex | number = at(kk - 1);
    for (let j = kk - 2; j >= 0; j--) {
      const xj = E.input(3 + j);
      pick = E.where(E.or(E.eq(xj, E.input(0)), E.isnan(xj)), at(j), pick);
    }
    const e = inside ? E.add(E.input(1), pick) : (pick as Ex);
    // Inference (no gradient, no indices asked for) skips the index pass.
    if (opts.returnIndices || needsGrad([x]))
      be.elementwise(e, [values, inside ? base : rows, cols, ...planes], idx);
  } else {
    // Large windows: one copy as [kh*kw, N, C, OH, OW], argmax over the leading dim.
    const flat = reshape(contiguous(permute(win, [4, 5, 0, 1, 2, 3])), [kk, N, C, OH, OW]);
    be.reduce('max', permute(flat, [1, 2, 3, 4, 0]), 1, values);
    const arg = reduceRaw('argmax', flat, [0], false, 'int64');
    const kj = E.mod(E.input(0), k[1]);
    const ki = E.cast('i32', E.floor(E.div(E.sub(E.input(0), kj), k[1])));
    be.elementwise(clamped(ki, kj), [arg, rows, cols], idx);
  }
  // Disjoint in-bounds windows (the usual kernel = stride): the gradient is written through the
  // window view of dx in one pass; overlapping or padded windows scatter-add.
  const res = record1(op, values, [x], (gr) => [
    disjoint
      ? unpoolDisjoint(gr, idx, baseT, [H, W], k, s, d, offsetOf)
      : reshape(
          scatterAdd(
            zeros([N, C, H * W], { device: gr.device, dtype: gr.dtype }),
            2,
            reshape(idx, [N, C, OH * OW]),
            reshape(gr, [N, C, OH * OW]),
          ),
          [N, C, H, W],
        ),
  ]);
  const v = g.unbatched ? squeeze(res, 0) : res;
  if (opts.returnIndices) {
    freeWithNode(res, baseT);
    return [v, g.unbatched ? squeeze(idx, 0) : idx];
  }
  freeWithNode(res, baseT, idx); // the indices serve only the backward
  return v;
}

/**
 * F.avg_pool2d: the mean of each window. `countIncludePad` (default true) counts the zero
 * padding in the divisor; `divisorOverride` replaces the divisor.
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avg_pool2d';
  const g = poolGeometry(op, input, kernelSize, opts.stride, opts.padding ?? 0, 1, !!opts.ceilMode);
  const { x, k, s, p, out, hi } = g;
  const [H, W] = x.shape.slice(2);
  const padded = p[0] || p[1] || hi[0] || hi[1];
  const xp = padded ? pad(x, [p[1], hi[1], p[0], hi[0]]) : x;
  const total = sum(windows(xp, k, s, [1, 1], out), [-2, -1]); // [N, C, OH, OW]
  const include = opts.countIncludePad ?? true;
  let divisor: Tensor | number = k[0] * k[1];
  if (opts.divisorOverride !== undefined && opts.divisorOverride !== null) {
    if (opts.divisorOverride === 0) throw new RangeError(`${op}: divisor must be not zero`);
    divisor = opts.divisorOverride;
  } else if (padded && (!include || hi[0] > p[0] || hi[1] > p[1])) {
    // Per-window counts from the same windows over a plane of ones: padding counts as 1 when
    // included, the extra ceil-mode margin never does (PyTorch's pool_size rule).
    let ones = expand(tensor(1, { device: x.device, dtype: x.dtype }), [1, 1, H, W]);
    ones = pad(ones, [p[1], p[1], p[0], p[0]], 'constant', include ? 1 : 0);
    ones = pad(ones, [0, hi[1] - p[1], 0, hi[0] - p[0]], 'constant', 0);
    divisor = reduceRaw('sum', windows(ones, k, s, [1, 1], out), [4, 5], false);
  }
  const y = div(total, divisor);
  return g.unbatched ? squeeze(y, 0) : y;
}

/**
 * F.adaptive_avg_pool2d: output [N, C, oh, ow]; bin i of a dim of size n spans
 * [floor(i*n/o), ceil((i+1)*n/o)). `outputSize` entries may be null (keep that dim).
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntOrPair | readonly (number | null)[]): Tensor {
  const op = 'adaptive_avg_pool2d';
  if (input.dim() !== 3 && input.dim() !== 4)
    throw new ShapeError(`${op}: Expected 3D or 4D tensor, but got ${fmtShape(input.shape)}`);
  if (input.shape.slice(1).some((v) => v === 0))
    throw new ShapeError(
      `${op}: Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(input.shape)}`,
    );
  const [H, W] = input.shape.slice(-2);
  const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const o = (raw.length === 1 ? [raw[0], raw[0]] : raw).map((v, i) => v ?? [H, W][i]) as number[];
  if (o.length !== 2 || o.some((v) => !Number.isInteger(v) || v <= 0))
    throw new RangeError(`${op}: output_size must be 2 positive ints, got ${JSON.stringify(outputSize)}`);
  if (H % o[0] === 0 && W % o[1] === 0) {
    const k = [H / o[0], W / o[1]];
    return avgPool2d(input, k, { stride: k });
  }
  // y = Ph [oh, H] @ x @ Pw^T [W, ow], rows of P averaging one bin each.
  const bins = (n: number, m: number): Tensor => {
    const a = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      const lo = Math.floor((i * n) / m);
      const hi = Math.ceil(((i + 1) * n) / m);
      for (let j = lo; j < hi; j++) a[i * n + j] = 1 / (hi - lo);
    }
    return reshape(tensor(a, { device: input.device, dtype: input.dtype }), [m, n]);
  };
  return matmul(matmul(bins(H, o[0]), input), transpose(bins(W, o[1]), 0, 1));
}
