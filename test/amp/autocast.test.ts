/**
 * torch.autocast: the op lists' output dtypes on cpu (bfloat16) and webgpu (float16), values
 * equal to the manual casts, float32 gradients for float32 parameters, nested and disabled
 * regions, the callback, `using` and torch.cpu/cuda.amp forms.
 */
import { describe, expect, it, vi } from 'vitest';
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
      // The CUDA lists run softmax, exp, sum, layer_norm in float32; 1.13's CPU lists leave
      // them in their input's dtype. Both run the losses in float32; cat/stack of a float32
      // and a 16-bit tensor give float32 (promote, or cat's own promotion).
      const fp32 = ['mse', 'cat', 'stack'] as const;
      const gpuFp32 = ['softmax', 'logSoftmax', 'exp', 'sum', 'layerNorm'] as const;
      for (const k of fp32) expect(got[k].dtype, k).toBe('float32');
      for (const k of gpuFp32) expect(got[k].dtype, k).toBe(dev === 'cpu' ? low : 'float32');
      expect(got.sumDtype.dtype).toBe(low); // an explicit dtype is kept
      expect(got.add.dtype).toBe(low); // not on a list: runs in its inputs' dtype
      if (got.f64) expect(got.f64.dtype).toBe('float64'); // float64 is never cast
      await close(got.matmul, torch.matmul(a.to(low), b.to(low)));
      await close(got.linear, F.linear(a.to(low), w.to(low)));
      await close(got.softmax, F.softmax(dev === 'cpu' ? h : h.float(), 1));
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

  for (const dev of testDevices())
    it(`Conv1d/2d/3d and ConvTranspose1d/2d/3d layers go through autocast on ${dev}`, async () => {
      torch.manualSeed(2);
      const type = dev === 'cpu' ? 'cpu' : 'cuda';
      const low = dev === 'cpu' ? 'bfloat16' : 'float16';
      const layers: [
        torch.nn.Module,
        number[],
        (x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) => torch.Tensor,
      ][] = [
        [new nn.Conv1d(2, 3, 3), [1, 2, 5], (x, w, b) => F.conv1d(x, w, b)],
        [new nn.Conv2d(2, 3, 2), [1, 2, 3, 3], (x, w, b) => F.conv2d(x, w, b)],
        [new nn.Conv3d(2, 3, 2), [1, 2, 3, 3, 3], (x, w, b) => F.conv3d(x, w, b)],
        [new nn.ConvTranspose1d(2, 3, 2, 2), [1, 2, 3], (x, w, b) => F.convTranspose1d(x, w, b, 2)],
        [new nn.ConvTranspose2d(2, 3, 2), [1, 2, 2, 2], (x, w, b) => F.convTranspose2d(x, w, b)],
        [new nn.ConvTranspose3d(2, 3, 2), [1, 2, 2, 2, 2], (x, w, b) => F.convTranspose3d(x, w, b)],
      ];
      for (const [layer, shape, manual] of layers) {
        const m = layer.to(dev);
        const name = m.constructor.name;
        const x = torch.randn(shape).to(dev);
        const y = torch.autocast(type, () => m(x) as torch.Tensor);
        // 1.13's CPU list runs the transposed convolutions in float32, the CUDA list in float16.
        const want = dev === 'cpu' && name.startsWith('ConvTranspose') ? 'float32' : low;
        expect(y.dtype, name).toBe(want);
        const { weight: w, bias: b } = Object.fromEntries(m.namedParameters());
        await close(y, manual(x.to(want), w.to(want), b.to(want)));
        y.float().sum().backward();
        expect(w.grad!.dtype, name).toBe('float32');
      }
    });

  it('nested and disabled regions restore the outer setting; cpu/cuda.amp aliases; callback result', () => {
    const a = torch.randn(2, 2);
    expect(torch.isAutocastEnabled('cpu')).toBe(false);
    torch.cpu.amp.autocast({}, () => {
      expect(torch.isAutocastEnabled('cpu')).toBe(true);
      expect(torch.isAutocastCpuEnabled()).toBe(true);
      expect(torch.isAutocastEnabled()).toBe(false); // no argument: the GPU's, as 1.13's
      expect(a.matmul(a).dtype).toBe('bfloat16');
      torch.autocast({ deviceType: 'cpu', enabled: false }, () => {
        expect(torch.isAutocastCpuEnabled()).toBe(false);
        expect(a.matmul(a).dtype).toBe('float32');
        torch.autocast({ deviceType: 'cpu' }, () => expect(a.matmul(a).dtype).toBe('bfloat16'));
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

  it("1.13's CPU autocast takes only bfloat16: warning, then the error of set_autocast_cpu_dtype", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(() => torch.autocast({ deviceType: 'cpu', dtype: 'float16' })).toThrow(
        /Currently, AutocastCPU only support Bfloat16 as the autocast_cpu_dtype/,
      );
      expect(warn.mock.calls[0][0]).toMatch(
        /In CPU autocast, but the target dtype is not supported. Disabling autocast.\nCPU Autocast only supports dtype of torch.bfloat16 currently./,
      );
      expect(() => torch.cpu.amp.autocast({ dtype: 'float32', enabled: false })).toThrow(/Bfloat16/);
      expect(() => torch.setAutocastCpuDtype('float16')).toThrow(/only support Bfloat16/);
    } finally {
      warn.mockRestore();
    }
    expect(torch.isAutocastCpuEnabled()).toBe(false); // nothing was entered
    expect(torch.autocastIncrementNesting()).toBe(1);
    expect(torch.autocastDecrementNesting()).toBe(0);
    expect(() => torch.autocast('mps')).toThrow(/device_type must be 'cuda' or 'cpu'/);
  });

  it("a region without dtype or cacheEnabled takes the current ones, as 1.13's __init__", () => {
    expect(torch.getAutocastGpuDtype()).toBe('float16');
    torch.autocast({ deviceType: 'cuda', dtype: 'bfloat16', cacheEnabled: false }, () => {
      expect(torch.getAutocastGpuDtype()).toBe('bfloat16');
      expect(torch.isAutocastCacheEnabled()).toBe(false);
      torch.autocast('cuda', () => {
        expect(torch.getAutocastGpuDtype()).toBe('bfloat16');
        expect(torch.isAutocastCacheEnabled()).toBe(false);
      });
      // torch.cuda.amp.autocast's own defaults are float16 and cacheEnabled true
      torch.cuda.amp.autocast({}, () => {
        expect(torch.getAutocastGpuDtype()).toBe('float16');
        expect(torch.isAutocastCacheEnabled()).toBe(true);
      });
    });
    expect(torch.getAutocastGpuDtype()).toBe('float16');
    expect(torch.isAutocastCacheEnabled()).toBe(true);
  });

  it('the cast cache: a weight is cast once per outermost region (stale after an in-place edit, as PyTorch)', async () => {
    const w = torch.ones(2, 2).requiresGrad_();
    const x = torch.ones(1, 2);
    const viaRegion = (cacheEnabled: boolean) =>
      torch.autocast({ deviceType: 'cpu', cacheEnabled }, () => {
        const first = F.linear(x, w);
        torch.noGrad(() => w.mul_(2));
        return [first, F.linear(x, w)];
      });
    const [a1, a2] = viaRegion(true);
    expect(Array.from(await a1.float().toArray())).toEqual([2, 2]);
    expect(Array.from(await a2.float().toArray())).toEqual([2, 2]); // the cached cast
    const [b1, b2] = viaRegion(false);
    expect(Array.from(await b1.float().toArray())).toEqual([4, 4]);
    expect(Array.from(await b2.float().toArray())).toEqual([8, 8]);
    // the outermost exit dropped the cache: a new region sees the new weight
    const c = torch.autocast('cpu', () => F.linear(x, w));
    expect(Array.from(await c.float().toArray())).toEqual([8, 8]);
    // setters without a region, as torch.set_autocast_cpu_enabled
    torch.setAutocastCpuEnabled(true);
    try {
      expect(x.matmul(w).dtype).toBe('bfloat16');
    } finally {
      torch.setAutocastCpuEnabled(false);
      torch.clearAutocastCache();
    }
    expect(x.matmul(w).dtype).toBe('float32');
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

  it('binary_cross_entropy is refused on the GPU (float32 on the CPU); bad options are TypeErrors', () => {
    const p = torch.rand(3);
    expect(torch.autocast('cpu', () => F.binaryCrossEntropy(p.bfloat16(), p)).dtype).toBe('float32');
    if (testDevices().includes('webgpu')) {
      const q = p.to('webgpu');
      expect(() => torch.autocast('cuda', () => F.binaryCrossEntropy(q, q))).toThrow(/unsafe to autocast/);
    }
    expect(() => torch.autocast({ deviceType: 'cpu', bogus: 1 } as never)).toThrow(TypeError);
    expect(() => torch.autocast({} as never)).toThrow(TypeError);
    expect(() => torch.autocast({ deviceType: 'cpu', enabled: 1 } as never)).toThrow(/^torch.autocast\(\): /);
    // PyTorch's parameter order, positionally (the callback trails)
    const a = torch.randn(2, 2);
    const f = torch.autocast as unknown as (...args: unknown[]) => torch.Tensor;
    expect(f('cpu', 'bfloat16', true, false, () => a.mm(a)).dtype).toBe('bfloat16');
    expect(f('cpu', null, false, () => a.mm(a)).dtype).toBe('float32');
    const cpuF = torch.cpu.amp.autocast as unknown as (...args: unknown[]) => torch.Tensor;
    expect(cpuF(true, 'bfloat16', false, () => a.mm(a)).dtype).toBe('bfloat16');
    expect(() => cpuF(true, 'bfloat16', false, 'extra')).toThrow(/^torch.cpu.amp.autocast\(\): /);
  });
});
