/** Errors with PyTorch's wording, naming the op and the shapes/dtypes/devices at fault. */
export class ShapeError extends RangeError {
  override name = 'ShapeError';
}
export class DTypeError extends TypeError {
  override name = 'DTypeError';
}
export class DeviceError extends Error {
  override name = 'DeviceError';
}
export class AutogradError extends Error {
  override name = 'AutogradError';
}
/** An allocation the device cannot hold (PyTorch's torch.OutOfMemoryError / torch.cuda.OutOfMemoryError). */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError';
}

/** Bytes as PyTorch's allocator messages print them: `1.50 GiB`, `512.00 MiB`, `64 bytes`. */
export function fmtBytes(n: number): string {
  for (const [unit, size] of [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const)
    if (n >= size) return `${(n / size).toFixed(2)} ${unit}`;
  return `${n} bytes`;
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
