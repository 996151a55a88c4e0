/**
 * A node of the autograd graph: one recorded op. It keeps what its backward needs (a closure
 * over the tensors it reads) and edges to where gradients flow next, plus the autograd clock
 * when it was recorded: the engine refuses any read of a tensor written in place since
 * (autograd/saved.ts). It holds no reference to its inputs' data beyond what the backward saved.
 */

import type { Storage } from '../backend/backend.js';
import type { DType } from '../tensor/dtype.js';
import { autogradClock, type Tensor } from '../tensor/tensor.js';

/** Where the gradient of one input goes: another node's output slot, or a leaf's `.grad`. */
export interface Edge {
  node: Node | null;
  outputNr: number;
  /** Set for leaves that require grad (AccumulateGrad in PyTorch). */
  leaf: Tensor | null;
  /** The input's shape: the engine sums broadcast gradients back to it. */
  shape: readonly number[];
  /** The input's dtype: a floating gradient of another float dtype is cast to it (PyTorch's validate_outputs). */
  dtype: DType | null;
}

export type BackwardFn = (grads: (Tensor | null)[]) => (Tensor | null | undefined)[];

export class Node {
  /** Non-leaf outputs that asked for retainGrad(), by output index. */
  retained: (Tensor | null)[] | null = null;
  /** Shapes of the outputs, to build zero gradients for unused outputs. */
  outputShapes: (readonly number[])[];
  /** autogradClock.now when recorded: storages written after it are stale to this backward. */
  readonly stamp = autogradClock.now;
  /** Inputs' and outputs' storages, versions, dtypes and shapes, for the error message. */
  private versions: unknown[] | null;

  constructor(
    readonly name: string,
    readonly edges: Edge[],
    public backwardFn: BackwardFn | null,
    tensors: readonly Tensor[],
    outputs: readonly Tensor[],
  ) {
    this.outputShapes = outputs.map((o) => o.shape);
    // Not the tensors themselves: a node keeps alive only what its backward captured.
    const vs: unknown[] = [];
    for (const t of tensors) vs.push(t.storage, t.storage.version, t.dtype, t.shape);
    this.versions = vs;
  }

  /** The version an input or output had when recorded, with its dtype and shape. */
  recordedVersion(s: Storage): { dtype: string; shape: readonly number[]; version: number } | null {
    const vs = this.versions ?? [];
    for (let i = 0; i < vs.length; i += 4)
      if (vs[i] === s)
        return { version: vs[i + 1] as number, dtype: vs[i + 2] as string, shape: vs[i + 3] as number[] };
    return null;
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
    this.versions = null;
    const hooks = this.releaseHooks;
    this.releaseHooks = null;
    if (hooks) for (const f of hooks) f();
  }

  get released(): boolean {
    return this.backwardFn === null;
  }
}
