/**
 * `npx tsx bench/autocast.ts`: float32 against `torch.autocast('cuda')` (float16) on WebGPU for
 * the tutorial's SimpleNet and the nanoGPT-style step of bench/webgpu-models.ts (issue 19): time
 * per step, dispatches per step (torch.webgpu.stats) and the peak of memoryAllocated during the
 * counted steps. The whole step (forward, backward, update) runs inside the region: backward and
 * the optimizer run ops that are not bound calls, which autocast never touches.
 * Autocast runs twice, interleaved: float16 as WGSL f16 elements (shader-f16, where the adapter
 * has it) and as packed words widened around the float32-only kernels (TORCHTS_WEBGPU_F16=0).
 * Time is process CPU time per step (the machine is shared: wall time is noise).
 * Not a test: nothing asserts (test/amp/ asserts the values).
 *
 *   npx tsx bench/autocast.ts [--steps 10] [--warmup 3] [--rounds 2] [--models simplenet,gpt] [--small]
 */
import { halfNative, setHalfNative } from '../src/backend/webgpu/index.js';
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
const ROUNDS = Number(opt('rounds', '2'));

if (!(await torch.webgpu.init())) {
  console.log(`no WebGPU adapter: ${torch.webgpu.unavailableReason()}`);
  process.exit(0);
}
const dev = torch.device('webgpu');
const MODES = ['float32', 'autocast f16 packed', 'autocast f16 shader-f16'] as const;
const rows: string[] = [];
for (let round = 0; round < ROUNDS; round++)
  for (const name of models)
    for (const mode of MODES) {
      setHalfNative(mode !== 'autocast f16 packed');
      if (mode === 'autocast f16 shader-f16' && !halfNative()) continue; // no shader-f16 here
      const m = buildStep(name, dev, small);
      const step = () => (mode === 'float32' ? m.step() : torch.autocast('cuda', () => m.step()));
      for (let i = 0; i < WARMUP; i++) step();
      await torch.webgpu.synchronize();
      torch.webgpu.resetStats();
      torch.webgpu.resetPeakMemoryStats();
      const c0 = process.cpuUsage();
      let loss: torch.Tensor | null = null;
      for (let i = 0; i < STEPS; i++) loss = step();
      const s = torch.webgpu.stats();
      await torch.webgpu.synchronize();
      const c = process.cpuUsage(c0);
      const ms = (c.user + c.system) / 1000 / STEPS;
      const peak = torch.webgpu.maxMemoryAllocated();
      const lossV = await loss!.item();
      rows.push(
        `| ${name} | ${mode} | ${ms.toFixed(1)} | ${(s.dispatches / STEPS).toFixed(0)} | ${(peak / 2 ** 20).toFixed(2)} | ${lossV.toFixed(3)} |`,
      );
      console.error(rows[rows.length - 1]);
    }
console.log('| model | mode | CPU ms/step | dispatches/step | peak memoryAllocated (MiB) | last loss |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
