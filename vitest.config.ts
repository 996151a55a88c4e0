import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Dawn keeps one GPU device per process; forks isolate test files without sharing it.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
