/**
 * torch.save replaces files atomically: whatever fails (serialisation, a directory in the way, a
 * disk that fills up halfway through the write) the previous file is still there, byte for byte,
 * and no temporary file is left behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { CheckpointError, writeFileAtomic } from '../../src/io/index.js';

const root = join(import.meta.dirname, '..', '..');

async function withOldFile(): Promise<{ dir: string; file: string; old: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'torchts-atomic-'));
  const file = join(dir, 'model.safetensors');
  await torch.save({ w: torch.tensor([1, 2, 3]) }, file);
  return { dir, file, old: await readFile(file) };
}

describe('atomic saves', () => {
  it('a value that throws during serialisation leaves the old file intact', async () => {
    const { dir, file, old } = await withOldFile();
    const cyclic: Record<string, unknown> = { w: torch.tensor([4, 5]) };
    cyclic.self = cyclic;
    await expect(torch.save(cyclic as never, file)).rejects.toThrow(CheckpointError);
    expect((await readFile(file)).equals(old)).toBe(true);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('a directory swapped in at the path: the save fails, the directory and its files stay, no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-atomic-dir-'));
    const path = join(dir, 'ckpt.safetensors');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    await expect(torch.save({ w: torch.ones(4) }, path)).rejects.toThrow(/EISDIR|directory/);
    expect((await stat(path)).isDirectory()).toBe(true);
    expect(await readFile(join(path, 'keep'), 'utf8')).toBe('x');
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
  });

  it('the disk fills up halfway through the write (RLIMIT_FSIZE in a child): the old file survives', async () => {
    const { dir, file, old } = await withOldFile();
    const script = join(dir, 'save.mts');
    // 4 MiB of weights against a 256 KiB file size limit: the write stops with EFBIG partway.
    const run = (how: 'torch.save' | 'fs.writeFile') => {
      const body =
        how === 'torch.save'
          ? `await torch.save({ w: torch.ones(1 << 20) }, ${JSON.stringify(file)});`
          : `await fs.writeFile(${JSON.stringify(file)}, await torch.save({ w: torch.ones(1 << 20) }));`;
      return writeFile(
        script,
        `import * as fs from 'node:fs/promises';\nimport * as torch from ${JSON.stringify(join(root, 'src', 'index.ts'))};\n${body}\n`,
      ).then(() =>
        spawnSync('bash', ['-c', `ulimit -f 256; exec "${process.execPath}" --import tsx "${script}"`], {
          cwd: root,
          env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
          encoding: 'utf8',
        }),
      );
    };
    const r = await run('torch.save');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/EFBIG/);
    expect((await readFile(file)).equals(old)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors', 'save.mts']);
    // Negative control: a plain write under the same limit leaves a torn file.
    const c = await run('fs.writeFile');
    expect(c.stderr).toMatch(/EFBIG/);
    const torn = await readFile(file);
    expect(torn.equals(old)).toBe(false);
    await expect(torch.load(torn)).rejects.toThrow(CheckpointError);
  }, 60_000);

  it('writeFileAtomic replaces a file and writes strings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torchts-atomic-str-'));
    const f = join(dir, 'metrics.json');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, '{"two":2}');
    expect(await readFile(f, 'utf8')).toBe('{"two":2}');
    expect(await readdir(dir)).toEqual(['metrics.json']);
  });
});
