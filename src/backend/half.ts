/**
 * float16/bfloat16 through the primitives written for float32: ONE wrapper for every backend.
 *
 * A 16-bit float tensor is stored as float32 words that hold 16-bit values (tensor/dtype.ts). So
 * a hand-written primitive (reduction, GEMM, gather, fused routines, ...) can run on it as float32
 * unchanged: `installHalf` wraps each one so that a call with a float16/bfloat16 view passes the
 * view relabelled float32 (the fast float32 paths take it: wasm SIMD, GEMM engines, WGSL kernels
 * accumulate in float32), then rounds the written views to 16 bits with one elementwise pass each
 * (`elementwise` rounds natively on store, so it is not wrapped). Reductions and matmul therefore
 * accumulate in float32 and round once, as PyTorch's. Calls without a 16-bit view go straight
 * through (one dtype test per view argument).
 */
import { isHalf } from '../tensor/dtype.js';
import type { Backend, View } from './backend.js';
import type { Ex } from './expr.js';

/** Argument positions each primitive writes (the rest are read). */
const WRITES: Record<string, readonly number[]> = {
  reduce: [3],
  matmul: [2],
  gather: [3],
  scatterAdd: [0],
  random: [1],
  linalg: [2],
  sort: [2],
};
/** The same for the routines (backend.ts `Routines`); one not listed rounds every view it is given. */
const ROUTINE_WRITES: Record<string, readonly number[]> = {
  logSoftmaxNll: [3, 4],
  updateInPlace: [1],
  logSoftmaxNllReduced: [4, 5],
  linearGrads: [2, 3],
  attention: [6, 7],
  attentionBackward: [9, 10, 11],
  maxPool2dDisjoint: [5, 6],
  maxPool2dDisjointBackward: [2],
  layerNorm: [4, 5, 6],
  layerNormBackward: [5, 6, 7],
  logSoftmax: [1],
  logSoftmaxBackward: [2],
};

const isView = (a: unknown): a is View =>
  typeof a === 'object' && a !== null && 'storage' in a && 'strides' in a && 'dtype' in a;

/** `a` with every 16-bit view relabelled float32; the originals written are collected in `out`. */
function relabel(a: unknown, out: View[] | null): unknown {
  if (isView(a)) {
    if (!isHalf(a.dtype)) return a;
    if (out && !out.includes(a)) out.push(a);
    return { ...a, dtype: 'float32' };
  }
  if (Array.isArray(a)) {
    let changed = false;
    const r = a.map((x) => {
      const y = relabel(x, out);
      changed ||= y !== x;
      return y;
    });
    return changed ? r : a;
  }
  if (typeof a === 'object' && a !== null && !('k' in a) && !ArrayBuffer.isView(a)) {
    // An options object holding views (matmul's { bias }).
    let r: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(a)) {
      const y = relabel(v, out);
      if (y !== v) (r ??= { ...(a as Record<string, unknown>) })[k] = y;
    }
    return r ?? a;
  }
  return a;
}

const IDENTITY: Ex = { k: 'in', i: 0 };

/** Whether `a` is or holds a 16-bit view (no allocation: the float32 path's only cost). */
function hasHalf(a: unknown): boolean {
  if (typeof a !== 'object' || a === null) return false;
  if (isView(a)) return isHalf(a.dtype);
  if (Array.isArray(a)) {
    for (const x of a) if (hasHalf(x)) return true;
    return false;
  }
  if ('k' in a || ArrayBuffer.isView(a)) return false; // an Ex, a typed array
  for (const k in a) if (hasHalf((a as Record<string, unknown>)[k])) return true;
  return false;
}

function wrap<F extends (...args: never[]) => unknown>(be: Backend, f: F, writes?: readonly number[]): F {
  return function (this: unknown, ...args: unknown[]) {
    let any = false;
    for (let i = 0; i < args.length && !any; i++) any = hasHalf(args[i]);
    if (!any) return f.apply(this, args as never[]);
    const written: View[] = [];
    const mapped = args.map((a, i) => relabel(a, !writes || writes.includes(i) ? written : null));
    const r = f.apply(this, mapped as never[]);
    for (const v of written) be.elementwise(IDENTITY, [v], v); // round to 16 bits in place
    return r;
  } as unknown as F;
}

/** Makes `be`'s primitives and routines take float16/bfloat16 views (in place: identity kept). */
export function installHalf<B extends Backend>(be: B): B {
  const self = be as unknown as Record<string, unknown>;
  for (const name of Object.keys(WRITES)) {
    const f = self[name];
    if (typeof f === 'function') self[name] = wrap(be, f as (...a: never[]) => unknown, WRITES[name]);
  }
  const routines = be.routines as Record<string, unknown> | undefined;
  if (routines)
    for (const [name, f] of Object.entries(routines))
      if (typeof f === 'function')
        routines[name] = wrap(be, f as (...a: never[]) => unknown, ROUTINE_WRITES[name]);
  return be;
}
