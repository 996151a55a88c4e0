/**
 * `torchts train ... --nproc N`: runs this same command on N ranks through Open MPI's mpirun
 * (`--oversubscribe`, so N may exceed the cores; `--allow-run-as-root` only as root). Each rank
 * sees the launcher's environment and trains its share (train.ts); rank 0 alone prints. For
 * several machines, call mpirun yourself: `mpirun -H host1,host2 -n 2 node dist/cli/main.js train mnist`.
 */
import { spawn } from 'node:child_process';
import { UsageError } from './errors.js';

export function runUnderMpirun(n: number): Promise<number> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  const args = [
    ...root,
    '--oversubscribe',
    '-n',
    String(n),
    process.execPath,
    ...process.execArgv,
    ...process.argv.slice(1),
  ];
  return new Promise((resolve, reject) => {
    const p = spawn(process.env.TORCHTS_MPIRUN ?? 'mpirun', args, { stdio: 'inherit' });
    p.on('error', (e) =>
      reject(
        new UsageError(
          `--nproc ${n} starts the processes with Open MPI's mpirun, which could not be run (${e.message}); install it with: apt-get install openmpi-bin libopenmpi-dev`,
        ),
      ),
    );
    // Ctrl-C reaches mpirun too (same process group); mpirun forwards it to the ranks.
    process.on('SIGINT', () => {});
    p.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}
