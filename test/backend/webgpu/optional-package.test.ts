/**
 * `webgpu` (Dawn) is an optional dependency. Without it (`npm install --omit=optional`, a
 * platform without a prebuilt) the library still trains on the CPU and says why WebGPU is not
 * available, naming the package and the command. Simulated in a child process by pointing the
 * package name at one that does not exist; a control run keeps the real name.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const src = (p: string) => JSON.stringify(join(root, 'src', p));

const run = (spec: string, init: boolean) => {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { webgpuPackage } = await import(${src('backend/webgpu/probe.ts')});
       webgpuPackage.spec = ${JSON.stringify(spec)};
       const torch = await import(${src('index.ts')});
       const available = ${init ? 'await torch.webgpu.init()' : 'torch.webgpu.isAvailable()'};
       const x = torch.ones([2, 3], { requiresGrad: true });
       x.mul(3).sum().backward();
       console.log(JSON.stringify({ available, reason: torch.webgpu.unavailableReason(),
         grad: Array.from(x.grad.toArraySync()) }));`,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, TORCHTS_NO_WEBGPU: undefined }, timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    available: boolean;
    reason: string;
    grad: number[];
  };
};

describe("without the optional 'webgpu' package", () => {
  const missing = "the optional package 'webgpu' is not installed: npm install webgpu";
  for (const init of [false, true])
    it(`${init ? 'webgpu.init()' : 'webgpu.isAvailable()'} says so, and the CPU trains`, () => {
      const r = run('webgpu-not-installed-here', init);
      expect(r.available).toBe(false);
      expect(r.reason).toBe(missing);
      expect(r.grad).toEqual([3, 3, 3, 3, 3, 3]);
    });

  it('with the package installed, the reason is a different one or none', () => {
    expect(run('webgpu', false).reason).not.toBe(missing);
  });
});
