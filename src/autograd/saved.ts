/**
 * Saved-tensor safety by construction. A backward closure may read any tensor it captured; it
 * reads data only through a backend primitive. While a node's backward runs, `backendFor`
 * hands out a guarded view of the backend whose primitives first check every tensor argument:
 * a storage that existed when the node was recorded (born <= stamp) and was written in place
 * since (writtenAt > stamp) is one of "the variables needed for gradient computation", modified
 * — PyTorch's error, instead of a gradient computed from the new values. No op keeps a list of
 * what it saved, so no op can forget one. Outside backward the guard costs nothing.
 */
import type { Backend, Storage } from '../backend/backend.js';
import { setBackendGuard } from '../tensor/device.js';
import { AutogradError, fmtShape } from '../tensor/errors.js';
import { type Tensor, versionAt, WRITE_LOG } from '../tensor/tensor.js';
import type { Node } from './node.js';

interface Reading {
  node: Node;
  /** The gradients handed to the node: the caller's root gradients may be older than the node. */
  grads: readonly (Tensor | null)[];
}
let reading: Reading | null = null;

function check(s: Storage, what: { dtype: string; shape: readonly number[] }): void {
  const r = reading!;
  const n = r.node;
  if (s.born > n.stamp || s.writtenAt <= n.stamp) return;
  for (const g of r.grads) if (g && g.storage === s) return;
  // An input or output: as recorded. Anything else the closure captured: from the write log.
  const d = n.recordedVersion(s) ?? { dtype: what.dtype, shape: what.shape, version: versionAt(s, n.stamp) };
  throw new AutogradError(
    `one of the variables needed for gradient computation has been modified by an inplace operation: [${d.dtype} ${fmtShape(d.shape)}] is at version ${s.version}; ${d.version !== null ? `expected version ${d.version} instead` : `expected version ${s.version - WRITE_LOG} or earlier instead`} (in ${n.displayName})`,
  );
}

const isStorage = (s: unknown): s is Storage =>
  typeof s === 'object' && s !== null && typeof (s as Storage).writtenAt === 'number';

/** Checks views (objects with a storage), arrays of them, and views inside option objects. */
function checkArg(a: unknown, depth: number): void {
  if (typeof a !== 'object' || a === null) return;
  const st = (a as { storage?: unknown }).storage;
  if (isStorage(st)) {
    check(st, a as { dtype: string; shape: readonly number[] });
    return;
  }
  if (depth > 1) return;
  if (Array.isArray(a)) for (const x of a) checkArg(x, depth + 1);
  else if (Object.getPrototypeOf(a) === Object.prototype)
    for (const k in a) checkArg((a as Record<string, unknown>)[k], depth + 1);
}

const guarded = new WeakMap<object, object>();

/** The same object, with each method checking its tensor arguments first (nested: routines). */
function guard<T extends object>(target: T): T {
  let g = guarded.get(target) as T | undefined;
  if (!g) {
    // One wrapper per method, made once: a backward pass calls a few primitives per node.
    const wrapped = new Map<PropertyKey, { of: unknown; fn: unknown }>();
    g = new Proxy(target, {
      get(t, prop) {
        const v = Reflect.get(t, prop, t) as unknown;
        if (typeof v === 'function') {
          const w = wrapped.get(prop);
          if (w && w.of === v) return w.fn;
          const fn = (...args: unknown[]) => {
            if (reading) for (const a of args) checkArg(a, 0);
            return (v as (...xs: unknown[]) => unknown).apply(t, args);
          };
          wrapped.set(prop, { of: v, fn });
          return fn;
        }
        if (prop === 'routines' && typeof v === 'object' && v !== null) return guard(v);
        return v;
      },
    });
    guarded.set(target, g);
  }
  return g;
}

/** Runs a node's backward with every backend read checked against the node's clock stamp. */
export function readingSaved<T>(node: Node, grads: readonly (Tensor | null)[], fn: () => T): T {
  const prev = reading;
  reading = { node, grads };
  setBackendGuard(guard as (be: Backend) => Backend);
  try {
    return fn();
  } finally {
    reading = prev;
    if (!prev) setBackendGuard(null);
  }
}
