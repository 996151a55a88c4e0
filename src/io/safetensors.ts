/**
 * safetensors, byte-compatible with Hugging Face's writer (the Rust crate behind
 * `safetensors.torch.save_file`), https://github.com/huggingface/safetensors:
 *
 *   [u64 little-endian N][N bytes of JSON header, padded with spaces to a multiple of 8][data]
 *   header = {"__metadata__": {str: str}?, name: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ...}
 *
 * The writer orders tensors by dtype alignment, largest first (the crate's `Dtype` enum order,
 * descending: F32 before I32 before BOOL), then by name in byte order, and writes `__metadata__`
 * first. `data_offsets` are relative to the data section; they cover it exactly, without holes.
 * One difference: the crate keeps metadata in a HashMap, so its key order varies from run to
 * run; we write metadata in the caller's insertion order (identical bytes for one key).
 */
import { CheckpointError, check } from './errors.js';
import {
  bfloat16Bits,
  checkedNumel,
  convertContiguous,
  halfBits,
  ITEM_SIZE,
  isRawTensor,
  type RawData,
  type RawDType,
  type RawTensor,
  type SourceDType,
  STORED_AS,
} from './raw-tensor.js';

/** safetensors dtype strings that torchts reads, and what they hold. */
const DTYPES: Record<string, SourceDType> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};
/** Other strings of the format that we recognise but cannot store. */
const UNSUPPORTED = new Set([
  'U16',
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'C64',
]);

/** The file's element type for each dtype (int64 written as 8 bytes, sign-extended from its storage). */
const WRITE_DTYPE: Record<RawDType, string> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
/** Position in the crate's `Dtype` enum (declared in increasing alignment); the writer sorts descending. */
const DTYPE_RANK: Record<RawDType, number> = {
  bool: 0,
  uint8: 1,
  int8: 2,
  int16: 5,
  float16: 7,
  bfloat16: 8,
  int32: 9,
  float32: 11,
  float64: 12,
  int64: 13,
};

/** The same limit as the reference implementation: a larger header is refused. */
const MAX_HEADER = 100_000_000;
/**
 * Tensors one file may hold. The reference has no such cap, but 100 MB of header fits ~1.5 M
 * empty entries, each of which costs a JS object here and a tensor in `load`; real checkpoints
 * hold thousands. Counted on the raw header bytes before JSON.parse builds anything.
 */
export const MAX_TENSORS = 131_072;

export interface SafetensorsFile {
  /** Tensors in file order (by data offset). */
  tensors: Record<string, RawTensor>;
  /** The `__metadata__` map, or undefined when the file has none. */
  metadata: Record<string, string> | undefined;
}

const utf8 = new TextEncoder();

/** Compares strings by UTF-8 bytes, as Rust's `String::cmp` does (code point order, not UTF-16's). */
function byteOrder(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function dataBytes(t: RawTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/**
 * Serialises tensors (and optional string metadata) to safetensors bytes.
 *
 * @example
 * const bytes = encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } }, { format: 'pt' });
 */
export function encodeSafetensors(
  tensors: Record<string, RawTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    check(
      name !== '__metadata__',
      () => `encodeSafetensors: '__metadata__' is reserved and cannot name a tensor`,
    );
    check(
      Object.hasOwn(WRITE_DTYPE, t.dtype),
      () =>
        `encodeSafetensors: tensor '${name}' has dtype ${String(t.dtype)} (expected one of ${Object.keys(WRITE_DTYPE).join(', ')})`,
    );
    check(
      isRawTensor({ ...t, shape: [t.data?.length ?? -1] }),
      () => `encodeSafetensors: tensor '${name}' (${t.dtype}) holds a ${t.data?.constructor?.name}`,
    );
    const n = checkedNumel(t.shape, Number.MAX_SAFE_INTEGER, () => `encodeSafetensors: tensor '${name}'`);
    check(
      n === t.data.length,
      () => `encodeSafetensors: tensor '${name}' has shape [${t.shape}] but ${t.data.length} elements`,
    );
  }
  check(
    entries.length <= MAX_TENSORS,
    () => `encodeSafetensors: ${entries.length} tensors, more than the ${MAX_TENSORS} a file may hold`,
  );
  entries.sort(([an, a], [bn, b]) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || byteOrder(an, bn));

  const parts: string[] = [];
  if (metadata !== undefined) {
    const kv = Object.entries(metadata).map(([k, v]) => {
      check(
        typeof v === 'string',
        () => `encodeSafetensors: metadata '${k}' must be a string, got ${typeof v}`,
      );
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${kv.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.length * ITEM_SIZE[t.dtype];
    // JSON.stringify escapes strings exactly as serde_json does (", \, control chars as \n or \u00XX)
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${WRITE_DTYPE[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let p = 8 + headerLen;
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (const [, t] of entries) {
    const d = t.data;
    if (t.dtype === 'bool') for (let i = 0; i < d.length; i++) out[p + i] = d[i] ? 1 : 0;
    else if (le && ITEM_SIZE[t.dtype] === d.BYTES_PER_ELEMENT) out.set(dataBytes(t), p);
    else {
      const dv = new DataView(out.buffer, p);
      const put: (i: number, v: number) => void = {
        float64: (i: number, v: number) => dv.setFloat64(8 * i, v, true),
        float32: (i: number, v: number) => dv.setFloat32(4 * i, v, true),
        float16: (i: number, v: number) => dv.setUint16(2 * i, halfBits(v), true),
        bfloat16: (i: number, v: number) => dv.setUint16(2 * i, bfloat16Bits(v), true),
        int64: (i: number, v: number) => {
          dv.setInt32(8 * i, v, true);
          dv.setInt32(8 * i + 4, v < 0 ? -1 : 0, true);
        },
        int32: (i: number, v: number) => dv.setInt32(4 * i, v, true),
        int16: (i: number, v: number) => dv.setInt16(2 * i, v, true),
        int8: (i: number, v: number) => dv.setInt8(i, v),
        uint8: (i: number, v: number) => dv.setUint8(i, v),
      }[t.dtype];
      for (let i = 0; i < d.length; i++) put(i, d[i]);
    }
    p += d.length * ITEM_SIZE[t.dtype];
  }
  return out;
}

interface Entry {
  name: string;
  src: SourceDType;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, info: unknown, dataLen: number): Entry {
  const what = () => `safetensors: tensor '${name}'`;
  check(
    typeof info === 'object' && info !== null && !Array.isArray(info),
    () => `${what()}: entry is not an object`,
  );
  const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
  check(typeof dtype === 'string', () => `${what()}: missing dtype string`);
  check(
    !UNSUPPORTED.has(dtype),
    () => `${what()}: dtype ${dtype} is not supported (torchts reads ${Object.keys(DTYPES).join(', ')})`,
  );
  check(
    Object.hasOwn(DTYPES, dtype),
    () => `${what()}: unknown dtype '${dtype}' (expected one of ${Object.keys(DTYPES).join(', ')})`,
  );
  check(Array.isArray(shape), () => `${what()}: shape is not an array`);
  check(
    Array.isArray(off) && off.length === 2 && off.every((x) => Number.isSafeInteger(x) && x >= 0),
    () => `${what()}: data_offsets must be two non-negative integers, got ${JSON.stringify(off)}`,
  );
  const [begin, end] = off as [number, number];
  check(begin <= end, () => `${what()}: data_offsets [${begin}, ${end}] end before they begin`);
  check(
    end <= dataLen,
    () => `${what()}: data_offsets [${begin}, ${end}] run past the data section (${dataLen} bytes)`,
  );
  const src = DTYPES[dtype];
  const n = checkedNumel(shape, dataLen, what);
  check(
    n * ITEM_SIZE[src] === end - begin,
    () =>
      `${what()}: shape [${shape}] of ${dtype} needs ${n * ITEM_SIZE[src]} bytes, data_offsets give ${end - begin}`,
  );
  return { name, src, shape: shape as number[], begin, end };
}

/**
 * Counts the keys of the header's top-level object (its colons at depth 1, outside strings) in
 * one pass over the bytes: UTF-8 continuation bytes are never ASCII, so the byte scan is exact
 * for valid JSON; for invalid JSON the count is only a bound and JSON.parse reports the error.
 */
function topLevelKeys(h: Uint8Array): number {
  let depth = 0;
  let keys = 0;
  for (let i = 0; i < h.length; i++) {
    const c = h[i];
    if (c === 0x22) {
      // skip the string, escapes included
      for (i++; i < h.length && h[i] !== 0x22; i++) if (h[i] === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && depth === 1) keys++;
  }
  return keys;
}

/**
 * Parses safetensors bytes. Validates the whole header before reading data (header length,
 * UTF-8, JSON, dtypes, shapes against offsets, offsets covering the data section exactly),
 * then copies each tensor once out of `bytes` into its own aligned typed array, converting
 * F64/F16/BF16 to float32 and I64/I16/I8/U8 to int32 (I64 range-checked).
 * `view: true` returns aligned F32/I32 data as views of `bytes` instead (see convertContiguous).
 */
export function decodeSafetensors(bytes: Uint8Array, opts: { view?: boolean } = {}): SafetensorsFile {
  check(
    bytes.length >= 8,
    () => `safetensors: file too short (${bytes.length} bytes; the header length alone is 8)`,
  );
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  check(
    n64 <= BigInt(bytes.length - 8),
    () => `safetensors: header length ${n64} runs past the end of the file (${bytes.length} bytes)`,
  );
  const n = Number(n64);
  check(n <= MAX_HEADER, () => `safetensors: header of ${n} bytes is larger than the ${MAX_HEADER} allowed`);
  const keys = topLevelKeys(bytes.subarray(8, 8 + n));
  check(
    keys <= MAX_TENSORS + 1, // + __metadata__
    () =>
      `safetensors: header holds ${keys} entries, more than the ${MAX_TENSORS} tensors a file may hold (refused before parsing)`,
  );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new CheckpointError('safetensors: header is not valid UTF-8');
  }
  check(text.startsWith('{'), () => `safetensors: header does not start with '{'`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`safetensors: header is not valid JSON (${(e as Error).message})`);
  }
  check(
    typeof header === 'object' && header !== null && !Array.isArray(header),
    () => 'safetensors: header is not a JSON object',
  );

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let metadata: Record<string, string> | undefined;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      check(
        typeof info === 'object' && info !== null && !Array.isArray(info),
        () => 'safetensors: __metadata__ is not an object',
      );
      metadata = {};
      for (const [k, v] of Object.entries(info)) {
        check(typeof v === 'string', () => `safetensors: __metadata__ value '${k}' is not a string`);
        Object.defineProperty(metadata, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    } else entries.push(parseEntry(name, info, dataLen));
  }
  // File order is data order; the header's key order is free (older writers sorted by name).
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.begin < pos)
      throw new CheckpointError(
        `safetensors: tensor '${e.name}' [${e.begin}, ${e.end}] overlaps tensor '${entries[i - 1].name}' (ends at ${pos})`,
      );
    check(
      e.begin === pos,
      () =>
        `safetensors: a hole in the data section: bytes [${pos}, ${e.begin}) belong to no tensor (before '${e.name}')`,
    );
    pos = e.end;
  }
  check(
    pos === dataLen,
    () => `safetensors: tensors cover ${pos} bytes of data but the data section holds ${dataLen}`,
  );

  const tensors: Record<string, RawTensor> = {};
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const data: RawData = convertContiguous(
      bytes.subarray(dataStart + e.begin, dataStart + e.end),
      e.src,
      n,
      true,
      `safetensors: tensor '${e.name}'`,
      opts.view,
    );
    const t: RawTensor = { dtype: STORED_AS[e.src], shape: e.shape, data };
    Object.defineProperty(tensors, e.name, {
      value: t,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { tensors, metadata };
}
