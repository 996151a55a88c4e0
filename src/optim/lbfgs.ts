/**
 * optim.LBFGS (PyTorch 1.13): limited-memory BFGS over the flattened parameters, with the
 * optional strong-Wolfe line search, composed from tensor ops (the direction, the history and
 * the line search's trial points are tensors; dot products and the loss are read back as host
 * numbers, as PyTorch's `float(...)` and 0-d comparisons do). It needs `step(closure)`.
 *
 * The algorithm is written once, as a generator that yields each 0-d tensor whose value it needs
 * and is resumed with the number: on the CPU `step` reads synchronously and returns the loss; on
 * WebGPU a read is asynchronous, so `step` returns a Promise of the loss. `await opt.step(closure)`
 * ports PyTorch's `optimizer.step(closure)` on every device.
 *
 * ```ts
 * const opt = new optim.LBFGS(model.parameters(), { lr: 1, lineSearchFn: 'strong_wolfe' });
 * await opt.step(() => { opt.zeroGrad(); const l = lossFn(model(x), y); l.backward(); return l; });
 * ```
 */
import { zerosLike } from '../ops/creation.js';
import { cat } from '../ops/shape.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { enableGrad, noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Hyper, Optimizer, type ParamGroup, splitParams } from './optimizer.js';

const LBFGS_SIG =
  'LBFGS(Params params, float lr=1, int max_iter=20, int? max_eval=None, float tolerance_grad=1e-07, float tolerance_change=1e-09, int history_size=100, "strong_wolfe"? line_search_fn=None)';
const LBFGS_STEP_SIG = 'LBFGS.step(Closure closure)';

/** LBFGS's hyperparameters, named and defaulted as its constructor. */
export type LBFGSOptions = Hyper<typeof LBFGS_SIG>;

const f32 = Math.fround;
/** The coroutine's type: yields a 0-d tensor to read, is resumed with its value. */
type Reads<R> = Generator<Tensor, R, number>;
function* read(t: Tensor): Reads<number> {
  const v = yield t;
  t.dispose();
  return v;
}
const dot = (a: Tensor, b: Tensor): Reads<number> => read(a.mul(b).sum());
const absMax = (a: Tensor): Reads<number> => read(a.abs().max());

function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 ** 2 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Obj = (t: number) => Reads<[number, Tensor]>;

/** PyTorch's `_strong_wolfe`: returns [loss, flat grad, step, evaluations]. */
function* strongWolfe(
  obj: Obj,
  t0: number,
  d: Tensor,
  f: number,
  g0: Tensor,
  gtd: number,
): Reads<[number, Tensor, number, number]> {
  const c1 = 1e-4;
  const c2 = 0.9;
  const tolChange = 1e-9;
  const maxLs = 25;
  let t = t0;
  const dNorm = yield* absMax(d);
  const g = g0.clone();
  let [fNew, gNew] = yield* obj(t);
  let evals = 1;
  let gtdNew = yield* dot(gNew, d);
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bf: number[] = [];
  let bg: Tensor[] = [];
  let bgtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bf, bg, bgtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew.clone()],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bf, bg] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bf, bg, bgtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew.clone()],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew.clone(), gtdNew];
    [fNew, gNew] = yield* obj(t);
    evals += 1;
    gtdNew = yield* dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs)
    [bracket, bf, bg] = [
      [0, t],
      [f, fNew],
      [g, gNew],
    ];
  let insufProgress = false;
  let [low, high] = bf[0] <= bf[bf.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < tolChange) break;
    t = cubicInterpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1]);
    const bmax = Math.max(...bracket);
    const bmin = Math.min(...bracket);
    const eps = 0.1 * (bmax - bmin);
    if (Math.min(bmax - t, t - bmin) < eps) {
      if (insufProgress || t >= bmax || t <= bmin) {
        t = Math.abs(t - bmax) < Math.abs(t - bmin) ? bmax - eps : bmin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    [fNew, gNew] = yield* obj(t);
    evals += 1;
    gtdNew = yield* dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bf[low]) {
      [bracket[high], bf[high], bg[high], bgtd[high]] = [t, fNew, gNew.clone(), gtdNew];
      [low, high] = bf[0] <= bf[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
        [bracket[high], bf[high], bg[high], bgtd[high]] = [bracket[low], bf[low], bg[low], bgtd[low]];
      [bracket[low], bf[low], bg[low], bgtd[low]] = [t, fNew, gNew.clone(), gtdNew];
    }
  }
  return [bf[low], bg[low], bracket[low], evals];
}

/**
 * Limited-memory BFGS, as torch.optim.LBFGS (1.13), over the flattened parameters of its single group;
 * `step(closure)` (the closure recomputes and returns the loss) runs up to `maxIter` iterations, each a
 * quasi-Newton direction from the last `historySize` updates and a fixed step `lr` or a strong-Wolfe line
 * search. On WebGPU `step` returns a Promise of the loss.
 *
 * Constructor: `params`, `lr` (default 1), `maxIter` (default 20), `maxEval` (default null: trunc(maxIter · 5 / 4)),
 * `toleranceGrad` (default 1e-7: stop when max |grad| ≤ it), `toleranceChange` (default 1e-9: stop when the
 * step or the loss change is below it), `historySize` (default 100), `lineSearchFn` (default null, or
 * `'strong_wolfe'`).
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  static readonly label = 'optim.LBFGS';
  /**
   * The constructor's PyTorch signature string; arguments and param groups bind to it
   * (docs/api-signatures.md).
   */
  static readonly signature = LBFGS_SIG;
  constructor(...args: CallArgs<typeof LBFGS_SIG>) {
    const [params, h] = splitParams(ctorArgs('optim.LBFGS', LBFGS_SIG, args));
    super(params, { ...h, maxEval: h.maxEval ?? Math.trunc((h.maxIter * 5) / 4) });
    if (this.paramGroups.length !== 1)
      throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
    const devs = new Set(this.paramGroups[0].params.map((p) => p.device.toString()));
    if (devs.size > 1)
      throw new Error(`optim.LBFGS(): all parameters must be on one device, got ${[...devs].join(', ')}`);
  }
  protected override updateGroup(_g: ParamGroup<LBFGSOptions>): void {
    throw new Error('optim.LBFGS: step() needs a closure that reevaluates the model and returns the loss');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }
  private flatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad ? p.grad.reshape([-1]) : zerosLike(p).reshape([-1]))));
  }
  private addGrad(t: number, d: Tensor): void {
    let off = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(d.narrow(0, off, n).reshape(p.shape), { alpha: t });
      off += n;
    }
  }

  /**
   * Runs up to maxIter iterations; returns the closure's first loss: at once on the CPU, as a
   * Promise on WebGPU (whose reads are asynchronous). `await opt.step(closure)` works on both.
   */
  override step(...args: CallArgs<typeof LBFGS_STEP_SIG>): Tensor | Promise<Tensor> {
    const { closure } = ctorArgs('optim.LBFGS.step', LBFGS_STEP_SIG, args);
    const evalLoss = () => enableGrad(closure);
    const co = this.run(evalLoss);
    let r = noGrad(() => co.next());
    if (this.params[0].device.type === 'cpu') {
      while (!r.done) {
        const v = r.value.itemSync();
        r = noGrad(() => co.next(v));
      }
      return r.value;
    }
    return (async () => {
      while (!r.done) {
        const v = await r.value.item();
        r = noGrad(() => co.next(v));
      }
      return r.value;
    })();
  }

  private *run(closure: () => Tensor): Reads<Tensor> {
    const g = this.paramGroups[0];
    const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = g;
    const maxEval = g.maxEval as number;
    const state = this.stateOf(this.params[0]) as Record<string, any>;
    state.funcEvals ??= 0;
    state.nIter ??= 0;
    const origLoss = closure();
    let loss = yield* read(origLoss.detach());
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.flatGrad();
    let optCond = (yield* absMax(flatGrad)) <= toleranceGrad;
    if (optCond) return origLoss;
    let d: Tensor = state.d;
    let t: number = state.t;
    let oldDirs: Tensor[] = state.oldDirs;
    let oldStps: Tensor[] = state.oldStps;
    let ro: number[] = state.ro;
    let hDiag: number = state.HDiag;
    let prevFlatGrad: Tensor | undefined = state.prevFlatGrad;
    let prevLoss: number = state.prevLoss;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      if (state.nIter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d.mul(t);
        const ys = f32(yield* dot(y, s)); // 0-d float32 tensors in PyTorch
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(f32(1 / ys));
          hDiag = f32(ys / f32(yield* dot(y, y)));
        }
        const al: number[] = new Array(oldDirs.length);
        const q = flatGrad.neg();
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = f32(f32(yield* dot(oldStps[i], q)) * ro[i]);
          q.add_(oldDirs[i], { alpha: -al[i] });
        }
        const r = q.mul(hDiag);
        d = r;
        for (let i = 0; i < oldDirs.length; i++) {
          const be = f32(f32(yield* dot(oldDirs[i], r)) * ro[i]);
          r.add_(oldStps[i], { alpha: al[i] - be });
        }
      }
      if (!prevFlatGrad) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;
      t = state.nIter === 1 ? Math.min(1, 1 / f32(yield* read(flatGrad.abs().sum()))) * lr : lr;
      const gtd = f32(yield* dot(flatGrad, d));
      if (gtd > -toleranceChange) break;
      let lsEvals = 0;
      if (lineSearchFn !== null) {
        const x0 = this.params.map((p) => p.clone());
        const self = this;
        const obj: Obj = function* (tt) {
          self.addGrad(tt, d);
          const l = yield* read(closure().detach());
          const fg = self.flatGrad();
          self.params.forEach((p, i) => {
            p.copy_(x0[i]);
          });
          return [l, fg];
        };
        [loss, flatGrad, t, lsEvals] = yield* strongWolfe(obj, t, d, loss, flatGrad, gtd);
        this.addGrad(t, d);
        optCond = (yield* absMax(flatGrad)) <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        if (nIter !== maxIter) {
          loss = yield* read(closure().detach());
          flatGrad = this.flatGrad();
          optCond = (yield* absMax(flatGrad)) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if ((yield* absMax(d.mul(t))) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, { d, t, oldDirs, oldStps, ro, HDiag: hDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }
}

// Listed in registeredCallables() at import (docs/api-signatures.md, conformance training cases).
registerCtor('optim.LBFGS', LBFGS_SIG, LBFGS);
registerCtor('optim.LBFGS.step', LBFGS_STEP_SIG);
