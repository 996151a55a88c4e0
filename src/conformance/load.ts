/**
 * Finds and reads the case files of a conformance directory (any `*.json` or `*.json.gz` holding
 * `cases`; large generated sets such as test/fixtures/opinfo are vendored gzipped).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CaseFile, OpCase } from './types.js';

const isOpCase = (c: unknown): c is OpCase =>
  typeof c === 'object' && c !== null && 'op' in c && 'inputs' in c && 'outputs' in c;

/**
 * Every file of the ops.json format under `dir` (or `dir` itself when it is a file), in name
 * order. Other JSON files (training.json's trajectories) are not op cases and are left out.
 */
export function loadCaseFiles(dir: string): CaseFile[] {
  const paths = statSync(dir).isDirectory()
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json') || f.endsWith('.json.gz'))
        .sort()
        .map((f) => join(dir, f))
    : [dir];
  const files: CaseFile[] = [];
  for (const path of paths) {
    const raw = readFileSync(path);
    const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || !Array.isArray((json as { cases?: unknown }).cases))
      continue;
    const { cases, generator } = json as { cases: unknown[]; generator?: string };
    if (!cases.every(isOpCase)) continue;
    files.push({ path, generator, cases });
  }
  return files;
}

/**
 * A case whose reference values are replaced by PyTorch's float64 result (rounded to float32),
 * where PyTorch's own float32 result is degenerate; made by scripts/opinfo-f64-overrides.py and
 * kept in `reference-overrides.json` beside the cases, each with its reason.
 */
interface Override {
  name: string;
  reason: string;
  outputs?: OpCase['outputs'];
  grads?: OpCase['grads'];
}

function loadOverrides(dir: string): Override[] {
  const path = join(dir, 'reference-overrides.json');
  if (!statSync(dir).isDirectory() || !existsSync(path)) return [];
  const json = JSON.parse(readFileSync(path, 'utf8')) as { overrides?: Override[] };
  return json.overrides ?? [];
}

/**
 * All cases of a directory, with a guard against two files defining the same name, and the
 * directory's reference overrides applied (an override naming no case is an error).
 */
export function loadCases(dir: string): OpCase[] {
  const seen = new Map<string, OpCase>();
  const out: OpCase[] = [];
  for (const f of loadCaseFiles(dir))
    for (const c of f.cases) {
      if (seen.has(c.name)) throw new Error(`conformance: duplicate case name '${c.name}' (in ${f.path})`);
      seen.set(c.name, c);
      out.push(c);
    }
  for (const o of loadOverrides(dir)) {
    const c = seen.get(o.name);
    if (!c)
      throw new Error(`conformance: reference-overrides.json names '${o.name}', which ${dir} does not have`);
    if (o.outputs) c.outputs = o.outputs;
    if (o.grads) c.grads = o.grads;
  }
  return out;
}
