/**
 * A drawn digit -> MNIST's 28x28 input, roughly as LeCun et al. prepared the digits: the ink's
 * bounding box is scaled (keeping its aspect) to fit a 20x20 box with area averaging (which gives
 * the anti-aliased grey edges MNIST has), then placed in the 28x28 field so that its centre of mass
 * lies at the field's centre (14, 14). Pure functions of pixel arrays: no DOM, tested in Node.
 */

export const SIDE = 28;
const BOX = 20;

/** Box-filters a `sw` x `sh` grey image to `dw` x `dh`: each output pixel is the mean of the source
 *  area it covers, with fractional coverage at the edges (separable: rows, then columns). */
export function resampleArea(
  src: Float32Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
): Float32Array {
  const rows = new Float32Array(dw * sh); // [sh, dw]
  const weights = (n: number, m: number) => {
    // for each output index, the source indices and the fraction of each it covers
    const out: Array<Array<[number, number]>> = [];
    const scale = n / m;
    for (let o = 0; o < m; o++) {
      const a = o * scale;
      const b = (o + 1) * scale;
      const w: Array<[number, number]> = [];
      for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
        const cover = Math.min(b, i + 1) - Math.max(a, i);
        if (cover > 0) w.push([i, cover / scale]);
      }
      out.push(w);
    }
    return out;
  };
  const wx = weights(sw, dw);
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < dw; x++) {
      let s = 0;
      for (const [i, f] of wx[x]) s += src[y * sw + i] * f;
      rows[y * dw + x] = s;
    }
  const wy = weights(sh, dh);
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++)
    for (let x = 0; x < dw; x++) {
      let s = 0;
      for (const [i, f] of wy[y]) s += rows[i * dw + x] * f;
      out[y * dw + x] = s;
    }
  return out;
}

/**
 * `ink` is a `w` x `h` image with values in 0..1 (1 = ink). Returns the 784 MNIST pixels, or null
 * when nothing is drawn.
 */
export function toMnist(ink: Float32Array, w: number, h: number, threshold = 0.05): Float32Array | null {
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (ink[y * w + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) crop.set(ink.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + bw), y * bw);
  // longer side -> 20 px; a thin stroke (a "1") keeps its aspect, at least 1 px wide
  const s = BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * s));
  const th = Math.max(1, Math.round(bh * s));
  const small = resampleArea(crop, bw, bh, tw, th);
  // centre of mass (pixel centres at i + 0.5) -> (14, 14)
  let [m, mx, my] = [0, 0, 0];
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  const ox = Math.round(SIDE / 2 - mx / m);
  const oy = Math.round(SIDE / 2 - my / m);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const [X, Y] = [x + ox, y + oy];
      if (X >= 0 && X < SIDE && Y >= 0 && Y < SIDE) out[Y * SIDE + X] = Math.min(1, small[y * tw + x]);
    }
  return out;
}

/** Centre of mass of a 28x28 image, in pixel units (for tests and the preview). */
export function centerOfMass(img: Float32Array, side = SIDE): [number, number] {
  let [m, mx, my] = [0, 0, 0];
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const v = img[y * side + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  return [mx / m, my / m];
}
