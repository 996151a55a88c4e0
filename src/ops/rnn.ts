/**
 * Recurrent layers' time loop (nn.RNN / nn.LSTM / nn.GRU and their cells, src/nn/rnn.ts).
 *
 * The caller projects the input for every time step at once (`xg = linear(x, W_ih, b_ih)`, one
 * big matmul); `rnnLayer` runs one layer in one direction over the time steps:
 *
 * - fused (no LSTM projection): per step ONE matmul (`h @ W_hh^T + b_hh`, the bias in the
 *   matmul's epilogue) and ONE elementwise kernel for all the gate math, whose output is a
 *   [S, B, H] view covering both h and c (a selector input picks which), so the state of every
 *   step lands in one buffer [S, T+1, B, H] that also holds h0/c0. One autograd node for the
 *   whole layer: its backward walks the steps in reverse with ONE fused elementwise kernel
 *   (gate gradients, dc_prev and the pass-through of masked rows, written into one [T, B, W]
 *   buffer) and ONE matmul (dh_prev = dgates @ W_hh) per step, then dW_hh and db_hh for all
 *   steps as one matmul and one sum. Backend primitives only, so it runs on every device.
 * - composed (LSTM with proj_size, or a backward that must itself be differentiated): the
 *   same math from recorded ops, one step at a time. It is also the reference the tests hold
 *   the fused path to.
 *
 * Packed sequences arrive padded with a mask [T, B] (1 where step t of sequence b exists): a
 * masked row keeps its state, so h_n is the state after each sequence's last step in either
 * direction (the reverse direction starts each sequence from h0 at its own last step).
 */

import { grad } from '../autograd/index.js';
import type { View } from '../backend/backend.js';
import { isGradEnabled } from '../tensor/state.js';
import { E, type Ex, emptyTensor, ewise, needsGrad, record, type Tensor, viewOf } from './core.js';
import { linear } from './matmul.js';
import { add, mul, relu, sigmoid, sub, tanh, where } from './pointwise.js';
import { sum } from './reduce.js';
import { chunk, contiguous, select, stack, unsqueeze } from './shape.js';

export type RnnMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
export const gateCount = (mode: RnnMode): number => (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1);

export interface RnnLayerArgs {
  mode: RnnMode;
  /** Input projection of every step, [T, B, G*H] (b_ih included). */
  xg: Tensor;
  /** [B, P] (P = proj size or H). */
  h0: Tensor;
  /** [B, H], LSTM only. */
  c0: Tensor | null;
  wHh: Tensor;
  bHh: Tensor | null;
  /** LSTM projection [P, H] or null. */
  wHr: Tensor | null;
  /** [T, B] float, 1 where the step exists (packed sequences), or null. */
  mask: Tensor | null;
  reverse: boolean;
}
export interface RnnLayerResult {
  /** [T, B, P] */
  out: Tensor;
  hN: Tensor;
  cN: Tensor | null;
}

let fusedEnabled = true;
/** @internal Tests: run the composed reference instead of the fused time loop. */
export function setFusedRnn(on: boolean): boolean {
  const was = fusedEnabled;
  fusedEnabled = on;
  return was;
}

export function rnnLayer(a: RnnLayerArgs): RnnLayerResult {
  if (!fusedEnabled || a.wHr !== null || a.xg.shape[0] === 0 || a.xg.dtype !== 'float32')
    return composedLayer(a);
  return fusedLayer(a);
}

// ── composed reference ──────────────────────────────────────────────────────────────────────

/** One step from recorded ops: (xg_t, h, c) -> (h', c'). */
export function composedStep(
  mode: RnnMode,
  xgt: Tensor,
  h: Tensor,
  c: Tensor | null,
  wHh: Tensor,
  bHh: Tensor | null,
  wHr: Tensor | null,
): [Tensor, Tensor | null] {
  const hg = linear(h, wHh, bHh);
  if (mode === 'LSTM') {
    const [i, f, g, o] = chunk(add(xgt, hg), 4, -1);
    const c2 = add(mul(sigmoid(f), c!), mul(sigmoid(i), tanh(g)));
    let h2 = mul(sigmoid(o), tanh(c2));
    if (wHr) h2 = linear(h2, wHr);
    return [h2, c2];
  }
  if (mode === 'GRU') {
    const [xr, xz, xn] = chunk(xgt, 3, -1);
    const [hr, hz, hn] = chunk(hg, 3, -1);
    const r = sigmoid(add(xr, hr));
    const z = sigmoid(add(xz, hz));
    const n = tanh(add(xn, mul(r, hn)));
    return [add(n, mul(z, sub(h, n))), null];
  }
  const pre = add(xgt, hg);
  return [mode === 'RNN_TANH' ? tanh(pre) : relu(pre), null];
}

function composedLayer(a: RnnLayerArgs): RnnLayerResult {
  const T = a.xg.shape[0];
  let h = a.h0;
  let c = a.c0;
  const outs: Tensor[] = new Array(T);
  for (let k = 0; k < T; k++) {
    const t = a.reverse ? T - 1 - k : k;
    let [h2, c2] = composedStep(a.mode, select(a.xg, 0, t), h, c, a.wHh, a.bHh, a.wHr);
    if (a.mask) {
      const m = ewise('rnn_mask', (x) => E.gt(x, 0), [unsqueeze(select(a.mask, 0, t), 1)], 'bool');
      h2 = where(m, h2, h);
      if (c2 && c) c2 = where(m, c2, c);
    }
    h = h2;
    c = c2;
    outs[t] = h;
  }
  return {
    out: T > 0 ? stack(outs, 0) : emptyTensor([0, ...a.h0.shape], 'float32', a.h0.device),
    hN: h,
    cN: c,
  };
}

// ── fused time loop ─────────────────────────────────────────────────────────────────────────

const sig = (x: Ex): Ex => E.recip(E.add(E.exp(E.neg(x)), 1));
const view = (t: View, shape: readonly number[], strides: readonly number[], offset: number): View => ({
  storage: t.storage,
  dtype: t.dtype,
  shape,
  strides,
  offset,
});

const selCache = new Map<string, Tensor>();
/** [2] float32 [0, 1] on the device: the selector of the h/c halves of a fused step's output. */
function selector(like: Tensor): Tensor {
  const key = String(like.device);
  let t = selCache.get(key);
  if (!t || t.isDisposed) {
    t = emptyTensor([2], 'float32', like.device);
    t.backend.write(t.storage, Float32Array.from([0, 1]));
    selCache.set(key, t);
  }
  return t;
}

function fusedLayer(a: RnnLayerArgs): RnnLayerResult {
  const { mode, reverse } = a;
  const xg = contiguous(a.xg);
  const [T, B] = xg.shape;
  const H = a.wHh.shape[1];
  const G = gateCount(mode);
  const GH = G * H;
  const S = mode === 'LSTM' ? 2 : 1;
  const be = xg.backend;
  const dev = xg.device;
  const slot = B * H; // one step's state
  const plane = (T + 1) * slot; // h plane, then c plane
  // hc[s, k, b, j]: the state after step k (forward: slot t+1 is step t, slot 0 is h0;
  // reverse: slot t is step t, slot T is h0).
  const hc = emptyTensor([S, T + 1, B, H], 'float32', dev);
  const s0 = reverse ? T : 0;
  be.elementwise(E.input(0), [a.h0], view(hc, [B, H], [H, 1], s0 * slot));
  if (S === 2) be.elementwise(E.input(0), [a.c0!], view(hc, [B, H], [H, 1], plane + s0 * slot));
  const hg = emptyTensor([T, B, GH], 'float32', dev);
  const wT = view(a.wHh, [H, GH], [a.wHh.strides[1], a.wHh.strides[0]], a.wHh.offset);
  const mask = a.mask ? contiguous(a.mask) : null;
  const sel = selector(xg);
  const expr = forwardExpr(mode, G, mask !== null);
  // A backend's one-pass LSTM step (the CPU's wasm kernel) leaves the gate activations in hg,
  // which the backward then reads instead of recomputing them. Its answer depends only on
  // dtypes and placement: the same for every step of the layer.
  const cell = mode === 'LSTM' && !mask ? be.routines?.lstmCell : undefined;
  let actsInHg = false;
  const keepB = {}; // W_hh is packed once for the layer's T products
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const prev = reverse ? t + 1 : t;
    const next = reverse ? t : t + 1;
    const hPrev = view(hc, [B, H], [H, 1], prev * slot);
    const hgT = view(hg, [B, GH], [GH, 1], t * B * GH);
    be.matmul(hPrev, wT, hgT, { bias: a.bHh ?? undefined, keepB });
    if (cell) {
      const bh = (off: number) => view(hc, [B, H], [H, 1], off);
      const xgT = view(xg, [B, GH], [GH, 1], xg.offset + t * B * GH);
      const ok = cell(xgT, hgT, bh(plane + prev * slot), bh(next * slot), bh(plane + next * slot));
      if (k === 0) actsInHg = ok;
      else if (ok !== actsInHg) throw new Error('lstm: the backend step routine applied to some steps only');
      if (ok) continue;
    }
    // Inputs, all as [S, B, H]: G gates of xg, G gates of hg, then the previous state (h, c),
    // then the mask and the h/c selector.
    const ins: View[] = [];
    for (let g = 0; g < G; g++) ins.push(view(xg, [S, B, H], [0, GH, 1], xg.offset + t * B * GH + g * H));
    for (let g = 0; g < G; g++) ins.push(view(hg, [S, B, H], [0, GH, 1], t * B * GH + g * H));
    if (mode === 'GRU' || mask) ins.push(view(hc, [S, B, H], [0, H, 1], prev * slot));
    if (S === 2) ins.push(view(hc, [S, B, H], [0, H, 1], plane + prev * slot));
    if (mask) ins.push(view(mask, [S, B, H], [0, 1, 0], mask.offset + t * B));
    if (S === 2) ins.push(view(sel, [S, B, H], [1, 0, 0], sel.offset));
    be.elementwise(expr, ins, view(hc, [S, B, H], [plane, H, 1], next * slot));
  }
  const outOff = reverse ? 0 : slot;
  const out = viewOf(hc, [T, B, H], [slot, H, 1], outOff);
  const fin = reverse ? 0 : T * slot;
  const hN = viewOf(hc, [B, H], [H, 1], fin);
  const cN = S === 2 ? viewOf(hc, [B, H], [H, 1], plane + fin) : null;
  const inputs = [xg, a.h0, a.c0, a.wHh, a.bHh];
  if (!needsGrad(inputs)) {
    hg.dispose();
    hc.dispose();
    return { out, hN, cN };
  }
  const outputs = cN ? [out, hN, cN] : [out, hN];
  record(`${mode.toLowerCase()}_layer`, outputs, inputs, (gs) => {
    if (isGradEnabled()) return composedGrads({ ...a, xg }, gs);
    return fusedBackward(a, { xg, hg, hc, mask, T, B, H, G, S, actsInHg }, gs[0], gs[1], gs[2] ?? null);
  });
  // The buffers are the outputs' storage; hg lives until the node is released.
  out.gradFn!.onRelease(() => hg.dispose());
  hc.dispose();
  return { out, hN, cN };
}

/**
 * createGraph: the fused kernels' gradients carry no graph, so the backward that must itself be
 * differentiated re-runs the layer from recorded ops and differentiates that.
 */
function composedGrads(a: RnnLayerArgs, gs: readonly (Tensor | null)[]): (Tensor | null)[] {
  const r = composedLayer(a);
  const outs = [r.out, r.hN, r.cN];
  const used = outs.map((o, k) => (o && gs[k] ? k : -1)).filter((k) => k >= 0);
  const inputs = [a.xg, a.h0, a.c0, a.wHh, a.bHh];
  const want = inputs.map((t, k) => (t?.requiresGrad ? k : -1)).filter((k) => k >= 0);
  const got = grad(
    used.map((k) => outs[k]!),
    want.map((k) => inputs[k]!),
    { gradOutputs: used.map((k) => gs[k]!), createGraph: true, allowUnused: true },
  );
  const res: (Tensor | null)[] = inputs.map(() => null);
  want.forEach((k, j) => {
    res[k] = got[j];
  });
  return res;
}

/** Pre-activations of gate g: xg_g + hg_g (inputs g and G + g). */
function forwardExpr(mode: RnnMode, G: number, masked: boolean): Ex {
  // Inputs in the order fusedLayer pushes them (no unused input: WGSL drops unused bindings).
  const pre = (g: number) => E.add(E.input(g), E.input(G + g));
  let i = 2 * G;
  const hPrev = mode === 'GRU' || masked ? E.input(i++) : E.const(0);
  if (mode === 'LSTM') {
    const cPrev = E.input(i++);
    const c2 = E.add(E.mul(sig(pre(1)), cPrev), E.mul(sig(pre(0)), E.tanh(pre(2))));
    const h2 = E.mul(sig(pre(3)), E.tanh(c2));
    const m = masked ? E.gt(E.input(i++), 0) : null;
    const sel = E.input(i);
    const hOut = m ? E.where(m, h2, hPrev) : h2;
    const cOut = m ? E.where(m, c2, cPrev) : c2;
    return E.where(E.eq(sel, 0), hOut, cOut);
  }
  let h2: Ex;
  if (mode === 'GRU') {
    const r = sig(pre(0));
    const z = sig(pre(1));
    const n = E.tanh(E.add(E.input(2), E.mul(r, E.input(G + 2))));
    h2 = E.add(n, E.mul(z, E.sub(hPrev, n)));
  } else h2 = mode === 'RNN_TANH' ? E.tanh(pre(0)) : E.max(pre(0), 0);
  return masked ? E.where(E.gt(E.input(i), 0), h2, hPrev) : h2;
}

interface Saved {
  xg: Tensor;
  hg: Tensor;
  hc: Tensor;
  mask: Tensor | null;
  T: number;
  B: number;
  H: number;
  G: number;
  S: number;
  /** LSTM: hg holds the gate activations (the backend's step routine ran), not hg's pre-activations. */
  actsInHg: boolean;
}

/**
 * Width W of a step's row in the backward buffer d[T, B, W]:
 *   LSTM: [dpre_i, dpre_f, dpre_g, dpre_o | dc_prev | dh_pass]           W = 6H
 *   GRU:  [dxg_r, dxg_z, dxg_n | dhg_r, dhg_z, dhg_n | dh_direct]        W = 7H
 *   RNN:  [dpre | dh_pass]                                               W = 2H
 * dh_prev = (gate part for W_hh) @ W_hh + dh_pass; the gate part of W_ih is dxg.
 */
function fusedBackward(
  a: RnnLayerArgs,
  s: Saved,
  gOut: Tensor | null,
  ghN: Tensor | null,
  gcN: Tensor | null,
): (Tensor | null)[] {
  const { mode, reverse } = a;
  const { xg, hg, hc, mask, T, B, H, G } = s;
  const be = xg.backend;
  const dev = xg.device;
  const GH = G * H;
  const slot = B * H;
  const plane = (T + 1) * slot;
  const K = mode === 'LSTM' ? 4 : mode === 'GRU' ? 6 : 1; // gate-gradient columns
  const W = (mode === 'GRU' ? 7 : K + (mode === 'LSTM' ? 2 : 1)) * H;
  const hgCol = mode === 'GRU' ? 3 * H : 0; // where the W_hh part of the gate gradients starts
  const d = emptyTensor([T, B, W], 'float32', dev);
  const zeros = emptyTensor([B, H], 'float32', dev);
  be.elementwise(E.const(0), [], zeros);
  const rec = emptyTensor([B, H], 'float32', dev); // dh_prev's matmul part
  const nCols = K + (mode === 'LSTM' ? 2 : 1);
  const sel = gateSelector(nCols, dev);
  const expr = backwardExpr(mode, G, mask !== null);
  const gO = gOut ? contiguous(gOut) : null;
  const wHh = a.wHh;
  const wView = view(wHh, [GH, H], wHh.strides, wHh.offset);
  let ghPass: View = ghN ?? zeros; // dh of the next step (in processing order) that is not rec
  let gc: View = gcN ?? zeros;
  let recIn: View = zeros;
  // LSTM: the gate activations of every step [T, B, 4H] and tanh(c_t) [T, B, H], two kernels
  // for the whole layer, so the step kernel (6 columns, each a where-select that evaluates every
  // branch) is plain arithmetic instead of 6 sigmoids and tanh per column.
  const lstm = mode === 'LSTM' ? lstmActivations(be, xg, hg, hc, T, B, H, reverse, s.actsInHg) : null;
  const cellB = lstm && !mask ? be.routines?.lstmCellBackward : undefined;
  const keepB = {}; // W_hh is packed once for the layer's T products
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const prev = reverse ? t + 1 : t;
    const sh = [B, nCols, H];
    const ins: View[] = [];
    const stepDone =
      cellB?.(
        view(lstm!.acts, [B, GH], [GH, 1], t * B * GH),
        view(lstm!.tc, [B, H], [H, 1], t * slot),
        view(hc, [B, H], [H, 1], plane + prev * slot),
        gO ? view(gO, [B, H], [H, 1], gO.offset + t * slot) : zeros,
        recIn,
        ghPass,
        gc,
        view(d, [B, W], [W, 1], t * B * W),
      ) ?? false;
    if (lstm) {
      for (let g = 0; g < G; g++) ins.push(view(lstm.acts, sh, [GH, 0, 1], t * B * GH + g * H));
      ins.push(view(lstm.tc, sh, [H, 0, 1], t * slot));
    } else {
      for (let g = 0; g < G; g++) ins.push(view(xg, sh, [GH, 0, 1], xg.offset + t * B * GH + g * H));
      for (let g = 0; g < G; g++) ins.push(view(hg, sh, [GH, 0, 1], t * B * GH + g * H));
    }
    if (mode === 'GRU') ins.push(view(hc, sh, [H, 0, 1], prev * slot)); // h_prev
    if (mode === 'LSTM') ins.push(view(hc, sh, [H, 0, 1], plane + prev * slot)); // c_prev
    // dh of this step's output: gOut[t] + rec + pass
    ins.push(gO ? view(gO, sh, [H, 0, 1], gO.offset + t * slot) : view(zeros, sh, [H, 0, 1], 0));
    ins.push({ ...recIn, shape: sh, strides: [recIn.strides[0], 0, recIn.strides[1]] });
    ins.push({ ...ghPass, shape: sh, strides: [ghPass.strides[0], 0, ghPass.strides[1]] });
    if (mode === 'LSTM') ins.push({ ...gc, shape: sh, strides: [gc.strides[0], 0, gc.strides[1]] });
    if (mask) ins.push(view(mask, sh, [1, 0, 0], mask.offset + t * B));
    ins.push(view(sel, sh, [0, 1, 0], 0));
    if (!stepDone) be.elementwise(expr, ins, view(d, sh, [W, H, 1], t * B * W));
    // dh_prev's matmul part: (gate gradients for W_hh) @ W_hh.
    be.matmul(view(d, [B, GH], [W, 1], t * B * W + hgCol), wView, rec, { keepB });
    recIn = rec;
    const passCol = mode === 'LSTM' ? 5 * H : mode === 'GRU' ? 6 * H : H;
    ghPass = view(d, [B, H], [W, 1], t * B * W + passCol);
    if (mode === 'LSTM') gc = view(d, [B, H], [W, 1], t * B * W + 4 * H);
  }
  // The matmul part must not be overwritten before dh0 reads it: rec is only written in the
  // loop, so dh0 = rec + pass of the first processed step.
  const dh0 = emptyTensor([B, H], 'float32', dev);
  be.elementwise(E.add(E.input(0), E.input(1)), [rec, ghPass], dh0);
  let dc0: Tensor | null = null;
  if (mode === 'LSTM') {
    dc0 = emptyTensor([B, H], 'float32', dev);
    be.elementwise(E.input(0), [gc], dc0);
  }
  // Gate gradients for every step at once: dxg, and dW_hh = sum_t dgh_t^T h_prev_t, db_hh.
  const dxg = viewOf(d, [T, B, GH], [B * W, W, 1], 0);
  const dgh = view(d, [GH, T * B], [1, W], hgCol);
  const hPrevAll = view(hc, [T * B, H], [H, 1], reverse ? slot : 0);
  const dW = emptyTensor([GH, H], 'float32', dev);
  be.matmul(dgh, hPrevAll, dW);
  let db: Tensor | null = null;
  if (a.bHh) {
    db = emptyTensor([GH], 'float32', dev);
    be.reduce('sum', dgh, 1, db);
  }
  d.dispose();
  zeros.dispose();
  rec.dispose();
  if (lstm && lstm.acts !== hg) lstm.acts.dispose();
  lstm?.tc.dispose();
  return [dxg, dh0, dc0, dW, db];
}

/**
 * The LSTM backward's saved activations, recomputed once per layer: acts [T, B, 4H] = sigmoid
 * of the i, f, o pre-activations and tanh of g's (xg + hg), tc [T, B, H] = tanh of each step's
 * stored cell state (a masked row's stored state is its previous one; the step kernel ignores
 * its dc).
 */
function lstmActivations(
  be: Tensor['backend'],
  xg: Tensor,
  hg: Tensor,
  hc: Tensor,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
  actsInHg: boolean,
): { acts: Tensor; tc: Tensor } {
  const dev = xg.device;
  const GH = 4 * H;
  const acts = actsInHg ? hg : emptyTensor([T, B, GH], 'float32', dev);
  const sh = [T * B, 4, H];
  const st = [GH, H, 1];
  const pre = E.add(E.input(0), E.input(1));
  if (!actsInHg)
    be.elementwise(
      E.where(E.eq(E.input(2), 2), E.tanh(pre), sig(pre)),
      [view(xg, sh, st, xg.offset), view(hg, sh, st, 0), view(gateSelector(4, dev), sh, [0, 1, 0], 0)],
      view(acts, sh, st, 0),
    );
  const slot = B * H;
  const tc = emptyTensor([T, B, H], 'float32', dev);
  // c after step t: plane 1, slot t + 1 (forward) or t (reverse).
  const cOff = (T + 1) * slot + (reverse ? 0 : slot);
  be.elementwise(E.tanh(E.input(0)), [view(hc, [T * slot], [1], cOff)], view(tc, [T * slot], [1], 0));
  return { acts, tc };
}

const gateSelCache = new Map<string, Tensor>();
/** [n] float32 0..n-1 on the device: which column of the backward row a thread writes. */
function gateSelector(n: number, device: Tensor['device']): Tensor {
  const key = `${device}:${n}`;
  let t = gateSelCache.get(key);
  if (!t || t.isDisposed) {
    t = emptyTensor([n], 'float32', device);
    t.backend.write(
      t.storage,
      Float32Array.from({ length: n }, (_, i) => i),
    );
    gateSelCache.set(key, t);
  }
  return t;
}

/**
 * One step's gradients as one expression over [B, nCols, H]; inputs: G xg gates, G hg gates,
 * h_prev, (c_prev), gOut_t, rec, pass, (gc), (mask), column selector.
 */
function backwardExpr(mode: RnnMode, G: number, masked: boolean): Ex {
  const pre = (g: number) => E.add(E.input(g), E.input(G + g));
  // LSTM: inputs 0..3 are the gate activations, 4 is tanh(c) (lstmActivations).
  let i = mode === 'LSTM' ? G + 1 : 2 * G;
  const hPrev = mode === 'GRU' ? E.input(i++) : E.const(0);
  const cPrev = mode === 'LSTM' ? E.input(i++) : null;
  const gh = E.add(E.add(E.input(i), E.input(i + 1)), E.input(i + 2));
  i += 3;
  const gcIn = mode === 'LSTM' ? E.input(i++) : null;
  const m = masked ? E.gt(E.input(i++), 0) : null;
  const col = E.input(i);
  // Select by column: cols[j] is the value of column j.
  const pick = (cols: Ex[]): Ex => {
    let e = cols[cols.length - 1];
    for (let j = cols.length - 2; j >= 0; j--) e = E.where(E.eq(col, j), cols[j], e);
    return e;
  };
  const on = (e: Ex): Ex => (m ? E.where(m, e, 0) : e);
  const off = (e: Ex): Ex => (m ? E.where(m, 0, e) : E.mul(e, 0));
  if (mode === 'LSTM') {
    const [si, sf, tg, so, tc] = [0, 1, 2, 3, 4].map((j) => E.input(j));
    // total dc = gc + gh * o * (1 - tanh(c)^2)
    const dc = E.add(gcIn!, E.mul(E.mul(gh, so), E.sub(1, E.mul(tc, tc))));
    const di = E.mul(E.mul(dc, tg), E.mul(si, E.sub(1, si)));
    const df = E.mul(E.mul(dc, cPrev!), E.mul(sf, E.sub(1, sf)));
    const dg = E.mul(E.mul(dc, si), E.sub(1, E.mul(tg, tg)));
    const dO = E.mul(E.mul(gh, tc), E.mul(so, E.sub(1, so)));
    const dcPrev = m ? E.where(m, E.mul(dc, sf), gcIn!) : E.mul(dc, sf);
    return pick([on(di), on(df), on(dg), on(dO), dcPrev, off(gh)]);
  }
  if (mode === 'GRU') {
    const r = sig(pre(0));
    const z = sig(pre(1));
    const hn = E.input(G + 2);
    const n = E.tanh(E.add(E.input(2), E.mul(r, hn)));
    // h' = n + z (h - n)
    const dn = E.mul(E.mul(gh, E.sub(1, z)), E.sub(1, E.mul(n, n)));
    const dz = E.mul(E.mul(gh, E.sub(hPrev, n)), E.mul(z, E.sub(1, z)));
    const dr = E.mul(E.mul(dn, hn), E.mul(r, E.sub(1, r)));
    const direct = m ? E.where(m, E.mul(gh, z), gh) : E.mul(gh, z);
    return pick([on(dr), on(dz), on(dn), on(dr), on(dz), on(E.mul(dn, r)), direct]);
  }
  const p = pre(0);
  let dp: Ex;
  if (mode === 'RNN_TANH') {
    const y = E.tanh(p);
    dp = E.mul(gh, E.sub(1, E.mul(y, y)));
  } else dp = E.where(E.gt(p, 0), gh, 0);
  return pick([on(dp), off(gh)]);
}

/** @internal For tests: one fused step's forward expression (exprKey). */
export const _forwardExpr = forwardExpr;
export { ewise, sum };
