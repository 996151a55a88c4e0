/**
 * The CPU's LSTM step routines (backend.ts `lstmCell`, `lstmCellBackward`): wasm SIMD kernels
 * (wasm/lstm-kernel.ts) over float32 views in the heap whose rows have unit inner stride. One
 * module per gate width H (the gate offsets are immediates), cached. Elsewhere they answer
 * false and ops/rnn.ts runs its elementwise step expressions.
 */
import type { Routines, View } from '../backend.js';
import { heapModule, wasmKernels } from './heap.js';
import { heapAddr } from './storage.js';
import { lstmCellBackwardFnFor, lstmCellFnFor } from './wasm/lstm-kernel.js';

type K = (...a: number[]) => void;
const fwd = new Map<number, K>();
const bwd = new Map<number, K>();

/** [ptr, row step in bytes] of a 2-d float32 view with unit inner stride in the heap, or null. */
function rowsOf(v: View): [number, number] | null {
  if (v.dtype !== 'float32' || v.shape.length !== 2) return null;
  if (v.strides[1] !== 1 && v.shape[1] > 1) return null;
  const a = heapAddr(v);
  return a < 0 ? null : [a, v.strides[0] * 4];
}

export function lstmCell(xg: View, hg: View, cPrev: View, h: View, c: View): boolean {
  if (!wasmKernels.enabled) return false;
  const [B, H] = h.shape;
  const ops = [xg, hg, cPrev, h, c].map(rowsOf);
  if (ops.some((o) => o === null)) return false;
  const [x, g, cp, ho, co] = ops as [number, number][];
  if (ho[1] !== co[1]) return false;
  let k = fwd.get(H);
  if (!k) fwd.set(H, (k = heapModule<{ k: K }>({ k: lstmCellFnFor(H) }).k));
  k(B, H, x[0], x[1], g[0], g[1], cp[0], cp[1], ho[0], co[0], ho[1]);
  return true;
}

export const lstmCellBackward: Routines['lstmCellBackward'] = (acts, tc, cPrev, gOut, rec, pass, gc, d) => {
  if (!wasmKernels.enabled) return false;
  const H = tc.shape[1];
  const B = tc.shape[0];
  const ops = [acts, tc, cPrev, gOut, rec, pass, gc, d].map(rowsOf);
  if (ops.some((o) => o === null)) return false;
  let k = bwd.get(H);
  if (!k) bwd.set(H, (k = heapModule<{ k: K }>({ k: lstmCellBackwardFnFor(H) }).k));
  const args: number[] = [B, H];
  for (const o of ops as [number, number][]) args.push(o[0], o[1]);
  k(...args);
  return true;
};
