/**
 * torch.utils.tensorboard.SummaryWriter: TensorBoard event files, as PyTorch 1.13 writes them.
 *
 * A file is TFRecord framing (uint64 length, masked CRC32C of the length, the record, masked
 * CRC32C of the record; little-endian) around `Event` protobufs. The few messages written are
 * encoded here by hand (proto3: fields in number order, zero/empty scalars omitted), the same
 * bytes Python's protobuf gives for the messages PyTorch builds: a first `Event{wall_time,
 * file_version: "brain.Event:2"}`, then one `Event{wall_time, step, summary}` per add call.
 * test/utils/tensorboard.test.ts reads them back with protobufjs from tensorboard's .proto files
 * and compares with files Python's protobuf wrote (test/fixtures/tensorboard/gen.py).
 *
 * Node only (it writes files). Values are host numbers (`await loss.item()`); a histogram of a
 * tensor reads it back, so `addHistogram` is async.
 */
import { nodeOnly } from '../data/datasets/node.js';
import { ctorArgs, registerCtor } from '../signature/bind.js';
import type { CallArgs } from '../signature/types.js';
import { Tensor } from '../tensor/tensor.js';

// ---- protobuf wire format (only what the messages below need) ----
class Pb {
  private parts: number[] = [];
  private varint(v: number | bigint): void {
    let b = BigInt.asUintN(64, BigInt(v));
    while (b >= 0x80n) {
      this.parts.push(Number(b & 0x7fn) | 0x80);
      b >>= 7n;
    }
    this.parts.push(Number(b));
  }
  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  /** An int64/enum field (omitted at 0, as proto3). */
  int(field: number, v: number): this {
    if (v !== 0) {
      this.key(field, 0);
      this.varint(v);
    }
    return this;
  }
  double(field: number, v: number): this {
    if (v !== 0 || Object.is(v, -0)) {
      this.key(field, 1);
      this.raw(f64(v));
    }
    return this;
  }
  /** A float in a oneof (written even at 0: a oneof member has presence). */
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.raw(b);
    return this;
  }
  /** Length-delimited: a string, bytes, a message (`always`: written even when empty). */
  bytes(field: number, v: Uint8Array | string | Pb, always = false): this {
    const b = typeof v === 'string' ? utf8.encode(v) : v instanceof Pb ? v.finish() : v;
    if (b.length === 0 && !always) return this;
    this.key(field, 2);
    this.varint(b.length);
    this.raw(b);
    return this;
  }
  packedDoubles(field: number, vs: readonly number[]): this {
    if (!vs.length) return this;
    const b = new Uint8Array(8 * vs.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < vs.length; i++) dv.setFloat64(8 * i, vs[i], true);
    return this.bytes(field, b);
  }
  packedFloats(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(4 * vs.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < vs.length; i++) dv.setFloat32(4 * i, vs[i], true);
    return this.bytes(field, b);
  }
  private raw(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
const utf8 = new TextEncoder();
function f64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return b;
}

// ---- TFRecord framing: masked CRC32C (Castagnoli, reflected 0x82f63b78) ----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const maskedCrc = (b: Uint8Array) => {
  const c = crc32c(b);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
};
/** One TFRecord: length, its masked CRC, the data, its masked CRC. */
function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

// ---- the messages (tensorboard/compat/proto: event.proto, summary.proto, tensor.proto) ----
interface EventFields {
  wallTime: number;
  step?: number | null;
  fileVersion?: string;
  summary?: Pb;
  /** SessionLog.status (START = 1), for purge_step. */
  sessionStatus?: number;
}
function event(e: EventFields): Uint8Array {
  const pb = new Pb().double(1, e.wallTime).int(2, e.step ?? 0);
  if (e.fileVersion) pb.bytes(3, e.fileVersion);
  if (e.summary) pb.bytes(5, e.summary, true);
  if (e.sessionStatus !== undefined) pb.bytes(7, new Pb().int(1, e.sessionStatus), true);
  return pb.finish();
}
/** Summary{value: [Value{tag, simple_value | histo | tensor, metadata}]}. */
const summaryOf = (value: Pb) => new Pb().bytes(1, value, true);
const pluginMeta = (name: string) => new Pb().bytes(1, new Pb().bytes(1, name), true);
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_STRING = 7;

function scalarSummary(tag: string, v: number, newStyle: boolean, doublePrecision: boolean): Pb {
  if (!newStyle) return summaryOf(new Pb().bytes(1, tag).float(2, v));
  // TensorProto{dtype, tensor_shape: {}, float_val | double_val: [v]} with the scalars plugin.
  const tensor = new Pb()
    .int(1, doublePrecision ? DT_DOUBLE : DT_FLOAT)
    .bytes(2, new Pb(), true)
    [doublePrecision ? 'packedDoubles' : 'packedFloats'](doublePrecision ? 6 : 5, [v]);
  return summaryOf(new Pb().bytes(1, tag).bytes(8, tensor, true).bytes(9, pluginMeta('scalars'), true));
}

function textSummary(tag: string, text: string): Pb {
  // TensorProto{dtype: DT_STRING, tensor_shape: {dim: [{size: 1}]}, string_val: [text]}.
  const tensor = new Pb()
    .int(1, DT_STRING)
    .bytes(2, new Pb().bytes(2, new Pb().int(1, 1), true), true)
    .bytes(8, text, true);
  return summaryOf(
    new Pb().bytes(1, `${tag}/text_summary`).bytes(8, tensor, true).bytes(9, pluginMeta('text'), true),
  );
}

/** PyTorch's `bins="tensorflow"`: ±1e-12 growing by 1.1 up to 1e20, and 0. */
const TF_BINS = (() => {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  return [...pos.map((v) => -v).reverse(), 0, ...pos];
})();

/** numpy's histogram (edges given or `n` equal bins over [min, max]), then PyTorch's trimming. */
function histogram(values: Float64Array, bins: number | readonly number[], maxBins: number | null) {
  const n = values.length;
  if (n === 0) throw new Error('The input has no element.');
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new Error(`addHistogram(): values must be finite, got ${v}`);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
  }
  let edges: number[];
  let counts: number[];
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError('`bins` must be positive, when an integer');
    let [lo, hi] = [min, max];
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    const step = (hi - lo) / bins;
    edges = Array.from({ length: bins + 1 }, (_, i) => i * step + lo);
    edges[bins] = hi;
    counts = new Array(bins).fill(0);
    const norm = bins / (hi - lo);
    for (const v of values) {
      let i = Math.trunc((v - lo) * norm);
      if (i === bins) i--;
      if (v < edges[i]) i--;
      else if (v >= edges[i + 1] && i !== bins - 1) i++;
      counts[i]++;
    }
  } else {
    edges = [...bins];
    for (let i = 1; i < edges.length; i++)
      if (!(edges[i] >= edges[i - 1])) throw new Error('`bins` must increase monotonically, when an array');
    counts = new Array(edges.length - 1).fill(0);
    const last = edges.length - 1;
    for (const v of values) {
      if (v < edges[0] || v > edges[last]) continue;
      // the bin i with edges[i] <= v < edges[i + 1]; the last bin includes its right edge
      let a = 0;
      let b = last;
      while (b - a > 1) {
        const m = (a + b) >> 1;
        if (edges[m] <= v) a = m;
        else b = m;
      }
      counts[v === edges[last] ? last - 1 : a]++;
    }
  }
  if (maxBins !== null && counts.length > maxBins) {
    const sub = Math.floor(counts.length / maxBins);
    const rem = counts.length % sub;
    if (rem !== 0) counts.push(...new Array(sub - rem).fill(0));
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += sub)
      merged.push(counts.slice(i, i + sub).reduce((s, c) => s + c, 0));
    const newEdges: number[] = [];
    for (let i = 0; i < edges.length - 1; i += sub) newEdges.push(edges[i]);
    newEdges.push(edges[edges.length - 1]);
    counts = merged;
    edges = newEdges;
  }
  // Keep the bins from one before the first non-empty one to the last non-empty one.
  const first = counts.findIndex((c) => c > 0);
  let lastNz = -1;
  for (let i = counts.length - 1; i >= 0; i--)
    if (counts[i] > 0) {
      lastNz = i;
      break;
    }
  if (first < 0) throw new Error('The histogram is empty, please file a bug report.');
  const end = lastNz + 1;
  const bucket = first > 0 ? counts.slice(first - 1, end) : [0, ...counts.slice(0, end)];
  const bucketLimit = edges.slice(first, end + 1);
  return { min, max, num: n, sum, sumSquares: sumSq, bucketLimit, bucket };
}

function histogramSummary(tag: string, h: ReturnType<typeof histogram>): Pb {
  const histo = new Pb()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.bucketLimit)
    .packedDoubles(7, h.bucket);
  return summaryOf(new Pb().bytes(1, tag).bytes(5, histo, true));
}

// ---- files ----
let globalUid = 0;
const os = () => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:os') as typeof import('node:os');
};

/** One event file in `logDir` (tensorboard's EventFileWriter). */
class FileWriter {
  readonly path: string;
  private queue: Uint8Array[] = [];
  private lastFlush = Date.now();
  private closed = false;
  constructor(
    readonly logDir: string,
    private readonly maxQueue: number,
    private readonly flushSecs: number,
    suffix: string,
    purgeStep: number | null,
  ) {
    const { fs, path } = nodeOnly('SummaryWriter');
    fs.mkdirSync(logDir, { recursive: true });
    const now = Date.now() / 1000;
    const name = `events.out.tfevents.${String(Math.floor(now)).padStart(10, '0')}.${os().hostname()}.${process.pid}.${globalUid++}${suffix}`;
    this.path = path.join(logDir, name);
    fs.writeFileSync(this.path, tfRecord(event({ wallTime: now, fileVersion: 'brain.Event:2' })));
    if (purgeStep !== null) {
      this.add({ wallTime: now, step: purgeStep, fileVersion: 'brain.Event:2' });
      this.add({ wallTime: now, step: purgeStep, sessionStatus: 1 });
    }
  }
  add(e: EventFields): void {
    if (this.closed) throw new Error(`SummaryWriter: the event file ${this.path} is closed`);
    this.queue.push(tfRecord(event(e)));
    if (this.queue.length >= this.maxQueue || Date.now() - this.lastFlush >= this.flushSecs * 1000)
      this.flush();
  }
  flush(): void {
    if (this.queue.length) {
      const total = this.queue.reduce((s, b) => s + b.length, 0);
      const all = new Uint8Array(total);
      let o = 0;
      for (const b of this.queue) {
        all.set(b, o);
        o += b.length;
      }
      nodeOnly('SummaryWriter').fs.appendFileSync(this.path, all);
      this.queue = [];
    }
    this.lastFlush = Date.now();
  }
  close(): void {
    if (!this.closed) this.flush();
    this.closed = true;
  }
}

const SIG =
  'SummaryWriter(str? log_dir=None, str comment="", int? purge_step=None, int max_queue=10, int flush_secs=120, str filename_suffix="")';
const ADD_SCALAR =
  'add_scalar(str tag, float scalar_value, int? global_step=None, float? walltime=None, bool new_style=False, bool double_precision=False)';
const ADD_SCALARS =
  'add_scalars(str main_tag, dict tag_scalar_dict, int? global_step=None, float? walltime=None)';
const ADD_HISTOGRAM =
  'add_histogram(str tag, Any values, int? global_step=None, Any bins="tensorflow", float? walltime=None, int? max_bins=None)';
const ADD_TEXT = 'add_text(str tag, str text_string, int? global_step=None, float? walltime=None)';

/**
 * Writes TensorBoard event files (`tensorboard --logdir runs` shows them), as PyTorch's
 * `torch.utils.tensorboard.SummaryWriter`. `logDir` defaults to `runs/<Mon05_14-03-59>_<host><comment>`;
 * events are buffered and appended every `maxQueue` (default 10) events or `flushSecs` (default
 * 120) seconds (checked at each add), and on `flush()` / `close()`. Node only.
 */
export class SummaryWriter {
  /** The directory of the event file. */
  readonly logDir: string;
  private readonly writer: FileWriter;
  private readonly scalarWriters = new Map<string, FileWriter>();
  private readonly opts: { maxQueue: number; flushSecs: number; filenameSuffix: string };

  constructor(...args: CallArgs<typeof SIG>) {
    const a = ctorArgs('utils.tensorboard.SummaryWriter', SIG, args);
    let dir = a.logDir;
    if (dir === null) {
      const d = new Date();
      const mon = d.toLocaleString('en-US', { month: 'short' });
      const p2 = (n: number) => String(n).padStart(2, '0');
      const stamp = `${mon}${p2(d.getDate())}_${p2(d.getHours())}-${p2(d.getMinutes())}-${p2(d.getSeconds())}`;
      dir = nodeOnly('SummaryWriter').path.join('runs', `${stamp}_${os().hostname()}${a.comment}`);
    }
    if (a.maxQueue < 1) throw new RangeError(`SummaryWriter(): max_queue must be >= 1, got ${a.maxQueue}`);
    this.logDir = dir;
    this.opts = { maxQueue: a.maxQueue, flushSecs: a.flushSecs, filenameSuffix: a.filenameSuffix };
    this.writer = new FileWriter(dir, a.maxQueue, a.flushSecs, a.filenameSuffix, a.purgeStep);
  }

  /** The event file's path. */
  get filePath(): string {
    return this.writer.path;
  }

  /** Logs one number under `tag` at `globalStep` (a loss: `await loss.item()`). */
  addScalar(...args: CallArgs<typeof ADD_SCALAR>): void {
    const a = ctorArgs('utils.tensorboard.SummaryWriter.addScalar', ADD_SCALAR, args);
    this.writer.add({
      wallTime: a.walltime ?? Date.now() / 1000,
      step: a.globalStep,
      summary: scalarSummary(a.tag, a.scalarValue, a.newStyle, a.doublePrecision),
    });
  }

  /**
   * Logs several numbers on one chart: each `{ tag: value }` goes to its own event file in
   * `<logDir>/<mainTag>_<tag>` under the tag `mainTag`, as PyTorch does.
   */
  addScalars(...args: CallArgs<typeof ADD_SCALARS>): void {
    const a = ctorArgs('utils.tensorboard.SummaryWriter.addScalars', ADD_SCALARS, args);
    const wallTime = a.walltime ?? Date.now() / 1000;
    for (const [tag, v] of Object.entries(a.tagScalarDict)) {
      if (typeof v !== 'number')
        throw new TypeError(
          `SummaryWriter.addScalars(): value of '${tag}' must be a number, not ${typeof v}`,
        );
      const dir = `${this.writer.logDir}/${a.mainTag.replaceAll('/', '_')}_${tag}`;
      let fw = this.scalarWriters.get(dir);
      if (!fw) {
        fw = new FileWriter(dir, this.opts.maxQueue, this.opts.flushSecs, this.opts.filenameSuffix, null);
        this.scalarWriters.set(dir, fw);
      }
      fw.add({ wallTime, step: a.globalStep, summary: scalarSummary(a.mainTag, v, false, false) });
    }
  }

  /**
   * Logs a histogram of `values` (a Tensor, an array or a typed array). `bins`: 'tensorflow'
   * (default: PyTorch's exponential buckets), a bin count, or the edges; `maxBins` merges
   * neighbouring bins down to at most that many. Async: a tensor is read back.
   */
  async addHistogram(...args: CallArgs<typeof ADD_HISTOGRAM>): Promise<void> {
    const a = ctorArgs('utils.tensorboard.SummaryWriter.addHistogram', ADD_HISTOGRAM, args);
    const wallTime = a.walltime ?? Date.now() / 1000;
    const bins = a.bins === 'tensorflow' ? TF_BINS : a.bins;
    if (!(typeof bins === 'number' || (Array.isArray(bins) && bins.every((b) => typeof b === 'number'))))
      throw new TypeError(
        `SummaryWriter.addHistogram(): bins must be 'tensorflow', a bin count or an array of edges, not ${String(a.bins)}`,
      );
    const v = a.values;
    let flat: Float64Array;
    if (v instanceof Tensor) flat = Float64Array.from(await v.detach().toArray(), Number);
    else if (Array.isArray(v) || ArrayBuffer.isView(v))
      flat = Float64Array.from(v as ArrayLike<number> as number[], Number);
    else
      throw new TypeError('SummaryWriter.addHistogram(): values must be a Tensor, an array or a typed array');
    const h = histogram(flat, bins as number | number[], a.maxBins);
    this.writer.add({ wallTime, step: a.globalStep, summary: histogramSummary(a.tag, h) });
  }

  /** Logs a text (markdown) under `<tag>/text_summary`, TensorBoard's text plugin. */
  addText(...args: CallArgs<typeof ADD_TEXT>): void {
    const a = ctorArgs('utils.tensorboard.SummaryWriter.addText', ADD_TEXT, args);
    this.writer.add({
      wallTime: a.walltime ?? Date.now() / 1000,
      step: a.globalStep,
      summary: textSummary(a.tag, a.textString),
    });
  }

  /** Appends the buffered events to the files. */
  flush(): void {
    this.writer.flush();
    for (const w of this.scalarWriters.values()) w.flush();
  }

  /** Flushes and closes the files; later adds throw. */
  close(): void {
    this.writer.close();
    for (const w of this.scalarWriters.values()) w.close();
  }
}

registerCtor('utils.tensorboard.SummaryWriter', SIG, SummaryWriter);
registerCtor('utils.tensorboard.SummaryWriter.addScalar', ADD_SCALAR);
registerCtor('utils.tensorboard.SummaryWriter.addScalars', ADD_SCALARS);
registerCtor('utils.tensorboard.SummaryWriter.addHistogram', ADD_HISTOGRAM);
registerCtor('utils.tensorboard.SummaryWriter.addText', ADD_TEXT);
