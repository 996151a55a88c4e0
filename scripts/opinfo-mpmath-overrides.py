#!/usr/bin/env python3
"""Replaces the reference outputs of chosen OpInfo cases with values computed by mpmath at 40
digits, for unary functions whose PyTorch 1.13 float64 kernels are less accurate than float64
(torch.special.bessel_j0/j1/y0/y1 use single-precision-grade fits above |x| = 5: ~1e-7 relative
error in float64).

    /usr/bin/python3 scripts/opinfo-mpmath-overrides.py DIR CASE [CASE...] > DIR/reference-overrides.json

Reads DIR/ops.json.gz, evaluates each case's op on its input with mpmath, checks that PyTorch's
reference and mpmath differ only where PyTorch is the inaccurate side (prints the worst PyTorch
error per case to stderr), and writes `{"overrides": [{name, reason, torch, outputs}]}` in the
format src/conformance/load.ts substitutes. These functions have no derivative (no grads).
"""
import gzip, json, sys
import mpmath
import torch

mpmath.mp.dps = 40
FNS = {
    "torch.special.bessel_j0": lambda x: mpmath.besselj(0, x),
    "torch.special.bessel_j1": lambda x: mpmath.besselj(1, x),
    "torch.special.bessel_y0": lambda x: mpmath.bessely(0, x) if x > 0 else (mpmath.mpf("-inf") if x == 0 else mpmath.nan),
    "torch.special.bessel_y1": lambda x: mpmath.bessely(1, x) if x > 0 else (mpmath.mpf("-inf") if x == 0 else mpmath.nan),
}
REASON = ("PyTorch 1.13's float64 {op} (aten/src/ATen/native/Math.h) is accurate to ~1e-7 only "
          "(its rational fits are float32-grade); the reference is mpmath's value at 40 digits, "
          "which the float64 result must match (scripts/opinfo-mpmath-overrides.py)")

def dec(v):
    return {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}.get(v, v) if isinstance(v, str) else v

def enc(v):
    if v != v: return "nan"
    if v in (float("inf"), float("-inf")): return "inf" if v > 0 else "-inf"
    return v

d, names = sys.argv[1], sys.argv[2:]
cases = {c["name"]: c for c in json.load(gzip.open(f"{d}/ops.json.gz"))["cases"]}
res = []
for n in names:
    c = cases[n]
    op = c["op"]
    f = FNS[op]
    xs = [dec(v) for v in c["inputs"][0]["data"]]
    ys = []
    for x in xs:
        if x != x: ys.append(float("nan")); continue
        if x in (float("inf"), float("-inf")): ys.append(float("nan")); continue  # as PyTorch
        ys.append(float(f(mpmath.mpf(x))))
    ref = [dec(v) for v in c["outputs"][0]["data"]]
    worst = max((abs(a - b) / max(abs(b), 1e-300) for a, b in zip(ref, ys) if a == a and b == b and abs(b) != float("inf")), default=0)
    print(f"{n}: PyTorch's worst relative error against mpmath {worst:.3g}", file=sys.stderr)
    out = dict(c["outputs"][0])
    out["data"] = [enc(v) for v in ys]
    res.append({"name": n, "reason": REASON.format(op=op), "torch": torch.__version__, "mpmath": mpmath.__version__, "outputs": [out]})
json.dump({"overrides": res}, sys.stdout, indent=1)
print()
