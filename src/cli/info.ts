/** `torchts info`: versions, devices, the adapter and whether it is hardware or software. */
import * as torch from '../index.js';
import { torchtsVersion } from './train.js';

export async function info(): Promise<Record<string, unknown>> {
  await torch.webgpu.init(); // the adapter's limits and features come with its device
  const a = torch.webgpu.adapterInfo();
  return {
    torchts: await torchtsVersion(),
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    devices: ['cpu', ...(torch.webgpu.isAvailable() ? ['webgpu'] : [])],
    gpuAvailable: torch.cuda.isAvailable(),
    webgpu: a
      ? {
          available: true,
          hardware: !a.isFallback,
          description: a.description,
          vendor: a.vendor,
          architecture: a.architecture,
          device: a.device,
          features: a.features,
          limits: a.limits,
        }
      : { available: false, reason: torch.webgpu.unavailableReason() || 'no adapter' },
  };
}

export function formatInfo(i: Record<string, unknown>): string {
  const w = i.webgpu as Record<string, unknown>;
  const lines = [
    `torchts ${i.torchts} on Node ${i.node} (${i.platform})`,
    `devices: ${(i.devices as string[]).join(', ')}`,
    i.gpuAvailable ? 'GPU is available!' : 'GPU is not available!',
  ];
  if (w.available) {
    lines.push(
      `WebGPU adapter: ${w.description || w.device} (vendor ${w.vendor || '?'}, architecture ${w.architecture || '?'}, ${w.hardware ? 'hardware' : 'software'})`,
    );
    lines.push(`  features: ${(w.features as string[]).join(', ')}`);
    const lim = w.limits as Record<string, number>;
    for (const k of [
      'maxStorageBufferBindingSize',
      'maxBufferSize',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
      'maxStorageBuffersPerShaderStage',
      'maxComputeWorkgroupsPerDimension',
    ])
      if (lim?.[k] !== undefined) lines.push(`  ${k}: ${lim[k]}`);
  } else lines.push(`WebGPU: not available (${w.reason})`);
  return lines.join('\n');
}
