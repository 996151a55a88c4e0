/**
 * float16/bfloat16 through the primitives written for float32: ONE wrapper for every backend.
 *
 * A 16-bit float tensor's storage holds 16-bit words (2 bytes an element). `elementwise` reads
 * and writes them natively (decode on load, compute in float32, round once on store), so it is
 * not wrapped, and neither are the host transfers (`write`, `read`, which convert bits). The
 * other primitives and routines (reduction, GEMM, gather, sort, linalg, fused routines, ...) are
 * float32 kernels, but for the 16-bit views the backend's table (`HalfNative`) says they handle
 * themselves (WebGPU with shader-f16: float16 in matmul, reduce, gather, attention; the packed 16-bit a
 * and b of its matmul): `installHalf` wraps each one so that any other float16/bfloat16 view gets a
 * float32 contiguous temporary in its place (one elementwise widening; the same view object
 * shares one temporary), runs as float32 (wasm SIMD, GEMM engines, WGSL kernels accumulate in
 * float32), then each written temporary is narrowed back into its 16-bit view (elementwise,
 * rounding once on store) and the temporaries are released. Reductions and matmul therefore
 * accumulate in float32 and round once, as PyTorch's. Calls without a 16-bit view go straight
 * through (one dtype test per view argument).
 */
import { type DType, isHalf } from '../tensor/dtype.js';
import { type Backend, contiguousStrides, numelOf, type Storage, type View } from './backend.js';
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
/** The same for the routines (backend.ts `Routines`); one not listed reads and writes every view it is given. */
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
/** Written positions that are also read (their temporaries start with the view's values). */
const READ_WRITE: Record<string, readonly number[]> = { scatterAdd: [0], updateInPlace: [1] };

const isView = (a: unknown): a is View =>
  typeof a === 'object' && a !== null && 'storage' in a && 'strides' in a && 'dtype' in a;

const IDENTITY: Ex = { k: 'in', i: 0 };

/** One call's float32 temporaries: by the 16-bit view they stand for, and which are written. */
interface Temps {
  readonly be: Backend;
  readonly of: Map<View, View>;
  readonly written: View[];
}

/**
 * Which 16-bit views a backend's kernels take as they are, per primitive or routine: `(i, dtype)`
 * says whether argument `i` (a view, or views inside an array or options object) of that 16-bit
 * dtype is read or written natively. ONE table per backend, given to `installHalf`.
 */
export type HalfNative = Readonly<Record<string, (i: number, dtype: DType) => boolean>>;

/** `a` with every 16-bit view not `kept` replaced by its float32 temporary (widened unless `fill` is false). */
function widen(a: unknown, t: Temps, write: boolean, fill: boolean, kept: (d: DType) => boolean): unknown {
  if (isView(a)) {
    if (!isHalf(a.dtype) || kept(a.dtype)) return a;
    let w = t.of.get(a);
    if (!w) {
      const storage = t.be.alloc(numelOf(a.shape), 'float32');
      w = { storage, dtype: 'float32', shape: a.shape, strides: contiguousStrides(a.shape), offset: 0 };
      // A pure output needs no values in (it is written whole).
      if (fill || !write) t.be.elementwise(IDENTITY, [a], w);
      t.of.set(a, w);
    }
    if (write && !t.written.includes(a)) t.written.push(a);
    return w;
  }
  if (Array.isArray(a)) {
    let changed = false;
    const r = a.map((x) => {
      const y = widen(x, t, write, fill, kept);
      changed ||= y !== x;
      return y;
    });
    return changed ? r : a;
  }
  if (typeof a === 'object' && a !== null && !('k' in a) && !ArrayBuffer.isView(a)) {
    // An options object holding views (matmul's { bias }).
    let r: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(a)) {
      const y = widen(v, t, write, fill, kept);
      if (y !== v) (r ??= { ...(a as Record<string, unknown>) })[k] = y;
    }
    return r ?? a;
  }
  return a;
}

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

function wrap<F extends (...args: never[]) => unknown>(
  be: Backend,
  f: F,
  writes?: readonly number[],
  readWrite: readonly number[] = [],
  native?: (i: number, dtype: DType) => boolean,
): F {
  return function (this: unknown, ...args: unknown[]) {
    let any = false;
    for (let i = 0; i < args.length && !any; i++) any = hasHalf(args[i]);
    if (!any) return f.apply(this, args as never[]);
    const t: Temps = { be, of: new Map(), written: [] };
    try {
      // Read operands first, so an output that is also an input gets its values.
      const order = args.map((_, i) => i).sort((i, j) => Number(isOut(i)) - Number(isOut(j)));
      const mapped = args.slice();
      for (const i of order)
        mapped[i] = widen(args[i], t, isOut(i), !writes || readWrite.includes(i), (d) => !!native?.(i, d));
      const r = f.apply(this, mapped as never[]);
      for (const v of t.written) be.elementwise(IDENTITY, [t.of.get(v)!], v); // narrow, rounding once
      return r;
    } finally {
      for (const w of t.of.values()) be.release(w.storage as Storage);
    }
    function isOut(i: number): boolean {
      return !writes || writes.includes(i);
    }
  } as unknown as F;
}

/**
 * Makes `be`'s primitives and routines take float16/bfloat16 views (in place: identity kept).
 * `native` is the backend's table of the 16-bit views its kernels handle themselves (WebGPU's
 * matmul decodes 16-bit a and b; with shader-f16 most of its kernels read and write float16):
 * those are passed through, not widened.
 */
export function installHalf<B extends Backend>(be: B, native: HalfNative = {}): B {
  const self = be as unknown as Record<string, unknown>;
  for (const name of Object.keys(WRITES)) {
    const f = self[name];
    if (typeof f === 'function')
      self[name] = wrap(be, f as (...a: never[]) => unknown, WRITES[name], READ_WRITE[name], native[name]);
  }
  const routines = be.routines as Record<string, unknown> | undefined;
  if (routines)
    for (const [name, f] of Object.entries(routines))
      if (typeof f === 'function')
        routines[name] = wrap(
          be,
          f as (...a: never[]) => unknown,
          ROUTINE_WRITES[name],
          READ_WRITE[name],
          native[name],
        );
  return be;
}
