/**
 * torch.autocast: mixed precision by op lists, PyTorch 1.13's (aten/src/ATen/autocast_mode.cpp).
 *
 * ```ts
 * { using _ = torch.autocast('webgpu'); loss = lossFn(model(x), y); }          // a `using` scope
 * const loss = torch.autocast({ deviceType: 'cuda' }, () => lossFn(model(x), y)); // a callback
 * ```
 *
 * Applied at ONE place: the call hook of the signature binder (signature/bind.ts), which every
 * public function and Tensor method goes through; the nn layers on the lists (Linear, Conv*,
 * ConvTranspose*, LayerNorm, GroupNorm, Softmax, the losses) call their bound `F.*` function as
 * PyTorch's modules do. The lists are per device type, as PyTorch's AutocastCUDA and AutocastCPU
 * keys: WebGPU tensors follow the CUDA lists (float16 by default), CPU tensors the CPU lists
 * (bfloat16, the only dtype 1.13's CPU autocast takes). Inside a region, for the tensors of its
 * device type:
 * - lower-precision ops cast floating inputs (not float64) to the region's dtype;
 * - float32 ops cast them to float32 (CUDA's reductions with a `dtype` parameter only when none
 *   is given);
 * - promote ops cast them to float32 if one is float32, else keep the region's dtype (another
 *   16-bit dtype is PyTorch's "Unexpected floating ScalarType" error);
 * - binary_cross_entropy raises on the GPU, as PyTorch's CUDA list does (float32 on the CPU).
 * Casts are differentiable (gradients reach float32 parameters in float32). With the cache on,
 * a float32 leaf that requires grad and is not a view (a parameter) is cast once: the outermost
 * region's exit drops the cache. Ops a backward runs are never autocast (they are not bound calls).
 */
import { cast } from '../ops/pointwise.js';
import { ctorArgs, fn, registerCallHook, registerCtor } from '../signature/bind.js';
import { type DType, type DTypeLike, isFloat, normalizeDType } from '../tensor/dtype.js';
import { type AsyncStore, newAsyncStore } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

type Policy = 'lower' | 'fp32' | 'fp32OptDtype' | 'promote' | 'banned';
/** The two autocast device types: 'cuda' (WebGPU tensors) and 'cpu'. */
type Slot = 'cuda' | 'cpu';

/**
 * PyTorch 1.13's lists (the AutocastCUDA and AutocastCPU registrations of libtorch 1.13, checked
 * with `torch._C._dispatch_get_registrations_for_dispatch_key`), limited to the ops torchts has.
 * Keys are the public names without 'torch.', 'Tensor.' or 'F.' (so `torch.matmul`, `x.matmul`
 * and `F.linear` share one entry; `linalg.inv` stays apart from `inverse`). In-place forms
 * (`indexCopy_`) are not on the lists, as in PyTorch.
 */
const LISTS: Record<Slot, Partial<Record<Policy, readonly string[]>>> = {
  cuda: {
    lower: [
      'conv1d',
      'conv2d',
      'conv3d',
      'convTranspose1d',
      'convTranspose2d',
      'convTranspose3d',
      'prelu',
      'addmm',
      'addmv',
      'addr',
      'matmul',
      'einsum',
      'mm',
      'mv',
      'linear',
      'addbmm',
      'baddbmm',
      'bmm',
      'linalg.multiDot',
    ],
    fp32: [
      'acos',
      'asin',
      'cosh',
      'erfinv',
      'exp',
      'expm1',
      'log',
      'log10',
      'log2',
      'log1p',
      'reciprocal',
      'rsqrt',
      'sinh',
      'tan',
      'pow',
      'softplus',
      'layerNorm',
      'nativeLayerNorm',
      'groupNorm',
      'norm', // fp32_append_dtype: norm(..., dtype=float32), the same float32 result
      'cosineSimilarity',
      'poissonNllLoss',
      'cosineEmbeddingLoss',
      'nllLoss',
      'hingeEmbeddingLoss',
      'klDiv',
      'l1Loss',
      'smoothL1Loss',
      'huberLoss',
      'mseLoss',
      'marginRankingLoss',
      'multilabelMarginLoss',
      'softMarginLoss',
      'tripletMarginLoss',
      'multiMarginLoss',
      'binaryCrossEntropyWithLogits',
      'dist',
      'pdist',
      'cdist',
      'renorm',
      'logsumexp',
    ],
    fp32OptDtype: ['prod', 'softmax', 'logSoftmax', 'cumprod', 'cumsum', 'sum'],
    promote: [
      'addcdiv',
      'addcmul',
      'atan2',
      'bilinear',
      'cross',
      'dot',
      'gridSample', // grid_sampler
      'indexPut',
      'tensordot',
      'scatterAdd',
    ],
    banned: ['binaryCrossEntropy'],
  },
  cpu: {
    lower: ['conv1d', 'conv2d', 'conv3d', 'bmm', 'mm', 'baddbmm', 'addmm', 'addbmm', 'linear', 'matmul'],
    fp32: [
      'convTranspose1d', // 1.13's CPU list has the transposed convolutions in float32
      'convTranspose2d',
      'convTranspose3d',
      'avgPool3d',
      'binaryCrossEntropy',
      'gridSample', // grid_sampler
      'prod',
      'quantile',
      'nanquantile',
      'stft',
      'cdist',
      'trace',
      'cholesky',
      'choleskyInverse',
      'choleskySolve',
      'inverse',
      'ormqr',
      'pinverse',
      'maxPool3d',
      'maxUnpool2d',
      'maxUnpool3d',
      'adaptiveAvgPool3d',
      'adaptiveMaxPool3d',
      'mseLoss',
      'cosineEmbeddingLoss',
      'nllLoss',
      'hingeEmbeddingLoss',
      'poissonNllLoss',
      'smoothL1Loss',
      'crossEntropy', // cross_entropy_loss
      'l1Loss',
      'huberLoss',
      'marginRankingLoss',
      'softMarginLoss',
      'tripletMarginLoss',
      'multiMarginLoss',
      'ctcLoss',
      'klDiv',
      'multilabelMarginLoss',
      'binaryCrossEntropyWithLogits',
      'fft.irfft',
      'fft.irfft2',
      'fft.irfftn',
      'fft.hfft',
      'linalg.cond',
      'linalg.matrixRank',
      'linalg.solve',
      'linalg.cholesky',
      'linalg.svdvals',
      'linalg.eigvalsh',
      'linalg.inv',
      'linalg.householderProduct',
      'linalg.tensorinv',
      'linalg.tensorsolve',
      'linalg.matrixNorm',
      'geqrf',
      'qr',
      'svd',
      'symeig',
      'triangularSolve',
      'linalg.qr',
      'linalg.svd',
      'linalg.eigh',
      'linalg.lstsq',
    ],
    // cat is on 1.13's CPU list too, but its wrapper passes the list through uncast (its
    // ITensorListRef overload): cat keeps its own type promotion, which the fixture confirms.
    promote: ['stack', 'indexCopy'],
  },
};

/** A policy that holds only for some arguments. */
interface Rule {
  policy: Policy;
  when?: (a: Record<string, unknown>) => boolean;
}
/**
 * Ops whose PyTorch implementation reaches a listed op inside (so the listed op's policy shows in
 * their result): PyTorch's composite calls dispatch again, torchts's internals do not.
 */
const REACHED: Record<Slot, Record<string, Rule>> = {
  cuda: {
    crossEntropy: { policy: 'fp32' }, // log_softmax + nll_loss, both float32
    normalize: { policy: 'fp32' }, // input / norm(input): the float32 norm makes it float32
    softmin: { policy: 'fp32OptDtype' }, // softmax(-input)
  },
  cpu: {
    tensordot: { policy: 'lower' }, // mm
    // mm, once multi_dot's own same-dtype check passed
    'linalg.multiDot': {
      policy: 'lower',
      when: (a) => new Set((a.tensors as Tensor[]).map((t) => t.dtype)).size === 1,
    },
    einsum: { policy: 'lower', when: (a) => (a.tensors as unknown[]).length >= 2 }, // bmm
    // reflection_pad1d/2d, replication_pad1d/2d/3d (not reflection_pad3d)
    pad: {
      policy: 'fp32',
      when: (a) => {
        const n = (a.pad as unknown[]).length;
        return (a.mode === 'reflect' && (n === 2 || n === 4)) || (a.mode === 'replicate' && n <= 6);
      },
    },
  },
};

/** Op key -> rule, per device type: the one table (method, torch.* and F.* spellings share it). */
const TABLE: Record<Slot, Map<string, Rule>> = { cuda: new Map(), cpu: new Map() };
for (const slot of ['cuda', 'cpu'] as const) {
  for (const [policy, names] of Object.entries(LISTS[slot]))
    for (const n of names) TABLE[slot].set(n, { policy: policy as Policy });
  for (const [n, r] of Object.entries(REACHED[slot])) TABLE[slot].set(n, r);
}

/** The op lists per device type ('cuda' for the GPU, 'cpu'), for tests and docs. */
export const autocastLists = {
  cuda: { ...LISTS.cuda, reached: Object.keys(REACHED.cuda) },
  cpu: { ...LISTS.cpu, reached: Object.keys(REACHED.cpu) },
} as const;

/** The op key of a bound label: 'Tensor.matmul' -> 'matmul', 'torch.linalg.inv' -> 'linalg.inv'. */
const keys = new Map<string, string>();
function keyOf(label: string): string {
  let k = keys.get(label);
  if (k === undefined) keys.set(label, (k = label.replace(/^(torch|Tensor|F)\./, '')));
  return k;
}

/** Autocast's thread-local state in PyTorch: per device type enabled + dtype, the cache flag. */
interface Mode {
  enabled: Record<Slot, boolean>;
  dtype: Record<Slot, DType>;
  cacheEnabled: boolean;
}
interface Frame {
  mode: Mode;
  /** Float32 leaves cast to a lower dtype (cacheEnabled), shared with async child frames. */
  cache: Map<Tensor, Tensor>;
  /** autocast_increment_nesting's count: regions entered and not left. */
  depth: number;
}
const newMode = (): Mode => ({
  enabled: { cuda: false, cpu: false },
  dtype: { cuda: 'float16', cpu: 'bfloat16' },
  cacheEnabled: true,
});
const copyMode = (m: Mode): Mode => ({
  enabled: { ...m.enabled },
  dtype: { ...m.dtype },
  cacheEnabled: m.cacheEnabled,
});

const root: Frame = { mode: newMode(), cache: new Map(), depth: 0 };

type Als = AsyncStore<Frame>;
let als: Als | null | undefined;
function getAls(): Als | null {
  if (als === undefined) als = newAsyncStore();
  return als;
}
let asyncScopes = 0;
const frame = (): Frame => (asyncScopes === 0 ? root : (als!.getStore() ?? root));

/** 'cuda' and 'webgpu' name the GPU's autocast (WebGPU plays CUDA's role); 'cpu' the CPU's. */
function slotOf(deviceType: string, label: string): Slot {
  if (deviceType === 'cpu') return 'cpu';
  if (deviceType === 'cuda' || deviceType === 'webgpu') return 'cuda';
  throw new Error(
    `${label}: User specified autocast device_type must be 'cuda' or 'cpu' ('webgpu' names the GPU too), got '${deviceType}'`,
  );
}
/** The autocast device type of a tensor's device. */
const tensorSlot = (t: Tensor): Slot | null =>
  t.device.type === 'cpu' ? 'cpu' : t.device.type === 'webgpu' ? 'cuda' : null;

const CPU_DTYPE_WARNING =
  'In CPU autocast, but the target dtype is not supported. Disabling autocast.\n' +
  'CPU Autocast only supports dtype of torch.bfloat16 currently.';
const CPU_DTYPE_ERROR = 'Currently, AutocastCPU only support Bfloat16 as the autocast_cpu_dtype';

function castArg(x: Tensor, to: DType, f: Frame, slot: Slot): Tensor {
  if (x.dtype === to) return x;
  // PyTorch's cached_cast: lower-precision casts of float32 leaves that require grad (weights).
  const cacheable =
    f.mode.cacheEnabled &&
    to === f.mode.dtype[slot] &&
    x.dtype === 'float32' &&
    x.requiresGrad &&
    x.isLeaf &&
    x.base === null;
  if (!cacheable) return cast(x, to);
  let c = f.cache.get(x);
  if (!c) f.cache.set(x, (c = cast(x, to)));
  return c;
}

/** PyTorch's is_eligible: a floating tensor (not float64) of the region's device type. */
const eligible = (v: unknown, slot: Slot): v is Tensor =>
  v instanceof Tensor && tensorSlot(v) === slot && isFloat(v.dtype) && v.dtype !== 'float64';

/** The call hook: casts the tensor arguments of listed ops (signature/bind.ts runs it). */
function hook<R>(label: string, a: Record<string, unknown>, impl: (a: Record<string, unknown>) => R): R {
  const f = frame();
  const on = f.mode.enabled;
  if (!on.cuda && !on.cpu) return impl(a);
  // The device type: that of the first tensor argument (a list's first element for cat/stack).
  let slot: Slot | null = null;
  for (const v of Object.values(a)) {
    const t =
      v instanceof Tensor ? v : Array.isArray(v) && v[0] instanceof Tensor ? (v[0] as Tensor) : undefined;
    if (t) {
      slot = tensorSlot(t);
      break;
    }
  }
  if (slot === null || !on[slot]) return impl(a);
  const rule = TABLE[slot].get(keyOf(label));
  if (!rule || (rule.when && !rule.when(a))) return impl(a);
  const { policy } = rule;
  if (policy === 'banned')
    throw new Error(
      'torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n' +
        'Many models use a sigmoid layer right before the binary cross entropy layer.\n' +
        'In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n' +
        'or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n' +
        'safe to autocast.',
    );
  if (policy === 'fp32OptDtype' && a.dtype != null) return impl(a);
  const low = f.mode.dtype[slot];
  let to: DType;
  if (policy === 'lower') to = low;
  else if (policy === 'promote') {
    // PyTorch's promote_type/prioritize: float32 wins, float64 is ignored, the region's dtype
    // stays; any other floating dtype is an error.
    to = low;
    const visit = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (eligible(v, slot) && to !== 'float32') {
        if (v.dtype === 'float32') to = 'float32';
        else if (v.dtype !== low)
          throw new Error('Unexpected floating ScalarType in at::autocast::prioritize');
      }
    };
    Object.values(a).forEach(visit);
  } else to = 'float32';
  const b: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a))
    b[k] = eligible(v, slot)
      ? castArg(v, to, f, slot)
      : Array.isArray(v) && v.some((x) => eligible(x, slot))
        ? v.map((x) => (eligible(x, slot) ? castArg(x, to, f, slot) : x))
        : v;
  return impl(b);
}
registerCallHook(hook);

/** torch.autocast's options. */
export interface AutocastOptions {
  /** The device type the region applies to: 'cpu', or 'cuda'/'webgpu' for the GPU. */
  deviceType: string;
  /** The lower-precision dtype (default: the device type's current autocast dtype, initially bfloat16 on 'cpu', float16 on the GPU). */
  dtype?: DTypeLike | null;
  /** false makes the region a no-op (and disables an enclosing one for this device type; default true). */
  enabled?: boolean;
  /** Cast each float32 leaf (a weight) once per outermost region and reuse it (default: the current setting, initially true). */
  cacheEnabled?: boolean | null;
}

/** An entered autocast region: leave it with `using` (Symbol.dispose) or `exit()`. */
export class AutocastRegion {
  private left = false;
  constructor(
    private readonly frame: Frame,
    private readonly slot: Slot,
    private readonly prevEnabled: boolean,
    private readonly prevDtype: DType,
    private readonly prevCache: boolean,
  ) {}
  /** Leaves the region: the previous setting comes back; the outermost exit drops the cast cache. */
  exit(): void {
    if (this.left) return;
    this.left = true;
    const f = this.frame;
    if (--f.depth <= 0) {
      f.depth = 0;
      f.cache.clear();
    }
    f.mode.enabled[this.slot] = this.prevEnabled;
    f.mode.dtype[this.slot] = this.prevDtype;
    f.mode.cacheEnabled = this.prevCache;
  }
  [Symbol.dispose](): void {
    this.exit();
  }
}

interface Resolved {
  deviceType: string;
  dtype: DTypeLike | null;
  enabled: boolean;
  cacheEnabled: boolean | null;
}

/** PyTorch's autocast.__init__ then __enter__. */
function enter(f: Frame, o: Resolved, label: string): AutocastRegion {
  const slot = slotOf(o.deviceType, label);
  const dtype = o.dtype === null ? f.mode.dtype[slot] : normalizeDType(o.dtype);
  const cacheEnabled = o.cacheEnabled ?? f.mode.cacheEnabled;
  if (slot === 'cpu' && dtype !== 'bfloat16') {
    // 1.13 warns and disables, then __enter__'s set_autocast_cpu_dtype refuses the dtype.
    console.warn(`UserWarning: ${CPU_DTYPE_WARNING}`);
    throw new Error(`${label}: ${CPU_DTYPE_ERROR} (got ${dtype})`);
  }
  const region = new AutocastRegion(f, slot, f.mode.enabled[slot], f.mode.dtype[slot], f.mode.cacheEnabled);
  f.mode.enabled[slot] = o.enabled;
  f.mode.dtype[slot] = dtype;
  f.depth++;
  f.mode.cacheEnabled = cacheEnabled;
  return region;
}

/** Runs `fn` inside a region (an async fn in its own async-context frame, like noGrad's). */
function scoped<T>(o: Resolved, label: string, fn: () => T): T {
  const isAsync = fn.constructor?.name === 'AsyncFunction';
  if (!isAsync) {
    const region = enter(frame(), o, label);
    try {
      const r = fn();
      if (r instanceof Promise)
        throw new TypeError(
          `${label}: the callback returned a Promise; pass an async function so the region follows its awaits`,
        );
      return r;
    } finally {
      region.exit();
    }
  }
  const a = getAls();
  if (!a) throw new TypeError(`${label}: async callbacks need AsyncLocalStorage (not available here)`);
  const parent = frame();
  const f: Frame = { mode: copyMode(parent.mode), cache: parent.cache, depth: parent.depth };
  const region = enter(f, o, label);
  asyncScopes++;
  let p: Promise<unknown>;
  try {
    p = a.run(f, fn as () => Promise<unknown>);
  } catch (e) {
    asyncScopes--;
    region.exit();
    throw e;
  }
  return p.finally(() => {
    asyncScopes--;
    region.exit();
  }) as T;
}

function run(label: string, o: Resolved, fn: (() => unknown) | undefined): unknown {
  return fn ? scoped(o, label, fn) : enter(frame(), o, label);
}

/** A trailing function argument is the region's callback (torchts's form of `with`). */
function splitCallback(args: unknown[]): [unknown[], (() => unknown) | undefined] {
  const last = args[args.length - 1];
  return typeof last === 'function' ? [args.slice(0, -1), last as () => unknown] : [args, undefined];
}

const AUTOCAST_SIG =
  'autocast(str device_type, ScalarType? dtype=None, bool enabled=True, bool? cache_enabled=None)';
registerCtor('torch.autocast', AUTOCAST_SIG);

/**
 * torch.autocast(deviceType, dtype?, enabled?, cacheEnabled?), positional or as an options object
 * (`torch.autocast('cuda')`, `torch.autocast({ deviceType: 'cpu', cacheEnabled: false })`).
 * Without a callback it returns the entered region (`using _ = torch.autocast(...)`); with one
 * (a trailing function), it runs it inside the region and returns its result.
 */
export function autocast(deviceType: string | AutocastOptions): AutocastRegion;
export function autocast<T>(opts: string | AutocastOptions, fn: () => T): T;
export function autocast(...args: unknown[]): unknown {
  const [rest, cb] = splitCallback(args);
  const a = ctorArgs('torch.autocast', AUTOCAST_SIG, rest);
  return run(
    'torch.autocast',
    { deviceType: a.deviceType, dtype: a.dtype, enabled: a.enabled, cacheEnabled: a.cacheEnabled },
    cb,
  );
}

type DeviceAutocastOptions = Omit<AutocastOptions, 'deviceType'>;
function deviceAutocast(deviceType: Slot, label: string, dtype: DType) {
  const sig = 'autocast(bool enabled=True, ScalarType? dtype=None, bool cache_enabled=True)';
  registerCtor(label, sig);
  function f(opts?: DeviceAutocastOptions): AutocastRegion;
  function f<T>(opts: DeviceAutocastOptions, fn: () => T): T;
  function f(...args: unknown[]): unknown {
    const [rest, cb] = splitCallback(args);
    const a = ctorArgs(label, sig, rest);
    return run(
      label,
      { deviceType, dtype: a.dtype ?? dtype, enabled: a.enabled, cacheEnabled: a.cacheEnabled },
      cb,
    );
  }
  return f;
}

/** torch.cuda.amp.autocast({ enabled, dtype = float16, cacheEnabled = true }): the GPU's region. */
export const cudaAutocast = deviceAutocast('cuda', 'torch.cuda.amp.autocast', 'float16');
/** torch.cpu.amp.autocast({ enabled, dtype = bfloat16, cacheEnabled = true }): the CPU's region. */
export const cpuAutocast = deviceAutocast('cpu', 'torch.cpu.amp.autocast', 'bfloat16');

// PyTorch 1.13's autocast state functions (torch.is_autocast_enabled, ...), on the current
// (async-context) state; 'gpu'/'cuda' is the WebGPU device's autocast.
const slotArg = (v: string | null, label: string): Slot => (v === null ? 'cuda' : slotOf(v, label));
/**
 * torch.is_autocast_enabled(): whether the GPU's autocast is on; `deviceType` ('cuda', 'webgpu'
 * or 'cpu', PyTorch 2.x's form) picks another device type.
 */
export const isAutocastEnabled = fn(
  'torch.isAutocastEnabled',
  'is_autocast_enabled(str? device_type=None)',
  (a) => frame().mode.enabled[slotArg(a.deviceType, 'torch.isAutocastEnabled')],
);
/** torch.get_autocast_dtype(device_type) (PyTorch 2.x): the dtype autocast uses for a device type. */
export const getAutocastDtype = fn(
  'torch.getAutocastDtype',
  'get_autocast_dtype(str device_type)',
  (a) => frame().mode.dtype[slotOf(a.deviceType, 'torch.getAutocastDtype')],
);
/** torch.set_autocast_enabled(enabled): turns the GPU's autocast on or off (no region). */
export const setAutocastEnabled = fn(
  'torch.setAutocastEnabled',
  'set_autocast_enabled(bool enabled)',
  (a) => {
    frame().mode.enabled.cuda = a.enabled;
  },
);
/** torch.is_autocast_cpu_enabled() */
export const isAutocastCpuEnabled = fn(
  'torch.isAutocastCpuEnabled',
  'is_autocast_cpu_enabled()',
  () => frame().mode.enabled.cpu,
);
/** torch.set_autocast_cpu_enabled(enabled) */
export const setAutocastCpuEnabled = fn(
  'torch.setAutocastCpuEnabled',
  'set_autocast_cpu_enabled(bool enabled)',
  (a) => {
    frame().mode.enabled.cpu = a.enabled;
  },
);
/** torch.get_autocast_gpu_dtype() (float16 unless set) */
export const getAutocastGpuDtype = fn(
  'torch.getAutocastGpuDtype',
  'get_autocast_gpu_dtype()',
  () => frame().mode.dtype.cuda,
);
/** torch.set_autocast_gpu_dtype(dtype) */
export const setAutocastGpuDtype = fn(
  'torch.setAutocastGpuDtype',
  'set_autocast_gpu_dtype(ScalarType dtype)',
  (a) => {
    frame().mode.dtype.cuda = normalizeDType(a.dtype);
  },
);
/** torch.get_autocast_cpu_dtype() (bfloat16) */
export const getAutocastCpuDtype = fn(
  'torch.getAutocastCpuDtype',
  'get_autocast_cpu_dtype()',
  () => frame().mode.dtype.cpu,
);
/** torch.set_autocast_cpu_dtype(dtype): only bfloat16, as 1.13's. */
export const setAutocastCpuDtype = fn(
  'torch.setAutocastCpuDtype',
  'set_autocast_cpu_dtype(ScalarType dtype)',
  (a) => {
    const d = normalizeDType(a.dtype);
    if (d !== 'bfloat16') throw new Error(`${CPU_DTYPE_ERROR} (got ${d})`);
    frame().mode.dtype.cpu = d;
  },
);
/** torch.is_autocast_cache_enabled() */
export const isAutocastCacheEnabled = fn(
  'torch.isAutocastCacheEnabled',
  'is_autocast_cache_enabled()',
  () => frame().mode.cacheEnabled,
);
/** torch.set_autocast_cache_enabled(enabled) */
export const setAutocastCacheEnabled = fn(
  'torch.setAutocastCacheEnabled',
  'set_autocast_cache_enabled(bool enabled)',
  (a) => {
    frame().mode.cacheEnabled = a.enabled;
  },
);
/** torch.clear_autocast_cache(): drops the cast weights. */
export const clearAutocastCache = fn('torch.clearAutocastCache', 'clear_autocast_cache()', () => {
  frame().cache.clear();
});
/** torch.autocast_increment_nesting(): the new nesting depth. */
export const autocastIncrementNesting = fn(
  'torch.autocastIncrementNesting',
  'autocast_increment_nesting()',
  () => ++frame().depth,
);
/** torch.autocast_decrement_nesting(): the new nesting depth (the cache is the caller's to clear at 0). */
export const autocastDecrementNesting = fn(
  'torch.autocastDecrementNesting',
  'autocast_decrement_nesting()',
  () => {
    const f = frame();
    f.depth = Math.max(0, f.depth - 1);
    return f.depth;
  },
);
