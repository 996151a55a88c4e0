/**
 * routines.attention / attentionBackward: scaled dot-product attention, flash-attention style.
 *
 * Forward: a workgroup owns WG query rows of one batch entry (one row per thread, its q row and
 * output accumulator in registers) and streams the keys and values through workgroup memory in
 * tiles of BC rows. Each thread keeps an online softmax (running max m and sum l, the
 * accumulator rescaled when m grows), so nothing of size L x S exists anywhere; it writes the
 * output row and lse = m + log(l) for the backward.
 *
 * Backward (no L x S buffer either; P is recomputed from lse, tile by tile):
 *  - dq kernel: one thread per query row, streaming K and V tiles:
 *      P_ij = exp(s_ij - lse_i), dS_ij = P_ij (dO_i . v_j - delta_i), dq_i += dS_ij k_j;
 *  - dk/dv kernel: one thread per key row, streaming Q, dO and (lse, delta) tiles:
 *      dv_j += P_ij dO_i, dk_j += dS_ij q_i.
 * delta_i = dO_i . O_i is computed by the caller (ops/attention.ts). The kernels are specialised
 * by head dims (register arrays are sized by them) and by mask / causal; the rest is uniforms.
 */
import { isContiguousView, type Routines, type View } from '../../backend.js';
import { E } from '../../expr.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { allocStorage, type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import {
  halfHelpers,
  loadAs,
  nativeHalf,
  storageDecl,
  storeAs,
  uf,
  ui,
  uniformDecl,
} from '../wgsl/common.js';
import { elementwise } from './elementwise.js';
import { contiguousCopy } from './util.js';

const WG = 64;
/** -inf from a uniform word: WGSL refuses it as a constant expression. */
const NINF = uf(19);
/** Key/query rows per tile: the tiles fit in 16 KiB of workgroup memory. */
const tileRows = (a: number, b: number) => Math.max(1, Math.min(32, Math.floor(3800 / (a + b))));

/** Inputs: [B, H, X, Y] with unit last stride; outputs contiguous; float32 or shader-f16 float16. */
function check(name: string, ins: readonly View[], outs: readonly View[]) {
  for (const v of [...ins, ...outs]) {
    const input = ins.includes(v);
    const layout = input
      ? v.shape.length === 4 && (v.strides[3] === 1 || v.shape[3] === 1)
      : isContiguousView(v);
    if ((v.dtype !== 'float32' && !nativeHalf(v.dtype)) || !layout)
      throw new TypeError(
        `webgpu ${name}: expects float32 (or shader-f16 float16) [B, H, X, Y] q, k, v with a contiguous last dim and contiguous outputs (got ${v.dtype} [${v.shape}] strides [${v.strides}])`,
      );
  }
}

/** Uniform word of input j (q 0, k 1, v 2, dO 3): its offset, then b, h and row strides. */
const IW = (j: number) => 24 + 4 * j;
/** Element index of head n's first row of input j (H at word 14). */
const headBase = (j: number) =>
  `${ui(IW(j))} + (n / ${ui(14)}) * ${ui(IW(j) + 1)} + (n % ${ui(14)}) * ${ui(IW(j) + 2)}`;
/** Row stride of input j. */
const rowStride = (j: number) => ui(IW(j) + 3);

/**
 * q, k, v (and dO) bound once per distinct storage, from binding 1 (nanoGPT's are views of one
 * qkv buffer, and WebGPU forbids two writable bindings of one buffer): their declarations, the
 * array each operand reads, the storages to bind, and the aliasing for the pipeline key.
 */
function inputBindings(views: readonly View[], names: readonly string[]) {
  const bufs: GpuStorage[] = [];
  const bound: string[] = [];
  const arr: string[] = [];
  let decls = '';
  for (const [i, v] of views.entries()) {
    const s = storageOf(v, 'attention');
    let j = bufs.indexOf(s);
    if (j < 0) {
      j = bufs.push(s) - 1;
      bound.push(names[i]);
      decls += `${storageDecl(j + 1, names[i], v.dtype, false)}\n`;
    }
    arr.push(bound[j]);
  }
  return { decls, arr, bufs, key: arr.join('') };
}

/** The mask, copied where it shares a storage with the inputs (one binding each). */
const maskOf = (mask: View | null, bufs: GpuStorage[], temps: GpuStorage[]): View | null =>
  mask && bufs.includes(storageOf(mask, 'attention')) ? contiguousCopy(mask, temps) : mask;

/** The score s_ij with mask and causality; `sc` holds the scaled dot product. */
const maskTerm = (mask: boolean, causal: boolean, i: string, j: string) => `
      ${mask ? `s = s + M[${ui(20)} + n * ${ui(21)} + ${i} * ${ui(22)} + ${j} * ${ui(23)}];` : ''}
      ${causal ? `if (${j} > ${i}) { s = ${NINF}; }` : ''}`;

const maskDecl = (mask: boolean, binding: number) =>
  mask ? `@group(0) @binding(${binding}) var<storage, read_write> M: array<f32>;` : '';

/** A kernel's entry: workgroup g owns the WG rows from r0 of head n (`blocks` blocks a head). */
const MAIN = `@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = i32(wid.x + wid.y * nwg.x);
  let blocks = ${ui(3)};
  if (g >= ${ui(0)} * blocks) { return; }
  let n = g / blocks;
  let r0 = (g % blocks) * ${WG};
  let L = ${ui(1)};
  let S = ${ui(2)};
  let scale = ${uf(4)};`;

/**
 * A query-row thread's loop over its head's keys (forward and dq kernels): K and V tiles of BC
 * rows staged in workgroup memory (kt, vt), then `body` for each key j of query i (when live)
 * with s = (q_i . k_j) + mask, q_i pre-scaled in qr; keys with s = -inf skipped.
 */
const keyLoop = (
  K: string,
  V: string,
  k: View,
  v: View,
  BC: number,
  mask: boolean,
  causal: boolean,
  body: string,
) => {
  const [D, Dv] = [k.shape[3], v.shape[3]];
  return `let kb = ${headBase(1)};
  let ks = ${rowStride(1)};
  let vb = ${headBase(2)};
  let vs = ${rowStride(2)};
  ${causal ? `let last = min(S, r0 + ${WG});` : 'let last = S;'}
  for (var t0 = 0; t0 < last; t0 += ${BC}) {
    let nt = min(${BC}, S - t0);
    for (var e = i32(lid.x); e < nt * ${D}; e += ${WG}) { kt[e] = ${loadAs(k.dtype, `${K}[kb + (t0 + e / ${D}) * ks + e % ${D}]`)}; }
    for (var e = i32(lid.x); e < nt * ${Dv}; e += ${WG}) { vt[e] = ${loadAs(v.dtype, `${V}[vb + (t0 + e / ${Dv}) * vs + e % ${Dv}]`)}; }
    workgroupBarrier();
    if (live) {
      for (var jj = 0; jj < nt; jj++) {
        let j = t0 + jj;
        var s = 0.0;
        for (var d = 0; d < ${D}; d++) { s += qr[d] * kt[jj * ${D} + d]; }
        ${maskTerm(mask, causal, 'i', 'j')}
        if (s == ${NINF}) { continue; }${body}
      }
    }
    workgroupBarrier();
  }`;
};

/**
 * Uniform words: 0 N, 1 L, 2 S, 3 row blocks, 4 scale, 5.. output offsets, 14 H, 19 -inf,
 * 20..23 mask offset/strides, 24.. the inputs' offsets and strides (IW).
 */
function params(
  ins: readonly View[],
  L: number,
  S: number,
  blocks: number,
  scale: number,
  offs: number[],
  mask: View | null,
) {
  const p = new Params(IW(ins.length));
  p.u.set([ins[0].shape[0] * ins[0].shape[1], L, S, blocks]);
  p.f[4] = scale;
  p.f[19] = Number.NEGATIVE_INFINITY;
  p.i.set(offs, 5);
  p.i[14] = ins[0].shape[1];
  for (const [j, v] of ins.entries()) p.i.set([v.offset, v.strides[0], v.strides[1], v.strides[2]], IW(j));
  if (mask) p.i.set([mask.offset, mask.strides[0], mask.strides[1], mask.strides[2]], 20);
  return p;
}

export const attention: Routines['attention'] = (q, k, v, mask, causal, scale, out, lse) => {
  check('attention', [q, k, v], [out, lse]);
  const dts = [q, k, v, out, lse].map((x) => x.dtype).join(',');
  const [B, H, L, D] = q.shape;
  const N = B * H;
  const S = k.shape[2];
  const Dv = v.shape[3];
  if (N === 0 || L === 0) return;
  const temps: GpuStorage[] = [];
  const ib = inputBindings([q, k, v], ['Q', 'K', 'V']);
  const [Q, K, V] = ib.arr;
  const nb = ib.bufs.length;
  const m_ = maskOf(mask, ib.bufs, temps);
  const BC = tileRows(D, Dv);
  const hasMask = m_ !== null;
  const key = `attn_fwd:${D}:${Dv}:${BC}:${hasMask ? 'm' : ''}${causal ? 'c' : ''}:${ib.key}:${dts}`;
  const access = `${'r'.repeat(nb)}ww${hasMask ? 'r' : ''}`;
  const pipe = pipelineFor(key, access, () => {
    // The online softmax: the accumulator rescaled when the running max grows.
    const online = `
        if (s > m) {
          let c = exp(m - s);
          l = l * c;
          for (var d = 0; d < ${Dv}; d++) { acc[d] = acc[d] * c; }
          m = s;
        }
        let p = exp(s - m);
        l += p;
        for (var d = 0; d < ${Dv}; d++) { acc[d] += p * vt[jj * ${Dv} + d]; }`;
    return `${uniformDecl(IW(3))}${halfHelpers(...[q, k, v, out, lse].map((x) => x.dtype))}
${ib.decls}${storageDecl(nb + 1, 'O', out.dtype, false)}
${storageDecl(nb + 2, 'LSE', lse.dtype, false)}
${maskDecl(hasMask, nb + 3)}
var<workgroup> kt: array<f32, ${BC * D}>;
var<workgroup> vt: array<f32, ${BC * Dv}>;
${MAIN}
  let i = r0 + i32(lid.x);
  let live = i < L;
  let qb = ${headBase(0)} + i * ${rowStride(0)};
  var qr: array<f32, ${D}>;
  var acc: array<f32, ${Dv}>;
  if (live) { for (var d = 0; d < ${D}; d++) { qr[d] = ${loadAs(q.dtype, `${Q}[qb + d]`)} * scale; } }
  for (var d = 0; d < ${Dv}; d++) { acc[d] = 0.0; }
  var m = ${NINF};
  var l = 0.0;
  ${keyLoop(K, V, k, v, BC, hasMask, causal, online)}
  if (live) {
    let ob = ${ui(8)} + (n * L + i) * ${Dv};
    for (var d = 0; d < ${Dv}; d++) { O[ob + d] = ${storeAs(out.dtype, `acc[d] / l`)}; }
    LSE[${ui(9)} + n * L + i] = ${storeAs(lse.dtype, `m + log(l)`)};
  }
}`;
  });
  const blocks = Math.ceil(L / WG);
  const p = params([q, k, v], L, S, blocks, scale, [0, 0, 0, out.offset, lse.offset], m_);
  const bufs = [...ib.bufs, ...[out, lse].map((x) => storageOf(x, 'attention'))];
  if (m_) bufs.push(storageOf(m_, 'attention'));
  dispatch(pipe, access, bufs, p, grid(N * blocks));
  temps.forEach(releaseStorage);
};

type Bwd = Routines['attentionBackward'];

export const attentionBackward: Bwd = (q, k, v, mask, causal, scale, dOut, lse, delta, dq, dk, dv) => {
  check('attentionBackward', [q, k, v, dOut], [dq, dk, dv]);
  const dts = [q, k, v, dOut, dq, dk, dv].map((x) => x.dtype).join(',');
  const [B, H, L, D] = q.shape;
  const N = B * H;
  const S = k.shape[2];
  const Dv = v.shape[3];
  const temps: GpuStorage[] = [];
  // lse and delta side by side in one buffer ([N*L] each): one binding, under the 8 per stage.
  const st = allocStorage(2 * N * L, 'float32');
  temps.push(st);
  const stView = (off: number): View => ({
    storage: st,
    dtype: 'float32',
    shape: [N, L],
    strides: [L, 1],
    offset: off,
  });
  elementwise(E.input(0), [lse], stView(0));
  elementwise(E.input(0), [delta], stView(N * L));
  const ins = [q, k, v, dOut];
  const ib = inputBindings(ins, ['Q', 'K', 'V', 'G']);
  const [Q, K, V, G] = ib.arr;
  const nb = ib.bufs.length;
  const m_ = maskOf(mask, ib.bufs, temps);
  const hasMask = m_ !== null;
  const offs = [0, 0, 0, 0, 0, N * L, dq.offset, dk.offset, dv.offset];
  const common = `${uniformDecl(IW(4))}${halfHelpers(...[q, k, v, dOut, dq, dk, dv].map((x) => x.dtype))}
${ib.decls}@group(0) @binding(${nb + 1}) var<storage, read_write> ST: array<f32>;`;
  const tag = `${hasMask ? 'm' : ''}${causal ? 'c' : ''}:${ib.key}:${dts}`;
  const bufs = (...outs: View[]) => {
    const b = [...ib.bufs, st, ...outs.map((x) => storageOf(x, 'attentionBackward'))];
    if (m_) b.push(storageOf(m_, 'attentionBackward'));
    return b;
  };

  // dq: a thread per query row i, K and V tiles streamed.
  {
    const BC = tileRows(D, Dv);
    const access = `${'r'.repeat(nb)}rw${hasMask ? 'r' : ''}`;
    const pipe = pipelineFor(`attn_bwd_dq:${D}:${Dv}:${BC}:${tag}`, access, () => {
      // dS_ij = P_ij (dO_i . v_j - delta_i); dq_i += dS_ij k_j.
      const dqStep = `
        let p = exp(s - lse_i);
        var dp = 0.0;
        for (var d = 0; d < ${Dv}; d++) { dp += gr[d] * vt[jj * ${Dv} + d]; }
        let ds = p * (dp - del_i);
        for (var d = 0; d < ${D}; d++) { acc[d] += ds * kt[jj * ${D} + d]; }`;
      return `${common}
${storageDecl(nb + 2, 'DQ', dq.dtype, false)}
${maskDecl(hasMask, nb + 3)}
var<workgroup> kt: array<f32, ${BC * D}>;
var<workgroup> vt: array<f32, ${BC * Dv}>;
${MAIN}
  let i = r0 + i32(lid.x);
  let live = i < L;
  var qr: array<f32, ${D}>;
  var gr: array<f32, ${Dv}>;
  var acc: array<f32, ${D}>;
  var lse_i = 0.0;
  var del_i = 0.0;
  if (live) {
    let qb = ${headBase(0)} + i * ${rowStride(0)};
    let gb = ${headBase(3)} + i * ${rowStride(3)};
    for (var d = 0; d < ${D}; d++) { qr[d] = ${loadAs(q.dtype, `${Q}[qb + d]`)} * scale; acc[d] = 0.0; }
    for (var d = 0; d < ${Dv}; d++) { gr[d] = ${loadAs(dOut.dtype, `${G}[gb + d]`)}; }
    lse_i = ST[${ui(9)} + n * L + i];
    del_i = ST[${ui(10)} + n * L + i];
  }
  ${keyLoop(K, V, k, v, BC, hasMask, causal, dqStep)}
  if (live) {
    let ob = ${ui(11)} + (n * L + i) * ${D};
    for (var d = 0; d < ${D}; d++) { DQ[ob + d] = ${storeAs(dq.dtype, `acc[d] * scale`)}; }
  }
}`;
    });
    const blocks = Math.ceil(L / WG);
    const p = params(ins, L, S, blocks, scale, offs, m_);
    if (L > 0) dispatch(pipe, access, bufs(dq), p, grid(N * blocks));
  }
  // dk, dv: a thread per key row j, Q, dO and (lse, delta) tiles streamed.
  {
    const BC = tileRows(D, Dv + 2);
    const access = `${'r'.repeat(nb)}rww${hasMask ? 'r' : ''}`;
    const pipe = pipelineFor(`attn_bwd_dkv:${D}:${Dv}:${BC}:${tag}`, access, () => {
      return `${common}
${storageDecl(nb + 2, 'DK', dk.dtype, false)}
${storageDecl(nb + 3, 'DV', dv.dtype, false)}
${maskDecl(hasMask, nb + 4)}
var<workgroup> qt: array<f32, ${BC * D}>;
var<workgroup> gt: array<f32, ${BC * Dv}>;
var<workgroup> lt: array<f32, ${BC}>;
var<workgroup> dt: array<f32, ${BC}>;
${MAIN}
  let j = r0 + i32(lid.x);
  let live = j < S;
  let qb = ${headBase(0)};
  let qs = ${rowStride(0)};
  let gb = ${headBase(3)};
  let gs = ${rowStride(3)};
  var kr: array<f32, ${D}>;
  var vr: array<f32, ${Dv}>;
  var dka: array<f32, ${D}>;
  var dva: array<f32, ${Dv}>;
  if (live) {
    let kb = ${headBase(1)} + j * ${rowStride(1)};
    let vb = ${headBase(2)} + j * ${rowStride(2)};
    for (var d = 0; d < ${D}; d++) { kr[d] = ${loadAs(k.dtype, `${K}[kb + d]`)} * scale; dka[d] = 0.0; }
    for (var d = 0; d < ${Dv}; d++) { vr[d] = ${loadAs(v.dtype, `${V}[vb + d]`)}; dva[d] = 0.0; }
  }
  // Causal: queries before this block's first key see none of its keys.
  ${causal ? 'let first = r0;' : 'let first = 0;'}
  for (var t0 = first; t0 < L; t0 += ${BC}) {
    let nt = min(${BC}, L - t0);
    for (var e = i32(lid.x); e < nt * ${D}; e += ${WG}) { qt[e] = ${loadAs(q.dtype, `${Q}[qb + (t0 + e / ${D}) * qs + e % ${D}]`)}; }
    for (var e = i32(lid.x); e < nt * ${Dv}; e += ${WG}) { gt[e] = ${loadAs(dOut.dtype, `${G}[gb + (t0 + e / ${Dv}) * gs + e % ${Dv}]`)}; }
    for (var e = i32(lid.x); e < nt; e += ${WG}) {
      lt[e] = ST[${ui(9)} + n * L + t0 + e];
      dt[e] = ST[${ui(10)} + n * L + t0 + e];
    }
    workgroupBarrier();
    if (live) {
      for (var ii = 0; ii < nt; ii++) {
        let i = t0 + ii;
        var s = 0.0;
        for (var d = 0; d < ${D}; d++) { s += kr[d] * qt[ii * ${D} + d]; }
        ${maskTerm(hasMask, causal, 'i', 'j')}
        if (s == ${NINF}) { continue; }
        let p = exp(s - lt[ii]);
        var dp = 0.0;
        for (var d = 0; d < ${Dv}; d++) {
          let gd = gt[ii * ${Dv} + d];
          dva[d] += p * gd;
          dp += gd * vr[d];
        }
        let ds = p * (dp - dt[ii]);
        for (var d = 0; d < ${D}; d++) { dka[d] += ds * qt[ii * ${D} + d]; }
      }
    }
    workgroupBarrier();
  }
  if (live) {
    let kb = ${ui(12)} + (n * S + j) * ${D};
    let vb = ${ui(13)} + (n * S + j) * ${Dv};
    for (var d = 0; d < ${D}; d++) { DK[kb + d] = ${storeAs(dk.dtype, `dka[d] * scale`)}; }
    for (var d = 0; d < ${Dv}; d++) { DV[vb + d] = ${storeAs(dv.dtype, `dva[d]`)}; }
  }
}`;
    });
    const blocks = Math.ceil(S / WG);
    const p = params(ins, L, S, blocks, scale, offs, m_);
    if (S > 0) dispatch(pipe, access, bufs(dk, dv), p, grid(N * blocks));
  }
  temps.forEach(releaseStorage);
};
