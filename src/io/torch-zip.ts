/**
 * Reads files written by PyTorch's `torch.save` (.pt / .pth / .bin), safely (weights_only).
 *
 * Zip format (PyTorch >= 1.6), entries under one prefix (`archive/` today; older versions used
 * the file's stem, e.g. `simplenet/`):
 *   <prefix>/data.pkl       the pickled object; storages appear as persistent ids
 *                           ('storage', torch.FloatStorage, key, location, numel)
 *   <prefix>/data/<key>     each storage's raw bytes (stored uncompressed, 64-byte aligned)
 *   <prefix>/byteorder      'little' | 'big' (PyTorch >= 2.1; little when absent)
 *   <prefix>/version        serialization version
 * Legacy format (`_use_new_zipfile_serialization=False`, PyTorch < 1.6): five pickles in a row
 * (magic number, protocol version 1001, sys_info, the object, the list of storage keys), then
 * for each key an int64 element count and the storage's raw little-endian bytes. Persistent ids
 * carry a sixth field, view metadata (view_key, element offset, numel) for storage views.
 *
 * Tensors are materialised contiguous through their storage offset and strides, so shared
 * storages and views come out right; each is copied once out of the file bytes.
 */
import { CheckpointError, check } from './errors.js';
import { PyDict, PyGlobal, PyTensor, STORAGE_TYPES, toJs, unpickle } from './pickle.js';
import {
  ByteBudget,
  ITEM_SIZE,
  materialize,
  type RawTensor,
  rawIsFloat,
  type SourceDType,
} from './raw-tensor.js';
import { ZipArchive } from './zip.js';

export interface TorchLoadOptions {
  /** Cap on the bytes of tensor data one load may produce (default 8x the file + 256 MiB). */
  maxBytes?: number;
  /** Cap on one zip entry's uncompressed size (default 2 GiB). */
  maxEntryBytes?: number;
  /** Verify zip CRC-32s (default true). */
  verifyCrc?: boolean;
  /** Return aligned float32/int32 tensor data as views of the file bytes (see convertContiguous). */
  view?: boolean;
}

/** A storage named by a persistent id: its element type and where its bytes are. */
class Storage {
  constructor(
    readonly key: string,
    readonly dtype: SourceDType,
    readonly numel: number,
    private readonly resolve: () => Uint8Array,
  ) {}
  /** The storage's bytes, exactly numel elements (validated against the file). */
  bytes(): Uint8Array {
    const b = this.resolve();
    const need = this.numel * ITEM_SIZE[this.dtype];
    check(
      b.length >= need,
      () =>
        `storage '${this.key}': ${this.numel} ${this.dtype} elements need ${need} bytes, the file holds ${b.length}`,
    );
    return b.subarray(0, need);
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function storageType(t: unknown): SourceDType {
  check(t instanceof PyGlobal, () => 'torch.load: persistent id without a storage type');
  const q = t.qualname;
  check(Object.hasOwn(STORAGE_TYPES, q), () => `torch.load: ${q} is not a storage type torchts reads`);
  return STORAGE_TYPES[q];
}

function finish(value: unknown, le: boolean, budget: ByteBudget, view = false): unknown {
  return toJs(value, (v) => {
    if (v instanceof PyTensor) {
      check(
        v.storage instanceof Storage,
        () => 'torch.load: a tensor was rebuilt from something that is not a storage',
      );
      const s = v.storage;
      const t: RawTensor = materialize(
        s.bytes(),
        s.dtype,
        le,
        v.offset,
        v.size,
        v.stride,
        `tensor on storage '${s.key}'`,
        budget,
        view,
      );
      if (v.requiresGrad) {
        check(
          rawIsFloat(t.dtype),
          () =>
            `torch.load: the nn.Parameter on storage '${s.key}' holds ${s.dtype} data and requires grad; only floating-point tensors can require gradients`,
        );
        t.requiresGrad = true;
      }
      return t;
    }
    if (v instanceof Storage)
      return materialize(v.bytes(), v.dtype, le, 0, [v.numel], [1], `storage '${v.key}'`, budget, view);
    throw new CheckpointError(`torch.load: unexpected ${String(v?.constructor?.name)} in the pickle`);
  });
}

const isZip = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * Loads a `torch.save` file (zip or legacy) into nested JS values with RawTensor leaves.
 * Refuses any pickle global outside the weights_only allowlist with a CheckpointError naming it.
 */
export function loadTorchFile(bytes: Uint8Array, opts: TorchLoadOptions = {}): unknown {
  if (isZip(bytes)) return loadZip(bytes, opts);
  if (bytes.length > 0 && bytes[0] === 0x80) return loadLegacy(bytes, opts);
  throw new CheckpointError(
    'torch.load: not a PyTorch checkpoint (neither a zip archive nor a legacy pickle stream)',
  );
}

function loadZip(bytes: Uint8Array, opts: TorchLoadOptions): unknown {
  // What the deflated entries may inflate to in all: the same budget as the tensor data.
  const zip = new ZipArchive(bytes, {
    ...opts,
    maxTotalBytes: ByteBudget.limitFor(bytes.length, opts.maxBytes),
  });
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  check(
    pkls.length === 1,
    () => `torch.load: expected one <archive>/data.pkl in the zip, found ${pkls.length}`,
  );
  const prefix = pkls[0].slice(0, -'data.pkl'.length);
  let le = true;
  if (zip.entries.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim();
    check(order === 'little' || order === 'big', () => `torch.load: unknown byteorder '${order}'`);
    le = order === 'little';
  }
  const records = new Map<string, Uint8Array>();
  const persistentLoad = (pid: unknown): Storage => {
    check(
      Array.isArray(pid) && pid.length === 5 && pid[0] === 'storage',
      () => 'torch.load: malformed persistent id (expected a storage tuple)',
    );
    const [, type, key, , numel] = pid;
    const dtype = storageType(type);
    check(
      typeof key === 'string' && isInt(numel),
      () => 'torch.load: malformed storage key or size in a persistent id',
    );
    return new Storage(key, dtype, numel, () => {
      let r = records.get(key);
      if (!r) records.set(key, (r = zip.read(`${prefix}data/${key}`)));
      return r;
    });
  };
  const { value } = unpickle(zip.read(`${prefix}data.pkl`), { persistentLoad });
  return finish(value, le, ByteBudget.forFile(bytes.length, opts.maxBytes), opts.view);
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const noStorages = {
  persistentLoad(): never {
    throw new CheckpointError('torch.load: unexpected persistent id in a legacy header pickle');
  },
};

function loadLegacy(bytes: Uint8Array, opts: TorchLoadOptions): unknown {
  const magic = unpickle(bytes, noStorages, 0);
  check(
    magic.value === LEGACY_MAGIC,
    () => 'torch.load: a pickle, but not a PyTorch checkpoint (bad magic number)',
  );
  const proto = unpickle(bytes, noStorages, magic.end);
  check(proto.value === 1001, () => `torch.load: unsupported legacy protocol version ${String(proto.value)}`);
  const sys = unpickle(bytes, noStorages, proto.end);
  check(sys.value instanceof PyDict, () => 'torch.load: legacy sys_info is not a dict');
  const le = sys.value.map.get('little_endian') !== false;

  const roots = new Map<string, { dtype: SourceDType; numel: number; bytes?: Uint8Array }>();
  const persistentLoad = (pid: unknown): Storage => {
    check(
      Array.isArray(pid) && pid.length === 6 && pid[0] === 'storage',
      () => 'torch.load: malformed legacy persistent id',
    );
    const [, type, key, , numel, view] = pid;
    const dtype = storageType(type);
    check(
      typeof key === 'string' && isInt(numel),
      () => 'torch.load: malformed storage key or size in a persistent id',
    );
    if (!roots.has(key)) roots.set(key, { dtype, numel });
    const root = roots.get(key)!;
    const rootBytes = () => {
      check(root.bytes, () => `torch.load: storage '${key}' has no data in the file`);
      return root.bytes;
    };
    if (view === null) return new Storage(key, dtype, numel, rootBytes);
    check(
      Array.isArray(view) && view.length === 3 && isInt(view[1]) && isInt(view[2]),
      () => 'torch.load: malformed storage view metadata',
    );
    const [, off, viewNumel] = view as [unknown, number, number];
    const size = ITEM_SIZE[dtype];
    return new Storage(`${key}[${off}:+${viewNumel}]`, dtype, viewNumel, () => {
      const b = rootBytes();
      check(
        (off + viewNumel) * size <= b.length,
        () => `torch.load: storage view of '${key}' runs past its storage`,
      );
      return b.subarray(off * size);
    });
  };
  const main = unpickle(bytes, { persistentLoad }, sys.end);
  const keys = unpickle(bytes, noStorages, main.end);
  check(
    Array.isArray(keys.value) && keys.value.every((k) => typeof k === 'string'),
    () => 'torch.load: legacy storage key list is malformed',
  );
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    const root = roots.get(key);
    check(root, () => `torch.load: the file stores data for '${key}', which no tensor uses`);
    check(pos + 8 <= bytes.length, () => `torch.load: file ends before the size of storage '${key}'`);
    const n = dv.getBigInt64(pos, le);
    const nbytes = n * BigInt(ITEM_SIZE[root.dtype]);
    check(
      n >= 0n && nbytes <= BigInt(bytes.length - pos - 8),
      () => `torch.load: storage '${key}' declares ${n} elements, more than the file holds`,
    );
    root.bytes = bytes.subarray(pos + 8, pos + 8 + Number(nbytes));
    pos += 8 + Number(nbytes);
  }
  return finish(main.value, le, ByteBudget.forFile(bytes.length, opts.maxBytes), opts.view);
}
