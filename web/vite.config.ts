/**
 * The browser demo (web/index.html) and the in-browser conformance runner (web/conformance.html).
 * `torchts` resolves to the library's TypeScript sources, so the page is built from the same code
 * that Node runs; `npm run web` serves it on http://127.0.0.1:5173, `npm run build:web` writes
 * dist/web (a static site: any file server works, WebGPU needs https or localhost).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: { alias: [{ find: /^torchts$/, replacement: here('../src/index.ts') }] },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // top-level await (torchts finds the GPU on import) needs ES2022
    target: 'es2022',
    // the bundled digits (data/mnist-10k: 1.6 MB of gzipped IDX) stay files, fetched in parallel
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: { input: { main: here('index.html'), conformance: here('conformance.html') } },
  },
  server: { host: '127.0.0.1', port: 5173, fs: { allow: [here('..')] } },
  preview: { host: '127.0.0.1', port: 4173 },
});
