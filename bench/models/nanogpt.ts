/**
 * A nanoGPT-style character model (karpathy/nanoGPT's model.py at Shakespeare-char scale, smaller):
 * 2 blocks, n_embd 64, 4 heads, block 32, vocab 65, batch 16, dropout 0, bias on, untied head;
 * LayerNorm, causal F.scaledDotProductAttention, GELU MLP (4x); AdamW lr 1e-3.
 */
import * as torch from '../../src/index.js';
import type { BenchSpec } from './types.js';

const { nn } = torch;
const F = nn.functional;
const V = 65;
const C = 64;
const NH = 4;
const T = 32;
const B = 16;
const NL = 2;

class Block extends nn.Module {
  ln1 = new nn.LayerNorm(C);
  cAttn = new nn.Linear(C, 3 * C);
  cProj = new nn.Linear(C, C);
  ln2 = new nn.LayerNorm(C);
  fc = new nn.Linear(C, 4 * C);
  gelu = new nn.GELU();
  proj = new nn.Linear(4 * C, C);
  override forward(x: torch.Tensor): torch.Tensor {
    const [q, k, v] = this.cAttn(this.ln1(x))
      .split(C, 2)
      .map((t) => t.view([B, T, NH, C / NH]).transpose(1, 2));
    const y = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    x = x.add(this.cProj(y.transpose(1, 2).contiguous().view([B, T, C])));
    return x.add(this.proj(this.gelu(this.fc(this.ln2(x)))));
  }
}

export class GPT extends nn.Module {
  wte = new nn.Embedding(V, C);
  wpe = new nn.Embedding(T, C);
  h = new nn.ModuleList(Array.from({ length: NL }, () => new Block()));
  lnF = new nn.LayerNorm(C);
  lmHead = new nn.Linear(C, V, { bias: false });
  pos: torch.Tensor;
  constructor(device: torch.Device) {
    super();
    this.pos = torch.arange(0, T, { dtype: 'int64', device });
  }
  override forward(idx: torch.Tensor): torch.Tensor {
    let x = this.wte(idx).add(this.wpe(this.pos));
    for (const b of this.h) x = (b as Block)(x);
    return this.lmHead(this.lnF(x));
  }
}

const BT = B * T;
// per block: qkv, proj, fc, proj products; attention q k^T and p v; the head.
const products =
  NL * (2 * BT * C * 3 * C + 2 * BT * C * C + 2 * 2 * BT * C * 4 * C) + 2 * 2 * B * NH * T * T * (C / NH);
export const nanogpt: BenchSpec = {
  name: 'nanogpt',
  what: `nanoGPT-style ${NL} layers, n_embd ${C}, ${NH} heads, block ${T}, batch ${B}, vocab ${V}, AdamW`,
  flops: 3 * (products + 2 * BT * C * V),
  build(device) {
    torch.manualSeed(0);
    const model = new GPT(device).to(device);
    const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3 });
    const x = torch.randint(0, V, [B, T], { device });
    const y = torch.randint(0, V, [B, T], { device });
    return {
      model,
      step() {
        opt.zeroGrad();
        const logits = model(x);
        const loss = F.crossEntropy(logits.view([BT, V]), y.view([BT]));
        loss.backward();
        opt.step();
        return loss;
      },
    };
  },
};
