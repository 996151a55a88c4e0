/**
 * The `torch` namespace's functions: every one bound through PyTorch's parameter list (api/ops.ts).
 * The layers' functional ops (conv, norms, pooling, activations) are nn.functional's; the ones
 * PyTorch also has under `torch.` are re-exported from there.
 */
import { functions, ops } from './ops.js';
// ── special/fft (helper special) ──
import { fftFunctions, specialMore } from './special-fft.js';

export const {
  abs,
  add,
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  atan2,
  bmm,
  ceil,
  chunk,
  clamp,
  clip,
  clone,
  cos,
  cumsum,
  div,
  dot,
  eq,
  erf,
  exp,
  expm1,
  flatten,
  flip,
  floor,
  gather,
  ge,
  gt,
  indexSelect,
  isfinite,
  isinf,
  isnan,
  le,
  log,
  log10,
  log1p,
  log2,
  logSoftmax,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  logsumexp,
  lt,
  maskedFill,
  matmul,
  maximum,
  mean,
  minimum,
  mm,
  moveaxis,
  movedim,
  mul,
  narrow,
  ne,
  neg,
  negative,
  norm,
  outer,
  permute,
  pow,
  prod,
  reciprocal,
  relu,
  remainder,
  reshape,
  round,
  rsqrt,
  rsub,
  scatterAdd,
  select,
  sigmoid,
  sign,
  sin,
  softmax,
  split,
  sqrt,
  square,
  squeeze,
  std,
  sub,
  sum,
  swapaxes,
  t,
  tan,
  tanh,
  transpose,
  tril,
  triu,
  trunc,
  unbind,
  unflatten,
  unsqueeze,
  // products and shape (ops-products)
  addbmm,
  addmm,
  addmv,
  addr,
  baddbmm,
  broadcastTo,
  diag,
  diagEmbed,
  diagflat,
  diagonal,
  dsplit,
  fliplr,
  flipud,
  hsplit,
  inner,
  kron,
  mv,
  ravel,
  roll,
  rot90,
  tensorSplit,
  tile,
  trace,
  vdot,
  vsplit,
  narrowCopy,
  splitWithSizes,
  cross,
  repeatInterleave,
  // -- pointwise (ops-pointwise) --
  acos,
  arccos,
  asin,
  arcsin,
  atan,
  arctan,
  arctan2,
  acosh,
  arccosh,
  asinh,
  arcsinh,
  atanh,
  arctanh,
  sinh,
  cosh,
  exp2,
  deg2rad,
  rad2deg,
  frac,
  fix,
  absolute,
  positive,
  sgn,
  signbit,
  logit,
  sinc,
  nanToNum,
  clampMin,
  clampMax,
  addcmul,
  addcdiv,
  lerp,
  fmod,
  hypot,
  logaddexp,
  logaddexp2,
  xlogy,
  copysign,
  heaviside,
  floatPower,
  multiply,
  subtract,
  divide,
  trueDivide,
  fmax,
  fmin,
  floorDivide,
  ldexp,
  isclose,
  isposinf,
  isneginf,
  isreal,
  real,
  angle,
  conj,
  conjPhysical,
  resolveConj,
  resolveNeg,
  erfc,
  nextafter,
  lgamma,
  digamma,
  mvlgamma,
  erfinv,
  i0,
  // -- indexing and reductions (ops-index) --
  scatter,
  scatterReduce,
  indexAdd,
  indexCopy,
  indexFill,
  indexReduce,
  indexPut,
  put,
  take,
  takeAlongDim,
  maskedSelect,
  maskedScatter,
  nonzero,
  argwhere,
  selectScatter,
  sliceScatter,
  diagonalScatter,
  cumprod,
  cummax,
  cummin,
  logcumsumexp,
  nansum,
  nanmean,
  countNonzero,
  varMean,
  stdMean,
  aminmax,
  asStridedScatter,
  diff,
  renorm,
  median,
  nanmedian,
  kthvalue,
  mode,
  quantile,
  nanquantile,
  cov,
  corrcoef,
  histc,
  histogram,
  // ── linalg (helper linalg) ──
  cholesky,
  choleskyInverse,
  choleskySolve,
  geqrf,
  matrixExp,
  matrixPower,
  dist,
  ormqr,
  qr,
  triangularSolve,
  svd,
  pinverse,
  det,
  logdet,
  slogdet,
  inverse,
  symeig,
} = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, v.fn])) as {
  [K in keyof typeof ops]: (typeof ops)[K]['fn'];
};
/** torch.var (a reserved word in JS, so exported by name). */
const varFn = ops.var.fn;

export { varFn as var };
export const {
  tensor,
  fromArray,
  zeros,
  ones,
  empty,
  full,
  zerosLike,
  onesLike,
  emptyLike,
  fullLike,
  randLike,
  randnLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  randperm,
  cat,
  concat,
  stack,
  where,
  max,
  min,
  dropout,
  // products and shape (ops-products)
  einsum,
  tensordot,
  broadcastTensors,
  meshgrid,
  hstack,
  vstack,
  rowStack,
  dstack,
  columnStack,
  atleast1d,
  atleast2d,
  atleast3d,
  trilIndices,
  triuIndices,
  blockDiag,
  cartesianProd,
  combinations,
  constantPadNd,
  polygamma,
  // indexing and reductions (ops-index)
  trapezoid,
  trapz,
  cumulativeTrapezoid,
  // ── linalg (helper linalg) ──
  cdist,
} = functions;

/** torch.special: the special functions PyTorch groups there (those torchts has). */
export const special = {
  expit: functions.specialExpit,
  logit: functions.specialLogit,
  xlogy: functions.specialXlogy,
  xlog1py: functions.specialXlog1py,
  exp2: functions.specialExp2,
  expm1: functions.specialExpm1,
  log1p: functions.specialLog1p,
  sinc: functions.specialSinc,
  round: functions.specialRound,
  erf: functions.specialErf,
  erfc: functions.specialErfc,
  entr: functions.specialEntr,
  ndtr: functions.specialNdtr,
  ndtri: functions.specialNdtri,
  polygamma: functions.specialPolygamma,
  gammaln: functions.specialGammaln,
  digamma: functions.specialDigamma,
  psi: functions.specialPsi,
  multigammaln: functions.specialMultigammaln,
  erfinv: functions.specialErfinv,
  erfcx: functions.specialErfcx,
  logNdtr: functions.specialLogNdtr,
  i0: functions.specialI0,
  i0e: functions.specialI0e,
  i1: functions.specialI1,
  i1e: functions.specialI1e,
  // ── special/fft (helper special) ──
  ...specialMore,
};

/** torch.masked: reductions and normalizations over the elements where `mask` is true. */
export const masked = {
  sum: functions.maskedSum,
  prod: functions.maskedProd,
  amax: functions.maskedAmax,
  amin: functions.maskedAmin,
  mean: functions.maskedMean,
  logsumexp: functions.maskedLogsumexp,
  argmax: functions.maskedArgmax,
  argmin: functions.maskedArgmin,
  var: functions.maskedVar,
  std: functions.maskedStd,
  norm: functions.maskedNorm,
  normalize: functions.maskedNormalize,
  median: functions.maskedMedian,
  cumsum: functions.maskedCumsum,
  cumprod: functions.maskedCumprod,
  softmax: functions.maskedSoftmax,
  logSoftmax: functions.maskedLogSoftmax,
  softmin: functions.maskedSoftmin,
  logaddexp: functions.maskedLogaddexp,
};

// Functional ops PyTorch also has under `torch.` (and a few torchts kept there), bound once in
// nn.functional.
export {
  batchNorm,
  conv1d,
  conv2d,
  convTranspose2d,
  elu,
  embedding,
  gelu,
  groupNorm,
  hardtanh,
  layerNorm,
  leakyRelu,
  linear,
  maxPool2d,
  mish,
  oneHot,
  pad,
  relu6,
  selu,
  silu,
  softplus,
} from '../nn/functional.js';
export type { NestedNumbers, RandomOptions, TensorOptions } from '../ops/creation.js';

// ── special/fft (helper special) ──
export { igamma, igammac, istft, stft } from './special-fft.js';
/** torch.fft: the transforms torchts has (real inputs and outputs; no complex dtype). */
export const fft = { ...fftFunctions };

// ── linalg (helper linalg) ──
/** torch.linalg: decompositions, solvers, inverses and norms. */
export const linalg = {
  cross: functions.linalgCross,
  det: functions.linalgDet,
  slogdet: functions.linalgSlogdet,
  inv: functions.linalgInv,
  cholesky: functions.linalgCholesky,
  vecdot: functions.linalgVecdot,
  cond: functions.linalgCond,
  eigh: functions.linalgEigh,
  eigvalsh: functions.linalgEigvalsh,
  householderProduct: functions.linalgHouseholderProduct,
  lstsq: functions.linalgLstsq,
  matrixPower: functions.linalgMatrixPower,
  multiDot: functions.linalgMultiDot,
  norm: functions.linalgNorm,
  matrixNorm: functions.linalgMatrixNorm,
  vectorNorm: functions.linalgVectorNorm,
  qr: functions.linalgQr,
  vander: functions.linalgVander,
  lu: functions.linalgLu,
  solve: functions.linalgSolve,
  solveTriangular: functions.linalgSolveTriangular,
  matrixRank: functions.linalgMatrixRank,
  pinv: functions.linalgPinv,
  svd: functions.linalgSvd,
  svdvals: functions.linalgSvdvals,
  tensorinv: functions.linalgTensorinv,
  tensorsolve: functions.linalgTensorsolve,
  matrixExp: functions.linalgMatrixExp,
};
// ── sort/misc (helper sortmisc) ──
export const sort = ops.sort.fn;
export const argsort = ops.argsort.fn;
export const msort = ops.msort.fn;
export const topk = ops.topk.fn;
export const unique = ops.unique.fn;
export const uniqueConsecutive = ops.uniqueConsecutive.fn;
export const searchsorted = functions.searchsorted;
export const bucketize = functions.bucketize;
export const isin = functions.isin;
export const asStrided = ops.asStrided.fn;
export const fill = functions.fill;
export const nativeLayerNorm = functions.nativeLayerNorm;
export const nativeBatchNorm = functions.nativeBatchNorm;
export const gradient = functions.gradient;
export const segmentReduce = functions.segmentReduce;
/** torch.ops.aten: PyTorch's operator namespace (the aten ops torchts has no other name for). */
const atenOps = { aten: { slice: functions.atenSlice } };

export { atenOps as ops };

// ── modules (helper modules) ──
import { randomFunctions } from './random-more.js';

export const multinomial = randomFunctions.multinomial;
export const bernoulli = randomFunctions.bernoulli;
export const normal = randomFunctions.normal;
export const poisson = randomFunctions.poisson;

// -- data-dependent shapes, awaited: the forms that run on every device (ops/data-dependent.ts) --
/** `nonzero` on any device: the count is read back, so it is awaited. */
export const nonzeroAsync = ops.nonzeroAsync.fn;
/** `argwhere` on any device (awaited). */
export const argwhereAsync = ops.argwhereAsync.fn;
/** `maskedSelect` on any device (awaited). */
export const maskedSelectAsync = ops.maskedSelectAsync.fn;
/** `unique` on any device (awaited). */
export const uniqueAsync = ops.uniqueAsync.fn;
/** `uniqueConsecutive` on any device (awaited). */
export const uniqueConsecutiveAsync = ops.uniqueConsecutiveAsync.fn;
/** `repeatInterleave` with a repeats tensor on any device (awaited; or pass `outputSize`). */
export const repeatInterleaveAsync = ops.repeatInterleaveAsync.fn;
// --- dtype ---
export const bitwiseAnd = ops.bitwiseAnd.fn;
export const bitwiseOr = ops.bitwiseOr.fn;
export const bitwiseXor = ops.bitwiseXor.fn;
export const bitwiseNot = ops.bitwiseNot.fn;
export const bitwiseLeftShift = ops.bitwiseLeftShift.fn;
export const bitwiseRightShift = ops.bitwiseRightShift.fn;
export const promoteTypes = functions.promoteTypes;
export const resultType = functions.resultType;
export const canCast = functions.canCast;
export const setDefaultDtype = functions.setDefaultDtype;
export const getDefaultDtype = functions.getDefaultDtype;
export const iinfo = functions.iinfo;
export const finfo = functions.finfo;
