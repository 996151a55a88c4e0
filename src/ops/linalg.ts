/**
 * torch.linalg and the older linear-algebra functions of torch.*. Factorizations run the
 * backend's `linalg` primitive (one serial algorithm per matrix of the batch); everything else,
 * every backward included, is composed from ops, so gradients run on every device and are
 * themselves differentiable. Backward formulas follow PyTorch's (derivatives.yaml,
 * FunctionsManual.cpp): solve, det, cholesky, qr, eigh, svdvals, pinv.
 */

import type { LinalgKind } from '../backend/linalg.js';
import { type DType, isFloat, isHalf, type TypedArray, torchTypeName } from '../tensor/dtype.js';
import { DTypeError, ShapeError } from '../tensor/errors.js';
import { noGrad } from '../tensor/state.js';
import { broadcastShapes, emptyTensor, record, record1, type Tensor } from './core.js';
import { arange, eye, zeros } from './creation.js';
import { matmul } from './matmul.js';
import {
  abs,
  add,
  cast,
  ceil,
  clamp,
  div,
  eq,
  gt,
  log,
  log2,
  lt,
  maximum,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  sign,
  sqrt,
  sub,
  where,
} from './pointwise.js';
import { amax, amin, prod, sum } from './reduce.js';
import { cumprod } from './reduce-more.js';
import {
  cat,
  contiguous,
  expand,
  narrow,
  reshape,
  squeeze,
  transpose,
  tril,
  triu,
  unsqueeze,
} from './shape.js';
import { cross as crossOp, diagEmbed, diagonal } from './shape-more.js';

type Ord = number | string | null;

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
const rows = (x: Tensor) => x.shape[x.dim() - 2];
const cols = (x: Tensor) => x.shape[x.dim() - 1];
const batchOf = (x: Tensor) => x.shape.slice(0, -2);
const diag = (x: Tensor) => diagonal(x, 0, -2, -1);
const eyeLike = (n: number, x: Tensor, batch: readonly number[] = []): Tensor => {
  const I = eye(n, n, { device: x.device, dtype: x.dtype });
  return batch.length ? expand(I, [...batch, n, n]) : I;
};

/**
 * Runs the backend primitive on contiguous copies in the inputs' float dtype (float64 if any is,
 * else their common 16-bit dtype, else float32: the routines compute 16-bit views in float32
 * and round once, backend/half.ts); outputs are fresh, untracked tensors of that dtype.
 */
function prim(
  kind: LinalgKind,
  inputs: readonly Tensor[],
  shapes: readonly number[][],
  params: number[] = [],
): Tensor[] {
  const d0 = inputs[0].dtype;
  const dt: DType = inputs.some((t) => t.dtype === 'float64')
    ? 'float64'
    : isHalf(d0) && inputs.every((t) => t.dtype === d0)
      ? d0
      : 'float32';
  const ins = inputs.map((t) => contiguous(t.dtype === dt ? t : cast(t, dt)));
  const outs = shapes.map((s) => emptyTensor(s, dt, inputs[0].device));
  // Empty outputs have nothing to compute (callers fill any that need values).
  if (outs.every((o) => o.numel() > 0)) inputs[0].backend.linalg(kind, ins, outs, params);
  return outs;
}

function checkMatrix(op: string, A: Tensor, name = 'A'): void {
  if (A.dim() < 2) throw new ShapeError(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
  if (!isFloat(A.dtype))
    throw new TypeError(`${op}: Expected a floating point tensor as input. Got ${torchTypeName(A.dtype)}`);
}
/** PyTorch's checkFloatingOrComplex(A, op, allow_low_precision_dtypes=false): no float16/bfloat16. */
function checkNotLowPrecision(op: string, A: Tensor): void {
  if (isHalf(A.dtype))
    throw new DTypeError(`${op}: Low precision dtypes not supported. Got ${torchTypeName(A.dtype)}`);
}
function checkSquare(op: string, A: Tensor, name = 'A'): void {
  checkMatrix(op, A, name);
  if (rows(A) !== cols(A))
    throw new ShapeError(
      `${op}: ${name} must be batches of square matrices, but they are ${rows(A)} by ${cols(A)} matrices`,
    );
}

// ---- LU, solve, inverse, determinants ----

/** Packed LU, the row permutation (float row indices) and its sign; no autograd. */
function luFactorRaw(A: Tensor): { LU: Tensor; perm: Tensor; sign: Tensor } {
  const m = rows(A);
  const b = batchOf(A);
  const [LU, perm, sgn] = prim('lu', [A], [A.shape.slice(), [...b, m], b.slice()]);
  if (A.numel() === 0) {
    // No columns (or no batch): the identity permutation.
    const dev = { device: A.device, dtype: A.dtype };
    return { LU, perm: expand(arange(0, m, 1, dev), [...b, m]), sign: add(zeros(b, dev), 1) };
  }
  return { LU, perm, sign: sgn };
}

/** A X = B for square A (batches broadcast); B a matrix batch. Differentiable in A and B. */
/**
 * Raises what `check` throws on x's values: at once where the backend reads synchronously (the
 * CPU), at the next read or synchronize elsewhere (Backend.deferCheck), as CUDA reports them.
 */
function checkValues(x: Tensor, check: (d: TypedArray) => void): void {
  const be = x.backend;
  if (x.numel() === 0) return;
  if (be.readSync) check(be.readSync(x));
  else
    be.deferCheck?.(x, (d) => {
      try {
        check(d);
        return null;
      } catch (e) {
        return e as Error;
      }
    });
}

/** PyTorch's error for an exactly singular matrix (a zero pivot of U). */
function checkNonsingular(op: 'linalg.solve' | 'linalg.inv', LU: Tensor): void {
  const n = rows(LU);
  checkValues(contiguous(diag(LU)), (d) => {
    const batches = d.length / n;
    for (let b = 0; b < batches; b++)
      for (let i = 0; i < n; i++)
        if (d[b * n + i] === 0) {
          if (op === 'linalg.solve')
            throw new RangeError(
              'torch.linalg.solve: The solver failed because the input matrix is singular.',
            );
          throw new RangeError(
            `linalg.inv: ${batches > 1 ? `(Batch element ${b}): ` : ''}The diagonal element ${i + 1} is zero, the inversion could not be completed because the input matrix is singular.`,
          );
        }
  });
}

function solveMat(A: Tensor, B: Tensor, op: 'linalg.solve' | 'linalg.inv' = 'linalg.solve'): Tensor {
  const batch = broadcastShapes('linalg.solve', batchOf(A), batchOf(B));
  const n = rows(A);
  const Ab = expand(A, [...batch, n, n]);
  const Bb = expand(B, [...batch, n, cols(B)]);
  let X: Tensor;
  if (Bb.numel() === 0) X = zeros([...batch, n, cols(B)], { device: A.device, dtype: A.dtype });
  else {
    const { LU, perm } = luFactorRaw(Ab);
    checkNonsingular(op, LU);
    [X] = prim('luSolve', [LU, perm, Bb], [Bb.shape.slice()]);
  }
  record('linalg_solve', [X], [A, B], ([g]) => {
    if (!g) return [null, null];
    const gB = solveMat(mT(A), g, op);
    return [neg(matmul(gB, mT(X))), gB];
  });
  return X;
}

/** torch.linalg.solve(A, B, left): B may be a vector (batch) when its shape is A's minus the last dim. */
export function solve(A: Tensor, B: Tensor, left = true): Tensor {
  checkSquare('linalg.solve', A);
  const vector = B.dim() === 1 || (B.dim() === A.dim() - 1 && B.shape.every((s, i) => s === A.shape[i]));
  if (!left) {
    if (vector)
      throw new ShapeError(
        'linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)',
      );
    return mT(solveMat(mT(A), mT(B)));
  }
  const Bm = vector ? unsqueeze(B, -1) : B;
  if (rows(Bm) !== rows(A))
    throw new ShapeError(
      `linalg.solve: Incompatible shapes of A and B for the equation AX = B (${rows(A)}x${cols(A)} and ${rows(Bm)}x${cols(Bm)})`,
    );
  const X = solveMat(A, Bm);
  return vector ? squeeze(X, -1) : X;
}

export function inv(A: Tensor): Tensor {
  checkSquare('linalg.inv', A);
  checkNotLowPrecision('linalg.inv', A);
  return solveMat(A, eyeLike(rows(A), A, batchOf(A)), 'linalg.inv');
}

/** det(A) = sign · prod(diag(U)); the gradient is g · cofactor(A), through the SVD so singular A works. */
export function det(A: Tensor): Tensor {
  checkSquare('linalg.det', A);
  const n = rows(A);
  let d: Tensor;
  if (n === 0) d = add(zeros(batchOf(A), { device: A.device, dtype: A.dtype }), 1);
  else {
    const { LU, sign: s } = luFactorRaw(A);
    d = noGrad(() => mul(prod(diag(LU), [-1]), s));
  }
  // The cofactor through the SVD: the gradient of det stays defined (and accurate) for singular A.
  return record1('linalg_det', d, [A], (g) => [mul(unsqueeze(unsqueeze(g, -1), -1), cofactor(A))]);
}

/** The cofactor matrix det(A) A^-T, as U adj(S) V^T · det(U V^T) (defined for singular A too). */
function cofactor(A: Tensor): Tensor {
  const n = rows(A);
  if (n === 0) return A;
  const { U, S, Vh } = svdReduced(A);
  const sE = expand(unsqueeze(S, -2), [...S.shape.slice(0, -1), n, n]);
  const I = eyeLike(n, A);
  const adjS = prod(where(gt(I, 0.5), 1, sE), [-1]);
  const detUV = mul(signDet(U), signDet(Vh));
  return mul(matmul(mul(U, unsqueeze(adjS, -2)), Vh), unsqueeze(unsqueeze(detUV, -1), -1));
}
const signDet = (Q: Tensor): Tensor =>
  noGrad(() => {
    const { LU, sign: s } = luFactorRaw(Q);
    return mul(sign(prod(diag(LU), [-1])), s);
  });

/** (sign, log|det|); the gradient of log|det| is g · A^-T. */
export function slogdet(A: Tensor): [Tensor, Tensor] {
  checkSquare('linalg.slogdet', A);
  checkNotLowPrecision('linalg.slogdet', A);
  const n = rows(A);
  let sgn: Tensor;
  let logabs: Tensor;
  if (n === 0) {
    sgn = add(zeros(batchOf(A), { device: A.device, dtype: A.dtype }), 1);
    logabs = zeros(batchOf(A), { device: A.device, dtype: A.dtype });
  } else {
    const { LU, sign: s } = luFactorRaw(A);
    const dg = diag(LU);
    [sgn, logabs] = noGrad(() => [mul(prod(sign(dg), [-1]), s), sum(log(abs(dg)), [-1])]);
  }
  record('linalg_slogdet', [sgn, logabs], [A], ([, g]) =>
    g ? [mul(unsqueeze(unsqueeze(g, -1), -1), mT(inv(A)))] : [null],
  );
  return [sgn, logabs];
}

/** torch.logdet: log det(A), NaN for a negative determinant. */
export function logdet(A: Tensor): Tensor {
  checkSquare('logdet', A);
  checkNotLowPrecision('logdet', A);
  const [s, l] = slogdet(A);
  return where(lt(s, 0), Number.NaN, where(eq(s, 0), Number.NEGATIVE_INFINITY, l));
}

/** torch.linalg.lu: P, L, U with A = P L U (no autograd). */
export function lu(A: Tensor, pivot = true): [Tensor, Tensor, Tensor] {
  checkMatrix('linalg.lu', A);
  if (!pivot) throw new RangeError('linalg.lu_factor: LU without pivoting is not implemented on the CPU');
  const m = rows(A);
  const n = cols(A);
  const k = Math.min(m, n);
  const { LU, perm } = luFactorRaw(A);
  return noGrad(() => {
    const P = cast(
      eq(unsqueeze(perm, -2), unsqueeze(arange(0, m, 1, { device: A.device, dtype: A.dtype }), -1)),
      A.dtype,
    );
    const L = add(tril(narrow(LU, -1, 0, k), -1), eye(m, k, { device: A.device, dtype: A.dtype }));
    const U = triu(narrow(LU, -2, 0, k));
    return [P, L, U] as [Tensor, Tensor, Tensor];
  });
}

// ---- triangular ----

/** Solves A X = B (left) or X A = B with A triangular. */
export function solveTriangular(
  A: Tensor,
  B: Tensor,
  upper: boolean,
  left = true,
  unitriangular = false,
): Tensor {
  checkMatrix('linalg.solve_triangular', A);
  checkSquare('linalg.solve_triangular', A);
  if (!left) return mT(solveTriangular(mT(A), mT(B), !upper, true, unitriangular));
  const n = rows(A);
  if (rows(B) !== n)
    throw new ShapeError(
      `linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${rows(B)}x${cols(B)})`,
    );
  const batch = broadcastShapes('linalg.solve_triangular', batchOf(A), batchOf(B));
  const Ab = expand(A, [...batch, n, n]);
  const Bb = expand(B, [...batch, n, cols(B)]);
  const [X] =
    Bb.numel() === 0
      ? [zeros(Bb.shape, { device: A.device, dtype: A.dtype })]
      : prim('trsm', [Ab, Bb], [Bb.shape.slice()], [upper ? 1 : 0, unitriangular ? 1 : 0]);
  record('linalg_solve_triangular', [X], [A, B], ([g]) => {
    if (!g) return [null, null];
    const gB = solveTriangular(mT(A), g, !upper, true, unitriangular);
    const full = neg(matmul(gB, mT(X)));
    const gA = upper ? triu(full, unitriangular ? 1 : 0) : tril(full, unitriangular ? -1 : 0);
    return [gA, gB];
  });
  return X;
}

/** torch.triangular_solve(b, A, upper, transpose, unitriangular) -> (solution, A clone). */
export function triangularSolve(
  b: Tensor,
  A: Tensor,
  upper = true,
  transposeA = false,
  unitriangular = false,
): [Tensor, Tensor] {
  const Aop = transposeA ? mT(A) : A;
  const X = solveTriangular(Aop, b, transposeA ? !upper : upper, true, unitriangular);
  const Ab = broadcastShapes('triangular_solve', batchOf(A), batchOf(b));
  return [X, contiguous(expand(A, [...Ab, rows(A), cols(A)]))];
}

// ---- Cholesky ----

export function cholesky(A: Tensor, upper = false, op = 'linalg.cholesky'): Tensor {
  checkSquare(op, A);
  const [L, info] = prim('cholesky', [A], [A.shape.slice(), batchOf(A)]);
  // (No matrix elements: nothing was factored and info holds no values to check.)
  if (A.numel() > 0)
    checkValues(info, (infos) => {
      for (let i = 0; i < infos.length; i++)
        if (infos[i] > 0)
          throw new RangeError(
            `${op}: ${infos.length > 1 ? `(Batch element ${i}): ` : ''}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${infos[i]} is not positive-definite).`,
          );
    });
  if (A.backend.readSync) info.dispose();
  record('linalg_cholesky', [L], [A], ([gL]) => {
    if (!gL) return [null];
    // gA = sym(L^-T Φ(L^T gL) L^-1), Φ: the lower triangle with its diagonal halved.
    const P = matmul(mT(L), gL);
    const phi = sub(tril(P), mul(diagEmbed(diag(P)), 0.5));
    const left = solveTriangular(mT(L), phi, true, true);
    const gA = solveTriangular(L, left, false, false);
    return [mul(add(gA, mT(gA)), 0.5)];
  });
  return upper ? mT(L) : L;
}

/**
 * torch.cholesky_solve(B, L, upper): A X = B with A = L L^T (or U^T U). The gradient of the factor
 * is PyTorch's: -(gB X^T + X gB^T) L (lower) or -U (...) (upper), over the whole input matrix.
 */
export function choleskySolve(B: Tensor, L: Tensor, upper = false): Tensor {
  checkSquare('cholesky_solve', L);
  const X = noGrad(() => {
    const Lo = upper ? mT(L) : L;
    return solveTriangular(mT(Lo), solveTriangular(Lo, B, false, true), true, true);
  });
  record('cholesky_solve', [X], [B, L], ([g]) => {
    if (!g) return [null, null];
    const gB = choleskySolve(g, L, upper);
    const c = matmul(gB, mT(X));
    const common = add(c, mT(c));
    return [gB, neg(upper ? matmul(L, common) : matmul(common, L))];
  });
  return X;
}

/** (L L^T)^-1 from a Cholesky factor; the gradient is -(X (g + g^T) X) L (or -U (...)). */
export function choleskyInverse(L: Tensor, upper = false): Tensor {
  checkSquare('cholesky_inverse', L);
  const X = noGrad(() => choleskySolve(eyeLike(rows(L), L, batchOf(L)), L, upper));
  return record1('cholesky_inverse', X, [L], (g) => {
    const common = matmul(matmul(X, add(g, mT(g))), X);
    return [neg(upper ? matmul(L, common) : matmul(common, L))];
  });
}

// ---- QR ----

/** Householder reflectors (geqrf): no autograd. */
export function geqrf(A: Tensor): [Tensor, Tensor] {
  checkMatrix('geqrf', A);
  const k = Math.min(rows(A), cols(A));
  const [QR, tau] = prim('geqrf', [A], [A.shape.slice(), [...batchOf(A), k]]);
  return [QR, tau];
}

/** Q = H_0 ⋯ H_{k-1} (first n columns), composed from matmuls so it is differentiable. */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  checkMatrix('linalg.householder_product', A);
  const m = rows(A);
  const n = cols(A);
  const k = tau.shape[tau.dim() - 1] ?? 0;
  if (n > m)
    throw new ShapeError(
      'torch.linalg.householder_product: input.shape[-2] must be greater than or equal to input.shape[-1]',
    );
  if (k > n)
    throw new ShapeError(
      'torch.linalg.householder_product: input.shape[-1] must be greater than or equal to tau.shape[-1]',
    );
  const batch = broadcastShapes('linalg.householder_product', batchOf(A), tau.shape.slice(0, -1));
  const V = add(tril(A, -1), eye(m, n, { device: A.device, dtype: A.dtype }));
  let Q = expand(eye(m, n, { device: A.device, dtype: A.dtype }), [...batch, m, n]);
  for (let j = k - 1; j >= 0; j--) {
    const v = narrow(V, -1, j, 1); // [..., m, 1]
    const t = unsqueeze(narrow(tau, -1, j, 1), -1); // [..., 1, 1]
    Q = sub(Q, mul(t, matmul(v, matmul(mT(v), Q))));
  }
  return Q;
}

/** torch.ormqr(A, tau, C, left, transpose): Q C, C Q, Q^T C or C Q^T with Q (m×m) from geqrf. */
export function ormqr(A: Tensor, tau: Tensor, C: Tensor, left = true, transposeQ = false): Tensor {
  const m = rows(A);
  const r = Math.min(cols(A), m);
  const V = narrow(A, -1, 0, r);
  const full =
    r < m ? cat([V, zeros([...batchOf(A), m, m - r], { device: A.device, dtype: A.dtype })], -1) : V;
  const t = narrow(tau, -1, 0, Math.min(tau.shape[tau.dim() - 1] ?? 0, r));
  let Q = householderProduct(full, t);
  if (transposeQ) Q = mT(Q);
  return left ? matmul(Q, C) : matmul(C, Q);
}

function qrRaw(A: Tensor, complete: boolean): [Tensor, Tensor] {
  const m = rows(A);
  const n = cols(A);
  const k = Math.min(m, n);
  const [QR, tau] = geqrf(A);
  const qc = complete ? m : k;
  const V =
    qc > n
      ? cat([QR, zeros([...batchOf(A), m, qc - n], { device: A.device, dtype: A.dtype })], -1)
      : narrow(QR, -1, 0, qc);
  const [Q] =
    k === 0
      ? [contiguous(expand(eye(m, qc, { device: A.device, dtype: A.dtype }), [...batchOf(A), m, qc]))]
      : prim('orgqr', [V, tau], [[...batchOf(A), m, qc]]);
  const R = triu(narrow(QR, -2, 0, qc));
  return [Q, R];
}

/** torch.linalg.qr(A, mode): 'reduced', 'complete' or 'r' (Q empty). */
export function qr(A: Tensor, mode = 'reduced'): [Tensor, Tensor] {
  checkMatrix('linalg.qr', A);
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r')
    throw new RangeError(
      `qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`,
    );
  const m = rows(A);
  const n = cols(A);
  const [Qf, R] = qrRaw(A, mode === 'complete');
  const Q = mode === 'r' ? zeros([0], { device: A.device, dtype: A.dtype }) : Qf;
  record('linalg_qr', [Q, R], [A], ([gQ, gR]) => {
    if (mode === 'r')
      throw new RangeError(
        "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
      );
    if (mode === 'complete' && m > n)
      throw new RangeError(
        "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
      );
    // m >= n: gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q.
    // m < n: A = Q [X | Y]; differentiate the square part and add Q gY for the rest.
    const gq = gQ ?? zeros(Q.shape, { device: A.device, dtype: A.dtype });
    const gr = gR ?? zeros(R.shape, { device: A.device, dtype: A.dtype });
    const k = Math.min(m, n);
    const Rk = narrow(R, -1, 0, k);
    const grk = narrow(gr, -1, 0, k);
    let gqk = gq;
    let rest: Tensor | null = null;
    if (m < n) {
      // R's last columns are Q^T Y for Y = A[..., k:]: Q gets Y gY^T, Y gets Q gY.
      const Y = narrow(A, -1, k, n - k);
      const gY = narrow(gr, -1, k, n - k);
      gqk = add(gq, matmul(Y, mT(gY)));
      rest = matmul(Q, gY);
    }
    const M = sub(matmul(Rk, mT(grk)), matmul(mT(gqk), Q));
    const copyltu = add(tril(M, -1), add(mT(tril(M, -1)), diagEmbed(diag(M))));
    const B = add(gqk, matmul(Q, copyltu));
    let gA = mT(solveTriangular(Rk, mT(B), true, true));
    if (rest) gA = cat([gA, rest], -1);
    return [gA];
  });
  return [Q, R];
}

// ---- symmetric eigen ----

function symmetricInput(A: Tensor, UPLO: string): Tensor {
  if (UPLO !== 'L' && UPLO !== 'U')
    throw new RangeError(`Expected UPLO argument to be 'L' or 'U', but got ${UPLO}`);
  return UPLO === 'L' ? A : mT(A);
}

export function eigh(A: Tensor, UPLO = 'L'): [Tensor, Tensor] {
  checkSquare('linalg.eigh', A);
  const n = rows(A);
  const [w, V] = prim('eigh', [symmetricInput(A, UPLO)], [[...batchOf(A), n], A.shape.slice()]);
  record('linalg_eigh', [w, V], [A], ([gw, gV]) => {
    // gA = V (diag(gw) + skew(V^T gV) / E) V^T, E_ij = w_j - w_i (1 on the diagonal).
    let inner = gw ? diagEmbed(gw) : zeros(A.shape, { device: A.device, dtype: A.dtype });
    if (gV) {
      const VgV = matmul(mT(V), gV);
      const skew = mul(sub(VgV, mT(VgV)), 0.5);
      const E = sub(unsqueeze(w, -2), unsqueeze(w, -1));
      const I = eyeLike(n, A);
      inner = add(inner, where(gt(I, 0.5), 0, div(skew, add(E, I))));
    }
    return [matmul(V, matmul(inner, mT(V)))];
  });
  return [w, V];
}

export function eigvalsh(A: Tensor, UPLO = 'L'): Tensor {
  checkSquare('linalg.eigvalsh', A);
  const n = rows(A);
  const [w, V] = prim('eigh', [symmetricInput(A, UPLO)], [[...batchOf(A), n], A.shape.slice()]);
  return record1('linalg_eigvalsh', w, [A], (g) => [matmul(mul(V, unsqueeze(g, -2)), mT(V))]);
}

/** torch.symeig (deprecated): eigenvalues ascending and, when asked, eigenvectors. */
export function symeig(A: Tensor, eigenvectors = false, upper = true): [Tensor, Tensor] {
  const [w, V] = eigh(A, upper ? 'U' : 'L');
  return eigenvectors ? [w, V] : [w, zeros([0], { device: A.device, dtype: A.dtype })];
}

// ---- SVD ----

/** Reduced SVD without autograd: U [.., m, k], S [.., k], Vh [.., k, n]. */
function svdRaw(A: Tensor): { U: Tensor; S: Tensor; Vh: Tensor } {
  const m = rows(A);
  const n = cols(A);
  const b = batchOf(A);
  if (m >= n) {
    const [U, S, V] = prim(
      'svd',
      [A],
      [
        [...b, m, n],
        [...b, n],
        [...b, n, n],
      ],
    );
    return { U, S, Vh: mT(V) };
  }
  const [U2, S, V2] = prim(
    'svd',
    [mT(A)],
    [
      [...b, n, m],
      [...b, m],
      [...b, m, m],
    ],
  );
  return { U: V2, S, Vh: mT(U2) };
}

/** Reduced SVD with the gradient through S only (what svdvals, norms and pinv need). */
function svdReduced(A: Tensor): { U: Tensor; S: Tensor; Vh: Tensor } {
  const r = svdRaw(A);
  record1('linalg_svdvals', r.S, [A], (g) => [matmul(mul(r.U, unsqueeze(g, -2)), r.Vh)]);
  return r;
}

export function svdvals(A: Tensor): Tensor {
  checkMatrix('linalg.svdvals', A);
  return svdReduced(A).S;
}

/** Full Q completing the columns of U (m×k) to an orthonormal basis of R^m. */
function completeBasis(U: Tensor): Tensor {
  const m = rows(U);
  const k = cols(U);
  if (k >= m) return U;
  const [Qc] = qrRaw(U, true);
  return cat([U, narrow(Qc, -1, k, m - k)], -1);
}

/** torch.linalg.svd(A, full_matrices) -> (U, S, Vh). */
export function svd(A: Tensor, fullMatrices = true): [Tensor, Tensor, Tensor] {
  checkMatrix('linalg.svd', A);
  const m = rows(A);
  const n = cols(A);
  const { U, S, Vh } = svdRaw(A);
  let Uo = U;
  let Vho = Vh;
  if (fullMatrices) {
    Uo = completeBasis(U);
    Vho = mT(completeBasis(mT(Vh)));
  }
  const k = Math.min(m, n);
  record('linalg_svd', [Uo, S, Vho], [A], ([gU, gS, gVh]) => {
    // PyTorch's svd_backward (real case, reduced), with the completed columns ignored.
    const u = narrow(Uo, -1, 0, k);
    const vh = narrow(Vho, -2, 0, k);
    const gu = gU ? narrow(gU, -1, 0, k) : null;
    const gvh = gVh ? narrow(gVh, -2, 0, k) : null;
    if (!gu && !gvh)
      return [matmul(mul(u, unsqueeze(gS ?? zeros(S.shape, { device: A.device, dtype: A.dtype }), -2)), vh)];
    const v = mT(vh);
    const gv = gvh ? mT(gvh) : null;
    const I = eyeLike(k, A);
    const S2 = mul(S, S);
    const E = sub(unsqueeze(S2, -2), unsqueeze(S2, -1)); // s_j^2 - s_i^2
    const F = where(gt(I, 0.5), 0, reciprocal(add(E, I)));
    const UhgU = gu ? matmul(mT(u), gu) : null;
    const VhgV = gv ? matmul(mT(v), gv) : null;
    const skew = (X: Tensor) => sub(X, mT(X));
    const Sr = unsqueeze(S, -2);
    const Sc = unsqueeze(S, -1);
    let inner = gS ? diagEmbed(gS) : zeros([...S.shape, k], { device: A.device, dtype: A.dtype });
    if (UhgU) inner = add(inner, mul(F, mul(skew(UhgU), Sr)));
    if (VhgV) inner = add(inner, mul(F, mul(Sc, skew(VhgV))));
    let gA = matmul(u, matmul(inner, vh));
    if (gu && m > k) {
      const proj = sub(gu, matmul(u, UhgU as Tensor));
      gA = add(gA, matmul(div(proj, Sr), vh));
    }
    if (gv && n > k) {
      const proj = sub(gv, matmul(v, VhgV as Tensor));
      gA = add(gA, matmul(u, mT(div(proj, Sr))));
    }
    return [gA];
  });
  return [Uo, S, Vho];
}

/** torch.svd(A, some, compute_uv) -> (U, S, V). */
export function svdLegacy(A: Tensor, some = true, computeUv = true): [Tensor, Tensor, Tensor] {
  if (!computeUv) {
    // Only S (with its gradient); U and V are zero-filled (m, m) and (n, n) matrices, as in PyTorch.
    checkMatrix('svd', A);
    const dev = { device: A.device, dtype: A.dtype };
    const b = batchOf(A);
    return [zeros([...b, rows(A), rows(A)], dev), svdvals(A), zeros([...b, cols(A), cols(A)], dev)];
  }
  const [U, S, Vh] = svd(A, !some);
  return [U, S, mT(Vh)];
}

/** Default tolerance of pinv/matrix_rank: atol, rtol (PyTorch's rules, eps of float32). */
function tolerance(A: Tensor, S: Tensor, atol: number | Tensor | null, rtol: number | Tensor | null): Tensor {
  const eps = 1.1920928955078125e-7;
  const smax =
    S.shape[S.dim() - 1] > 0
      ? amax(S, [-1], { keepdim: true })
      : zeros([...S.shape.slice(0, -1), 1], { device: A.device, dtype: A.dtype });
  const r =
    rtol ?? (atol === null || (typeof atol === 'number' && atol <= 0) ? eps * Math.max(rows(A), cols(A)) : 0);
  const rt = typeof r === 'number' ? r : unsqueeze(r, -1);
  const at = atol === null ? 0 : typeof atol === 'number' ? atol : unsqueeze(atol, -1);
  return maximum(mul(smax, rt) as Tensor, at);
}

/** torch.linalg.pinv: V diag(1/s) U^T over s above the tolerance; PyTorch's pinv backward. */
export function pinv(
  A: Tensor,
  atol: number | Tensor | null = null,
  rtol: number | Tensor | null = null,
  hermitian = false,
): Tensor {
  if (isHalf(A.dtype))
    throw new DTypeError(
      `linalg.pinv(${torchTypeName(A.dtype)}{[${A.shape.join(', ')}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`,
    );
  checkMatrix('linalg.pinv', A);
  const P = noGrad(() => {
    if (A.numel() === 0)
      return zeros([...batchOf(A), cols(A), rows(A)], { device: A.device, dtype: A.dtype });
    if (hermitian) {
      const [w, V] = prim('eigh', [A], [[...batchOf(A), rows(A)], A.shape.slice()]);
      const tol = tolerance(A, abs(w), atol, rtol);
      const inv = where(gt(abs(w), tol), reciprocal(w), 0);
      return matmul(mul(V, unsqueeze(inv, -2)), mT(V));
    }
    const { U, S, Vh } = svdRaw(A);
    const tol = tolerance(A, S, atol, rtol);
    const inv = where(gt(S, tol), reciprocal(S), 0);
    return matmul(mul(mT(Vh), unsqueeze(inv, -2)), mT(U));
  });
  return record1('linalg_pinv', P, [A], (g) => {
    const m = rows(A);
    const n = cols(A);
    if (m <= n) {
      const K = matmul(mT(g), P);
      const KPh = matmul(K, mT(P));
      return [
        add(
          sub(sub(KPh, mT(matmul(P, K))), matmul(matmul(A, P), KPh)),
          matmul(matmul(mT(P), P), sub(mT(g), matmul(K, A))),
        ),
      ];
    }
    const K = matmul(P, mT(g));
    const PhK = matmul(mT(P), K);
    return [
      add(
        sub(matmul(matmul(sub(mT(g), matmul(A, K)), P), mT(P)), mT(matmul(K, P))),
        sub(PhK, matmul(matmul(PhK, P), A)),
      ),
    ];
  });
}

export function matrixRank(
  A: Tensor,
  atol: number | Tensor | null = null,
  rtol: number | Tensor | null = null,
  hermitian = false,
): Tensor {
  checkMatrix('linalg.matrix_rank', A);
  return noGrad(() => {
    const S = hermitian
      ? abs(prim('eigh', [A], [[...batchOf(A), rows(A)], A.shape.slice()])[0])
      : svdRaw(A).S;
    const tol = tolerance(A, S, atol, rtol);
    return sum(gt(S, tol), [-1], { dtype: 'int64' });
  });
}

// ---- norms ----

type Dims = readonly number[] | null;

/** torch.linalg.vector_norm with PyTorch's subgradients (0 at a zero norm). */
export function vectorNorm(x: Tensor, ord: number = 2, dim: Dims = null, keepdim = false): Tensor {
  if (!isFloat(x.dtype))
    throw new TypeError(
      `linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${torchTypeName(x.dtype)}`,
    );
  const dims = dim === null ? x.shape.map((_, i) => i) : dim.map((d) => (d < 0 ? d + x.dim() : d));
  if (x.numel() === 0 && (ord < 0 || ord === Number.POSITIVE_INFINITY) && dims.some((d) => x.shape[d] === 0))
    throw new RangeError(
      `linalg.vector_norm cannot compute the ${ord} norm on an empty tensor because the operation does not have an identity`,
    );
  const red = (t: Tensor, op: (t: Tensor, d: number[], o: { keepdim: boolean }) => Tensor, kd: boolean) =>
    x.dim() === 0 ? t : op(t, dims, { keepdim: kd });
  const ax = abs(x);
  const out = noGrad(() => {
    if (ord === Number.POSITIVE_INFINITY) return red(ax, amax, keepdim);
    if (ord === Number.NEGATIVE_INFINITY) return red(ax, amin, keepdim);
    if (ord === 0) return red(cast(ne(x, 0), x.dtype), sum, keepdim);
    if (ord === 1) return red(ax, sum, keepdim);
    if (ord === 2) return sqrt(red(mul(x, x), sum, keepdim));
    return pow(red(pow(ax, ord), sum, keepdim), 1 / ord);
  });
  return record1('linalg_vector_norm', out, [x], (g) => {
    const nk = keepdim || x.dim() === 0 ? out : reshapeKeep(out, x.shape, dims);
    const gk = keepdim || x.dim() === 0 ? g : reshapeKeep(g, x.shape, dims);
    if (ord === 0) return [mul(x, 0)];
    if (ord === 1) return [mul(sign(x), gk)];
    if (ord === 2) return [where(eq(nk, 0), 0, mul(div(x, nk), gk))];
    if (!Number.isFinite(ord)) {
      const mask = cast(eq(abs(x), nk), x.dtype);
      const count = x.dim() === 0 ? mask : sum(mask, dims, { keepdim: true });
      return [mul(mul(sign(x), div(mask, count)), gk)];
    }
    if (ord < 1) {
      const xs = mul(sign(x), where(eq(x, 0), 0, pow(abs(x), ord - 1)));
      return [mul(mul(xs, gk), pow(nk, 1 - ord))];
    }
    const xs = mul(sign(x), pow(abs(x), ord - 1));
    return [where(eq(nk, 0), 0, mul(xs, div(gk, pow(nk, ord - 1))))];
  });
}
function reshapeKeep(t: Tensor, shape: readonly number[], dims: readonly number[]): Tensor {
  return reshape(
    t,
    shape.map((s, i) => (dims.includes(i) ? 1 : s)),
  );
}

/** torch.linalg.matrix_norm: 'fro', 'nuc', ±1, ±2, ±inf over the two dims. */
export function matrixNorm(
  A: Tensor,
  ord: number | string = 'fro',
  dim: readonly number[] = [-2, -1],
  keepdim = false,
): Tensor {
  checkMatrix('linalg.matrix_norm', A);
  if (dim.length !== 2)
    throw new RangeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const [d0, d1] = dim.map((d) => (d < 0 ? d + A.dim() : d));
  // 1.13 refuses 16-bit inputs for the SVD-based orders only.
  if (ord === 'nuc' || ord === 2 || ord === -2) checkNotLowPrecision('linalg.matrix_norm', A);
  if (ord === 'fro') return vectorNorm(A, 2, [d0, d1], keepdim);
  const back = (t: Tensor) => {
    // t has the two dims moved last and reduced away; restore keepdim positions.
    if (!keepdim) return t;
    const lo = Math.min(d0, d1);
    const hi = Math.max(d0, d1);
    return unsqueeze(unsqueeze(t, lo), hi);
  };
  const moved = movedLast(A, d0, d1);
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    const S = svdvals(moved);
    return back(ord === 'nuc' ? sum(S, [-1]) : ord === 2 ? amax(S, [-1]) : amin(S, [-1]));
  }
  if (typeof ord === 'string') throw new RangeError(`linalg.matrix_norm: Order ${ord} not supported.`);
  if (ord === 1 || ord === -1) {
    const s = sum(abs(moved), [-2]);
    return back(ord === 1 ? amax(s, [-1]) : amin(s, [-1]));
  }
  if (ord === Number.POSITIVE_INFINITY || ord === Number.NEGATIVE_INFINITY) {
    const s = sum(abs(moved), [-1]);
    return back(ord > 0 ? amax(s, [-1]) : amin(s, [-1]));
  }
  throw new RangeError(`linalg.matrix_norm: Order ${ord} not supported.`);
}
function movedLast(A: Tensor, d0: number, d1: number): Tensor {
  const rest = A.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
  const perm = [...rest, d0, d1];
  return permuteDims(A, perm);
}
const permuteDims = (A: Tensor, perm: number[]): Tensor => {
  let t = A;
  // permute via transposes keeps autograd simple; the shape module's permute is also fine.
  const cur = A.shape.map((_, i) => i);
  for (let i = 0; i < perm.length; i++) {
    const j = cur.indexOf(perm[i]);
    if (j !== i) {
      t = transpose(t, i, j);
      [cur[i], cur[j]] = [cur[j], cur[i]];
    }
  }
  return t;
};

/** torch.linalg.norm: vector or matrix norm by ord and dim. */
export function linalgNorm(A: Tensor, ord: Ord = null, dim: Dims = null, keepdim = false): Tensor {
  if (dim !== null && dim.length === 2) return matrixNorm(A, ord ?? 'fro', dim, keepdim);
  if (dim !== null) return vectorNorm(A, typeof ord === 'number' ? ord : 2, dim, keepdim);
  if (ord === null) return vectorNorm(A, 2, null, keepdim);
  if (A.dim() === 2) return matrixNorm(A, ord, [-2, -1], keepdim);
  if (A.dim() === 1 && typeof ord === 'number') return vectorNorm(A, ord, null, keepdim);
  throw new RangeError(
    `linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.dim()}D.`,
  );
}

export function cond(A: Tensor, p: Ord = null): Tensor {
  checkMatrix('linalg.cond', A);
  if (p === null || p === 2 || p === -2) {
    const S = svdvals(A);
    const r = div(amax(S, [-1]), amin(S, [-1]));
    return p === -2 ? reciprocal(r) : r;
  }
  checkSquare('linalg.cond', A);
  return mul(matrixNorm(A, p), matrixNorm(inv(A), p));
}

// ---- products and small helpers ----

export function matrixPower(A: Tensor, n: number): Tensor {
  checkSquare('linalg.matrix_power', A);
  if (n === 0) return add(mul(A, 0), eyeLike(rows(A), A, batchOf(A)));
  let base = n < 0 ? inv(A) : A;
  let k = Math.abs(n);
  let result: Tensor | null = null;
  while (k > 0) {
    if (k & 1) result = result ? matmul(result, base) : base;
    k >>= 1;
    if (k) base = matmul(base, base);
  }
  return result as Tensor;
}

export function multiDot(ts: readonly Tensor[]): Tensor {
  if (ts.length < 2) throw new RangeError(`multi_dot(): expected at least 2 tensors but got ${ts.length}`);
  const first1 = ts[0].dim() === 1;
  const last1 = ts[ts.length - 1].dim() === 1;
  const ms = ts.map((t, i) =>
    i === 0 && first1 ? unsqueeze(t, 0) : i === ts.length - 1 && last1 ? unsqueeze(t, -1) : t,
  );
  ms.forEach((t, i) => {
    if (t.dim() !== 2)
      throw new ShapeError(
        `multi_dot(): tensor ${i} must be 2D${i === 0 || i === ts.length - 1 ? ' or 1D' : ''} but got ${ts[i].dim()}D`,
      );
  });
  let r = ms[0];
  for (let i = 1; i < ms.length; i++) r = matmul(r, ms[i]);
  if (first1) r = squeeze(r, 0);
  if (last1) r = squeeze(r, -1);
  return r;
}

export function linalgCross(a: Tensor, b: Tensor, dim = -1): Tensor {
  const shape = broadcastShapes('linalg.cross', a.shape, b.shape);
  return crossOp(expand(a, shape), expand(b, shape), dim < 0 ? dim + shape.length : dim);
}

export function vecdot(x: Tensor, y: Tensor, dim = -1): Tensor {
  return sum(mul(x, y), [dim]);
}

export function vander(x: Tensor, N: number | null = null): Tensor {
  if (isHalf(x.dtype) || x.dtype === 'bool')
    throw new DTypeError(
      `linalg.vander supports floating point, complex, and integer tensors, but got ${torchTypeName(x.dtype)}`,
    );
  if (x.dim() === 0) x = reshape(x, [1]);
  const n = N ?? x.shape[x.dim() - 1];
  if (n < 0) throw new RangeError('N must be non-negative.');
  const one = add(mul(unsqueeze(x, -1), 0), 1);
  if (n <= 1) return narrow(one, -1, 0, n);
  const reps = expand(unsqueeze(x, -1), [...x.shape, n - 1]);
  return cat([one, cumprod(reps, -1)], -1);
}

export function tensorinv(A: Tensor, ind = 2): Tensor {
  if (ind <= 0) throw new RangeError(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const out = A.shape.slice(0, ind);
  const inS = A.shape.slice(ind);
  const p = out.reduce((x, y) => x * y, 1);
  const q = inS.reduce((x, y) => x * y, 1);
  if (p !== q)
    throw new ShapeError(
      `Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${q} != ${p}`,
    );
  return reshape(inv(reshape(A, [p, q])), [...inS, ...out]);
}

export function tensorsolve(A: Tensor, B: Tensor, dims: readonly number[] | null = null): Tensor {
  let a = A;
  if (dims !== null) {
    const nd = dims.map((d) => (d < 0 ? d + A.dim() : d));
    const keep = A.shape.map((_, i) => i).filter((i) => !nd.includes(i));
    a = permuteDims(A, [...keep, ...nd]);
  }
  const rest = a.shape.slice(B.dim());
  const n = B.numel();
  const q = rest.reduce((x, y) => x * y, 1);
  if (n !== q)
    throw new ShapeError(
      `Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${q} != ${n}`,
    );
  return reshape(solve(reshape(a, [n, q]), reshape(B, [n])), rest);
}

/** torch.linalg.lstsq: the least-squares (minimum-norm) solution through the pseudo-inverse. */
export function lstsq(
  A: Tensor,
  B: Tensor,
  rcond: number | null = null,
  driver: string | null = null,
): [Tensor, Tensor, Tensor, Tensor] {
  checkMatrix('torch.linalg.lstsq', A);
  // 1.13's LAPACK path (its only one on the CPU): float and double only.
  if (isHalf(A.dtype) || isHalf(B.dtype))
    throw new DTypeError(
      "torch.linalg.lstsq: This function doesn't handle types other than float and double",
    );
  const vector = B.dim() === A.dim() - 1;
  const Bm = vector ? unsqueeze(B, -1) : B;
  if (rows(Bm) !== rows(A))
    throw new ShapeError(
      `torch.linalg.lstsq: input.size(-2) should match other.size(-2). Got ${rows(A)} and ${rows(Bm)}`,
    );
  const X = matmul(pinv(A, null, rcond), Bm);
  const sol = vector ? squeeze(X, -1) : X;
  const drv = driver ?? 'gelsy';
  const dev = { device: A.device, dtype: A.dtype };
  const empty = zeros([0], dev);
  const m = rows(A);
  const n = cols(A);
  return noGrad(() => {
    const rank = drv === 'gels' ? cast(zeros([0], dev), 'int64') : matrixRank(A, null, rcond);
    const sv = drv === 'gelsd' || drv === 'gelss' ? svdRaw(A).S : empty;
    let res = empty;
    if (m > n && drv !== 'gelsy') {
      const r = sub(matmul(A, X), Bm);
      res = sum(mul(r, r), [-2]);
      if (vector) res = squeeze(res, -1);
    }
    return [sol, res, rank, sv] as [Tensor, Tensor, Tensor, Tensor];
  });
}

/** torch.cdist: p-norm distances between the rows of x1 [.., P, M] and x2 [.., R, M]. */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  if (x1.dim() < 2 || x2.dim() < 2)
    throw new ShapeError(`cdist only supports at least 2D tensors, X1 got: ${x1.dim()}D`);
  if (cols(x1) !== cols(x2))
    throw new ShapeError(`X1 and X2 must have the same number of columns. X1: ${cols(x1)} X2: ${cols(x2)}`);
  if (p < 0) throw new RangeError(`cdist only supports non-negative p values`);
  const d = sub(unsqueeze(x1, -2), unsqueeze(x2, -3));
  return vectorNorm(d, p, [-1]);
}

export function dist(a: Tensor, b: Tensor, p = 2): Tensor {
  return vectorNorm(sub(a, b), p);
}

/**
 * torch.matrix_exp: scaling and squaring of a degree-18 Taylor polynomial, composed from ops.
 * Each matrix gets its own scaling 2^-s (s from its inf-norm, computed on the device: no host
 * read), and the squarings run a fixed MAX_SQUARINGS times, each kept only while i < s.
 */
const MAX_SQUARINGS = 24; // 2^24 ≫ the norm at which exp(A) overflows float32
export function matrixExp(A: Tensor): Tensor {
  checkSquare('linalg.matrix_exp', A);
  const n = rows(A);
  if (A.numel() === 0) return mul(A, 1);
  const s = noGrad(() => {
    const norm = amax(sum(abs(A), [-1]), [-1], { keepdim: true }); // [..., 1]
    const bits = add(ceil(log2(maximum(norm, 1))), 1);
    return unsqueeze(clamp(bits, { min: 0, max: MAX_SQUARINGS }), -1); // [..., 1, 1]
  });
  const X = mul(
    A,
    noGrad(() => pow(2, neg(s))),
  );
  const I = eyeLike(n, A, batchOf(A));
  let term: Tensor = I;
  let result: Tensor = I;
  for (let k = 1; k <= 18; k++) {
    term = div(matmul(term, X), k);
    result = add(result, term);
  }
  for (let i = 0; i < MAX_SQUARINGS; i++) result = where(gt(s, i), matmul(result, result), result);
  return result;
}

/** torch.pinverse(A, rcond) */
export const pinverse = (A: Tensor, rcond = 1e-15): Tensor => pinv(A, null, rcond);
