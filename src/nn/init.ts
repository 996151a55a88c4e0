/**
 * nn.init: in-place initialisations with PyTorch's formulas, never recorded by autograd.
 *
 * ```ts
 * nn.init.kaimingUniform_(layer.weight, { a: Math.sqrt(5) });   // Linear's default
 * nn.init.zeros_(layer.bias!);
 * ```
 */

import { philoxFill } from '../backend/philox.js';
import { tensor as tensorOf } from '../ops/creation.js';
import { fn } from '../signature/bind.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { erf } from '../tensor/scalar-math.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';

const NONLINEARITY =
  '"linear"|"conv1d"|"conv2d"|"conv3d"|"conv_transpose1d"|"conv_transpose2d"|"conv_transpose3d"|"sigmoid"|"tanh"|"relu"|"leaky_relu"|"selu"';
/** The activation names calculateGain and the kaiming initializers accept (PyTorch's spellings). */
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

function gain(nonlinearity: Nonlinearity, param: number | null): number {
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
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
  }
}

/**
 * The recommended gain for `nonlinearity`: 1 for linear, the convolutions and sigmoid; 5/3 for tanh; sqrt(2)
 * for relu; sqrt(2 / (1 + slope²)) for leaky_relu (slope = `param`, default 0.01); 3/4 for selu. `param`
 * defaults to null.
 */
export const calculateGain = fn(
  'nn.init.calculateGain',
  `calculate_gain(${NONLINEARITY} nonlinearity, float? param=None)` as const,
  (a) => gain(a.nonlinearity, a.param),
);

function fans(t: Tensor): [number, number] {
  if (t.dim() < 2)
    throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}
/** [fanIn, fanOut] of a weight [out, in, ...kernel] (torch's _calculate_fan_in_and_fan_out). */
export const calculateFanInAndFanOut = fn(
  'nn.init.calculateFanInAndFanOut',
  '_calculate_fan_in_and_fan_out(Tensor tensor)',
  (a) => fans(a.tensor),
);

const fill = (t: Tensor, a: number, b: number, generator: Generator | null): Tensor =>
  noGrad(() => t.uniform_(a, b, { generator: generator ?? undefined }));
const gauss = (t: Tensor, mean: number, std: number, generator: Generator | null): Tensor =>
  noGrad(() => t.normal_(mean, std, { generator: generator ?? undefined }));

/**
 * Fills `tensor` in place from U(a, b) (defaults a = 0.0, b = 1.0), drawing from `generator` (default: the
 * global one); returns it.
 */
export const uniform_ = fn(
  'nn.init.uniform_',
  'uniform_(Tensor tensor, float a=0.0, float b=1.0, Generator? generator=None)',
  (a) => fill(a.tensor, a.a, a.b, a.generator),
);
/**
 * Fills `tensor` in place from N(mean, std²) (defaults mean = 0.0, std = 1.0), drawing from `generator`
 * (default: the global one); returns it. `normal_(w, 0, 0.02)` or `normal_(w, { std: 0.02 })`.
 */
export const normal_ = fn(
  'nn.init.normal_',
  'normal_(Tensor tensor, float mean=0.0, float std=1.0, Generator? generator=None)',
  (a) => gauss(a.tensor, a.mean, a.std, a.generator),
);
/** Fills `tensor` with `val` in place (untracked by autograd); returns it. */
export const constant_ = fn('nn.init.constant_', 'constant_(Tensor tensor, float val)', (a) =>
  noGrad(() => a.tensor.fill_(a.val)),
);
/** Fills `tensor` with 0 in place (untracked by autograd); returns it. */
export const zeros_ = fn('nn.init.zeros_', 'zeros_(Tensor tensor)', (a) => noGrad(() => a.tensor.fill_(0)));
/** Fills `tensor` with 1 in place (untracked by autograd); returns it. */
export const ones_ = fn('nn.init.ones_', 'ones_(Tensor tensor)', (a) => noGrad(() => a.tensor.fill_(1)));

/**
 * Glorot uniform, in place: U(-a, a) with a = gain · sqrt(6 / (fanIn + fanOut)); `gain` defaults to 1.0,
 * `generator` to the global one. Needs at least 2 dimensions.
 */
export const xavierUniform_ = fn(
  'nn.init.xavierUniform_',
  'xavier_uniform_(Tensor tensor, float gain=1.0, Generator? generator=None)',
  (a) => {
    const [fi, fo] = fans(a.tensor);
    const bound = Math.sqrt(3) * a.gain * Math.sqrt(2 / (fi + fo));
    return fill(a.tensor, -bound, bound, a.generator);
  },
);
/**
 * Glorot normal, in place: N(0, std²) with std = gain · sqrt(2 / (fanIn + fanOut)); `gain` defaults to 1.0,
 * `generator` to the global one. Needs at least 2 dimensions.
 */
export const xavierNormal_ = fn(
  'nn.init.xavierNormal_',
  'xavier_normal_(Tensor tensor, float gain=1.0, Generator? generator=None)',
  (a) => {
    const [fi, fo] = fans(a.tensor);
    return gauss(a.tensor, 0, a.gain * Math.sqrt(2 / (fi + fo)), a.generator);
  },
);

const KAIMING =
  `(Tensor tensor, float a=0, "fan_in"|"fan_out" mode="fan_in", ${NONLINEARITY} nonlinearity="leaky_relu", Generator? generator=None)` as const;
/** gain / sqrt(fan): the std of He initialisation. */
const kaimingStd = (a: {
  tensor: Tensor;
  a: number;
  mode: 'fan_in' | 'fan_out';
  nonlinearity: Nonlinearity;
}) => {
  const [fi, fo] = fans(a.tensor);
  return gain(a.nonlinearity, a.a) / Math.sqrt(a.mode === 'fan_in' ? fi : fo);
};
/**
 * He uniform, in place: U(-b, b) with b = gain · sqrt(3 / fan), gain = calculateGain(nonlinearity, a).
 * Defaults: `a` 0 (the negative slope for leaky_relu), `mode` `'fan_in'` (or `'fan_out'`), `nonlinearity`
 * `'leaky_relu'`, `generator` the global one.
 */
export const kaimingUniform_ = fn('nn.init.kaimingUniform_', `kaiming_uniform_${KAIMING}` as const, (a) => {
  if (a.tensor.numel() === 0) return a.tensor;
  const bound = Math.sqrt(3) * kaimingStd(a);
  return fill(a.tensor, -bound, bound, a.generator);
});
/**
 * He normal, in place: N(0, std²) with std = gain / sqrt(fan), gain = calculateGain(nonlinearity, a).
 * Defaults: `a` 0, `mode` `'fan_in'` (or `'fan_out'`), `nonlinearity` `'leaky_relu'`, `generator` the global
 * one.
 */
export const kaimingNormal_ = fn('nn.init.kaimingNormal_', `kaiming_normal_${KAIMING}` as const, (a) => {
  if (a.tensor.numel() === 0) return a.tensor;
  return gauss(a.tensor, 0, kaimingStd(a), a.generator);
});

/**
 * Fills `tensor` in place from N(mean, std²) truncated to [a, b], by inverse-CDF sampling. Defaults: mean
 * 0.0, std 1.0, a -2.0, b 2.0, generator the global one. The draw runs on the host and is copied to the
 * tensor's device.
 */
export const truncNormal_ = fn(
  'nn.init.truncNormal_',
  'trunc_normal_(Tensor tensor, float mean=0.0, float std=1.0, float a=-2.0, float b=2.0, Generator? generator=None)',
  ({ tensor: t, mean, std, a, b, generator }) => {
    const cdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
    const l = cdf((a - mean) / std);
    const u = cdf((b - mean) / std);
    const n = t.numel();
    const r = new Float32Array(n);
    const g = generator ?? defaultGenerator;
    const { seed, offset } = g.next(n);
    philoxFill('uniform', r, seed, offset, 2 * l - 1, 2 * u - 1);
    const vals = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = mean + std * Math.SQRT2 * erfinv(r[i]);
      vals[i] = Math.min(b, Math.max(a, v));
    }
    const src = tensorOf(vals, { device: t.device }).reshape(t.shape);
    return noGrad(() => t.copy_(src));
  },
);
/** PyTorch's snake_case spelling. */
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
