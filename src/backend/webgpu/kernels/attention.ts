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
import { isContiguousView, type View } from '../../backend.js';
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
import { distinctStorages } from './util.js';

const WG = 64;
/** -inf from a uniform word: WGSL refuses it as a constant expression. */
const NINF = uf(19);
/** Key/query rows per tile: the tiles fit in 16 KiB of workgroup memory. */
const tileRows = (a: number, b: number) => Math.max(1, Math.min(32, Math.floor(3800 / (a + b))));

function check(name: string, views: readonly View[]) {
  for (const v of views)
    if ((v.dtype !== 'float32' && !nativeHalf(v.dtype)) || !isContiguousView(v))
      throw new TypeError(
        `webgpu ${name}: expects contiguous float32 (or shader-f16 float16) q, k, v, out (got ${v.dtype} [${v.shape}])`,
      );
}

/** The score s_ij with mask and causality; `sc` holds the scaled dot product. */
const maskTerm = (mask: boolean, causal: boolean, i: string, j: string) => `
      ${mask ? `s = s + M[${ui(20)} + n * ${ui(21)} + ${i} * ${ui(22)} + ${j} * ${ui(23)}];` : ''}
      ${causal ? `if (${j} > ${i}) { s = ${NINF}; }` : ''}`;

const maskDecl = (mask: boolean, binding: number) =>
  mask ? `@group(0) @binding(${binding}) var<storage, read_write> M: array<f32>;` : '';

/** Uniform words: 0 N, 1 L, 2 S, 3 row blocks, 4 scale, 5.. offsets, 19 -inf, 20..23 mask offset/strides. */
function params(
  N: number,
  L: number,
  S: number,
  blocks: number,
  scale: number,
  offs: number[],
  mask: View | null,
) {
  const p = new Params(24);
  p.u.set([N, L, S, blocks]);
  p.f[4] = scale;
  p.f[19] = Number.NEGATIVE_INFINITY;
  p.i.set(offs, 5);
  if (mask) p.i.set([mask.offset, mask.strides[0], mask.strides[1], mask.strides[2]], 20);
  return p;
}

export function attention(
  q: View,
  k: View,
  v: View,
  mask: View | null,
  causal: boolean,
  scale: number,
  out: View,
  lse: View,
): void {
  check('attention', [q, k, v, out, lse]);
  const dts = [q, k, v, out, lse].map((x) => x.dtype).join(',');
  const [N, L, D] = q.shape;
  const S = k.shape[1];
  const Dv = v.shape[2];
  if (N === 0 || L === 0) return;
  const temps: GpuStorage[] = [];
  const ins = distinctStorages(mask ? [q, k, v, mask] : [q, k, v], temps);
  const [q_, k_, v_] = ins;
  const m_ = mask ? ins[3] : null;
  const BC = tileRows(D, Dv);
  const hasMask = m_ !== null;
  const key = `attn_fwd:${D}:${Dv}:${BC}:${hasMask ? 'm' : ''}${causal ? 'c' : ''}:${dts}`;
  const access = hasMask ? 'rrrwwr' : 'rrrww';
  const pipe = pipelineFor(key, access, () => {
    return `${uniformDecl(24)}${halfHelpers(...[q, k, v, out, lse].map((x) => x.dtype))}
${storageDecl(1, 'Q', q.dtype, false)}
${storageDecl(2, 'K', k.dtype, false)}
${storageDecl(3, 'V', v.dtype, false)}
${storageDecl(4, 'O', out.dtype, false)}
${storageDecl(5, 'LSE', lse.dtype, false)}
${maskDecl(hasMask, 6)}
var<workgroup> kt: array<f32, ${BC * D}>;
var<workgroup> vt: array<f32, ${BC * Dv}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = i32(wid.x + wid.y * nwg.x);
  let blocks = ${ui(3)};
  if (g >= ${ui(0)} * blocks) { return; }
  let n = g / blocks;
  let r0 = (g % blocks) * ${WG};
  let L = ${ui(1)};
  let S = ${ui(2)};
  let scale = ${uf(4)};
  let i = r0 + i32(lid.x);
  let live = i < L;
  let qb = ${ui(5)} + (n * L + i) * ${D};
  let kb = ${ui(6)} + n * S * ${D};
  let vb = ${ui(7)} + n * S * ${Dv};
  var qr: array<f32, ${D}>;
  var acc: array<f32, ${Dv}>;
  if (live) { for (var d = 0; d < ${D}; d++) { qr[d] = ${loadAs(q.dtype, `Q[qb + d]`)} * scale; } }
  for (var d = 0; d < ${Dv}; d++) { acc[d] = 0.0; }
  var m = ${NINF};
  var l = 0.0;
  ${causal ? `let last = min(S, r0 + ${WG});` : 'let last = S;'}
  for (var t0 = 0; t0 < last; t0 += ${BC}) {
    let nt = min(${BC}, S - t0);
    for (var e = i32(lid.x); e < nt * ${D}; e += ${WG}) { kt[e] = ${loadAs(k.dtype, `K[kb + t0 * ${D} + e]`)}; }
    for (var e = i32(lid.x); e < nt * ${Dv}; e += ${WG}) { vt[e] = ${loadAs(v.dtype, `V[vb + t0 * ${Dv} + e]`)}; }
    workgroupBarrier();
    if (live) {
      for (var jj = 0; jj < nt; jj++) {
        let j = t0 + jj;
        var s = 0.0;
        for (var d = 0; d < ${D}; d++) { s += qr[d] * kt[jj * ${D} + d]; }
        ${maskTerm(hasMask, causal, 'i', 'j')}
        if (s == ${NINF}) { continue; }
        if (s > m) {
          let c = exp(m - s);
          l = l * c;
          for (var d = 0; d < ${Dv}; d++) { acc[d] = acc[d] * c; }
          m = s;
        }
        let p = exp(s - m);
        l += p;
        for (var d = 0; d < ${Dv}; d++) { acc[d] += p * vt[jj * ${Dv} + d]; }
      }
    }
    workgroupBarrier();
  }
  if (live) {
    let ob = ${ui(8)} + (n * L + i) * ${Dv};
    for (var d = 0; d < ${Dv}; d++) { O[ob + d] = ${storeAs(out.dtype, `acc[d] / l`)}; }
    LSE[${ui(9)} + n * L + i] = ${storeAs(lse.dtype, `m + log(l)`)};
  }
}`;
  });
  const blocks = Math.ceil(L / WG);
  const p = params(N, L, S, blocks, scale, [q_.offset, k_.offset, v_.offset, out.offset, lse.offset], m_);
  const bufs = [q_, k_, v_, out, lse].map((x) => storageOf(x, 'attention'));
  if (m_) bufs.push(storageOf(m_, 'attention'));
  dispatch(pipe, access, bufs, p, grid(N * blocks));
  temps.forEach(releaseStorage);
}

export function attentionBackward(
  q: View,
  k: View,
  v: View,
  mask: View | null,
  causal: boolean,
  scale: number,
  dOut: View,
  lse: View,
  delta: View,
  dq: View,
  dk: View,
  dv: View,
): void {
  check('attentionBackward', [q, k, v, dOut, dq, dk, dv]);
  const dts = [q, k, v, dOut, dq, dk, dv].map((x) => x.dtype).join(',');
  const [N, L, D] = q.shape;
  const S = k.shape[1];
  const Dv = v.shape[2];
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
  const ins = distinctStorages(mask ? [q, k, v, dOut, mask] : [q, k, v, dOut], temps);
  const [q_, k_, v_, g_] = ins;
  const m_ = mask ? ins[4] : null;
  const hasMask = m_ !== null;
  const offs = [q_.offset, k_.offset, v_.offset, g_.offset, 0, N * L, dq.offset, dk.offset, dv.offset];
  const common = `${uniformDecl(24)}${halfHelpers(...[q, k, v, dOut, dq, dk, dv].map((x) => x.dtype))}
${storageDecl(1, 'Q', q.dtype, false)}
${storageDecl(2, 'K', k.dtype, false)}
${storageDecl(3, 'V', v.dtype, false)}
${storageDecl(4, 'G', dOut.dtype, false)}
@group(0) @binding(5) var<storage, read_write> ST: array<f32>;`;
  const head = `
  let g = i32(wid.x + wid.y * nwg.x);
  let blocks = ${ui(3)};
  if (g >= ${ui(0)} * blocks) { return; }
  let n = g / blocks;
  let r0 = (g % blocks) * ${WG};
  let L = ${ui(1)};
  let S = ${ui(2)};
  let scale = ${uf(4)};`;
  const builtins =
    '@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>';

  // dq: a thread per query row i, K and V tiles streamed.
  {
    const BC = tileRows(D, Dv);
    const access = hasMask ? 'rrrrrwr' : 'rrrrrw';
    const pipe = pipelineFor(
      `attn_bwd_dq:${D}:${Dv}:${BC}:${hasMask ? 'm' : ''}${causal ? 'c' : ''}:${dts}`,
      access,
      () => {
        return `${common}
${storageDecl(6, 'DQ', dq.dtype, false)}
${maskDecl(hasMask, 7)}
var<workgroup> kt: array<f32, ${BC * D}>;
var<workgroup> vt: array<f32, ${BC * Dv}>;
@compute @workgroup_size(${WG}) fn main(${builtins}) {${head}
  let i = r0 + i32(lid.x);
  let live = i < L;
  let kb = ${ui(6)} + n * S * ${D};
  let vb = ${ui(7)} + n * S * ${Dv};
  var qr: array<f32, ${D}>;
  var gr: array<f32, ${Dv}>;
  var acc: array<f32, ${D}>;
  var lse_i = 0.0;
  var del_i = 0.0;
  if (live) {
    let qb = ${ui(5)} + (n * L + i) * ${D};
    let gb = ${ui(8)} + (n * L + i) * ${Dv};
    for (var d = 0; d < ${D}; d++) { qr[d] = ${loadAs(q.dtype, `Q[qb + d]`)} * scale; acc[d] = 0.0; }
    for (var d = 0; d < ${Dv}; d++) { gr[d] = ${loadAs(dOut.dtype, `G[gb + d]`)}; }
    lse_i = ST[${ui(9)} + n * L + i];
    del_i = ST[${ui(10)} + n * L + i];
  }
  ${causal ? `let last = min(S, r0 + ${WG});` : 'let last = S;'}
  for (var t0 = 0; t0 < last; t0 += ${BC}) {
    let nt = min(${BC}, S - t0);
    for (var e = i32(lid.x); e < nt * ${D}; e += ${WG}) { kt[e] = ${loadAs(k.dtype, `K[kb + t0 * ${D} + e]`)}; }
    for (var e = i32(lid.x); e < nt * ${Dv}; e += ${WG}) { vt[e] = ${loadAs(v.dtype, `V[vb + t0 * ${Dv} + e]`)}; }
    workgroupBarrier();
    if (live) {
      for (var jj = 0; jj < nt; jj++) {
        let j = t0 + jj;
        var s = 0.0;
        for (var d = 0; d < ${D}; d++) { s += qr[d] * kt[jj * ${D} + d]; }
        ${maskTerm(hasMask, causal, 'i', 'j')}
        if (s == ${NINF}) { continue; }
        let p = exp(s - lse_i);
        var dp = 0.0;
        for (var d = 0; d < ${Dv}; d++) { dp += gr[d] * vt[jj * ${Dv} + d]; }
        let ds = p * (dp - del_i);
        for (var d = 0; d < ${D}; d++) { acc[d] += ds * kt[jj * ${D} + d]; }
      }
    }
    workgroupBarrier();
  }
  if (live) {
    let ob = ${ui(11)} + (n * L + i) * ${D};
    for (var d = 0; d < ${D}; d++) { DQ[ob + d] = ${storeAs(dq.dtype, `acc[d] * scale`)}; }
  }
}`;
      },
    );
    const blocks = Math.ceil(L / WG);
    const p = params(N, L, S, blocks, scale, offs, m_);
    const bufs = [q_, k_, v_, g_].map((x) => storageOf(x, 'attentionBackward'));
    bufs.push(st, storageOf(dq, 'attentionBackward'));
    if (m_) bufs.push(storageOf(m_, 'attentionBackward'));
    if (L > 0) dispatch(pipe, access, bufs, p, grid(N * blocks));
  }
  // dk, dv: a thread per key row j, Q, dO and (lse, delta) tiles streamed.
  {
    const BC = tileRows(D, Dv + 2);
    const access = hasMask ? 'rrrrrwwr' : 'rrrrrww';
    const pipe = pipelineFor(
      `attn_bwd_dkv:${D}:${Dv}:${BC}:${hasMask ? 'm' : ''}${causal ? 'c' : ''}:${dts}`,
      access,
      () => {
        return `${common}
${storageDecl(6, 'DK', dk.dtype, false)}
${storageDecl(7, 'DV', dv.dtype, false)}
${maskDecl(hasMask, 8)}
var<workgroup> qt: array<f32, ${BC * D}>;
var<workgroup> gt: array<f32, ${BC * Dv}>;
var<workgroup> lt: array<f32, ${BC}>;
var<workgroup> dt: array<f32, ${BC}>;
@compute @workgroup_size(${WG}) fn main(${builtins}) {${head}
  let j = r0 + i32(lid.x);
  let live = j < S;
  let qb = ${ui(5)} + n * L * ${D};
  let gb = ${ui(8)} + n * L * ${Dv};
  var kr: array<f32, ${D}>;
  var vr: array<f32, ${Dv}>;
  var dka: array<f32, ${D}>;
  var dva: array<f32, ${Dv}>;
  if (live) {
    let kb = ${ui(6)} + (n * S + j) * ${D};
    let vb = ${ui(7)} + (n * S + j) * ${Dv};
    for (var d = 0; d < ${D}; d++) { kr[d] = ${loadAs(k.dtype, `K[kb + d]`)} * scale; dka[d] = 0.0; }
    for (var d = 0; d < ${Dv}; d++) { vr[d] = ${loadAs(v.dtype, `V[vb + d]`)}; dva[d] = 0.0; }
  }
  // Causal: queries before this block's first key see none of its keys.
  ${causal ? 'let first = r0;' : 'let first = 0;'}
  for (var t0 = first; t0 < L; t0 += ${BC}) {
    let nt = min(${BC}, L - t0);
    for (var e = i32(lid.x); e < nt * ${D}; e += ${WG}) { qt[e] = ${loadAs(q.dtype, `Q[qb + t0 * ${D} + e]`)}; }
    for (var e = i32(lid.x); e < nt * ${Dv}; e += ${WG}) { gt[e] = ${loadAs(dOut.dtype, `G[gb + t0 * ${Dv} + e]`)}; }
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
      },
    );
    const blocks = Math.ceil(S / WG);
    const p = params(N, L, S, blocks, scale, offs, m_);
    const bufs = [q_, k_, v_, g_].map((x) => storageOf(x, 'attentionBackward'));
    bufs.push(st, storageOf(dk, 'attentionBackward'), storageOf(dv, 'attentionBackward'));
    if (m_) bufs.push(storageOf(m_, 'attentionBackward'));
    if (S > 0) dispatch(pipe, access, bufs, p, grid(N * blocks));
  }
  temps.forEach(releaseStorage);
}
