/**
 * More products, composed from matmul, views and reductions (autograd and every device come
 * free): the add-multiply family (addmm, addmv, addr, baddbmm, addbmm), mv, vdot, inner, kron,
 * tensordot, trace and a general einsum (diagonals for repeated labels, then pairwise
 * contractions as one batched matmul each).
 */
import { fmtShape, ShapeError } from '../tensor/errors.js';
import type { Tensor } from './core.js';
import { bmm, dot, matmul, mm, outer } from './matmul.js';
import { add, mul } from './pointwise.js';
import { sum } from './reduce.js';
import { expand, permute, reshape, unsqueeze } from './shape.js';
import { diagonal } from './shape-more.js';

/** beta * input + alpha * product, with beta == 0 ignoring input (NaNs in it included), as PyTorch. */
function addScaled(input: Tensor, product: Tensor, beta: number, alpha: number): Tensor {
  const p = alpha === 1 ? product : mul(product, alpha);
  const out = beta === 0 ? p : add(p, beta === 1 ? input : mul(input, beta));
  return out.shape.length === product.shape.length ? out : expand(out, product.shape);
}

function checkBroadcastsTo(op: string, input: Tensor, shape: readonly number[]): void {
  const off = shape.length - input.dim();
  if (off < 0 || input.shape.some((s, i) => s !== 1 && s !== shape[i + off]))
    throw new ShapeError(
      `${op}: the input of shape ${fmtShape(input.shape)} cannot be broadcast to ${fmtShape(shape)}`,
    );
}

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.dim() !== 2 || v.dim() !== 1)
    throw new ShapeError(`vector + matrix @ vector expected, got ${a.dim()}, ${v.dim()}`);
  return matmul(a, v);
}

type Coef = { beta: number; alpha: number };
/** `beta * input + alpha * product`, input broadcast to the product's shape (addmm and kin). */
function addProduct(op: string, input: Tensor, p: Tensor, { beta, alpha }: Coef): Tensor {
  checkBroadcastsTo(op, input, p.shape);
  return addScaled(input, p, beta, alpha);
}
export const addmm = (input: Tensor, m1: Tensor, m2: Tensor, c: Coef): Tensor =>
  addProduct('addmm', input, mm(m1, m2), c);
export const addmv = (input: Tensor, m: Tensor, v: Tensor, c: Coef): Tensor =>
  addProduct('addmv', input, mv(m, v), c);
export const addr = (input: Tensor, v1: Tensor, v2: Tensor, c: Coef): Tensor =>
  addProduct('addr', input, outer(v1, v2), c);
export const baddbmm = (input: Tensor, b1: Tensor, b2: Tensor, c: Coef): Tensor =>
  addProduct('baddbmm', input, bmm(b1, b2), c);
export const addbmm = (input: Tensor, b1: Tensor, b2: Tensor, c: Coef): Tensor =>
  addProduct('addbmm', input, sum(bmm(b1, b2), [0]), c);

/** torch.vdot: the dot product (conjugating the first argument, a no-op for real tensors). */
export const vdot = (a: Tensor, b: Tensor): Tensor => dot(a, b);

/** torch.inner: sums over the last dims of both; a scalar operand multiplies. */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (a.dim() === 0 || b.dim() === 0) return mul(a, b);
  const ka = a.shape[a.dim() - 1];
  const kb = b.shape[b.dim() - 1];
  if (ka !== kb)
    throw new ShapeError(
      `inner() the last dimension must match on both input tensors but got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  return tensordot(a, b, [[a.dim() - 1], [b.dim() - 1]]);
}

/** torch.tensordot: contracts the last `dims` of a with the first of b, or the listed dim pairs. */
export function tensordot(
  a: Tensor,
  b: Tensor,
  dims: number | readonly (readonly number[] | number)[],
): Tensor {
  let da: number[];
  let db: number[];
  if (typeof dims === 'number') {
    if (dims < 0) throw new RangeError(`tensordot expects dims >= 0, but got dims=${dims}`);
    if (dims > a.dim() || dims > b.dim())
      throw new ShapeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${dims}`);
    da = Array.from({ length: dims }, (_, i) => a.dim() - dims + i);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    if (dims.length !== 2) throw new TypeError('tensordot expects dims to be an int or a pair of dim lists');
    const [x, y] = dims;
    da = (typeof x === 'number' ? [x] : [...x]).map((d) => (d < 0 ? d + a.dim() : d));
    db = (typeof y === 'number' ? [y] : [...y]).map((d) => (d < 0 ? d + b.dim() : d));
  }
  if (da.length !== db.length)
    throw new ShapeError(`both dimension lists should have same length, got ${da.length} and ${db.length}`);
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]])
      throw new ShapeError(
        `contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${d} and second has size ${b.shape[db[i]]} in dim ${db[i]}`,
      );
  });
  const fa = a.shape.map((_, i) => i).filter((i) => !da.includes(i));
  const fb = b.shape.map((_, i) => i).filter((i) => !db.includes(i));
  const K = da.reduce((p, d) => p * a.shape[d], 1);
  const M = fa.reduce((p, d) => p * a.shape[d], 1);
  const N = fb.reduce((p, d) => p * b.shape[d], 1);
  const A = reshape(permute(a, [...fa, ...da]), [M, K]);
  const B = reshape(permute(b, [...db, ...fb]), [K, N]);
  return reshape(mm(A, B), [...fa.map((d) => a.shape[d]), ...fb.map((d) => b.shape[d])]);
}

/** torch.kron: the Kronecker product (ranks padded with leading 1s). */
export function kron(a: Tensor, b: Tensor): Tensor {
  const r = Math.max(a.dim(), b.dim());
  const sa = [...new Array(r - a.dim()).fill(1), ...a.shape];
  const sb = [...new Array(r - b.dim()).fill(1), ...b.shape];
  const ai: number[] = [];
  const bi: number[] = [];
  for (let i = 0; i < r; i++) {
    ai.push(sa[i], 1);
    bi.push(1, sb[i]);
  }
  return reshape(
    mul(reshape(a, ai), reshape(b, bi)),
    sa.map((s, i) => s * sb[i]),
  );
}

export function trace(x: Tensor): Tensor {
  if (x.dim() !== 2) throw new ShapeError(`trace: expected a matrix, but got tensor with dim ${x.dim()}`);
  return sum(diagonal(x, 0, 0, 1));
}

// ---- einsum ----

type Labeled = { t: Tensor; l: string[] };

/** Sums out the given labels (no-op for none). */
function sumOut(x: Labeled, drop: (l: string) => boolean): Labeled {
  const dims = x.l.map((l, i) => (drop(l) ? i : -1)).filter((i) => i >= 0);
  if (dims.length === 0) return x;
  return { t: sum(x.t, dims), l: x.l.filter((l) => !drop(l)) };
}

/** One pairwise contraction as a batched matmul; `keep` are the labels needed afterwards. */
function contract(a: Labeled, b: Labeled, keep: Set<string>, size: Map<string, number>): Labeled {
  const A = sumOut(a, (l) => !keep.has(l) && !b.l.includes(l));
  const B = sumOut(b, (l) => !keep.has(l) && !A.l.includes(l));
  const batch = A.l.filter((l) => B.l.includes(l) && keep.has(l));
  const contr = A.l.filter((l) => B.l.includes(l) && !keep.has(l));
  const left = A.l.filter((l) => !B.l.includes(l));
  const right = B.l.filter((l) => !A.l.includes(l));
  const arrange = (x: Labeled, order: string[]) => {
    const p = permute(
      x.t,
      order.map((l) => x.l.indexOf(l)),
    );
    return expand(
      p,
      order.map((l, i) => (batch.includes(l) || contr.includes(l) ? (size.get(l) as number) : p.shape[i])),
    );
  };
  const prod = (ls: string[], x: Labeled) =>
    ls.reduce(
      (acc, l) =>
        acc * (batch.includes(l) || contr.includes(l) ? (size.get(l) as number) : x.t.shape[x.l.indexOf(l)]),
      1,
    );
  const nB = prod(batch, A);
  const nK = prod(contr, A);
  const nM = prod(left, A);
  const nN = prod(right, B);
  const ta = reshape(arrange(A, [...batch, ...left, ...contr]), [nB, nM, nK]);
  const tb = reshape(arrange(B, [...batch, ...contr, ...right]), [nB, nK, nN]);
  const out = reshape(matmul(ta, tb), [
    ...batch.map((l) => size.get(l) as number),
    ...left.map((l) => A.t.shape[A.l.indexOf(l)]),
    ...right.map((l) => B.t.shape[B.l.indexOf(l)]),
  ]);
  return { t: out, l: [...batch, ...left, ...right] };
}

/** torch.einsum: subscripts of letters, '...' for broadcast dims, implicit output when no '->'. */
export function einsum(equation: string, operands: readonly Tensor[]): Tensor {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(',');
  if (terms.length !== operands.length)
    throw new ShapeError(
      `einsum(): more operands were provided than specified in the equation`.replace(
        'more',
        terms.length > operands.length ? 'fewer' : 'more',
      ),
    );
  const parse = (term: string, what: string): { letters: string[]; ell: number } => {
    const e = term.indexOf('...');
    if (term.indexOf('...', e + 1) !== -1 && e >= 0)
      throw new ShapeError(`einsum(): found more than one ellipsis in the ${what}`);
    const clean = term.replace('...', '');
    if (!/^[a-zA-Z]*$/.test(clean))
      throw new ShapeError(`einsum(): invalid subscript given in the ${what}: '${term}'`);
    return { letters: [...term.replace('...', '.')], ell: e };
  };
  // Ellipsis dims broadcast right-aligned across operands: labels '.0'..'.k-1'.
  let nEll = 0;
  const parsed = terms.map((term, i) => {
    const p = parse(term, 'equation');
    const nLetters = p.letters.filter((c) => c !== '.').length;
    const r = operands[i].dim();
    const ne = p.ell >= 0 ? r - nLetters : 0;
    if (ne < 0 || (p.ell < 0 && nLetters !== r))
      throw new ShapeError(
        `einsum(): the number of subscripts in the equation (${nLetters}) does not match the number of dimensions (${r}) for operand ${i}${p.ell >= 0 ? '' : ' and no ellipsis was given'}`,
      );
    nEll = Math.max(nEll, ne);
    return { letters: p.letters, ne };
  });
  const ellLabels = Array.from({ length: nEll }, (_, i) => `.${i}`);
  let ops: Labeled[] = parsed.map((p, i) => {
    const l: string[] = [];
    for (const c of p.letters)
      if (c === '.') l.push(...ellLabels.slice(nEll - p.ne));
      else l.push(c);
    return { t: operands[i], l };
  });
  // Output labels.
  let out: string[];
  if (arrow >= 0) {
    const p = parse(eq.slice(arrow + 2), 'output');
    out = [];
    for (const c of p.letters)
      if (c === '.') out.push(...ellLabels);
      else out.push(c);
    const seen = new Set<string>();
    for (const l of out) {
      if (seen.has(l))
        throw new ShapeError(`einsum(): output subscript ${l} appears more than once in the output`);
      seen.add(l);
      if (!l.startsWith('.') && !ops.some((o) => o.l.includes(l)))
        throw new ShapeError(
          `einsum(): output subscript ${l} does not appear in the equation for any input operand`,
        );
    }
  } else {
    const count = new Map<string, number>();
    for (const o of ops) for (const l of o.l) if (!l.startsWith('.')) count.set(l, (count.get(l) ?? 0) + 1);
    out = [...ellLabels, ...[...count.keys()].filter((l) => count.get(l) === 1).sort()];
  }
  // Repeated labels within an operand: take diagonals.
  ops = ops.map((o) => {
    let { t, l } = o;
    for (;;) {
      const i = l.findIndex((x, k) => l.indexOf(x) !== k);
      if (i < 0) break;
      const j = l.indexOf(l[i]);
      if (t.shape[i] !== t.shape[j])
        throw new ShapeError(
          `einsum(): subscript ${l[i]} is repeated for operand but the sizes don't match, ${t.shape[j]} != ${t.shape[i]}`,
        );
      const lab = l[i];
      t = diagonal(t, 0, j, i);
      l = [...l.filter((_, k) => k !== i && k !== j), lab];
    }
    return { t, l };
  });
  // Label sizes (size-1 dims broadcast).
  const size = new Map<string, number>();
  for (const o of ops)
    o.l.forEach((l, i) => {
      const s = o.t.shape[i];
      const prev = size.get(l);
      if (prev === undefined || prev === 1) size.set(l, s);
      else if (s !== 1 && s !== prev)
        throw new ShapeError(
          `einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript ${l} has sizes ${prev} and ${s}`,
        );
    });
  const outSet = new Set(out);
  let acc = ops[0];
  for (let k = 1; k < ops.length; k++) {
    const keep = new Set(outSet);
    for (const o of ops.slice(k + 1)) for (const l of o.l) keep.add(l);
    acc = contract(acc, ops[k], keep, size);
  }
  acc = sumOut(acc, (l) => !outSet.has(l));
  // Labels of the output missing here (a broadcast ellipsis dim no operand has): size 1 dims.
  let t = acc.t;
  const l = [...acc.l];
  for (const lab of out)
    if (!l.includes(lab)) {
      t = unsqueeze(t, t.dim());
      l.push(lab);
    }
  t = permute(
    t,
    out.map((lab) => l.indexOf(lab)),
  );
  // A size-1 dim of one operand whose label's size is larger elsewhere but never contracted.
  const target = out.map((lab) => size.get(lab) ?? 1);
  return t.shape.every((s, i) => s === target[i]) ? t : expand(t, target);
}
