/**
 * `npx tsx bench/nanogpt.ts`: one training step of examples/nanogpt.ts (nanoGPT's GPT; forward
 * with loss, backward, clip_grad_norm_ 1.0, AdamW with decay groups) on every device present:
 * seconds per step (median), WebGPU dispatches per step; then PyTorch 1.13's time for the same
 * step with nanoGPT's own model.py (test/fixtures/examples/nanogpt.py, one thread) and the ratio.
 * Not a test.
 *
 *   npx tsx bench/nanogpt.ts                        # 4 layers, 4 heads, 128 wide, block 64, batch 12
 *   npx tsx bench/nanogpt.ts --layers 2 --embd 64 --steps 3 --devices cpu
 */
import { spawnSync } from 'node:child_process';
import { GPT } from '../examples/nanogpt.js';
import * as torch from '../src/index.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const cfg = {
  nLayer: Number(opt('layers', '4')),
  nHead: Number(opt('heads', '4')),
  nEmbd: Number(opt('embd', '128')),
  blockSize: Number(opt('block', '64')),
  vocabSize: 65,
  dropout: 0,
  bias: true,
};
const B = Number(opt('batch', '12'));
const STEPS = Number(opt('steps', '5'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bench(device: string) {
  torch.manualSeed(0);
  const model = new GPT(cfg, { verbose: false }).to(device);
  const optim = model.configureOptimizers(0.1, 1e-3, [0.9, 0.99], device, { verbose: false });
  const x = torch.randint(0, cfg.vocabSize, [B, cfg.blockSize]).to(device);
  const y = torch.randint(0, cfg.vocabSize, [B, cfg.blockSize]).to(device);
  const times: number[] = [];
  let dispatches = 0;
  for (let s = 0; s < STEPS + 1; s++) {
    if (device === 'webgpu') {
      await torch.webgpu.synchronize();
      torch.webgpu.resetStats();
    }
    const t0 = performance.now();
    const [, loss] = model(x, y);
    loss!.backward();
    torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
    optim.step();
    optim.zeroGrad(true);
    await loss!.item();
    if (s === 0) continue; // warm-up (kernel compiles)
    times.push((performance.now() - t0) / 1000);
    if (device === 'webgpu') dispatches = torch.webgpu.stats().dispatches;
  }
  return { device, secPerStep: median(times), dispatches: device === 'webgpu' ? dispatches : undefined };
}

function pytorch(): number | string {
  const py = `
import sys, time, torch
sys.path.insert(0, 'test/fixtures/examples')
from nanogpt import GPT, GPTConfig
torch.set_num_threads(1); torch.manual_seed(0)
m = GPT(GPTConfig(block_size=${cfg.blockSize}, vocab_size=${cfg.vocabSize}, n_layer=${cfg.nLayer}, n_head=${cfg.nHead}, n_embd=${cfg.nEmbd}, dropout=0.0, bias=True))
opt = m.configure_optimizers(0.1, 1e-3, (0.9, 0.99), 'cpu')
x = torch.randint(0, ${cfg.vocabSize}, (${B}, ${cfg.blockSize})); y = torch.randint(0, ${cfg.vocabSize}, (${B}, ${cfg.blockSize}))
ts = []
for s in range(${STEPS + 1}):
    t0 = time.perf_counter(); _, loss = m(x, y); loss.backward()
    torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); opt.zero_grad(set_to_none=True); loss.item()
    if s: ts.append(time.perf_counter() - t0)
ts.sort(); print('RESULT', ts[len(ts)//2])
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT'));
  return line ? Number(line.split(' ')[1]) : `no PyTorch (${r.stderr?.trim().split('\n').pop() ?? r.error})`;
}

const devices = opt('devices', 'cpu,webgpu').split(',');
const rows = [];
for (const d of devices) {
  if (d === 'webgpu' && !(await torch.webgpu.init())) {
    console.error('webgpu: no adapter, skipped');
    continue;
  }
  rows.push(await bench(d));
  console.error(JSON.stringify(rows[rows.length - 1]));
}
const ref = pytorch();
console.log(
  `nanoGPT step: ${cfg.nLayer} layers, ${cfg.nHead} heads, width ${cfg.nEmbd}, block ${cfg.blockSize}, batch ${B}, vocab ${cfg.vocabSize}, AdamW`,
);
console.log('| device | s/step | dispatches/step | vs PyTorch 1 thread |');
console.log('| --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.device} | ${r.secPerStep.toFixed(4)} | ${r.dispatches ?? '-'} | ${typeof ref === 'number' ? `${(r.secPerStep / ref).toFixed(2)}x` : '-'} |`,
  );
console.log(`| PyTorch 1.13 CPU, 1 thread | ${typeof ref === 'number' ? ref.toFixed(4) : ref} | | 1x |`);
