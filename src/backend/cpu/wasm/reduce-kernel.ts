/**
 * Float32 sums in wasm SIMD, accumulated in float64 as the JS path does (so results match it
 * to the last bit for column sums and to float64 reassociation for row sums), plus a memcpy:
 *
 * - sumRows(x, rows, m, rowStep, out): out[i] = sum of m contiguous floats at x + i * rowStep
 *   (loss means, a [N, C] tensor summed over C): 4 floats per step into two f64x2 accumulators.
 * - sumCols(x, cols, m, step, out): out[i] = sum_j x[i + j * step] over 4 adjacent outputs at
 *   once (sum over a leading dim: bias gradients, [64, 128] -> [128]); each output adds its
 *   elements in j order, exactly the JS loop's order.
 * - copy(dst, src, bytes): a forward SIMD copy of non-overlapping blocks (the gather of whole
 *   rows: DataLoader batches). Not memory.copy: on a shared memory V8 implements that, like
 *   TypedArray.set, as a relaxed-atomic word copy, ~4x slower than vector loads and stores.
 * Pointers and steps in bytes.
 */
import { Fn, i32, v128 } from './emit.js';
import { streamLoop } from './loop.js';

/** i8x16.shuffle lanes moving f32 lanes 2, 3 to 0, 1. */
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

/** acc_lo += f64(v[0..1]); acc_hi += f64(v[2..3]) for the f32x4 in local v. */
function accumulate(f: Fn, v: number, lo: number, hi: number): void {
  f.get(lo).get(v).v('f64x2.promote_low_f32x4').v('f64x2.add').set(lo);
  f.get(hi).get(v).get(v).shuffle(HIGH_TO_LOW).v('f64x2.promote_low_f32x4').v('f64x2.add').set(hi);
}

export function sumRowsFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32]);
  const [X, ROWS, M, STEP, OUT] = [0, 1, 2, 3, 4];
  const row = f.local(i32);
  const p = f.local(i32);
  const n = f.local(i32);
  const [v, lo, hi] = [f.local(v128), f.local(v128), f.local(v128)];
  f.get(ROWS).i32Eqz().if_().ret().end();
  f.i32Const(0).set(row);
  f.loop();
  f.get(X).get(row).get(STEP).i32Mul().i32Add().set(p);
  f.get(M).set(n);
  f.v128Zero().set(lo).v128Zero().set(hi);
  streamLoop(f, n, [{ ptr: p, bool: false, stride: 1 }], (vector) => {
    f.get(p);
    if (vector) f.v128Load();
    else f.v128Load32Zero();
    f.set(v);
    accumulate(f, v, lo, hi);
  });
  // out[row] = f32((lo0 + lo1) + (hi0 + hi1))
  f.get(OUT).get(row).i32Const(4).i32Mul().i32Add();
  f.get(lo).f64x2ExtractLane(0).get(lo).f64x2ExtractLane(1).f64Add();
  f.get(hi).f64x2ExtractLane(0).get(hi).f64x2ExtractLane(1).f64Add().f64Add();
  f.f32DemoteF64().f32Store();
  f.get(row).i32Const(1).i32Add().tee(row).get(ROWS).i32Ne().brIf(0);
  f.end();
  return f;
}

export function sumColsFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32]);
  const [X, COLS, M, STEP, OUT] = [0, 1, 2, 3, 4];
  const n = f.local(i32);
  const j = f.local(i32);
  const p = f.local(i32);
  const q = f.local(i32);
  const [v, lo, hi] = [f.local(v128), f.local(v128), f.local(v128)];
  f.get(COLS).set(n);
  f.get(X).set(p);
  f.get(OUT).set(q);
  const lanes = [
    { ptr: p, bool: false, stride: 1 as const },
    { ptr: q, bool: false, stride: 1 as const },
  ];
  streamLoop(f, n, lanes, (vector) => {
    f.v128Zero().set(lo).v128Zero().set(hi);
    f.i32Const(0).set(j);
    f.block();
    f.loop();
    f.get(j).get(M).i32GeU().brIf(1);
    f.get(p).get(j).get(STEP).i32Mul().i32Add();
    if (vector) f.v128Load();
    else f.v128Load32Zero();
    f.set(v);
    accumulate(f, v, lo, hi);
    f.get(j).i32Const(1).i32Add().set(j);
    f.br(0);
    f.end();
    f.end();
    // [lo0, lo1, hi0, hi1] as f32
    f.get(q);
    f.get(lo).v('f32x4.demote_f64x2_zero').get(hi).v('f32x4.demote_f64x2_zero');
    f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    if (vector) f.v128Store();
    else f.v128Store32Lane(0);
  });
  return f;
}

export function copyFn(): Fn {
  const f = new Fn([i32, i32, i32]);
  const [D, S, N] = [0, 1, 2];
  for (const step of [64, 16, 1]) {
    f.block();
    f.loop();
    f.get(N).i32Const(step).i32LtU().brIf(1);
    if (step === 1) f.get(D).get(S).i32Load8U().i32Store8();
    else for (let o = 0; o < step; o += 16) f.get(D).get(S).v128Load(o).v128Store(o);
    f.get(D).i32Const(step).i32Add().set(D);
    f.get(S).i32Const(step).i32Add().set(S);
    f.get(N).i32Const(step).i32Sub().set(N);
    f.br(0);
    f.end();
    f.end();
  }
  return f;
}
