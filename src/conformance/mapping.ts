/**
 * PyTorch call -> torchts call, through the one signature table (src/signature): a case names a
 * PyTorch callable (`torch.index_select`, `F.cross_entropy`, `Tensor.masked_fill`); its torchts
 * label is the camelCase spelling (`torch.indexSelect`), looked up among the registered
 * callables. The case's positional values fill, in order, the parameters its keywords leave free
 * (the case files record some positional arguments as keywords), and the call is then made with
 * every argument by name, through the same binder a user's call goes through. Nothing here
 * restates a parameter list.
 *
 * Ops the table does not know are `UnsupportedOpError`s: the runner counts them as failures.
 */
import '../index.js'; // every public callable registers itself as its module loads
import { type NestedNumbers, tensor as tensorOf } from '../ops/creation.js';
import { registeredCallables } from '../signature/bind.js';
import { camel, parseSignature } from '../signature/parse.js';
import { Tensor } from '../tensor/tensor.js';

/** A bound argument: tensors stay tensors, `{$input: i}` already resolved. */
export type Arg = Tensor | number | boolean | string | null | readonly Arg[] | undefined;
export type Args = Record<string, Arg>;

export class UnsupportedOpError extends Error {
  override name = 'UnsupportedOpError';
}

/** `torch.index_select` -> `torch.indexSelect` (the prefix stays). */
export const torchtsLabel = (op: string): string => {
  const dot = op.lastIndexOf('.');
  const name = op.slice(dot + 1);
  const lead = /^_*/.exec(name)![0]; // a private `_name` keeps its underscore: `F._scaledDotProductAttention`
  return op.slice(0, dot + 1) + lead + camel(name.slice(lead.length));
};

/**
 * The named arguments of one signature form for the case, or null when the form cannot take
 * them (a keyword it lacks, too many positional values).
 */
function nameArgs(
  op: string,
  sigText: string,
  positional: readonly Arg[],
  kwargs: Args,
): Record<string, Arg> | string {
  const sig = parseSignature(sigText);
  const named: Record<string, Arg> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    const p = sig.params.find((q) => q.pyName === k);
    if (!p) return `unsupported keyword argument ${op}(${k}=...)`;
    named[p.name] = v;
  }
  const free = sig.params.filter((p) => !p.kwOnly && !(p.name in named));
  // torch.cat(x0, x1): the positional tensors form the one `Tensor[]` argument.
  const first = free[0];
  const list =
    first?.type.kind === 'list' && first.type.of.kind === 'base' && first.type.of.base === 'Tensor'
      ? positional.filter((v) => v instanceof Tensor)
      : null;
  // x.sum_to_size(5, 1, 5): a lone int list spelled out as varargs, as the binder takes it.
  const lone = free.filter((p) => p.name !== 'self' && p.name !== 'input');
  const intList = (p: (typeof free)[number] | undefined) =>
    p?.type.kind === 'list' && p.type.of.kind === 'base' && p.type.of.base === 'int';
  const rest = positional.slice(free.length - lone.length);
  const varargs =
    !list &&
    lone.length === 1 &&
    intList(lone[0]) &&
    rest.length > 1 &&
    rest.every((v) => typeof v === 'number');
  const values = list
    ? [list, ...positional.slice(list.length)]
    : varargs
      ? [...positional.slice(0, free.length - 1), rest]
      : positional;
  if (values.length > free.length)
    return `${op}: ${values.length} positional arguments for parameters (${free.map((p) => p.pyName).join(', ')})`;
  values.forEach((v, i) => {
    named[free[i].name] = v;
  });
  return named;
}

/**
 * Binds a case's positional values and keywords to the op's parameters and runs the torchts
 * call. `positionalTensors` are the tensor inputs not passed by keyword, in order, then `args`.
 */
export function callOp(
  op: string,
  positionalTensors: readonly Tensor[],
  args: readonly Arg[],
  kwargs: Args,
): Tensor[] {
  const item = getitem(op, [...positionalTensors, ...args]);
  if (item) return [item];
  const dunder = dunderCall(op, [...positionalTensors, ...args]);
  if (dunder) return callOp(dunder.op, [], dunder.positional, kwargs);
  const property = propertyOf(op, positionalTensors, args, kwargs);
  if (property) return [property];
  return asOutputs(callLabel(op, torchtsLabel(op), [...positionalTensors, ...args], kwargs));
}

/**
 * callOp on a device: where the op's output shape depends on the data and the device is not
 * the CPU, the awaited form (`torch.nonzeroAsync` for `torch.nonzero`) runs, as a user on that
 * device writes it (docs/porting.md).
 */
export async function callOpOn(
  device: { type: string },
  op: string,
  positionalTensors: readonly Tensor[],
  args: readonly Arg[],
  kwargs: Args,
): Promise<Tensor[]> {
  const [self, key] = [...positionalTensors, ...args];
  if (op === 'Tensor.__getitem__' && device.type !== 'cpu' && self instanceof Tensor && key instanceof Tensor)
    return [await self.indexAsync(key)];
  const awaited = `${torchtsLabel(op)}Async`;
  if (device.type === 'cpu' || !registeredCallables().get(awaited)?.call)
    return callOp(op, positionalTensors, args, kwargs);
  return asOutputs(await callLabel(op, awaited, [...positionalTensors, ...args], kwargs));
}

const asOutputs = (r: unknown): Tensor[] => (r instanceof Tensor ? [r] : [...(r as Tensor[])]);

/** Calls the registered callable `label` with the case's arguments, trying each overload. */
function callLabel(op: string, label: string, positional: Arg[], kwargs: Args): unknown {
  const entry = registeredCallables().get(label);
  if (!entry?.call) throw new UnsupportedOpError(`unsupported op ${op} (${label} is not defined)`);
  let lastError: unknown = null;
  const reasons: string[] = [];
  for (const form of entry.signatures) {
    const named = nameArgs(op, form, positional, kwargs);
    if (typeof named === 'string') {
      reasons.push(named);
      continue;
    }
    try {
      const { self, input, ...rest } = named;
      return entry.isMethod ? entry.call.call(self ?? input, rest) : entry.call(named);
    } catch (e) {
      // An overload whose types do not fit: try the next form; other errors are the op's.
      if (!(e instanceof TypeError) || entry.signatures.length === 1) throw e;
      lastError = e;
    }
  }
  if (lastError) throw lastError;
  throw new UnsupportedOpError([...new Set(reasons)].join('; '));
}

// ── sort/misc (helper sortmisc) ──
/**
 * Python's operator hooks have no JS spelling: `Tensor.__mul__(self, other)` is the op the
 * operator means (`Tensor.mul`), and a reflected hook `Tensor.__rsub__(self, other)` (Python's
 * `other - self`) is the torch function with its operands swapped (`torch.sub(other, self)`).
 * The base names whose op has another name in torch are listed; null when `op` is no hook.
 */
const DUNDER_OPS: Record<string, string> = {
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  truediv: 'div',
  floordiv: 'floor_divide',
  mod: 'remainder',
  pow: 'pow',
  matmul: 'matmul',
  and: 'bitwise_and',
  or: 'bitwise_or',
  xor: 'bitwise_xor',
  lshift: 'bitwise_left_shift',
  rshift: 'bitwise_right_shift',
};
function dunderCall(op: string, positional: readonly Arg[]): { op: string; positional: Arg[] } | null {
  const m = /^Tensor\.__([a-z]+)__$/.exec(op);
  if (!m) return null;
  const name = m[1];
  if (name.startsWith('r') && DUNDER_OPS[name.slice(1)] && positional.length >= 2) {
    const [self, other, ...rest] = positional;
    return { op: `torch.${DUNDER_OPS[name.slice(1)]}`, positional: [other, self, ...rest] };
  }
  if (DUNDER_OPS[name]) return { op: `Tensor.${DUNDER_OPS[name]}`, positional: [...positional] };
  return null;
}

/**
 * `x.T`, `x.mH`: an OpInfo op that is a property of the Tensor (a getter on its prototype,
 * called with nothing but the tensor) reads the property; null otherwise.
 */
function propertyOf(
  op: string,
  tensors: readonly Tensor[],
  args: readonly Arg[],
  kwargs: Args,
): Tensor | null {
  const m = /^Tensor\.(\w+)$/.exec(op);
  if (!m || tensors.length !== 1 || args.length !== 0 || Object.keys(kwargs).length !== 0) return null;
  const d = Object.getOwnPropertyDescriptor(Tensor.prototype, m[1]);
  if (!d?.get) return null;
  return d.get.call(tensors[0]) as Tensor;
}

/**
 * `x.__getitem__(key)` is Python's `x[key]`: torchts spells it `x.index(...)`. A key that is a
 * tensor, a list of ints (one index tensor) or a list of lists (a tuple of index tensors) is
 * advanced indexing with int32 tensors on x's device; a number is a basic index.
 */
function getitem(op: string, positional: readonly Arg[]): Tensor | null {
  if (op !== 'Tensor.__getitem__') return null;
  const [self, key] = positional;
  if (!(self instanceof Tensor) || positional.length !== 2)
    throw new UnsupportedOpError(`unsupported arguments for ${op}`);
  const ints = (v: readonly Arg[]) => tensorOf(v as NestedNumbers, { dtype: 'int32', device: self.device });
  if (key instanceof Tensor) return self.index(key);
  if (typeof key === 'number') return self.index(key);
  if (Array.isArray(key)) {
    if (key.every((k) => typeof k === 'number')) return self.index(ints(key));
    if (key.every((k) => Array.isArray(k))) return self.index(...key.map((k) => ints(k as readonly Arg[])));
  }
  throw new UnsupportedOpError(`unsupported index ${JSON.stringify(key)} for ${op}`);
}
