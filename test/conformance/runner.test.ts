/** The conformance runner: its verdicts (with negative controls) and the command line. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { callOp, makeInput, prepareDevice, runCase, runCases } from '../../src/conformance/index.js';
import type { OpCase } from '../../src/conformance/types.js';
import * as torch from '../../src/index.js';
import { allCases } from '../helpers/conformance.js';

const byName = (n: string): OpCase => structuredClone(allCases().find((c) => c.name === n)!);
const cpu = torch.device('cpu');

describe('runCase verdicts', () => {
  it('passes PyTorch cases and reports the worst error as a fraction of the tolerance', async () => {
    const r = await runCase(byName('sum/dim_neg1_keepdim'), cpu);
    expect(r).toMatchObject({
      name: 'sum/dim_neg1_keepdim',
      group: 'reduce',
      device: 'cpu',
      passed: true,
      error: null,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });
  it('a perturbed expected output fails and names the element', async () => {
    const c = byName('exp');
    c.outputs[0].data[7] = (c.outputs[0].data[7] as number) + 1e-3;
    const r = await runCase(c, cpu);
    expect(r.passed).toBe(false);
    expect(r.error).toMatch(/^output\[1, 2\] = .*, expected .*\|diff\| .*\(atol 0.000001 \+ rtol 0.00001\)$/);
    expect(r.worst).toBeGreaterThan(1);
  });
  it('a perturbed expected gradient fails on that input', async () => {
    const c = byName('mul/3x1_1x4');
    c.grads![1]!.data[0] = (c.grads![1]!.data[0] as number) * 1.01;
    expect((await runCase(c, cpu)).error).toMatch(/^grad x1\[0, 0\]/);
  });
  it('NaN and infinities must match exactly; ints and bools exactly', async () => {
    const c = byName('log');
    c.outputs[0].data[0] = 'nan';
    expect((await runCase(c, cpu)).error).toMatch(/expected NaN/);
    const a = byName('argmax/dim');
    a.outputs[0].data[0] = (a.outputs[0].data[0] as number) + 1;
    expect((await runCase(a, cpu)).error).toMatch(/\(exact\)/);
    const b = byName('lt/3x4_3x4');
    b.outputs[0].data[0] = b.outputs[0].data[0] === 1 ? 0 : 1;
    expect((await runCase(b, cpu)).passed).toBe(false);
  });
  it('shape, dtype and output-count mismatches fail', async () => {
    const s = byName('sum/dim1');
    s.outputs[0].shape = [5, 4];
    expect((await runCase(s, cpu)).error).toMatch(/shape \[4, 6\], expected \[5, 4\]/);
    const d = byName('eq/3x4_3x4');
    d.outputs[0].dtype = 'float32';
    expect((await runCase(d, cpu)).error).toMatch(/dtype bool, expected float32/);
    const m = byName('max/dim');
    m.outputs.pop();
    expect((await runCase(m, cpu)).error).toMatch(/returned 2 outputs, expected 1/);
  });
  it('unsupported ops and keywords are failures, not skips', async () => {
    const c = byName('neg');
    c.op = 'torch.frobnicate';
    expect(await runCase(c, cpu)).toMatchObject({
      passed: false,
      error: 'unsupported op torch.frobnicate (torch.frobnicate is not defined)',
    });
    const k = byName('neg');
    k.kwargs = { out: 1 };
    expect((await runCase(k, cpu)).error).toMatch(/unsupported keyword argument torch.neg\(out=...\)/);
    const summary = await runCases([byName('neg'), c], cpu);
    expect([summary.passed, summary.failed, summary.skipped]).toEqual([1, 1, 0]);
  });
  it('int64 inputs outside int32 fail the case with the range error', async () => {
    const c = byName('gather');
    c.inputs[1].data[0] = 2 ** 33;
    expect((await runCase(c, cpu)).error).toMatch(/8589934592 does not fit int32/);
  });
  it('group filters skip the rest', async () => {
    const s = await runCases([byName('neg'), byName('sum/all')], cpu, { groups: ['reduce'] });
    expect([s.passed, s.failed, s.skipped]).toEqual([1, 0, 1]);
  });
});

describe('inputs and mapping', () => {
  it('noncontiguous inputs are strided views holding the same values; requires_grad makes leaves', () => {
    const spec = {
      shape: [2, 3],
      dtype: 'float32' as const,
      data: [1, 2, 3, 4, 5, 6],
      noncontiguous: true,
      requires_grad: true,
    };
    const x = makeInput(spec, cpu);
    expect(x.isContiguous()).toBe(false);
    expect(x.isLeaf && x.requiresGrad).toBe(true);
    expect(Array.from(x.toArraySync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      makeInput({ shape: [3], dtype: 'float32', data: [1, 2, 3], noncontiguous: true }, cpu).isContiguous(),
    ).toBe(false);
    expect(makeInput({ shape: [2], dtype: 'int64', data: [5, -1] }, cpu).dtype).toBe('int64');
  });
  it('positional and keyword forms bind to the same parameters', () => {
    const x = torch.arange(6, { dtype: 'float32' }).reshape([2, 3]);
    const a = callOp('torch.sum', [x], [1, true], {})[0];
    const b = callOp('torch.sum', [x], [], { dim: 1, keepdim: true })[0];
    expect(a.shape).toEqual([2, 1]);
    expect(Array.from(a.toArraySync())).toEqual(Array.from(b.toArraySync()));
    // Cases record some positional arguments as keywords; positionals fill what is left.
    expect(
      Array.from(callOp('torch.index_select', [x, torch.tensor([2, 0])], [], { dim: 1 })[0].toArraySync()),
    ).toEqual([2, 0, 5, 3]);
    expect(() => callOp('torch.sum', [x], [1, true, 3], {})).toThrow(
      /4 positional arguments for parameters \(input, dim, keepdim\)/,
    );
  });
  // ── sort/misc (helper sortmisc) ──
  it("Python's operator hooks and Tensor properties: __rsub__ swaps operands, x.T reads the getter", () => {
    const x = torch.tensor([1, 2, 4]);
    const two = torch.tensor(2);
    const vals = (op: string) => Array.from(callOp(op, [x, two], [], {})[0].toArraySync());
    expect(vals('Tensor.__rsub__')).toEqual([1, 0, -2]); // 2 - x
    expect(vals('Tensor.__rdiv__')).toEqual([2, 1, 0.5]); // 2 / x
    expect(vals('Tensor.__rpow__')).toEqual([2, 4, 16]); // 2 ** x
    expect(vals('Tensor.__rmod__')).toEqual([0, 0, 2]); // 2 % x
    expect(vals('Tensor.__mul__')).toEqual([2, 4, 8]);
    const m = torch.arange(6, { dtype: 'float32' }).reshape([2, 3]);
    expect(callOp('Tensor.T', [m], [], {})[0].shape).toEqual([3, 2]);
    expect(callOp('Tensor.mH', [m], [], {})[0].shape).toEqual([3, 2]);
    expect(() => callOp('Tensor.__nosuch__', [x], [], {})).toThrow(/unsupported op Tensor.__nosuch__/);
  });
  it('a WebGPU request without an adapter or backend is a clear error', async () => {
    const webgpu = (torch as unknown as { webgpu?: { isAvailable(): boolean } }).webgpu;
    if (webgpu?.isAvailable()) expect((await prepareDevice('webgpu')).type).toBe('webgpu');
    else await expect(prepareDevice('webgpu')).rejects.toThrow(/--device webgpu: /);
  });
});

describe('command line', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'torchts-conformance-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bad = byName('exp');
  bad.name = 'exp/perturbed';
  bad.outputs[0].data[0] = 1e6;
  writeFileSync(join(dir, 'ops.json'), JSON.stringify({ cases: [byName('exp'), bad, byName('sum/all')] }));
  writeFileSync(join(dir, 'training.json'), JSON.stringify({ trajectories: [] })); // no trajectories: nothing more to run
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', dir, ...args], {
      env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('prints failing cases and "N passed, N failed", exits 1 on a failure; --group adds skipped', async () => {
    const r = await cli('--device', 'cpu');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL exp\/perturbed \[elementwise\] on cpu: output\[0, 0\] = .*expected 1000000/m,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toBe('2 passed, 1 failed');
    const g = await cli('--group', 'reduce');
    expect(g.code).toBe(0);
    expect(g.stdout.trim()).toBe('1 passed, 0 failed, 2 skipped');
  });
  it('--json prints one object with a line per case', async () => {
    const r = await cli('--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { cases: { name: string; passed: boolean; error: string | null }[] };
    expect(out.cases.map((c) => [c.name, c.passed])).toEqual([
      ['exp', true],
      ['exp/perturbed', false],
      ['sum/all', true],
    ]);
    expect(Object.keys(out.cases[0]).sort()).toEqual(['device', 'error', 'group', 'name', 'passed']);
  });
  it('usage errors exit 2', async () => {
    const r = await cli('--group', 'nosuchgroup');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown group\(s\) nosuchgroup/);
  });
});
