import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type IdxArray, IdxError, readIdx, writeIdx } from '../../../src/data/datasets/idx.js';

const cases: [string, number[], IdxArray][] = [
  ['uint8', [2, 3], Uint8Array.of(0, 1, 127, 128, 254, 255)],
  ['int8', [4], Int8Array.of(-128, -1, 0, 127)],
  ['int16', [2, 2], Int16Array.of(-32768, -2, 258, 32767)],
  ['int32', [3], Int32Array.of(-2147483648, 0x01020304, 2147483647)],
  ['float32', [1, 3], Float32Array.of(-1.5, Math.fround(Math.PI), Number.POSITIVE_INFINITY)],
  ['float64', [2, 1, 1], Float64Array.of(Math.E, -0)],
];

/** A copy of `b` with one bit flipped at `at` (negative: from the end). */
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  c[at < 0 ? c.length + at : at] ^= 0x10;
  return c;
};

describe('readIdx', () => {
  for (const [dtype, dims, data] of cases) {
    it(`round-trips ${dtype} ${JSON.stringify(dims)}, plain and gzipped`, () => {
      const bytes = writeIdx(dims, data);
      for (const input of [bytes, gzipSync(bytes)]) {
        const t = readIdx(input, 'x.idx');
        expect(t.dims).toEqual(dims);
        expect(t.dtype).toBe(dtype);
        expect(t.data.constructor).toBe(data.constructor);
        expect(Array.from(t.data)).toEqual(Array.from(data));
      }
    });
  }

  it('reads the big-endian layout of the spec', () => {
    // int16 [2]: 0x0102, -2
    const t = readIdx(Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe));
    expect(t.dims).toEqual([2]);
    expect(Array.from(t.data)).toEqual([258, -2]);
    // the 16-byte header of MNIST training images, no data yet: [60000, 28, 28]
    const hdr = Uint8Array.of(0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28);
    expect(() => readIdx(hdr, 'train-images-idx3-ubyte')).toThrow(
      'train-images-idx3-ubyte: truncated IDX data: header declares [60000, 28, 28] uint8 = 47040000 bytes of data, only 0 follow',
    );
  });

  it('reads a uint8 file at an odd offset inside a larger buffer', () => {
    const bytes = writeIdx([3], Uint8Array.of(7, 8, 9));
    const big = new Uint8Array(bytes.length + 1);
    big.set(bytes, 1);
    expect(Array.from(readIdx(big.subarray(1)).data)).toEqual([7, 8, 9]);
    const i32 = writeIdx([1], Int32Array.of(-5));
    const big2 = new Uint8Array(i32.length + 1);
    big2.set(i32, 1); // unaligned for an Int32Array view: must still decode
    expect(Array.from(readIdx(big2.subarray(1)).data)).toEqual([-5]);
  });

  const good = writeIdx([2, 2], Int32Array.of(1, 2, 3, 4)); // 0 0 0c 02 | dims | 16 bytes
  const corrupt: [string, Uint8Array, string][] = [
    ['empty input', new Uint8Array(0), 'f.idx: truncated IDX header: 0 bytes, an IDX file starts with 4'],
    [
      'bad magic',
      Uint8Array.of(0x50, 0x4b, 3, 4),
      'f.idx: bad IDX magic 0x50 0x4b (expected 0x00 0x00): not an IDX file',
    ],
    ['second magic byte', Uint8Array.of(0, 1, 8, 1, 0, 0, 0, 0), 'f.idx: bad IDX magic 0x00 0x01'],
    ['unknown type', Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0), 'f.idx: unknown IDX element type 0x0a'],
    ['zero dims', Uint8Array.of(0, 0, 8, 0), 'f.idx: IDX header declares 0 dimensions'],
    [
      'truncated dims',
      good.slice(0, 9),
      'f.idx: truncated IDX header: 2 dimensions need 12 bytes, the file has 9',
    ],
    [
      'truncated data',
      good.slice(0, good.length - 1),
      'f.idx: truncated IDX data: header declares [2, 2] int32 = 16 bytes of data, only 15 follow',
    ],
    [
      'extra data',
      Uint8Array.from([...good, 0, 0]),
      'f.idx: IDX size mismatch: header declares [2, 2] int32 = 16 bytes of data, but 18 follow (2 extra)',
    ],
    ['corrupt gzip', gzipSync(good).slice(0, 12), 'f.idx: corrupt gzip data ('],
    ['gzip of a non-IDX file', gzipSync(Uint8Array.of(1, 2, 3, 4, 5)), 'f.idx: bad IDX magic 0x01 0x02'],
    ['gzip of a truncated IDX file', gzipSync(good.slice(0, 20)), 'f.idx: truncated IDX data'],
    // fflate inflates these without a word; the trailer checks catch them
    ['a gzip CRC byte flipped', flip(gzipSync(good), -8), 'f.idx: corrupt gzip data (CRC-32 check failed: '],
    ['a gzip size byte flipped', flip(gzipSync(good), -1), 'f.idx: corrupt gzip data (length check failed: '],
    [
      'a flipped bit in the deflate stream',
      flip(gzipSync(good, { level: 0 }), 20),
      'f.idx: corrupt gzip data (',
    ],
  ];
  it('negative control: the same files unflipped read, and fflate alone accepts the flipped CRC', () => {
    expect(readIdx(gzipSync(good), 'f.idx').dims).toEqual([2, 2]);
    expect(readIdx(gzipSync(good, { level: 0 }), 'f.idx').dims).toEqual([2, 2]);
    expect(gunzipSync(flip(gzipSync(good), -8))).toEqual(good);
  });
  for (const [what, bytes, message] of corrupt) {
    it(`rejects ${what} with an error naming the file`, () => {
      let err: unknown;
      try {
        readIdx(bytes, 'f.idx');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IdxError);
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).not.toContain('\n'); // the CLI prints it as one line
    });
  }
});

describe('writeIdx', () => {
  it('rejects dims that do not match the data', () => {
    expect(() => writeIdx([2, 2], Uint8Array.of(1, 2, 3))).toThrow(
      'writeIdx: dims [2, 2] hold 4 elements, data has 3',
    );
  });
});
