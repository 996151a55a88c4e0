/**
 * reduce: sum, prod, max, min, argmax, argmin over the trailing `axes` dims of a strided view.
 *
 * One workgroup of 256 threads per (row, part): each thread folds a strided subset of the row
 * (thread t takes elements t, t+256, ... so neighbouring threads read neighbouring addresses of
 * a contiguous row: coalesced loads) in blocks of RUN, then a tree reduction in workgroup memory
 * (256 x 8 bytes).
 * A row is split into `parts` workgroups when there are too few rows to fill the GPU (a full
 * sum over 10M elements would otherwise run on one SM); a second dispatch folds the partials.
 * Bytes moved: one read of x plus 8 bytes per partial. Ties in argmax/argmin resolve to the
 * lower index at every combine, so the first index wins regardless of thread order; NaN counts
 * as the extreme (PyTorch), and max/min propagate NaN.
 */
import type { ReduceOp, View } from '../../backend.js';
import { numelOf } from '../../backend.js';
import { E } from '../../expr.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { allocStorage, type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import {
  builtins,
  coalesce,
  exTypeOf,
  halfHelpers,
  loadAs,
  nativeHalf,
  storageDecl,
  storeAs,
  ui,
  uniformDecl,
  uw,
} from '../wgsl/common.js';
import { castWgsl, f32Lit, WgslCtx } from '../wgsl/expr.js';
import { elementwise } from './elementwise.js';
import { separateFrom } from './util.js';

const WG = 256;
/** Rows below which a long row is split across workgroups (a GPU wants >= ~100 groups in flight). */
const MIN_GROUPS = 256;
const MIN_CHUNK = 4096;
/**
 * Elements a thread folds into one partial before adding it to its total: a running float32 sum
 * over a long row (256 rows of 1e6: ~4000 elements per thread) would lose ~n ulps; blocked, a
 * thread's error grows with RUN + n / (WG * RUN) and the tree adds log2(WG) more.
 */
const RUN = 64;

type Mode = 'view-final' | 'view-partial' | 'partial-final';

export function reduce(op: ReduceOp, x: View, axes: number, out: View): void {
  const r = x.shape.length;
  if (axes < 0 || axes > r) throw new RangeError(`webgpu reduce: axes ${axes} out of range for rank ${r}`);
  const outerShape = x.shape.slice(0, r - axes);
  const rows = numelOf(outerShape);
  const m = numelOf(x.shape.slice(r - axes));
  if (rows === 0) return;
  const isArg = op === 'argmax' || op === 'argmin';
  if (m === 0) {
    const ident = op === 'sum' || isArg ? 0 : op === 'prod' ? 1 : Number.NaN;
    elementwise(E.const(ident), [], { ...out, shape: [rows], strides: [1] });
    return;
  }
  const temps: GpuStorage[] = [];
  x = separateFrom(x, out, temps);
  const outer = coalesce(outerShape, [x.strides.slice(0, r - axes)]);
  const inner = coalesce(x.shape.slice(r - axes), [x.strides.slice(r - axes)]);
  const outerR = rows === 1 ? 0 : outer.shape.length;
  let parts = 1;
  if (rows < MIN_GROUPS && m > 2 * MIN_CHUNK)
    parts = Math.min(Math.ceil(m / MIN_CHUNK), Math.ceil((4 * MIN_GROUPS) / rows));
  const chunk = Math.ceil(m / parts);
  parts = Math.ceil(m / chunk);
  // float16 here is native (array<f16>, installHalf widens it otherwise): summed in float32.
  const accT = x.dtype === 'float32' || nativeHalf(x.dtype) ? 'f32' : 'i32';

  // Words: rows, parts, chunk, m, outOffset, xOffset, outer shape+strides, inner shape+strides.
  const words = 6 + 2 * outerR + 2 * inner.shape.length;
  const p = new Params(words);
  p.u.set([rows, parts, chunk, m, out.offset, x.offset]);
  let w = 6;
  for (let d = 0; d < outerR; d++) p.u[w++] = outer.shape[d];
  for (let d = 0; d < outerR; d++) p.i[w++] = outer.strides[0][d];
  for (const s of inner.shape) p.u[w++] = s;
  for (const s of inner.strides[0]) p.i[w++] = s;
  const shape = { outerR, innerR: inner.shape.length };
  const groups = grid(rows * parts);
  const xb = storageOf(x, 'reduce');
  const ob = storageOf(out, 'reduce');
  if (parts === 1) {
    const pipe = reducePipeline(op, 'view-final', x, out, accT, shape, words);
    dispatch(pipe, 'wr', [ob, xb], p, groups);
    temps.forEach(releaseStorage);
    return;
  }
  const pv = allocStorage(rows * parts, accT === 'f32' ? 'float32' : 'int32');
  const pi = isArg ? allocStorage(rows * parts, 'int32') : null;
  const tmps = pi ? [pv, pi] : [pv];
  dispatch(
    reducePipeline(op, 'view-partial', x, out, accT, shape, words),
    `${isArg ? 'ww' : 'w'}r`,
    [...tmps, xb],
    p,
    groups,
  );
  const p2 = new Params(6);
  p2.u.set([rows, 1, parts, parts, out.offset, 0]);
  const pipe2 = reducePipeline(op, 'partial-final', x, out, accT, shape, 6);
  dispatch(pipe2, `w${isArg ? 'rr' : 'r'}`, [ob, ...tmps], p2, grid(rows));
  releaseStorage(pv);
  if (pi) releaseStorage(pi);
  temps.forEach(releaseStorage);
}

function reducePipeline(
  op: ReduceOp,
  mode: Mode,
  x: View,
  out: View,
  accT: 'f32' | 'i32',
  sh: { outerR: number; innerR: number },
  words: number,
): GPUComputePipeline {
  const isArg = op === 'argmax' || op === 'argmin';
  const fromView = mode !== 'partial-final';
  const key = `reduce:${op}:${mode}:${x.dtype}->${out.dtype}:o${fromView ? sh.outerR : 0}i${fromView ? sh.innerR : 1}`;
  const access =
    mode === 'view-final'
      ? 'wr'
      : mode === 'view-partial'
        ? `${isArg ? 'ww' : 'w'}r`
        : `w${isArg ? 'rr' : 'r'}`;
  return pipelineFor(key, access, () => {
    const ctx = new WgslCtx();
    const f = accT === 'f32';
    const nan = (v: string) => (f ? `${ctx.use('isnan_')}(${v})` : 'false');
    const big = f ? f32Lit(Infinity, ctx) : 'bitcast<i32>(0x7fffffffu)';
    const small = f ? f32Lit(-Infinity, ctx) : 'bitcast<i32>(0x80000000u)';
    const isMax = op === 'max' || op === 'argmax';
    const ident = op === 'sum' ? `${accT}(0)` : op === 'prod' ? `${accT}(1)` : isMax ? small : big;
    const cmp = isMax ? '>' : '<';
    let comb: string;
    if (op === 'sum') comb = 'return Acc(a.v + b.v, 0);';
    else if (op === 'prod') comb = 'return Acc(a.v * b.v, 0);';
    else if (!isArg)
      comb = f
        ? `return Acc(${ctx.use(isMax ? 'fmax_' : 'fmin_')}(a.v, b.v), 0);`
        : `return Acc(${isMax ? 'max' : 'min'}(a.v, b.v), 0);`;
    // b replaces a when: a is empty; or b is NaN and a is not; or b is strictly more extreme;
    // or they tie (both NaN, or equal) and b comes first.
    else
      comb = `if (b.i < 0) { return a; }
  if (a.i < 0) { return b; }
  let an = ${nan('a.v')}; let bn = ${nan('b.v')};
  let tie = (an && bn) || (!an && !bn && a.v == b.v);
  if ((bn && !an) || (!an && !bn && b.v ${cmp} a.v) || (tie && b.i < a.i)) { return b; }
  return a;`;
    const xDecl = fromView ? storageDecl(mode === 'view-partial' && isArg ? 3 : 2, 'x', x.dtype, false) : '';
    const decls: string[] = [];
    if (mode === 'view-final') decls.push(storageDecl(1, 'o', out.dtype, true), xDecl);
    else if (mode === 'view-partial') {
      decls.push(`@group(0) @binding(1) var<storage, read_write> pv: array<${accT}>;`);
      if (isArg) decls.push('@group(0) @binding(2) var<storage, read_write> pi: array<i32>;');
      decls.push(xDecl);
    } else {
      decls.push(
        storageDecl(1, 'o', out.dtype, true),
        `@group(0) @binding(2) var<storage, read_write> pv: array<${accT}>;`,
      );
      if (isArg) decls.push('@group(0) @binding(3) var<storage, read_write> pi: array<i32>;');
    }
    const load = fromView ? (x.dtype === 'bool' ? 'i32(x[off])' : loadAs(x.dtype, 'x[off]')) : 'pv[off]';
    const idx = fromView ? 'i32(j)' : isArg ? 'pi[off]' : '0';
    let base = 'let base = i32(row * P[0].z);'; // partial-final: row-major [rows, parts]
    let offCode = 'let off = base + i32(j);';
    if (fromView) {
      const o = sh.outerR;
      const lines = ['var rr = row;'];
      for (let d = o - 1; d >= 1; d--)
        lines.push(`let q${d} = i32(rr % ${uw(6 + d)}); rr = rr / ${uw(6 + d)};`);
      if (o > 0) lines.push('let q0 = i32(rr);');
      const terms = [ui(5)];
      for (let d = 0; d < o; d++) terms.push(`q${d} * ${ui(6 + o + d)}`);
      lines.push(`let base = ${terms.join(' + ')};`);
      base = lines.join('\n  ');
      const at = 6 + 2 * o;
      const n = sh.innerR;
      const il = ['var rj = j;'];
      for (let d = n - 1; d >= 1; d--)
        il.push(`let k${d} = i32(rj % ${uw(at + d)}); rj = rj / ${uw(at + d)};`);
      il.push('let k0 = i32(rj);');
      const it = ['base'];
      for (let d = 0; d < n; d++) it.push(`k${d} * ${ui(at + n + d)}`);
      offCode = `${il.join(' ')}\n    let off = ${it.join(' + ')};`;
    }
    const result = isArg ? 'max(res.i, 0)' : castWgsl('res.v', accT, exTypeOf(out.dtype), ctx);
    const write =
      mode === 'view-partial'
        ? `pv[gid] = res.v;${isArg ? ' pi[gid] = res.i;' : ''}`
        : `o[${uw(4)} + row] = ${storeAs(out.dtype, result)};`;
    return `${uniformDecl(words)}
${decls.join('\n')}
${ctx.prelude()}${halfHelpers(x.dtype, out.dtype)}
struct Acc { v: ${accT}, i: i32 }
fn comb(a: Acc, b: Acc) -> Acc {
  ${comb}
}
var<workgroup> sv: array<${accT}, ${WG}>;
var<workgroup> si: array<i32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  let gid = wid.x + wid.y * nwg.x;
  if (gid >= ${uw(0)} * ${uw(1)}) { return; }
  let row = gid / ${uw(1)};
  let start = (gid % ${uw(1)}) * ${uw(2)};
  let end = min(${uw(3)}, start + ${uw(2)});
  ${base}
  var acc = Acc(${ident}, -1);
  for (var jb = start + lid.x; jb < end; jb += ${WG * RUN}u) {
    // RUN elements into a fresh partial, then into the thread's total (see RUN).
    let je = min(end, jb + ${WG * RUN}u);
    var blk = Acc(${ident}, -1);
    for (var j = jb; j < je; j += ${WG}u) {
      ${offCode}
      blk = comb(blk, Acc(${load}, ${idx}));
    }
    acc = comb(acc, blk);
  }
  sv[lid.x] = acc.v;
  si[lid.x] = acc.i;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid.x < s) {
      let c = comb(Acc(sv[lid.x], si[lid.x]), Acc(sv[lid.x + s], si[lid.x + s]));
      sv[lid.x] = c.v;
      si[lid.x] = c.i;
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    let res = Acc(sv[0], si[0]);
    ${write}
  }
}`;
  });
}
