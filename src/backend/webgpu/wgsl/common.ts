/**
 * Pieces every WGSL template shares: the word-addressed uniform block, storage declarations
 * per dtype, the 2-D grid -> linear id mapping, and strided index math specialised by rank.
 */
import { type DType, isFloat } from '../../../tensor/dtype.js';
import { type ExType, exType } from '../../expr.js';

/**
 * Storage element type per dtype: bool is one u32 per element (see storage.ts); every integer
 * dtype is one i32 (int64 as on the CPU; uint8/int8/int16 wrap to their width when stored,
 * `storeAs`). float64 never reaches here: the backend's alloc refuses it.
 */
export const elemType = (d: DType): 'f32' | 'i32' | 'u32' =>
  isFloat(d) ? 'f32' : d === 'bool' ? 'u32' : 'i32';

/**
 * Uniform block as vec4<u32> words (uniform arrays need a 16-byte stride); word i is
 * `P[i/4].xyzw[i%4]`, resolved at generation time so the shader sees a constant access.
 */
export const uniformDecl = (words: number): string =>
  `@group(0) @binding(0) var<uniform> P: array<vec4<u32>, ${Math.max(1, Math.ceil(words / 4))}>;`;
export const uw = (i: number): string => `P[${i >> 2}].${'xyzw'[i & 3]}`;
export const ui = (i: number): string => `bitcast<i32>(${uw(i)})`;
export const uf = (i: number): string => `bitcast<f32>(${uw(i)})`;

/**
 * A storage binding. Always read_write, inputs too: tensors of one dispatch may share an arena
 * buffer, and WebGPU allows one buffer in several bindings of a dispatch only if none is
 * read-only (queue.ts). `_write` documents which bindings the kernel writes.
 */
export const storageDecl = (
  binding: number,
  name: string,
  dtype: DType,
  _write: boolean,
  atomic = false,
): string => {
  const t = atomic ? `atomic<${elemType(dtype)}>` : elemType(dtype);
  return `@group(0) @binding(${binding}) var<storage, read_write> ${name}: array<${t}>;`;
};

/** A loaded element as the expression type of its dtype. */
export const loadAs = (dtype: DType, access: string): string =>
  dtype === 'bool' ? `(${access} != 0u)` : access;
/** A value of ExType `t` (already converted to the out dtype's ExType) as a storage element. */
export const storeAs = (dtype: DType, v: string): string =>
  dtype === 'bool'
    ? `select(0u, 1u, ${v})`
    : dtype === 'uint8'
      ? `(${v} & 255)`
      : dtype === 'int8'
        ? `((${v} << 24u) >> 24u)`
        : dtype === 'int16'
          ? `((${v} << 16u) >> 16u)`
          : dtype === 'float16'
            ? `round_f16(${v})`
            : dtype === 'bfloat16'
              ? `round_bf16(${v})`
              : v;

/**
 * float16/bfloat16 live in f32 words holding 16-bit values: every store rounds (to nearest
 * even, overflow to ±inf), as `roundHalf` in tensor/dtype.ts. Bit arithmetic, so results do not
 * depend on the adapter's f16 conversion rounding. Shaders that store a 16-bit dtype append this.
 */
export const HALF_WGSL = `
fn round_bf16(x: f32) -> f32 {
  let u = bitcast<u32>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) { return x; }
  return bitcast<f32>((u + 0x7fffu + ((u >> 16u) & 1u)) & 0xffff0000u);
}
fn round_f16(x: f32) -> f32 {
  let u = bitcast<u32>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) { return x; }
  if (abs(x) >= 65520.0) { return bitcast<f32>((u & 0x80000000u) | 0x7f800000u); }
  let e = max(i32((u >> 23u) & 0xffu) - 127, -14);
  let q = bitcast<f32>(u32(e - 10 + 127) << 23u);
  let r = round(x / q) * q;
  return bitcast<f32>(bitcast<u32>(r) | (u & 0x80000000u));
}
`;
/** The WGSL helpers a shader storing `dtypes` needs (empty unless one is float16/bfloat16). */
export const halfHelpers = (...dtypes: DType[]): string =>
  dtypes.some((d) => d === 'float16' || d === 'bfloat16') ? HALF_WGSL : '';
export const exTypeOf = (d: DType): ExType => exType(d);

/** Linear invocation id over a grid that may be split in 2-D (maxComputeWorkgroupsPerDimension). */
export const linearId = (wg: number): string =>
  `let gid = wid.x + wid.y * nwg.x;\n  let i = gid * ${wg}u + lid.x;`;
export const builtins =
  '@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>';

/**
 * WGSL computing element offsets of several operands for linear index `idx` over `shape`
 * (rank r, shape words at `shapeAt`); operand k has offset word `opAt[k]` and its r strides
 * right after. Declares `c<d>` coordinates and `p<k>` offsets (i32).
 */
export function stridedOffsets(
  idx: string,
  r: number,
  shapeAt: number,
  opAt: readonly number[],
  prefix = '',
): string {
  const lines: string[] = [`var ${prefix}rem = ${idx};`];
  for (let d = r - 1; d >= 1; d--) {
    lines.push(
      `let ${prefix}c${d} = i32(${prefix}rem % ${uw(shapeAt + d)}); ${prefix}rem = ${prefix}rem / ${uw(shapeAt + d)};`,
    );
  }
  lines.push(`let ${prefix}c0 = i32(${prefix}rem);`);
  opAt.forEach((at, k) => {
    const terms = [ui(at)];
    for (let d = 0; d < r; d++) terms.push(`${prefix}c${d} * ${ui(at + 1 + d)}`);
    lines.push(`let ${prefix}p${k} = ${terms.join(' + ')};`);
  });
  return lines.join('\n  ');
}

/** Shared with the CPU backend: merges dims every operand walks contiguously. */
export { coalesce } from '../../backend.js';
