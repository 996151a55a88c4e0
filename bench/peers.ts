// The peer side of `npm run bench`: runs each peer found on this machine (PyTorch through Debian's
// python3-torch, TensorFlow.js and jax-js from bench/node_modules) on the SimpleNet workload of
// shared/bench/README.md, each as its own process with a time limit, and parses its result line.
// Peers that are not installed are skipped with a note. The scripts in bench/peers/ are the team's
// baseline scripts (shared/bench/peers), copied with paths adjusted only.
//
//   npx tsx bench/peers.ts [regex over peer ids]     # prints a markdown table of the peers alone
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const PEERS_DIR = path.join(BENCH, 'peers');
const DATA_DIR = path.join(PEERS_DIR, 'data');
/** Where the peers' packages may be installed (Node resolves from bench/peers upwards). */
const MODULE_DIRS = [path.join(BENCH, 'node_modules'), path.join(BENCH, '..', 'node_modules')];
/** sha256 prefixes of the split (shared/bench/mnist-split.md), as make-data.mjs prints them. */
/** GNU time (Debian package `time`): peak RSS of a peer's process. */
const TIME = '/usr/bin/time';
const SPLIT_SHA = { train: '9e6296c89a328fb0', test: 'f9531bdd6ad71c47' };

/** One peer's figures on the SimpleNet / MNIST workload (median of the timed epochs). */
export interface PeerResult {
  /** Configuration id, e.g. `tfjs-wasm` (what `only` matches). */
  id: string;
  /** The peer as it names itself, e.g. `TensorFlow.js core custom loop`. */
  name: string;
  /** `wasm`, `cpu`, `webgpu`, or for PyTorch `CPU, BLAS=libopenblas...`. */
  backend: string;
  version: string | null;
  threads: string | null;
  secPerEpoch: number | null;
  stepsPerSec: number | null;
  /** Test accuracy on the 2,000 held-out digits after 1 warm-up + N timed epochs. */
  acc: number | null;
  /** matmul GFLOP/s, 64x784x128 (the layer-1 forward) and 1024^3. */
  mm64: number | null;
  mm1024: number | null;
  notes: string;
  /** Set when there are no figures: why (not installed, no WebGPU adapter, failed, timed out). */
  skipped?: string;
  /** Wall seconds of the peer's process, start-up included. */
  wallSec: number;
  /** Peak RSS of the peer's whole process in MiB (from /usr/bin/time, where installed). */
  rssMiB: number | null;
}

export interface PeerOptions {
  /** Run only the peers whose id matches (a RegExp, or a list of ids). Default: all. */
  only?: RegExp | string[];
  /** Timed epochs after the warm-up one (default 3, as the baseline). */
  epochs?: number;
  /** Seconds before a peer's process is killed (default 300). */
  timeoutSec?: number;
  /** Python that has torch (default: /usr/bin/python3, Debian's, then `python3` on PATH). */
  python?: string;
  /** Progress and notes (default: stderr). Pass `() => {}` for silence. */
  log?: (line: string) => void;
  /** Also forward every line the peers print (epoch times...) to `log`. */
  verbose?: boolean;
}

interface PeerSpec {
  id: string;
  kind: 'node' | 'python';
  args: string[];
  /** npm packages the script imports. */
  needs: string[];
  webgpu?: boolean;
  env?: Record<string, string>;
}

/** The configurations: the baseline's headline rows (shared/bench/README.md). */
function peerSpecs(openblasDir: string | undefined): PeerSpec[] {
  const torch: PeerSpec = openblasDir
    ? {
        id: 'torch',
        kind: 'python',
        args: ['peer_torch.py', '--threads', '1', '--label', 'OpenBLAS, 1 thread'],
        needs: [],
        env: { LD_LIBRARY_PATH: openblasDir, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      }
    : {
        id: 'torch',
        kind: 'python',
        args: ['peer_torch.py', '--threads', '1', '--label', 'as installed, 1 thread'],
        needs: [],
      };
  const tfjs = ['@tensorflow/tfjs'];
  return [
    torch,
    { id: 'jaxjs-wasm', kind: 'node', args: ['peer_jaxjs.mjs', 'wasm', 'jitstep'], needs: ['@jax-js/jax'] },
    {
      id: 'jaxjs-wasm-eager',
      kind: 'node',
      args: ['peer_jaxjs.mjs', 'wasm', 'demo'],
      needs: ['@jax-js/jax'],
    },
    {
      id: 'tfjs-wasm',
      kind: 'node',
      args: ['peer_tfjs.mjs', 'wasm', 'loop'],
      needs: [...tfjs, '@tensorflow/tfjs-backend-wasm'],
    },
    { id: 'tfjs-cpu', kind: 'node', args: ['peer_tfjs.mjs', 'cpu', 'loop'], needs: tfjs },
    {
      id: 'jaxjs-webgpu',
      kind: 'node',
      args: ['peer_jaxjs.mjs', 'webgpu', 'jitstep'],
      needs: ['@jax-js/jax', 'webgpu'],
      webgpu: true,
    },
    {
      id: 'tfjs-webgpu',
      kind: 'node',
      args: ['peer_tfjs.mjs', 'webgpu', 'loop'],
      needs: [...tfjs, '@tensorflow/tfjs-backend-webgpu', 'webgpu'],
      webgpu: true,
    },
  ];
}

/** Ids of every peer configuration, for `only` and help texts. */
export const PEER_IDS = peerSpecs(undefined).map((s) => s.id);

const installed = (pkg: string) =>
  MODULE_DIRS.some((d) => existsSync(path.join(d, ...pkg.split('/'), 'package.json')));

/**
 * Debian's libopenblas0-pthread: torch picks it up as libblas.so.3 through LD_LIBRARY_PATH.
 * `TORCHTS_OPENBLAS_DIR` names such a directory elsewhere (e.g. the package unpacked with
 * `apt-get download libopenblas0-pthread && dpkg -x *.deb root`, without installing it).
 */
export function findOpenblas(): string | undefined {
  const own = process.env.TORCHTS_OPENBLAS_DIR;
  if (own && existsSync(path.join(own, 'libblas.so.3'))) return own;
  for (const arch of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) {
    const dir = path.join('/usr/lib', arch, 'openblas-pthread');
    if (existsSync(path.join(dir, 'libblas.so.3'))) return dir;
  }
  return undefined;
}

/** A Python that can import torch, or why there is none. */
function findTorch(preferred: string | undefined): { python?: string; why: string } {
  const tried = preferred ? [preferred] : ['/usr/bin/python3', 'python3'];
  const why: string[] = [];
  for (const py of tried) {
    const r = spawnSync(py, ['-c', 'import torch, numpy; print(torch.__version__)'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status === 0) return { python: py, why: '' };
    const last = (r.stderr ?? '').trim().split('\n').pop();
    why.push(`${py}: ${r.error ? r.error.message : last || `exit ${r.status}`}`);
  }
  return {
    why: `no python with torch (${why.join('; ')}); apt-get install python3-torch libopenblas0-pthread`,
  };
}

/** The WebGPU adapter Dawn finds (the same setup the peers use), or why there is none. */
function probeWebgpu(): { adapter?: string; why: string } {
  if (!installed('webgpu')) return { why: 'npm package webgpu not installed' };
  const code =
    "const m = await import('./webgpu-node-setup.mjs'); console.log(await m.adapterInfo()); process.exit(0);";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: PEERS_DIR,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  const out = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !out || out === 'no adapter')
    return {
      why: `no WebGPU adapter (${out || r.error?.message || (r.stderr ?? '').trim().split('\n')[0]})`,
    };
  return { adapter: out, why: '' };
}

/** Writes bench/peers/data (the split every peer reads) once, and checks its hashes. */
export function ensurePeerData(log: (line: string) => void = console.error): void {
  const files = ['train-images.f32', 'train-labels.u8', 'test-images.f32', 'test-labels.u8'];
  if (files.every((f) => existsSync(path.join(DATA_DIR, f)))) return;
  log('peers: writing bench/peers/data (make-data.mjs)');
  const r = spawnSync(process.execPath, [path.join(PEERS_DIR, 'make-data.mjs')], {
    cwd: PEERS_DIR,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`make-data.mjs failed: ${(r.stderr || r.stdout || '').trim()}`);
  for (const [split, sha] of Object.entries(SPLIT_SHA))
    if (!new RegExp(`^${split}: .*sha256\\[0:16\\] ${sha}$`, 'm').test(r.stdout))
      throw new Error(`make-data.mjs wrote a ${split} split that is not mnist-split.md's:\n${r.stdout}`);
}

/**
 * The figures of the last `RESULT {json}` line a peer script prints (common.mjs `report`, peer_torch.py),
 * or undefined when there is none.
 */
export function parseResultLine(output: string): Omit<PeerResult, 'id' | 'wallSec' | 'rssMiB'> | undefined {
  const line = output
    .split('\n')
    .filter((l) => l.startsWith('RESULT '))
    .pop();
  if (!line) return undefined;
  const r = JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v));
  return {
    name: String(r.peer ?? '?'),
    backend: String(r.backend ?? '?'),
    version: str(r.version),
    threads: str(r.threads),
    secPerEpoch: num(r.s_per_epoch),
    stepsPerSec: num(r.steps_per_s),
    acc: num(r.test_acc),
    mm64: num(r.mm_small_gflops),
    mm1024: num(r.mm_big_gflops),
    notes: String(r.notes ?? ''),
  };
}

/**
 * Runs a command with a time limit. The peers start threads, not processes, so killing the child is
 * enough; it stays in our process group, so Ctrl-C stops it with us.
 */
function runProcess(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutSec: number,
  onLine: (line: string) => void,
): Promise<{ code: number | null; output: string; timedOut: boolean; wallSec: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let output = '';
    let pending = '';
    let timedOut = false;
    const child: ChildProcess = spawn(cmd, args, { cwd: PEERS_DIR, env });
    const take = (chunk: Buffer) => {
      const s = chunk.toString();
      output += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      orphans();
      child.kill('SIGKILL');
    }, timeoutSec * 1000);
    const done = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut, wallSec: (performance.now() - t0) / 1000 });
    };
    // under /usr/bin/time the peer is its child: kill that one too
    const orphans = () => {
      try {
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
        for (const pid of kids.split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {}
    };
    timer.unref?.();
    child.on('error', (e) => {
      output += `\n${e.message}`;
      done(null);
    });
    child.on('close', done);
  });
}

/**
 * Runs every peer installed on this machine on the SimpleNet workload, one process at a time, and
 * returns one row per peer configuration; rows of peers that did not run carry `skipped` (the reason)
 * and null figures.
 * @example
 * const rows = await runPeers({ only: /wasm|torch/, epochs: 3 });
 * for (const r of rows.filter((r) => !r.skipped)) console.log(r.name, r.backend, r.secPerEpoch);
 */
export async function runPeers(opts: PeerOptions = {}): Promise<PeerResult[]> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const epochs = opts.epochs ?? 3;
  const timeoutSec = opts.timeoutSec ?? 300;
  const wanted = (id: string) =>
    opts.only === undefined ? true : Array.isArray(opts.only) ? opts.only.includes(id) : opts.only.test(id);
  const specs = peerSpecs(findOpenblas()).filter((s) => wanted(s.id));
  if (specs.length === 0) return [];
  ensurePeerData(log);

  const env = {
    ...process.env,
    TIMED_EPOCHS: String(epochs),
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', // silences Dawn/Vulkan warnings
  };
  let torch: ReturnType<typeof findTorch> | undefined;
  let webgpu: ReturnType<typeof probeWebgpu> | undefined;
  const results: PeerResult[] = [];
  for (const spec of specs) {
    const blank = {
      id: spec.id,
      name: spec.id,
      backend: spec.webgpu ? 'webgpu' : '',
      version: null,
      threads: null,
      secPerEpoch: null,
      stepsPerSec: null,
      acc: null,
      mm64: null,
      mm1024: null,
      notes: '',
      wallSec: 0,
      rssMiB: null,
    };
    const skip = (why: string) => {
      log(`peers: ${spec.id}: skipped: ${why}`);
      results.push({ ...blank, skipped: why });
    };
    const missing = spec.needs.filter((p) => !installed(p));
    if (missing.length > 0) {
      skip(`not installed: ${missing.join(', ')} (cd bench && npm install --ignore-scripts)`);
      continue;
    }
    let cmd = process.execPath;
    let args = spec.args;
    if (spec.kind === 'python') {
      torch ??= findTorch(opts.python);
      if (!torch.python) {
        skip(torch.why);
        continue;
      }
      cmd = torch.python;
      args = [...args, '--epochs', String(epochs)];
    }
    if (spec.webgpu) {
      webgpu ??= probeWebgpu();
      if (!webgpu.adapter) {
        skip(webgpu.why);
        continue;
      }
    }
    log(`peers: ${spec.id}: ${path.basename(cmd)} ${args.join(' ')}`);
    // peak RSS of the whole process, as shared/bench/RESULTS.md measured it
    if (existsSync(TIME)) [cmd, args] = [TIME, ['-f', 'PEAK_RSS_KB %M', cmd, ...args]];
    const run = await runProcess(cmd, args, { ...env, ...spec.env }, timeoutSec, (l) => {
      if (opts.verbose) log(`  ${spec.id}| ${l}`);
    });
    const parsed = parseResultLine(run.output);
    if (parsed) {
      const kb = /^PEAK_RSS_KB (\d+)$/m.exec(run.output)?.[1];
      results.push({ ...blank, ...parsed, wallSec: run.wallSec, rssMiB: kb ? Number(kb) / 1024 : null });
      continue;
    }
    const lastError =
      run.output
        .split('\n')
        .filter((l) => /error/i.test(l))
        .shift() ??
      run.output.trim().split('\n').pop() ??
      '';
    skip(
      run.timedOut
        ? `timed out after ${timeoutSec} s`
        : `failed (exit ${run.code}): ${lastError.trim().slice(0, 300)}`,
    );
  }
  return results;
}

/** A markdown table of peer rows (the lead's bench/run.ts prints its own, with torchts). */
export function peerTable(rows: PeerResult[]): string {
  const f = (v: number | null, d: number) => (v === null ? '—' : v.toFixed(d));
  const out = [
    '| peer | id | version | backend | s/epoch | steps/s | test acc | matmul 64x784x128 GFLOP/s | matmul 1024³ GFLOP/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows)
    out.push(
      r.skipped
        ? `| ${r.id} | ${r.id} | | | skipped: ${r.skipped.replace(/\|/g, '\\|')} | | | | |`
        : `| ${r.name} | ${r.id} | ${r.version ?? ''} | ${r.backend} | ${f(r.secPerEpoch, 3)} | ${f(r.stepsPerSec, 1)} | ${f(r.acc, 4)} | ${f(r.mm64, 1)} | ${f(r.mm1024, 1)} |`,
    );
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const filter = process.argv[2];
  const rows = await runPeers({
    only: filter ? new RegExp(filter) : undefined,
    verbose: process.env.VERBOSE === '1',
  });
  console.log(peerTable(rows));
}
