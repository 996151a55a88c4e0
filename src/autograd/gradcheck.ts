/**
 * Finite-difference gradient check (STYLE.md §9): along a random direction u,
 * (f(x + h u) - f(x - h u)) / 2h  ==  <df/dx, u>, with f = <w, F(x)> for a random w.
 * One directional derivative per input keeps it cheap on any device while still catching
 * wrong, transposed or missing gradient terms. With float64 inputs (PyTorch's gradcheck requires
 * double) the directions are float64 and the defaults are PyTorch's: eps 1e-6, atol 1e-5,
 * rtol 1e-3; float32 inputs keep the looser eps 1e-2, atol 1e-3, rtol 1e-2.
 */

import { randn } from '../ops/creation.js';
import { add, mul } from '../ops/pointwise.js';
import { sum } from '../ops/reduce.js';
import { isFloat } from '../tensor/dtype.js';
import { Generator } from '../tensor/random.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { grad } from './grad.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
  /** Directions to try per input. */
  directions?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Worst |numeric - analytic| relative to tolerance, per input. */
  details: { input: number; numeric: number; analytic: number; error: number }[];
}

/**
 * torch.autograd.gradcheck(fn, inputs, {eps=1e-2, atol=1e-3, rtol=1e-2}): compares analytic
 * gradients with central finite differences along one random direction per input.
 */
export async function gradcheck(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const f64 =
    inputs.some((x) => x.requiresGrad) && inputs.every((x) => !x.requiresGrad || x.dtype === 'float64');
  const eps = opts.eps ?? (f64 ? 1e-6 : 1e-2);
  const atol = opts.atol ?? (f64 ? 1e-5 : 1e-3);
  const rtol = opts.rtol ?? (f64 ? 1e-3 : 1e-2);
  const g = new Generator(opts.seed ?? 1234);
  const scalarOut = (xs: Tensor[], w: Tensor[]): Tensor => {
    const r = fn(...xs);
    const outs = Array.isArray(r) ? r : [r];
    return outs.map((o, i) => sum(mul(o, w[i]))).reduce((a, b) => add(a, b));
  };
  const probe = fn(...inputs);
  const outs = Array.isArray(probe) ? probe : [probe];
  const w = outs.map((o) =>
    randn(o.shape, { device: o.device, generator: g, dtype: isFloat(o.dtype) ? o.dtype : undefined }),
  );
  const details: GradcheckResult['details'] = [];
  let ok = true;
  const diffable = inputs.map((x, i) => [x, i] as const).filter(([x]) => x.requiresGrad);
  const loss = scalarOut([...inputs], w);
  const grads = grad(
    loss,
    diffable.map(([x]) => x),
    { allowUnused: true },
  );
  for (let k = 0; k < diffable.length; k++) {
    const [x, i] = diffable[k];
    for (let dIdx = 0; dIdx < (opts.directions ?? 2); dIdx++) {
      const u = randn(x.shape, { device: x.device, generator: g, dtype: x.dtype });
      const analytic = grads[k] ? await sum(mul(grads[k]!, u)).item() : 0;
      const at = (s: number) => {
        const xs = inputs.map((y, j) => (j === i ? add(y.detach(), mul(u, s * eps)) : y.detach()));
        return scalarOut(xs, w);
      };
      // Both evaluations recorded nothing; read them after the (synchronous) scope.
      const [plus, minus] = noGrad(() => [at(1), at(-1)]);
      const numeric = ((await plus.item()) - (await minus.item())) / (2 * eps);
      const err = Math.abs(numeric - analytic) / (atol + rtol * Math.abs(numeric));
      details.push({ input: i, numeric, analytic, error: err });
      if (!(err <= 1)) ok = false;
    }
  }
  return { ok, details };
}
