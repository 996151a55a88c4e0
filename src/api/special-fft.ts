/**
 * torch.special's Bessel/Airy/polynomial/incomplete-gamma/zeta functions (ops/special.ts) and
 * torch.fft (ops/fft.ts), each bound once through PyTorch's parameter list; api/torch.ts puts
 * them in the `special` and `fft` namespaces.
 */
import * as ft from '../ops/fft.js';
import * as sp from '../ops/special.js';
import { fn, method } from '../signature/bind.js';
import type { MethodArgs } from '../signature/types.js';
import { Tensor } from '../tensor/tensor.js';

export const specialMore = {
  /** The Airy function Ai(x). */
  airyAi: fn('torch.special.airyAi', 'airy_ai(Tensor input)', (a) => sp.airyAi(a.input)),
  /** The Bessel function of the first kind of order 0, J₀(x). */
  besselJ0: fn('torch.special.besselJ0', 'bessel_j0(Tensor input)', (a) => sp.besselJ0(a.input)),
  /** The Bessel function of the first kind of order 1, J₁(x). */
  besselJ1: fn('torch.special.besselJ1', 'bessel_j1(Tensor input)', (a) => sp.besselJ1(a.input)),
  /** The Bessel function of the second kind of order 0, Y₀(x) (x > 0; −∞ at 0, NaN below). */
  besselY0: fn('torch.special.besselY0', 'bessel_y0(Tensor input)', (a) => sp.besselY0(a.input)),
  /** The Bessel function of the second kind of order 1, Y₁(x) (x > 0; −∞ at 0, NaN below). */
  besselY1: fn('torch.special.besselY1', 'bessel_y1(Tensor input)', (a) => sp.besselY1(a.input)),
  /** The modified Bessel function of the first kind of order 0, I₀(x). */
  modifiedBesselI0: fn('torch.special.modifiedBesselI0', 'modified_bessel_i0(Tensor input)', (a) =>
    sp.modifiedBesselI0(a.input),
  ),
  /** The modified Bessel function of the first kind of order 1, I₁(x). */
  modifiedBesselI1: fn('torch.special.modifiedBesselI1', 'modified_bessel_i1(Tensor input)', (a) =>
    sp.modifiedBesselI1(a.input),
  ),
  /** The modified Bessel function of the second kind of order 0, K₀(x) (x > 0). */
  modifiedBesselK0: fn('torch.special.modifiedBesselK0', 'modified_bessel_k0(Tensor input)', (a) =>
    sp.modifiedBesselK0(a.input),
  ),
  /** The modified Bessel function of the second kind of order 1, K₁(x) (x > 0). */
  modifiedBesselK1: fn('torch.special.modifiedBesselK1', 'modified_bessel_k1(Tensor input)', (a) =>
    sp.modifiedBesselK1(a.input),
  ),
  /** The exponentially scaled K₀: eˣ · K₀(x). */
  scaledModifiedBesselK0: fn(
    'torch.special.scaledModifiedBesselK0',
    'scaled_modified_bessel_k0(Tensor input)',
    (a) => sp.scaledModifiedBesselK0(a.input),
  ),
  /** The exponentially scaled K₁: eˣ · K₁(x). */
  scaledModifiedBesselK1: fn(
    'torch.special.scaledModifiedBesselK1',
    'scaled_modified_bessel_k1(Tensor input)',
    (a) => sp.scaledModifiedBesselK1(a.input),
  ),
  /** The spherical Bessel function of the first kind of order 0, sin(x)/x (1 at 0). */
  sphericalBesselJ0: fn('torch.special.sphericalBesselJ0', 'spherical_bessel_j0(Tensor input)', (a) =>
    sp.sphericalBesselJ0(a.input),
  ),
  /**
   * The Chebyshev polynomial of the first kind Tₙ(x), elementwise over `input` and degree `n` (tensors or
   * numbers, broadcast).
   */
  chebyshevPolynomialT: fn(
    'torch.special.chebyshevPolynomialT',
    'chebyshev_polynomial_t(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialT(a.input, a.n),
  ),
  /** The Chebyshev polynomial of the second kind Uₙ(x); `input` and `n` as `chebyshevPolynomialT`. */
  chebyshevPolynomialU: fn(
    'torch.special.chebyshevPolynomialU',
    'chebyshev_polynomial_u(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialU(a.input, a.n),
  ),
  /** The Chebyshev polynomial of the third kind Vₙ(x); `input` and `n` as `chebyshevPolynomialT`. */
  chebyshevPolynomialV: fn(
    'torch.special.chebyshevPolynomialV',
    'chebyshev_polynomial_v(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialV(a.input, a.n),
  ),
  /** The Chebyshev polynomial of the fourth kind Wₙ(x); `input` and `n` as `chebyshevPolynomialT`. */
  chebyshevPolynomialW: fn(
    'torch.special.chebyshevPolynomialW',
    'chebyshev_polynomial_w(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialW(a.input, a.n),
  ),
  /** The shifted Chebyshev polynomial T*ₙ(x) = Tₙ(2x − 1), for x in [0, 1]. */
  shiftedChebyshevPolynomialT: fn(
    'torch.special.shiftedChebyshevPolynomialT',
    'shifted_chebyshev_polynomial_t(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialT(a.input, a.n),
  ),
  /** The shifted Chebyshev polynomial U*ₙ(x) = Uₙ(2x − 1). */
  shiftedChebyshevPolynomialU: fn(
    'torch.special.shiftedChebyshevPolynomialU',
    'shifted_chebyshev_polynomial_u(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialU(a.input, a.n),
  ),
  /** The shifted Chebyshev polynomial V*ₙ(x) = Vₙ(2x − 1). */
  shiftedChebyshevPolynomialV: fn(
    'torch.special.shiftedChebyshevPolynomialV',
    'shifted_chebyshev_polynomial_v(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialV(a.input, a.n),
  ),
  /** The shifted Chebyshev polynomial W*ₙ(x) = Wₙ(2x − 1). */
  shiftedChebyshevPolynomialW: fn(
    'torch.special.shiftedChebyshevPolynomialW',
    'shifted_chebyshev_polynomial_w(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialW(a.input, a.n),
  ),
  /** The physicists' Hermite polynomial Hₙ(x); `input` and degree `n` tensors or numbers. */
  hermitePolynomialH: fn(
    'torch.special.hermitePolynomialH',
    'hermite_polynomial_h(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.hermitePolynomialH(a.input, a.n),
  ),
  /** The probabilists' Hermite polynomial Heₙ(x). */
  hermitePolynomialHe: fn(
    'torch.special.hermitePolynomialHe',
    'hermite_polynomial_he(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.hermitePolynomialHe(a.input, a.n),
  ),
  /** The Laguerre polynomial Lₙ(x). */
  laguerrePolynomialL: fn(
    'torch.special.laguerrePolynomialL',
    'laguerre_polynomial_l(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.laguerrePolynomialL(a.input, a.n),
  ),
  /** The Legendre polynomial Pₙ(x). */
  legendrePolynomialP: fn(
    'torch.special.legendrePolynomialP',
    'legendre_polynomial_p(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.legendrePolynomialP(a.input, a.n),
  ),
  /**
   * The regularized lower incomplete gamma function P(a, x) with a = `input`, x = `other` (both positive).
   */
  gammainc: fn('torch.special.gammainc', 'gammainc(Tensor input, Tensor other)', (a) =>
    sp.igamma(a.input, a.other),
  ),
  /** The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x). */
  gammaincc: fn('torch.special.gammaincc', 'gammaincc(Tensor input, Tensor other)', (a) =>
    sp.igammac(a.input, a.other),
  ),
  /**
   * The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)^(−x), with x = `input`, q = `other` (tensors or numbers).
   */
  zeta: fn('torch.special.zeta', 'zeta(Tensor|Scalar input, Tensor|Scalar other)', (a) =>
    sp.zeta(a.input, a.other),
  ),
};

/** The regularized lower incomplete gamma function P(input, other) (`special.gammainc`; also a Tensor method). */
export const igamma = fn('torch.igamma', 'igamma(Tensor input, Tensor other)', (a) =>
  sp.igamma(a.input, a.other),
);
/** The regularized upper incomplete gamma function Q(input, other) = 1 − P (`special.gammaincc`). */
export const igammac = fn('torch.igammac', 'igammac(Tensor input, Tensor other)', (a) =>
  sp.igammac(a.input, a.other),
);

/** torch.fft: the transforms with real inputs and outputs (ops/fft.ts); api/torch.ts documents the namespace. */
export const fftFunctions = {
  /**
   * Rolls each dim in `dim` (default null: every dim) by half its size, moving the zero frequency to the
   * middle.
   */
  fftshift: fn('torch.fft.fftshift', 'fftshift(Tensor input, int[1]? dim=None)', (a) =>
    ft.fftshift(a.input, a.dim),
  ),
  /** The inverse of `fftshift` (they differ for odd sizes); `dim` default null: every dim. */
  ifftshift: fn('torch.fft.ifftshift', 'ifftshift(Tensor input, int[1]? dim=None)', (a) =>
    ft.ifftshift(a.input, a.dim),
  ),
  /**
   * The inverse of a one-sided real FFT along `dim` (default -1): `input` holds the non-negative frequencies
   * (real here: imaginary parts zero); the output has `n` points (default null: 2·(size − 1)). `norm`
   * default null ('backward': scaled by 1/n), or 'forward' / 'ortho'.
   */
  irfft: fn('torch.fft.irfft', 'irfft(Tensor input, int? n=None, int dim=-1, str? norm=None)', (a) =>
    ft.irfft(a.input, a.n, a.dim, a.norm),
  ),
  /** `irfftn` over the two dims `dim` (default [-2, -1]); `s` (default null) the output sizes, `norm` as `irfft`. */
  irfft2: fn(
    'torch.fft.irfft2',
    'irfft2(Tensor input, int[1]? s=None, int[1] dim=[-2,-1], str? norm=None)',
    (a) => ft.irfftn(a.input, a.s, a.dim, a.norm),
  ),
  /**
   * The inverse real FFT over the dims `dim` (default null: the last len(s), or all), with output sizes `s`
   * (default null: 2·(size − 1) on the last dim); `norm` as `irfft`.
   */
  irfftn: fn(
    'torch.fft.irfftn',
    'irfftn(Tensor input, int[1]? s=None, int[1]? dim=None, str? norm=None)',
    (a) => ft.irfftn(a.input, a.s, a.dim, a.norm),
  ),
  /**
   * The FFT of a Hermitian-symmetric signal given by its first half (`input`, real here), a real spectrum of
   * `n` points (default null: 2·(size − 1)) along `dim` (default -1). `norm` default null ('backward':
   * unscaled), or 'forward' / 'ortho'.
   */
  hfft: fn('torch.fft.hfft', 'hfft(Tensor input, int? n=None, int dim=-1, str? norm=None)', (a) =>
    ft.hfft(a.input, a.n, a.dim, a.norm),
  ),
  /** `hfftn` over the two dims `dim` (default [-2, -1]); `s` (default null) the output sizes, `norm` as `hfft`. */
  hfft2: fn(
    'torch.fft.hfft2',
    'hfft2(Tensor input, int[1]? s=None, int[1] dim=[-2,-1], str? norm=None)',
    (a) => ft.hfftn(a.input, a.s, a.dim, a.norm),
  ),
  /**
   * `hfft` over the dims `dim` (default null: the last len(s), or all), output sizes `s` (default null);
   * `norm` as `hfft`.
   */
  hfftn: fn('torch.fft.hfftn', 'hfftn(Tensor input, int[1]? s=None, int[1]? dim=None, str? norm=None)', (a) =>
    ft.hfftn(a.input, a.s, a.dim, a.norm),
  ),
};

/**
 * The short-time Fourier transform of a 1-D signal (or a batch, 2-D) with PyTorch 1.13's real
 * view of the spectrum: shape (…, nFft/2 + 1, frames, 2), the last dim (re, im). Frames of
 * `nFft` samples every `hopLength` (default null: nFft/4), windowed by `window` (default null:
 * all ones) of `winLength` (default null: nFft) samples centred in the frame; `center=true` (the
 * default) pads the signal by nFft/2 on both sides with `padMode` (default 'reflect').
 * `normalized` (default false) scales by 1/√nFft; `onesided` (default null: true for real
 * input) keeps the non-negative frequencies; `returnComplex` (default null) cannot be true
 * without a complex dtype.
 */
export const stft = fn(
  'torch.stft',
  'stft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, str pad_mode="reflect", bool normalized=False, bool? onesided=None, bool? return_complex=None)',
  (a) => ft.stft(a.input, a.nFft, a),
);
/**
 * The inverse of `stft`: rebuilds the signal from a real (…, freqs, frames, 2) spectrum by
 * windowed overlap-add. `hopLength`, `winLength`, `window`, `center` (default true),
 * `normalized` (default false) and `onesided` (default null) as `stft`; `length` (default
 * null) trims or pads the output; `returnComplex` (default false) must stay false.
 */
export const istft = fn(
  'torch.istft',
  'istft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, bool normalized=False, bool? onesided=None, int? length=None, bool return_complex=False)',
  (a) => ft.istft(a.input, a.nFft, a),
);

// ---- Tensor methods (x.igamma(other), x.stft(n_fft), ...), installed here on the prototype ----
const MSIG = {
  igamma: 'igamma(Tensor self, Tensor other)',
  igammac: 'igammac(Tensor self, Tensor other)',
  stft: 'stft(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, str pad_mode="reflect", bool normalized=False, bool? onesided=None, bool? return_complex=None)',
  istft:
    'istft(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, bool normalized=False, bool? onesided=None, int? length=None, bool return_complex=False)',
} as const;
const methods = {
  igamma: method('Tensor.igamma', MSIG.igamma, (a) => sp.igamma(a.self, a.other)),
  igammac: method('Tensor.igammac', MSIG.igammac, (a) => sp.igammac(a.self, a.other)),
  stft: method('Tensor.stft', MSIG.stft, (a) => ft.stft(a.self, a.nFft, a)),
  istft: method('Tensor.istft', MSIG.istft, (a) => ft.istft(a.self, a.nFft, a)),
};
declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `torch.igamma(self, other)` as a method. */
    igamma(...args: MethodArgs<typeof MSIG.igamma>): Tensor;
    /** `torch.igammac(self, other)` as a method. */
    igammac(...args: MethodArgs<typeof MSIG.igammac>): Tensor;
    /** `torch.stft(self, n_fft, ...)` as a method. */
    stft(...args: MethodArgs<typeof MSIG.stft>): Tensor;
    /** `torch.istft(self, n_fft, ...)` as a method. */
    istft(...args: MethodArgs<typeof MSIG.istft>): Tensor;
  }
}
const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [k, f] of Object.entries(methods)) proto[k] = f;
