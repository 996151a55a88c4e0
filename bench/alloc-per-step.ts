/**
 * Tensor storage the nanoGPT CPU step allocates (MiB per step), the full GCs that garbage
 * pressure forces per step (backend/pressure.ts) and the mean CPU s/step, GC steps included
 * (bench/models.ts takes medians, which skip most GC steps). `--base DIR`: another checkout's
 * src/ and bench/ measured the same way, alternated with this one, for before/after:
 *   npx tsx bench/alloc-per-step.ts --base /work/main --pairs 4 --steps 60
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const here = path.dirname(fileURLToPath(import.meta.url));
const steps = Number(opt('steps') ?? 60);

async function measure(root: string): Promise<void> {
  const { heap } = await import(path.join(root, 'src/backend/cpu/heap.ts'));
  const { forcedCollections } = await import(path.join(root, 'src/backend/pressure.ts'));
  const { nanogpt } = await import(path.join(root, 'bench/models/nanogpt.ts'));
  const torch = await import(path.join(root, 'src/index.ts'));
  const m = nanogpt.build(torch.device('cpu'));
  for (let i = 0; i < 5; i++) await m.step().item();
  let allocated = 0;
  const alloc = heap.alloc.bind(heap);
  heap.alloc = (b: number) => {
    allocated += b;
    return alloc(b);
  };
  const g0 = forcedCollections();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) await m.step().item();
  const c = process.cpuUsage(c0);
  const MiB = (x: number) => (x / steps / 2 ** 20).toFixed(2);
  console.log(
    `${root}: allocated ${MiB(allocated)} MiB/step, forced GCs/step ${((forcedCollections() - g0) / steps).toFixed(2)}, CPU ${((c.user + c.system) / 1e6 / steps).toFixed(4)} s/step`,
  );
}

const worker = opt('worker');
if (worker) await measure(worker);
else {
  const base = opt('base');
  const pairs = Number(opt('pairs') ?? 1);
  const self = fileURLToPath(import.meta.url);
  const roots = base ? [path.resolve(base), path.resolve(here, '..')] : [path.resolve(here, '..')];
  for (let p = 0; p < pairs; p++)
    for (const root of roots) {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', self, '--worker', root, '--steps', String(steps)],
        {
          encoding: 'utf8',
        },
      );
      process.stdout.write(r.stdout || r.stderr);
    }
}
