/**
 * training.json's `smallcnn/*` trajectory: SmallCNN (Conv2d -> BatchNorm2d -> ReLU -> max_pool2d
 * -> flatten -> Linear) from PyTorch's initial state dict, trained step by step; loss per step,
 * first-step logits and gradients, and the final state dict (BatchNorm's running stats and
 * num_batches_tracked included) within the trajectory's tolerance, on every device.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';
import {
  compare,
  loadTraining,
  makeOptimizer,
  readDesc,
  type Trajectory,
  tensorOf,
} from '../helpers/trajectory.js';

/** training.json's SmallCNN, field names = PyTorch's state-dict prefixes. */
class SmallCNN extends torch.nn.Module {
  conv = new torch.nn.Conv2d(1, 4, 3, { padding: 1 });
  bn = new torch.nn.BatchNorm2d(4);
  fc = new torch.nn.Linear(784, 10);
  override forward(x: Tensor): Tensor {
    const h = torch.nn.functional.maxPool2d(torch.relu(this.bn(this.conv(x))), 2);
    return this.fc(h.flatten(1));
  }
}

const fx = loadTraining();
const cases = fx.trajectories.filter((t) => t.model === 'SmallCNN');

async function run(t: Trajectory, device: string) {
  const { bin } = fx;
  const model = new SmallCNN();
  const sd: Record<string, Tensor> = {};
  for (const [k, d] of Object.entries(t.init)) sd[k] = tensorOf(d, bin);
  model.loadStateDict(sd);
  model.to(device);
  const opt = makeOptimizer(t.optimizer, model.parameters());
  const named = Object.fromEntries(model.namedParameters());
  const ratios: Record<string, number> = {};
  for (let i = 0; i < t.batches.length; i++) {
    const x = tensorOf(t.batches[i].x, bin, device);
    const y = tensorOf(t.batches[i].y, bin, device);
    const step = t.steps[i];
    opt.zeroGrad();
    const logits = model(x);
    const loss = torch.nn.functional.crossEntropy(logits, y);
    loss.backward();
    if (step.logits) ratios.logits = compare(await logits.toArray(), readDesc(step.logits, bin), t.tol).ratio;
    for (const [k, d] of Object.entries(step.grads ?? {}))
      ratios[`grad ${k}`] = compare(await named[k].grad!.toArray(), readDesc(d, bin), t.tol).ratio;
    opt.step();
    ratios[`loss ${i}`] = compare([await loss.item()], [step.loss], t.tol).ratio;
  }
  const final = model.stateDict();
  expect(Object.keys(final).sort()).toEqual(Object.keys(t.final).sort());
  for (const [k, d] of Object.entries(t.final))
    ratios[`final ${k}`] = compare(await final[k].toArray(), readDesc(d, bin), t.tol).ratio;
  return ratios;
}

describe('smallcnn trajectories', () => {
  it('training.json has them', () => expect(cases.map((t) => t.name)).toEqual(['smallcnn/sgd_momentum']));
});

for (const device of testDevices())
  describe(`smallcnn on ${device}`, () => {
    for (const t of cases)
      it(`${t.name} matches PyTorch (rtol ${t.tol.rtol}, atol ${t.tol.atol})`, async () => {
        const r = await run(t, device);
        expect(Object.keys(r)).toContain('final bn.num_batches_tracked');
        expect(Object.keys(r)).toContain('grad conv.weight');
        const bad = Object.entries(r).filter(([, v]) => !(v <= 1));
        expect(bad, JSON.stringify(r)).toEqual([]);
      });
  });
