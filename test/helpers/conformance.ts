/**
 * Test helpers over the conformance library (src/conformance) and gradcheck (src/autograd):
 * `expectConformance(name, device)` holds one PyTorch case to its tolerance, `expectGradcheck`
 * compares backward with central differences, `expectSameAsCpu` a device with the CPU.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type GradcheckOptions, gradcheck } from '../../src/autograd/gradcheck.js';
import { loadCases, prepareDevice, runCase } from '../../src/conformance/index.js';
import type { OpCase } from '../../src/conformance/types.js';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

export const CASE_DIR = fileURLToPath(new URL('../fixtures/pytorch', import.meta.url));

let cache: OpCase[] | null = null;
/** Every case of the vendored PyTorch reference (test/fixtures/pytorch/ops.json). */
export function allCases(): OpCase[] {
  cache ??= loadCases(CASE_DIR);
  return cache;
}
/** Names of the cases in the given groups. */
export const caseNames = (...groups: string[]): string[] =>
  allCases()
    .filter((c) => groups.includes(c.group))
    .map((c) => c.name);

/** Runs one named case on `device` and fails with the runner's message (worst element). */
export async function expectConformance(caseName: string, device: string): Promise<void> {
  const c = allCases().find((x) => x.name === caseName);
  if (!c) throw new Error(`no conformance case named '${caseName}'`);
  const r = await runCase(c, await prepareDevice(device));
  expect(r.error, `${caseName} on ${device}`).toBeNull();
  expect(r.passed).toBe(true);
}

/**
 * Finite-difference gradcheck (float32 central differences along random directions vs
 * backward) that fails with the per-input numbers.
 */
export async function expectGradcheck(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): Promise<void> {
  const r = await gradcheck(fn, inputs, opts);
  const bad = r.details.filter((d) => !(d.error <= 1));
  expect(bad, `gradcheck: ${JSON.stringify(r.details)}`).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.details.length).toBeGreaterThan(0);
}

/** A float32 leaf of the given shape with N(0, 1) values on `device`, requiring grad. */
export function leaf(
  shape: number[],
  device: string,
  seed = 1,
  opts: { scale?: number; shift?: number } = {},
): Tensor {
  const g = new torch.Generator(seed);
  let x = torch.randn(shape, { generator: g });
  if (opts.scale !== undefined) x = x.mul(opts.scale);
  if (opts.shift !== undefined) x = x.add(opts.shift);
  return x.to(device).detach().requiresGrad_(true);
}

/** Like `leaf`, but a non-contiguous view (transposed storage) holding the same kind of values. */
export function ncLeaf(
  shape: number[],
  device: string,
  seed = 1,
  opts: { scale?: number; shift?: number } = {},
): Tensor {
  const s = [...shape];
  [s[s.length - 1], s[s.length - 2]] = [s[s.length - 2], s[s.length - 1]];
  const x = leaf(s, device, seed, opts).detach().transpose(-1, -2);
  expect(x.isContiguous()).toBe(false);
  return x.requiresGrad_(true);
}

/** Runs fn on the CPU and on `device` with the same random inputs; values must agree. */
export async function expectSameAsCpu(
  fn: (...xs: Tensor[]) => Tensor,
  shapes: number[][],
  device: string,
  tol = { atol: 1e-5, rtol: 1e-4 },
): Promise<void> {
  const g = new torch.Generator(7);
  const cpuIn = shapes.map((s) => torch.randn(s, { generator: g }));
  const want = await fn(...cpuIn).toArray();
  const got = await fn(...cpuIn.map((x) => x.to(device))).toArray();
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    if (!(Math.abs(got[i] - want[i]) <= tol.atol + tol.rtol * Math.abs(want[i])))
      throw new Error(`${device} differs from cpu at flat index ${i}: ${got[i]} vs ${want[i]}`);
}

/** Reads a tensor as a plain number array (any device). */
export const values = async (t: Tensor): Promise<number[]> => Array.from(await t.toArray());

/**
 * A leaf whose values are distinct, at least 0.1 apart and away from 0 (a shuffled grid), for
 * gradchecks of ops with kinks (max, abs, sort-like picks): a finite-difference step then never
 * crosses a tie or a kink, so a failure is the gradient's.
 */
export function distinctLeaf(shape: number[], device: string, seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = torch.randperm(n, { generator: new torch.Generator(seed) });
  const x = perm
    .float()
    .sub((n - 1) / 2)
    .add(0.05)
    .mul(0.1)
    .reshape(shape);
  return x.to(device).detach().requiresGrad_(true);
}
