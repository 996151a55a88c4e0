/**
 * Recurrent layers: nn.RNN, nn.LSTM, nn.GRU and nn.RNNCell, nn.LSTMCell, nn.GRUCell, with
 * PyTorch's parameter names and layouts (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
 * `bias_hh_l0`, `weight_hr_l0`, `..._reverse`; gates i,f,g,o for LSTM, r,z,n for GRU), so a
 * PyTorch state dict loads and gives PyTorch's outputs. Init: every parameter ~
 * U(-1/sqrt(hidden), 1/sqrt(hidden)).
 *
 * The input projection of all time steps is one matmul per layer and direction; the time loop
 * is ops/rnn.ts (one matmul and one fused elementwise kernel per step, forward and backward).
 * PackedSequence inputs run padded with a mask (ops/rnn.ts) and come back packed.
 */

import { dropout } from '../ops/activation.js';
import { freeWithNode } from '../ops/core.js';
import { empty, zeros } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { linear } from '../ops/matmul.js';
import { gateCount, type RnnMode, rnnLayer } from '../ops/rnn.js';
import { cat, select, squeeze, stack, transpose, unsqueeze } from '../ops/shape.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { ShapeError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import * as init from './init.js';
import { factory } from './layers.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';
import { PackedSequence, packedToPadded, paddedToPacked } from './utils-rnn.js';

const tuple = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
const list = (s: readonly number[]) => `[${s.join(', ')}]`;

interface BaseArgs {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
  device: Parameters<typeof factory>[0]['device'];
  dtype: Parameters<typeof factory>[0]['dtype'];
}

/** The shared machinery of RNN, LSTM and GRU (PyTorch's RNNBase). */
abstract class RNNBase extends Module {
  /** Which recurrence: `'RNN_TANH'`, `'RNN_RELU'`, `'LSTM'` or `'GRU'`. */
  readonly mode: RnnMode;
  /** Features of each input time step. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Stacked recurrent layers (constructor option, default 1). */
  readonly numLayers: number;
  /** Whether the layers have the bias_ih/bias_hh parameters (constructor option, default true). */
  readonly bias: boolean;
  /**
   * Inputs and outputs are (N, L, *) instead of (L, N, *) (constructor option, default false; the hidden
   * states stay (layers, N, H)).
   */
  readonly batchFirst: boolean;
  /**
   * Dropout probability on the outputs of every layer but the last, in training (constructor option, default
   * 0.0).
   */
  readonly dropout: number;
  /**
   * Whether each layer also runs backwards in time, doubling the output features (constructor option, default
   * false).
   */
  readonly bidirectional: boolean;
  /** LSTM projection size, 0 for none (constructor option, default 0). */
  readonly projSize: number;
  /** Parameter names per layer and direction: [w_ih, w_hh, b_ih, b_hh, w_hr] (null when absent). */
  private readonly _names: (string | null)[][];

  constructor(name: string, mode: RnnMode, a: BaseArgs) {
    super();
    if (!Number.isInteger(a.hiddenSize) || a.hiddenSize <= 0)
      throw new RangeError('hidden_size must be greater than zero');
    if (!Number.isInteger(a.numLayers) || a.numLayers <= 0)
      throw new RangeError('num_layers must be greater than zero');
    if (a.dropout < 0 || a.dropout > 1)
      throw new RangeError(
        'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
      );
    if (a.projSize < 0)
      throw new RangeError('proj_size should be a positive integer or zero to disable projections');
    if (a.projSize >= a.hiddenSize) throw new RangeError('proj_size has to be smaller than hidden_size');
    if (a.dropout > 0 && a.numLayers === 1)
      console.warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${a.dropout} and num_layers=${a.numLayers}`,
      );
    void name;
    this.mode = mode;
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    this.numLayers = a.numLayers;
    this.bias = a.bias;
    this.batchFirst = a.batchFirst;
    this.dropout = a.dropout;
    this.bidirectional = a.bidirectional;
    this.projSize = a.projSize;
    const f = factory(a);
    const G = gateCount(mode) * a.hiddenSize;
    const H = a.hiddenSize;
    const P = a.projSize > 0 ? a.projSize : H;
    const D = a.bidirectional ? 2 : 1;
    const names: (string | null)[][] = [];
    for (let l = 0; l < a.numLayers; l++)
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? a.inputSize : P * D;
        const add = (n: string, shape: number[]): string => {
          this.registerParameter(n + sfx, Parameter(empty(shape, f)));
          return n + sfx;
        };
        const wih = add('weight_ih', [G, inSize]);
        const whh = add('weight_hh', [G, P]);
        const bih = a.bias ? add('bias_ih', [G]) : null;
        const bhh = a.bias ? add('bias_hh', [G]) : null;
        const whr = a.projSize > 0 ? add('weight_hr', [P, H]) : null;
        names.push([wih, whh, bih, bhh, whr]);
      }
    this._names = names;
    this.resetParameters();
  }

  resetParameters(): void {
    const k = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  /** PyTorch's cuDNN weight compaction: nothing to do here (kept so ported code runs). */
  flattenParameters(): void {}

  private _p(name: string | null): Tensor | null {
    return name === null ? null : ((this as unknown as Record<string, Tensor>)[name] ?? null);
  }

  /** The parameters of every layer and direction, in PyTorch's `all_weights` order. */
  get allWeights(): Tensor[][] {
    return this._names.map((ns) => ns.filter((n) => n !== null).map((n) => this._p(n)!));
  }

  protected _run(
    input: Tensor | PackedSequence,
    hx: Tensor | null,
    cx: Tensor | null,
  ): { output: Tensor | PackedSequence; hN: Tensor; cN: Tensor | null } {
    const name = this._getName();
    const lstm = this.mode === 'LSTM';
    const packed = input instanceof PackedSequence;
    let x: Tensor;
    let mask: Tensor | null = null;
    let batched = true;
    if (input instanceof PackedSequence) {
      ({ x, mask } = packedToPadded(input));
      if (x.dim() !== 3) throw new ShapeError(`input must have 2 dimensions, got ${input.data.dim()}`);
    } else {
      if (!(input instanceof Tensor))
        throw new TypeError(`${name}.forward(): input must be a Tensor or a PackedSequence`);
      if (input.dim() !== 2 && input.dim() !== 3)
        throw new ShapeError(`${name}: Expected input to be 2D or 3D, got ${input.dim()}D tensor instead`);
      batched = input.dim() === 3;
      x = batched ? (this.batchFirst ? transpose(input, 0, 1) : input) : unsqueeze(input, 1);
    }
    if (x.shape[2] !== this.inputSize)
      throw new ShapeError(
        `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[2]}`,
      );
    const B = x.shape[1];
    const D = this.bidirectional ? 2 : 1;
    const L = this.numLayers;
    const H = this.hiddenSize;
    const P = this.projSize > 0 ? this.projSize : H;
    const prep = (h: Tensor | null, size: number, which: string): Tensor => {
      if (h === null) return zeros([L * D, B, size], { device: x.device, dtype: x.dtype });
      if (!(h instanceof Tensor)) throw new TypeError(`${name}.forward(): hx must be a Tensor`);
      if (!batched && h.dim() !== 2)
        throw new ShapeError(`For unbatched 2-D input, hx should also be 2-D but got ${h.dim()}-D tensor`);
      if (batched && h.dim() !== 3)
        throw new ShapeError(`For batched 3-D input, hx should also be 3-D but got ${h.dim()}-D tensor`);
      let hh = batched ? h : unsqueeze(h, 1);
      const want = [L * D, B, size];
      if (hh.shape.some((s, i) => s !== want[i]))
        throw new ShapeError(
          `Expected ${which} size ${tuple(batched ? want : [L * D, size])}, got ${list(h.shape)}`,
        );
      if (input instanceof PackedSequence && input.sortedIndices)
        hh = indexSelect(hh, 1, input.sortedIndices.to(hh.device));
      return hh;
    };
    const h0 = prep(hx, P, lstm ? 'hidden[0]' : 'hidden');
    const c0 = lstm ? prep(cx, H, 'hidden[1]') : null;
    let layerIn = x;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const [wih, whh, bih, bhh, whr] = this._names[l * D + d].map((n) => this._p(n));
        const xg = linear(layerIn, wih!, bih);
        const r = rnnLayer({
          mode: this.mode,
          xg,
          h0: select(h0, 0, l * D + d),
          c0: c0 ? select(c0, 0, l * D + d) : null,
          wHh: whh!,
          bHh: bhh,
          wHr: whr,
          mask,
          reverse: d === 1,
        });
        freeWithNode(r.out, xg); // the input projection is this loop's own: dead once the layer's backward ran
        outs.push(r.out);
        hs.push(r.hN);
        if (r.cN) cs.push(r.cN);
      }
      layerIn = D === 2 ? cat(outs, 2) : outs[0];
      if (this.dropout > 0 && this.training && l < L - 1) layerIn = dropout(layerIn, this.dropout, true);
    }
    let hN = stack(hs, 0);
    let cN = lstm ? stack(cs, 0) : null;
    if (input instanceof PackedSequence) {
      const un = input.unsortedIndices;
      if (un) {
        hN = indexSelect(hN, 1, un.to(hN.device));
        if (cN) cN = indexSelect(cN, 1, un.to(cN.device));
      }
      const data = paddedToPacked(layerIn, input._batchSizes);
      return {
        output: new PackedSequence(data, input.batchSizes, input.sortedIndices, input.unsortedIndices),
        hN,
        cN,
      };
    }
    void packed;
    let output = layerIn;
    if (!batched) {
      output = squeeze(output, 1);
      hN = squeeze(hN, 1);
      if (cN) cN = squeeze(cN, 1);
    } else if (this.batchFirst) output = transpose(output, 0, 1);
    return { output, hN, cN };
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.mode === 'RNN_RELU') s += ", nonlinearity='relu'";
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

const RNN_SIG =
  'RNN(int input_size, int hidden_size, int num_layers=1, str nonlinearity="tanh", bool bias=True, bool batch_first=False, float dropout=0.0, bool bidirectional=False, *, Device? device=None, ScalarType? dtype=None)';
/**
 * Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu), over `numLayers` stacked layers.
 *
 * Constructor: `inputSize`, `hiddenSize`, `numLayers` (default 1), `nonlinearity` (`'tanh'` default, or
 * `'relu'`), `bias` (default true), `batchFirst` (default false), `dropout` (default 0.0), `bidirectional`
 * (default false), keyword-only `device`, `dtype`. Parameters `weight_ih_l{k}` (H, in), `weight_hh_l{k}` (H,
 * H), `bias_ih_l{k}`, `bias_hh_l{k}` (H) (`_reverse` for the backward direction), all initialized from
 * U(-1/sqrt(H), 1/sqrt(H)).
 *
 * forward(input, hx = null): input (L, N, inputSize) (or (N, L, ·) with batchFirst, unbatched (L, inputSize),
 * or a PackedSequence), hx (D · numLayers, N, H) (default zeros; D = 2 when bidirectional). Returns [output
 * (L, N, D · H), hN (D · numLayers, N, H)].
 *
 * ```ts
 * const rnn = new nn.RNN(10, 20, 2);
 * const [output, hN] = rnn(torch.randn([5, 3, 10]));   // [5, 3, 20], [2, 3, 20]
 * ```
 */
export class RNN extends RNNBase {
  /** `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity: string;
  constructor(...args: CallArgs<typeof RNN_SIG>) {
    const a = ctorArgs('nn.RNN', RNN_SIG, args);
    if (a.nonlinearity !== 'tanh' && a.nonlinearity !== 'relu')
      throw new RangeError(`Unknown nonlinearity '${a.nonlinearity}'. Select from 'tanh' or 'relu'.`);
    super('RNN', a.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', { ...a, projSize: 0 });
    this.nonlinearity = a.nonlinearity;
  }
  override forward(
    input: Tensor | PackedSequence,
    hx: Tensor | null = null,
  ): [Tensor | PackedSequence, Tensor] {
    const r = this._run(input, hx, null);
    return [r.output, r.hN];
  }
}

const LSTM_SIG =
  'LSTM(int input_size, int hidden_size, int num_layers=1, bool bias=True, bool batch_first=False, float dropout=0.0, bool bidirectional=False, int proj_size=0, *, Device? device=None, ScalarType? dtype=None)';
/**
 * Long short-term memory over `numLayers` stacked layers, gates i, f, g, o in PyTorch's order: c_t = f ⊙
 * c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t); with `projSize > 0` h_t is projected by `weight_hr_l{k}` (LSTMP).
 *
 * Constructor: `inputSize`, `hiddenSize`, `numLayers` (default 1), `bias` (default true), `batchFirst`
 * (default false), `dropout` (default 0.0), `bidirectional` (default false), `projSize` (default 0),
 * keyword-only `device`, `dtype`. Parameters `weight_ih_l{k}` (4H, in), `weight_hh_l{k}` (4H, H or projSize),
 * biases (4H), initialized from U(-1/sqrt(H), 1/sqrt(H)).
 *
 * forward(input, hx = null): input (L, N, inputSize) (batch first, unbatched or packed as RNN), hx = [h0, c0]
 * (default zeros). Returns [output (L, N, D · H_out), [hN, cN]], H_out = projSize or H.
 *
 * ```ts
 * const lstm = new nn.LSTM(10, 20, 2);
 * const [output, [hN, cN]] = lstm(torch.randn([5, 3, 10]));
 * ```
 */
export class LSTM extends RNNBase {
  constructor(...args: CallArgs<typeof LSTM_SIG>) {
    const a = ctorArgs('nn.LSTM', LSTM_SIG, args);
    super('LSTM', 'LSTM', a);
  }
  override forward(
    input: Tensor | PackedSequence,
    hx: readonly [Tensor, Tensor] | null = null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError('LSTM.forward(): hx must be a pair [h_0, c_0]');
    const r = this._run(input, hx ? hx[0] : null, hx ? hx[1] : null);
    return [r.output, [r.hN, r.cN!]];
  }
}

const GRU_SIG =
  'GRU(int input_size, int hidden_size, int num_layers=1, bool bias=True, bool batch_first=False, float dropout=0.0, bool bidirectional=False, *, Device? device=None, ScalarType? dtype=None)';
/**
 * Gated recurrent unit over `numLayers` stacked layers, gates r, z, n in PyTorch's order: n = tanh(W_in x +
 * b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h.
 *
 * Constructor: `inputSize`, `hiddenSize`, `numLayers` (default 1), `bias` (default true), `batchFirst`
 * (default false), `dropout` (default 0.0), `bidirectional` (default false), keyword-only `device`, `dtype`.
 * Parameters as RNN's with 3H rows, initialized from U(-1/sqrt(H), 1/sqrt(H)). forward(input, hx = null)
 * returns [output (L, N, D · H), hN (D · numLayers, N, H)].
 */
export class GRU extends RNNBase {
  constructor(...args: CallArgs<typeof GRU_SIG>) {
    const a = ctorArgs('nn.GRU', GRU_SIG, args);
    super('GRU', 'GRU', { ...a, projSize: 0 });
  }
  override forward(
    input: Tensor | PackedSequence,
    hx: Tensor | null = null,
  ): [Tensor | PackedSequence, Tensor] {
    const r = this._run(input, hx, null);
    return [r.output, r.hN];
  }
}

// ── cells ───────────────────────────────────────────────────────────────────────────────────

abstract class RNNCellBase extends Module {
  /** Features of the input. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Whether the cell has bias_ih/bias_hh (constructor option, default true). */
  readonly bias: boolean;
  /** Which recurrence: `'RNN_TANH'`, `'RNN_RELU'`, `'LSTM'` or `'GRU'`. */
  readonly mode: RnnMode;
  /**
   * (G · H, inputSize), G = 1 (RNN), 4 (LSTM) or 3 (GRU) gate blocks; initialized from U(-1/sqrt(H),
   * 1/sqrt(H)).
   */
  weight_ih: Parameter;
  /** (G · H, H), initialized from U(-1/sqrt(H), 1/sqrt(H)). */
  weight_hh: Parameter;
  /** (G · H), initialized from U(-1/sqrt(H), 1/sqrt(H)); null with `bias: false`. */
  bias_ih: Parameter | null;
  /** (G · H), initialized from U(-1/sqrt(H), 1/sqrt(H)); null with `bias: false`. */
  bias_hh: Parameter | null;
  constructor(
    mode: RnnMode,
    a: { inputSize: number; hiddenSize: number; bias: boolean } & Parameters<typeof factory>[0],
  ) {
    super();
    this.mode = mode;
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    this.bias = a.bias;
    const f = factory(a);
    const G = gateCount(mode) * a.hiddenSize;
    this.weight_ih = Parameter(empty([G, a.inputSize], f));
    this.weight_hh = Parameter(empty([G, a.hiddenSize], f));
    this.bias_ih = a.bias ? Parameter(empty([G], f)) : null;
    this.bias_hh = a.bias ? Parameter(empty([G], f)) : null;
    if (!a.bias) {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }
  resetParameters(): void {
    const k = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }
  protected _step(input: Tensor, hx: Tensor | null, cx: Tensor | null): [Tensor, Tensor | null] {
    const name = this._getName();
    if (!(input instanceof Tensor)) throw new TypeError(`${name}.forward(): input must be a Tensor`);
    if (input.dim() !== 1 && input.dim() !== 2)
      throw new ShapeError(`${name}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`);
    const batched = input.dim() === 2;
    const x = batched ? input : unsqueeze(input, 0);
    if (x.shape[1] !== this.inputSize)
      throw new ShapeError(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    const B = x.shape[0];
    const H = this.hiddenSize;
    const prep = (h: Tensor | null, what: string): Tensor => {
      if (h === null) return zeros([B, H], { device: x.device, dtype: x.dtype });
      if (h.dim() !== input.dim())
        throw new ShapeError(
          `${name}: Expected ${what} to be ${input.dim()}-D, but received ${h.dim()}-D tensor`,
        );
      const hh = batched ? h : unsqueeze(h, 0);
      if (hh.shape[0] !== B)
        throw new ShapeError(
          `Input batch size ${B} doesn't match hidden${what === 'cx' ? '1' : '0'} batch size ${hh.shape[0]}`,
        );
      if (hh.shape[1] !== H)
        throw new ShapeError(
          `hidden${what === 'cx' ? '1' : '0'} has inconsistent hidden_size: got ${hh.shape[1]}, expected ${H}`,
        );
      return hh;
    };
    const h0 = prep(hx, 'hx');
    const c0 = this.mode === 'LSTM' ? prep(cx, 'cx') : null;
    const xg = unsqueeze(linear(x, this.weight_ih, this.bias_ih), 0);
    const r = rnnLayer({
      mode: this.mode,
      xg,
      h0,
      c0,
      wHh: this.weight_hh,
      bHh: this.bias_hh,
      wHr: null,
      mask: null,
      reverse: false,
    });
    const fix = (t: Tensor) => (batched ? t : squeeze(t, 0));
    return [fix(r.hN), r.cN ? fix(r.cN) : null];
  }
  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.mode === 'RNN_RELU') s += ", nonlinearity='relu'";
    return s;
  }
}

const RNN_CELL =
  'RNNCell(int input_size, int hidden_size, bool bias=True, str nonlinearity="tanh", *, Device? device=None, ScalarType? dtype=None)';
/**
 * One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). Constructor: `inputSize`,
 * `hiddenSize`, `bias` (default true), `nonlinearity` (`'tanh'` default, or `'relu'`), keyword-only `device`,
 * `dtype`. forward(input (N, in) or (in), hx = null (zeros)) returns h' (N, H).
 */
export class RNNCell extends RNNCellBase {
  /** `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity: string;
  constructor(...args: CallArgs<typeof RNN_CELL>) {
    const a = ctorArgs('nn.RNNCell', RNN_CELL, args);
    if (a.nonlinearity !== 'tanh' && a.nonlinearity !== 'relu')
      throw new RangeError(`Unknown nonlinearity: ${a.nonlinearity}`);
    super(a.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', a);
    this.nonlinearity = a.nonlinearity;
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this._step(input, hx, null)[0];
  }
}

const LSTM_CELL =
  'LSTMCell(int input_size, int hidden_size, bool bias=True, *, Device? device=None, ScalarType? dtype=None)';
/**
 * One LSTM step. Constructor: `inputSize`, `hiddenSize`, `bias` (default true), keyword-only `device`,
 * `dtype`. forward(input (N, in) or (in), hx = [h, c] or null (zeros)) returns [h', c'], each (N, H).
 */
export class LSTMCell extends RNNCellBase {
  constructor(...args: CallArgs<typeof LSTM_CELL>) {
    super('LSTM', ctorArgs('nn.LSTMCell', LSTM_CELL, args));
  }
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this._step(input, hx ? hx[0] : null, hx ? hx[1] : null);
    return [h, c!];
  }
}

const GRU_CELL =
  'GRUCell(int input_size, int hidden_size, bool bias=True, *, Device? device=None, ScalarType? dtype=None)';
/**
 * One GRU step. Constructor: `inputSize`, `hiddenSize`, `bias` (default true), keyword-only `device`,
 * `dtype`. forward(input (N, in) or (in), hx = null (zeros)) returns h' (N, H).
 */
export class GRUCell extends RNNCellBase {
  constructor(...args: CallArgs<typeof GRU_CELL>) {
    super('GRU', ctorArgs('nn.GRUCell', GRU_CELL, args));
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this._step(input, hx, null)[0];
  }
}

registerCtor('nn.RNN', RNN_SIG, RNN);
registerCtor('nn.LSTM', LSTM_SIG, LSTM);
registerCtor('nn.GRU', GRU_SIG, GRU);
registerCtor('nn.RNNCell', RNN_CELL, RNNCell);
registerCtor('nn.LSTMCell', LSTM_CELL, LSTMCell);
registerCtor('nn.GRUCell', GRU_CELL, GRUCell);
