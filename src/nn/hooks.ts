/**
 * Module hooks (PyTorch's `register_forward_pre_hook`, `register_forward_hook`,
 * `register_full_backward_pre_hook`, `register_full_backward_hook`).
 *
 * What triggers them: calling the module, `model(x)` (the callable instance made by Module's
 * constructor routes every call through `callModule`). As in PyTorch, calling
 * `model.forward(x)` directly runs no hooks. A module without hooks pays one WeakMap lookup.
 *
 * Backward hooks follow PyTorch's BackwardHook: the tensor arguments go through an identity
 * node before `forward` and the tensor outputs through another after it. When the outputs'
 * gradients arrive, the backward pre hooks run (each may return replacement gradOutput); when
 * the inputs' gradients arrive, the full backward hooks run as hook(module, gradInput,
 * gradOutput) (each may return replacement gradInput). gradInput has one entry per tensor
 * argument (null where that input needs no gradient); when no input needs a gradient the full
 * hooks run at once with all-null gradInput, as PyTorch does.
 */
import { E, ewise, record } from '../ops/core.js';
import { isPlainObject } from '../signature/bind.js';
import { state } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

type Args = unknown[];
type Kwargs = Record<string, unknown>;
export type ForwardPreHook = (module: Module, args: Args, kwargs?: Kwargs) => unknown;
export type ForwardHook = (module: Module, args: Args, ...rest: unknown[]) => unknown;
export type BackwardHook = (
  module: Module,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
) => unknown;
export type BackwardPreHook = (module: Module, gradOutput: (Tensor | null)[]) => unknown;

interface Entry<F> {
  id: number;
  fn: F;
  withKwargs: boolean;
  alwaysCall: boolean;
}
interface Hooks {
  forwardPre: Entry<ForwardPreHook>[];
  forward: Entry<ForwardHook>[];
  backwardPre: Entry<BackwardPreHook>[];
  backward: Entry<BackwardHook>[];
}
type Kind = keyof Hooks;

const table = new WeakMap<Module, Hooks>();
let nextId = 0;

/** PyTorch's RemovableHandle: `remove()` unregisters the hook (again is a no-op). */
export class RemovableHandle {
  constructor(
    readonly id: number,
    private readonly list: Entry<unknown>[],
  ) {}
  remove(): void {
    const i = this.list.findIndex((e) => e.id === this.id);
    if (i >= 0) this.list.splice(i, 1);
  }
}

export function addHook<K extends Kind>(
  m: Module,
  kind: K,
  fn: Hooks[K][number]['fn'],
  opts: { prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean } = {},
): RemovableHandle {
  if (typeof fn !== 'function') throw new TypeError(`hook must be callable, got ${typeof fn}`);
  let h = table.get(m);
  if (!h) {
    h = { forwardPre: [], forward: [], backwardPre: [], backward: [] };
    table.set(m, h);
  }
  const list = h[kind] as Entry<unknown>[];
  const e: Entry<unknown> = {
    id: nextId++,
    fn,
    withKwargs: opts.withKwargs ?? false,
    alwaysCall: opts.alwaysCall ?? false,
  };
  if (opts.prepend) list.unshift(e);
  else list.push(e);
  return new RemovableHandle(e.id, list);
}

const tensorsOf = (x: unknown): Tensor[] =>
  x instanceof Tensor ? [x] : Array.isArray(x) ? x.filter((t): t is Tensor => t instanceof Tensor) : [];

/** A fresh tensor with x's values (the identity node's output). */
const copy = (x: Tensor): Tensor => ewise('BackwardHookFunction', (a) => E.add(a, 0), [x], x.dtype);

/** Replaces the tensors of `x` (a tensor, or an array holding some) by `ys`, in order. */
function substitute(x: unknown, ys: Tensor[]): unknown {
  if (x instanceof Tensor) return ys[0];
  let i = 0;
  return (x as unknown[]).map((v) => (v instanceof Tensor ? ys[i++] : v));
}

/** The call path of every module: pre hooks, forward (with backward hooks wrapped), hooks. */
export function callModule(m: Module, callArgs: Args): unknown {
  const h = table.get(m);
  if (!h || (!h.forwardPre.length && !h.forward.length && !h.backward.length && !h.backwardPre.length))
    return m.forward(...callArgs);
  let args = callArgs;
  let kwargs: Kwargs = {};
  const last = args[args.length - 1];
  if (args.length && isPlainObject(last)) {
    kwargs = last as Kwargs;
    args = args.slice(0, -1);
  }
  for (const e of [...h.forwardPre]) {
    if (e.withKwargs) {
      const r = e.fn(m, args, kwargs);
      if (r !== null && r !== undefined) {
        if (!Array.isArray(r) || r.length !== 2)
          throw new TypeError(
            `forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got ${r}.`,
          );
        args = Array.isArray(r[0]) ? r[0] : [r[0]];
        kwargs = r[1] as Kwargs;
      }
    } else {
      const r = e.fn(m, args);
      if (r !== null && r !== undefined) args = Array.isArray(r) ? r : [r];
    }
  }
  const backward = state.gradEnabled && (h.backward.length > 0 || h.backwardPre.length > 0);
  let gradOutputs: (Tensor | null)[] = [];
  let inputsWrapped = false;
  if (backward) {
    const ins = args.map((a, i) => [a, i] as const).filter(([a]) => a instanceof Tensor);
    const inT = ins.map(([a]) => a as Tensor);
    if (inT.some((t) => t.requiresGrad)) {
      inputsWrapped = true;
      const outs = inT.map(copy);
      record('BackwardHookFunctionBackward', outs, inT, (gs) => {
        let gi = gs.map((g, i) => (inT[i].requiresGrad ? g : null));
        for (const e of [...h.backward]) {
          const r = e.fn(m, gi, gradOutputs) as (Tensor | null)[] | null | undefined;
          if (r !== null && r !== undefined) {
            if (r.length !== gi.length)
              throw new RangeError(
                `backward hook returned an invalid number of grad_input, got ${r.length}, but expected ${gi.length}`,
              );
            gi = r;
          }
        }
        return gi;
      });
      args = args.slice();
      ins.forEach(([, i], j) => {
        args[i] = outs[j];
      });
    }
  }
  const full = Object.keys(kwargs).length ? [...args, kwargs] : args;
  let out: unknown;
  try {
    out = m.forward(...full);
  } catch (err) {
    for (const e of h.forward)
      if (e.alwaysCall) e.withKwargs ? e.fn(m, args, kwargs, undefined) : e.fn(m, args, undefined);
    throw err;
  }
  for (const e of [...h.forward]) {
    const r = e.withKwargs ? e.fn(m, args, kwargs, out) : e.fn(m, args, out);
    if (r !== null && r !== undefined) out = r;
  }
  if (backward) {
    const outT = tensorsOf(out);
    if (outT.some((t) => t.requiresGrad)) {
      const copies = outT.map(copy);
      record('BackwardHookFunctionBackward', copies, outT, (gs) => {
        let go = gs.slice();
        for (const e of [...h.backwardPre]) {
          const r = e.fn(m, go) as (Tensor | null)[] | null | undefined;
          if (r !== null && r !== undefined) go = r;
        }
        // The engine frees the gradients it propagated; the full hooks see copies.
        gradOutputs = go.map((g) => (g ? copy(g) : null));
        if (!inputsWrapped)
          for (const e of [...h.backward])
            e.fn(
              m,
              args.filter((a) => a instanceof Tensor).map(() => null),
              go,
            );
        return go;
      });
      out = substitute(out, copies);
    }
  }
  return out;
}
