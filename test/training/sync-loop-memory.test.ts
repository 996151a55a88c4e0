/**
 * Memory in a training loop with no `await` at all (PyTorch's most common loop shape): storage
 * the loop drops comes back at the next public call after a forced GC (backend/pressure.ts,
 * `reclaim()`), not only between tasks. The tutorial's net drops ~110 KB of tensors per CPU step;
 * without the safe points a 1,500-step loop holds all of it (~165 MiB) until it ends.
 */
import { describe, expect, it } from 'vitest';
import { heap } from '../../src/backend/cpu/heap.js';
import { forcedCollections } from '../../src/backend/pressure.js';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const MiB = 1 << 20;

function simpleNet(device: torch.Device) {
  torch.manualSeed(0);
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(784, 128),
    new torch.nn.ReLU(),
    new torch.nn.Linear(128, 10),
  ).to(device);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const lossFn = new torch.nn.CrossEntropyLoss();
  const x = torch.randn([64, 784]).to(device);
  const y = torch.randint(0, 10, [64]).to(device);
  return () => {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
  };
}

describe.skipIf(process.env.TORCHTS_GC === '0')('a synchronous training loop keeps its memory flat', () => {
  for (const dev of testDevices()) {
    it(`on ${dev}: the bytes held stop growing after warm-up`, () => {
      const device = torch.device(dev);
      const held = () => (dev === 'cpu' ? heap!.allocated : torch.cuda.memoryAllocated());
      if (dev === 'cpu' && !heap) return; // no wasm heap: plain typed arrays, V8 frees them itself
      const step = simpleNet(device);
      const collections = forcedCollections();
      const steps = dev === 'cpu' ? 1500 : 1200;
      let peakLate = 0;
      let drops = 0; // steps after which the held bytes fell by > 4 MiB: storage came back mid-loop
      const start = held();
      let prev = start;
      for (let i = 0; i < steps; i++) {
        step();
        const now = held();
        if (now < prev - 4 * MiB) drops++;
        prev = now;
        if (i >= steps / 2) peakLate = Math.max(peakLate, held());
      }
      // ~110 KB (cpu) / ~65 KB (webgpu) dropped per step: all of it would be 80-165 MiB by now.
      expect(forcedCollections() - collections).toBeGreaterThanOrEqual(1);
      expect(drops).toBeGreaterThanOrEqual(1);
      // At most about one budget of garbage: the CPU heap's adapts (pressure.ts; 32 MiB, more
      // where collections cost over 5% of the time, as in a test runner's large JS heap).
      const budget = dev === 'cpu' ? heap!.pressure.budget : 32 * MiB;
      expect(peakLate - start).toBeLessThan(budget + 12 * MiB);
    }, 120_000);
  }
});
