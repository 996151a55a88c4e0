/**
 * elementwise: out[i] = e(inputs[0][i], ...) over strided views, one thread per element.
 *
 * Operands are coalesced first (cpu/compile.ts does the same), so contiguous and uniformly
 * broadcast tensors run as rank 1 whatever their logical rank; the pipeline is specialised by
 * the coalesced rank and, when every stride is 1, by a no-index-math contiguous path. Cost per
 * element on a real GPU: 4 bytes per operand moved, a few integer div/mods per rank for
 * strided operands (hidden behind memory latency up to rank ~4). Workgroups of 256 threads:
 * every browser allows 256 invocations, and 256 keeps 8 warps / 4 wavefronts per group.
 *
 * Bindings are deduplicated per GPUBuffer: an input that is the output (in-place ops) reads the
 * read_write binding, since WebGPU forbids binding one buffer both writable and read-only.
 */

import type { View } from '../../backend.js';
import { numelOf } from '../../backend.js';
import { constantsOf, type Ex, type ExType, structureKey } from '../../expr.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { type GpuStorage, storageOf } from '../storage.js';
import {
  builtins,
  coalesce,
  exTypeOf,
  halfHelpers,
  linearId,
  loadAs,
  loadHalf,
  packedHalf,
  storageDecl,
  storeAs,
  stridedOffsets,
  uniformDecl,
  uw,
} from '../wgsl/common.js';
import { constantWord, toWgsl, WgslCtx } from '../wgsl/expr.js';

const WG = 256;

/** Stores 16-bit word h as element p of the packed output b0, leaving the word's other half alone. */
const ST16 = `
fn st16(p: u32, h: u32) {
  let sh = (p & 1u) * 16u;
  atomicAnd(&b0[p >> 1u], ~(0xffffu << sh));
  atomicOr(&b0[p >> 1u], h << sh);
}
`;

/** Each pipeline's constant types (constant j is uniform word base + j, see WgslCtx). */
const constTypes = new WeakMap<GPUComputePipeline, readonly ExType[]>();

export function elementwise(e: Ex, inputs: readonly View[], out: View): void {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const bufs: GpuStorage[] = [storageOf(out, 'elementwise')];
  const slotDtype = [out.dtype];
  const slotOf: number[] = [];
  for (const v of inputs) {
    const b = storageOf(v, 'elementwise');
    let s = bufs.indexOf(b);
    if (s < 0) {
      s = bufs.push(b) - 1;
      slotDtype.push(v.dtype);
    }
    slotOf.push(s);
  }
  const { shape, strides } = coalesce(out.shape, [out.strides, ...inputs.map((v) => v.strides)]);
  const r = shape.length;
  const contig = r === 1 && strides.every((s) => s[0] === 1);
  // A contiguous 16-bit output starting on a word: each invocation computes two elements and
  // stores their whole word (one atomicStore; no read-modify-write but for an odd tail).
  const pairs = contig && packedHalf(out.dtype) && out.offset % 2 === 0;
  const nOps = inputs.length + 1;
  const access = `w${'r'.repeat(bufs.length - 1)}`;
  // Keyed by structure: constants are uniforms, so `x * k` compiles once for every k.
  const key = `ew:${structureKey(e)}:${out.dtype}<-${inputs.map((v) => v.dtype).join(',')}:s${slotOf.join('')}:${contig ? (pairs ? 'c2' : 'c') : `r${r}`}`;
  // Words: [n, -, shape[r] | offsets only when contiguous, then per operand: offset, strides[r],
  // then the constants].
  const opAt = Array.from({ length: nOps }, (_, k) => (contig ? 2 + k : 2 + r + k * (1 + r)));
  const base = opAt[nOps - 1] + 1 + (contig ? 0 : r);
  const consts = constantsOf(e);
  let types: readonly ExType[] | undefined;
  const pipe = pipelineFor(key, access, () => {
    const ctx = new WgslCtx(base);
    // Packed float16/bfloat16 words (common.ts): a 16-bit output is atomic<u32>, so each store
    // (st16) changes only its own half of a word another invocation may be storing into too.
    // Native float16 (array<f16>): each invocation loads and stores its own element.
    const half16 = packedHalf(out.dtype);
    const reads = inputs.map((v, k) => {
      const s = slotOf[k];
      if (!packedHalf(v.dtype)) return loadAs(v.dtype, `b${s}[p${k + 1}]`);
      const word = (w: string) => (s === 0 && half16 ? `atomicLoad(&b0[${w}])` : `b${s}[${w}]`);
      return loadHalf(v.dtype, word, `u32(p${k + 1})`);
    });
    const body = toWgsl(
      e,
      inputs.map((v) => exTypeOf(v.dtype)),
      exTypeOf(out.dtype),
      reads,
      ctx,
    );
    types = ctx.constTypes;
    const index = contig
      ? opAt.map((at, k) => `let p${k} = ${uw(at)} + i;`).join('\n  ')
      : stridedOffsets('i', r, 2, opAt);
    const enc = out.dtype === 'bfloat16' ? 'enc_bf16' : 'enc_f16';
    const decls = `${uniformDecl(base + consts.length)}
${bufs.map((_, s) => storageDecl(s + 1, `b${s}`, slotDtype[s], s === 0, s === 0 && half16)).join('\n')}
${ctx.prelude()}${halfHelpers(...slotDtype)}${half16 ? ST16 : ''}`;
    if (pairs) {
      const params = inputs.map((_, k) => `p${k + 1}: u32`).join(', ');
      const at = (d: string) => inputs.map((_, k) => `${uw(opAt[k + 1])} + ${d}`).join(', ');
      return `${decls}
fn ev(${params}) -> f32 { return ${body}; }
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  let j = 2u * i;
  if (j >= ${uw(0)}) { return; }
  let p0 = ${uw(opAt[0])} + j;
  let lo = ${enc}(ev(${at('j')}));
  if (j + 1u < ${uw(0)}) { atomicStore(&b0[p0 >> 1u], lo | (${enc}(ev(${at('j + 1u')})) << 16u)); }
  else { st16(p0, lo); }
}`;
    }
    return `${decls}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  if (i >= ${uw(0)}) { return; }
  ${index}
  ${half16 ? `st16(u32(p0), ${enc}(${body}));` : `b0[p0] = ${storeAs(out.dtype, body)};`}
}`;
  });
  if (types) constTypes.set(pipe, types);
  else types = constTypes.get(pipe);
  if (!types || types.length !== consts.length) throw new Error(`webgpu ${key}: constants out of step`);
  const p = new Params(base + consts.length);
  p.u[0] = n;
  const views = [out, ...inputs];
  if (!contig) for (let d = 0; d < r; d++) p.u[2 + d] = shape[d];
  views.forEach((v, k) => {
    p.i[opAt[k]] = v.offset;
    if (!contig) for (let d = 0; d < r; d++) p.i[opAt[k] + 1 + d] = strides[k][d];
  });
  for (let j = 0; j < consts.length; j++) p.u[base + j] = constantWord(consts[j], types[j]);
  const [gx, gy] = grid(Math.ceil((pairs ? Math.ceil(n / 2) : n) / WG));
  dispatch(pipe, access, bufs, p, [gx, gy]);
}
