/** Tensor creation: from data, constants, ranges and random draws (torch.* factories). */
import { philoxFill } from '../backend/philox.js';
import { cpu, type Device, type DeviceLike, device as toDevice } from '../tensor/device.js';
import {
  checkInt32Range,
  type DType,
  type DTypeLike,
  isFloat,
  isHalf,
  normalizeDType,
  type TypedArray,
  typedArrayFor,
  wrapInt,
} from '../tensor/dtype.js';
import { ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { state } from '../tensor/state.js';
import { E, emptyTensor, ewise, Tensor } from './core.js';

export interface TensorOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  requiresGrad?: boolean;
}
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

const dev = (o?: TensorOptions): Device => (o?.device === undefined ? cpu : toDevice(o.device));
const dt = (o?: TensorOptions, fallback: DType = state.defaultDtype): DType =>
  o?.dtype === undefined ? fallback : normalizeDType(o.dtype);
const finish = (t: Tensor, o?: TensorOptions): Tensor => (o?.requiresGrad ? t.requiresGrad_(true) : t);
const shapeOf = (s: number | readonly number[], rest: number[]): number[] => {
  const shape = typeof s === 'number' ? [s, ...rest] : [...s];
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
  return shape;
};

export type NestedNumbers = number | boolean | bigint | NestedNumbers[];

/** torch.tensor(data): nested arrays, numbers, booleans or a typed array. Infers the dtype. */
export function tensor(data: NestedNumbers | TypedArray | Tensor, opts?: TensorOptions): Tensor {
  if (data instanceof Tensor)
    return finish(
      ewise('tensor', (a) => a, [data], dt(opts, data.dtype)),
      opts,
    );
  if (ArrayBuffer.isView(data)) return fromArray(data as TypedArray, [(data as TypedArray).length], opts);
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: (number | boolean | bigint)[] = [];
  const walk = (v: unknown, d: number) => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new ShapeError('tensor(): nested arrays have inconsistent depth');
      if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint')
        throw new TypeError(
          `tensor(): must be real number, not ${v === null ? 'null' : typeof v === 'string' ? `string ${JSON.stringify(v)}` : typeof v}`,
        );
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d])
      throw new ShapeError(
        `expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : typeof v})`,
      );
    for (const x of v) walk(x, d + 1);
  };
  walk(data, 0);
  const inferred: DType =
    flat.length && flat.every((v) => typeof v === 'boolean')
      ? 'bool'
      : // JS has no int/float literal distinction (1e10 === 10000000000): integers beyond int32
        // can only have been meant as floats, so they infer float32; bigints stay integers.
        flat.every(
            (v) =>
              typeof v === 'bigint' ||
              (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2147483647),
          ) && flat.length > 0
        ? 'int64'
        : state.defaultDtype;
  const dtype = dt(opts, inferred);
  return finish(upload(flat, shape, dtype, dev(opts)), opts);
}

function upload(
  values: ArrayLike<number | boolean | bigint>,
  shape: number[],
  dtype: DType,
  device: Device,
): Tensor {
  const t = emptyTensor(shape, dtype, device);
  const n = values.length;
  let buf: TypedArray;
  if (dtype === 'float32' || isHalf(dtype))
    // float16/bfloat16: the backend's write rounds to 16 bits
    buf = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>, Number);
  else if (dtype === 'float64')
    buf = values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>, Number);
  else if (dtype === 'int32' || dtype === 'int64') {
    // int64 is stored as int32: out-of-range values are refused, never wrapped.
    buf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      buf[i] = checkInt32Range(
        typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? Math.trunc(v) : v, // as PyTorch's cast
        'value',
      );
    }
  } else if (dtype === 'bool') buf = Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  else {
    // uint8/int8/int16: the typed array converts as PyTorch's cast does (wraps to the width).
    buf = typedArrayFor(dtype, n);
    for (let i = 0; i < n; i++) buf[i] = wrapInt(dtype, Math.trunc(Number(values[i])));
  }
  t.backend.write(t.storage, buf);
  return t;
}

/** From a typed array (copied) with a shape; integer arrays become int32 (range-checked), float ones float32. */
function naturalDType(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array || a instanceof Uint16Array) return 'int32';
  return 'int64'; // Uint32Array, BigInt64Array, BigUint64Array
}

export function fromArray(
  data: TypedArray | BigInt64Array | Float64Array | number[],
  shape?: readonly number[],
  opts?: TensorOptions,
): Tensor {
  const s = shape ? [...shape] : [data.length];
  const n = s.reduce((a, b) => a * b, 1);
  if (n !== data.length)
    throw new ShapeError(`fromArray: shape [${s.join(', ')}] needs ${n} elements, got ${data.length}`);
  // Typed arrays keep their dtype: Uint8Array (image bytes) is uint8 0..255, Float64Array is
  // float64, BigInt64Array is int64 (range-checked: stored as int32); Uint16Array/Uint32Array,
  // which PyTorch 1.13 lacks, become int32/int64 with their values checked. `dtype: 'bool'` for a mask.
  const natural: DType = Array.isArray(data) ? state.defaultDtype : naturalDType(data);
  return finish(upload(data as ArrayLike<number>, s, dt(opts, natural), dev(opts)), opts);
}

export function full(
  shape: number | readonly number[],
  value: number | boolean,
  opts?: TensorOptions,
): Tensor {
  const t = emptyTensor(
    shapeOf(shape, []),
    dt(opts, typeof value === 'boolean' ? 'bool' : state.defaultDtype),
    dev(opts),
  );
  t.backend.elementwise(E.const(Number(value)), [], t);
  return finish(t, opts);
}
export const zeros = (shape: number | readonly number[], opts?: TensorOptions) => full(shape, 0, opts);
export const ones = (shape: number | readonly number[], opts?: TensorOptions) => full(shape, 1, opts);
/** Uninitialised in PyTorch; zero-filled here (storage from a pool may hold old data). */
export const empty = (shape: number | readonly number[], opts?: TensorOptions) => full(shape, 0, opts);

const likeOpts = (x: Tensor, o?: TensorOptions): TensorOptions => ({
  dtype: o?.dtype ?? x.dtype,
  device: o?.device ?? x.device,
  requiresGrad: o?.requiresGrad,
});
export const zerosLike = (x: Tensor, o?: TensorOptions) => zeros(x.shape, likeOpts(x, o));
export const onesLike = (x: Tensor, o?: TensorOptions) => ones(x.shape, likeOpts(x, o));
export const emptyLike = (x: Tensor, o?: TensorOptions) => empty(x.shape, likeOpts(x, o));
export const fullLike = (x: Tensor, v: number, o?: TensorOptions) => full(x.shape, v, likeOpts(x, o));
export const randLike = (x: Tensor, o?: RandomOptions) =>
  rand(x.shape, { ...likeOpts(x, o), generator: o?.generator });
export const randnLike = (x: Tensor, o?: RandomOptions) =>
  randn(x.shape, { ...likeOpts(x, o), generator: o?.generator });

/** torch.arange(end) / arange(start, end, step). Integer arguments give int32 (int64) results. */
export function arange(a: number, b?: number, step = 1, opts?: TensorOptions): Tensor {
  const [start, end] = b === undefined ? [0, a] : [a, b];
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  if ((end - start) / step < 0)
    throw new RangeError(`upper bound and larger bound inconsistent with step sign`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  const dtype = dt(opts, ints ? 'int64' : state.defaultDtype);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return finish(upload(vals as unknown as number[], [n], dtype, dev(opts)), opts);
}

export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  if (steps < 0) throw new RangeError('linspace: number of steps must be non-negative');
  const vals = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end for symmetry.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) vals[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  if (steps === 1) vals[0] = start; // torch.linspace(a, b, 1) is [a]
  return finish(upload(vals as unknown as number[], [steps], dt(opts), dev(opts)), opts);
}

export function eye(n: number, m = n, opts?: TensorOptions): Tensor {
  const vals = new Float32Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) vals[i * m + i] = 1;
  return finish(upload(vals, [n, m], dt(opts), dev(opts)), opts);
}

function draw(
  kind: 'uniform' | 'normal',
  shape: number[],
  a: number,
  b: number,
  opts?: RandomOptions,
  dtype: DType = dt(opts),
): Tensor {
  if (!isFloat(dtype))
    throw new TypeError(`${kind === 'uniform' ? 'rand' : 'randn'}: "${kind}" not implemented for ${dtype}`);
  const g = opts?.generator ?? defaultGenerator;
  const t = emptyTensor(shape, dtype, dev(opts));
  const { seed, offset } = g.next(t.numel());
  t.backend.random(kind, t, seed, offset, a, b);
  return t;
}

/** U[0, 1) (torch.rand). */
export function rand(shape: number | readonly number[], opts?: RandomOptions): Tensor {
  return finish(draw('uniform', shapeOf(shape, []), 0, 1, opts), opts);
}
/** N(0, 1) (torch.randn). */
export function randn(shape: number | readonly number[], opts?: RandomOptions): Tensor {
  return finish(draw('normal', shapeOf(shape, []), 0, 1, opts), opts);
}
/** Integers in [low, high) (torch.randint(low, high, size)). */
export function randint(
  low: number,
  high: number,
  shape: number | readonly number[],
  opts?: RandomOptions,
): Tensor {
  if (high <= low)
    throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const u = draw('uniform', shapeOf(shape, []), 0, 1, opts, 'float32');
  return ewise(
    'randint',
    (x) => E.add(E.cast('i32', E.floor(E.mul(x, high - low))), low),
    [u],
    dt(opts, 'int64'),
  );
}

/** A random permutation of 0..n-1 (torch.randperm), Fisher–Yates driven by the generator. */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  const g = opts?.generator ?? defaultGenerator;
  const { seed, offset } = g.next(n);
  const u = new Float32Array(n);
  philoxFill('uniform', u, seed, offset, 0, 1);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i] * (i + 1)));
    const tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  return finish(upload(p, [n], dt(opts, 'int64'), dev(opts)), opts);
}
