/**
 * The binding rule, for every public callable in registeredCallables(): one positional argument
 * beyond the parameter list is a TypeError that names the callable. Functions and methods are
 * called, classes constructed; class methods bound through ctorArgs are checked at the binder
 * with their parsed signature. Arguments are built from the signature's types; an entry whose
 * types this file cannot build fails the test (add the type to `sample`).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { bindArgs, registeredCallables } from '../../src/signature/bind.js';
import { type Param, parseSignature, type TypeSpec } from '../../src/signature/parse.js';

const { nn, optim } = torch;

/** A value of the type (it need only pass the binder's check: the call fails before running). */
function sample(t: TypeSpec): unknown {
  switch (t.kind) {
    case 'literal':
      return t.value;
    case 'union':
      return sample(t.of[0]);
    case 'list':
      return [sample(t.of)];
    case 'base':
      break;
  }
  const p = nn.Parameter(torch.ones([2]));
  const base: Record<string, () => unknown> = {
    int: () => 1,
    SymInt: () => 1,
    float: () => 1,
    Scalar: () => 1,
    bool: () => false,
    str: () => 'mean',
    dict: () => ({}),
    Any: () => 1,
    Tensor: () => torch.ones([2]),
    TensorOrTensors: () => torch.ones([2]),
    Module: () => new nn.Identity(),
    Device: () => 'cpu',
    ScalarType: () => 'float32',
    Generator: () => new torch.Generator(),
    Params: () => [p],
    Closure: () => () => torch.ones([]),
    Optimizer: () => new optim.SGD([p], 0.1),
    OptimizerStateDict: () => ({ state: {}, param_groups: [] }),
    StateDict: () => ({}),
    Mapping: () => ({}),
    Iterable: () => [],
    set: () => new Set(),
    function: () => () => undefined,
    Callable: () => () => undefined,
    Dataset: () => new torch.utils.data.TensorDataset(torch.ones([2])),
    Sampler: () => [0],
    LrLambda: () => () => 1,
    LRSchedulers: () => [new optim.lrScheduler.ConstantLR(new optim.SGD([p], 0.1))],
    // --- distributed (MPI) ---
    ProcessGroup: () => torch.distributed.group.WORLD,
  };
  const make = base[t.base];
  if (!make) throw new Error(`no test value for signature type '${t.base}'`);
  return make();
}

/** The positional arguments of one form, self excluded for methods. */
function positional(params: readonly Param[], skipSelf: boolean): unknown[] {
  return params.filter((p, i) => !p.kwOnly && !(skipSelf && i === 0)).map((p) => sample(p.type));
}

const EXTRA = 'one too many';
const entries = [...registeredCallables().values()];

describe('every registered callable rejects an extra positional argument, naming itself', () => {
  it('covers a useful number of entries (torch, Tensor, F, nn, optim, lrScheduler)', () => {
    const labels = entries.map((e) => e.label);
    for (const l of [
      'torch.zeros',
      'Tensor.view',
      'F.layerNorm',
      'nn.Linear',
      'optim.SGD',
      'optim.lrScheduler.StepLR',
    ])
      expect(labels).toContain(l);
    expect(entries.length).toBeGreaterThan(300);
  });

  it.each(entries.map((e) => [e.label, e] as const))('%s', (label, e) => {
    // The form with the most positional parameters: one more fails every form.
    const forms = e.signatures.map(parseSignature);
    const widest = forms.reduce((a, b) =>
      b.params.filter((p) => !p.kwOnly).length > a.params.filter((p) => !p.kwOnly).length ? b : a,
    );
    const run = (): unknown => {
      if (e.call && e.isMethod) {
        const args = positional(widest.params, true);
        return e.call.call(sample(widest.params[0].type), ...args, EXTRA);
      }
      const args = positional(widest.params, false);
      if (e.call) return e.call(...args, EXTRA);
      if (e.ctor) return new (e.ctor as unknown as new (...a: unknown[]) => unknown)(...args, EXTRA);
      // A class method bound by ctorArgs: its binder, with the same label.
      return bindArgs(widest, label, [...args, EXTRA]);
    };
    let err: unknown;
    try {
      run();
    } catch (x) {
      err = x;
    }
    expect(err, `${label} accepted an extra positional argument`).toBeInstanceOf(TypeError);
    const msg = (err as Error).message;
    expect(msg.startsWith(`${label}(): `), msg).toBe(true);
    expect(msg).toMatch(/positional argument|no form accepts/);
    expect(msg).toContain(`'${EXTRA}'`);
  });
});
