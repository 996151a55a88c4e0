/**
 * `model.summary()`: torchinfo's table (layers in call order with their nesting, output shapes,
 * parameter counts, totals and sizes), from one forward pass on a dummy or given input.
 *
 * Output shapes come from the calls themselves: for the pass, each module gets an own
 * (non-enumerable) `forward` that records its entry, nesting and output, so a call through
 * `model(x)` and a direct `this.fc.forward(x)` are both seen (hooks would miss the latter). The
 * pass runs in eval mode under no_grad, as torchinfo's default `mode="eval"`; the training flag
 * and every `forward` are restored afterwards, even when the pass throws.
 */
import { zeros } from '../ops/creation.js';
import type { Device } from '../tensor/device.js';
import type { DType } from '../tensor/dtype.js';
import { noGrad } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

/** One row of the table: a module call. */
export interface LayerInfo {
  /** The module's class name (`Linear`). */
  className: string;
  /** The attribute path from the model (`features.0`); '' for the model itself. */
  varName: string;
  /** Nesting depth: 0 for the model, 1 for its children, ... */
  depth: number;
  /** torchinfo's per-depth running index (the `2` of `1-2`). */
  depthIndex: number;
  /** Shape of the output (the first tensor of a tuple/list output, as torchinfo), or null. */
  outputShape: number[] | null;
  /** Parameters the row counts: its own when its children are listed, all of them when not. */
  numParams: number;
  /** Whether the row's children are listed below it. */
  expanded: boolean;
  /** Bytes of the output tensor(s) (for the forward/backward size). */
  outputBytes: number;
  /** Whether the module has no submodules. */
  leaf: boolean;
}

const RULE = '='.repeat(90);
const fmtInt = (n: number) => n.toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

/** torchinfo's ModelStatistics: the rows, the totals, and `toString()` the table. */
export class ModelStatistics {
  constructor(
    readonly summaryList: LayerInfo[],
    /** All parameters of the model (shared ones once). */
    readonly totalParams: number,
    /** Those with requiresGrad. */
    readonly trainableParams: number,
    /** Bytes of the inputs the pass used. */
    readonly totalInputBytes: number,
    /** Bytes of the leaf modules' outputs, twice (forward activations and their gradients). */
    readonly totalOutputBytes: number,
    /** Bytes of the parameters. */
    readonly totalParamBytes: number,
  ) {}
  /** totalParams - trainableParams: the parameters counted that do not require grad. */
  get nonTrainableParams(): number {
    return this.totalParams - this.trainableParams;
  }
  /**
   * The torchinfo-style table: one row per layer (name, output shape, parameter count), then the totals and
   * sizes in MB.
   */
  toString(): string {
    const col = (s: string, w: number) => (s.length >= w ? `${s} ` : s.padEnd(w));
    const lines = [RULE, `${col('Layer (type:depth-idx)', 40)}${col('Output Shape', 25)}Param #`, RULE];
    for (const r of this.summaryList) {
      const name =
        r.depth === 0
          ? r.className
          : `${'│    '.repeat(r.depth - 1)}${r.depth === 1 ? '├─' : '└─'}${r.className}: ${r.depth}-${r.depthIndex}`;
      const shape = r.outputShape ? `[${r.outputShape.join(', ')}]` : '--';
      const params = r.numParams === 0 ? '--' : fmtInt(r.numParams);
      lines.push((col(name, 40) + col(shape, 25) + params).trimEnd());
    }
    lines.push(
      RULE,
      `Total params: ${fmtInt(this.totalParams)}`,
      `Trainable params: ${fmtInt(this.trainableParams)}`,
      `Non-trainable params: ${fmtInt(this.nonTrainableParams)}`,
      RULE,
      `Input size (MB): ${mb(this.totalInputBytes)}`,
      `Forward/backward pass size (MB): ${mb(this.totalOutputBytes)}`,
      `Params size (MB): ${mb(this.totalParamBytes)}`,
      `Estimated Total Size (MB): ${mb(this.totalInputBytes + this.totalOutputBytes + this.totalParamBytes)}`,
      RULE,
    );
    return lines.join('\n');
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function firstTensor(x: unknown): Tensor | null {
  if (x instanceof Tensor) return x;
  if (Array.isArray(x))
    for (const e of x) {
      const t = firstTensor(e);
      if (t) return t;
    }
  return null;
}
function tensorBytes(x: unknown, seen = new Set<Tensor>()): number {
  if (x instanceof Tensor) {
    if (seen.has(x)) return 0;
    seen.add(x);
    return x.numel() * x.elementSize();
  }
  if (Array.isArray(x)) return x.reduce((s: number, e) => s + tensorBytes(e, seen), 0);
  return 0;
}
const countOf = (ps: Iterable<Tensor>) => {
  let n = 0;
  for (const p of ps) n += p.numel();
  return n;
};

export interface SummaryOptions {
  inputSize: readonly number[] | null;
  inputData: Tensor | null;
  depth: number;
  device: Device | null;
  dtype: DType | null;
}

export function summarize(model: Module, o: SummaryOptions): ModelStatistics {
  if (o.depth < 0) throw new RangeError(`summary(): depth must be >= 0, got ${o.depth}`);
  const params = [...model.parameters()];
  let input: Tensor;
  if (o.inputData) input = o.inputData;
  else if (o.inputSize) {
    const device = o.device ?? params[0]?.device ?? undefined;
    input = zeros(o.inputSize, { dtype: o.dtype ?? 'float32', device });
  } else
    throw new TypeError(
      `${model._getName()}.summary(): give inputSize (with the batch dimension, as torchinfo) or inputData`,
    );

  const rows: LayerInfo[] = [];
  const moduleOf = new Map<LayerInfo, Module>();
  const stack: LayerInfo[] = [];
  const patched: Module[] = [];
  const names = new Map<Module, string>();
  for (const [name, m] of model.namedModules()) if (!names.has(m)) names.set(m, name);
  for (const m of names.keys()) {
    const original = m.forward;
    Object.defineProperty(m, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (...args: unknown[]) => {
        const depth = stack.length;
        const row: LayerInfo = {
          className: m._getName(),
          varName: names.get(m) ?? '',
          depth,
          depthIndex: 0,
          outputShape: null,
          numParams: 0,
          expanded: false,
          outputBytes: 0,
          leaf: [...m.children()].length === 0,
        };
        rows.push(row);
        moduleOf.set(row, m);
        stack.push(row);
        try {
          const out = original.apply(m, args);
          const t = firstTensor(out);
          row.outputShape = t ? [...t.shape] : null;
          row.outputBytes = tensorBytes(out);
          return out;
        } finally {
          stack.pop();
        }
      },
    });
    patched.push(m);
  }
  const wasTraining = model.training;
  try {
    model.eval();
    noGrad(() => model(input));
  } finally {
    for (const m of patched) delete (m as unknown as { forward?: unknown }).forward;
    model.train(wasTraining);
  }
  // torchinfo's per-depth counters run across parents (2-1, 2-2 under one block, 2-3 under the next).
  const counters: number[] = [];
  for (const r of rows) {
    counters[r.depth] = (counters[r.depth] ?? 0) + 1;
    r.depthIndex = counters[r.depth];
  }
  const shown = rows.filter((r) => r.depth <= o.depth);
  for (let i = 0; i < shown.length; i++) {
    const r = shown[i];
    const m = moduleOf.get(r) as Module;
    r.expanded = i + 1 < shown.length && shown[i + 1].depth > r.depth;
    r.numParams = countOf(m.parameters({ recurse: !r.expanded }));
  }
  const trainable = countOf(params.filter((p) => p.requiresGrad));
  const paramBytes = params.reduce((s, p) => s + p.numel() * p.elementSize(), 0);
  const outBytes = 2 * rows.filter((r) => r.leaf).reduce((s, r) => s + r.outputBytes, 0);
  return new ModelStatistics(shown, countOf(params), trainable, tensorBytes(input), outBytes, paramBytes);
}
