/**
 * 2x2 max pooling with stride 2 in wasm SIMD (cpu/routines.ts `maxPool2dDisjoint`), 4 outputs
 * per step: two rows of 8 inputs split into their even and odd columns by shuffles, then the
 * four window elements compared in the JS loop's order (x00, x01, x10, x11; a later one wins
 * when greater, or when it is NaN and the running max is not), values and flat indices h*W + w.
 *
 * maxPool2x2(x, planeBytes, rowBytes, planes, OH, groups, W, vals, idx, OW): groups of 4
 * outputs per output row (the caller does the rest of each row); vals/idx [planes, OH, OW]
 * contiguous (f32, i32). Pointers and steps in bytes.
 */
import { Fn, i32, v128 } from './emit.js';

const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

export function maxPool2x2Fn(): Fn {
  const f = new Fn(new Array(10).fill(i32));
  const [X, PLANE, ROW, PLANES, OH, GROUPS, W, VALS, IDX, OW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [p, oh, q, r0, vo, io] = [0, 1, 2, 3, 4, 5].map(() => f.local(i32));
  const [a, b, m, mi, base, v, mask] = [0, 1, 2, 3, 4, 5, 6].map(() => f.local(v128));
  f.get(PLANES).i32Eqz().if_().ret().end();
  f.get(OH).i32Eqz().if_().ret().end();
  f.get(GROUPS).i32Eqz().if_().ret().end();
  f.i32Const(0).set(p);
  f.loop();
  f.i32Const(0).set(oh);
  f.loop();
  // the output row's first value and index: (p * OH + oh) * OW elements in
  f.get(p).get(OH).i32Mul().get(oh).i32Add().get(OW).i32Mul().i32Const(4).i32Mul().set(vo);
  f.get(IDX).get(vo).i32Add().set(io);
  f.get(VALS).get(vo).i32Add().set(vo);
  f.get(X)
    .get(p)
    .get(PLANE)
    .i32Mul()
    .i32Add()
    .get(oh)
    .get(ROW)
    .i32Mul()
    .i32Const(2)
    .i32Mul()
    .i32Add()
    .set(r0);
  // base indices 2 oh W + [0, 2, 4, 6] (advanced by 8 per group)
  f.get(oh)
    .get(W)
    .i32Mul()
    .i32Const(2)
    .i32Mul()
    .v('i32x4.splat')
    .i32x4Const(0, 2, 4, 6)
    .v('i32x4.add')
    .set(base);
  f.i32Const(0).set(q);
  f.loop();
  const row = (off: 'r0' | 'r1') => {
    f.get(r0);
    if (off === 'r1') f.get(ROW).i32Add();
    f.v128Load().set(a);
    f.get(r0);
    if (off === 'r1') f.get(ROW).i32Add();
    f.v128Load(16).set(b);
  };
  const take = (dIdx: () => void) => {
    // mask = v > m | (v != v & m == m)
    f.get(v).get(m).v('f32x4.gt');
    f.get(v).get(v).v('f32x4.ne').get(m).get(m).v('f32x4.eq').v('v128.and').v('v128.or').set(mask);
    f.get(v).get(m).get(mask).v('v128.bitselect').set(m);
    f.get(base);
    dIdx();
    f.v('i32x4.add').get(mi).get(mask).v('v128.bitselect').set(mi);
  };
  row('r0');
  f.get(a).get(b).shuffle(EVEN).set(m);
  f.get(base).set(mi);
  f.get(a).get(b).shuffle(ODD).set(v);
  take(() => f.i32x4Const(1));
  row('r1');
  f.get(a).get(b).shuffle(EVEN).set(v);
  take(() => f.get(W).v('i32x4.splat'));
  f.get(a).get(b).shuffle(ODD).set(v);
  take(() => f.get(W).i32Const(1).i32Add().v('i32x4.splat'));
  f.get(vo).get(m).v128Store();
  f.get(io).get(mi).v128Store();
  f.get(vo).i32Const(16).i32Add().set(vo);
  f.get(io).i32Const(16).i32Add().set(io);
  f.get(r0).i32Const(32).i32Add().set(r0);
  f.get(base).i32x4Const(8).v('i32x4.add').set(base);
  f.get(q).i32Const(1).i32Add().tee(q).get(GROUPS).i32Ne().brIf(0);
  f.end();
  f.get(oh).i32Const(1).i32Add().tee(oh).get(OH).i32Ne().brIf(0);
  f.end();
  f.get(p).i32Const(1).i32Add().tee(p).get(PLANES).i32Ne().brIf(0);
  f.end();
  return f;
}
