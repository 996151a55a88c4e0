import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One notice line per optional suite that skips (no WebGPU adapter, no Chromium).
    globalSetup: ['test/global-setup.ts'],
    // Dawn keeps one GPU device per process; forks isolate test files without sharing it.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
