/**
 * model.summary(): torchinfo's table. The counts are checked against the models' own parameters
 * and the architectures' known sizes (torchinfo prints 101,770 for SimpleNet and 1,199,882 for
 * pytorch/examples' MNIST CNN); the output shapes against the layer arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { Net } from '../../examples/mnist-cnn.js';
import * as torch from '../../src/index.js';

const { nn } = torch;

/** The tutorial's SimpleNet, calling its layers through .forward (no hooks fire). */
class SimpleNet extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(128, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    x = x.view(-1, 784);
    return this.fc2.forward(this.relu.forward(this.fc1.forward(x)));
  }
}

const numel = (m: torch.nn.Module) => m.parameters().reduce((s, p) => s + p.numel(), 0);
const rows = (s: torch.nn.ModelStatistics) =>
  s.summaryList.map((r) => [r.className, r.depth, r.depthIndex, r.outputShape, r.numParams]);

describe('Module.summary', () => {
  it('SimpleNet: the torchinfo table, shapes from calls that bypass hooks', () => {
    const m = new SimpleNet();
    const s = m.summary([1, 784]);
    expect(s.totalParams).toBe(101_770);
    expect(s.totalParams).toBe(numel(m));
    expect(String(s)).toBe(
      [
        '='.repeat(90),
        'Layer (type:depth-idx)                  Output Shape             Param #',
        '='.repeat(90),
        'SimpleNet                               [1, 10]                  --',
        '├─Linear: 1-1                           [1, 128]                 100,480',
        '├─ReLU: 1-2                             [1, 128]                 --',
        '├─Linear: 1-3                           [1, 10]                  1,290',
        '='.repeat(90),
        'Total params: 101,770',
        'Trainable params: 101,770',
        'Non-trainable params: 0',
        '='.repeat(90),
        'Input size (MB): 0.00',
        'Forward/backward pass size (MB): 0.00',
        'Params size (MB): 0.41',
        'Estimated Total Size (MB): 0.41',
        '='.repeat(90),
      ].join('\n'),
    );
    // The pass leaves the model as it was: no own forward, training mode, hooks still work.
    expect(Object.hasOwn(m.fc1, 'forward')).toBe(false);
    expect(m.training).toBe(true);
    expect(m(torch.zeros([2, 784])).shape).toEqual([2, 10]);
  });

  it('the MNIST CNN: output shapes of every call, leaf activations, sizes in MB', () => {
    const m = new Net();
    m.eval();
    const s = m.summary({ inputSize: [1, 1, 28, 28] });
    expect(m.training).toBe(false);
    expect(rows(s)).toEqual([
      ['Net', 0, 1, [1, 10], 0],
      ['Conv2d', 1, 1, [1, 32, 26, 26], 32 * 9 + 32],
      ['Conv2d', 1, 2, [1, 64, 24, 24], 64 * 32 * 9 + 64],
      ['Dropout', 1, 3, [1, 64, 12, 12], 0],
      ['Linear', 1, 4, [1, 128], 9216 * 128 + 128],
      ['Dropout', 1, 5, [1, 128], 0],
      ['Linear', 1, 6, [1, 10], 1290],
    ]);
    expect(s.totalParams).toBe(1_199_882);
    expect(s.totalParams).toBe(numel(m));
    expect(s.summaryList.slice(1).reduce((a, r) => a + r.numParams, 0)).toBe(s.totalParams);
    expect(s.totalParamBytes).toBe(4 * 1_199_882);
    // 2 x (conv1 + conv2 + dropout1 + fc1 + dropout2 + fc2 outputs) float32 bytes.
    expect(s.totalOutputBytes).toBe(2 * 4 * (32 * 26 * 26 + 64 * 24 * 24 + 64 * 12 * 12 + 128 + 128 + 10));
    expect(s.totalInputBytes).toBe(4 * 784);
    const text = String(s);
    expect(text).toContain('Total params: 1,199,882');
    expect(text).toContain('Params size (MB): 4.80');
    expect(text).toContain('Forward/backward pass size (MB): 0.54');
  });

  it('nesting: per-depth indices run across parents; depth collapses with recursive counts', () => {
    const m = new nn.Sequential(
      new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU()),
      new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2)),
    );
    const s = m.summary([5, 4]);
    expect(rows(s)).toEqual([
      ['Sequential', 0, 1, [5, 2], 0],
      ['Sequential', 1, 1, [5, 3], 0],
      ['Linear', 2, 1, [5, 3], 15],
      ['ReLU', 2, 2, [5, 3], 0],
      ['Sequential', 1, 2, [5, 2], 0],
      ['Linear', 2, 3, [5, 2], 8],
      ['BatchNorm1d', 2, 4, [5, 2], 4],
    ]);
    expect(String(s)).toContain('│    └─BatchNorm1d: 2-4                 [5, 2]                   4');
    // Frozen parameters are non-trainable.
    m.getSubmodule('1').requiresGrad_(false);
    const c = m.summary([5, 4], { depth: 1 });
    expect(rows(c)).toEqual([
      ['Sequential', 0, 1, [5, 2], 0],
      ['Sequential', 1, 1, [5, 3], 15],
      ['Sequential', 1, 2, [5, 2], 12],
    ]);
    expect([c.totalParams, c.trainableParams, c.nonTrainableParams]).toEqual([27, 15, 12]);
    expect(String(c)).toContain('Non-trainable params: 12');
    expect(rows(m.summary([5, 4], { depth: 0 }))).toEqual([['Sequential', 0, 1, [5, 2], 27]]);
  });

  it('LSTM (tuple output: the first tensor) and an Embedding model on int64 input', () => {
    const lstm = new nn.LSTM(10, 20, 2, { batchFirst: true });
    const s = lstm.summary([3, 5, 10]);
    expect(rows(s)).toEqual([['LSTM', 0, 1, [3, 5, 20], 4 * 20 * (10 + 20 + 2) + 4 * 20 * (20 + 20 + 2)]]);
    expect(s.totalParams).toBe(numel(lstm));

    class Lang extends nn.Module {
      emb = new nn.Embedding(100, 8);
      rnn = new nn.LSTM(8, 16);
      out = new nn.Linear(16, 100);
      override forward(x: torch.Tensor) {
        const [h] = this.rnn(this.emb(x));
        return this.out(h as torch.Tensor);
      }
    }
    const lang = new Lang();
    const t = lang.summary([7, 2], { dtype: 'int64' });
    expect(rows(t)).toEqual([
      ['Lang', 0, 1, [7, 2, 100], 0],
      ['Embedding', 1, 1, [7, 2, 8], 800],
      ['LSTM', 1, 2, [7, 2, 16], 4 * 16 * (8 + 16 + 2)],
      ['Linear', 1, 3, [7, 2, 100], 1700],
    ]);
    expect(t.totalParams).toBe(numel(lang));
    // inputData instead of a size.
    const u = lang.summary({ inputData: torch.tensor([[1, 2, 3]], { dtype: 'int64' }) });
    expect(u.summaryList[0].outputShape).toEqual([1, 3, 100]);
  });

  it('errors: no input, a failing forward restores the model, binding as PyTorch', () => {
    const m = new SimpleNet();
    expect(() => m.summary()).toThrow(/SimpleNet\.summary\(\): give inputSize/);
    expect(() => m.summary([1, 5])).toThrow();
    expect(Object.hasOwn(m.fc1, 'forward')).toBe(false);
    expect(m.training).toBe(true);
    expect(() => m.summary([1, 784], null, 3, null, null, 7 as never)).toThrow(
      /^nn\.Module\.summary\(\): takes 5 positional arguments/,
    );
    expect(() => m.summary([1, 784], { noSuchOption: 1 } as never)).toThrow(
      /^nn\.Module\.summary\(\): got an unexpected option 'noSuchOption'/,
    );
    expect(() => m.summary({ depth: 'deep' as never, inputSize: [1, 784] })).toThrow(
      /^nn\.Module\.summary\(\): argument 'depth' must be/,
    );
    expect(() => m.summary([1, 784], { depth: -1 })).toThrow(/depth must be >= 0/);
  });
});
