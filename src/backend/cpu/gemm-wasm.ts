/**
 * The wasm SIMD GEMM engine: instantiates the kernels of wasm/gemm-kernel.ts once, synchronously
 * (the module is a few KiB, well under the main-thread sync-compile limit), and exposes them in
 * float units over its memory, which the driver (gemm.ts) packs into; large products also use a
 * worker thread over the same shared memory (gemm-threads.ts).
 */
import { type BlockFn, intraOp, type Job, PARALLEL_MIN_MACS, runShare, startHelper } from './gemm-threads.js';
import { heap } from './heap.js';
import { defaultShape, gemmModuleBytes } from './wasm/gemm-kernel.js';

/** What the driver needs from a kernel engine; offsets and strides are in floats. */
export interface GemmEngine {
  readonly name: 'wasm' | 'js';
  /** Register tile: rows of an A panel, columns of a B panel. */
  readonly mr: number;
  readonly nr: number;
  /** Packed K must be a multiple of this. */
  readonly unroll: number;
  /**
   * A scratch region of at least `floats` in the engine's memory: returns its first float
   * index in `view()`. May grow the memory, so take `view()` (and heap offsets) after it.
   */
  scratch(floats: number): number;
  /**
   * A second region of at least `floats`, whose contents last between calls (sgemm's kept B
   * panels, `SgemmOptions.keepB`); first float index in `view()`, which it may grow. Optional.
   */
  keep?(floats: number): number;
  /** The engine's memory as floats, as it is now. */
  view(): Float32Array;
  /** Whether `x` lives in the engine's memory (then it is used in place, at x.byteOffset). */
  owns(x: Float32Array): boolean;
  /** C tiles (ip < mp, jp < np) = (load ? C : 0) + packed A panel ip @ packed B panel jp. */
  block: BlockFn;
  /**
   * Runs a packed product: gemm-threads.ts `runShare` over B panels [0, np), split with a
   * worker thread when `parallel` and the product has at least a threshold of `macs`.
   */
  run(job: Job, np: number, macs: number, parallel: boolean): void;
  /**
   * Packs `panels` full R-row panels of kc k-steps from the engine's own memory (X(r, k) at
   * src + r*rs + k*ks) to dst, panels kcp * R apart (k-steps kc..kcp-1 are left as they are);
   * false where the engine has no kernel for this layout.
   */
  packFull?(
    src: number,
    rs: number,
    ks: number,
    panels: number,
    kc: number,
    kcp: number,
    R: number,
    dst: number,
  ): boolean;
  /**
   * A batch of small unpacked products (wasm/gemm-kernel.ts `direct`; bytes): M = mp * mr rows,
   * N = np * nr columns, B's rows column-contiguous. Only the wasm engine has it.
   */
  direct?(
    a: number,
    aRs: number,
    aCs: number,
    b: number,
    bRs: number,
    c: number,
    ldc: number,
    kc: number,
    mp: number,
    np: number,
    batch: number,
    aBs: number,
    bBs: number,
    cBs: number,
  ): void;
  /** Epilogue over rows x n of C (n a multiple of 4 for wasm): flags 1 = add bias[n], 2 = relu. */
  finish(c: number, ldc: number, rows: number, n: number, bias: number, flags: number): void;
}

type PackFn = (src: number, stride: number, panels: number, kc: number, dst: number, pstride: number) => void;
type Exports = Record<string, PackFn> & {
  block: (...a: number[]) => void;
  direct: NonNullable<GemmEngine['direct']>;
  finish: (c: number, ldc: number, m: number, nv: number, bias: number, flags: number) => void;
};

function create(): GemmEngine | undefined {
  if (!heap) return undefined;
  // The CPU heap's memory (heap.ts): tensors already live there, so operands are packed from
  // where they are and C is written in place. Shared where a worker could use it.
  const h = heap;
  const { memory } = h;
  const mod = new WebAssembly.Module(gemmModuleBytes(defaultShape, h.spec) as BufferSource);
  const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Exports;
  let helper: ReturnType<typeof startHelper> | null = h.shared ? null : undefined; // null: not started yet
  /** Packing space in the heap that grows on demand; offsets in floats. */
  const region = () => {
    const need = h.growingBlock('sgemm packing space');
    return (floats: number) => need(floats * 4 + 64) >>> 2;
  };
  const nr = 4 * defaultShape.nrv;
  const block: BlockFn = (ap, bp, c, ldc, kc, mp, np, load) =>
    ex.block(ap * 4, bp * 4, c * 4, ldc * 4, kc, mp, np, load ? 1 : 0);
  return {
    name: 'wasm',
    mr: defaultShape.mr,
    nr,
    unroll: defaultShape.unroll,
    scratch: region(),
    keep: region(),
    view: () => h.floats(),
    owns: (x) => h.owns(x),
    block,
    run(job, np, macs, parallel) {
      if (parallel && intraOp.threads > 1 && macs >= PARALLEL_MIN_MACS) {
        if (helper === null)
          helper = startHelper(mod, memory); // the product that starts it runs alone
        else if (helper?.(job, np, block)) return;
      }
      runShare(block, job, 0, np);
    },
    packFull(src, rs, ks, panels, kc, kcp, R, dst) {
      const contig = rs === 1 ? ex[`packContig${R}`] : undefined;
      const inter = ks === 1 ? ex[`packInterleave${R}`] : undefined;
      if (contig) contig(src * 4, ks * 4, panels, kc, dst * 4, kcp * R * 4);
      else if (inter) inter(src * 4, rs * 4, panels, kc, dst * 4, kcp * R * 4);
      else return false;
      return true;
    },
    direct: ex.direct,
    finish: (c, ldc, rows, n, bias, flags) => ex.finish(c * 4, ldc * 4, rows, n >> 2, bias * 4, flags),
  };
}

/** The wasm engine, or undefined where this engine has no WebAssembly SIMD. */
export const wasmEngine: GemmEngine | undefined = create();
