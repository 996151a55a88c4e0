/**
 * A page whose Content-Security-Policy is `script-src 'self'` (no 'unsafe-eval', no
 * 'wasm-unsafe-eval': `new Function` throws an EvalError, WebAssembly compilation a
 * CompileError) imports the library bundle and trains SimpleNet: on the CPU (closure-built
 * kernels on plain typed arrays), with the losses of the same steps in Node, and on WebGPU.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launch, ROOT } from './harness.js';

const run = browserAvailable();
const CSP = "script-src 'self'";

// The steps of test/helpers/train-steps.ts, in the page.
const MAIN = `
import * as torch from './torchts.js';
const out = { evalBlocked: false, wasmBlocked: false };
try { new Function('return 1'); } catch (e) { out.evalBlocked = e instanceof EvalError; }
try { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); } catch { out.wasmBlocked = true; }
class SimpleNet extends torch.nn.Module {
  fc1 = new torch.nn.Linear(784, 128);
  fc2 = new torch.nn.Linear(128, 10);
  forward(x) { return this.fc2.forward(torch.relu(this.fc1.forward(x.view(-1, 784)))); }
}
async function train(device) {
  torch.manualSeed(0);
  const model = new SimpleNet();
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = torch.randn([32, 784]);
  const y = torch.randint(0, 10, [32]);
  model.to(device);
  const xd = x.to(device), yd = y.to(device);
  const losses = [];
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(model.forward(xd).sigmoid().mul(4), yd);
    loss.backward();
    opt.step();
    losses.push(await loss.item());
  }
  return losses;
}
try {
  out.cpu = await train('cpu');
  if (await torch.webgpu.init()) out.webgpu = await train('webgpu');
  else out.webgpuReason = torch.webgpu.unavailableReason();
} catch (e) { out.error = String(e && e.stack || e); }
globalThis.result = out;
`;

describe.skipIf(!run)(`a page with Content-Security-Policy: ${CSP}`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'torchts-csp-'));
  let server: Server;
  let url = '';
  let browser: Browser;

  beforeAll(async () => {
    await build({
      configFile: false,
      root: ROOT,
      logLevel: 'silent',
      build: {
        outDir: dir,
        emptyOutDir: true,
        target: 'es2022',
        lib: { entry: path.join(ROOT, 'src/index.ts'), formats: ['es'], fileName: 'torchts' },
      },
    });
    writeFileSync(path.join(dir, 'main.js'), MAIN);
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><html><head><script type="module" src="./main.js"></script></head><body></body></html>',
    );
    server = createServer((req, res) => {
      if (req.url === '/favicon.ico') return void res.writeHead(204).end();
      const name = (req.url ?? '/') === '/' ? 'index.html' : path.basename(req.url!.split('?')[0]);
      try {
        const body = readFileSync(path.join(dir, name));
        res.writeHead(200, {
          'Content-Type': name.endsWith('.html') ? 'text/html' : 'text/javascript',
          'Content-Security-Policy': CSP,
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
    browser = await launch({ webgpu: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains on the CPU (and WebGPU where present) with the losses of the normal path', async () => {
    const { page } = browser;
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, null, {
      timeout: 90_000,
    });
    const r = (await page.evaluate(() => (globalThis as { result?: unknown }).result)) as {
      evalBlocked: boolean;
      wasmBlocked: boolean;
      cpu?: number[];
      webgpu?: number[];
      webgpuReason?: string;
      error?: string;
    };
    expect(r.error).toBeUndefined();
    expect(r.evalBlocked).toBe(true); // the policy is in force
    expect(r.wasmBlocked).toBe(true);
    // the same steps in Node, on the normal (new Function + wasm) path
    const ref = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/helpers/train-steps.ts')],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
      },
    );
    expect(ref.status, ref.stderr).toBe(0);
    const normal = (JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { losses: number[] }).losses;
    expect(r.cpu).toHaveLength(5);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.cpu![i] - normal[i])).toBeLessThanOrEqual(1e-6);
    console.log(
      `CSP page: CPU losses ${r.cpu!.map((l) => l.toFixed(4)).join(' ')}; WebGPU ${
        r.webgpu ? r.webgpu.map((l) => l.toFixed(4)).join(' ') : `unavailable (${r.webgpuReason})`
      }`,
    );
    if (r.webgpu)
      for (let i = 0; i < 5; i++) expect(Math.abs(r.webgpu[i] - normal[i])).toBeLessThanOrEqual(1e-3);
    expect(browser.errors.filter((e) => !/Content Security Policy|unsafe-eval/i.test(e))).toEqual([]);
  }, 180_000);
});
