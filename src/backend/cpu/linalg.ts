/** The CPU's `linalg` primitive: the host reference of backend/linalg.ts per matrix, in float64. */
import type { Backend, View } from '../backend.js';
import * as L from '../linalg.js';
import { dataOf } from './storage.js';

/** Matrix `b` of a contiguous batched view as float64, `size` elements per matrix. */
function load(v: View, b: number, size: number): Float64Array {
  const d = dataOf(v);
  const at = v.offset + b * size;
  return Float64Array.from(d.subarray(at, at + size));
}
function store(v: View, b: number, x: Float64Array): void {
  (dataOf(v) as Float32Array).set(x, v.offset + b * x.length);
}
const last = (v: View, k = 1) => v.shape[v.shape.length - k] ?? 1;

export const linalg: Backend['linalg'] = (kind, inputs, outs, params = []) => {
  const a = inputs[0];
  const { m, n, batch } = L.matrices(a);
  for (let b = 0; b < batch; b++) {
    const A = load(a, b, m * n);
    switch (kind) {
      case 'lu': {
        const perm = new Float64Array(m);
        const sign = L.luInPlace(A, m, n, perm);
        store(outs[0], b, A);
        store(outs[1], b, perm);
        store(outs[2], b, Float64Array.of(sign));
        break;
      }
      case 'luSolve': {
        const k = last(inputs[2]);
        const x = new Float64Array(n * k);
        L.luSolveInPlace(A, load(inputs[1], b, n), load(inputs[2], b, n * k), n, k, x);
        store(outs[0], b, x);
        break;
      }
      case 'trsm': {
        const k = last(inputs[1]);
        const x = new Float64Array(n * k);
        L.trsm(A, load(inputs[1], b, n * k), n, k, params[0] === 1, params[1] === 1, x);
        store(outs[0], b, x);
        break;
      }
      case 'cholesky': {
        const l = new Float64Array(n * n);
        const info = L.cholesky(A, n, l);
        store(outs[0], b, l);
        store(outs[1], b, Float64Array.of(info));
        break;
      }
      case 'geqrf': {
        const tau = new Float64Array(Math.min(m, n));
        L.geqrf(A, m, n, tau);
        store(outs[0], b, A);
        store(outs[1], b, tau);
        break;
      }
      case 'orgqr': {
        const k = last(inputs[1]);
        const q = new Float64Array(m * n);
        L.orgqr(A, load(inputs[1], b, k), m, n, k, q);
        store(outs[0], b, q);
        break;
      }
      case 'eigh': {
        const w = new Float64Array(n);
        const v = new Float64Array(n * n);
        L.eigh(A, n, w, v);
        store(outs[0], b, w);
        store(outs[1], b, v);
        break;
      }
      case 'svd': {
        const u = new Float64Array(m * n);
        const s = new Float64Array(n);
        const v = new Float64Array(n * n);
        L.svd(A, m, n, u, s, v);
        store(outs[0], b, u);
        store(outs[1], b, s);
        store(outs[2], b, v);
        break;
      }
    }
  }
};
