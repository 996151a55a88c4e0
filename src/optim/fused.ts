/**
 * The fused path (STYLE.md §4): when a parameter's backend offers `routines.optimizerStep`
 * (the WebGPU backend does for 'sgd', 'adam', 'adamw'), a group's update runs as one dispatch
 * instead of ~4-7 elementwise kernels per parameter. The composed update in each optimizer
 * stays the reference; test/optim/fused.test.ts checks both agree.
 *
 * Contract (backend.ts `Routines.optimizerStep`, formulas of torch.optim's single-tensor path):
 * - 'sgd': hyper {lr, momentum, dampening, weightDecay, nesterov, maximize, step}; state[i] =
 *   [momentumBuffer] when momentum != 0. step === 1 initialises the buffer to the update
 *   (PyTorch's "buf is None" first step).
 * - 'adam' | 'adamw': hyper {lr, beta1, beta2, eps, weightDecay, step, amsgrad, maximize};
 *   state[i] = [expAvg, expAvgSq] (+ maxExpAvgSq when amsgrad). step counts this update (>= 1).
 * Booleans travel as 0/1. All views contiguous float32 of the parameter's size.
 */
import { bumpVersion, type Tensor } from '../tensor/tensor.js';

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
      `${label}(): fused=True needs every parameter on a device with a fused optimizer routine (WebGPU), contiguous float32; got ${describe(g.params)}`,
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
      `${label}(): fused=True needs parameters and gradients on a device with a fused optimizer routine, contiguous float32; got ${describe([...params, ...params.map((p) => p.grad!)])}`,
    );
  return ok;
}

/** Whether these tensors can take the fused routine (same backend, contiguous float32). */
export function fusedAvailable(ts: readonly Tensor[]): boolean {
  if (ts.length === 0) return false;
  const be = ts[0].backend;
  if (!be.routines?.optimizerStep) return false;
  return ts.every((t) => t.backend === be && t.dtype === 'float32' && t.isContiguous());
}

/** Runs the routine and bumps the storage versions of what it wrote (autograd's safety check). */
export function fusedStep(
  kind: 'sgd' | 'adam' | 'adamw',
  params: readonly Tensor[],
  grads: readonly Tensor[],
  state: readonly (readonly Tensor[])[],
  hyper: Record<string, number | boolean>,
): void {
  if (params.length === 0) return;
  const h: Record<string, number> = {};
  for (const [k, v] of Object.entries(hyper)) h[k] = typeof v === 'boolean' ? Number(v) : v;
  params[0].backend.routines!.optimizerStep!(kind, params, grads, state, h);
  for (const p of params) bumpVersion(p.storage);
  for (const s of state) for (const t of s) bumpVersion(t.storage);
}
