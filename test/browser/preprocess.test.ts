// The drawing pad's MNIST preprocessing (web/src/preprocess.ts): pure functions, tested in Node.
import { describe, expect, it } from 'vitest';
import { centerOfMass, resampleArea, SIDE, toMnist } from '../../web/src/preprocess.js';

/** A w x h image with ink where `f(x, y)` is true. */
const image = (w: number, h: number, f: (x: number, y: number) => boolean) =>
  Float32Array.from({ length: w * h }, (_, i) => (f(i % w, Math.floor(i / w)) ? 1 : 0));

const bbox = (img: Float32Array) => {
  let [x0, y0, x1, y1] = [SIDE, SIDE, -1, -1];
  for (let i = 0; i < img.length; i++)
    if (img[i] > 0.05) {
      const [x, y] = [i % SIDE, Math.floor(i / SIDE)];
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1 };
};

describe('resampleArea', () => {
  it('averages the covered area, fractional edges included, and keeps the mean', () => {
    const src = Float32Array.from([0, 1, 1, 0, 1, 1]); // 3 x 2
    expect(resampleArea(src, 3, 2, 1, 1)[0]).toBeCloseTo(4 / 6, 6);
    // each output pixel covers 1.5 source columns: column 0 and half of column 1, or the rest
    const half = resampleArea(src, 3, 2, 2, 1);
    expect(half[0]).toBeCloseTo((0 + 0.5 * 1) / 1.5, 6);
    expect(half[1]).toBeCloseTo((0.5 * 1 + 1) / 1.5, 6);
    const up = resampleArea(Float32Array.from([0, 1]), 2, 1, 4, 1);
    expect(Array.from(up)).toEqual([0, 0, 1, 1]);
  });
});

describe('toMnist', () => {
  it('returns null for an empty pad', () => {
    expect(toMnist(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });

  it('fits the longer side to 20 px and puts the centre of mass at (14, 14)', () => {
    // an off-centre filled rectangle, 100 wide and 200 tall, in the top-left of the pad
    const img = toMnist(
      image(280, 280, (x, y) => x >= 10 && x < 110 && y >= 5 && y < 205),
      280,
      280,
    )!;
    expect(img).toHaveLength(784);
    const { w, h } = bbox(img);
    expect(h).toBe(20);
    expect(w).toBe(10);
    const [cx, cy] = centerOfMass(img);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...img)).toBe(1);
    expect(Math.min(...img)).toBe(0);
  });

  it('keeps a thin stroke (a "1") thin and at least a pixel wide', () => {
    const img = toMnist(
      image(280, 280, (x, y) => x >= 150 && x < 170 && y >= 40 && y < 240),
      280,
      280,
    )!;
    const { w, h } = bbox(img);
    expect(h).toBe(20);
    expect(w).toBe(2);
    const [cx] = centerOfMass(img);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
  });

  it('gives grey anti-aliased edges where a stroke covers part of a pixel', () => {
    // 200 x 200 box -> 20 x 20: scale 1/10; a stroke 15 px wide covers 1.5 output pixels
    const img = toMnist(
      image(280, 280, (x, y) => x >= 40 && x < 240 && y >= 40 && y < 240 && (x < 55 || y < 55)),
      280,
      280,
    )!;
    const greys = Array.from(img).filter((v) => v > 0.05 && v < 0.95);
    expect(greys.length).toBeGreaterThan(10);
  });
});
