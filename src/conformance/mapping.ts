/**
 * PyTorch call -> torchts call. Each case names a PyTorch callable (`torch.sum`, `F.gelu`,
 * `Tensor.expand`) with positional tensor inputs, positional `args` and `kwargs` in PyTorch's
 * names; the table below binds them to PyTorch's parameter list (so positional and keyword forms
 * mean the same), then calls torchts's spelling: camelCase, keyword-only options in a trailing
 * object (`torch.sum(x, dim=-1, keepdim=True)` -> `torch.sum(x, -1, { keepdim: true })`).
 *
 * Ops the table does not know, and entries whose torchts function does not exist (yet), are
 * `UnsupportedOpError`s: the runner counts them as failures, never as skips.
 */
import * as torch from '../index.js';
import * as loss from '../ops/loss.js';
import { Tensor } from '../tensor/tensor.js';

/** A bound argument: tensors stay tensors, `{$input: i}` already resolved. */
export type Arg = Tensor | number | boolean | string | null | readonly Arg[] | undefined;
export type Args = Record<string, Arg>;
export type OpResult = Tensor | readonly Tensor[];

export class UnsupportedOpError extends Error {
  override name = 'UnsupportedOpError';
}

interface Mapping {
  /** PyTorch's parameter names in order (positional binding). */
  params: readonly string[];
  /** All positional tensor inputs form one list argument (torch.cat's `tensors`). */
  tensorList?: boolean;
  call: (a: Args) => OpResult;
}

// ---- argument helpers (the case data is JSON, so types are checked here, once) ----
const T = (a: Args, k: string): Tensor => {
  const v = a[k];
  if (!(v instanceof Tensor)) throw new TypeError(`argument '${k}' must be a tensor, got ${describe(v)}`);
  return v;
};
const optT = (a: Args, k: string): Tensor | null => (a[k] === undefined || a[k] === null ? null : T(a, k));
const N = (a: Args, k: string): number => {
  const v = a[k];
  if (typeof v !== 'number') throw new TypeError(`argument '${k}' must be a number, got ${describe(v)}`);
  return v;
};
const optN = (a: Args, k: string): number | undefined =>
  a[k] === undefined || a[k] === null ? undefined : N(a, k);
const optB = (a: Args, k: string): boolean | undefined => {
  const v = a[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new TypeError(`argument '${k}' must be a bool, got ${describe(v)}`);
  return v;
};
const optS = <S extends string>(a: Args, k: string): S | undefined => {
  const v = a[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new TypeError(`argument '${k}' must be a string, got ${describe(v)}`);
  return v as S;
};
const ints = (a: Args, k: string): number[] => {
  const v = a[k];
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw new TypeError(`argument '${k}' must be an int or a list of ints, got ${describe(v)}`);
};
/** `dim` that may be absent, an int or a list (reductions). */
const dims = (a: Args, k = 'dim'): number | number[] | undefined =>
  a[k] === undefined || a[k] === null ? undefined : typeof a[k] === 'number' ? N(a, k) : ints(a, k);
const scalarOrT = (a: Args, k: string): Tensor | number => {
  const v = a[k];
  if (v instanceof Tensor || typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  throw new TypeError(`argument '${k}' must be a tensor or a number, got ${describe(v)}`);
};
const tensors = (a: Args, k: string): Tensor[] => {
  const v = a[k];
  if (Array.isArray(v) && v.every((x) => x instanceof Tensor)) return v as Tensor[];
  throw new TypeError(`argument '${k}' must be a list of tensors, got ${describe(v)}`);
};
function describe(v: Arg): string {
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape [${v.shape.join(', ')}]`;
  return JSON.stringify(v) ?? 'nothing';
}
const kd = (a: Args) => ({ keepdim: optB(a, 'keepdim') ?? false });

/** `torch.nn.functional` as it exists at call time (another layer owns it; it may be missing). */
function nnFunctional(name: string, pyName: string): (...xs: unknown[]) => OpResult {
  const F = (torch as unknown as { nn?: { functional?: Record<string, unknown> } }).nn?.functional;
  const f = F?.[name];
  if (typeof f !== 'function')
    throw new UnsupportedOpError(`unsupported op ${pyName} (torch.nn.functional.${name} does not exist)`);
  return f as (...xs: unknown[]) => OpResult;
}

const unary = (f: (x: Tensor) => Tensor): Mapping => ({ params: ['input'], call: (a) => f(T(a, 'input')) });
const binary = (f: (x: Tensor, y: Tensor | number) => Tensor): Mapping => ({
  params: ['input', 'other'],
  call: (a) => f(T(a, 'input'), scalarOrT(a, 'other')),
});
const reduction = (
  f: (x: Tensor, d: number | number[] | undefined, o: { keepdim: boolean }) => Tensor,
): Mapping => ({
  params: ['input', 'dim', 'keepdim'],
  call: (a) => f(T(a, 'input'), dims(a), kd(a)),
});
/** torch.max / torch.min: all-reduce, (values, indices) along a dim, or elementwise with a tensor. */
const extreme = (which: 'max' | 'min'): Mapping => ({
  params: ['input', 'dim', 'keepdim'],
  call: (a) => {
    const x = T(a, 'input');
    const d = a.dim;
    if (d === undefined || d === null) return which === 'max' ? x.max() : x.min();
    if (d instanceof Tensor) return which === 'max' ? x.max(d) : x.min(d);
    return which === 'max' ? x.max(N(a, 'dim'), kd(a)) : x.min(N(a, 'dim'), kd(a));
  },
});
const varLike = (f: typeof torch.var): Mapping => ({
  params: ['input', 'dim', 'unbiased', 'keepdim', 'correction'],
  call: (a) =>
    f(T(a, 'input'), dims(a), {
      ...kd(a),
      ...(a.unbiased !== undefined ? { unbiased: optB(a, 'unbiased') } : {}),
      ...(a.correction !== undefined ? { correction: optN(a, 'correction') } : {}),
    }),
});
const reduction4 = (r: Args): loss.Reduction => optS<loss.Reduction>(r, 'reduction') ?? 'mean';
const pairLoss = (
  f: (x: Tensor, y: Tensor, o: { reduction: loss.Reduction }) => Tensor,
  extra: readonly string[] = [],
  opts: (a: Args) => object = () => ({}),
): Mapping => ({
  params: ['input', 'target', ...extra, 'size_average', 'reduce', 'reduction'],
  call: (a) => f(T(a, 'input'), T(a, 'target'), { reduction: reduction4(a), ...opts(a) }),
});

export const mappings: Record<string, Mapping> = {
  // ---- elementwise ----
  'torch.neg': unary(torch.neg),
  'torch.abs': unary(torch.abs),
  'torch.exp': unary(torch.exp),
  'torch.expm1': unary(torch.expm1),
  'torch.log': unary(torch.log),
  'torch.log1p': unary(torch.log1p),
  'torch.log2': unary(torch.log2),
  'torch.sqrt': unary(torch.sqrt),
  'torch.rsqrt': unary(torch.rsqrt),
  'torch.reciprocal': unary(torch.reciprocal),
  'torch.square': unary(torch.square),
  'torch.sin': unary(torch.sin),
  'torch.cos': unary(torch.cos),
  'torch.tan': unary(torch.tan),
  'torch.tanh': unary(torch.tanh),
  'torch.sigmoid': unary(torch.sigmoid),
  'torch.relu': unary(torch.relu),
  'torch.erf': unary(torch.erf),
  'torch.sign': unary(torch.sign),
  'torch.floor': unary(torch.floor),
  'torch.ceil': unary(torch.ceil),
  'torch.round': unary(torch.round),
  'torch.trunc': unary(torch.trunc),
  'torch.clamp': {
    params: ['input', 'min', 'max'],
    call: (a) =>
      torch.clamp(T(a, 'input'), {
        min: (a.min as Tensor | number) ?? null,
        max: (a.max as Tensor | number) ?? null,
      }),
  },
  'torch.pow': {
    params: ['input', 'exponent'],
    call: (a) => torch.pow(scalarOrT(a, 'input'), scalarOrT(a, 'exponent')),
  },
  // ---- activations (F.*): torchts's functions in src/ops/activation.ts ----
  'F.relu': unary(torch.relu),
  'F.sigmoid': unary(torch.sigmoid),
  'F.tanh': unary(torch.tanh),
  'F.gelu': {
    params: ['input', 'approximate'],
    call: (a) =>
      torch.gelu(T(a, 'input'), { approximate: optS<'none' | 'tanh'>(a, 'approximate') ?? 'none' }),
  },
  'F.silu': { params: ['input', 'inplace'], call: (a) => torch.silu(T(a, 'input')) },
  'F.mish': { params: ['input', 'inplace'], call: (a) => torch.mish(T(a, 'input')) },
  'F.selu': { params: ['input', 'inplace'], call: (a) => torch.selu(T(a, 'input')) },
  'F.relu6': { params: ['input', 'inplace'], call: (a) => torch.relu6(T(a, 'input')) },
  'F.softplus': {
    params: ['input', 'beta', 'threshold'],
    call: (a) => torch.softplus(T(a, 'input'), optN(a, 'beta') ?? 1, optN(a, 'threshold') ?? 20),
  },
  'F.leaky_relu': {
    params: ['input', 'negative_slope', 'inplace'],
    call: (a) => torch.leakyRelu(T(a, 'input'), optN(a, 'negative_slope') ?? 0.01),
  },
  'F.elu': {
    params: ['input', 'alpha', 'inplace'],
    call: (a) => torch.elu(T(a, 'input'), optN(a, 'alpha') ?? 1),
  },
  'F.hardtanh': {
    params: ['input', 'min_val', 'max_val', 'inplace'],
    call: (a) => torch.hardtanh(T(a, 'input'), optN(a, 'min_val') ?? -1, optN(a, 'max_val') ?? 1),
  },
  // ---- binary, comparisons ----
  'torch.add': {
    params: ['input', 'other', 'alpha'],
    call: (a) => torch.add(T(a, 'input'), scalarOrT(a, 'other'), { alpha: optN(a, 'alpha') ?? 1 }),
  },
  'torch.sub': {
    params: ['input', 'other', 'alpha'],
    call: (a) => torch.sub(T(a, 'input'), scalarOrT(a, 'other'), { alpha: optN(a, 'alpha') ?? 1 }),
  },
  'torch.mul': binary(torch.mul),
  'torch.div': {
    params: ['input', 'other', 'rounding_mode'],
    call: (a) =>
      torch.div(T(a, 'input'), scalarOrT(a, 'other'), {
        roundingMode: optS<'trunc' | 'floor'>(a, 'rounding_mode') ?? null,
      }),
  },
  'torch.remainder': binary(torch.remainder),
  'torch.maximum': binary(torch.maximum),
  'torch.minimum': binary(torch.minimum),
  'torch.eq': binary(torch.eq),
  'torch.ne': binary(torch.ne),
  'torch.lt': binary(torch.lt),
  'torch.le': binary(torch.le),
  'torch.gt': binary(torch.gt),
  'torch.ge': binary(torch.ge),
  'torch.where': {
    params: ['condition', 'input', 'other'],
    call: (a) => torch.where(T(a, 'condition'), scalarOrT(a, 'input'), scalarOrT(a, 'other')),
  },
  'Tensor.masked_fill': {
    params: ['self', 'mask', 'value'],
    call: (a) => T(a, 'self').maskedFill(T(a, 'mask'), scalarOrT(a, 'value')),
  },
  // ---- reductions ----
  'torch.sum': reduction(torch.sum),
  'torch.mean': reduction(torch.mean),
  'torch.prod': reduction(torch.prod),
  'torch.amax': reduction(torch.amax),
  'torch.amin': reduction(torch.amin),
  'torch.max': extreme('max'),
  'torch.min': extreme('min'),
  'torch.argmax': {
    params: ['input', 'dim', 'keepdim'],
    call: (a) => torch.argmax(T(a, 'input'), optN(a, 'dim') ?? null, kd(a)),
  },
  'torch.argmin': {
    params: ['input', 'dim', 'keepdim'],
    call: (a) => torch.argmin(T(a, 'input'), optN(a, 'dim') ?? null, kd(a)),
  },
  'torch.var': varLike(torch.var),
  'torch.std': varLike(torch.std),
  'torch.logsumexp': reduction(torch.logsumexp),
  'torch.norm': {
    params: ['input', 'p', 'dim', 'keepdim'],
    call: (a) => torch.norm(T(a, 'input'), (a.p as number | 'fro' | undefined) ?? 'fro', dims(a), kd(a)),
  },
  'torch.cumsum': { params: ['input', 'dim'], call: (a) => torch.cumsum(T(a, 'input'), N(a, 'dim')) },
  'torch.all': reduction(torch.all),
  'torch.any': reduction(torch.any),
  // ---- shape ----
  'torch.reshape': {
    params: ['input', 'shape'],
    call: (a) => torch.reshape(T(a, 'input'), ints(a, 'shape')),
  },
  'Tensor.view': { params: ['self', 'size'], call: (a) => torch.view(T(a, 'self'), ints(a, 'size')) },
  'torch.transpose': {
    params: ['input', 'dim0', 'dim1'],
    call: (a) => torch.transpose(T(a, 'input'), N(a, 'dim0'), N(a, 'dim1')),
  },
  'torch.permute': { params: ['input', 'dims'], call: (a) => torch.permute(T(a, 'input'), ints(a, 'dims')) },
  'torch.flatten': {
    params: ['input', 'start_dim', 'end_dim'],
    call: (a) => torch.flatten(T(a, 'input'), optN(a, 'start_dim') ?? 0, optN(a, 'end_dim') ?? -1),
  },
  'torch.unsqueeze': { params: ['input', 'dim'], call: (a) => torch.unsqueeze(T(a, 'input'), N(a, 'dim')) },
  'torch.squeeze': { params: ['input', 'dim'], call: (a) => torch.squeeze(T(a, 'input'), dims(a)) },
  'Tensor.expand': { params: ['self', 'size'], call: (a) => T(a, 'self').expand(ints(a, 'size')) },
  'Tensor.repeat': { params: ['self', 'repeats'], call: (a) => T(a, 'self').repeat(ints(a, 'repeats')) },
  'torch.cat': {
    params: ['tensors', 'dim'],
    tensorList: true,
    call: (a) => torch.cat(tensors(a, 'tensors'), optN(a, 'dim') ?? 0),
  },
  'torch.stack': {
    params: ['tensors', 'dim'],
    tensorList: true,
    call: (a) => torch.stack(tensors(a, 'tensors'), optN(a, 'dim') ?? 0),
  },
  'torch.narrow': {
    params: ['input', 'dim', 'start', 'length'],
    call: (a) => torch.narrow(T(a, 'input'), N(a, 'dim'), N(a, 'start'), N(a, 'length')),
  },
  'torch.split': {
    params: ['tensor', 'split_size_or_sections', 'dim'],
    call: (a) => {
      const s = a.split_size_or_sections;
      return torch.split(
        T(a, 'tensor'),
        typeof s === 'number' ? s : ints(a, 'split_size_or_sections'),
        optN(a, 'dim') ?? 0,
      );
    },
  },
  'torch.chunk': {
    params: ['input', 'chunks', 'dim'],
    call: (a) => torch.chunk(T(a, 'input'), N(a, 'chunks'), optN(a, 'dim') ?? 0),
  },
  'torch.tril': {
    params: ['input', 'diagonal'],
    call: (a) => torch.tril(T(a, 'input'), optN(a, 'diagonal') ?? 0),
  },
  'torch.triu': {
    params: ['input', 'diagonal'],
    call: (a) => torch.triu(T(a, 'input'), optN(a, 'diagonal') ?? 0),
  },
  'torch.flip': { params: ['input', 'dims'], call: (a) => torch.flip(T(a, 'input'), ints(a, 'dims')) },
  'F.pad': {
    params: ['input', 'pad', 'mode', 'value'],
    call: (a) => {
      const mode = optS(a, 'mode') ?? 'constant';
      if (mode !== 'constant') throw new UnsupportedOpError(`unsupported op F.pad(mode='${mode}')`);
      return torch.pad(T(a, 'input'), ints(a, 'pad'), 'constant', optN(a, 'value') ?? 0);
    },
  },
  // ---- indexing ----
  'torch.index_select': {
    params: ['input', 'dim', 'index'],
    call: (a) => torch.indexSelect(T(a, 'input'), N(a, 'dim'), T(a, 'index')),
  },
  'torch.gather': {
    params: ['input', 'dim', 'index'],
    call: (a) => torch.gather(T(a, 'input'), N(a, 'dim'), T(a, 'index')),
  },
  'torch.scatter_add': {
    params: ['input', 'dim', 'index', 'src'],
    call: (a) => torch.scatterAdd(T(a, 'input'), N(a, 'dim'), T(a, 'index'), T(a, 'src')),
  },
  'F.embedding': {
    params: ['input', 'weight', 'padding_idx'],
    call: (a) =>
      torch.embedding(T(a, 'input'), T(a, 'weight'), { paddingIdx: optN(a, 'padding_idx') ?? null }),
  },
  'F.one_hot': {
    params: ['tensor', 'num_classes'],
    call: (a) => torch.oneHot(T(a, 'tensor'), optN(a, 'num_classes') ?? -1),
  },
  // ---- matmul ----
  'torch.matmul': { params: ['input', 'other'], call: (a) => torch.matmul(T(a, 'input'), T(a, 'other')) },
  'torch.mm': { params: ['input', 'mat2'], call: (a) => torch.mm(T(a, 'input'), T(a, 'mat2')) },
  'torch.bmm': { params: ['input', 'mat2'], call: (a) => torch.bmm(T(a, 'input'), T(a, 'mat2')) },
  'torch.dot': { params: ['input', 'other'], call: (a) => torch.dot(T(a, 'input'), T(a, 'other')) },
  'torch.outer': { params: ['input', 'vec2'], call: (a) => torch.outer(T(a, 'input'), T(a, 'vec2')) },
  'F.linear': {
    params: ['input', 'weight', 'bias'],
    call: (a) => torch.linear(T(a, 'input'), T(a, 'weight'), optT(a, 'bias')),
  },
  // ---- softmax ----
  'torch.softmax': { params: ['input', 'dim'], call: (a) => torch.softmax(T(a, 'input'), N(a, 'dim')) },
  'F.softmax': { params: ['input', 'dim'], call: (a) => torch.softmax(T(a, 'input'), N(a, 'dim')) },
  'torch.log_softmax': {
    params: ['input', 'dim'],
    call: (a) => torch.logSoftmax(T(a, 'input'), N(a, 'dim')),
  },
  'F.log_softmax': { params: ['input', 'dim'], call: (a) => torch.logSoftmax(T(a, 'input'), N(a, 'dim')) },
  // ---- losses: src/ops/loss.ts (nn.functional re-exports them) ----
  'F.cross_entropy': {
    params: [
      'input',
      'target',
      'weight',
      'size_average',
      'ignore_index',
      'reduce',
      'reduction',
      'label_smoothing',
    ],
    call: (a) =>
      loss.crossEntropy(T(a, 'input'), T(a, 'target'), {
        weight: optT(a, 'weight'),
        ignoreIndex: optN(a, 'ignore_index') ?? -100,
        reduction: reduction4(a),
        labelSmoothing: optN(a, 'label_smoothing') ?? 0,
      }),
  },
  'F.nll_loss': {
    params: ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction'],
    call: (a) =>
      loss.nllLoss(T(a, 'input'), T(a, 'target'), {
        weight: optT(a, 'weight'),
        ignoreIndex: optN(a, 'ignore_index') ?? -100,
        reduction: reduction4(a),
      }),
  },
  'F.mse_loss': pairLoss(loss.mseLoss),
  'F.l1_loss': pairLoss(loss.l1Loss),
  'F.smooth_l1_loss': pairLoss(loss.smoothL1Loss, ['beta'], (a) => ({ beta: optN(a, 'beta') ?? 1 })),
  'F.huber_loss': {
    params: ['input', 'target', 'reduction', 'delta'],
    call: (a) =>
      loss.huberLoss(T(a, 'input'), T(a, 'target'), {
        reduction: reduction4(a),
        delta: optN(a, 'delta') ?? 1,
      }),
  },
  'F.binary_cross_entropy': pairLoss(loss.binaryCrossEntropy, ['weight'], (a) => ({
    weight: optT(a, 'weight'),
  })),
  'F.binary_cross_entropy_with_logits': pairLoss(loss.binaryCrossEntropyWithLogits, ['weight'], (a) => ({
    weight: optT(a, 'weight'),
    posWeight: optT(a, 'pos_weight'),
  })),
  'F.kl_div': {
    params: ['input', 'target', 'size_average', 'reduce', 'reduction', 'log_target'],
    call: (a) =>
      loss.klDiv(T(a, 'input'), T(a, 'target'), {
        reduction: optS<loss.Reduction | 'batchmean'>(a, 'reduction') ?? 'mean',
        logTarget: optB(a, 'log_target') ?? false,
      }),
  },
  // ---- norm and conv: torch.nn.functional, looked up when called (another issue adds them).
  // Signatures: required arguments positional, PyTorch's optional ones in a trailing object.
  'F.layer_norm': {
    params: ['input', 'normalized_shape', 'weight', 'bias', 'eps'],
    call: (a) =>
      nnFunctional('layerNorm', 'F.layer_norm')(T(a, 'input'), ints(a, 'normalized_shape'), {
        weight: optT(a, 'weight'),
        bias: optT(a, 'bias'),
        eps: optN(a, 'eps') ?? 1e-5,
      }),
  },
  'F.batch_norm': {
    params: ['input', 'running_mean', 'running_var', 'weight', 'bias', 'training', 'momentum', 'eps'],
    call: (a) =>
      nnFunctional('batchNorm', 'F.batch_norm')(
        T(a, 'input'),
        optT(a, 'running_mean'),
        optT(a, 'running_var'),
        {
          weight: optT(a, 'weight'),
          bias: optT(a, 'bias'),
          training: optB(a, 'training') ?? false,
          momentum: optN(a, 'momentum') ?? 0.1,
          eps: optN(a, 'eps') ?? 1e-5,
        },
      ),
  },
  'F.normalize': {
    params: ['input', 'p', 'dim', 'eps'],
    call: (a) =>
      nnFunctional('normalize', 'F.normalize')(T(a, 'input'), {
        p: optN(a, 'p') ?? 2,
        dim: optN(a, 'dim') ?? 1,
        eps: optN(a, 'eps') ?? 1e-12,
      }),
  },
  'F.conv1d': convMapping('conv1d', 'F.conv1d'),
  'F.conv2d': convMapping('conv2d', 'F.conv2d'),
  'F.max_pool2d': {
    params: ['input', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
    call: (a) =>
      nnFunctional('maxPool2d', 'F.max_pool2d')(T(a, 'input'), a.kernel_size, {
        stride: a.stride ?? null,
        padding: a.padding ?? 0,
        dilation: a.dilation ?? 1,
        ceilMode: optB(a, 'ceil_mode') ?? false,
        returnIndices: optB(a, 'return_indices') ?? false,
      }),
  },
  'F.avg_pool2d': {
    params: [
      'input',
      'kernel_size',
      'stride',
      'padding',
      'ceil_mode',
      'count_include_pad',
      'divisor_override',
    ],
    call: (a) =>
      nnFunctional('avgPool2d', 'F.avg_pool2d')(T(a, 'input'), a.kernel_size, {
        stride: a.stride ?? null,
        padding: a.padding ?? 0,
        ceilMode: optB(a, 'ceil_mode') ?? false,
        countIncludePad: optB(a, 'count_include_pad') ?? true,
        divisorOverride: optN(a, 'divisor_override') ?? null,
      }),
  },
  'F.adaptive_avg_pool2d': {
    params: ['input', 'output_size'],
    call: (a) => nnFunctional('adaptiveAvgPool2d', 'F.adaptive_avg_pool2d')(T(a, 'input'), a.output_size),
  },
  'F.group_norm': {
    params: ['input', 'num_groups', 'weight', 'bias', 'eps'],
    call: (a) =>
      nnFunctional('groupNorm', 'F.group_norm')(T(a, 'input'), N(a, 'num_groups'), {
        weight: optT(a, 'weight'),
        bias: optT(a, 'bias'),
        eps: optN(a, 'eps') ?? 1e-5,
      }),
  },
  'F.conv_transpose2d': {
    params: ['input', 'weight', 'bias', 'stride', 'padding', 'output_padding', 'groups', 'dilation'],
    call: (a) =>
      nnFunctional('convTranspose2d', 'F.conv_transpose2d')(T(a, 'input'), T(a, 'weight'), optT(a, 'bias'), {
        stride: a.stride ?? 1,
        padding: a.padding ?? 0,
        outputPadding: a.output_padding ?? 0,
        groups: optN(a, 'groups') ?? 1,
        dilation: a.dilation ?? 1,
      }),
  },
  'F.interpolate': {
    params: ['input', 'size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor'],
    call: (a) =>
      nnFunctional('interpolate', 'F.interpolate')(T(a, 'input'), {
        size: a.size ?? null,
        scaleFactor: a.scale_factor ?? null,
        mode: optS(a, 'mode') ?? 'nearest',
        alignCorners: optB(a, 'align_corners') ?? null,
        recomputeScaleFactor: optB(a, 'recompute_scale_factor') ?? null,
      }),
  },
};

function convMapping(name: string, pyName: string): Mapping {
  return {
    params: ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'],
    call: (a) =>
      nnFunctional(name, pyName)(T(a, 'input'), T(a, 'weight'), optT(a, 'bias'), {
        stride: a.stride ?? 1,
        padding: a.padding ?? 0,
        dilation: a.dilation ?? 1,
        groups: optN(a, 'groups') ?? 1,
      }),
  };
}

/**
 * Binds a case's positional values and keywords to the op's parameters and runs the torchts
 * call. `positional` is the tensor inputs not passed by keyword, in order, then `args`.
 */
export function callOp(
  op: string,
  positionalTensors: readonly Tensor[],
  args: readonly Arg[],
  kwargs: Args,
): Tensor[] {
  const m = mappings[op];
  if (!m) throw new UnsupportedOpError(`unsupported op ${op}`);
  for (const k of Object.keys(kwargs))
    if (!m.params.includes(k)) throw new UnsupportedOpError(`unsupported keyword argument ${op}(${k}=...)`);
  // The case files record some positional non-tensor arguments as keywords
  // (`torch.gather(x0, 1, x1)` has kwargs {dim: 1}): positional values fill the parameters that
  // the keywords leave free, in order.
  const bound: Args = { ...kwargs };
  const free = m.params.filter((p) => !(p in kwargs));
  const pos: Arg[] = m.tensorList ? [positionalTensors, ...args] : [...positionalTensors, ...args];
  if (pos.length > free.length)
    throw new TypeError(`${op}: ${pos.length} positional arguments for parameters (${free.join(', ')})`);
  pos.forEach((v, i) => {
    bound[free[i]] = v;
  });
  const r = m.call(bound);
  return r instanceof Tensor ? [r] : [...r];
}
