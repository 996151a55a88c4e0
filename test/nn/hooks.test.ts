/**
 * Module hooks: forward pre/post hooks (replacing args/outputs, prepend, with_kwargs,
 * always_call, remove()), full backward hooks and backward pre hooks against PyTorch 1.13.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
const vals = async (t: torch.Tensor) => Array.from(await t.toArray());

function fixedLinear(device: string) {
  const lin = new nn.Linear(3, 2).to(device);
  torch.noGrad(() => {
    lin.weight.copy_(
      torch.tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float32', device },
      ),
    );
    lin.bias!.fill_(0.5);
  });
  return lin;
}

for (const device of testDevices())
  describe(`module hooks on ${device}`, () => {
    it('forward pre/post hooks run on model(x), in order, may replace args and output; remove()', async () => {
      const lin = fixedLinear(device);
      const log: string[] = [];
      const h1 = lin.registerForwardPreHook((_m, args) => {
        log.push('pre1');
        return [(args[0] as torch.Tensor).mul(2)];
      });
      lin.registerForwardPreHook(() => void log.push('pre0'), { prepend: true });
      const h3 = lin.registerForwardHook((_m, _args, out) => {
        log.push('post');
        return (out as torch.Tensor).add(100);
      });
      const x = torch.tensor([[1, 0, -1]], { dtype: 'float32', device });
      expect(await vals(lin(x))).toEqual([-3.5 + 100, -3.5 + 100]); // W(2x)+b = [-4,-4]+0.5
      expect(log).toEqual(['pre0', 'pre1', 'post']);
      // forward() called directly runs no hooks (as PyTorch)
      expect(await vals(lin.forward(x))).toEqual([-1.5, -1.5]);
      h1.remove();
      h3.remove();
      h3.remove(); // twice: no-op
      expect(await vals(lin(x))).toEqual([-1.5, -1.5]);
      // hooks on a submodule run when the parent calls it
      const seq = new nn.Sequential(lin, new nn.ReLU());
      let seen: number[] = [];
      lin.registerForwardHook((_m, _a, out) => {
        seen = Array.from((out as torch.Tensor).toArraySync?.() ?? []);
      });
      if (device === 'cpu') {
        seq(x);
        expect(seen).toEqual([-1.5, -1.5]);
      }
    });
    it('with_kwargs and always_call', async () => {
      class M extends nn.Module {
        override forward(x: torch.Tensor, opts: { scale?: number } = {}) {
          if (opts.scale === 0) throw new Error('boom');
          return x.mul(opts.scale ?? 1);
        }
      }
      const m = new M();
      m.registerForwardPreHook((_m, args, kwargs) => [args, { ...kwargs, scale: 3 }], { withKwargs: true });
      let kw: unknown = null;
      m.registerForwardHook(
        (_m, _args, kwargs, out) => {
          kw = kwargs;
          return out;
        },
        { withKwargs: true },
      );
      const x = torch.ones([2], { device });
      expect(await vals(m(x, { scale: 5 }))).toEqual([3, 3]);
      expect(kw).toEqual({ scale: 3 });
      const m2 = new M();
      let called = 0;
      m2.registerForwardHook(() => void called++, { alwaysCall: true });
      m2.registerForwardHook(() => void (called += 10));
      expect(() => m2(x, { scale: 0 })).toThrow(/boom/);
      expect(called).toBe(1);
      expect(() => m2.registerForwardHook(5 as never)).toThrow(TypeError);
    });
    it('full backward hook: gradInput/gradOutput as PyTorch, replacement gradInput', async () => {
      const lin = fixedLinear(device);
      const log: unknown[] = [];
      const h = lin.registerFullBackwardHook((_m, gi, go) => {
        log.push([gi.map((g) => g?.clone() ?? null), go.map((g) => g?.shape)]);
        return gi[0] ? [gi[0].mul(10)] : null;
      });
      const x = torch.tensor([[1, 0, -1]], { dtype: 'float32', device, requiresGrad: true });
      const w = torch.tensor([[1, 2]], { dtype: 'float32', device });
      lin(x).mul(w).sum().backward();
      // PyTorch 1.13: gi [[9, 12, 15]], go [[1, 2]]; x.grad [[90, 120, 150]]; weight.grad [[1,0,-1],[2,0,-2]]
      expect(await vals(x.grad!)).toEqual([90, 120, 150]);
      expect(await vals(lin.weight.grad!)).toEqual([1, 0, -1, 2, 0, -2]);
      expect(log.length).toBe(1);
      const [gi0, goShapes] = log[0] as [torch.Tensor[], number[][]];
      expect(await vals(gi0[0])).toEqual([9, 12, 15]);
      expect(goShapes).toEqual([[1, 2]]);
      // an input that needs no grad: gradInput is [null] (PyTorch: (None,)), hook still called
      log.length = 0;
      lin(torch.tensor([[1, 0, -1]], { dtype: 'float32', device }))
        .mul(w)
        .sum()
        .backward();
      expect(log.length).toBe(1);
      expect((log[0] as unknown[][])[0]).toEqual([null]);
      h.remove();
      const x2 = torch.tensor([[1, 0, -1]], { dtype: 'float32', device, requiresGrad: true });
      lin(x2).mul(w).sum().backward();
      expect(await vals(x2.grad!)).toEqual([9, 12, 15]);
    });
    it('full backward pre hook replaces gradOutput before the backward hook sees it', async () => {
      const lin = fixedLinear(device);
      const order: string[] = [];
      let go0: torch.Tensor | null = null;
      lin.registerFullBackwardPreHook((_m, go) => {
        order.push('pre');
        return [go[0]!.mul(3)];
      });
      lin.registerFullBackwardHook((_m, _gi, go) => {
        order.push('bw');
        go0 = go[0]!.clone();
      });
      const x = torch.tensor([[1, 0, -1]], { dtype: 'float32', device, requiresGrad: true });
      lin(x).sum().backward();
      expect(order).toEqual(['pre', 'bw']);
      expect(await vals(go0!)).toEqual([3, 3]);
      expect(await vals(x.grad!)).toEqual([15, 21, 27]); // 3 * colsum(W)
      expect(await vals(lin.bias!.grad!)).toEqual([3, 3]);
    });
  });
