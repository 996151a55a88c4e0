/**
 * In-place ops on views of graph tensors update the base's history (PyTorch's CopySlices), and
 * views made before the write take their history from the base again (autograd/views.ts).
 * Expected gradients are worked by hand from PyTorch's semantics (noted per case).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

for (const device of testDevices())
  describe(`in-place on views on ${device}`, () => {
    const t = (v: number[] | number[][]) => torch.tensor(v, { dtype: 'float32' }).to(device);
    const vals = async (x: Tensor | null) => Array.from(await x!.toArray());

    it('y = 2x; y[0:1] *= 3; sum(y).backward() sends 6 to row 0, 2 elsewhere', async () => {
      const x = t([
        [1, 2],
        [3, 4],
        [5, 6],
      ]).requiresGrad_(true);
      const y = x.mul(2);
      y.narrow(0, 0, 1).mul_(3);
      expect(await vals(y)).toEqual([6, 12, 6, 8, 10, 12]);
      expect(y.gradFn!.displayName).toBe('CopySlicesBackward0');
      y.sum().backward();
      expect(await vals(x.grad)).toEqual([6, 6, 2, 2, 2, 2]);
    });

    it('a sibling view made before the write sees the new values through the base', async () => {
      // y = x; y[0:2] *= x[2:4]  ->  y = [x0 x2, x1 x3, x2, x3]; b = y[1:3];
      // loss = 10 b0 + 100 b1 = 10 x1 x3 + 100 x2  ->  grad [0, 10 x3, 100, 10 x1].
      const x = t([1, 2, 3, 4]).requiresGrad_(true);
      const y = x.mul(1);
      const a = y.narrow(0, 0, 2);
      const b = y.narrow(0, 1, 2);
      a.mul_(x.narrow(0, 2, 2));
      expect(await vals(b)).toEqual([8, 3]);
      b.mul(t([10, 100]))
        .sum()
        .backward();
      expect(await vals(x.grad)).toEqual([0, 40, 100, 20]);
    });

    it('writing a gradient-carrying slice into a plain buffer gives the buffer a history', async () => {
      const w = t([1, 2]).requiresGrad_(true);
      const buf = torch.zeros([2, 2], { device });
      buf.select(0, 1).copy_(w.mul(3));
      expect(buf.requiresGrad).toBe(true);
      buf
        .mul(
          t([
            [1, 1],
            [5, 7],
          ]),
        )
        .sum()
        .backward(); // 15 w0 + 21 w1
      expect(await vals(w.grad)).toEqual([15, 21]);
    });

    it('a strided view (transpose, then a column) of the base', async () => {
      // y = x [2, 3]; y^T[1] (= column 1 of y) += 10 x[:, 1]  ->  y[:, 1] = 11 x[:, 1]
      const x = t([
        [1, 2, 3],
        [4, 5, 6],
      ]).requiresGrad_(true);
      const y = x.mul(1);
      const col = y.t().select(0, 1);
      col.add_(x.select(1, 1).mul(10));
      expect(await vals(y)).toEqual([1, 22, 3, 4, 55, 6]);
      y.sum().backward();
      expect(await vals(x.grad)).toEqual([1, 11, 1, 1, 11, 1]);
    });

    it('gradcheck through an in-place op on a view, and double backward', async () => {
      const f = (x: Tensor, s: Tensor) => {
        const y = x.mul(x);
        y.narrow(1, 1, 2).mul_(s);
        return y.exp();
      };
      await expectGradcheck(f, [leaf([3, 4], device, 1, { scale: 0.5 }), leaf([3, 2], device, 2)]);
      // d/dx sum(2 x * s) over the region: the second derivative of x^2 s is 2 s there, 2 elsewhere.
      const x = t([1, 2, 3]).requiresGrad_(true);
      const s = t([5, 7]);
      const y = x.mul(x);
      y.narrow(0, 1, 2).mul_(s);
      const [g] = torch.autograd.grad(y.sum(), [x], { createGraph: true });
      expect(await vals(g)).toEqual([2, 4 * 5, 6 * 7]);
      g!.sum().backward();
      expect(await vals(x.grad)).toEqual([2, 10, 14]);
    });

    it("a view of a leaf that requires grad can't be written in place; under noGrad it can", async () => {
      const x = t([1, 2, 3]).requiresGrad_(true);
      expect(() => x.narrow(0, 0, 1).mul_(2)).toThrow(
        /a view of a leaf Variable that requires grad is being used in an in-place operation \(mul_\)/,
      );
      torch.noGrad(() => x.narrow(0, 0, 1).fill_(9));
      expect(await vals(x)).toEqual([9, 2, 3]);
      // A view made under noGrad keeps no history, and may not be written with grad mode on.
      const y0 = x.mul(1);
      const v = torch.noGrad(() => y0.narrow(0, 1, 2));
      expect(() => v.mul_(2)).toThrow(/A view was created in no_grad mode and is being modified inplace/);
      torch.noGrad(() => y0.fill_(1));
      expect(v.mul(2).requiresGrad).toBe(false);
      // Negative control for the in-place copy: mul_'s other reads the old values of self.
      const y = x.mul(1);
      const z = t([2, 2, 2]).requiresGrad_(true);
      y.mul_(z);
      y.sum().backward();
      expect(await vals(z.grad)).toEqual([9, 2, 3]);
    });
    it('a refreshed view region differentiates twice; an empty view in place is harmless', async () => {
      // b = a; b[2] *= 2 after s = b[0:2] was made: s's history becomes a region of b.
      // l = sum(s^2) = a0^2 + a1^2 -> dl/da = [2a0, 2a1, 0]; d(sum dl/da)/da = [2, 2, 0].
      const a = t([1, 2, 3]).requiresGrad_(true);
      const b = a.mul(1);
      const s = b.narrow(0, 0, 2);
      b.narrow(0, 1, 0).mul_(7);
      b.narrow(0, 2, 1).mul_(2);
      const [g] = torch.autograd.grad(s.pow(2).sum(), a, { createGraph: true });
      expect(await vals(g!)).toEqual([2, 4, 0]);
      const [gg] = torch.autograd.grad(g!.sum(), a);
      expect(await vals(gg!)).toEqual([2, 2, 0]);
    });
  });
