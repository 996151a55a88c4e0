/**
 * routines.logSoftmaxNll: cross-entropy forward for logits [N, C] and int32 targets [N] in one
 * dispatch: per row, a max, a sum of exp(x - max), the loss logsumexp - x[t] and the softmax.
 *
 * One 64-thread workgroup per row (rows are short: C = 10 for MNIST, ~1000 for ImageNet; 64
 * threads = 2 warps / 1 wavefront keeps a row's reductions in one SIMD group's reach). Bytes
 * moved: the row is read twice (max, then exp-sum and softmax share a pass through cache) and
 * probs written once: ~12 bytes per logit, versus ~40 for the 5-kernel composed version.
 * A target outside [0, C) that is not ignoreIndex gives a NaN loss and sets the index-error flag
 * (index-errors.ts), raised at the next readback with the CPU's message.
 */
import type { Routines, View } from '../../backend.js';
import { IndexKind, indexCode, indexErrorFlag, indexFlagDecl, indexFlagRaise } from '../index-errors.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { allocStorage, type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import { ui, uniformDecl, uw } from '../wgsl/common.js';
import { f32Lit, WgslCtx } from '../wgsl/expr.js';
import { distinctStorages, separateFrom } from './util.js';

const WG = 64;

/** The loss kernels' operands: float32 x [N, C] (`what`: logits or input) and int target [N]. */
function check(op: string, what: string, x: View, target: View): void {
  if (
    x.shape.length !== 2 ||
    target.shape.length !== 1 ||
    x.dtype !== 'float32' ||
    (target.dtype !== 'int32' && target.dtype !== 'int64')
  )
    throw new TypeError(
      `webgpu ${op}: expects float32 ${what} [N, C] and int target [N], got ${x.dtype} [${x.shape}] and ${target.dtype} [${target.shape}]`,
    );
}

/** Uniform words 2..8 of the loss kernels: x's offset and strides, target's, out's. */
const rowWords = (x: View, target: View, out: View): number[] => [
  x.offset,
  x.strides[0],
  x.strides[1],
  target.offset,
  target.strides[0],
  out.offset,
  out.strides[0],
];

/** Words 2..12 of the cross-entropy kernels: rowWords, probs' offset and strides, ignoreIndex. */
const ceWords = (x: View, target: View, out: View, probs: View, ignoreIndex: number): number[] => [
  ...rowWords(x, target, out),
  probs.offset,
  probs.strides[0],
  probs.strides[1],
  ignoreIndex,
];

export const logSoftmaxNll: Routines['logSoftmaxNll'] = (logits, target, ignoreIndex, loss, probs) => {
  check('logSoftmaxNll', 'logits', logits, target);
  const [N, C] = logits.shape;
  if (N === 0) return;
  const temps: GpuStorage[] = [];
  // loss and probs are written; inputs must not share their buffers (WebGPU binding rule).
  logits = separateFrom(separateFrom(logits, loss, temps), probs, temps);
  target = separateFrom(separateFrom(target, loss, temps), probs, temps);
  const sameOut = storageOf(loss, 'logSoftmaxNll') === storageOf(probs, 'logSoftmaxNll');
  const access = sameOut ? 'wrrw' : 'wrrww';
  const pipe = pipelineFor(`lsmnll:wg${WG}${sameOut ? ':alias' : ''}`, access, () => {
    const ctx = new WgslCtx();
    const h = rowHelpers(ctx);
    const { isnan, exp, log, nan, x } = h;
    return `${uniformDecl(14)}
@group(0) @binding(1) var<storage, read_write> L: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> T: array<i32>;
${sameOut ? '' : '@group(0) @binding(4) var<storage, read_write> PR: array<f32>;'}
${indexFlagDecl(sameOut ? 4 : 5)}
${ctx.prelude()}
${rowKernelHead()}
  let row = i32(rowU);
  let C = i32(${uw(1)});
${rowMaxExpSum(h, true)}
  for (var j = i32(lid.x); j < C; j += ${WG}) {
    ${sameOut ? 'L' : 'PR'}[${ui(9)} + row * ${ui(10)} + j * ${ui(11)}] = ${exp}(${x('j')} - shift) / sum;
  }
  if (lid.x == 0u) {
    let t = T[${ui(5)} + row * ${ui(6)}];
    var l = 0.0;
    if (t != ${ui(12)}) {
      if (t < 0 || t >= C) {
        l = ${nan};
        ${indexFlagRaise(ui(13), 't', 'C')}
      } else { l = ${log}(sum) + shift - ${x('t')}; }
      if (${isnan}(mx)) { l = mx; }
    }
    L[${ui(7)} + row * ${ui(8)}] = l;
  }
}`;
  });
  const p = new Params(14);
  p.u.set([N, C]);
  p.i.set(ceWords(logits, target, loss, probs, ignoreIndex), 2);
  p.i[13] = indexCode(IndexKind.crossEntropy);
  const bufs = [
    storageOf(loss, 'logSoftmaxNll'),
    storageOf(logits, 'logSoftmaxNll'),
    storageOf(target, 'logSoftmaxNll'),
  ];
  if (!sameOut) bufs.push(storageOf(probs, 'logSoftmaxNll'));
  bufs.push(indexErrorFlag());
  dispatch(pipe, access, bufs, p, grid(N));
  temps.forEach(releaseStorage);
};

/** Batches up to this many logits run as one workgroup (one dispatch); larger go row-parallel. */
const ONE_GROUP_MAX = 1 << 18;
const RWG = 256;

/**
 * routines.logSoftmaxNllReduced: cross-entropy with 'mean' or 'sum' reduction, and the softmax
 * for the backward. out[0] is the loss, out[1] the factor the backward multiplies by (1 / count
 * of non-ignored rows for 'mean', 1 for 'sum'; a mean over zero rows is NaN, as PyTorch).
 *
 * Training batches are small (64 x 10 for the tutorial), so up to ONE_GROUP_MAX logits run as
 * one workgroup of 256 threads, a row per thread, with both sums folded by a tree in workgroup
 * memory: one dispatch instead of five (per-row kernel, count, two sums, divide). A real GPU
 * would leave most SMs idle for that one group, but the whole job is a few microseconds; past
 * the threshold the rows run one workgroup each (logSoftmaxNll) and a second one-group
 * dispatch folds the row losses.
 */
export const logSoftmaxNllReduced: Routines['logSoftmaxNllReduced'] = (
  logits,
  target,
  ignoreIndex,
  reduction,
  out,
  probs,
) => {
  check('logSoftmaxNllReduced', 'logits', logits, target);
  const [N, C] = logits.shape;
  const temps: GpuStorage[] = [];
  logits = separateFrom(separateFrom(logits, out, temps), probs, temps);
  target = separateFrom(separateFrom(target, out, temps), probs, temps);
  let rows: GpuStorage | null = null;
  if (N * C > ONE_GROUP_MAX) {
    rows = allocStorage(N, 'float32');
    logSoftmaxNll(
      logits,
      target,
      ignoreIndex,
      { storage: rows, dtype: 'float32', shape: [N], strides: [1], offset: 0 },
      probs,
    );
  }
  const fromRows = rows !== null;
  const mean = reduction === 'mean';
  const key = `lsmnll-reduce:${fromRows ? 'rows' : 'fused'}:${mean ? 'mean' : 'sum'}`;
  const access = fromRows ? 'wrr' : 'wrrww';
  const pipe = pipelineFor(key, access, () => {
    const ctx = new WgslCtx();
    const { isnan, fmax, exp, log, ninf, nan, x } = rowHelpers(ctx);
    const rowLoss = fromRows
      ? `let l = X[row];`
      : `var m = ${ninf};
    for (var j = 0; j < C; j++) { m = ${fmax}(m, ${x('j')}); }
    // A row of -inf (or +inf) has no finite shift; subtracting 0 keeps exp() meaningful.
    let shift = select(m, 0.0, (bitcast<u32>(m) & 0x7fffffffu) == 0x7f800000u);
    var s = 0.0;
    for (var j = 0; j < C; j++) { s += ${exp}(${x('j')} - shift); }
    for (var j = 0; j < C; j++) { PR[${ui(9)} + row * ${ui(10)} + j * ${ui(11)}] = ${exp}(${x('j')} - shift) / s; }
    var l = 0.0;
    if (t != ${ui(12)}) {
      if (t < 0 || t >= C) {
        l = ${nan};
        ${indexFlagRaise(ui(13), 't', 'C')}
      } else { l = ${log}(s) + shift - ${x('t')}; }
      if (${isnan}(m)) { l = m; }
    }`;
    return `${uniformDecl(14)}
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> T: array<i32>;
${fromRows ? '' : `@group(0) @binding(4) var<storage, read_write> PR: array<f32>;\n${indexFlagDecl(5)}`}
${ctx.prelude()}
${reducedLossHead}
  for (var row = i32(lid.x); row < N; row += ${RWG}) {
    let t = T[${ui(5)} + row * ${ui(6)}];
    ${rowLoss}
    lsum += l;
    if (t != ${ui(12)}) { cnt += 1.0; }
  }
${reducedLossTail(mean, nan)}
}`;
  });
  const p = new Params(14);
  p.u.set([N, C]);
  // (the rows kernel reads no logits or probs words)
  p.i.set(ceWords(logits, target, out, probs, ignoreIndex), 2);
  const bufs = fromRows
    ? [storageOf(out, 'logSoftmaxNllReduced'), rows!, storageOf(target, 'logSoftmaxNllReduced')]
    : [
        storageOf(out, 'logSoftmaxNllReduced'),
        storageOf(logits, 'logSoftmaxNllReduced'),
        storageOf(target, 'logSoftmaxNllReduced'),
        storageOf(probs, 'logSoftmaxNllReduced'),
        indexErrorFlag(),
      ];
  p.i[13] = indexCode(IndexKind.crossEntropy);
  dispatch(pipe, access, bufs, p, [1, 1]);
  if (rows) releaseStorage(rows);
  temps.forEach(releaseStorage);
};

/**
 * The head of a row kernel (one WG-thread workgroup per row, rows over a 2-d grid): the `red`
 * scratch, the entry point and `rowU`, returning past the last row (uniform word 0).
 */
function rowKernelHead(): string {
  return `var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let rowU = wid.x + wid.y * nwg.x;
  if (rowU >= ${uw(0)}) { return; }`;
}

/**
 * The start of a reduced-loss kernel (one workgroup of RWG threads striding over the rows): the
 * `rl`/`rc` scratch of reducedLossTail, N, C, and each thread's `lsum` and `cnt`.
 */
const reducedLossHead = `var<workgroup> rl: array<f32, ${RWG}>;
var<workgroup> rc: array<f32, ${RWG}>;
@compute @workgroup_size(${RWG}) fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let N = i32(${uw(0)});
  let C = i32(${uw(1)});
  var lsum = 0.0;
  var cnt = 0.0;`;

/**
 * The end of a reduced-loss kernel: folds each thread's `lsum` and `cnt` (rows not ignored)
 * through workgroup memory `rl`/`rc`, then writes the loss at O[ui(7)] and the backward's factor
 * one stride ui(8) after it: 'mean' divides by the count (NaN over zero rows), 'sum' factor 1.
 */
function reducedLossTail(mean: boolean, nan: string): string {
  return `  rl[lid.x] = lsum;
  rc[lid.x] = cnt;
  workgroupBarrier();
  for (var s = ${RWG / 2}u; s > 0u; s = s >> 1u) {
    if (lid.x < s) { rl[lid.x] = rl[lid.x] + rl[lid.x + s]; rc[lid.x] = rc[lid.x] + rc[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    ${
      mean
        ? `let scale = 1.0 / rc[0];
    O[${ui(7)}] = select(rl[0] * scale, ${nan}, rc[0] == 0.0);
    O[${ui(7)} + ${ui(8)}] = scale;`
        : `O[${ui(7)}] = rl[0];
    O[${ui(7)} + ${ui(8)}] = 1.0;`
    }
  }`;
}

/** What both kernels' row loops use: NaN-aware max, accurate exp/log, and X[row, j] by strides. */
function rowHelpers(ctx: WgslCtx) {
  return {
    isnan: ctx.use('isnan_'),
    fmax: ctx.use('fmax_'),
    exp: ctx.use('fexp_'),
    log: ctx.use('flog_'),
    ninf: f32Lit(-Infinity, ctx),
    nan: f32Lit(Number.NaN, ctx),
    x: (j: string) => `X[${ui(2)} + row * ${ui(3)} + ${j} * ${ui(4)}]`,
  };
}

/** WGSL: folds red[0..WG) into red[0] with `op`, by a tree in workgroup memory. */
const treeFold = (op: (a: string, b: string) => string) => `  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid.x < s) { red[lid.x] = ${op('red[lid.x]', 'red[lid.x + s]')}; }
    workgroupBarrier();
  }`;

/**
 * WGSL: a row's max `mx`, the shift its exps use and `sum` = sum(exp(x - shift)), the row's
 * threads striding by WG. With `guardInf` a row whose max is +-inf shifts by 0 (the fused
 * cross-entropy's choice: no NaN from inf - inf); without it shift = mx, the composed
 * definition's arithmetic.
 */
function rowMaxExpSum(h: ReturnType<typeof rowHelpers>, guardInf: boolean): string {
  const { fmax, exp, ninf, x } = h;
  return `  var m = ${ninf};
  for (var j = i32(lid.x); j < C; j += ${WG}) { m = ${fmax}(m, ${x('j')}); }
  red[lid.x] = m;
${treeFold((a, b) => `${fmax}(${a}, ${b})`)}
  let mx = red[0];
  workgroupBarrier();
  ${guardInf ? '// A row of -inf (or +inf) has no finite shift; subtracting 0 keeps exp() meaningful.\n  let shift = select(mx, 0.0, (bitcast<u32>(mx) & 0x7fffffffu) == 0x7f800000u);' : 'let shift = mx;'}
  var acc = 0.0;
  for (var j = i32(lid.x); j < C; j += ${WG}) { acc += ${exp}(${x('j')} - shift); }
  red[lid.x] = acc;
${treeFold((a, b) => `${a} + ${b}`)}
  let sum = red[0];`;
}

// --- perfgpu ---
/**
 * routines.logSoftmax: out [M, C] (contiguous) = x - max - log(sum(exp(x - max))) per row of x
 * [M, C] (any strides), the composed definition's arithmetic, in one dispatch (64 threads a row).
 */
export function logSoftmax(x: View, out: View): void {
  const [M, C] = x.shape;
  if (x.shape.length !== 2 || x.dtype !== 'float32' || out.dtype !== 'float32')
    throw new TypeError(`webgpu logSoftmax: expects float32 [M, C], got ${x.dtype} [${x.shape}]`);
  if (M === 0 || C === 0) return;
  const temps: GpuStorage[] = [];
  x = separateFrom(x, out, temps);
  const pipe = pipelineFor(`lsm:wg${WG}`, 'wr', () => {
    const ctx = new WgslCtx();
    const h = rowHelpers(ctx);
    const { log, x: xs } = h;
    return `${uniformDecl(6)}
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
${ctx.prelude()}
${rowKernelHead()}
  let row = i32(rowU);
  let C = i32(${uw(1)});
${rowMaxExpSum(h, false)}
  let ls = ${log}(sum);
  for (var j = i32(lid.x); j < C; j += ${WG}) { O[${ui(5)} + row * C + j] = (${xs('j')} - mx) - ls; }
}`;
  });
  const p = new Params(6);
  p.u.set([M, C]);
  p.i.set([x.offset, x.strides[0], x.strides[1], out.offset], 2);
  dispatch(pipe, 'wr', [storageOf(out, 'logSoftmax'), storageOf(x, 'logSoftmax')], p, grid(M));
  temps.forEach(releaseStorage);
}

/** routines.logSoftmaxBackward: dx = g - exp(out) * sum(g) per row; all [M, C] contiguous. */
export function logSoftmaxBackward(g: View, out: View, dx: View): void {
  const [M, C] = out.shape;
  if (M === 0 || C === 0) return;
  const temps: GpuStorage[] = [];
  const [gv, ov] = distinctStorages([separateFrom(g, dx, temps), separateFrom(out, dx, temps)], temps);
  const pipe = pipelineFor(`lsm_bwd:wg${WG}`, 'wrr', () => {
    const ctx = new WgslCtx();
    const { exp } = rowHelpers(ctx);
    return `${uniformDecl(5)}
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;
${ctx.prelude()}
${rowKernelHead()}
  let C = i32(${uw(1)});
  let r = i32(rowU) * C;
  var acc = 0.0;
  for (var j = i32(lid.x); j < C; j += ${WG}) { acc += G[${ui(3)} + r + j]; }
  red[lid.x] = acc;
${treeFold((a, b) => `${a} + ${b}`)}
  let sg = red[0];
  for (var j = i32(lid.x); j < C; j += ${WG}) {
    DX[${ui(2)} + r + j] = G[${ui(3)} + r + j] - ${exp}(O[${ui(4)} + r + j]) * sg;
  }
}`;
  });
  const p = new Params(5);
  p.u.set([M, C]);
  p.i.set([dx.offset, gv.offset, ov.offset], 2);
  const bufs = [dx, gv, ov].map((v) => storageOf(v, 'logSoftmaxBackward'));
  dispatch(pipe, 'wrr', bufs, p, grid(M));
  temps.forEach(releaseStorage);
}

// --- perfgpu2 ---
/**
 * routines.nllReduced: F.nll_loss over log-probabilities x [N, C] (any strides) and int
 * targets [N], 'mean' (over rows whose target is not ignoreIndex) or 'sum', in one dispatch:
 * out[0] = -sum x[n, t_n] (/ count), out[1] = the factor the backward scales by (1 / count, or
 * 1). One workgroup of RWG threads strides over the rows and folds both sums by a tree (the
 * batch of a training step is a few hundred rows at most; the composed path was 8 dispatches:
 * ne, where, gather, cast, mul/neg, two sums, div). A target outside [0, C) that is not
 * ignoreIndex makes the loss NaN and sets the index-error flag (nll_loss's CPU message).
 */
export const nllReduced: Routines['nllReduced'] = (x, target, ignoreIndex, reduction, out) => {
  check('nllReduced', 'input', x, target);
  const [N, C] = x.shape;
  const temps: GpuStorage[] = [];
  x = separateFrom(x, out, temps);
  target = separateFrom(target, out, temps);
  [x, target] = distinctStorages([x, target], temps);
  const mean = reduction === 'mean';
  const pipe = pipelineFor(`nll-reduce:${mean ? 'mean' : 'sum'}`, 'wrrw', () => {
    const ctx = new WgslCtx();
    const nan = f32Lit(Number.NaN, ctx);
    return `${uniformDecl(11)}
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> T: array<i32>;
${indexFlagDecl(4)}
${ctx.prelude()}
${reducedLossHead}
  var bad = false;
  for (var row = i32(lid.x); row < N; row += ${RWG}) {
    let t = T[${ui(5)} + row * ${ui(6)}];
    if (t != ${ui(9)}) {
      cnt += 1.0;
      if (t < 0 || t >= C) {
        bad = true;
        ${indexFlagRaise(ui(10), 't', 'C')}
      } else { lsum -= X[${ui(2)} + row * ${ui(3)} + t * ${ui(4)}]; }
    }
  }
  if (bad) { lsum = ${nan}; }
${reducedLossTail(mean, nan)}
}`;
  });
  const p = new Params(11);
  p.u.set([N, C]);
  p.i.set([...rowWords(x, target, out), ignoreIndex, indexCode(IndexKind.crossEntropy, 0, 'nll_loss')], 2);
  dispatch(
    pipe,
    'wrrw',
    [
      storageOf(out, 'nllReduced'),
      storageOf(x, 'nllReduced'),
      storageOf(target, 'nllReduced'),
      indexErrorFlag(),
    ],
    p,
    [1, 1],
  );
  temps.forEach(releaseStorage);
};
