/**
 * Whole-training-step references (training.json + training.bin of a case directory, format in
 * test/fixtures/pytorch/FORMAT.md): each trajectory builds its model, loads PyTorch's `init`,
 * runs the batches with its optimizer (and `clip_grad_norm`), and compares the loss per step,
 * first-step logits and grads, the clip's returned norm and the final state dict within the
 * trajectory's tolerance; each scheduler case compares the lr an optimizer sees per epoch.
 * Optimizers and schedulers are built through the signature registry: PyTorch's keyword names
 * become the camelCase options of the registered constructor (`optim.SGD`,
 * `optim.lrScheduler.StepLR`), so there is no second table of PyTorch names here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimpleNet } from '../cli/models.js';
import * as torch from '../index.js';
import { registeredCallables } from '../signature/bind.js';
import { parseSignature } from '../signature/parse.js';
import type { Device } from '../tensor/device.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CaseResult } from './types.js';

const { nn } = torch;

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

/** training.json + training.bin of `dir`, or null when the directory has none. */
export function loadTraining(dir: string): TrainingFixtures | null {
  const path = join(dir, 'training.json');
  if (!existsSync(path)) return null;
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const trajectories: Trajectory[] = json.trajectories ?? [];
  const binPath = join(dir, 'training.bin');
  // Only trajectories read tensors: a training.json of schedulers alone needs no training.bin.
  const bin =
    trajectories.length || existsSync(binPath) ? new Uint8Array(readFileSync(binPath)) : new Uint8Array();
  return { trajectories, schedulers: json.schedulers ?? [], bin };
}

/** A descriptor's values as a typed array (int64 narrowed to int32, with a range check). */
export function readDesc(d: TensorDesc, bin: Uint8Array): Float32Array | Int32Array {
  const bytes = bin.slice(d.offset, d.offset + d.nbytes).buffer;
  if (d.dtype === 'float32') return new Float32Array(bytes);
  if (d.dtype === 'int64')
    return Int32Array.from(new BigInt64Array(bytes), (v) => {
      if (v > 2147483647n || v < -2147483648n) throw new RangeError(`int64 value ${v} out of int32 range`);
      return Number(v);
    });
  throw new Error(`unknown dtype ${(d as TensorDesc).dtype}`);
}
export function tensorOf(d: TensorDesc, bin: Uint8Array, device: string | Device = 'cpu'): Tensor {
  return torch.tensor(readDesc(d, bin)).reshape(d.shape).to(device);
}

/** training.json's SmallCNN; field names are PyTorch's state-dict prefixes. */
export class SmallCNN extends nn.Module {
  conv = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(4);
  fc = new nn.Linear(784, 10);
  override forward(x: Tensor): Tensor {
    const h = nn.functional.maxPool2d(torch.relu(this.bn(this.conv(x))), 2);
    return this.fc(h.flatten(1));
  }
}
/** The models training.json names (README: SimpleNet, SmallCNN); others are failures. */
export const TRAINING_MODELS: Record<string, () => torch.nn.Module> = {
  SimpleNet: () => new SimpleNet(),
  SmallCNN: () => new SmallCNN(),
};

/**
 * `new <label>(...positional, options)` for a registered class, PyTorch's keyword names turned
 * into its options through its signature: an unknown name is a TypeError listing its parameters.
 */
export function construct<T>(
  label: string,
  positional: readonly unknown[],
  pyKwargs: Record<string, unknown>,
): T {
  const r = registeredCallables().get(label);
  if (!r?.ctor) throw new TypeError(`${label} is not a registered class`);
  const { params } = parseSignature(r.signatures[0]);
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pyKwargs)) {
    const p = params.find((q) => q.pyName === k);
    if (!p)
      throw new TypeError(
        `${label}: no parameter '${k}' (PyTorch's: ${params.map((q) => q.pyName).join(', ')})`,
      );
    opts[p.name] = v;
  }
  return new (r.ctor as unknown as new (...a: unknown[]) => T)(...positional, opts);
}

/** `Name(a=1, b=[2, 5], c=True)` -> ['Name', {a: 1, b: [2, 5], c: true}] (PyTorch's names kept). */
export function parseCall(s: string): [string, Record<string, unknown>] {
  const m = /^(\w+)\((.*)\)$/.exec(s.trim());
  if (!m) throw new Error(`cannot parse ${s}`);
  const args: Record<string, unknown> = {};
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
    const eq = p.indexOf('=');
    if (eq < 0) throw new Error(`${s}: only keyword arguments are supported (${p.trim()})`);
    const js = p
      .slice(eq + 1)
      .trim()
      .replace(/\bTrue\b/g, 'true')
      .replace(/\bFalse\b/g, 'false')
      .replace(/\bNone\b/g, 'null')
      .replace(/'/g, '"')
      .replace(/\(/g, '[')
      .replace(/\)/g, ']');
    args[p.slice(0, eq).trim()] = JSON.parse(js);
  }
  return [m[1], args];
}

export interface Worst {
  /** Largest |a - e| / (atol + rtol |e|): <= 1 passes. */
  ratio: number;
  absErr: number;
  index: number;
}
export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { rtol: number; atol: number },
): Worst {
  if (actual.length !== expected.length)
    return { ratio: Number.POSITIVE_INFINITY, absErr: Number.NaN, index: -1 };
  let w: Worst = { ratio: 0, absErr: 0, index: -1 };
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const ratio = Number.isNaN(err)
      ? Number.POSITIVE_INFINITY
      : err / (tol.atol + tol.rtol * Math.abs(expected[i]));
    if (ratio > w.ratio || w.index < 0) w = { ratio, absErr: err, index: i };
  }
  return w;
}

export interface TrajectoryReport {
  name: string;
  device: string;
  /** Every comparison by what it compared (`loss 0`, `logits`, `grad fc1.weight`, `final bn.running_mean`). */
  checks: Record<string, Worst>;
  worst: number;
  passed: boolean;
}

/** Runs one trajectory on `device` and compares everything the fixture has. */
export async function runTrajectory(
  t: Trajectory,
  bin: Uint8Array,
  device: string | Device = 'cpu',
): Promise<TrajectoryReport> {
  const build = TRAINING_MODELS[t.model];
  if (!build)
    throw new Error(`model ${t.model} is not supported (known: ${Object.keys(TRAINING_MODELS).join(', ')})`);
  if (t.loss !== 'CrossEntropyLoss') throw new Error(`loss ${t.loss} is not supported`);
  const model = build();
  const init: Record<string, Tensor> = {};
  for (const [k, d] of Object.entries(t.init)) init[k] = tensorOf(d, bin);
  model.loadStateDict(init);
  model.to(device);
  const { type, ...kwargs } = t.optimizer;
  const opt = construct<torch.optim.Optimizer<any>>(`optim.${type}`, [model.parameters()], kwargs);
  const criterion = construct<torch.nn.Module>('nn.CrossEntropyLoss', [], {});
  const checks: Record<string, Worst> = {};
  const named = Object.fromEntries(model.namedParameters());
  for (let i = 0; i < t.batches.length; i++) {
    const x = tensorOf(t.batches[i].x, bin, device);
    const y = tensorOf(t.batches[i].y, bin, device);
    const step = t.steps[i];
    opt.zeroGrad();
    const logits = model(x) as Tensor;
    const loss = criterion(logits, y) as Tensor;
    loss.backward();
    const norm =
      t.clip_grad_norm === null ? null : nn.utils.clipGradNorm_(model.parameters(), t.clip_grad_norm);
    if (step.logits) checks.logits = compareValues(await logits.toArray(), readDesc(step.logits, bin), t.tol);
    for (const [k, d] of Object.entries(step.grads ?? {})) {
      const g = named[k]?.grad;
      if (!g) throw new Error(`no gradient for ${k}`);
      checks[`grad ${k}`] = compareValues(await g.toArray(), readDesc(d, bin), t.tol);
    }
    if (step.grad_norm !== undefined) {
      if (!norm) throw new Error(`step ${i} has a grad_norm but the trajectory does not clip`);
      checks.grad_norm = compareValues([await norm.item()], [step.grad_norm], t.tol);
    }
    opt.step();
    checks[`loss ${i}`] = compareValues([await loss.item()], [step.loss], t.tol);
  }
  const final = model.stateDict() as Record<string, Tensor>;
  for (const [k, d] of Object.entries(t.final)) {
    if (!final[k]) throw new Error(`the model's state dict has no ${k}`);
    checks[`final ${k}`] = compareValues(await final[k].toArray(), readDesc(d, bin), t.tol);
  }
  const worst = Math.max(0, ...Object.values(checks).map((w) => w.ratio));
  return { name: t.name, device: String(device), checks, worst, passed: worst <= 1 };
}

/** The lr an SGD optimizer sees at each epoch under a scheduler case (`schedulers[]`). */
export function runSchedule(
  c: SchedulerCase,
  device: string | Device = 'cpu',
  epochs = c.lrs.length,
): number[] {
  const [optName, optArgs] = parseCall(c.optimizer);
  const [schedName, schedArgs] = parseCall(c.scheduler);
  const p = nn.Parameter(torch.zeros([2]).to(device));
  const opt = construct<torch.optim.Optimizer<any>>(`optim.${optName}`, [[p]], optArgs);
  const sched = construct<torch.optim.lrScheduler.LRScheduler>(
    `optim.lrScheduler.${schedName}`,
    [opt],
    schedArgs,
  );
  const lrs: number[] = [];
  for (let e = 0; e < epochs; e++) {
    lrs.push((opt.paramGroups[0] as { lr: number }).lr);
    p.grad = torch.zerosLike(p);
    opt.step();
    sched.step();
  }
  return lrs;
}
/** Scheduler lrs follow PyTorch's recursive formulas operation for operation: ~1 ulp. */
export const SCHEDULER_ATOL = 1e-15;

const describeWorst = (checks: Record<string, Worst>): string => {
  let key = '';
  let w: Worst | null = null;
  for (const [k, v] of Object.entries(checks)) if (!w || v.ratio > w.ratio) [key, w] = [k, v];
  return w
    ? `${key}: ${w.ratio.toFixed(3)} of tolerance, |diff| ${w.absErr.toExponential(2)}`
    : 'nothing compared';
};

/**
 * Runs every trajectory and scheduler case of `fx` on `device`, as conformance results (groups
 * `training` and `scheduler`); a thrown error is a failed case, never a skip.
 */
export async function runTraining(
  fx: TrainingFixtures,
  device: Device,
  onResult?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const push = (r: CaseResult) => {
    results.push(r);
    onResult?.(r);
  };
  const dev = String(device);
  for (const t of fx.trajectories) {
    try {
      const r = await runTrajectory(t, fx.bin, device);
      const absErrs = Object.values(r.checks).map((w) => w.absErr);
      push({
        name: `trajectory ${t.name}`,
        group: 'training',
        device: dev,
        passed: r.passed,
        error: r.passed ? null : `worst ${describeWorst(r.checks)}`,
        worst: r.worst,
        worstAbs: Math.max(0, ...absErrs.filter((x) => !Number.isNaN(x))),
      });
    } catch (e) {
      const error = `${(e as Error).message}`;
      push({
        name: `trajectory ${t.name}`,
        group: 'training',
        device: dev,
        passed: false,
        error,
        worst: Infinity,
        worstAbs: Infinity,
      });
    }
  }
  for (const c of fx.schedulers) {
    const name = `scheduler ${c.scheduler} with ${c.optimizer}`;
    try {
      const lrs = runSchedule(c, device);
      const w = compareValues(lrs, c.lrs, { rtol: 0, atol: SCHEDULER_ATOL });
      push({
        name,
        group: 'scheduler',
        device: dev,
        passed: w.ratio <= 1,
        error: w.ratio <= 1 ? null : `epoch ${w.index}: lr ${lrs[w.index]} vs PyTorch's ${c.lrs[w.index]}`,
        worst: w.ratio,
        worstAbs: w.absErr,
      });
    } catch (e) {
      push({
        name,
        group: 'scheduler',
        device: dev,
        passed: false,
        error: (e as Error).message,
        worst: Infinity,
        worstAbs: Infinity,
      });
    }
  }
  return results;
}
