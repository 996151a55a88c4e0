/**
 * LayerNorm rows in wasm SIMD (cpu/rows.ts `layerNorm`/`layerNormBackward`), for rows of D
 * contiguous float32 with D a multiple of 4 and both weight and bias (nn.LayerNorm's default):
 *
 *   forward(x, w, b, out, rows, D, mean, rstd, eps, invD):
 *     mean = sum(x) / D, rstd = 1 / sqrt(sum((x - mean)^2) / D + eps)   (two passes, f32x4 sums)
 *     out = (x - mean) * rstd * w + b
 *   backward(dy, x, mean, rstd, w, dx, acc, rows, D, invD):
 *     h = (x - mean) * rstd, g = dy * w
 *     dx = rstd * (g - sum(g) / D - h * sum(g h) / D)
 *     acc[j] += dy h, acc[D + j] += dy   (float64, the column sums dw and db over all rows)
 *
 * Pointers in bytes; acc is 2 D float64 that the caller zeroes and reads back. The JS loops of
 * rows.ts accumulate rows in float64: here a row's sums are float32 (4 lanes of D / 4 terms,
 * ~1e-6 relative at D = 64), the column sums float64 as there.
 */
import { Fn, f32, i32, v128 } from './emit.js';

/** i8x16.shuffle lanes moving f32 lanes 2, 3 to 0, 1. */
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
/** f32 lanes (1, 0, 3, 2). */
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

/** Leaves the sum of the four lanes of local `v` in every lane of `v`. */
function allLanesSum(f: Fn, v: number): void {
  f.get(v).get(v).get(v).shuffle(HIGH_TO_LOW).v('f32x4.add').set(v);
  f.get(v).get(v).get(v).shuffle(SWAP_PAIRS).v('f32x4.add').set(v);
}

/** `for (j = 0; j < bytes; j += 16) body()`: j is an i32 local (byte offset within the row). */
function vecLoop(f: Fn, j: number, bytes: number, body: () => void): void {
  f.i32Const(0).set(j);
  f.loop();
  body();
  f.get(j).i32Const(16).i32Add().tee(j).get(bytes).i32LtU().brIf(0);
  f.end();
}

export function layerNormFns(): { forward: Fn; backward: Fn } {
  return { forward: forwardFn(), backward: backwardFn() };
}

function forwardFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32, i32, f32, f32]);
  const [X, W, B, O, ROWS, D, MEAN, RSTD, EPS, INVD] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [row, j, px, po, bytes] = [f.local(i32), f.local(i32), f.local(i32), f.local(i32), f.local(i32)];
  const [s, mu, r, c, invD] = [f.local(v128), f.local(v128), f.local(v128), f.local(v128), f.local(v128)];
  f.get(ROWS).i32Eqz().if_().ret().end();
  f.get(INVD).f32x4Splat().set(invD);
  f.get(D).i32Const(4).i32Mul().set(bytes);
  f.i32Const(0).set(row);
  f.loop();
  f.get(X).get(row).get(bytes).i32Mul().i32Add().set(px);
  f.get(O).get(row).get(bytes).i32Mul().i32Add().set(po);
  // mean
  f.v128Zero().set(s);
  vecLoop(f, j, bytes, () => {
    f.get(s).get(px).get(j).i32Add().v128Load().v('f32x4.add').set(s);
  });
  allLanesSum(f, s);
  f.get(s).get(invD).v('f32x4.mul').set(mu);
  // rstd
  f.v128Zero().set(s);
  vecLoop(f, j, bytes, () => {
    f.get(px).get(j).i32Add().v128Load().get(mu).v('f32x4.sub').set(c);
    f.get(s).get(c).get(c).v('f32x4.mul').v('f32x4.add').set(s);
  });
  allLanesSum(f, s);
  f.f32x4Const(1).get(s).get(invD).v('f32x4.mul').get(EPS).f32x4Splat().v('f32x4.add');
  f.v('f32x4.sqrt').v('f32x4.div').set(r);
  f.get(MEAN).get(row).i32Const(4).i32Mul().i32Add().get(mu).v128Store32Lane(0);
  f.get(RSTD).get(row).i32Const(4).i32Mul().i32Add().get(r).v128Store32Lane(0);
  // out = (x - mean) * rstd * w + b
  vecLoop(f, j, bytes, () => {
    f.get(po).get(j).i32Add();
    f.get(px).get(j).i32Add().v128Load().get(mu).v('f32x4.sub').get(r).v('f32x4.mul');
    f.get(W).get(j).i32Add().v128Load().v('f32x4.mul');
    f.get(B).get(j).i32Add().v128Load().v('f32x4.add');
    f.v128Store();
  });
  f.get(row).i32Const(1).i32Add().tee(row).get(ROWS).i32Ne().brIf(0);
  f.end();
  return f;
}

function backwardFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32, i32, i32, f32]);
  const [DY, X, MEAN, RSTD, W, DX, ACC, ROWS, D, INVD] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [row, j, px, pg, pd, bytes, accDb, pa] = Array.from({ length: 8 }, () => f.local(i32));
  const [mu, r, sg, sgx, h, g, dy, hi, invD] = Array.from({ length: 9 }, () => f.local(v128));
  /** acc[at + 2 j .. + 4] (two f64x2) += the f32x4 on local `v`, promoted. */
  const accumulate = (at: number, v: number) => {
    f.get(at).get(at).v128Load().get(v).v('f64x2.promote_low_f32x4').v('f64x2.add').v128Store();
    f.get(at).get(at).v128Load(16);
    f.get(v).get(v).shuffle(HIGH_TO_LOW).v('f64x2.promote_low_f32x4').v('f64x2.add').v128Store(16);
  };
  f.get(ROWS).i32Eqz().if_().ret().end();
  f.get(INVD).f32x4Splat().set(invD);
  f.get(D).i32Const(4).i32Mul().set(bytes);
  f.get(ACC).get(bytes).i32Const(2).i32Mul().i32Add().set(accDb);
  f.i32Const(0).set(row);
  f.loop();
  f.get(X).get(row).get(bytes).i32Mul().i32Add().set(px);
  f.get(DY).get(row).get(bytes).i32Mul().i32Add().set(pg);
  f.get(DX).get(row).get(bytes).i32Mul().i32Add().set(pd);
  f.get(MEAN).get(row).i32Const(4).i32Mul().i32Add().v128Load32Splat().set(mu);
  f.get(RSTD).get(row).i32Const(4).i32Mul().i32Add().v128Load32Splat().set(r);
  f.v128Zero().set(sg).v128Zero().set(sgx);
  // sums of g and g h over the row; dw, db column sums
  vecLoop(f, j, bytes, () => {
    f.get(px).get(j).i32Add().v128Load().get(mu).v('f32x4.sub').get(r).v('f32x4.mul').set(h);
    f.get(pg).get(j).i32Add().v128Load().set(dy);
    f.get(dy).get(W).get(j).i32Add().v128Load().v('f32x4.mul').set(g);
    f.get(sg).get(g).v('f32x4.add').set(sg);
    f.get(sgx).get(g).get(h).v('f32x4.mul').v('f32x4.add').set(sgx);
    f.get(dy).get(h).v('f32x4.mul').set(hi);
    f.get(ACC).get(j).i32Const(2).i32Mul().i32Add().set(pa);
    accumulate(pa, hi);
    f.get(accDb).get(j).i32Const(2).i32Mul().i32Add().set(pa);
    accumulate(pa, dy);
  });
  allLanesSum(f, sg);
  allLanesSum(f, sgx);
  f.get(sg).get(invD).v('f32x4.mul').set(sg);
  f.get(sgx).get(invD).v('f32x4.mul').set(sgx);
  // dx = rstd (g - mean(g) - h mean(g h))
  vecLoop(f, j, bytes, () => {
    f.get(pd).get(j).i32Add();
    f.get(pg).get(j).i32Add().v128Load().get(W).get(j).i32Add().v128Load().v('f32x4.mul');
    f.get(sg).v('f32x4.sub');
    f.get(px).get(j).i32Add().v128Load().get(mu).v('f32x4.sub').get(r).v('f32x4.mul');
    f.get(sgx).v('f32x4.mul').v('f32x4.sub');
    f.get(r).v('f32x4.mul');
    f.v128Store();
  });
  f.get(row).i32Const(1).i32Add().tee(row).get(ROWS).i32Ne().brIf(0);
  f.end();
  return f;
}
