/**
 * torch.autograd.grad / backward bind PyTorch's parameter lists (positional or options, unknown
 * names refused) and backward runs all its tensors in one pass (a shared node runs once), as
 * PyTorch's engine does.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

describe('torch.autograd.grad and backward', () => {
  it('grad: positional and options forms agree; unknown options are TypeErrors', () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_(true);
    const y = x.pow(2);
    const up = torch.tensor([1, 10, 100], { dtype: 'float32' });
    const [a] = torch.autograd.grad(y, x, up, true);
    const [b] = torch.autograd.grad([y], [x], { gradOutputs: [up] });
    expect(Array.from(a!.toArraySync())).toEqual([2, 40, 600]);
    expect(Array.from(b!.toArraySync())).toEqual([2, 40, 600]);
    expect(() => torch.autograd.grad(y.sum(), x, { creatGraph: true } as never)).toThrow(TypeError);
    expect(() => torch.autograd.grad(y.sum(), x, { isGradsBatched: true })).toThrow(/not supported/);
    expect(() => torch.autograd.grad(y, x, torch.ones([2]))).toThrow(/Mismatch in shape: grad_output\[0\]/);
  });

  it('backward: one pass over several tensors; the leaf accumulate hook runs once', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32' }).requiresGrad_(true);
    const h = x.mul(3);
    let calls = 0;
    x.registerPostAccumulateGradHook(() => {
      calls++;
    });
    const a = h.sum();
    const b = h.pow(2).sum();
    torch.autograd.backward([a, b]);
    expect(calls).toBe(1);
    // d/dx (sum 3x + sum 9x^2) = 3 + 18x
    expect(Array.from(x.grad!.toArraySync())).toEqual([21, 39]);
    // the graph is freed afterwards (retainGraph defaults to createGraph)
    expect(() => b.backward()).toThrow(/backward through the graph a second time/);
  });

  it('backward: explicit gradTensors, positional flags, and inputs refused', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32' }).requiresGrad_(true);
    const y = x.mul(2);
    torch.autograd.backward(y, [torch.tensor([1, 5], { dtype: 'float32' })], true);
    expect(Array.from(x.grad!.toArraySync())).toEqual([2, 10]);
    torch.autograd.backward([y.sum()], null, { retainGraph: false });
    expect(Array.from(x.grad!.toArraySync())).toEqual([4, 12]);
    expect(() => torch.autograd.backward(x.sum(), null, { inputs: [x] })).toThrow(/not supported/);
  });
});
