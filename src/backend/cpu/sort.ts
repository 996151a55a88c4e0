/**
 * The CPU's sort primitive (backend.ts `sort`): per row, an index permutation sorted with a
 * comparator that is a strict total order (NaN largest, ties broken by position), so the
 * result is stable whatever the engine's sort algorithm.
 */
import type { View } from '../backend.js';
import { isContiguousView, numelOf } from '../backend.js';
import type { CpuStorage } from './storage.js';

type Arr = ArrayLike<number> & { [i: number]: number };
const dataOf = (v: View): Arr => (v.storage as CpuStorage).data as Arr;

export function sortRows(x: View, descending: boolean, values: View, indices: View): void {
  if (x.shape.length !== 2) throw new RangeError(`cpu sort: x must be [rows, n], got rank ${x.shape.length}`);
  if (!isContiguousView(values) || !isContiguousView(indices))
    throw new RangeError('cpu sort: values and indices must be contiguous');
  const [rows, n] = x.shape;
  if (numelOf(x.shape) === 0) return;
  const X = dataOf(x);
  const V = dataOf(values);
  const I = dataOf(indices);
  const [s0, s1] = x.strides;
  const key = new Float64Array(n);
  const perm = new Array<number>(n);
  const sign = descending ? -1 : 1;
  const cmp = (a: number, b: number): number => {
    const ka = key[a];
    const kb = key[b];
    const na = ka !== ka;
    const nb = kb !== kb;
    if (na || nb) {
      if (na && nb) return a - b;
      // NaN is the largest: last ascending, first descending.
      return (na ? 1 : -1) * sign;
    }
    if (ka !== kb) return ka < kb ? -sign : sign;
    return a - b;
  };
  for (let r = 0; r < rows; r++) {
    const base = x.offset + r * s0;
    for (let j = 0; j < n; j++) {
      key[j] = X[base + j * s1];
      perm[j] = j;
    }
    perm.sort(cmp);
    const vo = values.offset + r * n;
    const io = indices.offset + r * n;
    for (let j = 0; j < n; j++) {
      V[vo + j] = key[perm[j]];
      I[io + j] = perm[j];
    }
  }
}
