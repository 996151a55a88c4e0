/**
 * A zip bomb in a .pt file: ~1.2 MB of deflate that inflates to 1.2 GB of zeros. torch.load must
 * refuse it quickly with a CheckpointError, whether the archive declares the real size or lies,
 * without the process's memory growing (measured as peak RSS in a child process).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/io/zip.js';

const root = join(import.meta.dirname, '..', '..');
const MiB = 2 ** 20;

/**
 * Deflate data for `mib` MiB of zeros: one MiB compressed with a full flush (non-final blocks,
 * byte-aligned, no references before its start) repeated, then an empty final block.
 */
function zerosDeflated(mib: number): Uint8Array {
  const one = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const out = new Uint8Array(one.length * mib + 2);
  for (let i = 0; i < mib; i++) out.set(one, i * one.length);
  out.set([0x03, 0x00], one.length * mib); // BFINAL=1, fixed Huffman, end of block
  return out;
}

/** A one-entry deflated zip with the given declared uncompressed size and CRC. */
function zip(name: string, data: Uint8Array, size: number, crc: number): Uint8Array {
  const n = new TextEncoder().encode(name);
  const local = new Uint8Array(30 + n.length);
  const l = new DataView(local.buffer);
  l.setUint32(0, 0x04034b50, true);
  l.setUint16(4, 20, true);
  l.setUint16(8, 8, true);
  l.setUint32(14, crc, true);
  l.setUint32(18, data.length, true);
  l.setUint32(22, size, true);
  l.setUint16(26, n.length, true);
  local.set(n, 30);
  const cd = new Uint8Array(46 + n.length);
  const c = new DataView(cd.buffer);
  c.setUint32(0, 0x02014b50, true);
  c.setUint16(4, 20, true);
  c.setUint16(6, 20, true);
  c.setUint16(10, 8, true);
  c.setUint32(16, crc, true);
  c.setUint32(20, data.length, true);
  c.setUint32(24, size, true);
  c.setUint16(28, n.length, true);
  cd.set(n, 46);
  const eocd = new Uint8Array(22);
  const e = new DataView(eocd.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, 1, true);
  e.setUint16(10, 1, true);
  e.setUint32(12, cd.length, true);
  e.setUint32(16, local.length + data.length, true);
  return Buffer.concat([local, data, cd, eocd]);
}

describe('zip bombs in torch.save files', () => {
  it('the bomb is real: its deflate stream inflates to zeros, one MiB per copy', () => {
    const small = zerosDeflated(3);
    const back = inflateRawSync(small);
    expect(back.length).toBe(3 * MiB);
    expect(back.every((b) => b === 0)).toBe(true);
    expect(zerosDeflated(1145).length).toBeLessThan(1.3e6); // ~1.2 MB -> 1.2 GB
  });

  it('1.2 MB inflating to 1.2 GB is refused quickly, with peak RSS barely moving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-bomb-'));
    const data = zerosDeflated(1145); // 1145 MiB = 1.2 GB
    const real = 1145 * MiB;
    // honest: declares the real size (within deflate's ratio, so only the total cap can refuse it)
    await writeFile(join(dir, 'honest.pt'), zip('archive/data.pkl', data, real, 0));
    // lying: declares 32 MiB, which passes every declared-size check; inflation must stop there
    await writeFile(join(dir, 'lying.pt'), zip('archive/data.pkl', data, 32 * MiB, crc32(new Uint8Array(0))));
    const script = join(dir, 'load.mts');
    await writeFile(
      script,
      `import { readFileSync } from 'node:fs';
import { load } from ${JSON.stringify(join(root, 'src', 'io', 'index.ts'))};
const results = [];
for (const f of ['honest.pt', 'lying.pt']) {
  const bytes = readFileSync(${JSON.stringify(dir)} + '/' + f);
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let err;
  try { await load(bytes); } catch (e) { err = e; }
  results.push({ f, name: err?.name, message: err?.message, ms: performance.now() - t0,
    growthKiB: process.resourceUsage().maxRSS - before });
}
console.log(JSON.stringify(results));
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const [honest, lying] = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(honest.name).toBe('CheckpointError');
    expect(honest.message).toMatch(/declare 1200619520 uncompressed bytes in a \d+ byte file .*zip bomb/);
    expect(lying.name).toBe('CheckpointError');
    expect(lying.message).toMatch(/inflates to more than the 33554432 bytes it declares/);
    for (const x of [honest, lying]) {
      expect(x.ms, x.f).toBeLessThan(3000);
      // the 32 MiB buffer the lying entry declares, plus one chunk's output: far below 1.2 GB
      expect(x.growthKiB, x.f).toBeLessThan(64 * 1024);
    }
  }, 60_000);
});
