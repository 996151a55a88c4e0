/**
 * Convolutions as im2col into the one matmul primitive (DESIGN: "conv as implicit GEMM").
 *
 * The sliding windows of an input are a strided view, no copy: x [N, C, H, W] with strides
 * (sN, sC, sH, sW) is also [N, C, OH, OW, kh, kw] with strides (sN, sC, stride*sH, stride*sW,
 * dil*sH, dil*sW). `windows` returns that view; its adjoint `fold` adds each window back
 * (kh*kw strided in-place adds, one dispatch each, no per-pixel loop). They are each other's
 * backward, so everything built on them (conv, convTranspose, avgPool) differentiates to any
 * order without a hand-written gradient.
 *
 * conv2d, for groups G (Cg = C / G input channels, Co = Cout / G output channels per group):
 *   cols = copy of windows permuted to [C, kh, kw, N, OH, OW]   // one strided copy
 *        = [G, Cg*kh*kw, N*OH*OW]
 *   y    = W [G, Co, Cg*kh*kw] @ cols                           // ONE GEMM per group, K = Cg*kh*kw
 *        = [Cout, N, OH, OW] -> permuted to [N, Cout, OH, OW] by the bias add (or a copy)
 * The batch rides in the GEMM's N dimension (N*OH*OW columns), so the CPU's blocked sgemm and
 * the WebGPU matmul kernel see one large product instead of N small ones, and the weight
 * gradient (dy [G, Co, N*L] @ cols^T) is one GEMM with K = N*OH*OW, no per-sample reduce.
 * Memory: cols is kh*kw times the (padded) input; the matmul saves it for the backward.
 *
 * Stride-1 2-d float32 convolutions on the CPU skip cols: `conv2dFast` hands the padded input to
 * the backend's implicit-GEMM routines (backend/cpu/conv.ts), which pack GEMM panels straight
 * from the input; the composed path above stays the reference and the fallback.
 */
import { isFloat } from '../tensor/dtype.js';
import { fmtShape, ShapeError } from '../tensor/errors.js';
import { checkSameDevice, E, emptyTensor, needsGrad, record, record1, type Tensor, viewOf } from './core.js';
import { matmul } from './matmul.js';
import { add } from './pointwise.js';
import { sum } from './reduce.js';
import {
  cat,
  contiguous,
  flip,
  narrow,
  pad,
  permute,
  reshape,
  split,
  squeeze,
  transpose,
  unsqueeze,
} from './shape.js';

/**
 * Largest im2col matrix (elements) one GEMM gets: bigger batches run in chunks of samples.
 * 2^24 floats = 64 MiB, half of WebGPU's default maxStorageBufferBindingSize (128 MiB), so the
 * cols and the product each fit one binding; on the CPU it bounds the temporary as well.
 */
const CHUNK_ELEMENTS = 2 ** 24;

export type IntOrPair = number | readonly number[];
export type ConvPadding = IntOrPair | 'same' | 'valid';

export interface ConvOptions {
  stride?: IntOrPair;
  /** An int, a pair, or PyTorch's 'valid' (no padding) / 'same' (output size = input size, stride 1). */
  padding?: ConvPadding;
  dilation?: IntOrPair;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrPair;
  padding?: IntOrPair;
  outputPadding?: IntOrPair;
  groups?: number;
  dilation?: IntOrPair;
}

/** An int or a tuple of `n` ints, as PyTorch's _pair/_single. */
export function tuple(op: string, name: string, v: IntOrPair, n: number): number[] {
  const a = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (a.length === 1 && n > 1) return new Array<number>(n).fill(a[0]);
  if (a.length !== n || a.some((x) => !Number.isInteger(x)))
    throw new RangeError(`${op}: ${name} must be an int or a tuple of ${n} ints, got ${JSON.stringify(v)}`);
  return a;
}

/** Number of windows along one dim: floor((size - dil*(k-1) - 1) / stride) + 1. */
export const windowCount = (size: number, k: number, stride: number, dil: number): number =>
  Math.floor((size - dil * (k - 1) - 1) / stride) + 1;

/**
 * The sliding windows of x [N, C, *S] (nd = k.length spatial dims) as a view [N, C, *O, *k]
 * (no padding, no copy); for 2-d that is [N, C, OH, OW, kh, kw]. `out` overrides the window
 * counts (convTranspose's fold may need fewer than fit).
 */
export function windows(
  x: Tensor,
  k: readonly number[],
  stride: readonly number[],
  dil: readonly number[],
  out?: readonly number[],
): Tensor {
  const nd = k.length;
  const [N, C] = x.shape;
  const space = x.shape.slice(2, 2 + nd);
  const O = out ?? space.map((s, i) => windowCount(s, k[i], stride[i], dil[i]));
  const st = x.strides.slice(2, 2 + nd);
  const v = viewOf(
    x,
    [N, C, ...O, ...k],
    [x.strides[0], x.strides[1], ...st.map((s, i) => stride[i] * s), ...st.map((s, i) => dil[i] * s)],
    x.offset,
  );
  return record1('unfold_windows', v, [x], (g) => [fold(g, space, stride, dil)]);
}

/**
 * The adjoint of `windows`: g [N, C, *O, *k] (any strides) summed back into a fresh [N, C, *size].
 * One in-place strided add per kernel offset: within one offset the target positions are
 * distinct, so each add is a plain elementwise pass; overlapping windows accumulate across passes.
 */
export function fold(
  g: Tensor,
  size: readonly number[],
  stride: readonly number[],
  dil: readonly number[],
): Tensor {
  const nd = size.length;
  const [N, C] = g.shape;
  const O = g.shape.slice(2, 2 + nd);
  const k = g.shape.slice(2 + nd);
  const out = emptyTensor([N, C, ...size], g.dtype, g.device);
  const be = out.backend;
  // One kernel where the backend has it (WebGPU: one dispatch instead of 1 + prod(k)).
  if (be.routines?.fold?.(g, size, stride, dil, out))
    return record1('fold_windows', out, [g], (gg) => [windows(gg, k, stride, dil, O)]);
  be.elementwise(E.const(0), [], out);
  const os = out.strides;
  const sum = E.add(E.input(0), E.input(1));
  const kcount = k.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < kcount; flat++) {
    let r = flat;
    let tOff = 0;
    let sOff = g.offset;
    for (let i = nd - 1; i >= 0; i--) {
      const j = r % k[i];
      r = Math.floor(r / k[i]);
      tOff += j * dil[i] * os[2 + i];
      sOff += j * g.strides[2 + nd + i];
    }
    const target = {
      storage: out.storage,
      dtype: out.dtype,
      shape: [N, C, ...O],
      strides: [os[0], os[1], ...O.map((_, i) => stride[i] * os[2 + i])],
      offset: tOff,
    };
    const src = {
      storage: g.storage,
      dtype: g.dtype,
      shape: [N, C, ...O],
      strides: g.strides.slice(0, 2 + nd),
      offset: sOff,
    };
    be.elementwise(sum, [target, src], target);
  }
  return record1('fold_windows', out, [g], (gg) => [windows(gg, k, stride, dil, O)]);
}

function checkFloat(op: string, ts: readonly (Tensor | null | undefined)[]): void {
  for (const t of ts)
    if (t && (!isFloat(t.dtype) || t.dtype !== ts[0]?.dtype))
      throw new TypeError(
        `${op}: expected floating point tensors of one dtype, got ${ts.map((x) => x?.dtype ?? 'None').join(', ')}`,
      );
}

const KDIMS = ['kW', 'kH, kW', 'kT, kH, kW'];

interface ConvGeometry {
  stride: number[];
  dil: number[];
  /** Padding before / after each spatial dim (asymmetric only for 'same' with an even effective kernel). */
  lo: number[];
  hi: number[];
}

/**
 * PyTorch's argument checks for conv{1,2,3}d, in its words, on the caller's shapes (nd spatial
 * dims, batched); returns the geometry (1-d as 2-d with H = 1).
 */
function convGeometry(
  op: string,
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  nd: number,
  o: ConvOptions,
): ConvGeometry {
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0)
    throw new RangeError(`${op}: non-positive groups is not supported`);
  if (w.dim() !== nd + 2)
    throw new ShapeError(
      `${op}: expected ${nd + 2}-dimensional weight [out_channels, in_channels/groups, ${KDIMS[nd - 1]}], got weight of size ${fmtShape(w.shape)}`,
    );
  if (x.dim() !== nd + 2)
    throw new ShapeError(
      `Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${op}, but got input of size: ${fmtShape(x.shape)}`,
    );
  const stride = tuple(op, 'stride', o.stride ?? 1, nd);
  const dil = tuple(op, 'dilation', o.dilation ?? 1, nd);
  if (stride.some((s) => s <= 0)) throw new RangeError(`${op}: non-positive stride is not supported`);
  if (dil.some((d) => d <= 0)) throw new RangeError(`${op}: dilation should be greater than zero`);
  const k = w.shape.slice(2);
  const space = x.shape.slice(2);
  let lo: number[];
  let hi: number[];
  const p = o.padding ?? 0;
  if (p === 'valid') {
    lo = new Array<number>(nd).fill(0);
    hi = lo;
  } else if (p === 'same') {
    if (stride.some((s) => s !== 1))
      throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    // Total d*(k-1); the odd one goes to the end (bottom/right), as PyTorch.
    lo = k.map((kk, i) => Math.floor((dil[i] * (kk - 1)) / 2));
    hi = k.map((kk, i) => dil[i] * (kk - 1) - lo[i]);
  } else if (typeof p === 'string') {
    throw new RangeError(`${op}: Invalid padding string '${p}', should be one of ['valid', 'same']`);
  } else {
    lo = tuple(op, 'padding', p, nd);
    hi = lo;
    if (lo.some((v) => v < 0)) throw new RangeError(`${op}: negative padding is not supported`);
  }
  const [cout, cg] = w.shape;
  if (cout < groups)
    throw new ShapeError(
      `Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${fmtShape(w.shape)} instead`,
    );
  if (cout % groups !== 0)
    throw new ShapeError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(w.shape)} instead`,
    );
  if (x.shape[1] !== cg * groups)
    throw new ShapeError(
      `Given groups=${groups}, weight of size ${fmtShape(w.shape)}, expected input${fmtShape(x.shape)} to have ${cg * groups} channels, but got ${x.shape[1]} channels instead`,
    );
  const padded = space.map((s, i) => s + lo[i] + hi[i]);
  if (padded.some((s, i) => s < dil[i] * (k[i] - 1) + 1))
    throw new ShapeError(
      `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${k.map((kk, i) => dil[i] * (kk - 1) + 1).join(' x ')}). Kernel size can't be greater than actual input size`,
    );
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== cout))
    throw new ShapeError(
      `Given weight of size ${fmtShape(w.shape)}, expected bias to be 1-dimensional with ${cout} elements, but got bias of size ${fmtShape(bias.shape)} instead`,
    );
  if (nd === 1) return { stride: [1, stride[0]], dil: [1, dil[0]], lo: [0, lo[0]], hi: [0, hi[0]] };
  return { stride, dil, lo, hi };
}

/** The N-d core: x [N, C, *S], w [Cout, C/G, *k], geometry checked (2-d: [N, C, H, W]). */
function convCore(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  g: ConvGeometry,
  groups: number,
): Tensor {
  const nd = w.dim() - 2;
  const N = x.shape[0];
  const [cout, cg] = w.shape;
  const k = w.shape.slice(2);
  const O = k.map((kk, i) => windowCount(x.shape[2 + i] + g.lo[i] + g.hi[i], kk, g.stride[i], g.dil[i]));
  const kn = k.reduce((a, b) => a * b, 1);
  const on = O.reduce((a, b) => a * b, 1);
  if (nd === 2 && groups === 1 && g.stride[0] === 1 && g.stride[1] === 1) {
    const y = conv2dFast(x, w, bias, g);
    if (y) return y;
  }
  const per = Math.max(cg * groups * kn, cout) * on; // cols and product per sample
  if (N > 1 && N * per > CHUNK_ELEMENTS) {
    const n = Math.max(1, Math.floor(CHUNK_ELEMENTS / per));
    return cat(
      split(x, n, 0).map((xi) => convCore(xi, w, bias, g, groups)),
      0,
    );
  }
  // pad's list runs from the last dim backwards.
  const pads = g.lo.flatMap((_, i) => [g.lo[nd - 1 - i], g.hi[nd - 1 - i]]);
  const xp = pads.some((p) => p) ? pad(x, pads) : x;
  const win = windows(xp, k, g.stride, g.dil); // [N, C, *O, *k] view
  // [N, C, *O, *k] -> [C, *k, N, *O]: one strided copy = the im2col matrix.
  const sp = (from: number) => k.map((_, i) => from + i);
  const cols = reshape(contiguous(permute(win, [1, ...sp(2 + nd), 0, ...sp(2)])), [groups, cg * kn, N * on]);
  const y = matmul(reshape(w, [groups, cout / groups, cg * kn]), cols); // [G, Co, N*L]
  const yt = permute(reshape(y, [cout, N, ...O]), [1, 0, ...sp(2)]); // a view; the add/copy lays it out
  return bias ? add(yt, reshape(bias, [1, cout, ...new Array<number>(nd).fill(1)])) : contiguous(yt);
}

/**
 * F.conv2d: input [N, C, H, W] (or unbatched [C, H, W]), weight [Cout, C/groups, kh, kw].
 *
 * ```ts
 * const y = F.conv2d(x, w, b, { stride: 2, padding: 1 });          // [N, Cout, OH, OW]
 * const z = F.conv2d(x, w, null, { padding: 'same', dilation: 2 });
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, opts);
}

/** F.conv3d: input [N, C, D, H, W] (or [C, D, H, W]), weight [Cout, C/groups, kd, kh, kw]. */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv3d', 3, input, weight, bias, opts);
}

/** F.conv1d: input [N, C, L] (or [C, L]), weight [Cout, C/groups, k]; the 2-d path with H = 1. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, opts);
}

function convNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvOptions,
): Tensor {
  checkSameDevice(op, bias ? [input, weight, bias] : [input, weight]);
  checkFloat(op, [input, weight, bias]);
  const unbatched = input.dim() === nd + 1;
  const x = unbatched ? unsqueeze(input, 0) : input;
  const g = convGeometry(op, x, weight, bias, nd, opts);
  const groups = opts.groups ?? 1;
  let y =
    nd === 1
      ? squeeze(convCore(unsqueeze(x, 2), unsqueeze(weight, 2), bias, g, groups), 2)
      : convCore(x, weight, bias, g, groups);
  if (unbatched) y = squeeze(y, 0);
  return y;
}

/**
 * F.conv_transpose{1,2,3}d: input [N, Cin, *S] (or unbatched [Cin, *S]), weight
 * [Cin, Cout/groups, *k]; the gradient of conv with respect to its input, computed the same way
 * backwards:
 *   cols = W^T [G, Co*prod(k), Cg] @ x [G, Cg, N*prod(S)]      // one GEMM per group
 *   y    = fold(cols) cropped by `padding`, + bias
 * Output size per dim: (S - 1)*stride - 2*padding + dilation*(k - 1) + outputPadding + 1.
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose2d', 2, input, weight, bias, opts);
}
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose1d', 1, input, weight, bias, opts);
}
export function convTranspose3d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose3d', 3, input, weight, bias, opts);
}

const SIDES = [['width'], ['height', 'width'], ['depth', 'height', 'width']];

function convTransposeNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvTransposeOptions,
): Tensor {
  checkSameDevice(op, bias ? [input, weight, bias] : [input, weight]);
  checkFloat(op, [input, weight, bias]);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0)
    throw new RangeError(`${op}: non-positive groups is not supported`);
  if (weight.dim() !== nd + 2)
    throw new ShapeError(
      `${op}: expected ${nd + 2}-dimensional weight [in_channels, out_channels/groups, ${KDIMS[nd - 1]}], got weight of size ${fmtShape(weight.shape)}`,
    );
  const unbatched = input.dim() === nd + 1;
  if (input.dim() !== nd + 2 && !unbatched)
    throw new ShapeError(
      `Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${op}, but got input of size: ${fmtShape(input.shape)}`,
    );
  const x = unbatched ? unsqueeze(input, 0) : input;
  const stride = tuple(op, 'stride', opts.stride ?? 1, nd);
  const dil = tuple(op, 'dilation', opts.dilation ?? 1, nd);
  const padding = tuple(op, 'padding', opts.padding ?? 0, nd);
  const outPad = tuple(op, 'output_padding', opts.outputPadding ?? 0, nd);
  if (stride.some((s) => s <= 0)) throw new RangeError(`${op}: non-positive stride is not supported`);
  if (dil.some((d) => d <= 0)) throw new RangeError(`${op}: dilation should be greater than zero`);
  if (padding.some((p) => p < 0)) throw new RangeError(`${op}: negative padding is not supported`);
  if (outPad.some((p, i) => p < 0 || (p >= stride[i] && p >= dil[i]))) {
    const side = SIDES[nd - 1];
    const part = (name: string, v: number[]) => side.map((s, i) => `${name}_${s}: ${v[i]}`).join(' ');
    throw new RangeError(
      `${op}: output padding must be smaller than either stride or dilation, but got ${part('output_padding', outPad)} ${part('stride', stride)} ${part('dilation', dil)}`,
    );
  }
  const [N, cin] = x.shape;
  const S = x.shape.slice(2);
  const [wcin, cog] = weight.shape;
  const k = weight.shape.slice(2);
  if (wcin % groups !== 0)
    throw new ShapeError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`,
    );
  if (cin !== wcin)
    throw new ShapeError(
      `Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${wcin} channels, but got ${cin} channels instead`,
    );
  const cout = cog * groups;
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== cout))
    throw new ShapeError(
      `Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${cout} elements, but got bias of size ${fmtShape(bias.shape)} instead`,
    );
  const full = S.map((s, i) => (s - 1) * stride[i] + dil[i] * (k[i] - 1) + 1 + outPad[i]);
  const out = full.map((f, i) => f - 2 * padding[i]);
  if (out.some((s) => s <= 0))
    throw new ShapeError(
      `${op}: Given input size per channel: (${S.join(' x ')}). Calculated output size per channel: (${out.join(' x ')}). Output size is too small`,
    );
  const cg = cin / groups;
  const kn = k.reduce((a, b) => a * b, 1);
  const sn = S.reduce((a, b) => a * b, 1);
  if (N > 1 && N * cout * kn * sn > CHUNK_ELEMENTS) {
    const n = Math.max(1, Math.floor(CHUNK_ELEMENTS / (cout * kn * sn)));
    const ys = split(x, n, 0).map((xi) => convTransposeNd(op, nd, xi, weight, bias, opts));
    const r = cat(ys, 0);
    return unbatched ? squeeze(r, 0) : r;
  }
  const sp = S.map((_, i) => 2 + i);
  const xr = reshape(permute(x, [1, 0, ...sp]), [groups, cg, N * sn]); // [G, Cg, N*prod(S)]
  const wr = transpose(reshape(weight, [groups, cg, cog * kn]), 1, 2); // [G, Co*prod(k), Cg]
  const cols = reshape(matmul(wr, xr), [cout, ...k, N, ...S]);
  // [Cout, *k, N, *S] -> [N, Cout, *S, *k]
  const perm = [nd + 1, 0, ...S.map((_, i) => nd + 2 + i), ...k.map((_, i) => 1 + i)];
  let y = fold(permute(cols, perm), full, stride, dil); // [N, Cout, *full]
  for (let i = 0; i < nd; i++) if (padding[i]) y = narrow(y, 2 + i, padding[i], out[i]);
  let r = bias ? add(y, reshape(bias, [1, cout, ...new Array<number>(nd).fill(1)])) : contiguous(y);
  if (unbatched) r = squeeze(r, 0);
  return r;
}

/**
 * Stride-1 2-d convolution through the backend's implicit-GEMM routines (CPU, float32): the
 * padded input and the weight go to `conv2dForward` as they are, no im2col matrix. Gradients:
 * `conv2dInputGrad` and `conv2dWeightGrad`, or, when a graph of the gradient is wanted
 * (create_graph), differentiable compositions: the input's a full convolution of the
 * zero-padded dy with the flipped kernel [C, Cout, kh, kw] (this function again), the weight's
 * `convWeightGrad`. The bias's is a sum. Null where the backend has no such routine or declines.
 */
function conv2dFast(x: Tensor, w: Tensor, bias: Tensor | null | undefined, g: ConvGeometry): Tensor | null {
  const routines = x.backend.routines;
  if (!routines?.conv2dForward || !routines.conv2dWeightGrad || x.dtype !== 'float32') return null;
  const pads = [g.lo[1], g.hi[1], g.lo[0], g.hi[0]];
  const xp = contiguous(pads.some((p) => p) ? pad(x, pads) : x);
  const wc = contiguous(w);
  const [dh, dw] = g.dil;
  const [N, , H, W] = xp.shape;
  const [cout, , kh, kw] = wc.shape;
  const y = emptyTensor([N, cout, H - dh * (kh - 1), W - dw * (kw - 1)], x.dtype, x.device);
  if (!routines.conv2dForward(xp, wc, bias ?? null, dh, dw, y)) return null;
  record('conv2d', y, [xp, wc, bias], ([gy]) => {
    // The routines again, from the backend as backward sees it: its primitives check that x and
    // w were not edited in place since the forward (autograd/saved.ts).
    const routines = xp.backend.routines!;
    const gc = contiguous(gy!);
    let gx: Tensor | null = null;
    if (xp.requiresGrad && !needsGrad([gc, wc])) {
      gx = emptyTensor(xp.shape, xp.dtype, xp.device);
      if (!routines.conv2dInputGrad?.(gc, wc, dh, dw, gx)) gx = null;
    }
    if (xp.requiresGrad && !gx) {
      const ph = dh * (kh - 1);
      const pw = dw * (kw - 1);
      const full = { stride: [1, 1], dil: g.dil, lo: [0, 0], hi: [0, 0] };
      const wf = flip(transpose(wc, 0, 1), [2, 3]);
      const gp = pad(gc, [pw, pw, ph, ph]);
      gx = conv2dFast(gp, wf, null, full) ?? convCore(gp, wf, null, full, 1);
    }
    let gw: Tensor | null = null;
    if (wc.requiresGrad) {
      if (!needsGrad([gc, xp])) {
        gw = emptyTensor(wc.shape, wc.dtype, wc.device);
        if (!routines.conv2dWeightGrad?.(xp, gc, dh, dw, gw)) gw = null;
      }
      gw ??= convWeightGrad(xp, gc, [kh, kw], g.dil);
    }
    // The bias's: rows of OH*OW first (contiguous: the wasm row sums), then over N (column
    // sums); one sum over [0, 2, 3] walks a permuted layout in the JS loop (perflstm: 7.4 ms
    // for the mnist CNN's [64, 64, 24, 24]).
    return [gx, gw, bias?.requiresGrad ? sum(sum(gc, [2, 3]), 0) : null];
  });
  return y;
}

/** The weight gradient of a stride-1 conv2d of (padded) x composed from ops: dy @ im2col(x)^T. */
function convWeightGrad(x: Tensor, gy: Tensor, k: number[], dil: number[]): Tensor {
  const [N, C] = x.shape;
  const [, cout, OH, OW] = gy.shape;
  const cols = reshape(permute(windows(x, k, [1, 1], dil), [0, 2, 3, 1, 4, 5]), [
    N * OH * OW,
    C * k[0] * k[1],
  ]);
  const gm = reshape(permute(gy, [1, 0, 2, 3]), [cout, N * OH * OW]);
  return reshape(matmul(gm, cols), [cout, C, k[0], k[1]]);
}
