/**
 * torch.multinomial / bernoulli / normal / poisson and the in-place distribution fills
 * (Tensor.exponential_, geometric_, log_normal_, cauchy_, random_, bernoulli_), each bound once
 * through PyTorch's parameter list; api/torch.ts exports the functions, the end of this file
 * installs the methods on the prototype.
 */

import { E } from '../backend/expr.js';
import * as rnd from '../ops/random-more.js';
import { fn, form, method, methodOverloads, overloads } from '../signature/bind.js';
import type { MethodArgs } from '../signature/types.js';
import { device as toDevice } from '../tensor/device.js';
import { iinfo } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

const RSIG = {
  multinomial:
    'multinomial(Tensor input, int num_samples, bool replacement=False, *, Generator? generator=None)',
  bernoulli: 'bernoulli(Tensor input, *, Generator? generator=None)',
  bernoulliP: 'bernoulli(Tensor input, float p, *, Generator? generator=None)',
  poisson: 'poisson(Tensor input, Generator? generator=None)',
} as const;

export const randomFunctions = {
  multinomial: fn('torch.multinomial', RSIG.multinomial, (a) =>
    rnd.multinomial(a.input, a.numSamples, a.replacement, a.generator as Generator | null),
  ),
  bernoulli: overloads(
    'torch.bernoulli',
    form(RSIG.bernoulli, (a) => rnd.bernoulli(a.input, null, a.generator as Generator | null)),
    form(RSIG.bernoulliP, (a) => rnd.bernoulli(a.input, a.p, a.generator as Generator | null)),
  ),
  normal: overloads(
    'torch.normal',
    form('normal(Tensor mean, Tensor std, *, Generator? generator=None)', (a) =>
      rnd.normal(a.mean, a.std, a.generator as Generator | null),
    ),
    form('normal(Tensor mean, float std=1, *, Generator? generator=None)', (a) =>
      rnd.normal(a.mean, a.std, a.generator as Generator | null),
    ),
    form('normal(float mean, Tensor std, *, Generator? generator=None)', (a) =>
      rnd.normal(a.mean, a.std, a.generator as Generator | null),
    ),
    form(
      'normal(float mean, float std, int[] size, *, Generator? generator=None, Device? device=None)',
      (a) => rnd.normal(a.mean, a.std, a.generator as Generator | null, a.size, toDevice(a.device ?? 'cpu')),
    ),
  ),
  poisson: fn('torch.poisson', RSIG.poisson, (a) => rnd.poisson(a.input, a.generator as Generator | null)),
};

const MSIG = {
  multinomial:
    'multinomial(Tensor self, int num_samples, bool replacement=False, *, Generator? generator=None)',
  bernoulli: 'bernoulli(Tensor self, *, Generator? generator=None)',
  bernoulli_: 'bernoulli_(Tensor self, Tensor|float p=0.5, *, Generator? generator=None)',
  exponential_: 'exponential_(Tensor self, float lambd=1, *, Generator? generator=None)',
  geometric_: 'geometric_(Tensor self, float p, *, Generator? generator=None)',
  logNormal_: 'log_normal_(Tensor self, float mean=1, float std=2, *, Generator? generator=None)',
  cauchy_: 'cauchy_(Tensor self, float median=0, float sigma=1, *, Generator? generator=None)',
  random0: 'random_(Tensor self, *, Generator? generator=None)',
  random1: 'random_(Tensor self, int to, *, Generator? generator=None)',
  random2: 'random_(Tensor self, int from, int? to, *, Generator? generator=None)',
} as const;

const G = (g: unknown): Generator | null => g as Generator | null;

function randomRange(self: Tensor, from: number, to: number | null, g: Generator | null): Tensor {
  // to=None: [from, 2^mantissa] for floats, [from, max] for integers (int64: its int32 storage).
  const hi =
    to ??
    (self.dtype === 'float32'
      ? 2 ** 24 + 1
      : self.dtype === 'float64'
        ? 2 ** 53 + 1
        : self.dtype === 'int64' || self.dtype === 'bool'
          ? 2 ** 31 - 1
          : Number(iinfo(self.dtype).max) + 1);
  if (hi <= from)
    throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${hi}`);
  const span = hi - from;
  return rnd.fillFrom(self, 'random_', g, 'uniform', (u) => E.add(E.floor(E.mul(u, span)), from));
}

const methods = {
  multinomial: method('Tensor.multinomial', MSIG.multinomial, (a) =>
    rnd.multinomial(a.self, a.numSamples, a.replacement, G(a.generator)),
  ),
  bernoulli: method('Tensor.bernoulli', MSIG.bernoulli, (a) => rnd.bernoulli(a.self, null, G(a.generator))),
  bernoulli_: method('Tensor.bernoulli_', MSIG.bernoulli_, (a) => {
    const p = typeof a.p === 'boolean' ? Number(a.p) : a.p;
    return rnd.fillFrom(a.self, 'bernoulli_', G(a.generator), 'uniform', (u, q) => E.lt(u, q), [p]);
  }),
  exponential_: method('Tensor.exponential_', MSIG.exponential_, (a) =>
    rnd.fillFrom(a.self, 'exponential_', G(a.generator), 'uniform', (u) =>
      E.div(E.neg(E.log(E.sub(1, u))), a.lambd),
    ),
  ),
  geometric_: method('Tensor.geometric_', MSIG.geometric_, (a) => {
    if (!(a.p > 0 && a.p < 1)) throw new RangeError(`geometric_ expects p to be in (0, 1), but got p=${a.p}`);
    // Trials to the first success: ceil(log(1 - u) / log(1 - p)), at least 1.
    return rnd.fillFrom(a.self, 'geometric_', G(a.generator), 'uniform', (u) =>
      E.max(E.ceil(E.div(E.log(E.sub(1, u)), Math.log1p(-a.p))), 1),
    );
  }),
  logNormal_: method('Tensor.logNormal_', MSIG.logNormal_, (a) =>
    rnd.fillFrom(a.self, 'log_normal_', G(a.generator), 'normal', (z) =>
      E.exp(E.add(E.mul(z, a.std), a.mean)),
    ),
  ),
  cauchy_: method('Tensor.cauchy_', MSIG.cauchy_, (a) =>
    rnd.fillFrom(a.self, 'cauchy_', G(a.generator), 'uniform', (u) =>
      E.add(a.median, E.mul(a.sigma, E.tan(E.mul(Math.PI, E.sub(u, 0.5))))),
    ),
  ),
  random_: methodOverloads(
    'Tensor.random_',
    form(MSIG.random0, (a) => randomRange(a.self, 0, null, G(a.generator))),
    form(MSIG.random1, (a) => randomRange(a.self, 0, a.to, G(a.generator))),
    form(MSIG.random2, (a) => randomRange(a.self, a.from, a.to, G(a.generator))),
  ),
};

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Indices drawn from each row's (unnormalized) weights (torch.multinomial). */
    multinomial(...args: MethodArgs<typeof MSIG.multinomial>): Tensor;
    /** 0/1 draws with the elements as probabilities. */
    bernoulli(...args: MethodArgs<typeof MSIG.bernoulli>): Tensor;
    /** Fills with Bernoulli(p) draws. */
    bernoulli_(...args: MethodArgs<typeof MSIG.bernoulli_>): Tensor;
    /** Fills with Exponential(lambd) draws. */
    exponential_(...args: MethodArgs<typeof MSIG.exponential_>): Tensor;
    /** Fills with Geometric(p) draws (trials to the first success, ≥ 1). */
    geometric_(...args: MethodArgs<typeof MSIG.geometric_>): Tensor;
    /** Fills with exp(N(mean, std)) draws. */
    logNormal_(...args: MethodArgs<typeof MSIG.logNormal_>): Tensor;
    /** Fills with Cauchy(median, sigma) draws. */
    cauchy_(...args: MethodArgs<typeof MSIG.cauchy_>): Tensor;
    /** Fills with integers uniform in [from, to) (to=None: up to the dtype's exact range). */
    random_(...args: MethodArgs<typeof MSIG.random0>): Tensor;
    random_(...args: MethodArgs<typeof MSIG.random1>): Tensor;
    random_(...args: MethodArgs<typeof MSIG.random2>): Tensor;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [k, f] of Object.entries(methods)) proto[k] = f;
