/** A mistake of the user's (bad option, missing file, unusable checkpoint): printed in full, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A run that cannot go on (the loss became NaN or infinite): printed in full, exit code 1. */
export class TrainingError extends Error {
  override name = 'TrainingError';
}
