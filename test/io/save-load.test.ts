import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, load, type Saveable, SKELETON_KEY, save } from '../../src/io/index.js';
import { Parameter } from '../../src/nn/parameter.js';
import { fromArray } from '../../src/ops/creation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fixture, readSafetensorsIndependently, root, trajectoryInit } from './helpers.js';

const f32 = (v: number[], shape = [v.length]) => fromArray(new Float32Array(v), shape);
const i32 = (v: number[]) => fromArray(new Int32Array(v), [v.length]);
const values = (t: unknown) => Array.from((t as Tensor).toArraySync());

describe('save/load a state dict (flat: the plain safetensors file)', () => {
  const sd = { 'fc.weight': f32([1, 2, 3, 4, 5, 6], [2, 3]), 'fc.bias': f32([0.5, -0.5]), steps: i32([3]) };

  it('writes what safetensors.torch.load_file reads, fields checked independently', async () => {
    const bytes = await save(sd);
    const r = readSafetensorsIndependently(bytes);
    expect(r.metadata).toEqual({ format: 'pt' });
    expect(r.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['fc.bias', 'F32', [2]],
      ['fc.weight', 'F32', [2, 3]],
      ['steps', 'I32', [1]],
    ]);
  });

  it('round-trips through bytes, ArrayBuffer, Blob, Response and a file path', async () => {
    const bytes = await save(sd);
    const dir = mkdtempSync(join(tmpdir(), 'torchts-io-'));
    const path = join(dir, 'sd.safetensors');
    await save(sd, path);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    const ab = bytes.slice().buffer;
    const sources = [bytes, ab, new Blob([ab]), new Response(ab), path];
    for (const src of sources) {
      const back = await load<Record<string, Tensor>>(src);
      expect(Object.keys(back)).toEqual(['fc.bias', 'fc.weight', 'steps']);
      for (const [k, t] of Object.entries(sd)) {
        expect(back[k]).toBeInstanceOf(Tensor);
        expect(back[k].shape).toEqual(t.shape);
        expect(back[k].dtype).toBe(t.dtype);
        expect(back[k].device.type).toBe('cpu');
        expect(values(back[k])).toEqual(values(t));
      }
    }
  });

  it('loaded tensors own their storage: the file bytes are not aliased', async () => {
    const bytes = await save({ w: f32([1, 2]) });
    const back = await load<{ w: Tensor }>(bytes);
    bytes.fill(0);
    expect(values(back.w)).toEqual([1, 2]);
  });
});

describe('PyTorch files through load()', () => {
  it('simplenet.pt and simplenet.safetensors give the simplenet/sgd init tensors', async () => {
    const init = trajectoryInit('simplenet/sgd');
    for (const file of ['simplenet.pt', 'simplenet.safetensors']) {
      const sd = await load<Record<string, Tensor>>(`${root}test/fixtures/pytorch/${file}`, {
        mapLocation: 'cpu',
      });
      expect(Object.keys(sd)).toEqual(Object.keys(init));
      for (const [k, v] of Object.entries(init)) {
        expect(sd[k].shape).toEqual(v.shape);
        expect(sd[k].toArraySync()).toEqual(v.data);
      }
    }
  });

  it('nn.Parameter in a torch.save file loads as a Parameter; Maps and nested values stay', async () => {
    const m = await load(fixture('io/mixed.pt'));
    expect(m.param).toBeInstanceOf(Parameter);
    expect(m.param.requiresGrad).toBe(true);
    expect(m.f32).not.toBeInstanceOf(Parameter);
    expect(m.nested.big).toBe(2n ** 60n);
    const o = await load(fixture('io/optim.pt'));
    expect(o.sgd.state).toBeInstanceOf(Map);
    expect(o.sgd.state.get(0).momentum_buffer).toBeInstanceOf(Tensor);
    expect(o.epoch).toBe(3);
  });

  it('unknown input is a CheckpointError', async () => {
    await expect(load(new Uint8Array([1, 2, 3]))).rejects.toThrow(CheckpointError);
    await expect(load(new Response('nope', { status: 404 }))).rejects.toThrow(/HTTP 404/);
    await expect(load(42 as unknown as Uint8Array)).rejects.toThrow(/expected a path/);
  });
});

describe('nested objects and optimizer state: the skeleton format round-trips exactly', () => {
  it('structure, key order, Maps with number keys, special numbers, shared tensors', async () => {
    const shared = f32([7, 8]);
    const obj: Saveable = {
      model: { 'fc.weight': f32([1, 2, 3, 4], [2, 2]), 'fc.bias': f32([0, 1]) },
      optim: {
        state: new Map<Saveable, Saveable>([
          [0, { step: 3, momentum_buffer: f32([0.1, 0.2, 0.3, 0.4], [2, 2]) }],
          [1, { step: 3, momentum_buffer: shared }],
        ]),
        param_groups: [
          { lr: 0.01, momentum: 0.9, nesterov: false, foreach: null, maximize: undefined, params: [0, 1] },
        ],
      },
      epoch: 12,
      name: 'run "7"\n',
      specials: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2n ** 70n],
      $weird: { $tensor: 'not a tag' },
      tied: [shared, shared],
      '2': 'integer-like key',
    };
    const bytes = await save(obj, undefined, { metadata: { note: 'hi' } });
    const r = readSafetensorsIndependently(bytes);
    expect(r.metadata.format).toBe('pt');
    expect(r.metadata.note).toBe('hi');
    expect(r.tensors.map((t) => t.name).sort()).toEqual([
      'model.fc.bias',
      'model.fc.weight',
      'optim.state.0.momentum_buffer',
      'optim.state.1.momentum_buffer',
    ]);
    expect(JSON.parse(r.metadata[SKELETON_KEY]).$object.optim.state.$map[0]).toEqual([
      0,
      { step: 3, momentum_buffer: { $tensor: 'optim.state.0.momentum_buffer' } },
    ]);

    const back = await load(bytes);
    expect(Object.keys(back)).toEqual(Object.keys(obj));
    expect(values(back.model['fc.weight'])).toEqual([1, 2, 3, 4]);
    expect(back.model['fc.weight'].shape).toEqual([2, 2]);
    expect(back.optim.state).toBeInstanceOf(Map);
    expect([...back.optim.state.keys()]).toEqual([0, 1]);
    expect(back.optim.state.get(0).step).toBe(3);
    expect(values(back.optim.state.get(0).momentum_buffer)).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
    expect(back.optim.param_groups).toEqual([
      { lr: 0.01, momentum: 0.9, nesterov: false, foreach: null, maximize: undefined, params: [0, 1] },
    ]);
    expect('maximize' in back.optim.param_groups[0]).toBe(true);
    expect(back.epoch).toBe(12);
    expect(back.name).toBe('run "7"\n');
    expect(back.specials[0]).toBeNaN();
    expect(back.specials.slice(1, 3)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Object.is(back.specials[3], -0)).toBe(true);
    expect(back.specials[4]).toBe(2n ** 70n);
    expect(back.$weird).toEqual({ $tensor: 'not a tag' });
    expect(back.tied[0]).toBe(back.tied[1]);
    expect(back.tied[0]).toBe(back.optim.state.get(1).momentum_buffer);
    expect(back['2']).toBe('integer-like key');
  });

  it('requiresGrad leaves come back as Parameters', async () => {
    const p = new Parameter(f32([1, 2]));
    const back = await load(await save({ p, list: [p] }));
    expect(back.p).toBeInstanceOf(Parameter);
    expect(back.p.requiresGrad).toBe(true);
    expect(back.list[0]).toBe(back.p);
  });

  it('refuses what it cannot save, naming the path', async () => {
    const cyc: Record<string, Saveable> = { a: 1 };
    cyc.self = cyc;
    await expect(save(cyc as Saveable)).rejects.toThrow(/at self: the object refers to itself/);
    await expect(save({ f: (() => 1) as unknown as Saveable })).rejects.toThrow(
      /at f: cannot save a function/,
    );
    await expect(save({ d: new Date() as unknown as Saveable })).rejects.toThrow(/at d: cannot save a Date/);
    await expect(save({ x: [1] }, undefined, { metadata: { [SKELETON_KEY]: 'x' } })).rejects.toThrow(
      /reserved/,
    );
  });

  it('a hostile skeleton is a CheckpointError', async () => {
    const bytes = await save({ a: [1] });
    const withSkeleton = async (s: string) => {
      const r = readSafetensorsIndependently(bytes);
      const { encodeSafetensors } = await import('../../src/io/safetensors.js');
      return encodeSafetensors({}, { ...r.metadata, [SKELETON_KEY]: s });
    };
    await expect(load(await withSkeleton('{"$tensor": "missing"}'))).rejects.toThrow(
      /names tensor 'missing', which the file lacks/,
    );
    await expect(load(await withSkeleton('{"$eval": "x"}'))).rejects.toThrow(/unknown tag \$eval/);
    await expect(load(await withSkeleton('{'))).rejects.toThrow(/not valid JSON/);
    await expect(load(await withSkeleton('['.repeat(300) + ']'.repeat(300)))).rejects.toThrow(
      /deeper than 200/,
    );
  });
});

describe('browser path', () => {
  it('src/io never imports node modules statically (fs is imported only for path strings)', () => {
    for (const f of readdirSync(`${root}src/io`)) {
      const src = readFileSync(`${root}src/io/${f}`, 'utf8');
      expect(src, f).not.toMatch(/^import[^;]*from\s+'(node:)?(fs|path|os|buffer)[^']*'/m);
      expect(src, f).not.toMatch(/\bBuffer\./);
    }
  });
});

// --- amp (checkpoints keep their dtypes) ---
describe('checkpoints keep their dtypes both ways', () => {
  const typed = {
    f64: fromArray(new Float64Array([1 / 3, -2.5, 1e300, 1e-300, Number.NaN, -0]), [2, 3], {
      dtype: 'float64',
    }),
    i64: fromArray(new Int32Array([0, -1, 2147483647, -2147483648]), [4], { dtype: 'int64' }),
    i32: fromArray(new Int32Array([7, -8]), [2], { dtype: 'int32' }),
    i16: fromArray(new Int16Array([-32768, 32767, 5]), [3], { dtype: 'int16' }),
    i8: fromArray(new Int8Array([-128, 127]), [2], { dtype: 'int8' }),
    u8: fromArray(new Uint8Array([0, 128, 255]), [3], { dtype: 'uint8' }),
    b: fromArray(new Uint8Array([1, 0, 1]), [3], { dtype: 'bool' }),
    f16: fromArray(new Float32Array([0.5, -2, 65504, 2 ** -24, Infinity, -0]), [6], { dtype: 'float16' }),
    bf16: fromArray(new Float32Array([1.5, -3.2480690176e10, 1e-20, -Infinity]), [4], { dtype: 'bfloat16' }),
  };

  it('save writes F64/F16/BF16/I64/I32/I16/I8/U8/BOOL and load gives the same dtypes and bits back', async () => {
    for (const obj of [typed, { nested: [typed] }]) {
      const bytes = await save(obj as Saveable);
      if (obj === typed)
        expect(
          Object.fromEntries(readSafetensorsIndependently(bytes).tensors.map((t) => [t.name, t.dtype])),
        ).toEqual({
          f64: 'F64',
          i64: 'I64',
          i32: 'I32',
          i16: 'I16',
          i8: 'I8',
          u8: 'U8',
          b: 'BOOL',
          f16: 'F16',
          bf16: 'BF16',
        });
      const back = await load(bytes);
      const got = (obj === typed ? back : back.nested[0]) as Record<string, Tensor>;
      for (const [k, t] of Object.entries(typed)) {
        expect(got[k].dtype, k).toBe(t.dtype);
        expect(got[k].shape, k).toEqual(t.shape);
        expect(values(got[k]), k).toEqual(values(t));
      }
      expect(Object.is(values(got.f64)[5], -0)).toBe(true);
    }
  });

  it('int64 is written as 8 sign-extended bytes (what PyTorch reads as int64)', async () => {
    const bytes = await save({ i64: typed.i64 });
    const r = readSafetensorsIndependently(bytes);
    const t = r.tensors[0];
    const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
    const longs = Array.from({ length: 4 }, (_, i) => dv.getBigInt64(8 * i, true));
    expect(longs).toEqual([0n, -1n, 2147483647n, -2147483648n]);
  });

  it('float16/bfloat16 are written as their 16-bit words (IEEE half, bfloat16 = top of float32)', async () => {
    const bytes = await save({ f16: typed.f16, bf16: typed.bf16 });
    const words = (name: string) => {
      const t = readSafetensorsIndependently(bytes).tensors.find((x) => x.name === name)!;
      const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
      return Array.from({ length: t.bytes.length / 2 }, (_, i) => dv.getUint16(2 * i, true));
    };
    // 0.5, -2, 65504 (max), 2^-24 (smallest subnormal), inf, -0
    expect(words('f16')).toEqual([0x3800, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000]);
    // 1.5, -3.2480690176e10, 1e-20 (as bfloat16), -inf
    expect(words('bf16')).toEqual([0x3fc0, 0xd0f2, 0x1e3d, 0xff80]);
  });

  it('PyTorch 1.13 files (.pt zip, legacy, safetensors) load with their dtypes', async () => {
    for (const file of ['io/mixed.pt', 'io/mixed-legacy.pt', 'io/dtypes.safetensors']) {
      const m = await load<Record<string, Tensor>>(fixture(file));
      expect(m.f64.dtype, file).toBe('float64');
      expect(values(m.f64), file).toEqual([1 / 3, -2.5, 1e300, 1e-300]);
      expect(m.i64.dtype, file).toBe('int64');
      expect(values(m.i64), file).toEqual([0, -1, 2 ** 31 - 1, -(2 ** 31), 42]);
      expect([m.i16.dtype, m.i8.dtype, m.u8.dtype, m.bool.dtype], file).toEqual([
        'int16',
        'int8',
        'uint8',
        'bool',
      ]);
      expect(values(m.u8), file).toEqual([0, 255, 9]);
      expect(values(m.i8), file).toEqual([-128, 127, 3]);
      expect(values(m.i16), file).toEqual([-32768, 32767]);
      expect([m.f16.dtype, m.bf16.dtype], file).toEqual(['float16', 'bfloat16']);
      expect(values(m.f16), file).toEqual([0.5, -2, 65504, 2 ** -24, Infinity, -Infinity]);
      expect(values(m.bf16), file).toEqual([1.5, -32480690176, 1.0005576689441423e-20]);
    }
  });

  it('an int64 outside int32 is an error naming the value', async () => {
    await expect(load(fixture('io/int64-overflow.pt'))).rejects.toThrow(/int64 value 1099511627776/);
  });
});
