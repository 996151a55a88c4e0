/**
 * nn.parallel.DistributedDataParallel over torch.distributed (MPI). At wrap time the parameters
 * and buffers are broadcast from rank 0 (`await model.ready`). During backward, the engine's
 * post-accumulate-grad hooks mark parameters ready; gradients are grouped into buckets of
 * ~`bucketCapMb` MB in reverse registration order (the order backward produces them), and each
 * bucket's average over the ranks starts as soon as its last gradient is in, in bucket order (the
 * same order on every rank), while backward goes on. Backward is synchronous in torchts, so the
 * training step awaits the reductions: `loss.backward(); await model.syncGradients();
 * optimizer.step()` (the optimizer refuses to step on gradients still being averaged).
 */
import {
  allReduceFlat,
  broadcastFlat,
  DistributedError,
  WORLD,
  type Work,
  worldOrNull,
} from '../distributed/index.js';
import { tensor, zerosLike } from '../ops/creation.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { pendingGradSync, isGradEnabled as torchGradEnabled } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

const DDP =
  'DistributedDataParallel(Module module, int[]? device_ids=None, int? output_device=None, int dim=0, bool broadcast_buffers=True, Any? process_group=None, float bucket_cap_mb=25, bool find_unused_parameters=False, bool check_reduction=False, bool gradient_as_bucket_view=False, bool static_graph=False)';

const LABEL = 'DistributedDataParallel';

interface Bucket {
  params: Parameter[];
  pending: number;
  work: Work | null;
}

/**
 * nn.parallel.DistributedDataParallel: data-parallel training, one process per rank. At wrap time rank 0's
 * parameters and buffers are broadcast (`await model.ready`); during backward the gradients are averaged over
 * the ranks in buckets, overlapped with the rest of backward. `forward` delegates to the wrapped `module`
 * (state dict keys start with `module.`, as PyTorch's).
 *
 * Constructor: `module`, `bucketCapMb` (default 25), `findUnusedParameters` (default false),
 * `broadcastBuffers` (default true: rank 0's buffers, e.g. BatchNorm's running statistics, are copied to
 * every rank at each `syncGradients()`, so the next forward starts from them as PyTorch's per-forward
 * broadcast does). One device per process: `deviceIds` may name at most one device (the process's own; the
 * module stays where it is) and `outputDevice`/`dim` have nothing to scatter to; `processGroup` is null or
 * `torch.distributed.group.WORLD` (the only group); `checkReduction` (deprecated in PyTorch),
 * `gradientAsBucketView` and `staticGraph` (performance hints) change nothing observable. Needs
 * torch.distributed.initProcessGroup() first.
 */
export class DistributedDataParallel extends Module {
  /** The wrapped module (its state dict keys appear under the `module.` prefix). */
  module: Module;
  /** Resolves once the parameters and buffers hold rank 0's values; await it before the first forward. */
  readonly ready: Promise<void>;
  /**
   * Find, after each forward, the parameters its output does not reach and mark them ready at once,
   * so their buckets still complete; parameters no rank used keep no gradient (constructor option,
   * default false).
   */
  readonly findUnusedParameters: boolean;
  /** Target bucket size in MB for the gradient all-reduce (constructor option, default 25). */
  readonly bucketCapMb: number;
  /** Copy rank 0's buffers to every rank at each `syncGradients()` (constructor option, default true). */
  readonly broadcastBuffers: boolean;
  #synced = false;
  #params: Parameter[] = [];
  #names = new Map<Tensor, string>();
  #buckets: Bucket[] = [];
  #bucketOf = new Map<Tensor, number>();
  #next = 0;
  #readyParams = new Set<Tensor>();
  #sync = true;
  #active = false;
  #unused = new Set<Tensor>();
  #noSyncDepth = 0;
  #hooks: { remove(): void }[] = [];

  constructor(...args: CallArgs<typeof DDP>) {
    super();
    const a = ctorArgs('nn.parallel.DistributedDataParallel', DDP, args);
    const world = worldOrNull();
    if (!world)
      throw new DistributedError(
        `${LABEL}: the default process group is not initialized: call torch.distributed.initProcessGroup() first`,
      );
    if (!(a.bucketCapMb > 0))
      throw new RangeError(`${LABEL}: bucketCapMb must be positive, got ${a.bucketCapMb}`);
    if (a.deviceIds !== null && a.deviceIds.length > 1)
      throw new RangeError(
        `${LABEL}: deviceIds lists ${a.deviceIds.length} devices; torchts runs one device per process (start one rank per device)`,
      );
    if (a.processGroup !== null && a.processGroup !== WORLD)
      throw new DistributedError(
        `${LABEL}: only the default group (torch.distributed.group.WORLD) is supported`,
      );
    this.module = a.module;
    this.broadcastBuffers = a.broadcastBuffers;
    this.findUnusedParameters = a.findUnusedParameters;
    this.bucketCapMb = a.bucketCapMb;
    const seen = new Set<Tensor>();
    for (const [name, p] of a.module.namedParameters())
      if (p.requiresGrad && !seen.has(p)) {
        seen.add(p);
        this.#params.push(p);
        this.#names.set(p, name);
      }
    // Buckets in reverse registration order, split by dtype/device and at bucketCapMb.
    const cap = a.bucketCapMb * 2 ** 20;
    let cur: Parameter[] = [];
    let bytes = 0;
    const close = () => {
      if (cur.length) this.#buckets.push({ params: cur, pending: 0, work: null });
      cur = [];
      bytes = 0;
    };
    for (const p of [...this.#params].reverse()) {
      const b = p.numel() * p.elementSize();
      if (cur.length && (bytes + b > cap || cur[0].dtype !== p.dtype || !cur[0].device.equals(p.device)))
        close();
      cur.push(p);
      bytes += b;
    }
    close();
    this.#buckets.forEach((b, i) => {
      for (const p of b.params) this.#bucketOf.set(p, i);
    });
    for (const p of this.#params) this.#hooks.push(p.registerPostAccumulateGradHook(() => this.#onGrad(p)));

    // Rank 0's values everywhere; a checked broadcast per dtype/device group first tells every
    // rank whether the models agree (same tensor count and sizes).
    const state = [...a.module.parameters(), ...a.module.buffers()];
    this.ready = this.#broadcastState(state).then(() => {
      this.#synced = true;
    });
    this.ready.catch(() => {});
  }

  async #broadcastState(state: Tensor[]): Promise<void> {
    const groups = new Map<string, Tensor[]>();
    for (const t of state) {
      const k = `${t.dtype}@${t.device}`;
      groups.set(k, [...(groups.get(k) ?? []), t]);
    }
    // A summary every rank must share: tensor count and every size.
    const summary = state.flatMap((t) => [t.numel(), ...t.shape]);
    const mine = tensor([state.length, summary.length, hash(summary)], { dtype: 'int32' });
    const hi = mine.clone();
    const lo = mine.clone();
    await Promise.all([allReduceFlat([hi], 'max', LABEL, true), allReduceFlat([lo], 'min', LABEL, true)]);
    const [h, l] = [hi.toArraySync(), lo.toArraySync()];
    if (h.some((v, i) => v !== l[i]))
      throw new DistributedError(
        `${LABEL}: the ranks' modules differ (parameter/buffer count or shapes): this rank has ${state.length} tensors (${state.map((t) => `[${t.shape.join(', ')}]`).join(', ')})`,
      );
    for (const ts of groups.values()) await broadcastFlat(ts, 0, LABEL, false);
  }

  /** Rank 0's buffers to every rank, one broadcast per dtype/device group. */
  async #broadcastBuffers(): Promise<void> {
    const groups = new Map<string, Tensor[]>();
    for (const t of this.module.buffers()) {
      const k = `${t.dtype}@${t.device}`;
      groups.set(k, [...(groups.get(k) ?? []), t]);
    }
    for (const ts of groups.values()) await broadcastFlat(ts, 0, LABEL, false);
  }

  override forward(...args: any[]): any {
    if (!this.#synced)
      throw new DistributedError(
        `${LABEL}: the parameters are still being broadcast from rank 0: \`await model.ready\` before the first forward`,
      );
    if (this.#active && this.#sync && this.#readyParams.size > 0 && torchGradEnabled())
      throw new DistributedError(
        `${LABEL}: Expected to have finished reduction in the prior iteration before starting a new one: \`await model.syncGradients()\` after backward and before the next forward`,
      );
    const out = this.module(...args);
    if (!torchGradEnabled()) return out;
    this.#sync = this.#noSyncDepth === 0;
    this.#active = true;
    this.#next = 0;
    this.#readyParams.clear();
    this.#unused.clear();
    for (const b of this.#buckets) {
      b.pending = b.params.length;
      b.work = null;
    }
    if (this.#sync) {
      for (const p of this.#params) pendingGradSync.set(p, PENDING);
      if (this.findUnusedParameters) {
        const used = reachableLeaves(out);
        for (const p of this.#params) if (!used.has(p)) this.#unused.add(p);
        for (const p of this.#unused) this.#markReady(p);
      }
    }
    return out;
  }

  #onGrad(p: Parameter): void {
    if (!this.#active || !this.#sync) return;
    if (this.#readyParams.has(p))
      throw new DistributedError(
        `${LABEL}: parameter ${this.#names.get(p)} received a gradient twice in one iteration (a second backward before syncGradients, or a parameter used in several reentrant backwards); this is not supported`,
      );
    this.#markReady(p);
  }

  #markReady(p: Parameter): void {
    this.#readyParams.add(p);
    const b = this.#buckets[this.#bucketOf.get(p)!];
    b.pending--;
    // Buckets start in order on every rank: MPI matches collectives by their order.
    while (this.#next < this.#buckets.length && this.#buckets[this.#next].pending === 0) {
      const bk = this.#buckets[this.#next++];
      for (const q of bk.params) if (!q.grad) q.grad = zerosLike(q);
      bk.work = allReduceFlat(
        bk.params.map((q) => q.grad!),
        'avg',
        LABEL,
        false,
      );
    }
  }

  /**
   * Waits until every gradient bucket of the last backward is averaged over the ranks (call it
   * between `loss.backward()` and `optimizer.step()`). Inside `noSync` there is nothing to wait for.
   */
  async syncGradients(): Promise<void> {
    if (!this.#active) return;
    if (!this.#sync) {
      this.#active = false;
      return;
    }
    const missing = this.#params.filter((p) => !this.#readyParams.has(p));
    if (missing.length) {
      this.#active = false;
      for (const p of this.#params) pendingGradSync.delete(p);
      throw new DistributedError(
        `${LABEL}: Expected to have finished reduction: parameters that did not receive a gradient in this backward: ${missing
          .map((p) => this.#names.get(p))
          .join(
            ', ',
          )}. If your module has parameters that are not used in producing the loss, pass findUnusedParameters: true; otherwise call loss.backward() before syncGradients()`,
      );
    }
    try {
      for (const b of this.#buckets) await b.work!;
      if (this.broadcastBuffers) await this.#broadcastBuffers();
      if (this.findUnusedParameters) {
        // Parameters no rank used keep no gradient (as PyTorch's globally unused parameters).
        const used = tensor(
          this.#params.map((p) => (this.#unused.has(p) ? 0 : 1)),
          { dtype: 'int32' },
        );
        await allReduceFlat([used], 'max', LABEL, false);
        const u = used.toArraySync();
        this.#params.forEach((p, i) => {
          if (!u[i]) p.grad = null;
        });
      }
    } finally {
      this.#active = false;
      for (const p of this.#params) pendingGradSync.delete(p);
    }
  }

  /**
   * PyTorch's `with model.no_sync():` for gradient accumulation: forwards (and their backwards)
   * inside `fn` accumulate local gradients without averaging them; the first forward after it
   * synchronizes the accumulated sum. Returns fn's result (awaited if it is a promise). Without
   * `fn`, returns a disposable for `using _ = model.noSync()`.
   */
  noSync<T>(fn: () => T): T;
  noSync(): { [Symbol.dispose](): void };
  noSync<T>(fn?: () => T): T | { [Symbol.dispose](): void } {
    this.#noSyncDepth++;
    let done = false;
    const exit = () => {
      if (!done) this.#noSyncDepth--;
      done = true;
    };
    if (!fn) return { [Symbol.dispose]: exit };
    let r: T;
    try {
      r = fn();
    } catch (e) {
      exit();
      throw e;
    }
    if (r instanceof Promise) return r.finally(exit) as T;
    exit();
    return r;
  }

  /** Removes the gradient hooks: the wrapped module can then train on its own again. */
  removeHooks(): void {
    for (const h of this.#hooks) h.remove();
    this.#hooks = [];
  }
}
registerCtor('nn.parallel.DistributedDataParallel', DDP, DistributedDataParallel);

const PENDING = `${LABEL}: gradients are still being averaged across ranks: \`await model.syncGradients()\` between loss.backward() and optimizer.step()`;

function hash(xs: number[]): number {
  let h = 2166136261;
  for (const x of xs) h = Math.imul(h ^ x, 16777619);
  return h | 0;
}

/** The leaves the autograd graph of `out` reaches (for findUnusedParameters). */
function reachableLeaves(out: unknown): Set<Tensor> {
  const leaves = new Set<Tensor>();
  const seen = new Set<unknown>();
  const stack: unknown[] = [];
  const visitValue = (v: unknown) => {
    if (v instanceof Tensor) {
      if (v.gradFn) stack.push(v.gradFn);
      else if (v.requiresGrad) leaves.add(v);
    } else if (Array.isArray(v)) v.forEach(visitValue);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      Object.values(v).forEach(visitValue);
  };
  visitValue(out);
  while (stack.length) {
    const n = stack.pop() as { edges: { node: unknown; leaf: Tensor | null }[] };
    if (seen.has(n)) continue;
    seen.add(n);
    for (const e of n.edges) {
      if (e.leaf) leaves.add(e.leaf);
      if (e.node && !seen.has(e.node)) stack.push(e.node);
    }
  }
  return leaves;
}
