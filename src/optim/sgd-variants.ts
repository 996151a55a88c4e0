/**
 * optim.Adadelta, optim.ASGD, optim.Rprop: each an update program (program.ts) and a
 * constructor with PyTorch 1.13's signature, defaults and state keys (`square_avg`,
 * `acc_delta`; `eta`, `mu`, `ax`; `prev`, `step_size`). ASGD's `eta` and `mu` are host numbers
 * (PyTorch keeps float32 0-d tensors; they are rounded alike).
 */
import { E } from '../backend/expr.js';
import { fullLike, zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { num, runKeyed } from './adam-variants.js';
import { checkRange, type Hyper, Optimizer, type ParamGroup, splitParams } from './optimizer.js';
import { decayedGrad, G, k, P, S, set, T, type UpdateStep } from './program.js';

const ADADELTA_SIG =
  'Adadelta(Params params, float lr=1.0, float rho=0.9, float eps=1e-06, float weight_decay=0, bool? foreach=None, *, bool maximize=False)';
const ASGD_SIG =
  'ASGD(Params params, float lr=0.01, float lambd=0.0001, float alpha=0.75, float t0=1000000.0, float weight_decay=0, bool? foreach=None, bool maximize=False)';
const RPROP_SIG =
  'Rprop(Params params, float lr=0.01, float[2] etas=[0.5,1.2], float[2] step_sizes=[1e-06,50], bool? foreach=None, bool maximize=False)';

/** Adadelta's hyperparameters, named and defaulted as its constructor. */
export type AdadeltaOptions = Hyper<typeof ADADELTA_SIG>;
/** ASGD's hyperparameters, named and defaulted as its constructor. */
export type ASGDOptions = Hyper<typeof ASGD_SIG>;
/** Rprop's hyperparameters, named and defaulted as its constructor. */
export type RpropOptions = Hyper<typeof RPROP_SIG>;

/**
 * Adadelta, as torch.optim.Adadelta (1.13): with g = grad (+ weightDecay · p; negated with `maximize`), v = ρ
 * · v + (1 - ρ) · g², Δ = sqrt(u + eps) / sqrt(v + eps) · g, u = ρ · u + (1 - ρ) · Δ², and p -= lr · Δ.
 *
 * Constructor: `params`, `lr` (default 1.0), `rho` (default 0.9), `eps` (default 1e-6), `weightDecay`
 * (default 0), `foreach` (default null); keyword-only `maximize` (default false). State: `step`, `squareAvg`,
 * `accDelta`.
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  static readonly label = 'optim.Adadelta';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = ADADELTA_SIG;
  constructor(...args: CallArgs<typeof ADADELTA_SIG>) {
    super(...splitParams(ctorArgs('optim.Adadelta', ADADELTA_SIG, args)));
  }
  protected override validate(g: ParamGroup<AdadeltaOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.rho >= 0 && g.rho <= 1, `Invalid rho value: ${g.rho}`);
    checkRange(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
  }
  protected override updateGroup(g: ParamGroup<AdadeltaOptions>): void {
    runKeyed(this.label, g, (p) => {
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.squareAvg = zerosLike(p);
        s.accDelta = zerosLike(p);
      }
      s.step = num(s, 'step', 0) + 1;
      return ['', [p, p.grad!, s.squareAvg as Tensor, s.accDelta as Tensor], () => adadeltaProgram(g)];
    });
  }
}

/** Operands [p, grad, squareAvg, accDelta]; scratch 0 holds delta. */
export function adadeltaProgram(g: AdadeltaOptions): UpdateStep[] {
  const grad = decayedGrad(g);
  const [sq, acc, delta] = [S(0), S(1), T(2, 0)];
  const std = E.sqrt(E.add(sq, k(g.eps)));
  return [
    set(sq, E.add(E.mul(sq, k(g.rho)), E.mul(E.mul(grad, grad), k(1 - g.rho)))),
    set(delta, E.mul(E.div(E.sqrt(E.add(acc, k(g.eps))), std), grad)),
    set(acc, E.add(E.mul(acc, k(g.rho)), E.mul(E.mul(delta, delta), k(1 - g.rho)))),
    set(P, E.add(P, E.mul(delta, k(-g.lr)))),
  ];
}

/**
 * Averaged SGD, as torch.optim.ASGD (1.13): with g = grad (+ weightDecay · p), p = p · (1 - λ · η) - η · g,
 * then the average ax += μ · (p - ax) (ax = p while μ = 1), where η and μ were set by the previous step:
 * η = lr / (1 + λ · lr · step)^α and μ = 1 / max(1, step - t0).
 *
 * Constructor: `params`, `lr` (default 0.01), `lambd` (default 1e-4), `alpha` (default 0.75), `t0` (default
 * 1e6), `weightDecay` (default 0), `foreach` (default null), `maximize` (default false). State: `step`,
 * `eta`, `mu`, `ax` (the averaged parameters).
 */
export class ASGD extends Optimizer<ASGDOptions> {
  static readonly label = 'optim.ASGD';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = ASGD_SIG;
  constructor(...args: CallArgs<typeof ASGD_SIG>) {
    super(...splitParams(ctorArgs('optim.ASGD', ASGD_SIG, args)));
  }
  protected override validate(g: ParamGroup<ASGDOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
  }
  protected override updateGroup(g: ParamGroup<ASGDOptions>): void {
    const f = Math.fround; // eta and mu are float32 tensors in PyTorch
    runKeyed(this.label, g, (p) => {
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.eta = f(g.lr);
        s.mu = 1;
        s.ax = zerosLike(p);
      }
      const step = (s.step = num(s, 'step', 0) + 1);
      const eta = num(s, 'eta', f(g.lr));
      const mu = num(s, 'mu', 1);
      s.eta = f(g.lr / (1 + g.lambd * g.lr * step) ** g.alpha);
      s.mu = f(1 / Math.max(1, step - g.t0));
      return [`${eta},${mu}`, [p, p.grad!, s.ax as Tensor], () => asgdProgram(g, eta, mu)];
    });
  }
}

/** Operands [p, grad, ax]; scratch 0 holds the gradient read before p changes. */
export function asgdProgram(g: ASGDOptions, eta: number, mu: number): UpdateStep[] {
  const [ax, grad] = [S(0), T(1, 0)];
  return [
    set(grad, decayedGrad(g)),
    set(P, E.mul(P, k(1 - g.lambd * eta))),
    set(P, E.add(P, E.mul(grad, k(-eta)))),
    set(ax, Math.fround(mu) !== 1 ? E.add(ax, E.mul(E.sub(P, ax), k(mu))) : P),
  ];
}

/**
 * Resilient backpropagation, as torch.optim.Rprop (1.13): each element's step size grows by etaplus where the
 * gradient keeps its sign, shrinks by etaminus where it flips (and that gradient is zeroed), clamped to
 * stepSizes; then p -= sign(g) · stepSize.
 *
 * Constructor: `params`, `lr` (default 0.01, the initial step size), `etas` (default [0.5, 1.2]: etaminus,
 * etaplus), `stepSizes` (default [1e-6, 50]: min, max), `foreach` (default null), `maximize` (default false).
 * State: `step`, `prev`, `stepSize`.
 */
export class Rprop extends Optimizer<RpropOptions> {
  static readonly label = 'optim.Rprop';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = RPROP_SIG;
  constructor(...args: CallArgs<typeof RPROP_SIG>) {
    super(...splitParams(ctorArgs('optim.Rprop', RPROP_SIG, args)));
  }
  protected override validate(g: ParamGroup<RpropOptions>): void {
    checkRange(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    checkRange(
      0 < g.etas[0] && g.etas[0] < 1 && 1 < g.etas[1],
      `Invalid eta values: ${g.etas[0]}, ${g.etas[1]}`,
    );
  }
  protected override updateGroup(g: ParamGroup<RpropOptions>): void {
    runKeyed(this.label, g, (p) => {
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.prev = zerosLike(p);
        s.stepSize = fullLike(p, g.lr);
      }
      s.step = num(s, 'step', 0) + 1;
      return ['', [p, p.grad!, s.prev as Tensor, s.stepSize as Tensor], () => rpropProgram(g)];
    });
  }
}

/** Operands [p, grad, prev, stepSize]. */
export function rpropProgram(g: RpropOptions): UpdateStep[] {
  const [etaminus, etaplus] = g.etas;
  const [lo, hi] = g.stepSizes;
  const [prev, size] = [S(0), S(1)];
  const grad = g.maximize ? E.neg(G) : G;
  const sign = E.sign(E.mul(grad, prev));
  const factor = E.where(E.gt(sign, 0), k(etaplus), E.where(E.lt(sign, 0), k(etaminus), k(1)));
  const kept = E.where(E.lt(sign, 0), k(0), grad); // the gradient is zeroed where its sign flipped
  return [
    set(size, E.min(E.max(E.mul(size, factor), k(lo)), k(hi))),
    set(P, E.add(P, E.mul(E.mul(E.sign(kept), size), k(-1)))),
    set(prev, kept),
  ];
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.Adadelta', ADADELTA_SIG, Adadelta);
registerCtor('optim.ASGD', ASGD_SIG, ASGD);
registerCtor('optim.Rprop', RPROP_SIG, Rprop);
