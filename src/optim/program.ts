/**
 * Update programs: every optimizer's update is written once, as data. A program is a list of
 * pointwise steps over one parameter's operands, slot 0 the parameter, 1 its gradient, 2.. its
 * state tensors: `slot := e(slots)`, run in order, a later step reading what an earlier one
 * wrote (`Ex` trees of src/backend/expr.ts; hyperparameters are constants, so kernels are keyed
 * by the program's structure and a scheduled learning rate compiles nothing).
 *
 * Two ways to run one, the same arithmetic either way:
 * - fused (PyTorch's `fused`/`foreach`): the backend's `routines.updateInPlace` runs all of a
 *   group's parameters at once, each operand read and written once (CPU: one wasm SIMD pass
 *   per parameter; WebGPU: one dispatch per binding group);
 * - composed (`fused: false` / `foreach: false`, PyTorch's single-tensor path): each step is
 *   one call of the `elementwise` primitive per parameter, the reference the tests hold the
 *   fused path to.
 */
import { programWidth, type UpdateStep } from '../backend/backend.js';
import { E, type Ex } from '../backend/expr.js';
import { emptyLike } from '../ops/creation.js';
import { bumpVersion, type Tensor } from '../tensor/tensor.js';

export type { UpdateStep };

/** The operands of a program: the parameter, its gradient, state tensor i. */
export const P: Ex = E.input(0);
export const G: Ex = E.input(1);
export const S = (i: number): Ex => E.input(2 + i);
/** Scratch value i of a program whose operands are [p, grad, ...nState state tensors]. */
export const T = (nState: number, i: number): Ex => E.input(2 + nState + i);
/** A hyperparameter as a constant, rounded to float32 as PyTorch casts a Python scalar. */
export const k = (v: number): Ex => E.const(Math.fround(v));
/** `slot := e`. */
export const set = (slot: Ex, e: Ex): UpdateStep => {
  if (slot.k !== 'in') throw new TypeError('update program: a step writes an operand (P or S(i))');
  return { slot: slot.i, e };
};

/** The gradient as the update sees it: negated with `maximize`, plus `weightDecay * p` (L2). */
export function decayedGrad(h: { maximize: boolean; weightDecay: number }): Ex {
  const g = h.maximize ? E.neg(G) : G;
  return h.weightDecay !== 0 ? E.add(g, E.mul(k(h.weightDecay), P)) : g;
}

/**
 * torch.lerp(start, end, w) with a scalar weight: start + w * (end - start) for w < 0.5, else
 * end - (end - start) * (1 - w), PyTorch's two formulas (exact at both ends).
 */
export function lerp(start: Ex, end: Ex, w: number): Ex {
  return Math.fround(w) < 0.5
    ? E.add(start, E.mul(k(w), E.sub(end, start)))
    : E.sub(end, E.mul(E.sub(end, start), k(1 - w)));
}

/** The group keys that choose the path: PyTorch's `fused` and `foreach` flags. */
interface PathFlags {
  fused?: boolean | null;
  foreach?: boolean | null;
  params: readonly Tensor[];
}

/**
 * PyTorch's constructor checks for `fused`: `fused=True` with `foreach=True` is an error, and
 * `fused=True` needs every parameter on a backend with the routine, contiguous float32.
 */
export function checkFused(label: string, g: PathFlags): void {
  if (g.fused && g.foreach)
    throw new Error(`${label}(): \`fused\` and \`foreach\` cannot be \`True\` together.`);
  if (g.fused && !fusedAvailable(g.params))
    throw new Error(
      `${label}(): fused=True needs every parameter on a device with a fused update routine, contiguous float32; got ${describe(g.params)}`,
    );
}

const describe = (ts: readonly Tensor[]): string =>
  [...new Set(ts.map((t) => `${t.dtype} on ${t.device}${t.isContiguous() ? '' : ' (non-contiguous)'}`))].join(
    ', ',
  );

/**
 * Whether a group's update takes the fused routine: `fused: null` (default) when available,
 * `fused: true` always (an error when the gradients cannot), `fused: false` or `foreach: false`
 * never (the composed per-parameter path, PyTorch's single-tensor one).
 */
export function useFused(label: string, g: PathFlags, params: readonly Tensor[]): boolean {
  if (g.fused === false || (g.fused !== true && g.foreach === false)) return false;
  const ok = fusedAvailable([...params, ...params.map((p) => p.grad!)]);
  if (g.fused === true && !ok && params.length)
    throw new Error(
      `${label}(): fused=True needs parameters and gradients on a device with a fused update routine, contiguous float32; got ${describe([...params, ...params.map((p) => p.grad!)])}`,
    );
  return ok;
}

/** Whether these tensors can take the fused routine (same backend, contiguous float32). */
export function fusedAvailable(ts: readonly Tensor[]): boolean {
  if (ts.length === 0) return false;
  const be = ts[0].backend;
  if (!be.routines?.updateInPlace) return false;
  return ts.every((t) => t.backend === be && t.dtype === 'float32' && t.isContiguous());
}

/**
 * Runs `steps` over each operand set `[param, grad, ...state]` of a group: fused when the group
 * takes it (`useFused`), else step by step through `elementwise`. Bumps the storage versions of
 * what it wrote (autograd's safety check).
 */
export function runUpdate(
  label: string,
  g: PathFlags,
  steps: readonly UpdateStep[],
  sets: readonly (readonly Tensor[])[],
): void {
  if (sets.length === 0) return;
  const params = sets.map((s) => s[0]);
  if (useFused(label, g, params)) params[0].backend.routines!.updateInPlace!(steps, sets);
  else {
    const width = programWidth(steps);
    for (const vs of sets) {
      const scratch = Array.from({ length: width - vs.length }, () => emptyLike(vs[0]));
      const all = [...vs, ...scratch];
      for (const s of steps) vs[0].backend.elementwise(s.e, all, all[s.slot]);
      for (const t of scratch) t.dispose();
    }
  }
  const written = [...new Set(steps.map((s) => s.slot))].filter((i) => i < sets[0].length);
  for (const vs of sets) for (const i of written) bumpVersion(vs[i].storage);
}
