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

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
