/**
 * The columns of a convolution (cpu/conv.ts) in wasm SIMD, between cols [K, OH, OW]
 * (contiguous) and K windows of OH rows of OW floats in a plane, rows `rowBytes` apart, window
 * k starting at x + offs[k] (offs: K int32 byte offsets):
 * - col2im (the input gradient's fold): each row of cols added into its window of dx;
 * - im2col (`gather`; the system BLAS forward and weight gradient): each window copied into
 *   its row of cols.
 *
 * (cols, x, K, OH, OW, rowBytes, offs): pointers in bytes.
 */
import { Fn, i32 } from './emit.js';
import { streamLoop } from './loop.js';

export function col2imFn(gather = false): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32]);
  const [COLS, X, K, OH, OW, ROW, OFFS] = [0, 1, 2, 3, 4, 5, 6];
  const [k, oh, base, d, s, n] = [0, 1, 2, 3, 4, 5].map(() => f.local(i32));
  f.get(K).i32Eqz().if_().ret().end();
  f.get(OH).i32Eqz().if_().ret().end();
  f.get(COLS).set(s);
  f.i32Const(0).set(k);
  f.loop();
  f.get(X).get(OFFS).get(k).i32Const(4).i32Mul().i32Add().i32Load().i32Add().set(base);
  f.i32Const(0).set(oh);
  f.loop();
  f.get(base).get(oh).get(ROW).i32Mul().i32Add().set(d);
  f.get(OW).set(n);
  const lanes = [
    { ptr: d, bool: false, stride: 1 as const },
    { ptr: s, bool: false, stride: 1 as const },
  ];
  const load = (p: number, vector: boolean) => {
    f.get(p);
    if (vector) f.v128Load();
    else f.v128Load32Zero();
  };
  streamLoop(f, n, lanes, (vector) => {
    if (gather) {
      f.get(s);
      load(d, vector);
    } else {
      f.get(d);
      load(d, vector);
      load(s, vector);
      f.v('f32x4.add');
    }
    if (vector) f.v128Store();
    else f.v128Store32Lane(0);
  });
  f.get(oh).i32Const(1).i32Add().tee(oh).get(OH).i32Ne().brIf(0);
  f.end();
  f.get(k).i32Const(1).i32Add().tee(k).get(K).i32Ne().brIf(0);
  f.end();
  return f;
}
