#!/usr/bin/env python3
"""Recomputes chosen OpInfo cases in float64 with PyTorch, for cases where PyTorch's own float32
result is degenerate (e.g. the gradient of det at a matrix that is singular only in float32).

    /usr/bin/python3 scripts/opinfo-f64-overrides.py "REASON" CASE [CASE...] > OUT.json

Reads test/fixtures/opinfo/ops.json.gz, evaluates each case's `call` with its inputs in float64
(int64/bool inputs unchanged), takes the gradients of sum(outputs[0] * upstream) in float64, and
prints `{"overrides": [{name, reason, torch, outputs, grads}]}` with the values rounded to
float32. The conformance loader (src/conformance/load.ts) substitutes them for the case's values.
"""
import gzip, json, sys
import torch
import torch.nn.functional as F

reason, names = sys.argv[1], sys.argv[2:]
cases = {c["name"]: c for c in json.load(gzip.open("test/fixtures/opinfo/ops.json.gz"))["cases"]}

def dec(v):
    return {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}.get(v, v) if isinstance(v, str) else v

def enc(v):
    if v != v: return "nan"
    if v in (float("inf"), float("-inf")): return "inf" if v > 0 else "-inf"
    return v

def tensor(t):
    dt = {"float32": torch.float64, "int64": torch.int64, "bool": torch.bool}[t["dtype"]]
    x = torch.tensor([dec(v) for v in t["data"]], dtype=dt).reshape(t["shape"])
    return x.requires_grad_() if t.get("requires_grad") else x

def out(t):
    t = t.detach()
    if t.dtype == torch.float64: t = t.float()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": [enc(v) for v in t.flatten().tolist()]}

res = []
for n in names:
    c = cases[n]
    env = {"torch": torch, "F": F, "true": True, "false": False, "null": None}
    xs = [tensor(t) for t in c["inputs"]]
    env.update({f"x{i}": x for i, x in enumerate(xs)})
    outs = eval(c["call"], env)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    entry = {"name": n, "reason": reason, "torch": torch.__version__, "outputs": [out(o) for o in outs]}
    if c.get("upstream") is not None:
        up = torch.tensor([dec(v) for v in c["upstream"]["data"]], dtype=torch.float64).reshape(c["upstream"]["shape"])
        diff = [x for x in xs if x.requires_grad]
        gs = torch.autograd.grad((outs[0] * up).sum(), diff, allow_unused=True)
        it = iter(gs)
        entry["grads"] = [None if not x.requires_grad else (lambda g: out(g) if g is not None else None)(next(it)) for x in xs]
    res.append(entry)
json.dump({"overrides": res}, sys.stdout, indent=1)
print()
