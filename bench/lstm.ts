/**
 * `npx tsx bench/lstm.ts`: one training step of pytorch/examples' word_language_model LSTM
 * (Embedding vocab -> 200, 2-layer LSTM hidden 200, Linear 200 -> vocab, CrossEntropyLoss, plain
 * SGD; seq 35, batch 20) on every device present: seconds per step (median), split into
 * forward / backward / SGD, WebGPU dispatches per step; then PyTorch's time for the same step
 * (torch.set_num_threads(1)) when /usr/bin/python3 has torch, and the ratio. Not a test.
 *
 *   npx tsx bench/lstm.ts                               # vocab 10000, 5 timed steps
 *   npx tsx bench/lstm.ts --vocab 2000 --steps 3 --devices cpu,webgpu
 *   npx tsx bench/lstm.ts --composed     # also time the composed per-step reference (ops/rnn.ts)
 */
import { spawnSync } from 'node:child_process';
import * as torch from '../src/index.js';
import { setFusedRnn } from '../src/ops/rnn.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const V = Number(opt('vocab', '10000'));
const E = 200;
const H = 200;
const L = 2;
const T = 35;
const B = 20;
const STEPS = Number(opt('steps', '5'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { nn } = torch;

class LM extends nn.Module {
  encoder = new nn.Embedding(V, E);
  rnn = new nn.LSTM(E, H, L);
  decoder = new nn.Linear(H, V);
  override forward(x: torch.Tensor): torch.Tensor {
    const [out] = this.rnn(this.encoder(x));
    return this.decoder((out as torch.Tensor).reshape([T * B, H]));
  }
}

async function bench(device: string) {
  torch.manualSeed(0);
  const model = new LM().to(device);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randint(0, V, [T, B], { dtype: 'int32' }).to(device);
  const y = torch.randint(0, V, [T * B], { dtype: 'int32' }).to(device);
  const times: number[] = [];
  const phases = { forward: [] as number[], backward: [] as number[], step: [] as number[] };
  let dispatches = 0;
  const sync = () => (device === 'webgpu' ? torch.webgpu.synchronize() : Promise.resolve());
  for (let s = 0; s < STEPS + 1; s++) {
    if (device === 'webgpu') torch.webgpu.resetStats();
    await sync();
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = lossFn(model(x), y);
    await sync();
    const t1 = performance.now();
    loss.backward();
    await sync();
    const t2 = performance.now();
    opt.step();
    await loss.item();
    const t3 = performance.now();
    if (s === 0) continue; // warm-up (kernel compiles)
    times.push((t3 - t0) / 1000);
    phases.forward.push((t1 - t0) / 1000);
    phases.backward.push((t2 - t1) / 1000);
    phases.step.push((t3 - t2) / 1000);
    if (device === 'webgpu') dispatches = torch.webgpu.stats().dispatches;
  }
  return {
    device,
    secPerStep: median(times),
    forward: median(phases.forward),
    backward: median(phases.backward),
    sgd: median(phases.step),
    dispatches: device === 'webgpu' ? dispatches : undefined,
  };
}

function pytorch(): number | string {
  const py = `
import time, torch, torch.nn as nn
torch.set_num_threads(1); torch.manual_seed(0)
V,E,H,L,T,B=${V},${E},${H},${L},${T},${B}
class LM(nn.Module):
    def __init__(s):
        super().__init__(); s.encoder=nn.Embedding(V,E); s.rnn=nn.LSTM(E,H,L); s.decoder=nn.Linear(H,V)
    def forward(s,x):
        out,_=s.rnn(s.encoder(x)); return s.decoder(out.reshape(T*B,H))
m=LM(); opt=torch.optim.SGD(m.parameters(), lr=0.1); lf=nn.CrossEntropyLoss()
x=torch.randint(0,V,(T,B)); y=torch.randint(0,V,(T*B,))
ts=[]
for s in range(${STEPS + 1}):
    t0=time.perf_counter(); opt.zero_grad(); loss=lf(m(x),y); loss.backward(); opt.step(); loss.item()
    if s: ts.append(time.perf_counter()-t0)
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
  if (args.includes('--composed')) {
    setFusedRnn(false);
    rows.push({ ...(await bench(d)), device: `${d} (composed per-step ops)` });
    setFusedRnn(true);
    console.error(JSON.stringify(rows[rows.length - 1]));
  }
}
const ref = pytorch();
console.log(`word_language_model LSTM step: vocab ${V}, emb ${E}, ${L}x LSTM ${H}, seq ${T}, batch ${B}`);
console.log('| device | s/step | forward | backward | SGD | dispatches/step | vs PyTorch 1 thread |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.device} | ${r.secPerStep.toFixed(4)} | ${r.forward.toFixed(4)} | ${r.backward.toFixed(4)} | ${r.sgd.toFixed(4)} | ${r.dispatches ?? '-'} | ${typeof ref === 'number' ? `${(r.secPerStep / ref).toFixed(2)}x` : '-'} |`,
  );
console.log(
  `| PyTorch ${'1.13'} CPU, 1 thread | ${typeof ref === 'number' ? ref.toFixed(4) : ref} | | | | | 1x |`,
);
