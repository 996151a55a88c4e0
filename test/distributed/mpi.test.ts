/**
 * torch.distributed on 2 and 4 ranks under mpirun (worker.ts): the collectives against values
 * known in closed form, DDP against one process on the concatenated batch, WebGPU tensors, and
 * failures that must end within a timeout instead of hanging. Skips (one notice line from
 * test/global-setup.ts) without Open MPI unless TORCHTS_REQUIRE_MPI=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type MpiRun, mpiAvailable, mpirun } from '../helpers/mpi.js';

const run = mpiAvailable || process.env.TORCHTS_REQUIRE_MPI === '1';
const show = (r: MpiRun) => `exit ${r.code} after ${r.seconds}s\n${r.stdout}\n${r.stderr}`.slice(-4000);

interface Collectives {
  scenario: string;
  count: number;
  failures: unknown[];
  mismatch: string;
}
interface Train {
  scenario: string;
  ddp: number;
  noSync: number;
  moved: number;
  bufSpread: number;
  bufSpreadOff: number;
}

function expectRanks(r: MpiRun, n: number, scenarios: string[]) {
  expect(r.code, show(r)).toBe(0);
  for (let rank = 0; rank < n; rank++) expect(r.results.has(rank), show(r)).toBe(true);
  const all = [...r.stdout.matchAll(/^RESULT (\d+) (.*)$/gm)].map(
    (m) => JSON.parse(m[2]) as { scenario: string },
  );
  for (const s of scenarios) expect(all.filter((x) => x.scenario === s).length, s).toBe(n);
  for (const x of all) {
    if (x.scenario.startsWith('collectives')) {
      const c = x as Collectives;
      expect(c.failures).toEqual([]);
      expect(c.count).toBeGreaterThanOrEqual(16);
      expect(c.mismatch).toMatch(
        /^DistributedError: allReduce: the ranks disagree.*rank 0: allReduce of \[2, 1\] float32; rank 1: allReduce of \[2, 2\] float32/,
      );
    }
    if (x.scenario.startsWith('train')) {
      const t = x as Train;
      expect(t.moved).toBeGreaterThan(1e-3); // the weights trained
      expect(t.ddp).toBeLessThan(2e-6); // DDP on N ranks = one process on the N*B batch
      expect(t.noSync).toBeLessThan(2e-6); // noSync accumulation over two half batches too
      expect(t.bufSpread).toBe(0); // broadcastBuffers: rank 0's running stats on every rank
      expect(t.bufSpreadOff).toBeGreaterThan(0.01); // ... and not without it
    }
  }
}

describe.skipIf(!run)('torch.distributed over MPI', () => {
  it('2 ranks: every collective, op and dtype; DDP training equals one process on the 2B batch', async () => {
    const r = await mpirun(2, ['collectives', 'train'], 150);
    expectRanks(r, 2, ['collectives-cpu', 'train-cpu']);
  }, 160_000);

  it('4 ranks: the collectives (a subset of ops) and DDP training equal to one process on the 4B batch', async () => {
    const r = await mpirun(4, ['collectives-light', 'train'], 150);
    expectRanks(r, 4, ['collectives-cpu', 'train-cpu']);
  }, 160_000);

  it('WebGPU tensors (2 ranks, when an adapter exists)', async () => {
    const r = await mpirun(2, ['webgpu'], 150);
    expect(r.code, show(r)).toBe(0);
    const skipped = /"scenario":"webgpu","skipped"/.test(r.stdout);
    if (process.env.TORCHTS_REQUIRE_WEBGPU === '1') expect(skipped, show(r)).toBe(false);
    if (!skipped) expectRanks(r, 2, ['collectives-webgpu', 'train-webgpu']);
  }, 160_000);

  it('a rank that dies ends the job; a rank that never joins is a DistributedError after the timeout', async () => {
    const [die, absent] = await Promise.all([
      mpirun(2, ['die'], 60),
      mpirun(2, ['absent'], 60, { TIMEOUT_S: '3' }),
    ]);
    for (const r of [die, absent]) {
      expect(r.signal, show(r)).toBeNull(); // mpirun ended by itself, not by our 60 s limit
      expect(r.code, show(r)).not.toBe(0);
      expect(r.stdout).not.toMatch(/"completed":true/);
      expect(r.seconds).toBeLessThan(55); // the absent rank sleeps 60 s: the job did not wait for it
    }
    expect(absent.stderr).toMatch(
      /DistributedError: allReduce: rank 0 of 2 waited 3 s; a peer rank did not join within the timeout/,
    );
  }, 70_000);

  it('torchts train mnist --nproc 2: rank 0 alone prints and writes the outputs', () => {
    const out = mkdtempSync(join(tmpdir(), 'torchts-nproc-'));
    try {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          CLI,
          'train',
          'mnist',
          '--nproc',
          '2',
          '--epochs',
          '1',
          '--limit-train',
          '256',
          '--limit-test',
          '128',
          '--device',
          'cpu',
          '--out',
          out,
        ],
        { encoding: 'utf8', timeout: 150_000 },
      );
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(
        r.stdout.match(/Data-parallel on 2 processes \(MPI\): batch 64 per process, 128 per step/g)?.length,
      ).toBe(1);
      expect(r.stdout.match(/^Test accuracy: /gm)?.length).toBe(1);
      for (const f of ['model.safetensors', 'checkpoint.safetensors', 'metrics.json'])
        expect(existsSync(join(out, f))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 160_000);
});

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

it('--nproc without mpirun names what to install', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'train', 'mnist', '--nproc', '2'], {
    encoding: 'utf8',
    env: { ...process.env, TORCHTS_MPIRUN: '/nonexistent/mpirun' },
    timeout: 60_000,
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(
    /--nproc 2 starts the processes with Open MPI's mpirun.*apt-get install openmpi-bin libopenmpi-dev/,
  );
}, 70_000);
