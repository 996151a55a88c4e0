/**
 * routines.fold (perfgpu2): the adjoint of the sliding-window view (ops/conv.ts `fold`, col2im)
 * in one dispatch. out [N, C, *size] (contiguous) gets, at each position, the sum of g [N, C,
 * *O, *k] (any strides) over every window (o, j) that covers it: s = o * stride + j * dil.
 * One thread per output element gathers its taps (at most prod(k), a handful), so there are no
 * atomics and no zero fill; the composed path is a zero fill plus prod(k) strided in-place adds
 * (10 dispatches for a 3x3 kernel). Float32, 1 to 3 spatial dims; false (nothing recorded)
 * otherwise.
 */
import { isContiguousView, type View } from '../../backend.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import { ui, uniformDecl, uw } from '../wgsl/common.js';
import { separateFrom } from './util.js';

const WG = 256;

export function fold(
  g: View,
  size: readonly number[],
  stride: readonly number[],
  dil: readonly number[],
  out: View,
): boolean {
  const nd = size.length;
  if (g.dtype !== 'float32' || out.dtype !== 'float32' || nd < 1 || nd > 3) return false;
  if (g.shape.length !== 2 + 2 * nd || out.shape.length !== 2 + nd || !isContiguousView(out)) return false;
  const total = out.shape.reduce((a, b) => a * b, 1);
  if (total === 0) return true;
  const temps: GpuStorage[] = [];
  g = separateFrom(g, out, temps);
  // Uniform words: 0 total, 1 out offset, 2 g offset, 3 g stride N, 4 g stride C, 5 C, then per
  // spatial dim i at 6 + 6 i: size, O, k, stride, dil, and the g strides of o_i and j_i as two
  // words from 6 + 6 nd.
  const words = 6 + 6 * nd + 2 * nd;
  const pipe = pipelineFor(`fold:${nd}`, 'wr', () => {
    const d = (i: number, f: number) => ui(6 + 6 * i + f);
    const so = (i: number) => ui(6 + 6 * nd + 2 * i);
    const sj = (i: number) => ui(6 + 6 * nd + 2 * i + 1);
    // Decompose the output index: innermost spatial dim first.
    let decomp = '  var r = idx;\n';
    for (let i = nd - 1; i >= 0; i--) decomp += `  let s${i} = r % ${d(i, 0)}; r = r / ${d(i, 0)};\n`;
    decomp += `  let c = r % ${ui(5)}; let n = r / ${ui(5)};\n`;
    let loops = '';
    let close = '';
    for (let i = 0; i < nd; i++) {
      loops += `  for (var j${i} = 0; j${i} < ${d(i, 2)}; j${i}++) {
    let p${i} = s${i} - j${i} * ${d(i, 4)};
    if (p${i} < 0) { break; }
    if (p${i} % ${d(i, 3)} != 0) { continue; }
    let o${i} = p${i} / ${d(i, 3)};
    if (o${i} >= ${d(i, 1)}) { continue; }
`;
      close = `  }\n${close}`;
    }
    const at = Array.from({ length: nd }, (_, i) => ` + o${i} * ${so(i)} + j${i} * ${sj(i)}`).join('');
    return `${uniformDecl(words)}
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lin = gid.x + gid.y * nwg.x * ${WG}u;
  if (lin >= ${uw(0)}) { return; }
  let idx = i32(lin);
${decomp}  let base = ${ui(2)} + n * ${ui(3)} + c * ${ui(4)};
  var acc = 0.0;
${loops}    acc += G[base${at}];
${close}  Y[${ui(1)} + idx] = acc;
}`;
  });
  const p = new Params(words);
  p.u[0] = total;
  p.i[1] = out.offset;
  p.i[2] = g.offset;
  p.i[3] = g.strides[0];
  p.i[4] = g.strides[1];
  p.i[5] = g.shape[1];
  for (let i = 0; i < nd; i++) {
    p.i.set([size[i], g.shape[2 + i], g.shape[2 + nd + i], stride[i], dil[i]], 6 + 6 * i);
    p.i[6 + 6 * nd + 2 * i] = g.strides[2 + i];
    p.i[6 + 6 * nd + 2 * i + 1] = g.strides[2 + nd + i];
  }
  dispatch(pipe, 'wr', [storageOf(out, 'fold'), storageOf(g, 'fold')], p, grid(Math.ceil(total / WG)));
  temps.forEach(releaseStorage);
  return true;
}
