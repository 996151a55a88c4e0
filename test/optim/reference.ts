/**
 * torch.optim's single-tensor update rules (PyTorch 1.13 `_single_tensor_*`), written per
 * element in float64 over plain arrays: the hand-computed reference the optimizers are held to.
 */
export type Vec = number[];
export interface RefOptimizer {
  step(p: Vec, g: Vec): void;
}

export function refSGD(o: {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}): RefOptimizer {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = o;
  let buf: Vec | null = null;
  return {
    step(p, g) {
      let d = g.map((v) => (maximize ? -v : v));
      if (weightDecay) d = d.map((v, i) => v + weightDecay * p[i]);
      if (momentum) {
        if (!buf) buf = d.slice();
        else buf = buf.map((b, i) => momentum * b + (1 - dampening) * d[i]);
        const bb = buf;
        d = nesterov ? d.map((v, i) => v + momentum * bb[i]) : bb.slice();
      }
      for (let i = 0; i < p.length; i++) p[i] -= lr * d[i];
    },
  };
}

export function refAdam(o: {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  decoupled?: boolean;
}): RefOptimizer {
  const {
    lr,
    betas = [0.9, 0.999],
    eps = 1e-8,
    weightDecay = 0,
    amsgrad = false,
    maximize = false,
    decoupled = false,
  } = o;
  const [b1, b2] = betas;
  let m: Vec | null = null;
  let v: Vec | null = null;
  let vmax: Vec | null = null;
  let step = 0;
  return {
    step(p, g0) {
      let g = g0.map((x) => (maximize ? -x : x));
      m ??= p.map(() => 0);
      v ??= p.map(() => 0);
      vmax ??= p.map(() => 0);
      step++;
      if (weightDecay) {
        if (decoupled) for (let i = 0; i < p.length; i++) p[i] *= 1 - lr * weightDecay;
        else g = g.map((x, i) => x + weightDecay * p[i]);
      }
      const bc1 = 1 - b1 ** step;
      const bc2 = 1 - b2 ** step;
      for (let i = 0; i < p.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        vmax[i] = Math.max(vmax[i], v[i]);
        const denom = Math.sqrt(amsgrad ? vmax[i] : v[i]) / Math.sqrt(bc2) + eps;
        p[i] -= (lr / bc1) * (m[i] / denom);
      }
    },
  };
}

export function refRMSprop(o: {
  lr: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}): RefOptimizer {
  const {
    lr,
    alpha = 0.99,
    eps = 1e-8,
    weightDecay = 0,
    momentum = 0,
    centered = false,
    maximize = false,
  } = o;
  let sq: Vec | null = null;
  let ga: Vec | null = null;
  let buf: Vec | null = null;
  return {
    step(p, g0) {
      let g = g0.map((x) => (maximize ? -x : x));
      if (weightDecay) g = g.map((x, i) => x + weightDecay * p[i]);
      sq ??= p.map(() => 0);
      ga ??= p.map(() => 0);
      buf ??= p.map(() => 0);
      for (let i = 0; i < p.length; i++) {
        sq[i] = alpha * sq[i] + (1 - alpha) * g[i] * g[i];
        let avg: number;
        if (centered) {
          ga[i] = alpha * ga[i] + (1 - alpha) * g[i];
          avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
        } else avg = Math.sqrt(sq[i]) + eps;
        if (momentum > 0) {
          buf[i] = momentum * buf[i] + g[i] / avg;
          p[i] -= lr * buf[i];
        } else p[i] -= (lr * g[i]) / avg;
      }
    },
  };
}

export function refAdagrad(o: {
  lr: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}): RefOptimizer {
  const { lr, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = o;
  let sum: Vec | null = null;
  let step = 0;
  return {
    step(p, g0) {
      let g = g0.map((x) => (maximize ? -x : x));
      sum ??= p.map(() => initialAccumulatorValue);
      step++;
      if (weightDecay) g = g.map((x, i) => x + weightDecay * p[i]);
      const clr = lr / (1 + (step - 1) * lrDecay);
      for (let i = 0; i < p.length; i++) {
        sum[i] += g[i] * g[i];
        p[i] -= (clr * g[i]) / (Math.sqrt(sum[i]) + eps);
      }
    },
  };
}
