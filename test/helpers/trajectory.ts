/**
 * Whole-training-step references (test/fixtures/pytorch/training.json + training.bin, format in
 * FORMAT.md): builds the model, loads PyTorch's `init`, runs the batches with the optimizer spec
 * translated from PyTorch's argument names (and `clip_grad_norm`), and compares loss per step,
 * first-step logits and grads, the clip's returned norm and the final parameters within the
 * trajectory's tolerance. Device-parameterized: the WebGPU suite runs the same body.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const { nn, optim } = torch;

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/pytorch', import.meta.url));

export interface TensorDesc {
  shape: number[];
  dtype: 'float32' | 'int64';
  offset: number;
  nbytes: number;
}
export interface Trajectory {
  name: string;
  model: string;
  optimizer: { type: string } & Record<string, unknown>;
  loss: string;
  clip_grad_norm: number | null;
  init: Record<string, TensorDesc>;
  batches: { x: TensorDesc; y: TensorDesc }[];
  steps: { loss: number; logits?: TensorDesc; grads?: Record<string, TensorDesc>; grad_norm?: number }[];
  final: Record<string, TensorDesc>;
  tol: { rtol: number; atol: number };
}
export interface SchedulerCase {
  scheduler: string;
  base_lr: number;
  optimizer: string;
  lrs: number[];
}

export interface TrainingFixtures {
  trajectories: Trajectory[];
  schedulers: SchedulerCase[];
  bin: Uint8Array;
}

let cache: TrainingFixtures | null = null;
export function loadTraining(dir = FIXTURE_DIR): TrainingFixtures {
  if (cache && dir === FIXTURE_DIR) return cache;
  const json = JSON.parse(readFileSync(`${dir}/training.json`, 'utf8'));
  const bin = new Uint8Array(readFileSync(`${dir}/training.bin`));
  const f = { trajectories: json.trajectories, schedulers: json.schedulers, bin };
  if (dir === FIXTURE_DIR) cache = f;
  return f;
}

/** A descriptor's values as a typed array (int64 narrowed to int32, with a range check). */
export function readDesc(d: TensorDesc, bin: Uint8Array): Float32Array | Int32Array {
  const bytes = bin.slice(d.offset, d.offset + d.nbytes).buffer;
  if (d.dtype === 'float32') return new Float32Array(bytes);
  if (d.dtype === 'int64') {
    const big = new BigInt64Array(bytes);
    return Int32Array.from(big, (v) => {
      if (v > 2147483647n || v < -2147483648n) throw new RangeError(`int64 value ${v} out of int32 range`);
      return Number(v);
    });
  }
  throw new Error(`unknown dtype ${(d as TensorDesc).dtype}`);
}
export function tensorOf(d: TensorDesc, bin: Uint8Array, device = 'cpu'): Tensor {
  return torch.tensor(readDesc(d, bin)).reshape(d.shape).to(device);
}

/** The tutorial's network (the CLI's model; training.json's `SimpleNet`). */
import { SimpleNet } from '../../src/cli/models.js';

export { SimpleNet };

/** Models this runner can build; others (SmallCNN: conv + batchnorm) are reported unsupported. */
export const SUPPORTED_MODELS: Record<string, () => torch.nn.Module> = { SimpleNet: () => new SimpleNet() };
export const isSupported = (t: Trajectory): boolean => t.model in SUPPORTED_MODELS;

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** An optimizer from PyTorch's spelling: `{type: 'SGD', lr, weight_decay, ...}`. */
export function makeOptimizer(
  spec: { type: string } & Record<string, unknown>,
  params: Tensor[],
): torch.optim.Optimizer<any> {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (k !== 'type') opts[camel(k)] = v;
  const ctor = (
    optim as unknown as Record<string, new (p: Tensor[], o: unknown) => torch.optim.Optimizer<any>>
  )[spec.type];
  if (!ctor) throw new Error(`unknown optimizer ${spec.type}`);
  return new ctor(params, opts);
}

export interface Worst {
  /** Largest |a - e| / (atol + rtol |e|): <= 1 passes. */
  ratio: number;
  absErr: number;
  index: number;
}
export function compare(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { rtol: number; atol: number },
): Worst {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let w: Worst = { ratio: 0, absErr: 0, index: -1 };
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const err = Math.abs(a - e);
    const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / (tol.atol + tol.rtol * Math.abs(e));
    if (ratio > w.ratio || w.index < 0) w = { ratio, absErr: err, index: i };
  }
  return w;
}

export interface TrajectoryReport {
  name: string;
  device: string;
  losses: { actual: number; expected: number; worst: Worst }[];
  logits: Worst | null;
  grads: Record<string, Worst>;
  gradNorm: Worst | null;
  final: Record<string, Worst>;
  /** The worst ratio over every comparison. */
  worst: number;
  passed: boolean;
}

/** Runs one trajectory on `device` and compares everything the fixture has. */
export async function runTrajectory(
  t: Trajectory,
  device = 'cpu',
  fx = loadTraining(),
): Promise<TrajectoryReport> {
  const build = SUPPORTED_MODELS[t.model];
  if (!build) throw new Error(`${t.name}: model ${t.model} is not supported yet`);
  const { bin } = fx;
  const model = build();
  const sd: Record<string, Tensor> = {};
  for (const [k, d] of Object.entries(t.init)) sd[k] = tensorOf(d, bin);
  model.loadStateDict(sd);
  model.to(device);
  const opt = makeOptimizer(t.optimizer, model.parameters());
  if (t.loss !== 'CrossEntropyLoss') throw new Error(`${t.name}: loss ${t.loss} not supported`);
  const criterion = new nn.CrossEntropyLoss();
  const report: TrajectoryReport = {
    name: t.name,
    device,
    losses: [],
    logits: null,
    grads: {},
    gradNorm: null,
    final: {},
    worst: 0,
    passed: false,
  };
  const named = Object.fromEntries(model.namedParameters());
  for (let i = 0; i < t.batches.length; i++) {
    const x = tensorOf(t.batches[i].x, bin, device);
    const y = tensorOf(t.batches[i].y, bin, device);
    const step = t.steps[i];
    opt.zeroGrad();
    const logits = model(x) as Tensor;
    const loss = criterion(logits, y);
    loss.backward();
    let norm: Tensor | null = null;
    if (t.clip_grad_norm !== null) norm = nn.utils.clipGradNorm_(model.parameters(), t.clip_grad_norm);
    if (step.logits) report.logits = compare(await logits.toArray(), readDesc(step.logits, bin), t.tol);
    if (step.grads)
      for (const [k, d] of Object.entries(step.grads)) {
        const g = named[k]?.grad;
        if (!g) throw new Error(`${t.name}: no gradient for ${k}`);
        report.grads[k] = compare(await g.toArray(), readDesc(d, bin), t.tol);
      }
    if (step.grad_norm !== undefined && norm)
      report.gradNorm = compare([await norm.item()], [step.grad_norm], t.tol);
    opt.step();
    const l = await loss.item();
    report.losses.push({ actual: l, expected: step.loss, worst: compare([l], [step.loss], t.tol) });
  }
  for (const [k, d] of Object.entries(t.final)) {
    const p = named[k];
    if (!p) throw new Error(`${t.name}: model has no parameter ${k}`);
    report.final[k] = compare(await p.toArray(), readDesc(d, bin), t.tol);
  }
  const all = [
    ...report.losses.map((l) => l.worst.ratio),
    ...(report.logits ? [report.logits.ratio] : []),
    ...Object.values(report.grads).map((w) => w.ratio),
    ...(report.gradNorm ? [report.gradNorm.ratio] : []),
    ...Object.values(report.final).map((w) => w.ratio),
  ];
  report.worst = Math.max(...all);
  report.passed = report.worst <= 1;
  return report;
}

/** `Name(a=1, b=[2, 5], c=True)` -> ['Name', {a: 1, b: [2, 5], c: true}] with camelCase keys. */
export function parseCall(s: string): [string, Record<string, unknown>] {
  const m = /^(\w+)\((.*)\)$/.exec(s.trim());
  if (!m) throw new Error(`cannot parse ${s}`);
  const args: Record<string, unknown> = {};
  // Split on commas outside brackets.
  let depth = 0;
  let cur = '';
  const parts: string[] = [];
  for (const ch of m[2]) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  for (const p of parts) {
    const [k, v] = p.split('=').map((x) => x.trim());
    const js = v
      .replace(/\bTrue\b/g, 'true')
      .replace(/\bFalse\b/g, 'false')
      .replace(/\bNone\b/g, 'null')
      .replace(/'/g, '"')
      .replace(/\(/g, '[')
      .replace(/\)/g, ']');
    args[k === 'T_max' ? 'TMax' : camel(k)] = JSON.parse(js);
  }
  return [m[1], args];
}

/** The lr an optimizer sees at each epoch under a scheduler spec (as training.json's `schedulers[]`). */
export function runSchedule(c: SchedulerCase, device = 'cpu', epochs = c.lrs.length): number[] {
  const [optName, optArgs] = parseCall(c.optimizer);
  const [schedName, schedArgs] = parseCall(c.scheduler);
  const p = nn.Parameter(torch.zeros([2]).to(device));
  const opt = makeOptimizer({ type: optName, ...snakeKeys(optArgs) }, [p]);
  const Sched = (
    optim.lrScheduler as unknown as Record<
      string,
      new (
        o: unknown,
        a: unknown,
      ) => torch.optim.lrScheduler.LRScheduler
    >
  )[schedName];
  if (!Sched) throw new Error(`unknown scheduler ${schedName}`);
  const sched = new Sched(opt, schedArgs);
  const lrs: number[] = [];
  for (let e = 0; e < epochs; e++) {
    lrs.push((opt.paramGroups[0] as { lr: number }).lr);
    p.grad = torch.zerosLike(p);
    opt.step();
    sched.step();
  }
  return lrs;
}
const snakeKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );
