/**
 * PyTorch's tutorial "Quickstart" (pytorch/tutorials beginner_source/basics/quickstart_tutorial.py),
 * ported mechanically, on torchts's bundled MNIST digits instead of FashionMNIST (same shape:
 * 1x28x28 images, 10 classes; `--data-dir DIR` reads FashionMNIST's own IDX files).
 * Run: npx tsx examples/quickstart.ts [--device cpu|webgpu] [--epochs N] [--steps N] [--data-dir DIR]
 *      [--tensorboard LOGDIR]   (the training losses and a weight histogram as TensorBoard events)
 * `--steps N` stops each epoch after N batches (a quick run). test/examples/quickstart.test.ts checks
 * NeuralNetwork + SGD + train() against PyTorch 1.13.
 *
 * PyTorch original                                        torchts
 * training_data = datasets.FashionMNIST(root="data",       new torch.datasets.MNIST({ train: true })  (bundled digits), or
 *   train=True, download=True, transform=ToTensor())       await torch.datasets.MNIST.fromDir(dir)   (FashionMNIST's files)
 * DataLoader(training_data, batch_size=batch_size)         new DataLoader(trainingData, { batchSize })
 * for X, y in test_dataloader: ... X.shape, y.dtype        for await (const [X, y] of testDataloader)
 * class NeuralNetwork(nn.Module): ... super().__init__()   class NeuralNetwork extends nn.Module { ... }
 *   self.linear_relu_stack = nn.Sequential(...)              linear_relu_stack = new nn.Sequential(...)  (state-dict names kept)
 * torch.optim.SGD(model.parameters(), lr=1e-3)             new torch.optim.SGD(model.parameters(), { lr: 1e-3 })
 * optimizer.zero_grad()                                    optimizer.zeroGrad()
 * size = len(dataloader.dataset)                           dataloader.dataset.length
 * loss.item()                                              await loss.item()
 * (pred.argmax(1) == y).type(torch.float).sum().item()     pred.argmax(1).eq(y).type(torch.float).sum()  (read once)
 * with torch.no_grad():                                    torch.noGrad(() => { ... })
 * torch.save(model.state_dict(), "model.pth")              await torch.save(model.stateDict(), 'model.safetensors')
 * model.load_state_dict(torch.load("model.pth",            model.loadStateDict(await torch.load('model.safetensors'))
 *   weights_only=True))
 * x, y = test_data[0][0], test_data[0][1]                  const [x, y] = testData.getItem(0)   (no [] on objects in JS)
 * classes[pred[0].argmax(0)]                               classes[await pred.index(0).argmax(0).item()]
 */
import { pathToFileURL } from 'node:url';
import * as torch from '../src/index.js';

/**
 * len(dataloader.dataset). DataLoader.dataset is typed map-style or iterable, and only the
 * first has a length for sure, so TypeScript needs the check PyTorch makes at run time.
 */
function datasetLength(loader: { dataset: unknown }): number {
  const n = (loader.dataset as { length?: unknown }).length;
  if (typeof n !== 'number') throw new TypeError('the dataset has no length');
  return n;
}

const { nn } = torch;
const { DataLoader } = torch.utils.data;
type Tensor = torch.Tensor;
// torch.utils is a value ({ data }), so its classes are not types: InstanceType<typeof ...>.
type Loader = InstanceType<typeof DataLoader<[Tensor, Tensor]>>;

// Define model
export class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linear_relu_stack = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
  );

  override forward(x: Tensor): Tensor {
    x = this.flatten(x);
    const logits = this.linear_relu_stack(x);
    return logits;
  }
}

/** The tutorial's train(); returns the per-step losses (read back once, at the end). */
export async function train(
  dataloader: Loader,
  model: NeuralNetwork,
  lossFn: torch.nn.CrossEntropyLoss,
  optimizer: torch.optim.Optimizer,
  device: torch.Device,
  maxSteps = Number.POSITIVE_INFINITY,
): Promise<number[]> {
  const size = datasetLength(dataloader);
  model.train();
  const losses: Tensor[] = [];
  let batch = 0;
  for await (let [X, y] of dataloader) {
    if (batch >= maxSteps) break;
    [X, y] = [X.to(device), y.to(device)];

    // Compute prediction error
    const pred = model(X);
    const loss = lossFn(pred, y);

    // Backpropagation
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    losses.push(loss.detach());

    if (batch % 100 === 0) {
      const [l, current] = [await loss.item(), (batch + 1) * X.shape[0]];
      console.log(
        `loss: ${l.toFixed(6).padStart(7)}  [${String(current).padStart(5)}/${String(size).padStart(5)}]`,
      );
    }
    batch++;
  }
  return losses.length ? ((await torch.stack(losses).tolist()) as number[]) : [];
}

export async function test(
  dataloader: Loader,
  model: NeuralNetwork,
  lossFn: torch.nn.CrossEntropyLoss,
  device: torch.Device,
): Promise<void> {
  const size = datasetLength(dataloader);
  const numBatches = dataloader.length;
  model.eval();
  let testLoss = torch.zeros([], { device });
  let correct = torch.zeros([], { device });
  for await (let [X, y] of dataloader) {
    [X, y] = [X.to(device), y.to(device)];
    torch.noGrad(() => {
      const pred = model(X);
      testLoss = testLoss.add(lossFn(pred, y));
      correct = correct.add(pred.argmax(1).eq(y).type(torch.float).sum());
    });
  }
  const avg = (await testLoss.item()) / numBatches;
  const acc = (await correct.item()) / size;
  console.log(
    `Test Error: \n Accuracy: ${(100 * acc).toFixed(1)}%, Avg loss: ${avg.toFixed(6).padStart(8)} \n`,
  );
}

async function main() {
  const argv = process.argv.slice(2);
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dataDir = get('data-dir');
  // Download training data from open datasets. (Here: the bundled digits, or IDX files in --data-dir.)
  const trainingData = dataDir
    ? await torch.datasets.MNIST.fromDir(dataDir, { train: true })
    : new torch.datasets.MNIST({ train: true });
  const testData = dataDir
    ? await torch.datasets.MNIST.fromDir(dataDir, { train: false })
    : new torch.datasets.MNIST({ train: false });

  const batchSize = 64;

  // Create data loaders.
  const trainDataloader = new DataLoader(trainingData, { batchSize });
  const testDataloader = new DataLoader(testData, { batchSize });

  for await (const [X, y] of testDataloader) {
    console.log(`Shape of X [N, C, H, W]: [${X.shape}]`);
    console.log(`Shape of y: [${y.shape}] ${y.dtype}`);
    break;
  }

  if (get('device') !== 'cpu') await torch.accelerator.init();
  const device = get('device')
    ? torch.device(get('device')!)
    : (torch.accelerator.currentAccelerator() ?? torch.device('cpu'));
  console.log(`Using ${device} device`);

  let model = new NeuralNetwork().to(device);
  console.log(model.toString());

  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });

  const epochs = Number(get('epochs') ?? 5);
  const steps = Number(get('steps') ?? Number.POSITIVE_INFINITY);
  const tbDir = get('tensorboard');
  const writer = tbDir ? new torch.utils.tensorboard.SummaryWriter(tbDir) : null;
  let step = 0;
  for (let t = 0; t < epochs; t++) {
    console.log(`Epoch ${t + 1}\n-------------------------------`);
    const losses = await train(trainDataloader, model, lossFn, optimizer, device, steps);
    if (writer) {
      for (const l of losses) writer.addScalar('Loss/train', l, step++);
      await writer.addHistogram('linear_relu_stack.0.weight', model.parameters()[0], t);
    }
    await test(testDataloader, model, lossFn, device);
  }
  writer?.close();
  console.log('Done!');

  await torch.save(model.stateDict(), 'model.safetensors');
  console.log('Saved PyTorch Model State to model.safetensors');

  model = new NeuralNetwork().to(device);
  model.loadStateDict((await torch.load('model.safetensors', device.type)) as Record<string, Tensor>);

  const classes = testData.classes;
  model.eval();
  const [x, y] = testData.getItem(0);
  const pred = torch.noGrad(() => model(x.to(device)));
  const [predicted, actual] = [classes[await pred.index(0).argmax(0).item()], classes[await y.item()]];
  console.log(`Predicted: "${predicted}", Actual: "${actual}"`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
