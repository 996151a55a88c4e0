/**
 * The CPU backend's heap and wasm SIMD kernels against its JS path: the heap allocator and its
 * views across growth, the SIMD elementwise compiler on awkward data (NaN, +-Inf, +-0, odd
 * lengths, unaligned offsets, broadcasts), the fused optimizer update, and the whole library
 * with the wasm kernels switched off (the path of engines without wasm SIMD).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { contiguousStrides } from '../../../src/backend/backend.js';
import { compileElementwise } from '../../../src/backend/cpu/compile.js';
import { elementwiseWasm } from '../../../src/backend/cpu/ewise-wasm.js';
import { classSize, Heap, heap, setWasmKernels, wasmKernels } from '../../../src/backend/cpu/heap.js';
import { type CpuStorage, cpuBackend, HeapStorage, heapAddr } from '../../../src/backend/cpu/index.js';
import { constantsOf, E, type Ex } from '../../../src/backend/expr.js';
import * as torch from '../../../src/index.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { programOf } from '../../helpers/update-programs.js';

const hasHeap = heap !== undefined;

describe.skipIf(!hasHeap)('CPU heap', () => {
  it('rounds sizes to classes of at most 25% slack, 16-byte granular', () => {
    for (const b of [1, 15, 16, 17, 255, 256, 257, 1000, 4096, 4097, 100352 * 4, 3e8]) {
      const c = classSize(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c % 16).toBe(0);
      expect(c).toBeLessThanOrEqual(Math.max(16, b * 1.25 + 16));
      expect(classSize(c)).toBe(c); // idempotent: release() finds the list alloc() took from
    }
  });

  it('reuses freed blocks of the same class, bumps and grows for new ones', () => {
    const h = new Heap({ min: 1 }, 1);
    const a = h.alloc(1000);
    const b = h.alloc(1000);
    expect(b).toBeGreaterThanOrEqual(a + 1000);
    expect(a % 64).toBe(0);
    h.release(a, 1000);
    expect(h.alloc(990)).toBe(a); // same class
    const epoch = h.epoch;
    const big = h.alloc(200_000); // past the first 64 KiB page
    expect(big).toBeGreaterThan(0);
    expect(h.epoch).toBeGreaterThan(epoch);
    expect(h.byteLength).toBeGreaterThanOrEqual(big + 200_000);
    expect(h.allocated).toBe(2 * classSize(1000) + classSize(200_000));
  });

  it('gives -1 when the memory cannot grow (the backend then uses a plain array)', () => {
    const h = new Heap({ min: 1, max: 2 }, 1);
    expect(h.alloc(100_000)).toBeGreaterThan(0);
    expect(h.alloc(100_000)).toBe(-1);
  });

  it('storage views survive growth of a plain (detaching) memory and of the shared one', () => {
    for (const spec of [{ min: 1 }, { min: 1, max: 1024, shared: true }]) {
      const h = new Heap(spec, 1);
      const s = new HeapStorage('float32', 10, h.alloc(40), h);
      const before = s.data;
      before.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      h.alloc(1 << 20); // grows: a plain memory detaches `before`
      if (!spec.shared) expect(before.length).toBe(0);
      expect(Array.from(s.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(h.owns(s.data as Float32Array)).toBe(true);
      expect(h.owns(new Float32Array(4))).toBe(false);
      s.release();
      expect(s.data).toBeNull(); // released: any use fails loudly
    }
  });

  it('CPU tensors live in the heap and their storage returns to it', () => {
    const before = heap!.allocated;
    const t = torch.randn([33, 7]);
    expect((t.storage as CpuStorage).heapOff).toBeGreaterThan(0);
    expect(heap!.allocated).toBe(before + classSize(33 * 7 * 4));
    t.dispose();
    expect(heap!.allocated).toBe(before);
  });
});

// ---- SIMD elementwise vs the JS path ----

/** Values that break careless kernels, then random ones. */
function values(n: number, seed: number, dtype: DType): number[] {
  const special = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0,
    -0,
    1,
    -1,
    0.5,
    -2.5,
    1e-40,
    3.5,
  ];
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const r = s / 2 ** 32;
    if (dtype === 'bool') out.push(r < 0.5 ? 1 : 0);
    else out.push(r < 0.3 ? special[(s >>> 8) % special.length] : (r - 0.5) * 8);
  }
  return out;
}

/** A heap view of `shape` at element offset `off` into a larger storage, filled with `vals`. */
function heapView(dtype: DType, shape: number[], strides: number[], off: number, vals: number[]): View {
  const span = off + shape.reduce((a, d, i) => a + (d - 1) * strides[i], 0) + 1;
  const s = cpuBackend.alloc(span + 3, dtype);
  const d = (s as CpuStorage).data;
  d.fill(0);
  for (let i = 0; i < vals.length && i < d.length - off; i++) d[off + i] = vals[i];
  return { storage: s, dtype, shape, strides, offset: off };
}

/** The JS path into a plain copy of `out`. */
function jsResult(e: Ex, ins: View[], out: View): ArrayLike<number> {
  const copy = (v: View) => Array.from((v.storage as CpuStorage).data);
  const o = Float64Array.from(copy(out)); // any array works for the JS kernel
  const k = compileElementwise(
    e,
    ins.map((v) => v.dtype),
    out.dtype,
  );
  const shape = out.shape.length ? out.shape.slice() : [1];
  const st = (v: View) => (v.shape.length ? v.strides.slice() : [0]);
  k(
    [o, ...ins.map(copy)],
    [out.offset, ...ins.map((v) => v.offset)],
    [st(out), ...ins.map(st)],
    shape,
    constantsOf(e),
  );
  return out.dtype === 'float32' ? Float32Array.from(o) : out.dtype === 'bool' ? Uint8Array.from(o) : o;
}

const x = E.input(0);
const y = E.input(1);
const z = E.input(2);
/** [name, tree, input dtypes, out dtype, exact]: exact = one rounding, so bit-identical to JS. */
const cases: [string, Ex, DType[], DType, boolean][] = [
  ['add', E.add(x, y), ['float32', 'float32'], 'float32', true],
  ['sub', E.sub(x, y), ['float32', 'float32'], 'float32', true],
  ['mul', E.mul(x, y), ['float32', 'float32'], 'float32', true],
  ['div', E.div(x, y), ['float32', 'float32'], 'float32', true],
  ['maximum', E.max(x, y), ['float32', 'float32'], 'float32', true],
  ['minimum', E.min(x, y), ['float32', 'float32'], 'float32', true],
  ['relu', E.where(E.lt(x, 0), 0, x), ['float32'], 'float32', true],
  ['neg', E.neg(x), ['float32'], 'float32', true],
  ['abs', E.abs(x), ['float32'], 'float32', true],
  ['sqrt', E.sqrt(x), ['float32'], 'float32', true],
  ['sign', E.sign(x), ['float32'], 'float32', true],
  [
    'floor/ceil/trunc',
    E.add(E.floor(x), E.mul(E.ceil(x), E.trunc(y))),
    ['float32', 'float32'],
    'float32',
    false,
  ],
  ['round (half to even)', E.round(E.mul(x, 2)), ['float32'], 'float32', true],
  ['recip', E.recip(x), ['float32'], 'float32', true],
  ['rsqrt', E.rsqrt(x), ['float32'], 'float32', false],
  ['gt -> bool', E.gt(x, 0), ['float32'], 'bool', true],
  [
    'compare all',
    E.and(E.or(E.le(x, y), E.ge(x, 1)), E.xor(E.eq(x, y), E.ne(y, -1))),
    ['float32', 'float32'],
    'bool',
    true,
  ],
  ['isnan/isinf/not', E.or(E.isnan(x), E.not(E.isinf(y))), ['float32', 'float32'], 'bool', true],
  ['where(bool, f, f)', E.where(z, x, y), ['float32', 'float32', 'bool'], 'float32', true],
  ['relu backward', E.mul(x, E.cast('f32', E.gt(y, 0))), ['float32', 'float32'], 'float32', true],
  ['bool mask * f32', E.mul(x, z), ['float32', 'float32', 'bool'], 'float32', true],
  ['f32 -> bool cast', E.cast('bool', x), ['float32'], 'bool', true],
  ['bool copy', x, ['bool'], 'bool', true],
  ['f32 copy', x, ['float32'], 'float32', true],
  [
    'constant-only subtrees',
    // a constant-only condition is a number (nonzero: true), not a mask: where(1.0, y, x) is y
    E.where(E.gt(x, 0), E.mul(E.add(2, 3), y), E.where(E.add(0.5, 0.5), y, x)),
    ['float32', 'float32'],
    'float32',
    true,
  ],
  ['sgd-like axpy', E.add(x, E.mul(y, -0.01)), ['float32', 'float32'], 'float32', false],
  [
    'cross-entropy grad',
    E.mul(E.where(E.eq(y, -100), 0, E.sub(x, E.cast('f32', E.eq(y, 3)))), 0.25),
    ['float32', 'float32'],
    'float32',
    false,
  ],
];

function same(a: number, b: number, exact: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  // fused trees: wasm rounds to float32 at every node, JS once at the end
  return !exact && Math.abs(a - b) <= 4 * 2 ** -23 * Math.max(Math.abs(a), Math.abs(b), 1e-30);
}

describe.skipIf(!hasHeap)('SIMD elementwise kernels agree with the JS path', () => {
  const layouts: [string, (n: number) => { shape: number[]; inStrides: (i: number) => number[] }][] = [
    ['contiguous', (n) => ({ shape: [n], inStrides: () => [1] })],
    ['scalar broadcast', (n) => ({ shape: [n], inStrides: (i) => [i === 1 ? 0 : 1] })],
    ['row broadcast [3, n] + [n]', (n) => ({ shape: [3, n], inStrides: (i) => (i === 1 ? [0, 1] : [n, 1]) })],
    [
      'column broadcast [n, 5] + [n, 1]',
      (n) => ({ shape: [n, 5], inStrides: (i) => (i === 1 ? [1, 0] : [5, 1]) }),
    ],
  ];
  for (const [name, e, ins, outDtype, exact] of cases)
    it(name, () => {
      for (const [lname, layout] of layouts)
        for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 37, 64])
          for (const off of [0, 1, 3]) {
            const { shape, inStrides } = layout(n);
            const views = ins.map((dt, i) =>
              heapView(dt, shape, inStrides(i), off + i, values(200, 7 * n + i + off, dt)),
            );
            const out = heapView(
              outDtype,
              shape,
              contiguousStrides(shape),
              (off + 2) % 4,
              values(200, 3, outDtype),
            );
            const expected = jsResult(e, views, out);
            if (!elementwiseWasm(e, views, out, heapAddr)) throw new Error(`${lname} n=${n}: not taken`);
            const got = (out.storage as CpuStorage).data;
            for (let i = 0; i < got.length; i++)
              if (!same(got[i], expected[i], exact))
                throw new Error(
                  `${name} ${lname} n=${n} off=${off}: [${i}] wasm ${got[i]} vs js ${expected[i]}`,
                );
            for (const v of [...views, out]) cpuBackend.release(v.storage);
          }
    });

  it('leaves int32 math, strided inputs and functions without a SIMD instruction to JS', () => {
    const f = heapView('float32', [8], [1], 0, values(8, 1, 'float32'));
    const i = heapView('int32', [8], [1], 0, values(8, 1, 'int32'));
    const strided = heapView('float32', [8], [2], 0, values(16, 1, 'float32'));
    expect(elementwiseWasm(E.log(x), [f], f, heapAddr)).toBe(false);
    expect(elementwiseWasm(E.add(x, 1), [i], i, heapAddr)).toBe(false);
    expect(elementwiseWasm(E.add(x, 1), [strided], f, heapAddr)).toBe(false);
    expect(elementwiseWasm(E.add(x, 1), [f], f, heapAddr)).toBe(true);
  });
});

// ---- optimizer update programs: one wasm pass vs the steps one by one (optim/fused.test.ts) ----

describe.skipIf(!hasHeap)('updateInPlace: one wasm SIMD pass per parameter', () => {
  afterEach(() => {
    setWasmKernels(true);
  });
  const kinds: [string, Record<string, number>, number][] = [
    ['sgd', { lr: 0.1, step: 1 }, 0],
    ['sgd', { lr: 0.05, momentum: 0.9, nesterov: 1, weightDecay: 0.01, step: 1 }, 1],
    ['sgd', { lr: 0.05, momentum: 0.9, dampening: 0.5, maximize: 1, step: 3 }, 1],
    ['adam', { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 2 }, 2],
    ['adam', { lr: 1e-2, beta1: 0.3, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, amsgrad: 1, step: 5 }, 3],
    ['adamw', { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, maximize: 1, step: 1 }, 2],
  ];
  for (const [kind, hyper, nState] of kinds)
    it(`${kind} ${JSON.stringify(hyper)}: bit for bit the steps one by one; JS within an ulp or so`, () => {
      const steps = programOf(kind, hyper);
      const run = (how: 'fused' | 'steps' | 'js') => {
        setWasmKernels(how !== 'js');
        const sizes = [1, 3, 4, 37, 130];
        const mk = (n: number, seed: number, pos = false) => {
          const t = torch.randn([n], { generator: new torch.Generator(seed) });
          return pos ? t.abs() : t;
        };
        const sets = sizes.map((n, i) => [
          mk(n, i),
          mk(n, 100 + i),
          ...Array.from({ length: nState }, (_, k) => mk(n, 200 + 10 * i + k, k > 0)),
        ]);
        if (how === 'steps')
          for (const vs of sets) for (const s of steps) cpuBackend.elementwise(s.e, vs, vs[s.slot]);
        else cpuBackend.routines!.updateInPlace!(steps, sets);
        expect((sets[0][0].storage as CpuStorage).heapOff >= 0).toBe(how !== 'js');
        return sets.flat().map((t) => Array.from(t.toArraySync() as Float32Array));
      };
      const fused = run('fused');
      expect(fused).toEqual(run('steps'));
      const js = run('js');
      fused.forEach((row, i) => {
        row.forEach((v, j) => {
          expect(Math.abs(v - js[i][j])).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(v)));
        });
      });
    });
});

describe('the pure JS path (no wasm SIMD) trains like the wasm path', () => {
  afterEach(() => {
    setWasmKernels(true);
  });
  it('switching the kernels off gives plain arrays and the same training trajectory', () => {
    const train = (wasm: boolean) => {
      setWasmKernels(wasm);
      torch.manualSeed(5);
      const model = new torch.nn.Sequential(
        new torch.nn.Linear(20, 16),
        new torch.nn.ReLU(),
        new torch.nn.Linear(16, 4),
      );
      const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const g = new torch.Generator(1);
      const losses: number[] = [];
      for (let k = 0; k < 5; k++) {
        const xb = torch.randn([8, 20], { generator: g });
        const yb = torch.randint(0, 4, [8], { generator: g });
        opt.zeroGrad();
        const loss = torch.nn.functional.crossEntropy(model(xb), yb);
        loss.backward();
        opt.step();
        losses.push(loss.itemSync());
      }
      const plain = (model.parameters()[0].storage as CpuStorage).heapOff < 0;
      return { losses, plain };
    };
    const js = train(false);
    expect(js.plain).toBe(true);
    expect(wasmKernels.enabled).toBe(false);
    const w = train(true);
    expect(w.plain).toBe(!hasHeap);
    for (let k = 0; k < 5; k++) expect(w.losses[k]).toBeCloseTo(js.losses[k], 5);
  });
});

describe.skipIf(!hasHeap)('wasm sums and row gathers agree with the JS path', () => {
  afterEach(() => {
    setWasmKernels(true);
  });
  const both = (f: () => torch.Tensor): [number[], number[]] => {
    setWasmKernels(true);
    const w = Array.from(f().toArraySync());
    setWasmKernels(false);
    const j = Array.from(f().toArraySync());
    setWasmKernels(true);
    return [w, j];
  };
  it('sum over rows, columns (bias gradients), all, with NaN/Inf and odd sizes', () => {
    for (const [r, c] of [
      [1, 1],
      [3, 5],
      [64, 128],
      [7, 13],
      [64, 10],
      [2, 0],
    ]) {
      const data = values(r * c, r + c, 'float32').map((v, i) => (i % 7 === 0 ? v : (v % 3) * 1.1));
      const mk = () => torch.tensor(data).reshape([r, c]);
      for (const f of [
        () => mk().sum(0),
        () => mk().sum(1),
        () => mk().sum(),
        () => mk().t().sum(1),
        () => mk().mean(1),
      ]) {
        const [w, j] = both(f);
        expect(w.length).toBe(j.length);
        w.forEach((v, i) => {
          if (!same(v, j[i], false)) throw new Error(`[${r}, ${c}] ${f}: [${i}] wasm ${v} vs js ${j[i]}`);
        });
      }
    }
  });
  it('index_select of whole rows copies the same bytes', () => {
    const data = torch.randn([50, 33], { generator: new torch.Generator(2) });
    const idx = torch.tensor([3, 0, 49, 3, 17], { dtype: 'int32' });
    const [w, j] = both(() => torch.indexSelect(data, 0, idx));
    expect(w).toEqual(j);
    expect(() => torch.indexSelect(data, 0, torch.tensor([50], { dtype: 'int32' }))).toThrow(/out of bounds/);
  });
});
