/** Python-style literals for `extraRepr` (PyTorch prints `1.0`, `True`, `'none'`). */
export const pyFloat = (x: number): string =>
  Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : String(x);
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');
export const pyStr = (s: string): string => `'${s}'`;
export const pyTuple = (xs: readonly number[]): string =>
  xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
