/**
 * The Tensor's methods, each bound through PyTorch's parameter list like every public callable:
 * the twins of torch.* functions come from api/ops.ts (one signature, one implementation for
 * both), the rest are defined here: device and dtype moves, autograd entry points and the
 * in-place forms with autograd's version-counter safety. The interface below gives them their
 * types; the end of the file puts them on the prototype once, when the library is imported.
 */
import { tensorBackward } from '../autograd/grad.js';
import { copySlices } from '../autograd/views.js';
import * as bw from '../ops/bitwise.js';
import {
  checkSameDevice,
  E,
  emptyTensor,
  ewiseInto,
  expandView,
  needsGrad,
  record1,
  refreshView,
  type TensorOrScalar,
} from '../ops/core.js';
import * as cr from '../ops/creation.js';
import * as dd from '../ops/data-dependent.js';
import * as im from '../ops/indexing-more.js';
import * as mo from '../ops/misc-more.js';
import * as pw from '../ops/pointwise.js';
import * as pm from '../ops/pointwise-more.js';
import * as red from '../ops/reduce.js';
import * as rm from '../ops/reduce-more.js';
import * as sh from '../ops/shape.js';
import * as shm from '../ops/shape-more.js';
import { form, method, methodOverloads } from '../signature/bind.js';
import type { Bound, MethodArgs } from '../signature/types.js';
import { type Device, type DeviceLike, device as toDevice } from '../tensor/device.js';
import {
  canCast,
  type DType,
  type DTypeLike,
  isFloat,
  normalizeDType,
  torchTypeName,
} from '../tensor/dtype.js';
import { AutogradError, DeviceError, ShapeError } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { state } from '../tensor/state.js';
import { bumpVersion, Tensor } from '../tensor/tensor.js';
import { ops, type SIG } from './ops.js';

/** PyTorch's parameter lists of the Tensor methods defined here. */
const MSIG = {
  backward:
    'backward(Tensor self, Tensor? gradient=None, bool? retain_graph=None, bool create_graph=False, Tensor[]? inputs=None)',
  cuda: 'cuda(Tensor self, Device? device=None, bool non_blocking=False)',
  cpu: 'cpu(Tensor self)',
  toAsync: 'to_async(Tensor self, Device device)',
  float: 'float(Tensor self)',
  int: 'int(Tensor self)',
  long: 'long(Tensor self)',
  bool: 'bool(Tensor self)',
  add_: 'add_(Tensor self, Tensor|Scalar other, *, Scalar alpha=1)',
  sub_: 'sub_(Tensor self, Tensor|Scalar other, *, Scalar alpha=1)',
  mul_: 'mul_(Tensor self, Tensor|Scalar other)',
  div_: 'div_(Tensor self, Tensor|Scalar other, *, "trunc"|"floor"? rounding_mode=None)',
  pow_: 'pow_(Tensor self, Tensor|Scalar exponent)',
  clamp_: 'clamp_(Tensor self, Tensor|Scalar? min=None, Tensor|Scalar? max=None)',
  zero_: 'zero_(Tensor self)',
  fill_: 'fill_(Tensor self, Scalar value)',
  copy_: 'copy_(Tensor self, Tensor src, bool non_blocking=False)',
  maskedFill_: 'masked_fill_(Tensor self, Tensor mask, Tensor|Scalar value)',
  addcmul_: 'addcmul_(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1)',
  addcdiv_: 'addcdiv_(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1)',
  lerp_: 'lerp_(Tensor self, Tensor end, Tensor|Scalar weight)',
  uniform_: 'uniform_(Tensor self, float from=0, float to=1, *, Generator? generator=None)',
  normal_: 'normal_(Tensor self, float mean=0, float std=1, *, Generator? generator=None)',
  neg_: 'neg_(Tensor self)',
  exp_: 'exp_(Tensor self)',
  sqrt_: 'sqrt_(Tensor self)',
  relu_: 'relu_(Tensor self)',
  sigmoid_: 'sigmoid_(Tensor self)',
  tanh_: 'tanh_(Tensor self)',
  // -- in place: indexing and reductions (ops-index) --
  indexAdd_: 'index_add_(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1)',
  indexCopy_: 'index_copy_(Tensor self, int dim, Tensor index, Tensor source)',
  indexFill_: 'index_fill_(Tensor self, int dim, Tensor index, Tensor|Scalar value)',
  indexReduce_:
    'index_reduce_(Tensor self, int dim, Tensor index, Tensor source, "prod"|"mean"|"amax"|"amin" reduce, *, bool include_self=True)',
  indexPut_: 'index_put_(Tensor self, Tensor[] indices, Tensor values, bool accumulate=False)',
  put_: 'put_(Tensor self, Tensor index, Tensor source, bool accumulate=False)',
  scatter_:
    'scatter_(Tensor self, int dim, Tensor index, Tensor|Scalar? src=None, *, Scalar? value=None, "add"|"multiply"? reduce=None)',
  scatterAdd_: 'scatter_add_(Tensor self, int dim, Tensor index, Tensor src)',
  scatterReduce_:
    'scatter_reduce_(Tensor self, int dim, Tensor index, Tensor src, "sum"|"prod"|"mean"|"amax"|"amin" reduce, *, bool include_self=True)',
  maskedScatter_: 'masked_scatter_(Tensor self, Tensor mask, Tensor source)',
  cumprod_: 'cumprod_(Tensor self, int dim, *, ScalarType? dtype=None)',
  // -- in place: pointwise (ops-pointwise) --
  acos_: 'acos_(Tensor self)',
  arccos_: 'arccos_(Tensor self)',
  asin_: 'asin_(Tensor self)',
  arcsin_: 'arcsin_(Tensor self)',
  atan_: 'atan_(Tensor self)',
  arctan_: 'arctan_(Tensor self)',
  acosh_: 'acosh_(Tensor self)',
  arccosh_: 'arccosh_(Tensor self)',
  asinh_: 'asinh_(Tensor self)',
  arcsinh_: 'arcsinh_(Tensor self)',
  atanh_: 'atanh_(Tensor self)',
  arctanh_: 'arctanh_(Tensor self)',
  sinh_: 'sinh_(Tensor self)',
  cosh_: 'cosh_(Tensor self)',
  exp2_: 'exp2_(Tensor self)',
  deg2rad_: 'deg2rad_(Tensor self)',
  rad2deg_: 'rad2deg_(Tensor self)',
  frac_: 'frac_(Tensor self)',
  sgn_: 'sgn_(Tensor self)',
  sinc_: 'sinc_(Tensor self)',
  erfc_: 'erfc_(Tensor self)',
  fix_: 'fix_(Tensor self)',
  logit_: 'logit_(Tensor self, float? eps=None)',
  nanToNum_: 'nan_to_num_(Tensor self, float? nan=0.0, float? posinf=None, float? neginf=None)',
  clampMin_: 'clamp_min_(Tensor self, Tensor|Scalar min)',
  clampMax_: 'clamp_max_(Tensor self, Tensor|Scalar max)',
  fmod_: 'fmod_(Tensor self, Tensor|Scalar other)',
  hypot_: 'hypot_(Tensor self, Tensor other)',
  xlogy_: 'xlogy_(Tensor self, Tensor|Scalar other)',
  copysign_: 'copysign_(Tensor self, Tensor|Scalar other)',
  ldexp_: 'ldexp_(Tensor self, Tensor other)',
  fmax_: 'fmax_(Tensor self, Tensor other)',
  fmin_: 'fmin_(Tensor self, Tensor other)',
  logaddexp_: 'logaddexp_(Tensor self, Tensor other)',
  logaddexp2_: 'logaddexp2_(Tensor self, Tensor other)',
  heaviside_: 'heaviside_(Tensor self, Tensor values)',
  floatPower_: 'float_power_(Tensor self, Tensor|Scalar exponent)',
  multiply_: 'multiply_(Tensor self, Tensor|Scalar other)',
  subtract_: 'subtract_(Tensor self, Tensor|Scalar other, *, Scalar alpha=1)',
  divide_: 'divide_(Tensor self, Tensor|Scalar other, *, "trunc"|"floor"? rounding_mode=None)',
  trueDivide_: 'true_divide_(Tensor self, Tensor|Scalar other)',
  floorDivide_: 'floor_divide_(Tensor self, Tensor|Scalar other)',
  view: 'view(Tensor self, int[] size)',
  viewAs: 'view_as(Tensor self, Tensor other)',
  reshapeAs: 'reshape_as(Tensor self, Tensor other)',
  expand: 'expand(Tensor self, int[] size)',
  expandAs: 'expand_as(Tensor self, Tensor other)',
  repeat: 'repeat(Tensor self, int[] repeats)',
  contiguous: 'contiguous(Tensor self)',
  where: 'where(Tensor self, Tensor condition, Tensor|Scalar other)',
  slice: 'slice(Tensor self, int dim=0, int? start=None, int? end=None, int step=1)',
  unfold: 'unfold(Tensor self, int dimension, int size, int step)',
  sumToSize: 'sum_to_size(Tensor self, int[] size)',
  // --- dtype ---
  double: 'double(Tensor self)',
  byte: 'byte(Tensor self)',
  char: 'char(Tensor self)',
  short: 'short(Tensor self)',
  // --- half ---
  half: 'half(Tensor self)',
  bfloat16: 'bfloat16(Tensor self)',
  bitwiseAnd_: 'bitwise_and_(Tensor self, Tensor|Scalar other)',
  bitwiseOr_: 'bitwise_or_(Tensor self, Tensor|Scalar other)',
  bitwiseXor_: 'bitwise_xor_(Tensor self, Tensor|Scalar other)',
  bitwiseNot_: 'bitwise_not_(Tensor self)',
  bitwiseLeftShift_: 'bitwise_left_shift_(Tensor self, Tensor|Scalar other)',
  bitwiseRightShift_: 'bitwise_right_shift_(Tensor self, Tensor|Scalar other)',
} as const;

/** Methods with several PyTorch forms: the first that accepts the arguments wins. */
const OVL = {
  max: [
    'max(Tensor self)',
    'max(Tensor self, int dim, bool keepdim=False)',
    'max(Tensor self, Tensor other)',
  ],
  min: [
    'min(Tensor self)',
    'min(Tensor self, int dim, bool keepdim=False)',
    'min(Tensor self, Tensor other)',
  ],
  to: [
    'to(Tensor self, Device? device=None, ScalarType? dtype=None, bool non_blocking=False, bool copy=False)',
    'to(Tensor self, ScalarType dtype, bool non_blocking=False, bool copy=False)',
    'to(Tensor self, Tensor other, bool non_blocking=False, bool copy=False)',
  ],
  type: ['type(Tensor self)', 'type(Tensor self, ScalarType dtype, bool non_blocking=False)'],
} as const;

const m = <const S extends string, R>(name: string, sig: S, impl: (a: Bound<S>) => R) =>
  method<S, R, Tensor>(`Tensor.${name}`, sig, impl);

/** Tensor methods with no torch.* twin, or whose method form differs (x.where(cond, y)). */
const methodOnlyOps = {
  where: m('where', MSIG.where, (a) => pw.where(a.condition, a.self, a.other)),
  max: methodOverloads(
    'Tensor.max',
    form(OVL.max[0], (a) => red.amax(a.self)),
    form(OVL.max[1], (a) => red.maxDim(a.self, a.dim, a)),
    form(OVL.max[2], (a) => pw.maximum(a.self, a.other)),
  ),
  min: methodOverloads(
    'Tensor.min',
    form(OVL.min[0], (a) => red.amin(a.self)),
    form(OVL.min[1], (a) => red.minDim(a.self, a.dim, a)),
    form(OVL.min[2], (a) => pw.minimum(a.self, a.other)),
  ),
  view: m('view', MSIG.view, (a) => sh.view(a.self, a.size)),
  viewAs: m('viewAs', MSIG.viewAs, (a) => sh.view(a.self, a.other.shape)),
  reshapeAs: m('reshapeAs', MSIG.reshapeAs, (a) => sh.reshape(a.self, a.other.shape)),
  expand: m('expand', MSIG.expand, (a) => sh.expand(a.self, a.size)),
  expandAs: m('expandAs', MSIG.expandAs, (a) => sh.expandAs(a.self, a.other)),
  repeat: m('repeat', MSIG.repeat, (a) => sh.repeat(a.self, a.repeats)),
  contiguous: m('contiguous', MSIG.contiguous, (a) => sh.contiguous(a.self)),
  slice: m('slice', MSIG.slice, (a) => sh.slice(a.self, a.dim, a.start ?? 0, a.end, a.step)),
  // products and shape (ops-products)
  unfold: m('unfold', MSIG.unfold, (a) => shm.unfold(a.self, a.dimension, a.size, a.step)),
  sumToSize: m('sumToSize', MSIG.sumToSize, (a) => red.sumTo(a.self, a.size)),
};

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
function convert(x: Tensor, dev: DeviceLike | null, dt: DTypeLike | null, copy: boolean): Tensor {
  let r = x;
  if (dt !== null && normalizeDType(dt) !== r.dtype) r = pw.cast(r, normalizeDType(dt));
  if (dev !== null) r = moveTo(r, toDevice(dev));
  return copy && r === x ? sh.clone(x) : r;
}
const cast = (x: Tensor, d: DType): Tensor => convert(x, null, d, false);

/** Backward, device and dtype methods. */
const own = {
  /**
   * Computes the gradient of this tensor with respect to the graph leaves and accumulates it into
   * their `.grad`. A non-scalar tensor needs `gradient` (the vector of the vector-Jacobian product).
   */
  backward: m('backward', MSIG.backward, (a) => tensorBackward(a.self, a.gradient, a)),
  /**
   * `x.to(device)`, `x.to(dtype)`, `x.to(other)` (its device and dtype), or by name
   * `x.to({ device, dtype })`. Returns `x` itself when nothing changes, unless `copy`.
   */
  to: methodOverloads(
    'Tensor.to',
    form(OVL.to[0], (a) => convert(a.self, a.device, a.dtype, a.copy)),
    form(OVL.to[1], (a) => convert(a.self, null, a.dtype, a.copy)),
    form(OVL.to[2], (a) => convert(a.self, a.other.device, a.other.dtype, a.copy)),
  ),
  /** Moves to the GPU (PyTorch's spelling; WebGPU here). */
  cuda: m('cuda', MSIG.cuda, (a) => convert(a.self, a.device ?? 'cuda', null, false)),
  /** Moves to the CPU (synchronous for CPU tensors; a GPU tensor needs `await x.toAsync('cpu')`). */
  cpu: m('cpu', MSIG.cpu, (a) => convert(a.self, 'cpu', null, false)),
  /** Device move that also works from the GPU to the CPU (reads back, so async). */
  toAsync: m('toAsync', MSIG.toAsync, async (a) => {
    const x = a.self;
    const dev = toDevice(a.device);
    if (x.device.equals(dev)) return x;
    const data = await x.toArray();
    const out = emptyTensor(x.shape, x.dtype, dev);
    out.backend.write(out.storage, data);
    return out;
  }),
  /** `x.to(torch.float32)` */
  float: m('float', MSIG.float, (a) => cast(a.self, 'float32')),
  /** `x.to(torch.int32)` */
  int: m('int', MSIG.int, (a) => cast(a.self, 'int32')),
  /** `x.to(torch.int64)` (stored as int32, docs/porting.md) */
  long: m('long', MSIG.long, (a) => cast(a.self, 'int64')),
  /** `x.to(torch.bool)` */
  bool: m('bool', MSIG.bool, (a) => cast(a.self, 'bool')),
  /** `x.type()` is the type's name (`torch.FloatTensor`); `x.type(dtype)` casts. */
  type: methodOverloads(
    'Tensor.type',
    form(OVL.type[0], (a) => typeName(a.self.dtype)),
    form(OVL.type[1], (a) => cast(a.self, normalizeDType(a.dtype))),
  ),
  // --- dtype ---
  /** `x.to(torch.float64)` (CPU only: WebGPU has no float64) */
  double: m('double', MSIG.double, (a) => cast(a.self, 'float64')),
  /** `x.to(torch.uint8)` */
  byte: m('byte', MSIG.byte, (a) => cast(a.self, 'uint8')),
  /** `x.to(torch.int8)` */
  char: m('char', MSIG.char, (a) => cast(a.self, 'int8')),
  /** `x.to(torch.int16)` */
  short: m('short', MSIG.short, (a) => cast(a.self, 'int16')),
  // --- half ---
  /** `x.to(torch.float16)` */
  half: m('half', MSIG.half, (a) => cast(a.self, 'float16')),
  /** `x.to(torch.bfloat16)` */
  bfloat16: m('bfloat16', MSIG.bfloat16, (a) => cast(a.self, 'bfloat16')),
};

const typeName = (d: DType): string => `torch.${torchTypeName(d)}Tensor`;

// ---- in place ----

/**
 * Runs an in-place update. Without autograd it writes straight into the storage. With autograd
 * (PyTorch semantics) the new value is computed out of place from a copy carrying the old
 * history, written back, and the tensor takes the new history; on a view, its base's history
 * takes the view's region (CopySlices, autograd/views.ts). The version bump makes any backward
 * that read the old value fail loudly instead of computing a wrong gradient.
 */
function inplace(
  self: Tensor,
  name: string,
  args: readonly unknown[],
  compute: (x: Tensor) => Tensor,
  direct?: () => void,
): Tensor {
  self.checkAlive();
  const base = self.base;
  if (base && state.gradEnabled) {
    if (base.isLeaf && base.requiresGrad)
      throw new AutogradError(
        `a view of a leaf Variable that requires grad is being used in an in-place operation (${name}).`,
      );
    if (self.viewInNoGrad && base.requiresGrad)
      throw new AutogradError(
        `A view was created in no_grad mode and is being modified inplace with grad mode enabled (${name}). Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the noGrad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).`,
      );
    if (self.viewVersion !== self.storage.version) refreshView(self);
  }
  const tracked = needsGrad([self, ...args.filter((a): a is Tensor => a instanceof Tensor)]);
  if (state.gradEnabled && self.isLeaf && self.requiresGrad)
    throw new AutogradError(
      `a leaf Variable that requires grad is being used in an in-place operation (${name}).`,
    );
  if (!tracked && direct) {
    direct();
    return self;
  }
  const cur = new Tensor(self.storage, self.shape, self.strides, self.offset, self.dtype, self.device);
  cur.gradFn = self.gradFn;
  cur.outputNr = self.outputNr;
  // The op's backward may read its input (mul_'s other needs self): give it a copy of the old
  // values, as PyTorch saves self.clone() for in-place ops, not the storage about to change.
  const res = compute(sh.clone(cur));
  if (res.dtype !== self.dtype && !canCast(res.dtype, self.dtype))
    throw new AutogradError(
      `result type ${res.dtype} can't be cast to the desired output type ${self.dtype} (${name})`,
    );
  self.backend.elementwise(E.input(0), [expandView(res, self.shape)], self);
  bumpVersion(self.storage);
  if (tracked) {
    self.gradFn = res.gradFn;
    self.outputNr = res.outputNr;
    // The base's history takes the new values of the view's region (PyTorch's CopySlices).
    if (base) copySlices(self, res);
  }
  return self;
}

type Ex = ReturnType<typeof E.add>;
/** `x.op_(other)`: the out-of-place op, or one fused kernel into x's storage off the graph. */
const inplaceBinary = (
  name: string,
  op: (a: Tensor, b: TensorOrScalar) => Tensor,
  expr: (a: Ex, b: Ex) => Ex,
) => {
  const apply = (self: Tensor, b: TensorOrScalar, alpha: number) =>
    inplace(
      self,
      name,
      [b],
      (x) => op(x, alpha === 1 || typeof b !== 'object' ? b : pw.mul(b, alpha)),
      () => {
        if (b instanceof Tensor) checkSameDevice(name, [self, b]);
        ewiseInto(name, self, (x, y) => expr(x, alpha === 1 ? y : E.mul(y, alpha)), [self, b]);
      },
    );
  return apply;
};
const addInto = inplaceBinary('add_', pw.add, E.add);
const subInto = inplaceBinary('sub_', pw.sub, E.sub);
const mulInto = inplaceBinary('mul_', pw.mul, E.mul);
const divInto = inplaceBinary('div_', pw.div, E.div);
const powInto = inplaceBinary('pow_', pw.pow, E.pow);
/** Scalars fold alpha in before the kernel (`x.add_(2, {alpha: 3})` adds 6). */
const scaled = (b: TensorOrScalar, alpha: number | boolean): [TensorOrScalar, number] =>
  typeof b === 'object' ? [b, Number(alpha)] : [Number(b) * Number(alpha), 1];

function fill(self: Tensor, v: number): Tensor {
  return inplace(
    self,
    'fill_',
    [],
    (x) => pw.add(pw.mul(x, 0), v),
    () => ewiseInto('fill_', self, () => E.const(v), []),
  );
}

function randomFill(self: Tensor, kind: 'uniform' | 'normal', a: number, b: number, g: Generator): Tensor {
  return inplace(
    self,
    `${kind}_`,
    [],
    () => {
      throw new AutogradError(`${kind}_ on a tensor with history`);
    },
    () => {
      const tmp = emptyTensor(self.shape, isFloat(self.dtype) ? self.dtype : 'float32', self.device);
      const { seed, offset } = g.next(tmp.numel());
      tmp.backend.random(kind, tmp, seed, offset, a, b);
      ewiseInto(`${kind}_`, self, (x) => x, [tmp]);
      tmp.dispose();
    },
  );
}

/** In-place methods (PyTorch's trailing underscore): they return the tensor itself. */
const inPlace = {
  add_: m('add_', MSIG.add_, (a) => addInto(a.self, ...scaled(a.other, a.alpha))),
  sub_: m('sub_', MSIG.sub_, (a) => subInto(a.self, ...scaled(a.other, a.alpha))),
  mul_: m('mul_', MSIG.mul_, (a) => mulInto(a.self, a.other, 1)),
  div_: m('div_', MSIG.div_, (a) =>
    a.roundingMode === null
      ? divInto(a.self, a.other, 1)
      : inplace(a.self, 'div_', [a.other], (x) => pw.div(x, a.other, a)),
  ),
  pow_: m('pow_', MSIG.pow_, (a) => powInto(a.self, a.exponent, 1)),
  neg_: m('neg_', MSIG.neg_, (a) => inplace(a.self, 'neg_', [], pw.neg)),
  exp_: m('exp_', MSIG.exp_, (a) => inplace(a.self, 'exp_', [], pw.exp)),
  sqrt_: m('sqrt_', MSIG.sqrt_, (a) => inplace(a.self, 'sqrt_', [], pw.sqrt)),
  relu_: m('relu_', MSIG.relu_, (a) => inplace(a.self, 'relu_', [], pw.relu)),
  sigmoid_: m('sigmoid_', MSIG.sigmoid_, (a) => inplace(a.self, 'sigmoid_', [], pw.sigmoid)),
  tanh_: m('tanh_', MSIG.tanh_, (a) => inplace(a.self, 'tanh_', [], pw.tanh)),
  // -- in place: indexing and reductions (ops-index) --
  indexAdd_: m('indexAdd_', MSIG.indexAdd_, (a) =>
    inplace(a.self, 'index_add_', [a.source], (x) =>
      im.indexAdd(x, a.dim, a.index, a.source, Number(a.alpha)),
    ),
  ),
  indexCopy_: m('indexCopy_', MSIG.indexCopy_, (a) =>
    inplace(a.self, 'index_copy_', [a.source], (x) => im.indexCopy(x, a.dim, a.index, a.source)),
  ),
  indexFill_: m('indexFill_', MSIG.indexFill_, (a) =>
    inplace(a.self, 'index_fill_', [a.value], (x) => im.indexFill(x, a.dim, a.index, a.value)),
  ),
  indexReduce_: m('indexReduce_', MSIG.indexReduce_, (a) =>
    inplace(a.self, 'index_reduce_', [a.source], (x) =>
      im.indexReduce(x, a.dim, a.index, a.source, a.reduce, a.includeSelf),
    ),
  ),
  indexPut_: m('indexPut_', MSIG.indexPut_, (a) =>
    inplace(a.self, 'index_put_', [a.values], (x) => im.indexPut(x, a.indices, a.values, a.accumulate)),
  ),
  put_: m('put_', MSIG.put_, (a) =>
    inplace(a.self, 'put_', [a.source], (x) => im.put(x, a.index, a.source, a.accumulate)),
  ),
  scatter_: m('scatter_', MSIG.scatter_, (a) => {
    const src = a.src ?? a.value;
    if (src === null) throw new TypeError("Tensor.scatter_(): pass 'src' (a tensor) or 'value' (a scalar)");
    return inplace(a.self, 'scatter_', [src], (x) => im.scatter(x, a.dim, a.index, src, a.reduce));
  }),
  scatterAdd_: m('scatterAdd_', MSIG.scatterAdd_, (a) =>
    inplace(a.self, 'scatter_add_', [a.src], (x) => im.scatterReduce(x, a.dim, a.index, a.src, 'sum', true)),
  ),
  scatterReduce_: m('scatterReduce_', MSIG.scatterReduce_, (a) =>
    inplace(a.self, 'scatter_reduce_', [a.src], (x) =>
      im.scatterReduce(x, a.dim, a.index, a.src, a.reduce, a.includeSelf),
    ),
  ),
  maskedScatter_: m('maskedScatter_', MSIG.maskedScatter_, (a) =>
    inplace(a.self, 'masked_scatter_', [a.source], (x) => im.maskedScatter(x, a.mask, a.source)),
  ),
  cumprod_: m('cumprod_', MSIG.cumprod_, (a) =>
    inplace(a.self, 'cumprod_', [], (x) =>
      rm.cumprod(a.dtype === null ? x : pw.cast(x, normalizeDType(a.dtype as DTypeLike)), a.dim),
    ),
  ),
  // -- in place: pointwise (ops-pointwise) --
  acos_: m('acos_', MSIG.acos_, (a) => inplace(a.self, 'acos_', [], pm.acos)),
  arccos_: m('arccos_', MSIG.arccos_, (a) => inplace(a.self, 'arccos_', [], pm.acos)),
  asin_: m('asin_', MSIG.asin_, (a) => inplace(a.self, 'asin_', [], pm.asin)),
  arcsin_: m('arcsin_', MSIG.arcsin_, (a) => inplace(a.self, 'arcsin_', [], pm.asin)),
  atan_: m('atan_', MSIG.atan_, (a) => inplace(a.self, 'atan_', [], pm.atan)),
  arctan_: m('arctan_', MSIG.arctan_, (a) => inplace(a.self, 'arctan_', [], pm.atan)),
  acosh_: m('acosh_', MSIG.acosh_, (a) => inplace(a.self, 'acosh_', [], pm.acosh)),
  arccosh_: m('arccosh_', MSIG.arccosh_, (a) => inplace(a.self, 'arccosh_', [], pm.acosh)),
  asinh_: m('asinh_', MSIG.asinh_, (a) => inplace(a.self, 'asinh_', [], pm.asinh)),
  arcsinh_: m('arcsinh_', MSIG.arcsinh_, (a) => inplace(a.self, 'arcsinh_', [], pm.asinh)),
  atanh_: m('atanh_', MSIG.atanh_, (a) => inplace(a.self, 'atanh_', [], pm.atanh)),
  arctanh_: m('arctanh_', MSIG.arctanh_, (a) => inplace(a.self, 'arctanh_', [], pm.atanh)),
  sinh_: m('sinh_', MSIG.sinh_, (a) => inplace(a.self, 'sinh_', [], pm.sinh)),
  cosh_: m('cosh_', MSIG.cosh_, (a) => inplace(a.self, 'cosh_', [], pm.cosh)),
  exp2_: m('exp2_', MSIG.exp2_, (a) => inplace(a.self, 'exp2_', [], pm.exp2)),
  deg2rad_: m('deg2rad_', MSIG.deg2rad_, (a) => inplace(a.self, 'deg2rad_', [], pm.deg2rad)),
  rad2deg_: m('rad2deg_', MSIG.rad2deg_, (a) => inplace(a.self, 'rad2deg_', [], pm.rad2deg)),
  frac_: m('frac_', MSIG.frac_, (a) => inplace(a.self, 'frac_', [], pm.frac)),
  sgn_: m('sgn_', MSIG.sgn_, (a) => inplace(a.self, 'sgn_', [], pm.sgn)),
  sinc_: m('sinc_', MSIG.sinc_, (a) => inplace(a.self, 'sinc_', [], pm.sinc)),
  erfc_: m('erfc_', MSIG.erfc_, (a) => inplace(a.self, 'erfc_', [], pm.erfc)),
  fix_: m('fix_', MSIG.fix_, (a) => inplace(a.self, 'fix_', [], pw.trunc)),
  logit_: m('logit_', MSIG.logit_, (a) => inplace(a.self, 'logit_', [], (x) => pm.logit(x, a.eps))),
  nanToNum_: m('nanToNum_', MSIG.nanToNum_, (a) =>
    inplace(a.self, 'nan_to_num_', [], (x) => pm.nanToNum(x, a.nan, a.posinf, a.neginf)),
  ),
  clampMin_: m('clampMin_', MSIG.clampMin_, (a) =>
    inplace(a.self, 'clamp_min_', [a.min], (x) => pw.clamp(x, { min: a.min })),
  ),
  clampMax_: m('clampMax_', MSIG.clampMax_, (a) =>
    inplace(a.self, 'clamp_max_', [a.max], (x) => pw.clamp(x, { max: a.max })),
  ),
  fmod_: m('fmod_', MSIG.fmod_, (a) => inplace(a.self, 'fmod_', [a.other], (x) => pm.fmod(x, a.other))),
  hypot_: m('hypot_', MSIG.hypot_, (a) => inplace(a.self, 'hypot_', [a.other], (x) => pm.hypot(x, a.other))),
  xlogy_: m('xlogy_', MSIG.xlogy_, (a) => inplace(a.self, 'xlogy_', [a.other], (x) => pm.xlogy(x, a.other))),
  copysign_: m('copysign_', MSIG.copysign_, (a) =>
    inplace(a.self, 'copysign_', [a.other], (x) => pm.copysign(x, a.other)),
  ),
  ldexp_: m('ldexp_', MSIG.ldexp_, (a) => inplace(a.self, 'ldexp_', [a.other], (x) => pm.ldexp(x, a.other))),
  fmax_: m('fmax_', MSIG.fmax_, (a) => inplace(a.self, 'fmax_', [a.other], (x) => pm.fmax(x, a.other))),
  fmin_: m('fmin_', MSIG.fmin_, (a) => inplace(a.self, 'fmin_', [a.other], (x) => pm.fmin(x, a.other))),
  logaddexp_: m('logaddexp_', MSIG.logaddexp_, (a) =>
    inplace(a.self, 'logaddexp_', [a.other], (x) => pm.logaddexp(x, a.other)),
  ),
  logaddexp2_: m('logaddexp2_', MSIG.logaddexp2_, (a) =>
    inplace(a.self, 'logaddexp2_', [a.other], (x) => pm.logaddexp2(x, a.other)),
  ),
  heaviside_: m('heaviside_', MSIG.heaviside_, (a) =>
    inplace(a.self, 'heaviside_', [a.values], (x) => pm.heaviside(x, a.values)),
  ),
  floatPower_: m('floatPower_', MSIG.floatPower_, (a) =>
    inplace(a.self, 'float_power_', [a.exponent], (x) => pm.floatPower(x, a.exponent)),
  ),
  multiply_: m('multiply_', MSIG.multiply_, (a) =>
    inplace(a.self, 'multiply_', [a.other], (x) => pw.mul(x, a.other)),
  ),
  subtract_: m('subtract_', MSIG.subtract_, (a) =>
    inplace(a.self, 'subtract_', [a.other], (x) => pw.sub(x, a.other, { alpha: Number(a.alpha) })),
  ),
  divide_: m('divide_', MSIG.divide_, (a) =>
    inplace(a.self, 'divide_', [a.other], (x) => pw.div(x, a.other, a)),
  ),
  trueDivide_: m('trueDivide_', MSIG.trueDivide_, (a) =>
    inplace(a.self, 'true_divide_', [a.other], (x) => pw.div(x, a.other)),
  ),
  floorDivide_: m('floorDivide_', MSIG.floorDivide_, (a) =>
    inplace(a.self, 'floor_divide_', [a.other], (x) => pm.floorDivide(x, a.other)),
  ),
  clamp_: m('clamp_', MSIG.clamp_, (a) => inplace(a.self, 'clamp_', [a.min, a.max], (x) => pw.clamp(x, a))),
  zero_: m('zero_', MSIG.zero_, (a) => fill(a.self, 0)),
  fill_: m('fill_', MSIG.fill_, (a) => fill(a.self, Number(a.value))),
  copy_: m('copy_', MSIG.copy_, (a) => {
    const self = a.self;
    const src = a.src.device.equals(self.device) ? a.src : moveTo(a.src, self.device);
    return inplace(
      self,
      'copy_',
      [src],
      (x) => pw.add(pw.mul(x, 0), src),
      () => ewiseInto('copy_', self, (v) => v, [src]),
    );
  }),
  maskedFill_: m('maskedFill_', MSIG.maskedFill_, (a) =>
    inplace(a.self, 'masked_fill_', [a.value], (x) => pw.maskedFill(x, a.mask, a.value)),
  ),
  addcmul_: m('addcmul_', MSIG.addcmul_, (a) => {
    const v = Number(a.value);
    return inplace(
      a.self,
      'addcmul_',
      [a.tensor1, a.tensor2],
      (x) => pm.addcmul(x, a.tensor1, a.tensor2, v),
      () =>
        ewiseInto('addcmul_', a.self, (x, p, q) => E.add(x, E.mul(E.mul(p, q), v)), [
          a.self,
          a.tensor1,
          a.tensor2,
        ]),
    );
  }),
  addcdiv_: m('addcdiv_', MSIG.addcdiv_, (a) => {
    const v = Number(a.value);
    return inplace(
      a.self,
      'addcdiv_',
      [a.tensor1, a.tensor2],
      (x) => pm.addcdiv(x, a.tensor1, a.tensor2, v),
      () =>
        ewiseInto('addcdiv_', a.self, (x, p, q) => E.add(x, E.mul(E.div(p, q), v)), [
          a.self,
          a.tensor1,
          a.tensor2,
        ]),
    );
  }),
  lerp_: m('lerp_', MSIG.lerp_, (a) => {
    const w = a.weight;
    return inplace(
      a.self,
      'lerp_',
      [a.end, w],
      (x) => pm.lerp(x, a.end, w),
      () => ewiseInto('lerp_', a.self, (x, e, wt) => E.add(x, E.mul(E.sub(e, x), wt)), [a.self, a.end, w]),
    );
  }),
  uniform_: m('uniform_', MSIG.uniform_, (a) =>
    randomFill(a.self, 'uniform', a.from, a.to, a.generator ?? defaultGenerator),
  ),
  normal_: m('normal_', MSIG.normal_, (a) =>
    randomFill(a.self, 'normal', a.mean, a.std, a.generator ?? defaultGenerator),
  ),
  // --- dtype ---
  bitwiseAnd_: m('bitwiseAnd_', MSIG.bitwiseAnd_, (a) =>
    inplace(a.self, 'bitwise_and_', [a.other], (x) => bw.bitwiseAnd(x, a.other)),
  ),
  bitwiseOr_: m('bitwiseOr_', MSIG.bitwiseOr_, (a) =>
    inplace(a.self, 'bitwise_or_', [a.other], (x) => bw.bitwiseOr(x, a.other)),
  ),
  bitwiseXor_: m('bitwiseXor_', MSIG.bitwiseXor_, (a) =>
    inplace(a.self, 'bitwise_xor_', [a.other], (x) => bw.bitwiseXor(x, a.other)),
  ),
  bitwiseNot_: m('bitwiseNot_', MSIG.bitwiseNot_, (a) =>
    inplace(a.self, 'bitwise_not_', [], (x) => bw.bitwiseNot(x)),
  ),
  bitwiseLeftShift_: m('bitwiseLeftShift_', MSIG.bitwiseLeftShift_, (a) =>
    inplace(a.self, 'bitwise_left_shift_', [a.other], (x) => bw.bitwiseLeftShift(x, a.other)),
  ),
  bitwiseRightShift_: m('bitwiseRightShift_', MSIG.bitwiseRightShift_, (a) =>
    inplace(a.self, 'bitwise_right_shift_', [a.other], (x) => bw.bitwiseRightShift(x, a.other)),
  ),
};

type OpMethods = { [K in keyof typeof ops]: (typeof ops)[K]['method'] };
const opMethods = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, v.method])) as OpMethods;

/** Every bound method, by name. */
const methods = { ...opMethods, ...methodOnlyOps, ...own, ...inPlace };

declare module '../tensor/tensor.js' {
  // The methods are installed on the prototype below at the end of this file; their types come from the signatures.
  interface Tensor {
    /** Elementwise negation. */
    neg(...args: MethodArgs<typeof SIG.neg>): Tensor;
    /** Elementwise / shape op `torch.negative` as a method. */
    negative(...args: MethodArgs<typeof SIG.negative>): Tensor;
    /** Elementwise / shape op `torch.abs` as a method. */
    abs(...args: MethodArgs<typeof SIG.abs>): Tensor;
    /** Elementwise / shape op `torch.sign` as a method. */
    sign(...args: MethodArgs<typeof SIG.sign>): Tensor;
    /** Elementwise / shape op `torch.exp` as a method. */
    exp(...args: MethodArgs<typeof SIG.exp>): Tensor;
    /** Elementwise / shape op `torch.expm1` as a method. */
    expm1(...args: MethodArgs<typeof SIG.expm1>): Tensor;
    /** Elementwise / shape op `torch.log` as a method. */
    log(...args: MethodArgs<typeof SIG.log>): Tensor;
    /** Elementwise / shape op `torch.log1p` as a method. */
    log1p(...args: MethodArgs<typeof SIG.log1p>): Tensor;
    /** Elementwise / shape op `torch.log2` as a method. */
    log2(...args: MethodArgs<typeof SIG.log2>): Tensor;
    /** Elementwise / shape op `torch.log10` as a method. */
    log10(...args: MethodArgs<typeof SIG.log10>): Tensor;
    /** Elementwise / shape op `torch.sqrt` as a method. */
    sqrt(...args: MethodArgs<typeof SIG.sqrt>): Tensor;
    /** Elementwise / shape op `torch.rsqrt` as a method. */
    rsqrt(...args: MethodArgs<typeof SIG.rsqrt>): Tensor;
    /** Elementwise / shape op `torch.sin` as a method. */
    sin(...args: MethodArgs<typeof SIG.sin>): Tensor;
    /** Elementwise / shape op `torch.cos` as a method. */
    cos(...args: MethodArgs<typeof SIG.cos>): Tensor;
    /** Elementwise / shape op `torch.tan` as a method. */
    tan(...args: MethodArgs<typeof SIG.tan>): Tensor;
    /** Elementwise / shape op `torch.tanh` as a method. */
    tanh(...args: MethodArgs<typeof SIG.tanh>): Tensor;
    /** Elementwise / shape op `torch.sigmoid` as a method. */
    sigmoid(...args: MethodArgs<typeof SIG.sigmoid>): Tensor;
    /** Elementwise / shape op `torch.erf` as a method. */
    erf(...args: MethodArgs<typeof SIG.erf>): Tensor;
    /** Elementwise / shape op `torch.floor` as a method. */
    floor(...args: MethodArgs<typeof SIG.floor>): Tensor;
    /** Elementwise / shape op `torch.ceil` as a method. */
    ceil(...args: MethodArgs<typeof SIG.ceil>): Tensor;
    /** Elementwise / shape op `torch.round` as a method. */
    round(...args: MethodArgs<typeof SIG.round>): Tensor;
    /** Elementwise / shape op `torch.trunc` as a method. */
    trunc(...args: MethodArgs<typeof SIG.trunc>): Tensor;
    /** Elementwise / shape op `torch.reciprocal` as a method. */
    reciprocal(...args: MethodArgs<typeof SIG.reciprocal>): Tensor;
    /** Elementwise / shape op `torch.square` as a method. */
    square(...args: MethodArgs<typeof SIG.square>): Tensor;
    /** Elementwise / shape op `torch.relu` as a method. */
    relu(...args: MethodArgs<typeof SIG.relu>): Tensor;
    /** Elementwise / shape op `torch.logicalNot` as a method. */
    logicalNot(...args: MethodArgs<typeof SIG.logicalNot>): Tensor;
    /** Elementwise / shape op `torch.isnan` as a method. */
    isnan(...args: MethodArgs<typeof SIG.isnan>): Tensor;
    /** Elementwise / shape op `torch.isinf` as a method. */
    isinf(...args: MethodArgs<typeof SIG.isinf>): Tensor;
    /** Elementwise / shape op `torch.isfinite` as a method. */
    isfinite(...args: MethodArgs<typeof SIG.isfinite>): Tensor;
    /** Elementwise / shape op `torch.t` as a method. */
    t(...args: MethodArgs<typeof SIG.t>): Tensor;
    /** A copy with its own storage (differentiable). */
    clone(...args: MethodArgs<typeof SIG.clone>): Tensor;
    /** Elementwise / shape op `torch.eq` as a method. */
    eq(...args: MethodArgs<typeof SIG.eq>): Tensor;
    /** Elementwise / shape op `torch.ne` as a method. */
    ne(...args: MethodArgs<typeof SIG.ne>): Tensor;
    /** Elementwise / shape op `torch.lt` as a method. */
    lt(...args: MethodArgs<typeof SIG.lt>): Tensor;
    /** Elementwise / shape op `torch.le` as a method. */
    le(...args: MethodArgs<typeof SIG.le>): Tensor;
    /** Elementwise / shape op `torch.gt` as a method. */
    gt(...args: MethodArgs<typeof SIG.gt>): Tensor;
    /** Elementwise / shape op `torch.ge` as a method. */
    ge(...args: MethodArgs<typeof SIG.ge>): Tensor;
    /** Elementwise / shape op `torch.logicalAnd` as a method. */
    logicalAnd(...args: MethodArgs<typeof SIG.logicalAnd>): Tensor;
    /** Elementwise / shape op `torch.logicalOr` as a method. */
    logicalOr(...args: MethodArgs<typeof SIG.logicalOr>): Tensor;
    /** Elementwise / shape op `torch.logicalXor` as a method. */
    logicalXor(...args: MethodArgs<typeof SIG.logicalXor>): Tensor;
    /** Elementwise `input + alpha * other`, broadcasting. */
    add(...args: MethodArgs<typeof SIG.add>): Tensor;
    /** Elementwise `input - alpha * other`, broadcasting. */
    sub(...args: MethodArgs<typeof SIG.sub>): Tensor;
    /** Elementwise / shape op `torch.rsub` as a method. */
    rsub(...args: MethodArgs<typeof SIG.rsub>): Tensor;
    /** Elementwise product, broadcasting. */
    mul(...args: MethodArgs<typeof SIG.mul>): Tensor;
    /** Elementwise division; `roundingMode` 'trunc' or 'floor' rounds the quotient. */
    div(...args: MethodArgs<typeof SIG.div>): Tensor;
    /** Elementwise power. */
    pow(...args: MethodArgs<typeof SIG.pow>): Tensor;
    /** Elementwise / shape op `torch.remainder` as a method. */
    remainder(...args: MethodArgs<typeof SIG.remainder>): Tensor;
    /** Elementwise / shape op `torch.maximum` as a method. */
    maximum(...args: MethodArgs<typeof SIG.maximum>): Tensor;
    /** Elementwise / shape op `torch.minimum` as a method. */
    minimum(...args: MethodArgs<typeof SIG.minimum>): Tensor;
    /** Elementwise / shape op `torch.atan2` as a method. */
    atan2(...args: MethodArgs<typeof SIG.atan2>): Tensor;
    /** Limits values to `[min, max]` (either may be a tensor or absent). */
    clamp(...args: MethodArgs<typeof SIG.clamp>): Tensor;
    /** Elementwise / shape op `torch.clip` as a method. */
    clip(...args: MethodArgs<typeof SIG.clip>): Tensor;
    /** `value` where `mask` is true. */
    maskedFill(...args: MethodArgs<typeof SIG.maskedFill>): Tensor;
    /** Softmax along `dim`. */
    softmax(...args: MethodArgs<typeof SIG.softmax>): Tensor;
    /** Log-softmax along `dim`. */
    logSoftmax(...args: MethodArgs<typeof SIG.logSoftmax>): Tensor;
    /** Sum over `dim` (every dim by default); `keepdim` keeps reduced dims as size 1; `dtype` casts the input first. */
    sum(...args: MethodArgs<typeof SIG.sum>): Tensor;
    /** Mean over `dim` (every dim by default). */
    mean(...args: MethodArgs<typeof SIG.mean>): Tensor;
    /** Product over `dim` (every element by default). */
    prod(...args: MethodArgs<typeof SIG.prod>): Tensor;
    /** Maximum over `dim` (every dim for `[]`), without indices. */
    amax(...args: MethodArgs<typeof SIG.amax>): Tensor;
    /** Minimum over `dim` (every dim for `[]`), without indices. */
    amin(...args: MethodArgs<typeof SIG.amin>): Tensor;
    /** Index of the maximum over `dim` (of the flattened tensor by default). */
    argmax(...args: MethodArgs<typeof SIG.argmax>): Tensor;
    /** Index of the minimum over `dim` (of the flattened tensor by default). */
    argmin(...args: MethodArgs<typeof SIG.argmin>): Tensor;
    /** Variance over `dim`; `correction` (default 1, Bessel) or the legacy `unbiased`. */
    var(...args: MethodArgs<typeof SIG.var>): Tensor;
    /** Standard deviation over `dim`; `correction` as `var`. */
    std(...args: MethodArgs<typeof SIG.std>): Tensor;
    /** log(sum(exp(x))) over `dim`, computed stably. */
    logsumexp(...args: MethodArgs<typeof SIG.logsumexp>): Tensor;
    /** Vector p-norm over `dim` (every dim by default). */
    norm(...args: MethodArgs<typeof SIG.norm>): Tensor;
    /** Elementwise / shape op `torch.all` as a method. */
    all(...args: MethodArgs<typeof SIG.all>): Tensor;
    /** Elementwise / shape op `torch.any` as a method. */
    any(...args: MethodArgs<typeof SIG.any>): Tensor;
    /** Cumulative sum along `dim`. */
    cumsum(...args: MethodArgs<typeof SIG.cumsum>): Tensor;
    /** Matrix product with NumPy broadcasting of batch dims (`@`). */
    matmul(...args: MethodArgs<typeof SIG.matmul>): Tensor;
    /** Elementwise / shape op `torch.mm` as a method. */
    mm(...args: MethodArgs<typeof SIG.mm>): Tensor;
    /** Elementwise / shape op `torch.bmm` as a method. */
    bmm(...args: MethodArgs<typeof SIG.bmm>): Tensor;
    /** Elementwise / shape op `torch.dot` as a method. */
    dot(...args: MethodArgs<typeof SIG.dot>): Tensor;
    /** Elementwise / shape op `torch.outer` as a method. */
    outer(...args: MethodArgs<typeof SIG.outer>): Tensor;
    /** The same elements in a new shape (a view when possible); one size may be -1. */
    reshape(...args: MethodArgs<typeof SIG.reshape>): Tensor;
    /** A view with dims reordered (`x.permute(1, 0)`). */
    permute(...args: MethodArgs<typeof SIG.permute>): Tensor;
    /** A view with two dims swapped. */
    transpose(...args: MethodArgs<typeof SIG.transpose>): Tensor;
    /** Elementwise / shape op `torch.swapaxes` as a method. */
    swapaxes(...args: MethodArgs<typeof SIG.swapaxes>): Tensor;
    /** Inserts a size-1 dim at `dim`. */
    unsqueeze(...args: MethodArgs<typeof SIG.unsqueeze>): Tensor;
    /** Removes size-1 dims (only `dim` when given). */
    squeeze(...args: MethodArgs<typeof SIG.squeeze>): Tensor;
    /** Flattens dims `startDim..endDim` into one. */
    flatten(...args: MethodArgs<typeof SIG.flatten>): Tensor;
    /** Elementwise / shape op `torch.unflatten` as a method. */
    unflatten(...args: MethodArgs<typeof SIG.unflatten>): Tensor;
    /** Elementwise / shape op `torch.narrow` as a method. */
    narrow(...args: MethodArgs<typeof SIG.narrow>): Tensor;
    /** Elementwise / shape op `torch.select` as a method. */
    select(...args: MethodArgs<typeof SIG.select>): Tensor;
    /** Splits into pieces of `splitSizeOrSections` along `dim` (views). */
    split(...args: MethodArgs<typeof SIG.split>): Tensor[];
    /** Splits into `chunks` nearly equal pieces along `dim` (views). */
    chunk(...args: MethodArgs<typeof SIG.chunk>): Tensor[];
    /** The slices along `dim`, without that dim. */
    unbind(...args: MethodArgs<typeof SIG.unbind>): Tensor[];
    /** Elementwise / shape op `torch.flip` as a method. */
    flip(...args: MethodArgs<typeof SIG.flip>): Tensor;
    /** Elementwise / shape op `torch.tril` as a method. */
    tril(...args: MethodArgs<typeof SIG.tril>): Tensor;
    /** Elementwise / shape op `torch.triu` as a method. */
    triu(...args: MethodArgs<typeof SIG.triu>): Tensor;
    /** Elementwise / shape op `torch.movedim` as a method. */
    movedim(...args: MethodArgs<typeof SIG.movedim>): Tensor;
    /** Elementwise / shape op `torch.moveaxis` as a method. */
    moveaxis(...args: MethodArgs<typeof SIG.moveaxis>): Tensor;
    /** Values at `index` along `dim`. */
    gather(...args: MethodArgs<typeof SIG.gather>): Tensor;
    /** Elementwise / shape op `torch.scatterAdd` as a method. */
    scatterAdd(...args: MethodArgs<typeof SIG.scatterAdd>): Tensor;
    /** Entries along `dim` at `index` positions. */
    indexSelect(...args: MethodArgs<typeof SIG.indexSelect>): Tensor;
    // -- products and shape (ops-products) --
    /** `beta * self + alpha * (mat1 @ mat2)`. */
    addmm(...args: MethodArgs<typeof SIG.addmm>): Tensor;
    /** `beta * self + alpha * (mat @ vec)`. */
    addmv(...args: MethodArgs<typeof SIG.addmv>): Tensor;
    /** `beta * self + alpha * outer(vec1, vec2)`. */
    addr(...args: MethodArgs<typeof SIG.addr>): Tensor;
    /** `beta * self + alpha * bmm(batch1, batch2)`. */
    baddbmm(...args: MethodArgs<typeof SIG.baddbmm>): Tensor;
    /** `beta * self + alpha * sum_b(batch1[b] @ batch2[b])`. */
    addbmm(...args: MethodArgs<typeof SIG.addbmm>): Tensor;
    /** Matrix-vector product. */
    mv(...args: MethodArgs<typeof SIG.mv>): Tensor;
    /** Dot product of two 1-D tensors. */
    vdot(...args: MethodArgs<typeof SIG.vdot>): Tensor;
    /** Sum over the last dims of both tensors. */
    inner(...args: MethodArgs<typeof SIG.inner>): Tensor;
    /** Kronecker product. */
    kron(...args: MethodArgs<typeof SIG.kron>): Tensor;
    /** Sum of the main diagonal of a matrix. */
    trace(...args: MethodArgs<typeof SIG.trace>): Tensor;
    /** A broadcast (stride-0) view of the given shape. */
    broadcastTo(...args: MethodArgs<typeof SIG.broadcastTo>): Tensor;
    /** Elements shifted along `dims` (wrapping around). */
    roll(...args: MethodArgs<typeof SIG.roll>): Tensor;
    /** Rotated by `k` quarter turns in the plane of `dims`. */
    rot90(...args: MethodArgs<typeof SIG.rot90>): Tensor;
    /** Repeated `dims` times per dim (left-padded with 1s). */
    tile(...args: MethodArgs<typeof SIG.tile>): Tensor;
    /** Splits into `sections` nearly equal pieces or at `indices` along `dim` (views). */
    tensorSplit(...args: MethodArgs<typeof SIG.tensorSplit>): Tensor[];
    /** `tensorSplit` along dim 1 (dim 0 for 1-D). */
    hsplit(...args: MethodArgs<typeof SIG.hsplit>): Tensor[];
    /** `tensorSplit` along dim 0. */
    vsplit(...args: MethodArgs<typeof SIG.vsplit>): Tensor[];
    /** `tensorSplit` along dim 2. */
    dsplit(...args: MethodArgs<typeof SIG.dsplit>): Tensor[];
    /** The elements as a 1-D tensor (a view when possible). */
    ravel(...args: MethodArgs<typeof SIG.ravel>): Tensor;
    /** The diagonal of a matrix, or a diagonal matrix from a vector. */
    diag(...args: MethodArgs<typeof SIG.diag>): Tensor;
    /** A view of the diagonal of dims `dim1`, `dim2`, as the last dim. */
    diagonal(...args: MethodArgs<typeof SIG.diagonal>): Tensor;
    /** The last dim as the diagonal of new dims `dim1`, `dim2`. */
    diagEmbed(...args: MethodArgs<typeof SIG.diagEmbed>): Tensor;
    /** A diagonal matrix from the flattened tensor. */
    diagflat(...args: MethodArgs<typeof SIG.diagflat>): Tensor;
    /** Reversed along dim 1. */
    fliplr(...args: MethodArgs<typeof SIG.fliplr>): Tensor;
    /** Reversed along dim 0. */
    flipud(...args: MethodArgs<typeof SIG.flipud>): Tensor;
    /** A copy of `narrow(dim, start, length)`. */
    narrowCopy(...args: MethodArgs<typeof SIG.narrowCopy>): Tensor;
    /** Splits into pieces of the given sizes along `dim` (views). */
    splitWithSizes(...args: MethodArgs<typeof SIG.splitWithSizes>): Tensor[];
    /** Cross product along a dim of size 3. */
    cross(...args: MethodArgs<typeof SIG.cross>): Tensor;
    /** Each element repeated `repeats` times (along `dim`, or of the flattened tensor). */
    repeatInterleave(...args: MethodArgs<typeof SIG.repeatInterleave>): Tensor;
    /** The windows of `size` elements every `step` along `dimension`, as a new last dim. */
    unfold(...args: MethodArgs<typeof MSIG.unfold>): Tensor;
    /** Summed down to `size` (the inverse of expanding to this tensor's shape). */
    sumToSize(...args: MethodArgs<typeof MSIG.sumToSize>): Tensor;
    // -- pointwise (ops-pointwise) --
    /** Elementwise arccosine. */
    acos(...args: MethodArgs<typeof SIG.acos>): Tensor;
    /** Alias of acos. */
    arccos(...args: MethodArgs<typeof SIG.arccos>): Tensor;
    /** Elementwise arcsine. */
    asin(...args: MethodArgs<typeof SIG.asin>): Tensor;
    /** Alias of asin. */
    arcsin(...args: MethodArgs<typeof SIG.arcsin>): Tensor;
    /** Elementwise arctangent. */
    atan(...args: MethodArgs<typeof SIG.atan>): Tensor;
    /** Alias of atan. */
    arctan(...args: MethodArgs<typeof SIG.arctan>): Tensor;
    /** Alias of atan2. */
    arctan2(...args: MethodArgs<typeof SIG.arctan2>): Tensor;
    /** Elementwise inverse hyperbolic cosine. */
    acosh(...args: MethodArgs<typeof SIG.acosh>): Tensor;
    /** Alias of acosh. */
    arccosh(...args: MethodArgs<typeof SIG.arccosh>): Tensor;
    /** Elementwise inverse hyperbolic sine. */
    asinh(...args: MethodArgs<typeof SIG.asinh>): Tensor;
    /** Alias of asinh. */
    arcsinh(...args: MethodArgs<typeof SIG.arcsinh>): Tensor;
    /** Elementwise inverse hyperbolic tangent. */
    atanh(...args: MethodArgs<typeof SIG.atanh>): Tensor;
    /** Alias of atanh. */
    arctanh(...args: MethodArgs<typeof SIG.arctanh>): Tensor;
    /** Elementwise hyperbolic sine. */
    sinh(...args: MethodArgs<typeof SIG.sinh>): Tensor;
    /** Elementwise hyperbolic cosine. */
    cosh(...args: MethodArgs<typeof SIG.cosh>): Tensor;
    /** Elementwise 2^x. */
    exp2(...args: MethodArgs<typeof SIG.exp2>): Tensor;
    /** Degrees to radians. */
    deg2rad(...args: MethodArgs<typeof SIG.deg2rad>): Tensor;
    /** Radians to degrees. */
    rad2deg(...args: MethodArgs<typeof SIG.rad2deg>): Tensor;
    /** Fractional part, x - trunc(x). */
    frac(...args: MethodArgs<typeof SIG.frac>): Tensor;
    /** Alias of trunc. */
    fix(...args: MethodArgs<typeof SIG.fix>): Tensor;
    /** Alias of abs. */
    absolute(...args: MethodArgs<typeof SIG.absolute>): Tensor;
    /** The tensor itself (+x). */
    positive(...args: MethodArgs<typeof SIG.positive>): Tensor;
    /** Sign (sign for real tensors). */
    sgn(...args: MethodArgs<typeof SIG.sgn>): Tensor;
    /** True where the sign bit is set (-0 included). */
    signbit(...args: MethodArgs<typeof SIG.signbit>): Tensor;
    /** log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given. */
    logit(...args: MethodArgs<typeof SIG.logit>): Tensor;
    /** sin(pi x) / (pi x), 1 at 0. */
    sinc(...args: MethodArgs<typeof SIG.sinc>): Tensor;
    /** Replaces NaN, +inf and -inf with finite values. */
    nanToNum(...args: MethodArgs<typeof SIG.nanToNum>): Tensor;
    /** Clamps from below. */
    clampMin(...args: MethodArgs<typeof SIG.clampMin>): Tensor;
    /** Clamps from above. */
    clampMax(...args: MethodArgs<typeof SIG.clampMax>): Tensor;
    /** input + value * tensor1 * tensor2. */
    addcmul(...args: MethodArgs<typeof SIG.addcmul>): Tensor;
    /** input + value * tensor1 / tensor2. */
    addcdiv(...args: MethodArgs<typeof SIG.addcdiv>): Tensor;
    /** Linear interpolation: input + weight * (end - input). */
    lerp(...args: MethodArgs<typeof SIG.lerp>): Tensor;
    /** C remainder (the sign of the dividend). */
    fmod(...args: MethodArgs<typeof SIG.fmod>): Tensor;
    /** sqrt(input^2 + other^2). */
    hypot(...args: MethodArgs<typeof SIG.hypot>): Tensor;
    /** log(e^input + e^other). */
    logaddexp(...args: MethodArgs<typeof SIG.logaddexp>): Tensor;
    /** log2(2^input + 2^other). */
    logaddexp2(...args: MethodArgs<typeof SIG.logaddexp2>): Tensor;
    /** input * log(other), 0 where input is 0. */
    xlogy(...args: MethodArgs<typeof SIG.xlogy>): Tensor;
    /** |input| with the sign of other. */
    copysign(...args: MethodArgs<typeof SIG.copysign>): Tensor;
    /** The Heaviside step, values where input is 0. */
    heaviside(...args: MethodArgs<typeof SIG.heaviside>): Tensor;
    /** pow in floating point. */
    floatPower(...args: MethodArgs<typeof SIG.floatPower>): Tensor;
    /** Alias of mul. */
    multiply(...args: MethodArgs<typeof SIG.multiply>): Tensor;
    /** Alias of sub. */
    subtract(...args: MethodArgs<typeof SIG.subtract>): Tensor;
    /** Alias of div. */
    divide(...args: MethodArgs<typeof SIG.divide>): Tensor;
    /** Alias of div without rounding. */
    trueDivide(...args: MethodArgs<typeof SIG.trueDivide>): Tensor;
    /** Elementwise maximum ignoring NaN. */
    fmax(...args: MethodArgs<typeof SIG.fmax>): Tensor;
    /** Elementwise minimum ignoring NaN. */
    fmin(...args: MethodArgs<typeof SIG.fmin>): Tensor;
    /** Division rounded down. */
    floorDivide(...args: MethodArgs<typeof SIG.floorDivide>): Tensor;
    /** input * 2^other. */
    ldexp(...args: MethodArgs<typeof SIG.ldexp>): Tensor;
    /** Elementwise closeness within atol + rtol * |other|. */
    isclose(...args: MethodArgs<typeof SIG.isclose>): Tensor;
    /** True at +inf. */
    isposinf(...args: MethodArgs<typeof SIG.isposinf>): Tensor;
    /** True at -inf. */
    isneginf(...args: MethodArgs<typeof SIG.isneginf>): Tensor;
    /** True everywhere for a real tensor. */
    isreal(...args: MethodArgs<typeof SIG.isreal>): Tensor;
    /** The real part: the tensor itself for a real tensor. */
    real(...args: MethodArgs<typeof SIG.real>): Tensor;
    /** The argument: pi below 0, else 0, for a real tensor. */
    angle(...args: MethodArgs<typeof SIG.angle>): Tensor;
    /** The conjugate: the tensor itself for a real tensor. */
    conj(...args: MethodArgs<typeof SIG.conj>): Tensor;
    /** The conjugate as a copy. */
    conjPhysical(...args: MethodArgs<typeof SIG.conjPhysical>): Tensor;
    /** The tensor itself (no lazy conjugation here). */
    resolveConj(...args: MethodArgs<typeof SIG.resolveConj>): Tensor;
    /** The tensor itself (no lazy negation here). */
    resolveNeg(...args: MethodArgs<typeof SIG.resolveNeg>): Tensor;
    /** Complementary error function, 1 - erf(x). */
    erfc(...args: MethodArgs<typeof SIG.erfc>): Tensor;
    /** The next float32 after input toward other. */
    nextafter(...args: MethodArgs<typeof SIG.nextafter>): Tensor;
    /** log|Gamma(x)|. */
    lgamma(...args: MethodArgs<typeof SIG.lgamma>): Tensor;
    /** The derivative of lgamma. */
    digamma(...args: MethodArgs<typeof SIG.digamma>): Tensor;
    /** The multivariate log-gamma of dimension p. */
    mvlgamma(...args: MethodArgs<typeof SIG.mvlgamma>): Tensor;
    /** The inverse error function. */
    erfinv(...args: MethodArgs<typeof SIG.erfinv>): Tensor;
    /** The modified Bessel function of the first kind, order 0. */
    i0(...args: MethodArgs<typeof SIG.i0>): Tensor;
    /** Computes gradients of this tensor w.r.t. the graph's leaves into their `.grad`; a non-scalar tensor needs `gradient`. */
    backward(...args: MethodArgs<typeof MSIG.backward>): void;
    /** Moves to the GPU (WebGPU). */
    cuda(...args: MethodArgs<typeof MSIG.cuda>): Tensor;
    /** Moves to the CPU (for a GPU tensor use `await x.toAsync('cpu')`). */
    cpu(...args: MethodArgs<typeof MSIG.cpu>): Tensor;
    /** Device move that also works from the GPU to the CPU (reads back, so async). */
    toAsync(...args: MethodArgs<typeof MSIG.toAsync>): Promise<Tensor>;
    /** Cast to float32. */
    float(...args: MethodArgs<typeof MSIG.float>): Tensor;
    /** Cast to int32. */
    int(...args: MethodArgs<typeof MSIG.int>): Tensor;
    /** Cast to int64 (stored as int32, see docs/porting.md). */
    long(...args: MethodArgs<typeof MSIG.long>): Tensor;
    /** Cast to bool. */
    bool(...args: MethodArgs<typeof MSIG.bool>): Tensor;
    /** In-place `add`: updates this tensor and returns it. */
    add_(...args: MethodArgs<typeof MSIG.add_>): Tensor;
    /** In-place `sub`: updates this tensor and returns it. */
    sub_(...args: MethodArgs<typeof MSIG.sub_>): Tensor;
    /** In-place `mul`: updates this tensor and returns it. */
    mul_(...args: MethodArgs<typeof MSIG.mul_>): Tensor;
    /** In-place `div`: updates this tensor and returns it. */
    div_(...args: MethodArgs<typeof MSIG.div_>): Tensor;
    /** In-place `pow`: updates this tensor and returns it. */
    pow_(...args: MethodArgs<typeof MSIG.pow_>): Tensor;
    /** In-place `clamp`: updates this tensor and returns it. */
    clamp_(...args: MethodArgs<typeof MSIG.clamp_>): Tensor;
    /** Fills with zeros in place. */
    zero_(...args: MethodArgs<typeof MSIG.zero_>): Tensor;
    /** Fills with `value` in place. */
    fill_(...args: MethodArgs<typeof MSIG.fill_>): Tensor;
    /** Copies `src` (broadcast) into this tensor in place. */
    copy_(...args: MethodArgs<typeof MSIG.copy_>): Tensor;
    /** In-place `maskedFill`: updates this tensor and returns it. */
    maskedFill_(...args: MethodArgs<typeof MSIG.maskedFill_>): Tensor;
    /** In-place form: updates this tensor and returns it. */
    addcmul_(...args: MethodArgs<typeof MSIG.addcmul_>): Tensor;
    /** In-place form: updates this tensor and returns it. */
    addcdiv_(...args: MethodArgs<typeof MSIG.addcdiv_>): Tensor;
    /** In-place form: updates this tensor and returns it. */
    lerp_(...args: MethodArgs<typeof MSIG.lerp_>): Tensor;
    /** Fills in place with U(from, to) draws. */
    uniform_(...args: MethodArgs<typeof MSIG.uniform_>): Tensor;
    /** Fills in place with N(mean, std²) draws. */
    normal_(...args: MethodArgs<typeof MSIG.normal_>): Tensor;
    /** In-place `neg`: updates this tensor and returns it. */
    neg_(...args: MethodArgs<typeof MSIG.neg_>): Tensor;
    /** In-place `exp`: updates this tensor and returns it. */
    exp_(...args: MethodArgs<typeof MSIG.exp_>): Tensor;
    /** In-place `sqrt`: updates this tensor and returns it. */
    sqrt_(...args: MethodArgs<typeof MSIG.sqrt_>): Tensor;
    /** In-place `relu`: updates this tensor and returns it. */
    relu_(...args: MethodArgs<typeof MSIG.relu_>): Tensor;
    /** In-place `sigmoid`: updates this tensor and returns it. */
    sigmoid_(...args: MethodArgs<typeof MSIG.sigmoid_>): Tensor;
    /** In-place `tanh`: updates this tensor and returns it. */
    tanh_(...args: MethodArgs<typeof MSIG.tanh_>): Tensor;
    // -- indexing and reductions (ops-index) --
    /** Out-of-place scatter: `src` (or `value`) written at `index` along `dim`, optionally reduced (add / multiply). */
    scatter(...args: MethodArgs<typeof SIG.scatter>): Tensor;
    /** Out-of-place scatter with a reduction (sum, prod, mean, amax, amin) of the values landing on each position. */
    scatterReduce(...args: MethodArgs<typeof SIG.scatterReduce>): Tensor;
    /** Adds `alpha * source` slices at `index` along `dim`. */
    indexAdd(...args: MethodArgs<typeof SIG.indexAdd>): Tensor;
    /** Copies `source` slices to `index` along `dim`. */
    indexCopy(...args: MethodArgs<typeof SIG.indexCopy>): Tensor;
    /** Fills the slices at `index` along `dim` with `value`. */
    indexFill(...args: MethodArgs<typeof SIG.indexFill>): Tensor;
    /** Reduces `source` slices into the slices at `index` along `dim`. */
    indexReduce(...args: MethodArgs<typeof SIG.indexReduce>): Tensor;
    /** Writes (or with `accumulate`, adds) `values` at the positions given by index tensors. */
    indexPut(...args: MethodArgs<typeof SIG.indexPut>): Tensor;
    /** Writes (or adds) `source` at flat indices `index`. */
    put(...args: MethodArgs<typeof SIG.put>): Tensor;
    /** Elements at flat indices `index`, shaped like `index`. */
    take(...args: MethodArgs<typeof SIG.take>): Tensor;
    /** Gathers along `dim` with broadcasting (flattened when `dim` is None). */
    takeAlongDim(...args: MethodArgs<typeof SIG.takeAlongDim>): Tensor;
    /** The elements where `mask` is true, as 1-d (CPU only: data-dependent shape). */
    maskedSelect(...args: MethodArgs<typeof SIG.maskedSelect>): Tensor;
    /** Copies `source` elements, in order, to the positions where `mask` is true (CPU only). */
    maskedScatter(...args: MethodArgs<typeof SIG.maskedScatter>): Tensor;
    /** Indices of the nonzero elements (CPU only: data-dependent shape). */
    nonzero(...args: MethodArgs<typeof SIG.nonzero>): Tensor | Tensor[];
    /** Indices of the nonzero elements, one row each (CPU only). */
    argwhere(...args: MethodArgs<typeof SIG.argwhere>): Tensor;
    /** This tensor with the slice `select(dim, index)` replaced by `src`. */
    selectScatter(...args: MethodArgs<typeof SIG.selectScatter>): Tensor;
    /** This tensor with the slice along `dim` replaced by `src`. */
    sliceScatter(...args: MethodArgs<typeof SIG.sliceScatter>): Tensor;
    /** This tensor with the given diagonal replaced by `src`. */
    diagonalScatter(...args: MethodArgs<typeof SIG.diagonalScatter>): Tensor;
    /** Cumulative product along `dim`. */
    cumprod(...args: MethodArgs<typeof SIG.cumprod>): Tensor;
    /** Running maximum along `dim`: [values, indices]. */
    cummax(...args: MethodArgs<typeof SIG.cummax>): [Tensor, Tensor];
    /** Running minimum along `dim`: [values, indices]. */
    cummin(...args: MethodArgs<typeof SIG.cummin>): [Tensor, Tensor];
    /** log(cumsum(exp(x))) along `dim`, computed stably. */
    logcumsumexp(...args: MethodArgs<typeof SIG.logcumsumexp>): Tensor;
    /** Sum treating NaN as zero. */
    nansum(...args: MethodArgs<typeof SIG.nansum>): Tensor;
    /** Mean over the non-NaN elements. */
    nanmean(...args: MethodArgs<typeof SIG.nanmean>): Tensor;
    /** Number of nonzero elements (over `dim`). */
    countNonzero(...args: MethodArgs<typeof SIG.countNonzero>): Tensor;
    /** [var, mean] in one call. */
    varMean(...args: MethodArgs<typeof SIG.varMean>): [Tensor, Tensor];
    /** [std, mean] in one call. */
    stdMean(...args: MethodArgs<typeof SIG.stdMean>): [Tensor, Tensor];
    /** [min, max] in one call. */
    aminmax(...args: MethodArgs<typeof SIG.aminmax>): [Tensor, Tensor];
    /** This tensor (read as contiguous) with the strided window replaced by `src`. */
    asStridedScatter(...args: MethodArgs<typeof SIG.asStridedScatter>): Tensor;
    /** The n-th forward difference along `dim`. */
    diff(...args: MethodArgs<typeof SIG.diff>): Tensor;
    /** Slices along `dim` scaled down to p-norm `maxnorm` where above it. */
    renorm(...args: MethodArgs<typeof SIG.renorm>): Tensor;
    /** Lower median (over all elements, or [values, indices] along `dim`). */
    median(...args: MethodArgs<typeof SIG.median>): Tensor | [Tensor, Tensor];
    /** Lower median ignoring NaN (over all elements, or [values, indices] along `dim`). */
    nanmedian(...args: MethodArgs<typeof SIG.nanmedian>): Tensor | [Tensor, Tensor];
    /** The k-th smallest element along `dim`: [values, indices]. */
    kthvalue(...args: MethodArgs<typeof SIG.kthvalue>): [Tensor, Tensor];
    /** The most frequent value along `dim`: [values, indices]. */
    mode(...args: MethodArgs<typeof SIG.mode>): [Tensor, Tensor];
    /** The q-th quantiles (over all elements or along `dim`). */
    quantile(...args: MethodArgs<typeof SIG.quantile>): Tensor;
    /** The q-th quantiles ignoring NaN. */
    nanquantile(...args: MethodArgs<typeof SIG.nanquantile>): Tensor;
    /** Covariance matrix of the rows (variables) over the columns (observations). */
    cov(...args: MethodArgs<typeof SIG.cov>): Tensor;
    /** Pearson correlation coefficients of the rows. */
    corrcoef(...args: MethodArgs<typeof SIG.corrcoef>): Tensor;
    /** Counts in `bins` equal bins over [min, max] (the data's range where min == max). */
    histc(...args: MethodArgs<typeof SIG.histc>): Tensor;
    /** [hist, bin_edges]: counts (or weights, or a density) per bin. */
    histogram(...args: MethodArgs<typeof SIG.histogram>): [Tensor, Tensor];
    /** In-place `indexAdd`: updates this tensor and returns it. */
    indexAdd_(...args: MethodArgs<typeof MSIG.indexAdd_>): Tensor;
    /** In-place `indexCopy`: updates this tensor and returns it. */
    indexCopy_(...args: MethodArgs<typeof MSIG.indexCopy_>): Tensor;
    /** In-place `indexFill`: updates this tensor and returns it. */
    indexFill_(...args: MethodArgs<typeof MSIG.indexFill_>): Tensor;
    /** In-place `indexReduce`: updates this tensor and returns it. */
    indexReduce_(...args: MethodArgs<typeof MSIG.indexReduce_>): Tensor;
    /** In-place `indexPut`: updates this tensor and returns it. */
    indexPut_(...args: MethodArgs<typeof MSIG.indexPut_>): Tensor;
    /** In-place `put`: updates this tensor and returns it. */
    put_(...args: MethodArgs<typeof MSIG.put_>): Tensor;
    /** In-place `scatter`: updates this tensor and returns it. */
    scatter_(...args: MethodArgs<typeof MSIG.scatter_>): Tensor;
    /** In-place `scatterAdd`: updates this tensor and returns it. */
    scatterAdd_(...args: MethodArgs<typeof MSIG.scatterAdd_>): Tensor;
    /** In-place `scatterReduce`: updates this tensor and returns it. */
    scatterReduce_(...args: MethodArgs<typeof MSIG.scatterReduce_>): Tensor;
    /** In-place `maskedScatter`: updates this tensor and returns it. */
    maskedScatter_(...args: MethodArgs<typeof MSIG.maskedScatter_>): Tensor;
    /** In-place `cumprod`: updates this tensor and returns it. */
    cumprod_(...args: MethodArgs<typeof MSIG.cumprod_>): Tensor;
    // -- in place: pointwise (ops-pointwise) --
    /** In-place `acos`: updates this tensor and returns it. */
    acos_(...args: MethodArgs<typeof MSIG.acos_>): Tensor;
    /** In-place `arccos`: updates this tensor and returns it. */
    arccos_(...args: MethodArgs<typeof MSIG.arccos_>): Tensor;
    /** In-place `asin`: updates this tensor and returns it. */
    asin_(...args: MethodArgs<typeof MSIG.asin_>): Tensor;
    /** In-place `arcsin`: updates this tensor and returns it. */
    arcsin_(...args: MethodArgs<typeof MSIG.arcsin_>): Tensor;
    /** In-place `atan`: updates this tensor and returns it. */
    atan_(...args: MethodArgs<typeof MSIG.atan_>): Tensor;
    /** In-place `arctan`: updates this tensor and returns it. */
    arctan_(...args: MethodArgs<typeof MSIG.arctan_>): Tensor;
    /** In-place `acosh`: updates this tensor and returns it. */
    acosh_(...args: MethodArgs<typeof MSIG.acosh_>): Tensor;
    /** In-place `arccosh`: updates this tensor and returns it. */
    arccosh_(...args: MethodArgs<typeof MSIG.arccosh_>): Tensor;
    /** In-place `asinh`: updates this tensor and returns it. */
    asinh_(...args: MethodArgs<typeof MSIG.asinh_>): Tensor;
    /** In-place `arcsinh`: updates this tensor and returns it. */
    arcsinh_(...args: MethodArgs<typeof MSIG.arcsinh_>): Tensor;
    /** In-place `atanh`: updates this tensor and returns it. */
    atanh_(...args: MethodArgs<typeof MSIG.atanh_>): Tensor;
    /** In-place `arctanh`: updates this tensor and returns it. */
    arctanh_(...args: MethodArgs<typeof MSIG.arctanh_>): Tensor;
    /** In-place `sinh`: updates this tensor and returns it. */
    sinh_(...args: MethodArgs<typeof MSIG.sinh_>): Tensor;
    /** In-place `cosh`: updates this tensor and returns it. */
    cosh_(...args: MethodArgs<typeof MSIG.cosh_>): Tensor;
    /** In-place `exp2`: updates this tensor and returns it. */
    exp2_(...args: MethodArgs<typeof MSIG.exp2_>): Tensor;
    /** In-place `deg2rad`: updates this tensor and returns it. */
    deg2rad_(...args: MethodArgs<typeof MSIG.deg2rad_>): Tensor;
    /** In-place `rad2deg`: updates this tensor and returns it. */
    rad2deg_(...args: MethodArgs<typeof MSIG.rad2deg_>): Tensor;
    /** In-place `frac`: updates this tensor and returns it. */
    frac_(...args: MethodArgs<typeof MSIG.frac_>): Tensor;
    /** In-place `sgn`: updates this tensor and returns it. */
    sgn_(...args: MethodArgs<typeof MSIG.sgn_>): Tensor;
    /** In-place `sinc`: updates this tensor and returns it. */
    sinc_(...args: MethodArgs<typeof MSIG.sinc_>): Tensor;
    /** In-place `erfc`: updates this tensor and returns it. */
    erfc_(...args: MethodArgs<typeof MSIG.erfc_>): Tensor;
    /** In-place `fix`: updates this tensor and returns it. */
    fix_(...args: MethodArgs<typeof MSIG.fix_>): Tensor;
    /** In-place `logit`: updates this tensor and returns it. */
    logit_(...args: MethodArgs<typeof MSIG.logit_>): Tensor;
    /** In-place `nanToNum`: updates this tensor and returns it. */
    nanToNum_(...args: MethodArgs<typeof MSIG.nanToNum_>): Tensor;
    /** In-place `clampMin`: updates this tensor and returns it. */
    clampMin_(...args: MethodArgs<typeof MSIG.clampMin_>): Tensor;
    /** In-place `clampMax`: updates this tensor and returns it. */
    clampMax_(...args: MethodArgs<typeof MSIG.clampMax_>): Tensor;
    /** In-place `fmod`: updates this tensor and returns it. */
    fmod_(...args: MethodArgs<typeof MSIG.fmod_>): Tensor;
    /** In-place `hypot`: updates this tensor and returns it. */
    hypot_(...args: MethodArgs<typeof MSIG.hypot_>): Tensor;
    /** In-place `xlogy`: updates this tensor and returns it. */
    xlogy_(...args: MethodArgs<typeof MSIG.xlogy_>): Tensor;
    /** In-place `copysign`: updates this tensor and returns it. */
    copysign_(...args: MethodArgs<typeof MSIG.copysign_>): Tensor;
    /** In-place `ldexp`: updates this tensor and returns it. */
    ldexp_(...args: MethodArgs<typeof MSIG.ldexp_>): Tensor;
    /** In-place `fmax`: updates this tensor and returns it. */
    fmax_(...args: MethodArgs<typeof MSIG.fmax_>): Tensor;
    /** In-place `fmin`: updates this tensor and returns it. */
    fmin_(...args: MethodArgs<typeof MSIG.fmin_>): Tensor;
    /** In-place `logaddexp`: updates this tensor and returns it. */
    logaddexp_(...args: MethodArgs<typeof MSIG.logaddexp_>): Tensor;
    /** In-place `logaddexp2`: updates this tensor and returns it. */
    logaddexp2_(...args: MethodArgs<typeof MSIG.logaddexp2_>): Tensor;
    /** In-place `heaviside`: updates this tensor and returns it. */
    heaviside_(...args: MethodArgs<typeof MSIG.heaviside_>): Tensor;
    /** In-place `floatPower`: updates this tensor and returns it. */
    floatPower_(...args: MethodArgs<typeof MSIG.floatPower_>): Tensor;
    /** In-place `multiply`: updates this tensor and returns it. */
    multiply_(...args: MethodArgs<typeof MSIG.multiply_>): Tensor;
    /** In-place `subtract`: updates this tensor and returns it. */
    subtract_(...args: MethodArgs<typeof MSIG.subtract_>): Tensor;
    /** In-place `divide`: updates this tensor and returns it. */
    divide_(...args: MethodArgs<typeof MSIG.divide_>): Tensor;
    /** In-place `trueDivide`: updates this tensor and returns it. */
    trueDivide_(...args: MethodArgs<typeof MSIG.trueDivide_>): Tensor;
    /** In-place `floorDivide`: updates this tensor and returns it. */
    floorDivide_(...args: MethodArgs<typeof MSIG.floorDivide_>): Tensor;
    /** A view with a new shape over the same storage (`x.view(2, -1)`); the tensor must be viewable. */
    view(...args: MethodArgs<typeof MSIG.view>): Tensor;
    /** PyTorch's `Tensor.viewAs`. */
    viewAs(...args: MethodArgs<typeof MSIG.viewAs>): Tensor;
    /** PyTorch's `Tensor.reshapeAs`. */
    reshapeAs(...args: MethodArgs<typeof MSIG.reshapeAs>): Tensor;
    /** A broadcast view with size-1 dims expanded (`-1` keeps a size). */
    expand(...args: MethodArgs<typeof MSIG.expand>): Tensor;
    /** PyTorch's `Tensor.expandAs`. */
    expandAs(...args: MethodArgs<typeof MSIG.expandAs>): Tensor;
    /** Tiles the tensor `repeats` times along each dim. */
    repeat(...args: MethodArgs<typeof MSIG.repeat>): Tensor;
    /** This tensor if contiguous, else a contiguous copy. */
    contiguous(...args: MethodArgs<typeof MSIG.contiguous>): Tensor;
    /** `self` where `condition`, else `other`. */
    where(...args: MethodArgs<typeof MSIG.where>): Tensor;
    /** PyTorch's `x[:, start:end:step]` along `dim` (a view). */
    slice(...args: MethodArgs<typeof MSIG.slice>): Tensor;
    /** The maximum of all elements; with `dim`, `[values, indices]` along it; with a tensor, the elementwise maximum. */
    max(...args: MethodArgs<(typeof OVL.max)[0]>): Tensor;
    max(...args: MethodArgs<(typeof OVL.max)[1]>): [Tensor, Tensor];
    max(...args: MethodArgs<(typeof OVL.max)[2]>): Tensor;
    /** The minimum of all elements; with `dim`, `[values, indices]` along it; with a tensor, the elementwise minimum. */
    min(...args: MethodArgs<(typeof OVL.min)[0]>): Tensor;
    min(...args: MethodArgs<(typeof OVL.min)[1]>): [Tensor, Tensor];
    min(...args: MethodArgs<(typeof OVL.min)[2]>): Tensor;
    /** `x.to(device)`, `x.to(dtype)`, `x.to(other)` or `x.to({ device, dtype })`; `x` itself when nothing changes (unless `copy`). */
    to(...args: MethodArgs<(typeof OVL.to)[0]>): Tensor;
    to(...args: MethodArgs<(typeof OVL.to)[1]>): Tensor;
    to(...args: MethodArgs<(typeof OVL.to)[2]>): Tensor;
    /** `x.type()` is the type's name (`'torch.FloatTensor'`); `x.type(dtype)` casts. */
    type(...args: MethodArgs<(typeof OVL.type)[0]>): string;
    type(...args: MethodArgs<(typeof OVL.type)[1]>): Tensor;
    /** The tensor with its dims reversed (`x.permute(n-1, ..., 0)`). */
    readonly T: Tensor;
    /** The last two dims swapped (matrix transpose of a batch). */
    readonly mT: Tensor;
    /**
     * Python's `x[...]`: a number selects, `[start, end, step]` (any part may be null) or `':'`
     * slices, `'...'` fills, `null` inserts a dim. Results are views.
     */
    index(...specs: sh.IndexSpec[]): Tensor;
    // ── linalg (helper linalg) ──
    /** L with A = L L^T (or U with A = U^T U when upper). */
    cholesky(...args: MethodArgs<typeof SIG.cholesky>): Tensor;
    /** (L L^T)^-1 from a Cholesky factor. */
    choleskyInverse(...args: MethodArgs<typeof SIG.choleskyInverse>): Tensor;
    /** X with A X = this, A = L L^T given by its factor. */
    choleskySolve(...args: MethodArgs<typeof SIG.choleskySolve>): Tensor;
    /** Householder QR as LAPACK's geqrf: [reflectors and R, tau]. */
    geqrf(...args: MethodArgs<typeof SIG.geqrf>): [Tensor, Tensor];
    /** The matrix exponential. */
    matrixExp(...args: MethodArgs<typeof SIG.matrixExp>): Tensor;
    /** The matrix to an integer power (negative: of the inverse). */
    matrixPower(...args: MethodArgs<typeof SIG.matrixPower>): Tensor;
    /** The p-norm of this - other. */
    dist(...args: MethodArgs<typeof SIG.dist>): Tensor;
    /** Multiplies by the Q of a geqrf result. */
    ormqr(...args: MethodArgs<typeof SIG.ormqr>): Tensor;
    /** [Q, R] (reduced when some, else complete). */
    qr(...args: MethodArgs<typeof SIG.qr>): [Tensor, Tensor];
    /** [X, A] with A X = this, A triangular. */
    triangularSolve(...args: MethodArgs<typeof SIG.triangularSolve>): [Tensor, Tensor];
    /** [U, S, V] with this = U diag(S) V^T. */
    svd(...args: MethodArgs<typeof SIG.svd>): [Tensor, Tensor, Tensor];
    /** The pseudo-inverse. */
    pinverse(...args: MethodArgs<typeof SIG.pinverse>): Tensor;
    /** The determinant. */
    det(...args: MethodArgs<typeof SIG.det>): Tensor;
    /** log det (NaN for a negative determinant). */
    logdet(...args: MethodArgs<typeof SIG.logdet>): Tensor;
    /** [sign, log|det|]. */
    slogdet(...args: MethodArgs<typeof SIG.slogdet>): [Tensor, Tensor];
    /** The matrix inverse. */
    inverse(...args: MethodArgs<typeof SIG.inverse>): Tensor;
    /** [eigenvalues, eigenvectors] of a symmetric matrix (deprecated in PyTorch). */
    symeig(...args: MethodArgs<typeof SIG.symeig>): [Tensor, Tensor];
    // --- dtype ---
    /** `x.to(torch.float64)` (CPU only). */
    double(...args: MethodArgs<typeof MSIG.double>): Tensor;
    /** `x.to(torch.uint8)`. */
    byte(...args: MethodArgs<typeof MSIG.byte>): Tensor;
    /** `x.to(torch.int8)`. */
    char(...args: MethodArgs<typeof MSIG.char>): Tensor;
    /** `x.to(torch.int16)`. */
    short(...args: MethodArgs<typeof MSIG.short>): Tensor;
    // --- half ---
    /** `x.to(torch.float16)`. */
    half(...args: MethodArgs<typeof MSIG.half>): Tensor;
    /** `x.to(torch.bfloat16)`. */
    bfloat16(...args: MethodArgs<typeof MSIG.bfloat16>): Tensor;
    /** In-place `bitwiseAnd` (integer and bool tensors): updates this tensor and returns it. */
    bitwiseAnd_(...args: MethodArgs<typeof MSIG.bitwiseAnd_>): Tensor;
    /** In-place `bitwiseOr`: updates this tensor and returns it. */
    bitwiseOr_(...args: MethodArgs<typeof MSIG.bitwiseOr_>): Tensor;
    /** In-place `bitwiseXor`: updates this tensor and returns it. */
    bitwiseXor_(...args: MethodArgs<typeof MSIG.bitwiseXor_>): Tensor;
    /** In-place `bitwiseNot`: updates this tensor and returns it. */
    bitwiseNot_(...args: MethodArgs<typeof MSIG.bitwiseNot_>): Tensor;
    /** In-place `bitwiseLeftShift`: updates this tensor and returns it. */
    bitwiseLeftShift_(...args: MethodArgs<typeof MSIG.bitwiseLeftShift_>): Tensor;
    /** In-place `bitwiseRightShift`: updates this tensor and returns it. */
    bitwiseRightShift_(...args: MethodArgs<typeof MSIG.bitwiseRightShift_>): Tensor;
    /** Bitwise AND with `other` (integer and bool tensors; logical AND for bool). */
    bitwiseAnd(...args: MethodArgs<typeof SIG.bitwiseAnd>): Tensor;
    /** Bitwise OR with `other` (integer and bool tensors; logical OR for bool). */
    bitwiseOr(...args: MethodArgs<typeof SIG.bitwiseOr>): Tensor;
    /** Bitwise XOR with `other` (integer and bool tensors; logical XOR for bool). */
    bitwiseXor(...args: MethodArgs<typeof SIG.bitwiseXor>): Tensor;
    /** Bitwise NOT (integer tensors: `~x`; bool: logical NOT). */
    bitwiseNot(...args: MethodArgs<typeof SIG.bitwiseNot>): Tensor;
    /** `x << other`, elementwise (integer tensors). */
    bitwiseLeftShift(...args: MethodArgs<typeof SIG.bitwiseLeftShift>): Tensor;
    /** `x >> other` (arithmetic shift), elementwise (integer tensors). */
    bitwiseRightShift(...args: MethodArgs<typeof SIG.bitwiseRightShift>): Tensor;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [k, f] of Object.entries(methods)) proto[k] = f;
proto.index = function (this: Tensor, ...specs: sh.IndexSpec[]) {
  return sh.index(this, ...specs);
};
Object.defineProperty(proto, 'T', {
  get(this: Tensor) {
    return sh.permute(
      this,
      this.shape.map((_, i) => this.dim() - 1 - i),
    );
  },
});
Object.defineProperty(proto, 'mT', {
  get(this: Tensor) {
    return sh.transpose(this, -2, -1);
  },
});

export { Tensor };

// ── sort/misc (helper sortmisc) ──
declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Sorted along `dim` (stable; NaN largest): [values, indices]. */
    sort(...args: MethodArgs<typeof SIG.sort>): [Tensor, Tensor];
    /** The indices that sort the tensor along `dim`. */
    argsort(...args: MethodArgs<typeof SIG.argsort>): Tensor;
    /** Sorted along dim 0. */
    msort(...args: MethodArgs<typeof SIG.msort>): Tensor;
    /** The k largest (or smallest) elements along `dim`: [values, indices]. */
    topk(...args: MethodArgs<typeof SIG.topk>): [Tensor, Tensor];
    /** The distinct elements (or slices along `dim`), sorted; with inverse indices and counts on request. */
    unique(...args: MethodArgs<typeof SIG.unique>): Tensor | Tensor[];
    /** The elements (or slices) that differ from their predecessor; inverse indices and counts on request. */
    uniqueConsecutive(...args: MethodArgs<typeof SIG.uniqueConsecutive>): Tensor | Tensor[];
    // -- data-dependent shapes, awaited: run on every device (ops/data-dependent.ts) --
    /** `nonzero`, on any device: the count is read back, so it is awaited (`await x.nonzeroAsync()`). */
    nonzeroAsync(...args: MethodArgs<typeof SIG.nonzero>): Promise<Tensor | Tensor[]>;
    /** `argwhere`, on any device (awaited). */
    argwhereAsync(...args: MethodArgs<typeof SIG.argwhere>): Promise<Tensor>;
    /** `maskedSelect`, on any device (awaited). */
    maskedSelectAsync(...args: MethodArgs<typeof SIG.maskedSelect>): Promise<Tensor>;
    /** `unique`, on any device (awaited). */
    uniqueAsync(...args: MethodArgs<typeof SIG.unique>): Promise<Tensor | Tensor[]>;
    /** `uniqueConsecutive`, on any device (awaited). */
    uniqueConsecutiveAsync(...args: MethodArgs<typeof SIG.uniqueConsecutive>): Promise<Tensor | Tensor[]>;
    /** `repeatInterleave` with a repeats tensor, on any device (awaited; or pass `outputSize`). */
    repeatInterleaveAsync(...args: MethodArgs<typeof SIG.repeatInterleave>): Promise<Tensor>;
    /** A view of the storage with the given size, strides and storage offset. */
    asStrided(...args: MethodArgs<typeof SIG.asStrided>): Tensor;
    /** A tensor of zeros of `size`, with this tensor's dtype and device unless given. */
    newZeros(...args: MethodArgs<typeof NEW_SIG.newZeros>): Tensor;
    /** A tensor of ones of `size`, with this tensor's dtype and device unless given. */
    newOnes(...args: MethodArgs<typeof NEW_SIG.newOnes>): Tensor;
    /** An uninitialised tensor of `size`, with this tensor's dtype and device unless given. */
    newEmpty(...args: MethodArgs<typeof NEW_SIG.newEmpty>): Tensor;
    /** A tensor of `size` filled with `fill_value`, with this tensor's dtype and device unless given. */
    newFull(...args: MethodArgs<typeof NEW_SIG.newFull>): Tensor;
    /** A new tensor (a copy, detached) from `data`, with this tensor's dtype and device unless given. */
    newTensor(...args: MethodArgs<typeof NEW_SIG.newTensor>): Tensor;
    /**
     * Python's `x[t0, t1, ...]` with index tensors (int32 or bool) over the leading dims
     * (advanced indexing); the basic forms above take numbers, slices, '...' and null.
     */
    index(...indices: Tensor[]): Tensor;
    /**
     * `index` with bool masks on any device: a mask's true positions are found on the device and
     * their count read back, so it is awaited (`await x.indexAsync(mask)` for Python's `x[mask]`).
     */
    indexAsync(...indices: Tensor[]): Promise<Tensor>;
    /** The conjugate transpose of a matrix (or a 0-d tensor itself): `x.T` for real tensors. */
    readonly H: Tensor;
    /** The conjugate transpose of the last two dims: `x.mT` for real tensors. */
    readonly mH: Tensor;
  }
}
Object.defineProperty(proto, 'H', {
  get(this: Tensor) {
    if (this.dim() !== 2 && this.dim() !== 0)
      throw new ShapeError(
        `tensor.H is only supported on matrices (2-D tensors). Got ${this.dim()}-D tensor.`,
      );
    return this.dim() === 0 ? sh.permute(this, []) : sh.transpose(this, 0, 1);
  },
});
Object.defineProperty(proto, 'mH', {
  get(this: Tensor) {
    if (this.dim() < 2)
      throw new ShapeError(
        `tensor.mH is only supported on matrices or batches of matrices. Got ${this.dim()}-D tensor.`,
      );
    return sh.transpose(this, -2, -1);
  },
});

const NEW_OPTS = '*, ScalarType? dtype=None, Device? device=None, bool requires_grad=False';
const NEW_SIG = {
  newZeros: `new_zeros(Tensor self, int[] size, ${NEW_OPTS})`,
  newOnes: `new_ones(Tensor self, int[] size, ${NEW_OPTS})`,
  newEmpty: `new_empty(Tensor self, int[] size, ${NEW_OPTS})`,
  newFull: `new_full(Tensor self, int[] size, Scalar fill_value, ${NEW_OPTS})`,
  newTensor: `new_tensor(Tensor self, Any data, ${NEW_OPTS})`,
} as const;
/** The factory options of a new_* method: self's dtype and device unless given. */
const newOpts = (a: {
  self: Tensor;
  dtype: DTypeLike | null;
  device: DeviceLike | null;
  requiresGrad: boolean;
}) => ({
  dtype: a.dtype ?? a.self.dtype,
  device: a.device ?? a.self.device,
  requiresGrad: a.requiresGrad,
});
const newMethods = {
  newZeros: m('newZeros', NEW_SIG.newZeros, (a) => cr.zeros(a.size, newOpts(a))),
  newOnes: m('newOnes', NEW_SIG.newOnes, (a) => cr.ones(a.size, newOpts(a))),
  newEmpty: m('newEmpty', NEW_SIG.newEmpty, (a) => cr.empty(a.size, newOpts(a))),
  newFull: m('newFull', NEW_SIG.newFull, (a) => cr.full(a.size, Number(a.fillValue), newOpts(a))),
  newTensor: m('newTensor', NEW_SIG.newTensor, (a) =>
    cr.tensor((a.data instanceof Tensor ? a.data.detach() : a.data) as cr.NestedNumbers, newOpts(a)),
  ),
};
for (const [k, f] of Object.entries(newMethods)) proto[k] = f;

const basicIndex = proto.index as (this: Tensor, ...specs: sh.IndexSpec[]) => Tensor;
proto.index = function (this: Tensor, ...specs: (sh.IndexSpec | Tensor)[]) {
  if (specs.length > 0 && specs.every((s) => s instanceof Tensor))
    return mo.advancedIndex(this, specs as Tensor[]);
  if (specs.some((s) => s instanceof Tensor))
    throw new TypeError('index(): index tensors mixed with numbers, slices or null are not supported yet');
  return basicIndex.call(this, ...(specs as sh.IndexSpec[]));
};
proto.indexAsync = async function (this: Tensor, ...indices: Tensor[]) {
  const ints: Tensor[] = [];
  for (const t of indices)
    if (t instanceof Tensor && t.dtype === 'bool' && t.dim() > 0)
      ints.push(...((await dd.nonzeroAsync(t, true)) as Tensor[]));
    else ints.push(t);
  return mo.advancedIndex(this, ints);
};
