/**
 * torch.autocast: mixed precision by op lists, PyTorch 1.13's (aten/src/ATen/autocast_mode.cpp).
 *
 * ```ts
 * { using _ = torch.autocast('webgpu'); loss = lossFn(model(x), y); }          // a `using` scope
 * const loss = torch.autocast({ deviceType: 'cuda' }, () => lossFn(model(x), y)); // a callback
 * ```
 *
 * Applied at ONE place: the call hook of the signature binder (signature/bind.ts), which every
 * public function and Tensor method goes through; the nn layers on the lists (Linear, Conv,
 * LayerNorm, GroupNorm, Softmax, the losses) call their bound `F.*` function as PyTorch's modules
 * do. Inside a region, for tensors on the region's device type:
 * - lower-precision ops (matmul, linear, conv, bmm, ...) cast floating inputs (not float64) to
 *   the region's dtype (float16 for 'cuda'/'webgpu', bfloat16 for 'cpu' by default);
 * - float32 ops (softmax, log_softmax, losses, norms, exp, log, pow, sum, cumsum, ...) cast them to
 *   float32 (the reductions with a `dtype` parameter only when none is given);
 * - promote ops (cat, stack, addcmul, ...) cast them to the widest floating dtype among them;
 * - binary_cross_entropy raises, as PyTorch's (use binary_cross_entropy_with_logits).
 * Casts are differentiable (gradients reach float32 parameters in float32). With `cacheEnabled`,
 * a float32 leaf that requires grad (a parameter) is cast once per region: the outermost region's
 * exit drops the cache. Ops a backward runs are never autocast (they are not bound calls).
 */
import { cast } from '../ops/pointwise.js';
import { registerCallHook } from '../signature/bind.js';
import { device } from '../tensor/device.js';
import { type DType, type DTypeLike, isFloat, normalizeDType, promoteTypes } from '../tensor/dtype.js';
import { type AsyncStore, newAsyncStore } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

type Policy = 'lower' | 'fp32' | 'fp32OptDtype' | 'promote' | 'banned';

const LOWER = [
  'matmul',
  'mm',
  'mv',
  'bmm',
  'addmm',
  'addmv',
  'addr',
  'addbmm',
  'baddbmm',
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'convTranspose1d',
  'convTranspose2d',
  'convTranspose3d',
  'prelu',
  'chainMatmul',
];
const FP32 = [
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
  'groupNorm',
  'norm',
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
  'crossEntropy',
  'dist',
  'pdist',
  'cdist',
  'renorm',
  'logsumexp',
];
const FP32_OPT_DTYPE = ['prod', 'softmax', 'logSoftmax', 'cumprod', 'cumsum', 'sum'];
const PROMOTE = [
  'addcdiv',
  'addcmul',
  'atan2',
  'bilinear',
  'cross',
  'dot',
  'indexPut',
  'tensordot',
  'scatterAdd',
  'cat',
  'stack',
  'indexCopy',
];

/** Op name -> policy: the one table (method, torch.* and F.* spellings share it). */
const POLICY = new Map<string, Policy>([
  ...LOWER.map((n) => [n, 'lower'] as const),
  ...FP32.map((n) => [n, 'fp32'] as const),
  ...FP32_OPT_DTYPE.map((n) => [n, 'fp32OptDtype'] as const),
  ...PROMOTE.map((n) => [n, 'promote'] as const),
  ['binaryCrossEntropy', 'banned'],
]);

/** The op lists, for tests and docs. */
export const autocastLists = { lower: LOWER, fp32: [...FP32, ...FP32_OPT_DTYPE], promote: PROMOTE } as const;

interface Setting {
  dtype: DType;
  cache: boolean;
}
/** Per device type ('cpu', 'webgpu'): the enabled region's setting, or null. */
interface Frame {
  settings: Map<string, Setting | null>;
  /** Float32 leaves cast to a lower dtype in the outermost region (cacheEnabled). */
  cache: Map<Tensor, Tensor>;
  depth: number;
}

const root: Frame = { settings: new Map(), cache: new Map(), depth: 0 };
const current: Frame = root;
/** Regions entered and not left (any device): while 0, the hook does nothing. */
let active = 0;

type Als = AsyncStore<Frame>;
let als: Als | null | undefined;
function getAls(): Als | null {
  if (als === undefined) als = newAsyncStore();
  return als;
}
let asyncScopes = 0;
const frame = (): Frame => (asyncScopes === 0 ? current : (als!.getStore() ?? current));

/** The setting that applies to tensors of this device type, or null. */
function settingFor(deviceType: string): Setting | null {
  return frame().settings.get(deviceType) ?? null;
}

/** Whether autocast is on for a device type ('cuda' and 'gpu' name the accelerator). */
export function isAutocastEnabled(deviceType = 'cuda'): boolean {
  return settingFor(device(deviceType).type) !== null;
}

/** The dtype autocast uses for a device type (its region's, else the default). */
export function getAutocastDtype(deviceType = 'cuda'): DType {
  const t = device(deviceType).type;
  return settingFor(t)?.dtype ?? defaultDtype(t);
}

const defaultDtype = (type: string): DType => (type === 'cpu' ? 'bfloat16' : 'float16');

function castArg(x: Tensor, to: DType, f: Frame, s: Setting): Tensor {
  if (x.dtype === to) return x;
  const cacheable = s.cache && to !== 'float32' && x.dtype === 'float32' && x.requiresGrad && x.isLeaf;
  if (!cacheable) return cast(x, to);
  let c = f.cache.get(x);
  if (!c) f.cache.set(x, (c = cast(x, to)));
  return c;
}

const eligible = (v: unknown, type: string): v is Tensor =>
  v instanceof Tensor && v.device.type === type && isFloat(v.dtype) && v.dtype !== 'float64';

/** The call hook: casts the tensor arguments of listed ops (signature/bind.ts runs it). */
function hook<R>(label: string, a: Record<string, unknown>, impl: (a: Record<string, unknown>) => R): R {
  if (active === 0) return impl(a);
  const name = label.slice(label.lastIndexOf('.') + 1);
  const policy = POLICY.get(name);
  if (!policy) return impl(a);
  // The device type: that of the first tensor argument (a list's first element for cat/stack).
  let type: string | undefined;
  for (const v of Object.values(a)) {
    const t =
      v instanceof Tensor ? v : Array.isArray(v) && v[0] instanceof Tensor ? (v[0] as Tensor) : undefined;
    if (t) {
      type = t.device.type;
      break;
    }
  }
  if (type === undefined) return impl(a);
  const f = frame();
  const s = f.settings.get(type);
  if (!s) return impl(a);
  if (policy === 'banned')
    throw new Error(
      'torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n' +
        'Many models use a sigmoid layer right before the binary cross entropy layer.\n' +
        'In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n' +
        'or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n' +
        'safe to autocast.',
    );
  if (policy === 'fp32OptDtype' && a.dtype != null) return impl(a);
  let to: DType;
  if (policy === 'lower') to = s.dtype;
  else if (policy === 'promote') {
    let widest: DType | null = null;
    const visit = (v: unknown) => {
      if (eligible(v, type)) widest = widest ? promoteTypes(widest, v.dtype) : v.dtype;
      else if (Array.isArray(v)) v.forEach(visit);
    };
    Object.values(a).forEach(visit);
    if (widest === null) return impl(a);
    to = widest;
  } else to = 'float32';
  const b: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a))
    b[k] = eligible(v, type)
      ? castArg(v, to, f, s)
      : Array.isArray(v) && v.some((x) => eligible(x, type))
        ? v.map((x) => (eligible(x, type) ? castArg(x, to, f, s) : x))
        : v;
  return impl(b);
}
registerCallHook(hook);

/** torch.autocast's options. */
export interface AutocastOptions {
  /** The device type the region applies to: 'cpu', or 'cuda'/'webgpu' for the GPU. */
  deviceType: string;
  /** The lower-precision dtype (default: bfloat16 on 'cpu', float16 on the GPU). */
  dtype?: DTypeLike | null;
  /** false makes the region a no-op (and disables an enclosing one for this device type; default true). */
  enabled?: boolean;
  /** Cast each float32 leaf (a weight) once per outermost region and reuse it (default true). */
  cacheEnabled?: boolean | null;
}

/** An entered autocast region: leave it with `using` (Symbol.dispose) or `exit()`. */
export class AutocastRegion {
  private left = false;
  constructor(
    private readonly frame: Frame,
    private readonly type: string,
    private readonly previous: Setting | null | undefined,
    private readonly isRootEntry: boolean,
  ) {}
  /** Leaves the region: the previous setting comes back; the outermost exit drops the cast cache. */
  exit(): void {
    if (this.left) return;
    this.left = true;
    if (this.previous === undefined) this.frame.settings.delete(this.type);
    else this.frame.settings.set(this.type, this.previous);
    this.frame.depth--;
    active--;
    if (this.frame.depth === 0 || this.isRootEntry) this.frame.cache.clear();
  }
  [Symbol.dispose](): void {
    this.exit();
  }
}

function enter(f: Frame, o: Required<AutocastOptions>, label: string): AutocastRegion {
  const type = device(o.deviceType).type;
  let dtype = o.dtype === null ? defaultDtype(type) : normalizeDType(o.dtype);
  let enabled = o.enabled;
  if (enabled && dtype !== 'float16' && dtype !== 'bfloat16') {
    console.warn(
      `${label}: in ${type} autocast the target dtype ${dtype} is not supported (float16, bfloat16). Disabling autocast.`,
    );
    enabled = false;
    dtype = defaultDtype(type);
  }
  const previous = f.settings.has(type) ? f.settings.get(type) : undefined;
  f.settings.set(type, enabled ? { dtype, cache: o.cacheEnabled ?? true } : null);
  f.depth++;
  active++;
  return new AutocastRegion(f, type, previous, f.depth === 1);
}

/** Runs `fn` inside a region (an async fn in its own async-context frame, like noGrad's). */
function scoped<T>(o: Required<AutocastOptions>, label: string, fn: () => T): T {
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
  const f: Frame = { settings: new Map(parent.settings), cache: parent.cache, depth: parent.depth };
  asyncScopes++;
  const region = enter(f, o, label);
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

const checkOpts = (label: string, o: Record<string, unknown>, allowed: readonly string[]) => {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw new TypeError(`${label}() got an unexpected keyword argument '${k}'`);
};

function parse<O extends object>(label: string, args: readonly unknown[], allowed: readonly string[]) {
  const [o, fn] = args as [O | undefined, (() => unknown) | undefined];
  if (o !== undefined && (typeof o !== 'object' || o === null))
    throw new TypeError(`${label}(): expected an options object, got ${String(o)}`);
  if (fn !== undefined && typeof fn !== 'function')
    throw new TypeError(`${label}(): the second argument must be a function, got ${typeof fn}`);
  if (args.length > 2) throw new TypeError(`${label}() takes an options object and an optional callback`);
  checkOpts(label, (o ?? {}) as Record<string, unknown>, allowed);
  return { o: (o ?? {}) as Partial<AutocastOptions>, fn };
}

function run(label: string, o: Required<AutocastOptions>, fn: (() => unknown) | undefined): unknown {
  if (typeof o.enabled !== 'boolean')
    throw new TypeError(`${label}(): enabled must be a bool, got ${o.enabled}`);
  if (o.cacheEnabled !== null && typeof o.cacheEnabled !== 'boolean')
    throw new TypeError(`${label}(): cacheEnabled must be a bool, got ${o.cacheEnabled}`);
  return fn ? scoped(o, label, fn) : enter(frame(), o, label);
}

/**
 * torch.autocast({ deviceType, dtype, enabled, cacheEnabled }) — or `torch.autocast('cuda')`.
 * Without a callback it returns the entered region (`using _ = torch.autocast(...)`); with one,
 * it runs it inside the region and returns its result.
 */
export function autocast(deviceType: string | AutocastOptions): AutocastRegion;
export function autocast<T>(opts: string | AutocastOptions, fn: () => T): T;
export function autocast(...args: unknown[]): unknown {
  const label = 'torch.autocast';
  const first = typeof args[0] === 'string' ? { deviceType: args[0] } : args[0];
  const { o, fn } = parse<AutocastOptions>(
    label,
    [first, ...args.slice(1)],
    ['deviceType', 'dtype', 'enabled', 'cacheEnabled'],
  );
  if (typeof o.deviceType !== 'string')
    throw new TypeError(`${label}(): deviceType must be a device type string such as 'cuda' or 'cpu'`);
  return run(
    label,
    {
      deviceType: o.deviceType,
      dtype: o.dtype ?? null,
      enabled: o.enabled ?? true,
      cacheEnabled: o.cacheEnabled ?? null,
    },
    fn,
  );
}

type DeviceAutocastOptions = Omit<AutocastOptions, 'deviceType'>;
function deviceAutocast(deviceType: string, label: string, dtype: DType) {
  function f(opts?: DeviceAutocastOptions): AutocastRegion;
  function f<T>(opts: DeviceAutocastOptions, fn: () => T): T;
  function f(...args: unknown[]): unknown {
    const { o, fn } = parse<DeviceAutocastOptions>(label, args, ['dtype', 'enabled', 'cacheEnabled']);
    return run(
      label,
      {
        deviceType,
        dtype: o.dtype ?? dtype,
        enabled: o.enabled ?? true,
        cacheEnabled: o.cacheEnabled ?? true,
      },
      fn,
    );
  }
  return f;
}

/** torch.cuda.amp.autocast({ enabled, dtype = float16, cacheEnabled }): the GPU's region. */
export const cudaAutocast = deviceAutocast('cuda', 'torch.cuda.amp.autocast', 'float16');
/** torch.cpu.amp.autocast({ enabled, dtype = bfloat16, cacheEnabled }): the CPU's region. */
export const cpuAutocast = deviceAutocast('cpu', 'torch.cpu.amp.autocast', 'bfloat16');
