/**
 * Matrix products on the one `Backend.matmul` primitive. Transposes are views (strides), never
 * copies: the backward's x^T @ dy and dy @ W arrive at the kernel as strided operands.
 */

import type { View } from '../backend/backend.js';
import { isFloat, isHalf } from '../tensor/dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../tensor/errors.js';
import { isGradEnabled } from '../tensor/state.js';
import { broadcastShapes, checkSameDevice, emptyTensor, expandView, record1, type Tensor } from './core.js';
import { add, gt, mul } from './pointwise.js';
import { sumTo } from './reduce.js';
import { reshape, squeeze, transpose, unsqueeze } from './shape.js';

function checkFloat(op: string, ...ts: Tensor[]): void {
  for (const t of ts)
    if (!isFloat(t.dtype) || t.dtype !== ts[0].dtype)
      throw new DTypeError(
        `${op}: expected floating point operands of one dtype, got ${ts.map((x) => x.dtype).join(' and ')}`,
      );
}

/**
 * Batched product of tensors with >= 2 dims (batch dims broadcast), optional fused bias/relu.
 * `bT`: multiply by b's last two dims transposed, as a plain strided view (F.linear's W^T),
 * so no transpose op is recorded or run.
 */
function bmmRaw(op: string, a: Tensor, b0: Tensor, bias?: Tensor, activation?: 'relu', bT = false): Tensor {
  checkSameDevice(op, bias ? [a, b0, bias] : [a, b0]);
  checkFloat(op, a, b0);
  const r = b0.dim();
  const b: View = bT
    ? {
        storage: b0.storage,
        dtype: b0.dtype,
        shape: [...b0.shape.slice(0, -2), b0.shape[r - 1], b0.shape[r - 2]],
        strides: [...b0.strides.slice(0, -2), b0.strides[r - 1], b0.strides[r - 2]],
        offset: b0.offset,
      }
    : b0;
  const [M, K] = a.shape.slice(-2);
  const [K2, N] = b.shape.slice(-2);
  if (K !== K2)
    throw new ShapeError(
      `${op}: mat1 and mat2 shapes cannot be multiplied (${M}x${K} and ${K2}x${N}) (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`,
    );
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = emptyTensor([...batch, M, N], a.dtype, a.device);
  out.backend.matmul(expandView(a, [...batch, M, K]), expandView(b, [...batch, K, N]), out, {
    bias,
    activation,
  });
  return out;
}

const mT = (x: Tensor) => transpose(x, -1, -2);

/** torch.matmul with PyTorch's 1-D promotion rules. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.dim() === 0 || b.dim() === 0)
    throw new ShapeError(
      `both arguments to matmul need to be at least 1D, but they are ${a.dim()}D and ${b.dim()}D`,
    );
  if (a.dim() === 1 && b.dim() === 1) {
    if (a.shape[0] !== b.shape[0])
      throw new ShapeError(
        `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
      );
    return reshape(mm(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  }
  if (a.dim() === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.dim() === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  const out = bmmRaw('matmul', a, b);
  return record1('matmul', out, [a, b], (g) => [
    a.requiresGrad ? sumTo(matmul(g, mT(b)), a.shape) : null,
    b.requiresGrad ? sumTo(matmul(mT(a), g), b.shape) : null,
  ]);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2 || b.dim() !== 2)
    throw new ShapeError(`mm: expected 2D tensors, got ${a.dim()}D and ${b.dim()}D`);
  return matmul(a, b);
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3 || b.dim() !== 3)
    throw new ShapeError(`bmm: expected 3D tensors, got ${a.dim()}D and ${b.dim()}D`);
  if (a.shape[0] !== b.shape[0])
    throw new ShapeError(`bmm: batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1)
    throw new ShapeError(`outer: expected 1D tensors, got ${a.dim()}D and ${b.dim()}D`);
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1)
    throw new ShapeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  return matmul(a, b);
}

/**
 * F.linear: x @ W^T + b, one kernel with the bias (and optionally ReLU) as epilogue. W^T is a
 * strided view; the kernel folds it into indexing.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, activation?: 'relu'): Tensor {
  if (weight.dim() !== 2) throw new ShapeError(`linear: weight must be 2D, got ${fmtShape(weight.shape)}`);
  const inF = weight.shape[1];
  if (x.shape[x.dim() - 1] !== inF)
    throw new ShapeError(
      `mat1 and mat2 shapes cannot be multiplied (${x.numel() / (x.shape[x.dim() - 1] || 1)}x${x.shape[x.dim() - 1]} and ${inF}x${weight.shape[0]})`,
    );
  if (x.dim() < 2) {
    const y = matmul(x, mT(weight));
    return bias ? add(y, bias) : y;
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== weight.shape[0]))
    throw new ShapeError(
      `linear: bias of shape ${fmtShape(bias.shape)} does not match weight ${fmtShape(weight.shape)}`,
    );
  const out = bmmRaw('linear', x, weight, bias ?? undefined, activation, true);
  const relu = activation === 'relu';
  return record1('linear', out, [x, weight, bias], (g0) => {
    const g = relu ? mul(g0, gt(out.detach(), 0)) : g0;
    const x2 = x.dim() === 2 ? x : reshape(x, [-1, inF]);
    const g2 = g.dim() === 2 ? g : reshape(g, [-1, weight.shape[0]]);
    const fused = x.backend.routines?.linearGrads;
    if (
      fused &&
      (x.dtype === 'float32' || isHalf(x.dtype)) &&
      x.dtype === weight.dtype &&
      !isGradEnabled() &&
      weight.requiresGrad &&
      (!bias || bias.requiresGrad)
    ) {
      // dW and db in one kernel (one read of g) instead of a matmul plus a reduce.
      const dW = emptyTensor(weight.shape, weight.dtype, weight.device);
      const db = bias ? emptyTensor(bias.shape, bias.dtype, bias.device) : null;
      fused(g2, x2, dW, db);
      const dx = x.requiresGrad ? matmul(g, weight) : null;
      // The flattening views (and relu's masked g) are used up: dropping their references now
      // lets the engine's free of g (and of the masked copy) return the storage at once instead
      // of at the next GC. Nothing records them here (no createGraph).
      if (g2 !== g) g2.dispose();
      if (x2 !== x) x2.dispose();
      if (g !== g0) g.dispose();
      return [dx, dW, db];
    }
    return [
      x.requiresGrad ? matmul(g, weight) : null,
      weight.requiresGrad ? matmul(mT(g2), x2) : null,
      bias?.requiresGrad ? sumTo(g2, bias.shape) : null,
    ];
  });
}
