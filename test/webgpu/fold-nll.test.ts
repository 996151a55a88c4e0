/**
 * Issue 18 (perfgpu2): the one-kernel fold (col2im, routines.fold) and the fused nll_loss
 * (routines.nllReduced + one elementwise backward) on WebGPU, against the composed definitions
 * on the same device (the routine taken away) and against the CPU: values and gradients (float32;
 * WebGPU has no float64), strided inputs, ignored rows, bad targets, double backward, dispatches.
 */
import { afterEach, expect, it } from 'vitest';
import type { Routines } from '../../src/backend/backend.js';
import { webgpuBackend } from '../../src/backend/webgpu/index.js';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { describeGpu } from './helpers.js';

const F = torch.nn.functional;
const flat = async (t: Tensor) => Array.from((await t.flatten().toArray()) as ArrayLike<number>);

async function close(a: Tensor, b: Tensor, tol: number, what: string): Promise<void> {
  const [x, y] = [await flat(a), await flat(b)];
  expect(x.length, what).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(y[i])) {
      expect(x[i], `${what}[${i}]`).toBe(y[i]);
      continue;
    }
    expect(Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])), `${what}[${i}]`).toBeLessThan(tol);
  }
}

/** Runs `f` with the WebGPU routine `name` taken away (the composed path), then puts it back. */
function composed<T>(name: keyof Routines, f: () => T): T {
  const r = webgpuBackend().routines as Record<string, unknown>;
  const saved = r[name];
  r[name] = undefined;
  try {
    return f();
  } finally {
    r[name] = saved;
  }
}

const kernels = (ev: string[]) =>
  ev.filter((e) => !e.startsWith('alloc:') && !e.startsWith('free:') && e !== 'submit');

describeGpu('one-kernel fold (col2im) on webgpu', () => {
  type Case = [string, number[], number[], Record<string, unknown>];
  const cases: Case[] = [
    ['conv2d 3x3 (mnist conv2)', [2, 4, 9, 9], [5, 4, 3, 3], {}],
    [
      'conv2d stride 2, dilation 2, padding 1',
      [2, 3, 11, 10],
      [4, 3, 3, 2],
      { stride: 2, dilation: 2, padding: 1 },
    ],
    ['conv2d stride 3 > kernel 2 (gaps)', [1, 2, 8, 8], [3, 2, 2, 2], { stride: 3 }],
    ['conv1d stride 2', [3, 2, 13], [4, 2, 3], { stride: 2 }],
    ['conv3d kernel 2', [1, 2, 5, 4, 6], [3, 2, 2, 2, 2], {}],
  ];
  const convOf = (n: number) => (n === 3 ? F.conv1d : n === 4 ? F.conv2d : F.conv3d);
  function step(xs: number[], ws: number[], opts: Record<string, unknown>, device: string) {
    torch.manualSeed(7);
    const x = torch.randn(xs).to(device).requiresGrad_();
    const w = torch.randn(ws).to(device).requiresGrad_();
    const y = convOf(xs.length)(x, w, null, opts);
    const r = torch.randn(y.shape).to(device);
    y.mul(r).sum().backward();
    return { y, dx: x.grad!, dw: w.grad! };
  }
  for (const [name, xs, ws, opts] of cases)
    it(`${name}: input gradient = composed fold and CPU`, async () => {
      const f = step(xs, ws, opts, 'webgpu');
      const c = composed('fold', () => step(xs, ws, opts, 'webgpu'));
      const cpu = step(xs, ws, opts, 'cpu');
      await close(f.dx, c.dx, 1e-5, 'dx vs composed');
      await close(f.dx, cpu.dx, 1e-4, 'dx vs cpu');
      await close(f.dw, cpu.dw, 1e-4, 'dw vs cpu');
      await close(f.y, cpu.y, 1e-4, 'y vs cpu');
    });

  it('overlapping average pooling (k 3, stride 2) differentiates through fold', async () => {
    const run = (device: string) => {
      torch.manualSeed(2);
      const x = torch.randn([2, 3, 9, 7]).to(device).requiresGrad_();
      F.avgPool2d(x, 3, { stride: 2 }).pow(2).sum().backward();
      return x.grad!;
    };
    const f = run('webgpu');
    await close(
      f,
      composed('fold', () => run('webgpu')),
      1e-5,
      'vs composed',
    );
    await close(f, run('cpu'), 1e-4, 'vs cpu');
  });

  it('a strided (transposed) gradient input folds right', async () => {
    // fold of a permuted view: the kernel reads g by its strides.
    const g0 = torch.randn([3, 5, 2, 4, 3, 3]).to('webgpu');
    const g = g0.permute([0, 1, 3, 2, 4, 5]).contiguous().permute([0, 1, 3, 2, 4, 5]); // strided view
    const { fold } = await import('../../src/ops/conv.js');
    const f = fold(g, [6, 6], [2, 1], [1, 1]);
    const c = composed('fold', () => fold(g, [6, 6], [2, 1], [1, 1]));
    await close(f, c, 1e-6, 'fold');
    await close(f, fold(await g.toAsync('cpu'), [6, 6], [2, 1], [1, 1]), 1e-6, 'fold vs cpu');
  });

  it('one dispatch where the composed fold records 1 + kh*kw', async () => {
    const g = torch.randn([2, 4, 5, 5, 3, 3]).to('webgpu');
    const { fold } = await import('../../src/ops/conv.js');
    await torch.webgpu.synchronize();
    torch.webgpu.startTrace();
    fold(g, [7, 7], [1, 1], [1, 1]);
    expect(kernels(torch.webgpu.stopTrace()).map((e) => e.split(':')[0])).toEqual(['fold']);
    torch.webgpu.startTrace();
    composed('fold', () => fold(g, [7, 7], [1, 1], [1, 1]));
    expect(kernels(torch.webgpu.stopTrace()).length).toBe(10);
  });
});

describeGpu('fused nll_loss on webgpu', () => {
  afterEach(() => {});
  function run(
    device: string,
    opts: { reduction?: 'mean' | 'sum'; ignoreIndex?: number },
    dtype: 'int64' | 'int32' = 'int64',
    transposed = false,
    ignoreRows: number[] = [],
  ) {
    torch.manualSeed(5);
    const N = 37;
    const C = 11;
    const base = transposed ? torch.randn([C, N]).t() : torch.randn([N, C]);
    const x = F.logSoftmax(base.to(device).requiresGrad_(), { dim: 1 });
    x.retainGrad();
    const t = Array.from({ length: N }, (_, i) =>
      ignoreRows.includes(i) ? (opts.ignoreIndex ?? -100) : (i * 7) % C,
    );
    const target = torch.tensor(t, { dtype }).to(device);
    const loss = F.nllLoss(x, target, opts);
    loss.mul(3).backward();
    return { loss, dx: x.grad! };
  }
  const cases: [string, Parameters<typeof run>][] = [
    ['mean, int64 targets', ['', {}]],
    ['sum, int32 targets', ['', { reduction: 'sum' }, 'int32']],
    ['mean over a transposed (strided) input', ['', {}, 'int64', true]],
    ['mean with ignored rows (ignoreIndex 3)', ['', { ignoreIndex: 3 }, 'int64', false, [0, 5, 6, 30]]],
    ['sum with ignored rows (default -100)', ['', { reduction: 'sum' }, 'int64', false, [1, 2]]],
  ];
  for (const [name, args] of cases)
    it(`${name}: loss and gradient = composed and CPU`, async () => {
      const [, o, d, tr, ig] = args;
      const f = run('webgpu', o, d, tr, ig);
      const c = composed('nllReduced', () => run('webgpu', o, d, tr, ig));
      const cpu = run('cpu', o, d, tr, ig);
      await close(f.loss, c.loss, 1e-6, 'loss vs composed');
      await close(f.loss, cpu.loss, 1e-5, 'loss vs cpu');
      await close(f.dx, c.dx, 1e-6, 'dx vs composed');
      await close(f.dx, cpu.dx, 1e-5, 'dx vs cpu');
    });

  it("a mean over only ignored rows is NaN (PyTorch's 0/0); 'sum' is 0", async () => {
    const x = torch.randn([3, 4]).to('webgpu');
    const t = torch.tensor([-100, -100, -100]).to('webgpu');
    expect(Number.isNaN(await F.nllLoss(x, t).item())).toBe(true);
    expect(await F.nllLoss(x, t, { reduction: 'sum' }).item()).toBe(0);
  });

  it("a target out of range raises nll_loss's error at the next read", async () => {
    const x = torch.randn([3, 4]).to('webgpu');
    const loss = F.nllLoss(x, torch.tensor([1, 9, 0]).to('webgpu'));
    await expect(loss.item()).rejects.toThrow('nll_loss: Target 9 is out of bounds (number of classes 4).');
    // The flag is cleared: the next good call reads fine.
    expect(Number.isFinite(await F.nllLoss(x, torch.tensor([1, 2, 0]).to('webgpu')).item())).toBe(true);
  });

  it('double backward (createGraph) equals the composed one', async () => {
    const grads = (fused: boolean) => {
      const go = () => {
        torch.manualSeed(9);
        const x = torch.randn([6, 6]).to('webgpu').requiresGrad_();
        const lp = F.logSoftmax(x, { dim: 1 });
        const t = torch.tensor([0, 4, 2, -100, 1, 3]).to('webgpu');
        const [gx] = torch.autograd.grad(F.nllLoss(lp, t), [x], { createGraph: true });
        return torch.autograd.grad(gx!.pow(2).sum(), [x])[0]!;
      };
      return fused ? go() : composed('nllReduced', go);
    };
    await close(grads(true), grads(false), 1e-5, 'second derivative');
  });

  it('one dispatch forward, one backward', async () => {
    const x = torch.randn([64, 10]).to('webgpu').requiresGrad_();
    const t = torch.randint(0, 10, [64]).to('webgpu');
    await torch.webgpu.synchronize();
    torch.webgpu.startTrace();
    const loss = F.nllLoss(x, t);
    expect(kernels(torch.webgpu.stopTrace()).map((e) => e.split(':')[0])).toEqual(['nll-reduce']);
    const seed = torch.ones([]).to('webgpu');
    await torch.webgpu.synchronize();
    torch.webgpu.startTrace();
    loss.backward(seed);
    expect(kernels(torch.webgpu.stopTrace()).length).toBe(1);
  });
});
