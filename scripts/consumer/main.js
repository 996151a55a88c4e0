// The Vite app: the installed package, bundled by Vite, trains on the page's WebGPU.
import * as torch from 'torchts';
import { line, steps } from './simplenet.mjs';

try {
  await torch.accelerator.init();
  if (!torch.webgpu.isAvailable()) throw new Error(`no WebGPU: ${torch.webgpu.unavailableReason()}`);
  const r = await steps(torch, torch.device('webgpu'));
  window.__result = { device: r.device, line: line(r), first: r.first, last: r.last };
} catch (e) {
  window.__result = { error: String(e?.stack ?? e) };
}
document.getElementById('out').textContent = JSON.stringify(window.__result);
