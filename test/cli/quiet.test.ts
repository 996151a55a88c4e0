/**
 * Importing torchts has no side effects: no GPU probe in this process, no native module, no
 * top-level await (so `require()` works), and a CPU-only program prints nothing from Dawn
 * ("Warning: …artificially reduced", "Couldn't load Vulkan"). Each case is a fresh process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'src', 'index.ts');
const main = join(root, 'src', 'cli', 'main.ts');

const node = (args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TORCHTS_NO_WEBGPU: undefined },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dawnNoise = /Warning:|Vulkan|vulkan|artificially reduced/;

describe('importing torchts', () => {
  it('touches no GPU and prints nothing', () => {
    const r = node([
      '--input-type=module',
      '-e',
      `const torch = await import(${JSON.stringify(entry)});
       torch.ones([2, 2]).add(1).toArraySync();
       console.log(JSON.stringify({ dawn: '__torchtsGpu' in globalThis }));`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ dawn: false });
    expect(r.stderr).toBe('');
  });

  it('works from CommonJS: require() (no top-level await in the module graph)', () => {
    const r = node([
      '-e',
      `const torch = require(${JSON.stringify(entry)}); console.log(torch.ones([3]).sum().itemSync());`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  });

  it('torch.cuda.isAvailable() is synchronous and keeps Dawn quiet (the probe runs in a child)', () => {
    const r = node([
      '--input-type=module',
      '-e',
      `const torch = await import(${JSON.stringify(entry)});
       const w = torch.webgpu.isAvailable(), c = torch.cuda.isAvailable();
       let msg = '';
       try { torch.ones([1]).to('webgpu'); } catch (e) { msg = e.message; }
       console.log(JSON.stringify({ w, c, dawn: '__torchtsGpu' in globalThis, msg }));`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout.trim());
    expect(o.dawn).toBe(false);
    expect(typeof o.w).toBe('boolean');
    expect(o.c && !o.w).toBe(false); // a hardware GPU is a WebGPU adapter
    expect(o.msg).toMatch(
      o.w
        ? /WebGPU is not initialised: call `await torch.webgpu.init\(\)` once before using the GPU/
        : /WebGPU is not (initialised|available)/,
    );
    expect(r.stderr).not.toMatch(dawnNoise);
  });
});

describe('a CPU-only CLI run prints nothing from Dawn', () => {
  it('torchts --help', () => {
    const r = node([main, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/train/);
    expect(r.stderr).not.toMatch(dawnNoise);
  });

  it('torchts train --device cpu', async () => {
    const out = await mkdtemp(join(tmpdir(), 'torchts-quiet-'));
    const r = node([
      main,
      'train',
      'mnist',
      '--epochs',
      '1',
      '--limit-train',
      '128',
      '--limit-test',
      '64',
      '--device',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Using device: cpu/);
    expect(r.stderr).not.toMatch(dawnNoise);
  });
});
