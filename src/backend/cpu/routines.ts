/** Fused CPU paths (see backend.ts `Routines`). Each has a composed reference in ops/. */
import type { Routines, View } from '../backend.js';
import type { CpuStorage } from './index.js';

const arr = (v: View) => (v.storage as CpuStorage).data;

export const cpuRoutines: Partial<Routines> = {
  /** One pass per row: max, sum of exp, loss = lse - x[t], and the softmax for the backward. */
  logSoftmaxNll(logits, target, ignoreIndex, loss, probs) {
    const [N, C] = logits.shape;
    const [rs, cs] = logits.strides;
    const x = arr(logits);
    const t = arr(target);
    const l = arr(loss);
    const p = arr(probs);
    for (let n = 0; n < N; n++) {
      const base = logits.offset + n * rs;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        const v = x[base + c * cs];
        if (v > m || v !== v) m = v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c * cs] - m);
      const lse = m + Math.log(s);
      const po = probs.offset + n * C;
      for (let c = 0; c < C; c++) p[po + c] = Math.exp(x[base + c * cs] - lse);
      const k = t[target.offset + n * target.strides[0]];
      if (k === ignoreIndex) l[loss.offset + n] = 0;
      else {
        if (k < 0 || k >= C)
          throw new RangeError(`cross_entropy: Target ${k} is out of bounds (number of classes ${C}).`);
        l[loss.offset + n] = lse - x[base + k * cs];
      }
    }
  },
};
