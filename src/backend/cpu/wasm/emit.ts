/**
 * A tiny WebAssembly assembler: just the opcodes our generated kernels use, so kernels are
 * written as TypeScript that emits bytes at load time (no toolchain, no committed binary).
 * Spec: https://webassembly.github.io/spec/core/binary/ (SIMD: the fixed-width SIMD proposal,
 * merged into the core spec 2.0; Node >= 16.4 runs it without flags).
 */

export const i32 = 0x7f;
export const f32 = 0x7d;
export const v128 = 0x7b;
export const i64 = 0x7e;
export const f64 = 0x7c;
export type ValType = typeof i32 | typeof f32 | typeof v128 | typeof i64 | typeof f64;

/** Unsigned LEB128. */
export function uleb(n: number, out: number[] = []): number[] {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number, out: number[] = []): number[] {
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const SIMD = 0xfd;
// SIMD sub-opcodes (u32 LEB after the 0xfd prefix).
const S = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  f32x4Splat: 0x13,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f32x4Pmax: 0xeb,
  load32Zero: 0x5c,
  store32Lane: 0x5a,
  store8Lane: 0x58,
} as const;

/**
 * SIMD operations without immediates, by mnemonic (sub-opcodes of the 0xfd prefix), for
 * `Fn.v(name)`: the elementwise, reduction and optimizer kernels pick them from tables.
 */
export const simdOps = {
  'v128.not': 0x4d,
  'v128.and': 0x4e,
  'v128.andnot': 0x4f,
  'v128.or': 0x50,
  'v128.xor': 0x51,
  'v128.bitselect': 0x52,
  'v128.any_true': 0x53,
  'i8x16.narrow_i16x8_u': 0x66,
  'i16x8.narrow_i32x4_u': 0x86,
  'i16x8.extend_low_i8x16_u': 0x89,
  'i32x4.extend_low_i16x8_u': 0xa9,
  'i32x4.splat': 0x11,
  'i32x4.eq': 0x37,
  'i32x4.ne': 0x38,
  'i32x4.neg': 0xa1,
  'f32x4.eq': 0x41,
  'f32x4.ne': 0x42,
  'f32x4.lt': 0x43,
  'f32x4.gt': 0x44,
  'f32x4.le': 0x45,
  'f32x4.ge': 0x46,
  'f32x4.ceil': 0x67,
  'f32x4.floor': 0x68,
  'f32x4.trunc': 0x69,
  'f32x4.nearest': 0x6a,
  'f32x4.abs': 0xe0,
  'f32x4.neg': 0xe1,
  'f32x4.sqrt': 0xe3,
  'f32x4.add': 0xe4,
  'f32x4.sub': 0xe5,
  'f32x4.mul': 0xe6,
  'f32x4.div': 0xe7,
  'f32x4.min': 0xe8,
  'f32x4.max': 0xe9,
  'f32x4.pmin': 0xea,
  'f32x4.pmax': 0xeb,
  'f32x4.splat': 0x13,
  'f64x2.promote_low_f32x4': 0x5f,
  'f32x4.demote_f64x2_zero': 0x5e,
  'f64x2.add': 0xf0,
  'i32x4.shl': 0xab,
  'i32x4.shr_s': 0xac,
  'i32x4.add': 0xae,
  'i32x4.sub': 0xb1,
  'i32x4.trunc_sat_f32x4_s': 0xf8,
} as const;
export type SimdOp = keyof typeof simdOps;

/**
 * One function body. Locals are declared up front by `local(type)`; instructions are appended
 * by chainable methods named after the wasm mnemonics.
 */
export class Fn {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  private simd(sub: number, ...imm: number[]): this {
    this.code.push(SIMD, ...uleb(sub), ...imm);
    return this;
  }
  private memarg(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }

  // control
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if_(): this {
    return this.op(0x04, 0x40);
  }
  else_(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  ret(): this {
    return this.op(0x0f);
  }
  // variables
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  // i32
  i32Const(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32GtU(): this {
    return this.op(0x4b);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32And(): this {
    return this.op(0x71);
  }
  // f32 scalar memory
  f32Load(offset = 0): this {
    return this.op(0x2a, ...this.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, ...this.memarg(2, offset));
  }
  // v128 (alignment hint 0: our addresses are only 4-byte aligned in general)
  v128Load(offset = 0): this {
    return this.simd(S.load, ...this.memarg(0, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(S.store, ...this.memarg(0, offset));
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(S.load32Splat, ...this.memarg(2, offset));
  }
  v128Zero(): this {
    return this.simd(S.const, ...new Array(16).fill(0));
  }
  /** i8x16.shuffle with 16 lane indices into the concatenation of the two operands. */
  shuffle(lanes: readonly number[]): this {
    return this.simd(S.shuffle, ...lanes);
  }
  f32x4Splat(): this {
    return this.simd(S.f32x4Splat);
  }
  f32x4Add(): this {
    return this.simd(S.f32x4Add);
  }
  f32x4Mul(): this {
    return this.simd(S.f32x4Mul);
  }
  /** pmax(a, b) = a < b ? b : a: keeps NaN in `a` (relu as max(x, 0) with x first). */
  f32x4Pmax(): this {
    return this.simd(S.f32x4Pmax);
  }

  /** A SIMD operation without immediates, by mnemonic (`simdOps`). */
  v(name: SimdOp): this {
    return this.simd(simdOps[name]);
  }
  /** v128.load32_zero: one f32/i32 into lane 0, the other lanes 0. */
  v128Load32Zero(offset = 0): this {
    return this.simd(S.load32Zero, ...this.memarg(2, offset));
  }
  /** v128.store32_lane: stores lane `lane` as one 32-bit value. */
  v128Store32Lane(lane: number, offset = 0): this {
    return this.simd(S.store32Lane, ...this.memarg(2, offset), lane);
  }
  /** v128.store8_lane: stores byte `lane`. */
  v128Store8Lane(lane: number, offset = 0): this {
    return this.simd(S.store8Lane, ...this.memarg(0, offset), lane);
  }
  /** v128.const from four f32 lanes. */
  f32x4Const(a: number, b = a, c = a, d = a): this {
    const bytes = new Uint8Array(new Float32Array([a, b, c, d]).buffer);
    return this.simd(S.const, ...bytes);
  }
  /** v128.const from four i32 lanes. */
  i32x4Const(a: number, b = a, c = a, d = a): this {
    const bytes = new Uint8Array(new Int32Array([a, b, c, d]).buffer);
    return this.simd(S.const, ...bytes);
  }
  i32Load8U(offset = 0): this {
    return this.op(0x2d, ...this.memarg(0, offset));
  }
  i32Load(offset = 0): this {
    return this.op(0x28, ...this.memarg(2, offset));
  }
  i32Store8(offset = 0): this {
    return this.op(0x3a, ...this.memarg(0, offset));
  }
  // --- perfcpu --- (philox-kernel.ts)
  i32Xor(): this {
    return this.op(0x73);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32WrapI64(): this {
    return this.op(0xa7);
  }
  i64ExtendI32U(): this {
    return this.op(0xad);
  }
  i64Mul(): this {
    return this.op(0x7e);
  }
  i64ShrU(): this {
    return this.op(0x88);
  }
  i64Const(v: number): this {
    return this.op(0x42, ...sleb(v));
  }
  f64ConvertI32U(): this {
    return this.op(0xb8);
  }
  f64Const(v: number): this {
    return this.op(0x44, ...new Uint8Array(new Float64Array([v]).buffer));
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  /** f64x2.extract_lane */
  f64x2ExtractLane(lane: number): this {
    return this.simd(0x21, lane);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f32DemoteF64(): this {
    return this.op(0xb6);
  }

  /** The body as the code section wants it: size, run-length locals, code, `end`. */
  encode(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...uleb(groups.length)];
    for (const [n, t] of groups) body.push(...uleb(n), t);
    body.push(...this.code, 0x0b);
    return [...uleb(body.length), ...body];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}
function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** The memory a module imports as env.memory, in 64 KiB pages. */
export interface MemorySpec {
  min: number;
  max?: number;
  /** A SharedArrayBuffer-backed memory that worker threads can run the same code over (needs max). */
  shared?: boolean;
}

/** A module of exported functions over one imported memory (`env.memory`, as `mem` describes). */
export function moduleBytes(fns: Record<string, Fn>, mem: MemorySpec): Uint8Array {
  const list = Object.entries(fns);
  const types = list.map(([, f]) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec(f.results.map((t) => [t])),
  ]);
  const limits =
    mem.max === undefined
      ? [0x00, ...uleb(mem.min)]
      : [mem.shared ? 0x03 : 0x01, ...uleb(mem.min), ...uleb(mem.max)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec(list.map((_, i) => uleb(i)))),
    ...section(7, vec(list.map(([n], i) => [...name(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(list.map(([, f]) => f.encode()))),
  ];
  return new Uint8Array(bytes);
}

/** Whether this engine validates a module that uses 128-bit SIMD. */
export function hasWasmSimd(): boolean {
  if (typeof WebAssembly !== 'object') return false;
  const f = new Fn([], [v128]).v128Zero();
  try {
    return WebAssembly.validate(moduleBytes({ f }, { min: 0 }) as BufferSource);
  } catch {
    return false;
  }
}

/**
 * Whether this engine compiles WebAssembly here: false in a page whose Content-Security-Policy
 * lacks 'wasm-unsafe-eval' (validation passes, compilation throws a CompileError). The CPU
 * backend then runs on plain typed arrays and JS kernels, as without SIMD.
 */
export function canCompileWasm(): boolean {
  if (typeof WebAssembly !== 'object') return false;
  const f = new Fn([], [v128]).v128Zero();
  try {
    new WebAssembly.Module(moduleBytes({ f }, { min: 0 }) as BufferSource);
    return true;
  } catch {
    return false;
  }
}
