/**
 * A second core for large products: one worker thread runs the same wasm kernels over the
 * same (shared) wasm memory. The main thread packs everything, then both threads take chunks
 * of B panels (columns of C) from one Atomics counter, and `sgemm` stays synchronous by
 * waiting on an Atomics word until the worker has finished its last chunk.
 *
 * Node only (worker_threads via process.getBuiltinModule, Node >= 20.16); elsewhere, or until
 * the worker has started and compiled, everything runs on the calling thread.
 */

/**
 * torch.set_num_threads: how many threads one product may use (the calling thread plus at most
 * one helper, so values above 2 act as 2). Defaults to the cores this process may use, at most 2.
 */
export const intraOp = {
  threads: defaultThreads(),
  /** Products handed to the helper thread so far (tests and benchmarks read it). */
  shared: 0,
};

function defaultThreads(): number {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const n = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(2, n));
}

/**
 * Products below this many multiply-adds stay on one thread (the wasm engine's helper, and a
 * system BLAS's threads: blas.ts). Measured on the 2-vCPU Zen 4 VM:
 * 256^3 and up go from ~58 to ~107-114 GFLOP/s on two threads; the tutorial's 64x784x128
 * products (6.4e6) gain 250 -> 160 us when the second vCPU is free, but lose (250 -> 380 us)
 * when the host is contended, as the main thread then waits on a descheduled worker. Small
 * products are most of a training step, so they stay single-threaded and predictable.
 */
export const PARALLEL_MIN_MACS = 16e6;

/** The packed product, in float units: see `runShare`. */
export type Job = readonly number[];
export type BlockFn = (
  ap: number,
  bp: number,
  c: number,
  ldc: number,
  kc: number,
  mp: number,
  np: number,
  load: boolean,
) => void;

/**
 * Runs B panels [np0, np1) of a fully packed product. job = [ap, bp, c, ldc, kc, nk, mp, mcp,
 * aStep, bStep, load, mr, nr]: nk K blocks of kc, A packed as mp panels per K block (aStep
 * floats apart), B likewise (bStep), C rows blocked by mcp panels so an A block stays in L2.
 * Plain JS with no free variables: the worker gets it as source text (toString).
 */
export function runShare(block: BlockFn, job: Job, np0: number, np1: number): void {
  const [ap, bp, c, ldc, kc, nk, mp, mcp, aStep, bStep, load, mr, nr] = job;
  if (np1 <= np0) return;
  for (let kb = 0; kb < nk; kb++)
    for (let ip = 0; ip < mp; ip += mcp)
      block(
        ap + kb * aStep + ip * kc * mr,
        bp + kb * bStep + np0 * kc * nr,
        c + ip * mr * ldc + np0 * nr,
        ldc,
        kc,
        Math.min(mcp, mp - ip),
        np1 - np0,
        load !== 0 || kb > 0,
      );
}

// Control words (Int32Array over a SharedArrayBuffer).
const STATE = 0; // 0 idle, 1 job posted, 3 job joined by the worker
const NEXT = 1; // next chunk to take (Atomics.add)
const CHUNKS = 2;
const CS = 3; // B panels per chunk
const NP = 4;
const READY = 5;
const JOB = 6;
const JOB_LEN = 13;
/**
 * How long an idle worker polls for the next job before it sleeps: long enough for the products
 * that follow each other directly (a linear's dW then dx), short against the gaps between a
 * step's layers. 0.5 ms cost the quickstart MLP ~3 ms of CPU per step (five polls per step on a
 * loaded 2-vCPU machine: 17.9 against 14.7 ms CPU/step with 0.05 ms, medians of 3).
 */
const SPIN_MS = 0.05;
/**
 * The B panels are cut into this many chunks that both threads take from one counter, so a
 * worker that is slow to wake (or whose core is busy) only delays the product by one chunk.
 */
const CHUNKS_PER_JOB = 16;

/** Takes chunks until none are left. Plain JS with no free variables (the worker gets its text). */
function takeChunks(block: BlockFn, job: Job, s: Int32Array, run: typeof runShare): void {
  const [chunks, cs, np] = [s[2], s[3], s[4]]; // CHUNKS, CS, NP
  for (let i = Atomics.add(s, 1, 1); i < chunks; i = Atomics.add(s, 1, 1))
    run(block, job, i * cs, Math.min(np, i * cs + cs));
}

const workerSource = () => `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const block = (ap, bp, c, ldc, kc, mp, np, load) => ex.block(ap * 4, bp * 4, c * 4, ldc * 4, kc, mp, np, load ? 1 : 0);
const s = new Int32Array(ctl);
const runShare = ${runShare.toString()};
const takeChunks = ${takeChunks.toString()};
Atomics.store(s, ${READY}, 1);
for (;;) {
  // Spin briefly before sleeping: products come in bursts (forward, then two backward GEMMs),
  // and a futex wake of an idle vCPU costs ~50-100 us.
  const t0 = performance.now();
  while (Atomics.load(s, ${STATE}) === 0 && performance.now() - t0 < ${SPIN_MS});
  Atomics.wait(s, ${STATE}, 0);
  if (Atomics.compareExchange(s, ${STATE}, 1, 3) !== 1) continue;
  takeChunks(block, Array.from(s.subarray(${JOB}, ${JOB + JOB_LEN})), s, runShare);
  Atomics.store(s, ${STATE}, 0);
  Atomics.notify(s, ${STATE});
}
`;

interface WorkerLike {
  unref(): void;
  on(ev: 'error' | 'exit', f: (e: unknown) => void): void;
}
type WorkerCtor = new (src: string, o: { eval: true; workerData: unknown }) => WorkerLike;

/** Starts one helper thread over `memory`; returns a runner, or undefined where threads are unavailable. */
export function startHelper(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): ((job: Job, np: number, self: BlockFn) => boolean) | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const wt = proc?.getBuiltinModule?.('node:worker_threads') as
    | { Worker: WorkerCtor; isMainThread: boolean }
    | undefined;
  if (!wt?.isMainThread || !(memory.buffer instanceof SharedArrayBuffer)) return undefined;
  const ctl = new SharedArrayBuffer(4 * (JOB + JOB_LEN));
  const s = new Int32Array(ctl);
  let alive = true;
  try {
    const w = new wt.Worker(workerSource(), { eval: true, workerData: { module, memory, ctl } });
    w.unref(); // never keeps the process alive; an idle worker sleeps in Atomics.wait
    w.on('error', () => (alive = false));
    w.on('exit', () => (alive = false));
  } catch {
    return undefined;
  }
  return (job, np, self) => {
    if (!alive || Atomics.load(s, READY) !== 1 || np < 2) return false;
    const cs = 2 * Math.ceil(np / (2 * CHUNKS_PER_JOB)); // even: chunks start on a 64-byte line of C
    s[NP] = np;
    s[CS] = cs;
    s[CHUNKS] = Math.ceil(np / cs);
    s[NEXT] = 0;
    s.set(job, JOB);
    intraOp.shared++;
    Atomics.store(s, STATE, 1);
    Atomics.notify(s, STATE, 1);
    takeChunks(self, job, s, runShare);
    // Not joined (the worker never woke in time): nothing is left to wait for. Joined: wait
    // for its last chunk.
    if (Atomics.compareExchange(s, STATE, 1, 0) !== 1)
      while (Atomics.load(s, STATE) !== 0) Atomics.wait(s, STATE, 3);
    return true;
  };
}
