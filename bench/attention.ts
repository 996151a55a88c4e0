/**
 * `npx tsx bench/attention.ts`: F.scaledDotProductAttention forward + backward, the fused
 * routine (ops/attention.ts -> backend routines.attention / attentionBackward) against the
 * composed definition (matmul -> masked softmax -> matmul, `setFusedAttention(false)`), on
 * every device present. Not a test: nothing here asserts.
 *
 *   npx tsx bench/attention.ts                              # B=8 H=4 T=256 D=32, no mask and causal
 *   npx tsx bench/attention.ts --shape 8,4,256,32 --reps 3 --devices cpu
 *
 * Memory: the composed path holds the [B, H, T, T] scores, softmax and their gradients (4 MiB
 * each at the default shape); the fused path holds [B, H, T] (lse, delta) beyond q, k, v, out.
 */
import * as torch from '../src/index.js';
import { setFusedAttention } from '../src/ops/attention.js';

const args = process.argv.slice(2);
const opt = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const [B, H, T, D] = (opt('shape') ?? '8,4,256,32').split(',').map(Number);
const reps = Number(opt('reps') ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const devices = (opt('devices') ?? 'cpu,webgpu').split(',');
if (devices.includes('webgpu')) {
  await torch.webgpu.init().catch(() => undefined);
  if (!torch.webgpu.isAvailable()) devices.splice(devices.indexOf('webgpu'), 1);
}

const F = torch.nn.functional;
console.log(`SDPA forward + backward, B=${B} H=${H} T=${T} D=${D}, median of ${reps} (after 1 warm-up)`);
for (const device of devices) {
  const g = new torch.Generator(1);
  const mk = () => torch.randn([B, H, T, D], { generator: g }).to(device).requiresGrad_(true);
  const [q, k, v] = [mk(), mk(), mk()];
  const up = torch.randn([B, H, T, D], { generator: g }).to(device);
  for (const causal of [false, true])
    for (const fused of [true, false]) {
      setFusedAttention(fused);
      const fwd: number[] = [];
      const tot: number[] = [];
      for (let r = 0; r <= reps; r++) {
        const t0 = performance.now();
        const y = F.scaledDotProductAttention(q, k, v, { isCausal: causal });
        await y.toArray(); // waits for the device
        const t1 = performance.now();
        const gs = torch.autograd.grad(y.mul(up).sum(), [q, k, v]);
        for (const x of gs) await x!.toArray();
        const t2 = performance.now();
        if (r > 0) {
          fwd.push(t1 - t0);
          tot.push(t2 - t0);
        }
      }
      console.log(
        `${device.padEnd(7)} ${causal ? 'causal ' : 'no mask'} ${fused ? 'fused   ' : 'composed'}  fwd ${median(fwd).toFixed(1).padStart(8)} ms   fwd+bwd ${median(tot).toFixed(1).padStart(8)} ms`,
      );
    }
  setFusedAttention(true);
}
