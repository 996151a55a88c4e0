/** PyTorch-style printing: `tensor([[1.0000, 2.5000], [3.0000, 4.0000]])` with its padding rules. */
import { type DType, isInt, type TypedArray } from './dtype.js';

const THRESHOLD = 1000; // torch's print threshold: summarize larger tensors with '...'
const EDGE = 3;

function formatter(vals: number[], dtype: DType): (x: number) => string {
  if (dtype === 'bool') return (x) => (x ? 'True' : 'False');
  if (isInt(dtype)) return (x) => String(x);
  const finite = vals.filter((v) => Number.isFinite(v));
  const nz = finite.map(Math.abs).filter((v) => v !== 0);
  const intMode = finite.every((v) => Number.isInteger(v));
  const maxA = nz.length ? Math.max(...nz) : 0;
  const minA = nz.length ? Math.min(...nz) : 0;
  const special = (x: number) => (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
  if (intMode) {
    if (maxA > 1e8)
      return (x) => (Number.isFinite(x) ? x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(x));
    return (x) => (Number.isFinite(x) ? `${Object.is(x, -0) ? '-0' : x.toFixed(0)}.` : special(x));
  }
  if (maxA / minA > 1000 || maxA > 1e8 || minA < 1e-4)
    return (x) => (Number.isFinite(x) ? x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(x));
  return (x) => (Number.isFinite(x) ? x.toFixed(4) : special(x));
}

export function formatTensor(data: TypedArray, shape: readonly number[], dtype: DType): string {
  const n = data.length;
  if (n === 0 && shape.length > 0) return '[]'; // PyTorch: `tensor([], size=(2, 0))`
  const summarize = n > THRESHOLD;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  // Indices shown along a dim: all of them, or the edges around '...'.
  const shown = (d: number): (number | null)[] => {
    const s = shape[d];
    if (!summarize || s <= 2 * EDGE) return Array.from({ length: s }, (_, i) => i);
    return [
      ...Array.from({ length: EDGE }, (_, i) => i),
      null,
      ...Array.from({ length: EDGE }, (_, i) => s - EDGE + i),
    ];
  };
  const visible: number[] = [];
  const collect = (d: number, off: number) => {
    if (d === shape.length) return void visible.push(data[off]);
    for (const i of shown(d)) if (i !== null) collect(d + 1, off + i * strides[d]);
  };
  collect(0, 0);
  const fmt = formatter(visible, dtype);
  const width = Math.max(1, ...visible.map((v) => fmt(v).length));
  const pad = (s: string) => s.padStart(width);
  if (shape.length === 0) return fmt(data[0]);
  const rec = (d: number, off: number, indent: number): string => {
    const parts = shown(d).map((i) =>
      i === null
        ? d === shape.length - 1
          ? ' ...' // PyTorch's _vector_str: `2,  ..., 1997` within a row, `...,` between rows
          : '...'
        : d === shape.length - 1
          ? pad(fmt(data[off + i * strides[d]]))
          : rec(d + 1, off + i * strides[d], indent + 1),
    );
    if (d === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = `,${'\n'.repeat(shape.length - 1 - d)}${' '.repeat(indent + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  return rec(0, 0, 7); // 7 = length of 'tensor('
}
