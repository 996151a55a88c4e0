/**
 * `conformance DIR --opinfo [--baseline FILE [--update-baseline]]`: the per-OpInfo-entry report
 * of src/conformance/opinfo.ts, as text or (--json) one object, and the regression check against
 * a baseline of passing entries. Exit status: with a baseline, 1 only when a baseline entry no
 * longer passes (or vanished from the cases); without one, 1 when any entry fails.
 */
import {
  checkBaseline,
  entryOf,
  formatOpinfoReport,
  opinfoReport,
  readBaseline,
  updateBaseline,
} from '../conformance/opinfo.js';
import type { RunSummary } from '../conformance/run.js';
import type { OpCase } from '../conformance/types.js';
import type { Device } from '../tensor/device.js';

export interface OpinfoCli {
  baseline: string | null;
  updateBaseline: boolean;
  json: boolean;
  verbose: boolean;
  groups: string[] | null;
}

export function opinfoMain(
  cli: OpinfoCli,
  cases: readonly OpCase[],
  device: Device,
  summary: RunSummary,
): number {
  const key = device.type; // one baseline per device kind: cpu, webgpu
  const report = opinfoReport(device.toString(), cases, summary.results);
  const known = new Set(cases.map((c) => entryOf(c.name)));
  const baseline = cli.baseline ? readBaseline(cli.baseline) : null;
  const check = baseline ? checkBaseline(report, baseline, key, known) : null;
  if (cli.json) console.log(JSON.stringify({ ...report, baseline: check }));
  else {
    // With a baseline (npm test) the failing list is long and expected: print it on --verbose only.
    console.log(
      formatOpinfoReport(report, {
        failures: !check || cli.verbose,
        missingOps: cli.verbose ? Infinity : 40,
      }),
    );
  }
  if (cli.updateBaseline && cli.baseline) {
    const b = updateBaseline(cli.baseline, report, key);
    console.error(`opinfo: wrote ${b.devices[key].length} passing ${key} entries to ${cli.baseline}`);
    return 0;
  }
  if (!check) return report.passed === report.entries ? 0 : 1;
  const log = cli.json ? console.error : console.log;
  for (const e of check.regressed)
    log(
      `REGRESSION ${e.entry} [${e.group}] on ${report.device}: ${e.firstFailure?.name}: ${e.firstFailure?.error}`,
    );
  for (const n of check.vanished) log(`REGRESSION ${n}: in ${cli.baseline} but no case of it was found`);
  if (check.newlyPassing.length)
    log(
      `opinfo: ${check.newlyPassing.length} entries now pass on ${key} but are not in the baseline (${check.newlyPassing.join(', ')}); ` +
        `record them: npm run conformance -- DIR --device ${key} --opinfo --baseline ${cli.baseline} --update-baseline`,
    );
  const bad = check.regressed.length + check.vanished.length;
  log(
    `opinfo baseline ${cli.baseline} (${key}): ${bad ? `${bad} regressions` : 'no regressions'}; ${report.passed} entries pass, ${(baseline?.devices[key] ?? []).length} in the baseline`,
  );
  return bad ? 1 : 0;
}
