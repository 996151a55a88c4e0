import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { CheckpointError } from '../../src/io/errors.js';
import { toJs, unpickle } from '../../src/io/pickle.js';
import type { RawTensor } from '../../src/io/raw-tensor.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadTorchFile, type TorchLoadOptions } from '../../src/io/torch-zip.js';
import { ZipArchive } from '../../src/io/zip.js';
import { expectDescribed, expected, fixture, trajectoryInit } from './helpers.js';

// ---- a tiny pickle assembler: each helper returns the bytes of one or more opcodes ------------
const enc = new TextEncoder();
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const P = {
  proto: (n = 2) => [0x80, n],
  stop: [0x2e],
  mark: [0x28],
  global: (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)],
  stackGlobal: [0x93],
  str: (s: string) => {
    const b = enc.encode(s);
    return [0x58, ...u32(b.length), ...b];
  },
  int: (n: number) => [0x4a, ...u32(n)],
  tuple: [0x74],
  tuple1: [0x85],
  tuple2: [0x86],
  emptyTuple: [0x29],
  emptyList: [0x5d],
  emptyDict: [0x7d],
  append: [0x61],
  setitem: [0x73],
  setitems: [0x75],
  reduce: [0x52],
  build: [0x62],
  binpersid: [0x51],
  none: [0x4e],
  newfalse: [0x89],
  dup: [0x32],
  put: (i: number) => [0x71, i],
  get: (i: number) => [0x68, i],
};
const pickle = (...ops: (number[] | number)[]) => new Uint8Array(ops.flat());

/** A pickled _rebuild_tensor_v2 call on persistent storage `key`. */
function tensorOps(t: {
  type?: string;
  key: string;
  numel: number;
  offset?: number;
  size: number[];
  stride: number[];
}) {
  const ints = (xs: number[]) => [...P.mark, ...xs.flatMap(P.int), ...P.tuple];
  return [
    ...P.global('torch._utils', '_rebuild_tensor_v2'),
    ...P.mark,
    ...P.mark,
    ...P.str('storage'),
    ...P.global('torch', t.type ?? 'FloatStorage'),
    ...P.str(t.key),
    ...P.str('cpu'),
    ...P.int(t.numel),
    ...P.tuple,
    ...P.binpersid,
    ...P.int(t.offset ?? 0),
    ...ints(t.size),
    ...ints(t.stride),
    ...P.newfalse,
    ...P.global('collections', 'OrderedDict'),
    ...P.emptyTuple,
    ...P.reduce,
    ...P.tuple,
    ...P.reduce,
  ];
}

/** A torch.save-shaped zip (stored entries) from a pickle and storages. */
function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { 'archive/data.pkl': [pkl, { level: 0 }] };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = [v, { level: 0 }];
  files['archive/version'] = [enc.encode('3\n'), { level: 0 }];
  return zipSync(files);
}
const floats = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

const noStorage = { persistentLoad: () => ({}) };
const runPickle = (b: Uint8Array) => toJs(unpickle(b, noStorage).value, () => 'leaf');

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

describe('torch.save files written by PyTorch', () => {
  it('simplenet.pt equals simplenet.safetensors and the simplenet/sgd init tensors exactly', () => {
    const pt = loadTorchFile(fixture('pytorch/simplenet.pt')) as Record<string, RawTensor>;
    const st = decodeSafetensors(fixture('pytorch/simplenet.safetensors')).tensors;
    const init = trajectoryInit('simplenet/sgd');
    expect(Object.keys(pt)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    for (const k of Object.keys(pt)) {
      expect(pt[k].dtype).toBe('float32');
      expect(pt[k].shape).toEqual(st[k].shape);
      expect(pt[k].data).toEqual(st[k].data);
      expect(pt[k].shape).toEqual(init[k].shape);
      expect(pt[k].data).toEqual(init[k].data);
    }
  });

  it('every dtype, shared storages, views, parameters and nested values (zip format)', () => {
    expectDescribed(loadTorchFile(fixture('io/mixed.pt')), expected.mixed);
  });

  it('the same object from the legacy (non-zip) format', () => {
    expectDescribed(loadTorchFile(fixture('io/mixed-legacy.pt')), expected.mixed);
  });

  it('the same object pickled at protocol 5 (FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE)', () => {
    expectDescribed(loadTorchFile(fixture('io/mixed-proto5.pt')), expected.mixed);
  });

  it('views of one storage are materialised separately, contiguous', () => {
    const m = loadTorchFile(fixture('io/mixed.pt')) as Record<string, RawTensor>;
    expect(m.view_t.data.buffer).not.toBe(m.base.data.buffer);
    expect(Array.from(m.view_t.data)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(Array.from(m.view_step.data)).toEqual([4, 6, 8, 10]);
    expect(Array.from(m.expanded.data)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('optimizer state dicts: int-keyed dicts become Maps, hyper-parameters stay numbers', () => {
    const o = loadTorchFile(fixture('io/optim.pt')) as Record<string, { state: Map<number, unknown> }>;
    expectDescribed(o, expected.optim);
    expect([...o.sgd.state.keys()]).toEqual([0, 1]);
  });

  it("honours the archive's byteorder record", () => {
    expectDescribed(loadTorchFile(fixture('io/bigendian.pt')), expected.bigendian);
  });

  it('int64 values outside int32 are an error naming the value', () => {
    expectCheckpointError(
      () => loadTorchFile(fixture('io/int64-overflow.pt')),
      /int64 value 1099511627776 does not fit int32/,
    );
  });

  it('refuses globals outside the allowlist (torch.device in a real file)', () => {
    expectCheckpointError(
      () => loadTorchFile(fixture('io/device-global.pt')),
      /refusing to load global torch\.device/,
    );
  });
});

describe('the pickle VM refuses code', () => {
  const system = pickle(P.proto(), P.global('os', 'system'), P.str('echo pwned'), P.tuple1, P.reduce, P.stop);
  const msg =
    /refusing to load global os\.system: only tensors, dicts, lists, tuples, numbers and strings are allowed \(weights_only\)/;

  it('os.system via GLOBAL, in a bare pickle and inside a torch.save zip', () => {
    expectCheckpointError(() => runPickle(system), msg);
    expectCheckpointError(() => loadTorchFile(torchZip(system)), msg);
  });

  it('os.system via STACK_GLOBAL (protocol 4)', () => {
    const b = pickle(
      P.proto(4),
      P.str('os'),
      P.str('system'),
      P.stackGlobal,
      P.str('id'),
      P.tuple1,
      P.reduce,
      P.stop,
    );
    expectCheckpointError(() => runPickle(b), msg);
  });

  it('other globals, near-misses of allowed names, and allowed values used as callables', () => {
    for (const [m, n] of [
      ['builtins', 'eval'],
      ['posix', 'system'],
      ['subprocess', 'Popen'],
      ['torch', 'load'],
      ['torch._utils ', '_rebuild_tensor_v2'],
      ['collections', 'defaultdict'],
      ['numpy.core.multiarray', '_reconstruct'],
    ])
      expectCheckpointError(
        () => runPickle(pickle(P.proto(), P.global(m, n), P.stop)),
        new RegExp(`refusing to load global ${m.replace('.', '\\.')}`),
      );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), P.global('torch', 'FloatStorage'), P.emptyTuple, P.reduce, P.stop)),
      /refusing to load global torch\.FloatStorage/,
    );
    // NEWOBJ of an allowed name is refused too: no class needs construction
    expectCheckpointError(
      () =>
        runPickle(pickle(P.proto(), P.global('collections', 'OrderedDict'), P.emptyTuple, [0x81], P.stop)),
      /refusing to load global collections\.OrderedDict/,
    );
  });

  it('unsupported opcodes are named', () => {
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x69], P.stop)),
      /unsupported opcode 0x69 \(INST\)/,
    );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x82, 1], P.stop)),
      /unsupported opcode 0x82 \(EXT1\)/,
    );
    expectCheckpointError(() => runPickle(pickle(P.proto(6), P.none, P.stop)), /unsupported protocol 6/);
  });
});

describe('the pickle VM on malformed input', () => {
  it('lengths past the end are refused before anything is allocated', () => {
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x58, 0xff, 0xff, 0xff, 0xff], P.stop)),
      /BINUNICODE of 4294967295 bytes runs past the end/,
    );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x8e, 0, 0, 0, 0, 0, 0, 0, 0x7f], P.stop)),
      /BINBYTES8 of \d+ bytes runs past/,
    );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x8b, 0xff, 0xff, 0xff, 0x7f], P.stop)),
      /integer of 2147483647 bytes is too large/,
    );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x4a, 1, 2])),
      /argument of 4 bytes runs past the end/,
    );
  });

  it('stack and memo misuse', () => {
    expectCheckpointError(() => runPickle(pickle(P.proto(), P.append, P.stop)), /stack underflow/);
    expectCheckpointError(() => runPickle(pickle(P.proto(), P.tuple, P.stop)), /no MARK/);
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), P.get(7), P.stop)),
      /memo key 7 was never stored/,
    );
    expectCheckpointError(() => runPickle(pickle(P.proto(), P.none, P.none, P.stop)), /unbalanced stack/);
    expectCheckpointError(() => runPickle(pickle(P.proto(), P.none)), /without a STOP/);
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), P.emptyList, P.none, P.none, P.setitem, P.stop)),
      /SETITEM\(S\) on a list/,
    );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), P.emptyDict, P.emptyDict, P.none, P.setitem, P.stop)),
      /unhashable dict key \(dict\)/,
    );
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), P.emptyList, P.none, P.build, P.stop)),
      /BUILD on a list/,
    );
    // a huge memo index is a Map entry, not a huge array
    expect(
      runPickle(
        pickle(
          P.proto(),
          P.none,
          [0x72, 0xff, 0xff, 0xff, 0xff],
          [0x6a, 0xff, 0xff, 0xff, 0xff],
          P.tuple2,
          P.stop,
        ),
      ),
    ).toEqual([null, null]);
  });

  it('cycles, deep nesting and exponential sharing are bounded', () => {
    const cycle = pickle(P.proto(), P.emptyList, P.put(0), P.get(0), P.append, P.stop);
    expectCheckpointError(() => runPickle(cycle), /reference cycle/);
    const marks = pickle(P.proto(), Array(1001).fill(0x28), P.stop);
    expectCheckpointError(() => runPickle(marks), /nests deeper than 1000 marks/);
    const deep = pickle(
      P.proto(),
      Array(300).fill(P.emptyList).flat(),
      Array(299).fill(P.append).flat(),
      P.stop,
    );
    expectCheckpointError(() => runPickle(deep), /nest deeper than 200 levels/);
    // [x, x] nested 100 times: 2^100 paths through 100 shared objects; converted once each
    const laughs = pickle(
      P.proto(),
      P.none,
      Array(100)
        .fill([...P.dup, ...P.tuple2])
        .flat(),
      P.stop,
    );
    const t0 = performance.now();
    let v = runPickle(laughs) as unknown[];
    expect(performance.now() - t0).toBeLessThan(1000);
    for (let i = 0; i < 100; i++) {
      expect(v[0]).toBe(v[1]);
      v = v[0] as unknown[];
    }
    expect(v).toBeNull();
  });
});

describe('tensor storages in hostile archives', () => {
  const storage = floats(1, 2, 3, 4);
  const load = (t: Parameters<typeof tensorOps>[0], opts?: TorchLoadOptions, s = storage) =>
    loadTorchFile(torchZip(pickle(P.proto(), tensorOps(t), P.stop), { [t.key]: s }), opts);

  it('a hand-built tensor pickle loads (the assembler is right)', () => {
    expect(load({ key: '0', numel: 4, offset: 1, size: [2], stride: [2] })).toEqual({
      dtype: 'float32',
      shape: [2],
      data: new Float32Array([2, 4]),
    });
  });

  it('views reading past their storage, bad strides and sizes', () => {
    expectCheckpointError(
      () => load({ key: '0', numel: 4, size: [5], stride: [1] }),
      /reads element 4 of a storage of 4/,
    );
    expectCheckpointError(
      () => load({ key: '0', numel: 4, offset: 3, size: [2, 2], stride: [1, 1] }),
      /reads element 5/,
    );
    expectCheckpointError(() => load({ key: '0', numel: 4, size: [2], stride: [-1] }), /bad stride -1/);
    expectCheckpointError(
      () => load({ key: '0', numel: 400, size: [4], stride: [1] }),
      /400 float32 elements need 1600 bytes, the file holds 16/,
    );
  });

  it('a missing storage record', () => {
    const b = torchZip(pickle(P.proto(), tensorOps({ key: '9', numel: 1, size: [1], stride: [1] }), P.stop));
    expectCheckpointError(() => loadTorchFile(b), /no entry 'archive\/data\/9'/);
  });

  it('zero-stride and shared views cannot multiply a small file into a huge allocation', () => {
    expectCheckpointError(
      () => load({ key: '0', numel: 4, size: [2 ** 30], stride: [0] }),
      /exceed the load's budget/,
    );
    const many = pickle(
      P.proto(),
      P.emptyList,
      Array(10)
        .fill([...tensorOps({ key: '0', numel: 4, size: [4], stride: [1] }), ...P.append])
        .flat(),
      P.stop,
    );
    expect((loadTorchFile(torchZip(many, { 0: storage })) as unknown[]).length).toBe(10);
    expectCheckpointError(
      () => loadTorchFile(torchZip(many, { 0: storage }), { maxBytes: 100 }),
      /exceed the load's budget/,
    );
  });

  it('a zip bomb: huge declared sizes are refused before inflating', () => {
    const deflated = zipSync({ 'archive/data.pkl': [new Uint8Array(100_000), { level: 9 }] });
    const zip = new ZipArchive(deflated);
    const e = zip.entries.get('archive/data.pkl')!;
    expect(e.method).toBe(8);
    // patch the declared uncompressed size in the central directory to 4 GiB - 2
    const dv = new DataView(deflated.buffer);
    const cd = deflated.length - 22 - (46 + 'archive/data.pkl'.length);
    expect(dv.getUint32(cd, true)).toBe(0x02014b50);
    dv.setUint32(cd + 24, 0xfffffffe, true);
    // refused when the directory is read: more than the load's budget in all
    expectCheckpointError(
      () => loadTorchFile(deflated),
      /compressed entries declare 4294967294 uncompressed bytes in a \d+ byte file .*zip bomb/,
    );
    // with a budget that allows it, refused per entry: beyond deflate's ratio
    expectCheckpointError(
      () => loadTorchFile(deflated, { maxBytes: 2 ** 33 }),
      /entry 'archive\/data.pkl' declares 4294967294 uncompressed bytes from \d+ compressed .*zip bomb/,
    );
    // an honest but large entry is refused by the cap
    const big = zipSync({ 'archive/data.pkl': [new Uint8Array(10_000_000), { level: 9 }] });
    expectCheckpointError(
      () => loadTorchFile(big, { maxEntryBytes: 1_000_000 }),
      /declares 10000000 uncompressed bytes/,
    );
  });

  it('zip structure: entry counts, offsets and CRCs are checked', () => {
    const good = fixture('pytorch/simplenet.pt');
    const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    // torch.save writes zip64 end records (as simplenet.pt has); fflate's zips have plain ones
    const z64 = Number(dv(good).getBigUint64(good.length - 22 - 12, true));
    expect(dv(good).getUint32(z64, true)).toBe(0x06064b50);
    const count = good.slice();
    dv(count).setBigUint64(z64 + 32, 2n ** 40n, true);
    expectCheckpointError(() => loadTorchFile(count), /1099511627776 entries cannot fit/);
    const off = good.slice();
    dv(off).setBigUint64(z64 + 48, 2n ** 52n, true);
    expectCheckpointError(() => loadTorchFile(off), /central directory .* lies outside/);
    const plain = torchZip(pickle(P.proto(), P.none, P.stop));
    expect(loadTorchFile(plain)).toBeNull();
    const count16 = plain.slice();
    dv(count16).setUint16(plain.length - 22 + 10, 0xffff, true);
    expectCheckpointError(() => loadTorchFile(count16), /65535 entries cannot fit/);
    const flip = good.slice();
    flip[2000] ^= 1; // inside fc1.weight's storage
    expectCheckpointError(() => loadTorchFile(flip), /CRC mismatch in entry 'simplenet\/data\/0'/);
    expect(() => loadTorchFile(flip, { verifyCrc: false })).not.toThrow();
    expectCheckpointError(() => loadTorchFile(new Uint8Array([1, 2, 3])), /not a PyTorch checkpoint/);
  });

  it('every truncation of a real file is a CheckpointError', () => {
    for (const f of [fixture('io/mixed.pt'), fixture('io/mixed-legacy.pt')])
      for (let n = 0; n < f.length; n += 7)
        expect(() => loadTorchFile(f.subarray(0, n)), `length ${n}`).toThrow(CheckpointError);
  });
});

describe('fuzz: random mutations never crash, hang or allocate hugely', () => {
  const files = {
    zip: fixture('io/mixed.pt'),
    legacy: fixture('io/mixed-legacy.pt'),
    optim: fixture('io/optim.pt'),
    simplenet: fixture('pytorch/simplenet.pt'),
  };
  // The pickle of simplenet.pt lies at bytes ~64..540; aim flips there and at the directory.
  const hot = (b: Uint8Array, p: number) =>
    p % 2 ? p % b.length : b.length - 1 - (p % Math.min(b.length, 700));

  for (const [name, file] of Object.entries(files))
    it(`mutations of ${name}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
          fc.option(fc.nat(), { nil: undefined }),
          fc.boolean(),
          (flips, cut, crc) => {
            const b = file.slice(0, cut === undefined ? undefined : cut % (file.length + 1));
            for (const [p, v] of flips) if (b.length) b[name === 'simplenet' ? hot(b, p) : p % b.length] = v;
            try {
              // without CRC checks the mutations reach the pickle VM and the tensor views
              loadTorchFile(b, { verifyCrc: crc, maxBytes: 64 * 2 ** 20 });
            } catch (e) {
              if (!(e instanceof CheckpointError)) throw e;
            }
          },
        ),
        { numRuns: name === 'simplenet' ? 300 : 1500 },
      );
    });
});

describe('parameters', () => {
  /** `{'w': _rebuild_parameter(<tensor on a `type` storage>, True, OrderedDict())}` in a torch.save zip. */
  const paramZip = (type: string, data: Uint8Array) =>
    torchZip(
      pickle(
        P.proto(),
        P.emptyDict,
        P.str('w'),
        P.global('torch._utils', '_rebuild_parameter'),
        P.mark,
        tensorOps({ type, key: '0', numel: 2, size: [2], stride: [1] }),
        [0x88], // NEWTRUE: requires_grad
        P.global('collections', 'OrderedDict'),
        P.emptyTuple,
        P.reduce,
        P.tuple,
        P.reduce,
        P.setitem,
        P.stop,
      ),
      { 0: data },
    );

  it('an integer nn.Parameter that requires grad is a CheckpointError naming its storage', async () => {
    const ints = new Uint8Array(new BigInt64Array([1n, 2n]).buffer);
    const msg = /nn.Parameter on storage '0' holds int64 data and requires grad; only floating-point/;
    expectCheckpointError(() => loadTorchFile(paramZip('LongStorage', ints)), msg);
    await expect(torch.load(paramZip('LongStorage', ints))).rejects.toThrow(msg);
    await expect(torch.load(paramZip('LongStorage', ints))).rejects.toBeInstanceOf(CheckpointError);
    // the same file over a float storage loads as a Parameter
    const ok = (await torch.load(paramZip('FloatStorage', floats(1.5, -2)))) as { w: torch.Tensor };
    expect(ok.w).toBeInstanceOf(torch.nn.Parameter);
    expect(ok.w.requiresGrad).toBe(true);
    expect(Array.from(ok.w.toArraySync())).toEqual([1.5, -2]);
  });

  it('a safetensors skeleton marking an int tensor requiresGrad is a CheckpointError', async () => {
    const file = (dtype: 'int32' | 'float32') =>
      encodeSafetensors(
        {
          w: {
            dtype,
            shape: [2],
            data: dtype === 'int32' ? new Int32Array([1, 2]) : new Float32Array([1, 2]),
          },
        },
        { 'torchts.skeleton': JSON.stringify({ w: { $tensor: 'w', requiresGrad: true } }) },
      );
    await expect(torch.load(file('int32'))).rejects.toThrow(
      /tensor 'w' is int32 but marked requiresGrad; only floating-point/,
    );
    expect(((await torch.load(file('float32'))) as { w: torch.Tensor }).w.requiresGrad).toBe(true);
  });
});

describe('regressions found by the fuzzer', () => {
  it('a negative BINSTRING length cannot move the reader backwards', () => {
    expectCheckpointError(
      () => runPickle(pickle(P.proto(), [0x54, 0xfe, 0xff, 0xff, 0xff], P.stop)),
      /negative length -2/,
    );
  });
});
