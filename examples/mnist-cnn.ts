/**
 * pytorch/examples `mnist/main.py` (the convolutional MNIST classifier), ported mechanically.
 * Run: npx tsx examples/mnist-cnn.ts [--device cpu|webgpu] [--epochs N] [--steps N] [--batch-size N]
 *      [--test-batch-size N] [--lr X] [--gamma X] [--log-interval N] [--dry-run] [--save-model]
 * `--steps N` stops each epoch after N batches (a quick run); the data is torchts's bundled 10,000
 * digits (8,000 train / 2,000 test) instead of torchvision's download.
 * test/examples/mnist-cnn.test.ts checks Net + Adadelta + StepLR + train() against PyTorch 1.13.
 * On an adapter that binds at most 128 MiB per buffer (lavapipe; WebGPU's default limit) pass
 * `--test-batch-size 500`: the original's 1000 makes conv2's output [1000, 64, 24, 24] = 141 MiB.
 *
 * PyTorch original                                      torchts
 * class Net(nn.Module): def __init__(self): ...          class Net extends nn.Module { conv1 = ... }
 *   self.conv1 = nn.Conv2d(1, 32, 3, 1)                    conv1 = new nn.Conv2d(1, 32, 3, 1);
 * x = F.max_pool2d(x, 2); F.log_softmax(x, dim=1)        F.maxPool2d(x, 2); F.logSoftmax(x, { dim: 1 })
 * loss = F.nll_loss(output, target)                      const loss = F.nllLoss(output, target);
 * optimizer.zero_grad()                                  optimizer.zeroGrad()
 * loss.item()                                            await loss.item()
 * F.nll_loss(output, target, reduction='sum').item()     F.nllLoss(output, target, { reduction: 'sum' })  (summed on device, read once)
 * pred = output.argmax(dim=1, keepdim=True)              output.argmax(1, { keepdim: true })
 * with torch.no_grad():                                  torch.noGrad(() => { ... })
 * optim.Adadelta(model.parameters(), lr=args.lr)         new optim.Adadelta(model.parameters(), { lr: args.lr })
 * StepLR(optimizer, step_size=1, gamma=args.gamma)       new StepLR(optimizer, { stepSize: 1, gamma: args.gamma })
 * datasets.MNIST('../data', train=True, download=True,   new torch.datasets.MNIST({ train: true })  (bundled digits)
 *   transform=Compose([ToTensor(), Normalize(...)]))     + x.sub(0.1307).div(0.3081) per batch (no transforms yet)
 * torch.save(model.state_dict(), "mnist_cnn.pt")         await torch.save(model.stateDict(), 'mnist_cnn.safetensors')
 * (CUDA initialises lazily)                              await torch.accelerator.init()
 */
import { pathToFileURL } from 'node:url';
import * as torch from '../src/index.js';

const { nn, optim } = torch;
const F = nn.functional;
const { StepLR } = optim.lr_scheduler;
const { DataLoader } = torch.utils.data;
type Tensor = torch.Tensor;

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.conv2(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.dropout2(x);
    x = this.fc2(x);
    const output = F.logSoftmax(x, { dim: 1 });
    return output;
  }
}

export interface Args {
  batchSize: number;
  testBatchSize: number;
  epochs: number;
  lr: number;
  gamma: number;
  dryRun: boolean;
  seed: number;
  logInterval: number;
  saveModel: boolean;
  /** Not in the original: stop each epoch after this many batches. */
  steps: number;
  device: string | undefined;
}

type Batches = AsyncIterable<[Tensor, Tensor]> | Iterable<[Tensor, Tensor]>;

/** The original's train(); returns the epoch's per-step losses (read back once, at the end). */
export async function train(
  args: Args,
  model: Net,
  device: torch.Device,
  trainLoader: Batches,
  optimizer: torch.optim.Optimizer,
  epoch: number,
  datasetLength = Number.NaN,
): Promise<number[]> {
  model.train();
  const losses: Tensor[] = [];
  let batchIdx = 0;
  for await (let [data, target] of trainLoader) {
    if (batchIdx >= args.steps) break;
    [data, target] = [data.to(device), target.to(device)];
    optimizer.zeroGrad();
    const output = model(data);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    losses.push(loss.detach());
    if (batchIdx % args.logInterval === 0) {
      const seen = batchIdx * data.shape[0];
      console.log(
        `Train Epoch: ${epoch} [${seen}/${datasetLength} (${((100 * seen) / datasetLength).toFixed(0)}%)]\tLoss: ${(await loss.item()).toFixed(6)}`,
      );
      if (args.dryRun) break;
    }
    batchIdx++;
  }
  return losses.length ? ((await torch.stack(losses).tolist()) as number[]) : [];
}

export async function test(model: Net, device: torch.Device, testLoader: Batches, n: number): Promise<void> {
  model.eval();
  let testLoss = torch.zeros([], { device });
  let correct = torch.zeros([], { device });
  for await (let [data, target] of testLoader) {
    [data, target] = [data.to(device), target.to(device)];
    torch.noGrad(() => {
      const output = model(data);
      testLoss = testLoss.add(F.nllLoss(output, target, { reduction: 'sum' })); // sum up batch loss
      const pred = output.argmax(1, { keepdim: true }); // get the index of the max log-probability
      correct = correct.add(pred.eq(target.viewAs(pred)).sum());
    });
  }
  const loss = (await testLoss.item()) / n;
  const c = await correct.item();
  console.log(
    `\nTest set: Average loss: ${loss.toFixed(4)}, Accuracy: ${c}/${n} (${((100 * c) / n).toFixed(0)}%)\n`,
  );
}

/** transforms.Normalize((0.1307,), (0.3081,)) applied to each batch (torchts has no transforms). */
async function* normalized(loader: Batches): AsyncGenerator<[Tensor, Tensor]> {
  for await (const [x, y] of loader) yield [x.sub(0.1307).div(0.3081), y];
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, d: number) => Number(get(name) ?? d);
  return {
    batchSize: num('batch-size', 64),
    testBatchSize: num('test-batch-size', 1000),
    epochs: num('epochs', 14),
    lr: num('lr', 1.0),
    gamma: num('gamma', 0.7),
    dryRun: argv.includes('--dry-run'),
    seed: num('seed', 1),
    logInterval: num('log-interval', 10),
    saveModel: argv.includes('--save-model'),
    steps: num('steps', Number.POSITIVE_INFINITY),
    device: get('device'),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.device !== 'cpu') await torch.accelerator.init();
  const device = args.device
    ? torch.device(args.device)
    : (torch.accelerator.currentAccelerator() ?? torch.device('cpu'));
  console.log(`Using device: ${device}`);
  torch.manualSeed(args.seed);

  const dataset1 = new torch.datasets.MNIST({ train: true });
  const dataset2 = new torch.datasets.MNIST({ train: false });
  const trainLoader = new DataLoader(dataset1, { batchSize: args.batchSize, shuffle: true });
  const testLoader = new DataLoader(dataset2, { batchSize: args.testBatchSize });

  const model = new Net().to(device);
  const optimizer = new optim.Adadelta(model.parameters(), { lr: args.lr });

  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    await train(args, model, device, normalized(trainLoader), optimizer, epoch, dataset1.length);
    await test(model, device, normalized(testLoader), dataset2.length);
    scheduler.step();
  }
  if (args.saveModel) await torch.save(model.stateDict(), 'mnist_cnn.safetensors');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
