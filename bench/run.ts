/**
 * `npm run bench`: torchts on the tutorial's workload (SimpleNet, SGD lr 0.01, batch 64, the 8,000
 * bundled digits per epoch; 1 warm-up + 3 timed epochs, median) on every device present, plus
 * matmul GFLOP/s, elementwise GB/s and per-op host overhead; then the peers found on this machine
 * (bench/peers.ts) in the same run, and the ratios; then the five-model training-step table
 * against PyTorch (bench/models.ts). Not a test: nothing here asserts.
 *
 *   npm run bench                  # torchts + every peer that is installed
 *   npm run bench -- --no-peers    # torchts only
 *   npm run bench -- --peers 'torch|jaxjs-wasm'
 *   npm run bench -- --no-models   # without the five-model table (bench/models.ts; --rounds N)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimpleNet } from '../src/cli/models.js';
import * as torch from '../src/index.js';
import { modelsTable, printModelsTable } from './models.js';
import { type PeerResult, runPeers } from './peers.js';

const { nn, optim } = torch;
const args = process.argv.slice(2);
const flag = (n: string) => args.includes(`--${n}`);
const opt = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  name: string;
  backend: string;
  secPerEpoch: number | null;
  stepsPerSec: number | null;
  acc: number | null;
  mm64: number | null;
  mm1024: number | null;
  notes: string;
  rssMiB?: number | null;
}

async function epochBench(
  device: torch.Device,
): Promise<Row & { dispatchesPerStep?: number; submitsPerStep?: number }> {
  torch.manualSeed(0);
  const train = new torch.datasets.MNIST({ train: true, flatten: true });
  const test = new torch.datasets.MNIST({ train: false, flatten: true });
  const model = new SimpleNet().to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const crit = new nn.CrossEntropyLoss();
  const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true });
  const times: number[] = [];
  let perStep: { dispatches: number; submits: number } | undefined;
  for (let e = 0; e < 4; e++) {
    const t0 = performance.now();
    let last: torch.Tensor | null = null;
    let steps = 0;
    for await (const [x, y] of loader) {
      if (device.type === 'webgpu' && e === 1 && steps === 10) torch.webgpu.resetStats();
      opt.zeroGrad();
      const loss = crit.forward(model.forward(x.to(device)), y.to(device));
      loss.backward();
      opt.step();
      last = loss;
      if (device.type === 'webgpu' && e === 1 && steps === 19) {
        const s = torch.webgpu.stats() as unknown as Record<string, number>;
        perStep = { dispatches: s.dispatches / 10, submits: s.submits / 10 };
      }
      steps++;
    }
    await last!.item(); // the epoch is done when the device is
    times.push((performance.now() - t0) / 1000);
  }
  const pred = torch.noGrad(() => model.forward(test.data.to(device)).argmax(1));
  const acc = (await pred.eq(test.targets.to(device)).float().mean().item()) as number;
  const s = median(times.slice(1));
  const mm = await matmulBench(device);
  return {
    name: 'torchts',
    backend:
      device.type === 'webgpu'
        ? `webgpu (${torch.webgpu.adapterInfo()?.description.split(':')[0] ?? '?'})`
        : 'cpu',
    secPerEpoch: s,
    stepsPerSec: 125 / s,
    acc,
    mm64: mm.mm64,
    mm1024: mm.mm1024,
    notes: perStep ? `${perStep.dispatches} dispatches, ${perStep.submits} submits per step` : '',
    dispatchesPerStep: perStep?.dispatches,
    submitsPerStep: perStep?.submits,
  };
}

/** Median time of one synchronised product, as the peers measure it. */
async function matmulBench(device: torch.Device): Promise<{ mm64: number; mm1024: number }> {
  const gflops = async (m: number, k: number, n: number, reps: number) => {
    const a = torch.rand([m, k], { device });
    const b = torch.rand([k, n], { device });
    await a.matmul(b).sum().item();
    const ts: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await a.matmul(b).sum().item();
      ts.push(performance.now() - t0);
    }
    return (2 * m * k * n) / (median(ts) * 1e6);
  };
  return {
    mm64: await gflops(64, 784, 128, 50),
    mm1024: await gflops(1024, 1024, 1024, device.type === 'cpu' ? 7 : 3),
  };
}

async function opOverhead(device: torch.Device): Promise<{ usPerAdd: number; gbPerSec: number }> {
  const one = torch.ones([1], { device });
  // median of 3 chains of 5,000 adds after a warm-up chain (the first one also times the JIT)
  const chain = async (n: number) => {
    let acc = one;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) acc = acc.add(one);
    await acc.item();
    return ((performance.now() - t0) * 1000) / n;
  };
  await chain(2000);
  const usPerAdd = median([await chain(5000), await chain(5000), await chain(5000)]);
  const big = torch.rand([1 << 22], { device });
  await big.add(big).sum().item();
  const t1 = performance.now();
  let r = big;
  for (let i = 0; i < 10; i++) r = big.add(big);
  await r.sum().item();
  const sec = (performance.now() - t1) / 1000;
  return { usPerAdd, gbPerSec: (10 * 3 * 4 * (1 << 22)) / sec / 1e9 };
}

/**
 * Peak RSS (MiB) of the tutorial's run on `device` in a process of its own (bench/epoch-rss.mjs, on
 * the built dist/): this process also holds the other benchmarks. Null where dist/ is not built.
 */
function epochRss(device: torch.Device): number | null {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  if (!existsSync(path.join(root, 'dist', 'index.js'))) {
    console.error('peak RSS: dist/ is not built (npm run build); skipped');
    return null;
  }
  const env =
    device.type === 'cpu'
      ? process.env
      : { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' };
  const r = spawnSync(process.execPath, [path.join(root, 'bench', 'epoch-rss.mjs'), String(device)], {
    encoding: 'utf8',
    env,
    timeout: 600_000,
  });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    console.error(`peak RSS on ${device}: failed (exit ${r.status}): ${(r.stderr ?? '').trim().slice(-300)}`);
    return null;
  }
  return (JSON.parse(line.slice(7)) as { rssMiB: number }).rssMiB;
}

const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));

async function main(): Promise<void> {
  const devices = [torch.device('cpu'), ...((await torch.webgpu.init()) ? [torch.device('webgpu')] : [])];
  const rows: Row[] = [];
  for (const d of devices) {
    console.error(`torchts on ${d}...`);
    const r = await epochBench(d);
    const o = await opOverhead(d);
    r.notes = [
      r.notes,
      `${o.usPerAdd.toFixed(1)} µs/op (1-element add), elementwise ${o.gbPerSec.toFixed(1)} GB/s`,
    ]
      .filter(Boolean)
      .join('; ');
    r.rssMiB = epochRss(d);
    rows.push(r);
  }
  let peers: PeerResult[] = [];
  if (!flag('no-peers')) {
    console.error('peers (bench/peers.ts; install them with `cd bench && npm install --ignore-scripts`)...');
    peers = await runPeers({
      only: opt('peers') ? new RegExp(opt('peers')!) : undefined,
      log: (l) => console.error(l),
    });
  }
  const all: Row[] = [...rows, ...peers.filter((p) => !p.skipped).map((p) => ({ ...p, name: p.name }))];
  const ref = (id: string) => peers.find((p) => p.id === id && !p.skipped)?.secPerEpoch ?? null;
  const torchRef = ref('torch');
  const jaxWasm = ref('jaxjs-wasm');
  const jaxGpu = ref('jaxjs-webgpu');
  console.log(
    '| system | backend | s/epoch | steps/s | test acc | matmul GFLOP/s 64×784×128 / 1024³ | vs PyTorch | peak RSS MiB | notes |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of all)
    console.log(
      `| ${r.name} | ${r.backend} | ${fmt(r.secPerEpoch)} | ${fmt(r.stepsPerSec, 0)} | ${fmt(r.acc, 4)} | ${fmt(r.mm64, 1)} / ${fmt(r.mm1024, 1)} | ${torchRef && r.secPerEpoch ? `${(r.secPerEpoch / torchRef).toFixed(2)}×` : '—'} | ${fmt(r.rssMiB, 0)} | ${r.notes} |`,
    );
  const cpu = rows.find((r) => r.backend === 'cpu');
  const gpu = rows.find((r) => r.backend.startsWith('webgpu'));
  if (cpu && jaxWasm)
    console.log(
      `\ntorchts cpu / jax-js jit wasm: ${(cpu.secPerEpoch! / jaxWasm).toFixed(2)}× (target ≤ 1; issue #7)`,
    );
  if (gpu && jaxGpu)
    console.log(
      `torchts webgpu / jax-js jit webgpu: ${(gpu.secPerEpoch! / jaxGpu).toFixed(2)}× (target ≤ 0.5)`,
    );
  const torchRss = peers.find((p) => p.id === 'torch' && !p.skipped)?.rssMiB;
  if (cpu?.rssMiB && torchRss)
    console.log(
      `torchts cpu peak RSS / PyTorch's: ${cpu.rssMiB.toFixed(0)} / ${torchRss.toFixed(0)} MiB (target ≤ 1)`,
    );
  for (const s of peers.filter((p) => p.skipped)) console.log(`skipped ${s.id}: ${s.skipped}`);
  torch.webgpu.destroy();
  // --- perfcpu ---
  if (!flag('no-models')) {
    const rounds = Number(opt('rounds') ?? 3);
    console.error('five models, torchts vs PyTorch interleaved (bench/models.ts)...');
    const rows = await modelsTable({ rounds, webgpu: devices.some((d) => d.type === 'webgpu') });
    printModelsTable(rows, rounds);
  }
}

await main();
