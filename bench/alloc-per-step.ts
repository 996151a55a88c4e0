/**
 * Tensor storage a model's CPU step allocates (MiB per step), how much of it only the GC returns
 * (blocks released outside `dispose()`: by finalizers after a forced GC, plus a few kernel
 * scratch blocks), the full GCs that garbage pressure forces per step (backend/pressure.ts), the
 * mean CPU s/step, GC steps included (bench/models.ts takes medians, which skip most GC steps),
 * the process's peak RSS and the GC budget at the end. `--model` (default nanogpt) names one of
 * bench/models. `--base DIR`: another checkout's src/ and bench/ measured the same way,
 * alternated with this one, for before/after:
 *   npx tsx bench/alloc-per-step.ts --model mnist-cnn --base /work/main --pairs 4 --steps 24
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
const model = opt('model') ?? 'nanogpt';

async function measure(root: string): Promise<void> {
  const { heap } = await import(path.join(root, 'src/backend/cpu/heap.ts'));
  const { forcedCollections } = await import(path.join(root, 'src/backend/pressure.ts'));
  const { MODELS } = await import(path.join(root, 'bench/models/index.ts'));
  const { Tensor } = await import(path.join(root, 'src/tensor/tensor.ts'));
  const torch = await import(path.join(root, 'src/index.ts'));
  const spec = (
    MODELS as { name: string; build(d: unknown): { step(): { item(): Promise<unknown> } } }[]
  ).find((s) => s.name === model);
  if (!spec) throw new Error(`unknown model ${model}`);
  const m = spec.build(torch.device('cpu'));
  for (let i = 0; i < 5; i++) await m.step().item();
  let allocated = 0;
  let notDisposed = 0;
  let disposing = 0;
  const alloc = heap.alloc.bind(heap);
  const release = heap.release.bind(heap);
  const dispose = Tensor.prototype.dispose;
  heap.alloc = (b: number) => {
    allocated += b;
    return alloc(b);
  };
  heap.release = (off: number, b: number) => {
    if (!disposing) notDisposed += b;
    release(off, b);
  };
  Tensor.prototype.dispose = function (this: unknown) {
    disposing++;
    try {
      dispose.call(this);
    } finally {
      disposing--;
    }
  };
  const g0 = forcedCollections();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) await m.step().item();
  const c = process.cpuUsage(c0);
  const MiB = (x: number) => (x / steps / 2 ** 20).toFixed(2);
  const budget = heap.pressure.budget ?? 32 * 2 ** 20;
  console.log(
    `${root} ${model}: allocated ${MiB(allocated)} MiB/step, returned by the GC ${MiB(notDisposed)}, forced GCs/step ${((forcedCollections() - g0) / steps).toFixed(2)}, CPU ${((c.user + c.system) / 1e6 / steps).toFixed(4)} s/step (mean), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, budget ${budget / 2 ** 20} MiB`,
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
        ['--import', 'tsx', self, '--worker', root, '--steps', String(steps), '--model', model],
        {
          encoding: 'utf8',
        },
      );
      process.stdout.write(r.stdout || r.stderr);
    }
}
