/**
 * End-to-end: the demo page in a Chromium without WebGPU (no --enable-unsafe-webgpu: no adapter)
 * says so plainly and trains on the CPU backend (WebAssembly SIMD) instead.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type Browser, browserAvailable, buildAndServe, launch, type Served } from './harness.js';

const run = browserAvailable();

describe.skipIf(!run)('demo page in Chromium without WebGPU', () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [served, browser] = await Promise.all([buildAndServe(), launch({ webgpu: false })]);
    await browser.page.goto(served.url);
    await browser.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('falls back to the CPU backend with a clear notice and trains there', async () => {
    const { page } = browser;
    const status = page.locator('#gpu-status');
    expect(await status.getAttribute('class')).toContain('warn');
    expect(await status.textContent()).toMatch(
      /WebGPU is not available in this browser \(.+\)\. Training runs on the CPU backend/,
    );
    expect(await page.locator('#device').inputValue()).toBe('cpu');
    expect(await page.locator('#device option[value=webgpu]').isDisabled()).toBe(true);

    // keyboard only: Tab reaches the button, Space starts and stops training
    for (let i = 0; i < 20; i++) {
      if (await page.evaluate(() => document.activeElement?.id === 'train')) break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('train');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (globalThis as any).torchtsDemo.reports.length >= 8, null, {
      timeout: 60_000,
    });
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.getElementById('train')!.textContent === 'Resume training');
    const r = (await page.evaluate(() => (globalThis as any).torchtsDemo.reports)) as Array<{
      step: number;
      loss: number;
      stepsPerSecond: number;
    }>;
    console.log(
      `CPU backend in Chromium: ${r.at(-1)!.step} steps, loss ${r[0].loss.toFixed(4)} -> ${r.at(-1)!.loss.toFixed(4)}, ` +
        `${r.at(-1)!.stepsPerSecond.toFixed(0)} steps/s`,
    );
    expect(r.at(-1)!.loss).toBeLessThan(r[0].loss - 0.1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-cpu-fallback.png'), fullPage: true });

    // the CNN (conv, batch norm, max pool) trains too, and predicts a test digit
    await page.locator('#model').selectOption('smallcnn');
    await page.waitForFunction(() => /New SmallCNN/.test(document.getElementById('messages')!.textContent!));
    expect(await page.locator('#step').textContent()).toBe('0');
    await page.locator('#train').click();
    await page.waitForFunction(() => (globalThis as any).torchtsDemo.reports.length >= 5, null, {
      timeout: 60_000,
    });
    await page.locator('#train').click();
    await page.waitForFunction(() => document.getElementById('train')!.textContent === 'Resume training');
    const c = (await page.evaluate(() => (globalThis as any).torchtsDemo.reports)) as typeof r;
    console.log(
      `SmallCNN, CPU backend in Chromium: ${c.at(-1)!.step} steps, loss ${c[0].loss.toFixed(4)} -> ${c.at(-1)!.loss.toFixed(4)}, ` +
        `${c.at(-1)!.stepsPerSecond.toFixed(0)} steps/s`,
    );
    expect(c.at(-1)!.loss).toBeLessThan(c[0].loss - 0.1);
    await page.locator('#sample').click();
    await page.waitForFunction(() => document.getElementById('prediction')!.dataset.digit !== '');
    expect(browser.errors).toEqual([]);
  });
});
