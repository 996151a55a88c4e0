/**
 * nn.utils.weightNorm / removeWeightNorm and nn.utils.spectralNorm / removeSpectralNorm, the
 * PyTorch 1.x API: the weight becomes computed from new parameters (weight_g, weight_v; or
 * weight_orig with the buffers weight_u, weight_v) before every call of the module, by a
 * forward pre hook (nn/hooks.ts), so state dicts carry PyTorch's keys.
 */
import { fn } from '../signature/bind.js';
import { noGrad } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RemovableHandle } from './hooks.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';

type Rec = Record<string, unknown>;
const handles = new WeakMap<Module, Map<string, RemovableHandle>>();
/** weightNorm's dim per (module, name), for removeWeightNorm. */
const normDims = new WeakMap<Module, Map<string, number | null>>();

/** PyTorch's norm_except_dim(v, 2, dim): the 2-norm over every dim but `dim` (all: dim null). */
function normExceptDim(v: Tensor, dim: number | null): Tensor {
  if (dim === null) return v.norm();
  const d = dim < 0 ? dim + v.dim() : dim;
  const others = v.shape.map((_, i) => i).filter((i) => i !== d);
  return others.length ? v.pow(2).sum(others, { keepdim: true }).sqrt() : v.abs();
}

function takeParam(m: Module, name: string, what: string): Tensor {
  const w = (m as unknown as Rec)[name];
  if (!w || !(typeof w === 'object') || !('shape' in (w as object)))
    throw new Error(`Module '${m.constructor.name}' has no parameter or buffer with name '${name}'`);
  const hs = handles.get(m);
  if (hs?.has(`${what}:${name}`))
    throw new Error(`Cannot register two ${what} hooks on the same parameter ${name}`);
  return w as Tensor;
}

function keep(m: Module, key: string, h: RemovableHandle): void {
  let hs = handles.get(m);
  if (!hs) {
    hs = new Map();
    handles.set(m, hs);
  }
  hs.set(key, h);
}

/**
 * Undoes reparametrization `kind` of m[name]: its hook removed, then `value` (read before anything
 * is deleted) becomes the plain parameter m[name] in place of name and name + each of `suffixes`.
 */
function restore(
  m: Module,
  kind: string,
  name: string,
  suffixes: string[],
  value: (r: Rec) => Tensor,
): Module {
  const key = `${kind}:${name}`;
  const h = handles.get(m)?.get(key);
  if (!h) throw new Error(`${kind} of '${name}' not found in ${m.constructor.name}`);
  h.remove();
  handles.get(m)?.delete(key);
  const r = m as unknown as Rec;
  const w = value(r);
  delete r[name];
  for (const x of suffixes) delete r[`${name}${x}`];
  r[name] = Parameter(w);
  return m;
}

/**
 * Reparameterizes `module[name]` (default `'weight'`) as g · v / ‖v‖: new parameters `${name}_g` (the norms)
 * and `${name}_v` (the direction) replace it, and a forward pre-hook recomputes the weight before every call.
 * `dim` (default 0) is the dimension kept in the norm (one g per output channel); null or -1 takes one norm
 * over the whole tensor. Returns `module`.
 */
export const weightNorm = fn(
  'nn.utils.weightNorm',
  'weight_norm(Module module, str name="weight", int? dim=0)',
  (a) => {
    const m = a.module;
    const r = m as unknown as Rec;
    const name = a.name;
    const dim = a.dim === -1 ? null : a.dim;
    const w = takeParam(m, name, 'weight_norm');
    delete r[name];
    r[`${name}_g`] = Parameter(normExceptDim(w.detach(), dim));
    r[`${name}_v`] = Parameter(w.detach());
    const compute = () => {
      const g = r[`${name}_g`] as Tensor;
      const v = r[`${name}_v`] as Tensor;
      return v.mul(g.div(normExceptDim(v, dim)));
    };
    r[name] = noGrad(compute);
    if (!normDims.has(m)) normDims.set(m, new Map());
    normDims.get(m)?.set(name, dim);
    keep(
      m,
      `weight_norm:${name}`,
      m.registerForwardPreHook(() => {
        r[name] = compute();
      }),
    );
    return m;
  },
);

/**
 * Undoes weightNorm on `module[name]` (default `'weight'`): the current g · v / ‖v‖ becomes a plain parameter
 * again and the hook is removed. Returns `module`.
 */
export const removeWeightNorm = fn(
  'nn.utils.removeWeightNorm',
  'remove_weight_norm(Module module, str name="weight")',
  (a) =>
    restore(a.module, 'weight_norm', a.name, ['_g', '_v'], (r) => {
      const g = r[`${a.name}_g`] as Tensor;
      const v = r[`${a.name}_v`] as Tensor;
      const dim = normDims.get(a.module)?.get(a.name) ?? null;
      return noGrad(() => v.mul(g.div(normExceptDim(v, dim))));
    }),
);

const normalize = (x: Tensor, eps: number): Tensor => x.div(x.norm().clampMin(eps));

/**
 * Divides `module[name]` (default `'weight'`) by its largest singular value σ, estimated by power iteration:
 * the parameter becomes `${name}_orig`, with buffers `${name}_u`, `${name}_v`; before every call in training
 * mode `nPowerIterations` (default 1) steps refine u, v, and σ = uᵀ W v. `eps` (default 1e-12) guards the
 * normalizations; `dim` (default null: 1 for ConvTranspose layers, else 0) is the output dimension. Returns
 * `module`.
 */
export const spectralNorm = fn(
  'nn.utils.spectralNorm',
  'spectral_norm(Module module, str name="weight", int n_power_iterations=1, float eps=1e-12, int? dim=None)',
  (a) => {
    const m = a.module;
    const r = m as unknown as Rec;
    const { name, eps } = a;
    if (a.nPowerIterations <= 0)
      throw new RangeError(
        `Expected n_power_iterations to be positive, but got n_power_iterations=${a.nPowerIterations}`,
      );
    const w = takeParam(m, name, 'spectral_norm');
    const dim = a.dim ?? (/^ConvTranspose/.test(m.constructor.name) ? 1 : 0);
    const mat = (t: Tensor): Tensor => {
      const d = dim < 0 ? dim + t.dim() : dim;
      const perm = [d, ...t.shape.map((_, i) => i).filter((i) => i !== d)];
      const p = d === 0 ? t : t.permute(perm);
      return p.reshape([t.shape[d], -1]);
    };
    const wm = mat(w.detach());
    const [h, wd] = wm.shape;
    delete r[name];
    r[`${name}_orig`] = Parameter(w.detach());
    noGrad(() => {
      m.registerBuffer(`${name}_u`, normalize(randnLike(wm, h), eps));
      m.registerBuffer(`${name}_v`, normalize(randnLike(wm, wd), eps));
    });
    const compute = (iterate: boolean) => {
      const orig = r[`${name}_orig`] as Tensor;
      const W = mat(orig);
      if (iterate)
        noGrad(() => {
          let u = r[`${name}_u`] as Tensor;
          let v = r[`${name}_v`] as Tensor;
          for (let i = 0; i < a.nPowerIterations; i++) {
            v = normalize(W.t().mv(u), eps);
            u = normalize(W.mv(v), eps);
          }
          (r[`${name}_u`] as Tensor).copy_(u);
          (r[`${name}_v`] as Tensor).copy_(v);
        });
      const u = (r[`${name}_u`] as Tensor).clone();
      const v = (r[`${name}_v`] as Tensor).clone();
      const sigma = u.dot(W.mv(v));
      return orig.div(sigma);
    };
    r[name] = noGrad(() => compute(false));
    keep(
      m,
      `spectral_norm:${name}`,
      m.registerForwardPreHook(() => {
        r[name] = compute(m.training);
      }),
    );
    return m;
  },
);

function randnLike(t: Tensor, n: number): Tensor {
  // N(0, 1) from the default generator, on t's device.
  return t.newZeros([n]).normal_();
}

/**
 * Undoes spectralNorm on `module[name]` (default `'weight'`): the current normalized weight becomes a plain
 * parameter; the hook, `${name}_u` and `${name}_v` are removed. Returns `module`.
 */
export const removeSpectralNorm = fn(
  'nn.utils.removeSpectralNorm',
  'remove_spectral_norm(Module module, str name="weight")',
  (a) =>
    restore(a.module, 'spectral_norm', a.name, ['_orig', '_u', '_v'], (r) => (r[a.name] as Tensor).detach()),
);
