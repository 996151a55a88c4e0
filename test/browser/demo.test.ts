/**
 * End-to-end: the demo page (web/) built with Vite, served on 127.0.0.1, in Debian's headless
 * Chromium on its WebGPU adapter (SwiftShader). Checks what a person would: the adapter is shown,
 * training makes the loss go down without freezing the page, stop/resume, a drawn digit gets a
 * prediction, weights download as safetensors that Node reads and load back. Screenshots go to
 * test-artifacts/browser/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { ARTIFACTS, type Browser, browserAvailable, buildAndServe, launch, type Served } from './harness.js';

const run = browserAvailable();

interface DemoReport {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  stepsPerSecond: number;
}

/** Strokes on the 280x280 drawing pad, in its own pixel coordinates. */
async function draw(page: Page, strokes: Array<Array<[number, number]>>): Promise<void> {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]) =>
    [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
  for (const s of strokes) {
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
    await page.mouse.up();
  }
}
const ellipse = (cx: number, cy: number, rx: number, ry: number): Array<[number, number]> =>
  Array.from({ length: 33 }, (_, i) => [
    cx + rx * Math.sin((i / 32) * 2 * Math.PI),
    cy - ry * Math.cos((i / 32) * 2 * Math.PI),
  ]);

const reports = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as { torchtsDemo: { reports: DemoReport[] } }).torchtsDemo.reports,
  );
const predicted = async (page: Page) => (await page.locator('#prediction').getAttribute('data-digit')) ?? '';

/** SimpleNet trained in Node on the CPU backend (4 epochs at lr 0.1: ~90% test accuracy). */
async function trainInNode(): Promise<{ file: string; accuracy: number }> {
  const { nn, optim } = torch;
  class SimpleNet extends nn.Module {
    fc1 = new nn.Linear(784, 128);
    fc2 = new nn.Linear(128, 10);
    override forward(x: torch.Tensor) {
      return this.fc2.forward(torch.relu(this.fc1.forward(x)));
    }
  }
  torch.manualSeed(1);
  const model = new SimpleNet();
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const loss = new nn.CrossEntropyLoss();
  const train = new torch.datasets.MNIST({ flatten: true });
  const test = new torch.datasets.MNIST({ train: false, flatten: true });
  const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true });
  for (let epoch = 0; epoch < 4; epoch++)
    for (const [x, y] of loader) {
      opt.zeroGrad();
      loss.forward(model.forward(x), y).backward();
      opt.step();
    }
  const correct = torch.noGrad(() => model.forward(test.data).argmax(1).eq(test.targets).sum());
  const file = path.join(ARTIFACTS, 'node-trained.safetensors');
  await torch.save(model.stateDict(), file);
  return { file, accuracy: (await correct.item()) / test.length };
}

describe.skipIf(!run)('demo page in Chromium on WebGPU', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [served, browser] = await Promise.all([buildAndServe(), launch({ webgpu: true })]);
    page = browser.page;
    // a software adapter is not the default device (torch.bestDevice()): ask for it
    await page.goto(`${served.url}?device=webgpu`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('reports the WebGPU adapter and loads the bundled split bit for bit', async () => {
    const status = page.locator('#gpu-status');
    await expect(status.getAttribute('class')).resolves.toContain('ok');
    expect(await status.textContent()).toMatch(/WebGPU is available\. Adapter: .*swiftshader/i);
    expect(await page.locator('#device').inputValue()).toBe('webgpu');
    expect(await page.locator('#data-status').textContent()).toMatch(/8,000 training and 2,000 test digits/);
    // the hashes of test/data/datasets/mnist-raw.test.ts: the same split as Node's bundledMnist()
    const hashes = await page.evaluate(async () => {
      type Split = { images: Float32Array; labels: Int32Array };
      const d = (globalThis as unknown as { torchtsDemo: { data: { train: Split; test: Split } } })
        .torchtsDemo.data;
      const hash = async (s: Split) => {
        const img = new Uint8Array(s.images.buffer, s.images.byteOffset, s.images.byteLength);
        const all = new Uint8Array(img.length + s.labels.length);
        all.set(img);
        all.set(Uint8Array.from(s.labels), img.length);
        const h = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
        return Array.from(h, (b) => b.toString(16).padStart(2, '0'))
          .join('')
          .slice(0, 16);
      };
      return [await hash(d.train), await hash(d.test)];
    });
    expect(hashes).toEqual(['9e6296c89a328fb0', 'f9531bdd6ad71c47']);
    // the untrained baseline is evaluated on load: about chance
    expect(Number.parseFloat((await page.locator('#test-acc').textContent())!)).toBeLessThan(30);
  });

  it('trains with the loss going down, keeps the page responsive, stops and resumes', async () => {
    // the page's event loop: the longest gap between 10 ms timer ticks while training
    await page.evaluate(() => {
      const g = globalThis as unknown as { maxGap: number; lagTimer: number };
      let last = performance.now();
      g.maxGap = 0;
      g.lagTimer = setInterval(() => {
        const now = performance.now();
        g.maxGap = Math.max(g.maxGap, now - last);
        last = now;
      }, 10) as unknown as number;
    });
    const train = page.locator('#train');
    await train.click();
    await expect(train.textContent()).resolves.toBe('Stop training');
    await page.waitForFunction(() => (globalThis as any).torchtsDemo.reports.length >= 6, null, {
      timeout: 60_000,
    });
    await train.click();
    await page.waitForFunction(() => document.getElementById('train')!.textContent === 'Resume training');
    const maxGap = await page.evaluate(() => {
      const g = globalThis as unknown as { maxGap: number; lagTimer: number };
      clearInterval(g.lagTimer);
      return g.maxGap;
    });
    const r = await reports(page);
    const [first, last] = [r[0], r[r.length - 1]];
    console.log(
      `WebGPU (SwiftShader): ${last.step} steps, loss ${first.loss.toFixed(4)} -> ${last.loss.toFixed(4)}, ` +
        `${last.stepsPerSecond.toFixed(1)} steps/s, longest event-loop gap ${maxGap.toFixed(0)} ms`,
    );
    expect(first.loss).toBeGreaterThan(2.2); // ln 10 = 2.303 at the start
    expect(last.loss).toBeLessThan(first.loss - 0.05);
    expect(last.accuracy).toBeGreaterThan(first.accuracy);
    expect(Number(await page.locator('#sps').textContent())).toBeGreaterThan(0);
    expect(maxGap).toBeLessThan(1000); // a frozen page shows seconds (measured: ~50-100 ms)
    // stopped means stopped
    const step = Number(await page.locator('#step').textContent());
    await page.waitForTimeout(400);
    expect((await reports(page)).length).toBe(r.length);
    // resume goes on from the same step, mid-epoch
    await train.click();
    await page.waitForFunction((n) => (globalThis as any).torchtsDemo.reports.length >= n + 2, r.length, {
      timeout: 60_000,
    });
    await train.click();
    await page.waitForFunction(() => document.getElementById('train')!.textContent === 'Resume training');
    const after = await reports(page);
    expect(after[r.length].step).toBeGreaterThanOrEqual(step + 10);
    expect(after[r.length].epoch).toBe(r.at(-1)!.epoch);
  }, 90_000);

  it('predicts drawn digits with weights trained in Node and loaded from a file', async () => {
    const node = await trainInNode();
    await page.locator('#load').setInputFiles(node.file);
    await page.waitForFunction(() =>
      /Loaded node-trained/.test(document.getElementById('messages')!.textContent!),
    );
    const acc = (await page.evaluate(
      () => (globalThis as any).torchtsDemo.evaluations.at(-1).accuracy,
    )) as number;
    // the same weights, the same 2,000 digits: WebGPU in the page agrees with the CPU in Node
    expect(Math.abs(acc - node.accuracy)).toBeLessThanOrEqual(0.0015);
    expect(node.accuracy).toBeGreaterThan(0.85);

    await draw(page, [
      [
        [140, 40],
        [138, 140],
        [136, 240],
      ],
    ]);
    await page.waitForFunction(() => document.getElementById('prediction')!.dataset.digit !== '');
    expect(await predicted(page)).toBe('1');
    const probs = await page.locator('#probs .pct').allTextContents();
    expect(probs).toHaveLength(10);
    const sum = probs.reduce((s, p) => s + Number.parseFloat(p), 0);
    expect(sum).toBeGreaterThan(99);
    expect(sum).toBeLessThan(101);

    await page.locator('#clear').click();
    expect(await predicted(page)).toBe('');
    await draw(page, [ellipse(140, 140, 55, 85)]);
    await page.waitForFunction(() => document.getElementById('prediction')!.dataset.digit !== '');
    expect(await predicted(page)).toBe('0');
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-webgpu.png'), fullPage: true });
  }, 90_000);

  it('downloads the weights as .safetensors that Node loads, and loads them back', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
    expect(download.suggestedFilename()).toMatch(/^simplenet-step\d+\.safetensors$/);
    const file = path.join(ARTIFACTS, 'downloaded.safetensors');
    await download.saveAs(file);
    const sd = await torch.load<Record<string, torch.Tensor>>(readFileSync(file));
    expect(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.shape]))).toEqual({
      'fc1.weight': [128, 784],
      'fc1.bias': [128],
      'fc2.weight': [10, 128],
      'fc2.bias': [10],
    });
    const inPage = await page.evaluate(async () => {
      const sdp = (globalThis as any).torchtsDemo.trainer.model.stateDict() as Record<
        string,
        { toArray(): Promise<Float32Array> }
      >;
      return Object.fromEntries(
        await Promise.all(Object.entries(sdp).map(async ([k, t]) => [k, Array.from(await t.toArray())])),
      );
    });
    for (const [k, t] of Object.entries(sd)) expect(Array.from(t.toArraySync()), k).toEqual(inPage[k]);

    // new random weights, then the downloaded file brings back the same model
    const before = (await page.evaluate(
      () => (globalThis as any).torchtsDemo.evaluations.at(-1).accuracy,
    )) as number;
    await page.locator('#reset').click();
    await page.waitForFunction(() => /Weights reset/.test(document.getElementById('messages')!.textContent!));
    await page.locator('#load').setInputFiles(file);
    await page.waitForFunction(() =>
      /Loaded downloaded\.safetensors/.test(document.getElementById('messages')!.textContent!),
    );
    const after = (await page.evaluate(
      () => (globalThis as any).torchtsDemo.evaluations.at(-1).accuracy,
    )) as number;
    expect(after).toBe(before);
    expect(browser.errors).toEqual([]);
  }, 90_000);
});
