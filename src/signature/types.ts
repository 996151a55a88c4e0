/**
 * The same signature strings as parse.ts, read by the compiler: `Fn<'zeros(int[] size, *,
 * ScalarType? dtype=None)'>` is the type of a function that takes the parameters positionally in
 * that order, or any prefix of them followed by an options object naming the rest in camelCase.
 *
 * Type names map to TypeScript types through `TypeMap`; a module that owns a type adds it by
 * declaration merging (`declare module '../signature/types.js' { interface TypeMap { Module:
 * Module } }`) and registers its run-time check with `registerType` (bind.ts), so signature/
 * imports nothing of the layers that use it.
 */

/** Signature type names -> TypeScript types. Extended by the modules that define the types. */
export interface TypeMap {
  int: number;
  SymInt: number;
  float: number;
  bool: boolean;
  str: string;
  Scalar: number | boolean;
  /** A plain object taken as one value (state dicts, param groups): never read as options. */
  dict: Record<string, unknown>;
  Any: unknown;
}

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

/** snake_case -> camelCase. */
export type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? T extends ''
    ? S
    : `${H}${Capitalize<Camel<T>>}`
  : S;

type Base<S extends string> = S extends `${infer B}?`
  ? Base<B> | null
  : S extends `"${infer L}"`
    ? L
    : S extends keyof TypeMap
      ? TypeMap[S]
      : never;

/** The TypeScript type of a signature type string. */
export type TypeOf<S extends string> = S extends `${infer B}?`
  ? TypeOf<B> | null
  : S extends `${infer A}|${infer R}`
    ? TypeOf<A> | TypeOf<R>
    : S extends `${infer B}[]`
      ? readonly Base<B>[]
      : S extends `${infer B}[${string}]`
        ? Base<B> | readonly Base<B>[]
        : Base<S>;

/** What the implementation receives for `T[N]`: always the list (the binder expands one value). */
type BoundOf<S extends string> = S extends `${infer B}?`
  ? BoundOf<B> | null
  : S extends `${infer A}|${infer R}`
    ? BoundOf<A> | BoundOf<R>
    : S extends `${infer B}[${string}]`
      ? readonly Base<B>[]
      : Base<S>;

export interface P<
  N extends string = string,
  T = unknown,
  B = unknown,
  Req extends boolean = boolean,
  Kw extends boolean = boolean,
> {
  name: N;
  type: T;
  bound: B;
  required: Req;
  kw: Kw;
}

type ParseParam<S extends string, Kw extends boolean> = S extends `${infer T} ${infer N}=${string}`
  ? P<Camel<N>, TypeOf<T>, BoundOf<T>, false, Kw>
  : S extends `${infer T} ${infer N}`
    ? P<Camel<N>, TypeOf<T>, BoundOf<T>, true, Kw>
    : never;

type ParseParams<S extends string, Kw extends boolean = false> = S extends ''
  ? []
  : S extends `*, ${infer R}`
    ? ParseParams<R, true>
    : S extends `${infer A}, ${infer R}`
      ? [ParseParam<Trim<A>, Kw>, ...ParseParams<R, Kw>]
      : [ParseParam<Trim<S>, Kw>];

/** The parameter list of a signature string. */
export type Params<S extends string> = S extends `${string}(${infer L}) -> ${string}`
  ? ParseParams<L>
  : S extends `${string}(${infer L})`
    ? ParseParams<L>
    : never;

type DropSelf<Ps> = Ps extends [P<'self' | 'input'>, ...infer R] ? R : Ps;

type HasRequired<Ps> = Ps extends [infer H, ...infer R]
  ? H extends P<string, unknown, unknown, true>
    ? true
    : HasRequired<R>
  : false;

/** The options object for the parameters Ps (required ones stay required). */
export type Options<Ps> = {
  [K in Ps extends readonly unknown[] ? Ps[number] : never as K extends P<infer N, unknown, unknown, true>
    ? N
    : never]: K extends P<string, infer T> ? T : never;
} & {
  [K in Ps extends readonly unknown[] ? Ps[number] : never as K extends P<infer N, unknown, unknown, false>
    ? N
    : never]?: K extends P<string, infer T> ? T | undefined : never;
};

type Tail<Ps> = HasRequired<Ps> extends true ? [options: Options<Ps>] : [options?: Options<Ps>];

/** Every way to call: a positional prefix, then the rest by name. */
export type Args<Ps, Done extends unknown[] = []> = Ps extends [infer H, ...infer R]
  ? H extends P<string, infer T, unknown, infer Req, infer Kw>
    ? Kw extends true
      ? [...Done, ...Tail<Ps>]
      : [...Done, ...Tail<Ps>] | Args<R, [...Done, Req extends true ? T : T | undefined]>
    : never
  : [...Done, options?: Record<string, never>];

/** `zeros(3, 4)`: a lone positional int list may be spelled out, with options after it. */
type Varargs<Ps> = Ps extends [P<string, readonly number[], unknown, boolean, false>, ...infer R]
  ? R extends [] | [P<string, unknown, unknown, boolean, true>, ...unknown[]]
    ? [...sizes: number[]] | [...sizes: number[], options: Options<R>]
    : never
  : never;

/** The argument tuples a function with signature S accepts. */
export type CallArgs<S extends string> = Args<Params<S>> | Varargs<Params<S>>;
/** The argument tuples of a method (the first parameter, `self`, is the tensor itself). */
export type MethodArgs<S extends string> = Args<DropSelf<Params<S>>> | Varargs<DropSelf<Params<S>>>;

/** What an implementation receives: every parameter by camelCase name, defaults filled in. */
export type Bound<S extends string> = {
  [K in Params<S>[number] as K extends P<infer N> ? N : never]: K extends P<string, unknown, infer B>
    ? B
    : never;
};
