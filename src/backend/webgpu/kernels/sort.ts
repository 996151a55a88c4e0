/**
 * The sort primitive (backend.ts `sort`) as a bitonic network in global memory: each row is
 * padded to P = 2^p slots, a first pass loads (key, index) pairs into scratch buffers, then
 * p(p+1)/2 compare-exchange passes (one dispatch each, one thread per pair) sort every row,
 * and a last pass copies the first n slots of each row out. Padding slots hold index >= n and
 * the comparison places them after every real element in either direction (the sentinels of
 * a +inf/-inf padding, without needing a key that compares above NaN). The comparison is a
 * strict total order: NaN largest, equal keys ordered by index, so the result is stable.
 */
import type { View } from '../../backend.js';
import { isContiguousView, numelOf } from '../../backend.js';
import { dispatch, grid, Params, pipelineFor } from '../queue.js';
import { allocStorage, releaseStorage, storageOf } from '../storage.js';
import { builtins, elemType, linearId, storageDecl, ui, uniformDecl, uw } from '../wgsl/common.js';

const WG = 256;

// Words: 0 rows, 1 n, 2 P, 3 log2 P, 4 k (block), 5 j (distance), 6 x offset, 7 x row stride,
// 8 x col stride, 9 values offset, 10 indices offset, 11 descending.
const WORDS = 12;

function before(t: string, float: boolean): string {
  // true when element (ka, ia) goes strictly before (kb, ib) in the final order.
  const nan = float
    ? `let na = (bitcast<u32>(ka) & 0x7fffffffu) > 0x7f800000u;
  let nb = (bitcast<u32>(kb) & 0x7fffffffu) > 0x7f800000u;
  if (na || nb) {
    if (na && nb) { return ia < ib; }
    return select(nb, na, desc);
  }`
    : '';
  return `fn before(ka: ${t}, ia: i32, kb: ${t}, ib: i32, n: i32, desc: bool) -> bool {
  if (ia >= n || ib >= n) { return ia < ib; }
  ${nan}
  if (ka != kb) { return select((ka < kb), (ka > kb), desc); }
  return ia < ib;
}`;
}

export function sort(x: View, descending: boolean, values: View, indices: View): void {
  if (x.shape.length !== 2)
    throw new RangeError(`webgpu sort: x must be [rows, n], got rank ${x.shape.length}`);
  if (!isContiguousView(values) || !isContiguousView(indices))
    throw new RangeError('webgpu sort: values and indices must be contiguous');
  const [rows, n] = x.shape;
  if (numelOf(x.shape) === 0) return;
  let logP = 0;
  while (1 << logP < n) logP++;
  const P = 1 << logP;
  const t = elemType(x.dtype);
  const float = x.dtype === 'float32';
  const keys = allocStorage(rows * P, x.dtype);
  const idx = allocStorage(rows * P, 'int32');
  const p = new Params(WORDS);
  p.u[0] = rows;
  p.u[1] = n;
  p.u[2] = P;
  p.u[3] = logP;
  p.i[6] = x.offset;
  p.i[7] = x.strides[0];
  p.i[8] = x.strides[1];
  p.i[9] = values.offset;
  p.i[10] = indices.offset;
  p.u[11] = descending ? 1 : 0;
  const head = `${uniformDecl(WORDS)}
${storageDecl(1, 'K', x.dtype, true)}
${storageDecl(2, 'J', 'int32', true)}
${storageDecl(3, 'x', x.dtype, false)}`;

  // Load: slot (row, j) <- x[row, j] for j < n; padding keeps index j >= n.
  const load = pipelineFor(
    `sort-load:${x.dtype}`,
    'wwr',
    () => `${head}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  if (i >= ${uw(0)} * ${uw(2)}) { return; }
  let r = i32(i >> ${uw(3)});
  let j = i32(i & (${uw(2)} - 1u));
  J[i] = j;
  if (j < i32(${uw(1)})) { K[i] = x[${ui(6)} + r * ${ui(7)} + j * ${ui(8)}]; } else { K[i] = ${t}(0); }
}`,
  );
  const bindings = [keys, idx, storageOf(x, 'sort')];
  dispatch(load, 'wwr', bindings, p, grid(Math.ceil((rows * P) / WG)));

  const step = pipelineFor(
    `sort-step:${x.dtype}`,
    'wwr',
    () => `${head}
${before(t, float)}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  let hp = ${uw(2)} >> 1u;
  if (i >= ${uw(0)} * hp) { return; }
  let r = i / hp;
  let q = i % hp;
  let j = ${uw(5)};
  let k = ${uw(4)};
  let lo = ((q & ~(j - 1u)) << 1u) | (q & (j - 1u));
  let a = r * ${uw(2)} + lo;
  let b = a + j;
  let ka = K[a]; let ia = J[a]; let kb = K[b]; let ib = J[b];
  let up = (lo & k) == 0u;
  let n = i32(${uw(1)});
  let desc = ${uw(11)} != 0u;
  let swap = select(before(ka, ia, kb, ib, n, desc), before(kb, ib, ka, ia, n, desc), up);
  if (swap) { K[a] = kb; J[a] = ib; K[b] = ka; J[b] = ia; }
}`,
  );
  const pairs = grid(Math.ceil((rows * (P >> 1)) / WG));
  for (let k = 2; k <= P; k <<= 1)
    for (let j = k >> 1; j >= 1; j >>= 1) {
      const q = new Params(WORDS);
      q.u.set(p.u);
      q.u[4] = k;
      q.u[5] = j;
      dispatch(step, 'wwr', bindings, q, pairs);
    }

  const outKey = `sort-out:${x.dtype}`;
  const out = pipelineFor(
    outKey,
    'wwrr',
    () => `${uniformDecl(WORDS)}
${storageDecl(1, 'V', x.dtype, true)}
${storageDecl(2, 'I', 'int32', true)}
${storageDecl(3, 'K', x.dtype, false)}
${storageDecl(4, 'J', 'int32', false)}
@compute @workgroup_size(${WG}) fn main(${builtins}) {
  ${linearId(WG)}
  let n = ${uw(1)};
  if (i >= ${uw(0)} * n) { return; }
  let r = i / n;
  let s = r * ${uw(2)} + i % n;
  V[${ui(9)} + i32(i)] = K[s];
  I[${ui(10)} + i32(i)] = J[s];
}`,
  );
  const vs = storageOf(values, 'sort');
  const is = storageOf(indices, 'sort');
  if (vs === is) throw new Error('webgpu sort: values and indices must not share a storage');
  dispatch(out, 'wwrr', [vs, is, keys, idx], p, grid(Math.ceil((rows * n) / WG)));
  releaseStorage(keys);
  releaseStorage(idx);
}
