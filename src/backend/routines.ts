/**
 * Shared by every backend's `Routines.optimizerStep`: the scalar slots the update kernels read,
 * derived once on the host in float64 (as PyTorch's Python scalars are) and passed as float32.
 *   sgd:          [lr, momentum, 1 - dampening, weightDecay]
 *   adam / adamw: [lr, 1 - beta1, beta1, beta2, 1 - beta2, eps, weightDecay,
 *                  lr / (1 - beta1^step), sqrt(1 - beta2^step), 1 - lr * weightDecay]
 */
export function optimizerHyper(kind: string, h: Record<string, number>, who: string): number[] {
  if (kind === 'sgd') return [h.lr, h.momentum ?? 0, 1 - (h.dampening ?? 0), h.weightDecay ?? 0];
  if (kind !== 'adam' && kind !== 'adamw')
    throw new RangeError(`${who} optimizerStep: unknown kind '${kind}' (expected sgd, adam or adamw)`);
  if (!(h.step >= 1))
    throw new RangeError(`${who} optimizerStep: ${kind} needs hyper.step >= 1, got ${h.step}`);
  const b1 = h.beta1 ?? 0.9;
  const b2 = h.beta2 ?? 0.999;
  const lr = h.lr ?? 1e-3;
  const wd = h.weightDecay ?? 0;
  return [
    lr,
    1 - b1,
    b1,
    b2,
    1 - b2,
    h.eps ?? 1e-8,
    wd,
    lr / (1 - b1 ** h.step),
    Math.sqrt(1 - b2 ** h.step),
    1 - lr * wd,
  ];
}
