/**
 * `npx tsx bench/webgpu-peers.ts`: issue 18's models (bench/webgpu-models.ts) trained by torchts
 * and by jax-js 0.1.25 (bench/peers/peer_jaxjs_models.mjs: each step one jit() of valueAndGrad +
 * the optimizer update), on WebGPU and on the CPU (torchts cpu vs jax-js wasm), one table.
 * Every measurement is a process of its own, run one after another, round by round
 * (`--rounds`), medians reported. Each step ends by reading the loss (`await loss.item()` /
 * `await l.data()`), in both libraries. Seconds are wall time per step (median) and CPU seconds
 * of the whole process per step (lavapipe's threads included): on a loaded machine compare the
 * CPU column. jax-js's first step (trace + compile) is reported separately. Not a test.
 *
 *   cd bench && npm install --ignore-scripts       # jax-js 0.1.25 (bench/package.json)
 *   npx tsx bench/webgpu-peers.ts                   # all five models, both devices, 1 round
 *   npx tsx bench/webgpu-peers.ts --models mlp,gpt --devices webgpu --rounds 3
 *
 * What jax-js 0.1.25 lacks for these models (what the peer does instead): no lax.scan /
 * fori_loop (the LSTM's 35 time steps are unrolled inside the traced function), and its
 * nn.dotProductAttention / einsum need Node 22's iterator helpers (attention is written with
 * matmul + tri mask + softmax, nanoGPT's fallback); everything else (conv, reduceWindow max
 * pooling, bernoulli dropout, standardize for LayerNorm, exact GELU, take for embeddings) it has.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};

/** Steps and warm-up steps per model (the large ones take seconds per step on lavapipe). */
const PLAN: Record<string, [number, number]> = {
  simplenet: [30, 5],
  mlp: [10, 3],
  gpt: [5, 2],
  cnn: [2, 1],
  lstm: [2, 1],
};

interface Result {
  s_per_step: number;
  cpu_s_per_step: number;
  first_step_s: number;
  loss: number;
  describe?: string;
  dispatches?: number;
}

if (args.includes('--worker')) {
  // One torchts measurement: --worker --device webgpu|cpu --model NAME --steps N --warmup W
  const torch = await import('../src/index.js');
  const { buildStep } = await import('./webgpu-models.js');
  const device = opt('device', 'webgpu');
  if (device === 'webgpu' && !(await torch.webgpu.init())) {
    console.log(`RESULT ${JSON.stringify({ skipped: torch.webgpu.unavailableReason() })}`);
    process.exit(0);
  }
  const name = opt('model', 'mlp') as Parameters<typeof buildStep>[0];
  const steps = Number(opt('steps', '5'));
  const warmup = Number(opt('warmup', '2'));
  const m = buildStep(name, torch.device(device));
  const wall: number[] = [];
  const cpu: number[] = [];
  let first = 0;
  let loss = Number.NaN;
  let dispatches = 0;
  for (let i = 0; i < warmup + steps; i++) {
    const d0 = device === 'webgpu' ? torch.webgpu.stats().dispatches : 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    loss = await m.step().item();
    const dt = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    if (device === 'webgpu') dispatches = torch.webgpu.stats().dispatches - d0;
    if (i === 0) first = dt;
    if (i >= warmup) {
      wall.push(dt);
      cpu.push((cu.user + cu.system) / 1e6);
    }
  }
  const r: Result = {
    s_per_step: median(wall),
    cpu_s_per_step: median(cpu),
    first_step_s: first,
    loss,
    describe: m.describe,
    dispatches: device === 'webgpu' ? dispatches : undefined,
  };
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const models = opt('models', 'simplenet,mlp,gpt,lstm,cnn').split(',');
const devices = opt('devices', 'webgpu,cpu').split(',');
const rounds = Number(opt('rounds', '1'));
const timeoutSec = Number(opt('timeout', '1200'));
const jaxPeer = path.join(here, 'peers', 'peer_jaxjs_models.mjs');
const haveJax = existsSync(path.join(here, 'node_modules', '@jax-js', 'jax'));

function run(cmd: string, argv: string[], cwd: string): Result | string {
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', timeout: timeoutSec * 1000, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    const err = `${r.stderr ?? ''}`
      .split('\n')
      .filter((l) => l.trim() && !l.includes('Warning:') && !l.startsWith('    at'));
    return r.error ? `${r.error.message}` : `failed: ${err.slice(-2).join(' | ').slice(0, 200)}`;
  }
  const j = JSON.parse(line.slice(7));
  return j.skipped ? `skipped: ${j.skipped}` : (j as Result);
}

type Cell = Result[] | string;
const table = new Map<string, Cell>();
const add = (key: string, r: Result | string) => {
  console.error(`  ${key}: ${JSON.stringify(r)}`);
  const cur = table.get(key);
  if (typeof r === 'string') {
    if (!cur) table.set(key, r);
    return;
  }
  table.set(key, Array.isArray(cur) ? [...cur, r] : [r]);
};

const describe = new Map<string, string>();
for (let round = 0; round < rounds; round++)
  for (const model of models) {
    const [steps, warmup] = PLAN[model] ?? [5, 2];
    for (const dev of devices) {
      const jaxDev = dev === 'cpu' ? 'wasm' : 'webgpu';
      console.error(`round ${round + 1}/${rounds}: ${model} torchts ${dev} ...`);
      const t = run(
        'npx',
        [
          'tsx',
          path.join(here, 'webgpu-peers.ts'),
          '--worker',
          '--device',
          dev,
          '--model',
          model,
          '--steps',
          `${steps}`,
          '--warmup',
          `${warmup}`,
        ],
        path.join(here, '..'),
      );
      add(`${model}|torchts|${dev}`, t);
      if (typeof t !== 'string' && t.describe) describe.set(model, t.describe);
      console.error(`round ${round + 1}/${rounds}: ${model} jax-js ${jaxDev} ...`);
      const j = haveJax
        ? run('node', [jaxPeer, jaxDev, model, `${steps}`, `${warmup}`], path.join(here, 'peers'))
        : 'not installed (cd bench && npm install --ignore-scripts)';
      add(`${model}|jax|${jaxDev}`, j);
    }
  }

const fmt = (c: Cell | undefined, f: (r: Result) => number, digits = 3) =>
  !c ? '-' : typeof c === 'string' ? c : median(c.map(f)).toFixed(digits);
const ratio = (a: Cell | undefined, b: Cell | undefined, f: (r: Result) => number) =>
  Array.isArray(a) && Array.isArray(b) ? `${(median(a.map(f)) / median(b.map(f))).toFixed(2)}×` : '-';
const wall = (r: Result) => r.s_per_step;
const cpuS = (r: Result) => r.cpu_s_per_step;
console.log(
  `torchts vs jax-js 0.1.25 (jit(train step)), seconds per training step, medians of ${rounds} round(s) (steps per run: ${models.map((m) => `${m} ${PLAN[m]?.[0] ?? 5}`).join(', ')})\n`,
);
for (const dev of devices) {
  const jd = dev === 'cpu' ? 'wasm' : 'webgpu';
  console.log(
    `| model | torchts ${dev} s/step | jax-js ${jd} s/step | ratio (wall) | torchts CPU s/step | jax-js CPU s/step | ratio (CPU) | jax-js first step (compile) s |${dev === 'webgpu' ? ' torchts dispatches/step |' : ''}`,
  );
  console.log(`|---|---|---|---|---|---|---|---|${dev === 'webgpu' ? '---|' : ''}`);
  for (const m of models) {
    const t = table.get(`${m}|torchts|${dev}`);
    const j = table.get(`${m}|jax|${jd}`);
    const disp = Array.isArray(t) ? `${t[t.length - 1].dispatches ?? '-'}` : '-';
    console.log(
      `| ${m} | ${fmt(t, wall, 4)} | ${fmt(j, wall, 4)} | ${ratio(t, j, wall)} | ${fmt(t, cpuS, 4)} | ${fmt(j, cpuS, 4)} | ${ratio(t, j, cpuS)} | ${fmt(j, (r) => r.first_step_s, 1)} |${dev === 'webgpu' ? ` ${disp} |` : ''}`,
    );
  }
  console.log('');
}
for (const [m, d] of describe) console.log(`- ${m}: ${d}`);
