/**
 * The `linalg` primitive: small serial per-matrix factorizations (one matrix of the batch at a
 * time; one GPU invocation per matrix on WebGPU). Every operand is a contiguous float32 view
 * (any offset) whose leading dims flatten to the batch B; the shapes below are per matrix.
 *
 *   'lu'       in [A m×n]                 out [LU m×n (unit L below, U on and above the diagonal),
 *                                               perm m (row perm[i] of A is row i of P·A = L·U),
 *                                               sign 1 (the permutation's sign)]
 *              partial pivoting: the first row of largest |a| (LAPACK's getrf).
 *   'luSolve'  in [LU n×n, perm n, B n×k]   out [X n×k]  (A X = B from 'lu')
 *   'trsm'     in [A n×n, B n×k]            out [X n×k]  A X = B, A triangular;
 *              params [upper (0|1), unitDiagonal (0|1)]; the other triangle is not read.
 *   'cholesky' in [A n×n] (lower triangle read) out [L n×n (zeros above), info 1 (0, or the
 *              order of the first leading minor that is not positive-definite; L is NaN from there)]
 *   'geqrf'    in [A m×n]                 out [QR m×n (R on and above the diagonal, Householder
 *              vectors below it), tau min(m,n)]  LAPACK's dgeqr2 conventions (beta = -sign(alpha)·norm)
 *   'orgqr'    in [V m×n, tau k] (k <= n <= m) out [Q m×n]  Q = H_0 ⋯ H_{k-1} applied to I[:, :n]
 *   'eigh'     in [A n×n] (lower triangle read) out [w n ascending, V n×n (eigenvectors in columns)]
 *              cyclic Jacobi
 *   'svd'      in [A m×n] (m >= n)           out [U m×n, S n descending, V n×n]  one-sided Jacobi;
 *              columns of U for zero singular values complete an orthonormal set
 *
 * This file holds the host reference (the CPU backend runs it, in float64); the WebGPU backend
 * has the same algorithms in WGSL (webgpu/kernels/linalg.ts), in float32.
 */
export type LinalgKind = 'lu' | 'luSolve' | 'trsm' | 'cholesky' | 'geqrf' | 'orgqr' | 'eigh' | 'svd';

import { numelOf, type View } from './backend.js';

type F = Float64Array;

/** The matrices of a [..., m, n] (a missing dim counts 1): m, n and how many. */
export function matrices(a: View): { m: number; n: number; batch: number } {
  const m = a.shape[a.shape.length - 2] ?? 1;
  const n = a.shape[a.shape.length - 1] ?? 1;
  return { m, n, batch: m * n === 0 ? numelOf(a.shape.slice(0, -2)) : numelOf(a.shape) / (m * n) };
}

/** LU with partial pivoting of a (m×n, in place); returns the permutation's sign. */
export function luInPlace(a: F, m: number, n: number, perm: F): number {
  let sign = 1;
  for (let i = 0; i < m; i++) perm[i] = i;
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    let p = j;
    let best = Math.abs(a[j * n + j]);
    for (let i = j + 1; i < m; i++) {
      const v = Math.abs(a[i * n + j]);
      if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
        best = v;
        p = i;
      }
    }
    if (p !== j) {
      sign = -sign;
      for (let c = 0; c < n; c++) {
        const t = a[j * n + c];
        a[j * n + c] = a[p * n + c];
        a[p * n + c] = t;
      }
      const t = perm[j];
      perm[j] = perm[p];
      perm[p] = t;
    }
    const d = a[j * n + j];
    if (d === 0) continue;
    for (let i = j + 1; i < m; i++) {
      const l = a[i * n + j] / d;
      a[i * n + j] = l;
      if (l === 0) continue;
      for (let c = j + 1; c < n; c++) a[i * n + c] -= l * a[j * n + c];
    }
  }
  return sign;
}

/** Solves L U X = P B in place in x (n×k), from luInPlace's output. */
export function luSolveInPlace(lu: F, perm: F, b: F, n: number, k: number, x: F): void {
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] = b[perm[i] * k + c];
  for (let i = 0; i < n; i++)
    for (let r = 0; r < i; r++) {
      const l = lu[i * n + r];
      if (l !== 0) for (let c = 0; c < k; c++) x[i * k + c] -= l * x[r * k + c];
    }
  for (let i = n - 1; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) {
      const u = lu[i * n + r];
      if (u !== 0) for (let c = 0; c < k; c++) x[i * k + c] -= u * x[r * k + c];
    }
    const d = lu[i * n + i];
    for (let c = 0; c < k; c++) x[i * k + c] /= d;
  }
}

/** A X = B for triangular A (n×n), X (n×k) written to x. */
export function trsm(a: F, b: F, n: number, k: number, upper: boolean, unit: boolean, x: F): void {
  x.set(b.subarray(0, n * k));
  const order = upper
    ? Array.from({ length: n }, (_, i) => n - 1 - i)
    : Array.from({ length: n }, (_, i) => i);
  for (const i of order) {
    for (let r = 0; r < n; r++) {
      if (upper ? r <= i : r >= i) continue;
      const v = a[i * n + r];
      if (v !== 0) for (let c = 0; c < k; c++) x[i * k + c] -= v * x[r * k + c];
    }
    if (!unit) for (let c = 0; c < k; c++) x[i * k + c] /= a[i * n + i];
  }
}

/** Cholesky of the lower triangle of a into l; returns info (0 when positive-definite). */
export function cholesky(a: F, n: number, l: F): number {
  l.fill(0);
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j];
    for (let k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
    if (!(s > 0)) {
      for (let i = j; i < n; i++) for (let c = 0; c <= i; c++) l[i * n + c] = Number.NaN;
      return j + 1;
    }
    const d = Math.sqrt(s);
    l[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / d;
    }
  }
  return 0;
}

/** Householder QR in place (LAPACK dgeqr2): R above, vectors below the diagonal, tau. */
export function geqrf(a: F, m: number, n: number, tau: F): void {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    const alpha = a[j * n + j];
    let xn = 0;
    for (let i = j + 1; i < m; i++) xn += a[i * n + j] * a[i * n + j];
    if (xn === 0) {
      tau[j] = 0;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + xn);
    const beta = alpha >= 0 ? -norm : norm;
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) a[i * n + j] *= scale;
    a[j * n + j] = beta;
    reflect(a, a, m, n, j, tau[j], j + 1); // the columns on the right
  }
}

/**
 * Householder reflector j, H = I - t v v^T with v = (1, h[j+1..m, j]) (h m×n), applied from
 * the left to the columns c0..n of x (m×n).
 */
function reflect(x: F, h: F, m: number, n: number, j: number, t: number, c0: number): void {
  for (let c = c0; c < n; c++) {
    let s = x[j * n + c];
    for (let i = j + 1; i < m; i++) s += h[i * n + j] * x[i * n + c];
    s *= t;
    x[j * n + c] -= s;
    for (let i = j + 1; i < m; i++) x[i * n + c] -= s * h[i * n + j];
  }
}

/** Q = H_0 ⋯ H_{k-1} I[:, :n] from Householder vectors v (m×n, below the diagonal) and tau. */
export function orgqr(v: F, tau: F, m: number, n: number, k: number, q: F): void {
  eye(q, n);
  for (let j = k - 1; j >= 0; j--) {
    const t = tau[j];
    if (t !== 0) reflect(q, v, m, n, j, t, 0);
  }
}

/** Symmetric eigendecomposition of the lower triangle of a (cyclic Jacobi): w ascending, V. */
export function eigh(a0: F, n: number, w: F, v: F): void {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      a[i * n + j] = a0[i * n + j];
      a[j * n + i] = a0[i * n + j];
    }
  eye(v, n);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        if (apq === 0 || Math.abs(apq) <= 1e-15 * Math.sqrt(Math.abs(app * aqq))) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, n, n, p, q, c, s); // columns p, q
        rotate(a, n, 1, p * n, q * n, c, s); // rows p, q
        rotate(v, n, n, p, q, c, s);
      }
    if (!rotated) break;
  }
  for (let i = 0; i < n; i++) w[i] = a[i * n + i];
  sortWithColumns(w, n, false, [v, n]);
}

/** x := the identity's first columns: zeros, 1 at (i, i) for i < n (n columns). */
function eye(x: F, n: number): void {
  x.fill(0);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
}

/**
 * A Givens rotation of two vectors of x (cnt elements `st` apart, from ip and from iq):
 * (x_p, x_q) := (c x_p - s x_q, s x_p + c x_q). Columns: st = n; rows: st = 1.
 */
function rotate(x: F, cnt: number, st: number, ip: number, iq: number, c: number, s: number): void {
  for (let k = 0, i = ip, j = iq; k < cnt; k++, i += st, j += st) {
    const xp = x[i];
    const xq = x[j];
    x[i] = c * xp - s * xq;
    x[j] = s * xp + c * xq;
  }
}

/**
 * Selection sort of w[0..n), ascending (or descending with `desc`), moving the columns of each
 * [rows, n] matrix of `mats` along.
 */
function sortWithColumns(w: F, n: number, desc: boolean, ...mats: [x: F, rows: number][]): void {
  for (let i = 0; i < n; i++) {
    let j = i;
    for (let k = i + 1; k < n; k++) if (desc ? w[k] > w[j] : w[k] < w[j]) j = k;
    if (j === i) continue;
    const t = w[i];
    w[i] = w[j];
    w[j] = t;
    for (const [x, rows] of mats)
      for (let r = 0; r < rows; r++) {
        const y = x[r * n + i];
        x[r * n + i] = x[r * n + j];
        x[r * n + j] = y;
      }
  }
}

/** One-sided Jacobi SVD of a (m×n, m >= n): u (m×n), s (n) descending, v (n×n). */
export function svd(a: F, m: number, n: number, u: F, s: F, v: F): void {
  u.set(a.subarray(0, m * n));
  eye(v, n);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        let al = 0;
        let be = 0;
        let ga = 0;
        for (let k = 0; k < m; k++) {
          const x = u[k * n + p];
          const y = u[k * n + q];
          al += x * x;
          be += y * y;
          ga += x * y;
        }
        if (ga === 0 || Math.abs(ga) <= 1e-15 * Math.sqrt(al * be)) continue;
        rotated = true;
        const zeta = (be - al) / (2 * ga);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        rotate(u, m, n, p, q, c, sn);
        rotate(v, n, n, p, q, c, sn);
      }
    if (!rotated) break;
  }
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let k = 0; k < m; k++) t += u[k * n + j] * u[k * n + j];
    s[j] = Math.sqrt(t);
  }
  sortWithColumns(s, n, true, [u, m], [v, n]);
  const smax = n > 0 ? s[0] : 0;
  for (let j = 0; j < n; j++) {
    if (s[j] > smax * 1e-30 && s[j] > 1e-300) {
      for (let k = 0; k < m; k++) u[k * n + j] /= s[j];
      continue;
    }
    // A zero singular value: the next unit vector orthogonal to the columns so far.
    for (let e = 0; e < m; e++) {
      for (let k = 0; k < m; k++) u[k * n + j] = k === e ? 1 : 0;
      for (let pass = 0; pass < 2; pass++)
        for (let c = 0; c < j; c++) {
          let d = 0;
          for (let k = 0; k < m; k++) d += u[k * n + c] * u[k * n + j];
          for (let k = 0; k < m; k++) u[k * n + j] -= d * u[k * n + c];
        }
      let nn = 0;
      for (let k = 0; k < m; k++) nn += u[k * n + j] * u[k * n + j];
      if (nn > 0.25) {
        const r = 1 / Math.sqrt(nn);
        for (let k = 0; k < m; k++) u[k * n + j] *= r;
        break;
      }
    }
  }
}
