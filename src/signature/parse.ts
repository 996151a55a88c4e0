/**
 * PyTorch's parameter lists, read at run time. A signature is written the way PyTorch writes it
 * (native_functions.yaml, the Python docs):
 *
 *   `layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float eps=1e-05)`
 *   `sum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor`
 *
 * Parameters are separated by `, ` (comma and one space; defaults are written without spaces,
 * `[1,1]`), `*` starts the keyword-only ones, `T?` admits `None`, `T[]` is a list and `T[N]` a
 * list of N that also takes one value (`int[2] stride=1` means `[1, 1]`). `"a"|"b"` is a union of
 * string literals (and `A|B` of any types). Names are snake_case here and camelCase for users.
 * types.ts parses the very same string at the type level, so the compiler and the binder agree.
 */

/** One parameter, as the binder uses it. */
export interface Param {
  /** camelCase, the name users write in an options object. */
  readonly name: string;
  /** PyTorch's snake_case name (conformance cases, docs). */
  readonly pyName: string;
  readonly type: TypeSpec;
  readonly required: boolean;
  readonly kwOnly: boolean;
  /** The default, already converted (`None` -> null, `[1,1]` -> [1, 1]). */
  readonly default: unknown;
}

export interface Signature {
  /** PyTorch's name of the callable (`layer_norm`). */
  readonly pyName: string;
  readonly params: readonly Param[];
  /** Index of the one positional int list that also takes varargs (`zeros(3, 4)`), else -1. */
  readonly varargs: number;
  /** The text it was parsed from (docs, error messages). */
  readonly text: string;
}

/** A parsed type: a base name with list and optional markers, or a union of alternatives. */
export type TypeSpec =
  | { readonly kind: 'base'; readonly base: string; readonly nullable: boolean }
  | { readonly kind: 'literal'; readonly value: string; readonly nullable: boolean }
  | {
      readonly kind: 'list';
      readonly of: TypeSpec;
      /** Fixed length N of `T[N]` (a single value is repeated N times), or 0 for `T[]`. */
      readonly length: number;
      readonly nullable: boolean;
    }
  | { readonly kind: 'union'; readonly of: readonly TypeSpec[]; readonly nullable: boolean };

export const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function parseType(text: string): TypeSpec {
  let t = text;
  let nullable = false;
  if (t.endsWith('?')) {
    nullable = true;
    t = t.slice(0, -1);
  }
  if (t.includes('|')) return { kind: 'union', of: t.split('|').map(parseType), nullable };
  const lit = /^"([^"]*)"$/.exec(t);
  if (lit) return { kind: 'literal', value: lit[1], nullable };
  const list = /^(\w+\??)\[(\d*)\]$/.exec(t); // `int?[2]`: a list whose items may be None
  if (list) return { kind: 'list', of: parseType(list[1]), length: list[2] ? Number(list[2]) : 0, nullable };
  if (!/^\w+$/.test(t)) throw new SyntaxError(`bad type '${text}'`);
  return { kind: 'base', base: t, nullable };
}

export function parseDefault(text: string): unknown {
  if (text === 'None') return null;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  if (/^"[^"]*"$/.test(text)) return text.slice(1, -1);
  if (/^\[.*\]$/.test(text)) {
    const inner = text.slice(1, -1);
    return inner === '' ? [] : inner.split(',').map(parseDefault);
  }
  const n = Number(text);
  if (text !== '' && !Number.isNaN(n)) return n;
  throw new SyntaxError(`bad default '${text}'`);
}

const cache = new Map<string, Signature>();

/** Parses (once per text) `name(T a, T b=default, *, T c=default) -> R`. */
export function parseSignature(text: string): Signature {
  const hit = cache.get(text);
  if (hit) return hit;
  const m = /^([\w.]+)\((.*)\)(?: -> .+)?$/.exec(text);
  if (!m) throw new SyntaxError(`bad signature '${text}'`);
  const params: Param[] = [];
  let kwOnly = false;
  if (m[2] !== '')
    for (const part of m[2].split(', ')) {
      if (part === '*') {
        kwOnly = true;
        continue;
      }
      const p = /^(\S+) (\w+)(?:=(\S+))?$/.exec(part);
      if (!p) throw new SyntaxError(`bad parameter '${part}' in '${text}'`);
      const type = parseType(p[1]);
      const required = p[3] === undefined;
      let dflt = required ? undefined : parseDefault(p[3]);
      // `int[2] stride=1` means [1, 1], as a value passed for it would.
      if (type.kind === 'list' && type.length && dflt !== null && !Array.isArray(dflt))
        dflt = new Array(type.length).fill(dflt);
      if (Array.isArray(dflt)) Object.freeze(dflt); // shared by every call: never mutated
      params.push({ name: camel(p[2]), pyName: p[2], type, required, kwOnly, default: dflt });
    }
  const sig: Signature = { pyName: m[1], params, varargs: varargsIndex(params, 0), text };
  cache.set(text, sig);
  return sig;
}

/** PyTorch's varargs rule: a lone positional int list may be spelled out (`zeros(3, 4)`). */
function varargsIndex(params: readonly Param[], from: number): number {
  const positional = params.slice(from).filter((p) => !p.kwOnly && p.pyName !== 'self');
  const lone = positional.length === 1 ? positional[0] : null;
  // Never a list whose items may be None (`int?[2] output_size`): one value, not a shape.
  return lone &&
    lone.type.kind === 'list' &&
    lone.type.of.kind === 'base' &&
    lone.type.of.base === 'int' &&
    !lone.type.of.nullable
    ? params.indexOf(lone)
    : -1;
}

const methodCache = new WeakMap<Signature, Signature>();
/**
 * The signature as a Tensor method binds it: the first parameter (`self`, or `input` in a
 * signature shared with the torch function) is the tensor, so `x.permute(1, 0)` and
 * `x.reshape(2, 3)` are varargs while `torch.permute(x, [1, 0])` is not, as in PyTorch.
 */
export function methodSignature(sig: Signature): Signature {
  let m = methodCache.get(sig);
  if (!m) methodCache.set(sig, (m = { ...sig, varargs: varargsIndex(sig.params, 1) }));
  return m;
}

export function formatType(t: TypeSpec): string {
  const q = t.nullable ? '?' : '';
  switch (t.kind) {
    case 'base':
      return t.base + q;
    case 'literal':
      return `"${t.value}"${q}`;
    case 'list':
      return `${formatType(t.of)}[${t.length || ''}]${q}`;
    case 'union':
      return t.of.map(formatType).join('|') + q;
  }
}
