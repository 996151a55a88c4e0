/**
 * The demo page is ready (digits loaded, the untrained model evaluated: `data-ready="true"`) in
 * under 2 s from navigation, in Chromium with WebGPU on SwiftShader, served locally by `vite
 * preview`. The time is the page's own clock (performance.now() when data-ready turns true, i.e.
 * since navigation start), the best of five fresh loads (the cache bypassed), so a busy machine
 * does not decide it. It once took 6.5-8 s to parse 21 MB of digit JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, buildAndServe, launch, type Served } from './harness.js';

describe.skipIf(!browserAvailable())('demo page load time', () => {
  let served: Served;
  let browser: Browser;
  beforeAll(async () => {
    [served, browser] = await Promise.all([buildAndServe(), launch({ webgpu: true })]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('is ready in under 2 s', async () => {
    const page = browser.page;
    await page.addInitScript(() => {
      const w = window as unknown as { readyAt?: number };
      new MutationObserver(() => {
        if (document.body?.dataset.ready && w.readyAt === undefined) w.readyAt = performance.now();
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
    });
    await page.route('**/*', (route) =>
      route.continue({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } }),
    );
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${served.url}?run=${i}`);
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, { timeout: 60_000 });
      const r = await page.evaluate(() => ({
        ready: document.body.dataset.ready,
        at: (window as unknown as { readyAt: number }).readyAt,
      }));
      expect(r.ready).toBe('true');
      times.push(r.at);
    }
    console.log(`demo page ready after ${times.map((t) => `${Math.round(t)} ms`).join(', ')}`);
    expect(Math.min(...times)).toBeLessThan(2000);
    expect(browser.errors).toEqual([]);
  }, 180_000);
});
