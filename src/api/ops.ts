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
import * as act from '../ops/activation.js';
import * as cr from '../ops/creation.js';
import { cumsum as cumsumOp } from '../ops/cumulative.js';
import * as idx from '../ops/indexing.js';
import * as mm from '../ops/matmul.js';
import * as pw from '../ops/pointwise.js';
import * as pm from '../ops/pointwise-more.js';
import * as red from '../ops/reduce.js';
import * as sh from '../ops/shape.js';
import { fn, form, method, overloads } from '../signature/bind.js';
import type { Bound } from '../signature/types.js';
import { normalizeDType } from '../tensor/dtype.js';
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
  norm: 'norm(Tensor input, float|"fro"? p="fro", int[1]? dim=None, bool keepdim=False, ScalarType? dtype=None)',
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
  narrow: 'narrow(Tensor input, int dim, int start, int length)',
  select: 'select(Tensor input, int dim, int index)',
  split: 'split(Tensor input, int|int[] split_size_or_sections, int dim=0)',
  chunk: 'chunk(Tensor input, int chunks, int dim=0)',
  unbind: 'unbind(Tensor input, int dim=0)',
  flip: 'flip(Tensor input, int[] dims)',
  tril: 'tril(Tensor input, int diagonal=0)',
  triu: 'triu(Tensor input, int diagonal=0)',
  movedim: 'movedim(Tensor input, int source, int destination)',
  moveaxis: 'moveaxis(Tensor input, int source, int destination)',
  gather: 'gather(Tensor input, int dim, Tensor index)',
  scatterAdd: 'scatter_add(Tensor input, int dim, Tensor index, Tensor src)',
  indexSelect: 'index_select(Tensor input, int dim, Tensor index)',
  // -- SIG: products and shape (ops-products) --
  // -- SIG: pointwise (ops-pointwise) --
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
  norm: both('norm', SIG.norm, (a) => red.norm(castTo(a.input, a.dtype), a.p ?? 'fro', allDims(a.dim), a)),
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
  unflatten: both('unflatten', SIG.unflatten, (a) => sh.unflatten(a.input, a.dim, a.sizes)),
  narrow: both('narrow', SIG.narrow, (a) => sh.narrow(a.input, a.dim, a.start, a.length)),
  select: both('select', SIG.select, (a) => sh.select(a.input, a.dim, a.index)),
  split: both('split', SIG.split, (a) => sh.split(a.input, a.splitSizeOrSections, a.dim)),
  chunk: both('chunk', SIG.chunk, (a) => sh.chunk(a.input, a.chunks, a.dim)),
  unbind: both('unbind', SIG.unbind, (a) => sh.unbind(a.input, a.dim)),
  flip: both('flip', SIG.flip, (a) => sh.flip(a.input, a.dims)),
  tril: both('tril', SIG.tril, (a) => sh.tril(a.input, a.diagonal)),
  triu: both('triu', SIG.triu, (a) => sh.triu(a.input, a.diagonal)),
  movedim: both('movedim', SIG.movedim, (a) => sh.movedim(a.input, a.source, a.destination)),
  moveaxis: both('moveaxis', SIG.moveaxis, (a) => sh.movedim(a.input, a.source, a.destination)),
  clone: both('clone', SIG.clone, (a) => sh.clone(a.input)),

  // ---- indexing ----
  gather: both('gather', SIG.gather, (a) => idx.gather(a.input, a.dim, a.index)),
  scatterAdd: both('scatterAdd', SIG.scatterAdd, (a) => idx.scatterAdd(a.input, a.dim, a.index, a.src)),
  indexSelect: both('indexSelect', SIG.indexSelect, (a) => idx.indexSelect(a.input, a.dim, a.index)),
  // -- ops: products and shape (ops-products) --
  // -- ops: pointwise (ops-pointwise) --
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
  sgn: both('sgn', SIG.sgn, (a) => pw.sign(a.input)),
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
};

function correction(
  op: string,
  a: { unbiased: boolean | null; correction: number | boolean | null; keepdim: boolean },
): { correction: number; keepdim: boolean } {
  if (a.unbiased !== null && a.correction !== null)
    throw new TypeError(`torch.${op}(): pass either 'unbiased' or 'correction', not both`);
  const c = a.correction !== null ? Number(a.correction) : a.unbiased === false ? 0 : 1;
  return { correction: c, keepdim: a.keepdim };
}

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
    (a) => cr.full(a.size, a.fillValue, opts(a)),
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
  // -- functions: pointwise (ops-pointwise) --
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
  specialEntr: fn('torch.special.entr', 'entr(Tensor input)', (a) => pm.entr(a.input)),
  specialNdtr: fn('torch.special.ndtr', 'ndtr(Tensor input)', (a) => pm.ndtr(a.input)),
};
