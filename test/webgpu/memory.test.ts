/**
 * Flat device memory over a long tutorial run (issue 3): SimpleNet, SGD, CrossEntropyLoss,
 * batches of 64 from a DataLoader with `for await`, 2,000 steps, no dispose() in the loop.
 *
 * What frees what: the engine frees intermediate gradients as each node runs and the implicit
 * d loss after backward; fused ops free what only their backward used when the node is
 * released; zeroGrad() frees the gradients the engine made; optimizers free their temporaries.
 * That part is exact per step. The tensors the loop itself drops (last step's batch, the
 * activations, the loss) go back when V8 collects them, which for FinalizationRegistry targets
 * happens only in full collections; `afterCollection()` waits for those (helpers.ts).
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { afterCollection, describeGpu, SimpleNet, syntheticSet } from './helpers.js';

const { nn, optim } = torch;

describeGpu('memory on webgpu', () => {
  it('memoryAllocated() after step 100 equals after step 2,000', async () => {
    const device = torch.device('webgpu');
    const model = new SimpleNet().to(device);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    const criterion = new nn.CrossEntropyLoss();
    const loader = new torch.utils.data.DataLoader(syntheticSet(64 * 50), { batchSize: 64, shuffle: true });
    // The tutorial's step. A function of its own so the test's suspended async frame (which
    // V8 keeps whole across each `await`) cannot hold a stale loss from an earlier step.
    const trainStep = (inputs: Tensor, labels: Tensor): Tensor => {
      const [x, y] = [inputs.to(device), labels.to(device)];
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const marks = new Map<number, number>();
    let step = 0;
    let last: Tensor | null = null;
    let peakBetween = 0;
    while (step < 2000) {
      for await (const [inputs, labels] of loader) {
        last = trainStep(inputs, labels);
        step++;
        if (step === 2000) peakBetween = torch.webgpu.maxMemoryAllocated();
        if (step === 100 || step === 2000) {
          await afterCollection();
          marks.set(step, torch.webgpu.memoryAllocated());
        }
        if (step === 2000) break;
      }
    }
    const loss = await last!.item();
    expect(Number.isFinite(loss)).toBe(true);
    expect(marks.get(2000)).toBe(marks.get(100));
    // Parameters + their gradients + this step's batch, activations and loss, nothing more:
    // [128,784]+[128]+[10,128]+[10] params and grads (4 B each, pool buckets) and x/y/h/logits.
    expect(marks.get(100)!).toBeLessThan(3 * 1024 * 1024);
    // Between the collections the test forces, garbage pressure (backend/pressure.ts) asks V8 for
    // one every 32 MiB of dropped blocks: ~1,900 steps of ~300 KB garbage never held 570 MB.
    expect(peakBetween).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);
});
