/**
 * The `linalg` primitive on WebGPU (see backend/linalg.ts for each kind's operands): one
 * invocation per matrix of the batch runs the same serial algorithm as the host reference, in
 * float32. Meant for the small matrices linear-algebra ops usually see; nothing is read back.
 *
 * Bindings: the inputs, then the outputs, then (eigh) a scratch matrix. Uniform words:
 * [batch, m, n, k, p0, p1, offset of each operand...].
 */
import type { Backend } from '../../backend.js';
import { type LinalgKind, matrices } from '../../linalg.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { allocStorage, type GpuStorage, releaseStorage, storageOf } from '../storage.js';
import { builtins, linearId, storageDecl, uniformDecl, uw } from '../wgsl/common.js';
import { distinctStorages } from './util.js';

const WG = 64;

// WGSL pieces the kinds share (the host reference shares the same ones, backend/linalg.ts).
/** x (base X, n columns, `rows` rows) := the identity's first columns. */
const eye = (x: string, X: string, rows: string) =>
  `for (var r = 0u; r < ${rows}; r++) { for (var c = 0u; c < n; c++) { ${x}[${X} + r * n + c] = select(0.0, 1.0, r == c); } }`;

/** The Givens rotation by (c, sn) of two vectors: element e < cnt of each at at('p'), at('q'). */
const rotate = (cnt: string, at: (r: string) => string) => `for (var e = 0u; e < ${cnt}; e++) {
          let xp = ${at('p')}; let xq = ${at('q')};
          ${at('p')} = c * xp - sn * xq; ${at('q')} = sn * xp + c * xq;
        }`;

/**
 * Selection sort of w[W..W + n) (ascending, or descending with `desc`), moving the columns of
 * each matrix of `mats` ([name, base, rows]) along.
 */
const sortWithColumns = (w: string, W: string, desc: boolean, ...mats: [string, string, string][]) => `
  for (var i = 0u; i < n; i++) {
    var j = i;
    for (var e = i + 1u; e < n; e++) { if (${w}[${W} + e] ${desc ? '>' : '<'} ${w}[${W} + j]) { j = e; } }
    if (j == i) { continue; }
    let t = ${w}[${W} + i]; ${w}[${W} + i] = ${w}[${W} + j]; ${w}[${W} + j] = t;${mats
      .map(
        ([x, X, rows]) => `
    for (var r = 0u; r < ${rows}; r++) { let x = ${x}[${X} + r * n + i]; ${x}[${X} + r * n + i] = ${x}[${X} + r * n + j]; ${x}[${X} + r * n + j] = x; }`,
      )
      .join('')}
  }`;

/**
 * Householder reflector j (tau t, vector (1, h[j+1..m, j]) of h, base H) applied from the left
 * to the columns c0..n of x (base X).
 */
const reflect = (c0: string, x: string, X: string, h: string, H: string) => `
    for (var c = ${c0}; c < n; c++) {
      var s = ${x}[${X} + j * n + c];
      for (var i = j + 1u; i < m; i++) { s += ${h}[${H} + i * n + j] * ${x}[${X} + i * n + c]; }
      s *= t;
      ${x}[${X} + j * n + c] -= s;
      for (var i = j + 1u; i < m; i++) { ${x}[${X} + i * n + c] -= s * ${h}[${H} + i * n + j]; }
    }`;

// Per matrix: element (r, c) of operand `x` with `cols` columns is x[X + r * cols + c].
const BODY: Record<LinalgKind, { ins: string[]; outs: string[]; scratch?: boolean; body: string }> = {
  lu: {
    ins: ['a'],
    outs: ['lu', 'pv', 'sg'],
    body: `
  for (var e = 0u; e < m * n; e++) { lu[LU + e] = a[A + e]; }
  for (var i = 0u; i < m; i++) { pv[PV + i] = f32(i); }
  var sgn = 1.0;
  for (var j = 0u; j < min(m, n); j++) {
    var p = j;
    var best = abs(lu[LU + j * n + j]);
    for (var i = j + 1u; i < m; i++) {
      let v = abs(lu[LU + i * n + j]);
      if (v > best) { best = v; p = i; }
    }
    if (p != j) {
      sgn = -sgn;
      for (var c = 0u; c < n; c++) {
        let t = lu[LU + j * n + c]; lu[LU + j * n + c] = lu[LU + p * n + c]; lu[LU + p * n + c] = t;
      }
      let t = pv[PV + j]; pv[PV + j] = pv[PV + p]; pv[PV + p] = t;
    }
    let d = lu[LU + j * n + j];
    if (d == 0.0) { continue; }
    for (var i = j + 1u; i < m; i++) {
      let l = lu[LU + i * n + j] / d;
      lu[LU + i * n + j] = l;
      for (var c = j + 1u; c < n; c++) { lu[LU + i * n + c] -= l * lu[LU + j * n + c]; }
    }
  }
  sg[SG] = sgn;`,
  },
  luSolve: {
    ins: ['a', 'pv', 'b'],
    outs: ['x'],
    body: `
  for (var i = 0u; i < n; i++) {
    let r = u32(pv[PV + i]);
    for (var c = 0u; c < k; c++) { x[X + i * k + c] = b[B + r * k + c]; }
  }
  for (var i = 0u; i < n; i++) {
    for (var r = 0u; r < i; r++) {
      let l = a[A + i * n + r];
      for (var c = 0u; c < k; c++) { x[X + i * k + c] -= l * x[X + r * k + c]; }
    }
  }
  for (var ii = 0u; ii < n; ii++) {
    let i = n - 1u - ii;
    for (var r = i + 1u; r < n; r++) {
      let u = a[A + i * n + r];
      for (var c = 0u; c < k; c++) { x[X + i * k + c] -= u * x[X + r * k + c]; }
    }
    let d = a[A + i * n + i];
    for (var c = 0u; c < k; c++) { x[X + i * k + c] /= d; }
  }`,
  },
  trsm: {
    ins: ['a', 'b'],
    outs: ['x'],
    body: `
  let upper = p0 == 1u;
  for (var e = 0u; e < n * k; e++) { x[X + e] = b[B + e]; }
  for (var ii = 0u; ii < n; ii++) {
    let i = select(ii, n - 1u - ii, upper);
    for (var r = 0u; r < n; r++) {
      if (select(r >= i, r <= i, upper)) { continue; }
      let v = a[A + i * n + r];
      for (var c = 0u; c < k; c++) { x[X + i * k + c] -= v * x[X + r * k + c]; }
    }
    if (p1 != 1u) {
      let d = a[A + i * n + i];
      for (var c = 0u; c < k; c++) { x[X + i * k + c] /= d; }
    }
  }`,
  },
  cholesky: {
    ins: ['a'],
    outs: ['l', 'info'],
    body: `
  for (var e = 0u; e < n * n; e++) { l[L + e] = 0.0; }
  info[INFO] = 0.0;
  for (var j = 0u; j < n; j++) {
    var s = a[A + j * n + j];
    for (var q = 0u; q < j; q++) { s -= l[L + j * n + q] * l[L + j * n + q]; }
    if (!(s > 0.0)) {
      let nan = bitcast<f32>(0x7fc00000u | (p0 & 0u)); // not a constant: WGSL rejects a NaN literal
      for (var i = j; i < n; i++) { for (var c = 0u; c <= i; c++) { l[L + i * n + c] = nan; } }
      info[INFO] = f32(j + 1u);
      return;
    }
    let d = sqrt(s);
    l[L + j * n + j] = d;
    for (var i = j + 1u; i < n; i++) {
      var t = a[A + i * n + j];
      for (var q = 0u; q < j; q++) { t -= l[L + i * n + q] * l[L + j * n + q]; }
      l[L + i * n + j] = t / d;
    }
  }`,
  },
  geqrf: {
    ins: ['a'],
    outs: ['qr', 'tau'],
    body: `
  for (var e = 0u; e < m * n; e++) { qr[QR + e] = a[A + e]; }
  for (var j = 0u; j < min(m, n); j++) {
    let alpha = qr[QR + j * n + j];
    var xn = 0.0;
    for (var i = j + 1u; i < m; i++) { xn += qr[QR + i * n + j] * qr[QR + i * n + j]; }
    if (xn == 0.0) { tau[TAU + j] = 0.0; continue; }
    let nrm = sqrt(alpha * alpha + xn);
    let beta = select(nrm, -nrm, alpha >= 0.0);
    let t = (beta - alpha) / beta;
    tau[TAU + j] = t;
    let scale = 1.0 / (alpha - beta);
    for (var i = j + 1u; i < m; i++) { qr[QR + i * n + j] *= scale; }
    qr[QR + j * n + j] = beta;${reflect('j + 1u', 'qr', 'QR', 'qr', 'QR')}
  }`,
  },
  orgqr: {
    ins: ['a', 'tau'],
    outs: ['q'],
    body: `
  ${eye('q', 'Q', 'm')}
  for (var jj = 0u; jj < k; jj++) {
    let j = k - 1u - jj;
    let t = tau[TAU + j];
    if (t == 0.0) { continue; }${reflect('0u', 'q', 'Q', 'a', 'A')}
  }`,
  },
  eigh: {
    ins: ['a'],
    outs: ['w', 'v'],
    scratch: true,
    body: `
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j <= i; j++) { let x = a[A + i * n + j]; s[S + i * n + j] = x; s[S + j * n + i] = x; }
  }
  ${eye('v', 'V', 'n')}
  for (var sweep = 0u; sweep < 60u; sweep++) {
    var rotated = false;
    for (var p = 0u; p + 1u < n; p++) {
      for (var q = p + 1u; q < n; q++) {
        let apq = s[S + p * n + q];
        let app = s[S + p * n + p];
        let aqq = s[S + q * n + q];
        if (apq == 0.0 || abs(apq) <= 1e-7 * sqrt(abs(app * aqq))) { continue; }
        rotated = true;
        let theta = (aqq - app) / (2.0 * apq);
        let t = select(-1.0, 1.0, theta >= 0.0) / (abs(theta) + sqrt(theta * theta + 1.0));
        let c = 1.0 / sqrt(t * t + 1.0);
        let sn = t * c;
        ${rotate('n', (r) => `s[S + e * n + ${r}]`)}
        ${rotate('n', (r) => `s[S + ${r} * n + e]`)}
        ${rotate('n', (r) => `v[V + e * n + ${r}]`)}
      }
    }
    if (!rotated) { break; }
  }
  for (var i = 0u; i < n; i++) { w[W + i] = s[S + i * n + i]; }${sortWithColumns('w', 'W', false, ['v', 'V', 'n'])}`,
  },
  svd: {
    ins: ['a'],
    outs: ['u', 'sv', 'v'],
    body: `
  for (var e = 0u; e < m * n; e++) { u[U + e] = a[A + e]; }
  ${eye('v', 'V', 'n')}
  for (var sweep = 0u; sweep < 60u; sweep++) {
    var rotated = false;
    for (var p = 0u; p + 1u < n; p++) {
      for (var q = p + 1u; q < n; q++) {
        var al = 0.0; var be = 0.0; var ga = 0.0;
        for (var e = 0u; e < m; e++) {
          let x = u[U + e * n + p]; let y = u[U + e * n + q];
          al += x * x; be += y * y; ga += x * y;
        }
        if (ga == 0.0 || abs(ga) <= 1e-7 * sqrt(al * be)) { continue; }
        rotated = true;
        let zeta = (be - al) / (2.0 * ga);
        let t = select(-1.0, 1.0, zeta >= 0.0) / (abs(zeta) + sqrt(1.0 + zeta * zeta));
        let c = 1.0 / sqrt(1.0 + t * t);
        let sn = c * t;
        ${rotate('m', (r) => `u[U + e * n + ${r}]`)}
        ${rotate('n', (r) => `v[V + e * n + ${r}]`)}
      }
    }
    if (!rotated) { break; }
  }
  for (var j = 0u; j < n; j++) {
    var t = 0.0;
    for (var e = 0u; e < m; e++) { t += u[U + e * n + j] * u[U + e * n + j]; }
    sv[SV + j] = sqrt(t);
  }
${sortWithColumns('sv', 'SV', true, ['u', 'U', 'm'], ['v', 'V', 'n'])}
  for (var j = 0u; j < n; j++) {
    let sj = sv[SV + j];
    if (sj > 1e-30) {
      for (var e = 0u; e < m; e++) { u[U + e * n + j] /= sj; }
      continue;
    }
    for (var f = 0u; f < m; f++) {
      for (var e = 0u; e < m; e++) { u[U + e * n + j] = select(0.0, 1.0, e == f); }
      for (var pss = 0u; pss < 2u; pss++) {
        for (var c = 0u; c < j; c++) {
          var d = 0.0;
          for (var e = 0u; e < m; e++) { d += u[U + e * n + c] * u[U + e * n + j]; }
          for (var e = 0u; e < m; e++) { u[U + e * n + j] -= d * u[U + e * n + c]; }
        }
      }
      var nn = 0.0;
      for (var e = 0u; e < m; e++) { nn += u[U + e * n + j] * u[U + e * n + j]; }
      if (nn > 0.25) {
        let r = 1.0 / sqrt(nn);
        for (var e = 0u; e < m; e++) { u[U + e * n + j] *= r; }
        break;
      }
    }
  }`,
  },
};

/** Elements per matrix of each operand, for its base offset. */
function sizes(kind: LinalgKind, m: number, n: number, k: number): number[] {
  switch (kind) {
    case 'lu':
      return [m * n, m * n, m, 1];
    case 'luSolve':
      return [n * n, n, n * k, n * k];
    case 'trsm':
      return [n * n, n * k, n * k];
    case 'cholesky':
      return [n * n, n * n, 1];
    case 'geqrf':
      return [m * n, m * n, Math.min(m, n)];
    case 'orgqr':
      return [m * n, k, m * n];
    case 'eigh':
      return [n * n, n, n * n, n * n];
    case 'svd':
      return [m * n, m * n, n, n * n];
  }
}

export const linalg: Backend['linalg'] = (kind, inputs, outs, params = []) => {
  const a = inputs[0];
  const { m, n, batch } = matrices(a);
  if (batch === 0) return;
  const kOf = kind === 'luSolve' ? inputs[2] : kind === 'trsm' || kind === 'orgqr' ? inputs[1] : null;
  const k = kOf ? (kOf.shape[kOf.shape.length - 1] ?? 1) : 0;
  const spec = BODY[kind];
  const temps: GpuStorage[] = [];
  const views = [...distinctStorages(inputs, temps), ...outs];
  if (spec.scratch) {
    const s = allocStorage(batch * n * n, 'float32');
    temps.push(s);
    views.push({ storage: s, dtype: 'float32', shape: [batch * n * n], strides: [1], offset: 0 });
  }
  const names = [...spec.ins, ...spec.outs, ...(spec.scratch ? ['s'] : [])];
  const size = sizes(kind, m, n, k);
  const access = 'r'.repeat(spec.ins.length) + 'w'.repeat(names.length - spec.ins.length);
  const pipe = pipelineFor(`linalg:${kind}`, access, () => {
    const decls = names.map((nm, j) => storageDecl(j + 1, nm, 'float32', j >= spec.ins.length)).join('\n');
    // Each operand's base for this matrix: its offset word plus b * its size (word 6 + 2j, 7 + 2j).
    const bases = names
      .map((nm, j) => `  let ${nm.toUpperCase()} = ${uw(6 + 2 * j)} + bi * ${uw(7 + 2 * j)};`)
      .join('\n');
    return `${uniformDecl(6 + 2 * names.length)}
${decls}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  if (i >= ${uw(0)}) { return; }
  let bi = i;
  let m = ${uw(1)}; let n = ${uw(2)}; let k = ${uw(3)}; let p0 = ${uw(4)}; let p1 = ${uw(5)};
${bases}
  _ = m; _ = n; _ = k; _ = p0; _ = p1;
${spec.body}
}`;
  });
  const p = new Params(6 + 2 * names.length);
  p.u[0] = batch;
  p.u[1] = m;
  p.u[2] = n;
  p.u[3] = k;
  p.u[4] = params[0] ?? 0;
  p.u[5] = params[1] ?? 0;
  views.forEach((v, j) => {
    p.u[6 + 2 * j] = v.offset;
    p.u[7 + 2 * j] = size[j];
  });
  dispatch(
    pipe,
    access,
    views.map((v) => storageOf(v, 'linalg')),
    p,
    grid(Math.ceil(batch / WG)),
  );
  temps.forEach(releaseStorage);
};
