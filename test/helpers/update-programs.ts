/** Optimizer update programs from the old routine's `(kind, hyper)` form, for backend tests. */
import type { UpdateStep } from '../../src/backend/backend.js';
import { adamProgram } from '../../src/optim/adam.js';
import { sgdProgram } from '../../src/optim/sgd.js';

export function programOf(kind: string, h: Record<string, number>): UpdateStep[] {
  if (kind === 'sgd')
    return sgdProgram(
      {
        lr: h.lr,
        momentum: h.momentum ?? 0,
        dampening: h.dampening ?? 0,
        weightDecay: h.weightDecay ?? 0,
        nesterov: !!h.nesterov,
        maximize: !!h.maximize,
      },
      h.step === 1,
    );
  return adamProgram(
    {
      lr: h.lr,
      betas: [h.beta1 ?? 0.9, h.beta2 ?? 0.999] as [number, number],
      eps: h.eps ?? 1e-8,
      weightDecay: h.weightDecay ?? 0,
      amsgrad: !!h.amsgrad,
      maximize: !!h.maximize,
    },
    h.step,
    kind === 'adamw',
  );
}
