/**
 * WGSL templates for batched, strided matmul: C[b] = A[b] @ B[b] (+ bias, relu).
 *
 * Transposes are strides: A is read at aBase + i*aRs + k*aCs, B at bBase + k*bRs + j*bCs.
 * Uniform words (shared by both variants):
 *   0 M, 1 N, 2 K, 3 batches, 4 tilesN, 5 tilesM, 6 aOff, 7 bOff, 8 oOff, 9 aRs, 10 aCs,
 *   11 bRs, 12 bCs, 13 biasOff, 14 biasStride, 15 rowSumOff, 16.. batch shape, a strides, b strides.
 *
 * Optional row-sum output RS[i] = sum_k A[i, k] (unbatched only): the linear layer's backward
 * gets dW = g^T @ x and db = sum over the batch of g from one pass over g (A = g^T), saving a
 * reduce dispatch and a second read of g. Each invocation already holds its rows of A in
 * registers, so the sums cost 4 adds per 64 FMAs; the column-0 invocations store them.
 */
import { HALF_WGSL, ST_F16, ui, uw } from './common.js';

/**
 * K is summed in blocks of K_BLOCK: each block into fresh partial sums, added to the totals after
 * it (what a BLAS's kc blocking does, and the CPU GEMM here). A plain running sum over K = 50176
 * (the CNN's conv weight gradient: batch x pixels) loses ~K ulps in the worst case; blocked, the
 * error grows with K_BLOCK + K / K_BLOCK instead. The partials cost one vec4 add per row per
 * block (under 1% of the FMAs at K_BLOCK = 256); the tiled kernel's 16-deep k-steps divide it.
 */
export const K_BLOCK = 256;

/** How an operand is loaded: vec4 along its first/second matrix dim, or scalar strided. */
export type LoadMode = 'v0' | 'v1' | 's';

export interface MatmulKey {
  variant: 'register' | 'tiled';
  a: LoadMode; // v1: vec4 along k (row-major A); v0: vec4 along m (A transposed)
  b: LoadMode; // v1: vec4 along n (row-major B); v0: vec4 along k (B transposed, nn.Linear)
  batchRank: number;
  bias: boolean;
  relu: boolean;
  rowSum: boolean;
  /**
   * 16-bit operands: packed words of float16/bfloat16 decoded by la/lb/va/vb, or 'f16', float16
   * bound as array<f16> (shader-f16: vec4<f16> loads in the vec4 modes).
   */
  aHalf?: Half16;
  bHalf?: Half16;
  biasHalf?: Half16;
  /** C and the row sums stored as f16 elements (shader-f16), rounded by the integer encode. */
  cF16?: boolean;
  rsF16?: boolean;
}

/** How a 16-bit operand is bound: packed words of a dtype, or native f16 elements. */
export type Half16 = 'float16' | 'bfloat16' | 'f16';

/** A loader body: scalar or vec4 lane of f32 or f16, or a packed 16-bit element decoded (HALF_WGSL). */
function loader(name: string, m: LoadMode, half?: Half16): string {
  const dec = half === 'bfloat16' ? 'dec_bf16' : 'dec_f16';
  if (half === undefined || half === 'f16')
    return `return ${half ? 'f32' : ''}(${m === 's' ? `${name}[e]` : `${name}[e >> 2u][e & 3]`});`;
  // 16-bit: array<u32> in scalar mode, array<vec2<u32>> (4 elements a vec) in the vec4 modes
  const word =
    m === 's'
      ? `${name}[u32(e) >> 1u]`
      : `select(${name}[u32(e) >> 2u].x, ${name}[u32(e) >> 2u].y, (u32(e) & 2u) != 0u)`;
  return `return ${dec}((${word} >> ((u32(e) & 1u) * 16u)) & 0xffffu);`;
}

/** The vec4 loader of 4 16-bit elements (one vec4<f16>, or one vec2<u32> of packed words) as f32. */
const vec4Loader = (fn: string, name: string, half: Half16): string => {
  if (half === 'f16') return `fn ${fn}(w: u32) -> vec4<f32> { return vec4<f32>(${name}[w]); }`;
  const d = half === 'bfloat16' ? 'dec_bf16' : 'dec_f16';
  return `fn ${fn}(w: u32) -> vec4<f32> { let q = ${name}[w]; return vec4<f32>(${d}(q.x & 0xffffu), ${d}(q.x >> 16u), ${d}(q.y & 0xffffu), ${d}(q.y >> 16u)); }`;
};
/** A vec4 load of A or B at vec index `w` (f32 directly; 16-bit through va/vb). */
const vload = (name: 'A' | 'B', half: string | undefined, w: string): string =>
  half ? `v${name.toLowerCase()}(${w})` : `${name}[${w}]`;

function header(k: MatmulKey): string {
  const arr = (m: LoadMode, half?: Half16) => {
    const f = half === 'f16' ? 'f16' : 'f32';
    return half && half !== 'f16' ? (m === 's' ? 'u32' : 'vec2<u32>') : m === 's' ? f : `vec4<${f}>`;
  };
  const words = 16 + 3 * k.batchRank;
  return `@group(0) @binding(0) var<uniform> P: array<vec4<u32>, ${Math.ceil(words / 4)}>;
@group(0) @binding(1) var<storage, read_write> C: array<${k.cF16 ? 'f16' : 'f32'}>;
@group(0) @binding(2) var<storage, read_write> A: array<${arr(k.a, k.aHalf)}>;
@group(0) @binding(3) var<storage, read_write> B: array<${arr(k.b, k.bHalf)}>;
${k.bias ? `@group(0) @binding(4) var<storage, read_write> BIAS: array<${arr('s', k.biasHalf)}>;` : ''}
${k.biasHalf ? `fn lbias(e: i32) -> f32 { ${loader('BIAS', 's', k.biasHalf)} }` : ''}
${k.rowSum ? `@group(0) @binding(${k.bias ? 5 : 4}) var<storage, read_write> RS: array<${k.rsF16 ? 'f16' : 'f32'}>;` : ''}
fn la(e: i32) -> f32 { ${loader('A', k.a, k.aHalf)} }
fn lb(e: i32) -> f32 { ${loader('B', k.b, k.bHalf)} }
${k.aHalf && k.a !== 's' ? vec4Loader('va', 'A', k.aHalf) : ''}
${k.bHalf && k.b !== 's' ? vec4Loader('vb', 'B', k.bHalf) : ''}
${k.aHalf || k.bHalf || k.biasHalf || k.cF16 || k.rsF16 ? HALF_WGSL : ''}${k.cF16 || k.rsF16 ? ST_F16 : ''}`;
}

/** Decomposes the flat workgroup id into (batch, tile row, tile col) and batch base offsets. */
function prologue(k: MatmulKey): string {
  const r = k.batchRank;
  const lines = [
    'let gid = wid.x + wid.y * nwg.x;',
    `let perBatch = ${uw(4)} * ${uw(5)};`,
    `if (gid >= perBatch * ${uw(3)}) { return; }`,
    'let bi = gid / perBatch;',
    `let tm = (gid % perBatch) / ${uw(4)};`,
    `let tn = (gid % perBatch) % ${uw(4)};`,
    `let M = ${uw(0)}; let N = ${uw(1)}; let K = ${uw(2)};`,
    `let aRs = ${ui(9)}; let aCs = ${ui(10)}; let bRs = ${ui(11)}; let bCs = ${ui(12)};`,
    'var rem = bi;',
  ];
  for (let d = r - 1; d >= 0; d--)
    lines.push(`let q${d} = i32(rem % ${uw(16 + d)}); rem = rem / ${uw(16 + d)};`);
  const at = (d: number, o: number) => ui(16 + r * o + d);
  lines.push(
    `let aBase = ${[ui(6), ...Array.from({ length: r }, (_, d) => `q${d} * ${at(d, 1)}`)].join(' + ')};`,
  );
  lines.push(
    `let bBase = ${[ui(7), ...Array.from({ length: r }, (_, d) => `q${d} * ${at(d, 2)}`)].join(' + ')};`,
  );
  lines.push(`let oBase = ${uw(8)} + bi * M * N;`);
  return lines.join('\n  ');
}

/** Bias, relu and guarded stores of the R x 4 block at rows i.., cols j.. held in acc0..acc{R-1}. */
function epilogue(k: MatmulKey, R = 4): string {
  const lines: string[] = [];
  if (k.bias) {
    const col = (c: number) => `${ui(13)} + i32(min(j + ${c}u, N - 1u)) * ${ui(14)}`;
    // f32 bias indexed directly, as before (through a function the tiled kernel stalled on lavapipe)
    const at = (c: number) => (k.biasHalf ? `lbias(${col(c)})` : `BIAS[${col(c)}]`);
    lines.push(`let bv = vec4<f32>(${at(0)}, ${at(1)}, ${at(2)}, ${at(3)});`);
  }
  for (let r = 0; r < R; r++) {
    let v = `acc${r}`;
    if (k.bias) v = `(${v} + bv)`;
    // select keeps NaN (relu(NaN) = NaN in PyTorch); max() would be free to drop it.
    if (k.relu) v = `select(${v}, vec4<f32>(0.0), ${v} < vec4<f32>(0.0))`;
    lines.push(`if (i + ${r}u < M) {
    let v = ${v};
    let o = oBase + (i + ${r}u) * N + j;
    for (var c = 0u; c < 4u; c++) { if (j + c < N) { C[o + c] = ${k.cF16 ? 'st_f16(v[c])' : 'v[c]'}; } }
  }`);
  }
  return lines.join('\n  ');
}

/** Stores the row sums of A for rows i..i+3 from the invocations of the first column block. */
function rowSumStore(k: MatmulKey, cond: string, g = 0): string {
  if (!k.rowSum) return '';
  return `if (${cond}) {
    for (var r = 0u; r < 4u; r++) { if (i + ${g}u + r < M) { RS[${uw(15)} + i + ${g}u + r] = ${k.rsF16 ? `st_f16(rs${g}[r])` : `rs${g}[r]`}; } }
  }`;
}

/**
 * The register kernel's work split: `rows` rows (a multiple of 4) by 4 columns of C per
 * invocation, `wx` x `wy` invocations per workgroup. 8 rows by 4 columns measured best on
 * lavapipe (llvmpipe 256-bit, bench/webgpu-kernels.ts): 10-25% over 4x4 at the tutorial's
 * products and 1024^3. There the kernel is bound by its loads, not its FMAs (with the loads
 * replaced by constants it runs 4-10x faster), yet larger blocks spill: 16x4 and 8x8 lose
 * 20-30%, an 8-deep k unroll 50%; 4x8 ties 8x4; workgroups whose rows are uniform (wy = 1, no
 * early return) gain nothing, llvmpipe still gathers per lane.
 */
export interface RegisterLayout {
  rows: number;
  wx: number;
  wy: number;
}
export const REGISTER_LAYOUT: Readonly<RegisterLayout> = { rows: 8, wx: 8, wy: 8 };

/**
 * Register-blocked: each invocation owns a rows x 4 block of C in vec4 registers and streams A
 * and B from global memory, 4 k-steps per iteration (with 8 rows, 12 vec4 loads feed 128 FMAs;
 * the loads, gathers on a CPU adapter, are what bound it). No workgroup
 * memory and no barriers: on lavapipe/CPU adapters "workgroup memory" is ordinary RAM behind
 * the same caches, so tiling through it only adds copies and barriers (measured ~2x slower,
 * see shared/notes/webgpu-in-node.md); the CPU's caches already give the reuse tiling buys.
 * Rows/cols past M/N load clamped indices and are never stored; the K tail runs scalar.
 */
export function registerWgsl(k: MatmulKey): string {
  const L = REGISTER_LAYOUT;
  const R = L.rows;
  const rows = Array.from({ length: R }, (_, r) => r);
  const cols = [0, 1, 2, 3];
  const rowGroups = rows.filter((r) => r % 4 === 0); // first rows of the vec4 row groups
  const aLoad =
    k.a === 'v1' // row i+r, k..k+3 as one vec4
      ? rows.map((r) => `let a${r} = ${vload('A', k.aHalf, `u32(aBase + r${r} * aRs + i32(k)) >> 2u`)};`)
      : k.a === 'v0' // column k+t, rows i..i+3 as one vec4, transposed in registers
        ? rowGroups.flatMap((g) => [
            ...cols.map(
              (t) =>
                `let t${g}_${t} = ${vload('A', k.aHalf, `u32(aBase + (i32(k) + ${t}) * aCs + r${g}) >> 2u`)};`,
            ),
            ...cols.map(
              (r) => `let a${g + r} = vec4<f32>(t${g}_0[${r}], t${g}_1[${r}], t${g}_2[${r}], t${g}_3[${r}]);`,
            ),
          ])
        : rows.map(
            (r) =>
              `let a${r} = vec4<f32>(${cols.map((t) => `la(aBase + r${r} * aRs + (i32(k) + ${t}) * aCs)`).join(', ')});`,
          );
  const bLoad =
    k.b === 'v1' // row k+t, cols j..j+3
      ? cols.map(
          (t) => `let b${t} = ${vload('B', k.bHalf, `u32(bBase + (i32(k) + ${t}) * bRs + i32(j)) >> 2u`)};`,
        )
      : k.b === 'v0' // column j+c, k..k+3 (nn.Linear's W^T), transposed in registers
        ? [
            ...cols.map(
              (c) => `let u${c} = ${vload('B', k.bHalf, `u32(bBase + c${c} * bCs + i32(k)) >> 2u`)};`,
            ),
            ...cols.map((t) => `let b${t} = vec4<f32>(u0[${t}], u1[${t}], u2[${t}], u3[${t}]);`),
          ]
        : cols.map(
            (t) =>
              `let b${t} = vec4<f32>(${cols.map((c) => `lb(bBase + (i32(k) + ${t}) * bRs + c${c} * bCs)`).join(', ')});`,
          );
  // v0 A loads read rows r_g..r_g+3 as one vec4: clamp the group's first row so the vec4 stays inside
  const rowIdx = (r: number) =>
    k.a === 'v0' && r % 4 === 0 ? `i32(min(i + ${r}u, (M - 1u) & ~3u))` : `i32(min(i + ${r}u, M - 1u))`;
  return `${header(k)}
@compute @workgroup_size(${L.wx}, ${L.wy}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  ${prologue(k)}
  let i = (tm * ${L.wy}u + lid.y) * ${R}u;
  let j = (tn * ${L.wx}u + lid.x) * 4u;
  if (i >= M || j >= N) { return; }
  ${rows.map((r) => `let r${r} = ${rowIdx(r)};`).join(' ')}
  ${cols.map((c) => `let c${c} = i32(min(j + ${c}u, N - 1u));`).join(' ')}
  ${rows.map((r) => `var acc${r} = vec4<f32>(0.0);`).join(' ')}
  ${rowGroups.map((g) => `var rs${g} = vec4<f32>(0.0);`).join(' ')}
  let K4 = K & ~3u;
  for (var kb = 0u; kb < K4; kb += ${K_BLOCK}u) {
    // One K block into fresh partial sums, then into the totals (see K_BLOCK).
    let kEnd = min(kb + ${K_BLOCK}u, K4);
    ${rows.map((r) => `var p${r} = vec4<f32>(0.0);`).join(' ')}
    ${rowGroups.map((g) => `var ps${g} = vec4<f32>(0.0);`).join(' ')}
    for (var k = kb; k < kEnd; k += 4u) {
      ${aLoad.join('\n      ')}
      ${bLoad.join('\n      ')}
      ${rows.map((r) => `p${r} += a${r}.x * b0 + a${r}.y * b1 + a${r}.z * b2 + a${r}.w * b3;`).join('\n      ')}
      ${
        k.rowSum
          ? rowGroups
              .map(
                (g) =>
                  `ps${g} += vec4<f32>(${cols.map((r) => `dot(a${g + r}, vec4<f32>(1.0))`).join(', ')});`,
              )
              .join('\n      ')
          : ''
      }
    }
    ${rows.map((r) => `acc${r} += p${r};`).join(' ')}
    ${rowGroups.map((g) => `rs${g} += ps${g};`).join(' ')}
  }
  for (var k = K4; k < K; k++) {
    let b = vec4<f32>(${cols.map((c) => `lb(bBase + i32(k) * bRs + c${c} * bCs)`).join(', ')});
    ${rows.map((r) => `let ta${r} = la(aBase + r${r} * aRs + i32(k) * aCs);`).join(' ')}
    ${rows.map((r) => `acc${r} += ta${r} * b;`).join('\n    ')}
    ${
      k.rowSum
        ? rowGroups.map((g) => `rs${g} += vec4<f32>(${cols.map((r) => `ta${g + r}`).join(', ')});`).join(' ')
        : ''
    }
  }
  ${k.rowSum ? rowGroups.map((g) => rowSumStore(k, 'j == 0u', g)).join('\n  ') : ''}
  ${epilogue(k, R)}
}`;
}

/**
 * Tiled through workgroup memory, for real GPUs: a 16x16 workgroup computes a 64x64 tile of C,
 * each invocation a 4x4 block; per 16-deep k-step the group stages a 64x16 slice of A and a
 * 16x64 slice of B (8 KiB of the 16-32 KiB a GPU gives a group, so 2-4 groups fit per SM).
 * Global traffic is then 4*M*N*K*(1/64 + 1/64) bytes instead of 4*M*N*K*2/4 for the
 * register-only kernel: 8x fewer bytes from DRAM/L2, which is what bounds matmul on a GPU.
 * Staging loads are assigned so consecutive invocations read consecutive addresses for the
 * operand's contiguous dim (coalesced), whichever way it is transposed.
 */
export function tiledWgsl(k: MatmulKey): string {
  // A tile element e -> (m, kk): k-fast when A is row-major, m-fast when it is transposed.
  const aMap = k.a === 'v0' ? 'let kk = e / 64u; let m = e % 64u;' : 'let m = e / 16u; let kk = e % 16u;';
  const bMap = k.b === 'v0' ? 'let n = e / 16u; let kk = e % 16u;' : 'let kk = e / 64u; let n = e % 64u;';
  return `${header(k)}
var<workgroup> As: array<vec4<f32>, 256>; // [16 k][16 vec4 of m]
var<workgroup> Bs: array<vec4<f32>, 256>; // [16 k][16 vec4 of n]
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  ${prologue(k)}
  let t = lid.y * 16u + lid.x;
  let row0 = tm * 64u;
  let col0 = tn * 64u;
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0); var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  var rs0 = vec4<f32>(0.0);
  for (var kb = 0u; kb < K; kb += ${K_BLOCK}u) {
  // One K block into fresh partial sums, then into the totals (see K_BLOCK).
  let kEnd = min(kb + ${K_BLOCK}u, K);
  var p0 = vec4<f32>(0.0); var p1 = vec4<f32>(0.0); var p2 = vec4<f32>(0.0); var p3 = vec4<f32>(0.0);
  var ps0 = vec4<f32>(0.0);
  for (var k0 = kb; k0 < kEnd; k0 += 16u) {
    for (var q = 0u; q < 4u; q++) {
      let e = t + 256u * q;
      {
        ${aMap}
        let gm = row0 + m; let gk = k0 + kk;
        var v = 0.0;
        if (gm < M && gk < K) { v = la(aBase + i32(gm) * aRs + i32(gk) * aCs); }
        As[kk * 16u + m / 4u][m % 4u] = v;
      }
      {
        ${bMap}
        let gn = col0 + n; let gk = k0 + kk;
        var v = 0.0;
        if (gn < N && gk < K) { v = lb(bBase + i32(gk) * bRs + i32(gn) * bCs); }
        Bs[kk * 16u + n / 4u][n % 4u] = v;
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      let a = As[kk * 16u + lid.y];
      let b = Bs[kk * 16u + lid.x];
      p0 += a.x * b; p1 += a.y * b; p2 += a.z * b; p3 += a.w * b;
      ${k.rowSum ? 'ps0 += a;' : ''}
    }
    workgroupBarrier();
  }
  acc0 += p0; acc1 += p1; acc2 += p2; acc3 += p3;
  rs0 += ps0;
  }
  let i = row0 + lid.y * 4u;
  let j = col0 + lid.x * 4u;
  ${rowSumStore(k, 'j == 0u && i < M')}
  if (i >= M || j >= N) { return; }
  ${epilogue(k)}
}`;
}
