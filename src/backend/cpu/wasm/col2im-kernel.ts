/**
 * The fold of the conv input gradient (cpu/conv.ts `conv2dInputGrad`) in wasm SIMD: each of K
 * rows of cols [K, OH, OW] (contiguous) added into its window of the plane, rows `rowBytes`
 * apart, starting at dx + offs[k] (offs: K int32 byte offsets).
 *
 * col2im(cols, dx, K, OH, OW, rowBytes, offs): pointers in bytes.
 */
import { Fn, i32 } from './emit.js';
import { streamLoop } from './loop.js';

export function col2imFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32]);
  const [COLS, DX, K, OH, OW, ROW, OFFS] = [0, 1, 2, 3, 4, 5, 6];
  const [k, oh, base, d, s, n] = [0, 1, 2, 3, 4, 5].map(() => f.local(i32));
  f.get(K).i32Eqz().if_().ret().end();
  f.get(OH).i32Eqz().if_().ret().end();
  f.get(COLS).set(s);
  f.i32Const(0).set(k);
  f.loop();
  f.get(DX).get(OFFS).get(k).i32Const(4).i32Mul().i32Add().i32Load().i32Add().set(base);
  f.i32Const(0).set(oh);
  f.loop();
  f.get(base).get(oh).get(ROW).i32Mul().i32Add().set(d);
  f.get(OW).set(n);
  const lanes = [
    { ptr: d, bool: false, stride: 1 as const },
    { ptr: s, bool: false, stride: 1 as const },
  ];
  streamLoop(f, n, lanes, (vector) => {
    f.get(d).get(d);
    if (vector) f.v128Load();
    else f.v128Load32Zero();
    f.get(s);
    if (vector) f.v128Load();
    else f.v128Load32Zero();
    f.v('f32x4.add');
    if (vector) f.v128Store();
    else f.v128Store32Lane(0);
  });
  f.get(oh).i32Const(1).i32Add().tee(oh).get(OH).i32Ne().brIf(0);
  f.end();
  f.get(k).i32Const(1).i32Add().tee(k).get(K).i32Ne().brIf(0);
  f.end();
  return f;
}
