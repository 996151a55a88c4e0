/**
 * The demo page on a phone (390 px wide): nothing is wider than the screen, and the heading and
 * tab title name the device that trains (the page once said "on WebGPU" while training on the
 * CPU, and was 714 px wide on a phone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, buildAndServe, launch, type Served } from './harness.js';

describe.skipIf(!browserAvailable())('demo page on a phone', () => {
  let served: Served;
  let browser: Browser;
  beforeAll(async () => {
    [served, browser] = await Promise.all([buildAndServe(), launch({ webgpu: false })]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('fits 390 px and names the CPU it trains on', async () => {
    const page = browser.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${served.url}?device=cpu`);
    await page.waitForFunction(() => document.title.includes('on the CPU'), null, { timeout: 60_000 });
    const r = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: document.documentElement.clientWidth,
      heading: document.querySelector('h1')?.textContent ?? '',
    }));
    expect(r.width).toBe(390);
    expect(r.scroll).toBeLessThanOrEqual(390);
    expect(r.heading).toContain('on the CPU');
    expect(r.heading).not.toContain('WebGPU');
    expect(browser.errors).toEqual([]);
  }, 120_000);
});
