/**
 * The deterministic initial weights of test/fixtures/examples/fixed_init.py (same function, so the
 * PyTorch references need no vendored weights), and the checksums those references record.
 */
import { readFileSync } from 'node:fs';
import * as torch from '../../src/index.js';

export interface InitSpec {
  name: string;
  shape: number[];
  seed: number;
  scale: number;
  offset: number;
}
export interface Checksum {
  delta_sum: number;
  delta_abs_sum: number;
  /** Elements [start, end) left out of the sums (not reproducible across implementations). */
  omit?: [number, number];
}
export interface ExampleFixture {
  init: InitSpec[];
  steps: { loss: number; lr?: number; grad_norm?: number }[];
  final: Record<string, Checksum>;
  [k: string]: unknown;
}

export const loadFixture = <T extends ExampleFixture>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/examples/${name}`, import.meta.url), 'utf8'));

/** offset + scale * (2u - 1), u = lowbias32(seed * 0x9E3779B9 + i) / 2^32, rounded to float32. */
export function fixedValues(seed: number, n: number, scale: number, offset: number): Float32Array {
  const out = new Float32Array(n);
  const base = Math.imul(seed, 0x9e3779b9) >>> 0;
  for (let i = 0; i < n; i++) {
    let x = (base + i) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    out[i] = offset + scale * (2 * ((x >>> 0) / 2 ** 32) - 1);
  }
  return out;
}

/** Loads the fixture's initial weights into `model` (strict: every parameter, no extra). */
export function loadFixedInit(model: torch.nn.Module, spec: InitSpec[]): Map<string, Float32Array> {
  const sd: Record<string, torch.Tensor> = {};
  const init = new Map<string, Float32Array>();
  for (const s of spec) {
    const v = fixedValues(
      s.seed,
      s.shape.reduce((a, b) => a * b, 1),
      s.scale,
      s.offset,
    );
    init.set(s.name, v);
    sd[s.name] = torch.tensor(v).reshape(s.shape);
  }
  const buffers = Object.keys(model.stateDict()).filter((k) => !(k in sd));
  for (const k of buffers) sd[k] = model.stateDict()[k];
  model.loadStateDict(sd);
  return init;
}

/** Per parameter: sum and sum of |.| of (final - initial), as the references record them (`ref`'s `omit` too). */
export async function checksums(
  model: torch.nn.Module,
  init: Map<string, Float32Array>,
  ref: Record<string, Checksum> = {},
): Promise<Record<string, Checksum>> {
  const out: Record<string, Checksum> = {};
  for (const [name, p] of model.namedParameters()) {
    const v = (await p.detach().toArray()) as Float32Array;
    const v0 = init.get(name)!;
    let s = 0;
    let a = 0;
    const [o0, o1] = ref[name]?.omit ?? [0, 0];
    for (let i = 0; i < v.length; i++) {
      if (i >= o0 && i < o1) continue;
      const d = v[i] - v0[i];
      s += d;
      a += Math.abs(d);
    }
    out[name] = { delta_sum: s, delta_abs_sum: a };
  }
  return out;
}

export const relErr = (a: number, e: number) => Math.abs(a - e) / Math.max(Math.abs(e), 1e-12);
