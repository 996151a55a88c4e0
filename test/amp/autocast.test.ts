/**
 * torch.autocast: the op lists' output dtypes on cpu (bfloat16) and webgpu (float16), values
 * equal to the manual casts, float32 gradients for float32 parameters, nested and disabled
 * regions, the callback, `using` and torch.cpu/cuda.amp forms.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';

const { nn } = torch;
const F = nn.functional;

const close = async (a: torch.Tensor, b: torch.Tensor) => {
  expect(a.dtype).toBe(b.dtype);
  expect(Array.from(await a.toArray())).toEqual(Array.from(await b.toArray()));
};

describe('torch.autocast', () => {
  for (const dev of testDevices()) {
    const low = dev === 'cpu' ? 'bfloat16' : 'float16';
    const type = dev === 'cpu' ? 'cpu' : 'cuda';
    it(`lower-precision, float32 and promote lists on ${dev} (${low})`, async () => {
      torch.manualSeed(0);
      const a = torch.randn(3, 4).to(dev);
      const b = torch.randn(4, 5).to(dev);
      const w = torch.randn(5, 4).to(dev);
      const h = a.to(low);
      const got = torch.autocast(type, () => ({
        matmul: torch.matmul(a, b),
        mm: a.mm(b),
        linear: F.linear(a, w),
        softmax: F.softmax(h, 1),
        logSoftmax: h.logSoftmax(1),
        exp: torch.exp(h),
        sum: h.sum(),
        sumDtype: h.sum({ dtype: low }),
        layerNorm: F.layerNorm(h, [4]),
        mse: F.mseLoss(h, h.mul(0.5)),
        cat: torch.cat([h, a]),
        stack: torch.stack([a, h]),
        add: h.add(h),
        f64: dev === 'cpu' ? torch.matmul(a.double(), b.double()) : null,
      }));
      expect(got.matmul.dtype).toBe(low);
      expect(got.mm.dtype).toBe(low);
      expect(got.linear.dtype).toBe(low);
      for (const k of ['softmax', 'logSoftmax', 'exp', 'sum', 'layerNorm', 'mse', 'cat', 'stack'] as const)
        expect(got[k].dtype, k).toBe('float32');
      expect(got.sumDtype.dtype).toBe(low); // an explicit dtype is kept
      expect(got.add.dtype).toBe(low); // not on a list: runs in its inputs' dtype
      if (got.f64) expect(got.f64.dtype).toBe('float64'); // float64 is never cast
      await close(got.matmul, torch.matmul(a.to(low), b.to(low)));
      await close(got.linear, F.linear(a.to(low), w.to(low)));
      await close(got.softmax, F.softmax(h.float(), 1));
      await close(got.cat, torch.cat([h.float(), a]));
      expect(torch.matmul(a, b).dtype).toBe('float32'); // outside the region
    });

    it(`nn layers autocast; gradients reach float32 parameters in float32 on ${dev}`, async () => {
      torch.manualSeed(1);
      const lin = new nn.Linear(4, 3).to(dev);
      const x = torch.randn(2, 4).to(dev);
      const y = torch.tensor([0, 2]).to(dev);
      let out!: torch.Tensor;
      let loss!: torch.Tensor;
      {
        using _ = torch.autocast({ deviceType: type });
        out = lin(x);
        loss = new nn.CrossEntropyLoss()(out, y);
      }
      expect(out.dtype).toBe(low);
      expect(loss.dtype).toBe('float32');
      loss.backward();
      expect(lin.weight.grad!.dtype).toBe('float32');
      // The same graph written with manual casts gives the same gradient.
      const w2 = lin.weight.detach().clone().requiresGrad_();
      const b2 = lin.bias!.detach().clone().requiresGrad_();
      const out2 = F.linear(x.to(low), w2.to(low), b2.to(low));
      F.crossEntropy(out2.float(), y).backward();
      await close(lin.weight.grad!, w2.grad!);
      await close(lin.bias!.grad!, b2.grad!);
    });
  }

  it('nested and disabled regions restore the outer setting; cpu/cuda.amp aliases; callback result', () => {
    const a = torch.randn(2, 2);
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
    torch.cpu.amp.autocast({}, () => {
      expect(torch.isAutocastEnabled('cpu')).toBe(true);
      expect(a.matmul(a).dtype).toBe('bfloat16');
      torch.autocast({ deviceType: 'cpu', enabled: false }, () => {
        expect(a.matmul(a).dtype).toBe('float32');
        torch.autocast({ deviceType: 'cpu', dtype: 'float16' }, () =>
          expect(a.matmul(a).dtype).toBe('float16'),
        );
        expect(a.matmul(a).dtype).toBe('float32');
      });
      expect(a.matmul(a).dtype).toBe('bfloat16');
      // a region for the GPU does not touch CPU tensors
      torch.cuda.amp.autocast({}, () => expect(a.matmul(a).dtype).toBe('bfloat16'));
    });
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
    expect(torch.autocast('cpu', () => 7)).toBe(7);
    expect(torch.getAutocastDtype('cpu')).toBe('bfloat16');
    expect(torch.getAutocastDtype('cuda')).toBe('float16');
  });

  it('an async callback keeps its region across awaits, concurrent work is unaffected', async () => {
    const a = torch.randn(2, 2);
    const inside = torch.autocast('cpu', async () => {
      await new Promise((r) => setTimeout(r, 5));
      return a.matmul(a).dtype;
    });
    expect(a.matmul(a).dtype).toBe('float32');
    expect(await inside).toBe('bfloat16');
  });

  it('binary_cross_entropy is refused; bad options are TypeErrors', () => {
    const p = torch.rand(3);
    expect(() => torch.autocast('cpu', () => F.binaryCrossEntropy(p, p))).toThrow(/unsafe to autocast/);
    expect(() => torch.autocast({ deviceType: 'cpu', bogus: 1 } as never)).toThrow(TypeError);
    expect(() => torch.autocast({} as never)).toThrow(TypeError);
  });
});
