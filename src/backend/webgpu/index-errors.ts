/**
 * Out-of-range indices on the device. A kernel cannot throw, so the index kernels (gather,
 * scatterAdd, the cross-entropy routines) record the first bad index in a 4-word flag storage:
 * [code, index, size, 0], code = kind + 4 * dim (0 = no error). Every readback copies the flag
 * along with its data (16 bytes in the same staging buffer, no extra round trip) and
 * `synchronize()` reads it; a set flag is cleared and raised there as the same RangeError the
 * CPU throws at the call (PyTorch on CUDA reports a device-side assert at its next sync too).
 * The op's output holds NaN (0 for integers) until then.
 *
 * Checks on values work the same way (Backend.deferCheck): an op whose error depends on results
 * (linalg.inv of a singular matrix) hands the backend a small tensor and a check; the next read
 * or synchronize reads it first and raises the CPU's error.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import { indexOutOfBounds, type View } from '../backend.js';
import { onDeviceGone } from './device.js';
import { writeBuffer } from './queue.js';
import { allocStorage, type GpuStorage } from './storage.js';

export const IndexKind = { gather: 1, scatterAdd: 2, crossEntropy: 3 } as const;

let flag: GpuStorage | null = null;
onDeviceGone(() => {
  flag = null;
});

/** The flag storage, made (zeroed) on first use; binding it arms the check on every readback. */
export function indexErrorFlag(): GpuStorage {
  if (!flag) {
    flag = allocStorage(4, 'int32');
    flag.refs = 1; // held for the device's life, never released
    writeBuffer(flag, 0, new Int32Array(4));
  }
  return flag;
}

/** The flag the readbacks must copy, or null when no index kernel ever ran. */
export const armedIndexFlag = (): GpuStorage | null => flag;

/** WGSL: the flag's declaration at `binding`. */
export const indexFlagDecl = (binding: number): string =>
  `@group(0) @binding(${binding}) var<storage, read_write> ixerr: array<atomic<i32>>;`;

/** WGSL: records (code, k, size) unless an earlier error is already recorded. */
export const indexFlagRaise = (code: string, k: string, size: string): string =>
  `if (atomicCompareExchangeWeak(&ixerr[0], 0, ${code}).exchanged) { atomicStore(&ixerr[1], ${k}); atomicStore(&ixerr[2], i32(${size})); }`;

// What a bad index reports needs the op the user called and the indexed shape: interned per
// (op, shape) so the code fits one word (kind: 2 bits, dim: 6 bits, context: the rest).
const contexts: { op: string; shape: readonly number[] }[] = [];
const contextIds = new Map<string, number>();
const MAX_CONTEXTS = 1 << 20;

/** The code a dispatch passes in its uniforms. */
export function indexCode(kind: number, dim = 0, op = '', shape: readonly number[] = []): number {
  const key = `${op}|${shape.join(',')}`;
  let id = contextIds.get(key);
  if (id === undefined) {
    if (contexts.length >= MAX_CONTEXTS) {
      contexts.length = 0; // an error recorded before this names a later context: rare and harmless
      contextIds.clear();
    }
    id = contexts.push({ op, shape }) - 1;
    contextIds.set(key, id);
  }
  return kind + 4 * Math.min(dim, 63) + 256 * id;
}

/** Raises the recorded error, if any (after clearing it): the CPU's message for the same call. */
export function raiseIndexError(words: Int32Array): void {
  const [code, k, size] = words;
  if (code === 0 || !flag) return;
  writeBuffer(flag, 0, new Int32Array(4));
  const kind = code & 3;
  const dim = (code >> 2) & 63;
  const ctx = contexts[code >>> 8];
  if (kind === IndexKind.crossEntropy)
    throw new RangeError(
      `${ctx?.op || 'cross_entropy'}: Target ${k} is out of bounds (number of classes ${size}).`,
    );
  const op = ctx?.op || (kind === IndexKind.gather ? 'gather' : 'scatter_add');
  throw indexOutOfBounds(op, k, dim, size, ctx?.shape ?? []);
}

// ---- checks on values (Backend.deferCheck): linalg's singular and non-positive-definite inputs ----

const pending: { v: View; check: (data: TypedArray) => Error | null }[] = [];
onDeviceGone(() => {
  pending.length = 0;
});

/** Runs `check` on v's values at the next read or synchronize; a returned error is raised there. */
export function deferCheck(v: View, check: (data: TypedArray) => Error | null): void {
  pending.push({ v, check });
}

/** Reads what the pending checks need and raises the first error (dropping the rest). */
export async function runDeferredChecks(read: (v: View) => Promise<TypedArray>): Promise<void> {
  while (pending.length > 0) {
    const batch = pending.splice(0);
    const values = await Promise.all(batch.map((p) => read(p.v)));
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i].check(values[i]);
      if (e) {
        pending.length = 0;
        throw e;
      }
    }
  }
}
