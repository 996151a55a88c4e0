// The consumers' workload (scripts/consumer-check.sh): 20 SGD steps of SimpleNet on one seeded
// synthetic batch. The CPU gives the same losses on every runtime; WebGPU agrees to ~1e-4.
export async function steps(torch, device) {
  const { nn, optim } = torch;
  class SimpleNet extends nn.Module {
    fc1 = new nn.Linear(784, 128);
    relu = new nn.ReLU();
    fc2 = new nn.Linear(128, 10);
    forward(x) {
      return this.fc2(this.relu(this.fc1(x.view(-1, 784))));
    }
  }
  torch.manualSeed(0);
  const model = new SimpleNet().to(device);
  const x = torch.randn([64, 784]).to(device);
  const y = torch.randint(0, 10, [64]).to(device);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const criterion = new nn.CrossEntropyLoss();
  const losses = [];
  for (let i = 0; i < 20; i++) {
    optimizer.zeroGrad();
    const loss = criterion(model(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.detach());
  }
  const read = await torch.stack(losses).tolist();
  return { device: String(device), first: read[0], last: read[19] };
}

/** The line every consumer prints; consumer-check.sh compares them. */
export const line = (r) => `steps-loss ${r.first.toFixed(5)} ${r.last.toFixed(5)}`;
