/**
 * A node of the autograd graph: one recorded op. It keeps what its backward needs (a closure
 * over saved tensors, with their storage versions) and edges to where gradients flow next.
 * It holds no reference to its inputs' data beyond what the backward saved.
 */

import { AutogradError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** Where the gradient of one input goes: another node's output slot, or a leaf's `.grad`. */
export interface Edge {
  node: Node | null;
  outputNr: number;
  /** Set for leaves that require grad (AccumulateGrad in PyTorch). */
  leaf: Tensor | null;
  /** The input's shape: the engine sums broadcast gradients back to it. */
  shape: readonly number[];
}

export type BackwardFn = (grads: (Tensor | null)[]) => (Tensor | null | undefined)[];

export class Node {
  /** Non-leaf outputs that asked for retainGrad(), by output index. */
  retained: (Tensor | null)[] | null = null;
  /** Shapes of the outputs, to build zero gradients for unused outputs. */
  outputShapes: (readonly number[])[];
  private savedVersions: { t: Tensor; v: number }[];

  constructor(
    readonly name: string,
    readonly edges: Edge[],
    public backwardFn: BackwardFn | null,
    saved: readonly Tensor[],
    outputs: readonly Tensor[],
  ) {
    this.savedVersions = saved.map((t) => ({ t, v: t.version }));
    this.outputShapes = outputs.map((o) => o.shape);
  }

  /** Throws PyTorch's error if a saved tensor was modified in place after being saved. */
  checkSaved(): void {
    for (const { t, v } of this.savedVersions)
      if (t.version !== v)
        throw new AutogradError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.dtype} ${t.shape.length ? `[${t.shape.join(', ')}]` : '[]'}] is at version ${t.version}; expected version ${v} instead (in ${this.displayName})`,
        );
  }

  /** PyTorch's name for the node: 'log_softmax' -> LogSoftmaxBackward0. */
  get displayName(): string {
    return `${this.name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Backward0`;
  }

  private releaseHooks: (() => void)[] | null = null;

  /**
   * Runs `f` when the node is released (after backward without retainGraph): fused ops free the
   * tensors only their backward uses (a kernel's saved softmax) at once, not at the next GC.
   */
  onRelease(f: () => void): void {
    (this.releaseHooks ??= []).push(f);
  }

  /** Drops the closure and the saved tensors: their storage can go back to the pool. */
  release(): void {
    this.backwardFn = null;
    this.savedVersions = [];
    const hooks = this.releaseHooks;
    this.releaseHooks = null;
    if (hooks) for (const f of hooks) f();
  }

  get released(): boolean {
    return this.backwardFn === null;
  }
}
