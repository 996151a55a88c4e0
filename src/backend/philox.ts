/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * counter-based generator behind `Backend.random`. Every backend computes element i from
 * (key = seed, counter = offset + i) alone, so CPU and GPU draw identical streams and a
 * generator only has to remember an offset. The WGSL twin lives in webgpu/; both are tested
 * against the published known-answer vectors.
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of a 32x32-bit unsigned product, exactly (16-bit limbs, no floating rounding). */
export function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = ((lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/** One Philox4x32-10 block: writes 4 random u32 into out. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

const TWO_POW_M24 = 1 / 16777216;

/** The reference fill for `Backend.random` (CPU implementation, and the spec for the others). */
export function philoxFill(
  kind: 'uniform' | 'normal',
  out: Float32Array,
  seed: readonly [number, number],
  offset: number,
  a: number,
  b: number,
): void {
  const r = new Uint32Array(4);
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const ctr = offset + i;
    philox4x32(ctr >>> 0, Math.floor(ctr / 4294967296) >>> 0, 0, 0, seed[0] >>> 0, seed[1] >>> 0, r);
    if (kind === 'uniform') {
      out[i] = a + (b - a) * ((r[0] >>> 8) * TWO_POW_M24);
    } else {
      const u1 = ((r[0] >>> 8) + 1) * TWO_POW_M24;
      const u2 = (r[1] >>> 8) * TWO_POW_M24;
      out[i] = a + b * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
}
