import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { CheckpointError } from '../../src/io/errors.js';
import type { RawTensor } from '../../src/io/raw-tensor.js';
import { decodeSafetensors, encodeSafetensors, MAX_TENSORS } from '../../src/io/safetensors.js';
import {
  expectDescribed,
  expected,
  f32le,
  fixture,
  readSafetensorsIndependently,
  trajectoryInit,
} from './helpers.js';

const f32 = (shape: number[], v: number[]): RawTensor => ({
  dtype: 'float32',
  shape,
  data: new Float32Array(v),
});
const i32 = (shape: number[], v: number[]): RawTensor => ({ dtype: 'int32', shape, data: new Int32Array(v) });
const bool = (shape: number[], v: number[]): RawTensor => ({ dtype: 'bool', shape, data: new Uint8Array(v) });

/** A safetensors file from a header (object or raw text) and a data section of `dataLen` bytes. */
function build(header: unknown, dataLen: number, headerLen?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, headerLen ?? BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

function expectCheckpointError(f: () => unknown, msg: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a CheckpointError').toBeInstanceOf(CheckpointError);
  expect((err as Error).message).toMatch(msg);
}

describe('decodeSafetensors on files PyTorch wrote', () => {
  it('simplenet.safetensors equals the simplenet/sgd init tensors exactly', () => {
    const { tensors, metadata } = decodeSafetensors(fixture('pytorch/simplenet.safetensors'));
    const init = trajectoryInit('simplenet/sgd');
    expect(Object.keys(tensors)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    for (const [k, v] of Object.entries(init)) {
      expect(tensors[k].dtype).toBe('float32');
      expect(tensors[k].shape).toEqual(v.shape);
      expect(tensors[k].data).toEqual(v.data);
    }
    expect(metadata).toEqual({ format: 'pt' });
  });

  it('reads every dtype the reference writer produces, keeping it', () => {
    const { tensors, metadata } = decodeSafetensors(fixture('io/dtypes.safetensors'));
    expect(metadata).toEqual({ note: 'every dtype torchts reads' });
    const want = expected.dtypes as { dict: Record<string, never> };
    // the file is in the writer's order (by alignment, then name); compare per name
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(want.dict).sort());
    for (const k of Object.keys(want.dict)) expectDescribed(tensors[k], want.dict[k], k);
  });

  it('re-encodes files of the reference writer (safetensors 0.8.0) byte for byte', () => {
    for (const [file, meta] of [
      ['io/reference.safetensors', true],
      ['io/reference-nometa.safetensors', false],
    ] as const) {
      const bytes = fixture(file);
      const { tensors, metadata } = decodeSafetensors(bytes);
      expect(metadata).toEqual(meta ? { format: 'pt' } : undefined);
      expectDescribed(tensors, reorder(tensors));
      const again = encodeSafetensors(tensors, metadata);
      expect(Buffer.from(again).equals(Buffer.from(bytes)), file).toBe(true);
    }
  });
});

/** expected.json lists the reference tensors in Python's insertion order; the file is in writer order. */
function reorder(tensors: Record<string, RawTensor>) {
  const want = (expected.reference as { dict: Record<string, never> }).dict;
  expect(Object.keys(tensors).sort()).toEqual(Object.keys(want).sort());
  return { dict: Object.fromEntries(Object.keys(tensors).map((k) => [k, want[k]])) };
}

describe('encodeSafetensors layout, checked by an independent reader', () => {
  const tensors: Record<string, RawTensor> = {
    'b"q\nuote': f32([2], [1.5, -2]),
    mask: bool([2, 2], [1, 0, 0, 1]),
    'a.weight': f32([2, 3], [1, 2, 3, 4, 5, 6]),
    steps: i32([3], [7, -8, 2147483647]),
    é: f32([], [3]),
    empty: f32([0, 4], []),
    'a.bias': f32([1], [0.25]),
  };
  const bytes = encodeSafetensors(tensors, { format: 'pt', 'key "x"': 'va\u00e9lue\n' });
  const r = readSafetensorsIndependently(bytes);

  it('8-byte little-endian header length, JSON padded with spaces to 8-byte alignment', () => {
    expect(r.headerLength % 8).toBe(0);
    expect(bytes.length).toBe(8 + r.headerLength + r.dataLength);
    expect(r.headerText[0]).toBe('{');
    const trimmed = r.headerText.trimEnd();
    expect(r.headerText.length - trimmed.length).toBeLessThan(8);
    expect(/^ *$/.test(r.headerText.slice(trimmed.length))).toBe(true);
    expect(trimmed.endsWith('}')).toBe(true);
  });

  it('__metadata__ first, then tensors by dtype alignment (F32, I32, BOOL) and name', () => {
    expect(Object.keys(r.header)).toEqual([
      '__metadata__',
      'a.bias',
      'a.weight',
      'b"q\nuote',
      'empty',
      'é',
      'steps',
      'mask',
    ]);
    expect(r.metadata).toEqual({ format: 'pt', 'key "x"': 'va\u00e9lue\n' });
    expect(
      r.headerText.startsWith(
        '{"__metadata__":{"format":"pt","key \\"x\\"":"vaélue\\n"},"a.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},',
      ),
    ).toBe(true);
  });

  it('each entry: dtype string, shape, contiguous data_offsets, little-endian bytes', () => {
    let pos = 0;
    const dtypes: Record<string, string> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
    for (const t of r.tensors) {
      const src = tensors[t.name];
      expect(t.dtype).toBe(dtypes[src.dtype]);
      expect(t.shape).toEqual(src.shape);
      expect(t.begin).toBe(pos);
      pos = t.end;
      if (src.dtype === 'float32') expect(f32le(t.bytes)).toEqual(Array.from(src.data));
      else if (src.dtype === 'bool') expect(Array.from(t.bytes)).toEqual(Array.from(src.data));
      else {
        const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
        expect(Array.from({ length: src.data.length }, (_, i) => dv.getInt32(4 * i, true))).toEqual(
          Array.from(src.data),
        );
      }
    }
    expect(pos).toBe(r.dataLength);
  });

  it("an empty dict is the reference writer's 16 bytes; no metadata means no __metadata__ key", () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(Object.keys(readSafetensorsIndependently(encodeSafetensors({ x: f32([1], [1]) })).header)).toEqual(
      ['x'],
    );
  });

  it('refuses tensors it cannot write', () => {
    expectCheckpointError(() => encodeSafetensors({ x: f32([3], [1, 2]) }), /shape \[3\] but 2 elements/);
    expectCheckpointError(
      () => encodeSafetensors({ x: { dtype: 'int32', shape: [1], data: new Float32Array(1) } }),
      /holds a Float32Array/,
    );
    expectCheckpointError(() => encodeSafetensors({ __metadata__: f32([1], [1]) }), /reserved/);
    expectCheckpointError(() => encodeSafetensors({}, { a: 1 as unknown as string }), /must be a string/);
  });
});

const arbTensor: fc.Arbitrary<RawTensor> = fc
  .tuple(
    fc.constantFrom('float32', 'int32', 'bool'),
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  )
  .chain(([dtype, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals =
      dtype === 'float32'
        ? fc.array(fc.float({ noNaN: true }), { minLength: n, maxLength: n }).map((v) => new Float32Array(v))
        : dtype === 'int32'
          ? fc
              .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: n, maxLength: n })
              .map((v) => new Int32Array(v))
          : fc
              .array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n })
              .map((v) => new Uint8Array(v));
    return vals.map((data) => ({ dtype, shape, data }) as RawTensor);
  });

describe('round trip', () => {
  it('decode(encode(x)) === x for random tensor dicts and metadata', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((s) => s !== '__metadata__'),
          arbTensor,
          { maxKeys: 6 },
        ),
        fc.option(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), { nil: undefined }),
        (tensors, metadata) => {
          const bytes = encodeSafetensors(tensors, metadata);
          const back = decodeSafetensors(bytes);
          expect(back.metadata).toEqual(metadata);
          expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
          for (const [k, t] of Object.entries(tensors)) {
            expect(back.tensors[k].dtype).toBe(t.dtype);
            expect(back.tensors[k].shape).toEqual(t.shape);
            expect(back.tensors[k].data).toEqual(t.data);
            expect(back.tensors[k].data.byteOffset).toBe(0); // its own aligned buffer, not a view of the file
          }
          expect(encodeSafetensors(back.tensors, back.metadata)).toEqual(bytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tensor names such as __proto__ and constructor stay data', () => {
    expectCheckpointError(
      () => decodeSafetensors(build({ constructor: 1 }, 0)),
      /tensor 'constructor': entry is not an object/,
    );
    const evil = build('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4);
    const t = decodeSafetensors(evil).tensors;
    expect(Object.keys(t)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});

describe('hostile and broken safetensors', () => {
  const good = encodeSafetensors({ a: f32([2], [1, 2]), b: i32([1], [3]) }, { k: 'v' });

  it('every truncation is a CheckpointError', () => {
    for (let n = 0; n < good.length; n++)
      expect(() => decodeSafetensors(good.subarray(0, n)), `length ${n}`).toThrow(CheckpointError);
  });

  it('header length past the end, or absurd', () => {
    expectCheckpointError(() => decodeSafetensors(new Uint8Array(5)), /too short/);
    expectCheckpointError(
      () => decodeSafetensors(build('{}', 0, 1000n)),
      /header length 1000 runs past the end/,
    );
    expectCheckpointError(() => decodeSafetensors(build('{}', 0, 2n ** 64n - 1n)), /runs past the end/);
  });

  it("a header over the reference's 100 MB cap is refused before it is decoded", () => {
    const n = 100_000_008;
    const big = new Uint8Array(8 + n);
    new DataView(big.buffer).setBigUint64(0, BigInt(n), true);
    big[8] = 0x7b;
    expectCheckpointError(
      () => decodeSafetensors(big),
      /header of 100000008 bytes is larger than the 100000000/,
    );
  });

  /** A legal header of `n` empty float tensors (as many as fit ~86 MB at 1.45 M). */
  const empties = (n: number) => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const text = `{"__metadata__":{"format":"pt"},${parts.join(',')}}`;
    // pad so the header length's low byte is 0x80, the first byte of a pickle (a torch.save file)
    return build(text.padEnd(text.length + ((0x180 - (text.length & 0xff)) & 0xff)), 0);
  };

  it('1.45 M empty tensors in an 86 MB header: refused fast, before JSON.parse, by torch.load too', async () => {
    const bomb = empties(1_450_000);
    expect(bomb.length).toBeGreaterThan(85e6);
    expect(bomb.length).toBeLessThan(100e6); // legal under the header cap alone
    const t0 = performance.now();
    const msg = /header holds 1450001 entries, more than the 131072 tensors a file may hold/;
    expectCheckpointError(() => decodeSafetensors(bomb), msg);
    // its length's low byte is 0x80, a pickle's first byte: load must still read it as safetensors
    expect(bomb[0]).toBe(0x80);
    await expect(torch.load(bomb)).rejects.toThrow(msg);
    expect(performance.now() - t0).toBeLessThan(10_000); // was ~50 s and 3.4 GB
  }, 60_000);

  it('the tensor cap: MAX_TENSORS entries decode, one more is refused; colons in names and metadata do not count', () => {
    expect(MAX_TENSORS).toBe(131_072);
    expect(Object.keys(decodeSafetensors(empties(MAX_TENSORS)).tensors)).toHaveLength(MAX_TENSORS);
    expectCheckpointError(
      () => decodeSafetensors(empties(MAX_TENSORS + 1)),
      /header holds 131074 entries/ /* 131073 tensors + __metadata__ */,
    );
    const tricky = build(
      { __metadata__: { 'a:b': '{"x": [1, {"y": ":::"}]}', 'c\\"': ':' }, 'w:{[': entry('F32', [1], [0, 4]) },
      4,
    );
    expect(Object.keys(decodeSafetensors(tricky).tensors)).toEqual(['w:{[']);
    expect(() =>
      encodeSafetensors(
        Object.fromEntries(Array.from({ length: MAX_TENSORS + 1 }, (_, i) => [`t${i}`, f32([0], [])])),
      ),
    ).toThrow(/131073 tensors, more than the 131072 a file may hold/);
  }, 60_000);

  it('bad header text', () => {
    expectCheckpointError(() => decodeSafetensors(build('{"a": ', 0)), /not valid JSON/);
    expectCheckpointError(() => decodeSafetensors(build('[1, 2]', 0)), /does not start with/);
    expectCheckpointError(() => decodeSafetensors(build('{} ', 0).fill(0xff, 8, 9)), /UTF-8/);
    expectCheckpointError(
      () => decodeSafetensors(build({ __metadata__: { a: 1 } }, 0)),
      /__metadata__ value 'a' is not a string/,
    );
  });

  const entry = (dtype: string, shape: unknown, off: unknown) => ({ dtype, shape, data_offsets: off });
  it('wrong or unsupported dtype strings', () => {
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F33', [1], [0, 4]) }, 4)),
      /tensor 'a': unknown dtype 'F33'/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('U32', [1], [0, 4]) }, 4)),
      /dtype U32 is not supported/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: { shape: [1], data_offsets: [0, 4] } }, 4)),
      /missing dtype/,
    );
  });

  it('offsets: overlapping, out of range, reversed, with holes or trailing bytes', () => {
    const two = (o1: number[], o2: number[], len: number) =>
      decodeSafetensors(build({ a: entry('F32', [1], o1), b: entry('F32', [1], o2) }, len));
    expectCheckpointError(() => two([0, 4], [2, 6], 8), /overlaps tensor/);
    expectCheckpointError(() => two([0, 4], [0, 4], 8), /overlaps tensor/);
    expectCheckpointError(() => two([0, 4], [4, 8], 6), /run past the data section/);
    expectCheckpointError(() => two([0, 4], [8, 12], 12), /hole in the data section/);
    expectCheckpointError(() => two([0, 4], [4, 8], 9), /cover 8 bytes of data but the data section holds 9/);
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', [1], [4, 0]) }, 4)),
      /end before they begin/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', [1], [0, 1e300]) }, 4)),
      /two non-negative integers/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', [1], [-4, 0]) }, 4)),
      /two non-negative integers/,
    );
    // header order is free: the reference reader sorts entries by offset
    const swapped = decodeSafetensors(
      build({ b: entry('F32', [1], [4, 8]), a: entry('F32', [1], [0, 4]) }, 8),
    );
    expect(Object.keys(swapped.tensors)).toEqual(['a', 'b']);
  });

  it('shape x dtype size must match the offsets', () => {
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', [3], [0, 8]) }, 8)),
      /needs 12 bytes, data_offsets give 8/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', [-1], [0, 4]) }, 4)),
      /bad dimension -1/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', [2 ** 40, 2 ** 40], [0, 4]) }, 4)),
      /more elements than/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('F32', 'x', [0, 4]) }, 4)),
      /shape is not an array/,
    );
    expectCheckpointError(
      () => decodeSafetensors(build({ a: entry('I64', [1], [0, 8]) }, 8).fill(0xff, -4)),
      /does not fit int32/,
    );
  });

  it('random mutations of real files either decode or throw CheckpointError', () => {
    const files = [fixture('io/reference.safetensors'), fixture('io/dtypes.safetensors'), good];
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (file, flips, cut) => {
          const b = file.slice(0, cut === undefined ? undefined : cut % (file.length + 1));
          // aim most flips at the header, where the structure is
          for (const [p, v] of flips) if (b.length) b[p % Math.min(b.length, 8 + 600)] = v;
          try {
            decodeSafetensors(b);
          } catch (e) {
            if (!(e instanceof CheckpointError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
