/**
 * routines.layerNorm / layerNormBackward: LayerNorm over rows of a contiguous [M, D] input in
 * one dispatch forward and two backward, instead of the composed definition's ~9 kernels forward
 * (mean, centre, square, mean, +eps, rsqrt, scale, weight, bias) and ~20 backward.
 *
 * Forward and the input gradient: one 64-thread workgroup per row, tree reductions in workgroup
 * memory (the row's mean, then the mean of squared deviations: the same two-pass statistics as
 * the composed definition). Weight and bias gradients: one thread per column summing over rows
 * (dw_j = sum_i dy_ij xhat_ij, db_j = sum_i dy_ij), recomputing xhat from the saved mean and
 * rstd, so no [M, D] temporary is written.
 */
import type { Routines, View } from '../../backend.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import { uf, ui, uniformDecl, uw } from '../wgsl/common.js';
import { distinctStorages } from './util.js';

const WG = 64;

/** The reduction of `v` over the workgroup into `red[0]` (every thread then reads it). */
const treeSum = (v: string, out: string) => `red[lid.x] = ${v};
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid.x < s) { red[lid.x] = red[lid.x] + red[lid.x + s]; }
    workgroupBarrier();
  }
  let ${out} = red[0];
  workgroupBarrier();`;

const rowHead = `var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let rowU = wid.x + wid.y * nwg.x;
  if (rowU >= ${uw(0)}) { return; }
  let row = i32(rowU);
  let D = i32(${uw(1)});
  let Df = f32(D);`;

function check(op: string, views: Record<string, View | null>, M: number, D: number): void {
  for (const [name, v] of Object.entries(views)) {
    if (!v) continue;
    const n = v.shape.reduce((a, b) => a * b, 1);
    const want =
      name === 'mean' || name === 'rstd'
        ? M
        : name === 'weight' || name === 'bias' || name === 'dw' || name === 'db'
          ? D
          : M * D;
    if (v.dtype !== 'float32' || n !== want)
      throw new TypeError(
        `webgpu ${op}: ${name} must be float32 with ${want} elements, got ${v.dtype} [${v.shape}]`,
      );
  }
}

/** out = (x - mean) * rstd * weight + bias per row of x [M, D]; mean, rstd [M] saved. */
export const layerNorm: Routines['layerNorm'] = (x, weight, bias, eps, out, mean, rstd) => {
  const D = x.shape[x.shape.length - 1] ?? 1;
  const M = D === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / D;
  check('layerNorm', { x, weight, bias, out, mean, rstd }, M, D);
  if (M === 0) return;
  const temps: GpuStorage[] = [];
  const ins = distinctStorages([x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])], temps);
  const [xv, wv, bv] = [ins[0], weight ? ins[1] : null, bias ? ins[weight ? 2 : 1] : null];
  const access = `rwww${wv ? 'r' : ''}${bv ? 'r' : ''}`;
  const wb = wv ? 5 : 0;
  const bb = bv ? (wv ? 6 : 5) : 0;
  const pipe = pipelineFor(`ln:w${+!!wv}b${+!!bv}`, access, () => {
    let y = '(X[xo + j] - mu) * rs';
    if (wv) y = `${y} * W[${ui(7)} + j]`;
    if (bv) y = `${y} + B[${ui(8)} + j]`;
    return `${uniformDecl(9)}
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> MU: array<f32>;
@group(0) @binding(4) var<storage, read_write> RS: array<f32>;
${wv ? `@group(0) @binding(${wb}) var<storage, read_write> W: array<f32>;` : ''}
${bv ? `@group(0) @binding(${bb}) var<storage, read_write> B: array<f32>;` : ''}
${rowHead}
  let xo = ${ui(3)} + row * D;
  let yo = ${ui(4)} + row * D;
  var acc = 0.0;
  for (var j = i32(lid.x); j < D; j += ${WG}) { acc += X[xo + j]; }
  ${treeSum('acc', 'total')}
  let mu = total / Df;
  var sq = 0.0;
  for (var j = i32(lid.x); j < D; j += ${WG}) { let c = X[xo + j] - mu; sq += c * c; }
  ${treeSum('sq', 'sqTotal')}
  let rs = inverseSqrt(sqTotal / Df + ${uf(2)});
  for (var j = i32(lid.x); j < D; j += ${WG}) { Y[yo + j] = ${y}; }
  if (lid.x == 0u) { MU[${ui(5)} + row] = mu; RS[${ui(6)} + row] = rs; }
}`;
  });
  const p = new Params(9);
  p.u.set([M, D]);
  p.f[2] = eps;
  p.i.set([xv.offset, out.offset, mean.offset, rstd.offset, wv?.offset ?? 0, bv?.offset ?? 0], 3);
  const bufs = [xv, out, mean, rstd].map((v) => storageOf(v, 'layerNorm'));
  if (wv) bufs.push(storageOf(wv, 'layerNorm'));
  if (bv) bufs.push(storageOf(bv, 'layerNorm'));
  dispatch(pipe, access, bufs, p, grid(M));
  temps.forEach(releaseStorage);
};

/**
 * The gradients of layerNorm from dy [M, D], x, the saved mean and rstd [M]:
 * dx = rstd * (g - mean_j(g) - xhat * mean_j(g * xhat)) with g = dy * weight (dy without one),
 * dw = sum_i dy * xhat, db = sum_i dy. `dx`, `dw`, `db` may each be null (not wanted).
 */
export const layerNormBackward: Routines['layerNormBackward'] = (dy, x, mean, rstd, weight, dx, dw, db) => {
  const D = x.shape[x.shape.length - 1] ?? 1;
  const M = D === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / D;
  check('layerNormBackward', { dy, x, mean, rstd, weight, dx, dw, db }, M, D);
  if (M === 0 || D === 0) return;
  const temps: GpuStorage[] = [];
  const ins = distinctStorages([dy, x, mean, rstd, ...(weight ? [weight] : [])], temps);
  const [dyv, xv, mv, rv] = ins;
  if (dx) {
    const w = weight ? ins[4] : null;
    const access = `wrrrr${w ? 'r' : ''}`;
    const pipe = pipelineFor(`ln_bwd_dx:w${+!!w}`, access, () => {
      const g = w ? `DY[dyo + j] * W[${ui(8)} + j]` : 'DY[dyo + j]';
      return `${uniformDecl(9)}
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
@group(0) @binding(2) var<storage, read_write> DY: array<f32>;
@group(0) @binding(3) var<storage, read_write> X: array<f32>;
@group(0) @binding(4) var<storage, read_write> MU: array<f32>;
@group(0) @binding(5) var<storage, read_write> RS: array<f32>;
${w ? '@group(0) @binding(6) var<storage, read_write> W: array<f32>;' : ''}
${rowHead}
  let dyo = ${ui(3)} + row * D;
  let xo = ${ui(4)} + row * D;
  let dxo = ${ui(7)} + row * D;
  let mu = MU[${ui(5)} + row];
  let rs = RS[${ui(6)} + row];
  var a = 0.0;
  var b = 0.0;
  for (var j = i32(lid.x); j < D; j += ${WG}) {
    let g = ${g};
    a += g;
    b += g * (X[xo + j] - mu) * rs;
  }
  ${treeSum('a', 'sumG')}
  ${treeSum('b', 'sumGX')}
  let ma = sumG / Df;
  let mb = sumGX / Df;
  for (var j = i32(lid.x); j < D; j += ${WG}) {
    let g = ${g};
    DX[dxo + j] = rs * (g - ma - (X[xo + j] - mu) * rs * mb);
  }
}`;
    });
    const p = new Params(9);
    p.u.set([M, D]);
    p.i.set([dyv.offset, xv.offset, mv.offset, rv.offset, dx.offset, w?.offset ?? 0], 3);
    const bufs = [dx, dyv, xv, mv, rv, ...(w ? [w] : [])].map((v) => storageOf(v, 'layerNormBackward'));
    dispatch(pipe, access, bufs, p, grid(M));
  }
  if (dw || db) {
    const outs = [dw, db].filter((v): v is View => v !== null);
    const access = `${'w'.repeat(outs.length)}rrrr`;
    const key = `ln_bwd_dwb:w${+!!dw}b${+!!db}`;
    const pipe = pipelineFor(key, access, () => {
      const o = outs.length;
      return `${uniformDecl(10)}
${dw ? '@group(0) @binding(1) var<storage, read_write> DW: array<f32>;' : ''}
${db ? `@group(0) @binding(${dw ? 2 : 1}) var<storage, read_write> DB: array<f32>;` : ''}
@group(0) @binding(${o + 1}) var<storage, read_write> DY: array<f32>;
@group(0) @binding(${o + 2}) var<storage, read_write> X: array<f32>;
@group(0) @binding(${o + 3}) var<storage, read_write> MU: array<f32>;
@group(0) @binding(${o + 4}) var<storage, read_write> RS: array<f32>;
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let jU = gid.x + gid.y * nwg.x * ${WG}u;
  let D = ${uw(1)};
  if (jU >= D) { return; }
  let j = i32(jU);
  let M = i32(${uw(0)});
  var sw = 0.0;
  var sb = 0.0;
  for (var i = 0; i < M; i++) {
    let d = DY[${ui(2)} + i * i32(D) + j];
    sw += d * (X[${ui(3)} + i * i32(D) + j] - MU[${ui(4)} + i]) * RS[${ui(5)} + i];
    sb += d;
  }
  ${dw ? `DW[${ui(6)} + j] = sw;` : ''}
  ${db ? `DB[${ui(7)} + j] = sb;` : ''}
}`;
    });
    const p = new Params(10);
    p.u.set([M, D]);
    p.i.set([dyv.offset, xv.offset, mv.offset, rv.offset, dw?.offset ?? 0, db?.offset ?? 0], 2);
    const bufs = [...outs, dyv, xv, mv, rv].map((v) => storageOf(v, 'layerNormBackward'));
    dispatch(pipe, access, bufs, p, grid(Math.ceil(D / WG)));
  }
  temps.forEach(releaseStorage);
};
