/**
 * The softmax rows of the CPU attention's small-head path (cpu/attention.ts), in wasm SIMD:
 * rows of S scores (S a multiple of 4), for `cnt` heads of L query rows each, causal or not
 * (no additive mask: masked heads stay in the JS rows). Keys past a causal row's last are
 * masked by comparing a lane index vector with the row index, so whole rows run as vectors; a
 * causal row's vectors past the one holding its last key are only zero-filled (row i computes
 * ceil((i + 1) / 4) vectors, not S / 4: about half the exps of a square causal head).
 *
 * softmaxFwd(sc, cnt, L, S, causal, scale, stats): each row x = s * scale (masked: -inf),
 *   p = exp(x - max) / sum, in place; writes (max, sum) per row at stats (f32 pairs) for the
 *   caller's lse = max + log(sum).
 * softmaxBwd(p, ds, cnt, L, S, causal, scale, lse, delta): p = exp(s * scale - lse) in place
 *   (0 where masked) and ds = p (ds - delta) * scale (0 where masked); lse, delta per row.
 * Pointers in bytes. exp is the elementwise kernels' Cephes expf (ewise-kernel.ts).
 */
import { Fn, f32, i32, v128 } from './emit.js';
import { emitExpf } from './ewise-kernel.js';

const lanes32 = (a: number, b: number, c: number, d: number) =>
  [a, b, c, d].flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);

/** Reduces the v128 in `x` across lanes with `op` (every lane gets the result). */
function across(f: Fn, x: number, op: 'f32x4.max' | 'f32x4.add'): void {
  for (const l of [lanes32(2, 3, 0, 1), lanes32(1, 0, 3, 2)]) {
    f.get(x);
    f.get(x).get(x).shuffle(l);
    f.v(op).set(x);
  }
}

function rowsFn(fwd: boolean): Fn {
  const f = fwd
    ? new Fn([i32, i32, i32, i32, i32, f32, i32])
    : new Fn([i32, i32, i32, i32, i32, i32, f32, i32, i32]);
  const [p, ds, cnt, L, S, causal, scale, st, lse, delta] = fwd
    ? [0, -1, 1, 2, 3, 4, 5, 6, -1, -1]
    : [0, 1, 2, 3, 4, 5, 6, -1, 7, 8];
  const temps: number[] = [];
  const temp = () => {
    const l = f.local(v128);
    temps.push(l);
    return l;
  };
  const i = f.local(i32);
  const q = f.local(i32);
  const dq = f.local(i32);
  const end = f.local(i32);
  const cend = f.local(i32); // end of the vectors that hold a key the row attends
  const n = f.local(i32);
  const iV = f.local(v128);
  const jv = f.local(v128);
  const x = f.local(v128);
  const m = f.local(v128);
  const acc = f.local(v128);
  const scaleV = f.local(v128);
  const ninf = f.local(v128);
  const ones = f.local(v128);
  const lv = f.local(v128);
  const dv = f.local(v128);
  f.get(scale).f32x4Splat().set(scaleV);
  f.f32x4Const(Number.NEGATIVE_INFINITY).set(ninf);
  f.f32x4Const(1).set(ones);
  /** x = load(q) * scale, masked lanes (key index > row index) -inf; leaves the mask in m. */
  const scaled = () => {
    f.get(jv).get(iV).v('f32x4.gt').set(m);
    f.get(ninf).get(q).v128Load().get(scaleV).f32x4Mul();
    if (!fwd) f.get(lv).v('f32x4.sub');
    f.get(m).v('v128.bitselect').set(x);
  };
  const rowLoop = (body: () => void) => {
    f.f32x4Const(0, 1, 2, 3).set(jv);
    f.get(p).set(q);
    if (!fwd) f.get(ds).set(dq);
    f.loop();
    body();
    f.get(jv).f32x4Const(4).f32x4Add().set(jv);
    if (!fwd) f.get(dq).i32Const(16).i32Add().set(dq);
    f.get(q).i32Const(16).i32Add().tee(q).get(cend).i32Ne().brIf(0);
    f.end();
  };
  /** Zeros from q (and dq) to the row's end: the keys past a causal row's last vector. */
  const zeroTail = () => {
    f.block();
    f.loop();
    f.get(q).get(end).i32Ne().i32Eqz().brIf(1);
    f.get(q).v128Zero().v128Store();
    if (!fwd) f.get(dq).v128Zero().v128Store().get(dq).i32Const(16).i32Add().set(dq);
    f.get(q).i32Const(16).i32Add().set(q);
    f.br(0);
    f.end();
    f.end();
  };
  f.loop(); // heads
  f.get(causal).if_().f32x4Const(0).set(iV).else_().f32x4Const(1e30).set(iV).end();
  f.get(L).set(i);
  f.loop(); // rows
  f.get(p).get(S).i32Const(4).i32Mul().i32Add().set(end);
  // causal: the row (index L - i) attends keys 0..L - i, i.e. min(S, (L - i + 4) & ~3) floats
  f.get(S).set(n);
  f.get(causal).if_();
  f.get(L).get(i).i32Sub().i32Const(4).i32Add().i32Const(-4).i32And().set(end);
  f.get(end).get(S).i32LtU().if_().get(end).set(n).end();
  f.end();
  f.get(p).get(n).i32Const(4).i32Mul().i32Add().set(cend);
  f.get(p).get(S).i32Const(4).i32Mul().i32Add().set(end);
  if (fwd) {
    f.get(ninf).set(acc);
    rowLoop(() => {
      scaled();
      f.get(q).get(x).v128Store();
      f.get(acc).get(x).v('f32x4.max').set(acc);
    });
    across(f, acc, 'f32x4.max');
    f.get(st).get(acc).v128Store32Lane(0);
    f.get(acc).set(lv); // the max
    f.v128Zero().set(acc);
    rowLoop(() => {
      f.get(q).v128Load().get(lv).v('f32x4.sub');
      emitExpf(f, temp, ones);
      f.set(x);
      f.get(q).get(x).v128Store();
      f.get(acc).get(x).f32x4Add().set(acc);
    });
    across(f, acc, 'f32x4.add');
    f.get(st).get(acc).v128Store32Lane(0, 4);
    f.get(st).i32Const(8).i32Add().set(st);
    f.get(ones).get(acc).v('f32x4.div').set(acc);
    rowLoop(() => {
      f.get(q).get(q).v128Load().get(acc).f32x4Mul().v128Store();
    });
    zeroTail();
  } else {
    f.get(lse).v128Load32Splat().set(lv);
    f.get(delta).v128Load32Splat().set(dv);
    rowLoop(() => {
      scaled();
      f.get(x);
      emitExpf(f, temp, ones);
      f.set(x);
      f.get(q).get(x).v128Store();
      // ds = p (ds - delta) * scale, 0 where masked
      f.v128Zero().get(x).get(dq).v128Load().get(dv).v('f32x4.sub').f32x4Mul().get(scaleV).f32x4Mul();
      f.get(m).v('v128.bitselect').set(acc);
      f.get(dq).get(acc).v128Store();
    });
    zeroTail();
    f.get(lse).i32Const(4).i32Add().set(lse);
    f.get(delta).i32Const(4).i32Add().set(delta);
    f.get(ds).get(S).i32Const(4).i32Mul().i32Add().set(ds);
  }
  f.get(end).set(p);
  f.get(iV).get(ones).f32x4Add().set(iV);
  f.get(i).i32Const(1).i32Sub().tee(i).brIf(0);
  f.end();
  f.get(cnt).i32Const(1).i32Sub().tee(cnt).brIf(0);
  f.end();
  return f;
}

export const attentionRowsFns = (): Record<string, Fn> => ({
  softmaxFwd: rowsFn(true),
  softmaxBwd: rowsFn(false),
});
