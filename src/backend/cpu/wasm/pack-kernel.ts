/**
 * Wasm packing kernels: the operand is first copied into wasm memory as is (one memcpy,
 * ~0.04 ns/float), then packed here at SIMD speed. Packing straight from JS typed arrays costs
 * ~1.1 ns/float (a float32 -> float64 -> float32 round trip and a bounds check per element),
 * which for the tutorial's 64x784x128 products was as long as the multiply itself.
 *
 * Both kernels write full R-row panels only (for each k, R floats); the driver packs a last
 * partial panel, and any layout where neither dimension is contiguous, in JS (gemm-pack.ts).
 */
import { Fn, i32, v128 } from './emit.js';

/** i8x16.shuffle lanes that pick f32 lanes (0-3: first operand, 4-7: second). */
const lanes32 = (...l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);

/**
 * packContig(src, ks, panels, kc, dst, pstride), R floats per k: the panel dimension is
 * contiguous (A transposed, B row-major), so each k is R/4 vector copies. ks and pstride (the
 * distance between panels in dst, >= kc * R floats) are in bytes.
 */
export function packContigFn(R: number): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32]);
  const [src, ks, panels, kc, dst, pstride] = [0, 1, 2, 3, 4, 5];
  const p = f.local(i32);
  const s = f.local(i32);
  const d = f.local(i32);
  const k = f.local(i32);
  f.get(panels).i32Eqz().if_().ret().end();
  f.i32Const(0).set(p);
  f.loop(); // panels
  f.get(src)
    .get(p)
    .i32Const(R * 4)
    .i32Mul()
    .i32Add()
    .set(s);
  f.get(dst).get(p).get(pstride).i32Mul().i32Add().set(d);
  f.get(kc).set(k);
  f.loop(); // k
  for (let v = 0; v < R / 4; v++)
    f.get(d)
      .get(s)
      .v128Load(16 * v)
      .v128Store(16 * v);
  f.get(s).get(ks).i32Add().set(s);
  f.get(d)
    .i32Const(R * 4)
    .i32Add()
    .set(d);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end();
  f.get(p).i32Const(1).i32Add().tee(p).get(panels).i32Ne().brIf(0);
  f.end();
  return f;
}

/**
 * packInterleave(src, rs, panels, kc, dst, pstride): k is contiguous (A row-major, B = W^T), so R rows
 * are interleaved: 4 rows x 4 k at a time are loaded as 4 vectors, transposed with shuffles
 * (unpacklo/hi then movlh/hl, which V8 lowers to single x64 shuffles) and stored as 4 k-steps
 * of 4 rows; k % 4 leftovers are scalar. rs and pstride are in bytes.
 */
export function packInterleaveFn(R: number): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32]);
  const [src, rs, panels, kc, dst, pstride] = [0, 1, 2, 3, 4, 5];
  const p = f.local(i32);
  const row = f.local(i32); // first source row of the current 4-row group, in bytes
  const d = f.local(i32);
  const k = f.local(i32);
  const r = [f.local(i32), f.local(i32), f.local(i32), f.local(i32)]; // 4 row pointers
  const v = [f.local(v128), f.local(v128), f.local(v128), f.local(v128)];
  const t = [f.local(v128), f.local(v128), f.local(v128), f.local(v128)];
  const stepK = R * 4; // bytes between consecutive k in a panel
  f.get(panels).i32Eqz().if_().ret().end();
  f.get(src).set(row);
  f.i32Const(0).set(p);
  f.loop(); // panels
  for (let g = 0; g < R / 4; g++) {
    // rows p*R + 4g .. +3 into lanes 4g..4g+3 of every k-step
    for (let q = 0; q < 4; q++)
      f.get(row)
        .get(rs)
        .i32Const(4 * g + q)
        .i32Mul()
        .i32Add()
        .set(r[q]);
    f.get(dst)
      .get(p)
      .get(pstride)
      .i32Mul()
      .i32Add()
      .i32Const(16 * g)
      .i32Add()
      .set(d);
    f.i32Const(0).set(k);
    f.block();
    f.loop(); // 4 k at a time while k + 4 <= kc
    f.get(k).i32Const(4).i32Add().get(kc).i32GtU().brIf(1);
    for (let q = 0; q < 4; q++) f.get(r[q]).v128Load().set(v[q]);
    f.get(v[0])
      .get(v[1])
      .shuffle(lanes32(0, 4, 1, 5))
      .set(t[0]);
    f.get(v[0])
      .get(v[1])
      .shuffle(lanes32(2, 6, 3, 7))
      .set(t[1]);
    f.get(v[2])
      .get(v[3])
      .shuffle(lanes32(0, 4, 1, 5))
      .set(t[2]);
    f.get(v[2])
      .get(v[3])
      .shuffle(lanes32(2, 6, 3, 7))
      .set(t[3]);
    f.get(d)
      .get(t[0])
      .get(t[2])
      .shuffle(lanes32(0, 1, 4, 5))
      .v128Store(0);
    f.get(d)
      .get(t[0])
      .get(t[2])
      .shuffle(lanes32(2, 3, 6, 7))
      .v128Store(stepK);
    f.get(d)
      .get(t[1])
      .get(t[3])
      .shuffle(lanes32(0, 1, 4, 5))
      .v128Store(2 * stepK);
    f.get(d)
      .get(t[1])
      .get(t[3])
      .shuffle(lanes32(2, 3, 6, 7))
      .v128Store(3 * stepK);
    for (let q = 0; q < 4; q++) f.get(r[q]).i32Const(16).i32Add().set(r[q]);
    f.get(d)
      .i32Const(4 * stepK)
      .i32Add()
      .set(d);
    f.get(k).i32Const(4).i32Add().set(k);
    f.br(0);
    f.end();
    f.end();
    f.block();
    f.loop(); // leftover k, one at a time
    f.get(k).get(kc).i32GeU().brIf(1);
    for (let q = 0; q < 4; q++)
      f.get(d)
        .get(r[q])
        .f32Load()
        .f32Store(4 * q);
    for (let q = 0; q < 4; q++) f.get(r[q]).i32Const(4).i32Add().set(r[q]);
    f.get(d).i32Const(stepK).i32Add().set(d);
    f.get(k).i32Const(1).i32Add().set(k);
    f.br(0);
    f.end();
    f.end();
  }
  f.get(row).get(rs).i32Const(R).i32Mul().i32Add().set(row);
  f.get(p).i32Const(1).i32Add().tee(p).get(panels).i32Ne().brIf(0);
  f.end();
  return f;
}
