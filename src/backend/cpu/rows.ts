/**
 * Row-wise fused routines on the CPU (backend.ts `Routines`): LayerNorm forward/backward and the
 * reduced cross-entropy forward. Each is one JS pass per row with float64 accumulators (LayerNorm:
 * wasm SIMD rows where D % 4 = 0 and the heap holds the operands, wasm/layernorm-kernel.ts), in
 * place of the composed definitions' 8-20 small ops (each a kernel call, an allocation and,
 * for the wasm heap, garbage the GC must find). float32 contiguous operands only; the ops
 * (ops/norm.ts, ops/fused.ts) take these paths for float32 alone. References: ops/norm.ts
 * layerNormGradsComposed / the composed layerNorm, ops/fused.ts's per-row cross-entropy.
 */
import { isContiguousView, type Routines, type View } from '../backend.js';
import { heap, heapModule } from './heap.js';
import { type CpuStorage, heapAddr } from './storage.js';
import { layerNormFns } from './wasm/layernorm-kernel.js';

const arr = (v: View) => (v.storage as CpuStorage).data as Float32Array;

function check(name: string, views: (View | null)[]): void {
  for (const v of views)
    if (v && (v.dtype !== 'float32' || !isContiguousView(v)))
      throw new TypeError(`cpu ${name}: expects contiguous float32 operands (got ${v.dtype} [${v.shape}])`);
}

type Kernel = (...a: number[]) => void;
let lnKernels: { forward: Kernel; backward: Kernel } | undefined;
/**
 * The heap byte addresses of the views for the wasm LayerNorm rows (wasm/layernorm-kernel.ts),
 * or null where the JS loops run: no heap, a view outside it, D not a multiple of 4.
 */
function lnWasm(D: number, views: readonly View[]): number[] | null {
  if (!heap || D % 4 !== 0 || D === 0) return null;
  const a = views.map(heapAddr);
  if (a.some((x) => x < 0)) return null;
  lnKernels ??= heapModule<{ forward: Kernel; backward: Kernel }>(layerNormFns());
  return a;
}

/** out = (x - mean) * rstd * weight + bias per row of x [M, D]; mean, rstd [M]. */
export const layerNorm: Routines['layerNorm'] = (x, weight, bias, eps, out, mean, rstd) => {
  check('layerNorm', [x, weight, bias, out, mean, rstd]);
  const [M, D] = x.shape;
  const w = weight && bias && lnWasm(D, [x, weight, bias, out, mean, rstd]);
  if (w) {
    lnKernels!.forward(w[0], w[1], w[2], w[3], M, D, w[4], w[5], eps, 1 / D);
    return;
  }
  const X = arr(x);
  const O = arr(out);
  const W = weight ? arr(weight) : null;
  const B = bias ? arr(bias) : null;
  const wo = weight?.offset ?? 0;
  const bo = bias?.offset ?? 0;
  const MU = arr(mean);
  const RS = arr(rstd);
  for (let m = 0; m < M; m++) {
    const xo = x.offset + m * D;
    const oo = out.offset + m * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += X[xo + j];
    const mu = s / D;
    let v = 0;
    for (let j = 0; j < D; j++) {
      const c = X[xo + j] - mu;
      v += c * c;
    }
    const r = 1 / Math.sqrt(v / D + eps);
    MU[mean.offset + m] = mu;
    RS[rstd.offset + m] = r;
    if (W && B) for (let j = 0; j < D; j++) O[oo + j] = (X[xo + j] - mu) * r * W[wo + j] + B[bo + j];
    else if (W) for (let j = 0; j < D; j++) O[oo + j] = (X[xo + j] - mu) * r * W[wo + j];
    else if (B) for (let j = 0; j < D; j++) O[oo + j] = (X[xo + j] - mu) * r + B[bo + j];
    else for (let j = 0; j < D; j++) O[oo + j] = (X[xo + j] - mu) * r;
  }
};

/**
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * weight; dw = sum over rows of
 * dy * xhat, db = sum of dy (each null when not wanted). xhat is recomputed from mean, rstd.
 */
export const layerNormBackward: Routines['layerNormBackward'] = (dy, x, mean, rstd, weight, dx, dw, db) => {
  check('layerNormBackward', [dy, x, mean, rstd, weight, dx, dw, db]);
  const [M, D] = x.shape;
  if (weight && dx && layerNormBackwardWasm(dy, x, mean, rstd, weight, dx, dw, db)) return;
  const X = arr(x);
  const G = arr(dy);
  const W = weight ? arr(weight) : null;
  const wo = weight?.offset ?? 0;
  const MU = arr(mean);
  const RS = arr(rstd);
  const DX = dx ? arr(dx) : null;
  const aw = dw ? new Float64Array(D) : null;
  const ab = db ? new Float64Array(D) : null;
  const xh = new Float64Array(D);
  const gw = new Float64Array(D);
  for (let m = 0; m < M; m++) {
    const xo = x.offset + m * D;
    const go = dy.offset + m * D;
    const mu = MU[mean.offset + m];
    const r = RS[rstd.offset + m];
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < D; j++) {
      const h = (X[xo + j] - mu) * r;
      const d = G[go + j];
      const g = W ? d * W[wo + j] : d;
      xh[j] = h;
      gw[j] = g;
      sg += g;
      sgx += g * h;
      if (aw) aw[j] += d * h;
      if (ab) ab[j] += d;
    }
    if (DX) {
      const a = sg / D;
      const b = sgx / D;
      const o = dx!.offset + m * D;
      for (let j = 0; j < D; j++) DX[o + j] = r * (gw[j] - a - xh[j] * b);
    }
  }
  if (dw && aw) arr(dw).set(aw, dw.offset);
  if (db && ab) arr(db).set(ab, db.offset);
};

/** layerNormBackward by the wasm rows; false where they do not apply. */
function layerNormBackwardWasm(
  dy: View,
  x: View,
  mean: View,
  rstd: View,
  weight: View,
  dx: View,
  dw: View | null,
  db: View | null,
): boolean {
  const [M, D] = x.shape;
  const a = lnWasm(D, [dy, x, mean, rstd, weight, dx]);
  if (!a) return false;
  const h = heap!;
  const bytes = 16 * D; // dw then db, float64
  const acc = h.alloc(bytes);
  if (acc < 0) return false;
  try {
    const sums = new Float64Array(h.memory.buffer, acc, 2 * D);
    sums.fill(0);
    lnKernels!.backward(a[0], a[1], a[2], a[3], a[4], a[5], acc, M, D, 1 / D);
    if (dw) arr(dw).set(sums.subarray(0, D), dw.offset);
    if (db) arr(db).set(sums.subarray(D), db.offset);
  } finally {
    h.release(acc, bytes);
  }
  return true;
}
