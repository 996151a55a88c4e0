/**
 * The binder (src/signature/bind.ts, parse.ts) on its own: positional and options forms, PyTorch's
 * varargs, `T[N]` expansion, nullable, literal unions, keyword-only parameters, `dict` parameters
 * versus options objects, overload selection, and the TypeError for each way a call can be wrong.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { bindArgs, fn, form, overloads } from '../../src/signature/bind.js';
import { parseSignature } from '../../src/signature/parse.js';

const bind = (sig: string, ...args: unknown[]) => bindArgs(parseSignature(sig), 'test.f', args);
const fails = (sig: string, args: unknown[], msg: string | RegExp) =>
  expect(() => bindArgs(parseSignature(sig), 'test.f', args)).toThrow(
    msg instanceof RegExp ? msg : new TypeError(`test.f(): ${msg}`),
  );

describe('parseSignature', () => {
  it('reads names (camelCase), types, defaults, keyword-only, varargs', () => {
    const s = parseSignature(
      'sum(Tensor self, int[1]? dim=None, bool keep_dim=False, *, ScalarType? dtype=None) -> Tensor',
    );
    expect(s.pyName).toBe('sum');
    expect(s.params.map((p) => [p.name, p.pyName, p.required, p.kwOnly, p.default])).toEqual([
      ['self', 'self', true, false, undefined],
      ['dim', 'dim', false, false, null],
      ['keepDim', 'keep_dim', false, false, false],
      ['dtype', 'dtype', false, true, null],
    ]);
    expect(s.varargs).toBe(-1); // two positional parameters besides self: no varargs form
    expect(parseSignature('zeros(int[] size, *, ScalarType? dtype=None)').varargs).toBe(0);
    expect(parseSignature('view(Tensor self, int[] size)').varargs).toBe(1);
    expect(parseSignature('conv(int[2] stride=1)').params[0].default).toEqual([1, 1]);
    expect(parseSignature('f(float a=inf, str b="x", int[] c=[1,2])').params.map((p) => p.default)).toEqual([
      Number.POSITIVE_INFINITY,
      'x',
      [1, 2],
    ]);
  });
  it('rejects malformed text', () => {
    expect(() => parseSignature('f(int)')).toThrow(SyntaxError);
    expect(() => parseSignature('f(int a=1,int b)')).toThrow(SyntaxError);
    expect(() => parseSignature('no parens')).toThrow(SyntaxError);
  });
});

describe('bindArgs', () => {
  const SIG = 'f(int a, float b=2.0, *, bool flag=False)';
  it('positional, options, defaults', () => {
    expect(bind(SIG, 1)).toEqual({ a: 1, b: 2, flag: false });
    expect(bind(SIG, 1, 3.5)).toEqual({ a: 1, b: 3.5, flag: false });
    expect(bind(SIG, 1, { b: 3.5, flag: true })).toEqual({ a: 1, b: 3.5, flag: true });
    expect(bind(SIG, { a: 1, flag: true })).toEqual({ a: 1, b: 2, flag: true });
    expect(bind(SIG, 1, undefined, { flag: true })).toEqual({ a: 1, b: 2, flag: true }); // undefined = omitted
  });
  it('varargs: a lone int list may be spelled out, with options after it', () => {
    const Z = 'zeros(int[] size, *, ScalarType? dtype=None)';
    expect(bind(Z, 3, 4)).toEqual({ size: [3, 4], dtype: null });
    expect(bind(Z, [3, 4])).toEqual({ size: [3, 4], dtype: null });
    expect(bind(Z, 3, 4, { dtype: 'int32' })).toEqual({ size: [3, 4], dtype: 'int32' });
    fails(Z, [3, 4.5], "argument 'size' must be a list of ints, not [3, 4.5]");
  });
  it('int[N] takes one value for all N, a list of N, or a list of one; not another length', () => {
    const C = 'conv(int[2] stride=1)';
    expect(bind(C)).toEqual({ stride: [1, 1] });
    expect(bind(C, 2)).toEqual({ stride: [2, 2] });
    expect(bind(C, [2, 3])).toEqual({ stride: [2, 3] });
    expect(bind(C, [4])).toEqual({ stride: [4, 4] });
    fails(C, [[1, 2, 3]], "argument 'stride' (position 1) must be int[2], not [1, 2, 3]");
    fails(C, [1, 2, 3], "argument 'stride' (position 1) must be int[2], not [1, 2, 3]"); // varargs too
    expect(bind(C, 2, 3)).toEqual({ stride: [2, 3] });
    fails('f(int a, int[] dims)', [1, 3], "argument 'dims' (position 2) must be int[], not 3"); // no varargs here
    expect(bind('f(int[] dims)', 3)).toEqual({ dims: [3] }); // a lone int list: varargs
  });
  it('nullable: null is taken only where the type says T?', () => {
    expect(bind('f(Tensor? weight=None)', null)).toEqual({ weight: null });
    fails('f(int a)', [null], "argument 'a' (position 1) must be an int, not null");
  });
  it('literal unions take their listed strings only', () => {
    const R = 'f(Tensor input, "mean"|"sum"|"none" reduction="mean")';
    const x = torch.ones([2]);
    expect(bind(R, x, 'sum').reduction).toBe('sum');
    expect(bind(R, x).reduction).toBe('mean');
    fails(R, [x, 'max'], `argument 'reduction' (position 2) must be "mean"|"sum"|"none", not 'max'`);
  });
  it('keyword-only parameters are not taken positionally', () => {
    fails(SIG, [1, 2, true], 'takes 2 positional arguments but 3 were given (got true after the last one)');
  });
  it('an extra positional argument', () => {
    fails('f(int a)', [1, 2], 'takes 1 positional argument but 2 were given (got 2 after the last one)');
    fails('f()', [7], 'takes 0 positional arguments but 1 were given (got 7 after the last one)');
  });
  it('an unknown option lists the parameters', () => {
    fails(SIG, [1, { flg: true }], "got an unexpected option 'flg' (its parameters: a, b, flag)");
    fails(SIG, [1, { keep_dim: true }], /unexpected option 'keep_dim'/); // snake_case is not an option name
  });
  it('a wrong-typed value names the parameter, the expected type and what was given', () => {
    fails(SIG, ['1'], "argument 'a' (position 1) must be an int, not '1'");
    fails(SIG, [1.5], "argument 'a' (position 1) must be an int, not 1.5");
    fails(SIG, [1, { flag: 1 }], "argument 'flag' must be a boolean, not 1");
    fails(
      'f(int a)',
      [torch.ones([2, 3])],
      /argument 'a' \(position 1\) must be an int, not .*tensor.*\[2, 3\]/,
    );
  });
  it('a missing required argument; one given twice', () => {
    fails(SIG, [], "missing required argument 'a'");
    fails(SIG, [{ b: 1 }], "missing required argument 'a'");
    fails(SIG, [1, { a: 2 }], "got multiple values for argument 'a'");
  });
  it('a `dict` parameter takes a plain object as its value; options follow it', () => {
    const L = 'load_state_dict(dict state_dict, bool strict=True)';
    expect(bind(L, { w: 1 })).toEqual({ stateDict: { w: 1 }, strict: true });
    expect(bind(L, { w: 1 }, { strict: false })).toEqual({ stateDict: { w: 1 }, strict: false });
    // A lone object where a dict is expected is that dict, never options (PyTorch has no options).
    expect(bind(L, { w: 1, strict: false })).toEqual({ stateDict: { w: 1, strict: false }, strict: true });
    // Where the parameter at that position is not a dict, a trailing object is options.
    expect(bind('f(int a=1)', { a: 2 })).toEqual({ a: 2 });
  });
});

describe('fn and overloads', () => {
  const f = fn('test.fn', 'f(Tensor input, int n=1)', (a) => a.n);
  it('fn binds and names itself in errors', () => {
    const x = torch.ones([1]);
    expect(f(x, 3)).toBe(3);
    expect(f(x, { n: 4 })).toBe(4);
    expect(() => (f as (...a: unknown[]) => unknown)(x, 1, 2)).toThrow(/^test\.fn\(\): takes 2 positional/);
  });
  const ov = overloads(
    'test.ov',
    form('ov(Tensor input)', () => 'all'),
    form('ov(Tensor input, int dim, bool keepdim=False)', (a) => `dim ${a.dim} ${a.keepdim}`),
    form('ov(Tensor input, Tensor other)', () => 'other'),
  );
  it('the first form that accepts the arguments wins', () => {
    const x = torch.ones([2]);
    expect(ov(x)).toBe('all');
    expect(ov(x, 0)).toBe('dim 0 false');
    expect(ov(x, 0, { keepdim: true })).toBe('dim 0 true');
    expect(ov(x, x)).toBe('other');
  });
  it('when none accepts them, the error lists every form and why each refused', () => {
    const x = torch.ones([2]);
    let msg = '';
    try {
      (ov as (...a: unknown[]) => unknown)(x, 'a');
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^test\.ov\(\): no form accepts these arguments/);
    expect(msg).toContain('  ov(Tensor input): takes 1 positional argument but 2 were given');
    expect(msg).toContain(
      "  ov(Tensor input, int dim, bool keepdim=False): argument 'dim' (position 2) must be an int, not 'a'",
    );
    expect(msg).toContain("  ov(Tensor input, Tensor other): argument 'other' (position 2) must be a tensor");
  });
});
