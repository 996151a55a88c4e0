/**
 * torch.distributed over MPI. `initProcessGroup()` under `mpirun` loads Open MPI (mpi.ts); with no
 * launcher it makes a world of one process, which needs no MPI at all. Collectives work in place
 * on tensors of either device, staged through native host memory (a list of tensors is read and
 * written as one flat bucket: one device readback each way). Each returns a `Work`: await it
 * (or `work.wait()`) before reading the result. Device reads are async in torchts, so there is no
 * blocking form: `asyncOp` only says whether the caller means to overlap.
 */
import { fromArray } from '../ops/creation.js';
import { cat } from '../ops/shape.js';
import { fn, registerType } from '../signature/bind.js';
import { arrayClassOf, type DType, isFloat, type TypedArray, typedArrayFor } from '../tensor/dtype.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { DistributedError, loadMpi, type Mpi, type MpiReduce, type NativeBuf } from './mpi.js';

export { DistributedError } from './mpi.js';

/** torch.distributed.ReduceOp */
export const ReduceOp = { SUM: 'sum', AVG: 'avg', PRODUCT: 'product', MIN: 'min', MAX: 'max' } as const;
export type ReduceOp = (typeof ReduceOp)[keyof typeof ReduceOp];
const OPS = '"sum"|"avg"|"product"|"min"|"max"';

/** A collective in flight: thenable, so `await dist.allReduce(t)` and `await work.wait()` both wait. */
export class Work implements PromiseLike<undefined> {
  private done = false;
  private error: unknown = null;
  private readonly promise: Promise<undefined>;
  constructor(p: Promise<unknown>) {
    this.promise = p.then(() => undefined);
    this.promise.then(
      () => {
        this.done = true;
      },
      (e) => {
        this.done = true;
        this.error = e;
      },
    );
  }
  /** Resolves (true) when the operation completed and its results are in the tensors; rejects with its error. */
  async wait(): Promise<boolean> {
    await this.promise;
    return true;
  }
  /** Whether the operation has finished (successfully or not), without waiting. */
  isCompleted(): boolean {
    return this.done;
  }
  /** The error the operation failed with, or undefined while it runs or when it succeeded. */
  exception(): unknown {
    return this.error;
  }
  // biome-ignore lint/suspicious/noThenProperty: a Work is awaitable on purpose (see the module doc)
  then<A = undefined, B = never>(
    ok?: ((v: undefined) => A | PromiseLike<A>) | null,
    fail?: ((e: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.promise.then(ok, fail);
  }
}

interface Group {
  readonly rank: number;
  readonly size: number;
  readonly mpi: Mpi;
  readonly timeoutMs: number;
  /** Issues happen in program order on every rank (MPI matches collectives by order). */
  chain: Promise<unknown>;
  queued: number;
  seq: number;
}

let defaultGroup: Group | null = null;
const DTYPE_CODES: Record<string, number> = {
  float32: 1,
  int32: 2,
  bool: 3,
  float64: 4,
  int64: 5,
  int16: 6,
  int8: 7,
  uint8: 8,
  float16: 9,
  bfloat16: 10,
};

/** One process, no MPI: collectives copy within the process; point-to-point has no peer. */
function localMpi(): Mpi {
  const none = { ptr: 0n, bytes: new Uint8Array(8), size: 8 };
  const copy = (s: NativeBuf | null, r: NativeBuf | null, n: number, dt: string) => {
    if (s && r) r.bytes.set(s.bytes.subarray(0, n * hostBytes(dt as DType)));
    return none;
  };
  const noPeer = () => {
    throw new DistributedError('torch.distributed: send/recv need a peer, and the world size is 1');
  };
  return {
    rank: 0,
    size: 1,
    alloc: (bytes) => ({ ptr: 0n, bytes: new Uint8Array(Math.max(bytes, 8)), size: Math.max(bytes, 8) }),
    free: () => {},
    iallreduce: () => none,
    ibcast: () => none,
    iallgather: (s, r, n, dt) => copy(s, r, n, dt),
    ireduceScatter: (s, r, n, dt) => copy(s, r, n, dt),
    igather: (s, r, n, dt) => copy(s, r, n, dt),
    iscatter: (s, r, n, dt) => copy(s, r, n, dt),
    isend: noPeer,
    irecv: noPeer,
    ibarrier: () => none,
    test: () => true,
    testRecv: () => 0,
    finalize: () => {},
    abort: () => {},
  };
}

const envOf = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

/** The world size the launcher announced (Open MPI, or a PMI launcher), or null without one. */
function launcherSize(): number | null {
  const env = envOf();
  const s = env.OMPI_COMM_WORLD_SIZE ?? env.PMI_SIZE ?? env.PMIX_SIZE;
  return s === undefined ? null : Number(s);
}

const INIT =
  'init_process_group(str? backend=None, str? init_method=None, float timeout=60, int world_size=-1, int rank=-1)';

/**
 * torch.distributed.init_process_group. `backend` is 'mpi' (the default); rank and world size
 * come from the launcher (`mpirun -n N`). Without a launcher the world is this one process.
 * `timeout` (seconds, default 60) bounds every wait: a peer that died or never joins a
 * collective makes it fail with a DistributedError instead of hanging.
 */
export const initProcessGroup = fn('distributed.initProcessGroup', INIT, (a) => {
  if (defaultGroup) throw new DistributedError('trying to initialize the default process group twice!');
  if (a.backend !== null && a.backend !== 'mpi')
    throw new DistributedError(
      `initProcessGroup: backend '${a.backend}' is not available in torchts; use backend: 'mpi' (launched by mpirun)`,
    );
  if (!(a.timeout > 0)) throw new RangeError(`initProcessGroup: timeout must be positive, got ${a.timeout}`);
  const launched = launcherSize();
  let mpi: Mpi;
  if (launched === null || launched === 1) {
    if (a.worldSize > 1)
      throw new DistributedError(
        `initProcessGroup: worldSize=${a.worldSize} needs ${a.worldSize} processes started by mpirun (\`mpirun -n ${a.worldSize} node script.js\`; Open MPI: ${'apt-get install openmpi-bin libopenmpi-dev'})`,
      );
    mpi = launched === 1 && envOf().TORCHTS_MPI_SINGLETON === '1' ? loadMpi() : localMpi();
  } else mpi = loadMpi();
  if (a.worldSize !== -1 && a.worldSize !== mpi.size)
    throw new DistributedError(
      `initProcessGroup: worldSize=${a.worldSize} but the launcher started ${mpi.size} processes`,
    );
  if (a.rank !== -1 && a.rank !== mpi.rank)
    throw new DistributedError(
      `initProcessGroup: rank=${a.rank} but the launcher made this process rank ${mpi.rank}`,
    );
  defaultGroup = {
    rank: mpi.rank,
    size: mpi.size,
    mpi,
    timeoutMs: a.timeout * 1000,
    chain: Promise.resolve(),
    queued: 0,
    seq: 0,
  };
});

function current(label: string, g: unknown = null): Group {
  if (!defaultGroup)
    throw new DistributedError(
      `${label}: Default process group has not been initialized, please make sure to call initProcessGroup.`,
    );
  if (g !== null && g !== WORLD)
    throw new DistributedError(`${label}: only the default group (group.WORLD) is supported`);
  return defaultGroup;
}

/** torch.distributed.group.WORLD: the default (and only) process group. */
export const WORLD: ProcessGroup = Object.freeze({ name: 'WORLD' as const });
/** A process group handle: `WORLD` (every rank) is the one torchts has; `group` arguments take it or null. */
export interface ProcessGroup {
  readonly name: 'WORLD';
}
registerType(
  'ProcessGroup',
  (v): v is ProcessGroup => v === WORLD,
  'a process group (torch.distributed.group.WORLD)',
);
declare module '../signature/types.js' {
  interface TypeMap {
    ProcessGroup: ProcessGroup;
  }
}
/** torch.distributed.group */
export const group = { WORLD };

/** Whether the default process group exists (after initProcessGroup). */
export const isInitialized = fn('distributed.isInitialized', 'is_initialized()', () => defaultGroup !== null);
/** Always true: the API is there; more than one rank needs Open MPI and mpirun. */
export const isAvailable = fn('distributed.isAvailable', 'is_available()', () => true);
/** This process's rank in the group (0 .. worldSize - 1). */
export const getRank = fn(
  'distributed.getRank',
  'get_rank(ProcessGroup? group=None)',
  (a) => current('getRank', a.group).rank,
);
/** The number of processes in the group. */
export const getWorldSize = fn(
  'distributed.getWorldSize',
  'get_world_size(ProcessGroup? group=None)',
  (a) => current('getWorldSize', a.group).size,
);
/** Ends the default group; MPI itself is finalized at process exit (it cannot start twice). */
export const destroyProcessGroup = fn(
  'distributed.destroyProcessGroup',
  'destroy_process_group(ProcessGroup? group=None)',
  (a) => {
    current('destroyProcessGroup', a.group);
    defaultGroup = null;
  },
);

// ---- staging: tensors <-> native host buffers ----

/** Bytes an element of the host arrays staged (float16/bfloat16: their Float32Array values, 4). */
const hostBytes = (d: DType): number => typedArrayFor(d, 0).BYTES_PER_ELEMENT;
const itemBytes = (t: Tensor) => hostBytes(t.dtype);
const fmt = (t: { shape: readonly number[]; dtype: string; device?: unknown }) =>
  `[${t.shape.join(', ')}] ${t.dtype}`;

/** The elements of `ts`, flattened and concatenated: one read (sync on the CPU). */
function readFlat(ts: readonly Tensor[]): TypedArray | Promise<TypedArray> {
  if (ts.length === 1) return ts[0].device.type === 'cpu' ? ts[0].toArraySync() : ts[0].toArray();
  const flat = noGrad(() => cat(ts.map((t) => t.reshape(-1))));
  if (flat.device.type === 'cpu') {
    const v = flat.toArraySync();
    flat.dispose();
    return v;
  }
  return flat.toArray().finally(() => flat.dispose());
}

/** Writes `data` (the flat concatenation) back into `ts`: one upload. */
function writeFlat(ts: readonly Tensor[], data: TypedArray): void {
  noGrad(() => {
    const t0 = ts[0];
    const all = fromArray(data, [data.length], { dtype: t0.dtype, device: t0.device });
    if (ts.length === 1) t0.copy_(all.view(t0.shape as number[]));
    else {
      let o = 0;
      for (const t of ts) {
        const n = t.numel();
        t.copy_(all.narrow(0, o, n).view(t.shape as number[]));
        o += n;
      }
    }
    all.dispose();
  });
}

function toNative(mpi: Mpi, data: TypedArray): NativeBuf {
  const b = mpi.alloc(data.byteLength);
  b.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return b;
}

function fromNative(b: NativeBuf, dtype: string, n: number, offset = 0): TypedArray {
  const bytes = b.bytes.buffer;
  const o = b.bytes.byteOffset + offset;
  return new (arrayClassOf(dtype as DType))(bytes, o, n);
}

/** Polls a request from the event loop until it completes, or fails after the group's timeout. */
function waitRequest(g: Group, req: NativeBuf, what: string, recv = false): Promise<number> {
  const poll = () => (recv ? g.mpi.testRecv(req) : g.mpi.test(req) ? 0 : null);
  const first = poll();
  if (first !== null) return Promise.resolve(first);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let spins = 0;
    const tick = () => {
      let r: number | null;
      try {
        r = poll();
      } catch (e) {
        reject(e);
        return;
      }
      if (r !== null) return resolve(r);
      if (Date.now() - t0 > g.timeoutMs) {
        reject(
          new DistributedError(
            `${what}: rank ${g.rank} of ${g.size} waited ${g.timeoutMs / 1000} s; a peer rank did not join within the timeout (it died, hangs, or called a different operation)`,
          ),
        );
        return;
      }
      // poll at once for a while (fast collectives), then every millisecond (frees the CPU)
      if (++spins < 20) setImmediate(tick);
      else setTimeout(tick, 1);
    };
    setImmediate(tick);
  });
}

const OP_CODES: Record<string, number> = {
  allReduce: 1,
  broadcast: 2,
  allGather: 3,
  reduceScatter: 4,
  gather: 5,
  scatter: 6,
  barrier: 7,
};
const OP_NAMES = Object.fromEntries(Object.entries(OP_CODES).map(([k, v]) => [v, k]));
const HEADER = 12;

/** [op, arg (root / reduce op), dtype, ndim, numel, shape[0..6]] */
function header(op: string, arg: number, t: Tensor | null): Int32Array {
  const h = new Int32Array(HEADER);
  h[0] = OP_CODES[op];
  h[1] = arg;
  if (t) {
    h[2] = DTYPE_CODES[t.dtype];
    h[3] = t.shape.length;
    h[4] = t.numel();
    t.shape.slice(0, 7).forEach((s, i) => {
      h[5 + i] = s;
    });
  }
  return h;
}

function describeHeader(h: Int32Array): string {
  const dtype = Object.entries(DTYPE_CODES).find(([, c]) => c === h[2])?.[0] ?? '?';
  const shape = Array.from(h.subarray(5, 5 + Math.min(h[3], 7)));
  return `${OP_NAMES[h[0]] ?? '?'} of [${shape.join(', ')}] ${dtype}`;
}

/** Every rank says what it is about to do; any difference is an error on every rank. */
async function checkAgreement(g: Group, label: string, h: Int32Array): Promise<void> {
  if (g.size === 1) return;
  const send = toNative(g.mpi, h);
  const recv = g.mpi.alloc(h.byteLength * g.size);
  try {
    await waitRequest(g, g.mpi.iallgather(send, recv, HEADER, 'int32'), label);
    const all = new Int32Array(recv.bytes.buffer, recv.bytes.byteOffset, HEADER * g.size).slice();
    const lines: string[] = [];
    let differs = false;
    for (let r = 0; r < g.size; r++) {
      const hr = all.subarray(r * HEADER, (r + 1) * HEADER);
      if (hr.some((v, i) => v !== h[i])) differs = true;
      lines.push(`rank ${r}: ${describeHeader(hr)}${hr[1] !== h[1] ? ` (arg ${hr[1]})` : ''}`);
    }
    if (differs)
      throw new DistributedError(
        `${label}: the ranks disagree on the operation, shape or dtype (every rank must pass the same): ${lines.join('; ')}`,
      );
  } finally {
    g.mpi.free(send);
    g.mpi.free(recv);
  }
}

interface Issued {
  reqs: { req: NativeBuf; recv?: boolean }[];
  /** Copies results out and frees native memory; receives what the requests returned. */
  finish(results: number[]): void;
  /** Frees native memory after a failure (requests that never completed keep theirs). */
  abandon(): void;
}

/**
 * Runs one operation: read the inputs (async for device tensors), agree with the peers (unless
 * `check` is null), issue the nonblocking MPI call in program order, poll, write back.
 */
function schedule(
  label: string,
  check: Int32Array | null,
  read: () => TypedArray | null | Promise<TypedArray | null>,
  issue: (g: Group, data: TypedArray | null) => Issued,
): Work {
  const g = current(label);
  const complete = async (it: Issued) => {
    try {
      const results: number[] = [];
      for (const r of it.reqs) results.push(await waitRequest(g, r.req, label, r.recv));
      it.finish(results);
    } catch (e) {
      it.abandon();
      throw e;
    }
  };
  // Fast path: a CPU operation with nothing queued before it is issued now, synchronously (the
  // DDP buckets: communication starts while the backward pass goes on).
  const data = check === null && g.queued === 0 ? read() : undefined;
  if (data !== undefined && !(data instanceof Promise)) return new Work(complete(issue(g, data)));
  g.queued++;
  const issued = g.chain.then(async () => {
    try {
      const d = data !== undefined ? await data : await read();
      if (check) await checkAgreement(g, label, check);
      return issue(g, d);
    } finally {
      g.queued--;
    }
  });
  g.chain = issued.catch(() => {});
  return new Work(issued.then(complete));
}

function checkTensor(label: string, name: string, t: Tensor, like?: Tensor): void {
  t.checkAlive();
  if (like && (t.dtype !== like.dtype || t.numel() !== like.numel()))
    throw new DistributedError(`${label}: ${name} must match the input tensor (${fmt(like)}), got ${fmt(t)}`);
  if (like && !t.device.equals(like.device))
    throw new DistributedError(`${label}: ${name} is on ${t.device}, the input tensor on ${like.device}`);
}

/** MPI's reduction for a torch ReduceOp on a dtype; bool sums are logical or (as NCCL/gloo). */
function mpiOp(label: string, op: ReduceOp, dtype: string): MpiReduce {
  if (op === 'avg' && !isFloat(dtype as DType))
    throw new DistributedError(`${label}: ReduceOp.AVG needs a floating-point tensor, got ${dtype}`);
  if (dtype === 'bool') return op === 'min' || op === 'product' ? 'min' : 'max';
  return op === 'avg' ? 'sum' : op === 'product' ? 'prod' : op;
}
const OP_ARG: Record<ReduceOp, number> = { sum: 0, avg: 1, product: 2, min: 3, max: 4 };

const nothing = () => {};

/** All-reduce of one flat buffer over the tensors `ts` (the DDP buckets use it with check off). */
export function allReduceFlat(ts: readonly Tensor[], op: ReduceOp, label: string, check: boolean): Work {
  const t0 = ts[0];
  const mop = mpiOp(label, op, t0.dtype);
  const n = ts.reduce((s, t) => s + t.numel(), 0);
  return schedule(
    label,
    check ? header('allReduce', OP_ARG[op], t0) : null,
    () => readFlat(ts),
    (g, data) => {
      const buf = toNative(g.mpi, data!);
      return {
        reqs: g.size > 1 ? [{ req: g.mpi.iallreduce(buf, n, t0.dtype, mop) }] : [],
        finish() {
          const out = fromNative(buf, t0.dtype, n);
          if (op === 'avg') for (let i = 0; i < n; i++) out[i] /= g.size;
          writeFlat(ts, out);
          g.mpi.free(buf);
        },
        abandon: nothing,
      };
    },
  );
}

const A = 'ProcessGroup? group=None, bool async_op=False';

/** torch.distributed.all_reduce: every rank's `tensor` becomes the reduction over all ranks. */
export const allReduce = fn(
  'distributed.allReduce',
  `all_reduce(Tensor tensor, ${OPS} op="sum", ${A})`,
  (a) => {
    current('allReduce', a.group);
    return allReduceFlat([a.tensor], a.op, 'allReduce', true);
  },
);

/** torch.distributed.broadcast: `tensor` on every rank becomes rank `src`'s. */
export const broadcast = fn('distributed.broadcast', `broadcast(Tensor tensor, int src, ${A})`, (a) => {
  const g = current('broadcast', a.group);
  checkRank('broadcast', 'src', a.src, g);
  return broadcastFlat([a.tensor], a.src, 'broadcast', true);
});

/** @internal Broadcasts a list of tensors from rank `src` as one flat buffer (DDP's wrap). */
export function broadcastFlat(ts: readonly Tensor[], src: number, label: string, check: boolean): Work {
  const t0 = ts[0];
  const n = ts.reduce((s, t) => s + t.numel(), 0);
  return schedule(
    label,
    check ? header('broadcast', src, t0) : null,
    () => readFlat(ts),
    (g, data) => {
      const buf = toNative(g.mpi, data!);
      return {
        reqs: g.size > 1 ? [{ req: g.mpi.ibcast(buf, n, t0.dtype, src) }] : [],
        finish() {
          if (g.rank !== src) writeFlat(ts, fromNative(buf, t0.dtype, n));
          g.mpi.free(buf);
        },
        abandon: nothing,
      };
    },
  );
}

function checkRank(label: string, name: string, r: number, g: Group): void {
  if (!(r >= 0 && r < g.size))
    throw new DistributedError(`${label}: ${name}=${r} is not a rank of this group (world size ${g.size})`);
}

function checkList(label: string, name: string, list: readonly Tensor[], like: Tensor, g: Group): void {
  if (list.length !== g.size)
    throw new DistributedError(
      `${label}: ${name} must hold one tensor per rank (${g.size}), got ${list.length}`,
    );
  list.forEach((t, i) => {
    checkTensor(label, `${name}[${i}]`, t, like);
  });
}

/** torch.distributed.all_gather: `tensorList[r]` receives rank r's `tensor`. */
export const allGather = fn(
  'distributed.allGather',
  `all_gather(Tensor[] tensor_list, Tensor tensor, ${A})`,
  (a) => {
    const g = current('allGather', a.group);
    checkList('allGather', 'tensorList', a.tensorList, a.tensor, g);
    const t = a.tensor;
    const n = t.numel();
    return schedule(
      'allGather',
      header('allGather', 0, t),
      () => readFlat([t]),
      (g, data) => {
        const send = toNative(g.mpi, data!);
        const recv = g.mpi.alloc(n * itemBytes(t) * g.size);
        return {
          reqs: [{ req: g.mpi.iallgather(send, recv, n, t.dtype) }],
          finish() {
            writeFlat(a.tensorList, fromNative(recv, t.dtype, n * g.size));
            g.mpi.free(send);
            g.mpi.free(recv);
          },
          abandon: nothing,
        };
      },
    );
  },
);

/** torch.distributed.reduce_scatter: `output` on rank r is the reduction of every rank's `inputList[r]`. */
export const reduceScatter = fn(
  'distributed.reduceScatter',
  `reduce_scatter(Tensor output, Tensor[] input_list, ${OPS} op="sum", ${A})`,
  (a) => {
    const g = current('reduceScatter', a.group);
    checkList('reduceScatter', 'inputList', a.inputList, a.output, g);
    const out = a.output;
    const mop = mpiOp('reduceScatter', a.op, out.dtype);
    const n = out.numel();
    return schedule(
      'reduceScatter',
      header('reduceScatter', OP_ARG[a.op], out),
      () => readFlat(a.inputList),
      (g, data) => {
        const send = toNative(g.mpi, data!);
        const recv = g.mpi.alloc(n * itemBytes(out));
        return {
          reqs: [{ req: g.mpi.ireduceScatter(send, recv, n, out.dtype, mop) }],
          finish() {
            const r = fromNative(recv, out.dtype, n);
            if (a.op === 'avg') for (let i = 0; i < n; i++) r[i] /= g.size;
            writeFlat([out], r);
            g.mpi.free(send);
            g.mpi.free(recv);
          },
          abandon: nothing,
        };
      },
    );
  },
);

/** torch.distributed.gather: on rank `dst`, `gatherList[r]` receives rank r's `tensor`. */
export const gather = fn(
  'distributed.gather',
  `gather(Tensor tensor, Tensor[]? gather_list=None, int dst=0, ${A})`,
  (a) => {
    const g = current('gather', a.group);
    checkRank('gather', 'dst', a.dst, g);
    const t = a.tensor;
    const list = a.gatherList;
    if (g.rank === a.dst) {
      if (!list) throw new DistributedError('gather: gatherList is required on the destination rank');
      checkList('gather', 'gatherList', list, t, g);
    } else if (list?.length)
      throw new DistributedError('gather: gatherList must be empty on ranks other than the destination');
    const n = t.numel();
    return schedule(
      'gather',
      header('gather', a.dst, t),
      () => readFlat([t]),
      (g, data) => {
        const send = toNative(g.mpi, data!);
        const recv = g.rank === a.dst ? g.mpi.alloc(n * itemBytes(t) * g.size) : null;
        return {
          reqs: [{ req: g.mpi.igather(send, recv, n, t.dtype, a.dst) }],
          finish() {
            if (recv) {
              writeFlat(list!, fromNative(recv, t.dtype, n * g.size));
              g.mpi.free(recv);
            }
            g.mpi.free(send);
          },
          abandon: nothing,
        };
      },
    );
  },
);

/** torch.distributed.scatter: rank r's `tensor` receives `scatterList[r]` of rank `src`. */
export const scatter = fn(
  'distributed.scatter',
  `scatter(Tensor tensor, Tensor[]? scatter_list=None, int src=0, ${A})`,
  (a) => {
    const g = current('scatter', a.group);
    checkRank('scatter', 'src', a.src, g);
    const t = a.tensor;
    const list = a.scatterList;
    if (g.rank === a.src) {
      if (!list) throw new DistributedError('scatter: scatterList is required on the source rank');
      checkList('scatter', 'scatterList', list, t, g);
    } else if (list?.length)
      throw new DistributedError('scatter: scatterList must be empty on ranks other than the source');
    const n = t.numel();
    return schedule(
      'scatter',
      header('scatter', a.src, t),
      () => (g.rank === a.src ? readFlat(list!) : null),
      (g, data) => {
        const send = data ? toNative(g.mpi, data) : null;
        const recv = g.mpi.alloc(n * itemBytes(t));
        return {
          reqs: [{ req: g.mpi.iscatter(send, recv, n, t.dtype, a.src) }],
          finish() {
            writeFlat([t], fromNative(recv, t.dtype, n));
            if (send) g.mpi.free(send);
            g.mpi.free(recv);
          },
          abandon: nothing,
        };
      },
    );
  },
);

/** torch.distributed.barrier: resolves when every rank reached it. */
export const barrier = fn('distributed.barrier', `barrier(${A}, int[]? device_ids=None)`, (a) => {
  current('barrier', a.group);
  return schedule(
    'barrier',
    header('barrier', 0, null),
    () => null,
    (g) => ({ reqs: g.size > 1 ? [{ req: g.mpi.ibarrier() }] : [], finish: nothing, abandon: nothing }),
  );
});

// Point-to-point: a small header message (dtype, shape) travels before the data, so a receiver
// whose tensor does not match what was sent fails with both shapes instead of truncating.
const P2P_HEADER = 10;
const MAX_TAG = 1 << 14;
function p2pHeader(t: Tensor): Int32Array {
  const h = new Int32Array(P2P_HEADER);
  h[0] = DTYPE_CODES[t.dtype];
  h[1] = t.numel();
  h[2] = t.shape.length;
  t.shape.slice(0, 7).forEach((s, i) => {
    h[3 + i] = s;
  });
  return h;
}
function checkTag(label: string, tag: number): void {
  if (!(tag >= 0 && tag < MAX_TAG))
    throw new DistributedError(`${label}: tag must be in [0, ${MAX_TAG}), got ${tag}`);
}

function sendImpl(label: string, t: Tensor, dst: number, tag: number, grp: unknown): Work {
  const g = current(label, grp);
  checkRank(label, 'dst', dst, g);
  checkTag(label, tag);
  if (dst === g.rank) throw new DistributedError(`${label}: rank ${g.rank} cannot send to itself`);
  const h = p2pHeader(t);
  return schedule(
    label,
    null,
    () => readFlat([t]),
    (g, data) => {
      const hb = toNative(g.mpi, h);
      const buf = toNative(g.mpi, data!);
      return {
        reqs: [
          { req: g.mpi.isend(hb, h.byteLength, dst, 2 * tag) },
          { req: g.mpi.isend(buf, data!.byteLength, dst, 2 * tag + 1) },
        ],
        finish() {
          g.mpi.free(hb);
          g.mpi.free(buf);
        },
        abandon: nothing,
      };
    },
  );
}

function recvImpl(
  label: string,
  t: Tensor,
  src: number | null,
  tag: number,
  grp: unknown,
): Work & { source: Promise<number> } {
  const g = current(label, grp);
  if (src !== null) {
    checkRank(label, 'src', src, g);
    if (src === g.rank) throw new DistributedError(`${label}: rank ${g.rank} cannot receive from itself`);
  }
  checkTag(label, tag);
  if (g.size === 1) throw new DistributedError(`${label}: send/recv need a peer, and the world size is 1`);
  const mine = p2pHeader(t);
  const n = t.numel();
  let from = -1;
  const run = (async () => {
    const hb = g.mpi.alloc(mine.byteLength);
    try {
      from = await waitRequest(g, g.mpi.irecv(hb, mine.byteLength, src ?? -1, 2 * tag), label, true);
      const theirs = new Int32Array(hb.bytes.buffer, hb.bytes.byteOffset, P2P_HEADER);
      if (theirs.some((v, i) => v !== mine[i]))
        throw new DistributedError(
          `${label}: rank ${from} sent ${describeP2P(theirs)}, but rank ${g.rank} receives into ${fmt(t)}`,
        );
    } finally {
      g.mpi.free(hb);
    }
    const buf = g.mpi.alloc(n * itemBytes(t));
    await waitRequest(g, g.mpi.irecv(buf, n * itemBytes(t), from, 2 * tag + 1), label, true);
    writeFlat([t], fromNative(buf, t.dtype, n));
    g.mpi.free(buf);
    return from;
  })();
  const w = new Work(run.then(nothing)) as Work & { source: Promise<number> };
  w.source = run;
  return w;
}

function describeP2P(h: Int32Array): string {
  const dtype = Object.entries(DTYPE_CODES).find(([, c]) => c === h[0])?.[0] ?? '?';
  return `[${Array.from(h.subarray(3, 3 + Math.min(h[2], 7))).join(', ')}] ${dtype}`;
}

/** torch.distributed.send: await it (it resolves once the data left this rank's buffer). */
export const send = fn(
  'distributed.send',
  'send(Tensor tensor, int dst, ProcessGroup? group=None, int tag=0)',
  (a) => sendImpl('send', a.tensor, a.dst, a.tag, a.group),
);
/** torch.distributed.isend */
export const isend = fn(
  'distributed.isend',
  'isend(Tensor tensor, int dst, ProcessGroup? group=None, int tag=0)',
  (a) => sendImpl('isend', a.tensor, a.dst, a.tag, a.group),
);
/** torch.distributed.recv: resolves to the sender's rank once `tensor` holds the data. */
export const recv = fn(
  'distributed.recv',
  'recv(Tensor tensor, int? src=None, ProcessGroup? group=None, int tag=0)',
  (a): Promise<number> => recvImpl('recv', a.tensor, a.src, a.tag, a.group).source,
);
/** torch.distributed.irecv */
export const irecv = fn(
  'distributed.irecv',
  'irecv(Tensor tensor, int? src=None, ProcessGroup? group=None, int tag=0)',
  (a): Work => recvImpl('irecv', a.tensor, a.src, a.tag, a.group),
);

/** @internal the default group's rank and size, or null (DDP, the sampler, the CLI). */
export function worldOrNull(): { rank: number; size: number } | null {
  return defaultGroup ? { rank: defaultGroup.rank, size: defaultGroup.size } : null;
}
