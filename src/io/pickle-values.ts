/**
 * The values of the weights_only pickle reader (src/io/pickle.ts): the allowlist of globals, the
 * objects the VM builds (globals, dicts, tensors), and their conversion to plain JS values.
 */
import { CheckpointError, check } from './errors.js';
import type { SourceDType } from './raw-tensor.js';

/** A global that passed the allowlist, as a value on the stack (callable via REDUCE). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A dict while unpickling: keys are JS primitives or arrays (tuples), in insertion order. */
export class PyDict {
  readonly map = new Map<unknown, unknown>();
}

/** A tensor rebuilt from a storage view; the loader materialises it (toJs's `leaf`). */
export class PyTensor {
  requiresGrad = false;
  constructor(
    readonly storage: unknown,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

/** What an allowlisted global does when called through REDUCE. */
export type Callable =
  | 'ordereddict'
  | 'rebuild_v2'
  | 'rebuild'
  | 'parameter'
  | 'parameter_with_state'
  | 'from_type_v2'
  | 'size'
  | 'codecs_encode';

/** The allowlist: `module.name` -> its meaning. Storage types are values only (in persistent ids). */
export const ALLOWED: Record<string, Callable | 'value'> = {
  'collections.OrderedDict': 'ordereddict',
  'torch._utils._rebuild_tensor_v2': 'rebuild_v2',
  'torch._utils._rebuild_tensor': 'rebuild',
  'torch._utils._rebuild_parameter': 'parameter',
  'torch._utils._rebuild_parameter_with_state': 'parameter_with_state',
  'torch._tensor._rebuild_from_type_v2': 'from_type_v2',
  'torch.Size': 'size',
  '_codecs.encode': 'codecs_encode',
  'torch.Tensor': 'value',
  'torch.nn.parameter.Parameter': 'value',
};
/** Storage classes named in persistent ids, and the element type their bytes hold. */
export const STORAGE_TYPES: Record<string, SourceDType> = {
  'torch.DoubleStorage': 'float64',
  'torch.FloatStorage': 'float32',
  'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16',
  'torch.LongStorage': 'int64',
  'torch.IntStorage': 'int32',
  'torch.ShortStorage': 'int16',
  'torch.CharStorage': 'int8',
  'torch.ByteStorage': 'uint8',
  'torch.BoolStorage': 'bool',
  'torch.UntypedStorage': 'uint8',
};

export function refuse(qualname: string): never {
  throw new CheckpointError(
    `refusing to load global ${qualname}: only tensors, dicts, lists, tuples, numbers and strings are allowed (weights_only)`,
  );
}

export function typeName(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list/tuple';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyGlobal) return `global ${v.qualname}`;
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyTensor) return 'tensor';
  return typeof v;
}

/**
 * Converts the unpickled graph to plain JS values (see the header comment), calling `leaf` for
 * hook objects (tensors, storages). Shared objects stay shared; cycles and graphs deeper than
 * MAX_GRAPH_DEPTH are refused, so the result is safe for recursive consumers.
 */
const MAX_GRAPH_DEPTH = 200;

export function toJs(root: unknown, leaf: (v: object) => unknown): unknown {
  const done = new Map<unknown, unknown>();
  const IN_PROGRESS = Symbol('in progress');
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
    const seen = done.get(v);
    check(seen !== IN_PROGRESS, () => 'pickle: the object graph has a reference cycle');
    if (seen !== undefined) return seen;
    check(depth < MAX_GRAPH_DEPTH, () => `pickle: objects nest deeper than ${MAX_GRAPH_DEPTH} levels`);
    done.set(v, IN_PROGRESS);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x) => visit(x, depth + 1));
    else if (v instanceof PyDict) {
      const keys = [...v.map.keys()];
      if (keys.every((k) => typeof k === 'string')) {
        const o: Record<string, unknown> = {};
        for (const [k, x] of v.map)
          Object.defineProperty(o, k as string, {
            value: visit(x, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        out = o;
      } else {
        const m = new Map<unknown, unknown>();
        for (const [k, x] of v.map) m.set(visit(k, depth + 1), visit(x, depth + 1));
        out = m;
      }
    } else if (v instanceof PyGlobal)
      throw new CheckpointError(`pickle: global ${v.qualname} appears as a value`);
    else out = leaf(v);
    done.set(v, out);
    return out;
  };
  return visit(root, 0);
}
