/**
 * Loading a 100 MB checkpoint copies each tensor at most once.
 *
 * Measured by counting, during the load, every byte that goes into new memory: typed arrays and
 * ArrayBuffers constructed with their own storage, and every typed-array/ArrayBuffer `slice`
 * (the global constructors are wrapped for the duration; GC cannot hide a copy from a count, as
 * it can from a memory reading). One copy per tensor is exactly the tensors' bytes. A negative
 * control checks that the counter sees copies. Timing against a plain memcpy is logged too.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { RawTensor } from '../../src/io/raw-tensor.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadTorchFile } from '../../src/io/torch-zip.js';

const MB = 2 ** 20;
const TENSORS = 25;
const PER = (4 * MB) / 4; // 1 Mi float32 each: 25 x 4 MiB = 100 MiB

const CTORS = [
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Uint8ClampedArray',
  'DataView',
  'ArrayBuffer',
] as const;

/**
 * Runs `decode` and counts the bytes it copies into new memory: every typed array or
 * ArrayBuffer constructed with its own storage (a length or a source to copy, not a view of an
 * existing buffer), and every `slice` of a typed array or ArrayBuffer. GC cannot hide a copy
 * from this count, unlike a memory reading.
 */
function measure(decode: () => unknown) {
  let copied = 0;
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  const taProto = Object.getPrototypeOf(Uint8Array.prototype) as {
    slice: (...a: unknown[]) => ArrayBufferView;
  };
  const taSlice = taProto.slice;
  const abSlice = ArrayBuffer.prototype.slice;
  for (const name of CTORS) {
    const C = g[name] as new (...a: unknown[]) => ArrayBufferView | ArrayBuffer;
    saved.set(name, C);
    g[name] = new Proxy(C, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
        const a0 = args[0];
        if (!(a0 instanceof ArrayBuffer || a0 instanceof SharedArrayBuffer))
          copied += 'byteLength' in made ? made.byteLength : 0;
        return made;
      },
    });
  }
  taProto.slice = function (this: ArrayBufferView, ...a: unknown[]) {
    const r = taSlice.apply(this, a);
    copied += r.byteLength;
    return r;
  };
  ArrayBuffer.prototype.slice = function (this: ArrayBuffer, ...a: [number?, number?]) {
    const r = abSlice.apply(this, a);
    copied += r.byteLength;
    return r;
  };
  try {
    const t0 = performance.now();
    const out = decode();
    return { copied, ms: performance.now() - t0, out };
  } finally {
    for (const [name, C] of saved) g[name] = C;
    taProto.slice = taSlice;
    ArrayBuffer.prototype.slice = abSlice;
  }
}

function memcpyMs(bytes: Uint8Array): number {
  const t0 = performance.now();
  new Uint8Array(bytes.length).set(bytes);
  return performance.now() - t0;
}

describe('a 100 MB checkpoint is copied once per tensor', () => {
  const src: Record<string, RawTensor> = {};
  for (let i = 0; i < TENSORS; i++) {
    const data = new Float32Array(PER);
    for (let j = 0; j < PER; j += 997) data[j] = i + j;
    src[`layer${i}.weight`] = { dtype: 'float32', shape: [1024, 1024], data };
  }
  const tensorBytes = TENSORS * PER * 4;

  it('the counter sees copies (negative control)', () => {
    const b = new Uint8Array(1000);
    expect(measure(() => b.slice()).copied).toBe(1000);
    expect(measure(() => new Float32Array(new Float32Array(10))).copied).toBe(80);
    expect(measure(() => new Float32Array(b.buffer, 0, 100)).copied).toBe(0); // a view is not a copy
    expect(measure(() => new Uint8Array(b.buffer.slice(0, 10))).copied).toBe(10);
  });

  it('safetensors', () => {
    const file = encodeSafetensors(src);
    const { copied: allocated, ms, out } = measure(() => decodeSafetensors(file));
    const { tensors } = out as ReturnType<typeof decodeSafetensors>;
    const ratio = allocated / tensorBytes;
    console.log(
      `safetensors 100 MiB: copied ${(allocated / MB).toFixed(1)} MiB for ${(tensorBytes / MB).toFixed(0)} MiB of tensors ` +
        `(${ratio.toFixed(3)} copies per tensor), decode ${ms.toFixed(0)} ms vs memcpy ${memcpyMs(file).toFixed(0)} ms`,
    );
    expect(ratio).toBeGreaterThan(0.95);
    expect(ratio).toBeLessThan(1.05);
    for (const [k, t] of Object.entries(tensors)) {
      expect(t.data.buffer).not.toBe(file.buffer); // an owned copy, not a view pinning the file
      expect(t.data.buffer.byteLength).toBe(PER * 4); // exactly the tensor, no oversized staging buffer
      expect(t.data[997]).toBe(src[k].data[997]);
    }
  });

  it('torch.save zip (stored entries are read in place)', () => {
    // data.pkl for {name: tensor} built with the same opcodes torch.save emits
    const enc = new TextEncoder();
    const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
    const str = (s: string) => [0x58, ...u32(enc.encode(s).length), ...enc.encode(s)];
    const glob = (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)];
    const ops: number[] = [0x80, 2, 0x7d, 0x28];
    const files: Record<string, [Uint8Array, { level: 0 }]> = {};
    Object.entries(src).forEach(([name, t], i) => {
      ops.push(...str(name), ...glob('torch._utils', '_rebuild_tensor_v2'), 0x28);
      ops.push(
        0x28,
        ...str('storage'),
        ...glob('torch', 'FloatStorage'),
        ...str(String(i)),
        ...str('cpu'),
        0x4a,
        ...u32(PER),
        0x74,
        0x51,
      );
      ops.push(
        0x4a,
        ...u32(0),
        0x4a,
        ...u32(1024),
        0x4a,
        ...u32(1024),
        0x86,
        0x4a,
        ...u32(1024),
        0x4a,
        ...u32(1),
        0x86,
        0x89,
      );
      ops.push(...glob('collections', 'OrderedDict'), 0x29, 0x52, 0x74, 0x52);
      files[`archive/data/${i}`] = [new Uint8Array(t.data.buffer), { level: 0 }];
    });
    ops.push(0x75, 0x2e);
    files['archive/data.pkl'] = [new Uint8Array(ops), { level: 0 }];
    const file = zipSync(files);
    const { copied: allocated, ms, out } = measure(() => loadTorchFile(file, { verifyCrc: false }));
    const ratio = allocated / tensorBytes;
    const crc = measure(() => loadTorchFile(file));
    console.log(
      `torch.save zip 100 MiB: copied ${(allocated / MB).toFixed(1)} MiB for ${(tensorBytes / MB).toFixed(0)} MiB of tensors ` +
        `(${ratio.toFixed(3)} copies per tensor), load ${ms.toFixed(0)} ms (${crc.ms.toFixed(0)} ms with CRC-32 checks) vs memcpy ${memcpyMs(file).toFixed(0)} ms`,
    );
    expect(ratio).toBeGreaterThan(0.95);
    expect(ratio).toBeLessThan(1.05);
    expect(crc.copied / tensorBytes).toBeLessThan(1.05);
    const tensors = out as Record<string, RawTensor>;
    for (const [k, t] of Object.entries(tensors)) {
      expect(t.data.buffer.byteLength).toBe(PER * 4);
      expect(t.data[1994]).toBe(src[k].data[1994]);
    }
  });
});
