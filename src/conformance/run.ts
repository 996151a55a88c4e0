/**
 * Runs conformance cases: builds the inputs on a device, maps the PyTorch call to torchts,
 * compares outputs, in-place-mutated inputs and (through `sum(outputs[0] * upstream)`) the
 * gradients with PyTorch's numbers.
 */
import * as torch from '../index.js';
import type { Device } from '../tensor/device.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { compareTensor, type Mismatch } from './compare.js';
import { alignGauge } from './gauge.js';
import { type Arg, type Args, callOpOn, UnsupportedOpError } from './mapping.js';
import { decode, hostData, makeInput } from './tensors.js';
import type { CaseResult, CaseTensor, CaseValue, OpCase } from './types.js';

interface WebGPUNamespace {
  init?: () => Promise<unknown>;
  isAvailable?: () => boolean;
}

/**
 * The torchts device for a `--device` name, initialised (WebGPU's set-up is async). Throws a
 * clear error when the device cannot be used in this build or on this machine.
 */
export async function prepareDevice(name: string): Promise<Device> {
  const dev = torch.device(name);
  if (dev.type === 'webgpu') {
    const webgpu = (torch as unknown as { webgpu?: WebGPUNamespace }).webgpu;
    if (!webgpu)
      throw new Error(
        `--device ${name}: this build of torchts has no WebGPU backend wired into the torch namespace (torch.webgpu is missing)`,
      );
    await webgpu.init?.();
    if (webgpu.isAvailable && !webgpu.isAvailable())
      throw new Error(
        `--device ${name}: no WebGPU adapter is available on this machine (torch.webgpu.isAvailable() is false)`,
      );
  }
  return dev;
}

const referenced = (v: CaseValue, into: Set<number>): void => {
  if (Array.isArray(v)) for (const x of v) referenced(x, into);
  else if (v !== null && typeof v === 'object') into.add(v.$input);
};
function resolve(v: CaseValue, inputs: readonly Tensor[]): Arg {
  if (Array.isArray(v)) return v.map((x) => resolve(x, inputs));
  if (v !== null && typeof v === 'object') {
    const t = inputs[v.$input];
    if (!t) throw new RangeError(`kwarg refers to input x${v.$input}, which the case does not have`);
    return t;
  }
  return v;
}

const read = async (t: Tensor) => ({ shape: t.shape, dtype: t.dtype, data: await t.toArray() });
const zerosOf = (c: CaseTensor) => ({
  shape: c.shape,
  dtype: c.dtype,
  data: new Float64Array(c.data.length),
});

/**
 * Ops whose tensor arguments other than the input are host data in PyTorch (it requires them
 * on the CPU, and PyTorch's own samples make them there whatever the device under test).
 */
const HOST_ARGUMENTS: ReadonlySet<string> = new Set(['torch.tensor_split', 'Tensor.tensor_split']);
const cpuDevice = torch.device('cpu');

/**
 * Builds a case's inputs on `device` and calls its op. Inputs and outputs are pushed onto `owned`
 * as they are made (the caller disposes them, also when this throws). `floatDType` gives the
 * case's float32 inputs another dtype (the 16-bit sweep), without requires_grad.
 */
export async function callCase(
  c: OpCase,
  device: Device,
  owned: Tensor[],
  floatDType?: DType,
): Promise<{ inputs: Tensor[]; outs: Tensor[] }> {
  const inputs = c.inputs.map((t, i) =>
    makeInput(
      floatDType && t.dtype === 'float32' ? { ...t, dtype: floatDType, requires_grad: false } : t,
      i > 0 && HOST_ARGUMENTS.has(c.op) ? cpuDevice : device,
    ),
  );
  owned.push(...inputs);
  const byKeyword = new Set<number>();
  for (const v of Object.values(c.kwargs)) referenced(v, byKeyword);
  const positional = inputs.filter((_, i) => !byKeyword.has(i));
  const kwargs: Args = {};
  for (const [k, v] of Object.entries(c.kwargs)) kwargs[k] = resolve(v, inputs);
  const args = c.args.map((v) => resolve(v, inputs));
  const outs = await callOpOn(device, c.op, positional, args, kwargs);
  owned.push(...outs);
  return { inputs, outs };
}

/** Runs one case on one device; never throws (an exception is the case's failure). */
export async function runCase(c: OpCase, device: Device): Promise<CaseResult> {
  const result = (passed: boolean, error: string | null, worst: number, worstAbs: number): CaseResult => ({
    name: c.name,
    group: c.group,
    device: device.toString(),
    passed,
    error,
    worst,
    worstAbs,
  });
  const owned: Tensor[] = [];
  try {
    const { inputs, outs } = await callCase(c, device, owned);
    if (outs.length !== c.outputs.length)
      return result(
        false,
        `returned ${outs.length} outputs, expected ${c.outputs.length}`,
        Infinity,
        Infinity,
      );

    const checks: Mismatch[] = [];
    let got = [];
    for (const o of outs) got.push(await read(o));
    const gauge = alignGauge(
      c.op,
      got,
      c.outputs.map((t) => ({ shape: t.shape, data: t.data.map(decode) })),
    );
    if (gauge) got = gauge.outputs;
    for (let i = 0; i < outs.length; i++)
      checks.push(compareTensor(outs.length > 1 ? `output[${i}]` : 'output', got[i], c.outputs[i], c.tol));
    for (const [k, exp] of Object.entries(c.mutated ?? {}))
      checks.push(compareTensor(`mutated x${k}`, await read(inputs[Number(k)]), exp, c.tol));

    if (c.upstream && c.grads?.some((g) => g !== null)) {
      const out = outs[0];
      if (!out.requiresGrad)
        return result(
          false,
          'output does not require grad, but PyTorch has gradients for this case',
          Infinity,
          Infinity,
        );
      const upData = hostData(c.upstream);
      if (gauge?.flipUpstream && (upData instanceof Float32Array || upData instanceof Float64Array))
        gauge.flipUpstream(upData);
      const up = torch.fromArray(upData, c.upstream.shape, { device });
      owned.push(up);
      torch.sum(torch.mul(out, up)).backward();
      const gtol = c.gtol ?? c.tol;
      for (let i = 0; i < c.grads.length; i++) {
        const exp = c.grads[i];
        if (!exp) continue;
        const g = inputs[i].grad;
        checks.push(compareTensor(`grad x${i}`, g ? await read(g) : zerosOf(exp), exp, gtol));
      }
    }
    const worst = checks.reduce((m, x) => Math.max(m, x.ratio), 0);
    const worstAbs = checks.reduce((m, x) => Math.max(m, x.abs), 0);
    const failed = checks.filter((x) => x.message !== null).sort((a, b) => b.ratio - a.ratio);
    return failed.length
      ? result(false, failed[0].message, worst, worstAbs)
      : result(true, null, worst, worstAbs);
  } catch (e) {
    const msg = e instanceof UnsupportedOpError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
    return result(false, msg, Infinity, Infinity);
  } finally {
    // Free at once rather than at GC: on a GPU the pool should not fill up over a long run.
    for (const t of owned) {
      t.grad?.dispose();
      t.dispose();
    }
  }
}

export interface RunOptions {
  /** Only these groups run; the others are reported as skipped. */
  groups?: readonly string[] | null;
  /** Called after each case (progress, streaming output). */
  onResult?: (r: CaseResult) => void;
}

export interface RunSummary {
  results: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs cases in order on one device. */
export async function runCases(
  cases: readonly OpCase[],
  device: Device,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const results: CaseResult[] = [];
  let skipped = 0;
  for (const c of cases) {
    if (opts.groups && !opts.groups.includes(c.group)) {
      skipped++;
      continue;
    }
    const r = await runCase(c, device);
    results.push(r);
    opts.onResult?.(r);
  }
  const passed = results.filter((r) => r.passed).length;
  return { results, passed, failed: results.length - passed, skipped };
}

/** Worst result per group (for reports): the case whose error ratio is largest. */
export function worstByGroup(results: readonly CaseResult[]): Map<string, CaseResult> {
  const m = new Map<string, CaseResult>();
  for (const r of results) {
    const cur = m.get(r.group);
    if (!cur || r.worst > cur.worst) m.set(r.group, r);
  }
  return m;
}
