/**
 * `npx tsx bench/half.ts`: float16/bfloat16 against float32 (issue 19). Memory a [1024, 1024]
 * tensor takes on each device, and the step time of the tutorial's SimpleNet (784-128-10,
 * batch 64, examples/simplenet.ts) forward + backward + a plain SGD update on WebGPU.
 * Not a test: nothing asserts (test/half/ asserts the values).
 *
 *   npx tsx bench/half.ts [--steps 20] [--warmup 5]
 */
import { heap } from '../src/backend/cpu/heap.js';
import { stats } from '../src/backend/webgpu/stats.js';
import * as torch from '../src/index.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? Number(args[i + 1]) : Number(d);
};
const STEPS = opt('steps', '20');
const WARMUP = opt('warmup', '5');
const DTYPES = ['float32', 'float16', 'bfloat16'] as const;
const gpu = await torch.webgpu.init();

const cpuHeap = () => heap?.allocated ?? Number.NaN;
for (const device of gpu ? ['cpu', 'webgpu'] : ['cpu']) {
  for (const dtype of DTYPES) {
    const before = device === 'webgpu' ? torch.webgpu.memoryAllocated() : cpuHeap();
    const t = torch.zeros([1024, 1024], { dtype, device });
    const after = device === 'webgpu' ? torch.webgpu.memoryAllocated() : cpuHeap();
    console.log(
      `memory ${device} ${dtype} [1024, 1024]: ${after - before} bytes (elementSize ${t.elementSize()})`,
    );
    t.dispose();
  }
}
if (!gpu) process.exit(0);

const { nn } = torch;
class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(128, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(this.relu.forward(this.fc1.forward(x.view(-1, 784))));
  }
}
const dev = torch.device('webgpu');
const steps = DTYPES.map((dtype) => {
  torch.manualSeed(0);
  const model = new SimpleNet().to(dev).to(dtype);
  const x = torch.randn([64, 1, 28, 28], { device: dev }).to(dtype);
  const y = torch.randint(0, 10, [64], { device: dev });
  const lossFn = new nn.CrossEntropyLoss();
  return () => {
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    torch.noGrad(() => {
      for (const p of model.parameters()) {
        p.sub_(p.grad!.mul(0.01));
        p.grad = null;
      }
    });
    return loss;
  };
});
for (const step of steps) for (let i = 0; i < WARMUP; i++) step();
await torch.webgpu.synchronize();
// Rounds interleave the dtypes (a loaded machine drifts); the best round per dtype is reported.
const best = DTYPES.map(() => Number.POSITIVE_INFINITY);
const dispatches = DTYPES.map(() => 0);
const losses = DTYPES.map(() => 0);
for (let round = 0; round < 3; round++)
  for (const [k, step] of steps.entries()) {
    const s0 = stats().dispatches;
    const t0 = performance.now();
    let last: torch.Tensor | null = null;
    for (let i = 0; i < STEPS; i++) last = step();
    losses[k] = await last!.item();
    best[k] = Math.min(best[k], (performance.now() - t0) / STEPS);
    dispatches[k] = (stats().dispatches - s0) / STEPS;
  }
for (const [k, dtype] of DTYPES.entries())
  console.log(
    `simplenet webgpu ${dtype}: ${best[k].toFixed(2)} ms/step, ${dispatches[k].toFixed(1)} dispatches/step (loss ${losses[k].toFixed(4)})`,
  );
