/**
 * `npx tsx bench/autocast.ts`: float32 against `torch.autocast('cuda')` (float16) on WebGPU for
 * the tutorial's SimpleNet and the nanoGPT-style step of bench/webgpu-models.ts (issue 19): time
 * per step, dispatches per step (torch.webgpu.stats) and the peak of memoryAllocated during the
 * counted steps. The whole step (forward, backward, update) runs inside the region: backward and
 * the optimizer run ops that are not bound calls, which autocast never touches.
 * Not a test: nothing asserts (test/amp/ asserts the values).
 *
 *   npx tsx bench/autocast.ts [--steps 10] [--warmup 3] [--models simplenet,gpt] [--small]
 */
import * as torch from '../src/index.js';
import { buildStep, type ModelName } from './webgpu-models.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const STEPS = Number(opt('steps', '10'));
const WARMUP = Number(opt('warmup', '3'));
const models = opt('models', 'simplenet,gpt').split(',') as ModelName[];
const small = args.includes('--small');

if (!(await torch.webgpu.init())) {
  console.log(`no WebGPU adapter: ${torch.webgpu.unavailableReason()}`);
  process.exit(0);
}
const dev = torch.device('webgpu');
const rows: string[] = [];
for (const name of models)
  for (const mode of ['float32', 'autocast f16'] as const) {
    const m = buildStep(name, dev, small);
    const step = () => (mode === 'float32' ? m.step() : torch.autocast('cuda', () => m.step()));
    for (let i = 0; i < WARMUP; i++) step();
    await torch.webgpu.synchronize();
    torch.webgpu.resetStats();
    torch.webgpu.resetPeakMemoryStats();
    const t0 = performance.now();
    let loss: torch.Tensor | null = null;
    for (let i = 0; i < STEPS; i++) loss = step();
    const s = torch.webgpu.stats();
    await torch.webgpu.synchronize();
    const ms = (performance.now() - t0) / STEPS;
    const peak = torch.webgpu.maxMemoryAllocated();
    const lossV = await loss!.item();
    rows.push(
      `| ${name} | ${mode} | ${ms.toFixed(1)} | ${(s.dispatches / STEPS).toFixed(0)} | ${(peak / 2 ** 20).toFixed(2)} | ${lossV.toFixed(3)} |`,
    );
    console.error(rows[rows.length - 1]);
  }
console.log('| model | mode | ms/step | dispatches/step | peak memoryAllocated (MiB) | last loss |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
