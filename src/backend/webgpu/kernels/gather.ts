/**
 * gather and scatterAdd along `dim`, one thread per element of `index`, strided everywhere.
 *
 * scatterAdd on float32 uses a compare-and-swap loop on atomic<u32> holding the float's bits
 * (WGSL has no float atomics). The order in which colliding threads add is unspecified, so
 * when two indices hit one slot the last bits of the sum can vary from run to run, as with
 * PyTorch's CUDA index_add/scatter_add. A deterministic alternative (each output slot scans
 * the whole index row) costs O(out x index) work and would make embedding backward quadratic;
 * integer scatterAdd is exact and order-free with atomicAdd. An out-of-range index makes gather
 * write NaN (0 for integers) and scatterAdd skip it, and is recorded in the index-error flag
 * (index-errors.ts) that the next readback raises with the CPU's message.
 */
import type { View } from '../../backend.js';
import { numelOf } from '../../backend.js';
import { IndexKind, indexCode, indexErrorFlag, indexFlagDecl, indexFlagRaise } from '../index-errors.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import {
  builtins,
  elemType,
  halfHelpers,
  linearId,
  loadAs,
  nativeHalf,
  storageDecl,
  storeAs,
  stridedOffsets,
  ui,
  uniformDecl,
  uw,
} from '../wgsl/common.js';
import { f32Lit, WgslCtx } from '../wgsl/expr.js';
import { distinctStorages, separateFrom } from './util.js';

const WG = 256;

/** Words: n, dim size, shape[r], then (offset, strides[r]) for index, x/src and out. */
function params(
  n: number,
  size: number,
  shape: readonly number[],
  views: View[],
  dim: number,
  zeroDimFor: number,
  code: number,
): Params {
  const r = shape.length;
  const p = new Params(strideWord(r) + 2);
  p.u[0] = n;
  p.u[1] = size;
  shape.forEach((s, d) => {
    p.u[2 + d] = s;
  });
  views.forEach((v, k) => {
    const at = 2 + r + k * (1 + r);
    p.i[at] = v.offset;
    v.strides.forEach((s, d) => {
      p.i[at + 1 + d] = k === zeroDimFor && d === dim ? 0 : s;
    });
  });
  // The indexed operand's stride along dim, for p = base + index * stride.
  p.i[strideWord(r)] = views[zeroDimFor].strides[dim];
  p.i[strideWord(r) + 1] = code; // what a bad index reports (index-errors.ts)
  return p;
}

/** The word of the indexed operand's stride along dim (rank r), the error code one after it. */
const strideWord = (r: number) => 2 + r + 3 * (1 + r);

/** index and x (gather's source, scatterAdd's src) bound apart from out and from each other. */
const apart = (index: View, x: View, out: View, temps: GpuStorage[]): View[] =>
  distinctStorages([separateFrom(index, out, temps), separateFrom(x, out, temps)], temps);

/**
 * WGSL, both kernels' start: thread i's offsets p0 (index), p1 (x or src), p2 (out) and
 * k = ix[p0]; an index outside the dim runs `bad`, raises the index-error flag and returns.
 */
const indexHead = (r: number, bad: string) => `@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  if (i >= ${uw(0)}) { return; }
  ${stridedOffsets('i', r, 2, [2 + r, 2 + r + (1 + r), 2 + r + 2 * (1 + r)])}
  let k = ix[p0];
  if (k < 0 || u32(k) >= ${uw(1)}) {${bad}
    ${indexFlagRaise(ui(strideWord(r) + 1), 'k', uw(1))}
    return;
  }`;

/** One thread per element of index (n): out, index, x and the index-error flag bound. */
const run = (pipe: GPUComputePipeline, what: string, n: number, views: View[], p: Params) =>
  dispatch(
    pipe,
    'wrrw',
    [...views.map((v) => storageOf(v, what)), indexErrorFlag()],
    p,
    grid(Math.ceil(n / WG)),
  );

function checkRanks(what: string, dim: number, ...vs: View[]): void {
  const r = vs[0].shape.length;
  if (vs.some((v) => v.shape.length !== r) || dim < 0 || dim >= Math.max(r, 1))
    throw new RangeError(
      `webgpu ${what}: ranks [${vs.map((v) => v.shape.length)}] must agree and dim ${dim} be in range`,
    );
  if (vs[1].dtype !== 'int32' && vs[1].dtype !== 'int64')
    throw new TypeError(`webgpu ${what}: index must be int64 or int32, got ${vs[1].dtype}`);
}

/** out[...i, j, k...] = x[...i, index[...i, j, k...], k...] (torch.gather). */
export function gather(x: View, dim: number, index: View, out: View, op = 'gather'): void {
  checkRanks('gather', dim, x, index, out);
  if (out.dtype !== x.dtype)
    throw new TypeError(`webgpu gather: out dtype ${out.dtype} must equal x dtype ${x.dtype}`);
  const n = numelOf(index.shape);
  if (n === 0) return;
  const temps: GpuStorage[] = [];
  [index, x] = apart(index, x, out, temps);
  const r = index.shape.length;
  const strideAt = strideWord(r);
  const key = `gather:${x.dtype}->${out.dtype}:r${r}`;
  const pipe = pipelineFor(key, 'wrrw', () => {
    const ctx = new WgslCtx();
    // native float16 goes through f32 (NaN canonical, as the widened path's copies)
    const f16 = nativeHalf(x.dtype);
    const st = (v: string) => (f16 ? storeAs(x.dtype, v) : v);
    const bad = x.dtype === 'float32' || f16 ? f32Lit(Number.NaN, ctx) : `${elemType(x.dtype)}(0)`;
    const at = `x[p1 + k * ${ui(strideAt)}]`;
    return `${uniformDecl(strideAt + 2)}
${storageDecl(1, 'o', out.dtype, true)}
${storageDecl(2, 'ix', 'int32', false)}
${storageDecl(3, 'x', x.dtype, false)}
${indexFlagDecl(4)}
${ctx.prelude()}${halfHelpers(x.dtype)}
${indexHead(
  r,
  `
    o[p2] = ${st(bad)};`,
)}
  o[p2] = ${st(f16 ? loadAs(x.dtype, at) : at)};
}`;
  });
  const code = indexCode(IndexKind.gather, dim, op, x.shape);
  const p = params(n, x.shape[dim], index.shape, [index, x, out], dim, 1, code);
  run(pipe, 'gather', n, [out, index, x], p);
  temps.forEach(releaseStorage);
}

/** out[...i, index[...], k...] += src[...i, j, k...] (torch.Tensor.scatter_add_, in place). */
export function scatterAdd(out: View, dim: number, index: View, src: View): void {
  checkRanks('scatterAdd', dim, out, index, src);
  if (out.dtype === 'bool' || src.dtype !== out.dtype)
    throw new TypeError(
      `webgpu scatterAdd: out ${out.dtype} and src ${src.dtype} must be the same float32 or int32 dtype`,
    );
  const n = numelOf(index.shape);
  if (n === 0) return;
  const temps: GpuStorage[] = [];
  [index, src] = apart(index, src, out, temps);
  const r = index.shape.length;
  const strideAt = strideWord(r);
  const f = out.dtype === 'float32';
  const pipe = pipelineFor(
    `scatterAdd:${out.dtype}:r${r}`,
    'wrrw',
    () => `${uniformDecl(strideAt + 2)}
@group(0) @binding(1) var<storage, read_write> o: array<atomic<${f ? 'u32' : 'i32'}>>;
${storageDecl(2, 'ix', 'int32', false)}
${storageDecl(3, 's', src.dtype, false)}
${indexFlagDecl(4)}
${indexHead(r, '')}
  let v = s[p1];
  let t = p2 + k * ${ui(strideAt)};
  ${
    f
      ? `var old = atomicLoad(&o[t]);
  loop {
    let r = atomicCompareExchangeWeak(&o[t], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }`
      : 'atomicAdd(&o[t], v);'
  }
}`,
  );
  const code = indexCode(IndexKind.scatterAdd, dim, 'scatter_add', out.shape);
  const p = params(n, out.shape[dim], index.shape, [index, src, out], dim, 2, code);
  run(pipe, 'scatterAdd', n, [out, index, src], p);
  temps.forEach(releaseStorage);
}
