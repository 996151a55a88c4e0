/**
 * Memory in every loop shape (issue "runtime safety"): trains SimpleNet and a small 2-layer
 * GPT-like model in the three loops a PyTorch user writes and reports, after warm-up, the slope of
 * RSS and of the device's allocated bytes in KB per step (~0 is flat):
 *   dataloader  `for await (const [x, y] of loader)`
 *   await-item  a manual indexing loop with `await loss.item()` every step
 *   sync        a synchronous loop with no `await` at all
 *
 *   npx tsx bench/soak.ts [--device cpu|webgpu] [--steps N] [--model simplenet|gpt|both]
 *
 * The short version of this runs in npm test (test/training/sync-loop-memory.test.ts).
 */
import { heap } from '../src/backend/cpu/heap.js';
import * as torch from '../src/index.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const devName = arg('device', 'cpu');
const modelArg = arg('model', 'both');
if (devName !== 'cpu') await torch.webgpu.init(); // the software adapter counts here
const device = torch.device(devName);
const { nn } = torch;

type Step = { x: torch.Tensor; y: torch.Tensor };
interface Workload {
  name: string;
  steps: number;
  batch: () => Step;
  loss: (s: Step) => torch.Tensor;
  params: () => torch.Tensor[];
}

function simpleNet(): Workload {
  torch.manualSeed(0);
  const m = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)).to(device);
  const ce = new nn.CrossEntropyLoss();
  return {
    name: 'simplenet',
    steps: Number(arg('steps', devName === 'cpu' ? '10000' : '2000')),
    batch: () => ({ x: torch.randn([64, 784]).to(device), y: torch.randint(0, 10, [64]).to(device) }),
    loss: ({ x, y }) => ce.forward(m.forward(x), y),
    params: () => [...m.parameters()],
  };
}

/** 2 blocks of causal self-attention + MLP, 64 dims, 4 heads, block 32, vocab 65, batch 16. */
function gpt(): Workload {
  torch.manualSeed(0);
  const V = 65;
  const D = 64;
  const H = 4;
  const T = 32;
  const B = 16;
  const emb = new nn.Embedding(V, D).to(device);
  const pos = new nn.Embedding(T, D).to(device);
  const blocks = [0, 1].map(() => ({
    ln1: new nn.LayerNorm(D).to(device),
    qkv: new nn.Linear(D, 3 * D).to(device),
    proj: new nn.Linear(D, D).to(device),
    ln2: new nn.LayerNorm(D).to(device),
    fc: new nn.Linear(D, 4 * D).to(device),
    out: new nn.Linear(4 * D, D).to(device),
  }));
  const lnf = new nn.LayerNorm(D).to(device);
  const head = new nn.Linear(D, V).to(device);
  const mask = torch.ones([T, T]).triu(1).to(device).bool();
  const positions = torch.arange(T).to(device);
  const ce = new nn.CrossEntropyLoss();
  const mods = [emb, pos, lnf, head, ...blocks.flatMap((b) => Object.values(b))];
  const forward = (idx: torch.Tensor) => {
    let x = emb.forward(idx).add(pos.forward(positions));
    for (const b of blocks) {
      const [q, k, v] = b.qkv
        .forward(b.ln1.forward(x))
        .split(D, 2)
        .map((t) => t.view(B, T, H, D / H).transpose(1, 2));
      const att = q
        .matmul(k.transpose(-2, -1))
        .mul(1 / Math.sqrt(D / H))
        .maskedFill(mask, -Infinity)
        .softmax(-1);
      const y = att.matmul(v).transpose(1, 2).contiguous().view(B, T, D);
      x = x.add(b.proj.forward(y));
      x = x.add(b.out.forward(nn.functional.gelu(b.fc.forward(b.ln2.forward(x)))));
    }
    return head.forward(lnf.forward(x));
  };
  return {
    name: 'gpt',
    steps: Number(arg('steps', devName === 'cpu' ? '2000' : '300')),
    batch: () => ({ x: torch.randint(0, V, [B, T]).to(device), y: torch.randint(0, V, [B, T]).to(device) }),
    loss: ({ x, y }) => ce.forward(forward(x).view(B * T, V), y.view(B * T)),
    params: () => mods.flatMap((m) => [...m.parameters()]),
  };
}

const allocated = () => (devName === 'cpu' ? (heap?.allocated ?? 0) : torch.cuda.memoryAllocated());

async function run(w: Workload, shape: 'dataloader' | 'await-item' | 'sync') {
  const opt = new torch.optim.SGD(w.params(), { lr: 0.01 });
  const samples: [number, number, number][] = [];
  const sample = (i: number) => samples.push([i, process.memoryUsage().rss, allocated()]);
  const every = Math.max(1, Math.floor(w.steps / 20));
  const step = (s: Step) => {
    opt.zeroGrad();
    const loss = w.loss(s);
    loss.backward();
    opt.step();
    return loss;
  };
  const t0 = performance.now();
  if (shape === 'dataloader') {
    const data = Array.from({ length: 16 }, () => w.batch());
    const ds = { length: data.length, getItem: (i: number) => data[i] };
    let i = 0;
    while (i < w.steps)
      for await (const b of new torch.utils.data.DataLoader(
        ds as never,
        {
          batchSize: null,
          shuffle: true,
        } as never,
      ) as AsyncIterable<Step>) {
        step(b);
        if (i % every === 0) sample(i);
        if (++i >= w.steps) break;
      }
  } else {
    const b = w.batch();
    for (let i = 0; i < w.steps; i++) {
      const loss = step(b);
      if (shape === 'await-item') await loss.item();
      if (i % every === 0) sample(i);
    }
    if (shape === 'sync') await torch.cuda.synchronize();
  }
  const ms = (performance.now() - t0) / w.steps;
  // slope over the second half (after warm-up): least squares, KB per step
  const late = samples.slice(Math.floor(samples.length / 2));
  const slope = (k: 1 | 2) => {
    const n = late.length;
    const mx = late.reduce((a, s) => a + s[0], 0) / n;
    const my = late.reduce((a, s) => a + s[k], 0) / n;
    const num = late.reduce((a, s) => a + (s[0] - mx) * (s[k] - my), 0);
    const den = late.reduce((a, s) => a + (s[0] - mx) ** 2, 0) || 1;
    return num / den / 1024;
  };
  const MiB = (b: number) => (b / 2 ** 20).toFixed(0);
  const last = samples[samples.length - 1];
  console.log(
    `${devName.padEnd(6)} ${w.name.padEnd(9)} ${shape.padEnd(10)} ${String(w.steps).padStart(6)} steps ` +
      `${ms.toFixed(2).padStart(7)} ms/step  RSS ${MiB(last[1]).padStart(5)} MiB (${slope(1).toFixed(2).padStart(7)} KB/step)  ` +
      `allocated ${MiB(last[2]).padStart(4)} MiB (${slope(2).toFixed(2).padStart(7)} KB/step)`,
  );
}

for (const make of modelArg === 'both' ? [simpleNet, gpt] : modelArg === 'gpt' ? [gpt] : [simpleNet])
  for (const shape of ['dataloader', 'await-item', 'sync'] as const) await run(make(), shape);
