/**
 * The elementwise compiler for engines that refuse string code generation (a page whose
 * Content-Security-Policy lacks 'unsafe-eval', `node --disallow-code-generation-from-strings`).
 * It builds the same `Kernel` as compile.ts from the same `Ex` tree without `new Function`:
 * one closure per node, each evaluating its node over a block of up to `BLOCK` elements of the
 * innermost row into its own Float64Array, so the per-element work is a tight loop per node (not
 * a chain of closure calls per element). The ops' math is `H.un` / `H.bin` (ops.ts), the same
 * functions the generated source calls or inlines; test/backend/cpu/closure.test.ts checks that
 * both compilers give identical results for every op and operand type.
 */
import type { Ex, ExType } from '../expr.js';
import { operandType, typeOf } from '../expr.js';
import type { Kernel } from './compile.js';
import { binFns, unFns } from './ops.js';

/** Elements a node evaluates per call: large enough to amortise the per-node call, small enough for L1. */
const BLOCK = 512;

/** Kernel signature: compile.ts's `Kernel`. */
export type ClosureKernel = Kernel;

/** Per-call state the leaf closures read: the operands, their current positions and strides. */
interface State {
  arr: ArrayLike<number>[];
  pos: Float64Array; // index 0 = out, i + 1 = input i
  str: Float64Array;
  c: readonly number[];
  /** Per input: the decode table of a 16-bit float input (its words index it), else null. */
  tab: readonly (Float32Array | null)[];
}

type Node = (len: number) => Float64Array;

/** The cast compile.ts's `cast` writes, as a per-element function (null: no conversion). */
function castFn(from: ExType | null, to: ExType): ((x: number) => number) | null {
  if (from === to || from === null) return null;
  if (to === 'bool') return (x) => (x !== 0 ? 1 : 0);
  if (to === 'i32' && from === 'f32') return (x) => Math.trunc(x) | 0;
  return null;
}

function mapNode(a: Node, f: (x: number) => number): Node {
  const out = new Float64Array(BLOCK);
  return (len) => {
    const x = a(len);
    for (let j = 0; j < len; j++) out[j] = f(x[j]);
    return out;
  };
}

// Specialised loops for the commonest binary ops (monomorphic, so V8 compiles them to plain
// arithmetic); everything else calls the op's function from ops.ts per element.
type BinLoop = (o: Float64Array, x: Float64Array, y: Float64Array, len: number) => void;
const fastBin: Partial<Record<string, BinLoop>> = {
  'add:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] + y[j];
  },
  'sub:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] - y[j];
  },
  'mul:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] * y[j];
  },
  'div:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] / y[j];
  },
  'add:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = (x[j] + y[j]) | 0;
  },
  'sub:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = (x[j] - y[j]) | 0;
  },
  'mul:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = Math.imul(x[j], y[j]);
  },
  'lt:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] < y[j] ? 1 : 0;
  },
  'lt:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] < y[j] ? 1 : 0;
  },
  'lt:bool': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] < y[j] ? 1 : 0;
  },
  'le:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] <= y[j] ? 1 : 0;
  },
  'le:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] <= y[j] ? 1 : 0;
  },
  'le:bool': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] <= y[j] ? 1 : 0;
  },
  'gt:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] > y[j] ? 1 : 0;
  },
  'gt:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] > y[j] ? 1 : 0;
  },
  'gt:bool': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] > y[j] ? 1 : 0;
  },
  'ge:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] >= y[j] ? 1 : 0;
  },
  'ge:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] >= y[j] ? 1 : 0;
  },
  'ge:bool': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] >= y[j] ? 1 : 0;
  },
  'eq:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] === y[j] ? 1 : 0;
  },
  'eq:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] === y[j] ? 1 : 0;
  },
  'eq:bool': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] === y[j] ? 1 : 0;
  },
  'ne:f32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] !== y[j] ? 1 : 0;
  },
  'ne:i32': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] !== y[j] ? 1 : 0;
  },
  'ne:bool': (o, x, y, len) => {
    for (let j = 0; j < len; j++) o[j] = x[j] !== y[j] ? 1 : 0;
  },
};

// The same for the commonest f32 unary ops.
type UnLoop = (o: Float64Array, x: Float64Array, len: number) => void;
const fastUn: Partial<Record<string, UnLoop>> = {
  'neg:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = -x[j];
  },
  'exp:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = Math.exp(x[j]);
  },
  'log:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = Math.log(x[j]);
  },
  'sqrt:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = Math.sqrt(x[j]);
  },
  'abs:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = Math.abs(x[j]);
  },
  'tanh:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = Math.tanh(x[j]);
  },
  'recip:f32': (o, x, len) => {
    for (let j = 0; j < len; j++) o[j] = 1 / x[j];
  },
};

function build(e: Ex, want: ExType, ins: readonly ExType[], st: State, consts: { n: number }): Node {
  const t = typeOf(e, ins);
  const node = buildRaw(e, ins, st, consts);
  const f = castFn(t, want);
  return f === null ? node : mapNode(node, f);
}

// Children are built in the order compile.ts emits them, so the j-th constant met is consts[j].
function buildRaw(e: Ex, ins: readonly ExType[], st: State, consts: { n: number }): Node {
  switch (e.k) {
    case 'in': {
      const k = e.i + 1;
      const out = new Float64Array(BLOCK);
      return (len) => {
        const a = st.arr[k];
        const p = st.pos[k];
        const s = st.str[k];
        if (s === 1) for (let j = 0; j < len; j++) out[j] = a[p + j];
        else if (s === 0) out.fill(a[p], 0, len);
        else for (let j = 0; j < len; j++) out[j] = a[p + j * s];
        const t = st.tab[k - 1];
        if (t) for (let j = 0; j < len; j++) out[j] = t[out[j]];
        return out;
      };
    }
    case 'const': {
      const j = consts.n++;
      const out = new Float64Array(BLOCK);
      return (len) => out.fill(st.c[j], 0, len);
    }
    case 'cast':
      return build(e.a, e.t, ins, st, consts);
    case 'where': {
      const t = typeOf(e, ins) ?? 'f32';
      const c = build(e.c, 'bool', ins, st, consts);
      const a = build(e.a, t, ins, st, consts);
      const b = build(e.b, t, ins, st, consts);
      const out = new Float64Array(BLOCK);
      return (len) => {
        const vc = c(len);
        const va = a(len);
        const vb = b(len);
        for (let j = 0; j < len; j++) out[j] = vc[j] ? va[j] : vb[j];
        return out;
      };
    }
    case 'un': {
      const ot = operandType(e, ins);
      const a = build(e.a, ot, ins, st, consts);
      const loop = fastUn[`${e.op}:${ot}`];
      if (loop === undefined) return mapNode(a, unFns[e.op](ot));
      const out = new Float64Array(BLOCK);
      return (len) => {
        loop(out, a(len), len);
        return out;
      };
    }
    case 'bin': {
      const ot = operandType(e, ins);
      const a = build(e.a, ot, ins, st, consts);
      const b = build(e.b, ot, ins, st, consts);
      const out = new Float64Array(BLOCK);
      const loop = fastBin[`${e.op}:${ot}`];
      if (loop !== undefined)
        return (len) => {
          loop(out, a(len), b(len), len);
          return out;
        };
      const f = binFns[e.op](ot);
      return (len) => {
        const x = a(len);
        const y = b(len);
        for (let j = 0; j < len; j++) out[j] = f(x[j], y[j]);
        return out;
      };
    }
  }
}

/** A kernel for `e` (input types `ins`, result type `outType`) built from closures. */
export function closureKernel(
  e: Ex,
  ins: readonly ExType[],
  outType: ExType,
  round: ((x: number) => number) | null = null,
  tabs: readonly (Float32Array | null)[] = [],
): ClosureKernel {
  const n = ins.length;
  const st: State = {
    arr: [],
    pos: new Float64Array(n + 1),
    str: new Float64Array(n + 1),
    c: [],
    tab: Array.from({ length: n }, (_, i) => tabs[i] ?? null),
  };
  const root = build(e, outType, ins, st, { n: 0 });
  const base = new Float64Array(n + 1);
  return (arrays, offsets, strides, shape, consts) => {
    st.arr = arrays;
    st.c = consts;
    const o = arrays[0] as { [i: number]: number };
    const r = shape.length;
    const last = r - 1;
    const len = shape[last];
    for (let k = 0; k <= n; k++) st.str[k] = strides[k][last];
    const so = st.str[0];
    let outer = 1;
    for (let d = 0; d < last; d++) outer *= shape[d];
    const idx = new Int32Array(r);
    for (let it = 0; it < outer; it++) {
      for (let k = 0; k <= n; k++) {
        let p = offsets[k];
        const sk = strides[k];
        for (let d = 0; d < last; d++) p += idx[d] * sk[d];
        base[k] = p;
      }
      for (let j0 = 0; j0 < len; j0 += BLOCK) {
        const m = Math.min(BLOCK, len - j0);
        for (let k = 1; k <= n; k++) st.pos[k] = base[k] + j0 * st.str[k];
        const v = root(m);
        if (round) for (let j = 0; j < m; j++) v[j] = round(v[j]);
        const po = base[0] + j0 * so;
        if (so === 1) for (let j = 0; j < m; j++) o[po + j] = v[j];
        else for (let j = 0; j < m; j++) o[po + j * so] = v[j];
      }
      for (let d = last - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  };
}
