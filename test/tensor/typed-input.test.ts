/** Typed-array input keeps its dtype and values: bytes are uint8 0..255, not booleans (they once became 0/1). */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

describe('torch.tensor / fromArray of typed arrays', () => {
  it('keeps each array its dtype and every value', async () => {
    const cases: [ArrayLike<number>, string][] = [
      [new Uint8Array([0, 128, 255]), 'uint8'],
      [new Uint8ClampedArray([0, 128, 255]), 'uint8'],
      [new Int8Array([-128, 0, 127]), 'int8'],
      [new Int16Array([-32768, 5, 32767]), 'int16'],
      [new Int32Array([-(2 ** 31), 5, 2 ** 31 - 1]), 'int32'],
      // PyTorch 1.13 has no uint16/uint32: the values fit int32/int64 (int64 range-checked).
      [new Uint16Array([0, 40000, 65535]), 'int32'],
      [new Uint32Array([0, 7, 2 ** 31 - 1]), 'int64'],
      [new Float32Array([0.5, -1]), 'float32'],
      [new Float64Array([0.1, 1e300]), 'float64'],
    ];
    for (const [data, dtype] of cases) {
      const t = torch.tensor(data as never);
      expect(t.dtype, data.constructor.name).toBe(dtype);
      expect(Array.from(await t.toArray())).toEqual(Array.from(data));
    }
  });

  it('BigInt64Array is int64, range-checked (int64 is stored as int32)', async () => {
    const t = torch.tensor(new BigInt64Array([-5n, 7n]) as never);
    expect(t.dtype).toBe('int64');
    expect(Array.from(await t.toArray())).toEqual([-5, 7]);
    expect(() => torch.tensor(new BigInt64Array([2n ** 40n]) as never)).toThrow(/does not fit int32/);
  });

  it("a mask is asked for with dtype 'bool'; out-of-range Uint32 values raise", async () => {
    const m = torch.tensor(new Uint8Array([0, 3, 1]), { dtype: 'bool' });
    expect(m.dtype).toBe('bool');
    expect(Array.from(await m.toArray())).toEqual([0, 1, 1]);
    expect(() => torch.tensor(new Uint32Array([2 ** 32 - 1]))).toThrow(/int32|range|out of/i);
  });

  it('float64 keeps every bit (no float32 rounding on the way in or out)', async () => {
    const t = torch.tensor(new Float64Array([0.1, 1 / 3]));
    expect(Array.from(await t.toArray())).toEqual([0.1, 1 / 3]);
    expect(await t.sum().item()).toBe(0.1 + 1 / 3);
  });
});
