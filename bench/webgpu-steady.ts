/**
 * `npx tsx bench/webgpu-steady.ts`: what one steady training step costs on WebGPU for the five
 * models of issue 18 (bench/webgpu-models.ts): dispatches, submits, readbacks (mapAsync),
 * new pipelines, new GPU buffers and new bind groups per step, and seconds per step. Warm-up
 * steps first (pipelines compile, the pool fills), then one full GC so the storage the warm-up
 * dropped is back in the pool, then `--steps` counted steps ended by one synchronize (whose
 * submit is counted too). Then one more step traced: its kernels grouped by pipeline family.
 * Not a test: nothing asserts (test/webgpu/steady-models.test.ts does, at small sizes).
 *
 *   npx tsx bench/webgpu-steady.ts                      # all five, issue sizes, 10 counted steps
 *   npx tsx bench/webgpu-steady.ts --models gpt,lstm --steps 5 --small --kernels
 */

import { collectGarbage } from '../src/backend/pressure.js';
import * as torch from '../src/index.js';
import { buildStep, MODEL_NAMES, type ModelName } from './webgpu-models.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const models = opt('models', MODEL_NAMES.join(',')).split(',') as ModelName[];
const STEPS = Number(opt('steps', '10'));
const WARMUP = Number(opt('warmup', '5'));
const small = args.includes('--small');
const showKernels = args.includes('--kernels');

if (!(await torch.webgpu.init())) {
  console.log(`no WebGPU adapter: ${torch.webgpu.unavailableReason()}`);
  process.exit(0);
}
const dev = torch.device('webgpu');
const tick = () => new Promise<void>((r) => setImmediate(r));

const rows: string[] = [];
for (const name of models) {
  const m = buildStep(name, dev, small);
  for (let i = 0; i < WARMUP; i++) m.step();
  await torch.webgpu.synchronize();
  if (!args.includes('--no-gc')) {
    collectGarbage();
    for (let i = 0; i < 4; i++) await tick();
  }
  torch.webgpu.resetStats();
  const t0 = performance.now();
  let loss: torch.Tensor | null = null;
  for (let i = 0; i < STEPS; i++) loss = m.step();
  const s = torch.webgpu.stats(); // the steps' own work (the synchronize below adds its flag read)
  await torch.webgpu.synchronize();
  const sec = (performance.now() - t0) / 1000 / STEPS;
  const per = (v: number) => (v / STEPS).toFixed(v % STEPS === 0 ? 0 : 1);
  const lossV = await loss!.item();
  rows.push(
    `| ${name} | ${per(s.dispatches)} | ${per(s.submits)} | ${per(s.reads)} | ${per(s.pipelineCompiles)} | ${per(s.bufferAllocations)} | ${per(s.bindGroupCreations)} | ${sec.toFixed(3)} |`,
  );
  console.error(`${name} (${m.describe}): loss ${lossV.toFixed(3)}`);
  if (showKernels) {
    await torch.webgpu.synchronize();
    torch.webgpu.startTrace();
    m.step();
    const ev = torch.webgpu
      .stopTrace()
      .filter((e) => !e.startsWith('alloc:') && !e.startsWith('free:') && e !== 'submit');
    const fam = new Map<string, number>();
    for (const e of ev) {
      const k = e.startsWith('ew:') ? e : e.split(':')[0];
      fam.set(k, (fam.get(k) ?? 0) + 1);
    }
    console.error(`  ${ev.length} kernels:`);
    for (const [k, n] of [...fam].sort((a, b) => b[1] - a[1]))
      console.error(`  ${String(n).padStart(5)}  ${k}`);
  }
}
console.log(
  `WebGPU (${JSON.stringify(torch.webgpu.adapterInfo()?.description ?? torch.webgpu.adapterInfo())}), per steady step (mean of ${STEPS}, after ${WARMUP} warm-up)${small ? ', small sizes' : ''}:\n`,
);
console.log(
  '| model | dispatches | submits | readbacks | new pipelines | new buffers | new bind groups | s/step |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
