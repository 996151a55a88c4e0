/**
 * The 16-bit sweep: every OpInfo entry (test/fixtures/opinfo, one case each) with its float32
 * inputs as float16 and as bfloat16, on the CPU and on WebGPU. The result dtypes must be
 * PyTorch 1.13's (test/fixtures/opinfo-16bit/dtypes.json, its CPU; where it refuses the dtype by
 * a rule, torchts refuses too) and the same on both devices, and the two devices' values must
 * agree within 16-bit tolerance. Entries whose 16-bit CPU kernel 1.13 lacks ("skip" in the
 * table) are still checked for CPU/WebGPU agreement.
 *
 * The CPU runs every entry. WebGPU runs every WEBGPU_EVERY-th entry: the 16-bit kernels of each
 * op compile on first use and lavapipe compiles slowly (all 519 entries: ~265 s on a loaded
 * machine, most of it digamma/mvlgamma/ctc_loss shader compiles); TORCHTS_16BIT_SWEEP=all runs
 * every entry on WebGPU too.
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

/** One case per entry: the first one that 1.13 runs in 16 bits, else the entry's first. */
function sample(): OpCase[] {
  const byEntry = new Map<string, OpCase[]>();
  for (const c of loadCases('test/fixtures/opinfo')) {
    const e = entryOf(c.name);
    byEntry.set(e, [...(byEntry.get(e) ?? []), c]);
  }
  const runs = (c: OpCase) => DTYPES.every((d) => !('skip' in (table.cases[c.name][d] as object)));
  return [...byEntry.values()].map((cs) => cs.find(runs) ?? cs[0]);
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

const devices = testDevices();
const cases = sample();
const WEBGPU_EVERY = process.env.TORCHTS_16BIT_SWEEP === 'all' ? 1 : 5;

describe('16-bit OpInfo sweep: result dtypes as PyTorch 1.13, CPU and WebGPU agree', () => {
  it('samples one case of every OpInfo entry', () => {
    expect(cases.length).toBe(519);
    expect(Object.keys(table.cases).length).toBe(1807);
  });
  for (const [n, c] of cases.entries())
    it(entryOf(c.name), async () => {
      const on = devices.filter((d) => d === 'cpu' || n % WEBGPU_EVERY === 0);
      for (const dtype of DTYPES) {
        const want = table.cases[c.name][dtype];
        const runs: Run[] = [];
        for (const dev of on) runs.push(await run(c, dev, dtype));
        const [cpu, ...others] = runs;
        const what = `${c.name} ${dtype}`;
        if ('error' in want) {
          for (const [i, r] of runs.entries())
            expect(r.error, `${what} on ${on[i]}: PyTorch refuses it (${want.error})`).not.toBeNull();
          continue;
        }
        if (Array.isArray(want)) expect(cpu.error, `${what} cpu`).toBeNull();
        if (Array.isArray(want)) expect(cpu.dtypes, `${what} cpu dtypes`).toEqual(want);
        for (const r of others) {
          expect(r.error, `${what} webgpu error (cpu: ${cpu.error})`).toBe(cpu.error);
          expect(r.dtypes, `${what} webgpu dtypes`).toEqual(cpu.dtypes);
          for (const [i, v] of r.values.entries())
            expectClose(`${what} webgpu output[${i}]`, v, cpu.values[i], RTOL[dtype]);
        }
      }
    });
});
