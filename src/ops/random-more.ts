/**
 * Sampling ops beyond rand/randn/randint: multinomial, bernoulli, normal (tensor parameters),
 * poisson and the in-place distribution fills (exponential_, geometric_, log_normal_, cauchy_,
 * random_, bernoulli_). Every one draws from the shared Philox stream through the backend's
 * `random` primitive and transforms the draws with elementwise expressions, sorts, cumsums and
 * reductions, so the same generator state gives the same numbers on every device.
 */

import { E, exType } from '../backend/expr.js';
import type { Device } from '../tensor/device.js';
import { isFloat } from '../tensor/dtype.js';
import { AutogradError, ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';
import { ewise, ewiseInto, needsGrad } from './core.js';
import { cumsum } from './cumulative.js';
import { sum } from './reduce.js';
import { contiguous, reshape, slice, unsqueeze } from './shape.js';
import { topk } from './sort.js';

/** U[0, 1) (24-bit, as torch.rand) of a shape, on a device. */
export function uniformDraw(
  shape: readonly number[],
  device: Device,
  g: Generator | null,
  kind: 'uniform' | 'normal' = 'uniform',
): Tensor {
  const gen = g ?? defaultGenerator;
  const t = emptyTensor(shape, 'float32', device);
  const { seed, offset } = gen.next(t.numel());
  t.backend.random(kind, t, seed, offset, kind === 'uniform' ? 0 : 0, 1);
  return t;
}

const floatOf = (x: Tensor): Tensor =>
  isFloat(x.dtype) ? x : ewise('cast', (a) => E.cast('f32', a), [x], 'float32');

/** Values are checked where the backend reads synchronously (CPU), with PyTorch's messages. */
function checkProbs(p: Tensor): void {
  const be = p.backend as { readSync?: (t: Tensor) => ArrayLike<number> };
  if (!be.readSync) return;
  const v = contiguous(p).toArraySync();
  const k = p.shape[p.dim() - 1];
  for (let r = 0; r < v.length / k; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const x = v[r * k + j];
      if (!Number.isFinite(x) || x < 0)
        throw new RangeError('multinomial: probability tensor contains either `inf`, `nan` or element < 0');
      s += x;
    }
    if (!(s > 0))
      throw new RangeError('multinomial: invalid multinomial distribution (sum of probabilities <= 0)');
  }
}

/**
 * torch.multinomial. With replacement (or one sample): inverse CDF, each draw u·total counted
 * against the row's cumulative sums. Without: PyTorch's exponential race, the top n of
 * p / Exp(1) (the order statistics of weighted sampling without replacement).
 */
export function multinomial(input: Tensor, n: number, replacement: boolean, g: Generator | null): Tensor {
  if (input.dim() < 1 || input.dim() > 2) throw new ShapeError('multinomial: prob_dist must be 1 or 2 dim');
  if (!isFloat(input.dtype))
    throw new TypeError(`multinomial only supports floating-point dtypes for input, got: ${input.dtype}`);
  const k = input.shape[input.dim() - 1];
  if (k === 0) throw new RangeError('multinomial: prob_dist must have at least one category');
  if (n <= 0) throw new RangeError('multinomial: cannot sample n_sample <= 0 samples');
  if (!replacement && n > k)
    throw new RangeError(
      'multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement',
    );
  checkProbs(input);
  const p2 = input.dim() === 1 ? reshape(input, [1, k]) : input;
  const rows = p2.shape[0];
  let out: Tensor;
  if (replacement || n === 1) {
    const cdf = cumsum(p2, 1);
    const total = slice(cdf, 1, k - 1, k); // [rows, 1]
    const u = uniformDraw([rows, n], input.device, g);
    const target = ewise('multinomial', (a, t) => E.mul(a, t), [u, total], 'float32'); // [rows, n]
    const le = ewise(
      'multinomial',
      (c, t) => E.cast('i32', E.le(c, t)),
      [unsqueeze(cdf, 1), unsqueeze(target, 2)],
      'int32',
    ); // [rows, n, k]
    const cnt = sum(le, [2], { dtype: 'int32' });
    out = ewise('multinomial', (c) => E.min(c, k - 1), [cnt], 'int64');
    for (const t of [cdf, u, target, le, cnt]) t.dispose();
  } else {
    const u = uniformDraw([rows, k], input.device, g);
    // Exp(1) = -log(1 - u) with 1 - u in (0, 1]; p / Exp(1) is +inf for a zero draw (chosen first).
    const key = ewise('multinomial', (p, x) => E.div(p, E.neg(E.log(E.sub(1, x)))), [p2, u], 'float32');
    out = topk(key, n, 1, true)[1];
    u.dispose();
    key.dispose();
  }
  return input.dim() === 1 ? reshape(out, [n]) : out;
}

/** torch.bernoulli: 1 where U < p (p a tensor of probabilities or one number), in input's dtype. */
export function bernoulli(input: Tensor, p: Tensor | number | null, g: Generator | null): Tensor {
  const u = uniformDraw(input.shape, input.device, g);
  const prob = p ?? floatOf(input);
  const out = ewise('bernoulli', (x, q) => E.cast(exType(input.dtype), E.lt(x, q)), [u, prob], input.dtype);
  u.dispose();
  return out;
}

/** torch.normal over broadcast tensor (or number) mean and std. */
export function normal(
  mean: Tensor | number,
  std: Tensor | number,
  g: Generator | null,
  shape?: readonly number[],
  device?: Device,
): Tensor {
  const ts = [mean, std].filter((x): x is Tensor => typeof x !== 'number');
  if (typeof std !== 'number') {
    const be = std.backend as { readSync?: (t: Tensor) => ArrayLike<number> };
    if (be.readSync) {
      const v = contiguous(std).toArraySync();
      for (let i = 0; i < v.length; i++)
        if (v[i] < 0) throw new RangeError(`normal expects all elements of std >= 0.0`);
    }
  } else if (std < 0) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  let sh: readonly number[];
  let dev: Device;
  if (ts.length === 0) {
    sh = shape ?? [];
    dev = device as Device;
  } else {
    const a = ts[0];
    const b = ts[1];
    sh = b ? ewiseShape(a, b) : a.shape;
    dev = a.device;
  }
  const z = uniformDraw(sh, dev, g, 'normal');
  const out = ewise(
    'normal',
    (x, m, s) => E.add(E.mul(x, s), m),
    [z, floatArg(mean), floatArg(std)],
    'float32',
  );
  z.dispose();
  return out;
}
const floatArg = (x: Tensor | number): Tensor | number => (typeof x === 'number' ? x : floatOf(x));
function ewiseShape(a: Tensor, b: Tensor): number[] {
  const n = Math.max(a.dim(), b.dim());
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a.shape[a.dim() - n + i] ?? 1;
    const y = b.shape[b.dim() - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new ShapeError(
        `normal: the shape of mean [${a.shape}] and std [${b.shape}] are not broadcastable`,
      );
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** log Γ(x) for x ≥ 1: shifted by 6, then Stirling's series (error < 1e-9 relative). */
const lgammaEx = (x: ReturnType<typeof E.input>) => {
  const z = E.add(x, 6);
  const zi = E.recip(z);
  const zi2 = E.mul(zi, zi);
  const series = E.mul(zi, E.sub(1 / 12, E.mul(zi2, E.sub(1 / 360, E.mul(zi2, 1 / 1260)))));
  const st = E.add(E.sub(E.mul(E.sub(z, 0.5), E.log(z)), z), E.add(0.9189385332046727, series));
  let prod = x as ReturnType<typeof E.input>;
  for (let i = 1; i < 6; i++) prod = E.mul(prod, E.add(x, i));
  return E.sub(st, E.log(prod));
};

/** Largest count the small-rate inversion walks to (P(X > 48 | λ < 10) < 1e-16). */
const INVERSION_TERMS = 48;
/** PTRS rounds (acceptance > 0.88 per round for λ ≥ 10: failure below 1e-14). */
const PTRS_ROUNDS = 16;

/**
 * torch.poisson: per element, inversion (one uniform, the CDF walked term by term) for λ < 10
 * and Hörmann's transformed rejection with squeeze (PTRS, as PyTorch) for λ ≥ 10, its rejection
 * loop bounded at 16 rounds of two uniforms. Composed of elementwise passes, so CPU and WebGPU
 * run the same algorithm on the same draws.
 */
export function poisson(rates: Tensor, g: Generator | null): Tensor {
  const lam = floatOf(rates);
  const be = lam.backend as { readSync?: (t: Tensor) => ArrayLike<number> };
  if (be.readSync) {
    const v = contiguous(lam).toArraySync();
    for (let i = 0; i < v.length; i++)
      if (!(v[i] >= 0)) throw new RangeError('poisson: invalid rate (must be >= 0)');
  }
  const shape = lam.shape;
  const drawn: Tensor[] = [];
  const draw = (): Tensor => {
    const t = uniformDraw(shape, lam.device, g);
    drawn.push(t);
    return t;
  };
  // Inversion: count of k with u > F(k).
  const u0 = draw();
  let pk = ewise('poisson', (l) => E.exp(E.neg(l)), [lam], lam.dtype);
  let cdf = pk;
  let cnt = ewise('poisson', (u, c) => E.cast('f32', E.gt(u, c)), [u0, cdf], lam.dtype);
  for (let i = 1; i < INVERSION_TERMS; i++) {
    const npk = ewise('poisson', (p, l) => E.mul(p, E.div(l, i)), [pk, lam], lam.dtype);
    const ncdf = ewise('poisson', (c, p) => E.add(c, p), [cdf, npk], lam.dtype);
    const ncnt = ewise(
      'poisson',
      (n, u, c) => E.add(n, E.cast('f32', E.gt(u, c))),
      [cnt, u0, ncdf],
      lam.dtype,
    );
    if (pk !== cdf) pk.dispose();
    cdf.dispose();
    cnt.dispose();
    pk = npk;
    cdf = ncdf;
    cnt = ncnt;
  }
  pk.dispose();
  cdf.dispose();
  // PTRS for large rates: result -1 until a round accepts.
  let res = ewise('poisson', (l) => E.where(E.lt(l, 10), 0, -1), [lam], lam.dtype);
  for (let r = 0; r < PTRS_ROUNDS; r++) {
    const u = draw();
    const v = draw();
    const next = ewise(
      'poisson',
      (prev, l, uu, vv) => {
        const slam = E.sqrt(l);
        const loglam = E.log(l);
        const b = E.add(0.931, E.mul(2.53, slam));
        const a = E.add(-0.059, E.mul(0.02483, b));
        const invalpha = E.add(1.1239, E.div(1.1328, E.sub(b, 3.4)));
        const vr = E.sub(0.9277, E.div(3.6224, E.sub(b, 2)));
        const U = E.sub(uu, 0.5);
        const us = E.sub(0.5, E.abs(U));
        const kk = E.floor(E.add(E.mul(E.add(E.div(E.mul(2, a), us), b), U), E.add(l, 0.43)));
        const quick = E.and(E.ge(us, 0.07), E.le(vv, vr));
        const reject = E.or(E.lt(kk, 0), E.and(E.lt(us, 0.013), E.gt(vv, us)));
        const lhs = E.sub(E.add(E.log(vv), E.log(invalpha)), E.log(E.add(E.div(a, E.mul(us, us)), b)));
        const rhs = E.sub(
          E.add(E.neg(l), E.mul(kk, loglam)),
          lgammaEx(E.add(E.max(kk, 0), 1) as ReturnType<typeof E.input>),
        );
        const accept = E.or(quick, E.and(E.not(reject), E.le(lhs, rhs)));
        return E.where(E.and(E.lt(prev, 0), accept), kk, prev);
      },
      [res, lam, u, v],
      lam.dtype,
    );
    res.dispose();
    res = next;
  }
  const out = ewise('poisson', (l, c, p) => E.where(E.lt(l, 10), c, E.max(p, 0)), [lam, cnt, res], lam.dtype);
  cnt.dispose();
  res.dispose();
  for (const t of drawn) t.dispose();
  return out;
}

type Kind = 'exponential' | 'geometric' | 'log_normal' | 'cauchy' | 'random' | 'bernoulli';

/** The in-place fills: draws, a transform, written into self (no autograd, as PyTorch). */
export function fillFrom(
  self: Tensor,
  name: string,
  g: Generator | null,
  kind: 'uniform' | 'normal',
  f: (x: ReturnType<typeof E.input>, ...rest: ReturnType<typeof E.input>[]) => ReturnType<typeof E.input>,
  extra: readonly (Tensor | number)[] = [],
): Tensor {
  if (needsGrad([self]))
    throw new AutogradError(
      `a leaf Variable that requires grad is being used in an in-place operation (${name})`,
    );
  const d = uniformDraw(self.shape, self.device, g, kind);
  const cast = exType(self.dtype);
  ewiseInto(name, self, (x, ...r) => E.cast(cast, f(x, ...r)), [d, ...extra]);
  d.dispose();
  return self;
}
export type { Kind as FillKind };
