/** Scalar math on JS numbers shared by the CPU kernels and host-side code (nn.init). */

/**
 * erf to float64 precision (|err| ~ 1e-15; float64 tensors need it, float32 ones round it):
 * for |x| < 3 the series 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)), whose
 * terms are all positive (no cancellation); beyond, 1 - erfc(|x|) from erfc's continued fraction
 * exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (Number.isNaN(z)) return Number.NaN;
  let r: number;
  if (z < 3) {
    const z2 = z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * z2) / (2 * n + 1);
      sum += term;
    }
    r = (2 / Math.sqrt(Math.PI)) * Math.exp(-z2) * sum;
  } else {
    let f = z;
    for (let k = 60; k >= 1; k--) f = z + k / 2 / f;
    r = 1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}
