/**
 * A WebGPU loop that never returns to the event loop: Dawn frees each submit's bookkeeping only
 * between tasks, so after a bounded number of submits within one task the next one raises an
 * error saying what to do, instead of growing until the process dies. Any task turn resets it.
 * (The limit is lowered here; the default is 20,000 submits.)
 */
import { afterEach, expect, it } from 'vitest';
import { flush, setCacheLimits } from '../../src/backend/webgpu/queue.js';
import * as torch from '../../src/index.js';
import { describeGpu } from './helpers.js';

const turn = () => new Promise((r) => setImmediate(r));

describeGpu('synchronous webgpu loops', () => {
  afterEach(() => setCacheLimits({ submitsPerTask: 20_000 }));

  it('too many submits in one task raise a DeviceError that says to await', async () => {
    const x = torch.zeros([4], { device: 'webgpu' });
    await turn();
    setCacheLimits({ submitsPerTask: 50 });
    let err: unknown;
    let i = 0;
    try {
      for (; i < 200; i++) {
        x.add_(1);
        flush();
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(torch.DeviceError);
    expect((err as Error).message).toMatch(
      /^webgpu: 50 submits without returning to the event loop\..*Await something every few hundred steps/,
    );
    expect(i).toBe(50); // the 51st submit raised (its work was submitted)
    expect(Array.from(await x.toArray())).toEqual([51, 51, 51, 51]);
  });

  it('a task turn resets the count: the same work spread over tasks runs', async () => {
    const x = torch.zeros([1], { device: 'webgpu' });
    await turn();
    setCacheLimits({ submitsPerTask: 50 });
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < 40; i++) {
        x.add_(1);
        flush();
      }
      await turn();
    }
    expect(await x.item()).toBe(160);
  });
});
