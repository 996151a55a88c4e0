/**
 * random: Philox4x32-10, the WGSL twin of src/backend/philox.ts. Element i takes key = seed and
 * counter = (offset + i as 64 bits, 0, 0), so the stream is the CPU's bit for bit (uniform) and
 * within a few ulp (normal: f32 log/sqrt/cos on the device vs f64 on the CPU).
 *
 * Accuracy notes for normal: ln(u1) is taken as log1p(-(1 - u1)) with 1 - u1 exact, so values
 * near u1 = 1 keep their relative precision; cos(2 pi u2) is reduced by quadrant on the exact
 * u2 (a multiple of 2^-24) so results near the zeros of cos are not swamped by the absolute
 * error of a large-argument cos. One thread per element: compute-bound (10 rounds of 2 wide
 * multiplies), ~4 bytes written per element.
 */
import type { Backend } from '../../backend.js';
import { numelOf } from '../../backend.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { storageOf } from '../storage.js';
import { builtins, linearId, uf, uniformDecl, uw } from '../wgsl/common.js';
import { WgslCtx } from '../wgsl/expr.js';

const WG = 256;

export const PHILOX_WGSL = `
fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let lo = a0 * b0; let mid1 = a1 * b0; let mid2 = a0 * b1;
  let carry = ((lo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return a1 * b1 + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}
fn philox(c_in: vec4<u32>, k_in: vec2<u32>) -> vec4<u32> {
  var c = c_in; var k = k_in;
  for (var r = 0; r < 10; r++) {
    let hi0 = mulhi(0xd2511f53u, c.x); let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi(0xcd9e8d57u, c.z); let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}`;

export const random: Backend['random'] = (kind, out, seed, offset, a, b) => {
  if (out.dtype !== 'float32') throw new TypeError(`webgpu random: out must be float32, got ${out.dtype}`);
  const n = numelOf(out.shape);
  if (n === 0) return;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`webgpu random: offset ${offset} must be a non-negative safe integer`);
  const pipe = pipelineFor(`random:${kind}`, 'w', () => {
    const ctx = new WgslCtx();
    const body =
      kind === 'uniform'
        ? `let v = ${uf(6)} + (${uf(7)} - ${uf(6)}) * (f32(r.x >> 8u) * ${2 ** -24});`
        : `let w = f32(16777215u - (r.x >> 8u)) * ${2 ** -24}; // 1 - u1, exact
  let lnu1 = ${ctx.use('flog1p_')}(-w);
  let m = r.y >> 8u; // u2 = m / 2^24; cos(2 pi u2) by quadrant
  let q = (m + 0x200000u) >> 22u; // nearest quarter turn
  let t = 6.283185307179586 * (f32(i32(m) - i32(q << 22u)) * ${2 ** -24});
  let sc = ${ctx.use('fsincos_')}(t); // not builtin sin/cos: SwiftShader's are ~2^-11 off
  var c: f32;
  switch (q & 3u) {
    case 0u: { c = sc.y; }
    case 1u: { c = -sc.x; }
    case 2u: { c = -sc.y; }
    default: { c = sc.x; }
  }
  let v = ${uf(6)} + ${uf(7)} * sqrt(-2.0 * lnu1) * c;`;
    return `${uniformDecl(9)}
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
${ctx.prelude()}
${PHILOX_WGSL}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  if (i >= ${uw(0)}) { return; }
  let lo = ${uw(1)} + i;
  let hi = ${uw(2)} + select(0u, 1u, lo < i); // 64-bit counter: carry out of the low word
  let r = philox(vec4<u32>(lo, hi, 0u, 0u), vec2<u32>(${uw(3)}, ${uw(4)}));
  ${body}
  o[${uw(5)} + i] = v;
}`;
  });
  const p = new Params(9);
  p.u.set([n, offset >>> 0, Math.floor(offset / 4294967296) >>> 0, seed[0] >>> 0, seed[1] >>> 0, out.offset]);
  p.f[6] = a;
  p.f[7] = b;
  dispatch(pipe, 'w', [storageOf(out, 'random')], p, grid(Math.ceil(n / WG)));
};
