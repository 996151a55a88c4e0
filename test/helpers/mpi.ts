/**
 * Whether this machine can run the distributed suites (Open MPI's mpirun and libmpi), and how to
 * launch a worker script on N ranks. TORCHTS_REQUIRE_MPI=1 makes a missing MPI a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LIBS = [
  '/usr/lib/x86_64-linux-gnu/libmpi.so.40',
  '/usr/lib/aarch64-linux-gnu/libmpi.so.40',
  '/usr/lib64/openmpi/lib/libmpi.so.40',
];

/** null when MPI is usable, else why not. */
export function mpiMissing(): string | null {
  const v = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) return 'mpirun not found';
  if (!/Open MPI|OpenRTE/i.test(`${v.stdout}${v.stderr}`)) return 'mpirun is not Open MPI';
  const ld = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (!LIBS.some(existsSync) && !/libmpi\.so\.40/.test(ld.stdout ?? '')) return 'libmpi.so.40 not found';
  return null;
}

export const MPI_NOTICE =
  '[torchts tests] distributed suites skipped: no MPI (bash scripts/mpi-deps.sh installs Open MPI)';

const missing = mpiMissing();
if (process.env.TORCHTS_REQUIRE_MPI === '1' && missing)
  throw new Error(`TORCHTS_REQUIRE_MPI=1 but MPI is not usable here: ${missing}`);
export const mpiAvailable = missing === null;

export interface MpiRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Each rank's `RESULT <rank> <json>` line, by rank. */
  results: Map<number, unknown>;
}

const WORKER = fileURLToPath(new URL('../distributed/worker.ts', import.meta.url));

/** `mpirun -n N node --import tsx worker.ts ...args`, killed after `limitS` seconds. */
export function mpirun(
  n: number,
  args: string[],
  limitS = 100,
  env: Record<string, string> = {},
): Promise<MpiRun> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(
      'mpirun',
      [...root, '--oversubscribe', '-n', String(n), process.execPath, '--import', 'tsx', WORKER, ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), limitS * 1000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const results = new Map<number, unknown>();
      for (const m of stdout.matchAll(/^RESULT (\d+) (.*)$/gm)) results.set(Number(m[1]), JSON.parse(m[2]));
      resolve({ code, signal, stdout, stderr, seconds: (Date.now() - t0) / 1000, results });
    });
  });
}
