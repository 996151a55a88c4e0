/**
 * The torch.* functions and their Tensor-method twins, each bound once through PyTorch's
 * parameter list (src/signature). An entry made with 'both' is 'torch.name(input, ...)' and
 * 'x.name(...)' from one signature and one implementation; 'fnOnly' and 'methodOnly' are the
 * names PyTorch has in one namespace only. Implementations call the internal ops of src/ops,
 * whose own parameter lists are internal and free to differ.
 *
 * To add an op: write it in src/ops (forward from backend primitives, backward from ops), then
 * one line here with PyTorch's signature. docs/api-signatures.md is generated from these.
 */

import { intraOp } from '../backend/cpu/gemm-threads.js';
import * as act from '../ops/activation.js';
import * as bw from '../ops/bitwise.js';
import * as cr from '../ops/creation.js';
import { cumsum as cumsumOp } from '../ops/cumulative.js';
import * as dd from '../ops/data-dependent.js';
import * as idx from '../ops/indexing.js';
import * as im from '../ops/indexing-more.js';
import * as la from '../ops/linalg.js';
import * as mm from '../ops/matmul.js';
import * as mo from '../ops/misc-more.js';
import * as pw from '../ops/pointwise.js';
import * as pm from '../ops/pointwise-more.js';
import * as pr from '../ops/products.js';
import * as red from '../ops/reduce.js';
import * as rm from '../ops/reduce-more.js';
import * as sh from '../ops/shape.js';
import * as shm from '../ops/shape-more.js';
import * as so from '../ops/sort.js';
import { fn, form, method, overloads } from '../signature/bind.js';
import type { Bound } from '../signature/types.js';
import {
  canCast,
  defaultFloat,
  finfo,
  iinfo,
  normalizeDType,
  promoteTypes,
  resultType,
  scalarDType,
} from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

const both = <const S extends string, R>(name: string, sig: S, impl: (a: Bound<S>) => R) => ({
  fn: fn(`torch.${name}`, sig, impl),
  method: method<S, R, Tensor>(`Tensor.${name}`, sig, impl),
});

/** 'dim=None' and PyTorch's legacy 'dim=[]' both mean every dim. */
const allDims = (d: readonly number[] | null): readonly number[] | undefined =>
  d === null || d.length === 0 ? undefined : d;
/** The 'dtype=' of reductions and softmax: the input is cast first, as in PyTorch. */
const castTo = (x: Tensor, dtype: string | null): Tensor =>
  dtype === null ? x : pw.cast(x, normalizeDType(dtype as Parameters<typeof normalizeDType>[0]));

/** PyTorch's parameter lists of the ops that are both 'torch.name(input, ...)' and 'input.name(...)'. */
export const SIG = {
  neg: 'neg(Tensor input)',
  negative: 'negative(Tensor input)',
  abs: 'abs(Tensor input)',
  sign: 'sign(Tensor input)',
  exp: 'exp(Tensor input)',
  expm1: 'expm1(Tensor input)',
  log: 'log(Tensor input)',
  log1p: 'log1p(Tensor input)',
  log2: 'log2(Tensor input)',
  log10: 'log10(Tensor input)',
  sqrt: 'sqrt(Tensor input)',
  rsqrt: 'rsqrt(Tensor input)',
  sin: 'sin(Tensor input)',
  cos: 'cos(Tensor input)',
  tan: 'tan(Tensor input)',
  tanh: 'tanh(Tensor input)',
  sigmoid: 'sigmoid(Tensor input)',
  erf: 'erf(Tensor input)',
  floor: 'floor(Tensor input)',
  ceil: 'ceil(Tensor input)',
  round: 'round(Tensor input, *, int decimals=0)',
  trunc: 'trunc(Tensor input)',
  reciprocal: 'reciprocal(Tensor input)',
  square: 'square(Tensor input)',
  relu: 'relu(Tensor input)',
  logicalNot: 'logical_not(Tensor input)',
  isnan: 'isnan(Tensor input)',
  isinf: 'isinf(Tensor input)',
  isfinite: 'isfinite(Tensor input)',
  t: 't(Tensor input)',
  clone: 'clone(Tensor input)',
  eq: 'eq(Tensor input, Tensor|Scalar other)',
  ne: 'ne(Tensor input, Tensor|Scalar other)',
  lt: 'lt(Tensor input, Tensor|Scalar other)',
  le: 'le(Tensor input, Tensor|Scalar other)',
  gt: 'gt(Tensor input, Tensor|Scalar other)',
  ge: 'ge(Tensor input, Tensor|Scalar other)',
  logicalAnd: 'logical_and(Tensor input, Tensor|Scalar other)',
  logicalOr: 'logical_or(Tensor input, Tensor|Scalar other)',
  logicalXor: 'logical_xor(Tensor input, Tensor|Scalar other)',
  add: 'add(Tensor|Scalar input, Tensor|Scalar other, *, Scalar alpha=1)',
  sub: 'sub(Tensor|Scalar input, Tensor|Scalar other, *, Scalar alpha=1)',
  rsub: 'rsub(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)',
  mul: 'mul(Tensor|Scalar input, Tensor|Scalar other)',
  div: 'div(Tensor|Scalar input, Tensor|Scalar other, *, "trunc"|"floor"? rounding_mode=None)',
  pow: 'pow(Tensor|Scalar input, Tensor|Scalar exponent)',
  remainder: 'remainder(Tensor|Scalar input, Tensor|Scalar other)',
  maximum: 'maximum(Tensor input, Tensor other)',
  minimum: 'minimum(Tensor input, Tensor other)',
  atan2: 'atan2(Tensor input, Tensor other)',
  clamp: 'clamp(Tensor input, Tensor|Scalar? min=None, Tensor|Scalar? max=None)',
  clip: 'clip(Tensor input, Tensor|Scalar? min=None, Tensor|Scalar? max=None)',
  maskedFill: 'masked_fill(Tensor input, Tensor mask, Tensor|Scalar value)',
  softmax: 'softmax(Tensor input, int dim, ScalarType? dtype=None)',
  logSoftmax: 'log_softmax(Tensor input, int dim, ScalarType? dtype=None)',
  sum: 'sum(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
  mean: 'mean(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
  prod: 'prod(Tensor input, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
  amax: 'amax(Tensor input, int[1] dim=[], bool keepdim=False)',
  amin: 'amin(Tensor input, int[1] dim=[], bool keepdim=False)',
  argmax: 'argmax(Tensor input, int? dim=None, bool keepdim=False)',
  argmin: 'argmin(Tensor input, int? dim=None, bool keepdim=False)',
  var: 'var(Tensor input, int[1]? dim=None, bool? unbiased=None, bool keepdim=False, *, Scalar? correction=None)',
  std: 'std(Tensor input, int[1]? dim=None, bool? unbiased=None, bool keepdim=False, *, Scalar? correction=None)',
  logsumexp: 'logsumexp(Tensor input, int[1] dim, bool keepdim=False)',
  norm: 'norm(Tensor input, float|"fro"|"nuc"? p="fro", int[1]? dim=None, bool keepdim=False, ScalarType? dtype=None)',
  all: 'all(Tensor input, int[1]? dim=None, bool keepdim=False)',
  any: 'any(Tensor input, int[1]? dim=None, bool keepdim=False)',
  cumsum: 'cumsum(Tensor input, int dim, *, ScalarType? dtype=None)',
  matmul: 'matmul(Tensor input, Tensor other)',
  mm: 'mm(Tensor input, Tensor mat2)',
  bmm: 'bmm(Tensor input, Tensor mat2)',
  dot: 'dot(Tensor input, Tensor tensor)',
  outer: 'outer(Tensor input, Tensor vec2)',
  reshape: 'reshape(Tensor input, int[] shape)',
  permute: 'permute(Tensor input, int[] dims)',
  transpose: 'transpose(Tensor input, int dim0, int dim1)',
  swapaxes: 'swapaxes(Tensor input, int axis0, int axis1)',
  unsqueeze: 'unsqueeze(Tensor input, int dim)',
  squeeze: 'squeeze(Tensor input, int[1]? dim=None)',
  flatten: 'flatten(Tensor input, int start_dim=0, int end_dim=-1)',
  unflatten: 'unflatten(Tensor input, int dim, int[] sizes)',
  narrow: 'narrow(Tensor input, int dim, Tensor|int start, int length)',
  select: 'select(Tensor input, int dim, int index)',
  split: 'split(Tensor input, int|int[] split_size_or_sections, int dim=0)',
  chunk: 'chunk(Tensor input, int chunks, int dim=0)',
  unbind: 'unbind(Tensor input, int dim=0)',
  flip: 'flip(Tensor input, int[] dims)',
  tril: 'tril(Tensor input, int diagonal=0)',
  triu: 'triu(Tensor input, int diagonal=0)',
  movedim: 'movedim(Tensor input, int|int[] source, int|int[] destination)',
  moveaxis: 'moveaxis(Tensor input, int|int[] source, int|int[] destination)',
  gather: 'gather(Tensor input, int dim, Tensor index)',
  scatterAdd: 'scatter_add(Tensor input, int dim, Tensor index, Tensor src)',
  indexSelect: 'index_select(Tensor input, int dim, Tensor index)',
  // -- SIG: products and shape (ops-products) --
  addmm: 'addmm(Tensor input, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1)',
  addmv: 'addmv(Tensor input, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1)',
  addr: 'addr(Tensor input, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1)',
  baddbmm: 'baddbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1)',
  addbmm: 'addbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1)',
  mv: 'mv(Tensor input, Tensor vec)',
  vdot: 'vdot(Tensor input, Tensor other)',
  inner: 'inner(Tensor input, Tensor other)',
  kron: 'kron(Tensor input, Tensor other)',
  trace: 'trace(Tensor input)',
  broadcastTo: 'broadcast_to(Tensor input, int[] size)',
  roll: 'roll(Tensor input, int|int[] shifts, int|int[] dims=[])',
  rot90: 'rot90(Tensor input, int k=1, int[] dims=[0,1])',
  tile: 'tile(Tensor input, int[] dims)',
  tensorSplit: 'tensor_split(Tensor input, Tensor|int|int[] indices_or_sections, int dim=0)',
  hsplit: 'hsplit(Tensor input, int|int[] sections)',
  vsplit: 'vsplit(Tensor input, int|int[] sections)',
  dsplit: 'dsplit(Tensor input, int|int[] sections)',
  ravel: 'ravel(Tensor input)',
  diag: 'diag(Tensor input, int diagonal=0)',
  diagonal: 'diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1)',
  diagEmbed: 'diag_embed(Tensor input, int offset=0, int dim1=-2, int dim2=-1)',
  diagflat: 'diagflat(Tensor input, int offset=0)',
  fliplr: 'fliplr(Tensor input)',
  flipud: 'flipud(Tensor input)',
  narrowCopy: 'narrow_copy(Tensor input, int dim, int start, int length)',
  splitWithSizes: 'split_with_sizes(Tensor input, int[] split_sizes, int dim=0)',
  cross: 'cross(Tensor input, Tensor other, int? dim=None)',
  repeatInterleave:
    'repeat_interleave(Tensor input, Tensor|int repeats, int? dim=None, *, int? output_size=None)',
  // -- SIG: pointwise (ops-pointwise) --
  // -- SIG: indexing and reductions (ops-index) --
  scatter:
    'scatter(Tensor input, int dim, Tensor index, Tensor|Scalar? src=None, *, Scalar? value=None, "add"|"multiply"? reduce=None)',
  scatterReduce:
    'scatter_reduce(Tensor input, int dim, Tensor index, Tensor src, "sum"|"prod"|"mean"|"amax"|"amin" reduce, *, bool include_self=True)',
  indexAdd: 'index_add(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1)',
  indexCopy: 'index_copy(Tensor input, int dim, Tensor index, Tensor source)',
  indexFill: 'index_fill(Tensor input, int dim, Tensor index, Tensor|Scalar value)',
  indexReduce:
    'index_reduce(Tensor input, int dim, Tensor index, Tensor source, "prod"|"mean"|"amax"|"amin" reduce, *, bool include_self=True)',
  indexPut: 'index_put(Tensor input, Tensor[] indices, Tensor values, bool accumulate=False)',
  put: 'put(Tensor input, Tensor index, Tensor source, bool accumulate=False)',
  take: 'take(Tensor input, Tensor index)',
  takeAlongDim: 'take_along_dim(Tensor input, Tensor indices, int? dim=None)',
  maskedSelect: 'masked_select(Tensor input, Tensor mask)',
  maskedScatter: 'masked_scatter(Tensor input, Tensor mask, Tensor source)',
  nonzero: 'nonzero(Tensor input, *, bool as_tuple=False)',
  argwhere: 'argwhere(Tensor input)',
  selectScatter: 'select_scatter(Tensor input, Tensor src, int dim, int index)',
  sliceScatter:
    'slice_scatter(Tensor input, Tensor src, int dim=0, int? start=None, int? end=None, int step=1)',
  diagonalScatter: 'diagonal_scatter(Tensor input, Tensor src, int offset=0, int dim1=0, int dim2=1)',
  cumprod: 'cumprod(Tensor input, int dim, *, ScalarType? dtype=None)',
  cummax: 'cummax(Tensor input, int dim)',
  cummin: 'cummin(Tensor input, int dim)',
  logcumsumexp: 'logcumsumexp(Tensor input, int dim)',
  nansum: 'nansum(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
  nanmean: 'nanmean(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
  countNonzero: 'count_nonzero(Tensor input, int[1]? dim=None)',
  varMean:
    'var_mean(Tensor input, int[1]? dim=None, bool? unbiased=None, bool keepdim=False, *, Scalar? correction=None)',
  stdMean:
    'std_mean(Tensor input, int[1]? dim=None, bool? unbiased=None, bool keepdim=False, *, Scalar? correction=None)',
  aminmax: 'aminmax(Tensor input, *, int? dim=None, bool keepdim=False)',
  asStridedScatter:
    'as_strided_scatter(Tensor input, Tensor src, int[] size, int[] stride, int? storage_offset=None)',
  diff: 'diff(Tensor input, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None)',
  renorm: 'renorm(Tensor input, Scalar p, int dim, Scalar maxnorm)',
  median: 'median(Tensor input, int? dim=None, bool keepdim=False)',
  nanmedian: 'nanmedian(Tensor input, int? dim=None, bool keepdim=False)',
  kthvalue: 'kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False)',
  mode: 'mode(Tensor input, int dim=-1, bool keepdim=False)',
  quantile:
    'quantile(Tensor input, Tensor|Scalar q, int? dim=None, bool keepdim=False, *, "linear"|"lower"|"higher"|"midpoint"|"nearest" interpolation="linear")',
  nanquantile:
    'nanquantile(Tensor input, Tensor|Scalar q, int? dim=None, bool keepdim=False, *, "linear"|"lower"|"higher"|"midpoint"|"nearest" interpolation="linear")',
  cov: 'cov(Tensor input, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None)',
  corrcoef: 'corrcoef(Tensor input)',
  histc: 'histc(Tensor input, int bins=100, Scalar min=0, Scalar max=0)',
  histogram:
    'histogram(Tensor input, Tensor|int bins=100, *, float[]? range=None, Tensor? weight=None, bool density=False)',
  acos: 'acos(Tensor input)',
  arccos: 'arccos(Tensor input)',
  asin: 'asin(Tensor input)',
  arcsin: 'arcsin(Tensor input)',
  atan: 'atan(Tensor input)',
  arctan: 'arctan(Tensor input)',
  arctan2: 'arctan2(Tensor input, Tensor other)',
  acosh: 'acosh(Tensor input)',
  arccosh: 'arccosh(Tensor input)',
  asinh: 'asinh(Tensor input)',
  arcsinh: 'arcsinh(Tensor input)',
  atanh: 'atanh(Tensor input)',
  arctanh: 'arctanh(Tensor input)',
  sinh: 'sinh(Tensor input)',
  cosh: 'cosh(Tensor input)',
  exp2: 'exp2(Tensor input)',
  deg2rad: 'deg2rad(Tensor input)',
  rad2deg: 'rad2deg(Tensor input)',
  frac: 'frac(Tensor input)',
  fix: 'fix(Tensor input)',
  absolute: 'absolute(Tensor input)',
  positive: 'positive(Tensor input)',
  sgn: 'sgn(Tensor input)',
  signbit: 'signbit(Tensor input)',
  logit: 'logit(Tensor input, float? eps=None)',
  sinc: 'sinc(Tensor input)',
  nanToNum: 'nan_to_num(Tensor input, float? nan=0.0, float? posinf=None, float? neginf=None)',
  clampMin: 'clamp_min(Tensor input, Tensor|Scalar min)',
  clampMax: 'clamp_max(Tensor input, Tensor|Scalar max)',
  addcmul: 'addcmul(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1)',
  addcdiv: 'addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1)',
  lerp: 'lerp(Tensor input, Tensor end, Tensor|Scalar weight)',
  fmod: 'fmod(Tensor input, Tensor|Scalar other)',
  hypot: 'hypot(Tensor input, Tensor other)',
  logaddexp: 'logaddexp(Tensor input, Tensor other)',
  logaddexp2: 'logaddexp2(Tensor input, Tensor other)',
  xlogy: 'xlogy(Tensor|Scalar input, Tensor|Scalar other)',
  copysign: 'copysign(Tensor input, Tensor|Scalar other)',
  heaviside: 'heaviside(Tensor input, Tensor values)',
  floatPower: 'float_power(Tensor|Scalar input, Tensor|Scalar exponent)',
  multiply: 'multiply(Tensor input, Tensor|Scalar other)',
  subtract: 'subtract(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)',
  divide: 'divide(Tensor input, Tensor|Scalar other, *, "trunc"|"floor"? rounding_mode=None)',
  trueDivide: 'true_divide(Tensor input, Tensor|Scalar other)',
  fmax: 'fmax(Tensor input, Tensor other)',
  fmin: 'fmin(Tensor input, Tensor other)',
  floorDivide: 'floor_divide(Tensor input, Tensor|Scalar other)',
  ldexp: 'ldexp(Tensor input, Tensor other)',
  isclose: 'isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False)',
  isposinf: 'isposinf(Tensor input)',
  isneginf: 'isneginf(Tensor input)',
  isreal: 'isreal(Tensor input)',
  real: 'real(Tensor input)',
  angle: 'angle(Tensor input)',
  conj: 'conj(Tensor input)',
  conjPhysical: 'conj_physical(Tensor input)',
  resolveConj: 'resolve_conj(Tensor input)',
  resolveNeg: 'resolve_neg(Tensor input)',
  erfc: 'erfc(Tensor input)',
  nextafter: 'nextafter(Tensor input, Tensor other)',
  lgamma: 'lgamma(Tensor input)',
  digamma: 'digamma(Tensor input)',
  mvlgamma: 'mvlgamma(Tensor input, int p)',
  erfinv: 'erfinv(Tensor input)',
  i0: 'i0(Tensor input)',
  // ── linalg (helper linalg) ──
  cholesky: 'cholesky(Tensor input, bool upper=False)',
  choleskyInverse: 'cholesky_inverse(Tensor input, bool upper=False)',
  choleskySolve: 'cholesky_solve(Tensor input, Tensor input2, bool upper=False)',
  geqrf: 'geqrf(Tensor input)',
  matrixExp: 'matrix_exp(Tensor input)',
  matrixPower: 'matrix_power(Tensor input, int n)',
  dist: 'dist(Tensor input, Tensor other, Scalar p=2)',
  ormqr: 'ormqr(Tensor input, Tensor input2, Tensor input3, bool left=True, bool transpose=False)',
  qr: 'qr(Tensor input, bool some=True)',
  triangularSolve:
    'triangular_solve(Tensor input, Tensor A, bool upper=True, bool transpose=False, bool unitriangular=False)',
  svd: 'svd(Tensor input, bool some=True, bool compute_uv=True)',
  pinverse: 'pinverse(Tensor input, float rcond=1e-15)',
  det: 'det(Tensor input)',
  logdet: 'logdet(Tensor input)',
  slogdet: 'slogdet(Tensor input)',
  inverse: 'inverse(Tensor input)',
  symeig: 'symeig(Tensor input, bool eigenvectors=False, bool upper=True)',
  // ── sort/misc (helper sortmisc) ──
  sort: 'sort(Tensor input, int dim=-1, bool descending=False, *, bool? stable=False)',
  argsort: 'argsort(Tensor input, int dim=-1, bool descending=False, *, bool stable=False)',
  msort: 'msort(Tensor input)',
  topk: 'topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True)',
  unique:
    'unique(Tensor input, bool sorted=True, bool return_inverse=False, bool return_counts=False, int? dim=None)',
  uniqueConsecutive:
    'unique_consecutive(Tensor input, bool return_inverse=False, bool return_counts=False, int? dim=None)',
  asStrided: 'as_strided(Tensor input, int[] size, int[] stride, int? storage_offset=None)',
  // --- dtype ---
  bitwiseAnd: 'bitwise_and(Tensor input, Tensor|Scalar other)',
  bitwiseOr: 'bitwise_or(Tensor input, Tensor|Scalar other)',
  bitwiseXor: 'bitwise_xor(Tensor input, Tensor|Scalar other)',
  bitwiseNot: 'bitwise_not(Tensor input)',
  bitwiseLeftShift: 'bitwise_left_shift(Tensor input, Tensor|Scalar other)',
  bitwiseRightShift: 'bitwise_right_shift(Tensor input, Tensor|Scalar other)',
} as const;

/** Ops that are both 'torch.name(x, ...)' and 'x.name(...)'. */
export const ops = {
  // ---- pointwise ----
  neg: both('neg', SIG.neg, (a) => pw.neg(a.input)),
  negative: both('negative', SIG.negative, (a) => pw.neg(a.input)),
  abs: both('abs', SIG.abs, (a) => pw.abs(a.input)),
  sign: both('sign', SIG.sign, (a) => pw.sign(a.input)),
  exp: both('exp', SIG.exp, (a) => pw.exp(a.input)),
  expm1: both('expm1', SIG.expm1, (a) => pw.expm1(a.input)),
  log: both('log', SIG.log, (a) => pw.log(a.input)),
  log1p: both('log1p', SIG.log1p, (a) => pw.log1p(a.input)),
  log2: both('log2', SIG.log2, (a) => pw.log2(a.input)),
  log10: both('log10', SIG.log10, (a) => pw.log10(a.input)),
  sqrt: both('sqrt', SIG.sqrt, (a) => pw.sqrt(a.input)),
  rsqrt: both('rsqrt', SIG.rsqrt, (a) => pw.rsqrt(a.input)),
  sin: both('sin', SIG.sin, (a) => pw.sin(a.input)),
  cos: both('cos', SIG.cos, (a) => pw.cos(a.input)),
  tan: both('tan', SIG.tan, (a) => pw.tan(a.input)),
  tanh: both('tanh', SIG.tanh, (a) => pw.tanh(a.input)),
  sigmoid: both('sigmoid', SIG.sigmoid, (a) => pw.sigmoid(a.input)),
  erf: both('erf', SIG.erf, (a) => pw.erf(a.input)),
  floor: both('floor', SIG.floor, (a) => pw.floor(a.input)),
  ceil: both('ceil', SIG.ceil, (a) => pw.ceil(a.input)),
  round: both('round', SIG.round, (a) => pm.roundDecimals(a.input, a.decimals)),
  trunc: both('trunc', SIG.trunc, (a) => pw.trunc(a.input)),
  reciprocal: both('reciprocal', SIG.reciprocal, (a) => pw.reciprocal(a.input)),
  square: both('square', SIG.square, (a) => pw.square(a.input)),
  relu: both('relu', SIG.relu, (a) => pw.relu(a.input)),
  logicalNot: both('logicalNot', SIG.logicalNot, (a) => pw.logicalNot(a.input)),
  isnan: both('isnan', SIG.isnan, (a) => pw.isnan(a.input)),
  isinf: both('isinf', SIG.isinf, (a) => pw.isinf(a.input)),
  isfinite: both('isfinite', SIG.isfinite, (a) => pw.isfinite(a.input)),
  add: both('add', SIG.add, (a) => pw.add(a.input, a.other, { alpha: Number(a.alpha) })),
  sub: both('sub', SIG.sub, (a) => pw.sub(a.input, a.other, { alpha: Number(a.alpha) })),
  rsub: both('rsub', SIG.rsub, (a) => pw.sub(a.other, a.alpha === 1 ? a.input : pw.mul(a.input, a.alpha))),
  mul: both('mul', SIG.mul, (a) => pw.mul(a.input, a.other)),
  div: both('div', SIG.div, (a) => pw.div(a.input, a.other, a)),
  pow: both('pow', SIG.pow, (a) => pw.pow(a.input, a.exponent)),
  remainder: both('remainder', SIG.remainder, (a) => pw.remainder(a.input, a.other)),
  maximum: both('maximum', SIG.maximum, (a) => pw.maximum(a.input, a.other)),
  minimum: both('minimum', SIG.minimum, (a) => pw.minimum(a.input, a.other)),
  atan2: both('atan2', SIG.atan2, (a) => pw.atan2(a.input, a.other)),
  clamp: both('clamp', SIG.clamp, (a) => pw.clamp(a.input, a)),
  clip: both('clip', SIG.clip, (a) => pw.clamp(a.input, a)),
  eq: both('eq', SIG.eq, (a) => pw.eq(a.input, a.other)),
  ne: both('ne', SIG.ne, (a) => pw.ne(a.input, a.other)),
  lt: both('lt', SIG.lt, (a) => pw.lt(a.input, a.other)),
  le: both('le', SIG.le, (a) => pw.le(a.input, a.other)),
  gt: both('gt', SIG.gt, (a) => pw.gt(a.input, a.other)),
  ge: both('ge', SIG.ge, (a) => pw.ge(a.input, a.other)),
  logicalAnd: both('logicalAnd', SIG.logicalAnd, (a) => pw.logicalAnd(a.input, a.other)),
  logicalOr: both('logicalOr', SIG.logicalOr, (a) => pw.logicalOr(a.input, a.other)),
  logicalXor: both('logicalXor', SIG.logicalXor, (a) => pw.logicalXor(a.input, a.other)),
  maskedFill: both('maskedFill', SIG.maskedFill, (a) => pw.maskedFill(a.input, a.mask, a.value)),
  softmax: both('softmax', SIG.softmax, (a) => act.softmax(castTo(a.input, a.dtype), a.dim)),
  logSoftmax: both('logSoftmax', SIG.logSoftmax, (a) => act.logSoftmax(castTo(a.input, a.dtype), a.dim)),

  // ---- reductions ----
  sum: both('sum', SIG.sum, (a) => red.sum(castTo(a.input, a.dtype), allDims(a.dim), { keepdim: a.keepdim })),
  mean: both('mean', SIG.mean, (a) => red.mean(castTo(a.input, a.dtype), allDims(a.dim), a)),
  prod: both('prod', SIG.prod, (a) => red.prod(castTo(a.input, a.dtype), a.dim, a)),
  amax: both('amax', SIG.amax, (a) => red.amax(a.input, allDims(a.dim), a)),
  amin: both('amin', SIG.amin, (a) => red.amin(a.input, allDims(a.dim), a)),
  argmax: both('argmax', SIG.argmax, (a) => red.argmax(a.input, a.dim, a)),
  argmin: both('argmin', SIG.argmin, (a) => red.argmin(a.input, a.dim, a)),
  var: both('var', SIG.var, (a) => red.varOp(a.input, allDims(a.dim), correction('var', a))),
  std: both('std', SIG.std, (a) => red.std(a.input, allDims(a.dim), correction('std', a))),
  logsumexp: both('logsumexp', SIG.logsumexp, (a) => red.logsumexp(a.input, a.dim, a)),
  norm: both('norm', SIG.norm, (a) =>
    a.p === 'nuc'
      ? la.matrixNorm(castTo(a.input, a.dtype), 'nuc', allDims(a.dim) ?? [-2, -1], a.keepdim)
      : red.norm(castTo(a.input, a.dtype), a.p ?? 'fro', allDims(a.dim), a),
  ),
  all: both('all', SIG.all, (a) => red.all(a.input, allDims(a.dim), a)),
  any: both('any', SIG.any, (a) => red.any(a.input, allDims(a.dim), a)),
  cumsum: both('cumsum', SIG.cumsum, (a) => cumsumOp(castTo(a.input, a.dtype), a.dim)),

  // ---- products ----
  matmul: both('matmul', SIG.matmul, (a) => mm.matmul(a.input, a.other)),
  mm: both('mm', SIG.mm, (a) => mm.mm(a.input, a.mat2)),
  bmm: both('bmm', SIG.bmm, (a) => mm.bmm(a.input, a.mat2)),
  dot: both('dot', SIG.dot, (a) => mm.dot(a.input, a.tensor)),
  outer: both('outer', SIG.outer, (a) => mm.outer(a.input, a.vec2)),

  // ---- shape ----
  reshape: both('reshape', SIG.reshape, (a) => sh.reshape(a.input, a.shape)),
  permute: both('permute', SIG.permute, (a) => sh.permute(a.input, a.dims)),
  transpose: both('transpose', SIG.transpose, (a) => sh.transpose(a.input, a.dim0, a.dim1)),
  swapaxes: both('swapaxes', SIG.swapaxes, (a) => sh.transpose(a.input, a.axis0, a.axis1)),
  t: both('t', SIG.t, (a) => sh.t(a.input)),
  unsqueeze: both('unsqueeze', SIG.unsqueeze, (a) => sh.unsqueeze(a.input, a.dim)),
  squeeze: both('squeeze', SIG.squeeze, (a) => sh.squeeze(a.input, a.dim ?? undefined)),
  flatten: both('flatten', SIG.flatten, (a) => sh.flatten(a.input, a.startDim, a.endDim)),
  unflatten: both('unflatten', SIG.unflatten, (a) => shm.unflatten(a.input, a.dim, a.sizes)),
  narrow: both('narrow', SIG.narrow, (a) =>
    typeof a.start === 'number'
      ? sh.narrow(a.input, a.dim, a.start, a.length)
      : shm.narrowTensorStart(a.input, a.dim, a.start, a.length),
  ),
  select: both('select', SIG.select, (a) => sh.select(a.input, a.dim, a.index)),
  split: both('split', SIG.split, (a) => sh.split(a.input, a.splitSizeOrSections, a.dim)),
  chunk: both('chunk', SIG.chunk, (a) => sh.chunk(a.input, a.chunks, a.dim)),
  unbind: both('unbind', SIG.unbind, (a) => sh.unbind(a.input, a.dim)),
  flip: both('flip', SIG.flip, (a) => sh.flip(a.input, a.dims)),
  tril: both('tril', SIG.tril, (a) => sh.tril(a.input, a.diagonal)),
  triu: both('triu', SIG.triu, (a) => sh.triu(a.input, a.diagonal)),
  movedim: both('movedim', SIG.movedim, (a) => shm.movedim(a.input, a.source, a.destination)),
  moveaxis: both('moveaxis', SIG.moveaxis, (a) => shm.movedim(a.input, a.source, a.destination)),
  clone: both('clone', SIG.clone, (a) => sh.clone(a.input)),

  // ---- indexing ----
  gather: both('gather', SIG.gather, (a) => idx.gather(a.input, a.dim, a.index)),
  scatterAdd: both('scatterAdd', SIG.scatterAdd, (a) =>
    im.scatterReduce(a.input, a.dim, a.index, a.src, 'sum', true),
  ),
  indexSelect: both('indexSelect', SIG.indexSelect, (a) => idx.indexSelect(a.input, a.dim, a.index)),
  // -- ops: products and shape (ops-products) --
  addmm: both('addmm', SIG.addmm, (a) => pr.addmm(a.input, a.mat1, a.mat2, coef(a))),
  addmv: both('addmv', SIG.addmv, (a) => pr.addmv(a.input, a.mat, a.vec, coef(a))),
  addr: both('addr', SIG.addr, (a) => pr.addr(a.input, a.vec1, a.vec2, coef(a))),
  baddbmm: both('baddbmm', SIG.baddbmm, (a) => pr.baddbmm(a.input, a.batch1, a.batch2, coef(a))),
  addbmm: both('addbmm', SIG.addbmm, (a) => pr.addbmm(a.input, a.batch1, a.batch2, coef(a))),
  mv: both('mv', SIG.mv, (a) => pr.mv(a.input, a.vec)),
  vdot: both('vdot', SIG.vdot, (a) => pr.vdot(a.input, a.other)),
  inner: both('inner', SIG.inner, (a) => pr.inner(a.input, a.other)),
  kron: both('kron', SIG.kron, (a) => pr.kron(a.input, a.other)),
  trace: both('trace', SIG.trace, (a) => pr.trace(a.input)),
  broadcastTo: both('broadcastTo', SIG.broadcastTo, (a) => shm.broadcastTo(a.input, a.size)),
  roll: both('roll', SIG.roll, (a) => shm.roll(a.input, a.shifts, a.dims)),
  rot90: both('rot90', SIG.rot90, (a) => shm.rot90(a.input, a.k, a.dims)),
  tile: both('tile', SIG.tile, (a) => shm.tile(a.input, a.dims)),
  tensorSplit: both('tensorSplit', SIG.tensorSplit, (a) =>
    shm.tensorSplit(a.input, a.indicesOrSections, a.dim),
  ),
  hsplit: both('hsplit', SIG.hsplit, (a) => shm.hsplit(a.input, a.sections)),
  vsplit: both('vsplit', SIG.vsplit, (a) => shm.vsplit(a.input, a.sections)),
  dsplit: both('dsplit', SIG.dsplit, (a) => shm.dsplit(a.input, a.sections)),
  ravel: both('ravel', SIG.ravel, (a) => shm.ravel(a.input)),
  diag: both('diag', SIG.diag, (a) => shm.diag(a.input, a.diagonal)),
  diagonal: both('diagonal', SIG.diagonal, (a) => shm.diagonal(a.input, a.offset, a.dim1, a.dim2)),
  diagEmbed: both('diagEmbed', SIG.diagEmbed, (a) => shm.diagEmbed(a.input, a.offset, a.dim1, a.dim2)),
  diagflat: both('diagflat', SIG.diagflat, (a) => shm.diagflat(a.input, a.offset)),
  fliplr: both('fliplr', SIG.fliplr, (a) => flipDim('fliplr', a.input, 1)),
  flipud: both('flipud', SIG.flipud, (a) => flipDim('flipud', a.input, 0)),
  narrowCopy: both('narrowCopy', SIG.narrowCopy, (a) => shm.narrowCopy(a.input, a.dim, a.start, a.length)),
  splitWithSizes: both('splitWithSizes', SIG.splitWithSizes, (a) => sh.split(a.input, a.splitSizes, a.dim)),
  cross: both('cross', SIG.cross, (a) => shm.cross(a.input, a.other, a.dim)),
  repeatInterleave: both('repeatInterleave', SIG.repeatInterleave, (a) =>
    shm.repeatInterleave(a.input, a.repeats, a.dim, a.outputSize),
  ),
  // -- ops: pointwise (ops-pointwise) --
  // -- ops: indexing and reductions (ops-index) --
  scatter: both('scatter', SIG.scatter, (a) => {
    const src = a.src ?? a.value;
    if (src === null) throw new TypeError("torch.scatter(): pass 'src' (a tensor) or 'value' (a scalar)");
    return im.scatter(a.input, a.dim, a.index, src, a.reduce);
  }),
  scatterReduce: both('scatterReduce', SIG.scatterReduce, (a) =>
    im.scatterReduce(a.input, a.dim, a.index, a.src, a.reduce, a.includeSelf),
  ),
  indexAdd: both('indexAdd', SIG.indexAdd, (a) =>
    im.indexAdd(a.input, a.dim, a.index, a.source, Number(a.alpha)),
  ),
  indexCopy: both('indexCopy', SIG.indexCopy, (a) => im.indexCopy(a.input, a.dim, a.index, a.source)),
  indexFill: both('indexFill', SIG.indexFill, (a) => im.indexFill(a.input, a.dim, a.index, a.value)),
  indexReduce: both('indexReduce', SIG.indexReduce, (a) =>
    im.indexReduce(a.input, a.dim, a.index, a.source, a.reduce, a.includeSelf),
  ),
  indexPut: both('indexPut', SIG.indexPut, (a) => im.indexPut(a.input, a.indices, a.values, a.accumulate)),
  put: both('put', SIG.put, (a) => im.put(a.input, a.index, a.source, a.accumulate)),
  take: both('take', SIG.take, (a) => im.take(a.input, a.index)),
  takeAlongDim: both('takeAlongDim', SIG.takeAlongDim, (a) => im.takeAlongDim(a.input, a.indices, a.dim)),
  maskedSelect: both('maskedSelect', SIG.maskedSelect, (a) => im.maskedSelect(a.input, a.mask)),
  maskedScatter: both('maskedScatter', SIG.maskedScatter, (a) => im.maskedScatter(a.input, a.mask, a.source)),
  nonzero: both('nonzero', SIG.nonzero, (a) => im.nonzero(a.input, a.asTuple)),
  argwhere: both('argwhere', SIG.argwhere, (a) => im.argwhere(a.input)),
  selectScatter: both('selectScatter', SIG.selectScatter, (a) =>
    im.scatterInto(a.input, a.src, (t) => sh.select(t, a.dim, a.index), 'select_scatter'),
  ),
  sliceScatter: both('sliceScatter', SIG.sliceScatter, (a) =>
    im.scatterInto(a.input, a.src, (t) => sh.slice(t, a.dim, a.start ?? 0, a.end, a.step), 'slice_scatter'),
  ),
  diagonalScatter: both('diagonalScatter', SIG.diagonalScatter, (a) =>
    im.scatterInto(a.input, a.src, (t) => shm.diagonal(t, a.offset, a.dim1, a.dim2), 'diagonal_scatter'),
  ),
  cumprod: both('cumprod', SIG.cumprod, (a) => rm.cumprod(castTo(a.input, a.dtype), a.dim)),
  cummax: both('cummax', SIG.cummax, (a) => rm.cummax(a.input, a.dim)),
  cummin: both('cummin', SIG.cummin, (a) => rm.cummin(a.input, a.dim)),
  logcumsumexp: both('logcumsumexp', SIG.logcumsumexp, (a) => rm.logcumsumexp(a.input, a.dim)),
  nansum: both('nansum', SIG.nansum, (a) => rm.nansum(castTo(a.input, a.dtype), allDims(a.dim), a.keepdim)),
  nanmean: both('nanmean', SIG.nanmean, (a) =>
    rm.nanmean(castTo(a.input, a.dtype), allDims(a.dim), a.keepdim),
  ),
  countNonzero: both('countNonzero', SIG.countNonzero, (a) => rm.countNonzero(a.input, allDims(a.dim))),
  varMean: both('varMean', SIG.varMean, (a) =>
    rm.varMean(a.input, allDims(a.dim), correction('var_mean', a)),
  ),
  stdMean: both('stdMean', SIG.stdMean, (a) =>
    rm.stdMean(a.input, allDims(a.dim), correction('std_mean', a)),
  ),
  aminmax: both('aminmax', SIG.aminmax, (a) => rm.aminmax(a.input, a.dim, a.keepdim)),
  asStridedScatter: both('asStridedScatter', SIG.asStridedScatter, (a) =>
    im.asStridedScatter(a.input, a.src, a.size, a.stride, a.storageOffset ?? 0),
  ),
  diff: both('diff', SIG.diff, (a) => rm.diff(a.input, a.n, a.dim, a.prepend, a.append)),
  renorm: both('renorm', SIG.renorm, (a) => rm.renorm(a.input, Number(a.p), a.dim, Number(a.maxnorm))),
  median: both('median', SIG.median, (a) => medianOf(a, false)),
  nanmedian: both('nanmedian', SIG.nanmedian, (a) => medianOf(a, true)),
  kthvalue: both('kthvalue', SIG.kthvalue, (a) => rm.kthvalue(a.input, a.k, a.dim, a.keepdim)),
  mode: both('mode', SIG.mode, (a) => rm.mode(a.input, a.dim, a.keepdim)),
  quantile: both('quantile', SIG.quantile, (a) =>
    rm.quantile(a.input, qOf(a.q), a.dim, a.keepdim, a.interpolation, false),
  ),
  nanquantile: both('nanquantile', SIG.nanquantile, (a) =>
    rm.quantile(a.input, qOf(a.q), a.dim, a.keepdim, a.interpolation, true),
  ),
  cov: both('cov', SIG.cov, (a) => rm.cov(a.input, a.correction, a.fweights, a.aweights)),
  corrcoef: both('corrcoef', SIG.corrcoef, (a) => rm.corrcoef(a.input)),
  histc: both('histc', SIG.histc, (a) => rm.histc(a.input, a.bins, Number(a.min), Number(a.max))),
  histogram: both('histogram', SIG.histogram, (a) =>
    rm.histogram(a.input, a.bins, a.range, a.weight, a.density),
  ),
  acos: both('acos', SIG.acos, (a) => pm.acos(a.input)),
  arccos: both('arccos', SIG.arccos, (a) => pm.acos(a.input)),
  asin: both('asin', SIG.asin, (a) => pm.asin(a.input)),
  arcsin: both('arcsin', SIG.arcsin, (a) => pm.asin(a.input)),
  atan: both('atan', SIG.atan, (a) => pm.atan(a.input)),
  arctan: both('arctan', SIG.arctan, (a) => pm.atan(a.input)),
  arctan2: both('arctan2', SIG.arctan2, (a) => pw.atan2(a.input, a.other)),
  acosh: both('acosh', SIG.acosh, (a) => pm.acosh(a.input)),
  arccosh: both('arccosh', SIG.arccosh, (a) => pm.acosh(a.input)),
  asinh: both('asinh', SIG.asinh, (a) => pm.asinh(a.input)),
  arcsinh: both('arcsinh', SIG.arcsinh, (a) => pm.asinh(a.input)),
  atanh: both('atanh', SIG.atanh, (a) => pm.atanh(a.input)),
  arctanh: both('arctanh', SIG.arctanh, (a) => pm.atanh(a.input)),
  sinh: both('sinh', SIG.sinh, (a) => pm.sinh(a.input)),
  cosh: both('cosh', SIG.cosh, (a) => pm.cosh(a.input)),
  exp2: both('exp2', SIG.exp2, (a) => pm.exp2(a.input)),
  deg2rad: both('deg2rad', SIG.deg2rad, (a) => pm.deg2rad(a.input)),
  rad2deg: both('rad2deg', SIG.rad2deg, (a) => pm.rad2deg(a.input)),
  frac: both('frac', SIG.frac, (a) => pm.frac(a.input)),
  fix: both('fix', SIG.fix, (a) => pw.trunc(a.input)),
  absolute: both('absolute', SIG.absolute, (a) => pw.abs(a.input)),
  positive: both('positive', SIG.positive, (a) => pm.positive(a.input)),
  sgn: both('sgn', SIG.sgn, (a) => pm.sgn(a.input)),
  signbit: both('signbit', SIG.signbit, (a) => pm.signbit(a.input)),
  logit: both('logit', SIG.logit, (a) => pm.logit(a.input, a.eps)),
  sinc: both('sinc', SIG.sinc, (a) => pm.sinc(a.input)),
  nanToNum: both('nanToNum', SIG.nanToNum, (a) => pm.nanToNum(a.input, a.nan, a.posinf, a.neginf)),
  clampMin: both('clampMin', SIG.clampMin, (a) => pw.clamp(a.input, { min: a.min })),
  clampMax: both('clampMax', SIG.clampMax, (a) => pw.clamp(a.input, { max: a.max })),
  addcmul: both('addcmul', SIG.addcmul, (a) => pm.addcmul(a.input, a.tensor1, a.tensor2, Number(a.value))),
  addcdiv: both('addcdiv', SIG.addcdiv, (a) => pm.addcdiv(a.input, a.tensor1, a.tensor2, Number(a.value))),
  lerp: both('lerp', SIG.lerp, (a) => pm.lerp(a.input, a.end, a.weight)),
  fmod: both('fmod', SIG.fmod, (a) => pm.fmod(a.input, a.other)),
  hypot: both('hypot', SIG.hypot, (a) => pm.hypot(a.input, a.other)),
  logaddexp: both('logaddexp', SIG.logaddexp, (a) => pm.logaddexp(a.input, a.other)),
  logaddexp2: both('logaddexp2', SIG.logaddexp2, (a) => pm.logaddexp2(a.input, a.other)),
  xlogy: both('xlogy', SIG.xlogy, (a) => pm.xlogy(a.input, a.other)),
  copysign: both('copysign', SIG.copysign, (a) => pm.copysign(a.input, a.other)),
  heaviside: both('heaviside', SIG.heaviside, (a) => pm.heaviside(a.input, a.values)),
  floatPower: both('floatPower', SIG.floatPower, (a) => pm.floatPower(a.input, a.exponent)),
  multiply: both('multiply', SIG.multiply, (a) => pw.mul(a.input, a.other)),
  subtract: both('subtract', SIG.subtract, (a) => pw.sub(a.input, a.other, { alpha: Number(a.alpha) })),
  divide: both('divide', SIG.divide, (a) => pw.div(a.input, a.other, a)),
  trueDivide: both('trueDivide', SIG.trueDivide, (a) => pw.div(a.input, a.other)),
  fmax: both('fmax', SIG.fmax, (a) => pm.fmax(a.input, a.other)),
  fmin: both('fmin', SIG.fmin, (a) => pm.fmin(a.input, a.other)),
  floorDivide: both('floorDivide', SIG.floorDivide, (a) => pm.floorDivide(a.input, a.other)),
  ldexp: both('ldexp', SIG.ldexp, (a) => pm.ldexp(a.input, a.other)),
  isclose: both('isclose', SIG.isclose, (a) => pm.isclose(a.input, a.other, a.rtol, a.atol, a.equalNan)),
  isposinf: both('isposinf', SIG.isposinf, (a) => pm.isposinf(a.input)),
  isneginf: both('isneginf', SIG.isneginf, (a) => pm.isneginf(a.input)),
  isreal: both('isreal', SIG.isreal, (a) => pm.isreal(a.input)),
  // Real tensors: real, conj and the resolve_* are the tensor itself; conj_physical a copy.
  real: both('real', SIG.real, (a) => a.input),
  angle: both('angle', SIG.angle, (a) => pm.angle(a.input)),
  conj: both('conj', SIG.conj, (a) => a.input),
  conjPhysical: both('conjPhysical', SIG.conjPhysical, (a) => sh.clone(a.input)),
  resolveConj: both('resolveConj', SIG.resolveConj, (a) => a.input),
  resolveNeg: both('resolveNeg', SIG.resolveNeg, (a) => a.input),
  erfc: both('erfc', SIG.erfc, (a) => pm.erfc(a.input)),
  nextafter: both('nextafter', SIG.nextafter, (a) => pm.nextafter(a.input, a.other)),
  lgamma: both('lgamma', SIG.lgamma, (a) => pm.lgamma(a.input)),
  digamma: both('digamma', SIG.digamma, (a) => pm.digamma(a.input)),
  mvlgamma: both('mvlgamma', SIG.mvlgamma, (a) => pm.mvlgamma(a.input, a.p)),
  erfinv: both('erfinv', SIG.erfinv, (a) => pm.erfinv(a.input)),
  i0: both('i0', SIG.i0, (a) => pm.i0(a.input)),
  // ── linalg (helper linalg) ──
  cholesky: both('cholesky', SIG.cholesky, (a) => la.cholesky(a.input, a.upper, 'cholesky')),
  choleskyInverse: both('choleskyInverse', SIG.choleskyInverse, (a) => la.choleskyInverse(a.input, a.upper)),
  choleskySolve: both('choleskySolve', SIG.choleskySolve, (a) =>
    la.choleskySolve(a.input, a.input2, a.upper),
  ),
  geqrf: both('geqrf', SIG.geqrf, (a) => la.geqrf(a.input)),
  matrixExp: both('matrixExp', SIG.matrixExp, (a) => la.matrixExp(a.input)),
  matrixPower: both('matrixPower', SIG.matrixPower, (a) => la.matrixPower(a.input, a.n)),
  dist: both('dist', SIG.dist, (a) => la.dist(a.input, a.other, Number(a.p))),
  ormqr: both('ormqr', SIG.ormqr, (a) => la.ormqr(a.input, a.input2, a.input3, a.left, a.transpose)),
  qr: both('qr', SIG.qr, (a) => la.qr(a.input, a.some ? 'reduced' : 'complete')),
  triangularSolve: both('triangularSolve', SIG.triangularSolve, (a) =>
    la.triangularSolve(a.input, a.A, a.upper, a.transpose, a.unitriangular),
  ),
  svd: both('svd', SIG.svd, (a) => la.svdLegacy(a.input, a.some, a.computeUv)),
  pinverse: both('pinverse', SIG.pinverse, (a) => la.pinverse(a.input, a.rcond)),
  det: both('det', SIG.det, (a) => la.det(a.input)),
  logdet: both('logdet', SIG.logdet, (a) => la.logdet(a.input)),
  slogdet: both('slogdet', SIG.slogdet, (a) => la.slogdet(a.input)),
  inverse: both('inverse', SIG.inverse, (a) => la.inv(a.input)),
  symeig: both('symeig', SIG.symeig, (a) => la.symeig(a.input, a.eigenvectors, a.upper)),
  // ── sort/misc (helper sortmisc) ──
  sort: both('sort', SIG.sort, (a) => so.sort(a.input, a.dim, a.descending)),
  argsort: both('argsort', SIG.argsort, (a) => so.argsort(a.input, a.dim, a.descending)),
  msort: both('msort', SIG.msort, (a) => so.msort(a.input)),
  topk: both('topk', SIG.topk, (a) => so.topk(a.input, a.k, a.dim, a.largest, a.sorted)),
  unique: both('unique', SIG.unique, (a) =>
    so.unique(a.input, a.sorted, a.returnInverse, a.returnCounts, a.dim),
  ),
  uniqueConsecutive: both('uniqueConsecutive', SIG.uniqueConsecutive, (a) =>
    so.uniqueConsecutive(a.input, a.returnInverse, a.returnCounts, a.dim),
  ),
  asStrided: both('asStrided', SIG.asStrided, (a) =>
    mo.asStrided(a.input, a.size, a.stride, a.storageOffset),
  ), // -- data-dependent shapes, awaited: the forms that run on every device (ops/data-dependent.ts) --
  nonzeroAsync: both('nonzeroAsync', SIG.nonzero, (a) => dd.nonzeroAsync(a.input, a.asTuple)),
  argwhereAsync: both('argwhereAsync', SIG.argwhere, (a) => dd.argwhereAsync(a.input)),
  maskedSelectAsync: both('maskedSelectAsync', SIG.maskedSelect, (a) =>
    dd.maskedSelectAsync(a.input, a.mask),
  ),
  uniqueAsync: both('uniqueAsync', SIG.unique, (a) =>
    dd.uniqueAsync(a.input, a.sorted, a.returnInverse, a.returnCounts, a.dim),
  ),
  uniqueConsecutiveAsync: both('uniqueConsecutiveAsync', SIG.uniqueConsecutive, (a) =>
    dd.uniqueConsecutiveAsync(a.input, a.returnInverse, a.returnCounts, a.dim),
  ),
  repeatInterleaveAsync: both('repeatInterleaveAsync', SIG.repeatInterleave, (a) =>
    dd.repeatInterleaveAsync(a.input, a.repeats, a.dim, shm.repeatInterleave),
  ),
  // --- dtype ---
  bitwiseAnd: both('bitwiseAnd', SIG.bitwiseAnd, (a) => bw.bitwiseAnd(a.input, a.other)),
  bitwiseOr: both('bitwiseOr', SIG.bitwiseOr, (a) => bw.bitwiseOr(a.input, a.other)),
  bitwiseXor: both('bitwiseXor', SIG.bitwiseXor, (a) => bw.bitwiseXor(a.input, a.other)),
  bitwiseNot: both('bitwiseNot', SIG.bitwiseNot, (a) => bw.bitwiseNot(a.input)),
  bitwiseLeftShift: both('bitwiseLeftShift', SIG.bitwiseLeftShift, (a) =>
    bw.bitwiseLeftShift(a.input, a.other),
  ),
  bitwiseRightShift: both('bitwiseRightShift', SIG.bitwiseRightShift, (a) =>
    bw.bitwiseRightShift(a.input, a.other),
  ),
};

/** beta/alpha of the add-multiply ops as numbers. */
const coef = (a: { beta: number | boolean; alpha: number | boolean }) => ({
  beta: Number(a.beta),
  alpha: Number(a.alpha),
});

function flipDim(op: string, x: Tensor, d: number): Tensor {
  if (x.dim() <= d) throw new RangeError(`${op}: Input must be >= ${d + 1}-d.`);
  return sh.flip(x, [d]);
}

function correction(
  op: string,
  a: { unbiased: boolean | null; correction: number | boolean | null; keepdim: boolean },
): { correction: number; keepdim: boolean } {
  if (a.unbiased !== null && a.correction !== null)
    throw new TypeError(`torch.${op}(): pass either 'unbiased' or 'correction', not both`);
  const c = a.correction !== null ? Number(a.correction) : a.unbiased === false ? 0 : 1;
  return { correction: c, keepdim: a.keepdim };
}

/** torch.masked reductions: one signature each, PyTorch's parameter list with its name. */
function maskedRed(op: 'sum' | 'prod' | 'amax' | 'amin' | 'mean' | 'logsumexp') {
  return fn(
    `torch.masked.${op}`,
    `${op}(Tensor input, int[1]? dim=None, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)`,
    (a) => rm.maskedReduce(op, castTo(a.input, a.dtype), allDims(a.dim), a.keepdim, a.mask),
  );
}
function maskedSm(op: 'softmax' | 'log_softmax' | 'softmin') {
  return fn(
    `torch.masked.${op === 'log_softmax' ? 'logSoftmax' : op}`,
    `${op}(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? mask=None)`,
    (a) => rm.maskedSoftmax(op, castTo(a.input, a.dtype), a.dim, a.mask),
  );
}

/** median / nanmedian: the value alone over all elements, [values, indices] along a dim. */
function medianOf(a: { input: Tensor; dim: number | null; keepdim: boolean }, ignoreNan: boolean) {
  const r = rm.median(a.input, a.dim, a.keepdim, ignoreNan);
  return a.dim === null ? r[0] : r;
}
const qOf = (q: Tensor | number | boolean): Tensor | number => (typeof q === 'boolean' ? Number(q) : q);

/** The keyword options of a factory, as ops/creation.ts takes them. */
const opts = (a: { dtype: string | null; device: unknown; requiresGrad: boolean; generator?: unknown }) =>
  ({
    dtype: a.dtype ?? undefined,
    device: a.device ?? undefined,
    requiresGrad: a.requiresGrad,
    generator: a.generator ?? undefined,
  }) as cr.RandomOptions;

/** torch.* functions with no Tensor-method twin (factories, joins, overloaded reductions). */
export const functions = {
  tensor: fn(
    'torch.tensor',
    'tensor(Any data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.tensor(a.data as cr.NestedNumbers, opts(a)),
  ),
  fromArray: fn(
    'torch.fromArray',
    'from_array(Any data, int[]? shape=None, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.fromArray(a.data as Float32Array, a.shape ?? undefined, opts(a)),
  ),
  zeros: fn(
    'torch.zeros',
    'zeros(int[] size, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.zeros(a.size, opts(a)),
  ),
  ones: fn(
    'torch.ones',
    'ones(int[] size, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.ones(a.size, opts(a)),
  ),
  empty: fn(
    'torch.empty',
    'empty(int[] size, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.empty(a.size, opts(a)),
  ),
  full: fn(
    'torch.full',
    'full(int[] size, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    // PyTorch infers the dtype from the fill value: bool, int64 for an integer, else the default float.
    (a) => cr.full(a.size, a.fillValue, { ...opts(a), dtype: a.dtype ?? scalarDType(a.fillValue) }),
  ),
  zerosLike: fn(
    'torch.zerosLike',
    'zeros_like(Tensor input, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.zerosLike(a.input, opts(a)),
  ),
  onesLike: fn(
    'torch.onesLike',
    'ones_like(Tensor input, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.onesLike(a.input, opts(a)),
  ),
  emptyLike: fn(
    'torch.emptyLike',
    'empty_like(Tensor input, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.emptyLike(a.input, opts(a)),
  ),
  fullLike: fn(
    'torch.fullLike',
    'full_like(Tensor input, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.fullLike(a.input, Number(a.fillValue), opts(a)),
  ),
  randLike: fn(
    'torch.randLike',
    'rand_like(Tensor input, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.randLike(a.input, opts(a)),
  ),
  randnLike: fn(
    'torch.randnLike',
    'randn_like(Tensor input, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.randnLike(a.input, opts(a)),
  ),
  arange: overloads(
    'torch.arange',
    form(
      'arange(Scalar end, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
      (a) => cr.arange(0, Number(a.end), 1, opts(a)),
    ),
    form(
      'arange(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
      (a) => cr.arange(Number(a.start), Number(a.end), Number(a.step), opts(a)),
    ),
  ),
  linspace: fn(
    'torch.linspace',
    'linspace(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.linspace(Number(a.start), Number(a.end), a.steps, opts(a)),
  ),
  eye: fn(
    'torch.eye',
    'eye(int n, int? m=None, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.eye(a.n, a.m ?? a.n, opts(a)),
  ),
  rand: fn(
    'torch.rand',
    'rand(int[] size, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.rand(a.size, opts(a)),
  ),
  randn: fn(
    'torch.randn',
    'randn(int[] size, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.randn(a.size, opts(a)),
  ),
  randint: overloads(
    'torch.randint',
    form(
      'randint(int high, int[] size, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
      (a) => cr.randint(0, a.high, a.size, opts(a)),
    ),
    form(
      'randint(int low, int high, int[] size, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
      (a) => cr.randint(a.low, a.high, a.size, opts(a)),
    ),
  ),
  randperm: fn(
    'torch.randperm',
    'randperm(int n, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)',
    (a) => cr.randperm(a.n, opts(a)),
  ),
  cat: fn('torch.cat', 'cat(Tensor[] tensors, int dim=0)', (a) => sh.cat(a.tensors, a.dim)),
  concat: fn('torch.concat', 'concat(Tensor[] tensors, int dim=0)', (a) => sh.cat(a.tensors, a.dim)),
  stack: fn('torch.stack', 'stack(Tensor[] tensors, int dim=0)', (a) => sh.stack(a.tensors, a.dim)),
  where: fn('torch.where', 'where(Tensor condition, Tensor|Scalar input, Tensor|Scalar other)', (a) =>
    pw.where(a.condition, a.input, a.other),
  ),
  max: overloads(
    'torch.max',
    form('max(Tensor input)', (a) => red.amax(a.input)),
    form('max(Tensor input, int dim, bool keepdim=False)', (a) => red.maxDim(a.input, a.dim, a)),
    form('max(Tensor input, Tensor other)', (a) => pw.maximum(a.input, a.other)),
  ),
  min: overloads(
    'torch.min',
    form('min(Tensor input)', (a) => red.amin(a.input)),
    form('min(Tensor input, int dim, bool keepdim=False)', (a) => red.minDim(a.input, a.dim, a)),
    form('min(Tensor input, Tensor other)', (a) => pw.minimum(a.input, a.other)),
  ),
  dropout: fn(
    'torch.dropout',
    'dropout(Tensor input, float p, bool train, *, Generator? generator=None)',
    (a) => act.dropout(a.input, a.p, a.train, a.generator ?? undefined),
  ),
  // -- functions: products (ops-products) --
  einsum: fn('torch.einsum', 'einsum(str equation, Tensor[] tensors)', (a) =>
    pr.einsum(a.equation, a.tensors),
  ),
  tensordot: fn('torch.tensordot', 'tensordot(Tensor a, Tensor b, Any dims=2)', (a) =>
    pr.tensordot(a.a, a.b, a.dims as number | number[][]),
  ),
  broadcastTensors: fn('torch.broadcastTensors', 'broadcast_tensors(Tensor[] tensors)', (a) =>
    shm.broadcastTensors(a.tensors),
  ),
  meshgrid: fn('torch.meshgrid', 'meshgrid(Tensor[] tensors, *, "ij"|"xy"? indexing=None)', (a) =>
    shm.meshgrid(a.tensors, a.indexing ?? 'ij'),
  ),
  hstack: fn('torch.hstack', 'hstack(Tensor[] tensors)', (a) => shm.hstack(a.tensors)),
  vstack: fn('torch.vstack', 'vstack(Tensor[] tensors)', (a) => shm.vstack(a.tensors)),
  rowStack: fn('torch.rowStack', 'row_stack(Tensor[] tensors)', (a) => shm.vstack(a.tensors)),
  dstack: fn('torch.dstack', 'dstack(Tensor[] tensors)', (a) => shm.dstack(a.tensors)),
  columnStack: fn('torch.columnStack', 'column_stack(Tensor[] tensors)', (a) => shm.columnStack(a.tensors)),
  atleast1d: overloads(
    'torch.atleast1d',
    form('atleast_1d(Tensor input)', (a) => shm.atleast1d(a.input)),
    form('atleast_1d(Tensor[] tensors)', (a) => a.tensors.map(shm.atleast1d)),
  ),
  atleast2d: overloads(
    'torch.atleast2d',
    form('atleast_2d(Tensor input)', (a) => shm.atleast2d(a.input)),
    form('atleast_2d(Tensor[] tensors)', (a) => a.tensors.map(shm.atleast2d)),
  ),
  atleast3d: overloads(
    'torch.atleast3d',
    form('atleast_3d(Tensor input)', (a) => shm.atleast3d(a.input)),
    form('atleast_3d(Tensor[] tensors)', (a) => a.tensors.map(shm.atleast3d)),
  ),
  trilIndices: fn(
    'torch.trilIndices',
    'tril_indices(int row, int col, int offset=0, *, ScalarType? dtype=None, Device? device=None)',
    (a) =>
      shm.triIndices(false, a.row, a.col, a.offset, {
        dtype: a.dtype ?? 'int64',
        device: a.device ?? undefined,
      }),
  ),
  blockDiag: fn('torch.blockDiag', 'block_diag(Tensor[] tensors)', (a) => shm.blockDiag(a.tensors)),
  cartesianProd: fn('torch.cartesianProd', 'cartesian_prod(Tensor[] tensors)', (a) =>
    shm.cartesianProd(a.tensors),
  ),
  combinations: fn(
    'torch.combinations',
    'combinations(Tensor input, int r=2, bool with_replacement=False)',
    (a) => shm.combinations(a.input, a.r, a.withReplacement),
  ),
  constantPadNd: fn('torch.constantPadNd', 'constant_pad_nd(Tensor input, int[] pad, Scalar value=0)', (a) =>
    shm.constantPadNd(a.input, a.pad, Number(a.value)),
  ),
  triuIndices: fn(
    'torch.triuIndices',
    'triu_indices(int row, int col, int offset=0, *, ScalarType? dtype=None, Device? device=None)',
    (a) =>
      shm.triIndices(true, a.row, a.col, a.offset, {
        dtype: a.dtype ?? 'int64',
        device: a.device ?? undefined,
      }),
  ),
  // -- functions: pointwise (ops-pointwise) --
  // -- functions: indexing and reductions (ops-index) --
  maskedSum: maskedRed('sum'),
  maskedProd: maskedRed('prod'),
  maskedAmax: maskedRed('amax'),
  maskedAmin: maskedRed('amin'),
  maskedMean: maskedRed('mean'),
  maskedLogsumexp: maskedRed('logsumexp'),
  maskedArgmax: fn(
    'torch.masked.argmax',
    'argmax(Tensor input, int? dim=None, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedArg('argmax', castTo(a.input, a.dtype), a.dim, a.keepdim, a.mask),
  ),
  maskedArgmin: fn(
    'torch.masked.argmin',
    'argmin(Tensor input, int? dim=None, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedArg('argmin', castTo(a.input, a.dtype), a.dim, a.keepdim, a.mask),
  ),
  maskedVar: fn(
    'torch.masked.var',
    'var(Tensor input, int[1]? dim=None, bool? unbiased=None, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)',
    (a) =>
      rm.maskedVar(castTo(a.input, a.dtype), allDims(a.dim), a.unbiased ?? true, a.keepdim, a.mask, false),
  ),
  maskedStd: fn(
    'torch.masked.std',
    'std(Tensor input, int[1]? dim=None, bool? unbiased=None, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)',
    (a) =>
      rm.maskedVar(castTo(a.input, a.dtype), allDims(a.dim), a.unbiased ?? true, a.keepdim, a.mask, true),
  ),
  maskedNorm: fn(
    'torch.masked.norm',
    'norm(Tensor input, float ord, int[1]? dim=None, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedNorm(castTo(a.input, a.dtype), a.ord, allDims(a.dim), a.keepdim, a.mask),
  ),
  maskedNormalize: fn(
    'torch.masked.normalize',
    'normalize(Tensor input, float ord, int dim, *, float eps=1e-12, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedNormalize(castTo(a.input, a.dtype), a.ord, a.dim, a.eps, a.mask),
  ),
  maskedMedian: fn(
    'torch.masked.median',
    'median(Tensor input, int dim=-1, *, bool keepdim=False, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedMedian(castTo(a.input, a.dtype), a.dim, a.keepdim, a.mask),
  ),
  maskedCumsum: fn(
    'torch.masked.cumsum',
    'cumsum(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedCum('sum', castTo(a.input, a.dtype), a.dim, a.mask),
  ),
  maskedCumprod: fn(
    'torch.masked.cumprod',
    'cumprod(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? mask=None)',
    (a) => rm.maskedCum('prod', castTo(a.input, a.dtype), a.dim, a.mask),
  ),
  maskedSoftmax: maskedSm('softmax'),
  maskedLogSoftmax: maskedSm('log_softmax'),
  maskedSoftmin: maskedSm('softmin'),
  maskedLogaddexp: fn(
    'torch.masked.logaddexp',
    'logaddexp(Tensor input, Tensor other, *, ScalarType? dtype=None, Tensor? input_mask=None, Tensor? other_mask=None)',
    (a) =>
      pm.logaddexp(
        a.inputMask ? pw.where(a.inputMask, castTo(a.input, a.dtype), -Infinity) : castTo(a.input, a.dtype),
        a.otherMask ? pw.where(a.otherMask, castTo(a.other, a.dtype), -Infinity) : castTo(a.other, a.dtype),
      ),
  ),
  trapezoid: fn(
    'torch.trapezoid',
    'trapezoid(Tensor y, Tensor? x=None, *, Scalar? dx=None, int dim=-1)',
    (a) => rm.trapezoid(a.y, a.x, a.dx === null ? null : Number(a.dx), a.dim),
  ),
  trapz: fn('torch.trapz', 'trapz(Tensor y, Tensor? x=None, *, Scalar? dx=None, int dim=-1)', (a) =>
    rm.trapezoid(a.y, a.x, a.dx === null ? null : Number(a.dx), a.dim),
  ),
  cumulativeTrapezoid: fn(
    'torch.cumulativeTrapezoid',
    'cumulative_trapezoid(Tensor y, Tensor? x=None, *, Scalar? dx=None, int dim=-1)',
    (a) => rm.cumulativeTrapezoid(a.y, a.x, a.dx === null ? null : Number(a.dx), a.dim),
  ),
  specialExpit: fn('torch.special.expit', 'expit(Tensor input)', (a) => pw.sigmoid(a.input)),
  specialLogit: fn('torch.special.logit', 'logit(Tensor input, float? eps=None)', (a) =>
    pm.logit(a.input, a.eps),
  ),
  specialXlogy: fn('torch.special.xlogy', 'xlogy(Tensor|Scalar input, Tensor|Scalar other)', (a) =>
    pm.xlogy(a.input, a.other),
  ),
  specialXlog1py: fn('torch.special.xlog1py', 'xlog1py(Tensor|Scalar input, Tensor|Scalar other)', (a) =>
    pm.xlog1py(a.input, a.other),
  ),
  specialExp2: fn('torch.special.exp2', 'exp2(Tensor input)', (a) => pm.exp2(a.input)),
  specialExpm1: fn('torch.special.expm1', 'expm1(Tensor input)', (a) => pw.expm1(a.input)),
  specialLog1p: fn('torch.special.log1p', 'log1p(Tensor input)', (a) => pw.log1p(a.input)),
  specialSinc: fn('torch.special.sinc', 'sinc(Tensor input)', (a) => pm.sinc(a.input)),
  specialRound: fn('torch.special.round', 'round(Tensor input, *, int decimals=0)', (a) =>
    pm.roundDecimals(a.input, a.decimals),
  ),
  specialErf: fn('torch.special.erf', 'erf(Tensor input)', (a) => pw.erf(a.input)),
  specialErfc: fn('torch.special.erfc', 'erfc(Tensor input)', (a) => pm.erfc(a.input)),
  specialEntr: fn('torch.special.entr', 'entr(Tensor input)', (a) => pm.entr(a.input)),
  specialNdtr: fn('torch.special.ndtr', 'ndtr(Tensor input)', (a) => pm.ndtr(a.input)),
  polygamma: fn('torch.polygamma', 'polygamma(int n, Tensor input)', (a) => pm.polygamma(a.n, a.input)),
  specialPolygamma: fn('torch.special.polygamma', 'polygamma(int n, Tensor input)', (a) =>
    pm.polygamma(a.n, a.input),
  ),
  specialGammaln: fn('torch.special.gammaln', 'gammaln(Tensor input)', (a) => pm.lgamma(a.input)),
  specialDigamma: fn('torch.special.digamma', 'digamma(Tensor input)', (a) => pm.digamma(a.input)),
  specialPsi: fn('torch.special.psi', 'psi(Tensor input)', (a) => pm.digamma(a.input)),
  specialMultigammaln: fn('torch.special.multigammaln', 'multigammaln(Tensor input, int p)', (a) =>
    pm.mvlgamma(a.input, a.p),
  ),
  specialErfinv: fn('torch.special.erfinv', 'erfinv(Tensor input)', (a) => pm.erfinv(a.input)),
  specialI0: fn('torch.special.i0', 'i0(Tensor input)', (a) => pm.i0(a.input)),
  specialI0e: fn('torch.special.i0e', 'i0e(Tensor input)', (a) => pm.i0e(a.input)),
  specialI1: fn('torch.special.i1', 'i1(Tensor input)', (a) => pm.i1(a.input)),
  specialI1e: fn('torch.special.i1e', 'i1e(Tensor input)', (a) => pm.i1e(a.input)),
  specialErfcx: fn('torch.special.erfcx', 'erfcx(Tensor input)', (a) => pm.erfcx(a.input)),
  specialLogNdtr: fn('torch.special.logNdtr', 'log_ndtr(Tensor input)', (a) => pm.logNdtr(a.input)),
  specialNdtri: fn('torch.special.ndtri', 'ndtri(Tensor input)', (a) => pm.ndtri(a.input)),
  // ── linalg (helper linalg) ──
  cdist: fn('torch.cdist', 'cdist(Tensor x1, Tensor x2, float p=2, str? compute_mode=None)', (a) =>
    la.cdist(a.x1, a.x2, a.p),
  ),
  linalgCross: fn('torch.linalg.cross', 'cross(Tensor input, Tensor other, *, int dim=-1)', (a) =>
    la.linalgCross(a.input, a.other, a.dim),
  ),
  linalgDet: fn('torch.linalg.det', 'det(Tensor A)', (a) => la.det(a.A)),
  linalgSlogdet: fn('torch.linalg.slogdet', 'slogdet(Tensor A)', (a) => la.slogdet(a.A)),
  linalgInv: fn('torch.linalg.inv', 'inv(Tensor A)', (a) => la.inv(a.A)),
  linalgCholesky: fn('torch.linalg.cholesky', 'cholesky(Tensor A, *, bool upper=False)', (a) =>
    la.cholesky(a.A, a.upper),
  ),
  linalgVecdot: fn('torch.linalg.vecdot', 'vecdot(Tensor x, Tensor y, *, int dim=-1)', (a) =>
    la.vecdot(a.x, a.y, a.dim),
  ),
  linalgCond: fn('torch.linalg.cond', 'cond(Tensor A, float|"fro"|"nuc"? p=None)', (a) => la.cond(a.A, a.p)),
  linalgEigh: fn('torch.linalg.eigh', 'eigh(Tensor A, str UPLO="L")', (a) => la.eigh(a.A, a.UPLO)),
  linalgEigvalsh: fn('torch.linalg.eigvalsh', 'eigvalsh(Tensor A, str UPLO="L")', (a) =>
    la.eigvalsh(a.A, a.UPLO),
  ),
  linalgHouseholderProduct: fn(
    'torch.linalg.householderProduct',
    'householder_product(Tensor input, Tensor tau)',
    (a) => la.householderProduct(a.input, a.tau),
  ),
  linalgLstsq: fn(
    'torch.linalg.lstsq',
    'lstsq(Tensor A, Tensor B, float? rcond=None, *, str? driver=None)',
    (a) => la.lstsq(a.A, a.B, a.rcond, a.driver),
  ),
  linalgMatrixPower: fn('torch.linalg.matrixPower', 'matrix_power(Tensor A, int n)', (a) =>
    la.matrixPower(a.A, a.n),
  ),
  linalgMultiDot: fn('torch.linalg.multiDot', 'multi_dot(Tensor[] tensors)', (a) => la.multiDot(a.tensors)),
  linalgNorm: fn(
    'torch.linalg.norm',
    'norm(Tensor A, float|"fro"|"nuc"? ord=None, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
    (a) => la.linalgNorm(castTo(a.A, a.dtype), a.ord, a.dim, a.keepdim),
  ),
  linalgMatrixNorm: fn(
    'torch.linalg.matrixNorm',
    'matrix_norm(Tensor A, float|"fro"|"nuc" ord="fro", int[] dim=[-2,-1], bool keepdim=False, *, ScalarType? dtype=None)',
    (a) => la.matrixNorm(castTo(a.A, a.dtype), a.ord, a.dim, a.keepdim),
  ),
  linalgVectorNorm: fn(
    'torch.linalg.vectorNorm',
    'vector_norm(Tensor x, float ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)',
    (a) => la.vectorNorm(castTo(a.x, a.dtype), a.ord, a.dim, a.keepdim),
  ),
  linalgQr: fn('torch.linalg.qr', 'qr(Tensor A, str mode="reduced")', (a) => la.qr(a.A, a.mode)),
  linalgVander: fn('torch.linalg.vander', 'vander(Tensor x, *, int? N=None)', (a) => la.vander(a.x, a.N)),
  linalgLu: fn('torch.linalg.lu', 'lu(Tensor A, *, bool pivot=True)', (a) => la.lu(a.A, a.pivot)),
  linalgSolve: fn('torch.linalg.solve', 'solve(Tensor A, Tensor B, *, bool left=True)', (a) =>
    la.solve(a.A, a.B, a.left),
  ),
  linalgSolveTriangular: fn(
    'torch.linalg.solveTriangular',
    'solve_triangular(Tensor A, Tensor B, *, bool upper, bool left=True, bool unitriangular=False)',
    (a) => la.solveTriangular(a.A, a.B, a.upper, a.left, a.unitriangular),
  ),
  linalgMatrixRank: fn(
    'torch.linalg.matrixRank',
    'matrix_rank(Tensor A, *, Tensor|float? atol=None, Tensor|float? rtol=None, bool hermitian=False)',
    (a) => la.matrixRank(a.A, a.atol, a.rtol, a.hermitian),
  ),
  linalgPinv: fn(
    'torch.linalg.pinv',
    'pinv(Tensor A, *, Tensor|float? atol=None, Tensor|float? rtol=None, bool hermitian=False)',
    (a) => la.pinv(a.A, a.atol, a.rtol, a.hermitian),
  ),
  linalgSvd: fn('torch.linalg.svd', 'svd(Tensor A, bool full_matrices=True, *, str? driver=None)', (a) =>
    la.svd(a.A, a.fullMatrices),
  ),
  linalgSvdvals: fn('torch.linalg.svdvals', 'svdvals(Tensor A, *, str? driver=None)', (a) => la.svdvals(a.A)),
  linalgTensorinv: fn('torch.linalg.tensorinv', 'tensorinv(Tensor A, int ind=2)', (a) =>
    la.tensorinv(a.A, a.ind),
  ),
  linalgTensorsolve: fn(
    'torch.linalg.tensorsolve',
    'tensorsolve(Tensor A, Tensor B, int[]? dims=None)',
    (a) => la.tensorsolve(a.A, a.B, a.dims),
  ),
  linalgMatrixExp: fn('torch.linalg.matrixExp', 'matrix_exp(Tensor A)', (a) => la.matrixExp(a.A)),
  // ── sort/misc (helper sortmisc) ──
  searchsorted: fn(
    'torch.searchsorted',
    'searchsorted(Tensor sorted_sequence, Tensor|Scalar input, *, bool out_int32=False, bool right=False, "left"|"right"? side=None, Tensor? sorter=None)',
    (a) => int32If(a.outInt32, so.searchsorted(a.sortedSequence, scalarOr(a.input), a)),
  ),
  bucketize: fn(
    'torch.bucketize',
    'bucketize(Tensor|Scalar input, Tensor boundaries, *, bool out_int32=False, bool right=False)',
    (a) => int32If(a.outInt32, so.bucketize(scalarOr(a.input), a.boundaries, a.right)),
  ),
  isin: fn(
    'torch.isin',
    'isin(Tensor|Scalar elements, Tensor|Scalar test_elements, *, bool assume_unique=False, bool invert=False)',
    (a) => so.isin(scalarOr(a.elements), scalarOr(a.testElements), a.invert),
  ),
  fill: fn('torch.fill', 'fill(Tensor input, Scalar value)', (a) => mo.fill(a.input, Number(a.value))),
  nativeLayerNorm: fn(
    'torch.nativeLayerNorm',
    'native_layer_norm(Tensor input, int[] normalized_shape, Tensor? weight, Tensor? bias, float eps)',
    (a) => mo.nativeLayerNorm(a.input, a.normalizedShape, a.weight, a.bias, a.eps),
  ),
  nativeBatchNorm: fn(
    'torch.nativeBatchNorm',
    'native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps)',
    (a) =>
      mo.nativeBatchNorm(
        a.input,
        a.weight,
        a.bias,
        a.runningMean,
        a.runningVar,
        a.training,
        a.momentum,
        a.eps,
      ),
  ),
  gradient: fn(
    'torch.gradient',
    'gradient(Tensor input, *, Any? spacing=None, int[1]? dim=None, int edge_order=1)',
    (a) => mo.gradient(a.input, a.spacing, a.dim, a.edgeOrder),
  ),
  // torch.ops.aten: PyTorch's operator namespace; the few of its ops that have no other name.
  atenSlice: fn(
    'torch.ops.aten.slice',
    'slice(Tensor self, int dim=0, int? start=None, int? end=None, int step=1)',
    (a) => sh.slice(a.self, a.dim, a.start ?? 0, a.end, a.step),
  ),
  segmentReduce: fn(
    'torch.segmentReduce',
    'segment_reduce(Tensor data, "sum"|"mean"|"max"|"min"|"prod" reduce, *, Tensor? lengths=None, Tensor? indices=None, Tensor? offsets=None, int axis=0, bool unsafe=False, Scalar? initial=None)',
    (a) =>
      mo.segmentReduce(
        a.data,
        a.reduce,
        a.lengths,
        a.offsets,
        a.axis,
        a.initial === null ? null : Number(a.initial),
      ),
  ),
  // --- dtype ---
  promoteTypes: fn('torch.promoteTypes', 'promote_types(ScalarType type1, ScalarType type2)', (a) =>
    promoteTypes(normalizeDType(a.type1), normalizeDType(a.type2)),
  ),
  resultType: fn('torch.resultType', 'result_type(Tensor|Scalar tensor, Tensor|Scalar other)', (a) =>
    resultType(
      [a.tensor, a.other].map((v) => (typeof v === 'object' ? { dtype: v.dtype, dim: v.dim() } : v)),
    ),
  ),
  canCast: fn('torch.canCast', 'can_cast(ScalarType from, ScalarType to)', (a) =>
    canCast(normalizeDType(a.from), normalizeDType(a.to)),
  ),
  setDefaultDtype: fn('torch.setDefaultDtype', 'set_default_dtype(ScalarType d)', (a) => {
    const d = normalizeDType(a.d);
    if (d !== 'float32' && d !== 'float64')
      throw new TypeError(`only floating-point types are supported as the default type (got ${d})`);
    defaultFloat.dtype = d;
  }),
  getDefaultDtype: fn('torch.getDefaultDtype', 'get_default_dtype()', () => defaultFloat.dtype),
  iinfo: fn('torch.iinfo', 'iinfo(ScalarType type)', (a) => iinfo(a.type)),
  finfo: fn('torch.finfo', 'finfo(ScalarType? type=None)', (a) => finfo(a.type ?? undefined)),
  // --- perfmlp ---
  setNumThreads: fn('torch.setNumThreads', 'set_num_threads(int int)', (a) => {
    if (!Number.isInteger(a.int) || a.int <= 0)
      throw new RangeError('set_num_threads expects a positive integer');
    intraOp.threads = a.int;
  }),
  getNumThreads: fn('torch.getNumThreads', 'get_num_threads()', () => intraOp.threads),
};
/** A Scalar argument as a number (a bool is 0 or 1). */
const scalarOr = (v: Tensor | number | boolean): Tensor | number => (typeof v === 'boolean' ? Number(v) : v);
/** searchsorted/bucketize's `out_int32`: the indices as int32 instead of int64. */
const int32If = (yes: boolean, t: Tensor): Tensor => (yes ? pw.cast(t, 'int32') : t);
