/**
 * WebGPU float16 on both paths: native `array<f16>` (the device has shader-f16; lavapipe does)
 * and packed words (TORCHTS_WEBGPU_F16=0, `setHalfNative(false)`). Values are float16, compute
 * is float32 (PyTorch's opmath) on both, so the kernels that read and write float16 themselves on
 * the native path must give bit for bit what the packed path's float32 kernels on widened
 * temporaries give, and what the CPU gives (within float32 summation order for reductions).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { adapterInfo, halfNative, setHalfNative, setMatmulVariant } from '../../src/backend/webgpu/index.js';
import * as torch from '../../src/index.js';
import { decodeHalf, roundHalf } from '../../src/tensor/dtype.js';
import { webgpuAvailable } from '../helpers/devices.js';

const hasF16 = () => !!adapterInfo()?.features.includes('shader-f16');
const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
type Results = ArrayLike<number>[];

/** `f` run on WebGPU on the native path, then on the packed path (each result read to floats). */
async function onBothPaths(f: () => Promise<Results>): Promise<[Results, Results]> {
  const was = setHalfNative(true);
  const on = async (native: boolean) => {
    setHalfNative(native);
    expect(halfNative()).toBe(native && hasF16());
    return f();
  };
  try {
    return [await on(true), await on(false)];
  } finally {
    setHalfNative(was);
  }
}

/**
 * The native path's results `n` bit-equal to the packed path's `p`, and within `rel`·|c| + `abs`
 * of the CPU's `c` (float32 accumulation in another order, one float16 rounding).
 */
function agree(
  c: ArrayLike<number>[],
  n: ArrayLike<number>[],
  p: ArrayLike<number>[],
  rel: number,
  abs: number,
) {
  for (let k = 0; k < c.length; k++) {
    expect(bits(n[k])).toEqual(bits(p[k]));
    for (let i = 0; i < c[k].length; i++)
      expect(Math.abs(n[k][i] - c[k][i])).toBeLessThanOrEqual(Math.abs(c[k][i]) * rel + abs);
  }
}

/** Deterministic values in [-s, s]. */
function values(n: number, seed: number, s = 2): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x / 2147483648) * 2 * s - s;
  });
}

describe.runIf(webgpuAvailable())('webgpu float16: native f16 and packed-word paths', () => {
  afterAll(() => setMatmulVariant('auto'));

  it('llvmpipe offers shader-f16, so float16 is native there unless switched off', () => {
    if (/llvmpipe|lavapipe/i.test(JSON.stringify(adapterInfo()))) expect(hasF16()).toBe(true);
    const was = setHalfNative(false);
    expect(halfNative()).toBe(false);
    setHalfNative(true);
    expect(halfNative()).toBe(hasF16());
    setHalfNative(was);
  });

  it('every float16 bit pattern: loads, stores and float32 -> float16 rounding agree with the CPU bit for bit', async () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const v = Array.from(decodeHalf('float16', all)); // every float16 value, NaNs and infinities
    // float32 values between float16 neighbours: ties (round to even), just above/below, overflow
    const mids: number[] = [];
    for (let h = 0; h < 0x7c00; h++) {
      const a = v[h];
      const b = v[h + 1];
      const m = (a + b) / 2;
      mids.push(m, -m, Math.fround(m + (b - a) / 8), -Math.fround(m - (b - a) / 8));
    }
    mids.push(
      65519.99,
      65520,
      1e9,
      -65520,
      2 ** -25,
      2 ** -26,
      3 * 2 ** -26,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    );
    const run = async (device: 'cpu' | 'webgpu') => {
      const x = torch.tensor(v, { dtype: 'float16', device });
      const m = torch.tensor(mids, { device });
      const odd = x.narrow(0, 1, 65535); // odd offset: elements that share a word with a neighbour
      return [
        await x.clone().toArray(), // f16 load, f16 store
        await odd.mul(1).toArray(),
        await x.float().toArray(), // f16 -> f32: exact
        await m.half().toArray(), // f32 -> f16: round to nearest even, overflow to inf
        await m.narrow(0, 3, 1001).half().toArray(),
        await odd
          .reshape([5, 13107])
          .t()
          .mul(0.1)
          .add(odd.reshape([5, 13107]).t())
          .toArray(), // strided
      ];
    };
    const c = await run('cpu');
    for (const g of await onBothPaths(() => run('webgpu')))
      for (let k = 0; k < c.length; k++) expect(bits(g[k])).toEqual(bits(c[k]));
    // and against the definition: the clone is the identity on every non-NaN pattern
    const id = c[0];
    for (let h = 0; h < 65536; h++) if (!Number.isNaN(v[h])) expect(Object.is(id[h], v[h])).toBe(true);
    expect(Array.from(c[3].slice(0, 8))).toEqual(mids.slice(0, 8).map((x) => roundHalf('float16', x)));
  }, 120_000);

  it('matmul, linear and its gradients write float16 themselves (both kernels, odd shapes and offsets)', async () => {
    // tiled: fewer products (each kernel specialisation compiles for a minute on lavapipe)
    const run = async (device: 'cpu' | 'webgpu', all = true) => {
      const a = torch.tensor(values(37 * 29, 1), { dtype: 'float16', device }).reshape([37, 29]);
      const b = torch
        .tensor(values(29 * 23 + 1, 2), { dtype: 'float16', device })
        .narrow(0, 1, 29 * 23)
        .reshape([29, 23]);
      const w = torch.tensor(values(11 * 29, 3), { dtype: 'float16', device, requiresGrad: true });
      const w2 = w.reshape([11, 29]);
      const bias = torch.tensor(values(12, 4), { dtype: 'float16', device, requiresGrad: true });
      const y = torch.nn.functional.linear(a, w2, bias.narrow(0, 1, 11)); // odd-offset bias
      y.mul(y).sum().backward();
      const r = [await y.toArray(), await w.grad!.toArray(), await bias.grad!.toArray()];
      if (!all) return r;
      return [
        ...r,
        await a.matmul(b).toArray(),
        await a
          .t()
          .matmul(a.narrow(1, 3, 17))
          .toArray(), // transposed, strided
        await torch.bmm(a.narrow(0, 1, 36).reshape([4, 9, 29]), b.unsqueeze(0).expand([4, 29, 23])).toArray(),
      ];
    };
    for (const variant of ['register', 'tiled'] as const) {
      setMatmulVariant(variant);
      const c = await run('cpu', variant === 'register');
      const [n, p] = await onBothPaths(() => run('webgpu', variant === 'register'));
      agree(c, n, p, 2 ** -9, 2 ** -14); // within 2 ulp
    }
  }, 120_000);

  it('reductions read and write float16 themselves (strided, odd offsets, long rows split)', async () => {
    const run = async (device: 'cpu' | 'webgpu') => {
      const x = torch
        .tensor(values(3 * 41 * 37 + 1, 5), { dtype: 'float16', device })
        .narrow(0, 1, 3 * 41 * 37);
      const x3 = x.reshape([3, 41, 37]);
      const long = torch.tensor(values(20001, 6, 0.01), { dtype: 'float16', device }).narrow(0, 1, 20000);
      return [
        await x3.sum(1).toArray(),
        await x3.transpose(0, 2).sum(2).toArray(),
        await x3.mean([0, 2]).toArray(),
        await x3.amax(2).toArray(),
        await x3.amin(0).toArray(),
        await x3.argmax(1).toArray(),
        await x3.narrow(2, 0, 5).prod(2).toArray(),
        await long.sum().toArray(),
        await x3.sum(1, { dtype: 'float32' }).toArray(),
      ];
    };
    const c = await run('cpu');
    agree(c, ...(await onBothPaths(() => run('webgpu'))), 2 ** -9, 2 ** -13);
  }, 120_000);

  it('gather, index_select and embedding copy float16 themselves (strided, odd offsets)', async () => {
    const run = async (device: 'cpu' | 'webgpu') => {
      const all = new Uint16Array(65536).map((_, i) => i);
      const w = torch.tensor(Array.from(decodeHalf('float16', all)), { dtype: 'float16', device }); // NaN, inf, subnormals
      const w2 = w.narrow(0, 1, 63 * 1040).reshape([63, 1040]);
      const ix = torch.tensor([5, 0, 62, 3, 3, 17], { dtype: 'int64', device });
      const g = torch
        .tensor(values(63 * 7, 3, 1), { device })
        .mul(3)
        .floor()
        .add(3)
        .to('int64')
        .reshape([63, 7])
        .clamp(0, 63);
      return [
        await w2.indexSelect(0, ix).toArray(),
        await w2.t().indexSelect(1, ix).toArray(),
        await torch.nn.functional.embedding(ix.reshape([2, 3]), w2.narrow(1, 1, 33)).toArray(),
        await w2.narrow(1, 7, 7).gather(1, g.clamp(0, 6)).toArray(),
      ];
    };
    const c = await run('cpu');
    const [n, p] = await onBothPaths(() => run('webgpu'));
    for (let k = 0; k < c.length; k++) {
      expect(bits(n[k])).toEqual(bits(p[k]));
      expect(bits(n[k])).toEqual(bits(c[k]));
    }
  }, 120_000);

  it('layer norm forward and backward (composed for float16: elementwise and reductions) agree on both paths', async () => {
    const run = async (device: 'cpu' | 'webgpu') => {
      const x = torch
        .tensor(values(5 * 7 * 37 + 1, 11), { dtype: 'float16', device })
        .narrow(0, 1, 5 * 7 * 37)
        .reshape([5, 7, 37])
        .detach()
        .requiresGrad_();
      const ln = new torch.nn.LayerNorm(37).to(device).half();
      const ln2 = new torch.nn.LayerNorm(37, { elementwiseAffine: false }).to(device).half();
      torch.manualSeed(3);
      for (const p of ln.parameters()) torch.nn.init.uniform_(p, -1, 2);
      const y = ln.forward(x);
      const y2 = ln2.forward(x);
      y.mul(y).add(y2.mul(x)).sum().backward();
      const [w, b] = ln.parameters();
      return [
        await y.toArray(),
        await y2.toArray(),
        await x.grad!.toArray(),
        await w.grad!.toArray(),
        await b.grad!.toArray(),
      ];
    };
    const c = await run('cpu');
    agree(c, ...(await onBothPaths(() => run('webgpu'))), 2 ** -8, 2 ** -9);
  }, 120_000);

  it('fused attention forward and backward read and write float16 themselves', async () => {
    const run = async (device: 'cpu' | 'webgpu', causal: boolean, split: boolean) => {
      const t = (n: number, seed: number, shape: number[]) =>
        torch
          .tensor(values(n + 1, seed), { dtype: 'float16', device })
          .narrow(0, 1, n)
          .reshape(shape)
          .detach()
          .requiresGrad_();
      if (split) {
        // nanoGPT's q, k, v: transposed views of one qkv buffer, read in place (one binding)
        const x = t(21 * 3 * 32, 10, [1, 21, 96]);
        const [q, k, v] = x.split(32, 2).map((y) => y.view([1, 21, 2, 16]).transpose(1, 2));
        const o = torch.nn.functional.scaledDotProductAttention(q, k, v, { isCausal: causal });
        o.transpose(1, 2).mul(o.transpose(1, 2)).sum().backward();
        return [await o.toArray(), await x.grad!.toArray()];
      }
      const q = t(2 * 37 * 16, 7, [1, 2, 37, 16]);
      const k = t(2 * 21 * 16, 8, [1, 2, 21, 16]);
      const v = t(2 * 21 * 8, 9, [1, 2, 21, 8]);
      const o = torch.nn.functional.scaledDotProductAttention(q, k, v, { isCausal: causal });
      o.mul(o).sum().backward();
      return [await o.toArray(), await q.grad!.toArray(), await k.grad!.toArray(), await v.grad!.toArray()];
    };
    for (const causal of [false, true])
      for (const split of [false, true]) {
        const c = await run('cpu', causal, split);
        agree(c, ...(await onBothPaths(() => run('webgpu', causal, split))), 2 ** -7, 2 ** -10);
      }
  }, 120_000);
});
