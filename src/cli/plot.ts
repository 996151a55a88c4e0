/** A small self-contained SVG of the training curves (no plotting dependency needed). */
export interface Series {
  name: string;
  color: string;
  values: readonly number[];
}

function panel(
  title: string,
  series: readonly Series[],
  x0: number,
  w: number,
  h: number,
  opts: { legend: 'top' | 'bottom'; percent?: boolean },
): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const { lo, hi, ticks, decimals } = niceAxis(
    Math.min(...all),
    Math.max(...all),
    opts.percent ? [0, 1] : [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
  );
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const pad = { l: 48, r: 12, t: 28, b: 34 };
  const px = (i: number) => x0 + pad.l + (i / (n - 1)) * (w - pad.l - pad.r);
  const py = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (h - pad.t - pad.b);
  const out = [`<text x="${x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`];
  for (const t of ticks)
    out.push(
      `<line x1="${x0 + pad.l}" x2="${x0 + w - pad.r}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`,
      `<text x="${x0 + pad.l - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${opts.percent ? `${(100 * t).toFixed(Math.max(0, decimals - 2))}%` : t.toFixed(decimals)}</text>`,
    );
  out.push(`<text x="${x0 + w / 2}" y="${h - 6}" text-anchor="middle" font-size="11">epoch</text>`);
  for (let i = 0; i < n; i++)
    out.push(`<text x="${px(i)}" y="${h - pad.b + 14}" text-anchor="middle" font-size="10">${i + 1}</text>`);
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
    for (const [i, v] of s.values.entries())
      out.push(`<circle cx="${px(i)}" cy="${py(v)}" r="2.5" fill="${s.color}"/>`);
    out.push(
      `<text x="${x0 + w - pad.r - 4}" y="${opts.legend === 'top' ? pad.t + 14 + 14 * k : h - pad.b - 10 - 14 * (series.length - 1 - k)}" text-anchor="end" font-size="11" fill="${s.color}">${s.name}</text>`,
    );
  });
  return out.join('\n');
}

/**
 * A y axis with round ticks: a step of 1, 2, 2.5 or 5 times a power of ten giving about four
 * intervals, the range widened to whole steps and clipped to `bounds` (an accuracy axis never
 * passes 100%). `decimals` prints every tick exactly.
 */
export function niceAxis(
  min: number,
  max: number,
  bounds: readonly [number, number],
): { lo: number; hi: number; ticks: number[]; decimals: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (!(max > min)) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.05 : 0.5;
    [min, max] = [min - d, max + d];
  }
  const raw = (max - min) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + (step / p === 2.5 ? 1 : 0));
  const lo = Math.max(bounds[0], Math.floor(min / step + 1e-9) * step);
  const hi = Math.min(bounds[1], Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toFixed(decimals + 2)));
  return { lo, hi: hi > lo ? hi : lo + step, ticks, decimals };
}

/** Loss (train/test) and accuracy per epoch, side by side. */
export function curvesSvg(loss: readonly Series[], accuracy: readonly Series[]): string {
  const w = 420;
  const h = 300;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel('Loss', loss, 0, w, h, { legend: 'top' }),
    panel('Test accuracy', accuracy, w, w, h, { legend: 'bottom', percent: true }),
    '</svg>',
  ].join('\n');
}
