/**
 * Philox4x32-10 uniform fill in wasm (issue 18: dropout's mask was ~a third of the mnist CNN's
 * step in the JS reference, whose 32x32 -> 64-bit products take 16-bit limbs). The same stream
 * as backend/philox.ts `philoxFill('uniform', ...)`, bit for bit: element i is the first word of
 * the block at counter offset + i, mapped as a + (b - a) * ((r >>> 8) * 2^-24) in float64, then
 * rounded to float32, exactly as the JS does.
 *
 * philoxUniform(out, n, ctrLo, ctrHi, k0, k1, a: f64, scale: f64): out (bytes), scale = b - a.
 */
import { Fn, f64, i32, i64 } from './emit.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

export function philoxUniformFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32, f64, f64]);
  const [out, n, lo, hi, k0, k1, a, scale] = [0, 1, 2, 3, 4, 5, 6, 7];
  const c = [f.local(i32), f.local(i32), f.local(i32), f.local(i32)];
  const key = [f.local(i32), f.local(i32)];
  const p0 = f.local(i64);
  const p1 = f.local(i64);
  const n0 = f.local(i32);
  const end = f.local(i32);
  f.get(n).i32Eqz().if_().ret().end();
  f.get(out).get(n).i32Const(4).i32Mul().i32Add().set(end);
  f.loop();
  f.get(lo).set(c[0]);
  f.get(hi).set(c[1]);
  f.i32Const(0).set(c[2]);
  f.i32Const(0).set(c[3]);
  f.get(k0).set(key[0]);
  f.get(k1).set(key[1]);
  for (let r = 0; r < 10; r++) {
    f.get(c[0])
      .i64ExtendI32U()
      .i32Const(M0 | 0)
      .i64ExtendI32U()
      .i64Mul()
      .set(p0);
    f.get(c[2])
      .i64ExtendI32U()
      .i32Const(M1 | 0)
      .i64ExtendI32U()
      .i64Mul()
      .set(p1);
    // c0' = hi(p1) ^ c1 ^ k0; c2' = hi(p0) ^ c3 ^ k1; c1' = lo(p1); c3' = lo(p0)
    f.get(p1).i64Const(32).i64ShrU().i32WrapI64().get(c[1]).i32Xor().get(key[0]).i32Xor().set(n0);
    f.get(p0).i64Const(32).i64ShrU().i32WrapI64().get(c[3]).i32Xor().get(key[1]).i32Xor().set(c[2]);
    f.get(p1).i32WrapI64().set(c[1]);
    f.get(p0).i32WrapI64().set(c[3]);
    f.get(n0).set(c[0]);
    if (r < 9) {
      f.get(key[0])
        .i32Const(W0 | 0)
        .i32Add()
        .set(key[0]);
      f.get(key[1])
        .i32Const(W1 | 0)
        .i32Add()
        .set(key[1]);
    }
  }
  // out = f32(a + scale * ((c0 >>> 8) * 2^-24))
  f.get(out);
  f.get(c[0])
    .i32Const(8)
    .i32ShrU()
    .f64ConvertI32U()
    .f64Const(2 ** -24)
    .f64Mul();
  f.get(scale).f64Mul().get(a).f64Add().f32DemoteF64().f32Store();
  // 64-bit counter + 1
  f.get(lo).i32Const(1).i32Add().tee(lo).i32Eqz().if_().get(hi).i32Const(1).i32Add().set(hi).end();
  f.get(out).i32Const(4).i32Add().tee(out).get(end).i32Ne().brIf(0);
  f.end();
  return f;
}
