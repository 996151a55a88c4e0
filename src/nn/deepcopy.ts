/**
 * copy.deepcopy for torchts objects (`import { copy } from 'torchts'`; PyTorch code's
 * `copy.deepcopy(model)` ports as written). What it copies, as Python's deepcopy with torch's
 * `__deepcopy__`s:
 * - a Module: a new instance of the same class (its constructor does not run: the fields are
 *   copied), callable, with its parameters, buffers, submodules and other fields deep-copied and
 *   its training flag and buffer bookkeeping kept. Hooks are not copied.
 * - a Tensor: `detach().clone()` on the same device, with `requiresGrad` and a copy of `.grad`; a
 *   Parameter stays a Parameter. Only leaf tensors, as PyTorch: a tensor inside an autograd graph
 *   raises.
 * - arrays, plain objects, Map, Set and typed arrays: copied element by element.
 * - numbers, strings, functions and every other class instance (Device, Generator, an optimizer):
 *   shared, not copied (JavaScript cannot copy a class's private state generically).
 * A memo keeps sharing: a Parameter used twice (tied weights) is one Parameter in the copy, as
 * PyTorch's memo does. Views that share storage without being the same tensor are copied apart.
 */
import { fn } from '../signature/bind.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import { Module, moduleShell } from './module.js';
import { isParameter, Parameter } from './parameter.js';

function copyTensor(t: Tensor, memo: Map<unknown, unknown>): Tensor {
  if (!t.isLeaf)
    throw new Error(
      'Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment. If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001',
    );
  const data = noGrad(() => t.detach().clone());
  const rg = t.requiresGrad;
  const out = isParameter(t) ? new Parameter(data, rg) : data.requiresGrad_(rg);
  memo.set(t, out);
  if (t.grad) out.grad = copyTensor(t.grad, memo);
  return out;
}

function copyProps(src: object, dst: object, memo: Map<unknown, unknown>): void {
  for (const key of Reflect.ownKeys(src)) {
    const d = Object.getOwnPropertyDescriptor(src, key)!;
    if (!d.enumerable) continue; // the module's bookkeeping symbol; the shell has its own
    if ('value' in d) d.value = copyValue(d.value, memo);
    Object.defineProperty(dst, key, d);
  }
}

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Tensor) return copyTensor(v, memo);
  if (v instanceof Module) {
    const out = moduleShell(v);
    memo.set(v, out);
    copyProps(v, out, memo);
    return out;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const x of v) out.push(copyValue(x, memo));
    return out;
  }
  if (ArrayBuffer.isView(v)) {
    const out = (v as unknown as { slice(): unknown }).slice();
    memo.set(v, out);
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    memo.set(v, out);
    for (const [k, x] of v) out.set(copyValue(k, memo), copyValue(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    memo.set(v, out);
    for (const x of v) out.add(copyValue(x, memo));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (typeof v === 'object' && (proto === Object.prototype || proto === null)) {
    const out = Object.create(proto);
    memo.set(v, out);
    copyProps(v, out, memo);
    return out;
  }
  return v; // functions and other class instances are shared
}

/**
 * Python's `copy.deepcopy(x)` for modules, tensors and containers of them (see the file comment).
 * Python's `memo` argument (keyed by `id()`) has no JavaScript equivalent and is not taken.
 */
export const deepcopy = fn('copy.deepcopy', 'deepcopy(Any x)', (a) => copyValue(a.x, new Map())) as <T>(
  x: T,
) => T;
