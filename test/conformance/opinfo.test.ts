/** OpInfo entry counting, the baseline check, and the vendored OpInfo cases (.json.gz). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCases } from '../../src/conformance/load.js';
import {
  checkBaseline,
  entryOf,
  failureKind,
  missingOpOf,
  opinfoReport,
  readBaseline,
} from '../../src/conformance/opinfo.js';
import type { CaseResult, OpCase } from '../../src/conformance/types.js';

const FIXTURES = 'test/fixtures/opinfo';
const opinfoCases = loadCases(FIXTURES);
const byName = (n: string): OpCase => structuredClone(opinfoCases.find((c) => c.name === n)!);

describe('OpInfo entries', () => {
  it('the vendored cases load from ops.json.gz; every baseline entry is one of them', () => {
    expect(opinfoCases.length).toBe(1807);
    const entries = new Set(opinfoCases.map((c) => entryOf(c.name)));
    expect(entries.size).toBe(519);
    const baseline = readBaseline(join(FIXTURES, 'passing.json'));
    expect(Object.keys(baseline.devices).sort()).toEqual(['cpu', 'webgpu']);
    for (const names of Object.values(baseline.devices)) for (const n of names) expect(entries).toContain(n);
  });
  it('an entry is the case name up to the sample index', () => {
    expect(entryOf('nn.functional.pad.reflect/2')).toBe('nn.functional.pad.reflect');
    expect(entryOf('abs/0')).toBe('abs');
  });
  it('sorts first errors into kinds and names the missing op', () => {
    expect(failureKind('unsupported op torch.acos (torch.acos is not defined)')).toBe('missing op');
    expect(missingOpOf('unsupported op torch.acos (torch.acos is not defined)')).toBe('torch.acos');
    expect(failureKind('unsupported keyword argument torch.round(decimals=...)')).toBe(
      'unsupported arguments',
    );
    expect(failureKind("RangeError: F.pad(): mode 'reflect' is not supported yet")).toBe('throws');
    expect(failureKind('output[0, 1] = 2, expected 1, |diff| 1 (atol 0.00001 + rtol 0.0001)')).toBe(
      'wrong values',
    );
    expect(failureKind('grad x1: shape [2], expected [3]')).toBe('wrong shape or dtype');
    expect(failureKind('returned 1 outputs, expected 2')).toBe('wrong outputs');
  });
  it('an entry passes only when all its cases pass; groups and missing ops are counted per entry', () => {
    const cases = ['abs/0', 'acos/0', 'acos/1', 'add/0', 'add/3'].map(byName);
    const res = (name: string, passed: boolean, error: string | null = null): CaseResult => ({
      name,
      group: cases.find((c) => c.name === name)!.group,
      device: 'cpu',
      passed,
      error,
      worst: 0,
      worstAbs: 0,
    });
    const r = opinfoReport('cpu', cases, [
      res('abs/0', true),
      res('acos/0', false, 'unsupported op torch.acos (torch.acos is not defined)'),
      res('acos/1', false, 'unsupported op torch.acos (torch.acos is not defined)'),
      res('add/0', true),
      res('add/3', false, 'output[0] = 1, expected 2'),
    ]);
    expect([r.entries, r.passed, r.cases, r.passedCases]).toEqual([3, 1, 5, 2]);
    expect(r.results.map((e) => [e.entry, e.passed, e.firstFailure?.kind ?? null])).toEqual([
      ['abs', true, null],
      ['acos', false, 'missing op'],
      ['add', false, 'wrong values'],
    ]);
    expect(r.missingOps).toEqual([{ op: 'torch.acos', entries: 1 }]);
    expect(r.groups.find((g) => g.group === 'elementwise-unary')).toEqual({
      group: 'elementwise-unary',
      entries: 2,
      passed: 1,
    });
    const known = new Set(['abs', 'acos', 'add', 'filtered']);
    const check = checkBaseline(r, { devices: { cpu: ['add', 'filtered', 'gone'] } }, 'cpu', known);
    expect(check.regressed.map((e) => e.entry)).toEqual(['add']);
    expect(check.vanished).toEqual(['gone']);
    expect(check.newlyPassing).toEqual(['abs']);
  });
});

describe('command line --opinfo / --baseline', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'torchts-opinfo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bad = byName('neg/0');
  bad.outputs[0].data[0] = 1e6;
  // An op torchts does not have: a real case renamed, so the count cannot drift as ops are added.
  const missing = { ...byName('acos/0'), name: 'frobnicate/0', op: 'torch.frobnicate' };
  const cases = [byName('abs/0'), bad, missing];
  writeFileSync(join(dir, 'ops.json.gz'), gzipSync(JSON.stringify({ cases })));
  const baseline = join(dir, 'passing.json');
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', dir, '--device', 'cpu', ...args], {
      env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('--opinfo counts entries and lists each failing one with its first error', async () => {
    const r = await cli('--opinfo');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^OpInfo entries passing on cpu: 1 \/ 3 \(33%\); cases 1 \/ 3$/m);
    expect(r.stdout).toMatch(/^ {2}FAIL neg \[elementwise-unary\] 0\/1 cases; neg\/0: output\[0, 0\] = /m);
    expect(r.stdout).toMatch(/^missing ops \(1; .*\): torch\.frobnicate$/m);
    const j = JSON.parse((await cli('--opinfo', '--json')).stdout) as { passed: number; entries: number };
    expect([j.passed, j.entries]).toEqual([1, 3]);
  });
  it('fails only on baseline entries that stop passing; --update-baseline records the passing ones', async () => {
    writeFileSync(baseline, JSON.stringify({ devices: { cpu: ['neg'], webgpu: ['x'] } }));
    const r = await cli('--baseline', baseline);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^REGRESSION neg \[elementwise-unary\] on cpu: neg\/0: output/m);
    expect(r.stdout).toMatch(/1 entries now pass on cpu but are not in the baseline \(abs\)/);
    expect((await cli('--baseline', baseline, '--update-baseline')).code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).devices).toEqual({ cpu: ['abs'], webgpu: ['x'] });
    const ok = await cli('--baseline', baseline);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/no regressions; 1 entries pass, 1 in the baseline/);
  });
});
