/**
 * `npm run conformance -- DIR [--device cpu|webgpu] [--group a,b] [--verbose] [--json]`
 *
 * Runs every case file of the shared/conformance format in DIR (test/fixtures/pytorch/FORMAT.md)
 * on one device, and DIR's training.json trajectories and schedulers (groups `training` and
 * `scheduler`, one result each). Prints one line per failing case with its worst error (every case with
 * --verbose) and a closing `N passed, N failed` line (`, N skipped` when --group filtered some
 * out); --json prints one object `{cases: [{name, group, device, passed, error}]}` instead.
 * Exits 1 when any case fails (unsupported ops are failures), 2 on a usage or set-up error.
 * --opinfo counts OpInfo entries instead of cases, --baseline FILE fails only on entries of FILE
 * that stop passing, --update-baseline rewrites FILE (see conformance-opinfo.ts).
 */
import {
  loadCases,
  loadTraining,
  prepareDevice,
  runCases,
  runTraining,
  worstByGroup,
} from '../conformance/index.js';
import type { TrainingFixtures } from '../conformance/training.js';
import type { CaseResult, OpCase } from '../conformance/types.js';
import type { Device } from '../tensor/device.js';
import { opinfoMain } from './conformance-opinfo.js';

const USAGE =
  'usage: conformance DIR [--device cpu|webgpu] [--group g1,g2] [--verbose] [--json] [--opinfo [--baseline FILE [--update-baseline]]]';

interface Cli {
  dir: string;
  device: string;
  groups: string[] | null;
  verbose: boolean;
  json: boolean;
  opinfo: boolean;
  baseline: string | null;
  updateBaseline: boolean;
}

function parse(argv: readonly string[]): Cli {
  const cli: Cli = {
    dir: '',
    device: 'cpu',
    groups: null,
    verbose: false,
    json: false,
    opinfo: false,
    baseline: null,
    updateBaseline: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
      return v;
    };
    if (a === '--device' || a.startsWith('--device=')) cli.device = value('--device');
    else if (a === '--group' || a.startsWith('--group=') || a === '--groups' || a.startsWith('--groups='))
      cli.groups = value('--group')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean);
    else if (a === '--verbose' || a === '-v') cli.verbose = true;
    else if (a === '--json') cli.json = true;
    else if (a === '--opinfo') cli.opinfo = true;
    else if (a === '--baseline' || a.startsWith('--baseline=')) cli.baseline = value('--baseline');
    else if (a === '--update-baseline') cli.updateBaseline = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!cli.dir) cli.dir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!cli.dir) throw new Error('a case directory is required');
  if (cli.baseline || cli.updateBaseline) cli.opinfo = true;
  if (cli.updateBaseline && !cli.baseline) throw new Error('--update-baseline needs --baseline FILE');
  if (cli.updateBaseline && cli.groups) throw new Error('--update-baseline records a full run: drop --group');
  return cli;
}

const fmtErr = (r: CaseResult) => (r.error ?? '').replace(/\s+/g, ' ');

async function main(): Promise<number> {
  let cli: Cli;
  try {
    cli = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`conformance: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let cases: OpCase[];
  let training: TrainingFixtures | null;
  let device: Device;
  try {
    cases = loadCases(cli.dir);
    training = loadTraining(cli.dir);
    if (cases.length === 0 && !training)
      throw new Error(`no case files (JSON with "cases") and no training.json in ${cli.dir}`);
    if (cli.groups) {
      const known = new Set([...cases.map((c) => c.group), ...(training ? ['training', 'scheduler'] : [])]);
      const unknown = cli.groups.filter((g) => !known.has(g));
      if (unknown.length)
        throw new Error(`unknown group(s) ${unknown.join(', ')}; the cases have ${[...known].join(', ')}`);
    }
    device = await prepareDevice(cli.device);
  } catch (e) {
    const msg = (e as Error).message;
    // A machine without a GPU skips the WebGPU run; CI sets TORCHTS_REQUIRE_WEBGPU=1 to fail.
    if (/no WebGPU adapter/.test(msg) && process.env.TORCHTS_REQUIRE_WEBGPU !== '1') {
      console.log(`conformance: skipped (${msg}); set TORCHTS_REQUIRE_WEBGPU=1 to fail instead`);
      return 0;
    }
    console.error(`conformance: ${msg}`);
    return 2;
  }
  const onResult =
    cli.json || cli.opinfo
      ? undefined
      : (r: CaseResult) => {
          if (!r.passed) console.log(`FAIL ${r.name} [${r.group}] on ${r.device}: ${fmtErr(r)}`);
          else if (cli.verbose)
            console.log(
              `ok   ${r.name} [${r.group}] on ${r.device}: worst ${r.worst.toFixed(3)} of tolerance, max |diff| ${r.worstAbs.toExponential(2)}`,
            );
        };
  const summary = await runCases(cases, device, { groups: cli.groups, onResult });
  if (cli.opinfo) return opinfoMain(cli, cases, device, summary);
  if (training) {
    // Trajectories and schedulers: printed one line each (ok or FAIL) and counted like cases.
    const show = (r: CaseResult) => {
      if (r.passed && !cli.verbose && !cli.json)
        console.log(`ok   ${r.name} [${r.group}] on ${r.device}: worst ${r.worst.toFixed(3)} of tolerance`);
      else onResult?.(r);
    };
    const want = (g: string) => !cli.groups || cli.groups.includes(g);
    const fx = {
      ...training,
      trajectories: want('training') ? training.trajectories : [],
      schedulers: want('scheduler') ? training.schedulers : [],
    };
    summary.skipped += training.trajectories.length + training.schedulers.length;
    summary.skipped -= fx.trajectories.length + fx.schedulers.length;
    for (const r of await runTraining(fx, device, show)) {
      summary.results.push(r);
      if (r.passed) summary.passed++;
      else summary.failed++;
    }
  }
  if (cli.json) {
    const out = {
      cases: summary.results.map(({ name, group, device: d, passed, error }) => ({
        name,
        group,
        device: d,
        passed,
        error,
      })),
    };
    console.log(JSON.stringify(out));
  } else {
    if (cli.verbose)
      for (const [g, r] of worstByGroup(summary.results))
        console.log(
          `worst in ${g}: ${r.name}, ${Number.isFinite(r.worst) ? `${r.worst.toFixed(3)} of tolerance, max |diff| ${r.worstAbs.toExponential(2)}` : fmtErr(r)}`,
        );
    console.log(
      `${summary.passed} passed, ${summary.failed} failed${cli.groups ? `, ${summary.skipped} skipped` : ''}`,
    );
  }
  return summary.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 2;
  },
);
