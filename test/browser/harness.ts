/**
 * Shared set-up of the browser tests: the page built with Vite (web/vite.config.ts), served by
 * `vite preview` on 127.0.0.1, and Debian's Chromium driven by playwright-core (never a browser
 * download), headless with the flags of shared/notes/webgpu-in-node.md.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { CHROMIUM } from './paths.js';

export { CHROMIUM };

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser');
const CONFIG = path.join(ROOT, 'web', 'vite.config.ts');

/**
 * Whether the browser tests can run. Without Chromium they are skipped (test/global-setup.ts says
 * so once), except under TORCHTS_REQUIRE_BROWSER=1 (.ci/run installs it): then it is a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.TORCHTS_REQUIRE_BROWSER === '1')
    throw new Error(
      `${CHROMIUM} is missing (TORCHTS_REQUIRE_BROWSER=1): install it with scripts/browser-deps.sh`,
    );
  return false;
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Builds web/ into a fresh directory and serves it with `vite preview` on 127.0.0.1. */
export async function buildAndServe(): Promise<Served> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'torchts-web-'));
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server: PreviewServer = await preview({
    configFile: CONFIG,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const addr = server.httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  close(): Promise<void>;
}

/** Headless Chromium with WebGPU enabled (SwiftShader's adapter) or, `webgpu: false`, without. */
export async function launch(opts: { webgpu: boolean }): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'torchts-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1200, height: 1000 },
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu-sandbox',
      ...(opts.webgpu ? ['--enable-unsafe-webgpu'] : []),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
