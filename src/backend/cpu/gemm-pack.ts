/**
 * Packing for the GEMM: copies a block of a strided matrix into contiguous panels, which is
 * where every transpose and stride is absorbed (the kernels only ever see one layout).
 *
 * A block of X (element (r, k) at x[off + r*rs + k*ks]) of `rows` x `kc` becomes panels of R
 * rows: panel p holds, for each k < kcp, the R values X[p*R + 0..R-1, k] contiguously. Rows
 * past `rows` and k past `kc` are zero, so the kernels run full tiles only; since A and B are
 * both zero at padded k, the padding adds exact zeros (0*0) and never turns Inf into NaN.
 *
 * Both operands use this: A with (rs, ks) = (aRs, aCs), B with (rs, ks) = (bCs, bRs).
 */
export function packPanels(
  x: Float32Array,
  off: number,
  rs: number,
  ks: number,
  rows: number,
  kc: number,
  kcp: number,
  R: number,
  dst: Float32Array,
  dOff: number,
): void {
  const panels = Math.ceil(rows / R);
  for (let p = 0; p < panels; p++) {
    const base = dOff + p * kcp * R;
    const r0 = p * R;
    const n = Math.min(R, rows - r0);
    const src = off + r0 * rs;
    if (n < R || kc < kcp) dst.fill(0, base, base + kcp * R);
    if (rs === 1) {
      // The panel dimension is contiguous (A transposed, or B row-major): R floats per k.
      if (n === R) {
        for (let k = 0, d = base, s = src; k < kc; k++, d += R, s += ks)
          for (let r = 0; r < R; r++) dst[d + r] = x[s + r];
      } else {
        for (let k = 0, d = base, s = src; k < kc; k++, d += R, s += ks)
          for (let r = 0; r < n; r++) dst[d + r] = x[s + r];
      }
    } else if (ks === 1) {
      // k is contiguous (A row-major, or B = W^T of a row-major W): interleave R rows. The
      // panel (kcp * R floats, <= 8 KiB) stays in L1 across the R strided write passes.
      for (let r = 0; r < n; r++) {
        const s = src + r * rs;
        for (let k = 0, d = base + r; k < kc; k++, d += R) dst[d] = x[s + k];
      }
    } else {
      for (let k = 0, d = base; k < kc; k++, d += R) {
        const s = src + k * ks;
        for (let r = 0; r < n; r++) dst[d + r] = x[s + r * rs];
      }
    }
  }
}
