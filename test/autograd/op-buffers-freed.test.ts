/**
 * Buffers only an op's backward reads go back to the CPU heap when the backward has run, not at
 * the next forced GC (ops/core.ts `freeWithNode`, issue 18): dropout's draws, max_pool2d's
 * indices, the LSTM's input projection, and gather/index_select/embedding gradients written into
 * their zeros in place. Measured as the bytes a full GC still frees after the backward while the
 * test keeps everything a user can reach (inputs, outputs, loss, gradients): the garbage left.
 */
import { describe, expect, it } from 'vitest';
import { heap } from '../../src/backend/cpu/heap.js';
import { collectGarbage } from '../../src/backend/pressure.js';
import * as torch from '../../src/index.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

async function settle(): Promise<void> {
  collectGarbage();
  for (let i = 0; i < 3; i++) await turn();
}

/** Bytes the GC frees after `run`, while what `run` returns stays reachable. */
async function garbageAfter(run: () => unknown[]): Promise<number> {
  await settle();
  const kept = run();
  const after = heap!.allocated;
  await settle();
  const garbage = after - heap!.allocated;
  expect(kept.length).toBeGreaterThan(0); // keeps `kept` alive across the collection
  return garbage;
}

describe.skipIf(heap === undefined || process.env.TORCHTS_GC === '0')(
  'op buffers freed by the backward',
  () => {
    it('dropout: the uniform draws', async () => {
      const n = 256 * 1024;
      const x = torch.randn([256, 1024], { requiresGrad: true });
      const garbage = await garbageAfter(() => {
        const y = torch.nn.functional.dropout(x, 0.5);
        const loss = y.sum();
        loss.backward();
        return [y, loss];
      });
      expect(x.grad!.shape).toEqual([256, 1024]);
      expect(garbage).toBeLessThan(n); // the draws are 4n bytes
    });

    it('max_pool2d: the indices (and they stay for a createGraph backward)', async () => {
      const x = torch.randn([16, 32, 24, 24], { requiresGrad: true });
      const n = 16 * 32 * 12 * 12;
      const garbage = await garbageAfter(() => {
        const y = torch.nn.functional.maxPool2d(x, 2);
        const loss = y.sum();
        loss.backward();
        return [y, loss];
      });
      expect(garbage).toBeLessThan(n); // the int64 indices are 8n bytes
      // createGraph without retainGraph releases the node; its recorded backward (dx as a function of
      // the output gradient v) still reads them: d/dv sum(dx^2) = 2 v.
      const v = torch.randn([16, 32, 12, 12], { requiresGrad: true });
      const [dx] = torch.autograd.grad([torch.nn.functional.maxPool2d(x, 2)], [x], {
        gradOutputs: [v],
        createGraph: true,
        retainGraph: false,
      });
      await settle(); // a collection between the two passes must free nothing the second one reads
      dx!.pow(2).sum().backward();
      expect(await v.grad!.sub(v.mul(2)).abs().max().item()).toBeLessThan(1e-6);
    });

    it('embedding and gather: the gradient is scattered into its own zeros', async () => {
      const w = torch.randn([4000, 64], { requiresGrad: true });
      const ids = torch.randint(0, 4000, [35, 20]);
      const garbage = await garbageAfter(() => {
        const out = torch.nn.functional.embedding(ids, w);
        const loss = out.sum();
        loss.backward();
        return [out, loss];
      });
      expect(garbage).toBeLessThan(4000 * 64); // a zeros copy would be 4 x that
      const x = torch.randn([300, 40], { requiresGrad: true });
      const idx = torch.randint(0, 300, [50, 40]);
      const g2 = await garbageAfter(() => {
        const out = torch.gather(x, 0, idx);
        const loss = out.sum();
        loss.backward();
        return [out, loss];
      });
      expect(g2).toBeLessThan(300 * 40);
    });

    it('nn.LSTM: the input projection of each layer', async () => {
      torch.manualSeed(0);
      const lstm = new torch.nn.LSTM(64, 64, 2);
      const x = torch.randn([20, 8, 64]);
      const h0 = torch.zeros([2, 8, 64]);
      const c0 = torch.zeros([2, 8, 64]);
      const garbage = await garbageAfter(() => {
        const [out, [h, c]] = lstm.forward(x, [h0, c0]) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
        const loss = out.sum();
        loss.backward();
        return [out, h, c, loss];
      });
      expect(garbage).toBeLessThan(20 * 8 * 256 * 4); // each layer's projection is 4 x that
    });
  },
);
