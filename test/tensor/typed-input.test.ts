/** Typed-array input keeps its values: bytes are 0..255, not booleans (they once became 0/1). */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

describe('torch.tensor / fromArray of integer typed arrays', () => {
  it('keeps every value, as int32 (no 8/16-bit dtypes yet)', async () => {
    for (const data of [
      new Uint8Array([0, 128, 255]),
      new Uint8ClampedArray([0, 128, 255]),
      new Int8Array([-128, 0, 127]),
      new Int16Array([-32768, 5, 32767]),
      new Uint16Array([0, 40000, 65535]),
      new Uint32Array([0, 7, 2 ** 31 - 1]),
    ]) {
      const t = torch.tensor(data as never);
      expect(t.dtype, data.constructor.name).toBe('int32');
      expect(Array.from(await t.toArray())).toEqual(Array.from(data));
    }
  });

  it("a mask is asked for with dtype 'bool'; out-of-range Uint32 values raise", async () => {
    const m = torch.tensor(new Uint8Array([0, 3, 1]), { dtype: 'bool' });
    expect(m.dtype).toBe('bool');
    expect(Array.from(await m.toArray())).toEqual([0, 1, 1]);
    expect(() => torch.tensor(new Uint32Array([2 ** 32 - 1]))).toThrow(/int32|range|out of/i);
  });

  it('float arrays stay float32', () => {
    expect(torch.tensor(new Float64Array([0.5])).dtype).toBe('float32');
    expect(torch.tensor(new Float32Array([0.5])).dtype).toBe('float32');
  });
});
