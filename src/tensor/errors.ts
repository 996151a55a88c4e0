/** Errors with PyTorch's wording, naming the op and the shapes/dtypes/devices at fault. */
export class ShapeError extends RangeError {
  /** 'ShapeError' (what `err.name` and stack traces show). */
  override name = 'ShapeError';
}
/** A dtype an op does not accept (a TypeError, as PyTorch raises). */
export class DTypeError extends TypeError {
  /** 'DTypeError' (what `err.name` and stack traces show). */
  override name = 'DTypeError';
}
/** Tensors on different devices, an unknown or absent device, or a device-side failure. */
export class DeviceError extends Error {
  /** 'DeviceError' (what `err.name` and stack traces show). */
  override name = 'DeviceError';
}
/** Misuse of autograd: in-place edits of saved tensors, backward through a freed graph, ... */
export class AutogradError extends Error {
  /** 'AutogradError' (what `err.name` and stack traces show). */
  override name = 'AutogradError';
}
/** An allocation the device cannot hold (PyTorch's torch.OutOfMemoryError / torch.cuda.OutOfMemoryError). */
export class OutOfMemoryError extends Error {
  /** 'OutOfMemoryError' (what `err.name` and stack traces show). */
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
