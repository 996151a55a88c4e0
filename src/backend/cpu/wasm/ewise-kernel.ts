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
import type { UpdateStep } from '../../backend.js';
import { type BinOp, type Ex, type ExType, operandType, typeOf, type UnOp } from '../../expr.js';
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
 * Per binary op, its SIMD instruction on f32 operands and on bool masks; null: no SIMD form,
 * the call runs in the JS path (compile.ts). Exhaustive, so a new op must say which.
 */
export const simdBinary = {
  add: { f32: 'f32x4.add', bool: null },
  sub: { f32: 'f32x4.sub', bool: null },
  mul: { f32: 'f32x4.mul', bool: null },
  div: { f32: 'f32x4.div', bool: null },
  pow: { f32: null, bool: null },
  // IEEE 754-2019 maximum/minimum: NaN-propagating, as torch.maximum/minimum.
  max: { f32: 'f32x4.max', bool: null },
  min: { f32: 'f32x4.min', bool: null },
  mod: { f32: null, bool: null },
  atan2: { f32: null, bool: null },
  lt: { f32: 'f32x4.lt', bool: null },
  le: { f32: 'f32x4.le', bool: null },
  gt: { f32: 'f32x4.gt', bool: null },
  ge: { f32: 'f32x4.ge', bool: null },
  eq: { f32: 'f32x4.eq', bool: 'i32x4.eq' }, // f32: false with NaN
  ne: { f32: 'f32x4.ne', bool: 'i32x4.ne' }, // f32: true with NaN, as JS !==
  and: { f32: null, bool: 'v128.and' },
  or: { f32: null, bool: 'v128.or' },
  xor: { f32: null, bool: 'v128.xor' },
  // ── special/fft (helper special) ──
  chebyshev_t: { f32: null, bool: null },
  chebyshev_u: { f32: null, bool: null },
  chebyshev_v: { f32: null, bool: null },
  chebyshev_w: { f32: null, bool: null },
  hermite_h: { f32: null, bool: null },
  hermite_he: { f32: null, bool: null },
  laguerre_l: { f32: null, bool: null },
  legendre_p: { f32: null, bool: null },
  igamma: { f32: null, bool: null },
  igammac: { f32: null, bool: null },
  zeta: { f32: null, bool: null },
  bessel: { f32: null, bool: null },
  // --- dtype --- (bool band/bor/bxor are and/or/xor's; integers run in the JS path)
  band: { f32: null, bool: 'v128.and' },
  bor: { f32: null, bool: 'v128.or' },
  bxor: { f32: null, bool: 'v128.xor' },
  shl: { f32: null, bool: null },
  shr: { f32: null, bool: null },
} satisfies Record<BinOp, { f32: SimdOp | null; bool: SimdOp | null }>;

// --- perflstm --- (moved out of exEmitter so the row kernels reuse them)
/**
 * exp of the v128 on the stack, in float32 (Cephes expf: n = round(x log2 e), r = x - n ln 2
 * in two parts, a degree-7 polynomial, times 2^n built in the exponent bits, as two factors
 * so that n = 128 and the denormal range come out right); within ~2 ulp of Math.exp, +-Inf
 * and NaN as Math.exp. Results below ~1e-45 are 0.
 */
export function emitExpf(f: Fn, temp: () => number, ones: number): void {
  const x = temp();
  const n = temp();
  const r = temp();
  const h = temp();
  f.set(x);
  // clamp by pmax/pmin (one instruction each, where max/min are ~6 on x64; NaN in r passes
  // through both: pmax(r, c) = r < c ? c : r, pmin(r, c) = c < r ? c : r)
  f.get(x).f32x4Const(-104).v('f32x4.pmax').f32x4Const(88.72283).v('f32x4.pmin').set(r);
  // n = round(r log2 e) by adding 1.5 * 2^23 (ties to even, as f32x4.nearest, for |n| < 2^22);
  // the sum's bits minus the constant's are n as an integer (no trunc_sat sequence)
  f.get(r).f32x4Const(Math.LOG2E).v('f32x4.mul').f32x4Const(12582912).v('f32x4.add').set(h);
  f.get(h).f32x4Const(12582912).v('f32x4.sub').set(n);
  // r = x - n * C1 - n * C2 (C1 + C2 = ln 2, C1 exact in few bits)
  f.get(r).get(n).f32x4Const(0.693359375).v('f32x4.mul').v('f32x4.sub');
  f.get(n).f32x4Const(-2.1219444e-4).v('f32x4.mul').v('f32x4.sub').set(r);
  f.get(h).i32x4Const(0x4b400000).v('i32x4.sub').set(n);
  // p(r) = 1 + r + r^2 (c0 + r (c1 + ...))
  f.f32x4Const(1.98756915e-4);
  for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1])
    f.get(r).v('f32x4.mul').f32x4Const(c).v('f32x4.add');
  f.get(r).get(r).v('f32x4.mul').v('f32x4.mul').get(r).v('f32x4.add').get(ones).v('f32x4.add');
  // * 2^(n >> 1) * 2^(n - (n >> 1))
  f.get(n).i32Const(1).v('i32x4.shr_s').set(h);
  f.get(h).i32x4Const(127).v('i32x4.add').i32Const(23).v('i32x4.shl').v('f32x4.mul');
  f.get(n).get(h).v('i32x4.sub').i32x4Const(127).v('i32x4.add').i32Const(23).v('i32x4.shl').v('f32x4.mul');
  // above the clamp: +Inf
  f.f32x4Const(Number.POSITIVE_INFINITY).get(x).f32x4Const(88.72283).v('f32x4.gt');
  f.set(h).set(n).set(r); // stack order: result, inf, mask -> bitselect(inf, result, mask)
  f.get(n).get(r).get(h).v('v128.bitselect');
}
/**
 * tanh (Cephes tanhf): x + x^3 P(x^2) for |x| < 0.625, else sign(x) (1 - 2 / (exp(2|x|) + 1));
 * within a few ulp of Math.tanh, +-1 at +-Inf, NaN for NaN.
 */
export function emitTanhf(f: Fn, temp: () => number, ones: number): void {
  const x = temp();
  const z = temp();
  const big = temp();
  f.set(x);
  // large |x|: 1 - 2 / (exp(2|x|) + 1), sign of x
  f.get(ones);
  f.f32x4Const(2);
  f.get(x).v('f32x4.abs').f32x4Const(2).v('f32x4.mul');
  emitExpf(f, temp, ones);
  f.get(ones).v('f32x4.add').v('f32x4.div').v('f32x4.sub');
  f.get(x).i32x4Const(-0x80000000).v('v128.and').v('v128.xor').set(big);
  // small |x|: polynomial
  f.get(x).get(x).v('f32x4.mul').set(z);
  f.f32x4Const(-5.70498872745e-3);
  for (const c of [2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1])
    f.get(z).v('f32x4.mul').f32x4Const(c).v('f32x4.add');
  f.get(z).v('f32x4.mul').get(x).v('f32x4.mul').get(x).v('f32x4.add');
  // select: |x| < 0.625 ? small : big (NaN: big, which is NaN)
  f.get(big).get(x).v('f32x4.abs').f32x4Const(0.625).v('f32x4.lt').v('v128.bitselect');
}
/**
 * The tree emitter shared by the kernels below: `emit(x, want)` pushes one v128 of `x`, reading
 * input i from local `inVal[i]` and constant j (constantsOf's order, counted from `reset()`)
 * from `constVal[j]`. Throws Unsupported where a node has no SIMD form.
 */

function exEmitter(f: Fn, ins: readonly ExType[], inVal: readonly number[], constVal: readonly number[]) {
  const sig = { ins };
  const scratch: number[] = [];
  const temp = () => {
    const l = f.local(v128);
    scratch.push(l);
    return l;
  };
  const ones = temp();
  f.f32x4Const(1).set(ones);

  // Per unary op: a SIMD instruction on f32 lanes, an emitter (operand, operand type), or
  // null: no SIMD form (transcendentals), the call runs in the JS path. Exhaustive over UnOp.
  const simdUnary: Record<UnOp, SimdOp | ((a: Ex, ot: ExType) => void) | null> = {
    neg: 'f32x4.neg',
    abs: 'f32x4.abs',
    sqrt: 'f32x4.sqrt',
    floor: 'f32x4.floor',
    ceil: 'f32x4.ceil',
    trunc: 'f32x4.trunc',
    round: 'f32x4.nearest', // round half to even, as torch.round
    exp: (a, ot) => {
      if (ot !== 'f32') no();
      emit(a, 'f32');
      expf();
    },
    expm1: null,
    log: null,
    log1p: null,
    sin: null,
    cos: null,
    tan: null,
    tanh: (a, ot) => {
      if (ot !== 'f32') no();
      emit(a, 'f32');
      tanhf();
    },
    erf: (a, ot) => {
      if (ot !== 'f32') no();
      emit(a, 'f32');
      erff();
    },
    not: (a) => {
      emit(a, 'bool');
      f.v('v128.not');
    },
    isnan: (a, ot) => isSpecial(a, ot, 'isnan'),
    isinf: (a, ot) => isSpecial(a, ot, 'isinf'),
    bitnot: null,
    recip: (a, ot) => oneOver(a, ot, false),
    rsqrt: (a, ot) => oneOver(a, ot, true),
    sign: (a, ot) => {
      if (ot !== 'f32') no();
      // x > 0 ? 1 : x < 0 ? -1 : x (0, -0 and NaN pass through, as Math.sign)
      const t = temp();
      emit(a, 'f32');
      f.set(t);
      f.get(ones).f32x4Const(-1).get(t).get(t).v128Zero().v('f32x4.lt').v('v128.bitselect');
      f.get(t).v128Zero().v('f32x4.gt').v('v128.bitselect');
    },
  };
  // --- perfcpu --- (expf/tanhf: top-level emitters, shared with the row kernels)
  const expf = (): void => emitExpf(f, temp, ones);
  const tanhf = (): void => emitTanhf(f, temp, ones);
  /**
   * erf as the JS path's (tensor/scalar-math.ts, Numerical Recipes' erfc fit, |err| < 1.2e-7),
   * in float32 with expf: 1 - t exp(-z^2 + poly(t)), t = 1 / (1 + z / 2), z = |x|, sign of x.
   */
  const erff = (): void => {
    const x = temp();
    const z = temp();
    const t = temp();
    f.set(x);
    f.get(x).v('f32x4.abs').set(z);
    f.get(ones).get(ones).get(z).f32x4Const(0.5).v('f32x4.mul').v('f32x4.add').v('f32x4.div').set(t);
    f.f32x4Const(0.17087277);
    for (const c of [
      -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368,
    ])
      f.get(t).v('f32x4.mul').f32x4Const(c).v('f32x4.add');
    f.get(t).v('f32x4.mul').f32x4Const(-1.26551223).v('f32x4.add');
    f.get(z).get(z).v('f32x4.mul').v('f32x4.sub');
    expf();
    f.get(t).v('f32x4.mul'); // r
    f.set(z);
    f.get(ones).get(z).v('f32x4.sub'); // 1 - r
    f.get(x).i32x4Const(-0x80000000).v('v128.and').v('v128.xor'); // the sign of x
  };
  const isSpecial = (a: Ex, ot: ExType, op: 'isnan' | 'isinf'): void => {
    if (ot !== 'f32') {
      emit(a, ot);
      f.v128Zero().v('v128.and'); // bools are never NaN or Inf
      return;
    }
    const t = temp();
    emit(a, 'f32');
    f.set(t);
    if (op === 'isnan') f.get(t).get(t).v('f32x4.ne');
    else f.get(t).v('f32x4.abs').f32x4Const(Number.POSITIVE_INFINITY).v('f32x4.eq');
  };
  const oneOver = (a: Ex, ot: ExType, sqrt: boolean): void => {
    if (ot !== 'f32') no();
    f.get(ones);
    emit(a, 'f32');
    if (sqrt) f.v('f32x4.sqrt');
    f.v('f32x4.div');
  };

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
        const u = simdUnary[x.op];
        if (u === null) no();
        else if (typeof u === 'function') u(x.a, ot);
        else {
          if (ot !== 'f32') no();
          emit(x.a, 'f32');
          f.v(u);
        }
        return;
      }
      case 'bin': {
        const ot = operandType(x, sig.ins);
        const op = (ot === 'f32' || ot === 'bool' ? simdBinary[x.op][ot] : null) ?? no();
        emit(x.a, ot);
        emit(x.b, ot);
        f.v(op);
        return;
      }
    }
  };

  return {
    emit,
    reset: () => {
      constAt = 0;
    },
  };
}

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
  constVal.forEach((l, j) => {
    f.get(constParam(j)).v('f32x4.splat').set(l);
  });
  const { emit, reset } = exEmitter(f, sig.ins, inVal, constVal);

  const body = (vector: boolean) => {
    inLanes.forEach((l, i) => {
      load(f, l, vector);
      f.set(inVal[i]);
    });
    reset();
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

// ── update programs (backend.ts Routines.updateInPlace) ──

/**
 * An update program as one wasm SIMD pass over a parameter's operands (param, grad, state, all
 * contiguous float32): each operand is loaded once, the steps run in order on registers (a
 * step's result replaces its slot's value for later steps) and the written slots are stored
 * once; slots past the operands are scratch registers. kernel(n, ptr0, ..., ptrK-1, c0, c1, ...): pointers in bytes, constants as f32
 * (every step's constantsOf, in step order). Null where a step has no SIMD form.
 */
export function programFn(
  steps: readonly UpdateStep[],
  nSlots: number,
  width: number,
  nConsts: number,
): Fn | null {
  const f = new Fn([i32, ...new Array(nSlots).fill(i32), ...new Array(nConsts).fill(f32)]);
  const n = f.local(i32);
  const lanes: Lane[] = Array.from({ length: nSlots }, () => ({ ptr: f.local(i32), bool: false, stride: 1 }));
  const val = Array.from({ length: Math.max(width, nSlots) }, () => f.local(v128)); // operands, then scratch
  const constVal = Array.from({ length: nConsts }, () => f.local(v128));
  const written = new Set(steps.map((s) => s.slot));
  constVal.forEach((l, j) => {
    f.get(1 + nSlots + j)
      .v('f32x4.splat')
      .set(l);
  });
  lanes.forEach((l, k) => {
    f.get(1 + k).set(l.ptr);
  });
  const ins = val.map((): ExType => 'f32');
  try {
    const { emit, reset } = exEmitter(f, ins, val, constVal);
    f.get(0).set(n);
    streamLoop(f, n, lanes, (vector) => {
      lanes.forEach((l, k) => {
        load(f, l, vector);
        f.set(val[k]);
      });
      reset();
      for (const s of steps) {
        emit(s.e, 'f32');
        f.set(val[s.slot]);
      }
      for (const k of written) {
        if (k >= nSlots) continue; // scratch: a register only
        f.get(lanes[k].ptr);
        store(f, lanes[k], vector, val[k]);
      }
    });
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  return f;
}
