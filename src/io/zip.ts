/**
 * A strict, zero-copy zip reader for torch.save archives.
 *
 * Why not fflate's `unzipSync`: it copies every stored entry (a second copy of each tensor's
 * bytes), allocates `new Uint8Array(declared size)` before inflating, and loops over the entry
 * count read from the file. Here the central directory is parsed with every count, size and
 * offset checked against the real bytes; stored entries (what torch.save writes) are returned as
 * views into the file. Deflated entries are bounded three ways before and while inflating: the
 * declared sizes of all deflated entries together must fit `maxTotalBytes` (checked when the
 * directory is read, before anything inflates), each must fit `maxEntryBytes` and deflate's
 * 1032:1 ratio, and inflation writes into a buffer of the declared size: in Node it stops as
 * soon as the data runs past it (zlib's maxOutputLength), so a zip bomb that understates its size
 * costs no more memory or time than its declared size; in browsers (fflate) memory stays at the
 * declared size and the length and CRC checks refuse the entry. CRC-32 is verified. Format: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { inflateSync } from 'fflate';
import { CheckpointError, check } from './errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

export interface ZipOptions {
  /** The largest uncompressed entry accepted (default 2 GiB). */
  maxEntryBytes?: number;
  /** Cap on the declared uncompressed bytes of all deflated entries together (default 2 GiB). */
  maxTotalBytes?: number;
  /** Verify CRC-32 of each entry read (default true). */
  verifyCrc?: boolean;
}

/** Deflate cannot expand data by more than ~1032:1; a declared size beyond that is a lie. */
const MAX_DEFLATE_RATIO = 1032;

const CRC_TABLE = (() => {
  const t = new Int32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  // slicing-by-4 tables: ~4x fewer dependent steps on large storages
  for (let n = 0; n < 256; n++)
    for (let k = 1; k < 4; k++)
      t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return t;
})();

export function crc32(b: Uint8Array): number {
  const t = CRC_TABLE;
  let c = -1;
  let i = 0;
  const n4 = b.length & ~3;
  for (; i < n4; i += 4) {
    c ^= b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < b.length; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly dv: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly opts: ZipOptions = {},
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readDirectory();
  }

  private u16 = (o: number) => this.dv.getUint16(o, true);
  private u32 = (o: number) => this.dv.getUint32(o, true);
  private u64 = (o: number): number => {
    const v = this.dv.getBigUint64(o, true);
    check(v <= BigInt(Number.MAX_SAFE_INTEGER), () => `zip: 64-bit field ${v} at byte ${o} is out of range`);
    return Number(v);
  };
  private inFile(o: number, len: number, what: string) {
    check(
      o >= 0 && len >= 0 && o + len <= this.bytes.length,
      () => `zip: ${what} (bytes ${o}..${o + len}) lies outside the ${this.bytes.length} byte file`,
    );
  }

  private readDirectory(): void {
    const len = this.bytes.length;
    check(len >= 22, () => `zip: file too short (${len} bytes)`);
    let eocd = -1;
    for (let o = len - 22; o >= Math.max(0, len - 22 - 0xffff); o--)
      if (this.u32(o) === 0x06054b50 && o + 22 + this.u16(o + 20) === len) {
        eocd = o;
        break;
      }
    check(eocd >= 0, () => 'zip: no end-of-central-directory record (truncated or not a zip)');
    let count = this.u16(eocd + 10);
    let cdSize = this.u32(eocd + 12);
    let cdOffset = this.u32(eocd + 16);
    if (eocd >= 20 && this.u32(eocd - 20) === 0x07064b50) {
      const z = this.u64(eocd - 12);
      this.inFile(z, 56, 'zip64 end of central directory');
      check(this.u32(z) === 0x06064b50, () => 'zip: bad zip64 end-of-central-directory signature');
      count = this.u64(z + 32);
      cdSize = this.u64(z + 40);
      cdOffset = this.u64(z + 48);
    }
    this.inFile(cdOffset, cdSize, 'central directory');
    // every entry takes at least 46 bytes, which bounds the loop by the file's real size
    check(count * 46 <= cdSize, () => `zip: ${count} entries cannot fit a ${cdSize} byte central directory`);
    let p = cdOffset;
    const end = cdOffset + cdSize;
    let inflated = 0; // declared uncompressed bytes of the entries that are not stored
    for (let i = 0; i < count; i++) {
      this.inFile(p, 46, 'central directory entry');
      check(
        p + 46 <= end && this.u32(p) === 0x02014b50,
        () => `zip: bad central directory entry ${i} at byte ${p}`,
      );
      const flags = this.u16(p + 8);
      const method = this.u16(p + 10);
      const crc = this.u32(p + 16);
      let compressedSize = this.u32(p + 20);
      let size = this.u32(p + 24);
      const nameLen = this.u16(p + 28);
      const extraLen = this.u16(p + 30);
      const commentLen = this.u16(p + 32);
      let localOffset = this.u32(p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      check(next <= end, () => `zip: central directory entry ${i} runs past the directory`);
      check(!(flags & 1), () => `zip: entry ${i} is encrypted`);
      const name = decoder.decode(this.bytes.subarray(p + 46, p + 46 + nameLen));
      // zip64 extended information: the 0xffffffff fields follow in this order
      for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
        const id = this.u16(e);
        const sz = this.u16(e + 2);
        let f = e + 4;
        const fend = f + sz;
        check(fend <= p + 46 + nameLen + extraLen, () => `zip: bad extra field in entry '${name}'`);
        if (id === 0x0001) {
          const field = (v: number): number => {
            if (v !== 0xffffffff) return v;
            check(f + 8 <= fend, () => `zip: short zip64 field in entry '${name}'`);
            f += 8;
            return this.u64(f - 8);
          };
          size = field(size);
          compressedSize = field(compressedSize);
          localOffset = field(localOffset);
        }
        e = fend;
      }
      check(!this.entries.has(name), () => `zip: duplicate entry '${name}'`);
      this.entries.set(name, { name, method, crc, compressedSize, size, localOffset });
      if (method !== 0) inflated += size;
      p = next;
    }
    const maxTotal = this.opts.maxTotalBytes ?? 2 ** 31;
    check(
      inflated <= maxTotal,
      () =>
        `zip: the compressed entries declare ${inflated} uncompressed bytes in a ${len} byte file (refused: zip bomb or corrupt; limit ${maxTotal})`,
    );
  }

  /** The entry's bytes: a view into the file when stored, a fresh array when deflated. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new CheckpointError(`zip: no entry '${name}'`);
    const maxEntry = this.opts.maxEntryBytes ?? 2 ** 31;
    this.inFile(e.localOffset, 30, `local header of '${name}'`);
    check(this.u32(e.localOffset) === 0x04034b50, () => `zip: bad local header for '${name}'`);
    const start = e.localOffset + 30 + this.u16(e.localOffset + 26) + this.u16(e.localOffset + 28);
    this.inFile(start, e.compressedSize, `data of '${name}'`);
    const raw = this.bytes.subarray(start, start + e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) {
      check(
        e.size === e.compressedSize,
        () => `zip: stored entry '${name}' declares ${e.size} bytes but holds ${e.compressedSize}`,
      );
      out = raw;
    } else if (e.method === 8) {
      check(
        e.size <= maxEntry && e.size <= e.compressedSize * MAX_DEFLATE_RATIO + 1024,
        () =>
          `zip: entry '${name}' declares ${e.size} uncompressed bytes from ${e.compressedSize} compressed (refused: zip bomb or corrupt; limit ${maxEntry})`,
      );
      out = inflateBounded(raw, e.size, name);
    } else
      throw new CheckpointError(
        `zip: entry '${name}' uses compression method ${e.method} (only stored and deflate are read)`,
      );
    if (this.opts.verifyCrc ?? true)
      check(crc32(out) === e.crc, () => `zip: CRC mismatch in entry '${name}' (corrupt file)`);
    return out;
  }
}

type Zlib = typeof import('node:zlib');
/** Node's zlib, reached synchronously (Node >= 20.16) without an import a browser bundle would see. */
const nodeZlib = (): Zlib | undefined =>
  (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
    'node:zlib',
  ) as Zlib | undefined;

/**
 * Inflates `raw`, which must come to exactly `size` bytes. Node: native zlib into one buffer of
 * `size + 1` bytes that stops with ERR_BUFFER_TOO_LARGE as soon as the output passes `size`, so
 * neither memory nor time exceed what the declared size allows. Elsewhere: fflate into a buffer
 * of `size` bytes (it drops what would overflow; the length and CRC checks refuse the entry).
 */
function inflateBounded(raw: Uint8Array, size: number, name: string): Uint8Array {
  const zlib = nodeZlib();
  let out: Uint8Array;
  try {
    if (zlib) {
      const b = zlib.inflateRawSync(raw, {
        maxOutputLength: Math.max(1, size),
        chunkSize: Math.max(64, size + 1),
      });
      out = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } else out = inflateSync(raw, { out: new Uint8Array(size) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new CheckpointError(
        `zip: entry '${name}' inflates to more than the ${size} bytes it declares (refused: zip bomb or corrupt)`,
      );
    throw new CheckpointError(`zip: entry '${name}' does not inflate (${(err as Error).message})`);
  }
  check(out.length === size, () => `zip: entry '${name}' inflates to ${out.length} bytes, declared ${size}`);
  return out;
}
