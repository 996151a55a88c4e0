/**
 * The tutorial "how PyTorch runs on the GPU", ported line by line to torchts.
 * Run: npx tsx examples/simplenet.ts [--device cpu|webgpu|cuda] [--epochs N]
 *
 * PyTorch original                                   torchts
 * torch.cuda.is_available()                          torch.cuda.isAvailable()
 * class SimpleNet(nn.Module): ... def forward        class SimpleNet extends nn.Module { forward() }
 * model.cuda() / x.cuda() / .to(device)              the same
 * optim.SGD(model.parameters(), lr=0.01)             new optim.SGD(model.parameters(), { lr: 0.01 })
 * DataLoader(ds, batch_size=64, shuffle=True)        new DataLoader(ds, { batchSize: 64, shuffle: true })
 * loss.item()                                        await loss.item()   (reading a GPU value is async)
 * (CUDA initialises lazily)                          await torch.accelerator.init()  (WebGPU's device is async)
 */
import * as torch from '../src/index.js';

const { nn, optim } = torch;
const { DataLoader } = torch.utils.data;

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

// 1. Is there a GPU?
if (torch.cuda.isAvailable()) {
  console.log('GPU is available!');
  console.log(`Device name: ${torch.cuda.getDeviceName(0)}`);
} else {
  console.log('GPU is not available!');
}
// Creating the GPU device is asynchronous in WebGPU: once, before the first GPU tensor.
if (arg('device') !== 'cpu') await torch.accelerator.init();
// The device-agnostic way: the current accelerator, or the CPU. --device overrides.
const device = arg('device')
  ? torch.device(arg('device')!)
  : (torch.accelerator.currentAccelerator() ?? torch.device('cpu'));
console.log(`Using device: ${device}`);

// 2. The model.
class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(128, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    x = x.view(-1, 784);
    x = this.relu.forward(this.fc1.forward(x));
    return this.fc2.forward(x);
  }
}

// 3. Move the model to the GPU (when there is one).
torch.manualSeed(0);
let model = new SimpleNet();
if (device.type !== 'cpu') model = model.cuda();
console.log(model.toString());

// 4. Train: SGD lr 0.01, CrossEntropyLoss, batches of 64, shuffled.
const trainSet = new torch.datasets.MNIST({ train: true });
const testSet = new torch.datasets.MNIST({ train: false });
const trainLoader = new DataLoader(trainSet, { batchSize: 64, shuffle: true });
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
const criterion = new nn.CrossEntropyLoss();

const epochs = Number(arg('epochs') ?? 5);
for (let epoch = 0; epoch < epochs; epoch++) {
  let runningLoss = 0;
  let step = 0;
  for await (const [inputs, labels] of trainLoader) {
    const [x, y] = [inputs.to(device), labels.to(device)];
    optimizer.zeroGrad();
    const outputs = model(x);
    const loss = criterion(outputs, y);
    loss.backward();
    optimizer.step();
    if (++step % 25 === 0) runningLoss += await loss.item(); // a sync point, on purpose
  }
  console.log(`Epoch ${epoch + 1}, loss: ${(runningLoss / Math.floor(step / 25)).toFixed(4)}`);
}

// Accuracy on the held-out digits: counts stay on the device, one readback at the end.
model.eval();
let correct = torch.zeros([], { device });
torch.noGrad(() => {
  for (const [inputs, labels] of new DataLoader(testSet, { batchSize: 1000 })) {
    const predicted = model(inputs.to(device)).argmax(1);
    correct = correct.add(predicted.eq(labels.to(device)).sum());
  }
});
console.log(`Test accuracy: ${((100 * (await correct.item())) / testSet.length).toFixed(2)}%`);
