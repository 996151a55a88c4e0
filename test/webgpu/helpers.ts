/**
 * End-to-end WebGPU tests: the tutorial's model and step, and a wait for the GC.
 * Each test file runs in its own fork (vitest.config.ts), so each finds the adapter once.
 */
import { describe, it } from 'vitest';
import * as torch from '../../src/index.js';
import { webgpuAvailable } from '../helpers/devices.js';

/** Skips (or, under TORCHTS_REQUIRE_WEBGPU=1, fails in helpers/devices.ts) without an adapter. */
export const describeGpu = (name: string, body: () => void): void => {
  // Without an adapter the body must not even run: it builds GPU tensors at collection time.
  if (webgpuAvailable()) describe(name, body);
  else describe.skip(name, () => it('needs a WebGPU adapter', () => {}));
};

/** The tutorial's network (the CLI's model; training.json's `SimpleNet`). */
import { SimpleNet } from '../../src/cli/models.js';

export { SimpleNet };

/** Synthetic MNIST-shaped data on the CPU: n images of 784 pixels and labels 0..9. */
export function syntheticSet(n: number, seed = 0) {
  torch.manualSeed(seed);
  const x = torch.rand([n, 784]);
  const y = torch.randint(0, 10, [n]);
  return new torch.utils.data.TensorDataset(x, y);
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Resolves once V8 has run two full collections and their finalizers, so every tensor the
 * program dropped before the call has given its device memory back.
 *
 * Why a wait is needed at all: V8 runs FinalizationRegistry callbacks only after a full
 * (mark-compact) collection; scavenges keep registered objects alive. The library frees
 * everything it owns at once (gradients, saved tensors, temporaries), but the tensors the
 * user's own code drops (last step's batch, activations, loss) go back when V8 collects them,
 * ~every 50-100 tutorial steps. This does not call gc(): it allocates ordinary short-lived
 * arrays (old-space sized, so they count toward the next full collection) and yields, until a
 * sentinel registered now is finalized; twice, because an incremental marking that started
 * before the call may keep objects that died during it until the next cycle.
 */
export async function afterCollection(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    let done = false;
    const fr = new FinalizationRegistry(() => {
      done = true;
    });
    ((o: object) => fr.register(o, 0))({});
    let junk: unknown[] = [];
    for (let i = 0; !done; i++) {
      if (i > 20000) throw new Error('afterCollection: no full GC after 20000 rounds of allocation');
      junk.push(new Array(20_000).fill(i));
      if (junk.length > 32) junk = [];
      await tick();
    }
  }
  for (let i = 0; i < 4; i++) await tick(); // let every registry's cleanup task run
}
