// Node, Bun and Deno: `run.mjs [--webgpu]` prints the device and the steps' line.
import * as torch from 'torchts';
import { line, steps } from './simplenet.mjs';

let device = torch.device('cpu');
if (process.argv.includes('--webgpu')) {
  await torch.accelerator.init();
  if (torch.webgpu.isAvailable()) device = torch.device('webgpu');
  else console.log(`webgpu unavailable: ${torch.webgpu.unavailableReason()}`);
}
const r = await steps(torch, device);
console.log(`device ${r.device}`);
console.log(line(r));
