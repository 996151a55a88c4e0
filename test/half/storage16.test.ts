/**
 * float16 / bfloat16 storage is really 16 bits: 2 bytes an element in the CPU heap, in plain
 * arrays and in WebGPU memory; the bit conversions against `roundHalf` (checked against PyTorch
 * in dtype16.test.ts); strided, sliced, transposed views and in-place ops on them (values against
 * float32 math rounded once); the float32 wrapper (reductions, matmul, gather, scatter_add on
 * 16-bit views); both CPU kernel compilers; CPU and WebGPU agreeing bit for bit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { codegen } from '../../src/backend/cpu/compile.js';
import { heap, setWasmKernels } from '../../src/backend/cpu/heap.js';
import { setMatmulVariant } from '../../src/backend/webgpu/index.js';
import * as torch from '../../src/index.js';
import { backendFor } from '../../src/tensor/device.js';
import {
  bfloat16Bits,
  decodeHalf,
  encodeHalf,
  halfBits,
  halfDecodeTable,
  roundHalf,
} from '../../src/tensor/dtype.js';
import { testDevices, webgpuAvailable } from '../helpers/devices.js';

type D = 'float16' | 'bfloat16';
const DTYPES: D[] = ['float16', 'bfloat16'];
const N = 1 << 20;

/** Deterministic test values: normals, tiny values (float16 subnormals), big ones (overflow), ties. */
function values(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    const m = rnd() * 2 - 1;
    out[i] = k === 0 ? m * 4 : k === 1 ? m * 2 ** -(14 + rnd() * 12) : k === 2 ? m * 2 ** (rnd() * 17) : m;
  }
  return out;
}
const rounded = (d: D, a: ArrayLike<number>) => Array.from(a, (x) => roundHalf(d, x));

describe('16-bit words', () => {
  for (const d of DTYPES)
    it(`${d}: encode then decode is roundHalf for every kind of value; decode is exact`, () => {
      const v = values(20000);
      const special = [
        0,
        -0,
        Infinity,
        -Infinity,
        65504,
        65519.9,
        65520,
        2 ** -24,
        2 ** -25,
        3 * 2 ** -25,
        1e-30,
      ];
      const all = Float32Array.from([...v, ...special, ...special.map((x) => -x)]);
      const bits = encodeHalf(d, all, new Uint16Array(all.length));
      const back = decodeHalf(d, bits);
      for (let i = 0; i < all.length; i++) expect(Object.is(back[i], roundHalf(d, all[i]))).toBe(true);
      // every word decodes to a value that encodes back to it (NaNs to the canonical NaN)
      const t = halfDecodeTable(d);
      const enc = d === 'float16' ? halfBits : bfloat16Bits;
      for (let h = 0; h < 65536; h++) {
        if (t[h] !== t[h]) expect(enc(t[h]) & 0x7fff).toBe(d === 'float16' ? 0x7e00 : 0x7fc0);
        else expect(enc(t[h])).toBe(h);
      }
    });
});

describe('16-bit storage bytes', () => {
  afterEach(() => {
    setWasmKernels(true);
  });
  for (const d of DTYPES) {
    it(`${d}: the CPU heap holds 2 bytes an element (float32: 4)`, () => {
      if (!heap) return; // no wasm SIMD: the plain-array test below covers it
      const a0 = heap.allocated;
      const h = torch.zeros([N], { dtype: d });
      const a1 = heap.allocated;
      const f = torch.zeros([N]);
      const a2 = heap.allocated;
      expect(a1 - a0).toBe(2 * N);
      expect(a2 - a1).toBe(4 * N);
      expect(h.elementSize()).toBe(2);
      h.dispose();
      f.dispose();
    });
    it(`${d}: without the heap, a plain Uint16Array of 2 bytes an element`, () => {
      setWasmKernels(false);
      const h = torch.full([1001], 1.5, { dtype: d });
      const data = (h.storage as unknown as { data: ArrayBufferView }).data;
      expect(data).toBeInstanceOf(Uint16Array);
      expect(data.byteLength).toBe(2 * 1001);
      expect(h.add(1).toArraySync()[1000]).toBe(2.5);
    });
  }
  it('webgpu: memoryAllocated grows by 2 bytes an element (float32: 4)', async () => {
    if (!webgpuAvailable()) return;
    for (const d of DTYPES) {
      const a0 = torch.webgpu.memoryAllocated();
      const h = torch.zeros([N], { dtype: d, device: 'webgpu' });
      const a1 = torch.webgpu.memoryAllocated();
      const f = torch.zeros([N], { device: 'webgpu' });
      const a2 = torch.webgpu.memoryAllocated();
      expect(a1 - a0).toBe(2 * N);
      expect(a2 - a1).toBe(4 * N);
      expect(await h.add(1).sum().item()).toBe(d === 'float16' ? Infinity : 1048576);
      h.dispose();
      f.dispose();
    }
  });
});

describe('16-bit views and in-place ops', () => {
  afterEach(() => {
    codegen.mode = 'auto';
    setWasmKernels(true);
  });
  for (const device of testDevices())
    for (const d of DTYPES) {
      it(`${device} ${d}: transposed, sliced, strided views and in-place ops round once`, async () => {
        const v = values(7 * 9, 3);
        const ref = rounded(d, v); // the stored values
        const x = torch.tensor(Array.from(v), { dtype: d, device }).reshape([7, 9]);
        expect(Array.from(await x.toArray())).toEqual(ref);
        // transpose + elementwise: out = x^T * 3 + 1, computed in float32
        // (each op rounds its result, as PyTorch's: mul rounds, then add rounds)
        const t = x.t().mul(3).add(1);
        const want: number[] = [];
        for (let j = 0; j < 9; j++)
          for (let i = 0; i < 7; i++) want.push(roundHalf(d, roundHalf(d, ref[i * 9 + j] * 3) + 1));
        expect(Array.from(await t.toArray())).toEqual(want);
        // read of a non-contiguous 16-bit view: odd offsets, strides 2 and 9
        const col = x.narrow(1, 3, 1).reshape([7]); // stride 9, offset 3
        expect(Array.from(await col.toArray())).toEqual(ref.filter((_, k) => k % 9 === 3));
        const odd = x.reshape([63]).narrow(0, 1, 61).reshape([61]);
        expect(Array.from(await odd.toArray())).toEqual(ref.slice(1, 62));
        // in place on every other element: the neighbours in the same 32-bit word stay
        const y = torch.tensor(Array.from(v), { dtype: d, device });
        const evens = y.narrow(0, 0, 62).reshape([31, 2]).select(1, 0);
        evens.mul_(-2);
        const got = Array.from(await y.toArray());
        for (let k = 0; k < 63; k++)
          expect(got[k]).toBe(k % 2 === 0 && k < 62 ? roundHalf(d, ref[k] * -2) : ref[k]);
        // in place on a transposed slice of a 2-D tensor
        const z = torch.tensor(Array.from(v), { dtype: d, device }).reshape([7, 9]);
        z.t().narrow(0, 2, 3).add_(0.5);
        const gz = Array.from(await z.toArray());
        for (let k = 0; k < 63; k++) {
          const c = k % 9;
          expect(gz[k]).toBe(c >= 2 && c < 5 ? roundHalf(d, ref[k] + 0.5) : ref[k]);
        }
        // copy_ from float32 into a 16-bit slice at an odd offset, and write from the host
        const w = torch.zeros([9], { dtype: d, device });
        w.narrow(0, 1, 5).copy_(torch.tensor([1.1, 2.2, 3.3, 4.4, 5.5], { device }));
        expect(Array.from(await w.toArray())).toEqual(rounded(d, [0, 1.1, 2.2, 3.3, 4.4, 5.5, 0, 0, 0]));
      });

      it(`${device} ${d}: reductions, matmul, gather, scatter_add on 16-bit views accumulate in float32`, async () => {
        const v = values(6 * 8, 5).map((x) => Math.max(-4, Math.min(4, x)));
        const ref = rounded(d, v);
        const x = torch.tensor(Array.from(v), { dtype: d, device }).reshape([6, 8]);
        const xt = x.t(); // [8, 6], strided
        // sum over a strided dim: float32 accumulation, one rounding
        const s = await xt.sum(1).toArray();
        for (let j = 0; j < 8; j++) {
          let acc = 0;
          for (let i = 0; i < 6; i++) acc = Math.fround(acc + ref[i * 8 + j]);
          expect(s[j]).toBeCloseTo(roundHalf(d, acc), 6);
        }
        expect((await xt.sum(1).toArray()).length).toBe(8);
        // matmul of a transposed 16-bit view: float32 products, rounded once
        const m = xt.matmul(x); // [8, 8]
        expect(m.dtype).toBe(d);
        const mv = await m.toArray();
        for (let a = 0; a < 8; a++)
          for (let b = 0; b < 8; b++) {
            let acc = 0;
            for (let i = 0; i < 6; i++) acc += ref[i * 8 + a] * ref[i * 8 + b];
            const want = roundHalf(d, acc);
            expect(Math.abs(mv[a * 8 + b] - want)).toBeLessThanOrEqual(
              Math.abs(want) * (d === 'float16' ? 2 ** -10 : 2 ** -7),
            );
          }
        // gather / index_select of a strided view: exact
        const idx = torch.tensor([5, 0, 3], { dtype: 'int64', device });
        const g = await xt.indexSelect(1, idx).toArray();
        for (let r = 0; r < 8; r++)
          for (let c = 0; c < 3; c++) expect(g[r * 3 + c]).toBe(ref[[5, 0, 3][c] * 8 + r]);
        // scatter_add_ into a 16-bit tensor in place (read-modify-write through the float32 temporary)
        const acc = torch.ones([3, 8], { dtype: d, device });
        const rows = torch.tensor([[0, 1, 2, 0, 1, 2, 0, 1]], { dtype: 'int64', device });
        acc.scatterAdd_(0, rows, x.narrow(0, 2, 1));
        const av = await acc.toArray();
        for (let c = 0; c < 8; c++)
          for (let r = 0; r < 3; r++)
            expect(av[r * 8 + c]).toBe(r === [0, 1, 2, 0, 1, 2, 0, 1][c] ? roundHalf(d, 1 + ref[16 + c]) : 1);
        // max / argmax: exact
        expect(Array.from(await x.amax(1).toArray())).toEqual(
          Array.from({ length: 6 }, (_, i) => Math.max(...ref.slice(i * 8, i * 8 + 8))),
        );
      });
    }

  for (const mode of ['source', 'closure'] as const)
    it(`cpu, ${mode} kernels, wasm off: 16-bit elementwise decodes and encodes alike`, () => {
      codegen.mode = mode;
      setWasmKernels(false);
      for (const d of DTYPES) {
        const v = values(257, 7);
        const x = torch.tensor(Array.from(v), { dtype: d });
        const y = x.mul(x).sub(0.25).toArraySync();
        const ref = rounded(d, v);
        expect(Array.from(y)).toEqual(ref.map((a) => roundHalf(d, roundHalf(d, a * a) - 0.25)));
        // mixed 16-bit and float32 operands: the float32 result is not rounded
        const f = x
          .float()
          .add(torch.tensor(Array.from(v)))
          .toArraySync();
        expect(Array.from(f)).toEqual(ref.map((a, i) => Math.fround(a + v[i])));
      }
    });
});

describe('CPU and WebGPU agree bit for bit', () => {
  it('elementwise, casts, reductions and matmul on 16-bit tensors', async () => {
    if (!webgpuAvailable()) return;
    for (const d of DTYPES) {
      const v = Array.from(values(40 * 24, 11));
      const run = async (device: 'cpu' | 'webgpu') => {
        const x = torch.tensor(v, { dtype: d, device }).reshape([40, 24]);
        const y = x.t().contiguous().mul(1.5).sub(x.t()).div(3).abs().sqrt();
        const xc = x.clamp(-4, 4); // no overflow in the products
        const z = xc.narrow(0, 3, 24).matmul(xc.t().narrow(0, 0, 24).t().narrow(0, 0, 24)); // [24, 24]
        return [
          await y.toArray(),
          await x.float().toArray(),
          await torch.tensor(v, { device }).to(d).toArray(),
          await x.sum(0).toArray(),
          await z.float().toArray(),
          // linear with a 16-bit bias at an odd offset (decoded by the matmul kernel on WebGPU)
          await torch.nn.functional
            .linear(xc.narrow(0, 0, 8), xc.narrow(0, 8, 5), xc.narrow(0, 13, 1).reshape([24]).narrow(0, 1, 5))
            .float()
            .toArray(),
        ];
      };
      const c = await run('cpu');
      // both WebGPU matmul kernels decode 16-bit operands themselves (register: scalar loads)
      for (const variant of ['register', 'tiled'] as const) {
        setMatmulVariant(variant);
        const g = await run('webgpu');
        setMatmulVariant('auto');
        for (let k = 0; k < 4; k++) expect(Array.from(g[k])).toEqual(Array.from(c[k]));
        // matmul: both accumulate in float32 (order may differ), then one rounding: within 1 ulp
        const eps = d === 'float16' ? 2 ** -10 : 2 ** -7;
        for (const k of [4, 5])
          for (let i = 0; i < c[k].length; i++)
            expect(Math.abs(g[k][i] - c[k][i])).toBeLessThanOrEqual(Math.abs(c[k][i]) * eps + 1e-6);
      }
    }
  }, 300_000); // many pipelines to compile on a loaded software adapter
});

describe('host writes into 16-bit storage', () => {
  for (const device of testDevices())
    it(`${device}: writes at odd offsets and lengths leave the neighbours in a word alone`, async () => {
      const be = backendFor(device);
      for (const d of DTYPES) {
        const s = be.alloc(7, d);
        be.write(s, new Float32Array([1, 2, 3, 4, 5, 6, 7]));
        be.write(s, new Float32Array([0.1, 0.2]), 3); // odd offset, even length
        be.write(s, new Float32Array([0.3]), 0); // even offset, odd length, not at the end
        be.write(s, new Float32Array([0.7]), 6); // the last element
        const got = await be.read({ storage: s, dtype: d, shape: [7], strides: [1], offset: 0 });
        expect(Array.from(got)).toEqual(rounded(d, [0.3, 2, 3, 0.1, 0.2, 6, 0.7]));
        const mid = await be.read({ storage: s, dtype: d, shape: [3], strides: [1], offset: 3 });
        expect(Array.from(mid)).toEqual(rounded(d, [0.1, 0.2, 6]));
        expect(() => be.write(s, new Float32Array(3), 5)).toThrow(RangeError);
        be.release(s);
      }
    });
});
