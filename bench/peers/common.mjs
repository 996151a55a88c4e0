// Shared helpers for the JS peers: data loading, PyTorch-default Linear init, timing, reporting.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const D = 784, H = 128, C = 10, BATCH = 64, LR = 0.01;
export const WARMUP_EPOCHS = 1;
export const TIMED_EPOCHS = Number(process.env.TIMED_EPOCHS ?? 3);

export function loadSplit(name) {
  const xb = readFileSync(path.join(here, 'data', `${name}-images.f32`));
  const yb = readFileSync(path.join(here, 'data', `${name}-labels.u8`));
  const x = new Float32Array(xb.buffer.slice(xb.byteOffset, xb.byteOffset + xb.byteLength));
  const y = new Uint8Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.byteLength));
  return { x, y, n: y.length };
}

// PyTorch nn.Linear default: kaiming_uniform_(a=sqrt(5)) => U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
export function mulberry32(a) { return () => { a |= 0; a = (a + 0x6D2B79F5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
export function torchLinearInit(fanIn, count, rnd) {
  const bound = 1 / Math.sqrt(fanIn), a = new Float32Array(count);
  for (let i = 0; i < count; i++) a[i] = (rnd() * 2 - 1) * bound;
  return a;
}

export function shuffledIndices(n, rnd = Math.random) {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [p[i], p[j]] = [p[j], p[i]]; }
  return p;
}

export function median(a) { const s = [...a].sort((p, q) => p - q); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; }
export const now = () => performance.now() / 1000;

export function argmaxAccuracy(logits, labels, n, c = C) {
  let ok = 0;
  for (let i = 0; i < n; i++) { let b = 0; for (let j = 1; j < c; j++) if (logits[i * c + j] > logits[i * c + b]) b = j; if (b === labels[i]) ok++; }
  return ok / n;
}

// matmul timing: fn() must run one (M,K)x(K,N) product to completion (synchronised).
export async function benchMatmul(fn, m, k, n, reps) {
  for (let i = 0; i < 3; i++) await fn();
  const ts = [];
  for (let i = 0; i < reps; i++) { const t0 = now(); await fn(); ts.push(now() - t0); }
  return (2 * m * k * n) / median(ts) / 1e9;
}

export function report(r) {
  // WebGPU here runs on Mesa lavapipe (a CPU Vulkan driver): its worker-thread count is LP_NUM_THREADS (default: all cores)
  if (String(r.backend).includes('webgpu')) r = { ...r, threads: `lavapipe ${process.env.LP_NUM_THREADS ?? 'default'}` };
  const med = median(r.epoch_times);
  const out = { ...r, epoch_times: r.epoch_times.map(t => +t.toFixed(4)), s_per_epoch: +med.toFixed(4), steps_per_s: +(125 / med).toFixed(1) };
  for (const k of ['mm_small_gflops', 'mm_big_gflops', 'test_acc']) if (typeof out[k] === 'number') out[k] = +out[k].toFixed(k === 'test_acc' ? 4 : 2);
  console.log('RESULT ' + JSON.stringify(out));
}

export function pkgVersion(name) {
  const p = path.join(here, '..', 'node_modules', ...name.split('/'), 'package.json'); // torchts: bench/node_modules
  return JSON.parse(readFileSync(p, 'utf8')).version;
}
