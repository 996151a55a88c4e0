/**
 * `npx tsx bench/models.ts`: seconds per training step of five models (bench/models/*.ts: the
 * tutorial's SimpleNet, PyTorch's quickstart MLP, pytorch/examples' mnist CNN, a nanoGPT-style
 * transformer, the word_language_model LSTM) in torchts on the CPU against PyTorch 1.13 on the CPU
 * with 1 and 2 threads (bench/peers/models_torch.py), plus WebGPU s/step and dispatches where an
 * adapter exists. Every measurement is a process of its own (so each has its own peak RSS), and
 * for each model the three CPU runs are interleaved round by round (torchts, PyTorch 1 thread,
 * PyTorch 2 threads, repeated `--rounds` times; medians), so a load that comes and goes on a
 * shared machine hits both sides alike. Not a test: nothing here asserts.
 *
 *   npx tsx bench/models.ts                               # all models, 3 rounds, WebGPU if present
 *   npx tsx bench/models.ts --models cnn,nanogpt --rounds 5 --no-webgpu
 *   npx tsx bench/models.ts --worker mnist-cnn --device cpu --steps 10   # one measurement, JSON
 *     (--threads N: torch.setNumThreads(N) first; each round also runs torchts on 1 thread)
 *   --warmup-s S: seconds of warm-up steps before the measured ones, both sides (default 4);
 *   --measure-s S: the measured steps span at least S seconds (default 2)
 *
 * GFLOP/s counts only the products and convolutions of a step (forward and both backward
 * products; bench/models/*.ts `flops`), at the median step time.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemBlas } from '../src/backend/cpu/blas.js';
import * as torch from '../src/index.js';
import { MODELS } from './models/index.js';
import { findOpenblas } from './peers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Steps per measurement (after `WARMUP`): enough for ~1-2 s of the slowest side. */
const STEPS: Record<string, number> = {
  simplenet: 60,
  quickstart: 30,
  'mnist-cnn': 8,
  nanogpt: 20,
  'lstm-lm': 6,
};
const WARMUP = 3;
/** Seconds of warm-up steps before the measured ones (`--warmup-s`), for torchts and PyTorch alike. */
const WARMUP_S = Number(opt('warmup-s') ?? 4);
/** Measured steps span at least this many seconds (`--measure-s`): a few forced-GC cycles, not one. */
const MEASURE_S = Number(opt('measure-s') ?? 2);

interface Measurement {
  secPerStep: number;
  /** CPU seconds per step (all threads of the process): robust to a loaded machine's queueing. */
  cpuPerStep: number;
  rssMiB: number;
  dispatches?: number;
  submits?: number;
  newObjects?: number;
  error?: string;
}

/** Worker mode: one model on one device in this process; prints `RESULT {json}`. */
async function worker(name: string, device: string, steps: number, threads?: number): Promise<void> {
  const spec = MODELS.find((m) => m.name === name);
  if (threads !== undefined) torch.setNumThreads(threads);
  if (!spec) throw new Error(`unknown model ${name}`);
  if (device === 'webgpu' && !(await torch.webgpu.init())) throw new Error('no WebGPU adapter');
  const m = spec.build(torch.device(device));
  const times: number[] = [];
  const cpu: number[] = [];
  let counts: Pick<Measurement, 'dispatches' | 'submits' | 'newObjects'> = {};
  const gpu = device === 'webgpu';
  // Warm-up: WARMUP steps and at least WARMUP_S seconds (both sides alike). torchts reaches its
  // steady step only after V8 has optimized the step's JS (~0.3-0.7 s) and the CPU heap's
  // adaptive GC budget has stopped growing (each doubling faults in fresh pages for a few
  // hundred steps: quickstart 1 thread ~4.5 ms/step then, 2.5-3.1 after ~600 steps, ~2-3 s).
  const w0 = performance.now();
  for (let i = 0; i < WARMUP || performance.now() - w0 < WARMUP_S * 1000; i++) await m.step().item();
  const m0 = performance.now();
  for (let i = 0; i < steps || performance.now() - m0 < MEASURE_S * 1000; i++) {
    if (gpu) torch.webgpu.resetStats();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await m.step().item();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    if (gpu) {
      const s = torch.webgpu.stats();
      counts = {
        dispatches: s.dispatches,
        submits: s.submits,
        newObjects: s.pipelineCompiles + s.bufferAllocations + s.bindGroupCreations,
      };
    }
  }
  const r: Measurement = {
    secPerStep: median(times),
    cpuPerStep: median(cpu),
    rssMiB: process.resourceUsage().maxRSS / 1024,
    ...counts,
  };
  console.log(`RESULT ${JSON.stringify(r)}`);
  torch.webgpu.destroy();
}

function run(cmd: string, argv: string[], env?: NodeJS.ProcessEnv): Measurement {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 900_000, env: env ?? process.env });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    const why = `${r.error ?? ''} ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`.trim();
    return { secPerStep: Number.NaN, cpuPerStep: Number.NaN, rssMiB: Number.NaN, error: why.slice(0, 200) };
  }
  return JSON.parse(line.slice(7)) as Measurement;
}

/** `--base DIR`: another checkout (with this bench/) whose torchts also runs, interleaved: before/after. */
const baseDir = opt('base');
const torchts = (
  name: string,
  device: string,
  steps: number,
  root?: string,
  threads?: number,
  env?: Record<string, string>,
) =>
  run(
    process.execPath,
    [
      '--import',
      'tsx',
      root ? path.join(root, 'bench', 'models.ts') : fileURLToPath(import.meta.url),
      '--worker',
      name,
      '--device',
      device,
      '--steps',
      String(steps),
      '--warmup-s',
      String(WARMUP_S),
      '--measure-s',
      String(MEASURE_S),
      ...(threads ? ['--threads', String(threads)] : []),
    ],
    device === 'webgpu'
      ? { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' }
      : env && { ...process.env, ...env },
  );
const openblas = findOpenblas();
/** The system BLAS torchts's products use here (blas.ts), or null: each round then also runs TORCHTS_BLAS=0. */
const blas = process.env.TORCHTS_BLAS === '0' ? null : systemBlas();
const pytorch = (name: string, threads: number, steps: number) =>
  run(
    '/usr/bin/python3',
    [
      path.join(here, 'peers', 'models_torch.py'),
      '--model',
      name,
      '--threads',
      String(threads),
      '--steps',
      String(steps),
      '--warmup',
      String(WARMUP),
      '--warmup-s',
      String(WARMUP_S),
      '--measure-s',
      String(MEASURE_S),
    ],
    {
      ...process.env,
      OMP_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
      ...(openblas ? { LD_LIBRARY_PATH: openblas } : {}),
    },
  );

const f = (x: number | undefined, d: number) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));

export interface ModelRow {
  name: string;
  what: string;
  ts: number;
  pt1: number;
  pt2: number;
  /** torchts from `--base` (before), when given. */
  base?: number;
  /** torchts with torch.setNumThreads(1) (`ts`: the default, both cores), wall and CPU s/step. */
  ts1: { wall: number; cpu: number };
  /** torchts on 1 thread without the system BLAS (TORCHTS_BLAS=0: the wasm kernel), where one is used. */
  wasm1?: { wall: number; cpu: number };
  /** CPU seconds per step, torchts and PyTorch 1 thread. */
  cpu: { ts: number; pt1: number; base: number };
  gflops: { ts: number; pt1: number; pt2: number };
  /** Peak RSS in MiB: torchts, PyTorch 1 thread, torchts from `--base`. */
  rss: { ts: number; pt1: number; base: number };
  gpu?: Measurement;
  errors: string[];
}

/** Runs the table (the driver); rows also go back to the caller (bench/run.ts). */
export async function modelsTable(
  o: { only?: string[]; rounds?: number; webgpu?: boolean; log?: (l: string) => void } = {},
): Promise<ModelRow[]> {
  const log = o.log ?? ((l: string) => console.error(l));
  const rounds = o.rounds ?? 3;
  // undefined: probe for an adapter here (then release it; each WebGPU run is a child process)
  let gpuOk = o.webgpu ?? false;
  if (o.webgpu === undefined) {
    gpuOk = await torch.webgpu.init();
    torch.webgpu.destroy();
  }
  const rows: ModelRow[] = [];
  for (const spec of MODELS) {
    if (o.only && !o.only.some((n) => spec.name.includes(n))) continue;
    const steps = STEPS[spec.name] ?? 10;
    const ts: Measurement[] = [];
    const pt1: Measurement[] = [];
    const pt2: Measurement[] = [];
    const base: Measurement[] = [];
    const ts1: Measurement[] = [];
    const wasm1: Measurement[] = [];
    for (let r = 0; r < rounds; r++) {
      if (baseDir) base.push(torchts(spec.name, 'cpu', steps, baseDir));
      ts.push(torchts(spec.name, 'cpu', steps));
      ts1.push(torchts(spec.name, 'cpu', steps, undefined, 1));
      if (blas) wasm1.push(torchts(spec.name, 'cpu', steps, undefined, 1, { TORCHTS_BLAS: '0' }));
      pt1.push(pytorch(spec.name, 1, steps));
      pt2.push(pytorch(spec.name, 2, steps));
      log(
        `${spec.name} round ${r + 1}/${rounds}: torchts ${f(ts[r].secPerStep, 4)} s (cpu ${f(ts[r].cpuPerStep, 4)}), torchts 1 thread ${f(ts1[r].secPerStep, 4)} s (cpu ${f(ts1[r].cpuPerStep, 4)}), PyTorch 1t ${f(pt1[r].secPerStep, 4)} s (cpu ${f(pt1[r].cpuPerStep, 4)}), 2t ${f(pt2[r].secPerStep, 4)} s${baseDir ? `, base torchts ${f(base[r].secPerStep, 4)} s (cpu ${f(base[r].cpuPerStep, 4)})` : ''}`,
      );
    }
    const med = (ms: Measurement[], k: 'secPerStep' | 'cpuPerStep' | 'rssMiB') => {
      const ok = ms.filter((m) => !m.error).map((m) => m[k]);
      return ok.length ? median(ok) : Number.NaN;
    };
    const row: ModelRow = {
      name: spec.name,
      what: spec.what,
      ts: med(ts, 'secPerStep'),
      pt1: med(pt1, 'secPerStep'),
      pt2: med(pt2, 'secPerStep'),
      cpu: { ts: med(ts, 'cpuPerStep'), pt1: med(pt1, 'cpuPerStep'), base: med(base, 'cpuPerStep') },
      base: baseDir ? med(base, 'secPerStep') : undefined,
      ts1: { wall: med(ts1, 'secPerStep'), cpu: med(ts1, 'cpuPerStep') },
      wasm1: blas ? { wall: med(wasm1, 'secPerStep'), cpu: med(wasm1, 'cpuPerStep') } : undefined,
      gflops: { ts: 0, pt1: 0, pt2: 0 },
      rss: { ts: med(ts, 'rssMiB'), pt1: med(pt1, 'rssMiB'), base: med(base, 'rssMiB') },
      errors: [...new Set([...ts, ...pt1, ...pt2].flatMap((m) => (m.error ? [m.error] : [])))],
    };
    row.gflops = {
      ts: spec.flops / row.ts / 1e9,
      pt1: spec.flops / row.pt1 / 1e9,
      pt2: spec.flops / row.pt2 / 1e9,
    };
    if (gpuOk) {
      row.gpu = torchts(spec.name, 'webgpu', Math.max(2, Math.ceil(steps / 4)));
      log(`${spec.name} webgpu: ${f(row.gpu.secPerStep, 4)} s, ${row.gpu.dispatches ?? '?'} dispatches`);
    }
    rows.push(row);
  }
  return rows;
}

export function printModelsTable(rows: ModelRow[], rounds: number): void {
  console.log(
    `\nTraining step, torchts CPU (products on ${blas ? `the system BLAS: ${blas.config}` : 'the wasm SIMD kernel'}) vs PyTorch ${'1.13'} CPU: s/step, medians of ${rounds} rounds taken interleaved (torchts, PyTorch 1 thread, PyTorch 2 threads, each a process of its own; ratios = torchts / PyTorch); PyTorch's BLAS: ${openblas ? `OpenBLAS (${openblas})` : 'as installed (no libopenblas0-pthread found: set TORCHTS_OPENBLAS_DIR)'}`,
  );
  console.log(
    '| model | torchts cpu s/step | PyTorch 1t | PyTorch 2t | ratio vs 1t | ratio vs 2t | CPU s/step torchts / PT 1t (ratio) | GFLOP/s torchts / PT 1t / PT 2t | peak RSS MiB torchts / PT | webgpu s/step | webgpu dispatches / submits / new objects per step |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${f(r.ts, 4)} | ${f(r.pt1, 4)} | ${f(r.pt2, 4)} | ${f(r.ts / r.pt1, 2)}× | ${f(r.ts / r.pt2, 2)}× | ${f(r.cpu.ts, 4)} / ${f(r.cpu.pt1, 4)} (${f(r.cpu.ts / r.cpu.pt1, 2)}×) | ${f(r.gflops.ts, 1)} / ${f(r.gflops.pt1, 1)} / ${f(r.gflops.pt2, 1)} | ${f(r.rss.ts, 0)} / ${f(r.rss.pt1, 0)} | ${r.gpu ? f(r.gpu.secPerStep, 4) : '—'} | ${r.gpu?.dispatches ?? '—'} / ${r.gpu?.submits ?? '—'} / ${r.gpu?.newObjects ?? '—'} |`,
    );
  for (const r of rows)
    if (r.base !== undefined)
      console.log(
        `- ${r.name} before (--base): ${f(r.base, 4)} s/step (${f(r.base / r.pt1, 2)}× PyTorch 1t), CPU ${f(r.cpu.base, 4)} s (${f(r.cpu.base / r.cpu.pt1, 2)}×), peak RSS ${f(r.rss.base, 0)} MiB; after: ${f(r.ts, 4)} s (${f(r.ts / r.pt1, 2)}×), CPU ${f(r.cpu.ts, 4)} s (${f(r.cpu.ts / r.cpu.pt1, 2)}×), peak RSS ${f(r.rss.ts, 0)} MiB`,
      );
  for (const r of rows)
    console.log(
      `- ${r.name} torchts on 1 thread (torch.setNumThreads(1)): ${f(r.ts1.wall, 4)} s/step (${f(r.ts1.wall / r.pt1, 2)}× PyTorch 1t), CPU ${f(r.ts1.cpu, 4)} s (${f(r.ts1.cpu / r.cpu.pt1, 2)}×); torchts default (both cores) vs PyTorch 2t: ${f(r.ts / r.pt2, 2)}×`,
    );
  for (const r of rows)
    if (r.wasm1)
      console.log(
        `- ${r.name} torchts on 1 thread without the system BLAS (TORCHTS_BLAS=0, wasm SIMD kernel): ${f(r.wasm1.wall, 4)} s/step (${f(r.wasm1.wall / r.pt1, 2)}× PyTorch 1t), CPU ${f(r.wasm1.cpu, 4)} s (${f(r.wasm1.cpu / r.cpu.pt1, 2)}×)`,
      );
  for (const r of rows)
    console.log(`- ${r.name}: ${r.what}${r.errors.length ? ` (errors: ${r.errors.join('; ')})` : ''}`);
  for (const r of rows) if (r.gpu?.error) console.log(`- ${r.name} webgpu: ${r.gpu.error}`);
}

const isMain =
  import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/models.ts');
if (isMain) {
  const w = opt('worker');
  if (w)
    await worker(
      w,
      opt('device') ?? 'cpu',
      Number(opt('steps') ?? STEPS[w] ?? 10),
      opt('threads') === undefined ? undefined : Number(opt('threads')),
    );
  else {
    const rounds = Number(opt('rounds') ?? 3);
    const rows = await modelsTable({
      only: opt('models')?.split(','),
      rounds,
      webgpu: args.includes('--no-webgpu') ? false : undefined,
    });
    printModelsTable(rows, rounds);
  }
}
