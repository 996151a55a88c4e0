/**
 * The 16-bit sweep: every OpInfo case (test/fixtures/opinfo) with its float32 inputs as float16
 * and as bfloat16, on the CPU and on WebGPU. The result dtypes must be
 * PyTorch 1.13's (test/fixtures/opinfo-16bit/dtypes.json, its CPU; where it refuses the dtype by
 * a rule, torchts refuses too) and the same on both devices, and the two devices' values must
 * agree within 16-bit tolerance. Cases whose 16-bit CPU kernel 1.13 lacks ("skip" in the
 * table) are still checked for CPU/WebGPU agreement and for PyTorch's general rule that a 16-bit
 * input gives no float32/float64 result (WIDER lists the known exceptions).
 *
 * The CPU runs all 1,807 cases. WebGPU runs one case of every WEBGPU_EVERY-th entry (the first
 * that 1.13 runs in 16 bits): the 16-bit kernels of each op compile on first use and lavapipe
 * compiles slowly (one case of all 519 entries: ~265 s on a loaded machine, most of it
 * digamma/mvlgamma/ctc_loss shader compiles); TORCHTS_16BIT_SWEEP=all runs every entry there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/conformance/load.js';
import { entryOf } from '../../src/conformance/opinfo.js';
import { callCase } from '../../src/conformance/run.js';
import type { OpCase } from '../../src/conformance/types.js';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

type Want = string[] | { error: string } | { skip: string };
const table = JSON.parse(readFileSync('test/fixtures/opinfo-16bit/dtypes.json', 'utf8')) as {
  cases: Record<string, Record<'float16' | 'bfloat16', Want>>;
};
const DTYPES = ['float16', 'bfloat16'] as const;
/** Per-element tolerance between the devices: a few units in the last place of each 16-bit type. */
const RTOL = { float16: 4e-3, bfloat16: 3e-2 };

/** Entries whose 16-bit result is float32 though 1.13 has no 16-bit rule to compare with. */
const WIDER: Record<string, string> = {
  'nn.functional.ctc_loss':
    'PyTorch 1.13 has ctc_loss in float32/float64 only (CPU and CUDA refuse 16-bit); torchts computes it in float32',
};

/** The cases of each entry, and the one WebGPU runs: the first that 1.13 runs in 16 bits, else the first. */
function entries(): { entry: string; cases: OpCase[]; sampled: OpCase }[] {
  const byEntry = new Map<string, OpCase[]>();
  for (const c of loadCases('test/fixtures/opinfo')) {
    const e = entryOf(c.name);
    byEntry.set(e, [...(byEntry.get(e) ?? []), c]);
  }
  const runs = (c: OpCase) => DTYPES.every((d) => !('skip' in (table.cases[c.name][d] as object)));
  return [...byEntry].map(([entry, cases]) => ({ entry, cases, sampled: cases.find(runs) ?? cases[0] }));
}

interface Run {
  dtypes: string[];
  values: Float64Array[];
  error: string | null;
}

async function run(c: OpCase, device: string, dtype: 'float16' | 'bfloat16'): Promise<Run> {
  const owned: Tensor[] = [];
  try {
    const { outs } = await callCase(c, torch.device(device), owned, dtype);
    const values: Float64Array[] = [];
    for (const o of outs) values.push(Float64Array.from(await o.toArray(), Number));
    return { dtypes: outs.map((o) => o.dtype), values, error: null };
  } catch (e) {
    return { dtypes: [], values: [], error: (e as Error).message };
  } finally {
    for (const t of owned) t.dispose();
  }
}

function expectClose(what: string, got: Float64Array, want: Float64Array, rtol: number): void {
  expect(got.length, `${what} length`).toBe(want.length);
  let scale = 1;
  for (const v of want) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    const [a, b] = [got[i], want[i]];
    if (Number.isNaN(b) || !Number.isFinite(b)) {
      expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `${what}[${i}]: ${a} vs ${b}`).toBe(
        true,
      );
      continue;
    }
    expect(Math.abs(a - b), `${what}[${i}]: ${a} vs ${b}`).toBeLessThanOrEqual(rtol * (Math.abs(b) + scale));
  }
}

/** One case in one dtype on `on` (the first device is the reference for the others). */
async function check(c: OpCase, dtype: 'float16' | 'bfloat16', on: readonly string[]): Promise<void> {
  if (on.length === 0) return;
  const want = table.cases[c.name][dtype];
  const runs: Run[] = [];
  for (const dev of on) runs.push(await run(c, dev, dtype));
  const what = `${c.name} ${dtype}`;
  if ('error' in want) {
    for (const [i, r] of runs.entries())
      expect(r.error, `${what} on ${on[i]}: PyTorch refuses it (${want.error})`).not.toBeNull();
    return;
  }
  const [first, ...others] = runs;
  if (Array.isArray(want)) {
    expect(first.error, `${what} ${on[0]}`).toBeNull();
    expect(first.dtypes, `${what} ${on[0]} dtypes`).toEqual(want);
  } else if (!WIDER[entryOf(c.name)])
    for (const d of first.dtypes)
      expect(d, `${what} ${on[0]}: a 16-bit input gives no wider float`).not.toMatch(/float(32|64)/);
  for (const [k, r] of others.entries()) {
    const dev = on[k + 1];
    expect(r.error, `${what} ${dev} error (${on[0]}: ${first.error})`).toBe(first.error);
    expect(r.dtypes, `${what} ${dev} dtypes`).toEqual(first.dtypes);
    for (const [i, v] of r.values.entries())
      expectClose(`${what} ${dev} output[${i}]`, v, first.values[i], RTOL[dtype]);
  }
}

const devices = testDevices();
const all = entries();
const WEBGPU_EVERY = process.env.TORCHTS_16BIT_SWEEP === 'all' ? 1 : 5;

describe('16-bit OpInfo sweep: result dtypes as PyTorch 1.13, CPU and WebGPU agree', () => {
  it('covers every case of every OpInfo entry', () => {
    expect(all.length).toBe(519);
    expect(all.reduce((n, e) => n + e.cases.length, 0)).toBe(1807);
    expect(Object.keys(table.cases).length).toBe(1807);
  });
  for (const [n, { entry, cases, sampled }] of all.entries())
    it(entry, async () => {
      const cpu = devices.filter((d) => d === 'cpu');
      const sampledOn = devices.filter((d) => d === 'cpu' || n % WEBGPU_EVERY === 0);
      for (const dtype of DTYPES)
        for (const c of cases) await check(c, dtype, c === sampled ? sampledOn : cpu);
    });
});
