/**
 * A system BLAS for the CPU backend's products, in Node: OpenBLAS, MKL, BLIS or Apple's
 * Accelerate, called through koffi (FFI) on the tensors where they lie (the wasm heap is a
 * SharedArrayBuffer; a typed array is passed as a pointer to its elements, no copy).
 *
 * Why: 128-bit wasm SIMD has no wider vectors, so the wasm kernel (gemm-kernel.ts) tops out at
 * ~47 GFLOP/s per core here, against ~95 for OpenBLAS's AVX2/AVX-512 kernels on the same core
 * (bench/README.md); the products are 60-75% of an MLP's or an LSTM's step. PyTorch and NumPy
 * run on such a library too. Where none is found (a browser, a machine without one, koffi
 * missing) the wasm engine runs every product, as before; results agree to float rounding
 * (summation order differs).
 *
 * `TORCHTS_BLAS`: unset = look for an optimized BLAS by its usual names (never the reference
 * `libblas.so.3`, which is slower than the wasm kernel); `0` (or `off`) = never; a path or
 * library name = that library (an error at the first product if it cannot be loaded: an explicit
 * request is never dropped silently). Threads follow `torch.setNumThreads` for OpenBLAS, MKL
 * and BLIS.
 *
 * Looked up at the first product, not at import: importing torchts loads nothing native.
 */
import { loadKoffi } from '../koffi.js';
import { intraOp, PARALLEL_MIN_MACS } from './gemm-threads.js';

/** What a product needs of its operands: the `sgemm` argument list (gemm.ts), float32 or float64. */
type Arr = Float32Array | Float64Array;
export type BlasProduct<A extends Arr> = (
  M: number,
  N: number,
  K: number,
  a: A,
  aOff: number,
  aRs: number,
  aCs: number,
  b: A,
  bOff: number,
  bRs: number,
  bCs: number,
  c: A,
  cOff: number,
  ldc: number,
  opts?: {
    accumulate?: boolean;
    bias?: A;
    biasOff?: number;
    biasStride?: number;
    relu?: boolean;
    /** false: one thread whatever the size (gemm.ts `SgemmOptions.threads`). */
    threads?: boolean;
  },
) => boolean;

/** A loaded system BLAS. */
export interface Blas {
  /** The library as found (path or soname) and its own description where it gives one. */
  readonly name: string;
  readonly config: string;
  /**
   * C = (accumulate ? C : 0) + op(A) @ op(B) (+ bias per row) with gemm.ts's strided operands;
   * false (nothing written) where the layout is not a BLAS one (no unit stride on either
   * dimension, a relu epilogue, K = 0): the caller's own kernel runs it.
   */
  readonly sgemm: BlasProduct<Float32Array>;
  readonly dgemm: BlasProduct<Float64Array>;
  /** Products it has run (tests and benchmarks read it). */
  readonly calls: { n: number };
}

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** Optimized BLAS libraries by the names their packages install, most common first. */
const CANDIDATES: Record<string, string[]> = {
  linux: [
    'libopenblas.so.0',
    'libopenblas.so',
    'libmkl_rt.so.2',
    'libmkl_rt.so',
    'libblis.so.4',
    'libblis.so',
  ],
  darwin: [
    '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
    '/usr/local/opt/openblas/lib/libopenblas.dylib',
  ],
  win32: ['libopenblas.dll', 'openblas.dll', 'mkl_rt.2.dll'],
};

/** (trans, leading dimension) for an operand X(r, c) = x[r * rs + c * cs], or null if not BLAS-shaped. */
function layout(rs: number, cs: number, rows: number, cols: number): [number, number] | null {
  if (cs === 1 && (rows === 1 || rs >= cols)) return [NO_TRANS, Math.max(1, cols, rows === 1 ? 0 : rs)];
  if (rs === 1 && (cols === 1 || cs >= rows)) return [TRANS, Math.max(1, rows, cols === 1 ? 0 : cs)];
  return null;
}

type Gemm = (...a: unknown[]) => void;

/**
 * gemm (gemv where C is one column or one row, as PyTorch's mv/addmv) + an optional rank-1 bias
 * update (ger with a vector of ones), for one element type.
 */
function product<A extends Arr>(
  gemm: Gemm,
  gemv: Gemm,
  ger: Gemm,
  make: (n: number) => A,
  calls: { n: number },
): BlasProduct<A> {
  let ones = make(0);
  return (M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, opts) => {
    if (K <= 0 || opts?.relu || ldc < N) return false;
    const la = layout(aRs, aCs, M, K);
    const lb = layout(bRs, bCs, K, N);
    if (!la || !lb) return false;
    syncThreads(opts?.threads === false ? 0 : M * N * K);
    calls.n++;
    const beta = opts?.accumulate ? 1 : 0;
    const C = c.subarray(cOff);
    const [A, B] = [a.subarray(aOff), b.subarray(bOff)];
    if (N === 1) {
      // C[:, 0] = op(A) @ B[:, 0]: A as stored (M x K, or K x M for a transpose), B a strided vector
      const [rows, cols] = la[0] === NO_TRANS ? [M, K] : [K, M];
      gemv(ROW_MAJOR, la[0], rows, cols, 1, A, la[1], B, K === 1 ? 1 : bRs, beta, C, M === 1 ? 1 : ldc);
    } else if (M === 1) {
      // C[0, :] = A[0, :] @ op(B) = op(B)^T @ A[0, :]
      const [rows, cols, t] = lb[0] === NO_TRANS ? [K, N, TRANS] : [N, K, NO_TRANS];
      gemv(ROW_MAJOR, t, rows, cols, 1, B, lb[1], A, K === 1 ? 1 : aCs, beta, C, 1);
    } else gemm(ROW_MAJOR, la[0], lb[0], M, N, K, 1, A, la[1], B, lb[1], beta, C, ldc);
    const bias = opts?.bias;
    if (bias) {
      if (ones.length < M) {
        ones = make(Math.max(M, 2 * ones.length));
        ones.fill(1);
      }
      ger(ROW_MAJOR, M, N, 1, ones, 1, bias.subarray(opts.biasOff ?? 0), opts.biasStride ?? 1, C, ldc);
    }
    return true;
  };
}

/** The thread count last given to the library, and how to give one (undefined: it has no setter). */
const threads = { current: 0, set: undefined as ((n: number) => void) | undefined };

/**
 * One thread below PARALLEL_MIN_MACS (as the wasm engine's helper): OpenBLAS's idle threads
 * spin after each threaded call, which on 2 cores cost the small products more than they gain
 * (quickstart MLP, load ~2.5: 5.0 ms/step and 10 ms CPU on 2 threads for every product
 * against 3.0 / 4.6 on 1).
 */
function syncThreads(macs: number): void {
  const n = macs >= PARALLEL_MIN_MACS ? intraOp.threads : 1;
  if (threads.set && threads.current !== n) {
    threads.current = n;
    threads.set(n);
  }
}

function env(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}

/**
 * OpenBLAS's idle threads spin (yielding) for 2^28 cycles after each threaded product before
 * they sleep, so on the default 2 threads a step's CPU time was ~2x its wall time. 2^22 cycles
 * (~1.3 ms) keeps them awake between the products of one layer: mnist CNN (2 threads) 0.154 ->
 * 0.088 CPU s/step at the same wall time (0.077 / 0.074), the quickstart MLP unchanged (4.5 ms
 * CPU, 2.3 wall). OpenBLAS reads it once, when loaded; a value the user set is kept, and the
 * variable is removed again after the load (child processes never see ours).
 */
function withSpinTimeout<T>(load: () => T): T {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (!env || env.OPENBLAS_THREAD_TIMEOUT !== undefined) return load();
  env.OPENBLAS_THREAD_TIMEOUT = '22';
  try {
    return load();
  } finally {
    delete env.OPENBLAS_THREAD_TIMEOUT;
  }
}

/** Loads the first library of `names` that exports cblas_sgemm; a string says why none did. */
function open(names: string[]): Blas | string {
  const koffi = loadKoffi();
  if (typeof koffi === 'string') return koffi;
  const why: string[] = [];
  for (const name of names) {
    let lib: ReturnType<typeof koffi.load>;
    let fn: (decl: string) => Gemm;
    try {
      lib = withSpinTimeout(() => koffi.load(name));
      fn = (decl) => lib.func(decl) as Gemm;
      const gemmDecl = (t: string) =>
        `void cblas_${t}gemm(int, int, int, int, int, int, ${T[t]}, ${T[t]} *, int, ${T[t]} *, int, ${T[t]}, ${T[t]} *, int)`;
      const gemvDecl = (t: string) =>
        `void cblas_${t}gemv(int, int, int, int, ${T[t]}, ${T[t]} *, int, ${T[t]} *, int, ${T[t]}, ${T[t]} *, int)`;
      const gerDecl = (t: string) =>
        `void cblas_${t}ger(int, int, int, ${T[t]}, ${T[t]} *, int, ${T[t]} *, int, ${T[t]} *, int)`;
      const optional = (decl: string) => {
        try {
          return fn(decl);
        } catch {
          return undefined;
        }
      };
      const setter =
        optional('void openblas_set_num_threads(int)') ??
        optional('void MKL_Set_Num_Threads(int)') ??
        optional('void bli_thread_set_num_threads(int64_t)');
      const cfg = optional('const char *openblas_get_config()');
      const calls = { n: 0 };
      const typed = <A extends Arr>(t: 's' | 'd', make: (n: number) => A) =>
        product(fn(gemmDecl(t)), fn(gemvDecl(t)), fn(gerDecl(t)), make, calls);
      const blas: Blas = {
        name,
        calls,
        config: cfg ? String(cfg()) : name,
        sgemm: typed('s', (n): Float32Array => new Float32Array(n)),
        dgemm: typed('d', (n): Float64Array => new Float64Array(n)),
      };
      threads.set = setter ? (n) => setter(n) : undefined;
      threads.current = 0;
      return blas;
    } catch (e) {
      why.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return why.join('; ');
}
const T: Record<string, string> = { s: 'float', d: 'double' };

/** The lookup's outcome: undefined until the first product asks. */
const found: { blas?: Blas | null } = {};

/**
 * The system BLAS the CPU backend's products use, or null (the wasm engine runs them). Throws
 * when `TORCHTS_BLAS` names a library that cannot be loaded.
 */
export function systemBlas(): Blas | null {
  if (found.blas !== undefined) return found.blas;
  const want = env('TORCHTS_BLAS')?.trim();
  if (want === '0' || want === 'off' || want === 'false') return (found.blas = null);
  const proc = (globalThis as { process?: { platform?: string } }).process;
  const names = want ? [want] : (CANDIDATES[proc?.platform ?? ''] ?? []);
  const r = names.length ? open(names) : 'no known BLAS names for this platform';
  if (typeof r === 'string') {
    if (want) throw new Error(`TORCHTS_BLAS=${want}: the BLAS library could not be loaded (${r})`);
    return (found.blas = null);
  }
  return (found.blas = r);
}

/** Tests and benchmarks: the wasm engine for every product (false), or the default lookup again (true). */
export function useSystemBlas(on: boolean): void {
  found.blas = undefined;
  if (!on) found.blas = null;
}
