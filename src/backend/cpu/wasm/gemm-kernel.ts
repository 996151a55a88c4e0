/**
 * The wasm SIMD GEMM kernels, generated at load time with the assembler in emit.ts.
 *
 * `block` multiplies packed panels: A as MR-row panels (for each k, MR floats), B as NR-column
 * panels (for each k, NR floats), into a C buffer whose tiles are full MR x NR (callers pad
 * M and N, and pad K with zeros in both A and B, so the kernel has no edge cases).
 *
 * Register budget (x64, what V8 gives wasm): 16 xmm registers, one (xmm15) kept as scratch.
 * A 4 x 8 tile holds 8 accumulators + 2 B vectors + 1 A splat + 1 product = 12 live vectors;
 * per k it issues 2 loads + 4 splat-loads for 8 mul + 8 add. Without relaxed-SIMD FMA the
 * mul/add pair is the floor: Zen 4 retires 2 mul + 2 add per cycle at 128 bits, so the peak is
 * 16 flop/cycle (~59 GFLOP/s at 3.66 GHz); the loads (6 per 16 flop-ops) stay under the 3
 * load ports, and 8 independent accumulator chains cover the 3-cycle add latency at 2/cycle.
 */
import { Fn, i32, type MemorySpec, moduleBytes, v128 } from './emit.js';
import { packContigFn, packInterleaveFn } from './pack-kernel.js';

export interface KernelShape {
  /** Rows of the register tile (A panel width). */
  mr: number;
  /** f32x4 vectors per tile row (B panel width = 4 * nrv). */
  nrv: number;
  /** k-loop unroll; packed K is padded to a multiple of it. */
  unroll: number;
}

/**
 * Measured on Zen 4 / Node 20 (block() alone, panels in L1/L2): 4x8 u=1 62, 2x16 u=1 63,
 * 3x8 60, 5x8 48, 6x8 35, 4x12 35, 4x8 u=2 39, 4x8 u=4 35 GFLOP/s. Unrolling hurts because
 * TurboFan keeps the loads in program order on the effect chain but sinks the pure mul/add
 * to the end of the block, so an unrolled body holds every loaded vector at once and spills;
 * 4x8 u=1 holds 8 accumulators + 6 loaded vectors + 1 product = 15, exactly xmm0-xmm14.
 */
export const defaultShape: KernelShape = { mr: 4, nrv: 2, unroll: 1 };

/**
 * block(ap, bp, c, ldc, kc, mp, np, load): for jp < np, ip < mp:
 *   C[ip*MR.., jp*NR..] = (load ? C : 0) + Apanel[ip] @ Bpanel[jp]
 * All pointers and ldc are in bytes; kc > 0 is a multiple of `unroll`; panels are kc*MR and kc*NR floats.
 */
function blockFn({ mr, nrv, unroll }: KernelShape): Fn {
  const nr = 4 * nrv;
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32, i32]);
  const [ap, bp, c, ldc, kc, mp, np, load] = [0, 1, 2, 3, 4, 5, 6, 7];
  const jp = f.local(i32);
  const ip = f.local(i32);
  const pa = f.local(i32);
  const pb = f.local(i32);
  const k = f.local(i32);
  const cRow = f.local(i32);
  const cTile = f.local(i32);
  const aPanel = f.local(i32); // bytes per A panel
  const bPanel = f.local(i32);
  const acc: number[][] = [];
  for (let r = 0; r < mr; r++) acc.push(Array.from({ length: nrv }, () => f.local(v128)));
  const bv = Array.from({ length: nrv }, () => f.local(v128));
  const av = f.local(v128);

  f.get(kc)
    .i32Const(mr * 4)
    .i32Mul()
    .set(aPanel);
  f.get(kc)
    .i32Const(nr * 4)
    .i32Mul()
    .set(bPanel);
  f.i32Const(0).set(jp);
  f.loop(); // over B panels (the kc x NR panel stays in L1 while A panels stream from L2)
  f.i32Const(0).set(ip);
  f.get(c)
    .get(jp)
    .i32Const(nr * 4)
    .i32Mul()
    .i32Add()
    .set(cTile);
  f.loop(); // over A panels
  f.get(ap).get(ip).get(aPanel).i32Mul().i32Add().set(pa);
  f.get(bp).get(jp).get(bPanel).i32Mul().i32Add().set(pb);
  for (const row of acc) for (const a of row) f.v128Zero().set(a);
  f.get(kc).set(k);
  f.loop();
  for (let u = 0; u < unroll; u++) {
    for (let v = 0; v < nrv; v++)
      f.get(pb)
        .v128Load((u * nr + 4 * v) * 4)
        .set(bv[v]);
    for (let r = 0; r < mr; r++) {
      f.get(pa)
        .v128Load32Splat((u * mr + r) * 4)
        .set(av);
      for (let v = 0; v < nrv; v++) f.get(acc[r][v]).get(av).get(bv[v]).f32x4Mul().f32x4Add().set(acc[r][v]);
    }
  }
  f.get(pa)
    .i32Const(unroll * mr * 4)
    .i32Add()
    .set(pa);
  f.get(pb)
    .i32Const(unroll * nr * 4)
    .i32Add()
    .set(pb);
  f.get(k).i32Const(unroll).i32Sub().tee(k).brIf(0);
  f.end();
  // store the tile: C += acc (load) or C = acc
  f.get(cTile).set(cRow);
  f.get(load).if_();
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nrv; v++)
      f.get(cRow)
        .get(cRow)
        .v128Load(16 * v)
        .get(acc[r][v])
        .f32x4Add()
        .v128Store(16 * v);
    if (r < mr - 1) f.get(cRow).get(ldc).i32Add().set(cRow);
  }
  f.else_();
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nrv; v++)
      f.get(cRow)
        .get(acc[r][v])
        .v128Store(16 * v);
    if (r < mr - 1) f.get(cRow).get(ldc).i32Add().set(cRow);
  }
  f.end();
  f.get(cTile).get(ldc).i32Const(mr).i32Mul().i32Add().set(cTile);
  f.get(ip).i32Const(1).i32Add().tee(ip).get(mp).i32Ne().brIf(0);
  f.end();
  f.get(jp).i32Const(1).i32Add().tee(jp).get(np).i32Ne().brIf(0);
  f.end();
  return f;
}

/**
 * direct(a, aRs, aCs, b, bRs, c, ldc, kc, mp, np, batch, aBs, bBs, cBs): a batch of small
 * products without packing, for the products of attention heads (32 x 32 x 16): for each of
 * `batch` entries (operands aBs, bBs, cBs bytes further each time), for jp < np, ip < mp:
 *   C[ip*MR.., jp*NR..] = A[ip*MR.., 0..kc) @ B[0..kc), jp*NR..]
 * A element (i, k) at a + i*aRs + k*aCs (any strides: splat loads), B row k at b + k*bRs with
 * its NR columns contiguous, C rows ldc apart; all in bytes, kc > 0. The 4 x 8 register tile of
 * `block`, with strided loads in place of panel loads.
 */
function directFn({ mr, nrv }: KernelShape): Fn {
  const nr = 4 * nrv;
  const f = new Fn([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32]);
  const [a, aRs, aCs, b, bRs, c, ldc, kc, mp, np, batch, aBs, bBs, cBs] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const jp = f.local(i32);
  const ip = f.local(i32);
  const pa = Array.from({ length: mr }, () => f.local(i32));
  const pb = f.local(i32);
  const k = f.local(i32);
  const cRow = f.local(i32);
  const acc: number[][] = [];
  for (let r = 0; r < mr; r++) acc.push(Array.from({ length: nrv }, () => f.local(v128)));
  const bv = Array.from({ length: nrv }, () => f.local(v128));
  const av = f.local(v128);
  f.loop(); // over batch entries
  f.i32Const(0).set(jp);
  f.loop(); // over column tiles
  f.i32Const(0).set(ip);
  f.loop(); // over row tiles
  f.get(a).get(ip).i32Const(mr).i32Mul().get(aRs).i32Mul().i32Add().set(pa[0]);
  for (let r = 1; r < mr; r++)
    f.get(pa[r - 1])
      .get(aRs)
      .i32Add()
      .set(pa[r]);
  f.get(b)
    .get(jp)
    .i32Const(nr * 4)
    .i32Mul()
    .i32Add()
    .set(pb);
  for (const row of acc) for (const x of row) f.v128Zero().set(x);
  f.get(kc).set(k);
  f.loop();
  for (let v = 0; v < nrv; v++)
    f.get(pb)
      .v128Load(16 * v)
      .set(bv[v]);
  f.get(pb).get(bRs).i32Add().set(pb);
  for (let r = 0; r < mr; r++) {
    f.get(pa[r]).v128Load32Splat().set(av);
    f.get(pa[r]).get(aCs).i32Add().set(pa[r]);
    for (let v = 0; v < nrv; v++) f.get(acc[r][v]).get(av).get(bv[v]).f32x4Mul().f32x4Add().set(acc[r][v]);
  }
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end();
  f.get(c)
    .get(ip)
    .i32Const(mr)
    .i32Mul()
    .get(ldc)
    .i32Mul()
    .i32Add()
    .get(jp)
    .i32Const(nr * 4)
    .i32Mul()
    .i32Add()
    .set(cRow);
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nrv; v++)
      f.get(cRow)
        .get(acc[r][v])
        .v128Store(16 * v);
    if (r < mr - 1) f.get(cRow).get(ldc).i32Add().set(cRow);
  }
  f.get(ip).i32Const(1).i32Add().tee(ip).get(mp).i32Ne().brIf(0);
  f.end();
  f.get(jp).i32Const(1).i32Add().tee(jp).get(np).i32Ne().brIf(0);
  f.end();
  f.get(a).get(aBs).i32Add().set(a);
  f.get(b).get(bBs).i32Add().set(b);
  f.get(c).get(cBs).i32Add().set(c);
  f.get(batch).i32Const(1).i32Sub().tee(batch).brIf(0);
  f.end();
  return f;
}

/**
 * finish(c, ldc, m, nv, bias, flags): the epilogue over m rows of nv f32x4 vectors:
 *   x = C; if (flags & 1) x += bias[j]; if (flags & 2) x = relu(x) (NaN kept, as torch.relu).
 */
function finishFn(): Fn {
  const f = new Fn([i32, i32, i32, i32, i32, i32]);
  const [c, ldc, m, nv, bias, flags] = [0, 1, 2, 3, 4, 5];
  const row = f.local(i32);
  const p = f.local(i32);
  const q = f.local(i32);
  const end = f.local(i32);
  const x = f.local(v128);
  const zero = f.local(v128);
  f.v128Zero().set(zero);
  f.get(m).i32Eqz().if_().ret().end();
  f.i32Const(0).set(row);
  f.loop();
  f.get(c).get(row).get(ldc).i32Mul().i32Add().tee(p);
  f.get(nv).i32Const(16).i32Mul().i32Add().set(end);
  f.get(bias).set(q);
  f.loop();
  f.get(p).v128Load().set(x);
  f.get(flags).i32Const(1).i32And().if_().get(x).get(q).v128Load().f32x4Add().set(x).end();
  f.get(flags).i32Const(2).i32And().if_().get(x).get(zero).f32x4Pmax().set(x).end();
  f.get(p).get(x).v128Store();
  f.get(q).i32Const(16).i32Add().set(q);
  f.get(p).i32Const(16).i32Add().tee(p).get(end).i32LtU().brIf(0);
  f.end();
  f.get(row).i32Const(1).i32Add().tee(row).get(m).i32Ne().brIf(0);
  f.end();
  return f;
}

/**
 * The module's bytes for one kernel shape. Exports: block, direct, finish, packContig{R} and
 * packInterleave{R} for R = MR and NR (pack-kernel.ts); imports env.memory as `mem` says.
 */
export function gemmModuleBytes(shape: KernelShape = defaultShape, mem: MemorySpec = { min: 1 }): Uint8Array {
  const fns: Record<string, Fn> = { block: blockFn(shape), direct: directFn(shape), finish: finishFn() };
  for (const R of new Set([shape.mr, 4 * shape.nrv])) {
    if (R % 4 !== 0) continue; // the pack kernels move whole vectors; other R pack in JS
    fns[`packContig${R}`] = packContigFn(R);
    fns[`packInterleave${R}`] = packInterleaveFn(R);
  }
  return moduleBytes(fns, mem);
}
