/**
 * The `torch` namespace's functions: every one bound through PyTorch's parameter list in
 * api/ops.ts (the signature tables; docs/api-signatures.md lists the signatures). This file only
 * names them: each `export const x = ops.x.fn` (or `functions.x`) is the table's own function
 * object, with the doc comment an editor shows on hover and TypeDoc renders. A new torch.*
 * function gets its line here, with its comment (test/architecture and `npm run lint` check).
 * The layers' functional ops (conv, norms, pooling, activations) are nn.functional's; the ones
 * PyTorch also has under `torch.` are re-exported from there.
 *
 * Conventions shared by the comments below: arguments go positionally in PyTorch's order or by
 * name (camelCase) in a trailing options object; binary ops broadcast their operands and promote
 * dtypes as PyTorch does; `dim` may be negative (counted from the end); a reduction's
 * `keepdim=true` keeps each reduced dim with size 1; an op returning several tensors (PyTorch's
 * named tuples) returns an array.
 */
import { functions, ops } from './ops.js';
import { randomFunctions } from './random-more.js';
import { fftFunctions, specialMore } from './special-fft.js';

// ---- creation ----

/**
 * A tensor from (nested) arrays of numbers or booleans, a typed array, or a tensor (copied).
 * The dtype is inferred unless given: all booleans give bool, all integers within int32's range
 * (or bigints) give int64, anything else the default float dtype (float32, see
 * `setDefaultDtype`). JS has no float literals, so `[1.0, 2.0]` is integer data: pass
 * `dtype: 'float32'` for it. Defaults: `dtype=null` (inferred), `device='cpu'`,
 * `requiresGrad=false`.
 * @example
 * ```ts
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' });
 * const w = torch.tensor([0.5, -1.5], { requiresGrad: true });
 * ```
 */
export const tensor = functions.tensor;
/**
 * A tensor from a flat typed array (copied) and a shape (default: 1-D of the array's length).
 * The dtype follows the array unless given: Float32Array float32, Float64Array float64,
 * Uint8Array uint8, Int8Array int8, Int16Array int16, Int32Array/Uint16Array int32, other
 * integer arrays int64 (range-checked); a plain number array gives the default float dtype.
 * torchts' counterpart of `torch.from_numpy`.
 * @example
 * ```ts
 * const img = torch.fromArray(new Uint8Array(784), [1, 28, 28]); // uint8
 * ```
 */
export const fromArray = functions.fromArray;
/**
 * A tensor of zeros of the given size, of the default float dtype on the CPU unless `dtype` /
 * `device` say otherwise; `requiresGrad` defaults to false.
 * @example
 * ```ts
 * const b = torch.zeros([3, 4]);
 * const m = torch.zeros([2, 2], { dtype: 'int64', device: 'webgpu' });
 * ```
 */
export const zeros = functions.zeros;
/**
 * A tensor of ones of the given size (default float dtype, CPU, `requiresGrad=false`, as
 * `zeros`).
 */
export const ones = functions.ones;
/**
 * A tensor of the given size whose values are unspecified in PyTorch; torchts fills it with
 * zeros. `dtype` (default null: the default float dtype) and the other options as `zeros`.
 */
export const empty = functions.empty;
/**
 * A tensor of the given size filled with `fillValue`. Unless `dtype` is given the dtype follows
 * the fill value, as in PyTorch: bool for a boolean, int64 for an integer number (`7`, and also
 * `7.0`, which JavaScript cannot tell apart), the default float dtype otherwise. Defaults: CPU,
 * `requiresGrad=false`.
 * @example
 * ```ts
 * const sevens = torch.full([2, 3], 7);
 * ```
 */
export const full = functions.full;
/** Zeros with the shape of `input` and, unless given, its dtype and device. */
export const zerosLike = functions.zerosLike;
/** Ones with the shape of `input` and, unless given, its dtype and device. */
export const onesLike = functions.onesLike;
/** A tensor with the shape, dtype and device of `input` (zero-filled in torchts). */
export const emptyLike = functions.emptyLike;
/** `fillValue` with the shape of `input` and, unless given, its dtype and device. */
export const fullLike = functions.fullLike;
/**
 * Uniform draws from [0, 1) with the shape of `input` and, unless given, its dtype and device
 * (a floating dtype); `generator` defaults to the global one.
 */
export const randLike = functions.randLike;
/**
 * Standard normal draws with the shape of `input` and, unless given, its dtype and device (a
 * floating dtype); `generator` defaults to the global one.
 */
export const randnLike = functions.randnLike;
/**
 * The 1-D range [start, end) in steps of `step` (`arange(end)` starts at 0; `step` defaults to
 * 1 and may be negative or fractional). The dtype is int64 when every argument is an integer,
 * else the default float dtype, unless `dtype` is given.
 * @example
 * ```ts
 * torch.arange(5); // int64 [0, 1, 2, 3, 4]
 * torch.arange(0, 1, 0.25); // float32 [0, 0.25, 0.5, 0.75]
 * ```
 */
export const arange = functions.arange;
/**
 * `steps` evenly spaced values from `start` to `end`, both included, in the default float
 * dtype unless `dtype` is given.
 * @example
 * ```ts
 * torch.linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export const linspace = functions.linspace;
/**
 * The n×m identity matrix (ones on the main diagonal); `m` defaults to `n`. Default float
 * dtype on the CPU unless given.
 */
export const eye = functions.eye;
/**
 * Uniform draws from [0, 1) of the given size, of a floating dtype (default: the default float
 * dtype), from `generator` (default: the global one, seeded by `manualSeed`).
 * @example
 * ```ts
 * torch.manualSeed(0);
 * const u = torch.rand([2, 3]);
 * ```
 */
export const rand = functions.rand;
/**
 * Standard normal draws (mean 0, standard deviation 1) of the given size; dtype, device and
 * generator as `rand`.
 * @example
 * ```ts
 * const w = torch.randn([784, 10], { requiresGrad: true });
 * ```
 */
export const randn = functions.randn;
/**
 * Integers drawn uniformly from [low, high) (`low` defaults to 0 in the `randint(high, size)`
 * form), int64 unless `dtype` is given; generator as `rand`.
 * @example
 * ```ts
 * const labels = torch.randint(10, [64]);
 * ```
 */
export const randint = functions.randint;
/** A random permutation of 0 … n−1 (int64 unless `dtype` is given); generator as `rand`. */
export const randperm = functions.randperm;
/**
 * Draws `numSamples` indices per row of `input` (1-D or 2-D non-negative, not necessarily
 * normalized weights), without replacement unless `replacement=true` (default false); int64.
 * `generator` defaults to the global one.
 */
export const multinomial = randomFunctions.multinomial;
/**
 * 0/1 draws of `input`'s shape and dtype: each element is 1 with probability given by the
 * element of `input` (or by `p` in the `bernoulli(input, p)` form). `generator` defaults to the
 * global one.
 */
export const bernoulli = randomFunctions.bernoulli;
/**
 * Normal draws with the given means and standard deviations, each a tensor or a number
 * (broadcast together); the `normal(mean, std, size)` form with two numbers draws a tensor of
 * `size` (on `device`, default CPU). `std` defaults to 1 in the `normal(meanTensor)` form;
 * `generator` to the global one.
 */
export const normal = randomFunctions.normal;
/** Poisson draws with the rates in `input` (same shape); `generator` defaults to the global one. */
export const poisson = randomFunctions.poisson;
/**
 * Triangular-matrix indices: a 2×N int64 tensor of the (row, column) coordinates on and below
 * the `offset`-th diagonal (default 0) of a `row`×`col` matrix, row by row. `dtype` defaults to
 * int64, `device` to the CPU.
 */
export const trilIndices = functions.trilIndices;
/**
 * The 2×N (row, column) coordinates on and above the `offset`-th diagonal (default 0) of a
 * `row`×`col` matrix; `dtype` defaults to int64.
 */
export const triuIndices = functions.triuIndices;

// ---- joining, splitting and reshaping ----

/**
 * Concatenates a list of tensors along an existing dim (default 0); the other dims must match.
 * @example
 * ```ts
 * const ab = torch.cat([a, b], 1);
 * ```
 */
export const cat = functions.cat;
/** Alias of `cat` (concatenation along `dim`, default 0). */
export const concat = functions.concat;
/**
 * Joins same-shaped tensors along a new dim inserted at `dim` (default 0).
 * @example
 * ```ts
 * torch.stack([torch.zeros([3]), torch.ones([3])]); // shape [2, 3]
 * ```
 */
export const stack = functions.stack;
/** Stacks column-wise: concatenates along dim 1 (dim 0 for 1-D tensors). */
export const hstack = functions.hstack;
/** Stacks row-wise: concatenates along dim 0 after making 1-D tensors rows (1×n). */
export const vstack = functions.vstack;
/** Alias of `vstack`. */
export const rowStack = functions.rowStack;
/** Stacks depth-wise: concatenates along dim 2 after making each tensor at least 3-D. */
export const dstack = functions.dstack;
/** Makes 1-D (and 0-d) tensors columns and concatenates everything along dim 1. */
export const columnStack = functions.columnStack;
/** A tensor (or each tensor of a list) viewed with at least 1 dim. */
export const atleast1d = functions.atleast1d;
/** A tensor (or each tensor of a list) viewed with at least 2 dims (new leading dims). */
export const atleast2d = functions.atleast2d;
/** A tensor (or each tensor of a list) viewed with at least 3 dims. */
export const atleast3d = functions.atleast3d;
/** A block-diagonal matrix with the given (up to 2-D) tensors as its blocks, zeros elsewhere. */
export const blockDiag = functions.blockDiag;
/** The Cartesian product of 1-D tensors: one row per combination, a column per input. */
export const cartesianProd = functions.cartesianProd;
/**
 * The length-`r` combinations (default r=2) of a 1-D tensor's elements, one per row; with
 * `withReplacement=true` (default false) an element may repeat.
 */
export const combinations = functions.combinations;
/**
 * Pads with a constant `value` (default 0): `pad` lists (before, after) amounts from the last
 * dim backwards, as `nn.functional.pad`; negative amounts crop.
 */
export const constantPadNd = functions.constantPadNd;
/** The tensors broadcast to their common shape (as views), in a list. */
export const broadcastTensors = functions.broadcastTensors;
/**
 * Coordinate grids from 1-D tensors: N tensors of shape (len₁, …, len_N). `indexing` defaults
 * to 'ij' (matrix indexing, PyTorch 1.13's behaviour); 'xy' swaps the first two dims
 * (Cartesian indexing).
 */
export const meshgrid = functions.meshgrid;
/**
 * A tensor with the same data and number of elements in a new shape; one dim may be -1
 * (inferred). A view when the strides allow it, else a copy.
 * @example
 * ```ts
 * const flat = torch.reshape(images, [-1, 784]);
 * ```
 */
export const reshape = ops.reshape.fn;
/** A view with the dims reordered: dim i of the result is dim `dims[i]` of `input`. */
export const permute = ops.permute.fn;
/**
 * A view with dims `dim0` and `dim1` swapped.
 * @example
 * ```ts
 * torch.transpose(x, 0, 1); // same as x.t() for a matrix
 * ```
 */
export const transpose = ops.transpose.fn;
/** Alias of `transpose` (NumPy's name): swaps `axis0` and `axis1`. */
export const swapaxes = ops.swapaxes.fn;
/** The transpose of a matrix (a view); 0-d and 1-D tensors are returned as they are. */
export const t = ops.t.fn;
/** A view with a size-1 dim inserted at `dim` (negative counts from the end of the result). */
export const unsqueeze = ops.unsqueeze.fn;
/**
 * A view without size-1 dims: all of them by default (`dim=null`), or only those named by
 * `dim` (an int or a list; a named dim whose size is not 1 stays).
 */
export const squeeze = ops.squeeze.fn;
/**
 * Flattens dims `startDim` … `endDim` (defaults 0 and -1: everything, giving 1-D) into one.
 * @example
 * ```ts
 * torch.flatten(x, 1); // [N, C, H, W] -> [N, C*H*W]
 * ```
 */
export const flatten = ops.flatten.fn;
/** Splits dim `dim` into `sizes` (their product must be the dim's size; one may be -1). */
export const unflatten = ops.unflatten.fn;
/**
 * A view of `length` elements along `dim` starting at `start` (an int or a 0-d integer
 * tensor; negative counts from the end).
 */
export const narrow = ops.narrow.fn;
/** As `narrow`, but a copy rather than a view. */
export const narrowCopy = ops.narrowCopy.fn;
/** A view at position `index` of `dim`, with that dim removed (Python's `x[:, i]`). */
export const select = ops.select.fn;
/**
 * Splits along `dim` (default 0) into pieces of `splitSizeOrSections` elements (an int; the
 * last piece may be smaller) or of the listed sizes (which must add up to the dim). Views.
 * @example
 * ```ts
 * const [train, val] = torch.split(x, [800, 200]);
 * ```
 */
export const split = ops.split.fn;
/** As `split` with a list of sizes: pieces of `splitSizes` along `dim` (default 0). */
export const splitWithSizes = ops.splitWithSizes.fn;
/**
 * Splits along `dim` (default 0) into `chunks` pieces of ⌈size/chunks⌉ elements (fewer pieces
 * when the size does not allow that many). Views.
 */
export const chunk = ops.chunk.fn;
/**
 * Splits along `dim` (default 0) NumPy-style: `indicesOrSections` is a number of nearly equal
 * sections (sizes differing by at most one) or the indices (list or 1-D tensor) to cut before.
 */
export const tensorSplit = ops.tensorSplit.fn;
/** `tensorSplit` along dim 1 (dim 0 for a 1-D tensor); `sections` an int or a list of indices. */
export const hsplit = ops.hsplit.fn;
/** `tensorSplit` along dim 0 (input at least 2-D). */
export const vsplit = ops.vsplit.fn;
/** `tensorSplit` along dim 2 (input at least 3-D). */
export const dsplit = ops.dsplit.fn;
/** The slices along `dim` (default 0) as a list of views, that dim removed. */
export const unbind = ops.unbind.fn;
/** Moves dims `source` (int or list) to positions `destination`, the others keeping their order; a view. */
export const movedim = ops.movedim.fn;
/** Alias of `movedim`. */
export const moveaxis = ops.moveaxis.fn;
/** A copy with the elements reversed along each dim in `dims`. */
export const flip = ops.flip.fn;
/** Reverses dim 1 (left/right); input at least 2-D. */
export const fliplr = ops.fliplr.fn;
/** Reverses dim 0 (up/down); input at least 1-D. */
export const flipud = ops.flipud.fn;
/**
 * Shifts elements by `shifts` along `dims` (ints or matching lists), wrapping around; with
 * `dims=[]` (the default) the tensor is shifted as if flattened, then restored to its shape.
 */
export const roll = ops.roll.fn;
/**
 * Rotates by 90° `k` times (default 1; negative turns the other way) in the plane of `dims`
 * (default [0, 1]), from the first dim towards the second.
 */
export const rot90 = ops.rot90.fn;
/** Repeats the tensor `dims[i]` times along each dim (leading ones added when `dims` is shorter than the rank). */
export const tile = ops.tile.fn;
/** A view of `input` expanded (broadcast, without copying) to `size`; -1 keeps a dim's size. */
export const broadcastTo = ops.broadcastTo.fn;
/** The elements as a 1-D tensor (a view when contiguous, else a copy). */
export const ravel = ops.ravel.fn;
/** A copy of `input` with its own storage; gradients flow back to `input`. */
export const clone = ops.clone.fn;
/**
 * Repeats each element `repeats` times (an int, or a tensor of counts per element/slice)
 * along `dim`; with `dim=null` (the default) the input is flattened first. A repeats tensor
 * on the GPU needs `outputSize` (their sum; default null), or `repeatInterleaveAsync`.
 */
export const repeatInterleave = ops.repeatInterleave.fn;
/**
 * A view with the given `size`, `stride` and `storageOffset` (default: `input`'s own offset)
 * over `input`'s storage.
 */
export const asStrided = ops.asStrided.fn;

// ---- pointwise math (elementwise; binary ops broadcast and promote) ----

/**
 * Elementwise `input + alpha * other` (`alpha` defaults to 1); either operand may be a number.
 * @example
 * ```ts
 * torch.add(x, 1);
 * torch.add(x, y, { alpha: -0.5 }); // x - 0.5 y
 * ```
 */
export const add = ops.add.fn;
/** Elementwise `input - alpha * other` (`alpha` defaults to 1). */
export const sub = ops.sub.fn;
/** Alias of `sub`: `input - alpha * other` (`alpha` defaults to 1). */
export const subtract = ops.subtract.fn;
/** Reversed subtraction: `other - alpha * input` (`alpha` defaults to 1). */
export const rsub = ops.rsub.fn;
/**
 * Elementwise product; either operand may be a number.
 * @example
 * ```ts
 * torch.mul(x, 2);
 * ```
 */
export const mul = ops.mul.fn;
/** Alias of `mul`. */
export const multiply = ops.multiply.fn;
/**
 * Elementwise `input / other`. With `roundingMode=null` (the default) it is true division
 * (integer inputs give the default float dtype); 'trunc' rounds the quotient towards zero,
 * 'floor' towards −∞ (those keep integer dtypes).
 * @example
 * ```ts
 * torch.div(torch.tensor([7]), 2); // float32 [3.5]
 * torch.div(torch.tensor([-7]), 2, { roundingMode: 'floor' }); // int64 [-4]
 * ```
 */
export const div = ops.div.fn;
/** Alias of `div` (same `roundingMode`, default null: true division). */
export const divide = ops.divide.fn;
/** Alias of `div` without a rounding mode (always true division). */
export const trueDivide = ops.trueDivide.fn;
/** Division rounded towards −∞, elementwise (PyTorch 1.13's `floor_divide`; integer dtypes stay). */
export const floorDivide = ops.floorDivide.fn;
/**
 * Python's modulus: `input - floor(input / other) * other`, so the result has the sign of
 * `other` (see `fmod` for C's).
 */
export const remainder = ops.remainder.fn;
/** C's modulus: the remainder of truncated division, with the sign of `input` (see `remainder`). */
export const fmod = ops.fmod.fn;
/**
 * `input` raised to `exponent`, elementwise; either may be a number (`pow(2, x)` is 2^x).
 * @example
 * ```ts
 * torch.pow(x, 2);
 * ```
 */
export const pow = ops.pow.fn;
/**
 * `pow` computed in double precision: float64 results on the CPU; on the GPU (which has no
 * float64) float32.
 */
export const floatPower = ops.floatPower.fn;
/** The elementwise larger of two tensors; a NaN in either gives NaN (see `fmax`). */
export const maximum = ops.maximum.fn;
/** The elementwise smaller of two tensors; a NaN in either gives NaN (see `fmin`). */
export const minimum = ops.minimum.fn;
/** The elementwise larger of two tensors, ignoring NaN: NaN only where both are NaN. */
export const fmax = ops.fmax.fn;
/** The elementwise smaller of two tensors, ignoring NaN: NaN only where both are NaN. */
export const fmin = ops.fmin.fn;
/**
 * Limits each element to [min, max]; either bound may be null (the default, no limit), a
 * number or a tensor (broadcast).
 * @example
 * ```ts
 * torch.clamp(x, 0, 1);
 * torch.clamp(x, { min: 0 }); // relu
 * ```
 */
export const clamp = ops.clamp.fn;
/** Alias of `clamp` (`min` and `max` default to null: no limit). */
export const clip = ops.clip.fn;
/** `clamp` with a lower bound only (a number or a tensor). */
export const clampMin = ops.clampMin.fn;
/** `clamp` with an upper bound only (a number or a tensor). */
export const clampMax = ops.clampMax.fn;
/** `input + value * tensor1 * tensor2` elementwise (`value` defaults to 1). */
export const addcmul = ops.addcmul.fn;
/** `input + value * tensor1 / tensor2` elementwise (`value` defaults to 1). */
export const addcdiv = ops.addcdiv.fn;
/** Linear interpolation `input + weight * (end - input)`; `weight` a number or a tensor. */
export const lerp = ops.lerp.fn;
/** The absolute value, elementwise. */
export const abs = ops.abs.fn;
/** Alias of `abs`. */
export const absolute = ops.absolute.fn;
/** −input, elementwise. */
export const neg = ops.neg.fn;
/** Alias of `neg`. */
export const negative = ops.negative.fn;
/** Returns `input` itself (unary plus). */
export const positive = ops.positive.fn;
/** −1, 0 or 1 by the sign of each element; NaN gives 0, as in PyTorch 1.13. */
export const sign = ops.sign.fn;
/** The sign of each element, −1, 0 or 1 (PyTorch's complex-aware `sign`; torchts tensors are real). */
export const sgn = ops.sgn.fn;
/** True where an element's sign bit is set (negative numbers), as a bool tensor. */
export const signbit = ops.signbit.fn;
/** The magnitude of `input` with the sign of `other` (a tensor or a number), elementwise. */
export const copysign = ops.copysign.fn;
/** The step function: 0 where `input` is below 0, 1 above, and `values` where it equals 0. */
export const heaviside = ops.heaviside.fn;
/** 1/input, elementwise (integer inputs give the default float dtype). */
export const reciprocal = ops.reciprocal.fn;
/** input², elementwise. */
export const square = ops.square.fn;
/**
 * The square root, elementwise (NaN for negative inputs).
 * @example
 * ```ts
 * torch.sqrt(torch.tensor([4, 9])); // float32 [2, 3]
 * ```
 */
export const sqrt = ops.sqrt.fn;
/** 1/√input, elementwise. */
export const rsqrt = ops.rsqrt.fn;
/**
 * eˣ, elementwise.
 * @example
 * ```ts
 * torch.exp(torch.zeros([2])); // [1, 1]
 * ```
 */
export const exp = ops.exp.fn;
/** 2ˣ, elementwise. */
export const exp2 = ops.exp2.fn;
/** eˣ − 1, accurate for small x. */
export const expm1 = ops.expm1.fn;
/** `input · 2^other`, elementwise. */
export const ldexp = ops.ldexp.fn;
/** The natural logarithm, elementwise (−∞ at 0, NaN below). */
export const log = ops.log.fn;
/** The base-2 logarithm, elementwise. */
export const log2 = ops.log2.fn;
/** The base-10 logarithm, elementwise. */
export const log10 = ops.log10.fn;
/** ln(1 + x), accurate for small x. */
export const log1p = ops.log1p.fn;
/** ln(eᵃ + eᵇ) of `input` and `other`, computed without overflow. */
export const logaddexp = ops.logaddexp.fn;
/** log₂(2ᵃ + 2ᵇ) of `input` and `other`, computed without overflow. */
export const logaddexp2 = ops.logaddexp2.fn;
/** `input · ln(other)`, defined as 0 where `input` is 0 (either operand may be a number). */
export const xlogy = ops.xlogy.fn;
/**
 * The log-odds ln(p / (1 − p)). With `eps` (default null: none) the input is first clamped to
 * [eps, 1 − eps].
 */
export const logit = ops.logit.fn;
/** The logistic sigmoid 1 / (1 + e⁻ˣ), elementwise. */
export const sigmoid = ops.sigmoid.fn;
/** max(x, 0), elementwise. */
export const relu = ops.relu.fn;
/** The sine (radians), elementwise. */
export const sin = ops.sin.fn;
/** The cosine (radians), elementwise. */
export const cos = ops.cos.fn;
/** The tangent (radians), elementwise. */
export const tan = ops.tan.fn;
/** The inverse sine, elementwise (NaN outside [−1, 1]). */
export const asin = ops.asin.fn;
/** Alias of `asin`. */
export const arcsin = ops.arcsin.fn;
/** The inverse cosine, elementwise (NaN outside [−1, 1]). */
export const acos = ops.acos.fn;
/** Alias of `acos`. */
export const arccos = ops.arccos.fn;
/** The inverse tangent, elementwise. */
export const atan = ops.atan.fn;
/** Alias of `atan`. */
export const arctan = ops.arctan.fn;
/** The angle of the point (other, input): atan(input/other) in the right quadrant, in (−π, π]. */
export const atan2 = ops.atan2.fn;
/** Alias of `atan2`. */
export const arctan2 = ops.arctan2.fn;
/** The hyperbolic sine, elementwise. */
export const sinh = ops.sinh.fn;
/** The hyperbolic cosine, elementwise. */
export const cosh = ops.cosh.fn;
/** The hyperbolic tangent, elementwise. */
export const tanh = ops.tanh.fn;
/** The inverse hyperbolic sine, elementwise. */
export const asinh = ops.asinh.fn;
/** Alias of `asinh`. */
export const arcsinh = ops.arcsinh.fn;
/** The inverse hyperbolic cosine, elementwise (NaN below 1). */
export const acosh = ops.acosh.fn;
/** Alias of `acosh`. */
export const arccosh = ops.arccosh.fn;
/** The inverse hyperbolic tangent, elementwise (±∞ at ±1, NaN outside). */
export const atanh = ops.atanh.fn;
/** Alias of `atanh`. */
export const arctanh = ops.arctanh.fn;
/** √(input² + other²), elementwise: the hypotenuse. */
export const hypot = ops.hypot.fn;
/** Degrees to radians, elementwise. */
export const deg2rad = ops.deg2rad.fn;
/** Radians to degrees, elementwise. */
export const rad2deg = ops.rad2deg.fn;
/** The normalized sinc sin(πx)/(πx), 1 at 0. */
export const sinc = ops.sinc.fn;
/** The largest integer not above each element (integer dtypes unchanged). */
export const floor = ops.floor.fn;
/** The smallest integer not below each element. */
export const ceil = ops.ceil.fn;
/**
 * Rounds to the nearest integer, halves to even (0.5 → 0, 1.5 → 2), or to `decimals` decimal
 * places (default 0; negative rounds to tens, hundreds, …).
 */
export const round = ops.round.fn;
/** Rounds towards zero (drops the fractional part). */
export const trunc = ops.trunc.fn;
/** Alias of `trunc`. */
export const fix = ops.fix.fn;
/** The fractional part x − trunc(x) (with the sign of x). */
export const frac = ops.frac.fn;
/**
 * Replaces NaN by `nan` (default 0), +∞ by `posinf` and −∞ by `neginf` (defaults null: the
 * dtype's largest and lowest finite values).
 */
export const nanToNum = ops.nanToNum.fn;
/** The next representable value after `input` in the direction of `other`, elementwise. */
export const nextafter = ops.nextafter.fn;
/** The error function erf(x), elementwise. */
export const erf = ops.erf.fn;
/** The complementary error function 1 − erf(x). */
export const erfc = ops.erfc.fn;
/** The inverse error function (±∞ at ±1, NaN outside [−1, 1]). */
export const erfinv = ops.erfinv.fn;
/** ln|Γ(x)|, elementwise. */
export const lgamma = ops.lgamma.fn;
/** The digamma function ψ(x) = d/dx ln Γ(x), elementwise. */
export const digamma = ops.digamma.fn;
/** The n-th derivative of the digamma function (n = 0 is digamma), elementwise. */
export const polygamma = functions.polygamma;
/** The log of the multivariate gamma function of dimension `p` (no default), elementwise, defined for x > (p − 1)/2. */
export const mvlgamma = ops.mvlgamma.fn;
/** The modified Bessel function of the first kind of order 0, I₀(x). */
export const i0 = ops.i0.fn;
/** The real part: `input` itself (torchts has no complex dtype). */
export const real = ops.real.fn;
/** The argument of each element: 0 for non-negative, π for negative numbers (NaN stays NaN). */
export const angle = ops.angle.fn;
/** The complex conjugate: `input` itself for real tensors (torchts has no complex dtype). */
export const conj = ops.conj.fn;
/** The complex conjugate as a copy (a plain copy for real tensors). */
export const conjPhysical = ops.conjPhysical.fn;
/** `input` itself (no lazy conjugation without complex tensors). */
export const resolveConj = ops.resolveConj.fn;
/** `input` itself (no lazy negation bit in torchts). */
export const resolveNeg = ops.resolveNeg.fn;

// ---- comparison and logic (bool results, broadcasting) ----

/**
 * `input == other` elementwise as a bool tensor; `other` a tensor or a number.
 * @example
 * ```ts
 * const correct = await torch.eq(pred, labels).sum().item();
 * ```
 */
export const eq = ops.eq.fn;
/** `input != other` elementwise (bool). */
export const ne = ops.ne.fn;
/** `input < other` elementwise (bool). */
export const lt = ops.lt.fn;
/** `input <= other` elementwise (bool). */
export const le = ops.le.fn;
/** `input > other` elementwise (bool). */
export const gt = ops.gt.fn;
/** `input >= other` elementwise (bool). */
export const ge = ops.ge.fn;
/**
 * True where |input − other| ≤ atol + rtol·|other| (defaults rtol=1e-05, atol=1e-08); NaNs
 * compare equal only with `equalNan=true` (default false).
 */
export const isclose = ops.isclose.fn;
/** True where the element is NaN. */
export const isnan = ops.isnan.fn;
/** True where the element is +∞ or −∞. */
export const isinf = ops.isinf.fn;
/** True where the element is +∞. */
export const isposinf = ops.isposinf.fn;
/** True where the element is −∞. */
export const isneginf = ops.isneginf.fn;
/** True where the element is finite (not NaN or ±∞). */
export const isfinite = ops.isfinite.fn;
/** True everywhere (every torchts tensor is real). */
export const isreal = ops.isreal.fn;
/**
 * True where `elements` occur in `testElements` (either may be a number); `invert=true`
 * (default false) negates. `assumeUnique` (default false) is accepted as a hint.
 */
export const isin = functions.isin;
/** Elementwise AND, nonzero counting as true (bool result). */
export const logicalAnd = ops.logicalAnd.fn;
/** Elementwise OR, nonzero counting as true (bool result). */
export const logicalOr = ops.logicalOr.fn;
/** Elementwise XOR, nonzero counting as true (bool result). */
export const logicalXor = ops.logicalXor.fn;
/** Elementwise NOT: true where the element is zero. */
export const logicalNot = ops.logicalNot.fn;
/** Bitwise AND of integer or bool tensors (`other` may be a number). */
export const bitwiseAnd = ops.bitwiseAnd.fn;
/** Bitwise OR of integer or bool tensors. */
export const bitwiseOr = ops.bitwiseOr.fn;
/** Bitwise XOR of integer or bool tensors. */
export const bitwiseXor = ops.bitwiseXor.fn;
/** Bitwise NOT of an integer tensor (logical NOT for bool). */
export const bitwiseNot = ops.bitwiseNot.fn;
/** `input << other` for integer tensors. */
export const bitwiseLeftShift = ops.bitwiseLeftShift.fn;
/** `input >> other` for integer tensors (arithmetic shift: the sign is kept). */
export const bitwiseRightShift = ops.bitwiseRightShift.fn;
/**
 * Picks `input` where `condition` is true and `other` elsewhere (all three broadcast; `input`
 * and `other` may be numbers).
 * @example
 * ```ts
 * torch.where(torch.gt(x, 0), x, 0); // relu
 * ```
 */
export const where = functions.where;
/** A copy of `input` with `value` (a number or 0-d tensor) where the bool `mask` is true. */
export const maskedFill = ops.maskedFill.fn;

// ---- reductions and statistics ----

/**
 * The sum over `dim` (an int or a list; default null: all elements, giving a 0-d tensor),
 * keeping reduced dims as size 1 when `keepdim=true` (default false). Bool and integer inputs
 * sum to int64; `dtype` (default null) casts the input first.
 * @example
 * ```ts
 * torch.sum(x); // 0-d
 * torch.sum(x, 1, true); // per row, shape [n, 1]
 * torch.sum(x, { dim: [0, 2] });
 * ```
 */
export const sum = ops.sum.fn;
/**
 * The mean over `dim` (int or list; default null: all elements), `keepdim` default false. The
 * input must be floating (or cast with `dtype`, default null), as in PyTorch.
 * @example
 * ```ts
 * const loss = torch.mean(torch.square(torch.sub(pred, target)));
 * ```
 */
export const mean = ops.mean.fn;
/** The product over one `dim` (default null: all elements), `keepdim` default false; integer inputs give int64; `dtype` casts first. */
export const prod = ops.prod.fn;
/** `sum` treating NaN as 0 (same `dim`, `keepdim=false`, `dtype` defaults). */
export const nansum = ops.nansum.fn;
/** `mean` of the non-NaN elements (same `dim`, `keepdim=false`, `dtype` defaults). */
export const nanmean = ops.nanmean.fn;
/**
 * The largest value over `dim` (int or list; default []: all elements), `keepdim` default
 * false. Values only (see `max` for indices); the gradient is shared evenly between tied maxima.
 */
export const amax = ops.amax.fn;
/** The smallest value over `dim` (default []: all elements), `keepdim` default false; see `amax`. */
export const amin = ops.amin.fn;
/** `[min, max]` over `dim` (default null: all elements), `keepdim` default false, in one call. */
export const aminmax = ops.aminmax.fn;
/**
 * Three forms: `max(input)` is the largest element (0-d); `max(input, dim, keepdim=false)` is
 * `[values, indices]` along `dim`; `max(input, other)` is the elementwise `maximum`.
 * @example
 * ```ts
 * const [best, predicted] = torch.max(logits, 1);
 * ```
 */
export const max = functions.max;
/** Three forms, as `max`: the smallest element, `[values, indices]` along `dim` (`keepdim` default false), or the elementwise `minimum`. */
export const min = functions.min;
/**
 * The index (int64) of the largest element: over the flattened tensor when `dim` is null (the
 * default), else along `dim` (`keepdim` default false). The first index among ties.
 * @example
 * ```ts
 * const predicted = torch.argmax(logits, 1);
 * ```
 */
export const argmax = ops.argmax.fn;
/** The index (int64) of the smallest element: flattened when `dim` is null (the default), else along `dim`; `keepdim` default false. */
export const argmin = ops.argmin.fn;
/**
 * The variance over `dim` (int or list; default null: all elements), `keepdim` default false.
 * `correction` (default null, meaning 1: Bessel's N − 1) is subtracted from the count;
 * PyTorch's older `unbiased` (true: 1, false: 0) may be given instead, not both.
 */
const varFn = ops.var.fn;

export { varFn as var };
/** The standard deviation, √`var`: same `dim=null`, `unbiased`, `keepdim=false` and `correction` (default 1) rules. */
export const std = ops.std.fn;
/**
 * `[var, mean]` in one call, over `dim` (default null: all) with `keepdim` (default false);
 * `correction` (default null, meaning 1) or `unbiased` (default null) as `var`.
 */
export const varMean = ops.varMean.fn;
/**
 * `[std, mean]` in one call, over `dim` (default null: all) with `keepdim` (default false);
 * `correction` (default null, meaning 1) or `unbiased` (default null) as `std`.
 */
export const stdMean = ops.stdMean.fn;
/** ln Σ exp(x) over `dim` (required; int or list), computed stably; `keepdim` default false. */
export const logsumexp = ops.logsumexp.fn;
/**
 * The p-norm: `p` a number (vector norm), 'fro' (the default: the 2-norm of the elements) or
 * 'nuc' (the nuclear norm of matrices: sum of singular values, over `dim` or the last two
 * dims). `dim` defaults to null (all elements), `keepdim` to false, `dtype` to null. Prefer
 * `linalg.vectorNorm` / `linalg.matrixNorm` in new code, as PyTorch does.
 */
export const norm = ops.norm.fn;
/** Whether every element is nonzero, over `dim` (default null: all), `keepdim` default false (bool). */
export const all = ops.all.fn;
/** Whether any element is nonzero, over `dim` (default null: all), `keepdim` default false (bool). */
export const any = ops.any.fn;
/** The number of nonzero elements over `dim` (int or list; default null: all), int64. */
export const countNonzero = ops.countNonzero.fn;
/**
 * The running sum along `dim` (required); bool and integer inputs give int64, `dtype`
 * (default null) casts first.
 */
export const cumsum = ops.cumsum.fn;
/** The running product along `dim` (required); `dtype` (default null) casts first. */
export const cumprod = ops.cumprod.fn;
/** The running maximum along `dim` and the index where it was reached: `[values, indices]`. */
export const cummax = ops.cummax.fn;
/** The running minimum along `dim`: `[values, indices]`. */
export const cummin = ops.cummin.fn;
/** The running ln Σ exp(x) along `dim`, computed stably. */
export const logcumsumexp = ops.logcumsumexp.fn;
/**
 * Softmax along `dim` (required): exp(x) / Σ exp(x), computed stably; `dtype` (default null)
 * casts the input first.
 * @example
 * ```ts
 * const probs = torch.softmax(logits, 1);
 * ```
 */
export const softmax = ops.softmax.fn;
/** ln softmax along `dim` (required), computed stably; `dtype` (default null) casts first. */
export const logSoftmax = ops.logSoftmax.fn;
/**
 * The median: with `dim` null (the default) the lower median of all elements as a 0-d tensor;
 * along `dim`, `[values, indices]` (`keepdim` default false).
 */
export const median = ops.median.fn;
/** `median` ignoring NaNs (same `dim=null` and `keepdim=false` defaults and results). */
export const nanmedian = ops.nanmedian.fn;
/** The k-th smallest element (k from 1) along `dim` (default -1): `[values, indices]`; `keepdim` default false. */
export const kthvalue = ops.kthvalue.fn;
/** The most frequent value along `dim` (default -1) and an index of it: `[values, indices]`; `keepdim` default false. */
export const mode = ops.mode.fn;
/**
 * The `q`-quantiles (a number or a 1-D tensor in [0, 1]) over `dim` (default null: all
 * elements), `keepdim` default false; between data points `interpolation` (default 'linear';
 * also 'lower', 'higher', 'midpoint', 'nearest') decides. A 1-D q adds a leading dim.
 */
export const quantile = ops.quantile.fn;
/**
 * `quantile` ignoring NaNs: `dim` (default null: all), `keepdim` (default false) and
 * `interpolation` (default 'linear') as there.
 */
export const nanquantile = ops.nanquantile.fn;
/**
 * The covariance matrix of the variables in the rows of `input` (observations in columns);
 * `correction` defaults to 1 (N − 1), `fweights` (integer frequencies) and `aweights`
 * (observation weights) to null.
 */
export const cov = ops.cov.fn;
/** The Pearson correlation coefficients of the rows of `input` (variables; columns are observations). */
export const corrcoef = ops.corrcoef.fn;
/**
 * A histogram of `bins` equal bins (default 100) between `min` and `max` (defaults 0 and 0,
 * meaning the data's own minimum and maximum); elements outside are ignored.
 */
export const histc = ops.histc.fn;
/**
 * `[hist, binEdges]`: counts (or `weight` sums) per bin, for `bins` equal bins (default 100)
 * over `range` (default null: the data's range) or for given edges (a 1-D tensor);
 * `density=true` (default false) normalizes to a density.
 */
export const histogram = ops.histogram.fn;
/**
 * The n-th forward difference along `dim` (defaults n=1, dim=-1), after concatenating
 * `prepend` / `append` (default null) along that dim.
 */
export const diff = ops.diff.fn;
/**
 * Rescales each slice along `dim` whose `p`-norm exceeds `maxnorm` to have norm `maxnorm`;
 * other slices are unchanged.
 */
export const renorm = ops.renorm.fn;
/**
 * The integral of `y` along `dim` (default -1) by the trapezoidal rule, with sample points `x`
 * (default null) or a constant spacing `dx` (default null, meaning 1).
 */
export const trapezoid = functions.trapezoid;
/** Alias of `trapezoid` (same `x=null`, `dx=null` (1), `dim=-1` defaults). */
export const trapz = functions.trapz;
/** The running trapezoidal integral along `dim` (default -1); `x`/`dx` as `trapezoid`. */
export const cumulativeTrapezoid = functions.cumulativeTrapezoid;
/**
 * The numerical gradient of `input` by central differences (one-sided at the edges,
 * `edgeOrder` 1 by default, or 2), one tensor per dim in `dim` (default null: every dim);
 * `spacing` (default null: 1) is a number, a list of numbers per dim, or coordinate tensors.
 */
export const gradient = functions.gradient;

// ---- products and linear algebra (see also the linalg namespace) ----

/**
 * The matrix product with NumPy's rules: vector·vector is a dot product, matrix·vector a
 * matrix-vector product, and batched (≥3-D) operands broadcast their batch dims.
 * @example
 * ```ts
 * const y = torch.matmul(x, w); // [n, k] · [k, m] -> [n, m]
 * ```
 */
export const matmul = ops.matmul.fn;
/** The product of two matrices (2-D only; no broadcasting, see `matmul`). */
export const mm = ops.mm.fn;
/** Batched matrix product of two 3-D tensors with the same batch size. */
export const bmm = ops.bmm.fn;
/** The matrix-vector product of a 2-D and a 1-D tensor. */
export const mv = ops.mv.fn;
/** The dot product of two 1-D tensors of the same length. */
export const dot = ops.dot.fn;
/** `dot` (the conjugate of the first operand is itself: torchts tensors are real). */
export const vdot = ops.vdot.fn;
/** The sum of products over the last dims of both (a dot product for 1-D; `input · otherᵀ` for matrices). */
export const inner = ops.inner.fn;
/** The outer product of two 1-D tensors: an n×m matrix. */
export const outer = ops.outer.fn;
/** The Kronecker product: every element of `input` times the whole of `other`, as blocks. */
export const kron = ops.kron.fn;
/**
 * Contracts the last `dims` (default 2) dims of `a` with the first of `b`, or the listed
 * pairs `[[dims of a], [dims of b]]`.
 */
export const tensordot = functions.tensordot;
/**
 * Einstein summation: `equation` names each operand's dims ('ij,jk->ik'); dims missing from
 * the output are summed. The operands come as one list.
 * @example
 * ```ts
 * const y = torch.einsum('bij,bjk->bik', [a, b]);
 * ```
 */
export const einsum = functions.einsum;
/** `beta · input + alpha · (mat1 · mat2)` (beta and alpha default to 1). */
export const addmm = ops.addmm.fn;
/** `beta · input + alpha · (mat · vec)` (beta and alpha default to 1). */
export const addmv = ops.addmv.fn;
/** `beta · input + alpha · outer(vec1, vec2)` (beta and alpha default to 1). */
export const addr = ops.addr.fn;
/** `beta · input + alpha · bmm(batch1, batch2)`, per batch (beta and alpha default to 1). */
export const baddbmm = ops.baddbmm.fn;
/** `beta · input + alpha · Σ_b batch1[b] · batch2[b]` (the batch summed; beta and alpha default to 1). */
export const addbmm = ops.addbmm.fn;
/** The sum of the main diagonal of a matrix. */
export const trace = ops.trace.fn;
/**
 * The cross product of 3-vectors along `dim`; with `dim` null (the default) the first dim of
 * size 3 (prefer `linalg.cross`, whose dim is -1).
 */
export const cross = ops.cross.fn;
/**
 * The p-norm distances (`p` default 2) between each row of `x1` and each row of `x2` (batched
 * on leading dims): an n×m matrix. `computeMode` (default null) is accepted and ignored.
 */
export const cdist = functions.cdist;
/** The `p`-norm (default 2) of `input − other`. */
export const dist = ops.dist.fn;
/** The determinant of a square matrix (or a batch of them). */
export const det = ops.det.fn;
/** ln det of a square matrix (NaN for a negative determinant). */
export const logdet = ops.logdet.fn;
/** `[sign, ln|det|]` of a square matrix: the determinant without overflow. */
export const slogdet = ops.slogdet.fn;
/** The inverse of a square matrix (or batch); see `linalg.inv`. */
export const inverse = ops.inverse.fn;
/** The Moore–Penrose pseudo-inverse, singular values below `rcond` (default 1e-15) times the largest dropped. */
export const pinverse = ops.pinverse.fn;
/** The n-th power of a square matrix (n = 0 the identity, negative n powers of the inverse). */
export const matrixPower = ops.matrixPower.fn;
/** The matrix exponential of a square matrix (or batch). */
export const matrixExp = ops.matrixExp.fn;
/**
 * The Cholesky factor of a symmetric positive-definite matrix: lower-triangular L with A = LLᵀ,
 * or upper U with A = UᵀU when `upper=true` (default false). Prefer `linalg.cholesky`.
 */
export const cholesky = ops.cholesky.fn;
/** The inverse of A from its Cholesky factor `input` (lower unless `upper=true`; default false). */
export const choleskyInverse = ops.choleskyInverse.fn;
/** Solves A X = `input` given A's Cholesky factor `input2` (lower unless `upper=true`; default false). */
export const choleskySolve = ops.choleskySolve.fn;
/**
 * Solves A X = `input` for a triangular A: `[solution, A copy]`. Defaults: `upper=true`,
 * `transpose=false` (solve with Aᵀ when true), `unitriangular=false` (unit diagonal assumed when
 * true). Prefer `linalg.solveTriangular`.
 */
export const triangularSolve = ops.triangularSolve.fn;
/**
 * `[Q, R]` with `input` = QR, Q orthonormal columns and R upper-triangular; reduced when
 * `some=true` (the default), complete otherwise. Prefer `linalg.qr`.
 */
export const qr = ops.qr.fn;
/** LAPACK's geqrf: `[a, tau]`, R above the diagonal of `a` and the Householder reflectors below it. */
export const geqrf = ops.geqrf.fn;
/**
 * Multiplies `input3` by the Q of a `geqrf` result (`input` the reflectors, `input2` tau):
 * Q·C when `left=true` (the default), C·Q otherwise; with Qᵀ when `transpose=true` (default false).
 */
export const ormqr = ops.ormqr.fn;
/**
 * The singular value decomposition as `[U, S, V]` (V, not Vᴴ): reduced when `some=true` (the
 * default); with `computeUv=false` (default true) U and V are zero-filled. Prefer `linalg.svd`.
 */
export const svd = ops.svd.fn;
/**
 * PyTorch 1.13's deprecated symmetric eigensolver: `[eigenvalues (ascending), eigenvectors]`,
 * the vectors empty unless `eigenvectors=true` (default false), reading the upper triangle
 * unless `upper=false` (default true). Prefer `linalg.eigh`.
 */
export const symeig = ops.symeig.fn;

// ---- diagonals and triangles ----

/** The lower triangle (on and below the `diagonal`-th diagonal, default 0) of the last two dims; the rest zero. */
export const tril = ops.tril.fn;
/** The upper triangle (on and above the `diagonal`-th diagonal, default 0) of the last two dims; the rest zero. */
export const triu = ops.triu.fn;
/**
 * For a 1-D input, a square matrix with it on the `diagonal`-th diagonal (default 0); for a
 * 2-D input, that diagonal as a 1-D tensor.
 */
export const diag = ops.diag.fn;
/**
 * A view of the diagonal at `offset` (default 0) of the planes given by `dim1` and `dim2`
 * (defaults 0 and 1), as a new last dim.
 */
export const diagonal = ops.diagonal.fn;
/**
 * Puts the last dim of `input` on the `offset`-th diagonal (default 0) of new matrices in dims
 * `dim1`, `dim2` (defaults -2 and -1); zeros elsewhere.
 */
export const diagEmbed = ops.diagEmbed.fn;
/** The flattened input on the `offset`-th diagonal (default 0) of a square matrix. */
export const diagflat = ops.diagflat.fn;

// ---- indexing, gathering and scattering (out of place) ----

/**
 * Picks along `dim` by `index` (same rank as `input`): for dim 0, out[i][j] = input[index[i][j]][j].
 * @example
 * ```ts
 * const picked = torch.gather(logProbs, 1, torch.unsqueeze(labels, 1));
 * ```
 */
export const gather = ops.gather.fn;
/** The entries of `input` at the 1-D int `index` along `dim`. */
export const indexSelect = ops.indexSelect.fn;
/** Elements at the given indices into the flattened `input`, in `index`'s shape. */
export const take = ops.take.fn;
/**
 * `gather` with `indices` broadcast against `input` along the other dims; with `dim` null (the
 * default) both are flattened.
 */
export const takeAlongDim = ops.takeAlongDim.fn;
/**
 * The elements where the bool `mask` (broadcast) is true, as a 1-D tensor. Its size depends on
 * the data, so this runs on the CPU only; on the GPU use `maskedSelectAsync`.
 */
export const maskedSelect = ops.maskedSelect.fn;
/** A copy of `input` with the elements where `mask` is true taken, in order, from `source`. */
export const maskedScatter = ops.maskedScatter.fn;
/**
 * The indices (int64) of the nonzero elements: an N×rank tensor, or with `asTuple=true`
 * (default false) one 1-D tensor per dim. CPU only (a data-dependent size): on the GPU use
 * `nonzeroAsync`.
 */
export const nonzero = ops.nonzero.fn;
/** `nonzero` as an N×rank tensor; CPU only (on the GPU use `argwhereAsync`). */
export const argwhere = ops.argwhere.fn;
/**
 * A copy of `input` with `src` values written along `dim` at `index` (or the number `value`;
 * defaults null: one of them is needed). `reduce` (default null: replace) may be 'add' or
 * 'multiply'.
 */
export const scatter = ops.scatter.fn;
/** A copy of `input` with `src` added along `dim` at `index` (duplicates accumulate). */
export const scatterAdd = ops.scatterAdd.fn;
/**
 * A copy of `input` with `src` combined along `dim` at `index` by `reduce` ('sum', 'prod',
 * 'mean', 'amax', 'amin'); `includeSelf` (default true) counts `input`'s own values in.
 */
export const scatterReduce = ops.scatterReduce.fn;
/** A copy of `input` with `alpha · source` (alpha default 1) added at the 1-D `index` along `dim`. */
export const indexAdd = ops.indexAdd.fn;
/** A copy of `input` with the slices of `source` copied to the 1-D `index` along `dim`. */
export const indexCopy = ops.indexCopy.fn;
/** A copy of `input` with `value` written at the 1-D `index` along `dim`. */
export const indexFill = ops.indexFill.fn;
/**
 * A copy of `input` with `source`'s slices combined at the 1-D `index` along `dim` by `reduce`
 * ('prod', 'mean', 'amax', 'amin'); `includeSelf` defaults to true.
 */
export const indexReduce = ops.indexReduce.fn;
/**
 * A copy of `input` with `values` written at the positions of the index tensors in `indices`
 * (Python's `x[i, j] = v`); added instead when `accumulate=true` (default false).
 */
export const indexPut = ops.indexPut.fn;
/** A copy of `input` with `source` written at flat `index` positions (added when `accumulate=true`, default false). */
export const put = ops.put.fn;
/** A copy of `input` with `src` embedded at `index` of `dim` (the inverse of `select`). */
export const selectScatter = ops.selectScatter.fn;
/**
 * A copy of `input` with `src` embedded in the slice `start:end:step` of `dim` (defaults
 * dim=0, start=null (0), end=null (the end), step=1).
 */
export const sliceScatter = ops.sliceScatter.fn;
/** A copy of `input` with `src` embedded as the diagonal at `offset` of dims `dim1`, `dim2` (defaults 0, 0, 1). */
export const diagonalScatter = ops.diagonalScatter.fn;
/** A copy of `input` with `src` embedded in the `asStrided(size, stride, storageOffset)` view (offset default null: `input`'s). */
export const asStridedScatter = ops.asStridedScatter.fn;
/** A tensor like `input` (same shape, dtype, device) filled with `value`. */
export const fill = functions.fill;

// ---- sorting, searching, uniques ----

/**
 * `[values, indices]` sorted along `dim` (default -1), ascending unless `descending=true`
 * (default false). `stable` (default false) is accepted.
 * @example
 * ```ts
 * const [sorted, order] = torch.sort(x, { descending: true });
 * ```
 */
export const sort = ops.sort.fn;
/** The indices that sort `input` along `dim` (default -1), ascending unless `descending=true`; `stable` default false. */
export const argsort = ops.argsort.fn;
/** The values sorted along dim 0, ascending. */
export const msort = ops.msort.fn;
/**
 * `[values, indices]` of the `k` largest elements along `dim` (default -1), or the smallest
 * with `largest=false` (default true), in sorted order (`sorted` default true).
 * @example
 * ```ts
 * const [, top5] = torch.topk(logits, 5);
 * ```
 */
export const topk = ops.topk.fn;
/**
 * The distinct values in ascending order (of the flattened input, or the distinct slices
 * along `dim`; default null); with `returnInverse` / `returnCounts` (defaults false) an array
 * `[values, inverse?, counts?]`. `sorted` defaults to true (results are always sorted). CPU
 * only (a data-dependent size): on the GPU use `uniqueAsync`.
 */
export const unique = ops.unique.fn;
/**
 * Collapses runs of equal consecutive values (or slices along `dim`, default null);
 * `returnInverse` / `returnCounts` (defaults false) as `unique`. CPU only: on the GPU use
 * `uniqueConsecutiveAsync`.
 */
export const uniqueConsecutive = ops.uniqueConsecutive.fn;
/**
 * Where `input` (a tensor or a number) would be inserted into the last dim of
 * `sortedSequence` to keep it sorted: the first such index, or the last with `right=true` /
 * `side='right'` (defaults false / null). `sorter` (default null) gives the sorting indices of
 * an unsorted sequence; `outInt32` (default false) makes the indices int32 instead of int64.
 */
export const searchsorted = functions.searchsorted;
/**
 * The bucket of each element among sorted `boundaries` (the index of the first boundary
 * ≥ it, or > it with `right=true`; default false). `outInt32` (default false) makes
 * the indices int32 instead of int64.
 */
export const bucketize = functions.bucketize;

// ---- nn building blocks PyTorch keeps under torch. ----

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1 − p) when `train` is
 * true (both required); `generator` defaults to the global one. See `nn.functional.dropout`.
 */
export const dropout = functions.dropout;
/**
 * Layer norm over the trailing `normalizedShape` dims with optional `weight`/`bias` (null for
 * none) and `eps` (all required): `[output, mean, rstd]`, as ATen's op.
 */
export const nativeLayerNorm = functions.nativeLayerNorm;
/**
 * Batch norm with every argument explicit (`weight`, `bias`, `runningMean`, `runningVar` may be
 * null; `training`, `momentum`, `eps` required): `[output, saveMean, saveInvstd]`, as ATen's op.
 */
export const nativeBatchNorm = functions.nativeBatchNorm;
/**
 * Reduces `data` along `axis` (default 0) in consecutive segments given by `lengths` (or
 * `offsets`) with `reduce` ('sum', 'mean', 'max', 'min', 'prod'); empty segments get `initial`
 * (default null). `indices` and `unsafe` (default false) are accepted.
 */
export const segmentReduce = functions.segmentReduce;

// ---- dtypes ----

/** The smallest dtype both given dtypes can be cast to without losing range (PyTorch's promotion table). */
export const promoteTypes = functions.promoteTypes;
/** The dtype an op on `tensor` and `other` (tensors or numbers) computes in, following PyTorch's promotion rules. */
export const resultType = functions.resultType;
/** Whether `from` casts to `to` under PyTorch's casting rules (e.g. float to int: false). */
export const canCast = functions.canCast;
/**
 * Sets the dtype of new floating tensors made without an explicit dtype (factories,
 * inferred data): 'float32' (the initial default) or 'float64' (CPU only).
 */
export const setDefaultDtype = functions.setDefaultDtype;
/** The current default float dtype ('float32' unless `setDefaultDtype` changed it). */
export const getDefaultDtype = functions.getDefaultDtype;
/** The bits, min and max of an integer dtype. */
export const iinfo = functions.iinfo;
/** The bits, eps, max, min, tiny and resolution of the float dtype `type` (default null: the default float dtype). */
export const finfo = functions.finfo;

// ---- data-dependent shapes, awaited: the forms that run on every device (ops/data-dependent.ts) ----

/**
 * `nonzero` on any device: the count is read back, so it is awaited (as PyTorch on CUDA
 * synchronizes inside `nonzero`). Same arguments (`asTuple` default false) and results as the
 * synchronous form.
 * @example
 * ```ts
 * const idx = await torch.nonzeroAsync(torch.gt(x, 0));
 * ```
 */
export const nonzeroAsync = ops.nonzeroAsync.fn;
/** `argwhere` on any device (awaited). */
export const argwhereAsync = ops.argwhereAsync.fn;
/** `maskedSelect` on any device (awaited). */
export const maskedSelectAsync = ops.maskedSelectAsync.fn;
/**
 * `unique` on any device (awaited): `sorted` (default true), `returnInverse` and `returnCounts`
 * (default false), `dim` (default null: flattened) as there.
 */
export const uniqueAsync = ops.uniqueAsync.fn;
/**
 * `uniqueConsecutive` on any device (awaited): `returnInverse` and `returnCounts` (default
 * false), `dim` (default null: flattened) as there.
 */
export const uniqueConsecutiveAsync = ops.uniqueConsecutiveAsync.fn;
/**
 * `repeatInterleave` with a repeats tensor on any device (awaited; or pass `outputSize` to the
 * synchronous form); `dim` defaults to null (flattened), `outputSize` to null.
 */
export const repeatInterleaveAsync = ops.repeatInterleaveAsync.fn;

// ---- namespaces ----

/**
 * torch.special: special functions under PyTorch's names, elementwise with floating results:
 * error and gamma functions, Bessel and Airy functions, orthogonal polynomials, zeta.
 * @namespace
 */
export const special = {
  /** The logistic sigmoid 1 / (1 + e⁻ˣ) (alias of `torch.sigmoid`). */
  expit: functions.specialExpit,
  /** The log-odds ln(p / (1 − p)); with `eps` (default null) the input is clamped to [eps, 1 − eps] first. */
  logit: functions.specialLogit,
  /** `input · ln(other)`, 0 where `input` is 0 (either may be a number). */
  xlogy: functions.specialXlogy,
  /** `input · ln(1 + other)`, 0 where `input` is 0 (either may be a number). */
  xlog1py: functions.specialXlog1py,
  /** 2ˣ, elementwise. */
  exp2: functions.specialExp2,
  /** eˣ − 1, accurate for small x. */
  expm1: functions.specialExpm1,
  /** ln(1 + x), accurate for small x. */
  log1p: functions.specialLog1p,
  /** The normalized sinc sin(πx)/(πx), 1 at 0. */
  sinc: functions.specialSinc,
  /** Rounds halves to even, or to `decimals` places (default 0), as `torch.round`. */
  round: functions.specialRound,
  /** The error function. */
  erf: functions.specialErf,
  /** The complementary error function 1 − erf(x). */
  erfc: functions.specialErfc,
  /** The elementwise entropy term −x ln x (0 at 0, −∞ for negative x). */
  entr: functions.specialEntr,
  /** The standard normal cumulative distribution function Φ(x). */
  ndtr: functions.specialNdtr,
  /** The inverse of `ndtr`: the x with Φ(x) = p (±∞ at 1 and 0). */
  ndtri: functions.specialNdtri,
  /** The n-th derivative of the digamma function (`polygamma(n, input)`). */
  polygamma: functions.specialPolygamma,
  /** ln|Γ(x)| (alias of `torch.lgamma`). */
  gammaln: functions.specialGammaln,
  /** The digamma function ψ(x) = d/dx ln Γ(x). */
  digamma: functions.specialDigamma,
  /** Alias of `digamma`. */
  psi: functions.specialPsi,
  /** The log of the multivariate gamma function of dimension `p` (alias of `torch.mvlgamma`). */
  multigammaln: functions.specialMultigammaln,
  /** The inverse error function. */
  erfinv: functions.specialErfinv,
  /** The scaled complementary error function eˣ² · erfc(x). */
  erfcx: functions.specialErfcx,
  /** ln Φ(x), accurate far in the lower tail. */
  logNdtr: functions.specialLogNdtr,
  /** The modified Bessel function of the first kind of order 0, I₀(x). */
  i0: functions.specialI0,
  /** The exponentially scaled I₀: e^(−|x|) · I₀(x). */
  i0e: functions.specialI0e,
  /** The modified Bessel function of the first kind of order 1, I₁(x). */
  i1: functions.specialI1,
  /** The exponentially scaled I₁: e^(−|x|) · I₁(x). */
  i1e: functions.specialI1e,
  // ── special/fft (helper special) ──
  ...specialMore,
};

/**
 * torch.masked: reductions and normalizations over the elements where the bool `mask`
 * (broadcast to `input`; default null: every element) is true; masked-out elements take no
 * part. `keepdim` (default false), `dtype` (default null: casts the input first) and `mask` are
 * keyword-only here, as in PyTorch.
 * @namespace
 */
export const masked = {
  /**
   * The sum of the unmasked elements over `dim` (int or list; default null: all); 0 where none
   * is unmasked. `keepdim=false`, `dtype=null`, `mask=null` (every element).
   * @example
   * ```ts
   * torch.masked.sum(x, 1, { mask: torch.gt(x, 0) }); // per row, the positive elements only
   * ```
   */
  sum: functions.maskedSum,
  /** The product of the unmasked elements over `dim` (default null: all); `keepdim=false`, `dtype=null`, `mask=null`. */
  prod: functions.maskedProd,
  /** The largest unmasked element over `dim` (default null: all); `keepdim=false`, `dtype=null`, `mask=null`. */
  amax: functions.maskedAmax,
  /** The smallest unmasked element over `dim` (default null: all); `keepdim=false`, `dtype=null`, `mask=null`. */
  amin: functions.maskedAmin,
  /**
   * The mean of the unmasked elements over `dim` (default null: all); NaN where none is
   * unmasked. `keepdim=false`, `dtype=null`, `mask=null`.
   */
  mean: functions.maskedMean,
  /** ln Σ exp over the unmasked elements along `dim` (default null: all); `keepdim=false`, `dtype=null`, `mask=null`. */
  logsumexp: functions.maskedLogsumexp,
  /**
   * The index of the largest unmasked element along `dim` (default null: flattened);
   * `keepdim=false`, `dtype=null`, `mask=null`.
   */
  argmax: functions.maskedArgmax,
  /**
   * The index of the smallest unmasked element along `dim` (default null: flattened);
   * `keepdim=false`, `dtype=null`, `mask=null`.
   */
  argmin: functions.maskedArgmin,
  /**
   * The variance of the unmasked elements over `dim` (default null: all); `unbiased` (default
   * null, meaning true: N − 1), `keepdim=false`, `dtype=null`, `mask=null`.
   */
  var: functions.maskedVar,
  /**
   * The standard deviation of the unmasked elements over `dim` (default null: all); `unbiased`
   * (default null: true), `keepdim=false`, `dtype=null`, `mask=null`.
   */
  std: functions.maskedStd,
  /**
   * The `ord`-norm (required) of the unmasked elements over `dim` (default null: all);
   * `keepdim=false`, `dtype=null`, `mask=null`.
   */
  norm: functions.maskedNorm,
  /**
   * Divides by the `ord`-norm of the unmasked elements along `dim` (both required; `eps`, default
   * 1e-12, bounds the norm below); masked-out results are 0. `dtype=null`, `mask=null`.
   */
  normalize: functions.maskedNormalize,
  /**
   * The (lower) median of the unmasked elements along `dim` (default -1); `keepdim=false`,
   * `dtype=null`, `mask=null`.
   */
  median: functions.maskedMedian,
  /** The running sum along `dim`, masked-out elements counting as 0; `dtype=null`, `mask=null`. */
  cumsum: functions.maskedCumsum,
  /** The running product along `dim`, masked-out elements counting as 1; `dtype=null`, `mask=null`. */
  cumprod: functions.maskedCumprod,
  /** Softmax along `dim` over the unmasked elements, masked-out positions 0; `dtype=null`, `mask=null`. */
  softmax: functions.maskedSoftmax,
  /** ln softmax along `dim` over the unmasked elements; `dtype=null`, `mask=null`. */
  logSoftmax: functions.maskedLogSoftmax,
  /** Softmax of −input along `dim` over the unmasked elements, masked-out positions 0; `dtype=null`, `mask=null`. */
  softmin: functions.maskedSoftmin,
  /**
   * `logaddexp` with `inputMask` / `otherMask` (default null: every element): a masked-out
   * operand counts as −∞. `dtype=null` casts both first.
   */
  logaddexp: functions.maskedLogaddexp,
};

// Functional ops PyTorch also has under `torch.` (and a few torchts kept there), bound once in
// nn.functional (documented there).
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
/**
 * torch.fft: the transforms whose inputs and outputs are real (torchts has no complex dtype):
 * the inverse real FFTs, the Hermitian FFTs and the shifts.
 * @namespace
 */
export const fft = { ...fftFunctions };

// ── linalg (helper linalg) ──
/**
 * torch.linalg: decompositions, solvers, inverses and norms. Every function takes batches: the
 * matrices are the last two dims, leading dims are batch dims.
 * @namespace
 */
export const linalg = {
  /** The cross product of 3-vectors along `dim` (default -1), broadcasting the other dims. */
  cross: functions.linalgCross,
  /** The determinant of square matrices. */
  det: functions.linalgDet,
  /** `[sign, ln|det|]`: the determinant without overflow. */
  slogdet: functions.linalgSlogdet,
  /** The inverse of square matrices (raises for singular ones). */
  inv: functions.linalgInv,
  /**
   * The Cholesky factor of symmetric positive-definite matrices: lower L with A = LLᵀ, or
   * upper U with A = UᵀU when `upper=true` (default false).
   */
  cholesky: functions.linalgCholesky,
  /** The dot product along `dim` (default -1), broadcasting the other dims. */
  vecdot: functions.linalgVecdot,
  /**
   * The condition number ‖A‖·‖A⁻¹‖ in the norm `p` (default null: the 2-norm, the ratio of the
   * largest to the smallest singular value; also 'fro', 'nuc', ±1, ±2, ±∞).
   */
  cond: functions.linalgCond,
  /**
   * `[eigenvalues, eigenvectors]` of symmetric matrices, eigenvalues ascending, eigenvectors as
   * columns; only the lower triangle is read (`UPLO='L'`, the default) or the upper ('U').
   */
  eigh: functions.linalgEigh,
  /** The eigenvalues (ascending) of symmetric matrices; `UPLO` as `eigh` (default 'L'). */
  eigvalsh: functions.linalgEigvalsh,
  /** The product of the Householder reflectors in the columns of `input` with scales `tau` (the Q of `geqrf`). */
  householderProduct: functions.linalgHouseholderProduct,
  /**
   * The least-squares solution of A X ≈ B: `[solution, residuals, rank, singularValues]`.
   * `rcond` and `driver` default to null (PyTorch's choices).
   */
  lstsq: functions.linalgLstsq,
  /** The n-th power of square matrices (negative n powers of the inverse). */
  matrixPower: functions.linalgMatrixPower,
  /** The product of a list of matrices, multiplied in the cheapest order (the first and last may be 1-D). */
  multiDot: functions.linalgMultiDot,
  /**
   * A vector norm when `dim` is an int, a matrix norm when it names two dims; with `dim` null
   * (the default) the 2-norm of the flattened input when `ord` is null (the default), else the
   * norm `ord` by the input's rank (1-D vector, 2-D matrix). `keepdim` default false, `dtype` null.
   * @example
   * ```ts
   * torch.linalg.norm(torch.tensor([3, 4], { dtype: 'float32' })); // 5
   * ```
   */
  norm: functions.linalgNorm,
  /**
   * A matrix norm over the two dims `dim` (default [-2, -1]): `ord` 'fro' (the default), 'nuc',
   * ±1, ±2 or ±∞; `keepdim` default false, `dtype` default null.
   */
  matrixNorm: functions.linalgMatrixNorm,
  /**
   * The `ord`-norm (default 2; also ±∞ and 0) of vectors over `dim` (int or list; default null:
   * all elements); `keepdim` default false, `dtype` default null.
   */
  vectorNorm: functions.linalgVectorNorm,
  /**
   * `[Q, R]` with A = QR: `mode` 'reduced' (the default), 'complete' (square Q) or 'r' (R only,
   * Q empty).
   */
  qr: functions.linalgQr,
  /** The Vandermonde matrix of `x`: columns x⁰, x¹, …, x^(N−1) (`N` default null: len(x)). */
  vander: functions.linalgVander,
  /** `[P, L, U]` with A = PLU (partial pivoting; `pivot` default true, false is not implemented). */
  lu: functions.linalgLu,
  /**
   * The solution X of A X = B for square invertible A (or X A = B with `left=false`; default
   * true). B may be a vector.
   * @example
   * ```ts
   * const x = torch.linalg.solve(A, b);
   * ```
   */
  solve: functions.linalgSolve,
  /**
   * The solution of A X = B (or X A = B with `left=false`; default true) for triangular A:
   * `upper` is required, `unitriangular` (default false) assumes a unit diagonal.
   */
  solveTriangular: functions.linalgSolveTriangular,
  /**
   * The number of singular values above max(atol, rtol · σ_max) (defaults null: atol 0, rtol
   * eps × max(m, n)); `hermitian` (default false) uses the eigenvalues instead.
   */
  matrixRank: functions.linalgMatrixRank,
  /**
   * The Moore–Penrose pseudo-inverse; singular values at or below max(atol, rtol · σ_max) are
   * dropped (defaults as `matrixRank`); `hermitian` default false.
   */
  pinv: functions.linalgPinv,
  /**
   * `[U, S, Vh]` with A = U diag(S) Vh, singular values descending; `fullMatrices` (default true)
   * makes U and Vh square. `driver` (default null) is accepted.
   */
  svd: functions.linalgSvd,
  /** The singular values, descending (`driver` default null, accepted). */
  svdvals: functions.linalgSvdvals,
  /** The inverse of a tensor for `tensordot` over its first `ind` dims (default 2). */
  tensorinv: functions.linalgTensorinv,
  /** The X with `tensordot(A, X, X.ndim)` = B; `dims` (default null) moves those dims of A to the end first. */
  tensorsolve: functions.linalgTensorsolve,
  /** The matrix exponential of square matrices. */
  matrixExp: functions.linalgMatrixExp,
};

/**
 * torch.ops.aten: PyTorch's operator namespace (the aten ops torchts has no other name for).
 * @namespace
 */
const atenOps = {
  /** The ATen operators (PyTorch's C++ op library) by their ATen names. */
  aten: {
    /**
     * A view of elements `start:end:step` of `dim` (defaults dim=0, start=null (0), end=null
     * (the end), step=1): Python's `x[start:end:step]`.
     */
    slice: functions.atenSlice,
  },
};

export { atenOps as ops };

// --- perfmlp ---
/**
 * Sets how many threads a CPU operation may use (PyTorch's intra-op threads): 1 keeps every
 * product on the calling thread; 2 or more lets a helper thread take a share of large matrix
 * products (torchts uses at most one helper, so values above 2 act as 2).
 */
export const setNumThreads = functions.setNumThreads;
/** The thread count `setNumThreads` set (default: the cores this process may use, at most 2). */
export const getNumThreads = functions.getNumThreads;
