/**
 * nn.init: in-place initialisations with PyTorch's formulas, never recorded by autograd.
 *
 * ```ts
 * nn.init.kaimingUniform_(layer.weight, { a: Math.sqrt(5) });   // Linear's default
 * nn.init.zeros_(layer.bias!);
 * ```
 */

import { philoxFill } from '../backend/philox.js';
import { tensor } from '../ops/creation.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { erf } from '../tensor/scalar-math.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

type Gen = { generator?: Generator };

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number') throw new TypeError(`negative_slope ${slope} not a valid number`);
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`Unsupported nonlinearity ${nonlinearity}`);
  }
}

/** [fanIn, fanOut] of a weight [out, in, ...kernel] (torch's _calculate_fan_in_and_fan_out). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2)
    throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fan(t: Tensor, mode: 'fan_in' | 'fan_out'): number {
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new RangeError(`Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fi, fo] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fi : fo;
}

export function uniform_(t: Tensor, a = 0, b = 1, opts: Gen = {}): Tensor {
  return noGrad(() => t.uniform_(a, b, opts));
}
export function normal_(t: Tensor, mean = 0, std = 1, opts: Gen = {}): Tensor {
  return noGrad(() => t.normal_(mean, std, opts));
}
export function constant_(t: Tensor, val: number): Tensor {
  return noGrad(() => t.fill_(val));
}
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, opts: Gen = {}): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fi + fo));
  return uniform_(t, -a, a, opts);
}
/** Glorot normal: N(0, gain * sqrt(2 / (fanIn + fanOut))). */
export function xavierNormal_(t: Tensor, gain = 1, opts: Gen = {}): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)), opts);
}

export interface KaimingOptions extends Gen {
  /** Negative slope of the leaky ReLU that follows (only with 'leaky_relu'). Default 0. */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}
/** He uniform: U(-b, b), b = gain * sqrt(3 / fan). Defaults as PyTorch: a=0, fan_in, leaky_relu. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  const std =
    calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan(t, opts.mode ?? 'fan_in'));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, opts);
}
/** He normal: N(0, gain / sqrt(fan)). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  const std =
    calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan(t, opts.mode ?? 'fan_in'));
  return normal_(t, 0, std, opts);
}

/**
 * N(mean, std) truncated to [a, b] by inverse-CDF sampling, as PyTorch's trunc_normal_. The
 * draw runs on the host (init is not a hot path) and is copied to the tensor's device.
 */
export function truncNormal_(
  t: Tensor,
  opts: { mean?: number; std?: number; a?: number; b?: number } & Gen = {},
): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = opts;
  const cdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  const l = cdf((a - mean) / std);
  const u = cdf((b - mean) / std);
  const n = t.numel();
  const r = new Float32Array(n);
  const g = opts.generator ?? defaultGenerator;
  const { seed, offset } = g.next(n);
  philoxFill('uniform', r, seed, offset, 2 * l - 1, 2 * u - 1);
  const vals = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = mean + std * Math.SQRT2 * erfinv(r[i]);
    vals[i] = Math.min(b, Math.max(a, v));
  }
  const src = tensor(vals, { device: t.device }).reshape(t.shape);
  return noGrad(() => t.copy_(src));
}
export const trunc_normal_ = truncNormal_;

// Abramowitz–Stegun 7.1.26 is too coarse for the tails; use a series/continued approximation.
/** Inverse error function: Giles' single-precision approximation refined by two Newton steps. */
function erfinv(y: number): number {
  if (y <= -1) return Number.NEGATIVE_INFINITY;
  if (y >= 1) return Number.POSITIVE_INFINITY;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    for (const c of [
      3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
      0.246640727, 1.50140941,
    ])
      p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [
      0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
      2.83297682,
    ])
      p = c + p * w;
    x = p * y;
  }
  for (let i = 0; i < 2; i++) x -= (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}
