/**
 * Grad mode is per async context (tensor/state.ts): an awaited noGrad scope does not switch
 * recording off for concurrent work, overlapping scopes restore correctly in any order, and
 * setGradEnabled works as a plain call as in PyTorch.
 */
import { describe, expect, it, vi } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

/** A promise the test resolves by hand, to hold a scope open across other work. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}
const tick = () => new Promise((r) => setTimeout(r, 1));

for (const device of testDevices())
  describe(`grad mode on ${device}`, () => {
    const leaf = () => torch.tensor([1, 2], { dtype: 'float32' }).to(device).requiresGrad_(true);

    it('a pending async noGrad leaves recording on outside it; it is off inside across awaits', async () => {
      const x = leaf();
      const g = gate();
      const scoped = torch.noGrad(async () => {
        const before = x.mul(2).requiresGrad;
        await g.wait;
        return [before, x.mul(2).requiresGrad, torch.isGradEnabled()];
      });
      expect(torch.isGradEnabled()).toBe(true);
      expect(x.mul(2).requiresGrad).toBe(true);
      await tick();
      expect(x.mul(2).requiresGrad).toBe(true);
      g.open();
      expect(await scoped).toEqual([false, false, false]);
      expect(torch.isGradEnabled()).toBe(true);
    });

    it('overlapping async scopes that end out of order each keep their mode and restore', async () => {
      const x = leaf();
      const a = gate();
      const b = gate();
      const pa = torch.noGrad(async () => {
        await a.wait;
        return x.mul(2).requiresGrad;
      });
      const pb = torch.noGrad(async () => {
        await b.wait;
        // A nested async enableGrad inside, and a sync one: both record; back to off after.
        const inner = await torch.enableGrad(async () => {
          await tick();
          return x.mul(2).requiresGrad;
        });
        return [inner, torch.enableGrad(() => x.mul(2).requiresGrad), x.mul(2).requiresGrad];
      });
      a.open();
      expect(await pa).toBe(false); // the first scope ends while the second is pending
      expect(torch.isGradEnabled()).toBe(true);
      expect(x.mul(2).requiresGrad).toBe(true);
      b.open();
      expect(await pb).toEqual([true, true, false]);
      expect(torch.isGradEnabled()).toBe(true);
      // A rejected scope restores too.
      await expect(
        torch.noGrad(async () => {
          await tick();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(x.mul(2).requiresGrad).toBe(true);
    });

    it('a training step runs with grads while an async noGrad evaluation is pending', async () => {
      torch.manualSeed(0);
      const model = new torch.nn.Linear(3, 2).to(device);
      const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
      const x = torch.tensor([[1, 2, 3]], { dtype: 'float32' }).to(device);
      const g = gate();
      const evaluation = torch.noGrad(async () => {
        const before = model.forward(x);
        await g.wait;
        const after = model.forward(x);
        return [before.requiresGrad, after.requiresGrad];
      });
      const w0 = Array.from(await model.weight.toArray());
      opt.zeroGrad();
      const loss = model.forward(x).sum();
      expect(loss.requiresGrad).toBe(true);
      loss.backward();
      // d sum(x W^T + b) / dW = one row of x per output.
      expect(Array.from(await model.weight.grad!.toArray())).toEqual([1, 2, 3, 1, 2, 3]);
      opt.step(); // the optimizer's own sync noGrad, inside the pending async one's lifetime
      const w1 = Array.from(await model.weight.toArray());
      for (let i = 0; i < 6; i++) expect(w1[i]).toBeCloseTo(w0[i] - 0.1 * [1, 2, 3][i % 3], 6);
      expect(model.forward(x).requiresGrad).toBe(true);
      g.open();
      expect(await evaluation).toEqual([false, false]);
    });

    it('setGradEnabled(false) as a plain call; scopes restore what was set inside them', () => {
      const x = leaf();
      torch.setGradEnabled(false);
      try {
        expect(torch.isGradEnabled()).toBe(false);
        expect(x.mul(2).requiresGrad).toBe(false);
      } finally {
        torch.setGradEnabled(true);
      }
      expect(x.mul(2).requiresGrad).toBe(true);
      torch.noGrad(() => {
        torch.setGradEnabled(true);
        expect(x.mul(2).requiresGrad).toBe(true);
      });
      expect(torch.isGradEnabled()).toBe(true);
      torch.enableGrad(() => torch.setGradEnabled(false));
      expect(torch.isGradEnabled()).toBe(true);
    });

    it('a non-async callback that returns a Promise is refused (its awaits would leave the scope)', async () => {
      const x = leaf();
      let after: boolean | null = null;
      const later = async () => {
        await tick();
        after = x.mul(2).requiresGrad;
      };
      expect(() => torch.noGrad(() => later())).toThrow(
        /noGrad: the callback returned a Promise but is not an async function/,
      );
      expect(() => torch.enableGrad(() => Promise.resolve(1))).toThrow(
        /enableGrad: the callback returned a Promise/,
      );
      // Also while another async scope is pending (the scope then runs in its own frame).
      const g = gate();
      const pending = torch.noGrad(async () => g.wait);
      expect(() => torch.noGrad(() => Promise.reject(new Error('x')))).toThrow(/returned a Promise/);
      g.open();
      await pending;
      expect(torch.isGradEnabled()).toBe(true);
      await tick();
      await tick();
      expect(after).toBe(true); // the refused callback's continuation ran in the outer mode
      // A thenable-free result is returned as before.
      expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    });

    it('a plain setGradEnabled inside an async scope stays in that scope', async () => {
      const x = leaf();
      const g = gate();
      const scoped = torch.enableGrad(async () => {
        torch.setGradEnabled(false);
        await g.wait;
        return x.mul(2).requiresGrad;
      });
      expect(x.mul(2).requiresGrad).toBe(true);
      g.open();
      expect(await scoped).toBe(false);
      expect(torch.isGradEnabled()).toBe(true);
    });
  });

describe('grad mode without AsyncLocalStorage (browsers)', () => {
  it('refuses an async callback with a clear error; sync scopes still work', async () => {
    vi.resetModules();
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      const s = await import('../../src/tensor/state.js');
      expect(() => s.noGrad(async () => 1)).toThrow(
        /an async callback needs AsyncLocalStorage .* pass a synchronous callback/,
      );
      expect(s.isGradEnabled()).toBe(true);
      expect(s.noGrad(() => s.isGradEnabled())).toBe(false);
      expect(s.isGradEnabled()).toBe(true);
    } finally {
      proc.getBuiltinModule = saved;
      vi.resetModules();
    }
  });
});
