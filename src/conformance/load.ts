/**
 * Finds and reads the case files of a conformance directory (any `*.json` or `*.json.gz` holding
 * `cases`; large generated sets such as test/fixtures/opinfo are vendored gzipped).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** All cases of a directory, with a guard against two files defining the same name. */
export function loadCases(dir: string): OpCase[] {
  const seen = new Set<string>();
  const out: OpCase[] = [];
  for (const f of loadCaseFiles(dir))
    for (const c of f.cases) {
      if (seen.has(c.name)) throw new Error(`conformance: duplicate case name '${c.name}' (in ${f.path})`);
      seen.add(c.name);
      out.push(c);
    }
  return out;
}
