/**
 * The backward engine: walks the graph from the roots in dependency order, sums gradients per
 * node output, calls each node's backward (written with ops, so it runs on any device and can
 * itself be recorded when createGraph is set), and accumulates into leaves' `.grad`.
 * Nodes release their saved tensors as soon as they ran, unless retainGraph.
 */
import { add, cast } from '../ops/pointwise.js';
import { sumTo } from '../ops/reduce.js';
import { isFloat } from '../tensor/dtype.js';
import { AutogradError, fmtShape } from '../tensor/errors.js';
import { setGradEnabled } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Node } from './node.js';
import { readingSaved } from './saved.js';

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

interface RunOptions extends BackwardOptions {
  /** autograd.grad: capture gradients of these tensors instead of accumulating into .grad. */
  inputs?: readonly Tensor[];
}

const accumulate = (a: Tensor | null, b: Tensor): Tensor => (a ? add(a, b) : b);

/**
 * The `.grad` tensors this engine created: zeroGrad() frees them at once rather than leaving
 * them to the GC (V8 only runs finalizers after a full collection, so a training loop would
 * otherwise hold a step's worth of gradients per step between collections).
 */
export const engineGrads = new WeakSet<Tensor>();

/** Sets p.grad to null, freeing it now when the engine made it (see `engineGrads`). */
export function releaseGrad(p: Tensor): void {
  const g = p.grad;
  p.grad = null;
  if (g && engineGrads.has(g)) g.dispose();
}

export function runBackward(
  roots: readonly Tensor[],
  rootGrads: readonly Tensor[],
  opts: RunOptions = {},
): (Tensor | null)[] {
  const retain = opts.retainGraph ?? opts.createGraph ?? false;
  const capture = opts.inputs ? new Map<Tensor, Tensor | null>(opts.inputs.map((t) => [t, null])) : null;
  // Non-leaf inputs of autograd.grad are captured at their producing node's output slot.
  const captureAt = new Map<Node, Tensor[]>();
  if (opts.inputs)
    for (const t of opts.inputs) {
      if (!t.requiresGrad) throw new AutogradError('One of the differentiated Tensors does not require grad');
      if (t.gradFn) captureAt.set(t.gradFn, [...(captureAt.get(t.gradFn) ?? []), t]);
    }

  // Dependencies: how many edges from reachable nodes point at each node.
  const deps = new Map<Node, number>();
  // How many edges lead into each leaf with post-accumulate hooks: they run after the last one.
  const leafEdges = new Map<Tensor, number>();
  const stack: Node[] = [];
  for (const r of roots)
    if (r.gradFn && !deps.has(r.gradFn)) {
      deps.set(r.gradFn, 0);
      stack.push(r.gradFn);
    }
  while (stack.length) {
    const n = stack.pop()!;
    for (const e of n.edges) {
      if (e.leaf?.postAccumulateGradHooks?.length && !capture)
        leafEdges.set(e.leaf, (leafEdges.get(e.leaf) ?? 0) + 1);
      if (!e.node) continue;
      const d = deps.get(e.node);
      if (d === undefined) {
        deps.set(e.node, 1);
        stack.push(e.node);
      } else deps.set(e.node, d + 1);
    }
  }

  // Intermediate gradients are the engine's own: once the node they flow into has run, nothing
  // else can reach them, so their storage goes back to the pool at once instead of waiting for
  // the GC (flat device memory, fewer fresh allocations on the CPU). `owned` counts the places
  // (buffer slots) holding each; `kept` are tensors that leave the engine (captures, root
  // gradients the caller passed). With createGraph the gradients are part of a graph: nothing
  // is freed.
  const free = !opts.createGraph;
  const owned = new Map<Tensor, number>();
  const kept = new Set<Tensor>(rootGrads);
  const own = (t: Tensor) => owned.set(t, (owned.get(t) ?? 0) + 1);
  const disown = (t: Tensor) => {
    const n = owned.get(t);
    if (n === undefined) return;
    if (n > 1) owned.set(t, n - 1);
    else {
      owned.delete(t);
      if (free && !kept.has(t)) t.dispose();
    }
  };
  const buffers = new Map<Node, (Tensor | null)[]>();
  const put = (n: Node, i: number, g: Tensor) => {
    let b = buffers.get(n);
    if (!b) buffers.set(n, (b = new Array(n.outputShapes.length).fill(null)));
    const prev = b[i];
    own(g);
    if (prev) {
      b[i] = add(prev, g);
      own(b[i]!);
      disown(prev);
      disown(g);
    } else b[i] = g;
  };
  const toLeaf = (leaf: Tensor, g: Tensor) => {
    if (capture) {
      if (capture.has(leaf)) {
        const c = accumulate(capture.get(leaf)!, g);
        kept.add(g).add(c);
        capture.set(leaf, c);
      }
      return;
    }
    const gg = opts.createGraph ? g : g.detach();
    leaf.grad = leaf.grad ? (opts.createGraph ? add(leaf.grad, gg) : add(leaf.grad.detach(), gg)) : gg;
    if (!opts.createGraph) engineGrads.add(leaf.grad);
    accumulated.add(leaf);
  };
  const accumulated = new Set<Tensor>();
  const edgeDone = (leaf: Tensor) => {
    const n = leafEdges.get(leaf);
    if (n === undefined) return;
    if (n > 1) leafEdges.set(leaf, n - 1);
    else {
      leafEdges.delete(leaf);
      if (accumulated.has(leaf)) for (const h of [...(leaf.postAccumulateGradHooks ?? [])]) h(leaf);
    }
  };

  setGradEnabled(opts.createGraph ?? false, () => {
    roots.forEach((r, i) => {
      if (!r.requiresGrad)
        throw new AutogradError('element 0 of tensors does not require grad and does not have a grad_fn');
      if (r.gradFn) put(r.gradFn, r.outputNr, rootGrads[i]);
      else {
        toLeaf(r, rootGrads[i]);
        if (!capture) for (const h of [...(r.postAccumulateGradHooks ?? [])]) h(r);
      }
    });
    const ready: Node[] = [
      ...new Set(roots.map((r) => r.gradFn).filter((n): n is Node => n !== null)),
    ].filter((n) => deps.get(n) === 0);
    while (ready.length) {
      const node = ready.pop()!;
      const grads = buffers.get(node) ?? new Array(node.outputShapes.length).fill(null);
      buffers.delete(node);
      if (node.retained)
        node.retained.forEach((t, i) => {
          if (t && grads[i])
            t.grad = t.grad ? add(t.grad, grads[i]!) : opts.createGraph ? grads[i] : grads[i]!.detach();
        });
      for (const t of captureAt.get(node) ?? [])
        if (grads[t.outputNr]) {
          const c = accumulate(capture!.get(t)!, grads[t.outputNr]!);
          kept.add(grads[t.outputNr]!).add(c);
          capture!.set(t, c);
        }
      let results: (Tensor | null | undefined)[] = [];
      if (grads.some((g) => g !== null)) {
        if (node.released)
          throw new AutogradError(
            `Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) in ${node.displayName}. Specify retainGraph: true if you need to backward through the graph a second time.`,
          );
        results = readingSaved(node, grads, () => node.backwardFn!(grads));
      }
      if (!retain) node.release();
      node.edges.forEach((e, i) => {
        const g = results[i];
        if (g) {
          let gs = sumTo(g, e.shape);
          // PyTorch's validate_outputs: a gradient reaches an input in the input's float dtype
          // (autocast's float32 losses over 16-bit activations, promoting ops).
          if (e.dtype && gs.dtype !== e.dtype && isFloat(e.dtype) && isFloat(gs.dtype))
            gs = cast(gs, e.dtype);
          if (gs.shape.length !== e.shape.length || gs.shape.some((s, k) => s !== e.shape[k]))
            throw new AutogradError(
              `${node.displayName} returned a gradient of shape ${fmtShape(g.shape)} for an input of shape ${fmtShape(e.shape)}`,
            );
          if (e.node) put(e.node, e.outputNr, gs);
          else if (e.leaf) {
            own(gs); // leaf.grad takes a detached alias (its own reference), not this object
            toLeaf(e.leaf, gs);
            disown(gs);
          }
        }
        if (e.leaf) edgeDone(e.leaf);
        if (e.node) {
          const d = deps.get(e.node)! - 1;
          deps.set(e.node, d);
          if (d === 0) ready.push(e.node);
        }
      });
      for (const g of grads) if (g) disown(g);
    }
  });
  return opts.inputs ? opts.inputs.map((t) => capture!.get(t) ?? null) : [];
}
