/**
 * The tutorial's epoch on WebGPU against the JavaScript WebGPU peers, in one run on the same
 * adapter (issue 7): SimpleNet, SGD lr 0.01, batch 64, the 8,000 bundled digits per epoch,
 * 1 warm-up + 3 timed epochs (median), with dispatches, submits, readbacks and new GPU objects
 * per step counted over a whole timed epoch. Not a test: nothing asserts.
 *
 *   npx tsx bench/webgpu-epoch.ts            # torchts + jax-js/tfjs webgpu peers when installed
 *   npx tsx bench/webgpu-epoch.ts --no-peers
 */
import { SimpleNet } from '../src/cli/models.js';
import * as torch from '../src/index.js';
import { peerTable, runPeers } from './peers.js';

const { nn, optim } = torch;
if (!(await torch.webgpu.init())) {
  console.log(`no WebGPU adapter: ${torch.webgpu.unavailableReason()}`);
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const device = torch.device('webgpu');
torch.manualSeed(0);
const train = new torch.datasets.MNIST({ train: true, flatten: true });
const test = new torch.datasets.MNIST({ train: false, flatten: true });
const model = new SimpleNet().to(device);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
const criterion = new nn.CrossEntropyLoss();
const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true });
const times: number[] = [];
let counts: Record<string, number> = {};
let steps = 0;
for (let epoch = 0; epoch < 4; epoch++) {
  torch.webgpu.resetStats();
  const t0 = performance.now();
  let last: torch.Tensor | null = null;
  steps = 0;
  for await (const [inputs, labels] of loader) {
    const [x, y] = [inputs.to(device), labels.to(device)];
    optimizer.zeroGrad();
    const loss = criterion.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
    last = loss;
    steps++;
  }
  await last!.item(); // the epoch is done when the device is (the one readback)
  times.push((performance.now() - t0) / 1000);
  if (epoch === 2) counts = { ...torch.webgpu.stats() } as unknown as Record<string, number>;
}
const pred = torch.noGrad(() => model.forward(test.data.to(device)).argmax(1));
const acc = await pred.eq(test.targets.to(device)).float().mean().item();
const sec = median(times.slice(1));
const per = (k: string) => ((counts[k] ?? 0) / steps).toFixed(2);
const info = torch.webgpu.adapterInfo()!;
console.log(`adapter: ${info.vendor} ${info.architecture} ${info.device} (fallback ${info.isFallback})`);
console.log(
  `torchts webgpu: ${sec.toFixed(3)} s/epoch (${(steps / sec).toFixed(0)} steps/s), test accuracy ${(acc * 100).toFixed(2)}%`,
);
console.log(
  `  per step: ${per('dispatches')} dispatches, ${per('submits')} submits, ${per('reads')} readbacks, ` +
    `${per('bufferAllocations')} new buffers, ${per('bindGroupCreations')} new bind groups, ` +
    `${per('pipelineCompiles')} pipeline compiles, ${(counts.bytesWritten / steps / 1024).toFixed(1)} KiB uploaded ` +
    `(the epoch's last step adds 1 readback)`,
);
torch.webgpu.destroy(); // the peers run in their own processes on the same adapter

if (!process.argv.includes('--no-peers')) {
  const rows = await runPeers({ only: /webgpu/ });
  console.log(peerTable(rows));
  for (const r of rows)
    if (r.secPerEpoch)
      console.log(
        `torchts / ${r.id}: ${(sec / r.secPerEpoch).toFixed(2)}x the time (${(r.secPerEpoch / sec).toFixed(1)}x faster)`,
      );
    else console.log(`${r.id}: skipped (${r.skipped ?? 'no figures'})`);
}
