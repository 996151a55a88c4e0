/**
 * The few process-wide modes, changed only by scoped helpers that restore them in `finally`
 * (STYLE.md §7). Everything else travels as values.
 */
import type { DType } from './dtype.js';

export const state = {
  gradEnabled: true,
  defaultDtype: 'float32' as DType,
};

/** Runs fn with gradient recording off (torch.no_grad). Async functions keep the mode until they settle. */
export function noGrad<T>(fn: () => T): T {
  return withGrad(false, fn);
}

/** Runs fn with gradient recording on (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGrad(true, fn);
}

/** torch.set_grad_enabled as a scope. */
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T {
  return withGrad(enabled, fn);
}

export const isGradEnabled = (): boolean => state.gradEnabled;

function withGrad<T>(enabled: boolean, fn: () => T): T {
  const prev = state.gradEnabled;
  state.gradEnabled = enabled;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    state.gradEnabled = prev;
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      state.gradEnabled = prev;
    }) as T;
  }
  state.gradEnabled = prev;
  return result;
}
