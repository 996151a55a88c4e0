/**
 * Where a bench model's CPU step goes, by backend primitive: wraps the CPU backend's methods and
 * routines, runs `steps` steps after a warm-up and prints, per (primitive, expression, shapes),
 * CPU ms per step and calls per step, plus the tensor bytes allocated per step (what drives the
 * forced GCs of backend/pressure.ts). Not a test. `alloc` includes any GC it triggers.
 *
 *   npx tsx bench/step-primitives.ts nanogpt 20      # model name from bench/models, steps
 */
import type { View } from '../src/backend/backend.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { type Ex, structureKey } from '../src/backend/expr.js';
import * as torch from '../src/index.js';
import { MODELS } from './models/index.js';

const name = process.argv[2] ?? 'nanogpt';
const steps = Number(process.argv[3] ?? 20);
const top = Number(process.argv[4] ?? 40);
const acc = new Map<string, { ms: number; n: number }>();
let on = false;
let bytes = 0;
type Fn = (...a: unknown[]) => unknown;
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
function wrap(obj: Record<string, unknown>, k: string, label: (...a: unknown[]) => string): void {
  const f = obj[k] as Fn | undefined;
  if (typeof f !== 'function') return;
  obj[k] = (...a: unknown[]) => {
    if (!on) return f(...a);
    const t0 = cpuMs();
    const r = f(...a);
    const key = `${k} ${label(...a)}`;
    const e = acc.get(key) ?? { ms: 0, n: 0 };
    e.ms += cpuMs() - t0;
    e.n++;
    acc.set(key, e);
    return r;
  };
}
const sh = (v: unknown) => (v && typeof v === 'object' && 'shape' in v ? `[${(v as View).shape}]` : '');
const backend = cpuBackend as unknown as Record<string, unknown>;
const alloc = cpuBackend.alloc;
backend.alloc = (n: number, d: torch.DType) => {
  if (on) bytes += n * (d === 'float64' ? 8 : 4);
  return alloc(n, d);
};
wrap(backend, 'alloc', () => '');
wrap(backend, 'elementwise', (e, ins, out) => {
  const k = structureKey(e as Ex);
  return `${k.length > 60 ? `${k.slice(0, 60)}…` : k} ${(ins as View[]).map(sh).join(',')}->${sh(out)}`;
});
wrap(backend, 'reduce', (op, x, axes) => `${op} ${sh(x)} axes ${axes}`);
wrap(backend, 'matmul', (a, b) => `${sh(a)}${(a as View).strides} x ${sh(b)}${(b as View).strides}`);
for (const k of ['gather', 'scatterAdd', 'release']) wrap(backend, k, (...a) => a.map(sh).join(','));
const routines = (cpuBackend.routines ?? {}) as Record<string, unknown>;
for (const k of Object.keys(routines))
  wrap(routines, k, (...a) =>
    a
      .filter((x) => sh(x))
      .map(sh)
      .join(','),
  );

const spec = MODELS.find((m) => m.name === name);
if (!spec) throw new Error(`unknown model ${name}: ${MODELS.map((m) => m.name).join(', ')}`);
const m = spec.build(torch.device('cpu'));
for (let i = 0; i < 3; i++) await m.step().item();
on = true;
const t0 = cpuMs();
for (let i = 0; i < steps; i++) await m.step().item();
const total = (cpuMs() - t0) / steps;
on = false;
const rows = [...acc].sort((a, b) => b[1].ms - a[1].ms);
const inPrims = rows.reduce((s, [, v]) => s + v.ms, 0) / steps;
const calls = rows.reduce((s, [, v]) => s + v.n, 0) / steps;
console.log(
  `${name}: ${total.toFixed(2)} CPU ms/step, ${inPrims.toFixed(2)} in primitives, ${calls} calls, ${(bytes / steps / 2 ** 20).toFixed(1)} MiB allocated per step`,
);
for (const [k, v] of rows.slice(0, top))
  console.log(`${(v.ms / steps).toFixed(3).padStart(8)} ms ${String(v.n / steps).padStart(6)}x  ${k}`);
