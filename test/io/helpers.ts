import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { RawTensor } from '../../src/io/raw-tensor.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const fixture = (p: string): Uint8Array => new Uint8Array(readFileSync(`${root}test/fixtures/${p}`));

/** The `init` state dict of a trajectory in training.json/.bin, as float32 arrays. */
export function trajectoryInit(name: string): Record<string, { shape: number[]; data: Float32Array }> {
  const json = JSON.parse(readFileSync(`${root}test/fixtures/pytorch/training.json`, 'utf8'));
  const bin = fixture('pytorch/training.bin');
  const t = json.trajectories.find((x: { name: string }) => x.name === name);
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [k, d] of Object.entries<{ shape: number[]; dtype: string; offset: number; nbytes: number }>(
    t.init,
  )) {
    expect(d.dtype).toBe('float32');
    out[k] = { shape: d.shape, data: new Float32Array(bin.slice(d.offset, d.offset + d.nbytes).buffer) };
  }
  return out;
}

/** Python's view of a value (test/fixtures/io/expected.json, written by make_fixtures.py). */
export type Described =
  | { tensor: { dtype: string; shape: number[]; data: (number | string)[]; requiresGrad?: boolean } }
  | { dict: Record<string, Described> }
  | { map: [Described, Described][] }
  | { list: Described[] }
  | { bytes: number[] }
  | { bigint: string }
  | { value: unknown };

export const expected: Record<string, Described> = JSON.parse(
  readFileSync(`${root}test/fixtures/io/expected.json`, 'utf8'),
);

const num = (v: number | string) =>
  v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? Number.NaN : (v as number);

/** Asserts that a loaded value equals Python's description exactly (values, dtypes, key order). */
export function expectDescribed(actual: unknown, d: Described, path = '$'): void {
  if ('tensor' in d) {
    const t = actual as RawTensor;
    expect(t.dtype, path).toBe(d.tensor.dtype);
    expect(t.shape, path).toEqual(d.tensor.shape);
    expect(Array.from(t.data), path).toEqual(d.tensor.data.map(num));
    expect(t.requiresGrad === true, path).toBe(d.tensor.requiresGrad === true);
  } else if ('dict' in d) {
    expect(actual, path).toBeTypeOf('object');
    expect(actual instanceof Map, path).toBe(false);
    expect(Object.keys(actual as object), path).toEqual(Object.keys(d.dict));
    for (const [k, v] of Object.entries(d.dict))
      expectDescribed((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if ('map' in d) {
    expect(actual, path).toBeInstanceOf(Map);
    const entries = [...(actual as Map<unknown, unknown>)];
    expect(entries.length, path).toBe(d.map.length);
    d.map.forEach(([k, v], i) => {
      expectDescribed(entries[i][0], k, `${path}<key ${i}>`);
      expectDescribed(entries[i][1], v, `${path}[${String(entries[i][0])}]`);
    });
  } else if ('list' in d) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(d.list.length);
    for (const [i, v] of d.list.entries()) expectDescribed((actual as unknown[])[i], v, `${path}[${i}]`);
  } else if ('bytes' in d) {
    expect(actual, path).toBeInstanceOf(Uint8Array);
    expect(Array.from(actual as Uint8Array), path).toEqual(d.bytes);
  } else if ('bigint' in d) expect(actual, path).toBe(BigInt(d.bigint));
  else expect(actual, path).toEqual(d.value);
}

/**
 * An independent safetensors reader for the tests: written from the format description
 * (https://github.com/huggingface/safetensors#format), sharing no code with src/io. It walks the
 * header field by field and returns what it saw, including the raw header text.
 */
export function readSafetensorsIndependently(b: Uint8Array) {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  if (hi !== 0) throw new Error('header too large');
  const headerText = Buffer.from(b.subarray(8, 8 + lo)).toString('utf8');
  const header = JSON.parse(headerText);
  const sizes: Record<string, number> = {
    F32: 4,
    I32: 4,
    BOOL: 1,
    F64: 8,
    I64: 8,
    F16: 2,
    BF16: 2,
    I16: 2,
    I8: 1,
    U8: 1,
  };
  const data = b.subarray(8 + lo);
  const tensors: {
    name: string;
    dtype: string;
    shape: number[];
    begin: number;
    end: number;
    bytes: Uint8Array;
  }[] = [];
  for (const name of Object.keys(header)) {
    if (name === '__metadata__') continue;
    const info = header[name];
    const [begin, end] = info.data_offsets;
    tensors.push({
      name,
      dtype: info.dtype,
      shape: info.shape,
      begin,
      end,
      bytes: data.subarray(begin, end),
    });
    const n = info.shape.reduce((a: number, c: number) => a * c, 1);
    if (n * sizes[info.dtype] !== end - begin) throw new Error(`size mismatch for ${name}`);
  }
  return {
    headerLength: lo,
    headerText,
    header,
    metadata: header.__metadata__,
    tensors,
    dataLength: data.length,
  };
}

/** The values of a float32 tensor's little-endian bytes, read without typed-array aliasing tricks. */
export function f32le(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => dv.getFloat32(4 * i, true));
}
