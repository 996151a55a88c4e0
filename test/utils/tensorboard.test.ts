/**
 * SummaryWriter's event files, read back by a reader that shares no code with the writer: the
 * TFRecord framing and a bit-by-bit CRC32C here, the protobufs decoded by protobufjs from
 * test/fixtures/tensorboard/events.proto (tensorboard's field numbers). The same calls are
 * compared with the file Python's protobuf wrote for the messages PyTorch 1.13 builds
 * (test/fixtures/tensorboard/gen.py): record for record, byte for byte, except a histogram's
 * sum and sum of squares (numpy sums pairwise), which agree to 1e-12.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';

const { SummaryWriter } = torch.utils.tensorboard;
const FIX = join(import.meta.dirname, '../fixtures/tensorboard');
const root = protobuf.loadSync(join(FIX, 'events.proto'));
const EventT = root.lookupType('tensorboard.Event');

function crc32cBitwise(b: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (c & 1 ? 0x82f63b78 : 0);
  }
  return ~c >>> 0;
}
const unmask = (m: number) => {
  const r = (m - 0xa282ead8) >>> 0;
  return ((r >>> 17) | (r << 15)) >>> 0;
};

/** The records of a TFRecord file, each CRC checked. */
function records(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  while (o < buf.length) {
    const len = Number(dv.getBigUint64(o, true));
    expect(unmask(dv.getUint32(o + 8, true))).toBe(crc32cBitwise(buf.subarray(o, o + 8)));
    const data = buf.subarray(o + 12, o + 12 + len);
    expect(unmask(dv.getUint32(o + 12 + len, true))).toBe(crc32cBitwise(data));
    out.push(data);
    o += 16 + len;
  }
  expect(o).toBe(buf.length);
  return out;
}
const decode = (r: Uint8Array): any => EventT.toObject(EventT.decode(r), { longs: Number, bytes: String });
const readEvents = (path: string) => records(new Uint8Array(readFileSync(path))).map(decode);

interface Case {
  kind: 'scalar' | 'histogram' | 'text';
  tag: string;
  value?: number;
  values?: number[];
  bins?: 'tensorflow' | number;
  max_bins?: number;
  text?: string;
  step: number | null;
  walltime: number;
  new_style?: boolean;
  double_precision?: boolean;
}
const cases: Case[] = JSON.parse(readFileSync(join(FIX, 'cases.json'), 'utf8'));
const tmp = () => mkdtempSync(join(tmpdir(), 'torchts-tb-'));
const onlyFile = (dir: string) =>
  join(dir, readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'))[0]);

async function writeCases(w: InstanceType<typeof SummaryWriter>): Promise<void> {
  for (const c of cases) {
    const common = { globalStep: c.step, walltime: c.walltime };
    if (c.kind === 'scalar')
      w.addScalar(c.tag, c.value as number, {
        ...common,
        newStyle: c.new_style ?? false,
        doublePrecision: c.double_precision ?? false,
      });
    else if (c.kind === 'histogram')
      await w.addHistogram(c.tag, torch.tensor(c.values as number[]), {
        ...common,
        bins: c.bins,
        maxBins: c.max_bins ?? null,
      });
    else w.addText(c.tag, c.text as string, common);
  }
}

describe('utils.tensorboard.SummaryWriter', () => {
  it('writes the records PyTorch 1.13 writes for the same calls', async () => {
    const dir = tmp();
    const before = Date.now() / 1000;
    const w = new SummaryWriter(dir);
    expect(w.logDir).toBe(dir);
    await writeCases(w);
    w.close();
    const ours = records(new Uint8Array(readFileSync(onlyFile(dir))));
    const theirs = records(new Uint8Array(readFileSync(join(FIX, 'pytorch-1.13.tfevents'))));
    expect(ours.length).toBe(cases.length + 1);
    expect(ours.length).toBe(theirs.length);
    const first = decode(ours[0]);
    expect(first.fileVersion).toBe('brain.Event:2');
    expect(first.wallTime).toBeGreaterThanOrEqual(before - 1);
    expect(first.wallTime).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    for (let i = 1; i < ours.length; i++) {
      const c = cases[i - 1];
      if (c.kind !== 'histogram') {
        expect(Buffer.from(ours[i]).toString('hex'), `${c.kind} ${c.tag}`).toBe(
          Buffer.from(theirs[i]).toString('hex'),
        );
        continue;
      }
      const [a, b] = [decode(ours[i]), decode(theirs[i])];
      const [ha, hb] = [a.summary.value[0].histo, b.summary.value[0].histo];
      for (const k of ['sum', 'sumSquares']) {
        expect(ha[k]).toBeCloseTo(hb[k], 9);
        delete ha[k];
        delete hb[k];
      }
      expect(a, c.tag).toEqual(b);
    }
  });

  it('the decoded events: scalars, histograms, text, steps', async () => {
    const dir = tmp();
    const w = new SummaryWriter({ logDir: dir });
    await writeCases(w);
    w.flush();
    const ev = readEvents(onlyFile(dir));
    expect(ev[1]).toEqual({
      wallTime: 1700000000.25,
      summary: { value: [{ tag: 'loss', simpleValue: Math.fround(cases[0].value as number) }] },
    });
    expect(ev[2].summary.value[0]).toEqual({ tag: 'loss', simpleValue: 0 });
    expect(ev[3].step).toBe(123456789012);
    expect(ev[4].step).toBeUndefined();
    expect(ev[4].summary.value[0].metadata.pluginData.pluginName).toBe('scalars');
    expect(ev[5].summary.value[0].tensor.doubleVal).toEqual([0.1]);
    const h = ev[7].summary.value[0].histo; // 64 uniform values in 10 equal bins
    const vals = (cases[6].values as number[]).map(Math.fround);
    expect(h.num).toBe(64);
    expect(h.min).toBe(Math.min(...vals));
    expect(h.max).toBe(Math.max(...vals));
    expect(h.bucket.reduce((s: number, c: number) => s + c, 0)).toBe(64);
    expect(h.bucketLimit.at(-1)).toBe(h.max);
    expect(ev[10].summary.value[0].tag).toBe('notes/text_summary');
    expect(Buffer.from(ev[10].summary.value[0].tensor.stringVal[0], 'base64').toString('utf8')).toBe(
      'lr **0.1**, é ✓',
    );
    w.close();
  });

  it('addScalars: one file per tag in <logDir>/<mainTag>_<tag>, under the main tag', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir);
    for (let s = 0; s < 3; s++) w.addScalars('run/loss', { train: 1 / (s + 1), test: 2 / (s + 1) }, s);
    w.close();
    const names = readdirSync(dir).sort();
    expect(names.slice(0, 1)[0]).toMatch(/^events\.out\.tfevents\./);
    expect(names.slice(1)).toEqual(['run_loss_test', 'run_loss_train']);
    const train = readEvents(onlyFile(join(dir, 'run_loss_train')));
    expect(
      train.slice(1).map((e) => [e.step ?? 0, e.summary.value[0].tag, e.summary.value[0].simpleValue]),
    ).toEqual([
      [0, 'run/loss', 1],
      [1, 'run/loss', Math.fround(0.5)],
      [2, 'run/loss', Math.fround(1 / 3)],
    ]);
    expect(readEvents(onlyFile(dir)).length).toBe(1); // the main file holds only its header
  });

  it('buffering: maxQueue events, flush(), close(); purgeStep; the default logDir', () => {
    const dir = tmp();
    const w = new SummaryWriter(dir, { maxQueue: 3, purgeStep: 5, filenameSuffix: '.v2' });
    expect(w.filePath.endsWith('.v2')).toBe(true);
    // purgeStep queues a file_version and a SessionLog START at that step.
    w.addScalar('a', 1, 5); // the third queued event: written
    expect(readEvents(w.filePath).length).toBe(4);
    w.addScalar('a', 2, 6);
    expect(readEvents(w.filePath).length).toBe(4);
    w.flush();
    const ev = readEvents(w.filePath);
    expect(ev.length).toBe(5);
    expect([ev[1].step, ev[1].fileVersion]).toEqual([5, 'brain.Event:2']);
    expect([ev[2].step, ev[2].sessionLog]).toEqual([5, { status: 1 }]); // SessionLog.START

    w.close();
    expect(() => w.addScalar('a', 3)).toThrow(/closed/);
    const cwd = process.cwd();
    process.chdir(tmp());
    try {
      const d = new SummaryWriter({ comment: '_lr0.1' });
      expect(d.logDir).toMatch(/^runs\/[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_.+_lr0\.1$/);
      d.close();
    } finally {
      process.chdir(cwd);
    }
  });

  it('errors name the call and the argument', async () => {
    const w = new SummaryWriter(tmp());
    expect(() => w.addScalar('a', 'x' as never)).toThrow(
      /^utils\.tensorboard\.SummaryWriter\.addScalar\(\): argument 'scalarValue'/,
    );
    expect(() => w.addScalar('a', 1, 0, null, false, false, 7 as never)).toThrow(
      /takes 6 positional arguments/,
    );
    expect(() => new SummaryWriter(tmp(), { flushSec: 1 } as never)).toThrow(/unexpected option 'flushSec'/);
    await expect(w.addHistogram('h', [1, 2], { bins: 'auto' })).rejects.toThrow(/bins must be 'tensorflow'/);
    await expect(w.addHistogram('h', [])).rejects.toThrow(/no element/);
    await expect(w.addHistogram('h', [1e30])).rejects.toThrow(/histogram is empty/);
    expect(() => w.addScalars('m', { a: 'x' } as never)).toThrow(/value of 'a' must be a number/);
    w.close();
  });
});
