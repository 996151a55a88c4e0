/**
 * In-place methods have two paths (src/api/tensor-methods.ts `inplace`): off the graph, one fused
 * kernel into self's storage (an `Ex` restating the op's formula, for speed); on the graph, the
 * out-of-place op recorded for autograd. The fused kernels are checked here against the recorded
 * path and against the out-of-place torch function, on every device, so the two definitions
 * cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import { testDevices } from '../helpers/devices.js';
import { rng } from '../helpers/rng.js';

type T = torch.Tensor;
const rand = rng(11);
const data = (n: number, lo = -2, hi = 2) => Array.from({ length: n }, () => lo + (hi - lo) * rand());

const cases: [string, (x: T, a: T, b: T) => T, (x: T, a: T, b: T) => T][] = [
  ['add_', (x, a) => x.add_(a, { alpha: 0.5 }), (x, a) => torch.add(x, a, { alpha: 0.5 })],
  ['sub_', (x, a) => x.sub_(a, { alpha: 2 }), (x, a) => torch.sub(x, a, { alpha: 2 })],
  ['mul_', (x, a) => x.mul_(a), (x, a) => torch.mul(x, a)],
  ['div_', (x, a) => x.div_(a), (x, a) => torch.div(x, a)],
  ['pow_', (x, a) => x.abs().pow_(a), (x, a) => torch.pow(x.abs(), a)],
  [
    'addcmul_',
    (x, a, b) => x.addcmul_(a, b, { value: 0.3 }),
    (x, a, b) => torch.addcmul(x, a, b, { value: 0.3 }),
  ],
  [
    'addcdiv_',
    (x, a, b) => x.addcdiv_(a, b, { value: -1.5 }),
    (x, a, b) => torch.addcdiv(x, a, b, { value: -1.5 }),
  ],
  ['lerp_ (tensor weight)', (x, a, b) => x.lerp_(a, b.sigmoid()), (x, a, b) => torch.lerp(x, a, b.sigmoid())],
  ['lerp_ (scalar weight)', (x, a) => x.lerp_(a, 0.25), (x, a) => torch.lerp(x, a, 0.25)],
  ['fill_', (x) => x.fill_(3.5), (x) => torch.fullLike(x, 3.5)],
  ['copy_', (x, a) => x.copy_(a), (_x, a) => a.clone()],
];

describe('in-place fast paths agree with the recorded op', () => {
  for (const dev of testDevices())
    for (const [name, inPlace, outOfPlace] of cases)
      it(`${name} on ${dev}`, async () => {
        const shape = [3, 5];
        const [xv, av, bv] = [data(15), data(15), data(15, 0.5, 2)];
        const mk = (v: number[]) => torch.tensor(v).view(shape).to(dev);
        // off the graph: the fused kernel
        const fast = inPlace(mk(xv), mk(av), mk(bv));
        // on the graph: x is a non-leaf that requires grad, so the recorded op runs
        const leaf = mk(xv).requiresGrad_();
        const tracked = inPlace(leaf.mul(1), mk(av), mk(bv));
        expect(tracked.gradFn).not.toBeNull();
        const ref = outOfPlace(mk(xv), mk(av), mk(bv));
        const [f, t, r] = await Promise.all([fast.toArray(), tracked.detach().toArray(), ref.toArray()]);
        for (let i = 0; i < r.length; i++) {
          const tol = 1e-6 * (1 + Math.abs(r[i]));
          expect(Math.abs(f[i] - r[i]), `${name}[${i}] fused vs op`).toBeLessThanOrEqual(tol);
          expect(Math.abs(t[i] - r[i]), `${name}[${i}] recorded vs op`).toBeLessThanOrEqual(tol);
        }
      });
});
