/**
 * The backend contract: storage plus a handful of primitive kernels. Everything else in the
 * library (every op, every gradient, every layer) is composed above this interface, so a new
 * backend implements this file and passes the conformance suite; nothing above it changes.
 *
 * Conventions shared by every primitive:
 * - A `View` is (storage, dtype, shape, strides, offset) in elements. Strides may be 0
 *   (broadcast/expanded) or describe any permutation; kernels must index through them and
 *   never assume contiguity unless they checked it.
 * - Inputs of `elementwise` already have the output's shape (the ops layer expands them with
 *   stride-0 views); `out` may itself be a strided view (in-place ops on slices).
 * - Kernels only enqueue work. Nothing waits for the device except `read`.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';
import { arity, type Ex } from './expr.js';
import type { LinalgKind } from './linalg.js';

/**
 * A device type's canonical name ('cpu', 'webgpu', ...). Open: each backend declares its own
 * in a `DeviceTypeInfo` listed in registry.ts.
 */
export type DeviceType = string;

/**
 * What a backend tells the library about its device type, once (registry.ts lists them):
 * the device-string grammar, `torch.device(...)`, 'cuda'/'gpu', `torch.cuda` and
 * `torch.accelerator` all resolve through these.
 */
export interface DeviceTypeInfo {
  /** Canonical name: `Device.type`, `Storage.device`, what `tensor.device` prints. */
  readonly type: DeviceType;
  /** Human name for messages ('WebGPU'). */
  readonly label: string;
  /**
   * A GPU-like accelerator: PyTorch's spellings of "the GPU" ('cuda', 'gpu', `torch.cuda`,
   * `torch.accelerator`) mean the first registered accelerator.
   */
  readonly accelerator?: boolean;
  /** How many device indices `type:N` accepts (undefined: any, ignored, as for the CPU). */
  readonly maxDevices?: number;
  /** The backend; throws a clear error when the device is absent or not yet initialised. */
  backend(): Backend;
  /** Synchronous and honest: any device of this type, software adapters included. */
  isAvailable(): boolean;
  /** A hardware device (what `torch.cuda.isAvailable()` means); defaults to `isAvailable()`. */
  isHardware?(): boolean;
  /** Creates the device where that is asynchronous; resolves to whether it exists. Idempotent. */
  init?(): Promise<boolean>;
  deviceCount?(): number;
  deviceName?(index: number): string;
  /** Why `isAvailable()` is false ('' when it is not, or when nobody has looked). */
  unavailableReason?(): string;
  /** Caching-allocator statistics in bytes (`torch.cuda.memoryAllocated()` and friends). */
  readonly memory?: {
    allocated(): number;
    maxAllocated(): number;
    reserved(): number;
    resetPeak(): void;
    emptyCache(): void;
  };
}

/** Backend-owned memory. `refs` and `version` are managed by the tensor layer. */
export interface Storage {
  readonly device: DeviceType;
  readonly dtype: DType;
  /** Capacity in elements. */
  readonly size: number;
  /** Tensors viewing this storage; at 0 it goes back to the backend's pool. */
  refs: number;
  /** Bumped by every in-place write: autograd's check that saved tensors were not modified. */
  version: number;
  /** Autograd's clock when a tensor first viewed this storage (see autograd/saved.ts). */
  born: number;
  /** Autograd's clock at the last in-place write. */
  writtenAt: number;
  /** Autograd's clock at the last few in-place writes (for error messages), oldest first. */
  writeLog: number[] | null;
  /** Set once released; any further use is a bug and must throw. */
  freed?: boolean;
}

export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';
export type RandomKind = 'uniform' | 'normal';

export interface MatmulOptions {
  /** Added to every row of the result; a view of shape [N] (stride may be anything). */
  bias?: View;
  /** Applied after the bias. */
  activation?: 'relu';
  /**
   * Calls passing the same object promise the same `b` (view and contents): a backend may pack
   * b once for all of them (the CPU does; an LSTM layer's W_hh product per time step).
   */
  keepB?: object;
}

export interface Backend {
  readonly type: DeviceType;

  /** New storage of `size` elements, contents unspecified (callers fill it). */
  alloc(size: number, dtype: DType): Storage;
  /** Returns storage to the pool; called by the tensor layer when `refs` drops to 0. */
  release(s: Storage): void;
  /** Host -> device: writes `data` at element `offset` of `s`. */
  write(s: Storage, data: TypedArray, offset?: number): void;
  /** Device -> host: a contiguous row-major copy of the view's elements. */
  read(v: View): Promise<TypedArray>;
  /** Synchronous read where the backend can (the CPU); absent on WebGPU. */
  readSync?(v: View): TypedArray;

  /**
   * out[i] = e(inputs[0][i], inputs[1][i], ...), converted to out.dtype.
   * All inputs have out's shape (broadcast via stride 0). Inputs may alias `out` only when they
   * are the identical view (in-place ops), never an overlapping different one.
   */
  elementwise(e: Ex, inputs: readonly View[], out: View): void;

  /**
   * Reduces the trailing `axes` dimensions of x. out is contiguous, its element count is the
   * product of x's leading (rank - axes) dims. argmax/argmin take axes = 1, write int32 indices
   * and return the first index of the extreme value (NaN counts as the maximum, as in PyTorch).
   * max/min propagate NaN. sum of an empty set is 0, prod 1.
   */
  reduce(op: ReduceOp, x: View, axes: number, out: View): void;

  /**
   * Batched matrix product: a [...batch, M, K] @ b [...batch, K, N] -> out [...batch, M, N].
   * a and b already have out's batch dims (stride 0 where broadcast). Transposed operands arrive
   * as strides (a column-major a has strides [..., 1, M]): kernels fold that into indexing.
   * out is contiguous float32.
   */
  matmul(a: View, b: View, out: View, opts?: MatmulOptions): void;

  /**
   * out[...i, j, k...] = x[...i, index[...i, j, k...], k...] along `dim` (torch.gather). An
   * index outside [0, size) is `indexOutOfBounds(op, ...)`: thrown at once where the backend can,
   * else at the next readback (WebGPU). `op` names the op the user called (index_select...).
   */
  gather(x: View, dim: number, index: View, out: View, op?: string): void;
  /** out[...i, index[...], k...] += src[...i, j, k...] along `dim` (torch.scatter_add_, in place). */
  scatterAdd(out: View, dim: number, index: View, src: View): void;

  /**
   * Counter-based random numbers, identical on every backend: element i (row-major in out)
   * takes Philox4x32-10 with key (seed_lo, seed_hi) and counter (offset + i as 64 bits, 0, 0).
   * uniform: a + (b - a) * u, u = (r0 >>> 8) / 2^24 in [0, 1). u is exact on every backend; the
   * scaling may round differently in float32 (within 1 ulp of max(|a|, |b|)).
   * normal:  a + b * sqrt(-2 ln u1) * cos(2 pi u2), u1 = ((r0 >>> 8) + 1) / 2^24, u2 = (r1 >>> 8) / 2^24.
   * out is contiguous float32.
   */
  random(
    kind: RandomKind,
    out: View,
    seed: readonly [number, number],
    offset: number,
    a: number,
    b: number,
  ): void;

  /**
   * Small per-matrix factorizations and solves (LU, triangular solve, Cholesky, Householder QR,
   * symmetric eigen, SVD), one matrix of the batch at a time; see linalg.ts for each kind's
   * operands. Every view is contiguous float32; the outputs are written whole.
   */
  linalg(kind: LinalgKind, inputs: readonly View[], outs: readonly View[], params?: readonly number[]): void;

  /** Resolves when all enqueued work is done. */
  synchronize(): Promise<void>;

  /**
   * For backends without readSync: runs `check` on v's values at the next read or synchronize
   * and raises the error it returns there (errors that depend on results, as a singular matrix
   * in linalg.inv; PyTorch on CUDA reports those at its next sync too).
   */
  deferCheck?(v: View, check: (data: TypedArray) => Error | null): void;

  /** Optional fused paths (see routines.ts); ops fall back to their composed definitions. */
  readonly routines?: Partial<Routines>;

  // ── sort/misc (helper sortmisc) ──
  /**
   * Stable sort of every row of x [rows, n] (any strides) along its last dim: values
   * [rows, n] (x's dtype) and int32 indices [rows, n] (position in the row), both contiguous.
   * Ascending puts NaN last, descending first (NaN is the largest value, as in PyTorch); equal
   * values (NaN with NaN) keep their original order in both directions.
   */
  sort(x: View, descending: boolean, values: View, indices: View): void;
}

/**
 * Fused fast paths. Each has a composed reference in ops/ that the tests compare against.
 */
export interface Routines {
  /**
   * Cross-entropy forward over logits [N, C] and int32 targets [N]:
   * writes per-row loss = logsumexp(x_n) - x_n[t_n] into loss [N] (0 where t_n == ignoreIndex)
   * and the row's softmax into probs [N, C] for the backward.
   */
  logSoftmaxNll(logits: View, target: View, ignoreIndex: number, loss: View, probs: View): void;
  // ── optim (helper optim) ──
  /**
   * A pointwise update program over many parameters in one pass (one wasm loop per parameter,
   * one WebGPU dispatch per binding group): for each operand set `sets[i]` (param, grad, state
   * views: contiguous float32 of one size), per element, `steps` run in order,
   * `set[s.slot] := s.e(set...)`, a later step reading the value an earlier one wrote. Every
   * optimizer is such a program (src/optim/program.ts); the reference is the same steps run
   * one by one through `elementwise`. A slot past the operands (`slot >= set.length`) is a
   * scratch value, never loaded or stored (a register; the reference uses a temporary tensor).
   */
  updateInPlace(steps: readonly UpdateStep[], sets: readonly (readonly View[])[]): void;
  // ── end optim ──
  /**
   * Cross-entropy reduced over the batch ('mean' over rows whose target is not ignoreIndex, or
   * 'sum'), logits [N, C], int32 targets [N]: out[0] = the loss, out[1] = the factor the
   * backward scales (softmax - onehot) by (1 / count for 'mean', 1 for 'sum'); probs [N, C]
   * as logSoftmaxNll. A mean over zero rows is NaN (PyTorch). Reference: logSoftmaxNll + sum/div.
   */
  logSoftmaxNllReduced(
    logits: View,
    target: View,
    ignoreIndex: number,
    reduction: 'mean' | 'sum',
    out: View,
    probs: View,
  ): void;
  /**
   * A linear layer's parameter gradients in one pass: dW = g^T @ x ([out, in], contiguous) and,
   * when db is given, db[j] = sum_m g[m, j] ([out], contiguous), from g [M, out] and
   * x [M, in] (any strides). Reference: matmul(g^T, x) and a sum over dim 0.
   */
  linearGrads(g: View, x: View, dW: View, db: View | null): void;
  // ── attention (helper attn) ──
  /**
   * Scaled dot-product attention forward without an L x S buffer (online softmax over key
   * tiles): q [B, H, L, E], k [B, H, S, E], v [B, H, S, Ev], any strides but the last dim's,
   * which is 1 (nanoGPT's q, k, v are transposed views of one qkv buffer, read where they are;
   * head n = b * H + h); mask null or an additive float mask viewed as [N, L, S] (N = B * H,
   * any strides, stride 0 for broadcast); `causal` masks key j > query i. Writes the contiguous
   * out [N, L, Ev] = softmax(q k^T * scale + mask) v and lse [N, L], each row's
   * log-sum-exp of the scaled, masked scores (-inf for a fully masked row, whose output is NaN
   * as the composed definition's). Reference: ops/attention.ts sdpaComposed.
   */
  attention(
    q: View,
    k: View,
    v: View,
    mask: View | null,
    causal: boolean,
    scale: number,
    out: View,
    lse: View,
  ): void;
  /**
   * Its backward from the saved lse and delta [N, L] (delta_i = sum_d dOut_id out_id), again
   * without an L x S buffer (dOut [B, H, L, Ev] strided as q, k, v; outputs contiguous): P_ij = exp(s_ij - lse_i), dS_ij = P_ij (dOut_i . v_j - delta_i);
   * writes dq = dS k * scale [N, L, E], dk = dS^T q * scale [N, S, E], dv = P^T dOut [N, S, Ev].
   */
  attentionBackward(
    q: View,
    k: View,
    v: View,
    mask: View | null,
    causal: boolean,
    scale: number,
    dOut: View,
    lse: View,
    delta: View,
    dq: View,
    dk: View,
    dv: View,
  ): void;
  // --- perfcpu ---
  /**
   * max_pool2d over disjoint, in-bounds windows (stride >= kernel, no padding, dilation 1):
   * x [N, C, H, W] (any strides) -> values [N, C, OH, OW] (float32) and idx [N, C, OH, OW]
   * (int32, flat h * W + w), both contiguous, window (oh, ow) at rows oh * sh .. + kh - 1 and
   * columns ow * sw .. + kw - 1. NaN wins a window; the first maximum (or NaN) gives the index.
   * Reference: ops/pool.ts maxPool2d's composed passes.
   */
  maxPool2dDisjoint(x: View, kh: number, kw: number, sh: number, sw: number, values: View, idx: View): void;
  /**
   * Its gradient: dx [N, C, H, W] (contiguous) gets g [N, C, OH, OW] (any strides) at each
   * window's idx and 0 everywhere else. Reference: ops/pool.ts unpoolDisjoint's composed pass.
   */
  maxPool2dDisjointBackward(g: View, idx: View, dx: View): void;
  // --- perfgpu ---
  /**
   * LayerNorm over the last dim of a contiguous x [M, D]: out = (x - mean) * rstd * weight + bias
   * (weight, bias [D] or null), with mean and rstd = 1 / sqrt(biased var + eps) per row saved
   * into mean, rstd [M]. Reference: ops/norm.ts's composed layerNorm.
   */
  layerNorm(
    x: View,
    weight: View | null,
    bias: View | null,
    eps: number,
    out: View,
    mean: View,
    rstd: View,
  ): void;
  /**
   * Its gradients from dy [M, D] and the saved statistics: dx = rstd * (g - mean(g) - xhat *
   * mean(g * xhat)) with g = dy * weight, dw = sum over rows of dy * xhat, db = sum of dy; any
   * of dx, dw, db null when not wanted.
   */
  layerNormBackward(
    dy: View,
    x: View,
    mean: View,
    rstd: View,
    weight: View | null,
    dx: View | null,
    dw: View | null,
    db: View | null,
  ): void;
  /**
   * log_softmax over the last dim of x [M, C] (any strides) into out [M, C] (contiguous):
   * x - max - log(sum(exp(x - max))). Reference: ops/activation.ts's composed logSoftmax.
   */
  logSoftmax(x: View, out: View): void;
  /** Its gradient: dx = g - exp(out) * sum(g) per row; g, out, dx [M, C] contiguous. */
  logSoftmaxBackward(g: View, out: View, dx: View): void;
  // --- perfmlp ---
  /**
   * logSoftmaxNllReduced's backward: grad [N, C] = (probs - onehot(t_n)) * g * scale, and
   * 0 * g * scale in rows whose target is ignoreIndex; probs and grad [N, C] contiguous, target [N] (int), g and scale
   * one element each. Reference: the same expression through `elementwise` (ops/fused.ts).
   */
  logSoftmaxNllReducedBackward(
    probs: View,
    target: View,
    ignoreIndex: number,
    g: View,
    scale: View,
    grad: View,
  ): void;
  // --- perfcnn ---
  /**
   * Stride-1 conv2d, no padding, dilation (dh, dw): x [N, C, H, W], w [Cout, C, kh, kw], bias
   * [Cout] or null -> y [N, Cout, OH, OW]; all contiguous float32. False (nothing written) where
   * the path does not apply. Reference: ops/conv.ts's composed im2col convolution.
   */
  conv2dForward(x: View, w: View, bias: View | null, dh: number, dw: number, y: View): boolean;
  /** Its weight gradient from x and g [N, Cout, OH, OW] into out [Cout, C, kh, kw]; false where it does not apply. */
  conv2dWeightGrad(x: View, g: View, dh: number, dw: number, out: View): boolean;
  /** Its input gradient from g and w into out [N, C, H, W] (the padded input's size); false where it does not apply. */
  conv2dInputGrad(g: View, w: View, dh: number, dw: number, out: View): boolean;
  // --- perfgpu2 ---
  /**
   * The adjoint of the sliding-window view (col2im): out [N, C, *size] (contiguous) = the sum,
   * at each position, of g [N, C, *O, *k] (any strides) over the windows covering it (position
   * o * stride + j * dil). False (nothing written) where it does not apply. Reference: ops/conv.ts
   * `fold`'s zero fill + prod(k) strided adds.
   */
  fold(
    g: View,
    size: readonly number[],
    stride: readonly number[],
    dil: readonly number[],
    out: View,
  ): boolean;
  /**
   * F.nll_loss 'mean' (over rows whose target is not ignoreIndex) or 'sum' of log-probabilities
   * x [N, C] (any strides) and int targets [N]: out[0] = -sum x[n, t_n] (/ count), out[1] = the
   * backward's factor (1 / count, or 1); a mean over zero rows is NaN. Reference: ops/loss.ts's
   * composed nllLoss.
   */
  nllReduced(x: View, target: View, ignoreIndex: number, reduction: 'mean' | 'sum', out: View): void;
  // --- perflstm ---
  /**
   * One unmasked LSTM time step (ops/rnn.ts fused loop): pre-activations xg + hg of the gates
   * (i, f, g, o; [B, 4H] each, unit inner stride), c_prev [B, H]; writes the gate activations
   * (sigmoid i, f, o; tanh g) over hg in place, c' into c and h' into h ([B, H] each). False
   * (nothing written) where it does not apply; the answer depends only on dtypes and placement.
   */
  lstmCell(xg: View, hg: View, cPrev: View, h: View, c: View): boolean;
  /**
   * Its backward for one step from the activations acts [B, 4H] (as lstmCell left them),
   * tanh(c') tc, c_prev, and dh = gOut + rec + pass, dc = gc: writes the row
   * [di, df, dg, do, dc_prev, 0 * dh] ([B, 6H]) into d. False where it does not apply.
   */
  lstmCellBackward(
    acts: View,
    tc: View,
    cPrev: View,
    gOut: View,
    rec: View,
    pass: View,
    gc: View,
    d: View,
  ): boolean;
}

// ── optim (helper optim) ──
/** One assignment of an update program: operand `slot` := `e` of the operands. */
export interface UpdateStep {
  readonly slot: number;
  readonly e: Ex;
}
/** Operands plus scratch slots a program touches: the highest slot or input read, plus one. */
export const programWidth = (steps: readonly UpdateStep[]): number =>
  steps.reduce((w, s) => Math.max(w, s.slot + 1, arity(s.e)), 0);
/**
 * A program's structure (constants as `#`, as `structureKey` prints them) without its per-node
 * memo: an optimizer builds its program afresh every step (new constants), and filling a
 * WeakMap per node that the next step never reads made the key cost more than the update.
 */
export const programKey = (steps: readonly UpdateStep[]): string =>
  steps.map((s) => `${s.slot}=${shapeOf(s.e)}`).join(';');
function shapeOf(e: Ex): string {
  switch (e.k) {
    case 'in':
      return `$${e.i}`;
    case 'const':
      return '#';
    case 'un':
      return `${e.op}(${shapeOf(e.a)})`;
    case 'bin':
      return `${e.op}(${shapeOf(e.a)},${shapeOf(e.b)})`;
    case 'where':
      return `where(${shapeOf(e.c)},${shapeOf(e.a)},${shapeOf(e.b)})`;
    case 'cast':
      return `${e.t}(${shapeOf(e.a)})`;
  }
}
// ── end optim ──

export const contiguousStrides = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

export const numelOf = (shape: readonly number[]): number => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};

export const isContiguousView = (v: { shape: readonly number[]; strides: readonly number[] }): boolean => {
  let acc = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] !== 1 && v.strides[i] !== acc) return false;
    acc *= v.shape[i];
  }
  return true;
};

/**
 * Merges adjacent dimensions that every operand walks contiguously (stride[d] = stride[d+1] *
 * shape[d+1]) and drops size-1 dims, so contiguous tensors run as one flat loop.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const m = sh.length - 1;
    if (m >= 0 && strides.every((s, k) => st[k][m] === s[d] * shape[d])) {
      sh[m] *= shape[d];
      strides.forEach((s, k) => {
        st[k][m] = s[d];
      });
    } else {
      sh.push(shape[d]);
      strides.forEach((s, k) => {
        st[k].push(s[d]);
      });
    }
  }
  if (sh.length === 0) {
    sh.push(1);
    for (const s of st) s.push(0);
  }
  return { shape: sh, strides: st };
}

/**
 * The error for an out-of-range index, the same text on every backend. Ops other than the
 * primitives themselves also name the indexed shape (PyTorch's index_select/embedding do).
 */
export function indexOutOfBounds(
  op: string,
  k: number,
  dim: number,
  size: number,
  shape: readonly number[],
): RangeError {
  const where =
    op === 'gather' || op === 'scatter_add' ? '' : ` (indexed tensor of shape [${shape.join(', ')}])`;
  return new RangeError(`${op}: index ${k} is out of bounds for dimension ${dim} with size ${size}${where}`);
}
