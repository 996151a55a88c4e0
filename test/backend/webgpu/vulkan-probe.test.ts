/**
 * missingVulkan(): the look before loading Dawn. Machine-independent cases use a fake ICD tree in a
 * temp dir (the probe only checks that manifests exist, as the loader's search does); the real
 * lavapipe manifest is used where it is installed (always in CI: TORCHTS_REQUIRE_WEBGPU=1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingVulkan } from '../../../src/backend/webgpu/vulkan-probe.js';

const LAVAPIPE = '/usr/share/vulkan/icd.d/lvp_icd.json';
const haveLavapipe = existsSync(LAVAPIPE) && (await missingVulkan({ VK_ICD_FILENAMES: LAVAPIPE })) === '';

// An empty search path (no ICD anywhere) and one with a manifest, as XDG base dirs.
const tmp = mkdtempSync(join(tmpdir(), 'torchts-vk-'));
const empty = join(tmp, 'empty');
const withIcd = join(tmp, 'with-icd');
mkdirSync(empty);
mkdirSync(join(withIcd, 'vulkan', 'icd.d'), { recursive: true });
writeFileSync(join(withIcd, 'vulkan', 'icd.d', 'fake_icd.json'), '{}');
const nowhere = {
  HOME: empty,
  XDG_CONFIG_HOME: empty,
  XDG_CONFIG_DIRS: empty,
  XDG_DATA_HOME: empty,
  XDG_DATA_DIRS: empty,
};

describe.skipIf(process.platform !== 'linux')('missingVulkan', () => {
  it('VK_ICD_FILENAMES pointing nowhere: no driver, even with manifests on the search path', async () => {
    expect(await missingVulkan({ VK_ICD_FILENAMES: '/nonexistent' })).toMatch(/^no Vulkan driver \(no ICD/);
    // an explicit list replaces the search path, as in the loader
    expect(
      await missingVulkan({ ...nowhere, XDG_DATA_DIRS: withIcd, VK_ICD_FILENAMES: '/nonexistent' }),
    ).toMatch(/no Vulkan driver/);
    expect(await missingVulkan({ VK_DRIVER_FILES: '/nonexistent' })).toMatch(/no Vulkan driver/);
  });

  it.skipIf(!haveLavapipe && process.env.TORCHTS_REQUIRE_WEBGPU !== '1')(
    "VK_ICD_FILENAMES pointing at the real lavapipe manifest: ''",
    async () => {
      expect(await missingVulkan({ VK_ICD_FILENAMES: LAVAPIPE })).toBe('');
      expect(await missingVulkan({ VK_ICD_FILENAMES: `/nonexistent:${LAVAPIPE}` })).toBe('');
    },
  );

  it('negative control: the search path decides when no list is given', async () => {
    expect(await missingVulkan(nowhere)).toMatch(/no Vulkan driver/);
    expect(await missingVulkan({ ...nowhere, XDG_DATA_DIRS: withIcd })).toBe('');
    // VK_ADD_DRIVER_FILES only adds: a missing one hides nothing, and alone finds nothing
    expect(
      await missingVulkan({ ...nowhere, XDG_DATA_DIRS: withIcd, VK_ADD_DRIVER_FILES: '/nonexistent' }),
    ).toBe('');
    expect(await missingVulkan({ ...nowhere, VK_ADD_DRIVER_FILES: '/nonexistent' })).toMatch(
      /no Vulkan driver/,
    );
  });

  it('initWebGPU with VK_ICD_FILENAMES=/nonexistent: unavailable, and not a byte on stderr', async () => {
    const script = [
      "const w = await import('./src/backend/webgpu/index.ts');",
      'console.log(JSON.stringify({ ok: await w.initWebGPU(), why: w.unavailableReason() }));',
    ].join('\n');
    const root = join(import.meta.dirname, '..', '..', '..');
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: '/nonexistent' };
    delete env.TORCHTS_NO_WEBGPU; // the probe must run, not be skipped
    const r = await new Promise<{ stdout: string; stderr: string }>((res) => {
      const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        env,
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', () => res({ stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, why: expect.stringMatching(/no Vulkan driver/) });
  });
});
