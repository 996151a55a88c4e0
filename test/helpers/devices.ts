/**
 * The devices every op test runs on (STYLE.md §9): the CPU always, WebGPU when an adapter is
 * present (lavapipe in CI counts). TORCHTS_REQUIRE_WEBGPU=1 turns a missing adapter into a
 * failure, so CI cannot silently test the CPU alone; TORCHTS_TEST_DEVICES=cpu (or webgpu)
 * narrows the list for a quick local run.
 */
import * as torch from '../../src/index.js';

interface WebGPUNamespace {
  init?: () => Promise<unknown>;
  isAvailable?: () => boolean;
  unavailableReason?: () => string;
}
const webgpu = (torch as unknown as { webgpu?: WebGPUNamespace }).webgpu;
// Creating the WebGPU device is async and importing torchts does not do it: once per test file.
if (webgpu?.init && process.env.TORCHTS_NO_WEBGPU !== '1') await webgpu.init();
const available = webgpu?.isAvailable?.() ?? false;

if (process.env.TORCHTS_REQUIRE_WEBGPU === '1' && !available)
  throw new Error(
    `TORCHTS_REQUIRE_WEBGPU=1 but no WebGPU adapter is available${webgpu?.unavailableReason ? `: ${webgpu.unavailableReason()}` : ' (torch.webgpu is missing)'}`,
  );

export type TestDevice = 'cpu' | 'webgpu';

/** ['cpu'] plus 'webgpu' when an adapter is available. */
export function testDevices(): TestDevice[] {
  const all: TestDevice[] = available ? ['cpu', 'webgpu'] : ['cpu'];
  const only = process.env.TORCHTS_TEST_DEVICES?.split(',').map((s) => s.trim());
  return only ? all.filter((d) => only.includes(d)) : all;
}

export const webgpuAvailable = (): boolean => available;
