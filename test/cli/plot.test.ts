/** The training plot's axes: round ticks, true bounds (an accuracy axis never shows 111%). */
import { describe, expect, it } from 'vitest';
import { curvesSvg, niceAxis } from '../../src/cli/plot.js';

const unbounded = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;

describe('niceAxis', () => {
  it('steps of 1, 2, 2.5 or 5 times a power of ten, covering the data', () => {
    for (const [min, max] of [
      [0.2871, 2.3014],
      [0.0123, 0.0456],
      [812, 1290],
      [-3.2, 7.9],
      [0.5, 0.5],
    ] as const) {
      const { lo, hi, ticks } = niceAxis(min, max, unbounded);
      expect(lo).toBeLessThanOrEqual(min);
      expect(hi).toBeGreaterThanOrEqual(max);
      const step = ticks[1] - ticks[0];
      const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
      expect(
        [1, 2, 2.5, 5].some((m) => Math.abs(mant - m) < 1e-9),
        `step ${step}`,
      ).toBe(true);
      for (const t of ticks) expect(Math.abs(t / step - Math.round(t / step))).toBeLessThan(1e-9);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
  });

  it('an accuracy axis stays within [0, 100%]', () => {
    const { lo, hi, ticks } = niceAxis(0.8123, 0.9731, [0, 1]);
    expect(hi).toBeLessThanOrEqual(1);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(1);
  });

  it('the SVG labels are the round ticks', () => {
    const svg = curvesSvg(
      [{ name: 'train', color: '#000', values: [2.31, 0.93, 0.52] }],
      [{ name: 'test', color: '#000', values: [0.62, 0.851, 0.8874] }],
    );
    const labels = [...svg.matchAll(/text-anchor="end" font-size="11">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0.5', '1.0', '1.5', '2.0', '2.5', '60%', '70%', '80%', '90%']);
  });
});
