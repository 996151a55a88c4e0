/**
 * The wasm SIMD GEMM engine: instantiates the kernels of wasm/gemm-kernel.ts once, synchronously
 * (the module is a few KiB, well under the main-thread sync-compile limit), and exposes them in
 * float units over the module's own memory, which the driver (gemm.ts) packs into.
 */
import { hasWasmSimd } from './wasm/emit.js';
import { defaultShape, gemmModuleBytes } from './wasm/gemm-kernel.js';

/** What the driver needs from a kernel engine; offsets and strides are in floats. */
export interface GemmEngine {
  readonly name: 'wasm' | 'js';
  /** Register tile: rows of an A panel, columns of a B panel. */
  readonly mr: number;
  readonly nr: number;
  /** Packed K must be a multiple of this. */
  readonly unroll: number;
  /** The engine's scratch memory, grown to at least `floats` (a fresh view after growth). */
  memory(floats: number): Float32Array;
  /** C tiles (ip < mp, jp < np) = (load ? C : 0) + packed A panel ip @ packed B panel jp. */
  block(
    ap: number,
    bp: number,
    c: number,
    ldc: number,
    kc: number,
    mp: number,
    np: number,
    load: boolean,
  ): void;
  /**
   * Packs `panels` full R-row panels of kc k-steps (no padding) from the engine's own memory
   * (X(r, k) at src + r*rs + k*ks) to dst; false where the engine has no kernel for this layout.
   */
  packFull?(src: number, rs: number, ks: number, panels: number, kc: number, R: number, dst: number): boolean;
  /** Epilogue over rows x n of C (n a multiple of 4 for wasm): flags 1 = add bias[n], 2 = relu. */
  finish(c: number, ldc: number, rows: number, n: number, bias: number, flags: number): void;
}

type PackFn = (src: number, stride: number, panels: number, kc: number, dst: number) => void;
type Exports = Record<string, PackFn> & {
  memory: WebAssembly.Memory;
  block: (...a: number[]) => void;
  finish: (c: number, ldc: number, m: number, nv: number, bias: number, flags: number) => void;
};

function create(): GemmEngine | undefined {
  if (!hasWasmSimd()) return undefined;
  const mod = new WebAssembly.Module(gemmModuleBytes(defaultShape) as BufferSource);
  const ex = new WebAssembly.Instance(mod).exports as unknown as Exports;
  let view = new Float32Array(ex.memory.buffer);
  const nr = 4 * defaultShape.nrv;
  return {
    name: 'wasm',
    mr: defaultShape.mr,
    nr,
    unroll: defaultShape.unroll,
    memory(floats) {
      const need = floats * 4 - ex.memory.buffer.byteLength;
      if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
      if (view.buffer !== ex.memory.buffer) view = new Float32Array(ex.memory.buffer);
      return view;
    },
    block: (ap, bp, c, ldc, kc, mp, np, load) =>
      ex.block(ap * 4, bp * 4, c * 4, ldc * 4, kc, mp, np, load ? 1 : 0),
    packFull(src, rs, ks, panels, kc, R, dst) {
      const contig = rs === 1 ? ex[`packContig${R}`] : undefined;
      const inter = ks === 1 ? ex[`packInterleave${R}`] : undefined;
      if (contig) contig(src * 4, ks * 4, panels, kc, dst * 4);
      else if (inter) inter(src * 4, rs * 4, panels, kc, dst * 4);
      else return false;
      return true;
    },
    finish: (c, ldc, rows, n, bias, flags) => ex.finish(c * 4, ldc * 4, rows, n >> 2, bias * 4, flags),
  };
}

/** The wasm engine, or undefined where this engine has no WebAssembly SIMD. */
export const wasmEngine: GemmEngine | undefined = create();
