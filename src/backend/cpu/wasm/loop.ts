/**
 * The loop shape shared by the streaming kernels (elementwise, optimizer updates): a body
 * written once over f32x4 lanes runs 4 elements per iteration, then once per leftover element
 * with single-lane loads and stores (v128.load32_zero / store32_lane 0, or the byte forms for
 * bool), so odd lengths need no scalar copy of the math.
 */
import { type Fn, i32 } from './emit.js';

/** How one operand is read or written: f32 (4 bytes) or bool (1 byte, 0/1); stride 1 or 0 (broadcast). */
export interface Lane {
  /** Local holding the operand's current byte address. */
  ptr: number;
  bool: boolean;
  /** 0: the same element for every index (a broadcast scalar); 1: contiguous. */
  stride: 0 | 1;
}

/** Pushes 4 (vector) or 1 (tail; lanes 1-3 are junk) elements of `o` as an f32x4 or an i32x4 0/1 mask source. */
export function load(f: Fn, o: Lane, vector: boolean): void {
  f.get(o.ptr);
  if (o.bool) {
    // bytes 0/1 -> i32 lanes 0/1 -> all-ones mask where != 0
    if (vector && o.stride === 1)
      f.v128Load32Zero().v('i16x8.extend_low_i8x16_u').v('i32x4.extend_low_i16x8_u');
    else f.i32Load8U().v('i32x4.splat');
    f.v128Zero().v('i32x4.ne');
  } else if (vector && o.stride === 1) f.v128Load();
  else f.v128Load32Splat();
}

/** Stores the value on the stack (f32x4, or a bool mask) to `o`, address already below it. */
export function store(f: Fn, o: Lane, vector: boolean, value: number): void {
  f.get(value);
  if (o.bool) {
    // mask -> 0/1 bytes
    f.i32x4Const(1).v('v128.and');
    if (vector) {
      f.get(value).i32x4Const(1).v('v128.and'); // second operand of the narrows (only the low half is kept)
      f.v('i16x8.narrow_i32x4_u');
      f.get(value).v('i8x16.narrow_i16x8_u').v128Store32Lane(0);
    } else f.v128Store8Lane(0);
  } else if (vector) f.v128Store();
  else f.v128Store32Lane(0);
}

/**
 * Emits `for (; n >= 4; n -= 4) body(vector); for (; n > 0; n--) body(tail)`, advancing every
 * pointer in `advance` by its element size times the elements done. `n` is an i32 local (clobbered).
 */
export function streamLoop(
  f: Fn,
  n: number,
  advance: readonly Lane[],
  body: (vector: boolean) => void,
): void {
  for (const vector of [true, false]) {
    const step = vector ? 4 : 1;
    f.block();
    f.loop();
    f.get(n).i32Const(step).i32LtU().brIf(1);
    body(vector);
    for (const o of advance)
      if (o.stride === 1)
        f.get(o.ptr)
          .i32Const(o.bool ? step : 4 * step)
          .i32Add()
          .set(o.ptr);
    f.get(n).i32Const(step).i32Sub().set(n);
    f.br(0);
    f.end();
    f.end();
  }
}

/** Declares `count` i32 locals. */
export const i32Locals = (f: Fn, count: number): number[] =>
  Array.from({ length: count }, () => f.local(i32));
