/**
 * Data-parallel step time: SimpleNet (101,770 parameters) with DistributedDataParallel, batch 64
 * per rank, on 1, 2 and 4 ranks of this machine (`mpirun -n N`, loopback/shared memory), and the
 * bytes each rank all-reduces per step. Run: `npx tsx bench/distributed.ts` (needs Open MPI).
 * Not a test; prints one table. The scaling limit on paper is in bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SimpleNet } from '../src/cli/models.js';
import * as torch from '../src/index.js';

const STEPS = Number(process.env.STEPS ?? 30);
const WARMUP = 5;
const B = 64;

async function worker(): Promise<void> {
  torch.distributed.initProcessGroup({ backend: 'mpi' });
  const rank = torch.distributed.getRank();
  const size = torch.distributed.getWorldSize();
  torch.manualSeed(rank);
  const net = new SimpleNet();
  const model = new torch.nn.parallel.DistributedDataParallel(net);
  await model.ready;
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.01 });
  const lossFn = new torch.nn.CrossEntropyLoss();
  const x = torch.randn([B, 784]);
  const y = torch.randint(0, 10, [B]);
  let t0 = 0;
  let comm = 0;
  for (let s = 0; s < WARMUP + STEPS; s++) {
    if (s === WARMUP) {
      await torch.distributed.barrier();
      t0 = performance.now();
      comm = 0;
    }
    opt.zeroGrad();
    lossFn.forward(model(x), y).backward();
    const c0 = performance.now();
    await model.syncGradients(); // what is left of the all-reduce after backward
    comm += performance.now() - c0;
    opt.step();
  }
  await torch.distributed.barrier();
  const ms = (performance.now() - t0) / STEPS;
  const bytes = net.parameters().reduce((a, p) => a + p.numel() * 4, 0);
  if (rank === 0)
    console.log(
      `RESULT ${JSON.stringify({ ranks: size, stepMs: ms, waitMs: comm / STEPS, bytes, samplesPerS: (B * size * 1000) / ms })}`,
    );
}

function main(): void {
  const self = fileURLToPath(import.meta.url);
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  const rows: string[] = [];
  for (const n of [1, 2, 4]) {
    const cmd =
      n === 1
        ? [process.execPath, ['--import', 'tsx', self, '--worker']]
        : [
            'mpirun',
            [
              ...root,
              '--oversubscribe',
              '-n',
              String(n),
              process.execPath,
              '--import',
              'tsx',
              self,
              '--worker',
            ],
          ];
    const r = spawnSync(cmd[0] as string, cmd[1] as string[], { encoding: 'utf8', timeout: 600_000 });
    const m = /^RESULT (.*)$/m.exec(r.stdout ?? '');
    if (!m) {
      rows.push(`| ${n} | failed: ${(r.stderr ?? '').split('\n').slice(-3).join(' ')} |`);
      continue;
    }
    const v = JSON.parse(m[1]);
    rows.push(
      `| ${n} | ${v.stepMs.toFixed(2)} | ${v.waitMs.toFixed(2)} | ${Math.round(v.samplesPerS)} | ${(v.bytes / 1024).toFixed(0)} KiB |`,
    );
  }
  console.log('| ranks | step ms | sync wait ms | samples/s (all ranks) | all-reduced per rank per step |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
}

if (process.argv.includes('--worker')) await worker();
else main();
