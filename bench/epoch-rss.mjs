// Peak RSS of the tutorial's training run, as a user's process has it: plain `node` on the built
// library (dist/, what `npm install` builds; tsx would add ~25 MiB of its own), `import * as torch`
// (plus `await torch.webgpu.init()` on the GPU), the bundled MNIST datasets, 1 warm-up + 3 epochs of SimpleNet on `device`,
// then the test accuracy. bench/run.ts runs it as a child process and reads the RESULT line.
//
//   node bench/epoch-rss.mjs cpu|webgpu

import { SimpleNet } from '../dist/cli/models.js';
import * as torch from '../dist/index.js';

const device = torch.device(process.argv[2] ?? 'cpu');
if (device.type !== 'cpu') await torch.webgpu.init();
torch.manualSeed(0);
const train = new torch.datasets.MNIST({ train: true, flatten: true });
const test = new torch.datasets.MNIST({ train: false, flatten: true });
const model = new SimpleNet().to(device);
const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
const crit = new torch.nn.CrossEntropyLoss();
const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true });
let last = null;
for (let e = 0; e < 4; e++) {
  for await (const [x, y] of loader) {
    opt.zeroGrad();
    const loss = crit.forward(model.forward(x.to(device)), y.to(device));
    loss.backward();
    opt.step();
    last = loss;
  }
  await last.item();
}
const pred = torch.noGrad(() => model.forward(test.data.to(device)).argmax(1));
const acc = await pred.eq(test.targets.to(device)).float().mean().item();
console.log(
  `RESULT ${JSON.stringify({ device: String(device), acc, rssMiB: process.resourceUsage().maxRSS / 1024 })}`,
);
torch.webgpu.destroy();
