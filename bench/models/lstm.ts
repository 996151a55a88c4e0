/**
 * pytorch/examples word_language_model's LSTM LM at bench/lstm.ts's sizes: Embedding 10000 -> 200,
 * 2-layer LSTM hidden 200, Linear 200 -> 10000, CrossEntropyLoss, SGD lr 0.1; seq 35, batch 20.
 */
import * as torch from '../../src/index.js';
import type { BenchSpec } from './types.js';

const V = 10000;
const E = 200;
const H = 200;
const L = 2;
const T = 35;
const B = 20;

class LM extends torch.nn.Module {
  encoder = new torch.nn.Embedding(V, E);
  rnn = new torch.nn.LSTM(E, H, L);
  decoder = new torch.nn.Linear(H, V);
  override forward(x: torch.Tensor): torch.Tensor {
    const [out] = this.rnn(this.encoder(x));
    return this.decoder((out as torch.Tensor).reshape([T * B, H]));
  }
}

// per layer and time step: 4H x (in + H) gate products; the decoder [T*B, H] x [H, V].
const gates = 2 * T * B * 4 * H * (E + H) + 2 * T * B * 4 * H * (H + H);
export const lstm: BenchSpec = {
  name: 'lstm-lm',
  what: `word_language_model LSTM (vocab ${V}, ${L}x${H}, seq ${T}, batch ${B}), SGD`,
  flops: 3 * gates + 3 * 2 * T * B * H * V,
  build(device) {
    torch.manualSeed(0);
    const model = new LM().to(device);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const crit = new torch.nn.CrossEntropyLoss();
    const x = torch.randint(0, V, [T, B], { device });
    const y = torch.randint(0, V, [T * B], { device });
    return {
      model,
      step() {
        opt.zeroGrad();
        const loss = crit(model(x), y);
        loss.backward();
        opt.step();
        return loss;
      },
    };
  },
};
