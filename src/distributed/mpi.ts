/**
 * Open MPI reached through koffi (FFI), loaded only by `initProcessGroup` under a launcher:
 * importing torchts loads neither koffi nor libmpi. Open MPI's handles (MPI_COMM_WORLD,
 * MPI_FLOAT, MPI_SUM, ...) are addresses of global objects (`ompi_mpi_comm_world`, ...), looked up
 * as symbols. Every collective is nonblocking (`MPI_I*` + `MPI_Test`): Node has one thread, so
 * the caller polls requests from the event loop instead of blocking it. Buffers are native
 * (malloc'd) memory: an address that neither the GC nor a wasm memory growth can move while a
 * request is in flight.
 */
import { type Koffi, loadKoffi } from '../backend/koffi.js';
import type { DType } from '../tensor/dtype.js';

/** Raised by torch.distributed: no MPI, a timed-out peer, shapes that differ across ranks. */
export class DistributedError extends Error {
  /** 'DistributedError' (what `err.name` and stack traces show). */
  override name = 'DistributedError';
}

export const INSTALL_HINT = 'apt-get install openmpi-bin libopenmpi-dev (or bash scripts/mpi-deps.sh)';

type Ptr = bigint;
type Fn = (...args: unknown[]) => number;

/** A native buffer with a typed-array view over it. */
export interface NativeBuf {
  readonly ptr: Ptr;
  readonly bytes: Uint8Array;
  readonly size: number;
}

export type MpiReduce = 'sum' | 'max' | 'min' | 'prod';

export interface Mpi {
  rank: number;
  size: number;
  alloc(bytes: number): NativeBuf;
  free(b: NativeBuf): void;
  /** Starts a nonblocking operation; returns the request's native slot. */
  iallreduce(buf: NativeBuf, count: number, dtype: DType, op: MpiReduce): NativeBuf;
  ibcast(buf: NativeBuf, count: number, dtype: DType, root: number): NativeBuf;
  iallgather(send: NativeBuf, recv: NativeBuf, count: number, dtype: DType): NativeBuf;
  ireduceScatter(send: NativeBuf, recv: NativeBuf, count: number, dtype: DType, op: MpiReduce): NativeBuf;
  igather(send: NativeBuf, recv: NativeBuf | null, count: number, dtype: DType, root: number): NativeBuf;
  iscatter(send: NativeBuf | null, recv: NativeBuf, count: number, dtype: DType, root: number): NativeBuf;
  isend(buf: NativeBuf, bytes: number, dst: number, tag: number): NativeBuf;
  irecv(buf: NativeBuf, bytes: number, src: number, tag: number): NativeBuf;
  ibarrier(): NativeBuf;
  /** True once the request completed (the slot is then freed). */
  test(req: NativeBuf): boolean;
  /** The source rank of the last completed receive tested with `testRecv`. */
  testRecv(req: NativeBuf): number | null;
  finalize(): void;
  abort(code: number): void;
}

type Proc = { env: Record<string, string | undefined> };

function requireKoffi(): Koffi {
  const k = loadKoffi();
  if (typeof k === 'string')
    throw new DistributedError(`torch.distributed with MPI: ${k}. Install it with \`npm install koffi\``);
  return k;
}

let loaded: Mpi | null = null;

/** Loads libmpi, initializes MPI (MPI_THREAD_SINGLE is all one JS thread needs) and reads rank/size. */
export function loadMpi(): Mpi {
  if (loaded) return loaded;
  const koffi = requireKoffi();
  const env = (globalThis as { process?: Proc }).process?.env ?? {};
  const candidates = env.TORCHTS_MPI_LIB ? [env.TORCHTS_MPI_LIB] : ['libmpi.so.40', 'libmpi.so'];
  let lib: ReturnType<Koffi['load']> | null = null;
  const errors: string[] = [];
  for (const c of candidates) {
    try {
      // RTLD_GLOBAL: Open MPI's plugins (mca_*.so) resolve their symbols against libmpi.
      lib = koffi.load(c, { global: true });
      break;
    } catch (e) {
      errors.push(`${c}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!lib)
    throw new DistributedError(
      `torch.distributed: the MPI library is not installed (${errors.join('; ')}). Install Open MPI: ${INSTALL_HINT}`,
    );
  const L = lib;
  const f = (decl: string) => L.func(decl) as Fn;
  const sym = (name: string) => {
    try {
      return L.symbol(name);
    } catch {
      throw new DistributedError(
        `torch.distributed: ${candidates[0]} is not Open MPI (no symbol ${name}); torchts supports Open MPI: ${INSTALL_HINT}`,
      );
    }
  };
  const P = 'void *';
  const MPI = {
    initialized: f('int MPI_Initialized(_Out_ int *flag)'),
    initThread: f(`int MPI_Init_thread(${P} argc, ${P} argv, int required, _Out_ int *provided)`),
    finalized: f('int MPI_Finalized(_Out_ int *flag)'),
    finalize: f('int MPI_Finalize()'),
    abort: f(`int MPI_Abort(${P} comm, int code)`),
    rank: f(`int MPI_Comm_rank(${P} comm, _Out_ int *r)`),
    size: f(`int MPI_Comm_size(${P} comm, _Out_ int *r)`),
    iallreduce: f(`int MPI_Iallreduce(${P} s, ${P} r, int n, ${P} dt, ${P} op, ${P} comm, ${P} req)`),
    ibcast: f(`int MPI_Ibcast(${P} b, int n, ${P} dt, int root, ${P} comm, ${P} req)`),
    iallgather: f(
      `int MPI_Iallgather(${P} s, int sn, ${P} sdt, ${P} r, int rn, ${P} rdt, ${P} comm, ${P} req)`,
    ),
    ireduceScatter: f(
      `int MPI_Ireduce_scatter_block(${P} s, ${P} r, int n, ${P} dt, ${P} op, ${P} comm, ${P} req)`,
    ),
    igather: f(
      `int MPI_Igather(${P} s, int sn, ${P} sdt, ${P} r, int rn, ${P} rdt, int root, ${P} comm, ${P} req)`,
    ),
    iscatter: f(
      `int MPI_Iscatter(${P} s, int sn, ${P} sdt, ${P} r, int rn, ${P} rdt, int root, ${P} comm, ${P} req)`,
    ),
    isend: f(`int MPI_Isend(${P} b, int n, ${P} dt, int dst, int tag, ${P} comm, ${P} req)`),
    irecv: f(`int MPI_Irecv(${P} b, int n, ${P} dt, int src, int tag, ${P} comm, ${P} req)`),
    ibarrier: f(`int MPI_Ibarrier(${P} comm, ${P} req)`),
    test: f(`int MPI_Test(${P} req, _Out_ int *flag, ${P} status)`),
  };
  const libc = koffi.load('libc.so.6');
  const malloc = libc.func('void *malloc(size_t n)') as unknown as (n: number) => Ptr;
  const cfree = libc.func('void free(void *p)') as unknown as (p: Ptr) => void;

  const world = sym('ompi_mpi_comm_world');
  const types: Record<DType, Ptr> = {
    float32: sym('ompi_mpi_float'),
    int32: sym('ompi_mpi_int'),
    bool: sym('ompi_mpi_uint8_t'),
    float64: sym('ompi_mpi_double'),
    int64: sym('ompi_mpi_int'), // stored as int32 (docs/porting.md)
    int16: sym('ompi_mpi_short'),
    int8: sym('ompi_mpi_signed_char'),
    uint8: sym('ompi_mpi_uint8_t'),
    // float16/bfloat16 travel as their host arrays' float32 values; reduced values are rounded
    // to 16 bits when written back.
    float16: sym('ompi_mpi_float'),
    bfloat16: sym('ompi_mpi_float'),
  };
  const byte = sym('ompi_mpi_byte');
  const ops: Record<MpiReduce, Ptr> = {
    sum: sym('ompi_mpi_op_sum'),
    max: sym('ompi_mpi_op_max'),
    min: sym('ompi_mpi_op_min'),
    prod: sym('ompi_mpi_op_prod'),
  };
  const IN_PLACE = 1n; // Open MPI's MPI_IN_PLACE is ((void *) 1)
  const ANY_SOURCE = -1;

  const check = (what: string, rc: number) => {
    if (rc !== 0) throw new DistributedError(`torch.distributed: ${what} failed with MPI error code ${rc}`);
  };
  const flag = [0];
  if (MPI.initialized(flag) !== 0 || !flag[0]) {
    const provided = [0];
    check('MPI_Init_thread', MPI.initThread(null, null, 0, provided));
  }
  const r = [0];
  const s = [0];
  check('MPI_Comm_rank', MPI.rank(world, r));
  check('MPI_Comm_size', MPI.size(world, s));

  const alloc = (bytes: number): NativeBuf => {
    const size = Math.max(bytes, 8);
    const ptr = malloc(size);
    if (!ptr)
      throw new DistributedError(`torch.distributed: could not allocate ${size} bytes of host memory`);
    return { ptr, bytes: new Uint8Array(koffi.view(ptr, size)), size };
  };
  const free = (b: NativeBuf) => cfree(b.ptr);
  // A request slot, plus room for an MPI_Status (Open MPI's is 24 bytes: source, tag, error, ...).
  const request = (name: string, start: (req: Ptr) => number): NativeBuf => {
    const req = alloc(64);
    const rc = start(req.ptr);
    if (rc !== 0) {
      free(req);
      check(name, rc);
    }
    return req;
  };
  const out = [0];
  const m: Mpi = {
    rank: r[0],
    size: s[0],
    alloc,
    free,
    iallreduce: (b, n, dt, op) =>
      request('MPI_Iallreduce', (q) => MPI.iallreduce(IN_PLACE, b.ptr, n, types[dt], ops[op], world, q)),
    ibcast: (b, n, dt, root) => request('MPI_Ibcast', (q) => MPI.ibcast(b.ptr, n, types[dt], root, world, q)),
    iallgather: (sb, rb, n, dt) =>
      request('MPI_Iallgather', (q) => MPI.iallgather(sb.ptr, n, types[dt], rb.ptr, n, types[dt], world, q)),
    ireduceScatter: (sb, rb, n, dt, op) =>
      request('MPI_Ireduce_scatter_block', (q) =>
        MPI.ireduceScatter(sb.ptr, rb.ptr, n, types[dt], ops[op], world, q),
      ),
    igather: (sb, rb, n, dt, root) =>
      request('MPI_Igather', (q) =>
        MPI.igather(sb.ptr, n, types[dt], rb ? rb.ptr : null, n, types[dt], root, world, q),
      ),
    iscatter: (sb, rb, n, dt, root) =>
      request('MPI_Iscatter', (q) =>
        MPI.iscatter(sb ? sb.ptr : null, n, types[dt], rb.ptr, n, types[dt], root, world, q),
      ),
    isend: (b, bytes, dst, tag) =>
      request('MPI_Isend', (q) => MPI.isend(b.ptr, bytes, byte, dst, tag, world, q)),
    irecv: (b, bytes, src, tag) =>
      request('MPI_Irecv', (q) => MPI.irecv(b.ptr, bytes, byte, src < 0 ? ANY_SOURCE : src, tag, world, q)),
    ibarrier: () => request('MPI_Ibarrier', (q) => MPI.ibarrier(world, q)),
    test(req) {
      check('MPI_Test', MPI.test(req.ptr, out, null));
      if (!out[0]) return false;
      free(req);
      return true;
    },
    testRecv(req) {
      // the status lives in the same slot, after the request handle
      const status = req.ptr + 16n;
      check('MPI_Test', MPI.test(req.ptr, out, status));
      if (!out[0]) return null;
      const src = new Int32Array(req.bytes.buffer, 16, 1)[0]; // MPI_SOURCE is the status' first field
      free(req);
      return src;
    },
    finalize() {
      const done = [0];
      MPI.finalized(done);
      if (!done[0]) MPI.finalize();
    },
    abort(code) {
      MPI.abort(world, code);
    },
  };
  // MPI is finalized once, at a clean exit (it cannot be initialized again). A rank that exits
  // with an error skips MPI_Finalize (a collective step that would wait for the others): mpirun
  // sees the non-zero exit and ends the other ranks instead of leaving them waiting. (Node prints
  // a top-level error after the 'exit' event, so MPI_Abort here would swallow it.)
  const proc = (globalThis as { process?: { on(e: 'exit', f: (code: number) => void): void } }).process;
  proc?.on('exit', (code) => {
    if (!code) m.finalize();
  });
  loaded = m;
  return m;
}
