/**
 * Softmax rows in wasm SIMD (the CPU cross-entropy routines, cpu/routines.ts): for each of
 * `rows` rows of C contiguous floats (rows `xStep` bytes apart),
 *
 *   max[row] = max_c x[c]                      (pmax: a NaN x[c] makes the sum NaN instead)
 *   p[row, c] = exp(x[c] - max) / sum          (expf of ewise-kernel.ts, ~2 ulp)
 *   sums[row] = sum_c exp(x[c] - max)          (accumulated in float64, stored as an f64x2 pair)
 *
 * softmaxRows(x, xStep, p, rows, C, max, sums): pointers and steps in bytes; p is [rows, C]
 * contiguous, max holds one f32 per row, sums two f64 per row (their sum is the row's sum).
 * The caller takes lse = max + log(sums) in JS.
 */
import { Fn, i32, v128 } from './emit.js';
import { emitExpf } from './ewise-kernel.js';
import { streamLoop } from './loop.js';

/** i8x16.shuffle lanes moving f32 lanes 2, 3 to 0, 1. */
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
/** f32 lanes (1, 0, 3, 2). */
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

export function softmaxRowsFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32]);
  const [X, XSTEP, P, ROWS, C, MAX, SUMS] = [0, 1, 2, 3, 4, 5, 6];
  const row = f.local(i32);
  const px = f.local(i32);
  const pp = f.local(i32);
  const n = f.local(i32);
  const [v, mx, lo, hi, sum, ones] = [
    f.local(v128),
    f.local(v128),
    f.local(v128),
    f.local(v128),
    f.local(v128),
    f.local(v128),
  ];
  const temp = () => f.local(v128);
  f.f32x4Const(1).set(ones);
  f.get(ROWS).i32Eqz().if_().ret().end();
  f.i32Const(0).set(row);
  f.loop();
  // 1. the row's max (the tail loads splat the element: lanes 1-3 repeat it)
  f.get(X).get(row).get(XSTEP).i32Mul().i32Add().set(px);
  f.get(C).set(n);
  f.f32x4Const(Number.NEGATIVE_INFINITY).set(mx);
  streamLoop(f, n, [{ ptr: px, bool: false, stride: 1 }], (vector) => {
    f.get(mx).get(px);
    if (vector) f.v128Load();
    else f.v128Load32Splat();
    // pmax: one instruction (f32x4.max is a NaN-safe ~6-instruction sequence on x64, on this
    // loop's critical path). It drops a NaN, but the NaN still makes the row's sum NaN in pass 2,
    // so the row's softmax and loss are NaN as with a NaN max.
    f.v('f32x4.pmax').set(mx);
  });
  f.get(mx).get(mx).get(mx).shuffle(HIGH_TO_LOW).v('f32x4.max').set(mx);
  f.get(mx).get(mx).get(mx).shuffle(SWAP_PAIRS).v('f32x4.max').set(mx);
  f.get(MAX).get(row).i32Const(4).i32Mul().i32Add().get(mx).v128Store32Lane(0);
  // 2. p = exp(x - max), summed in float64
  f.get(X).get(row).get(XSTEP).i32Mul().i32Add().set(px);
  f.get(P).get(row).get(C).i32Mul().i32Const(4).i32Mul().i32Add().set(pp);
  f.get(C).set(n);
  f.v128Zero().set(lo).v128Zero().set(hi);
  const lanes = [
    { ptr: px, bool: false, stride: 1 as const },
    { ptr: pp, bool: false, stride: 1 as const },
  ];
  streamLoop(f, n, lanes, (vector) => {
    f.get(px);
    if (vector) f.v128Load();
    else f.v128Load32Zero();
    f.get(mx).v('f32x4.sub');
    emitExpf(f, temp, ones);
    if (!vector) f.i32x4Const(-1, 0, 0, 0).v('v128.and'); // lanes 1-3 are junk: 0 in the sum
    f.set(v);
    f.get(pp).get(v);
    if (vector) f.v128Store();
    else f.v128Store32Lane(0);
    f.get(lo).get(v).v('f64x2.promote_low_f32x4').v('f64x2.add').set(lo);
    f.get(hi).get(v).get(v).shuffle(HIGH_TO_LOW).v('f64x2.promote_low_f32x4').v('f64x2.add').set(hi);
  });
  f.get(lo).get(hi).v('f64x2.add').set(lo);
  f.get(SUMS).get(row).i32Const(16).i32Mul().i32Add().get(lo).v128Store();
  // 3. p /= sum (the sum rounded to float32 once)
  f.get(lo).f64x2ExtractLane(0).get(lo).f64x2ExtractLane(1).f64Add().f32DemoteF64().f32x4Splat().set(sum);
  f.get(P).get(row).get(C).i32Mul().i32Const(4).i32Mul().i32Add().set(pp);
  f.get(C).set(n);
  streamLoop(f, n, [{ ptr: pp, bool: false, stride: 1 }], (vector) => {
    f.get(pp).get(pp);
    if (vector) f.v128Load();
    else f.v128Load32Zero();
    f.get(sum).v('f32x4.div');
    if (vector) f.v128Store();
    else f.v128Store32Lane(0);
  });
  f.get(row).i32Const(1).i32Add().tee(row).get(ROWS).i32Ne().brIf(0);
  f.end();
  return f;
}
