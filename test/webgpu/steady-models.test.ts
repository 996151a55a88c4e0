/**
 * Issue 18, WebGPU: the five training steps of bench/webgpu-models.ts (tutorial SimpleNet,
 * quickstart MLP, mnist CNN + Adadelta, nanoGPT-style + AdamW, LSTM LM) at small sizes. A steady
 * step creates no pipeline, no GPU buffer and no bind group, reads nothing back, submits about
 * once, and records at most the dispatches written below (bench/README.md has the table; a
 * fusion that lowers a count should lower its cap here).
 */
import { expect, it } from 'vitest';
import { buildStep, type ModelName } from '../../bench/webgpu-models.js';
import { collectGarbage, forcedCollections } from '../../src/backend/pressure.js';
import * as torch from '../../src/index.js';
import { describeGpu } from './helpers.js';

/** Dispatches per step, as recorded (small sizes record the same kernels as the issue's). */
const MAX_DISPATCHES: Record<ModelName, number> = {
  simplenet: 11,
  mlp: 16,
  cnn: 42, // 66 before the one-kernel fold (col2im), the fused nll_loss and dropout
  // 109 until the attention routines read nanoGPT's q, k, v, dO views in place (no copies);
  // 123 before split/chunk recorded one node and activation backwards one kernel
  gpt: 101,
  // 102 until the LSTM backward computed the gate activations and tanh(c) once per layer (+2
  // dispatches per layer, each step kernel then plain arithmetic: ops/rnn.ts lstmActivations).
  lstm: 106,
};

describeGpu('steady training steps of the five models on webgpu', () => {
  const dev = torch.device('webgpu');
  for (const name of Object.keys(MAX_DISPATCHES) as ModelName[])
    it(`${name}: 0 new pipelines, buffers, bind groups; ≤ ${MAX_DISPATCHES[name]} dispatches per step`, async () => {
      const m = buildStep(name, dev, true);
      // The loop's dropped tensors come back when garbage pressure (backend/pressure.ts) or V8
      // collects them, at a different point of a step each time, as in a user's loop. Warm up
      // until a pressure GC has run and then 4 steps in a row created no buffer, bind group or
      // pipeline (the arenas have grown to hold the working set and its garbage); then 6 steps,
      // with one more full GC between steps 3 and 4, must create nothing.
      const created = () => {
        const t = torch.webgpu.stats();
        return t.bufferAllocations + t.bindGroupCreations + t.pipelineCompiles;
      };
      const gcs = forcedCollections();
      let quiet = 0;
      for (let i = 0; i < 60 && (quiet < 4 || forcedCollections() === gcs); i++) {
        const before = created();
        m.step();
        quiet = created() === before ? quiet + 1 : 0;
      }
      expect(quiet).toBeGreaterThanOrEqual(4);
      const STEPS = 6;
      torch.webgpu.resetStats();
      let loss: torch.Tensor | null = null;
      for (let i = 0; i < STEPS; i++) {
        if (i === 3) collectGarbage();
        loss = m.step();
      }
      const s = torch.webgpu.stats();
      expect(s.pipelineCompiles).toBe(0);
      expect(s.bufferAllocations).toBe(0);
      expect(s.bindGroupCreations).toBe(0);
      expect(s.reads).toBe(0);
      expect(s.dispatches / STEPS).toBeLessThanOrEqual(MAX_DISPATCHES[name]);
      expect(s.submits).toBeLessThanOrEqual(2 * STEPS);
      expect(Number.isFinite(await loss!.item())).toBe(true);
    }, 120_000);
});
