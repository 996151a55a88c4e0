/** A mistake of the user's (bad option, missing file): printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
