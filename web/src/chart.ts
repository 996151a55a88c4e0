/** A small SVG line chart: a few series over a shared x axis, redrawn on each update. */

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
  /** Draw markers instead of a line (sparse series such as test accuracy per epoch). */
  dots?: boolean;
}

const NS = 'http://www.w3.org/2000/svg';
const W = 480;
const H = 200;
const PAD = { l: 44, r: 12, t: 12, b: 28 };

const el = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

/** The smallest `n * step` >= `span` with a round step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten). */
function niceCeil(span: number, n: number): number {
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  return step * n;
}

const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2).replace(/\.?0+$/, '') || '0');

export class LineChart {
  private readonly svg: SVGSVGElement;
  constructor(
    container: HTMLElement,
    private readonly opts: { title: string; yMin?: number; yMax?: number; xLabel: string; percent?: boolean },
  ) {
    this.svg = el('svg', {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': `${opts.title}: no data yet`,
    });
    container.append(this.svg);
    this.update([]);
  }

  update(series: Series[]): void {
    const svg = this.svg;
    svg.replaceChildren();
    const all = series.flatMap((s) => s.points);
    const xMax = Math.max(10, ...all.map((p) => p[0]));
    let yMin = this.opts.yMin ?? Math.min(...all.map((p) => p[1]), 0);
    let yMax = this.opts.yMax ?? niceCeil(Math.max(...all.map((p) => p[1]), 1) - yMin, 4) + yMin;
    if (!(yMax > yMin)) [yMin, yMax] = [0, 1];
    const X = (x: number) => PAD.l + (x / xMax) * (W - PAD.l - PAD.r);
    const Y = (y: number) => H - PAD.b - ((y - yMin) / (yMax - yMin)) * (H - PAD.t - PAD.b);
    // grid and axis labels
    for (let i = 0; i <= 4; i++) {
      const v = yMin + ((yMax - yMin) * i) / 4;
      svg.append(el('line', { x1: PAD.l, x2: W - PAD.r, y1: Y(v), y2: Y(v), class: 'grid' }));
      const t = el('text', { x: PAD.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' });
      t.textContent = this.opts.percent ? `${Math.round(v * 100)}%` : fmt(v);
      svg.append(t);
    }
    const xl = el('text', { x: W - PAD.r, y: H - 6, 'text-anchor': 'end', class: 'tick' });
    xl.textContent = `${this.opts.xLabel} (0–${xMax})`;
    svg.append(xl);
    for (const s of series) {
      if (!s.points.length) continue;
      if (s.dots)
        for (const [x, y] of s.points)
          svg.append(el('circle', { cx: X(x), cy: Y(y), r: 3.5, fill: s.color }));
      else
        svg.append(
          el('polyline', {
            points: s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' '),
            fill: 'none',
            stroke: s.color,
            'stroke-width': 2,
          }),
        );
    }
    const last = series
      .filter((s) => s.points.length)
      .map((s) => {
        const v = s.points[s.points.length - 1][1];
        return `${s.name} ${this.opts.percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(3)}`;
      });
    svg.setAttribute('aria-label', `${this.opts.title}: ${last.length ? last.join(', ') : 'no data yet'}`);
  }
}
