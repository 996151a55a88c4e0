/**
 * optim.Adamax, optim.NAdam, optim.RAdam: each an update program (program.ts) and a
 * constructor with PyTorch 1.13's signature, defaults and state keys (`exp_avg`, `exp_inf`,
 * `exp_avg_sq`, `mu_product`). Step counts and NAdam's `mu_product` are host numbers (PyTorch
 * keeps 0-d tensors; loading accepts either).
 *
 * ```ts
 * const opt = new optim.NAdam(model.parameters(), { lr: 2e-3, momentumDecay: 4e-3 });
 * ```
 */
import { E } from '../backend/expr.js';
import { zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { Tensor } from '../tensor/tensor.js';
import {
  checkRange,
  type Hyper,
  Optimizer,
  type ParamGroup,
  type ParamState,
  splitParams,
} from './optimizer.js';
import { decayedGrad, k, P, runUpdate, S, set, type UpdateStep } from './program.js';

const ADAMAX_SIG =
  'Adamax(Params params, float lr=0.002, float[2] betas=[0.9,0.999], float eps=1e-08, float weight_decay=0, bool? foreach=None, *, bool maximize=False)';
const NADAM_SIG =
  'NAdam(Params params, float lr=0.002, float[2] betas=[0.9,0.999], float eps=1e-08, float weight_decay=0, float momentum_decay=0.004, bool? foreach=None)';
const RADAM_SIG =
  'RAdam(Params params, float lr=0.001, float[2] betas=[0.9,0.999], float eps=1e-08, float weight_decay=0, bool? foreach=None)';

/** Adamax's hyperparameters, named and defaulted as its constructor. */
export type AdamaxOptions = Hyper<typeof ADAMAX_SIG>;
/** NAdam's hyperparameters, named and defaulted as its constructor. */
export type NAdamOptions = Hyper<typeof NADAM_SIG>;
/** RAdam's hyperparameters, named and defaulted as its constructor. */
export type RAdamOptions = Hyper<typeof RADAM_SIG>;

interface Betas {
  lr: number;
  eps: number;
  betas: readonly number[];
  weightDecay: number;
}
function checkBetas(g: Betas): void {
  checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
  checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
  checkRange(g.betas[0] >= 0 && g.betas[0] < 1, `Invalid beta parameter at index 0: ${g.betas[0]}`);
  checkRange(g.betas[1] >= 0 && g.betas[1] < 1, `Invalid beta parameter at index 1: ${g.betas[1]}`);
  checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
}

/** A number kept in state (`step`, `mu_product`): PyTorch's 0-d tensors load as numbers. */
export const num = (s: ParamState, key: string, init: number): number => {
  const v = s[key];
  if (v === undefined) return init;
  return v instanceof Tensor ? v.itemSync() : v;
};

/**
 * Runs one program per distinct key over a group's parameters that have gradients: `prepare`
 * advances a parameter's host state and returns [key, operands, program].
 */
export function runKeyed(
  label: string,
  g: { fused?: boolean | null; foreach?: boolean | null; params: Tensor[] },
  prepare: (p: Tensor) => [string, Tensor[], () => UpdateStep[]],
): void {
  const by = new Map<string, { sets: Tensor[][]; program: () => UpdateStep[] }>();
  for (const p of g.params) {
    if (!p.grad) continue;
    const [key, operands, program] = prepare(p);
    const e = by.get(key);
    if (e) e.sets.push(operands);
    else by.set(key, { sets: [operands], program });
  }
  for (const { sets, program } of by.values()) runUpdate(label, g, program(), sets);
}

/**
 * Adamax, Adam with the infinity norm, as torch.optim.Adamax (1.13): with g = grad (+ weightDecay · p;
 * negated with `maximize`), m = β1 · m + (1 - β1) · g, u = max(β2 · u, |g| + eps), and p -= lr / (1 - β1^t) ·
 * m / u.
 *
 * Constructor: `params`, `lr` (default 2e-3), `betas` (default [0.9, 0.999]), `eps` (default 1e-8),
 * `weightDecay` (default 0), `foreach` (default null); keyword-only `maximize` (default false). State:
 * `step`, `expAvg`, `expInf`.
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  static readonly label = 'optim.Adamax';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = ADAMAX_SIG;
  constructor(...args: CallArgs<typeof ADAMAX_SIG>) {
    super(...splitParams(ctorArgs('optim.Adamax', ADAMAX_SIG, args)));
  }
  protected override validate(g: ParamGroup<AdamaxOptions>): void {
    checkBetas(g);
  }
  protected override updateGroup(g: ParamGroup<AdamaxOptions>): void {
    runKeyed(this.label, g, (p) => {
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.expAvg = zerosLike(p);
        s.expInf = zerosLike(p);
      }
      const step = (s.step = num(s, 'step', 0) + 1);
      return [`${step}`, [p, p.grad!, s.expAvg as Tensor, s.expInf as Tensor], () => adamaxProgram(g, step)];
    });
  }
}

/** Operands [p, grad, expAvg, expInf]. */
export function adamaxProgram(g: AdamaxOptions, step: number): UpdateStep[] {
  const [beta1, beta2] = g.betas;
  const grad = decayedGrad(g);
  const [m, u] = [S(0), S(1)];
  return [
    set(m, E.add(E.mul(m, k(beta1)), E.mul(grad, k(1 - beta1)))),
    set(u, E.max(E.mul(u, k(beta2)), E.add(E.abs(grad), k(g.eps)))),
    set(P, E.add(P, E.mul(E.div(m, u), k(-g.lr / (1 - beta1 ** step))))),
  ];
}

/**
 * NAdam, Adam with Nesterov momentum, as torch.optim.NAdam (1.13): the momentum coefficient at step t is μ_t
 * = β1 · (1 - 0.5 · 0.96^(t · momentumDecay)); the update mixes the gradient and the first moment with μ_t,
 * μ_{t+1} and their running product (`muProduct`), divided by sqrt(v / (1 - β2^t)) + eps.
 *
 * Constructor: `params`, `lr` (default 2e-3), `betas` (default [0.9, 0.999]), `eps` (default 1e-8),
 * `weightDecay` (default 0, added to the gradient), `momentumDecay` (default 4e-3), `foreach` (default null).
 * State: `step`, `muProduct`, `expAvg`, `expAvgSq`.
 */
export class NAdam extends Optimizer<NAdamOptions> {
  static readonly label = 'optim.NAdam';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = NADAM_SIG;
  constructor(...args: CallArgs<typeof NADAM_SIG>) {
    super(...splitParams(ctorArgs('optim.NAdam', NADAM_SIG, args)));
  }
  protected override validate(g: ParamGroup<NAdamOptions>): void {
    checkBetas(g);
    checkRange(g.momentumDecay >= 0, `Invalid momentum_decay value: ${g.momentumDecay}`);
  }
  protected override updateGroup(g: ParamGroup<NAdamOptions>): void {
    const [beta1] = g.betas;
    runKeyed(this.label, g, (p) => {
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.muProduct = 1;
        s.expAvg = zerosLike(p);
        s.expAvgSq = zerosLike(p);
      }
      const step = (s.step = num(s, 'step', 0) + 1);
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
      // PyTorch keeps mu_product as a float32 tensor: rounded as it is.
      const f = Math.fround;
      const muProduct = f(f(num(s, 'muProduct', 1)) * f(mu));
      s.muProduct = muProduct;
      const muProductNext = f(f(muProduct * f(mu)) * f(muNext));
      const c = { step, mu, muNext, muProduct, muProductNext };
      return [
        JSON.stringify(c),
        [p, p.grad!, s.expAvg as Tensor, s.expAvgSq as Tensor],
        () => nadamProgram(g, c),
      ];
    });
  }
}

/** Operands [p, grad, expAvg, expAvgSq]; the momentum schedule's host values in `c`. */
export function nadamProgram(
  g: NAdamOptions,
  c: { step: number; mu: number; muNext: number; muProduct: number; muProductNext: number },
): UpdateStep[] {
  const [beta1, beta2] = g.betas;
  const grad = decayedGrad({ maximize: false, weightDecay: g.weightDecay });
  const [m, v] = [S(0), S(1)];
  const denom = E.add(E.sqrt(E.div(v, k(1 - beta2 ** c.step))), k(g.eps));
  return [
    set(m, E.add(E.mul(m, k(beta1)), E.mul(grad, k(1 - beta1)))),
    set(v, E.add(E.mul(v, k(beta2)), E.mul(E.mul(grad, grad), k(1 - beta2)))),
    set(P, E.add(P, E.mul(E.div(grad, denom), k((-g.lr * (1 - c.mu)) / (1 - c.muProduct))))),
    set(P, E.add(P, E.mul(E.div(m, denom), k((-g.lr * c.muNext) / (1 - c.muProductNext))))),
  ];
}

/**
 * RAdam, Adam with a rectified variance, as torch.optim.RAdam (1.13): while the length of the approximated
 * simple moving average ρ_t ≤ 5 the step is SGD with momentum, p -= lr · m / (1 - β1^t); afterwards the Adam
 * step is scaled by the rectification term r_t.
 *
 * Constructor: `params`, `lr` (default 1e-3), `betas` (default [0.9, 0.999]), `eps` (default 1e-8),
 * `weightDecay` (default 0, added to the gradient), `foreach` (default null). State: `step`, `expAvg`,
 * `expAvgSq`.
 */
export class RAdam extends Optimizer<RAdamOptions> {
  static readonly label = 'optim.RAdam';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = RADAM_SIG;
  constructor(...args: CallArgs<typeof RADAM_SIG>) {
    super(...splitParams(ctorArgs('optim.RAdam', RADAM_SIG, args)));
  }
  protected override validate(g: ParamGroup<RAdamOptions>): void {
    checkBetas(g);
  }
  protected override updateGroup(g: ParamGroup<RAdamOptions>): void {
    runKeyed(this.label, g, (p) => {
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.expAvg = zerosLike(p);
        s.expAvgSq = zerosLike(p);
      }
      const step = (s.step = num(s, 'step', 0) + 1);
      return [`${step}`, [p, p.grad!, s.expAvg as Tensor, s.expAvgSq as Tensor], () => radamProgram(g, step)];
    });
  }
}

/** Operands [p, grad, expAvg, expAvgSq]. */
export function radamProgram(g: RAdamOptions, step: number): UpdateStep[] {
  const [beta1, beta2] = g.betas;
  const grad = decayedGrad({ maximize: false, weightDecay: g.weightDecay });
  const [m, v] = [S(0), S(1)];
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
  const corrected = E.mul(E.div(m, k(bc1)), k(g.lr));
  let update = corrected;
  if (rhoT > 5) {
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    // sqrt(bc2) / t is t.reciprocal() * sqrt(bc2) in PyTorch (Tensor.__rtruediv__).
    const adaptive = E.mul(E.recip(E.add(E.sqrt(v), k(g.eps))), k(Math.sqrt(bc2)));
    update = E.mul(E.mul(corrected, adaptive), k(rect));
  }
  return [
    set(m, E.add(E.mul(m, k(beta1)), E.mul(grad, k(1 - beta1)))),
    set(v, E.add(E.mul(v, k(beta2)), E.mul(E.mul(grad, grad), k(1 - beta2)))),
    set(P, E.sub(P, update)),
  ];
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.Adamax', ADAMAX_SIG, Adamax);
registerCtor('optim.NAdam', NADAM_SIG, NAdam);
registerCtor('optim.RAdam', RADAM_SIG, RAdam);
