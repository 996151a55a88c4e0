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
import { load } from '../../src/io/index.js';
import type { RawTensor } from '../../src/io/raw-tensor.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadTorchFile } from '../../src/io/torch-zip.js';
import { ZipArchive } from '../../src/io/zip.js';
import type { Tensor } from '../../src/tensor/tensor.js';

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
function instrument() {
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
  return {
    copied: () => copied,
    restore() {
      for (const [name, C] of saved) g[name] = C;
      taProto.slice = taSlice;
      ArrayBuffer.prototype.slice = abSlice;
    },
  };
}

function measure(decode: () => unknown) {
  const probe = instrument();
  try {
    const t0 = performance.now();
    const out = decode();
    return { copied: probe.copied(), ms: performance.now() - t0, out };
  } finally {
    probe.restore();
  }
}

async function measureAsync(decode: () => Promise<unknown>) {
  const probe = instrument();
  try {
    const t0 = performance.now();
    const out = await decode();
    return { copied: probe.copied(), ms: performance.now() - t0, out };
  } finally {
    probe.restore();
  }
}

/**
 * A stored zip whose entries' data start at multiples of 64 bytes, as torch.save writes them
 * (PyTorch pads the local header's extra field, id 'FB'), so tensors can be read in place.
 */
function alignedZip(files: Record<string, Uint8Array>): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0; extra: Record<number, Uint8Array> }]> = {};
  let pos = 0;
  for (const [name, data] of Object.entries(files)) {
    const head = 30 + new TextEncoder().encode(name).length + 4;
    const pad = (64 - ((pos + head) % 64)) % 64;
    entries[name] = [data, { level: 0, extra: { 16966: new Uint8Array(pad) } }];
    pos += head + pad + data.length;
  }
  return zipSync(entries);
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
  let zipFile: Uint8Array | undefined;

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
    const files: Record<string, Uint8Array> = {};
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
      files[`archive/data/${i}`] = new Uint8Array(t.data.buffer);
    });
    ops.push(0x75, 0x2e);
    const file = alignedZip({ 'archive/data.pkl': new Uint8Array(ops), ...files });
    const zip = new ZipArchive(file);
    for (const name of zip.entries.keys()) expect(zip.read(name).byteOffset % 64, name).toBe(0);
    zipFile = file;
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

  it('end to end: torch.load() into CPU tensors, from safetensors and from torch.save zip', async () => {
    for (const [name, file] of [
      ['safetensors', encodeSafetensors(src)],
      ['torch.save zip', zipFile!],
    ] as const) {
      const { copied, ms, out } = await measureAsync(() => load(file, { verifyCrc: false }));
      const ratio = copied / tensorBytes;
      console.log(
        `load() ${name} 100 MiB -> cpu Tensors: copied ${(copied / MB).toFixed(1)} MiB (${ratio.toFixed(3)} copies per tensor) in ${ms.toFixed(0)} ms`,
      );
      expect(ratio).toBeLessThan(1.05);
      const sd = out as Record<string, Tensor>;
      for (const [k, t] of Object.entries(sd)) expect(t.toArraySync()[997]).toBe(src[k].data[997]);
    }
  });
});
