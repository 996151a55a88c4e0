/**
 * The ops whose output shape depends on the data (nonzero, argwhere, masked_select, unique,
 * unique_consecutive, repeat_interleave with a repeats tensor), computed on the tensor's own
 * device and awaited: `await torch.nonzeroAsync(x)`.
 *
 * A shape must be known when a tensor is made, and a GPU's data reaches the host only through
 * an async read (docs/porting.md), so on WebGPU the synchronous forms raise and these are the
 * way (as PyTorch on CUDA synchronizes inside nonzero). Everything runs as device ops: a mask,
 * a running count (cumsum), a scatter of each kept position to its slot, sorts for unique; the
 * only readback is one number, the count, which sizes the result. On the CPU they give exactly
 * what the synchronous forms give (tested against them), so code written with them runs on
 * every device.
 */
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, normDim } from './core.js';
import { arange, full, zeros } from './creation.js';
import { cumsum } from './cumulative.js';
import { gather, indexSelect, scatterAdd } from './indexing.js';
import { cast, lt, ne, remainder, sub, where } from './pointwise.js';
import { floorDivide } from './pointwise-more.js';
import { any } from './reduce.js';
import { cat, contiguous, expand, movedim, reshape, slice, stack } from './shape.js';
import { sort } from './sort.js';

const ints = (n: number, like: Tensor) => arange(0, n, 1, { device: like.device, dtype: 'int64' });
const flat = (t: Tensor) => reshape(t, [-1]);

/** The last element of a 1-D int tensor, read back (the one host read of these ops). */
const lastOf = async (t: Tensor): Promise<number> => (t.numel() === 0 ? 0 : await slice(t, 0, -1).item());

/**
 * Positions (int32, ascending) where a 1-D bool tensor is true, on its device: each kept
 * position goes to slot running-count - 1; the others to a spare slot past the end.
 */
async function keptPositions(mask: Tensor): Promise<Tensor> {
  const n = mask.numel();
  const running = cumsum(cast(mask, 'int64'), 0);
  const count = await lastOf(running);
  const slot = where(mask, sub(running, 1), count);
  const out = scatterAdd(
    zeros([count + 1], { dtype: 'int64', device: mask.device }),
    0,
    slot,
    where(mask, ints(n, mask), 0),
  );
  return slice(out, 0, 0, count);
}

/** Row-major coordinates [count, rank] of flat positions in `shape`. */
function coordinates(lin: Tensor, shape: readonly number[]): Tensor[] {
  const out: Tensor[] = [];
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    out.unshift(remainder(floorDivide(lin, stride), shape[k]));
    stride *= shape[k];
  }
  return out;
}

export async function nonzeroAsync(x: Tensor, asTuple = false): Promise<Tensor | Tensor[]> {
  const lin = await keptPositions(flat(ne(x.detach(), 0)));
  if (x.dim() === 0) {
    if (asTuple) return [zeros([lin.numel()], { dtype: 'int64', device: x.device })];
    return zeros([lin.numel(), 0], { dtype: 'int64', device: x.device });
  }
  const coords = coordinates(lin, x.shape);
  return asTuple ? coords : stack(coords, 1);
}

export const argwhereAsync = async (x: Tensor): Promise<Tensor> => (await nonzeroAsync(x, false)) as Tensor;

export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  if (mask.dtype !== 'bool')
    throw new TypeError(`masked_select: expected BoolTensor for mask, got ${mask.dtype}`);
  const shape = broadcastShapes('masked_select', x.shape, mask.shape);
  const lin = await keptPositions(flat(expand(mask, shape)));
  return gather(flat(contiguous(expand(x, shape))), 0, lin);
}

/**
 * unique / unique_consecutive on the device. Slices along dim (all elements when dim is null)
 * are ordered (a stable sort per column, last column first, gives the lexicographic order of
 * rows; unique_consecutive keeps the order), a group starts where a slice differs from the one
 * before, and the group starts are compacted like nonzero's positions.
 */
async function groupsAsync(
  op: string,
  x: Tensor,
  dim: number | null,
  consecutive: boolean,
  returnInverse: boolean,
  returnCounts: boolean,
): Promise<Tensor | Tensor[]> {
  const src = (dim === null ? flat(x) : x).detach();
  if (dim !== null && x.dim() === 0) normDim(dim, 0, op);
  const d = dim === null ? 0 : normDim(dim, x.dim(), op);
  const len = src.shape[d] ?? 1;
  const moved = movedim(src, d, 0);
  const w = moved.shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = reshape(moved, [len, w]); // [len, w]
  const int = (shape: readonly number[]) => zeros(shape, { dtype: 'int64', device: x.device });
  let order = ints(len, x);
  if (!consecutive)
    for (let j = w - 1; j >= 0; j--) {
      const key = gather(slice(rows, 1, j, j + 1), 0, reshape(order, [len, 1]));
      order = gather(order, 0, reshape(sort(key, 0)[1], [len]));
    }
  const ordered = indexSelect(rows, 0, order);
  const differs =
    len === 0
      ? full([0], false, { dtype: 'bool', device: x.device })
      : cat([
          full([1], true, { dtype: 'bool', device: x.device }),
          w === 0
            ? full([len - 1], false, { dtype: 'bool', device: x.device })
            : any(ne(slice(ordered, 0, 1), slice(ordered, 0, 0, len - 1)), [1]),
        ]);
  const starts = await keptPositions(differs);
  const firsts = gather(order, 0, starts);
  const out = indexSelect(src, d, firsts);
  if (!returnInverse && !returnCounts) return out;
  const r: Tensor[] = [out];
  if (returnInverse) {
    const group = sub(cumsum(cast(differs, 'int64'), 0), 1);
    const inverse = len === 0 ? int([0]) : scatterAdd(int([len]), 0, order, group);
    r.push(dim === null ? reshape(inverse, x.shape) : inverse);
  }
  if (returnCounts) {
    const ends = cat([slice(starts, 0, 1), full([1], len, { dtype: 'int64', device: x.device })]);
    r.push(sub(ends, starts));
  }
  return r;
}

export const uniqueAsync = (
  x: Tensor,
  _sorted: boolean,
  returnInverse: boolean,
  returnCounts: boolean,
  dim: number | null,
): Promise<Tensor | Tensor[]> => groupsAsync('unique', x, dim, false, returnInverse, returnCounts);

export const uniqueConsecutiveAsync = (
  x: Tensor,
  returnInverse: boolean,
  returnCounts: boolean,
  dim: number | null,
): Promise<Tensor | Tensor[]> => groupsAsync('unique_consecutive', x, dim, true, returnInverse, returnCounts);

/**
 * The source position of each of `total` outputs of repeat_interleave: how many boundaries
 * (running sums of repeats) lie at or before it, a cumsum of marks scattered at the
 * boundaries. All on the device; `total` must be repeats' sum.
 */
export function repeatSources(reps: Tensor, total: number): Tensor {
  const bounds = cumsum(reps, 0);
  const one = full(reps.shape, 1, { dtype: 'int64', device: reps.device });
  const marks = scatterAdd(
    zeros([total + 1], { dtype: 'int64', device: reps.device }),
    0,
    where(lt(bounds, total), bounds, total),
    one,
  );
  return slice(cumsum(marks, 0), 0, 0, total);
}

/** repeat_interleave with a repeats tensor: the output length, repeats' sum, is read back. */
export async function repeatInterleaveAsync(
  x: Tensor,
  repeats: number | Tensor,
  dim: number | null,
  repeatInterleave: (
    x: Tensor,
    repeats: number | Tensor,
    dim: number | null,
    outputSize: number | null,
  ) => Tensor,
): Promise<Tensor> {
  if (typeof repeats === 'number' || repeats.numel() === 1) return repeatInterleave(x, repeats, dim, null);
  const reps = cast(repeats, 'int64');
  if (reps.numel() > 0 && (await any(lt(reps, 0)).item()))
    throw new RangeError('repeats can not be negative');
  const total = await lastOf(cumsum(reps, 0));
  return repeatInterleave(x, repeats, dim, total);
}
