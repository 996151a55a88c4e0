/** The backward engine: accumulation, retainGraph, grad modes, autograd.grad, detach, errors. */
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`autograd on ${device}`, () => {
    const leaf = (v: number[]) => torch.tensor(v, { dtype: 'float32' }).to(device).requiresGrad_(true);
    const vals = async (t: torch.Tensor | null) => Array.from(await t!.toArray());

    it('backward accumulates into .grad across calls, and through shared inputs', async () => {
      const x = leaf([1, 2, 3]);
      x.mul(x).sum().backward(); // 2x
      expect(await vals(x.grad)).toEqual([2, 4, 6]);
      x.mul(3).sum().backward();
      expect(await vals(x.grad)).toEqual([5, 7, 9]);
      x.grad = null;
      torch.add(x, x).sum().backward();
      expect(await vals(x.grad)).toEqual([2, 2, 2]);
    });

    it('backward with a gradient argument for a non-scalar output; without one it is an error', async () => {
      const x = leaf([1, 2]);
      const y = x.mul(x);
      expect(() => y.backward()).toThrow(
        /grad can be implicitly created only for scalar outputs \(got shape \[2\]\)/,
      );
      y.backward(torch.tensor([1, 0.5]).to(device));
      expect(await vals(x.grad)).toEqual([2, 2]);
      expect(() => x.mul(2).backward(torch.ones([3], { device }))).toThrow(
        /Mismatch in shape: grad_output\[0\] has a shape of \[3\]/,
      );
    });

    it('retainGraph allows a second backward; without it the second one fails', async () => {
      const x = leaf([2]);
      const z = x.exp().sum();
      z.backward(null, { retainGraph: true });
      z.backward();
      expect((await vals(x.grad))[0]).toBeCloseTo(2 * Math.exp(2), 4);
      expect(() => z.backward()).toThrow(
        /Trying to backward through the graph a second time.*retainGraph: true/,
      );
    });

    it('saved tensors are released after backward (node.backwardFn is null)', () => {
      const x = leaf([1, 2]);
      const y = x.sigmoid();
      const loss = y.sum();
      const node = y.gradFn!;
      expect(node.backwardFn).not.toBeNull();
      loss.backward();
      expect(node.backwardFn).toBeNull();
      expect(loss.gradFn!.released).toBe(true);
    });

    it('noGrad / enableGrad scope recording, also across await', async () => {
      const x = leaf([1]);
      expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
      expect(torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
      const r = await torch.noGrad(async () => {
        await new Promise((res) => setTimeout(res, 1));
        return [torch.isGradEnabled(), x.mul(2).requiresGrad];
      });
      expect(r).toEqual([false, false]);
      expect(torch.isGradEnabled()).toBe(true);
      expect(() =>
        torch.noGrad(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(torch.isGradEnabled()).toBe(true);
      expect(torch.setGradEnabled(false, () => torch.isGradEnabled())).toBe(false);
    });

    it('autograd.grad returns gradients without touching .grad; createGraph gives d²/dx² x³ = 6x', async () => {
      const x = leaf([1, -2]);
      const [dx] = torch.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
      expect(await vals(dx!)).toEqual([3, 12]);
      expect(x.grad).toBeNull();
      expect(dx!.requiresGrad).toBe(true);
      const [d2] = torch.autograd.grad(dx!.sum(), [x]);
      expect(await vals(d2!)).toEqual([6, -12]);
      const y = leaf([1]);
      expect(() => torch.autograd.grad(x.sum(), [y])).toThrow(/appears to not have been used in the graph/);
      expect(torch.autograd.grad(x.sum(), [y], { allowUnused: true })).toEqual([null]);
      // A non-leaf input captures the gradient at that point of the graph.
      const h = x.mul(2);
      const [gh] = torch.autograd.grad(h.pow(2).sum(), [h]);
      expect(await vals(gh!)).toEqual([4, -8]);
    });

    it('detach cuts the graph and shares storage; retainGrad keeps a non-leaf gradient', async () => {
      const x = leaf([1, 2]);
      const d = x.mul(2).detach();
      expect(d.requiresGrad).toBe(false);
      expect(d.isLeaf).toBe(true);
      const h = x.mul(3);
      expect(h.detach().storage).toBe(h.storage);
      h.retainGrad();
      const k = x.mul(4);
      h.mul(h).add(k.mul(d)).sum().backward();
      expect(await vals(h.grad)).toEqual([6, 12]);
      expect(k.grad).toBeNull();
      expect(await vals(x.grad)).toEqual([3 * 6 + 4 * 2, 3 * 12 + 4 * 4]);
    });

    it('requiresGrad on an int tensor is an error; only leaves can change the flag', () => {
      expect(() => torch.tensor([1, 2]).to(device).requiresGrad_(true)).toThrow(
        /only Tensors of floating point dtype can require gradients \(got int64\)/,
      );
      expect(() => torch.arange(3, { requiresGrad: true })).toThrow(/floating point/);
      const x = leaf([1]);
      expect(() => x.mul(2).requiresGrad_(false)).toThrow(
        /you can only change requires_grad flags of leaf variables/,
      );
      expect(() => torch.zeros([1], { device }).mul(2).backward()).toThrow(
        /does not require grad and does not have a grad_fn/,
      );
    });

    it('in-place modification of a saved tensor fails at backward with versions', () => {
      const x = leaf([0.5, -1]);
      const y = x.sigmoid();
      y.mul_(2);
      expect(() => y.sum().backward()).toThrow(
        /one of the variables needed for gradient computation has been modified by an inplace operation: \[float32 \[2\]\] is at version 1; expected version 0 instead \(in SigmoidBackward0\)/,
      );
    });

    it('in place on a leaf that requires grad is an error; under noGrad it is allowed', async () => {
      const x = leaf([1, 2]);
      expect(() => x.add_(1)).toThrow(
        /a leaf Variable that requires grad is being used in an in-place operation \(add_\)/,
      );
      torch.noGrad(() => x.mul_(2));
      expect(await vals(x)).toEqual([2, 4]);
      // In place on a non-leaf records the op: the gradient goes through it.
      const h = x.mul(1);
      h.mul_(3);
      h.sum().backward();
      expect(await vals(x.grad)).toEqual([3, 3]);
    });
  });

describe('gradcheck utility', () => {
  it('passes for a correct op and reports numbers per input', async () => {
    const x = torch.randn([3], { generator: new torch.Generator(1) }).requiresGrad_(true);
    const r = await gradcheck((t) => t.tanh().mul(t), [x]);
    expect(r.ok).toBe(true);
    expect(r.details.every((d) => d.input === 0 && Number.isFinite(d.numeric))).toBe(true);
  });
  it('fails for a detach that hides a dependency (wrong gradient)', async () => {
    const x = torch.randn([3], { generator: new torch.Generator(2) }).requiresGrad_(true);
    expect((await gradcheck((t) => t.mul(t.detach()), [x])).ok).toBe(false);
  });
});
