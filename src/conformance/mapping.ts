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
  const label = torchtsLabel(op);
  const entry = registeredCallables().get(label);
  if (!entry?.call) throw new UnsupportedOpError(`unsupported op ${op} (${label} is not defined)`);
  const positional: Arg[] = [...positionalTensors, ...args];
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
      const r = entry.isMethod ? entry.call.call(self ?? input, rest) : entry.call(named);
      return (r instanceof Tensor ? [r] : [...(r as Tensor[])]) as Tensor[];
    } catch (e) {
      // An overload whose types do not fit: try the next form; other errors are the op's.
      if (!(e instanceof TypeError) || entry.signatures.length === 1) throw e;
      lastError = e;
    }
  }
  if (lastError) throw lastError;
  throw new UnsupportedOpError([...new Set(reasons)].join('; '));
}
