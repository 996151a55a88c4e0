/**
 * F.pad's index-mapping modes (reflect, replicate, circular): every padded dim is one gather
 * (index_select) of source positions, so the backward is index_select's scatter-add and runs on
 * every device. The tables are host-built from the sizes only, one entry per output position.
 */
import { fmtShape, ShapeError } from '../tensor/errors.js';
import type { Tensor } from './core.js';
import { tensor } from './creation.js';
import { indexSelect } from './indexing.js';

export type PadMode = 'reflect' | 'replicate' | 'circular';

/** The source position of padded coordinate `j` (= output position - left pad) along a dim of `n`. */
function source(mode: PadMode, j: number, n: number): number {
  if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'circular') return ((j % n) + n) % n;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((j % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * F.pad(x, pads, mode) for mode reflect / replicate / circular: `pads` = [left, right] pairs from
 * the last dim backwards, 1 to 3 pairs over a 2-d..5-d input (batch dims optional, as PyTorch's
 * reflection/replication/circular pad 1d/2d/3d). Negative pads crop.
 */
export function padMode(x: Tensor, pads: readonly number[], mode: PadMode): Tensor {
  const op = `${mode === 'reflect' ? 'reflection' : mode === 'replicate' ? 'replication' : 'circular'}_pad`;
  if (pads.length % 2 !== 0) throw new RangeError('Padding length must be divisible by 2');
  if (pads.length > 2 * x.dim())
    throw new RangeError(
      `Padding length should be less than or equal to two times the input dimension but got padding length ${pads.length} and input of dimension ${x.dim()}`,
    );
  const k = pads.length / 2;
  if (k < 1 || k > 3 || (x.dim() !== k + 1 && x.dim() !== k + 2))
    throw new RangeError(
      `Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (got ${mode} padding of length ${pads.length} for input of size ${fmtShape(x.shape)})`,
    );
  let y = x;
  for (let i = 0; i < k; i++) {
    const d = x.dim() - 1 - i;
    const n = x.shape[d];
    const [lo, hi] = [pads[2 * i], pads[2 * i + 1]];
    const out = n + lo + hi;
    if (mode === 'reflect' && (lo >= n || hi >= n))
      throw new RangeError(
        `${op}${k}d: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${d} of input ${fmtShape(x.shape)}`,
      );
    if (mode === 'circular' && (lo > n || hi > n))
      throw new RangeError(
        `Padding value causes wrapping around more than once (padding (${lo}, ${hi}) at dimension ${d} of input ${fmtShape(x.shape)})`,
      );
    if (out < 0 || (out === 0 && x.numel() !== 0))
      throw new ShapeError(
        `${op}${k}d: input (${fmtShape(x.shape)}) is too small. Calculated output size along dim ${d}: ${out}`,
      );
    if (n === 0 && out > 0)
      throw new ShapeError(
        `${op}${k}d: Expected a non-empty dim ${d} to pad, got input of size ${fmtShape(x.shape)}`,
      );
    if (lo === 0 && hi === 0) continue;
    const ix = new Int32Array(out);
    if (mode === 'circular') {
      // PyTorch crops first (negative pads), then wraps around the cropped part.
      const start = Math.max(-lo, 0);
      const m = n - start - Math.max(-hi, 0);
      for (let o = 0; o < out; o++) ix[o] = start + source(mode, o - Math.max(lo, 0), m);
    } else for (let o = 0; o < out; o++) ix[o] = source(mode, o - lo, n);
    y = indexSelect(y, d, tensor(ix, { device: x.device }));
  }
  return y;
}
