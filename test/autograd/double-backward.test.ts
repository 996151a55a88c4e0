/**
 * createGraph: the gradient returned by autograd.grad is itself differentiable, so gradcheck of
 * x -> d f(x)/dx checks every op's backward formula is written with recorded ops (PyTorch's
 * double backward: gradient penalties, Hessian-vector products).
 */
import { describe, it } from 'vitest';
import * as torch from '../../src/index.js';
import * as L from '../../src/ops/loss.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck, leaf } from '../helpers/conformance.js';
import { testDevices } from '../helpers/devices.js';

/** x -> grad(f(x), x) with createGraph, usable by gradcheck (which calls it under noGrad too). */
const gradOf = (f: (t: Tensor) => Tensor) => (t: Tensor) =>
  torch.enableGrad(() => {
    const u = t.requiresGrad ? t : t.detach().requiresGrad_(true);
    return torch.autograd.grad(f(u), [u], { createGraph: true })[0]!;
  });

const fs: [string, (t: Tensor) => Tensor][] = [
  [
    'exp, sigmoid, tanh (derivatives from the output)',
    (t) => t.exp().add(t.sigmoid()).mul(t.tanh()).pow(2).sum(),
  ],
  [
    'sqrt, rsqrt, reciprocal',
    (t) => t.abs().add(1).sqrt().add(t.abs().add(1).rsqrt()).mul(t.reciprocal()).sum(),
  ],
  ['pow with a tensor exponent', (t) => torch.pow(t.abs().add(1), t).sum()],
  ['pow with a scalar base', (t) => torch.pow(2, t).pow(2).sum()],
  [
    'softmax and logSoftmax',
    (t) => torch.softmax(t, -1).pow(2).sum().add(torch.logSoftmax(t, 0).pow(2).sum()),
  ],
  ['logsumexp', (t) => torch.logsumexp(t, 1).pow(2).sum()],
  ['prod', (t) => torch.prod(t, 1).pow(2).sum()],
  ['norm p=3', (t) => torch.norm(t, 3, 1).pow(2).sum()],
  [
    'var, matmul, cumsum',
    (t) =>
      torch
        .var(t, 1)
        .pow(2)
        .sum()
        .add(torch.matmul(t, t.T).pow(2).sum())
        .add(torch.cumsum(t, 1).pow(3).sum()),
  ],
  [
    'gelu (both), silu, softplus',
    (t) =>
      torch
        .gelu(t)
        .add(torch.gelu(t, { approximate: 'tanh' }))
        .mul(torch.silu(t))
        .add(torch.softplus(t))
        .pow(2)
        .sum(),
  ],
  ['elu, selu, mish', (t) => torch.elu(t).add(torch.selu(t)).mul(torch.mish(t)).pow(2).sum()],
  [
    'cross entropy (fused routine) and with label smoothing',
    (t) => {
      const y = torch.tensor([0, 2]).to(t.device);
      return L.crossEntropy(t, y)
        .pow(2)
        .add(L.crossEntropy(t, y, { labelSmoothing: 0.2 }).pow(2));
    },
  ],
  [
    'bce with logits, kl_div',
    (t) => {
      const p = torch.full([2, 3], 0.3, { device: t.device });
      return L.binaryCrossEntropyWithLogits(t, p)
        .pow(2)
        .add(L.klDiv(torch.logSoftmax(t, 1), p, { reduction: 'batchmean' }).pow(2));
    },
  ],
];

for (const device of testDevices())
  describe(`double backward on ${device}`, () => {
    for (const [name, f] of fs) it(name, () => expectGradcheck(gradOf(f), [leaf([2, 3], device, 3)]));
    it('d²/dx² of x³ is 6x', async () => {
      const x = torch.tensor([1, -2, 0.5]).to(device).requiresGrad_(true);
      const [dx] = torch.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
      const [d2x] = torch.autograd.grad(dx!.sum(), [x]);
      const v = Array.from(await d2x!.toArray());
      if (v.some((a, i) => Math.abs(a - [6, -12, 3][i]) > 1e-5)) throw new Error(`d2/dx2 x^3 = ${v}`);
    });
  });
