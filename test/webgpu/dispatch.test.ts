/**
 * Dispatch discipline of the tutorial's training step on WebGPU (issue 7): the exact kernels
 * per step (docs/webgpu.md lists them), one submit, no readback, only the batch uploaded, and
 * in steady state no new GPU buffer, bind group or pipeline.
 */
import { expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { afterCollection, describeGpu, SimpleNet, syntheticSet } from './helpers.js';

const { nn, optim } = torch;

describeGpu('tutorial training step on webgpu', () => {
  const dev = torch.device('webgpu');
  const model = new SimpleNet().to(dev);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
  const criterion = new nn.CrossEntropyLoss();
  const data = syntheticSet(64 * 8);
  const batches: [Tensor, Tensor][] = [];
  for (let i = 0; i < 8; i++)
    batches.push(data.getBatch!(torch.arange(i * 64, (i + 1) * 64)) as [Tensor, Tensor]);
  let loss: Tensor | null = null;
  let k = 0;
  const step = () => {
    const [inputs, labels] = batches[k++ % batches.length];
    const [x, y] = [inputs.to(dev), labels.to(dev)];
    optimizer.zeroGrad();
    loss = criterion.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
  };

  it('runs 11 kernels, 1 submit, no readback, uploads only the batch', async () => {
    for (let i = 0; i < 5; i++) step(); // compile pipelines, fill the pool
    await torch.webgpu.synchronize();
    torch.webgpu.resetStats();
    torch.webgpu.startTrace();
    step();
    const events = torch.webgpu.stopTrace();
    const s = torch.webgpu.stats();
    const kernels = events.filter((e) => !e.startsWith('alloc:') && !e.startsWith('free:') && e !== 'submit');
    // The exact list, in order (docs/webgpu.md "A training step"):
    expect(kernels.map((e) => e.split(':').slice(0, 2).join(':'))).toEqual([
      'mm:register', // fc1: x @ W1^T + b1 (bias epilogue)            (tiled on hardware GPUs)
      'ew:where(lt($0,#),#,$0)', // relu (constants are uniforms: # in keys)
      'mm:register', // fc2: h @ W2^T + b2
      'lsmnll-reduce:fused', // cross-entropy: softmax, mean loss, 1/count in one kernel
      'ew:#', // backward(): the implicit d loss = 1
      'ew:mul(where(eq($1,#),#,sub($0,f32(eq($1,$2)))),mul($3,$4))', // d logits
      'mm:register', // fc2: dW2 = g^T h, db2 = row sums (one kernel)
      'mm:register', // fc2: dh = g W2
      'ew:where(le($1,#),#,$0)', // relu backward
      'mm:register', // fc1: dW1 = g^T x, db1 (one kernel)
      'upd:2', // SGD's update program (param, grad) over all four parameters
    ]);
    expect(kernels.filter((e) => e.includes('rowsum'))).toHaveLength(2);
    expect(s.dispatches).toBe(11);
    expect(s.dispatches).toBeLessThanOrEqual(12);
    expect(s.submits).toBe(1);
    expect(events[events.length - 1]).toBe('submit'); // the optimizer's update ends the step
    expect(s.reads).toBe(0);
    expect(s.bytesWritten).toBe(64 * 784 * 4 + 64 * 4); // the batch, nothing else
    expect(Number.isFinite(await loss!.item())).toBe(true);
  });

  it('steady state: no new buffer or pipeline per step', async () => {
    for (let i = 0; i < 20; i++) step();
    // Last steps' dropped batches and activations return when V8 collects them (helpers.ts).
    await afterCollection();
    torch.webgpu.resetStats();
    for (let i = 0; i < 10; i++) step();
    await torch.webgpu.synchronize();
    const s = torch.webgpu.stats();
    expect(s.pipelineCompiles).toBe(0);
    // Bind groups: storage is sub-allocated from arenas bound with dynamic offsets, so a bind
    // group names (arena, bucket) per binding, not the block: which blocks the batch and the
    // activations get (they come back only when V8 collects what the loop dropped) no longer
    // matters (docs/webgpu.md, "Pool, pipelines, bind groups").
    expect(s.bindGroupCreations).toBe(0);
    expect(s.bufferAllocations).toBe(0);
    // one per step, plus synchronize()'s copy of the index-error flag (the loss kernel binds it)
    expect(s.submits).toBe(11);
    expect(s.dispatches).toBe(110);
  });
});
