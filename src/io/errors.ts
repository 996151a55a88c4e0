/**
 * The one error class of the checkpoint layer: every malformed, truncated, hostile or unsupported
 * input ends in a `CheckpointError` whose message says what was wrong and where (byte offset,
 * tensor name, global name), never in a RangeError from deep inside a typed array.
 */
export class CheckpointError extends Error {
  /** 'CheckpointError'. */
  override readonly name = 'CheckpointError';
}

/** Throws a CheckpointError unless `cond` holds; `msg` is only built on failure. */
export function check(cond: unknown, msg: () => string): asserts cond {
  if (!cond) throw new CheckpointError(msg());
}
