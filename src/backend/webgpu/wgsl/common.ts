/**
 * Pieces every WGSL template shares: the word-addressed uniform block, storage declarations
 * per dtype, the 2-D grid -> linear id mapping, and strided index math specialised by rank.
 */
import { type DType, isFloat, isHalf } from '../../../tensor/dtype.js';
import { type ExType, exType } from '../../expr.js';
import { halfNative } from '../device.js';

/** float16 bound as WGSL `array<f16>` (the device has shader-f16, device.ts `halfNative`). */
export const nativeHalf = (d: DType): boolean => d === 'float16' && halfNative();
/** A 16-bit float stored as packed words (bfloat16 always; float16 without shader-f16). */
export const packedHalf = (d: DType): boolean => isHalf(d) && !nativeHalf(d);

/**
 * Storage element type per dtype: bool is one u32 per element (see storage.ts); every integer
 * dtype is one i32 (int64 as on the CPU; uint8/int8/int16 wrap to their width when stored,
 * `storeAs`), float16 one f16 where the device has shader-f16, else float16/bfloat16 two 16-bit
 * words per u32 (`loadHalf`, `HALF_WGSL`). float64 never reaches here: the backend's alloc
 * refuses it.
 */
export const elemType = (d: DType): 'f32' | 'f16' | 'i32' | 'u32' =>
  nativeHalf(d) ? 'f16' : isHalf(d) ? 'u32' : isFloat(d) ? 'f32' : d === 'bool' ? 'u32' : 'i32';

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

/** A loaded element as the expression type of its dtype (native float16: f32, exact). */
export const loadAs = (dtype: DType, access: string): string =>
  dtype === 'bool' ? `(${access} != 0u)` : nativeHalf(dtype) ? `f32(${access})` : access;
/** A value of ExType `t` (already converted to the out dtype's ExType) as a storage element. */
export const storeAs = (dtype: DType, v: string): string =>
  nativeHalf(dtype)
    ? `st_f16(${v})`
    : dtype === 'bool'
      ? `select(0u, 1u, ${v})`
      : dtype === 'uint8'
        ? `(${v} & 255)`
        : dtype === 'int8'
          ? `((${v} << 24u) >> 24u)`
          : dtype === 'int16'
            ? `((${v} << 16u) >> 16u)`
            : v; // packed float16/bfloat16 words are stored by elementwise alone (its st16)

/**
 * float16/bfloat16 storage: 16-bit words packed two to a u32 (element i in word i >> 1, bits
 * 16 * (i & 1) up). `dec_*` decode a word to f32, `enc_*` encode an f32 to its word, rounding to
 * nearest even with overflow to ±inf, as `halfBits`/`bfloat16Bits` in tensor/dtype.ts. Integer
 * bit arithmetic, so results do not depend on the adapter's f16 conversions or the shader-f16
 * feature. Shaders that load or store a 16-bit dtype append this.
 */
export const HALF_WGSL = `
fn dec_f16(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) { return bitcast<f32>(s | bitcast<u32>(ldexp(f32(m), -24))); }
  if (e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}
fn dec_bf16(h: u32) -> f32 { return bitcast<f32>(h << 16u); }
fn enc_f16(x: f32) -> u32 {
  let u = bitcast<u32>(x);
  let sign = (u >> 16u) & 0x8000u;
  let a = u & 0x7fffffffu;
  if (a >= 0x7f800000u) { return sign | select(0x7c00u, 0x7e00u, a > 0x7f800000u); }
  if (a >= 0x477ff000u) { return sign | 0x7c00u; }
  if (a < 0x38800000u) { return sign | u32(round(abs(x) * 16777216.0)); }
  return sign | ((a - 0x38000000u + 0xfffu + ((a >> 13u) & 1u)) >> 13u);
}
fn enc_bf16(x: f32) -> u32 {
  let u = bitcast<u32>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) { return 0x7fc0u; }
  return (u + 0x7fffu + ((u >> 16u) & 1u)) >> 16u;
}
`;
/**
 * An f32 as the f16 element PyTorch stores: the integer encode (WGSL leaves the rounding of an
 * inexact f32 -> f16 conversion to the implementation), its bits reinterpreted; component x of
 * a u32 bitcast to vec2<f16> is its low 16 bits.
 */
export const ST_F16 = `fn st_f16(x: f32) -> f16 { return bitcast<vec2<f16>>(enc_f16(x)).x; }
`;
/** The WGSL helpers a shader touching `dtypes` needs (empty unless one is float16/bfloat16). */
export const halfHelpers = (...dtypes: DType[]): string =>
  dtypes.some(isHalf) ? HALF_WGSL + (dtypes.some(nativeHalf) ? ST_F16 : '') : '';
/** WGSL loading element `p` (a u32 expression) of a 16-bit float from word array `word(index)`. */
export const loadHalf = (dtype: DType, word: (w: string) => string, p: string): string =>
  `${dtype === 'bfloat16' ? 'dec_bf16' : 'dec_f16'}((${word(`${p} >> 1u`)} >> ((${p} & 1u) * 16u)) & 0xffffu)`;
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
