/**
 * The library builds for browsers: a Vite (Rolldown) library build of src/index.ts for the browser
 * is one self-contained ES module with no Node-only import. Node built-ins and the Dawn package
 * (`webgpu`) are reached only by dynamic imports behind `process.versions.node` checks, whose
 * specifiers are values, so a bundler neither resolves nor stubs them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

describe('browser bundle of the library', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'torchts-lib-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('is self-contained ESM without node:* or webgpu imports', async () => {
    const warnings: string[] = [];
    await build({
      configFile: false,
      root: ROOT,
      logLevel: 'silent',
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        target: 'es2022',
        lib: { entry: path.join(ROOT, 'src/index.ts'), formats: ['es'], fileName: 'torchts' },
        rolldownOptions: { onwarn: (w) => void warnings.push(w.message) },
      },
    });
    const files = readdirSync(outDir);
    expect(files).toEqual(['torchts.js']); // no __vite-browser-external stub for a Node module
    const code = readFileSync(path.join(outDir, 'torchts.js'), 'utf8');
    // static imports/exports from other modules: none at all
    expect(code.match(/^\s*(import|export)\s[^;]*\sfrom\s*['"][^'"]+['"]/gm) ?? []).toEqual([]);
    // dynamic imports only with value specifiers (never a literal a bundler would follow)
    expect(code.match(/\bimport\(\s*['"`][^'"`]*['"`]\s*\)/g) ?? []).toEqual([]);
    expect(warnings.filter((w) => /externalized for browser compatibility|node:/.test(w))).toEqual([]);
    // the public API is there
    for (const name of ['Tensor', 'nn', 'optim', 'save', 'load', 'webgpu', 'cuda', 'datasets'])
      expect(code).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
