/**
 * routines.updateInPlace: an optimizer's update program over many parameters in one dispatch per group,
 * PyTorch's `foreach`/`fused` idea. Each tensor is its own binding, and a shader stage may
 * bind at most maxStorageBuffersPerShaderStage of them (8 in browsers, 16 on lavapipe), and at
 * most maxDynamicStorageBuffersPerPipelineLayout with dynamic offsets (>= 4, 16 on lavapipe;
 * both read at run time), so parameters are packed greedily into groups whose storages fit. Inside
 * a dispatch the threads cover the concatenated parameters, 4 elements each (PER_THREAD); a
 * thread finds its parameter by comparing against the prefix offsets in the uniform block (an
 * unrolled compare chain).
 * Bytes moved per element: SGD+momentum 16 (p, g, buf read; p, buf written), Adam 28.
 *
 * The update itself is data: an update program (src/optim/program.ts), its steps rendered to
 * WGSL by the elementwise renderer (wgsl/expr.ts) with constants as uniform words, so a new
 * learning rate or step count compiles nothing and a new optimizer needs no kernel here.
 */
import type { UpdateStep, View } from '../../backend.js';
import { isContiguousView, numelOf, programKey, programWidth } from '../../backend.js';
import { constantsOf, type ExType } from '../../expr.js';
import { limit } from '../device.js';
import { dispatch, flush, grid, maxDynamic, Params, pipelineFor } from '../queue.js';
import { type GpuStorage, storageOf } from '../storage.js';
import { builtins, linearId, uniformDecl, uw } from '../wgsl/common.js';
import { constantWord, toWgsl, WgslCtx } from '../wgsl/expr.js';

const WG = 256;
/**
 * Elements per thread: a parameter of n elements gets m = ceil(n/4) threads, thread t updating
 * t, t+m, t+2m, t+3m. Consecutive threads touch consecutive addresses at every step (coalesced
 * on a GPU), and on lavapipe a quarter of the threads is 1.7x faster (bench: 3.2 -> 5.5 GB/s).
 */
const PER_THREAD = 4;

/** Each pipeline's constant types (constant j is uniform word j, see WgslCtx). */
const constTypes = new WeakMap<GPUComputePipeline, readonly ExType[]>();

export function updateInPlace(steps: readonly UpdateStep[], sets: readonly (readonly View[])[]): void {
  if (sets.length === 0) return;
  const nr = sets[0].length;
  const width = Math.max(nr, programWidth(steps)); // slots past the operands: scratch vars
  const views = sets.map((vs, i) => {
    const n = numelOf(vs[0].shape);
    if (vs.length !== nr)
      throw new RangeError(`webgpu updateInPlace: set ${i} has ${vs.length} operands, expected ${nr}`);
    for (const v of vs)
      if (!isContiguousView(v) || numelOf(v.shape) !== n || v.dtype !== 'float32')
        throw new TypeError(
          `webgpu updateInPlace: set ${i}: operands must be contiguous float32 of ${n} elements`,
        );
    return vs;
  });
  const consts: number[] = [];
  for (const s of steps) constantsOf(s.e, consts);
  const C = consts.length;
  const roleWrites = Array.from({ length: nr }, (_, k) => steps.some((s) => s.slot === k));
  const structure = programKey(steps);
  const params = views.map((vs) => vs[0]);
  // Within the dynamic-offset limit too, so the update's bind groups do not depend on where
  // each step's fresh gradients landed in their arena (queue.ts binds more at fixed offsets).
  const maxBufs = Math.min(limit('maxStorageBuffersPerShaderStage'), maxDynamic());
  let i = 0;
  while (i < params.length) {
    // Greedy group: add params while their distinct storages fit the binding limits.
    const bufs: GpuStorage[] = [];
    const writes: boolean[] = [];
    const slots: number[][] = [];
    let j = i;
    for (; j < params.length; j++) {
      const add = views[j]
        .map((v) => storageOf(v, 'updateInPlace'))
        .filter((b, k, a) => !bufs.includes(b) && a.indexOf(b) === k);
      if (bufs.length + add.length > maxBufs && j > i) break;
      bufs.push(...add);
      slots.push(
        views[j].map((v, k) => {
          const s = bufs.indexOf(storageOf(v, 'updateInPlace'));
          writes[s] = (writes[s] ?? false) || roleWrites[k];
          return s;
        }),
      );
    }
    const group = views.slice(i, j);
    i = j;
    const nonEmpty = group.filter((vs) => numelOf(vs[0].shape) > 0);
    if (nonEmpty.length === 0) continue;
    const access = writes.map((w) => (w ? 'w' : 'r')).join('');
    const per = 2 + nr;
    const G = group.length;
    const key = `upd:${nr}:${structure}:g${G}:${slots.map((s) => s.join('.')).join('|')}:${access}`;
    const at0 = C + 1; // words: constants, total threads, then per parameter
    let types: readonly ExType[] | undefined;
    const pipe = pipelineFor(key, access, () => {
      const ctx = new WgslCtx(0);
      const ins = Array.from({ length: width }, (): ExType => 'f32');
      const reads = Array.from({ length: width }, (_, k) => `s${k}`);
      const body = steps.map((s) => `s${s.slot} = ${toWgsl(s.e, ins, 'f32', reads, ctx)};`).join(' ');
      types = ctx.constTypes;
      const decl = bufs.map(
        (_, s) => `@group(0) @binding(${s + 1}) var<storage, read_write> b${s}: array<f32>;`,
      );
      const branches = group.map((_, g) => {
        const at = at0 + g * per;
        const ref = (k: number) => `b${slots[g][k]}[${uw(at + 2 + k)} + e]`;
        const loads = reads.map((r, k) => `var ${r} = ${k < nr ? ref(k) : '0.0'};`).join(' ');
        const stores = roleWrites.flatMap((w, k) => (w ? [`${ref(k)} = s${k};`] : [])).join(' ');
        const cond = g === G - 1 ? '' : `if (i < ${uw(at + per)}) `;
        const n = uw(at + 1);
        return `${cond}{
    let t = i - ${uw(at)}; let m = (${n} + ${PER_THREAD - 1}u) / ${PER_THREAD}u;
    for (var q = 0u; q < ${PER_THREAD}u; q++) { let e = t + q * m; if (e < ${n}) { ${loads} ${body} ${stores} } }
  }`;
      });
      return `${uniformDecl(at0 + G * per)}
${decl.join('\n')}
${ctx.prelude()}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  if (i >= ${uw(C)}) { return; }
  ${branches.join(' else ')}
}`;
    });
    if (types) constTypes.set(pipe, types);
    else types = constTypes.get(pipe);
    if (!types || types.length !== C) throw new Error(`webgpu ${key}: constants out of step`);
    const p = new Params(at0 + G * per);
    for (let j = 0; j < C; j++) p.u[j] = constantWord(consts[j], types[j]);
    let start = 0;
    group.forEach((vs, g) => {
      const at = at0 + g * per;
      const n = numelOf(vs[0].shape);
      p.u[at] = start;
      p.u[at + 1] = n;
      vs.forEach((v, k) => {
        p.u[at + 2 + k] = v.offset;
      });
      start += Math.ceil(n / PER_THREAD);
    });
    p.u[C] = start;
    dispatch(pipe, access, bufs, p, grid(Math.ceil(start / WG)));
  }
  // The optimizer update ends a training step: submit the step's batch now (one submit per
  // step, no wait) so the GPU runs it while the host prepares the next batch. Waiting for a
  // size threshold instead would leave the GPU idle until the next readback.
  flush();
}
