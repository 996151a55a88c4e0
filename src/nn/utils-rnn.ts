/**
 * torch.nn.utils.rnn: PackedSequence and the helpers that make and undo it (padSequence,
 * packPaddedSequence, padPackedSequence, packSequence). Every conversion is one index_select
 * over the rows (differentiable through index_select's backward), so gradients flow from a
 * packed output back to the padded input on every device.
 *
 * Layout as PyTorch: `data` holds the time steps one after another, each with the sequences
 * still running at that step, longest first; `batchSizes[t]` counts them (a CPU int tensor);
 * `sortedIndices[j]` is the original batch index of the j-th longest sequence and
 * `unsortedIndices` its inverse (both null when the input was already sorted).
 */

import { full, tensor } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { cat, reshape, stack, transpose } from '../ops/shape.js';
import { ShapeError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';

const hostInts = (t: Tensor | readonly number[], what: string): number[] => {
  if (!(t instanceof Tensor)) return [...t];
  if (t.device.type !== 'cpu')
    throw new RangeError(`'${what}' argument should be a 1D CPU int64 tensor, but got 1D ${t.device} tensor`);
  return Array.from(t.toArraySync(), Number);
};
const intTensor = (xs: readonly number[]): Tensor => tensor([...xs], { dtype: 'int64' });

/**
 * A batch of variable-length sequences packed time step by time step, as the recurrent layers take and return
 * it; made by packPaddedSequence / packSequence and undone by padPackedSequence. Constructor: `data`,
 * `batchSizes`, `sortedIndices` (default null), `unsortedIndices` (default null: the inverse of
 * sortedIndices). Index tensors must be on the CPU.
 */
export class PackedSequence {
  /**
   * (sum of the lengths, *): the rows of every sequence still running at step 0, then at step 1, and so on,
   * longest sequence first.
   */
  readonly data: Tensor;
  /** int64 CPU tensor (T): how many sequences are still running at each time step. */
  readonly batchSizes: Tensor;
  /**
   * int64 (B): the original batch index of the j-th longest sequence; null when the batch was given sorted.
   */
  readonly sortedIndices: Tensor | null;
  /** int64 (B): the inverse permutation of sortedIndices; null when the batch was given sorted. */
  readonly unsortedIndices: Tensor | null;
  /** @internal Host copies. */
  readonly _batchSizes: readonly number[];
  readonly _sorted: readonly number[] | null;
  readonly _unsorted: readonly number[] | null;
  constructor(
    data: Tensor,
    batchSizes: Tensor | readonly number[],
    sortedIndices: Tensor | readonly number[] | null = null,
    unsortedIndices: Tensor | readonly number[] | null = null,
  ) {
    this.data = data;
    this._batchSizes = hostInts(batchSizes, 'batch_sizes');
    this.batchSizes = batchSizes instanceof Tensor ? batchSizes : intTensor(this._batchSizes);
    this._sorted = sortedIndices === null ? null : hostInts(sortedIndices, 'sorted_indices');
    let un = unsortedIndices === null ? null : hostInts(unsortedIndices, 'unsorted_indices');
    if (un === null && this._sorted !== null) un = invert(this._sorted);
    this._unsorted = un;
    this.sortedIndices =
      sortedIndices instanceof Tensor ? sortedIndices : this._sorted ? intTensor(this._sorted) : null;
    this.unsortedIndices =
      unsortedIndices instanceof Tensor ? unsortedIndices : this._unsorted ? intTensor(this._unsorted) : null;
  }
  /** Same sequences on another device (batch sizes and indices stay where they are). */
  to(device: Parameters<Tensor['to']>[0]): PackedSequence {
    return new PackedSequence(this.data.to(device), this._batchSizes, this._sorted, this._unsorted);
  }
  /** Whether `data` lives off the CPU (PyTorch's is_cuda, true on WebGPU). */
  get isCuda(): boolean {
    return this.data.device.type !== 'cpu';
  }
}

const invert = (p: readonly number[]): number[] => {
  const q = new Array<number>(p.length);
  p.forEach((v, i) => {
    q[v] = i;
  });
  return q;
};

/**
 * Stacks variable-length sequences (L_i, *) into (maxL, B, *), or (B, maxL, *) with `batchFirst` (default
 * false), filling the tails with `paddingValue` (default 0).
 */
export function padSequence(sequences: readonly Tensor[], batchFirst = false, paddingValue = 0): Tensor {
  if (sequences.length === 0) throw new RangeError('received an empty list of sequences');
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]));
  const padded = sequences.map((s) => {
    const rest = s.shape.slice(1);
    if (s.shape[0] === maxLen) return s;
    return cat(
      [s, full([maxLen - s.shape[0], ...rest], paddingValue, { device: s.device, dtype: s.dtype })],
      0,
    );
  });
  return stack(padded, batchFirst ? 0 : 1);
}

/**
 * Packs a padded batch (T, B, *), or (B, T, *) with `batchFirst` (default false), of sequences of the given
 * `lengths` (an int list or a CPU tensor) into a PackedSequence. With `enforceSorted` (default true) the
 * lengths must be in decreasing order; false sorts them and records the permutation.
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  batchFirst = false,
  enforceSorted = true,
): PackedSequence {
  const lens = hostInts(lengths, 'lengths');
  const B = input.shape[batchFirst ? 0 : 1];
  const T = input.shape[batchFirst ? 1 : 0];
  if (lens.length !== B)
    throw new ShapeError(
      `Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`,
    );
  let sorted: number[] | null = null;
  if (enforceSorted) {
    for (let i = 1; i < lens.length; i++)
      if (lens[i] > lens[i - 1])
        throw new RangeError(
          '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
        );
  } else {
    sorted = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
  }
  const order = sorted ?? lens.map((_, i) => i);
  const sl = order.map((i) => lens[i]);
  if (sl.length > 0 && sl[sl.length - 1] <= 0)
    throw new RangeError(
      "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
    );
  if (sl[0] > T)
    throw new RangeError(`Expected sequence length to be smaller than or equal to ${T}, but got ${sl[0]}`);
  const batchSizes: number[] = [];
  const idx: number[] = [];
  for (let t = 0; t < sl[0]; t++) {
    let n = 0;
    for (let j = 0; j < B && sl[j] > t; j++) {
      idx.push(batchFirst ? order[j] * T + t : t * B + order[j]);
      n++;
    }
    batchSizes.push(n);
  }
  const rows = reshape(input, [B * T, ...input.shape.slice(2)]);
  const data = indexSelect(rows, 0, intTensor(idx).to(input.device));
  return new PackedSequence(data, batchSizes, sorted, sorted ? invert(sorted) : null);
}

/**
 * Undoes packing: returns [padded, lengths] with padded (T, B, *), or (B, T, *) with `batchFirst` (default
 * false), in the original batch order, filled with `paddingValue` (default 0); `totalLength` (default null:
 * the longest sequence) pads T further.
 */
export function padPackedSequence(
  sequence: PackedSequence,
  batchFirst = false,
  paddingValue = 0,
  totalLength: number | null = null,
): [Tensor, Tensor] {
  const bs = sequence._batchSizes;
  const B = bs[0] ?? 0;
  const maxLen = bs.length;
  let T = maxLen;
  if (totalLength !== null) {
    if (totalLength < maxLen)
      throw new RangeError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${maxLen}`,
      );
    T = totalLength;
  }
  const { idx, lengths } = padIndex(bs, T, sequence._unsorted, batchFirst);
  const data = sequence.data;
  const padRow = full([1, ...data.shape.slice(1)], paddingValue, { device: data.device, dtype: data.dtype });
  const rows = indexSelect(cat([data, padRow], 0), 0, intTensor(idx).to(data.device));
  const shape = batchFirst ? [B, T, ...data.shape.slice(1)] : [T, B, ...data.shape.slice(1)];
  return [reshape(rows, shape), intTensor(lengths)];
}

/**
 * Row of the packed data (or N, the padding row) for every padded position; positions in the
 * original batch order when `unsorted` is given, in packed (sorted) order otherwise.
 */
export function padIndex(
  bs: readonly number[],
  T: number,
  unsorted: readonly number[] | null,
  batchFirst: boolean,
): { idx: number[]; lengths: number[]; offsets: number[] } {
  const B = bs[0] ?? 0;
  const offsets: number[] = [];
  let n = 0;
  for (const b of bs) {
    offsets.push(n);
    n += b;
  }
  const sortedLen = Array.from({ length: B }, (_, j) => bs.filter((b) => b > j).length);
  const idx = new Array<number>(T * B);
  const lengths: number[] = [];
  for (let b = 0; b < B; b++) {
    const j = unsorted ? unsorted[b] : b;
    lengths.push(sortedLen[j]);
    for (let t = 0; t < T; t++) {
      const pos = batchFirst ? b * T + t : t * B + b;
      idx[pos] = t < bs.length && j < bs[t] ? offsets[t] + j : n;
    }
  }
  return { idx, lengths, offsets };
}

/**
 * Packs a list of variable-length sequences (L_i, *): padSequence followed by packPaddedSequence. With
 * `enforceSorted` (default true) they must come longest first.
 */
export function packSequence(sequences: readonly Tensor[], enforceSorted = true): PackedSequence {
  const lengths = sequences.map((s) => s.shape[0]);
  return packPaddedSequence(padSequence(sequences), lengths, false, enforceSorted);
}

/** @internal packed data [N, *] -> [T, B, *] in packed (sorted) batch order, zero padded. */
export function packedToPadded(ps: PackedSequence): { x: Tensor; mask: Tensor } {
  const bs = ps._batchSizes;
  const T = bs.length;
  const B = bs[0] ?? 0;
  const { idx } = padIndex(bs, T, null, false);
  const data = ps.data;
  const zero = full([1, ...data.shape.slice(1)], 0, { device: data.device, dtype: data.dtype });
  const x = reshape(indexSelect(cat([data, zero], 0), 0, intTensor(idx).to(data.device)), [
    T,
    B,
    ...data.shape.slice(1),
  ]);
  const m: number[] = [];
  for (let t = 0; t < T; t++) for (let j = 0; j < B; j++) m.push(j < bs[t] ? 1 : 0);
  const mask = reshape(tensor(m, { device: data.device }), [T, B]);
  return { x, mask };
}

/** @internal [T, B, *] in packed batch order -> packed data [N, *]. */
export function paddedToPacked(out: Tensor, bs: readonly number[]): Tensor {
  const T = bs.length;
  const B = bs[0] ?? 0;
  const idx: number[] = [];
  for (let t = 0; t < T; t++) for (let j = 0; j < bs[t]; j++) idx.push(t * B + j);
  return indexSelect(reshape(out, [T * B, ...out.shape.slice(2)]), 0, intTensor(idx).to(out.device));
}

export { transpose };
