/**
 * The LSTM time step in wasm SIMD (cpu/lstm.ts; the fused loop of ops/rnn.ts). Each step's
 * gate math for one (row, unit) runs once, over f32x4 lanes of H units, with the same float32
 * operations in the same order as ops/rnn.ts's step expressions (sigmoid = 1 / (exp(-x) + 1),
 * expf/tanhf of ewise-kernel.ts), where the elementwise form computes every output column of a
 * where-select (h and c forward, 6 columns backward) from the whole tree.
 *
 * cell(B, H, xg, xgStep, hg, hgStep, cp, cpStep, h, c, hcStep): pre-activations xg + hg of the
 *   gates (i, f, g, o: H columns each); writes the activations (sigmoid i, f, o; tanh g) over
 *   hg in place, c' = f c + i g and h' = o tanh(c').
 * cellBackward(B, H, acts, aStep, tc, tcStep, cp, cpStep, gO, gOStep, rec, recStep, pass,
 *   passStep, gc, gcStep, d, dStep): gh = gO + rec + pass, dc = gc + gh o (1 - tc^2), then the
 *   row [di, df, dg, do, dc f, gh * 0] of d (6H columns).
 * Pointers and row steps in bytes.
 */
import { Fn, i32, v128 } from './emit.js';
import { emitExpf, emitTanhf } from './ewise-kernel.js';
import { type Lane, streamLoop } from './loop.js';

/** Pushes the f32x4 (vector) or lane 0 (tail) at local ptr + byte offset. */
function ld(f: Fn, ptr: number, off: number, vector: boolean): void {
  f.get(ptr);
  if (vector) f.v128Load(off);
  else f.v128Load32Zero(off);
}
/** Stores local `val` at ptr + byte offset. */
function st(f: Fn, ptr: number, off: number, val: number, vector: boolean): void {
  f.get(ptr).get(val);
  if (vector) f.v128Store(off);
  else f.v128Store32Lane(0, off);
}

/** Runs `body` over the H units of each of B rows, each pointer at its row (base + b * step). */
function rows(
  f: Fn,
  B: number,
  H: number,
  ptrs: readonly [number, number, number][],
  body: (v: boolean) => void,
) {
  const b = f.local(i32);
  const n = f.local(i32);
  f.get(B).i32Eqz().if_().ret().end();
  f.i32Const(0).set(b);
  f.loop();
  for (const [local, base, step] of ptrs) f.get(base).get(b).get(step).i32Mul().i32Add().set(local);
  f.get(H).set(n);
  const lanes: Lane[] = ptrs.map(([local]) => ({ ptr: local, bool: false, stride: 1 }));
  streamLoop(f, n, lanes, body);
  f.get(b).i32Const(1).i32Add().tee(b).get(B).i32Ne().brIf(0);
  f.end();
}

/**
 * The forward module for gate width H (memarg offsets are immediates): see the file comment.
 */
export function lstmCellFnFor(Hn: number): Fn {
  const f = new Fn(new Array(11).fill(i32));
  const [B, H, XG, XGS, HG, HGS, CP, CPS, HO, CO, HCS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [x, g, cp, h, c] = [f.local(i32), f.local(i32), f.local(i32), f.local(i32), f.local(i32)];
  const ones = f.local(v128);
  const [si, sf, tg, so, c2] = [0, 1, 2, 3, 4].map(() => f.local(v128));
  const temp = () => f.local(v128);
  f.f32x4Const(1).set(ones);
  const gate = (k: number) => k * Hn * 4;
  const pre = (k: number, vector: boolean) => {
    ld(f, x, gate(k), vector);
    ld(f, g, gate(k), vector);
    f.v('f32x4.add');
  };
  const sigmoid = (k: number, vector: boolean, into: number) => {
    f.get(ones);
    pre(k, vector);
    f.v('f32x4.neg');
    emitExpf(f, temp, ones);
    f.get(ones).v('f32x4.add').v('f32x4.div').set(into);
  };
  rows(
    f,
    B,
    H,
    [
      [x, XG, XGS],
      [g, HG, HGS],
      [cp, CP, CPS],
      [h, HO, HCS],
      [c, CO, HCS],
    ],
    (vector) => {
      sigmoid(0, vector, si);
      sigmoid(1, vector, sf);
      pre(2, vector);
      emitTanhf(f, temp, ones);
      f.set(tg);
      sigmoid(3, vector, so);
      // c' = f c + i g; h' = o tanh(c')
      f.get(sf);
      ld(f, cp, 0, vector);
      f.v('f32x4.mul').get(si).get(tg).v('f32x4.mul').v('f32x4.add').set(c2);
      st(f, c, 0, c2, vector);
      f.get(so).get(c2);
      emitTanhf(f, temp, ones);
      f.v('f32x4.mul').set(c2);
      st(f, h, 0, c2, vector);
      st(f, g, gate(0), si, vector);
      st(f, g, gate(1), sf, vector);
      st(f, g, gate(2), tg, vector);
      st(f, g, gate(3), so, vector);
    },
  );
  return f;
}

/** The backward module for gate width H: see the file comment. */
export function lstmCellBackwardFnFor(Hn: number): Fn {
  const f = new Fn(new Array(18).fill(i32));
  const [B, H] = [0, 1];
  const names = ['acts', 'tc', 'cp', 'gO', 'rec', 'pass', 'gc', 'd'] as const;
  const local: Record<(typeof names)[number], number> = {} as never;
  const ptrs: [number, number, number][] = [];
  names.forEach((k, j) => {
    local[k] = f.local(i32);
    ptrs.push([local[k], 2 + 2 * j, 3 + 2 * j]);
  });
  const ones = f.local(v128);
  const [gh, dc, si, sf, tg, so, tc, r] = [0, 1, 2, 3, 4, 5, 6, 7].map(() => f.local(v128));
  f.f32x4Const(1).set(ones);
  const col = (k: number) => k * Hn * 4;
  /** s * (1 - s) of the value in local s */
  const dsig = (s: number) => f.get(s).get(ones).get(s).v('f32x4.sub').v('f32x4.mul');
  rows(f, B, H, ptrs, (vector) => {
    // gh = (gO + rec) + pass
    ld(f, local.gO, 0, vector);
    ld(f, local.rec, 0, vector);
    f.v('f32x4.add');
    ld(f, local.pass, 0, vector);
    f.v('f32x4.add').set(gh);
    for (const [v, k] of [
      [si, 0],
      [sf, 1],
      [tg, 2],
      [so, 3],
    ] as const) {
      ld(f, local.acts, col(k), vector);
      f.set(v);
    }
    ld(f, local.tc, 0, vector);
    f.set(tc);
    // dc = gc + (gh * o) * (1 - tc * tc)
    ld(f, local.gc, 0, vector);
    f.get(gh).get(so).v('f32x4.mul');
    f.get(ones).get(tc).get(tc).v('f32x4.mul').v('f32x4.sub').v('f32x4.mul');
    f.v('f32x4.add').set(dc);
    // di = (dc * g) * (i (1 - i))
    f.get(dc).get(tg).v('f32x4.mul');
    dsig(si);
    f.v('f32x4.mul').set(r);
    st(f, local.d, col(0), r, vector);
    // df = (dc * c_prev) * (f (1 - f))
    f.get(dc);
    ld(f, local.cp, 0, vector);
    f.v('f32x4.mul');
    dsig(sf);
    f.v('f32x4.mul').set(r);
    st(f, local.d, col(1), r, vector);
    // dg = (dc * i) * (1 - g * g)
    f.get(dc).get(si).v('f32x4.mul');
    f.get(ones).get(tg).get(tg).v('f32x4.mul').v('f32x4.sub').v('f32x4.mul').set(r);
    st(f, local.d, col(2), r, vector);
    // do = (gh * tc) * (o (1 - o))
    f.get(gh).get(tc).v('f32x4.mul');
    dsig(so);
    f.v('f32x4.mul').set(r);
    st(f, local.d, col(3), r, vector);
    // dc_prev = dc * f; pass = gh * 0 (NaN stays NaN, as the expression)
    f.get(dc).get(sf).v('f32x4.mul').set(r);
    st(f, local.d, col(4), r, vector);
    f.get(gh).v128Zero().v('f32x4.mul').set(r);
    st(f, local.d, col(5), r, vector);
  });
  return f;
}
