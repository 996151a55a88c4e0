/**
 * The conformance subset that `npm test` runs in Node, run inside Chromium by the same runner
 * (src/conformance, in web/conformance.html) on the browser's WebGPU adapter (SwiftShader) and on
 * the CPU backend: the browser path computes PyTorch's numbers too.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '../../src/conformance/load.js';
import type { OpCase } from '../../src/conformance/types.js';
import { type Browser, browserAvailable, buildAndServe, launch, ROOT, type Served } from './harness.js';

const run = browserAvailable();

/** What web/src/conformance-page.ts's runConformance() returns. */
interface BrowserRun {
  device: string;
  adapter: string;
  passed: number;
  failed: number;
  ms: number;
  failures: Array<{ name: string; group: string; error: string | null }>;
}
// the groups of the Node run in package.json's `test` script
const GROUPS = [
  'elementwise',
  'activation',
  'binary',
  'compare',
  'reduce',
  'shape',
  'index',
  'matmul',
  'softmax',
  'loss',
];

describe.skipIf(!run)('conformance in Chromium', () => {
  let served: Served;
  let browser: Browser;
  let cases: OpCase[];

  beforeAll(async () => {
    cases = loadCases(path.join(ROOT, 'test/fixtures/pytorch')).filter((c) => GROUPS.includes(c.group));
    [served, browser] = await Promise.all([buildAndServe(), launch({ webgpu: true })]);
    await browser.page.goto(`${served.url}conformance.html`);
    await browser.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  for (const device of ['webgpu', 'cpu'])
    it(`passes every case of ${GROUPS.length} groups on ${device}`, async () => {
      expect(cases.length).toBeGreaterThan(150);
      const r = (await browser.page.evaluate(
        ([c, d]) =>
          (
            globalThis as unknown as { runConformance: (c: unknown, o: object) => Promise<unknown> }
          ).runConformance(c, { device: d }),
        [cases as unknown, device] as const,
      )) as BrowserRun;
      console.log(
        `browser conformance on ${r.device}${r.adapter ? ` (${r.adapter})` : ''}: ${r.passed} passed, ${r.failed} failed in ${(r.ms / 1000).toFixed(1)} s`,
      );
      expect(r.failures).toEqual([]);
      expect(r.passed).toBe(cases.length);
      if (device === 'webgpu') expect(r.adapter).toMatch(/swiftshader/i);
      expect(browser.errors).toEqual([]);
    }, 120_000);
});
