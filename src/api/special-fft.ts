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
  airyAi: fn('torch.special.airyAi', 'airy_ai(Tensor input)', (a) => sp.airyAi(a.input)),
  besselJ0: fn('torch.special.besselJ0', 'bessel_j0(Tensor input)', (a) => sp.besselJ0(a.input)),
  besselJ1: fn('torch.special.besselJ1', 'bessel_j1(Tensor input)', (a) => sp.besselJ1(a.input)),
  besselY0: fn('torch.special.besselY0', 'bessel_y0(Tensor input)', (a) => sp.besselY0(a.input)),
  besselY1: fn('torch.special.besselY1', 'bessel_y1(Tensor input)', (a) => sp.besselY1(a.input)),
  modifiedBesselI0: fn('torch.special.modifiedBesselI0', 'modified_bessel_i0(Tensor input)', (a) =>
    sp.modifiedBesselI0(a.input),
  ),
  modifiedBesselI1: fn('torch.special.modifiedBesselI1', 'modified_bessel_i1(Tensor input)', (a) =>
    sp.modifiedBesselI1(a.input),
  ),
  modifiedBesselK0: fn('torch.special.modifiedBesselK0', 'modified_bessel_k0(Tensor input)', (a) =>
    sp.modifiedBesselK0(a.input),
  ),
  modifiedBesselK1: fn('torch.special.modifiedBesselK1', 'modified_bessel_k1(Tensor input)', (a) =>
    sp.modifiedBesselK1(a.input),
  ),
  scaledModifiedBesselK0: fn(
    'torch.special.scaledModifiedBesselK0',
    'scaled_modified_bessel_k0(Tensor input)',
    (a) => sp.scaledModifiedBesselK0(a.input),
  ),
  scaledModifiedBesselK1: fn(
    'torch.special.scaledModifiedBesselK1',
    'scaled_modified_bessel_k1(Tensor input)',
    (a) => sp.scaledModifiedBesselK1(a.input),
  ),
  sphericalBesselJ0: fn('torch.special.sphericalBesselJ0', 'spherical_bessel_j0(Tensor input)', (a) =>
    sp.sphericalBesselJ0(a.input),
  ),
  chebyshevPolynomialT: fn(
    'torch.special.chebyshevPolynomialT',
    'chebyshev_polynomial_t(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialT(a.input, a.n),
  ),
  chebyshevPolynomialU: fn(
    'torch.special.chebyshevPolynomialU',
    'chebyshev_polynomial_u(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialU(a.input, a.n),
  ),
  chebyshevPolynomialV: fn(
    'torch.special.chebyshevPolynomialV',
    'chebyshev_polynomial_v(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialV(a.input, a.n),
  ),
  chebyshevPolynomialW: fn(
    'torch.special.chebyshevPolynomialW',
    'chebyshev_polynomial_w(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.chebyshevPolynomialW(a.input, a.n),
  ),
  shiftedChebyshevPolynomialT: fn(
    'torch.special.shiftedChebyshevPolynomialT',
    'shifted_chebyshev_polynomial_t(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialT(a.input, a.n),
  ),
  shiftedChebyshevPolynomialU: fn(
    'torch.special.shiftedChebyshevPolynomialU',
    'shifted_chebyshev_polynomial_u(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialU(a.input, a.n),
  ),
  shiftedChebyshevPolynomialV: fn(
    'torch.special.shiftedChebyshevPolynomialV',
    'shifted_chebyshev_polynomial_v(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialV(a.input, a.n),
  ),
  shiftedChebyshevPolynomialW: fn(
    'torch.special.shiftedChebyshevPolynomialW',
    'shifted_chebyshev_polynomial_w(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.shiftedChebyshevPolynomialW(a.input, a.n),
  ),
  hermitePolynomialH: fn(
    'torch.special.hermitePolynomialH',
    'hermite_polynomial_h(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.hermitePolynomialH(a.input, a.n),
  ),
  hermitePolynomialHe: fn(
    'torch.special.hermitePolynomialHe',
    'hermite_polynomial_he(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.hermitePolynomialHe(a.input, a.n),
  ),
  laguerrePolynomialL: fn(
    'torch.special.laguerrePolynomialL',
    'laguerre_polynomial_l(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.laguerrePolynomialL(a.input, a.n),
  ),
  legendrePolynomialP: fn(
    'torch.special.legendrePolynomialP',
    'legendre_polynomial_p(Tensor|Scalar input, Tensor|Scalar n)',
    (a) => sp.legendrePolynomialP(a.input, a.n),
  ),
  gammainc: fn('torch.special.gammainc', 'gammainc(Tensor input, Tensor other)', (a) =>
    sp.igamma(a.input, a.other),
  ),
  gammaincc: fn('torch.special.gammaincc', 'gammaincc(Tensor input, Tensor other)', (a) =>
    sp.igammac(a.input, a.other),
  ),
  zeta: fn('torch.special.zeta', 'zeta(Tensor|Scalar input, Tensor|Scalar other)', (a) =>
    sp.zeta(a.input, a.other),
  ),
};

/** torch.igamma / torch.igammac (also Tensor methods in PyTorch). */
export const igamma = fn('torch.igamma', 'igamma(Tensor input, Tensor other)', (a) =>
  sp.igamma(a.input, a.other),
);
export const igammac = fn('torch.igammac', 'igammac(Tensor input, Tensor other)', (a) =>
  sp.igammac(a.input, a.other),
);

/** torch.fft: the transforms with real inputs and outputs (ops/fft.ts). */
export const fftFunctions = {
  fftshift: fn('torch.fft.fftshift', 'fftshift(Tensor input, int[1]? dim=None)', (a) =>
    ft.fftshift(a.input, a.dim),
  ),
  ifftshift: fn('torch.fft.ifftshift', 'ifftshift(Tensor input, int[1]? dim=None)', (a) =>
    ft.ifftshift(a.input, a.dim),
  ),
  irfft: fn('torch.fft.irfft', 'irfft(Tensor input, int? n=None, int dim=-1, str? norm=None)', (a) =>
    ft.irfft(a.input, a.n, a.dim, a.norm),
  ),
  irfft2: fn(
    'torch.fft.irfft2',
    'irfft2(Tensor input, int[1]? s=None, int[1] dim=[-2,-1], str? norm=None)',
    (a) => ft.irfftn(a.input, a.s, a.dim, a.norm),
  ),
  irfftn: fn(
    'torch.fft.irfftn',
    'irfftn(Tensor input, int[1]? s=None, int[1]? dim=None, str? norm=None)',
    (a) => ft.irfftn(a.input, a.s, a.dim, a.norm),
  ),
  hfft: fn('torch.fft.hfft', 'hfft(Tensor input, int? n=None, int dim=-1, str? norm=None)', (a) =>
    ft.hfft(a.input, a.n, a.dim, a.norm),
  ),
  hfft2: fn(
    'torch.fft.hfft2',
    'hfft2(Tensor input, int[1]? s=None, int[1] dim=[-2,-1], str? norm=None)',
    (a) => ft.hfftn(a.input, a.s, a.dim, a.norm),
  ),
  hfftn: fn('torch.fft.hfftn', 'hfftn(Tensor input, int[1]? s=None, int[1]? dim=None, str? norm=None)', (a) =>
    ft.hfftn(a.input, a.s, a.dim, a.norm),
  ),
};

/** torch.stft / torch.istft with PyTorch 1.13's real (re, im) view of the spectrum. */
export const stft = fn(
  'torch.stft',
  'stft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, str pad_mode="reflect", bool normalized=False, bool? onesided=None, bool? return_complex=None)',
  (a) => ft.stft(a.input, a.nFft, a),
);
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
