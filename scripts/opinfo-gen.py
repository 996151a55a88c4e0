#!/usr/bin/python3
"""Conformance cases from PyTorch's own op test database (OpInfo, torch 1.13 CPU, float32 or float64).

Usage: /usr/bin/python3 scripts/opinfo-gen.py [OUT_DIR] [--dtype float32|float64] [--scan 48] [--max-samples 4]
       [--max-elems 20000] [--only NAME,...]

(A copy of shared/opinfo/gen.py with a --dtype argument; --dtype float32, the default, writes
byte-identical output to the original. --dtype float64: PyTorch's own float64 samples, outputs,
upstreams and gradients in float64, written with full double precision, float64 tolerances; see
"tolerances" below.)

OUT_DIR defaults to the current directory. Writes OUT_DIR/ops.json (the shared/conformance
ops.json format, see shared/conformance/README.md) and OUT_DIR/gen_stats.json (what was kept,
what was skipped and why, per OpInfo), for your own reports.

For every OpInfo of torch.testing._internal.common_methods_invocations.op_db that supports
float32 on CPU: the first --scan samples of
`sample_inputs('cpu', torch.float32, requires_grad=op.supports_autograd)` are looked at; those
whose input/args/kwargs are representable (tensors of float32/int64/bool, numbers, bools,
strings, None, lists/tuples of those; no tensor over --max-elems elements) are candidates, and
up to --max-samples of them, spread evenly over the generator's order (its first samples are
often the trivial ones, e.g. only 0-d inputs for every reduction), become cases if their
outputs are tensors of those dtypes, the call is deterministic, and the case's `call`
expression, evaluated in Python, reproduces OpInfo's own op. Every skip is counted with its
reason in gen_stats.json. Outputs are computed from the very inputs written to the file; where
the op supports autograd and outputs[0] is float, also the gradients of
sum(outputs[0] * upstream) for a random upstream. Seeded (torch, numpy, random: --seed, per
OpInfo) and run under PYTHONHASHSEED=0: the output is byte-identical run to run.

OpInfo's test lambdas (x.view(shape), torch.where(cond, self, other) with self first,
F.embedding(idx, weight) with weight first, torch.einsum(eq, tensors), torch.polygamma(n, x))
are written as the direct PyTorch call they stand for; a tensor that follows a non-tensor
positional argument (torch.gather(x, 1, idx)) is passed by its parameter name
(`index=x1`), so the `call` is valid Python and positional tensors come first, as the format
asks.
"""
import argparse, collections, inspect, itertools, json, math, os, random, sys, types, unittest

if os.environ.get("PYTHONHASHSEED") != "0":  # some sample generators iterate over sets: fix their order
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("out", nargs="?", default=".")
ap.add_argument("--max-samples", type=int, default=4)
ap.add_argument("--max-elems", type=int, default=20000)
ap.add_argument("--scan", type=int, default=48, help="samples of each OpInfo looked at (the kept ones are a spread of these)")
ap.add_argument("--only", default=None, help="comma-separated OpInfo names (debugging)")
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                help="floating dtype of the samples, outputs and gradients")
ARGS = ap.parse_args()
SEED = ARGS.seed
F64 = ARGS.dtype == "float64"
FLOAT = torch.float64 if F64 else torch.float32

# ---- importing op_db: common_utils imports `expecttest` (a PyPI-only package that sample
# generation does not use); a stub with the two names it reads is enough.
if "expecttest" not in sys.modules:
    try:
        import expecttest  # noqa: F401
    except ImportError:
        _m = types.ModuleType("expecttest")
        _m.TestCase = unittest.TestCase
        _m.ACCEPT = False
        sys.modules["expecttest"] = _m
import warnings
warnings.filterwarnings("ignore")
from torch.testing._internal.common_methods_invocations import op_db  # noqa: E402
from torch.testing._internal.opinfo.core import (  # noqa: E402
    UnaryUfuncInfo, BinaryUfuncInfo, ReductionOpInfo, ShapeFuncInfo, SpectralFuncInfo)

torch.manual_seed(SEED)
np.random.seed(SEED)
random.seed(SEED)
torch.set_num_threads(1)  # one summation order, run to run

# ------------------------------------------------------------------ writing helpers (as in
# bench/conformance/gen.py: same number encoding, same case fields)
def num(v, dtype):
    if dtype == "bool":
        return int(bool(v))
    if dtype.startswith("int"):
        return int(v)
    f = float(v)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    if F64:
        return f  # json writes repr(float): the shortest string that reads back as the same double
    s = repr(np.float32(f))
    return float(s) if s not in ("nan", "inf", "-inf") else s


DTNAME = {FLOAT: ARGS.dtype, torch.int64: "int64", torch.bool: "bool"}


def enc(t):
    t = t.detach().contiguous()
    dt = DTNAME[t.dtype]
    return {"shape": list(t.shape), "dtype": dt, "data": [num(v, dt) for v in t.reshape(-1).tolist()]}


# ------------------------------------------------------------------ tolerances
TOL = (1e-4, 1e-5)    # (rtol, atol) for outputs
GTOL = (1e-3, 1e-4)   # for gradients
# Known ill-conditioned: factorizations / inverses / solves (error grows with the condition
# number; non-unique signs), gamma-family and other special functions with poles or huge
# dynamic range, products and powers (error grows with magnitude), and the distances/norms
# whose gradients divide by a possibly tiny norm.
ILL_TOL = (1e-3, 1e-4)
ILL_GTOL = (1e-2, 1e-3)
ILL_PREFIX = ("linalg.", "special.")
ILL_NAMES = {
    "cholesky", "cholesky_inverse", "cholesky_solve", "inverse", "det", "logdet", "slogdet", "pinverse",
    "svd", "qr", "lu", "lu_solve", "lu_unpack", "triangular_solve", "symeig", "eig", "geqrf", "ormqr",
    "matrix_exp", "matrix_power", "linalg_svd", "svd_lowrank", "pca_lowrank",
    "digamma", "polygamma", "lgamma", "mvlgamma", "erfinv", "erfcx", "i0", "igamma", "igammac", "zeta",
    "xlogy", "tan", "atanh", "acosh", "logit",
    "pow", "float_power", "__rpow__", "prod", "cumprod", "masked.prod", "masked.cumprod",
    "cdist", "dist", "nn.functional.pdist", "nn.functional.pairwise_distance", "norm", "renorm",
    "nn.functional.cosine_similarity", "nn.functional.cosine_embedding_loss", "nn.functional.normalize",
    "nn.functional.triplet_margin_loss", "nn.functional.triplet_margin_with_distance_loss",
    "std", "var", "std_mean", "var_mean", "masked.std", "masked.var", "masked.norm", "masked.normalize",
    "corrcoef", "cov", "nn.functional.local_response_norm",
}
# Categories whose results accumulate many terms (reductions, products, convolutions,
# factorizations): there a different summation order legitimately moves the result by about as
# much as PyTorch's own float32 result differs from float64, so each case's atol is widened to
# 4x that difference where it is larger than the base atol (capped at 1e-3 of the output's scale).
ACCUM_CATEGORIES = {"reduction", "linalg", "nn.functional", "masked", "fft", "special"}
# float64: every tolerance above times TOL64_SCALE (the looser families stay 10x looser, as in
# float32). PyTorch has no wider float on the CPU to measure its float64 error against, so the
# widening of accumulating categories measures PyTorch's float32 error against float64 instead
# and scales it by the ratio of the two machine epsilons (2^-52 / 2^-23); the cap scales with
# the tolerances.
TOL64_SCALE = 1e-5
EPS_RATIO = 2.0 ** -29
if F64:
    TOL, GTOL, ILL_TOL, ILL_GTOL = [(float(f"{r * TOL64_SCALE:.0e}"), float(f"{a * TOL64_SCALE:.0e}"))
                                    for r, a in (TOL, GTOL, ILL_TOL, ILL_GTOL)]
WIDEN_CAP = 1e-3 * (TOL64_SCALE if F64 else 1.0)


# ------------------------------------------------------------------ categories
LINALG_NAMES = {
    "mm", "bmm", "matmul", "addmm", "addmv", "addbmm", "baddbmm", "addr", "dot", "vdot", "inner", "outer",
    "mv", "kron", "tensordot", "einsum", "cholesky", "cholesky_inverse", "cholesky_solve", "inverse", "det",
    "logdet", "pinverse", "svd", "qr", "lu", "lu_solve", "lu_unpack", "triangular_solve", "symeig", "geqrf",
    "ormqr", "matrix_exp", "cross", "trace", "cdist", "dist", "__rmatmul__", "svd_lowrank", "pca_lowrank",
    "chain_matmul", "sparse.sampled_addmm",
}
REDUCTION_NAMES = {
    "max", "min", "aminmax", "argmax", "argmin", "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp",
    "var", "std", "var_mean", "std_mean", "median", "nanmedian", "mode", "kthvalue", "logsumexp", "norm",
    "renorm", "count_nonzero", "histc", "histogram", "histogramdd", "quantile", "nanquantile", "diff",
    "gradient", "trapezoid", "trapz", "cumulative_trapezoid", "cov", "corrcoef", "softmax", "log_softmax",
    "segment_reduce", "equal", "allclose",
}
SORT_NAMES = {"sort", "argsort", "msort", "topk", "searchsorted", "bucketize", "unique", "unique_consecutive",
              "isin"}
SHAPE_NAMES = {
    "reshape", "reshape_as", "view", "view_as", "expand", "expand_as", "broadcast_to", "broadcast_tensors",
    "broadcast_shapes", "permute", "transpose", "t", "T", "mT", "H", "mH", "squeeze", "unsqueeze", "flatten",
    "unflatten", "ravel", "cat", "stack", "hstack", "vstack", "dstack", "column_stack", "split",
    "split_with_sizes", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind", "narrow", "narrow_copy",
    "movedim", "flip", "fliplr", "flipud", "rot90", "roll", "repeat", "tile", "repeat_interleave", "tril", "triu",
    "diag", "diagonal", "diag_embed", "diagflat", "contiguous", "clone", "atleast_1d", "atleast_2d",
    "atleast_3d", "meshgrid", "block_diag", "cartesian_prod", "combinations", "as_strided", "unfold",
    "sum_to_size", "constant_pad_nd", "resize_", "resize_as_", "to_sparse", "view_as_complex",
}
INDEX_NAMES = {
    "gather", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill", "index_put",
    "index_reduce", "index_select", "take", "take_along_dim", "put", "masked_fill", "masked_scatter",
    "masked_select", "nonzero", "argwhere", "where", "__getitem__", "slice", "select", "select_scatter",
    "slice_scatter", "diagonal_scatter", "as_strided_scatter",
}
CREATION_NAMES = {"arange", "linspace", "logspace", "eye", "ones", "zeros", "empty", "full_like", "ones_like",
                  "zeros_like", "empty_like", "new_zeros", "new_ones", "new_full", "new_empty",
                  "new_empty_strided", "fill", "zero_"}
RANDOM_NAMES = {"uniform", "randn", "randn_like", "rand_like", "randint_like", "normal", "bernoulli", "multinomial",
                "nn.functional.dropout", "nn.functional.dropout2d", "nn.functional.dropout3d",
                "nn.functional.feature_alpha_dropout", "nn.functional.rrelu", "nn.functional.fractional_max_pool2d",
                "nn.functional.fractional_max_pool3d"}
CONVERT_NAMES = {"to", "bfloat16", "bool", "byte", "char", "double", "float", "half", "int", "long", "short",
                 "chalf", "real", "conj", "conj_physical", "resolve_conj", "resolve_neg", "positive", "angle",
                 "complex", "polar", "view_as_real", "isreal"}


def category(op):
    n = op.name
    if n.startswith("nn.functional."):
        return "nn.functional"
    if n.startswith("linalg.") or n in LINALG_NAMES:
        return "linalg"
    if n.startswith("special.") or n in {"polygamma", "digamma", "lgamma", "mvlgamma", "erfinv", "erfc", "i0",
                                         "igamma", "igammac", "zeta", "xlogy", "sinc", "logit"}:
        return "special"
    if n.startswith("fft.") or n in {"stft", "istft"}:
        return "fft"
    if n.startswith("masked."):
        return "masked"
    if n in RANDOM_NAMES:
        return "random"
    if n in SORT_NAMES:
        return "sort-search"
    if n in INDEX_NAMES:
        return "indexing"
    if n in CREATION_NAMES:
        return "creation"
    if n in CONVERT_NAMES:
        return "dtype-complex"
    if n in SHAPE_NAMES or isinstance(op, ShapeFuncInfo):
        return "shape"
    if isinstance(op, SpectralFuncInfo):
        return "fft"
    if isinstance(op, ReductionOpInfo) or n in REDUCTION_NAMES:
        return "reduction"
    if isinstance(op, UnaryUfuncInfo):
        return "elementwise-unary"
    if isinstance(op, BinaryUfuncInfo) or n.startswith("__r"):
        return "binary"
    if n in {"addcmul", "addcdiv", "lerp", "clamp", "clamp_min", "clamp_max", "isclose", "nan_to_num", "frexp"}:
        return "binary"
    return "other"


# ------------------------------------------------------------------ OpInfo -> a direct call
class Skip(Exception):
    pass


class Ref:
    """A placeholder for input tensor i in a call template."""
    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i


OP_SKIPS = {
    **{n: "CUDA-only (jiterator)" for n in ("jiterator_unary", "jiterator_binary", "jiterator_4inputs_with_extra_args",
                                            "jiterator_binary_return_by_ref", "jiterator_2inputs_2outputs")},
    **{n: "uninitialized output (empty)" for n in ("empty", "empty_like", "new_empty", "new_empty_strided")},
    **{n: "random output" for n in ("uniform", "randn", "randn_like", "rand_like", "randint_like", "normal",
                                    "bernoulli", "multinomial", "svd_lowrank", "pca_lowrank")},
    **{n: "in-place op (test wraps it around a clone)" for n in ("resize_", "resize_as_", "zero_")},
    "linalg.lstsq.grad_oriented": "composite test wrapper (lstsq(...)[0], no single call)",
    "linalg.pinv.singular": "composite test wrapper (pinv(a @ b.mT), no single call)",
}
METHOD_WRAPPERS = {"contiguous", "sum_to_size", "expand", "expand_as", "to", "bfloat16", "bool", "byte", "char",
                   "double", "float", "half", "int", "long", "short", "chalf", "new_zeros", "new_ones", "new_full",
                   "unfold", "repeat", "reshape_as", "view", "view_as", "to_sparse"}
PROPERTIES = {"T", "H", "mT", "mH"}
F_WRAPPERS = {"nn.functional.rrelu", "nn.functional.dropout", "nn.functional.dropout2d", "nn.functional.dropout3d",
              "nn.functional.feature_alpha_dropout", "nn.functional.fractional_max_pool2d",
              "nn.functional.fractional_max_pool3d", "nn.functional._scaled_dot_product_attention"}
LAYOUT_DEPENDENT = {"as_strided", "as_strided_scatter"}
# Forward kept, gradients left out: PyTorch 1.13's backward is not reproducible there.
NO_GRADS = {"as_strided_scatter": "backward returns uninitialized memory where the scatter overlaps"}
# Wrapped ops that draw random numbers unless their arguments turn that off: (parameter,
# default, value(s) that make the call deterministic) for each; all must be read from the call.
RANDOM_UNLESS = {
    "F.dropout": [("p", 0.5, "training", True)], "F.dropout2d": [("p", 0.5, "training", True)],
    "F.dropout3d": [("p", 0.5, "training", True)], "F.feature_alpha_dropout": [("p", 0.5, "training", False)],
    "F.alpha_dropout": [("p", 0.5, "training", False)], "F.rrelu": [(None, None, "training", False)],
    "F._scaled_dot_product_attention": [("dropout_p", 0.0, None, None)],
    "F.fractional_max_pool2d": None, "F.fractional_max_pool3d": None,
}


def is_random_call(path, P, K):
    """True when the (direct) call draws random numbers: dropout in training with p > 0, etc."""
    if path not in RANDOM_UNLESS:
        return False
    rule = RANDOM_UNLESS[path]
    if rule is None:
        return True
    names = param_names(path) or []
    bound = {nm: v for nm, v in zip(names, P) if nm is not None}
    bound.update(K)
    for p_name, p_default, t_name, t_default in rule:
        p = bound.get(p_name, p_default) if p_name else 1.0
        training = bound.get(t_name, t_default) if t_name else True
        if training and p != 0:
            return True
    return False


def resolve(path):
    """'torch.linalg.svd' / 'F.gelu' / 'Tensor.expand' -> the Python object, or None."""
    head, *rest = path.split(".")
    obj = {"torch": torch, "F": F, "Tensor": torch.Tensor}[head]
    for p in rest:
        obj = getattr(obj, p, None)
        if obj is None:
            return None
    return obj


def default_op_path(op):
    n = op.name
    if n.startswith("nn.functional."):
        return "F." + n[len("nn.functional."):]
    f = resolve("torch." + n)
    if f is not None and (f is op.op or getattr(f, "__name__", 1) == getattr(op.op, "__name__", 2)):
        return "torch." + n
    if n == "fill":
        return "torch.fill"  # OpInfo's _fill_aten(a, value) computes torch.fill(a, value)
    if n == "slice":
        return "torch.ops.aten.slice"  # the aten op itself: x[..., start:end:step] along dim
    if getattr(torch.Tensor, n, None) is not None:
        return "Tensor." + n
    return None


def translate(op, inp, args, kwargs):
    """The OpInfo call op.op(inp, *args, **kwargs) as a direct call: (op_path, positional list,
    kwargs, custom call template or None). Templates hold Refs in place of tensors."""
    n = op.name
    if n in METHOD_WRAPPERS:
        return "Tensor." + n, [inp, *args], dict(kwargs), None
    if n in PROPERTIES:
        return "Tensor." + n, [inp], {}, "x0." + n
    if n == "where":  # lambda self, condition, other: torch.where(condition, self, other)
        return "torch.where", [args[0], inp, args[1]], dict(kwargs), None
    if n in ("polygamma", "special.polygamma"):  # lambda x, n: torch.polygamma(n, x)
        return "torch." + n, [args[0], inp, *args[1:]], dict(kwargs), None
    if n in ("nn.functional.embedding", "nn.functional.embedding_bag"):  # lambda weight, idx: F.embedding(idx, weight)
        return "F." + n[len("nn.functional."):], [args[0], inp, *args[1:]], dict(kwargs), None
    if n == "einsum":  # lambda tensors, equation: torch.einsum(equation, tensors)
        if kwargs or len(args) != 1 or not isinstance(inp, (list, tuple)):
            raise Skip("einsum: unexpected sample layout")
        return "torch.einsum", [list(inp)], {"equation": args[0]}, "einsum"
    if n in F_WRAPPERS:
        return "F." + n[len("nn.functional."):], [inp, *args], dict(kwargs), None
    if n in ("as_strided", "as_strided_scatter"):
        return "torch." + n, [inp, *args], dict(kwargs), None
    path = default_op_path(op)
    if path is None:
        raise Skip("no public callable for this OpInfo")
    return path, [inp, *args], dict(kwargs), None


def path_of(op):
    """The format's `op` for an OpInfo (before looking at any sample)."""
    n = op.name
    if n in METHOD_WRAPPERS or n in PROPERTIES:
        return "Tensor." + n
    if n.startswith("nn.functional.") and (n in F_WRAPPERS or n in ("nn.functional.embedding",
                                                                    "nn.functional.embedding_bag")):
        return "F." + n[len("nn.functional."):]
    if n in ("where", "polygamma", "special.polygamma", "einsum", "as_strided", "as_strided_scatter"):
        return "torch." + n
    return default_op_path(op)


_OVERRIDES = torch.overrides.get_testing_overrides()


# torch.overrides' stand-in signatures that do not match the real parameter order.
PARAM_FIXES = {"torch.polygamma": ["n", "input"], "torch.special.polygamma": ["n", "input"]}


def param_names(path):
    """PyTorch's parameter names of a callable, in order (None for *args), or None if unknown."""
    if path in PARAM_FIXES:
        return PARAM_FIXES[path]
    f = resolve(path) if not path.startswith("torch.ops.") else None
    if f is None:
        return None
    for cand in (_OVERRIDES.get(f), f):
        if cand is None:
            continue
        try:
            ps = inspect.signature(cand).parameters.values()
        except (TypeError, ValueError):
            continue
        return [None if p.kind == p.VAR_POSITIONAL else p.name for p in ps]
    return None


# ------------------------------------------------------------------ sample -> template
def templatize(v, tensors, why):
    """Replace tensors by Refs (appending them to `tensors`); raise Skip for what the format
    cannot hold."""
    if isinstance(v, torch.Tensor):
        if v.layout != torch.strided:
            raise Skip("sparse tensor argument")
        if v.dtype not in DTNAME:
            raise Skip(f"tensor of dtype {str(v.dtype).replace('torch.', '')}")
        if v.numel() > ARGS.max_elems:
            raise Skip(f"tensor over {ARGS.max_elems} elements")
        tensors.append(v)
        return Ref(len(tensors) - 1)
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise Skip("non-finite float argument")
        return v
    if isinstance(v, (list, tuple)):  # torch.Size is a tuple
        return [templatize(x, tensors, why) for x in v]
    t = type(v)
    name = {torch.dtype: "torch.dtype", torch.memory_format: "torch.memory_format", torch.device: "torch.device",
            torch.layout: "torch.layout", slice: "slice", type(Ellipsis): "Ellipsis", complex: "complex number",
            torch.Generator: "torch.Generator"}.get(t, f"{t.__module__}.{t.__name__}")
    raise Skip(f"argument of type {name}")


def has_ref(v):
    if isinstance(v, Ref):
        return True
    if isinstance(v, list):
        return any(has_ref(x) for x in v)
    return False


def subst(v, ts):
    if isinstance(v, Ref):
        return ts[v.i]
    if isinstance(v, list):
        return [subst(x, ts) for x in v]
    if isinstance(v, dict):
        return {k: subst(x, ts) for k, x in v.items()}
    return v


def to_json(v):
    if isinstance(v, Ref):
        return {"$input": v.i}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v


def render(v):
    if isinstance(v, Ref):
        return f"x{v.i}"
    if isinstance(v, list):
        return "[" + ", ".join(render(x) for x in v) + "]"
    return json.dumps(v)


def layout(path, P, K):
    """The format's fields for a direct call path(*P, **K) (templates with Refs): positional
    tensors first (one list argument for torch.cat-style ops), then `args` (non-tensor
    positionals), then `kwargs`; a positional that holds a tensor after a non-tensor positional
    is passed by its parameter name. Returns (pos_tensors, args, kwargs, tensor_list)."""
    tensor_list = False
    pos_tensors = []
    rest = list(P)
    if rest and isinstance(rest[0], list) and rest[0] and all(isinstance(x, Ref) for x in rest[0]):
        tensor_list = True
        pos_tensors = list(rest[0])
        rest = rest[1:]
    else:
        while rest and isinstance(rest[0], Ref):
            pos_tensors.append(rest[0])
            rest = rest[1:]
    args, kw = [], {}
    named_from = None
    for j, v in enumerate(rest):
        if has_ref(v):
            named_from = j
            break
        args.append(v)
    if named_from is not None:
        names = param_names(path)
        offset = 1 if tensor_list else len(pos_tensors)
        for j in range(named_from, len(rest)):
            idx = offset + j
            nm = names[idx] if names is not None and idx < len(names) else None
            if nm is None:
                raise Skip("tensor after a non-tensor positional, parameter name unknown")
            kw[nm] = rest[j]
    for k, v in K.items():
        if k in kw:
            raise Skip("positional/keyword clash")
        kw[k] = v
    return pos_tensors, args, kw, tensor_list


def refs_in(v, out):
    if isinstance(v, Ref):
        out.append(v)
    elif isinstance(v, list):
        for x in v:
            refs_in(x, out)
    return out


def renumber(tensors, pos_tensors, kw):
    """Inputs in the file's order: positional tensors x0.., then those passed by keyword, in
    keyword order (the runner binds the inputs no keyword names, in order, as positionals)."""
    order = list(pos_tensors)
    for v in kw.values():
        refs_in(v, order)
    if len(order) != len(tensors) or len({id(r) for r in order}) != len(order):
        raise Skip("translation dropped or repeated an argument")
    new = [tensors[r.i] for r in order]
    for i, r in enumerate(order):
        r.i = i
    return new


def make_call(path, pos_tensors, args, kw, tensor_list, custom):
    if custom == "einsum":
        return f"torch.einsum({json.dumps(kw['equation'])}, {', '.join(render(r) for r in pos_tensors)})"
    if custom is not None:
        return custom
    parts = [render(pos_tensors)] if tensor_list else [render(r) for r in pos_tensors]
    parts += [render(a) for a in args]
    parts += [f"{k}={render(v)}" for k, v in kw.items()]
    if path.startswith("Tensor."):
        if tensor_list or not pos_tensors:
            raise Skip("method call without a tensor self")
        return f"{parts[0]}.{path[len('Tensor.'):]}({', '.join(parts[1:])})"
    return f"{path}({', '.join(parts)})"


JSON_NS = {"true": True, "false": False, "null": None}


def evaluate(call, ts):
    ns = {"torch": torch, "F": F, **JSON_NS}
    ns.update({f"x{i}": t for i, t in enumerate(ts)})
    return eval(call, ns)


def fresh(tensors, noncontig, cast=None):
    """Fresh copies of the case's tensors (`cast`: its floating tensors converted to that dtype)."""
    out = []
    for t, nc in zip(tensors, noncontig):
        x = t.detach().clone().contiguous()
        if cast is not None and x.dtype == FLOAT:
            x = x.to(cast)
        if nc:
            if x.dim() >= 2:
                x = x.transpose(-1, -2).contiguous().transpose(-1, -2)
            elif x.dim() == 1:
                n = x.shape[0]
                x = x.reshape(n, 1).expand(n, 2).contiguous()[:, 0]
        if t.requires_grad:
            x.requires_grad_(True)
        out.append(x)
    return out


def flat_outputs(out):
    if isinstance(out, torch.Tensor):
        outs = [out]
    elif isinstance(out, (tuple, list)):
        outs = list(out)
    else:
        raise Skip(f"non-tensor output ({type(out).__name__})")
    if not outs:
        raise Skip("empty output tuple")
    for o in outs:
        if not isinstance(o, torch.Tensor):
            raise Skip(f"non-tensor output ({type(o).__name__})" if not isinstance(o, (tuple, list))
                       else "nested outputs")
        if o.layout != torch.strided:
            raise Skip("sparse output")
        if o.dtype not in DTNAME:
            raise Skip(f"output of dtype {str(o.dtype).replace('torch.', '')}")
        if o.numel() > ARGS.max_elems:
            raise Skip(f"output over {ARGS.max_elems} elements")
    return outs


def same(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        if x.dtype == FLOAT:
            if not torch.allclose(x.detach(), y.detach(), rtol=1e-5, atol=1e-6, equal_nan=True):
                return False
        elif not torch.equal(x.detach(), y.detach()):
            return False
    return True


def excess(a32, a64, rtol):
    """Largest amount by which |f32 - f64| exceeds rtol*|f64| (finite elements), and the scale.
    (float64 mode: rtol is float32's, a64 the written float64 result.)"""
    a = a32.detach().double().reshape(-1)
    b = a64.detach().double().reshape(-1)
    m = torch.isfinite(a) & torch.isfinite(b)
    if not bool(m.any()):
        return 0.0, 0.0
    d = (a[m] - b[m]).abs() - rtol * b[m].abs()
    return max(0.0, float(d.max())), float(b[m].abs().max())


def round_up(x):
    """x rounded up to one significant digit (readable tolerances)."""
    if x <= 0:
        return x
    e = math.floor(math.log10(x))
    m = math.ceil(x / 10 ** e - 1e-9)
    return float(f"{m}e{e}")


# ------------------------------------------------------------------ main loop
CPU_KEY, NO_KEY = f"{ARGS.dtype}_cpu", f"no_{ARGS.dtype}"
stats = {
    "torch": torch.__version__, "seed": SEED, "max_samples": ARGS.max_samples, "max_elems": ARGS.max_elems,
    "scan": ARGS.scan, **({"dtype": ARGS.dtype} if F64 else {}),
    "opinfos": 0, CPU_KEY: 0, NO_KEY: [], "ops": [],
}
cases = []
only = set(ARGS.only.split(",")) if ARGS.only else None

for op in op_db:
    stats["opinfos"] += 1
    if FLOAT not in op.supported_dtypes("cpu"):
        stats[NO_KEY].append(op.name + (("." + op.variant_test_name) if op.variant_test_name else ""))
        continue
    stats[CPU_KEY] += 1
    key = op.name + (("." + op.variant_test_name) if op.variant_test_name else "")
    if only and op.name not in only and key not in only:
        continue
    cat = category(op)
    rec = {"opinfo": key, "name": op.name, "category": cat, "op": None, "scanned": 0, "unrepresentable": {},
           "representable": 0, "tried": 0, "rejected": {}, "kept": 0, "case_names": [], "tol_widened": 0}
    stats["ops"].append(rec)
    reason = OP_SKIPS.get(key) or OP_SKIPS.get(op.name)
    rec["op"] = path_of(op)
    if reason:
        rec["op_skip"] = reason
        continue
    torch.manual_seed(SEED)  # each OpInfo's samples independent of the others (and of --only)
    random.seed(SEED)  # some sample generators draw kwargs with Python's random
    np.random.seed(SEED)
    try:
        samples = list(itertools.islice(
            op.sample_inputs("cpu", FLOAT, requires_grad=op.supports_autograd), ARGS.scan))
    except Exception as e:  # noqa: BLE001
        rec["op_skip"] = f"sample generation failed ({type(e).__name__})"
        continue
    ill = op.name.startswith(ILL_PREFIX) or op.name in ILL_NAMES

    # Phase 1: which samples the format can hold at all (counted over every scanned sample).
    candidates = []
    for k, s in enumerate(samples):
        rec["scanned"] += 1
        try:
            tensors = []
            t_inp = templatize(s.input, tensors, "input")
            t_args = [templatize(a, tensors, "args") for a in s.args]
            t_kwargs = {kk: templatize(v, tensors, "kwargs") for kk, v in s.kwargs.items()}
            if op.name in LAYOUT_DEPENDENT and any(not t.is_contiguous() for t in tensors):
                raise Skip("layout-dependent op on a non-contiguous input")
            path, P, K, custom = translate(op, t_inp, t_args, t_kwargs)
            if is_random_call(path, P, K):
                raise Skip("random output (dropout-like call in training mode)")
            pos_tensors, args, kw, tensor_list = layout(path, P, K)
            tensors = renumber(tensors, pos_tensors, kw)
            call = make_call(path, pos_tensors, args, kw, tensor_list, custom)
        except Skip as e:
            rec["unrepresentable"][str(e)] = rec["unrepresentable"].get(str(e), 0) + 1
            continue
        candidates.append((k, tensors, t_inp, t_args, t_kwargs, path, args, kw, call))
    rec["representable"] = len(candidates)
    # Phase 2: up to --max-samples of them, spread over the generator's order (its first samples
    # are often the trivial ones, e.g. 0-d inputs for every reduction), the others as fallbacks.
    n, want = len(candidates), ARGS.max_samples
    spread = sorted({round(j * (n - 1) / (want - 1)) for j in range(want)}) if n > want and want > 1 else \
        list(range(min(n, want)))
    order = spread + [i for i in range(n) if i not in spread]

    for ci in order:
        if rec["kept"] >= want:
            break
        k, tensors, t_inp, t_args, t_kwargs, path, args, kw, call = candidates[ci]
        rec["tried"] += 1
        rec["op"] = path
        try:
            noncontig = [(not t.is_contiguous()) and t.numel() > 1 and op.name not in LAYOUT_DEPENDENT
                         for t in tensors]

            # OpInfo's own definition of the op, on the inputs as they will be written.
            def opinfo_call(ts):
                return op.op(subst(t_inp, ts), *subst(t_args, ts), **subst(t_kwargs, ts))

            try:
                ref_out = flat_outputs(opinfo_call(fresh(tensors, noncontig)))
            except Skip:
                raise
            except Exception as e:  # noqa: BLE001
                raise Skip(f"PyTorch raised on the sample ({type(e).__name__})")
            torch.manual_seed(1)
            try:
                other = flat_outputs(evaluate(call, fresh(tensors, noncontig)))
            except Skip:
                raise
            except Exception as e:  # noqa: BLE001
                raise Skip(f"call expression failed in Python ({type(e).__name__})")
            torch.manual_seed(SEED + k)
            ins = fresh(tensors, noncontig)
            before = [enc(t) for t in ins]
            outs = flat_outputs(evaluate(call, ins))
            if not same(outs, other):
                raise Skip("nondeterministic output (random)")
            if not same(outs, ref_out):
                raise Skip("call expression does not reproduce OpInfo's op")
        except Skip as e:
            rec["rejected"][str(e)] = rec["rejected"].get(str(e), 0) + 1
            continue

        tol, gtol = (ILL_TOL, ILL_GTOL) if ill else (TOL, GTOL)
        case = {
            "group": cat,
            "name": f"{key}/{k}",
            "op": path,
            "call": call,
            "args": [to_json(a) for a in args],
            "kwargs": {kk: to_json(v) for kk, v in kw.items()},
            "inputs": [],
            "outputs": [enc(o) for o in outs],
        }
        for i, t in enumerate(ins):
            after = enc(t)
            if after["data"] != before[i]["data"]:
                case.setdefault("mutated", {})[str(i)] = after
            e = before[i]
            e["requires_grad"] = bool(t.requires_grad)
            if noncontig[i]:
                e["noncontiguous"] = True
            case["inputs"].append(e)

        grads = None
        o0 = outs[0]
        up = None
        if op.supports_autograd and o0.dtype == FLOAT and o0.requires_grad and op.name not in NO_GRADS:
            up = torch.empty(o0.shape, dtype=FLOAT).uniform_(-1, 1)
            try:
                (o0 * up).sum().backward()
                grads = [t.grad.detach().clone() if t.requires_grad and t.grad is not None else None for t in ins]
                if all(g is None for g in grads):
                    grads = None
                else:  # the same backward once more: PyTorch's own gradient must be reproducible
                    ins2 = fresh(tensors, noncontig)
                    o2 = flat_outputs(evaluate(call, ins2))[0]
                    (o2 * up).sum().backward()
                    g2 = [t.grad if t.requires_grad and t.grad is not None else None for t in ins2]
                    if not all((a is None) == (b is None) and (a is None or same([a], [b])) for a, b in zip(grads, g2)):
                        rec["grad_nondeterministic"] = rec.get("grad_nondeterministic", 0) + 1
                        grads = None
            except Exception as e:  # noqa: BLE001
                rec["backward_failed"] = rec.get("backward_failed", 0) + 1
                grads = None

        # Tolerances: base, widened for accumulating categories by PyTorch's own float32 error
        # (float64 mode: by that error scaled by EPS_RATIO, see "tolerances").
        atol, gatol = tol[1], gtol[1]
        if cat in ACCUM_CATEGORIES:
            try:
                # float32: the written outputs against a float64 run; float64: a float32 run
                # against the written outputs.
                other_ins = fresh(tensors, noncontig, cast=torch.float32 if F64 else torch.float64)
                o_other = evaluate(call, other_ins)
                o_other = [o_other] if isinstance(o_other, torch.Tensor) else list(o_other)
                lo, hi = (o_other, outs) if F64 else (outs, o_other)
                scale = EPS_RATIO if F64 else 1.0
                rtol32, grtol32 = (tol[0] / TOL64_SCALE, gtol[0] / TOL64_SCALE) if F64 else (tol[0], gtol[0])
                ex = 0.0
                for a, b in zip(lo, hi):
                    if a.dtype == torch.float32 and b.dtype == torch.float64 and a.shape == b.shape:
                        x, sc = excess(a, b, rtol32)
                        ex = max(ex, min(4 * x * scale, WIDEN_CAP * max(sc, 1.0)))
                if ex > atol:
                    atol = round_up(ex)
                    rec["tol_widened"] += 1
                if grads is not None and o_other[0].requires_grad:
                    (o_other[0] * up.to(torch.float32 if F64 else torch.float64)).sum().backward()
                    gx = 0.0
                    for g, t_other in zip(grads, other_ins):
                        if g is not None and t_other.grad is not None and g.shape == t_other.grad.shape:
                            a, b = (t_other.grad, g) if F64 else (g, t_other.grad)
                            x, sc = excess(a, b, grtol32)
                            gx = max(gx, min(4 * x * scale, WIDEN_CAP * max(sc, 1.0)))
                    if gx > gatol:
                        gatol = round_up(gx)
                        rec["tol_widened"] += 1
            except Exception:  # noqa: BLE001  (no float64 path: base tolerances)
                pass
        case["tol"] = {"rtol": tol[0], "atol": atol}
        if grads is not None:
            case["upstream"] = enc(up)
            case["grads"] = [enc(g) if g is not None else None for g in grads]
            case["gtol"] = {"rtol": gtol[0], "atol": gatol}
        cases.append(case)
        rec["kept"] += 1
        rec["case_names"].append(case["name"])

os.makedirs(ARGS.out, exist_ok=True)
with open(os.path.join(ARGS.out, "ops.json"), "w") as f:
    json.dump({"generator": f"PyTorch {torch.__version__} OpInfo op_db (bench/hidden/opinfo/gen.py)" if not F64 else
               f"PyTorch {torch.__version__} OpInfo op_db, float64 (scripts/opinfo-gen.py --dtype float64)",
               "seed": SEED, "cases": cases}, f, separators=(",", ":"))
with open(os.path.join(ARGS.out, "gen_stats.json"), "w") as f:
    json.dump(stats, f, indent=1)
unrep, rej = collections.Counter(), collections.Counter()
for r in stats["ops"]:
    unrep.update(r["unrepresentable"])
    rej.update(r["rejected"])
tot = lambda f: sum(r[f] for r in stats["ops"])
print(f"{stats['opinfos']} OpInfos, {stats[CPU_KEY]} with {ARGS.dtype} on CPU; {tot('scanned')} samples scanned, "
      f"{tot('representable')} representable, {tot('tried')} tried, {len(cases)} kept -> "
      f"{os.path.relpath(os.path.join(ARGS.out, 'ops.json'))}")
for why, c in unrep.most_common():
    print(f"  not representable {c:5d}: {why}")
for why, c in rej.most_common():
    print(f"  rejected          {c:5d}: {why}")
