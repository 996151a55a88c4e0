/**
 * The few process-wide modes, changed only by scoped helpers that restore them in `finally`
 * (STYLE.md §7). Everything else travels as values.
 *
 * Grad mode is per async context, as PyTorch's is per thread: while `await noGrad(async () =>
 * ...)` is pending, work started outside it (a training step) still records. Synchronous scopes
 * set a plain flag and restore it (the training step's hot path pays nothing else). An async
 * callback runs inside an AsyncLocalStorage frame that follows its awaits; only while such a
 * scope is pending do ops consult the frame. Runtimes without AsyncLocalStorage (browsers)
 * refuse async callbacks rather than leak the mode into concurrent work.
 */
import { type DType, defaultFloat } from './dtype.js';

interface Frame {
  enabled: boolean;
}
type Als = AsyncStore<Frame>;

/** The mode of the running synchronous code (and of async code outside any async scope). */
let flag = true;
/** Async scopes not yet settled: while 0, `flag` is the whole truth. */
let asyncScopes = 0;
/** node:async_hooks' AsyncLocalStorage, looked up on the first async scope (null: none here). */
let als: Als | null | undefined;

/** An AsyncLocalStorage: a value that follows async continuations. */
export interface AsyncStore<T> {
  run<R>(store: T, fn: () => R): R;
  getStore(): T | undefined;
}
/** A new node:async_hooks AsyncLocalStorage, or null where there is none (browsers). */
export function newAsyncStore<T>(): AsyncStore<T> | null {
  // process.getBuiltinModule (Node >= 20.16) keeps bundlers from seeing a node: import.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:async_hooks') as
    | { AsyncLocalStorage?: new () => AsyncStore<T> }
    | undefined;
  return mod?.AsyncLocalStorage ? new mod.AsyncLocalStorage() : null;
}

function getAls(): Als | null {
  if (als === undefined) als = newAsyncStore();
  return als;
}

/** The frame of the current async context, when async scopes are pending. */
const frame = (): Frame | undefined => (asyncScopes === 0 ? undefined : als!.getStore());

export const state = {
  get gradEnabled(): boolean {
    if (asyncScopes === 0) return flag;
    const f = als!.getStore();
    return f ? f.enabled : flag;
  },
  /** torch.get_default_dtype(): float32 or float64 (torch.setDefaultDtype). */
  get defaultDtype(): DType {
    return defaultFloat.dtype;
  },
};

/**
 * Runs fn with gradient recording off (torch.no_grad). An async fn keeps the mode across its
 * own awaits only; concurrent work is not affected.
 * @example const logits = torch.noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  return withGrad(false, fn);
}

/** Runs fn with gradient recording on (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGrad(true, fn);
}

/**
 * torch.set_grad_enabled: with fn, a scope like noGrad/enableGrad; without, sets the mode of the
 * current scope (or of the program outside any scope) until that scope ends.
 * @example torch.setGradEnabled(false); const y = model.forward(x); torch.setGradEnabled(true);
 */
export function setGradEnabled(enabled: boolean): void;
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T;
export function setGradEnabled<T>(enabled: boolean, fn?: () => T): T | undefined {
  if (fn) return withGrad(enabled, fn);
  const f = frame();
  if (f) f.enabled = enabled;
  else flag = enabled;
  return undefined;
}

/** torch.is_grad_enabled(): whether ops record for autograd here. */
export const isGradEnabled = (): boolean => state.gradEnabled;

const AsyncFunction = (async () => {}).constructor;

function withGrad<T>(enabled: boolean, fn: () => T): T {
  if (fn instanceof AsyncFunction) return withGradAsync(enabled, fn);
  // Inside a pending async scope a sync scope needs its own frame: the async one would win.
  if (asyncScopes !== 0) return notThenable(enabled, als!.run({ enabled }, fn));
  const prev = flag;
  flag = enabled;
  try {
    return notThenable(enabled, fn());
  } finally {
    flag = prev;
  }
}

/**
 * A non-async callback that returns a Promise: its continuations were queued outside the
 * scope, so they would run in the outer mode. Refused (its rejection is left handled).
 */
function notThenable<T>(enabled: boolean, r: T): T {
  if (!isThenable(r)) return r;
  r.then(undefined, () => {});
  throw new TypeError(
    `${enabled ? 'enableGrad' : 'noGrad'}: the callback returned a Promise but is not an async function, so the grad mode would cover only its synchronous part; pass an async function (torch.noGrad(async () => { ... })) or await outside the callback`,
  );
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  (typeof x === 'object' || typeof x === 'function') &&
  x !== null &&
  typeof (x as { then?: unknown }).then === 'function';

function withGradAsync<T>(enabled: boolean, fn: () => T): T {
  const a = getAls();
  if (!a)
    throw new TypeError(
      'noGrad/enableGrad/setGradEnabled: an async callback needs AsyncLocalStorage to keep the grad mode to its own awaits, and this runtime has none; pass a synchronous callback (await outside it)',
    );
  asyncScopes++;
  let p: T;
  try {
    p = a.run({ enabled }, fn);
  } catch (e) {
    asyncScopes--;
    throw e;
  }
  return (p as Promise<unknown>).finally(() => {
    asyncScopes--;
  }) as T;
}

// --- distributed (MPI) ---
/**
 * @internal Parameters whose `.grad` a DistributedDataParallel is still averaging across ranks,
 * with the message an optimizer step shows instead of updating from partial gradients.
 */
export const pendingGradSync = new WeakMap<object, string>();
