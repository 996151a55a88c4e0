// Builds the Vite app in this directory, serves it with `vite preview` and opens it in Debian's
// Chromium (playwright-core, WebGPU on SwiftShader, as test/browser/harness.ts); prints the result.
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const chromiumPath = process.env.TORCHTS_CHROMIUM ?? '/usr/bin/chromium';
await build({
  logLevel: 'warn',
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4096 },
});
const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
const { port } = server.httpServer.address();
const context = await chromium.launchPersistentContext('', {
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--no-first-run'],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 120_000 });
  const r = await page.evaluate(() => window.__result);
  if (r.error) throw new Error(`the page failed: ${r.error}`);
  console.log(`device ${r.device}`);
  console.log(r.line);
} finally {
  await context.close();
  await server.close();
}
