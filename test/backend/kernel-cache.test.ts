/**
 * Kernels are keyed by structure, not by values (docs/architecture.md, docs/webgpu.md): scalars
 * (a scheduled learning rate, `1/n` of a mean, the `k` of `x.mul(k)`, clamp bounds, pow
 * exponents) reach kernels as parameters, so a warm loop compiles nothing, on every device.
 * And every kernel cache is bounded: filling one past its cap evicts, oldest first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, View } from '../../src/backend/backend.js';
import { jsKernels } from '../../src/backend/cpu/compile.js';
import { wasmEwise } from '../../src/backend/cpu/ewise-wasm.js';
import { cpuBackend, cpuStats, resetCpuStats } from '../../src/backend/cpu/index.js';
import { E, type Ex } from '../../src/backend/expr.js';
import { cacheSizes, setCacheLimits, webgpuBackend } from '../../src/backend/webgpu/index.js';
import * as torch from '../../src/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { testDevices } from '../helpers/devices.js';

const { nn, optim } = torch;

for (const name of testDevices()) {
  const dev = torch.device(name);
  const gpu = name === 'webgpu';
  const sync = () => (gpu ? torch.webgpu.synchronize() : Promise.resolve());
  const reset = () => (gpu ? torch.webgpu.resetStats() : resetCpuStats());
  const compiles = () => (gpu ? torch.webgpu.stats().pipelineCompiles : cpuStats().kernelCompiles);
  /** Compiles during `steps` calls of `body(i)` after `warm` warm-up calls. */
  async function newKernels(body: (i: number) => void, warm = 2, steps = 6): Promise<number> {
    for (let i = 0; i < warm; i++) body(i);
    await sync();
    reset();
    for (let i = warm; i < warm + steps; i++) body(i);
    await sync();
    return compiles();
  }

  describe(`kernels keyed by structure on ${name}`, () => {
    it('x.mul(k), pow, clamp, add, where over changing scalars: 0 new kernels', async () => {
      const x = torch.randn([64, 33], { device: dev });
      const ix = torch.arange(0, 40, { device: dev });
      const n = await newKernels((i) => {
        const k = 1 + i * 1e-3;
        x.mul(k)
          .exp()
          .pow(k)
          .clamp(-i - 1, i + 1)
          .add(i)
          .sub(k)
          .div(k);
        torch
          .where(x.gt(k - 1), x, -k)
          .rsub(k)
          .remainder(k);
        ix.mul(i + 2)
          .add(i)
          .remainder(i + 3)
          .clamp(i, 1000 + i);
      });
      expect(n).toBe(0);
      // The shared kernel is given each call's values.
      const k = 1.5;
      const got = await x.mul(k).clamp(-1.25, 2.5).toArray();
      const want = Array.from((await x.toArray()) as Float32Array);
      expect(Array.from(got as Float32Array)).toEqual(
        want.map((v) => Math.fround(Math.min(2.5, Math.max(-1.25, Math.fround(v * k))))),
      );
    });

    it.each([
      ['composed (foreach: false)', false],
      ['default (fused where the backend has it)', null],
    ] as const)('Adam %s with a scheduler changing lr every step: 0 new kernels', async (_, foreach) => {
      torch.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(12, 8), new nn.ReLU(), new nn.Linear(8, 3)).to(dev);
      const opt = new optim.Adam(model.parameters(), { lr: 0.01, foreach, weightDecay: 1e-4 });
      const sched = new optim.lr_scheduler.ExponentialLR(opt, { gamma: 0.9 });
      const crit = new nn.CrossEntropyLoss();
      const x = torch.randn([16, 12], { device: dev });
      const y = torch.randint(0, 3, [16], { device: dev });
      let loss: Tensor | null = null;
      const n = await newKernels(() => {
        opt.zeroGrad();
        loss = crit.forward(model.forward(x), y);
        loss.backward();
        opt.step();
        sched.step();
      });
      expect(n).toBe(0);
      expect(Number.isFinite(await loss!.item())).toBe(true);
    });

    it('means over varying sizes: 0 new kernels', async () => {
      const sizes = (i: number) => 5 + 7 * i;
      const n = await newKernels(
        (i) => {
          torch.ones([sizes(i)], { device: dev }).mean();
          torch.ones([sizes(i), 3], { device: dev }).mean(0);
          torch.ones([4, sizes(i)], { device: dev }).mean(1, { keepdim: true });
        },
        2,
        8,
      );
      expect(n).toBe(0);
      expect(await torch.arange(0, 9, { device: dev, dtype: 'float32' }).mean().item()).toBe(4);
    });
  });
}

describe('kernel caches are bounded', () => {
  const saved = { js: jsKernels.limit, wasm: wasmEwise.limit };
  afterEach(() => {
    jsKernels.limit = saved.js;
    wasmEwise.limit = saved.wasm;
  });

  it('cpu: JS and wasm kernel caches stay at their caps', () => {
    jsKernels.limit = 8;
    wasmEwise.limit = 8;
    // 20 structures (i + 1 nested negations); f32 compiles to wasm, int32 to JS.
    for (let i = 0; i < 20; i++)
      for (const dtype of ['float32', 'int32'] as const) {
        const [x, o] = [view(cpuBackend, 7, dtype), view(cpuBackend, 7, dtype)];
        cpuBackend.elementwise(nested(i), [x], o);
        cpuBackend.release(x.storage);
        cpuBackend.release(o.storage);
      }
    expect(jsKernels.cached()).toBeLessThanOrEqual(8);
    expect(wasmEwise.cached()).toBeLessThanOrEqual(8);
    expect(cpuStats().cachedKernels).toBeLessThanOrEqual(16);
  });

  it.skipIf(!testDevices().includes('webgpu'))(
    'webgpu: pipelines and bind groups stay at their caps',
    async () => {
      const before = cacheSizes();
      setCacheLimits({ pipelines: 6, bindGroups: 6 });
      try {
        const be = webgpuBackend();
        // 12 structures (pipelines) over 12 size buckets (bind groups).
        for (let i = 0; i < 12; i++) {
          const [x, o] = [view(be, 16 << i, 'float32'), view(be, 16 << i, 'float32')];
          be.elementwise(nested(i), [x], o);
          be.release(x.storage);
          be.release(o.storage);
        }
        await torch.webgpu.synchronize();
        const s = cacheSizes();
        expect(s.pipelines).toBeLessThanOrEqual(6);
        expect(s.bindGroups).toBeLessThanOrEqual(6);
      } finally {
        setCacheLimits({ pipelines: before.maxPipelines, bindGroups: before.maxBindGroups });
      }
    },
  );
});

/** `-(-(...x))`, i + 1 times: a distinct tree structure per i. */
const nested = (i: number): Ex => (i < 0 ? E.input(0) : E.neg(nested(i - 1)));
const view = (be: Backend, n: number, dtype: DType): View => ({
  storage: be.alloc(n, dtype),
  dtype,
  shape: [n],
  strides: [1],
  offset: 0,
});
