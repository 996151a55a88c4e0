/**
 * Training where string code generation is refused (as in a page whose Content-Security-Policy
 * lacks 'unsafe-eval'): a child process under `node --disallow-code-generation-from-strings`
 * trains SimpleNet on the CPU through the closure compiler and must give the normal path's
 * losses, with the wasm kernels and on plain typed arrays (the no-'wasm-unsafe-eval' path).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const script = join(root, 'test', 'helpers', 'train-steps.ts');

interface Run {
  losses: number[];
  codegen: boolean;
  heap: boolean;
}
const train = (flags: string[], args: string[] = []): Run => {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TORCHTS_NO_WEBGPU: '1' },
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
};
const noEval = ['--disallow-code-generation-from-strings'];

describe('CPU training without string code generation', () => {
  for (const args of [[], ['nowasm']])
    it(`matches the new Function path's losses${args.length ? ' (no wasm kernels)' : ''}`, () => {
      const normal = train([], args);
      const closures = train(noEval, args);
      expect(normal.codegen).toBe(true);
      expect(closures.codegen).toBe(false); // the probe saw the EvalError
      expect(closures.losses).toHaveLength(5);
      expect(closures.losses[4]).toBeLessThan(closures.losses[0]);
      for (let i = 0; i < 5; i++)
        expect(Math.abs(closures.losses[i] - normal.losses[i])).toBeLessThanOrEqual(1e-6);
    });
});
