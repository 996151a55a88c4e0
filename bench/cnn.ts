/**
 * `npx tsx bench/cnn.ts`: epoch time of the MNIST CNN (`torchts train --model cnn`: Conv2d(1,16,3,p1)
 * -> ReLU -> MaxPool(2) -> Conv2d(16,32,3,p1) -> ReLU -> MaxPool(2) -> Linear(1568,10); SGD lr 0.05,
 * momentum 0.9, batch 64, the 8,000 bundled digits) on every device present, with the split of a
 * step into forward / backward / optimizer and, on WebGPU, dispatches per step; then PyTorch's
 * time for the same model when a Python with torch is on the machine, and the ratio.
 * Not a test: nothing here asserts.
 *
 *   npx tsx bench/cnn.ts                       # 1 warm-up + 2 timed epochs on the CPU, 1 + 1 on WebGPU
 *   npx tsx bench/cnn.ts --epochs 3 --devices cpu
 *
 * What one step costs (batch 64), the reason the conv is one GEMM per layer:
 *   conv1 im2col [9, 50176] (1.8 MB) -> GEMM 16 x 50176 x 9;  conv2 im2col [144, 12544] (7.2 MB)
 *   -> GEMM 32 x 12544 x 144 (58 MFLOP x 2); the backward: dW (K = N*OH*OW), dcols, fold.
 * The rest is elementwise traffic over [64, 16, 28, 28] activations (3.2 MB each): bias+layout,
 * ReLU, pooling, and their gradients.
 */
import { spawnSync } from 'node:child_process';
import { CNN } from '../src/cli/models.js';
import * as torch from '../src/index.js';

const args = process.argv.slice(2);
const opt = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Result {
  device: string;
  secPerEpoch: number;
  acc: number;
  phases: { forward: number; backward: number; step: number };
  dispatches?: number;
}

async function bench(device: torch.Device, timed: number): Promise<Result> {
  torch.manualSeed(0);
  const train = new torch.datasets.MNIST({ train: true, flatten: true });
  const test = new torch.datasets.MNIST({ train: false, flatten: true });
  const model = new CNN().to(device);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const crit = new torch.nn.CrossEntropyLoss();
  const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true });
  const times: number[] = [];
  for (let e = 0; e < 1 + timed; e++) {
    const t0 = performance.now();
    let last: torch.Tensor | null = null;
    for await (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = crit.forward(model.forward(x.to(device)), y.to(device));
      loss.backward();
      opt.step();
      last = loss;
    }
    await last!.item(); // the epoch is over when the device is
    times.push((performance.now() - t0) / 1000);
    console.error(`  ${device} epoch ${e}${e === 0 ? ' (warm-up)' : ''}: ${times[e].toFixed(2)} s`);
  }
  // Phases over 10 steps, each one synchronised (so the GPU's queued work is charged where it is).
  const sync = async (t: torch.Tensor) => {
    await t.sum().item();
  };
  const [x0, y0] = loader[Symbol.iterator]().next().value as [torch.Tensor, torch.Tensor];
  const [x, y] = [x0.to(device), y0.to(device)];
  const phases = { forward: 0, backward: 0, step: 0 };
  let dispatches: number | undefined;
  for (let i = 0; i < 11; i++) {
    if (i === 1 && device.type === 'webgpu') torch.webgpu.resetStats();
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = crit.forward(model.forward(x), y);
    await sync(loss);
    const t1 = performance.now();
    loss.backward();
    await sync(model.parameters()[0].grad!);
    const t2 = performance.now();
    opt.step();
    await sync(model.parameters()[0]);
    const t3 = performance.now();
    if (i > 0) {
      phases.forward += (t1 - t0) / 10;
      phases.backward += (t2 - t1) / 10;
      phases.step += (t3 - t2) / 10;
    }
  }
  if (device.type === 'webgpu') {
    const s = torch.webgpu.stats() as unknown as Record<string, number>;
    dispatches = s.dispatches / 10; // minus the few of the syncs' sums
  }
  const pred = torch.noGrad(() => {
    model.eval();
    return model.forward(test.data.to(device)).argmax(1);
  });
  const acc = await pred.eq(test.targets.to(device)).float().mean().item();
  return { device: String(device), secPerEpoch: median(times.slice(1)), acc, phases, dispatches };
}

/** The same model and loop in PyTorch (1 thread, as the other peers), if a Python has torch. */
function torchPeer(timed: number): { secPerEpoch: number; threads: number } | string {
  const py = `
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1); torch.manual_seed(0)
import sys, json
x = torch.randn(8000, 1, 28, 28); y = torch.randint(0, 10, (8000,))
class CNN(nn.Module):
    def __init__(s):
        super().__init__(); s.conv1 = nn.Conv2d(1, 16, 3, padding=1); s.conv2 = nn.Conv2d(16, 32, 3, padding=1); s.fc = nn.Linear(1568, 10)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.conv1(x)), 2); x = F.max_pool2d(F.relu(s.conv2(x)), 2); return s.fc(x.flatten(1))
m = CNN(); o = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)
dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
ts = []
for e in range(1 + ${timed}):
    t0 = time.perf_counter()
    for xb, yb in dl:
        o.zero_grad(); l = F.cross_entropy(m(xb), yb); l.backward(); o.step()
    ts.append(time.perf_counter() - t0)
ts = sorted(ts[1:])
print('RESULT ' + json.dumps({'sec': ts[len(ts) // 2], 'threads': torch.get_num_threads()}))
`;
  for (const bin of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(bin, ['-c', py], { encoding: 'utf8', timeout: 600_000 });
    const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
    if (line) {
      const j = JSON.parse(line.slice(7));
      return { secPerEpoch: j.sec, threads: j.threads };
    }
  }
  return 'no python with torch (apt-get install python3-torch)';
}

async function main(): Promise<void> {
  const wanted = (opt('devices') ?? 'cpu,webgpu').split(',');
  const devices = [
    ...(wanted.includes('cpu') ? [torch.device('cpu')] : []),
    ...(wanted.includes('webgpu') && (await torch.webgpu.init()) ? [torch.device('webgpu')] : []),
  ];
  const results: Result[] = [];
  for (const d of devices) {
    const timed = Number(opt('epochs') ?? (d.type === 'cpu' ? 2 : 1));
    console.error(`torchts CNN on ${d}...`);
    results.push(await bench(d, timed));
  }
  const peer = args.includes('--no-peers') ? 'skipped (--no-peers)' : torchPeer(Number(opt('epochs') ?? 2));
  const info = torch.webgpu.adapterInfo();
  console.log(
    '\n| device | s / epoch | steps / s | test acc (1 + timed epochs) | forward ms | backward ms | step ms | dispatches / step |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| torchts ${r.device}${r.device.startsWith('webgpu') && info ? ` (${info.description.split(':')[0]})` : ''} | ${r.secPerEpoch.toFixed(2)} | ${(125 / r.secPerEpoch).toFixed(1)} | ${(100 * r.acc).toFixed(2)}% | ${r.phases.forward.toFixed(1)} | ${r.phases.backward.toFixed(1)} | ${r.phases.step.toFixed(1)} | ${r.dispatches ?? '—'} |`,
    );
  if (typeof peer === 'string') console.log(`| PyTorch cpu | — | — | — | — | — | — | — |  (${peer})`);
  else {
    console.log(
      `| PyTorch cpu, ${peer.threads} thread | ${peer.secPerEpoch.toFixed(2)} | ${(125 / peer.secPerEpoch).toFixed(1)} | — | — | — | — | — |`,
    );
    for (const r of results)
      console.log(`ratio torchts ${r.device} / PyTorch: ${(r.secPerEpoch / peer.secPerEpoch).toFixed(2)}x`);
  }
}

await main();
