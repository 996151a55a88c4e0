/**
 * Compiles an `Ex` tree to a wasm SIMD function for the common fast case of the CPU backend's
 * elementwise primitive: float32/bool operands in the heap, the iteration space coalesced to
 * at most 2 dims with every operand walking the inner dim contiguously (stride 1) or not at
 * all (stride 0: a broadcast scalar, a bias row). Everything else, and every function without
 * a SIMD instruction (exp, log, tanh, erf, pow, mod, any int32 math), stays in the JS path
 * (compile.ts), which this must match: see the semantics notes in expr.ts.
 *
 * Values are f32x4, or bool masks (all ones / zero per lane) that become 0/1 bytes or 1.0/0.0
 * only at a store or a cast. Constants are f32 parameters, so one module serves every value
 * (`relu`'s 0 and `x * 0.01`'s 0.01 share nothing, `x * 0.01` and `x * 0.02` share the module).
 * Float math rounds to float32 at every node, as PyTorch's float kernels do; the JS path keeps
 * float64 between nodes of a fused tree and rounds once, so fused trees may differ by an ulp.
 *
 * kernel(inner, outer, out, outStep, in0, in0Step, ..., c0, c1, ...): pointers and steps
 * (between outer rows) in bytes; constants as f32.
 */
import { type Ex, type ExType, operandType, typeOf } from '../../expr.js';
import { Fn, f32, i32, type SimdOp, v128 } from './emit.js';
import { type Lane, load, store, streamLoop } from './loop.js';

/** What the structure of a call is: the cache key of its compiled kernel. */
export interface EwiseSig {
  ins: readonly ExType[];
  /** Inner-dim stride of each input: 0 or 1. */
  strides: readonly (0 | 1)[];
  out: ExType;
}

class Unsupported extends Error {}
const no = (): never => {
  throw new Unsupported();
};

/**
 * A walk of the tree: its structure as a string with constants as `#` (the cache key) and the
 * constants in order (the kernel's f32 arguments).
 */
export function structure(e: Ex, consts: number[]): string {
  switch (e.k) {
    case 'in':
      return `$${e.i}`;
    case 'const':
      consts.push(e.v);
      return '#';
    case 'un':
      return `${e.op}(${structure(e.a, consts)})`;
    case 'bin':
      return `${e.op}(${structure(e.a, consts)},${structure(e.b, consts)})`;
    case 'where':
      return `?(${structure(e.c, consts)},${structure(e.a, consts)},${structure(e.b, consts)})`;
    case 'cast':
      return `${e.t}(${structure(e.a, consts)})`;
  }
}

const fUn: Partial<Record<string, SimdOp>> = {
  neg: 'f32x4.neg',
  abs: 'f32x4.abs',
  sqrt: 'f32x4.sqrt',
  floor: 'f32x4.floor',
  ceil: 'f32x4.ceil',
  trunc: 'f32x4.trunc',
  round: 'f32x4.nearest', // round half to even, as torch.round
};
const fBin: Partial<Record<string, SimdOp>> = {
  add: 'f32x4.add',
  sub: 'f32x4.sub',
  mul: 'f32x4.mul',
  div: 'f32x4.div',
  // IEEE 754-2019 maximum/minimum: NaN-propagating, as torch.maximum/minimum.
  max: 'f32x4.max',
  min: 'f32x4.min',
  lt: 'f32x4.lt',
  le: 'f32x4.le',
  gt: 'f32x4.gt',
  ge: 'f32x4.ge',
  eq: 'f32x4.eq', // false with NaN
  ne: 'f32x4.ne', // true with NaN, as JS !==
};
const bBin: Partial<Record<string, SimdOp>> = {
  and: 'v128.and',
  or: 'v128.or',
  xor: 'v128.xor',
  eq: 'i32x4.eq',
  ne: 'i32x4.ne',
};

/** The kernel's function, or null where the tree needs something only the JS path has. */
export function ewiseFn(e: Ex, nConsts: number, sig: EwiseSig): Fn | null {
  if (sig.out === 'i32' || sig.ins.some((t) => t === 'i32')) return null;
  const k = sig.ins.length;
  const f = new Fn([i32, i32, ...new Array(2 + 2 * k).fill(i32), ...new Array(nConsts).fill(f32)]);
  const [INNER, OUTER, OUT, OSTEP] = [0, 1, 2, 3];
  const inPtr = (i: number) => 4 + 2 * i;
  const inStep = (i: number) => 5 + 2 * i;
  const constParam = (j: number) => 4 + 2 * k + j;
  const row = f.local(i32);
  const n = f.local(i32);
  const outLane: Lane = { ptr: f.local(i32), bool: sig.out === 'bool', stride: 1 };
  const inLanes: Lane[] = sig.ins.map((t, i) => ({
    ptr: f.local(i32),
    bool: t === 'bool',
    stride: sig.strides[i],
  }));
  const inVal = sig.ins.map(() => f.local(v128)); // each input loaded once per iteration
  const constVal = Array.from({ length: nConsts }, () => f.local(v128));
  const result = f.local(v128);
  const scratch: number[] = [];
  const temp = () => {
    const l = f.local(v128);
    scratch.push(l);
    return l;
  };
  constVal.forEach((l, j) => {
    f.get(constParam(j)).v('f32x4.splat').set(l);
  });
  const ones = temp();
  f.f32x4Const(1).set(ones);

  let constAt = 0;
  // The JS path's typing (compile.ts emit/cast), over vectors. Pushes one v128.
  const emit = (x: Ex, want: ExType): void => {
    if (want === 'i32') no();
    if (x.k === 'const') {
      f.get(constVal[constAt++]);
      if (want === 'bool') f.v128Zero().v('f32x4.ne');
      return;
    }
    const t = typeOf(x, sig.ins) ?? 'f32'; // constant-only arithmetic computes in f32 here, as in JS
    emitRaw(x);
    if (t === want) return;
    if (t === 'i32') no();
    if (want === 'bool')
      f.v128Zero().v('f32x4.ne'); // f32 -> bool: != 0 (NaN -> true)
    else f.get(ones).v('v128.and'); // bool mask -> 1.0 / 0.0
  };
  const emitRaw = (x: Ex): void => {
    switch (x.k) {
      case 'in':
        f.get(inVal[x.i]);
        return;
      case 'const':
        no(); // handled in emit
        return;
      case 'cast':
        emit(x.a, x.t);
        return;
      case 'where': {
        const t = typeOf(x, sig.ins) ?? 'f32';
        // bitselect(a, b, mask): the operands are evaluated in the tree's order c, a, b
        const c = temp();
        emit(x.c, 'bool');
        f.set(c);
        emit(x.a, t);
        emit(x.b, t);
        f.get(c).v('v128.bitselect');
        return;
      }
      case 'un': {
        const ot = operandType(x, sig.ins);
        if (ot === 'i32') no();
        if (x.op === 'not') {
          emit(x.a, 'bool');
          f.v('v128.not');
          return;
        }
        if (x.op === 'isnan' || x.op === 'isinf') {
          if (ot !== 'f32') {
            emit(x.a, ot);
            f.v128Zero().v('v128.and'); // bools are never NaN or Inf
            return;
          }
          const a = temp();
          emit(x.a, 'f32');
          f.set(a);
          if (x.op === 'isnan') f.get(a).get(a).v('f32x4.ne');
          else f.get(a).v('f32x4.abs').f32x4Const(Number.POSITIVE_INFINITY).v('f32x4.eq');
          return;
        }
        if (ot !== 'f32') no();
        if (x.op === 'recip' || x.op === 'rsqrt') {
          f.get(ones);
          emit(x.a, 'f32');
          if (x.op === 'rsqrt') f.v('f32x4.sqrt');
          f.v('f32x4.div');
          return;
        }
        if (x.op === 'sign') {
          // x > 0 ? 1 : x < 0 ? -1 : x (0, -0 and NaN pass through, as Math.sign)
          const a = temp();
          emit(x.a, 'f32');
          f.set(a);
          f.get(ones).f32x4Const(-1).get(a).get(a).v128Zero().v('f32x4.lt').v('v128.bitselect');
          f.get(a).v128Zero().v('f32x4.gt').v('v128.bitselect');
          return;
        }
        const op = fUn[x.op] ?? no();
        emit(x.a, 'f32');
        f.v(op);
        return;
      }
      case 'bin': {
        const ot = operandType(x, sig.ins);
        const op = (ot === 'f32' ? fBin[x.op] : ot === 'bool' ? bBin[x.op] : undefined) ?? no();
        emit(x.a, ot);
        emit(x.b, ot);
        f.v(op);
        return;
      }
    }
  };

  const body = (vector: boolean) => {
    inLanes.forEach((l, i) => {
      load(f, l, vector);
      f.set(inVal[i]);
    });
    constAt = 0;
    emit(e, sig.out);
    f.set(result);
    f.get(outLane.ptr);
    store(f, outLane, vector, result);
  };

  try {
    f.get(OUTER).i32Eqz().if_().ret().end();
    f.i32Const(0).set(row);
    f.loop(); // rows
    f.get(OUT).get(row).get(OSTEP).i32Mul().i32Add().set(outLane.ptr);
    inLanes.forEach((l, i) => {
      f.get(inPtr(i)).get(row).get(inStep(i)).i32Mul().i32Add().set(l.ptr);
    });
    f.get(INNER).set(n);
    streamLoop(f, n, [outLane, ...inLanes], body);
    f.get(row).i32Const(1).i32Add().tee(row).get(OUTER).i32Ne().brIf(0);
    f.end();
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  return f;
}
