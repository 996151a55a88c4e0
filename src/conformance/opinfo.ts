/**
 * PyTorch's OpInfo cases (test/fixtures/opinfo, made by shared/opinfo/gen.py) counted the way
 * the op-surface work needs them: per OpInfo entry rather than per case. An entry passes on a
 * device when every one of its cases passes (outputs and gradients); an op the runner cannot
 * bind is a failure. A baseline file lists, per device, the entries that pass today so that a
 * run can fail on a regression without failing on the many entries torchts does not have yet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseResult, OpCase } from './types.js';

/** The OpInfo entry of a case: its name up to the sample index (`nn.functional.pad.reflect/2`). */
export const entryOf = (caseName: string): string => {
  const slash = caseName.lastIndexOf('/');
  return slash < 0 ? caseName : caseName.slice(0, slash);
};

/** Why an entry fails, coarsely: the first failing case's error, sorted into one of these. */
export type FailureKind =
  | 'missing op'
  | 'unsupported arguments'
  | 'throws'
  | 'wrong values'
  | 'wrong shape or dtype'
  | 'wrong outputs';

export function failureKind(error: string): FailureKind {
  if (error.startsWith('unsupported op ')) return 'missing op';
  if (error.startsWith('unsupported ')) return 'unsupported arguments';
  if (/^[A-Za-z]*Error: /.test(error)) return 'throws';
  if (/^(output|grad x|mutated x)[^:]*: (shape|dtype) /.test(error)) return 'wrong shape or dtype';
  if (/^(output|grad x|mutated x)/.test(error)) return 'wrong values';
  return 'wrong outputs'; // tuple length, no gradient where PyTorch has one
}

/** The op a `missing op` error names (`torch.polygamma`), for counting what to add first. */
export const missingOpOf = (error: string): string | null => /^unsupported op (\S+)/.exec(error)?.[1] ?? null;

export interface EntryResult {
  entry: string;
  group: string;
  op: string;
  cases: number;
  passedCases: number;
  passed: boolean;
  /** The first failing case (in file order) and its error; null when the entry passes. */
  firstFailure: { name: string; error: string; kind: FailureKind } | null;
}

export interface GroupCount {
  group: string;
  entries: number;
  passed: number;
}

export interface OpinfoReport {
  device: string;
  entries: number;
  passed: number;
  cases: number;
  passedCases: number;
  groups: GroupCount[];
  /** Failing entries per kind of first failure, most frequent first. */
  kinds: { kind: FailureKind; entries: number }[];
  /** Ops that no binding exists for, with how many entries each blocks, most first. */
  missingOps: { op: string; entries: number }[];
  results: EntryResult[];
}

/** Folds case results into entry results, in the cases' order. */
export function entryResults(cases: readonly OpCase[], results: readonly CaseResult[]): EntryResult[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const entries = new Map<string, EntryResult>();
  for (const c of cases) {
    const r = byName.get(c.name);
    if (!r) continue; // filtered out by --group
    const key = entryOf(c.name);
    let e = entries.get(key);
    if (!e) {
      e = {
        entry: key,
        group: c.group,
        op: c.op,
        cases: 0,
        passedCases: 0,
        passed: true,
        firstFailure: null,
      };
      entries.set(key, e);
    }
    e.cases++;
    if (r.passed) e.passedCases++;
    else {
      e.passed = false;
      if (!e.firstFailure) {
        const error = (r.error ?? 'failed').replace(/\s+/g, ' ');
        e.firstFailure = { name: c.name, error, kind: failureKind(error) };
      }
    }
  }
  return [...entries.values()];
}

const countDesc = <K extends string>(m: Map<K, number>) =>
  [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

export function opinfoReport(
  device: string,
  cases: readonly OpCase[],
  results: readonly CaseResult[],
): OpinfoReport {
  const entries = entryResults(cases, results);
  const groups = new Map<string, GroupCount>();
  const kinds = new Map<FailureKind, number>();
  const missing = new Map<string, number>();
  for (const e of entries) {
    const g = groups.get(e.group) ?? { group: e.group, entries: 0, passed: 0 };
    groups.set(e.group, g);
    g.entries++;
    if (e.passed) g.passed++;
    const f = e.firstFailure;
    if (!f) continue;
    kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
    const op = missingOpOf(f.error);
    if (op) missing.set(op, (missing.get(op) ?? 0) + 1);
  }
  return {
    device,
    entries: entries.length,
    passed: entries.filter((e) => e.passed).length,
    cases: results.length,
    passedCases: results.filter((r) => r.passed).length,
    groups: [...groups.values()].sort((a, b) => b.entries - a.entries || (a.group < b.group ? -1 : 1)),
    kinds: countDesc(kinds).map(([kind, n]) => ({ kind, entries: n })),
    missingOps: countDesc(missing).map(([op, n]) => ({ op, entries: n })),
    results: entries,
  };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');

/**
 * The report as text: per group, the failure kinds, the most blocking missing ops (`missingOps`
 * of them, default 40), then each failing entry with its first error (unless `failures: false`).
 */
export function formatOpinfoReport(
  r: OpinfoReport,
  opts: { failures?: boolean; missingOps?: number } = {},
): string {
  const lines: string[] = [];
  lines.push(
    `OpInfo entries passing on ${r.device}: ${r.passed} / ${r.entries} (${pct(r.passed, r.entries)}); cases ${r.passedCases} / ${r.cases}`,
  );
  const w = Math.max(...r.groups.map((g) => g.group.length), 5);
  for (const g of r.groups)
    lines.push(
      `  ${g.group.padEnd(w)} ${String(g.passed).padStart(4)} / ${String(g.entries).padEnd(4)} ${pct(g.passed, g.entries)}`,
    );
  if (r.kinds.length) {
    lines.push('failing entries by first error:');
    for (const k of r.kinds) lines.push(`  ${k.kind.padEnd(22)} ${k.entries}`);
  }
  if (r.missingOps.length) {
    const shown = r.missingOps.slice(0, opts.missingOps ?? 40);
    const more = r.missingOps.length - shown.length;
    lines.push(
      `missing ops (${r.missingOps.length}; entries blocked where more than one): ${shown.map((m) => (m.entries > 1 ? `${m.op} (${m.entries})` : m.op)).join(', ')}${more ? `, and ${more} more` : ''}`,
    );
  }
  if (opts.failures !== false) {
    lines.push('failing entries:');
    for (const e of r.results)
      if (e.firstFailure)
        lines.push(
          `  FAIL ${e.entry} [${e.group}] ${e.passedCases}/${e.cases} cases; ${e.firstFailure.name}: ${e.firstFailure.error}`,
        );
  }
  return lines.join('\n');
}

/** `passing.json`: per device type, the entries that pass every case (sorted). */
export interface Baseline {
  about?: string;
  devices: Record<string, string[]>;
}

const about = (path: string) =>
  'OpInfo entries that pass every case, per device; npm test fails when one of them stops passing. ' +
  `Regenerate with: npm run conformance -- ${dirname(path)} --device DEV --opinfo --baseline ${path} --update-baseline`;

export function readBaseline(path: string): Baseline {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { devices: {} };
    throw e;
  }
  const devices = (json as { devices?: unknown })?.devices;
  if (typeof devices !== 'object' || devices === null) throw new Error(`${path}: no "devices" object`);
  return json as Baseline;
}

export interface BaselineCheck {
  /** In the baseline for this device, but failing now (with their first error). */
  regressed: EntryResult[];
  /** In the baseline, but no such entry in this run (renamed or dropped from the fixtures). */
  vanished: string[];
  /** Passing now, not yet in the baseline. */
  newlyPassing: string[];
}

/**
 * Compares a run with the baseline of its device. `known` is every entry of the case files, run
 * or not: an entry filtered out of the run (by --group) counts as neither vanished nor regressed.
 */
export function checkBaseline(
  r: OpinfoReport,
  baseline: Baseline,
  deviceKey: string,
  known: ReadonlySet<string>,
): BaselineCheck {
  const listed = new Set(baseline.devices[deviceKey] ?? []);
  const byEntry = new Map(r.results.map((e) => [e.entry, e]));
  const regressed: EntryResult[] = [];
  const vanished: string[] = [];
  for (const name of listed) {
    const e = byEntry.get(name);
    if (e) {
      if (!e.passed) regressed.push(e);
    } else if (!known.has(name)) vanished.push(name);
  }
  const newlyPassing = r.results.filter((e) => e.passed && !listed.has(e.entry)).map((e) => e.entry);
  return { regressed, vanished, newlyPassing };
}

/** Writes this run's passing entries as the baseline of its device, keeping the other devices. */
export function updateBaseline(path: string, r: OpinfoReport, deviceKey: string): Baseline {
  const old = readBaseline(path);
  const devices: Record<string, string[]> = { ...old.devices };
  devices[deviceKey] = r.results
    .filter((e) => e.passed)
    .map((e) => e.entry)
    .sort();
  const sorted: Record<string, string[]> = {};
  for (const k of Object.keys(devices).sort()) sorted[k] = devices[k];
  const b: Baseline = { about: about(path), devices: sorted };
  writeFileSync(path, `${JSON.stringify(b, null, 1)}\n`);
  return b;
}
