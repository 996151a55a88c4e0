/**
 * torch.fft for real tensors. torchts has no complex dtype, so the transforms here are the
 * ones whose inputs PyTorch takes as real (a real input is a complex one with zero imaginary
 * part) and whose outputs are real: irfft/irfft2/irfftn and hfft/hfft2/hfftn, plus the
 * fftshift/ifftshift rolls, and torch.stft/istft with PyTorch 1.13's real (re, im) view of the
 * spectrum (a trailing dim of 2). Inside, a complex intermediate is a (re, im) pair of float32
 * tensors and each 1-D transform is a product with a cosine and a sine matrix (a direct DFT,
 * exact to float32 rounding; O(n^2) per line, fine for the signal lengths these are used at),
 * so the forward runs on every device and autograd differentiates it through matmul.
 */
import { floatOf, isFloat } from '../tensor/dtype.js';
import { ShapeError } from '../tensor/errors.js';
import { normDim, type Tensor } from './core.js';
import { fromArray } from './creation.js';
import { indexSelect } from './indexing.js';
import { indexAdd } from './indexing-more.js';
import { matmul } from './matmul.js';
import * as pw from './pointwise.js';
import { expand, movedim, narrow, pad, reshape, select, stack, transpose } from './shape.js';
import { roll, unfold } from './shape-more.js';

type Norm = 'backward' | 'forward' | 'ortho';
const normOf = (norm: string | null): Norm => {
  if (norm === null || norm === 'backward' || norm === 'forward' || norm === 'ortho')
    return norm ?? 'backward';
  throw new RangeError(`Invalid normalization mode: "${norm}"`);
};

/** fftshift / ifftshift: roll every given dim (all by default) by half its size. */
function shiftBy(x: Tensor, dims: readonly number[] | null, inverse: boolean): Tensor {
  const ds = (dims ?? x.shape.map((_, i) => i)).map((d) => normDim(d, x.dim(), 'fftshift'));
  if (ds.length === 0) return x;
  const shifts = ds.map((d) => (inverse ? -Math.floor(x.shape[d] / 2) : Math.floor(x.shape[d] / 2)));
  return roll(x, shifts, ds);
}
export const fftshift = (x: Tensor, dims: readonly number[] | null = null): Tensor => shiftBy(x, dims, false);
export const ifftshift = (x: Tensor, dims: readonly number[] | null = null): Tensor => shiftBy(x, dims, true);

/** A complex value as two real tensors; im null is zero. */
interface Cx {
  re: Tensor;
  im: Tensor | null;
}

/**
 * cos and sin of 2 pi k t / n for k < rows, t < n, as [rows, n] tensors of x's float dtype on x's
 * device (k t reduced mod n first, so large products keep their accuracy), times `w(k)`.
 */
function trig(x: Tensor, rows: number, n: number, w: (k: number) => number = () => 1): [Tensor, Tensor] {
  const c = new Float64Array(rows * n);
  const s = new Float64Array(rows * n);
  for (let k = 0; k < rows; k++)
    for (let t = 0; t < n; t++) {
      const a = (2 * Math.PI * ((k * t) % n)) / n;
      c[k * n + t] = w(k) * Math.cos(a);
      s[k * n + t] = w(k) * Math.sin(a);
    }
  const o = { device: x.device, dtype: floatOf(x.dtype) };
  return [fromArray(c, [rows, n], o), fromArray(s, [rows, n], o)];
}

/** x's dim `d` trimmed to at most `len` entries (zero padding is left to the matrix's rows). */
const trimTo = (x: Tensor, d: number, len: number): Tensor => (x.shape[d] > len ? narrow(x, d, 0, len) : x);
/** `m` applied along dim d: x moved last, times m, moved back. */
const along = (x: Tensor, d: number, m: Tensor): Tensor => movedim(matmul(movedim(x, d, -1), m), -1, d);

/** The inverse complex DFT along dim d, output length n: x_t = sum_k X_k e^(+2 pi i k t / n). */
function c2cInverse(x: Cx, d: number, n: number): Cx {
  const re = trimTo(x.re, d, n);
  const im = x.im && trimTo(x.im, d, n);
  const [c, s] = trig(re, re.shape[d], n);
  const rc = along(re, d, c);
  const rs = along(re, d, s);
  if (!im) return { re: rc, im: rs };
  return { re: pw.sub(rc, along(im, d, s)), im: pw.add(rs, along(im, d, c)) };
}

/** The complex-to-real inverse along dim d, output length n, from the first n/2 + 1 entries. */
function c2r(x: Cx, d: number, n: number): Tensor {
  const half = Math.floor(n / 2) + 1;
  const re = trimTo(x.re, d, half);
  const rows = re.shape[d];
  // Hermitian symmetry: the entries 0 < k < n/2 stand for two (k and n - k).
  const [c, s] = trig(re, rows, n, (k) => (k === 0 || 2 * k === n ? 1 : 2));
  const fromRe = along(re, d, c);
  const im = x.im && trimTo(x.im, d, half);
  return im ? pw.sub(fromRe, along(im, d, s)) : fromRe;
}

/** Output sizes and dims of the n-dimensional c2r transforms, with PyTorch's defaults. */
function plan(
  x: Tensor,
  s: readonly number[] | null,
  dim: readonly number[] | null,
  name: string,
): { dims: number[]; sizes: number[] } {
  let dims: number[];
  if (dim !== null) dims = dim.map((d) => normDim(d, x.dim(), name));
  else if (s !== null) dims = s.map((_, i) => x.dim() - s.length + i);
  else dims = x.shape.map((_, i) => i);
  if (s !== null && s.length !== dims.length)
    throw new ShapeError(`${name}: When given, dim and shape arguments must have the same length`);
  if (new Set(dims).size !== dims.length) throw new ShapeError(`${name}: FFT dims must be unique`);
  if (dims.some((d) => d < 0 || d >= x.dim()) || dims.length === 0)
    throw new ShapeError(`${name}: expected at least one dimension to transform`);
  const last = dims.length - 1;
  const sizes = dims.map((d, i) => {
    const given = s?.[i] ?? -1;
    if (given !== -1) return given;
    return i === last ? 2 * (x.shape[d] - 1) : x.shape[d];
  });
  for (const n of sizes) if (n < 1) throw new RangeError(`Invalid number of data points (${n}) specified`);
  return { dims, sizes };
}

/**
 * irfftn of a real tensor: inverse complex DFTs over all dims but the last, then the
 * complex-to-real one over the last; `scale` is the normalization factor.
 */
function c2rn(x: Tensor, dims: readonly number[], sizes: readonly number[], scale: number): Tensor {
  let v: Cx = { re: x, im: null };
  for (let i = 0; i < dims.length - 1; i++) v = c2cInverse(v, dims[i], sizes[i]);
  const out = c2r(v, dims[dims.length - 1], sizes[sizes.length - 1]);
  return scale === 1 ? out : pw.mul(out, scale);
}

/** The inverse transforms' factor (irfft*); `hermitian` for hfft*, the forward transform of hermitian data. */
function scaleOf(norm: string | null, sizes: readonly number[], hermitian: boolean): number {
  const n = sizes.reduce((a, b) => a * b, 1);
  const mode = normOf(norm);
  if (mode === 'ortho') return 1 / Math.sqrt(n);
  return (mode === 'backward') !== hermitian ? 1 / n : 1;
}

const realOnly = (x: Tensor, _name: string): Tensor => {
  if (!isFloat(x.dtype)) return pw.cast(x, floatOf(x.dtype));
  return x;
};

function transformN(hermitian: boolean, name: string) {
  return (
    x: Tensor,
    s: readonly number[] | null,
    dim: readonly number[] | null,
    norm: string | null,
  ): Tensor => {
    const xf = realOnly(x, name);
    const { dims, sizes } = plan(xf, s, dim, name);
    return c2rn(xf, dims, sizes, scaleOf(norm, sizes, hermitian));
  };
}
/** torch.fft.irfftn: the inverse of rfftn, real output. */
export const irfftn = transformN(false, 'fft_irfftn');
/** torch.fft.hfftn: the forward FFT of a Hermitian-symmetric signal given by its half (real here). */
export const hfftn = transformN(true, 'fft_hfftn');
export const irfft = (x: Tensor, n: number | null, dim: number, norm: string | null): Tensor =>
  irfftn(x, n === null ? null : [n], [dim], norm);
export const hfft = (x: Tensor, n: number | null, dim: number, norm: string | null): Tensor =>
  hfftn(x, n === null ? null : [n], [dim], norm);

// ---- short-time Fourier transform ----
/** Index of padded position p (0 <= p < len + 2 pad) in a signal of length len, or -1 (zero). */
function padIndex(p: number, pad: number, len: number, mode: string): number {
  const i = p - pad;
  if (i >= 0 && i < len) return i;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return i < 0 ? 0 : len - 1;
  if (mode === 'circular') return ((i % len) + len) % len;
  // reflect: mirrored about the end samples (which are not repeated)
  if (pad >= len)
    throw new RangeError(`stft: reflect padding ${pad} must be smaller than the signal length ${len}`);
  return i < 0 ? -i : 2 * (len - 1) - i;
}

/** The window, centred in n_fft zeros when shorter (PyTorch's stft/istft), or ones. */
function windowOf(x: Tensor, nFft: number, winLength: number, window: Tensor | null, name: string): Tensor {
  if (winLength <= 0 || winLength > nFft)
    throw new RangeError(`${name}: expected 0 < win_length <= n_fft, but got win_length=${winLength}`);
  const w =
    window ??
    fromArray(new Float64Array(winLength).fill(1), [winLength], {
      device: x.device,
      dtype: floatOf(x.dtype),
    });
  if (w.dim() !== 1 || w.shape[0] !== winLength)
    throw new ShapeError(
      `${name}: expected a 1D window tensor of size equal to win_length=${winLength}, but got window with size [${w.shape.join(', ')}]`,
    );
  if (winLength === nFft) return w;
  const left = Math.floor((nFft - winLength) / 2);
  return pad(w, [left, nFft - winLength - left]);
}

export interface StftOptions {
  hopLength: number | null;
  winLength: number | null;
  window: Tensor | null;
  center: boolean;
  padMode: string;
  normalized: boolean;
  onesided: boolean | null;
  returnComplex: boolean | null;
}

/**
 * torch.stft of a real signal ([L] or [B, L]) with return_complex=False (PyTorch 1.13's
 * default for real input): [(B,) freq, frames, 2], the last dim (re, im).
 */
export function stft(x: Tensor, nFft: number, o: StftOptions): Tensor {
  if (o.returnComplex)
    throw new TypeError('stft: return_complex=True needs a complex dtype, which torchts does not have');
  if (x.dim() !== 1 && x.dim() !== 2)
    throw new ShapeError(`stft: expected a 1D or 2D tensor, but got a ${x.dim()}D tensor`);
  const xf = realOnly(x, 'stft');
  const hop = o.hopLength ?? Math.floor(nFft / 4);
  const win = windowOf(xf, nFft, o.winLength ?? nFft, o.window, 'stft');
  if (hop <= 0) throw new RangeError(`stft: expected hop_length > 0, but got hop_length=${hop}`);
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(o.padMode))
    throw new RangeError(
      `stft: pad_mode '${o.padMode}' is not one of constant, reflect, replicate, circular`,
    );
  let sig = x.dim() === 1 ? reshape(xf, [1, xf.shape[0]]) : xf;
  if (o.center) {
    const len = sig.shape[1];
    const p = Math.floor(nFft / 2);
    if (o.padMode === 'constant') sig = pad(sig, [p, p]);
    else {
      const idx = Int32Array.from({ length: len + 2 * p }, (_, i) => padIndex(i, p, len, o.padMode));
      sig = indexSelect(sig, 1, fromArray(idx, [idx.length], { device: x.device }));
    }
  }
  const len = sig.shape[1];
  if (nFft <= 0 || nFft > len)
    throw new RangeError(`stft: expected 0 < n_fft <= ${len}, but got n_fft=${nFft}`);
  const frames = pw.mul(unfold(sig, 1, nFft, hop), win); // [B, frames, n_fft]
  const freq = (o.onesided ?? true) ? Math.floor(nFft / 2) + 1 : nFft;
  const [c, s] = trig(frames, freq, nFft);
  const k = o.normalized ? 1 / Math.sqrt(nFft) : 1;
  const re = matmul(frames, transpose(c, 0, 1));
  const im = matmul(frames, transpose(s, 0, 1));
  let out = transpose(stack([pw.mul(re, k), pw.mul(im, -k)], -1), 1, 2); // [B, freq, frames, 2]
  if (x.dim() === 1) out = reshape(out, out.shape.slice(1));
  return out;
}

export interface IstftOptions {
  hopLength: number | null;
  winLength: number | null;
  window: Tensor | null;
  center: boolean;
  normalized: boolean;
  onesided: boolean | null;
  length: number | null;
  returnComplex: boolean;
}

/** Overlap-add of [C, frames, n] rows hop apart into [C, total]. */
function overlapAdd(y: Tensor, hop: number, total: number): Tensor {
  const [ch, frames, n] = y.shape;
  const idx = Int32Array.from({ length: frames * n }, (_, j) => Math.floor(j / n) * hop + (j % n));
  const base = fromArray(new Float64Array(ch * total), [ch, total], {
    device: y.device,
    dtype: floatOf(y.dtype),
  });
  return indexAdd(
    base,
    1,
    fromArray(idx, [idx.length], { device: y.device }),
    reshape(y, [ch, frames * n]),
    1,
  );
}

/**
 * torch.istft of a (re, im) spectrum [(C,) freq, frames, 2] (PyTorch 1.13 takes that real view):
 * the inverse real DFT of each frame, windowed, overlap-added and divided by the window's
 * squared overlap-add. (PyTorch's check that this envelope never falls below 1e-11 needs the
 * values on the host; it is not made here.)
 */
export function istft(x: Tensor, nFft: number, o: IstftOptions): Tensor {
  if (o.returnComplex)
    throw new TypeError('istft: return_complex=True needs a complex dtype, which torchts does not have');
  if ((x.dim() !== 3 && x.dim() !== 4) || x.shape[x.dim() - 1] !== 2)
    throw new ShapeError(
      `istft: expected a tensor with 3 or 4 dimensions of real, or 2 or 3 dimensions of complex numbers (a trailing dimension of 2), but got [${x.shape.join(', ')}]`,
    );
  if (x.numel() === 0) throw new RangeError('istft input and window must be nonempty');
  const xf = realOnly(x, 'istft');
  const hop = o.hopLength ?? Math.floor(nFft / 4);
  const win = windowOf(xf, nFft, o.winLength ?? nFft, o.window, 'istft');
  const frames = xf.shape[xf.dim() - 2];
  const fftSize = xf.shape[xf.dim() - 3];
  const onesided = o.onesided ?? fftSize !== nFft;
  if (onesided ? Math.floor(nFft / 2) + 1 !== fftSize : nFft !== fftSize)
    throw new RangeError(
      `istft: expected the frequency dimension (${fftSize}) to be ${onesided ? 'n_fft / 2 + 1 when onesided=True' : 'n_fft when onesided=False'}`,
    );
  const spec = x.dim() === 3 ? reshape(xf, [1, ...xf.shape]) : xf;
  const tr = transpose(spec, 1, 2); // [C, frames, freq, 2]
  const v: Cx = { re: select(tr, 3, 0), im: select(tr, 3, 1) };
  const scale = o.normalized ? 1 / Math.sqrt(nFft) : 1 / nFft;
  const y = pw.mul(pw.mul(c2r(v, 2, nFft), scale), win); // [C, frames, n_fft]
  const total = nFft + hop * (frames - 1);
  let out = overlapAdd(y, hop, total);
  let env = overlapAdd(
    reshape(pw.mul(expand(pw.mul(win, win), [frames, nFft]), 1), [1, frames, nFft]),
    hop,
    total,
  );
  const start = o.center ? Math.floor(nFft / 2) : 0;
  const end = o.length !== null ? start + o.length : o.center ? total - Math.floor(nFft / 2) : total;
  const stop = Math.min(end, total);
  out = narrow(out, 1, start, stop - start);
  env = narrow(env, 1, start, stop - start);
  out = pw.div(out, env);
  if (end > total) out = pad(out, [0, end - total]);
  return x.dim() === 3 ? reshape(out, [out.shape[1]]) : out;
}
