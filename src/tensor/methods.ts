/**
 * Tensor methods: thin bindings of the ops in src/ops onto the Tensor prototype (declaration
 * merging keeps them typed), plus device moves, casts and in-place forms with autograd's
 * version-counter safety.
 */
import { type BackwardOptions, runBackward } from '../autograd/engine.js';
import * as act from '../ops/activation.js';
import {
  checkSameDevice,
  E,
  emptyTensor,
  ewiseInto,
  expandView,
  needsGrad,
  record1,
  type TensorOrScalar,
} from '../ops/core.js';
import * as idx from '../ops/indexing.js';
import * as mm from '../ops/matmul.js';
import * as pw from '../ops/pointwise.js';
import * as red from '../ops/reduce.js';
import * as sh from '../ops/shape.js';
import { Device, type DeviceLike, device as toDevice } from './device.js';
import { type DType, type DTypeLike, normalizeDType } from './dtype.js';
import { AutogradError, DeviceError, ShapeError } from './errors.js';
import { defaultGenerator, type Generator } from './random.js';
import { state } from './state.js';
import { Tensor } from './tensor.js';

type Dims = red.Dims;
type KD = { keepdim?: boolean };

declare module './tensor.js' {
  interface Tensor {
    add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
    sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
    mul(other: TensorOrScalar): Tensor;
    div(other: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor;
    pow(exponent: TensorOrScalar): Tensor;
    remainder(other: TensorOrScalar): Tensor;
    maximum(other: TensorOrScalar): Tensor;
    minimum(other: TensorOrScalar): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    expm1(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    log2(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    erf(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    trunc(): Tensor;
    reciprocal(): Tensor;
    square(): Tensor;
    relu(): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    clip(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    eq(other: TensorOrScalar): Tensor;
    ne(other: TensorOrScalar): Tensor;
    lt(other: TensorOrScalar): Tensor;
    le(other: TensorOrScalar): Tensor;
    gt(other: TensorOrScalar): Tensor;
    ge(other: TensorOrScalar): Tensor;
    logicalNot(): Tensor;
    logicalAnd(other: TensorOrScalar): Tensor;
    logicalOr(other: TensorOrScalar): Tensor;
    isnan(): Tensor;
    where(condition: Tensor, other: TensorOrScalar): Tensor;
    maskedFill(mask: Tensor, value: TensorOrScalar): Tensor;
    sum(dim?: Dims, opts?: KD): Tensor;
    mean(dim?: Dims, opts?: KD): Tensor;
    prod(dim?: Dims, opts?: KD): Tensor;
    amax(dim?: Dims, opts?: KD): Tensor;
    amin(dim?: Dims, opts?: KD): Tensor;
    max(): Tensor;
    max(dim: number, opts?: KD): [Tensor, Tensor];
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, opts?: KD): [Tensor, Tensor];
    min(other: Tensor): Tensor;
    argmax(dim?: number | null, opts?: KD): Tensor;
    argmin(dim?: number | null, opts?: KD): Tensor;
    var(dim?: Dims, opts?: KD & { correction?: number; unbiased?: boolean }): Tensor;
    std(dim?: Dims, opts?: KD & { correction?: number; unbiased?: boolean }): Tensor;
    logsumexp(dim: Dims, opts?: KD): Tensor;
    norm(p?: number | 'fro', dim?: Dims, opts?: KD): Tensor;
    cumsum(dim: number): Tensor;
    all(dim?: Dims, opts?: KD): Tensor;
    any(dim?: Dims, opts?: KD): Tensor;
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    view(...shape: number[] | [readonly number[]]): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    viewAs(other: Tensor): Tensor;
    reshapeAs(other: Tensor): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    readonly T: Tensor;
    readonly mT: Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(...sizes: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    index(...specs: sh.IndexSpec[]): Tensor;
    slice(dim: number, start?: number, end?: number | null, step?: number): Tensor;
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    unbind(dim?: number): Tensor[];
    flip(dims: number | readonly number[]): Tensor;
    repeat(...reps: number[] | [readonly number[]]): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    movedim(source: number, destination: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    detach_(): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    to(target: DeviceLike | DTypeLike | Tensor | { device?: DeviceLike; dtype?: DTypeLike }): Tensor;
    cuda(): Tensor;
    cpu(): Tensor;
    /** Device move that also works from the GPU to the CPU (reads back, so async). */
    toAsync(device: DeviceLike): Promise<Tensor>;
    float(): Tensor;
    int(): Tensor;
    long(): Tensor;
    bool(): Tensor;
    type(dtype?: DTypeLike): Tensor | string;
    backward(gradient?: Tensor | null, opts?: BackwardOptions): void;
    // in place
    add_(other: TensorOrScalar, opts?: { alpha?: number }): this;
    sub_(other: TensorOrScalar, opts?: { alpha?: number }): this;
    mul_(other: TensorOrScalar): this;
    div_(other: TensorOrScalar): this;
    pow_(exponent: TensorOrScalar): this;
    neg_(): this;
    exp_(): this;
    sqrt_(): this;
    relu_(): this;
    sigmoid_(): this;
    tanh_(): this;
    clamp_(min?: TensorOrScalar | null, max?: TensorOrScalar | null): this;
    zero_(): this;
    fill_(value: number | boolean): this;
    copy_(src: Tensor): this;
    maskedFill_(mask: Tensor, value: TensorOrScalar): this;
    addcmul_(t1: Tensor, t2: Tensor, opts?: { value?: number }): this;
    addcdiv_(t1: Tensor, t2: Tensor, opts?: { value?: number }): this;
    lerp_(end: Tensor, weight: number): this;
    uniform_(from?: number, to?: number, opts?: { generator?: Generator }): this;
    normal_(mean?: number, std?: number, opts?: { generator?: Generator }): this;
  }
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
const def = (name: string, f: (this: Tensor, ...args: any[]) => unknown) => {
  P[name] = f;
};
const shapeArgs = (args: unknown[]): number[] =>
  Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);

// ---- out-of-place bindings ----
const binary = {
  add: pw.add,
  sub: pw.sub,
  mul: pw.mul,
  div: pw.div,
  pow: pw.pow,
  remainder: pw.remainder,
  maximum: pw.maximum,
  minimum: pw.minimum,
  eq: pw.eq,
  ne: pw.ne,
  lt: pw.lt,
  le: pw.le,
  gt: pw.gt,
  ge: pw.ge,
  logicalAnd: pw.logicalAnd,
  logicalOr: pw.logicalOr,
} as Record<string, (a: Tensor, b: TensorOrScalar, o?: unknown) => Tensor>;
for (const [k, f] of Object.entries(binary))
  def(k, function (b: TensorOrScalar, o?: unknown) {
    return f(this, b, o);
  });
const unary = {
  neg: pw.neg,
  abs: pw.abs,
  sign: pw.sign,
  exp: pw.exp,
  expm1: pw.expm1,
  log: pw.log,
  log1p: pw.log1p,
  log2: pw.log2,
  sqrt: pw.sqrt,
  rsqrt: pw.rsqrt,
  sin: pw.sin,
  cos: pw.cos,
  tan: pw.tan,
  tanh: pw.tanh,
  sigmoid: pw.sigmoid,
  erf: pw.erf,
  floor: pw.floor,
  ceil: pw.ceil,
  round: pw.round,
  trunc: pw.trunc,
  reciprocal: pw.reciprocal,
  square: pw.square,
  relu: pw.relu,
  logicalNot: pw.logicalNot,
  isnan: pw.isnan,
  contiguous: sh.contiguous,
  clone: sh.clone,
  t: sh.t,
} as Record<string, (a: Tensor) => Tensor>;
for (const [k, f] of Object.entries(unary))
  def(k, function () {
    return f(this);
  });

def('softmax', function (d: number) {
  return act.softmax(this, d);
});
def('logSoftmax', function (d: number) {
  return act.logSoftmax(this, d);
});
def('clamp', function (min?: TensorOrScalar | null, max?: TensorOrScalar | null) {
  return pw.clamp(this, { min, max });
});
P.clip = P.clamp;
def('where', function (c: Tensor, other: TensorOrScalar) {
  return pw.where(c, this, other);
});
def('maskedFill', function (m: Tensor, v: TensorOrScalar) {
  return pw.maskedFill(this, m, v);
});
def('sum', function (d?: Dims, o?: KD) {
  return red.sum(this, d, o);
});
def('mean', function (d?: Dims, o?: KD) {
  return red.mean(this, d, o);
});
def('prod', function (d?: Dims, o?: KD) {
  return red.prod(this, d, o);
});
def('amax', function (d?: Dims, o?: KD) {
  return red.amax(this, d, o);
});
def('amin', function (d?: Dims, o?: KD) {
  return red.amin(this, d, o);
});
def('max', function (d?: number | Tensor, o?: KD) {
  if (d === undefined) return red.amax(this);
  return d instanceof Tensor ? pw.maximum(this, d) : red.maxDim(this, d, o);
});
def('min', function (d?: number | Tensor, o?: KD) {
  if (d === undefined) return red.amin(this);
  return d instanceof Tensor ? pw.minimum(this, d) : red.minDim(this, d, o);
});
def('argmax', function (d?: number | null, o?: KD) {
  return red.argmax(this, d, o);
});
def('argmin', function (d?: number | null, o?: KD) {
  return red.argmin(this, d, o);
});
def('var', function (d?: Dims, o?: KD) {
  return red.varOp(this, d, o);
});
def('std', function (d?: Dims, o?: KD) {
  return red.std(this, d, o);
});
def('logsumexp', function (d: Dims, o?: KD) {
  return red.logsumexp(this, d, o);
});
def('norm', function (p?: number | 'fro', d?: Dims, o?: KD) {
  return red.norm(this, p, d, o);
});
def('cumsum', function (d: number) {
  return cumsum(this, d);
});
def('all', function (d?: Dims, o?: KD) {
  return red.all(this, d, o);
});
def('any', function (d?: Dims, o?: KD) {
  return red.any(this, d, o);
});
def('matmul', function (b: Tensor) {
  return mm.matmul(this, b);
});
def('mm', function (b: Tensor) {
  return mm.mm(this, b);
});
def('bmm', function (b: Tensor) {
  return mm.bmm(this, b);
});
def('dot', function (b: Tensor) {
  return mm.dot(this, b);
});
def('view', function (...s: unknown[]) {
  return sh.view(this, shapeArgs(s));
});
def('reshape', function (...s: unknown[]) {
  return sh.reshape(this, shapeArgs(s));
});
def('viewAs', function (o: Tensor) {
  return sh.view(this, o.shape);
});
def('reshapeAs', function (o: Tensor) {
  return sh.reshape(this, o.shape);
});
def('transpose', function (a: number, b: number) {
  return sh.transpose(this, a, b);
});
Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    return sh.permute(
      this,
      this.shape.map((_, i) => this.dim() - 1 - i),
    );
  },
});
Object.defineProperty(P, 'mT', {
  get(this: Tensor) {
    return sh.transpose(this, -2, -1);
  },
});
def('permute', function (...d: unknown[]) {
  return sh.permute(this, shapeArgs(d));
});
def('squeeze', function (d?: number | readonly number[]) {
  return sh.squeeze(this, d);
});
def('unsqueeze', function (d: number) {
  return sh.unsqueeze(this, d);
});
def('expand', function (...s: unknown[]) {
  return sh.expand(this, shapeArgs(s));
});
def('expandAs', function (o: Tensor) {
  return sh.expandAs(this, o);
});
def('flatten', function (s?: number, e?: number) {
  return sh.flatten(this, s, e);
});
def('unflatten', function (d: number, s: readonly number[]) {
  return sh.unflatten(this, d, s);
});
def('narrow', function (d: number, s: number, l: number) {
  return sh.narrow(this, d, s, l);
});
def('select', function (d: number, i: number) {
  return sh.select(this, d, i);
});
def('index', function (...specs: sh.IndexSpec[]) {
  return sh.index(this, ...specs);
});
def('slice', function (d: number, s?: number, e?: number | null, st?: number) {
  return sh.slice(this, d, s, e, st);
});
def('split', function (s: number | readonly number[], d?: number) {
  return sh.split(this, s, d);
});
def('chunk', function (c: number, d?: number) {
  return sh.chunk(this, c, d);
});
def('unbind', function (d?: number) {
  return sh.unbind(this, d);
});
def('flip', function (d: number | readonly number[]) {
  return sh.flip(this, d);
});
def('repeat', function (...r: unknown[]) {
  return sh.repeat(this, shapeArgs(r));
});
def('tril', function (k?: number) {
  return sh.tril(this, k);
});
def('triu', function (k?: number) {
  return sh.triu(this, k);
});
def('movedim', function (s: number, d: number) {
  return sh.movedim(this, s, d);
});
def('gather', function (d: number, i: Tensor) {
  return idx.gather(this, d, i);
});
def('scatterAdd', function (d: number, i: Tensor, s: Tensor) {
  return idx.scatterAdd(this, d, i, s);
});
def('indexSelect', function (d: number, i: Tensor) {
  return idx.indexSelect(this, d, i);
});

/** torch.cumsum as a product with an upper-triangular ones matrix: one matmul, autograd free. */
export function cumsum(x: Tensor, dim: number): Tensor {
  // A 0-d tensor has one element along dim 0: its cumulative sum is itself (as a new tensor).
  if (x.dim() === 0) return sh.reshape(cumsum(sh.reshape(x, [1]), dim), []);
  const d = sh.movedim(x.dtype === 'float32' ? x : pw.cast(x, 'float32'), dim, -1);
  const n = d.shape[d.dim() - 1];
  const u = sh.triu(onesOn(n, x.device));
  const r = sh.movedim(mm.matmul(d, u), -1, dim);
  return x.dtype === 'float32' ? r : pw.cast(r, x.dtype === 'bool' ? 'int32' : x.dtype);
}
function onesOn(n: number, device: Device): Tensor {
  const t = emptyTensor([n, n], 'float32', device);
  t.backend.elementwise(E.const(1), [], t);
  return t;
}

// ---- autograd ----
def('detach', function () {
  return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype, this.device);
});
def('detach_', function () {
  if (this.gradFn === null) return this;
  (this as { gradFn: unknown }).gradFn = null;
  return this;
});
def('backward', function (gradient?: Tensor | null, opts?: BackwardOptions) {
  let g = gradient ?? null;
  if (!g) {
    if (this.numel() !== 1)
      throw new AutogradError(
        `grad can be implicitly created only for scalar outputs (got shape [${this.shape.join(', ')}])`,
      );
    g = emptyTensor(this.shape, 'float32', this.device);
    g.backend.elementwise(E.const(1), [], g);
  } else if (g.shape.length !== this.shape.length || g.shape.some((s, i) => s !== this.shape[i]))
    throw new ShapeError(
      `Mismatch in shape: grad_output[0] has a shape of [${g.shape.join(', ')}] and output[0] has a shape of [${this.shape.join(', ')}].`,
    );
  runBackward([this], [g], opts);
  // The implicit ones are ours: leaves keep detached aliases, so free them now (not at the GC).
  if (!gradient && !opts?.createGraph) g.dispose();
});

// ---- devices and dtypes ----
function moveTo(x: Tensor, device: Device): Tensor {
  if (x.device.equals(device)) return x;
  if (!x.backend.readSync)
    throw new DeviceError(
      `${x.device} -> ${device}: reading a GPU tensor back is asynchronous; use \`await t.toAsync('${device}')\` or \`await t.toArray()\``,
    );
  const out = emptyTensor(x.shape, x.dtype, device);
  out.backend.write(out.storage, x.backend.readSync(x));
  return record1('to', out, [x], (g) => [moveTo(g, x.device)]);
}
def('to', function (target: DeviceLike | DTypeLike | Tensor | { device?: DeviceLike; dtype?: DTypeLike }) {
  let dev: Device | undefined;
  let dt: DType | undefined;
  if (target instanceof Tensor) {
    dev = target.device;
    dt = target.dtype;
  } else if (typeof target === 'object' && !(target instanceof Device)) {
    const o = target as { device?: DeviceLike; dtype?: DTypeLike };
    if (o.device !== undefined) dev = toDevice(o.device);
    if (o.dtype !== undefined) dt = normalizeDType(o.dtype);
  } else if (typeof target === 'string' && /^(cpu|webgpu|cuda|gpu)(:\d+)?$/.test(target))
    dev = toDevice(target);
  else if (typeof target === 'string') dt = normalizeDType(target as DTypeLike);
  else dev = toDevice(target as DeviceLike);
  let r: Tensor = this;
  if (dt && dt !== r.dtype) r = pw.cast(r, dt);
  if (dev) r = moveTo(r, dev);
  return r;
});
def('cuda', function () {
  return this.to('cuda');
});
def('cpu', function () {
  return this.to('cpu');
});
def('toAsync', async function (d: DeviceLike) {
  const dev = toDevice(d);
  if (this.device.equals(dev)) return this;
  const data = await this.toArray();
  const out = emptyTensor(this.shape, this.dtype, dev);
  out.backend.write(out.storage, data);
  return out;
});
def('float', function () {
  return this.to('float32');
});
def('int', function () {
  return this.to('int32');
});
def('long', function () {
  return this.to('int32');
});
def('bool', function () {
  return this.to('bool');
});
def('type', function (d?: DTypeLike) {
  return d === undefined
    ? `torch.${this.dtype === 'float32' ? 'FloatTensor' : this.dtype === 'int32' ? 'IntTensor' : 'BoolTensor'}`
    : this.to(d);
});

// ---- in place ----
/**
 * Runs an in-place update. Without autograd it writes straight into the storage. With autograd
 * (PyTorch semantics) the new value is computed out of place from an alias carrying the old
 * history, written back, and the tensor takes the new history. The version bump makes any
 * backward that saved the old value fail loudly instead of computing a wrong gradient.
 */
function inplace(
  self: Tensor,
  name: string,
  args: readonly unknown[],
  compute: (x: Tensor) => Tensor,
  direct?: () => void,
): Tensor {
  self.checkAlive();
  const tracked = needsGrad([self, ...args.filter((a): a is Tensor => a instanceof Tensor)]);
  if (state.gradEnabled && self.isLeaf && self.requiresGrad)
    throw new AutogradError(
      `a leaf Variable that requires grad is being used in an in-place operation (${name}).`,
    );
  if (!tracked && direct) {
    direct();
    return self;
  }
  const alias = new Tensor(self.storage, self.shape, self.strides, self.offset, self.dtype, self.device);
  alias.gradFn = self.gradFn;
  alias.outputNr = self.outputNr;
  const res = compute(alias);
  if (res.dtype !== self.dtype && !(self.dtype === 'float32'))
    throw new AutogradError(
      `result type ${res.dtype} can't be cast to the desired output type ${self.dtype} (${name})`,
    );
  self.backend.elementwise(E.input(0), [expandView(res, self.shape)], self);
  self.storage.version++;
  if (tracked) {
    self.gradFn = res.gradFn;
    self.outputNr = res.outputNr;
  }
  return self;
}

const inplaceBinary = (
  name: string,
  op: (a: Tensor, b: TensorOrScalar, o?: any) => Tensor,
  expr: (a: any, b: any) => any,
) =>
  def(name, function (b: TensorOrScalar, o?: { alpha?: number }) {
    const alpha = o?.alpha ?? 1;
    return inplace(
      this,
      name,
      [b],
      (x) => op(x, b, o),
      () => {
        if (b instanceof Tensor) checkSameDevice(name, [this, b]);
        ewiseInto(name, this, (x, y) => expr(x, alpha === 1 ? y : E.mul(y, alpha)), [this, b]);
      },
    );
  });
inplaceBinary('add_', pw.add, E.add);
inplaceBinary('sub_', pw.sub, E.sub);
inplaceBinary('mul_', pw.mul, E.mul);
inplaceBinary('div_', pw.div, E.div);
inplaceBinary('pow_', pw.pow, E.pow);
const inplaceUnary = (name: string, op: (a: Tensor) => Tensor) =>
  def(name, function () {
    return inplace(this, name, [], op);
  });
inplaceUnary('neg_', pw.neg);
inplaceUnary('exp_', pw.exp);
inplaceUnary('sqrt_', pw.sqrt);
inplaceUnary('relu_', pw.relu);
inplaceUnary('sigmoid_', pw.sigmoid);
inplaceUnary('tanh_', pw.tanh);
def('clamp_', function (min?: TensorOrScalar | null, max?: TensorOrScalar | null) {
  return inplace(this, 'clamp_', [min, max], (x) => pw.clamp(x, { min, max }));
});
def('zero_', function () {
  return this.fill_(0);
});
def('fill_', function (v: number | boolean) {
  return inplace(
    this,
    'fill_',
    [],
    (x) => pw.add(pw.mul(x, 0), Number(v)),
    () => ewiseInto('fill_', this, () => E.const(Number(v)), []),
  );
});
def('copy_', function (src: Tensor) {
  return inplace(
    this,
    'copy_',
    [src],
    (x) => pw.add(pw.mul(x, 0), src.device.equals(x.device) ? src : src.to(x.device)),
    () => {
      const s = src.device.equals(this.device) ? src : src.to(this.device);
      ewiseInto('copy_', this, (a) => a, [s]);
    },
  );
});
def('maskedFill_', function (m: Tensor, v: TensorOrScalar) {
  return inplace(this, 'masked_fill_', [v], (x) => pw.maskedFill(x, m, v));
});
def('addcmul_', function (a: Tensor, b: Tensor, o?: { value?: number }) {
  const v = o?.value ?? 1;
  return inplace(
    this,
    'addcmul_',
    [a, b],
    (x) => pw.add(x, pw.mul(pw.mul(a, b), v)),
    () => ewiseInto('addcmul_', this, (x, p, q) => E.add(x, E.mul(E.mul(p, q), v)), [this, a, b]),
  );
});
def('addcdiv_', function (a: Tensor, b: Tensor, o?: { value?: number }) {
  const v = o?.value ?? 1;
  return inplace(
    this,
    'addcdiv_',
    [a, b],
    (x) => pw.add(x, pw.mul(pw.div(a, b), v)),
    () => ewiseInto('addcdiv_', this, (x, p, q) => E.add(x, E.mul(E.div(p, q), v)), [this, a, b]),
  );
});
def('lerp_', function (end: Tensor, w: number) {
  return inplace(
    this,
    'lerp_',
    [end],
    (x) => pw.add(x, pw.mul(pw.sub(end, x), w)),
    () => ewiseInto('lerp_', this, (x, e) => E.add(x, E.mul(E.sub(e, x), w)), [this, end]),
  );
});
function randomFill(self: Tensor, kind: 'uniform' | 'normal', a: number, b: number, g: Generator): Tensor {
  return inplace(
    self,
    `${kind}_`,
    [],
    () => {
      throw new AutogradError(`${kind}_ on a tensor with history`);
    },
    () => {
      const tmp = emptyTensor(self.shape, 'float32', self.device);
      const { seed, offset } = g.next(tmp.numel());
      tmp.backend.random(kind, tmp, seed, offset, a, b);
      ewiseInto(`${kind}_`, self, (x) => x, [tmp]);
      tmp.dispose();
    },
  );
}
def('uniform_', function (from = 0, to = 1, o?: { generator?: Generator }) {
  return randomFill(this, 'uniform', from, to, o?.generator ?? defaultGenerator);
});
def('normal_', function (mean = 0, std = 1, o?: { generator?: Generator }) {
  return randomFill(this, 'normal', mean, std, o?.generator ?? defaultGenerator);
});

export { Tensor };
